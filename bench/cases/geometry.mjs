// Flips and crops (issue 19): data movement, so memcpy is the yardstick.
import { W1, imageOpCase } from '../data.mjs';

const flipCase = (c) => imageOpCase({ ...c, op: 'flip' });
// bytes written (the output): a crop reads about as much
const cropCase = (c) => imageOpCase({ ...c, op: 'crop', outShape: [c.shape[0], c.opts.height, c.opts.width, c.shape[3]] });
const affineCase = (c) => imageOpCase({ ...c, op: 'affine' });
// bytes written (the output, size × size per image); the boxes read at most as much again
const resizedCropCase = (c) => imageOpCase({ ...c, op: 'resizedCrop', outShape: [c.shape[0], c.opts.size, c.opts.size, c.shape[3]] });

export default [
  // the target: flip uint8 <= 1.5x memcpy (every image flipped: the slow path throughout)
  flipCase({ id: 'F1', name: 'flip uint8 64x224x224x3, horizontal, every image', shape: W1, Type: Uint8Array, opts: { horizontal: true } }),
  flipCase({ id: 'F2', name: 'flip float32 64x224x224x3, drawn horizontal_and_vertical p 0.5', shape: W1, Type: Float32Array, opts: { mode: 'horizontal_and_vertical', seed: 1 } }),
  // the CIFAR recipe: pad 4 (zeros), crop 32
  cropCase({ id: 'X1', name: 'crop uint8 1024x32x32x3, padding 4, 32x32, constant', shape: [1024, 32, 32, 3], Type: Uint8Array, opts: { height: 32, width: 32, padding: 4, seed: 1 } }),
  cropCase({ id: 'X2', name: 'crop float32 64x224x224x3, padding 16, 224x224, reflect', shape: W1, Type: Float32Array, opts: { height: 224, width: 224, padding: 16, fill: 'reflect', seed: 1 } }),
  // the target: affine bilinear float32 <= 2x the subpixel shift of the same batch (W2)
  affineCase({ id: 'T1', name: 'affine float32 64x224x224x3, rotation ±15°, zoom 0.9-1.1, reflect, bilinear', shape: W1, Type: Float32Array, opts: { rotation: 15, zoom: [0.9, 1.1], fill: 'reflect', seed: 1 } }),
  // torchvision's ImageNet training crop: RandomResizedCrop(224), default scale and ratio
  resizedCropCase({ id: 'Z1', name: 'resizedCrop uint8 64x224x224x3 -> 224x224, scale 0.08-1, ratio 3/4-4/3, bilinear', shape: W1, Type: Uint8Array, opts: { size: 224, seed: 1 } }),
  resizedCropCase({ id: 'Z2', name: 'resizedCrop float32 64x224x224x3 -> 224x224, scale 0.08-1, ratio 3/4-4/3, bilinear', shape: W1, Type: Float32Array, opts: { size: 224, seed: 1 } }),
  affineCase({ id: 'T2', name: 'affine uint8 64x224x224x3, rotation ±15°, zoom 0.9-1.1, reflect, bilinear', shape: W1, Type: Uint8Array, opts: { rotation: 15, zoom: [0.9, 1.1], fill: 'reflect', seed: 1 } }),
];
