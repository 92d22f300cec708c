// Flips and crops (issue 19): data movement, so memcpy is the yardstick.
const W1 = [64, 224, 224, 3];
const size = (s) => s.reduce((a, b) => a * b, 1);

function ramp(Type, n) {
  const data = new Type(n);
  for (let i = 0; i < n; i += 1) data[i] = Type === Uint8Array ? (i * 7) & 255 : ((i * 7) & 255) / 255;
  return data;
}

const flipCase = ({ id, name, shape, Type, opts }) => ({
  id,
  family: 'flip',
  name,
  bytes: size(shape) * Type.BYTES_PER_ELEMENT,
  items: size(shape) / shape[3],
  unit: 'pixels',
  setup: () => ({ batch: { data: ramp(Type, size(shape)), shape }, opts, out: new Type(size(shape)) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.flip(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.flipAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

export default [
  // the target: flip uint8 <= 1.5x memcpy (every image flipped: the slow path throughout)
  flipCase({ id: 'F1', name: 'flip uint8 64x224x224x3, horizontal, every image', shape: W1, Type: Uint8Array, opts: { horizontal: true } }),
  flipCase({ id: 'F2', name: 'flip float32 64x224x224x3, drawn horizontal_and_vertical p 0.5', shape: W1, Type: Float32Array, opts: { mode: 'horizontal_and_vertical', seed: 1 } }),
];
