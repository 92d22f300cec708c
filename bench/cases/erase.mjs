// Random erasing (issue 19): a copy of the batch plus the boxes' fill, so
// memcpy is the yardstick (the target for uint8: <= 1.5x memcpy).
import { imageOpCase } from '../data.mjs';

const eraseCase = (c) => imageOpCase({ ...c, op: 'erase' });

export default [
  eraseCase({ id: 'E3', name: 'erase uint8 64x224x224x3, p 0.5, one box (torchvision defaults), constant 0', Type: Uint8Array, opts: { seed: 1 } }),
  eraseCase({ id: 'E4', name: 'erase float32 64x224x224x3, p 0.5, one box (torchvision defaults), constant 0', Type: Float32Array, opts: { seed: 1 } }),
];
