// MixUp / CutMix (issue 19): mixup reads two images and writes one per
// element, so memcpy is the yardstick (the target: mixup float32
// <= 2x memcpy); cutmix is a copy plus a box paste.
import { W1, ramp, size } from '../data.mjs';

const mixCase = ({ id, op, name, Type, opts }) => ({
  id,
  family: op,
  name,
  bytes: size(W1) * Type.BYTES_PER_ELEMENT,
  items: size(W1) / W1[3],
  unit: 'pixels',
  setup: () => {
    const labels = new Float32Array(W1[0] * 10);
    for (let i = 0; i < W1[0]; i += 1) labels[i * 10 + (i % 10)] = 1;
    return { batch: { data: ramp(Type, size(W1)), shape: W1 }, labels, opts, out: new Type(size(W1)), labelsOut: new Float32Array(labels.length) };
  },
  run: (fastaug, ctx, threads) => {
    const opts = { ...ctx.opts, out: ctx.out, labelsOut: ctx.labelsOut };
    return threads === 1 ? fastaug[op](ctx.batch, ctx.labels, opts) : fastaug[`${op}Async`](ctx.batch, ctx.labels, { ...opts, threads });
  },
});

export default [
  mixCase({ id: 'U1', op: 'mixup', name: 'mixup float32 64x224x224x3, alpha 0.2', Type: Float32Array, opts: { alpha: 0.2, seed: 1 } }),
  mixCase({ id: 'U2', op: 'cutmix', name: 'cutmix float32 64x224x224x3, alpha 1', Type: Float32Array, opts: { alpha: 1, seed: 1 } }),
  mixCase({ id: 'U3', op: 'mixup', name: 'mixup uint8 64x224x224x3, alpha 0.2', Type: Uint8Array, opts: { alpha: 0.2, seed: 1 } }),
];
