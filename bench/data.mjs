// Shared by the bench case files: batch sizes and their input data.
export const W1 = [64, 224, 224, 3];

/** Elements of a shape. */
export const size = (s) => s.reduce((a, b) => a * b, 1);

/** n values of a fixed pattern: uint8 levels, or the same levels / 255 as floats. */
export function ramp(Type, n) {
  const data = new Type(n);
  for (let i = 0; i < n; i += 1) data[i] = Type === Uint8Array ? (i * 7) & 255 : ((i * 7) & 255) / 255;
  return data;
}
