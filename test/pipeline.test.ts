// Pipeline: records and exact replay, JSON round trip, split and thread
// invariance, the probability p, validation with step positions.
import { describe, expect, it } from 'vitest';

import { gaussianNoise, philox4x32, Pipeline, PIPELINE_STREAM, shift, speckleNoise, type Batch, type PipelineStep } from '../src/index.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

const steps: PipelineStep[] = [
  { op: 'shift', options: { x: 0.2, y: 0.2, fill: 'reflect' }, p: 0.7 },
  { op: 'gaussianNoise', options: { std: [2, 20] }, p: 0.5 },
  { op: 'saltAndPepper', options: { amount: [0, 0.1] }, p: 0.5 },
  { op: 'speckleNoise', options: { std: 0.05 } },
];

function images(n: number, seed = 1): Batch {
  const rng = testRng(seed);
  return { data: Uint8Array.from({ length: n * 12 * 10 * 3 }, () => rng.int(0, 255)), shape: [n, 12, 10, 3] };
}

describe('Pipeline', () => {
  const pipeline = new Pipeline(steps, { seed: 2026 });

  it('records what was applied and the drawn parameters; replay reproduces the output bit for bit', () => {
    const b = images(16);
    const result = pipeline.run(b, { index: 500, epoch: 3, record: true });
    const records = result.records!;
    expect(records).toHaveLength(16);
    expect(records[0]).toMatchObject({ index: 500, epoch: 3 });
    expect(records[0]!.steps.map((s) => s.op)).toEqual(['shift', 'gaussianNoise', 'saltAndPepper', 'speckleNoise']);
    expect(Object.keys(records[0]!.steps[0]!.params)).toEqual(['dx', 'dy']);
    const applied = records.map((r) => r.steps[1]!.applied);
    expect(applied.some(Boolean) && !applied.every(Boolean)).toBe(true); // p = 0.5 over 16 samples
    expect(records.every((r) => r.steps[3]!.applied)).toBe(true); // p = 1
    for (const r of records) expect(Math.abs(r.steps[0]!.params.dx!)).toBeLessThanOrEqual(0.2 * 10);
    expect(firstDifference(pipeline.replay(b, records).data, result.data)).toBe(-1);
    // replay from JSON-serialized records, for a non-consecutive subset of samples
    const picked = [3, 9, 14];
    const per = 12 * 10 * 3;
    const subset: Batch = { data: Uint8Array.from(picked.flatMap((i) => [...b.data.subarray(i * per, (i + 1) * per)])), shape: [3, 12, 10, 3] };
    const subsetRecords = JSON.parse(JSON.stringify(picked.map((i) => records[i])));
    const replayed = pipeline.replay(subset, subsetRecords);
    picked.forEach((i, k) => expect(firstDifference(replayed.data.subarray(k * per, (k + 1) * per), result.data.subarray(i * per, (i + 1) * per))).toBe(-1));
  });

  it('a step with p = 1 equals calling the op with the step seed; unapplied samples keep their input', () => {
    const b = images(8, 2);
    const p = new Pipeline([{ op: 'gaussianNoise', options: { std: 5 }, p: 0 }], { seed: 1 });
    expect(firstDifference(p.run(b).data, b.data)).toBe(-1);
    const always = new Pipeline([{ op: 'shift', options: { dx: 1 } }], { seed: 1 });
    expect(firstDifference(always.run(b).data, shift(b, { dx: 1 }).data)).toBe(-1);
  });

  it('step s draws with the seed from words 0, 1 of block (s, 0, 0, 64), and applies where U(w0) of block (0, i, epoch, 65) < p', () => {
    const b = images(16, 3);
    const seed = 2n ** 40n + 12345n; // both key words in use
    const key = [Number(seed & 0xffffffffn), Number(seed >> 32n)];
    const stepSeed = (s: number): bigint => {
      const [w0, w1] = philox4x32([s, 0, 0, PIPELINE_STREAM.stepSeed], key);
      return BigInt(w0!) + (BigInt(w1!) << 32n);
    };
    const p = new Pipeline([{ op: 'speckleNoise', options: { std: 0.1 } }, { op: 'gaussianNoise', options: { std: 9 }, p: 0.5 }], { seed });
    const { data, records } = p.run(b, { index: 30, epoch: 4, record: true });
    const first = speckleNoise(b, { std: 0.1, seed: stepSeed(0), index: 30, epoch: 4 });
    const second = gaussianNoise(first, { std: 9, seed: stepSeed(1), index: 30, epoch: 4 });
    const s1 = stepSeed(1);
    const s1key = [Number(s1 & 0xffffffffn), Number(s1 >> 32n)];
    const per = 12 * 10 * 3;
    for (let i = 0; i < 16; i += 1) {
      const u = uniformOfWord(philox4x32([0, 30 + i, 4, PIPELINE_STREAM.applied], s1key)[0]!);
      expect(records[i]!.steps[1]!.applied).toBe(u < 0.5);
      const expected = (u < 0.5 ? second : first).data.subarray(i * per, (i + 1) * per);
      expect(firstDifference(data.subarray(i * per, (i + 1) * per), expected), `sample ${i}`).toBe(-1);
    }
  });

  it('gives sample i the same result whatever the batch split, threads, sync or async', async () => {
    const b = images(12, 3);
    const whole = pipeline.run(b, { index: 40, epoch: 1 });
    const per = 12 * 10 * 3;
    const part = pipeline.run({ data: b.data.subarray(5 * per, 9 * per), shape: [4, 12, 10, 3] }, { index: 45, epoch: 1 });
    expect(firstDifference(part.data, whole.data.subarray(5 * per, 9 * per))).toBe(-1);
    for (const threads of [1, 2, 5]) expect(firstDifference((await pipeline.runAsync(b, { index: 40, epoch: 1, threads })).data, whole.data)).toBe(-1);
    expect(firstDifference(pipeline.run(b, { index: 40, epoch: 2 }).data, whole.data)).not.toBe(-1);
  });

  it('round-trips through JSON', () => {
    const json = JSON.stringify(pipeline);
    const again = Pipeline.fromJSON(json);
    expect(again.toJSON()).toEqual(pipeline.toJSON());
    const b = images(4, 4);
    expect(firstDifference(again.run(b, { index: 7 }).data, pipeline.run(b, { index: 7 }).data)).toBe(-1);
    expect(new Pipeline(steps, { seed: 2n ** 64n - 1n }).toJSON().seed).toBe('18446744073709551615');
  });

  it('records keep a drawn -0 through JSON (a brightness delta of -5e-324 is float32 -0): replay from JSON turns -0 pixels into -0, as the run did', () => {
    // every delta drawn from this range rounds to float32 -0; -0 · 1 + -0 is -0, where -0 + +0 would be +0
    const negative = new Pipeline([{ op: 'brightness', options: { delta: [-1e-300, -5e-324] } }], { seed: 5 });
    const b: Batch = { data: Float32Array.from([-0, 0, -0, 1, -0, -2.5]), shape: [3, 1, 2, 1] };
    const result = negative.run(b, { record: true });
    expect(Array.from(result.data, (v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['-0', '0', '-0', '1', '-0', '-2.5']);
    const fromJson = JSON.parse(JSON.stringify(result.records)) as typeof result.records;
    expect(firstDifference(negative.replay(b, fromJson).data, result.data)).toBe(-1);
    for (const r of result.records) {
      // the record is JSON data: delta written 0 and named, so the text reads back as the same record
      expect(r.steps[0]).toEqual({ op: 'brightness', applied: true, params: { factor: 1, delta: 0 }, negativeZero: ['delta'] });
    }
    expect(fromJson).toEqual(result.records);
    expect(firstDifference(negative.replay(b, result.records).data, result.data)).toBe(-1);
    // records without the field (written before it) still replay, with the +0 JSON gave them
    const old = fromJson.map((r) => ({ ...r, steps: r.steps.map(({ negativeZero: _, ...s }) => s) }));
    expect(Object.is(negative.replay(b, old).data[0], 0)).toBe(true);
    // a name that is not a recorded 0 is an error naming the field
    const wrong = JSON.parse(JSON.stringify(result.records)) as typeof result.records;
    wrong[1]!.steps[0]!.negativeZero = ['factor'];
    expect(() => negative.replay(b, wrong)).toThrow(new RangeError("Expected names of params whose value is 0 (the params that were -0) for records[1].steps[0].negativeZero[0] but received 'factor' of type string"));
    wrong[1]!.steps[0]!.negativeZero = 'delta' as never;
    expect(() => negative.replay(b, wrong)).toThrow(TypeError);
    // a -0 contrast factor (given) and a -0 brightness factor are recorded the same way
    const factors = new Pipeline([{ op: 'contrast', options: { factor: -0 } }, { op: 'brightness', options: { factor: -0, delta: -0 } }]);
    const r2 = factors.run(b, { record: true });
    expect(r2.records[0]!.steps.map((s) => s.negativeZero)).toEqual([['factor'], ['factor', 'delta']]);
    expect(firstDifference(factors.replay(b, JSON.parse(JSON.stringify(r2.records)) as typeof r2.records).data, r2.data)).toBe(-1);
  });

  it('different seeds and step positions draw independently', () => {
    const b = images(4, 5);
    const one = new Pipeline([{ op: 'gaussianNoise', options: { std: 10 } }], { seed: 1 }).run(b);
    const other = new Pipeline([{ op: 'gaussianNoise', options: { std: 10 } }], { seed: 2 }).run(b);
    expect(firstDifference(one.data, other.data)).not.toBe(-1);
    expect(firstDifference(one.data, gaussianNoise(b, { std: 10, seed: 1 }).data)).not.toBe(-1);
  });

  it('validates steps with their position', () => {
    expect(() => new Pipeline([{ op: 'rotate' as 'shift' }])).toThrow("Expected one of shift, gaussianNoise, uniformNoise, speckleNoise, saltAndPepper, flip, crop, affine, brightness, contrast, gaussianBlur, gamma, erase, resizedCrop, flipLabels, labelSmoothing, mixup, cutmix for steps[0].op but received 'rotate'");
    expect(() => new Pipeline([{ op: 'toString' as 'shift' }])).toThrow("Expected one of shift, gaussianNoise, uniformNoise, speckleNoise, saltAndPepper, flip, crop, affine, brightness, contrast, gaussianBlur, gamma, erase, resizedCrop, flipLabels, labelSmoothing, mixup, cutmix for steps[0].op but received 'toString'");
    expect(() => new Pipeline([steps[0]!, { op: 'gaussianNoise', options: { std: -1 } }])).toThrow(/^steps\[1\] \(gaussianNoise\): Expected a number or \[lo, hi\]/);
    expect(() => new Pipeline([{ op: 'shift', p: 1.5 }])).toThrow('Expected a probability in [0, 1] for steps[0].p but received 1.5');
    // both are type errors as well (the step's options are typed per op); at run time they are errors naming the step
    // @ts-expect-error seed is the pipeline's
    expect(() => new Pipeline([{ op: 'shift', options: { seed: 3 } }])).toThrow("steps[0] (shift): 'seed' is set by the pipeline, not by a step");
    expect(() => new Pipeline([{ op: 'shift', prob: 1 } as PipelineStep])).toThrow("Unknown option 'prob' for steps[0]");
    // @ts-expect-error a misspelt option
    expect(() => new Pipeline([{ op: 'shift', options: { fil: 'wrap' } }])).toThrow("steps[0] (shift): Unknown option 'fil' for shift");
    // @ts-expect-error std belongs to noise, not to shift
    expect(() => new Pipeline([{ op: 'shift', options: { std: 1 } }])).toThrow("steps[0] (shift): Unknown option 'std' for shift");
    // dtype-specific problems surface at run time, still naming the step
    const clip = new Pipeline([{ op: 'gaussianNoise', options: { std: 1, clip: [0, 1] } }]);
    expect(() => clip.run(images(1))).toThrow(/^steps\[0\] \(gaussianNoise\): Expected no clip for uint8 data/);
    expect(() => pipeline.run(images(1), { idx: 1 } as object)).toThrow("Unknown option 'idx' for Pipeline.run");
    expect(() => pipeline.replay(images(2), [])).toThrow('Expected 2 sample records (one per image) for records');
  });

  it('keeps its own frozen copy of the steps: later changes to the caller\'s objects change nothing', () => {
    const std: [number, number] = [1, 2];
    const p = new Pipeline([{ op: 'gaussianNoise', options: { std } }], { seed: 4 });
    const before = p.run(images(2)).data;
    std[1] = 50;
    expect(firstDifference(p.run(images(2)).data, before)).toBe(-1);
    const json = p.toJSON();
    (json.steps[0]!.options.std as number[])[0] = 77;
    expect(p.toJSON().steps[0]!.options).toEqual({ std: [1, 2] });
    expect(() => { (p.steps[0] as { p: number }).p = 5; }).toThrow(TypeError);
    expect(() => { (p.steps[0]!.options.std as number[])[0] = -5; }).toThrow(TypeError);
  });

  it('options must be plain objects: an inherited option would be checked, then lost', () => {
    expect(() => new Pipeline([{ op: 'shift', options: Object.create({ fill: 'wrap' }) as Record<string, unknown> }])).toThrow('Expected a plain object for steps[0].options');
    expect(() => shift(images(1), Object.create({ dx: 1 }) as object)).toThrow('Expected a plain object for shift options');
    expect(() => shift(images(1), new Map([['dx', 1]]) as unknown as object)).toThrow('Expected a plain object for shift options but received Map');
  });

  it('an empty pipeline returns a copy, as every op does', () => {
    const b = images(1);
    for (const out of [new Pipeline([]).run(b).data, new Pipeline([]).replay(b, [{ index: 0, epoch: 0, steps: [] }]).data]) {
      expect(out).not.toBe(b.data);
      expect(firstDifference(out, b.data)).toBe(-1);
    }
  });

  it('replay names the field of a record that is missing or wrong', () => {
    const b = images(1);
    const { records } = pipeline.run(b, { record: true });
    const tampered = (change: (r: Record<string, unknown> & { steps: Array<Record<string, unknown>> }) => void): unknown[] => {
      const copy = JSON.parse(JSON.stringify(records)) as Array<Record<string, unknown> & { steps: Array<Record<string, unknown>> }>;
      change(copy[0]!);
      return copy;
    };
    const replay = (r: unknown[]) => () => pipeline.replay(b, r as never);
    expect(replay(tampered((r) => { r.steps[1] = null as never; }))).toThrow('Expected { op, applied, params } for records[0].steps[1] but received null');
    expect(replay(tampered((r) => { r.steps[0]!.applied = 'false'; }))).toThrow("Expected a boolean for records[0].steps[0].applied but received 'false'");
    expect(replay(tampered((r) => { r.steps[0]!.applied = true; delete r.steps[0]!.params; }))).toThrow('Expected an object for records[0].steps[0].params but received undefined');
    expect(replay(tampered((r) => { r.steps[0]!.applied = true; r.steps[0]!.params = {}; }))).toThrow('Expected a finite number (pixels) for records[0].steps[0].params.dx but received undefined');
    expect(replay(tampered((r) => { r.steps[0]!.applied = true; (r.steps[0]!.params as { dy: unknown }).dy = null; }))).toThrow('for records[0].steps[0].params.dy but received null');
    expect(replay(tampered((r) => { delete r.epoch; }))).toThrow('for records[0].epoch but received undefined');
    expect(replay(tampered((r) => { r.epoch = 2 ** 32; }))).toThrow(RangeError);
    expect(replay(tampered((r) => { r.steps[3]!.op = 'shift'; }))).toThrow("Expected 'speckleNoise' for records[0].steps[3].op but received 'shift'");
  });

  it('run with record: true is typed as having records (the README example typechecks); threads is for runAsync only', async () => {
    const b = images(2);
    // no non-null assertion: the overload for record: true says records is there
    expect(firstDifference(pipeline.replay(b, pipeline.run(b, { record: true }).records).data, pipeline.run(b).data)).toBe(-1);
    expect((await pipeline.runAsync(b, { record: true, threads: 2 })).records).toHaveLength(2);
    expect(() => pipeline.run(b, { threads: 2 } as object)).toThrow("Unknown option 'threads' for Pipeline.run; expected one of: index, epoch, record");
  });

  it('run options are checked like any options object: null is not "no options", record must be a boolean', async () => {
    const b = images(1);
    expect(() => pipeline.run(b, null as never)).toThrow(new TypeError('Expected an object { index?, epoch?, record? } for Pipeline.run options but received null of type null'));
    await expect(pipeline.runAsync(b, null as never)).rejects.toThrow(new TypeError('Expected an object { index?, epoch?, record? } for Pipeline.runAsync options but received null of type null'));
    expect(() => pipeline.run(b, { record: 'yes' } as never)).toThrow(new TypeError("Expected a boolean for record but received 'yes' of type string"));
    await expect(pipeline.runAsync(b, { record: 1 } as never)).rejects.toThrow(new TypeError('Expected a boolean for record but received 1 of type number'));
    expect(pipeline.run(b, { record: false }).records).toBeUndefined();
  });

  it('a shift step takes given offsets dx, dy as numbers only: per-image lists are an error at construction', () => {
    const message = (name: string, got: string, type: string) => new TypeError(`Expected a number (a step shifts every image by the same given offset; per-image offsets are not a pipeline option: use x, y to draw them) for steps[0].options.${name} but received ${got} of type ${type}`);
    // [1, 2] failed on the 1-image check batch, [1] failed on every batch of n != 1, a Float64Array broke toJSON
    // @ts-expect-error per-image offsets are not a step option
    expect(() => new Pipeline([{ op: 'shift', options: { dx: [1, 2] } }])).toThrow(message('dx', 'array(2)', 'array'));
    // @ts-expect-error per-image offsets are not a step option
    expect(() => new Pipeline([{ op: 'shift', options: { dx: [1] } }])).toThrow(message('dx', 'array(1)', 'array'));
    // @ts-expect-error per-image offsets are not a step option
    expect(() => new Pipeline([{ op: 'shift', options: { dy: new Float64Array([1]) } }])).toThrow(message('dy', 'Float64Array(1)', 'Float64Array'));
    expect(() => new Pipeline([{ op: 'shift', options: { dy: '1' as never } }])).toThrow(message('dy', "'1'", 'string'));
    const fixed = new Pipeline([{ op: 'shift', options: { dx: 1, dy: -2 } }]);
    expect(firstDifference(fixed.run(images(3)).data, shift(images(3), { dx: 1, dy: -2 }).data)).toBe(-1);
    expect(Pipeline.fromJSON(JSON.stringify(fixed)).toJSON()).toEqual(fixed.toJSON());
  });

  it('fromJSON: text that does not parse, and unknown fields, are errors naming json', () => {
    expect(() => Pipeline.fromJSON('{"seed": "1", "steps": [')).toThrow(/^Expected JSON text for json but it does not parse: /);
    expect(() => Pipeline.fromJSON({ ...pipeline.toJSON(), seeed: '3' })).toThrow("Unknown field 'seeed' in json; expected the output of Pipeline.toJSON(): seed, steps");
  });
});
