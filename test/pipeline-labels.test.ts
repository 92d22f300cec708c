// Pipeline label steps (issue 19): batches { images, labels }, the label ops
// flipLabels, labelSmoothing, mixup, cutmix as steps, checked against the
// standalone ops called in order with the step seeds; records and replay,
// JSON (with -0 kept), groups, splits, async, errors.
import { describe, expect, it } from 'vitest';

import { cutmix, cutmixParams, flipLabels, gaussianNoise, labelSmoothing, mixup, mixupParams, oneOf, philox4x32, Pipeline, PIPELINE_STREAM, shift, someOf, type Batch, type PipelineStep } from '../src/index.js';
import { firstDifference, testRng } from './helpers/rng.js';

const K = 5;

function images(n: number, seed = 1, float = false): Batch {
  const rng = testRng(seed);
  const length = n * 8 * 6 * 3;
  return { data: float ? Float32Array.from({ length }, () => rng.next()) : Uint8Array.from({ length }, () => rng.int(0, 255)), shape: [n, 8, 6, 3] };
}

function oneHot(n: number, seed = 2): Float32Array {
  const rng = testRng(seed);
  const y = new Float32Array(n * K);
  for (let i = 0; i < n; i += 1) y[i * K + rng.int(0, K - 1)] = 1;
  return y;
}

function classes(n: number, seed = 3): Int32Array {
  const rng = testRng(seed);
  return Int32Array.from({ length: n }, () => rng.int(0, K - 1));
}

/** Step s's seed, from the pipeline seed: words 0, 1 of block (s, 0, 0, 64) (the documented layout, computed here from philox4x32). */
function stepSeed(seed: bigint, s: number, j?: number): bigint {
  const key = [Number(seed & 0xffffffffn), Number(seed >> 32n)];
  const [w0, w1] = philox4x32([s, j === undefined ? 0 : 1 + j, 0, PIPELINE_STREAM.stepSeed], key);
  return BigInt(w0!) + (BigInt(w1!) << 32n);
}

function slice(b: Batch, from: number, to: number): Batch {
  const per = b.data.length / b.shape[0];
  return { ...b, data: b.data.slice(from * per, to * per), shape: [to - from, b.shape[1], b.shape[2], b.shape[3]] };
}

const SEED = 2026n;

describe('Pipeline with labels', () => {
  it('image steps and labelSmoothing, mixup, cutmix equal the standalone ops called in order with the step seeds', () => {
    const steps: PipelineStep[] = [
      { op: 'shift', options: { x: 0.2, y: 0.2 } },
      { op: 'labelSmoothing', options: { numClasses: K, epsilon: 0.1 } },
      { op: 'mixup', options: { alpha: 0.4 } },
      { op: 'cutmix', options: { alpha: 1 } },
    ];
    const pipeline = new Pipeline(steps, { seed: SEED });
    for (const float of [false, true]) {
      const b = images(9, 4, float);
      const y = oneHot(9);
      const at = { index: 37, epoch: 2 };
      const result = pipeline.run({ images: b, labels: y }, at);
      const o = (s: number) => ({ seed: stepSeed(SEED, s), ...at });
      const shifted = shift(b, { x: 0.2, y: 0.2, ...o(0) });
      const smoothed = labelSmoothing(y, { numClasses: K, epsilon: 0.1 });
      const mixed = mixup(shifted, smoothed, { alpha: 0.4, ...o(2) });
      const cut = cutmix(mixed.batch, mixed.labels, { alpha: 1, ...o(3) });
      expect(firstDifference(result.images.data, cut.batch.data)).toBe(-1);
      expect(firstDifference(result.labels, cut.labels)).toBe(-1);
      expect(result.images.shape).toEqual([9, 8, 6, 3]);
      // labels still sum to one per row (independent of the order above)
      for (let i = 0; i < 9; i += 1) expect(result.labels.subarray(i * K, (i + 1) * K).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    }
  });

  it('flipLabels on integer classes equals the op with its step seed; the images come back as a copy; the caller\'s arrays are untouched', () => {
    const pipeline = new Pipeline([{ op: 'flipLabels', options: { p: 0.5, numClasses: K } }, { op: 'gaussianNoise', options: { std: 10 } }], { seed: SEED });
    const b = images(40);
    const before = b.data.slice();
    for (const labels of [classes(40), Uint8Array.from(classes(40, 9)), Uint16Array.from(classes(40, 10))]) {
      const copy = labels.slice();
      const result = pipeline.run({ images: b, labels }, { index: 100 });
      expect(result.labels).toBeInstanceOf(labels.constructor);
      expect(firstDifference(result.labels, flipLabels(labels, { p: 0.5, numClasses: K, seed: stepSeed(SEED, 0), index: 100 }))).toBe(-1);
      expect(firstDifference(result.images.data, gaussianNoise(b, { std: 10, seed: stepSeed(SEED, 1), index: 100 }).data)).toBe(-1);
      expect(result.labels).not.toBe(labels);
      expect(firstDifference(labels, copy)).toBe(-1);
      const flipped = [...result.labels].filter((l, i) => l !== labels[i]).length;
      expect(flipped).toBeGreaterThan(8);
      expect(flipped).toBeLessThan(32);
    }
    expect(firstDifference(b.data, before)).toBe(-1);
    // a label-only pipeline still returns new images
    const labelOnly = new Pipeline([{ op: 'flipLabels', options: { p: 1, numClasses: K } }]).run({ images: b, labels: classes(40) });
    expect(labelOnly.images.data).not.toBe(b.data);
    expect(firstDifference(labelOnly.images.data, b.data)).toBe(-1);
  });

  it('a batch without labels runs as before (a Batch back); the same pipeline on { images, labels } gives the same images', () => {
    const pipeline = new Pipeline([{ op: 'shift', options: { x: 0.1 } }, { op: 'gaussianNoise', options: { std: 4 }, p: 0.5 }], { seed: 5 });
    const b = images(6);
    const plain = pipeline.run(b, { index: 3 });
    expect(Object.keys(plain).sort()).toEqual(['data', 'layout', 'shape']);
    const labelled = pipeline.run({ images: b, labels: oneHot(6) }, { index: 3 });
    expect(firstDifference(labelled.images.data, plain.data)).toBe(-1);
    expect(firstDifference(labelled.labels, oneHot(6))).toBe(-1);
  });

  it('p < 1 on a mixing step: applied samples get the op\'s row, the others keep their image and label', () => {
    const pipeline = new Pipeline([{ op: 'mixup', p: 0.5 }], { seed: SEED });
    const b = images(24, 6, true);
    const y = oneHot(24, 7);
    const result = pipeline.run({ images: b, labels: y }, { record: true });
    const full = mixup(b, y, { seed: stepSeed(SEED, 0) });
    const per = b.data.length / 24;
    let applied = 0;
    result.records.forEach((r, i) => {
      const source = r.steps[0]!.applied ? full : { batch: b, labels: y };
      applied += r.steps[0]!.applied ? 1 : 0;
      expect(firstDifference(result.images.data.subarray(i * per, (i + 1) * per), source.batch.data.subarray(i * per, (i + 1) * per))).toBe(-1);
      expect(firstDifference(result.labels.subarray(i * K, (i + 1) * K), source.labels.subarray(i * K, (i + 1) * K))).toBe(-1);
    });
    expect(applied).toBeGreaterThan(4);
    expect(applied).toBeLessThan(20);
  });

  it('records the partner (batch position and dataset index), λ and cutmix\'s box as the ops\' params functions give them', () => {
    const pipeline = new Pipeline([{ op: 'mixup' }, { op: 'cutmix', options: { alpha: 0.5 } }], { seed: SEED });
    const b = images(7);
    const y = oneHot(7);
    const r = pipeline.run({ images: b, labels: y }, { index: 50, epoch: 1, record: true });
    const m = mixupParams(b, y, { seed: stepSeed(SEED, 0), index: 50, epoch: 1 });
    const mixed = mixup(b, y, { seed: stepSeed(SEED, 0), index: 50, epoch: 1 });
    const c = cutmixParams(mixed.batch, mixed.labels, { alpha: 0.5, seed: stepSeed(SEED, 1), index: 50, epoch: 1 });
    r.records.forEach((rec, i) => {
      expect(rec.steps[0]!.params).toEqual({ partner: m.partner[i], partnerIndex: 50 + m.partner[i]!, lambda: m.lambda[i] });
      expect(rec.steps[1]!.params).toEqual({ partner: c.partner[i], partnerIndex: 50 + c.partner[i]!, lambda: c.lambda[i], top: c.top[i], left: c.left[i], height: c.height[i], width: c.width[i] });
    });
  });

  it('replay from records (through JSON) reproduces images and labels bit for bit, also for a reordered subset that holds the partners', () => {
    const pipeline = new Pipeline([
      { op: 'affine', options: { rotation: 10 }, p: 0.7 },
      { op: 'labelSmoothing', options: { numClasses: K, epsilon: 0.2 }, p: 0.5 },
      { op: 'mixup', options: { alpha: 0.3 }, p: 0.8 },
      oneOf([{ op: 'cutmix' }, { op: 'gaussianNoise', options: { std: [1, 9] } }, { op: 'mixup', options: { lambda: 0.25 } }]),
    ], { seed: 77 });
    for (const float of [false, true]) {
      const b = images(12, 8, float);
      const y = oneHot(12, 9);
      const result = pipeline.run({ images: b, labels: y }, { index: 1000, epoch: 4, record: true });
      const records = JSON.parse(JSON.stringify(result.records)) as typeof result.records;
      const replayed = pipeline.replay({ images: b, labels: y }, records);
      expect(firstDifference(replayed.images.data, result.images.data)).toBe(-1);
      expect(firstDifference(replayed.labels, result.labels)).toBe(-1);
      // the group chose each of its steps for some samples
      expect(new Set(records.map((r) => r.steps[3]!.params.choice)).size).toBe(3);
      // reversed order: the partners are all still there, found by dataset index
      const order = Array.from({ length: 12 }, (_, k) => 11 - k);
      const per = b.data.length / 12;
      const reversed: Batch = { ...b, data: b.data.slice() };
      const yr = new Float32Array(12 * K);
      order.forEach((i, k) => {
        reversed.data.set(b.data.subarray(i * per, (i + 1) * per), k * per);
        yr.set(y.subarray(i * K, (i + 1) * K), k * K);
      });
      const back = pipeline.replay({ images: reversed, labels: yr }, order.map((i) => records[i]!));
      order.forEach((i, k) => {
        expect(firstDifference(back.images.data.subarray(k * per, (k + 1) * per), result.images.data.subarray(i * per, (i + 1) * per))).toBe(-1);
        expect(firstDifference(back.labels.subarray(k * K, (k + 1) * K), result.labels.subarray(i * K, (i + 1) * K))).toBe(-1);
      });
    }
  });

  it('replay: a mixed sample whose partner is not in the batch is a RangeError naming partnerIndex; labels are required as in run', () => {
    const pipeline = new Pipeline([{ op: 'mixup' }], { seed: 1 });
    const b = images(4);
    const y = oneHot(4);
    const { records } = pipeline.run({ images: b, labels: y }, { record: true });
    const k = records.findIndex((r) => r.steps[0]!.params.partner !== 0);
    const single = slice(b, k, k + 1);
    expect(() => pipeline.replay({ images: single, labels: y.slice(k * K, (k + 1) * K) }, [records[k]!]))
      .toThrow(new RangeError(`records[0].steps[0] (mixup): Expected the dataset index of a sample in the replayed batch (the sample mixes with its partner: replay needs the partner's image and record too) for params.partnerIndex but received ${records[k]!.steps[0]!.params.partnerIndex} of type number`));
    expect(() => pipeline.replay(b, records)).toThrow(TypeError);
    expect(() => pipeline.replay(b, records)).toThrow('steps[0] (mixup) needs labels');
    const bad = structuredClone(records);
    (bad[0]!.steps[0]!.params as Record<string, unknown>).partnerIndex = 'x';
    expect(() => pipeline.replay({ images: b, labels: y }, bad)).toThrow(new TypeError("Expected the dataset index of the partner sample (an integer >= 0) for records[0].steps[0].params.partnerIndex but received 'x' of type string"));
    // a batch of one mixes with itself, and replays so
    const one = pipeline.run({ images: single, labels: y.slice(0, K) }, { record: true });
    expect(one.records[0]!.steps[0]!.params.partner).toBe(0);
    expect(firstDifference(pipeline.replay({ images: single, labels: y.slice(0, K) }, one.records).images.data, one.images.data)).toBe(-1);
  });

  it('per-sample determinism: a dataset in two splits equals one run for flipLabels, labelSmoothing and image steps; mixing draws (λ, box) are split-invariant, partners are batch positions', () => {
    const b = images(10);
    const flipPipeline = new Pipeline([{ op: 'flipLabels', options: { p: 0.4, numClasses: K } }, { op: 'shift', options: { x: 0.3 }, p: 0.5 }], { seed: 9 });
    const labels = classes(10);
    const whole = flipPipeline.run({ images: b, labels }, { index: 20 });
    const a = flipPipeline.run({ images: slice(b, 0, 4), labels: labels.slice(0, 4) }, { index: 20 });
    const c = flipPipeline.run({ images: slice(b, 4, 10), labels: labels.slice(4) }, { index: 24 });
    expect(firstDifference(whole.labels, Int32Array.from([...a.labels, ...c.labels]))).toBe(-1);
    expect(firstDifference(whole.images.data, Uint8Array.from([...a.images.data, ...c.images.data]))).toBe(-1);

    const smooth = new Pipeline([{ op: 'labelSmoothing', options: { numClasses: K, epsilon: 0.3 }, p: 0.5 }], { seed: 9 });
    const y = oneHot(10);
    const ws = smooth.run({ images: b, labels: y }, { index: 20 });
    const s1 = smooth.run({ images: slice(b, 0, 3), labels: y.slice(0, 3 * K) }, { index: 20 });
    const s2 = smooth.run({ images: slice(b, 3, 10), labels: y.slice(3 * K) }, { index: 23 });
    expect(firstDifference(ws.labels, Float32Array.from([...s1.labels, ...s2.labels]))).toBe(-1);

    const mix = new Pipeline([{ op: 'cutmix', p: 0.7 }], { seed: 9 });
    const wm = mix.run({ images: b, labels: y }, { index: 20, record: true });
    const m1 = mix.run({ images: slice(b, 0, 5), labels: y.slice(0, 5 * K) }, { index: 20, record: true });
    const m2 = mix.run({ images: slice(b, 5, 10), labels: y.slice(5 * K) }, { index: 25, record: true });
    const drawn = (r: typeof wm.records[number]) => ({ applied: r.steps[0]!.applied, lambda: r.steps[0]!.params.lambda, height: r.steps[0]!.params.height, width: r.steps[0]!.params.width });
    expect([...m1.records, ...m2.records].map(drawn)).toEqual(wm.records.map(drawn));
    // within a split, the partner is in that split
    for (const r of m1.records) expect(r.steps[0]!.params.partnerIndex).toBeLessThan(25);
    for (const r of m2.records) expect(r.steps[0]!.params.partnerIndex).toBeGreaterThanOrEqual(25);
  });

  it('runAsync gives the same images, labels and records as run, whatever the threads', async () => {
    const pipeline = new Pipeline([
      { op: 'gaussianBlur', options: { sigma: [0.5, 1.5] }, p: 0.5 },
      someOf(2, [{ op: 'mixup' }, { op: 'cutmix' }, { op: 'labelSmoothing', options: { numClasses: K, epsilon: 0.1 } }]),
    ], { seed: 12 });
    const b = images(9, 12, true);
    const y = oneHot(9, 13);
    const sync = pipeline.run({ images: b, labels: y }, { index: 7, record: true });
    for (const threads of [1, 2, 3]) {
      const async = await pipeline.runAsync({ images: b, labels: y }, { index: 7, record: true, threads });
      expect(firstDifference(async.images.data, sync.images.data)).toBe(-1);
      expect(firstDifference(async.labels, sync.labels)).toBe(-1);
      expect(async.records).toEqual(sync.records);
    }
    const replayed = pipeline.replay({ images: b, labels: y }, sync.records);
    expect(firstDifference(replayed.labels, sync.labels)).toBe(-1);
    expect(firstDifference(replayed.images.data, sync.images.data)).toBe(-1);
  });

  it('round-trips through JSON, label steps and groups with them included', () => {
    const pipeline = new Pipeline([
      { op: 'flip', options: { mode: 'horizontal' } },
      oneOf([{ op: 'mixup', options: { alpha: 0.2 } }, { op: 'cutmix' }], { p: 0.6, weights: [1, 3] }),
      { op: 'labelSmoothing', options: { numClasses: K, epsilon: 0.05 } },
    ], { seed: 2n ** 63n + 5n });
    const again = Pipeline.fromJSON(JSON.stringify(pipeline));
    expect(again.toJSON()).toEqual(pipeline.toJSON());
    const b = images(8);
    const y = oneHot(8);
    const r1 = pipeline.run({ images: b, labels: y }, { index: 3 });
    const r2 = again.run({ images: b, labels: y }, { index: 3 });
    expect(firstDifference(r1.images.data, r2.images.data)).toBe(-1);
    expect(firstDifference(r1.labels, r2.labels)).toBe(-1);
  });

  it('JSON keeps -0 (and the sign of every zero) in step options: toJSON / fromJSON round trip bit for bit', () => {
    const pipeline = new Pipeline([
      { op: 'shift', options: { x: [-0, 0], y: -0 } },
      { op: 'brightness', options: { factor: [1, 1], delta: -0 } },
      { op: 'affine', options: { matrix: [1, -0, 0, -0, 1, -0] }, p: 0.5 },
      oneOf([{ op: 'gaussianNoise', options: { std: [-0, 0], mean: -0 } }, { op: 'mixup', options: { lambda: -0 } }], { weights: [1, 2] }),
    ], { seed: 1 });
    const text = JSON.stringify(pipeline);
    const again = Pipeline.fromJSON(text);
    const same = (a: unknown, b: unknown): boolean => (typeof a === 'number' ? Object.is(a, b)
      : Array.isArray(a) ? Array.isArray(b) && a.length === b.length && a.every((v, i) => same(v, b[i]))
        : typeof a === 'object' && a !== null ? typeof b === 'object' && b !== null && Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => same(v, (b as Record<string, unknown>)[k]))
          : a === b);
    expect(same(again.steps, pipeline.steps)).toBe(true);
    expect(Object.is((again.steps[0]!.options.x as number[])[0], -0)).toBe(true);
    expect(Object.is((again.steps[0]!.options.x as number[])[1], 0)).toBe(true);
    expect(Object.is(again.steps[1]!.options.delta, -0)).toBe(true);
    expect(Object.is((again.steps[2]!.options.matrix as number[])[1], -0)).toBe(true);
    expect(Object.is(((again.steps[3]!.options.steps as PipelineStep[])[1]!.options as { lambda: number }).lambda, -0)).toBe(true);
    // the JSON text itself names them, and a second round trip is the same text
    expect(text).toContain('"-0"');
    expect(JSON.stringify(Pipeline.fromJSON(text))).toBe(text);
    // the same bytes as the original (uint8 and float32)
    for (const float of [false, true]) {
      const b = images(5, 3, float);
      const y = oneHot(5);
      expect(firstDifference(again.run({ images: b, labels: y }).images.data, pipeline.run({ images: b, labels: y }).images.data)).toBe(-1);
      // and the records of the -0 options (a λ of -0, offsets, a matrix entry) read back from JSON as they were, replaying to the same bytes and labels
      const run = pipeline.run({ images: b, labels: y }, { record: true });
      const fromJson = JSON.parse(JSON.stringify(run.records)) as typeof run.records;
      expect(fromJson).toEqual(run.records);
      const replayed = pipeline.replay({ images: b, labels: y }, fromJson);
      expect(firstDifference(replayed.images.data, run.images.data)).toBe(-1);
      expect(firstDifference(replayed.labels, run.labels)).toBe(-1);
    }
  });

  it('a top-level step checks the data even where no sample applies it (p = 0), so errors do not depend on the draws', () => {
    const never = new Pipeline([{ op: 'gaussianNoise', options: { std: 1, clip: [0, 1] }, p: 0 }]);
    expect(() => never.run(images(2))).toThrow(/^steps\[0\] \(gaussianNoise\): Expected no clip for uint8 data/);
    const smoothNever = new Pipeline([{ op: 'labelSmoothing', options: { numClasses: 2, epsilon: 0.1 }, p: 0 }]);
    expect(() => smoothNever.run({ images: images(2), labels: new Float32Array(8) })).toThrow(RangeError);
  });

  it('errors: a label step without labels, the wrong kind of labels, both kinds in one pipeline, a mismatched length, per-image options', () => {
    const b = images(3);
    expect(() => new Pipeline([{ op: 'mixup' }]).run(b)).toThrow(new TypeError('steps[0] (mixup) needs labels: expected label rows (a Float32Array of n × K class weights, one-hot or soft) for labels; run the pipeline on { images, labels }'));
    expect(() => new Pipeline([{ op: 'shift' }, oneOf([{ op: 'flipLabels', options: { p: 0.1, numClasses: 3 } }])]).run(b))
      .toThrow(new TypeError('steps[1].options.steps[0] (flipLabels) needs labels: expected integer class labels (an Int32Array, Uint8Array or Uint16Array of one class per image) for labels; run the pipeline on { images, labels }'));
    expect(() => new Pipeline([{ op: 'flipLabels', options: { p: 0.1, numClasses: 3 } }]).run({ images: b, labels: oneHot(3) }))
      .toThrow(new TypeError('Expected integer class labels (an Int32Array, Uint8Array or Uint16Array of one class per image), as steps[0] (flipLabels) takes for labels but received Float32Array(15) of type Float32Array'));
    expect(() => new Pipeline([{ op: 'labelSmoothing', options: { numClasses: K, epsilon: 0.1 } }]).run({ images: b, labels: classes(3) }))
      .toThrow(new TypeError('Expected label rows (a Float32Array of n × K class weights, one-hot or soft), as steps[0] (labelSmoothing) takes for labels but received Int32Array(3) of type Int32Array'));
    expect(() => new Pipeline([{ op: 'flipLabels', options: { p: 0.1, numClasses: 3 } }, { op: 'cutmix' }]))
      .toThrow(new TypeError('steps[0] (flipLabels) takes integer class labels (an Int32Array, Uint8Array or Uint16Array of one class per image) and steps[1] (cutmix) takes label rows (a Float32Array of n × K class weights, one-hot or soft): one pipeline runs on one kind of labels'));
    // lengths: classes one per image, rows a multiple of n, labelSmoothing's rows exactly numClasses wide
    expect(() => new Pipeline([{ op: 'flipLabels', options: { p: 0.1, numClasses: K } }]).run({ images: b, labels: classes(4) }))
      .toThrow(new RangeError('Expected an Int32Array of 3 classes (one per image) for labels but received Int32Array(4) of type Int32Array'));
    expect(() => new Pipeline([{ op: 'mixup' }]).run({ images: b, labels: new Float32Array(7) }))
      .toThrow(new RangeError('Expected a Float32Array of n × K values (n = 3 images, K >= 1 classes) for labels but received Float32Array(7) of type Float32Array'));
    expect(() => new Pipeline([{ op: 'labelSmoothing', options: { numClasses: 2, epsilon: 0.1 } }]).run({ images: slice(b, 0, 2), labels: new Float32Array(8) }))
      .toThrow(new RangeError('steps[0] (labelSmoothing): Expected a Float32Array of n × numClasses = 2 × 2 = 4 values (rows of the batch\'s 2 samples) for labels but received Float32Array(8) of type Float32Array'));
    expect(() => new Pipeline([{ op: 'mixup' }]).run({ images: b, labels: [1, 0, 0] as unknown as Float32Array }))
      .toThrow(new TypeError('Expected label rows (a Float32Array of n × K class weights, one-hot or soft) or integer class labels (an Int32Array, Uint8Array or Uint16Array of one class per image) for labels but received array(3) of type array'));
    expect(() => new Pipeline([{ op: 'mixup' }]).run({ images: b, labels: oneHot(3), extra: 1 } as never))
      .toThrow(new TypeError("Unknown field 'extra' in batch; expected an image batch { data, shape, layout? } or { images, labels }"));
    // per-image options, and the pipeline's own
    expect(() => new Pipeline([{ op: 'mixup', options: { lambda: [0.5, 0.5] as unknown as number } }]))
      .toThrow(new TypeError('Expected a number (a step mixes every sample with the same given λ; per-image λ are not a pipeline option: leave it out to draw them) for steps[0].options.lambda but received array(2) of type array'));
    expect(() => new Pipeline([{ op: 'cutmix', options: { partner: [0] } as never }])).toThrow(new TypeError('Expected no partner (partners are drawn per sample; given batch positions are not a pipeline option) for steps[0].options.partner but received array(1) of type array'));
    expect(() => new Pipeline([{ op: 'cutmix', options: { box: {} } as never }])).toThrow('Expected no box (boxes are drawn per sample; per-image boxes are not a pipeline option) for steps[0].options.box');
    expect(() => new Pipeline([{ op: 'mixup', options: { labelsOut: new Float32Array(3) } as never }])).toThrow(new TypeError("steps[0] (mixup): 'labelsOut' is set by the pipeline, not by a step"));
    // the op's own checks at construction, named by position
    expect(() => new Pipeline([{ op: 'mixup', options: { alpha: 0 } }])).toThrow(new RangeError('steps[0] (mixup): Expected a number > 0 (at most 1e6) for alpha but received 0 of type number'));
    expect(() => new Pipeline([oneOf([{ op: 'labelSmoothing', options: { numClasses: K, epsilon: 2 } }])])).toThrow(RangeError);
    expect(() => new Pipeline([{ op: 'flipLabels', options: { p: 0.5 } as never }])).toThrow('steps[0] (flipLabels): Expected an integer');
    // a flipLabels step on Uint8Array labels with more classes than a byte holds: at run time, named by the step
    expect(() => new Pipeline([{ op: 'flipLabels', options: { p: 0.5, numClasses: 300 } }]).run({ images: b, labels: new Uint8Array(3) })).toThrow(/^steps\[0\] \(flipLabels\): Expected an integer between 2 and 256 for numClasses/);
  });
});
