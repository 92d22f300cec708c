// Random erasing (issue 19): a copy of the batch plus the boxes' fill, so
// memcpy is the yardstick (the target for uint8: <= 1.5x memcpy).
import { W1, ramp, size } from '../data.mjs';

const eraseCase = ({ id, name, Type, opts }) => ({
  id,
  family: 'erase',
  name,
  bytes: size(W1) * Type.BYTES_PER_ELEMENT,
  items: size(W1) / W1[3],
  unit: 'pixels',
  setup: () => ({ batch: { data: ramp(Type, size(W1)), shape: W1 }, opts, out: new Type(size(W1)) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.erase(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.eraseAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

export default [
  eraseCase({ id: 'E3', name: 'erase uint8 64x224x224x3, p 0.5, one box (torchvision defaults), constant 0', Type: Uint8Array, opts: { seed: 1 } }),
  eraseCase({ id: 'E4', name: 'erase float32 64x224x224x3, p 0.5, one box (torchvision defaults), constant 0', Type: Float32Array, opts: { seed: 1 } }),
];
