// Pipeline oneOf / someOf groups (issue 19): the documented choice layout
// (stream 66 under the group's step seed; a group's step j seeded from block
// (position, 1 + j, 0, 64)), records and replay, split invariance, runAsync,
// JSON round trip, the choice statistics, and bad groups.
import { describe, expect, it } from 'vitest';

import {
  brightness, contrast, flip, gaussianNoise, oneOf, philox4x32, Pipeline, PIPELINE_STREAM, shift, someOf, type Batch, type PipelineStep,
} from '../src/index.js';
import { stepLabel } from '../src/preview/index.js';
import { testRng, uniformOfWord } from './helpers/rng.js';

function images(n: number, seed = 1): Batch {
  const rng = testRng(seed);
  return { data: Uint8Array.from({ length: n * 9 * 7 * 3 }, () => rng.int(0, 255)), shape: [n, 9, 7, 3] };
}

function image(b: Batch, i: number): Batch {
  const per = b.data.length / b.shape[0];
  return { data: b.data.slice(i * per, (i + 1) * per), shape: [1, b.shape[1], b.shape[2], b.shape[3]] };
}

const key = (seed: bigint): [number, number] => [Number(seed & 0xffffffffn), Number(seed >> 32n)];
const seedOf = (words: Uint32Array): bigint => BigInt(words[0]!) + (BigInt(words[1]!) << 32n);

/** The seed of step `position` (j = undefined) or of step j of the group at `position`, from the pipeline seed. */
function stepSeed(pipelineSeed: number, position: number, j?: number): bigint {
  return seedOf(philox4x32([position, j === undefined ? 0 : 1 + j, 0, PIPELINE_STREAM.stepSeed], key(BigInt(pipelineSeed))));
}

describe('Pipeline groups: oneOf, someOf', () => {
  const children: PipelineStep[] = [
    { op: 'flip', options: { mode: 'horizontal', p: 1 } },
    { op: 'brightness', options: { delta: [-30, 30] } },
    { op: 'gaussianNoise', options: { std: 8 } },
  ];

  it('oneOf applies, per sample, the step chosen by U(word 0 of (0, i, epoch, 66)) · total, with the step seeded from (position, 1 + j, 0, 64)', () => {
    const seed = 77;
    const pipeline = new Pipeline([{ op: 'contrast', options: { factor: [0.8, 1.2] } }, oneOf(children, { weights: [1, 2, 1] })], { seed });
    const b = images(24);
    const at = { index: 300, epoch: 2 };
    const out = pipeline.run(b, { ...at, record: true });
    const groupKey = key(stepSeed(seed, 1));
    const per = b.data.length / 24;
    const counts = [0, 0, 0];
    for (let i = 0; i < 24; i += 1) {
      const u = uniformOfWord(philox4x32([0, at.index + i, at.epoch, PIPELINE_STREAM.choice], groupKey)[0]!) * 4;
      const j = u < 1 ? 0 : u < 3 ? 1 : 2;
      counts[j]! += 1;
      expect(out.records[i]!.steps[1]).toMatchObject({ op: 'oneOf', applied: true, params: { choice: j } });
      expect(out.records[i]!.steps[1]!.steps!.map((s) => s.applied)).toEqual([0, 1, 2].map((t) => t === j));
      // the sample alone, by the ops called directly
      const atI = { index: at.index + i, epoch: at.epoch };
      let x = contrast(image(b, i), { factor: [0.8, 1.2], seed: stepSeed(seed, 0), ...atI });
      const childSeed = stepSeed(seed, 1, j);
      x = [
        () => flip(x, { mode: 'horizontal', p: 1, seed: childSeed, ...atI }),
        () => brightness(x, { delta: [-30, 30], seed: childSeed, ...atI }),
        () => gaussianNoise(x, { std: 8, seed: childSeed, ...atI }),
      ][j]!();
      expect([...out.data.subarray(i * per, (i + 1) * per)]).toEqual([...x.data]);
    }
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('someOf(k) chooses k distinct steps per sample, applied in listed order; every subset is about equally likely; group p gates all', () => {
    const four: PipelineStep[] = [...children, { op: 'shift', options: { x: 0.2, fill: 'wrap' } }];
    const pipeline = new Pipeline([someOf(2, four, { p: 0.75 })], { seed: 5 });
    const n = 3000;
    const b = { data: new Float32Array(n * 2 * 2), shape: [n, 2, 2, 1] as [number, number, number, number] };
    const { records } = pipeline.run(b, { record: true });
    const subsets = new Map<string, number>();
    let applied = 0;
    for (const r of records) {
      const g = r.steps[0]!;
      expect(Object.keys(g.params)).toEqual(['choice0', 'choice1']);
      const chosen = [g.params.choice0!, g.params.choice1!];
      expect(chosen[0]).toBeLessThan(chosen[1]!);
      expect(g.steps!.map((s) => s.applied)).toEqual([0, 1, 2, 3].map((j) => g.applied && chosen.includes(j)));
      if (g.applied) applied += 1;
      subsets.set(chosen.join(), (subsets.get(chosen.join()) ?? 0) + 1);
    }
    // p 0.75: 2250 expected, sd ~24
    expect(Math.abs(applied - 2250)).toBeLessThan(120);
    // 6 subsets, 500 each expected: chi-square with 5 degrees of freedom, 20.5 is p = 0.001
    expect(subsets.size).toBe(6);
    const chi = [...subsets.values()].reduce((a, c) => a + (c - 500) ** 2 / 500, 0);
    expect(chi).toBeLessThan(20.5);
  });

  it('oneOf weights: frequencies follow them (chi-square), a zero weight is never chosen', () => {
    const pipeline = new Pipeline([oneOf(children, { weights: [3, 0, 1] })], { seed: 9 });
    const n = 4000;
    const { records } = pipeline.run({ data: new Float32Array(n), shape: [n, 1, 1, 1] }, { record: true, epoch: 4 });
    const counts = [0, 0, 0];
    for (const r of records) counts[r.steps[0]!.params.choice!]! += 1;
    expect(counts[1]).toBe(0);
    const chi = (counts[0]! - 3000) ** 2 / 3000 + (counts[2]! - 1000) ** 2 / 1000;
    expect(chi).toBeLessThan(10.8); // 1 degree of freedom, p = 0.001
  });

  const mixed: PipelineStep[] = [
    { op: 'shift', options: { x: 0.1, y: 0.1 }, p: 0.8 },
    oneOf([{ op: 'flip', options: { mode: 'horizontal_and_vertical' } }, { op: 'brightness', options: { factor: [0.7, 1.3] } }, { op: 'gaussianNoise', options: { std: 5 }, p: 0.5 }], { p: 0.9 }),
    someOf(2, [{ op: 'contrast', options: { factor: [0.5, 1.5] } }, { op: 'shift', options: { x: 0.3, interpolation: 'nearest' } }, { op: 'flip', options: { mode: 'vertical', p: 1 } }]),
    { op: 'crop', options: { height: 6, width: 6, padding: 1 } },
  ];

  it('replay equals run; runAsync equals run; a split batch equals the whole; JSON round trip gives the same pipeline', async () => {
    const pipeline = new Pipeline(mixed, { seed: 2027 });
    for (const b of [images(20, 3), { data: Float32Array.from(images(20, 4).data, (v) => v / 255), shape: [20, 9, 7, 3] as [number, number, number, number] }]) {
      const at = { index: 40, epoch: 1 };
      const out = pipeline.run(b, { ...at, record: true });
      expect(out.shape).toEqual([20, 6, 6, 3]);
      expect([...pipeline.replay(b, out.records).data]).toEqual([...out.data]);
      const asyncOut = await pipeline.runAsync(b, { ...at, threads: 2 });
      expect([...asyncOut.data]).toEqual([...out.data]);
      const first = pipeline.run({ ...b, data: b.data.slice(0, 7 * 9 * 7 * 3), shape: [7, 9, 7, 3] }, at);
      const second = pipeline.run({ ...b, data: b.data.slice(7 * 9 * 7 * 3), shape: [13, 9, 7, 3] }, { index: at.index + 7, epoch: at.epoch });
      expect([...first.data, ...second.data]).toEqual([...out.data]);
      const again = Pipeline.fromJSON(JSON.stringify(pipeline));
      expect(again.toJSON()).toEqual(pipeline.toJSON());
      expect([...again.run(b, at).data]).toEqual([...out.data]);
      // a replay of one sample, from its record alone
      expect([...pipeline.replay(image(b, 5), [out.records[5]!]).data]).toEqual([...out.data.subarray(5 * 108, 6 * 108)]);
      // the records really drive replay: a flipped choice changes that sample
      const changed = structuredClone(out.records);
      const g = changed[0]!.steps[2]!;
      g.steps = g.steps!.map((s) => ({ ...s, applied: !s.applied }));
      expect([...pipeline.replay(image(b, 0), [changed[0]!]).data]).not.toEqual([...out.data.subarray(0, 108)]);
    }
  });

  it('preview labels a group by its steps\' ops', () => {
    expect(stepLabel(oneOf(children, { p: 0.5, weights: [1, 2, 1] }))).toBe('oneOf steps=flip…brightness…gaussianNoise weights=1…2…1 p=0.5');
    expect(stepLabel(someOf(2, children))).toBe('someOf k=2 steps=flip…brightness…gaussianNoise');
  });

  it('a group that applies to no sample returns a new array, not the input', () => {
    const b = images(2);
    const out = new Pipeline([oneOf(children, { p: 0 })]).run(b);
    expect(out.data).not.toBe(b.data);
    expect([...out.data]).toEqual([...b.data]);
  });

  it('bad groups are named by their place', () => {
    expect(() => new Pipeline([oneOf([])])).toThrow('Expected a non-empty array of pipeline steps for steps[0].options.steps but received array(0) of type array');
    expect(() => new Pipeline([oneOf([{ op: 'crop', options: { height: 2, width: 2 } }])])).toThrow(RangeError);
    expect(() => new Pipeline([oneOf([{ op: 'crop', options: { height: 2, width: 2 } }])])).toThrow('steps[0].options.steps[0].op');
    expect(() => new Pipeline([oneOf([oneOf(children)])])).toThrow('an op (groups do not nest)');
    expect(() => new Pipeline([shift as never, someOf(4, children)])).toThrow(TypeError);
    expect(() => new Pipeline([someOf(4, children)])).toThrow('Expected an integer between 0 and 3 for steps[0].options.k but received 4');
    expect(() => new Pipeline([oneOf(children, { weights: [1, 1] })])).toThrow('Expected an array of 3 numbers >= 0 (one per step) for steps[0].options.weights');
    expect(() => new Pipeline([oneOf(children, { weights: [0, 0, 0] })])).toThrow('weights with a finite sum > 0');
    expect(() => new Pipeline([oneOf(children, { weights: [1, -1, 0] })])).toThrow('for steps[0].options.weights[1] but received -1');
    expect(() => new Pipeline([oneOf(children, { p: 2 })])).toThrow('Expected a probability in [0, 1] for steps[0].p but received 2');
    expect(() => new Pipeline([{ op: 'oneOf', options: { steps: children, k: 1 } } as never])).toThrow("Unknown option 'k' for steps[0].options (oneOf); expected one of: steps, weights");
    expect(() => new Pipeline([oneOf([{ op: 'flip', options: { mode: 'x' } } as never])])).toThrow("steps[0].options.steps[0] (flip): Expected 'horizontal', 'vertical' or 'horizontal_and_vertical' for mode");
    const p = new Pipeline([oneOf(children)]);
    const b = images(1);
    const { records } = p.run(b, { record: true });
    expect(() => p.replay(b, [{ ...records[0]!, steps: [{ ...records[0]!.steps[0]!, steps: [] }] }])).toThrow("for records[0].steps[0].steps");
  });
});
