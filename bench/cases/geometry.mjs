// Flips and crops (issue 19): data movement, so memcpy is the yardstick.
import { W1, ramp, size } from '../data.mjs';

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

const cropCase = ({ id, name, shape, Type, opts }) => ({
  id,
  family: 'crop',
  name,
  // bytes written (the output): a crop reads about as much
  bytes: shape[0] * opts.height * opts.width * shape[3] * Type.BYTES_PER_ELEMENT,
  items: shape[0] * opts.height * opts.width,
  unit: 'pixels',
  setup: () => ({ batch: { data: ramp(Type, size(shape)), shape }, opts, out: new Type(shape[0] * opts.height * opts.width * shape[3]) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.crop(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.cropAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

const affineCase = ({ id, name, shape, Type, opts }) => ({
  id,
  family: 'affine',
  name,
  bytes: size(shape) * Type.BYTES_PER_ELEMENT,
  items: size(shape) / shape[3],
  unit: 'pixels',
  setup: () => ({ batch: { data: ramp(Type, size(shape)), shape }, opts, out: new Type(size(shape)) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.affine(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.affineAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

const resizedCropCase = ({ id, name, shape, Type, opts }) => ({
  id,
  family: 'resizedCrop',
  name,
  // bytes written (the output, size × size per image); the boxes read at most as much again
  bytes: shape[0] * opts.size * opts.size * shape[3] * Type.BYTES_PER_ELEMENT,
  items: shape[0] * opts.size * opts.size,
  unit: 'pixels',
  setup: () => ({ batch: { data: ramp(Type, size(shape)), shape }, opts, out: new Type(shape[0] * opts.size * opts.size * shape[3]) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.resizedCrop(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.resizedCropAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

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
