// Tensor ↔ typed-array conversion for the TF.js interop (DESIGN §6):
// int32 tensors of pixel values are uint8 images, float32 tensors float32.
import type { DataType, Rank, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

import type { Batch, Layout, Shape } from '../ops/batch.js';
import { invalidParameterError } from '../validate.js';

export function isTensor(value: unknown): value is Tensor {
  return value instanceof tf.Tensor;
}

/** A disposed tensor has no data: a TypeError naming the argument, rather than tfjs's bare Error. */
export function rejectDisposed(name: string, t: unknown): void {
  if (isTensor(t) && t.isDisposed) throw invalidParameterError(name, 'a tf.Tensor that is not disposed', t);
}

/** The typed array an op works on: float32 → Float32Array, int32 with values in [0, 255] → Uint8Array. */
export function tensorData(name: string, t: unknown): Uint8Array | Float32Array {
  if (!isTensor(t)) throw invalidParameterError(name, 'a tf.Tensor', t);
  rejectDisposed(name, t);
  // a copy: dataSync() can be the tensor's own storage (CPU backend), which an op writing in place would change
  if (t.dtype === 'float32') return Float32Array.from(t.dataSync() as Float32Array);
  if (t.dtype === 'int32') {
    const values = t.dataSync() as Int32Array;
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i]!;
      if (v < 0 || v > 255) throw invalidParameterError(name, 'an int32 tensor of pixel values in [0, 255]', v, 'range');
    }
    return Uint8Array.from(values);
  }
  throw invalidParameterError(`${name}.dtype`, "'float32' or 'int32'", t.dtype);
}

/** A Tensor4D as an image batch (a copy of its data). */
export function tensorToBatch(t: unknown, layout: Layout = 'NHWC', name = 'images'): Batch {
  // any other string would be taken as NCHW below
  if (layout !== 'NHWC' && layout !== 'NCHW') throw invalidParameterError('layout', "'NHWC' or 'NCHW'", layout);
  if (isTensor(t) && t.rank !== 4) throw invalidParameterError(`${name}.rank`, 'a rank-4 tensor', t.rank, 'range');
  const data = tensorData(name, t);
  const [a, b, c, d] = (t as Tensor).shape as Shape;
  const shape: Shape = layout === 'NHWC' ? [a, b, c, d] : [a, c, d, b];
  return { data, shape, layout };
}

/** A batch back as a tensor of the input's dtype and axis order. */
export function batchToTensor<R extends Rank>(batch: Batch, like: Tensor<R>): Tensor<R> {
  const dtype: DataType = like.dtype;
  const values = dtype === 'int32' ? Int32Array.from(batch.data) : batch.data;
  return tf.tensor(values, like.shape, dtype) as Tensor<R>;
}
