// Measure what augmentations do to YOUR model on YOUR data with
// fastaug/impact: here a small model on 24×24 RGB images in 4 classes made
// below (put your own arrays in their place), three conditions, 5 paired
// seeds, and the report written to a directory.
//
//   node examples/measure-impact.mjs [--train N] [--test N] [--seeds N] [--epochs N] [--out DIR]
//
// The README's "Measure your own model" section is this file; the test
// suite runs it with small sizes.
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';
import { Pipeline } from 'fastaug';
import { measureImpact, writeImpactReport } from 'fastaug/impact';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string', default: '2000' },
    test: { type: 'string', default: '1000' },
    seeds: { type: 'string', default: '5' },
    epochs: { type: 'string', default: '3' },
    out: { type: 'string', default: 'impact-example' },
  },
});

// Your data: uint8 pixels (0–255), NHWC, and a class index per image.
// (Here: class k is a bright disc in quadrant k on a textured background.)
const [h, w, c, classes] = [24, 24, 3, 4];
function makeImages(n, offset) {
  const data = new Uint8Array(n * h * w * c);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const k = (i + offset) % classes;
    labels[i] = k;
    const [cy, cx] = [6 + 12 * (k >> 1) + ((i * 5) % 5) - 2, 6 + 12 * (k & 1) + ((i * 3) % 5) - 2];
    for (let y = 0; y < h; y += 1) {
      for (let x = 0; x < w; x += 1) {
        const inside = (y - cy) ** 2 + (x - cx) ** 2 <= 16;
        for (let ch = 0; ch < c; ch += 1) data[((i * h + y) * w + x) * c + ch] = (inside ? 150 + 30 * ch : 30) + ((i * 7 + y * 13 + x * 11 + ch) % 50);
      }
    }
  }
  return { xs: { data, shape: [n, h, w, c] }, ys: labels };
}

// Your model: any compiled tf.LayersModel whose initializers take the seed
// (fastaug checks: the same seed must give the same initial weights).
function buildModel({ seed }) {
  const init = (k) => tf.initializers.glorotUniform({ seed: seed * 10 + k });
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [h, w, c] }),
      tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

const report = await measureImpact({
  model: buildModel,
  train: makeImages(Number(args.train), 0),
  test: makeImages(Number(args.test), 1),
  conditions: {
    shift: new Pipeline([{ op: 'shift', options: { x: 0.1, y: 0.1, fill: 'reflect' } }]),
    noise: new Pipeline([{ op: 'gaussianNoise', options: { std: [0, 25] } }]),
    smoothing: { labels: { smooth: 0.1 } },
  },
  seeds: Number(args.seeds),
  epochs: Number(args.epochs),
  batchSize: 32,
  onProgress: ({ done, total }) => process.stderr.write(`\r${done}/${total} runs`),
});
process.stderr.write('\n');
writeImpactReport(report, args.out);

for (const s of report.summary) {
  const d = s.deltaClean;
  const delta = d ? `Δ ${(100 * d.estimate).toFixed(2)} pp [${(100 * d.bootstrap.lo).toFixed(2)}, ${(100 * d.bootstrap.hi).toFixed(2)}]${d.significant ? ' *' : ''}` : 'reference';
  console.log(`${s.condition.padEnd(10)} clean ${(100 * s.clean.mean).toFixed(2)} %  ${delta}`);
}
console.log(`report: ${args.out}/impact.html`);
