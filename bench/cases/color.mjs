// Brightness and contrast (issue 19): one element-wise pass (contrast: a
// summing pass first), so memcpy is the yardstick (the target:
// <= 2x memcpy for uint8 and float32).
import { W1, ramp, size } from '../data.mjs';

const colorCase = ({ id, op, name, Type, opts }) => ({
  id,
  family: op,
  name,
  bytes: size(W1) * Type.BYTES_PER_ELEMENT,
  items: size(W1) / W1[3],
  unit: 'pixels',
  setup: () => ({ batch: { data: ramp(Type, size(W1)), shape: W1 }, opts, out: new Type(size(W1)) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug[op](ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug[`${op}Async`](ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

export default [
  colorCase({ id: 'B1', op: 'brightness', name: 'brightness uint8 64x224x224x3, drawn factor and delta', Type: Uint8Array, opts: { factor: [0.8, 1.2], delta: [-20, 20], seed: 1 } }),
  colorCase({ id: 'B2', op: 'brightness', name: 'brightness float32 64x224x224x3, drawn factor', Type: Float32Array, opts: { factor: [0.8, 1.2], seed: 1 } }),
  colorCase({ id: 'K1', op: 'contrast', name: 'contrast uint8 64x224x224x3, drawn factor, per-channel means', Type: Uint8Array, opts: { factor: [0.8, 1.2], seed: 1 } }),
  colorCase({ id: 'K2', op: 'contrast', name: 'contrast float32 64x224x224x3, drawn factor, per-channel means', Type: Float32Array, opts: { factor: [0.8, 1.2], seed: 1 } }),
];
