// Train a small TF.js model on Fashion-MNIST with fastaug, end to end:
// the IDX files read with fastaug/data, each training batch augmented by a
// Pipeline through augmentDataset, a GaussianNoise layer on the hidden
// units, model.fitDataset, then accuracy on the clean test set.
//
//   node examples/fashion-mnist.mjs [--data DIR] [--train N] [--test N] [--epochs N] [--backend cpu|wasm]
//
// --data defaults to /usr/share/datasets/fashion-mnist (Debian's
// dataset-fashion-mnist); any MNIST-style directory of 28×28 images in 10
// classes works. The test suite runs this file on a tiny dataset of its own.
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';
import { Pipeline } from 'fastaug';
import { DEFAULT_DATA_DIR, loadImageDataset } from 'fastaug/data';
import { augmentDataset, GaussianNoise } from 'fastaug/tfjs';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    train: { type: 'string', default: '6000' },
    test: { type: 'string', default: '2000' },
    epochs: { type: 'string', default: '2' },
    backend: { type: 'string', default: 'cpu' },
  },
});
if (args.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(args.backend);

const train = loadImageDataset(args.data, 'train');  // { images: Uint8Array, labels: Uint8Array, n, h, w }
const test = loadImageDataset(args.data, 't10k');
const { h, w } = train;
const classes = 10;

/**
 * A tf.data.Dataset of { xs, ys } batches of the first n images: xs are
 * int32 pixel levels 0–255 (augmentDataset hands fastaug a uint8 batch),
 * ys one-hot labels.
 */
function batches(set, n, size) {
  const count = Math.min(n, set.n);
  return tf.data.generator(function* () {
    for (let i = 0; i < count; i += size) {
      const m = Math.min(size, count - i);
      const xs = tf.tensor4d(Int32Array.from(set.images.subarray(i * h * w, (i + m) * h * w)), [m, h, w, 1], 'int32');
      const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(set.labels.subarray(i, i + m)), 'int32'), classes));
      yield { xs, ys };
    }
  });
}

/** Pixel levels to [0, 1] floats, after augmentation. */
const normalise = ({ xs, ys }) => ({ xs: tf.div(tf.cast(xs, 'float32'), 255), ys });

// Augmentation works on the pixel levels, so its noise std is in levels
// (24 of 255); it would be a disaster on images already scaled to [0, 1].
const augment = new Pipeline([
  { op: 'shift', options: { x: 0.1, y: 0.1, fill: 'constant' } },  // up to ±2.8 pixels; Fashion-MNIST's background is 0
  { op: 'gaussianNoise', options: { std: [0, 24] }, p: 0.5 },
], { seed: 1 });
// sample i of epoch e gets the same augmentation on every run, backend and machine
const trainSet = augmentDataset(batches(train, Number(args.train), 64), augment).map(normalise);
const testSet = batches(test, Number(args.test), 256).map(normalise);

const seeded = (seed) => tf.initializers.glorotUniform({ seed });
const model = tf.sequential({
  layers: [
    tf.layers.flatten({ inputShape: [h, w, 1] }),
    tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: seeded(1) }),
    // noise on the hidden units during training only; its stddev is in the units of these activations
    new GaussianNoise({ stddev: 0.1, seed: 2 }),
    tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: seeded(3) }),
  ],
});
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

const epochs = Number(args.epochs);
await model.fitDataset(trainSet, {
  epochs,
  verbose: 0,
  callbacks: { onEpochEnd: (epoch, logs) => console.log(`epoch ${epoch + 1}/${epochs}: loss ${logs.loss.toFixed(4)}, training accuracy ${logs.acc.toFixed(4)}`) },
});
const [loss, accuracy] = await model.evaluateDataset(testSet);
console.log(`test: loss ${(await loss.data())[0].toFixed(4)}, accuracy ${(await accuracy.data())[0].toFixed(4)} (${tf.getBackend()} backend)`);
