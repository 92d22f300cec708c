// Pixel shifts: the workloads W1, W2, W7.
const W1 = [64, 224, 224, 3];
const W7 = [1024, 28, 28, 1];
const size = (s) => s.reduce((a, b) => a * b, 1);

function ramp(Type, n) {
  const data = new Type(n);
  for (let i = 0; i < n; i += 1) data[i] = Type === Uint8Array ? (i * 7) & 255 : ((i * 7) & 255) / 255;
  return data;
}

const shiftCase = ({ id, name, shape, Type, opts }) => ({
  id,
  family: 'shift',
  name,
  bytes: size(shape) * Type.BYTES_PER_ELEMENT,
  items: size(shape) / shape[3],
  unit: 'pixels',
  setup: () => {
    const batch = { data: ramp(Type, size(shape)), shape };
    // integer per-image offsets (W1) or subpixel ones (W2), the same every run
    const dx = Array.from({ length: shape[0] }, (_, i) => opts.subpixelOffsets ? ((i % 9) - 4) * 1.37 : (i % 9) - 4);
    const dy = Array.from({ length: shape[0] }, (_, i) => opts.subpixelOffsets ? ((i % 7) - 3) * 0.83 : (i % 7) - 3);
    const { subpixelOffsets, ...rest } = opts;
    const given = rest.x === undefined ? { dx, dy } : {};
    return { batch, opts: { ...rest, ...given }, out: new Type(size(shape)) };
  },
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.shift(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.shiftAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

export default [
  shiftCase({ id: 'W1', name: 'shift uint8 64x224x224x3, integer offsets, constant fill', shape: W1, Type: Uint8Array, opts: { fill: 'constant' } }),
  shiftCase({ id: 'W2', name: 'shift float32 64x224x224x3, subpixel bilinear, reflect', shape: W1, Type: Float32Array, opts: { fill: 'reflect', subpixelOffsets: true } }),
  shiftCase({ id: 'W7', name: 'shift uint8 1024x28x28x1, drawn integer offsets, reflect', shape: W7, Type: Uint8Array, opts: { fill: 'reflect', x: 0.1, y: 0.1, subpixel: false, seed: 1 } }),
];
