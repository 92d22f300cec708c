// Sharding training data by sample index (README "More machines"): one
// epoch's augmentation of a dataset split across 2 worker threads — each
// given only the Pipeline's JSON, the seed inside it, its slice and the
// index of the slice's first sample — gives the bytes of 1 thread doing the
// whole dataset. The public stream layout (DESIGN §3) is what makes it so:
// sample i's draws depend on (seed, i, epoch), not on who computes them.
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { Pipeline } from '../src/index.js';

const lib = path.resolve(__dirname, '../dist/cjs/index.js');

// the worker thread: rebuilds the Pipeline from JSON and augments its shard
const shardWorker = `
const { parentPort, workerData } = require('node:worker_threads');
const { Pipeline } = require(workerData.lib);
const pipeline = Pipeline.fromJSON(workerData.pipeline);
const out = pipeline.run({ data: workerData.data, shape: workerData.shape }, { index: workerData.index, epoch: workerData.epoch });
parentPort.postMessage(out.data);
`;

function augmentShard(pipeline: Pipeline, data: Uint8Array | Float32Array, shape: [number, number, number, number], index: number, epoch: number): Promise<Uint8Array | Float32Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(shardWorker, { eval: true, workerData: { lib, pipeline: pipeline.toJSON(), data, shape, index, epoch } });
    worker.once('message', (out: Uint8Array | Float32Array) => { resolve(out); void worker.terminate(); });
    worker.once('error', reject);
  });
}

/** The epoch's augmentation split into shards [0, cut), [cut, n), each on its own thread, joined in dataset order. */
async function sharded(pipeline: Pipeline, data: Uint8Array | Float32Array, shape: [number, number, number, number], cuts: number[], epoch: number): Promise<Uint8Array | Float32Array> {
  const [n, h, w, c] = shape;
  const per = h * w * c;
  const bounds = [0, ...cuts, n];
  const parts = await Promise.all(bounds.slice(1).map((end, k) => {
    const start = bounds[k]!;
    return augmentShard(pipeline, data.slice(start * per, end * per), [end - start, h, w, c], start, epoch);
  }));
  const out = new (data.constructor as new (length: number) => Uint8Array | Float32Array)(data.length);
  parts.forEach((p, k) => out.set(p, bounds[k]! * per));
  return out;
}

describe('sharding an epoch by sample index across worker threads', () => {
  const pipeline = new Pipeline([
    { op: 'shift', options: { x: 0.15, y: 0.15, fill: 'reflect' } },
    { op: 'gaussianNoise', options: { std: [0, 25] }, p: 0.7 },
    { op: 'saltAndPepper', options: { amount: [0, 0.05] }, p: 0.5 },
  ], { seed: 20261205 });

  it('uint8: 2 threads over [0, 19) and [19, 37) give 1 thread\'s bytes, in every epoch', async () => {
    const shape: [number, number, number, number] = [37, 14, 11, 3];
    const data = Uint8Array.from({ length: 37 * 14 * 11 * 3 }, (_, i) => (i * 7919) % 256);
    for (const epoch of [0, 1, 7]) {
      const one = await sharded(pipeline, data, shape, [], epoch);
      const two = await sharded(pipeline, data, shape, [19], epoch);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
      // and it is an augmentation: the epoch changed the images
      expect(Buffer.from(one.buffer).equals(Buffer.from(data.buffer))).toBe(false);
    }
    // different epochs are different draws
    expect(Buffer.from((await sharded(pipeline, data, shape, [19], 0)).buffer).equals(Buffer.from((await sharded(pipeline, data, shape, [19], 1)).buffer))).toBe(false);
  });

  it('float32: 2 threads at an uneven cut give 1 thread\'s bytes', async () => {
    const shape: [number, number, number, number] = [23, 9, 8, 1];
    const data = Float32Array.from({ length: 23 * 9 * 8 }, (_, i) => ((i * 104729) % 1000) / 1000);
    const floatPipeline = new Pipeline([{ op: 'shift', options: { x: 0.2, y: 0.2 } }, { op: 'speckleNoise', options: { std: 0.2 } }], { seed: 5 });
    const one = await sharded(floatPipeline, data, shape, [], 3);
    const two = await sharded(floatPipeline, data, shape, [4], 3);
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
  });
});
