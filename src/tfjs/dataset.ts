// augmentDataset: maps a tf.data.Dataset of { xs, ys } through an augmenter
// (a Pipeline, any object with run(batch, { index, epoch }), or a plain
// function (batch, { index, epoch }) => batch), counting
// dataset indices and epochs for the caller: each pass over the dataset is
// one epoch, each element advances the index by its number of samples.
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';

import type { Batch, Layout } from '../ops/batch.js';
import { checkOptionNames, integerInRange, invalidParameterError } from '../validate.js';
import { batchToTensor, tensorToBatch } from './tensors.js';

/** Where a batch sits: the dataset index of its first sample, and the epoch. */
export interface AugmentAt {
  index: number;
  epoch: number;
}

/** An object that augments a batch, such as a Pipeline. */
export interface Augmenter {
  run(batch: Batch, options: AugmentAt): Batch;
}

/** A function that augments a batch; it may write into `batch.data` (a copy) and return it. */
export type AugmentFunction = (batch: Batch, at: AugmentAt) => Batch;

export interface AugmentDatasetOptions {
  /** Index of the dataset's first sample (default 0). */
  index?: number;
  /** Epoch of the first pass (default 0); each new iteration of the dataset is the next epoch. */
  epoch?: number;
  /** Whether each element's xs is a batch (rank 4, the default) or one image (rank 3). */
  batched?: boolean;
  /** Layout of xs (default 'NHWC'). */
  layout?: Layout;
  /** Optional label transform, e.g. label smoothing: (ys, { index, epoch, size }) → new ys. */
  labels?: (ys: Tensor, at: { index: number; epoch: number; size: number }) => Tensor;
}

type Element = { xs: Tensor; ys: Tensor };

/** An element of the dataset: { xs, ys } tensors, or a TypeError naming the element. */
function checkElement(value: unknown, k: number): Element {
  const e = value as Partial<Element> | null;
  if (typeof e !== 'object' || e === null || !(e.xs instanceof tf.Tensor) || !(e.ys instanceof tf.Tensor)) {
    throw invalidParameterError(`dataset element ${k}`, 'an object { xs: tf.Tensor, ys: tf.Tensor }', value);
  }
  return e as Element;
}

/** The augmenter as a function, or a TypeError naming what it may be. */
function augmentFunction(augmenter: Augmenter | AugmentFunction): AugmentFunction {
  if (typeof augmenter === 'function') return augmenter;
  if (typeof (augmenter as Augmenter | undefined)?.run === 'function') return (batch, at) => augmenter.run(batch, at);
  throw invalidParameterError('augmenter', 'a Pipeline, an object with run(batch, { index, epoch }), or a function (batch, { index, epoch }) => batch', augmenter);
}

export function augmentDataset(dataset: tfd.Dataset<Element>, augmenter: Augmenter | AugmentFunction, options?: AugmentDatasetOptions): tfd.Dataset<Element> {
  if (!(dataset instanceof tfd.Dataset)) throw invalidParameterError('dataset', 'a tf.data.Dataset', dataset);
  const run = augmentFunction(augmenter);
  const o = checkOptionNames<AugmentDatasetOptions>('augmentDataset', options, ['index', 'epoch', 'batched', 'layout', 'labels']);
  const firstIndex = o.index === undefined ? 0 : integerInRange('index', o.index, 0, 2 ** 32 - 1);
  let epoch = o.epoch === undefined ? 0 : integerInRange('epoch', o.epoch, 0, 2 ** 32 - 1);
  // every option is checked here, not on the first element of the first epoch
  if (o.batched !== undefined && typeof o.batched !== 'boolean') throw invalidParameterError('batched', 'a boolean', o.batched);
  if (o.layout !== undefined && o.layout !== 'NHWC' && o.layout !== 'NCHW') throw invalidParameterError('layout', "'NHWC' or 'NCHW'", o.layout);
  if (o.labels !== undefined && typeof o.labels !== 'function') throw invalidParameterError('labels', 'a function (ys, { index, epoch, size }) => tf.Tensor', o.labels);
  const batched = o.batched ?? true;
  const layout = o.layout ?? 'NHWC';

  const augment = (element: Element, index: number, at: number): Element => tf.tidy(() => {
    if (!batched && element.xs.rank !== 3) throw invalidParameterError('xs.rank', 'a rank-3 tensor (one image: batched is false)', element.xs.rank, 'range');
    if (batched && element.xs.rank !== 4) throw invalidParameterError('xs.rank', 'a rank-4 tensor (a batch; for one image per element pass batched: false)', element.xs.rank, 'range');
    const xs4 = batched ? element.xs : tf.expandDims(element.xs, 0);
    const out = batchToTensor(run(tensorToBatch(xs4, layout, 'xs'), { index, epoch: at }), xs4);
    const xs = batched ? out : tf.squeeze(out, [0]);
    const size = xs4.shape[0]!;
    const ys = o.labels ? o.labels(element.ys, { index, epoch: at, size }) : element.ys;
    // a new tensor either way: the element's own ys is disposed after this
    return { xs, ys: ys === element.ys ? tf.clone(ys) : ys };
  });

  return tfd.generator(async function* () {
    const at = epoch;
    epoch += 1;
    let index = firstIndex;
    const iterator = await dataset.iterator();
    for (let k = 0; ; k += 1) {
      const next = await iterator.next();
      if (next.done) return;
      const element = checkElement(next.value, k);
      const size = batched ? element.xs.shape[0]! : 1;
      let result: Element;
      try {
        result = augment(element, index, at);
      } finally {
        tf.dispose([element.xs, element.ys]);
      }
      index += size;
      yield result;
    }
  } as unknown as () => Generator<Element>);
}
