// Gamma (issue 19): one element-wise pass, so memcpy is the yardstick.
// uint8 is a table lookup per element; float32 is the library's own float64
// power per element (a log and an exp2 polynomial: compute, not memory).
import { W1, ramp, size } from '../data.mjs';

const gammaCase = ({ id, name, Type, opts }) => ({
  id,
  family: 'gamma',
  name,
  bytes: size(W1) * Type.BYTES_PER_ELEMENT,
  items: size(W1) / W1[3],
  unit: 'pixels',
  setup: () => ({ batch: { data: Type === Float32Array ? ramp(Type, size(W1)).map((v) => v / 255) : ramp(Type, size(W1)), shape: W1 }, opts, out: new Type(size(W1)) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.gamma(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.gammaAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

export default [
  gammaCase({ id: 'M1', name: 'gamma uint8 64x224x224x3, drawn gamma [0.8, 1.25] (per-image tables)', Type: Uint8Array, opts: { seed: 1 } }),
  gammaCase({ id: 'M2', name: 'gamma float32 64x224x224x3 in [0, 1], drawn gamma [0.8, 1.25]', Type: Float32Array, opts: { seed: 1 } }),
];
