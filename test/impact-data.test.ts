// The study's data (src/impact/data.ts): images and labels from batches,
// TF.js tensors and tf.data datasets, against hand-written expectations, and
// every way of getting them wrong named.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { studyData } from '../src/impact/data.js';

const pixels = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70]);

describe('studyData', () => {
  it('takes a batch and class indices as they are', async () => {
    const r = await studyData('train', { xs: { data: pixels, shape: [2, 2, 2, 1] }, ys: [3, 1] });
    expect(r.batch).toEqual({ data: pixels, shape: [2, 2, 2, 1] });
    expect(r.labels).toEqual(Int32Array.of(3, 1));
    const f = await studyData('test', { xs: { data: new Float32Array(8), shape: [2, 2, 2, 1], layout: 'NHWC' }, ys: Uint8Array.of(0, 2) });
    expect(f.labels).toEqual(Int32Array.of(0, 2));
  });

  it('reads int32 and float32 image tensors, index and one-hot label tensors', async () => {
    const int = await studyData('train', { xs: tf.tensor4d([0, 10, 255, 7], [1, 2, 2, 1], 'int32'), ys: tf.tensor1d([4], 'int32') });
    expect(int.batch.data).toEqual(Uint8Array.from([0, 10, 255, 7]));
    expect(int.batch.shape).toEqual([1, 2, 2, 1]);
    expect(int.labels).toEqual(Int32Array.of(4));
    const float = await studyData('train', { xs: tf.tensor4d([0.5, -1, 2, 3, 0, 0, 0, 1], [2, 2, 2, 1]), ys: tf.tensor2d([[0, 0.2, 0.9], [0.7, 0.1, 0.2]]) });
    expect(float.batch.data).toEqual(Float32Array.from([0.5, -1, 2, 3, 0, 0, 0, 1]));
    expect(float.labels).toEqual(Int32Array.of(2, 0)); // the largest of each one-hot row
  });

  it('joins a finite tf.data dataset of single images (rank 3, scalar labels) or batches', async () => {
    const single = tf.data.array([
      { xs: tf.tensor3d([1, 2, 3, 4], [2, 2, 1], 'int32'), ys: tf.scalar(1, 'int32') },
      { xs: tf.tensor3d([5, 6, 7, 8], [2, 2, 1], 'int32'), ys: tf.scalar(0, 'int32') },
    ]);
    const r = await studyData('train', single);
    expect(r.batch).toEqual({ data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 2, 2, 1] });
    expect(r.labels).toEqual(Int32Array.of(1, 0));
    const batched = tf.data.array([{ xs: tf.tensor4d([0.5, 1.5], [2, 1, 1, 1]), ys: tf.tensor2d([[2], [3]], [2, 1], 'int32') }]);
    const b = await studyData('test', batched);
    expect(b.batch.data).toEqual(Float32Array.from([0.5, 1.5]));
    expect(b.labels).toEqual(Int32Array.of(2, 3));
  });

  it('names what is wrong', async () => {
    const batch = { data: pixels, shape: [2, 2, 2, 1] };
    const cases: Array<[unknown, string]> = [
      [null, 'for train but received null'],
      [{ xs: { data: [1, 2], shape: [1, 1, 2, 1] }, ys: [0] }, 'for train.xs'],
      [{ xs: { data: pixels, shape: [2, 2, 2] }, ys: [0, 0] }, 'for train.xs'],
      [{ xs: { ...batch, layout: 'NCHW' }, ys: [0, 0] }, 'Expected NHWC images for train.xs'],
      [{ xs: { data: pixels, shape: [2, 2, 2, 0.5] }, ys: [0, 0] }, 'Expected positive whole dimensions for train.xs.shape'],
      [{ xs: { data: pixels, shape: [1, 2, 2, 1] }, ys: [0] }, 'Expected train.xs.data of length 1·2·2·1 = 4 but received 8'],
      [{ xs: tf.zeros([2, 2, 2]), ys: [0, 0] }, 'Expected a rank-4 tensor [n, h, w, c] for train.xs but received shape [2, 2, 2]'],
      [{ xs: tf.tensor4d([0, 300], [1, 1, 2, 1], 'int32'), ys: [0] }, 'Expected int32 pixel values 0…255 for train.xs but received 300 at element 1'],
      [{ xs: tf.tensor4d([true, false], [1, 1, 2, 1], 'bool'), ys: [0] }, 'Expected a float32 or int32 tensor for train.xs but received dtype bool'],
      [{ xs: tf.zeros([0, 2, 2, 1]), ys: [] }, 'Expected at least one image in train.xs'],
      [{ xs: batch, ys: 'ab' }, 'for train.ys'],
      [{ xs: batch, ys: [0, -1] }, 'Expected class indices (whole numbers ≥ 0) for train.ys but received -1 at 1'],
      [{ xs: batch, ys: [0, 1.5] }, 'received 1.5 at 1'],
      [{ xs: batch, ys: [0] }, 'Expected 2 labels for train.ys (one per image of train.xs) but received 1'],
      [{ xs: batch, ys: tf.zeros([2, 1, 1]) }, 'Expected class indices [n] or one-hot [n, classes] for train.ys but received shape [2, 1, 1]'],
      [tf.data.array([]), 'Expected a non-empty dataset for train'],
      [tf.data.array([{ xs: tf.zeros([1, 2, 2, 1]), ys: [0] }]), 'for train element 0'],
      [tf.data.array([{ xs: tf.zeros([1, 2, 2, 1]), ys: tf.tensor1d([0]) }, { xs: tf.zeros([1, 2, 3, 1]), ys: tf.tensor1d([0]) }]),
        'Expected every element of train to hold 2×2×1 images of one dtype'],
    ];
    for (const [value, message] of cases) await expect(studyData('train', value), message).rejects.toThrow(message);
  });
});
