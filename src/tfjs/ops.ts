// Every fastaug op with tensors in and out: the tensor's data goes through
// the typed-array op and comes back as a new tensor of the same dtype and
// shape. No tensor is left behind (inputs are the caller's to dispose).
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

import type { Batch } from '../ops/batch.js';
import { gaussianDropout, type GaussianDropoutOptions } from '../ops/hidden.js';
import { flipLabels, labelSmoothing, type FlipLabelsOptions } from '../ops/labels.js';
import { cutmix, mixup, type CutmixOptions, type MixupOptions } from '../ops/mix.js';
import {
  gaussianNoise, saltAndPepper, speckleNoise, uniformNoise,
  type GaussianNoiseOptions, type SaltAndPepperOptions, type SpeckleNoiseOptions, type UniformNoiseOptions,
} from '../ops/noise.js';
import { randomNormal, randomUniform, type RandomNormalOptions, type RandomUniformOptions } from '../ops/random.js';
import { shift, type ShiftOptions } from '../ops/shift.js';
import { flip, type FlipOptions } from '../ops/flip.js';
import { crop, type CropOptions } from '../ops/crop.js';
import { brightness, contrast, type BrightnessOptions, type ContrastOptions } from '../ops/color.js';
import { affine, type AffineOptions } from '../ops/affine.js';
import { resizedCrop, type ResizedCropOptions } from '../ops/resized-crop.js';
import { gaussianBlur, type GaussianBlurOptions } from '../ops/blur.js';
import { gamma, type GammaOptions } from '../ops/gamma.js';
import { erase, type EraseOptions } from '../ops/erase.js';
import type { Pipeline } from '../pipeline.js';
import { checkOptionNames, invalidParameterError, integerInRange, isPlainObject } from '../validate.js';
import { batchToTensor, rejectDisposed, tensorToBatch } from './tensors.js';

function shapeArgument(shape: unknown): number[] {
  if (!Array.isArray(shape)) throw invalidParameterError('shape', 'an array of non-negative integers', shape);
  return shape.map((d, i) => integerInRange(`shape[${i}]`, d, 0, 2 ** 32));
}

/**
 * The typed-array op's options, less `out`: the result here is always a new
 * tensor, and an `out` array would be written and then copied for nothing.
 */
function withoutOut<O>(op: string, options: O): O {
  if (isPlainObject(options) && 'out' in options) {
    throw new TypeError(`Unknown option 'out' for ${op}: it returns a new tensor (pass no out)`);
  }
  return options;
}

/** randomNormal as a float32 tensor of `shape`. */
export function randomNormalTensor(shape: number[], options?: Omit<RandomNormalOptions, 'out'>): Tensor {
  const dims = shapeArgument(shape);
  return tf.tensor(randomNormal(dims.reduce((a, b) => a * b, 1), withoutOut('randomNormalTensor', options)), dims, 'float32');
}

/** randomUniform as a float32 tensor of `shape`. */
export function randomUniformTensor(shape: number[], options?: Omit<RandomUniformOptions, 'out'>): Tensor {
  const dims = shapeArgument(shape);
  return tf.tensor(randomUniform(dims.reduce((a, b) => a * b, 1), withoutOut('randomUniformTensor', options)), dims, 'float32');
}

type ImageFn<O> = (batch: Batch, options: O) => Batch;

/** An image op with a Tensor4D (NHWC) in and out: same dtype (int32 pixels ↔ uint8) and shape. */
function imageOp<O extends object>(op: string, fn: ImageFn<O>): (images: Tensor, options: Omit<O, 'out'>) => Tensor {
  return (images, options) => {
    const batch = tensorToBatch(images);
    return batchToTensor(fn(batch, withoutOut(op, options) as O), images);
  };
}

export const shiftTensor = imageOp<ShiftOptions>('shiftTensor', shift);
export const flipTensor = imageOp<FlipOptions>('flipTensor', flip) as (images: Tensor, options?: Omit<FlipOptions, 'out'>) => Tensor;
export const brightnessTensor = imageOp<BrightnessOptions>('brightnessTensor', brightness) as (images: Tensor, options?: Omit<BrightnessOptions, 'out'>) => Tensor;
export const contrastTensor = imageOp<ContrastOptions>('contrastTensor', contrast);

/** crop on a Tensor4D (NHWC): same dtype, shape [n, height, width, c] (the output size, not the input's). */
export function cropTensor(images: Tensor, options: Omit<CropOptions, 'out'>): Tensor {
  const batch = tensorToBatch(images);
  const out = crop(batch, withoutOut('cropTensor', options) as CropOptions);
  return tf.tensor(images.dtype === 'int32' ? Int32Array.from(out.data) : out.data, [...out.shape], images.dtype);
}
export const affineTensor = imageOp<AffineOptions>('affineTensor', affine);

/** resizedCrop on a Tensor4D (NHWC): same dtype, shape [n, size…, c] (the output size, not the input's). */
export function resizedCropTensor(images: Tensor, options: Omit<ResizedCropOptions, 'out'>): Tensor {
  const batch = tensorToBatch(images);
  const out = resizedCrop(batch, withoutOut('resizedCropTensor', options) as ResizedCropOptions);
  return tf.tensor(images.dtype === 'int32' ? Int32Array.from(out.data) : out.data, [...out.shape], images.dtype);
}
export const gaussianBlurTensor = imageOp<GaussianBlurOptions>('gaussianBlurTensor', gaussianBlur);
export const gammaTensor = imageOp<GammaOptions>('gammaTensor', gamma) as (images: Tensor, options?: Omit<GammaOptions, 'out'>) => Tensor;
export const eraseTensor = imageOp<EraseOptions>('eraseTensor', erase) as (images: Tensor, options?: Omit<EraseOptions, 'out'>) => Tensor;
export const gaussianNoiseTensor = imageOp<GaussianNoiseOptions>('gaussianNoiseTensor', gaussianNoise);
export const uniformNoiseTensor = imageOp<UniformNoiseOptions>('uniformNoiseTensor', uniformNoise);
export const speckleNoiseTensor = imageOp<SpeckleNoiseOptions>('speckleNoiseTensor', speckleNoise);
export const saltAndPepperTensor = imageOp<SaltAndPepperOptions>('saltAndPepperTensor', saltAndPepper);

/** A Pipeline run on a Tensor4D (NHWC): { index, epoch } as in Pipeline.run. */
export function pipelineTensor(pipeline: Pipeline, images: Tensor, options?: { index?: number; epoch?: number }): Tensor {
  // by shape, not instanceof: fastaug and fastaug/tfjs may come from the ESM and the CJS build
  if (typeof pipeline !== 'object' || pipeline === null || typeof (pipeline as { run?: unknown }).run !== 'function') {
    throw invalidParameterError('pipeline', 'a Pipeline', pipeline);
  }
  return batchToTensor(pipeline.run(tensorToBatch(images), options), images);
}

/** gaussianDropout on any float32 tensor. */
export function gaussianDropoutTensor(x: Tensor, options: Omit<GaussianDropoutOptions, 'out'>): Tensor {
  rejectDisposed('x', x);
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32') throw invalidParameterError('x', 'a float32 tf.Tensor', x);
  return tf.tensor(gaussianDropout(Float32Array.from(x.dataSync()), withoutOut('gaussianDropoutTensor', options)), x.shape, 'float32');
}

/** labelSmoothing on a float32 [n, K] one-hot tensor. */
export function labelSmoothingTensor(oneHot: Tensor, options: { epsilon: number }): Tensor {
  rejectDisposed('oneHot', oneHot);
  // tf.oneHot gives int32, the natural input: say so rather than just "not float32"
  if (oneHot instanceof tf.Tensor && oneHot.dtype !== 'float32') throw invalidParameterError('oneHot.dtype', "'float32' (cast tf.oneHot's int32 with tf.cast(t, 'float32'))", oneHot.dtype);
  if (!(oneHot instanceof tf.Tensor) || oneHot.dtype !== 'float32' || oneHot.rank !== 2) throw invalidParameterError('oneHot', 'a float32 tf.Tensor of shape [n, numClasses]', oneHot);
  // numClasses is the tensor's second dimension; epsilon is the one option
  const { epsilon } = checkOptionNames<{ epsilon: number }>('labelSmoothingTensor', options, ['epsilon']);
  return tf.tensor(labelSmoothing(Float32Array.from(oneHot.dataSync()), { numClasses: oneHot.shape[1]!, epsilon: epsilon! }), oneHot.shape, 'float32');
}

/** flipLabels on an int32 tensor of class indices. */
export function flipLabelsTensor(labels: Tensor, options: Omit<FlipLabelsOptions, 'out'>): Tensor {
  rejectDisposed('labels', labels);
  if (!(labels instanceof tf.Tensor) || labels.dtype !== 'int32') throw invalidParameterError('labels', 'an int32 tf.Tensor of class indices', labels);
  return tf.tensor(flipLabels(Int32Array.from(labels.dataSync()), withoutOut('flipLabelsTensor', options)), labels.shape, 'int32');
}

/** mixup / cutmix on a Tensor4D (NHWC) and its float32 [n, K] labels: new tensors { images, labels }. */
function mixOp<O extends object>(op: string, fn: (batch: Batch, labels: Float32Array, options: O) => { batch: Batch; labels: Float32Array }) {
  return (images: Tensor, labels: Tensor, options?: Omit<O, 'out' | 'labelsOut'>): { images: Tensor; labels: Tensor } => {
    rejectDisposed('labels', labels);
    if (!(labels instanceof tf.Tensor) || labels.dtype !== 'float32' || labels.rank !== 2) throw invalidParameterError('labels', 'a float32 tf.Tensor of shape [n, numClasses]', labels);
    if (isPlainObject(options) && 'labelsOut' in options) throw new TypeError(`Unknown option 'labelsOut' for ${op}: it returns new tensors`);
    const batch = tensorToBatch(images);
    const r = fn(batch, Float32Array.from(labels.dataSync()), withoutOut(op, options ?? {}) as O);
    return { images: batchToTensor(r.batch, images), labels: tf.tensor(r.labels, labels.shape, 'float32') };
  };
}

export const mixupTensor = mixOp<MixupOptions>('mixupTensor', mixup);
export const cutmixTensor = mixOp<CutmixOptions>('cutmixTensor', cutmix);
