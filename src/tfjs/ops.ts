// Every fastaug op with tensors in and out: the tensor's data goes through
// the typed-array op and comes back as a new tensor of the same dtype and
// shape. No tensor is left behind (inputs are the caller's to dispose).
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

import { randomNormal, randomUniform, type RandomNormalOptions, type RandomUniformOptions } from '../ops/random.js';
import { invalidParameterError, integerInRange } from '../validate.js';

function shapeArgument(shape: unknown): number[] {
  if (!Array.isArray(shape)) throw invalidParameterError('shape', 'an array of non-negative integers', shape);
  return shape.map((d, i) => integerInRange(`shape[${i}]`, d, 0, 2 ** 32));
}

/** randomNormal as a float32 tensor of `shape`. */
export function randomNormalTensor(shape: number[], options?: Omit<RandomNormalOptions, 'out'>): Tensor {
  const dims = shapeArgument(shape);
  return tf.tensor(randomNormal(dims.reduce((a, b) => a * b, 1), options), dims, 'float32');
}

/** randomUniform as a float32 tensor of `shape`. */
export function randomUniformTensor(shape: number[], options?: Omit<RandomUniformOptions, 'out'>): Tensor {
  const dims = shapeArgument(shape);
  return tf.tensor(randomUniform(dims.reduce((a, b) => a * b, 1), options), dims, 'float32');
}
