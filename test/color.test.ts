// brightness (issue 19): hand-computed cases with ties and both ends, a
// reference from the definition's float32 order, every backend and ISA
// bit-identical (in place, clip, NaN and infinities), drawn parameters from
// the published stream layout, split/thread invariance, Pipeline, bad input.
import { describe, expect, it } from 'vitest';

import type { ColorRequest } from '../src/backends/backend.js';
import { colorAffinePieces } from '../src/backends/js/color.js';
import { brightness, brightnessAsync, brightnessParams, philox4x32, Pipeline, STREAM, type Batch, type BrightnessOptions } from '../src/index.js';
import { brightnessPlan } from '../src/ops/color.js';
import { backendName, backends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

const f = Math.fround;

/** Round half to even, written out (independent of src). */
function halfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
}

/** From the definition: y = float32(float32(x · factor) + delta) per element; uint8 saturate(roundHalfEven(y)), NaN → 0. */
function referenceBrightness(b: Batch, factor: ArrayLike<number>, delta: ArrayLike<number>, clip?: [number, number]): Uint8Array | Float32Array {
  const per = b.shape[1] * b.shape[2] * b.shape[3];
  const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
  for (let k = 0; k < b.data.length; k += 1) {
    const i = Math.floor(k / per);
    const y = f(f(b.data[k]! * factor[i]!) + delta[i]!);
    if (out instanceof Uint8Array) out[k] = Number.isNaN(y) ? 0 : Math.min(255, Math.max(0, halfEven(y)));
    else out[k] = clip === undefined ? y : Math.min(f(clip[1]), Math.max(f(clip[0]), y));
  }
  return out;
}

describe('hand-computed', () => {
  it('uint8: ties round half to even, both ends saturate', () => {
    const b: Batch = { data: Uint8Array.from([0, 1, 3, 10, 100, 255]), shape: [1, 1, 6, 1] };
    // x · 1.5 + 0.5: 0.5 → 0, 2 → 2, 5 → 5, 15.5 → 16, 150.5 → 150, 383 → 255
    expect([...brightness(b, { factor: 1.5, delta: 0.5 }).data]).toEqual([0, 2, 5, 16, 150, 255]);
    // x · 0.5: 0, 0.5 → 0, 1.5 → 2, 5, 50, 127.5 → 128
    expect([...brightness(b, { factor: 0.5 }).data]).toEqual([0, 0, 2, 5, 50, 128]);
    // x − 20 saturates at 0; x + 300 at 255
    expect([...brightness(b, { delta: -20 }).data]).toEqual([0, 0, 0, 0, 80, 235]);
    expect([...brightness(b, { delta: 300 }).data]).toEqual([255, 255, 255, 255, 255, 255]);
    // the defaults are the identity
    expect([...brightness(b).data]).toEqual([...b.data]);
  });

  it('float32: each product and sum rounded to float32; clip on request', () => {
    const b: Batch = { data: Float32Array.from([0.1, 0.7, -2, 3]), shape: [1, 2, 2, 1] };
    const factor = 1.1;
    const delta = 0.3;
    const expected = [...b.data].map((x) => f(f(x * f(factor)) + f(delta)));
    expect([...brightness(b, { factor, delta }).data]).toEqual(expected);
    expect([...brightness(b, { factor, delta, clip: [0, 1] }).data]).toEqual(expected.map((v) => Math.min(1, Math.max(0, v))));
  });

  it('per-channel NCHW and NHWC give the same pixels', () => {
    const rng = testRng(5);
    const nhwc = randomBatch(rng, [2, 3, 4, 3], 'uint8', 'NHWC');
    const nchw = new Uint8Array(nhwc.data.length);
    for (let i = 0; i < 2; i += 1) for (let p = 0; p < 12; p += 1) for (let ch = 0; ch < 3; ch += 1) nchw[(i * 3 + ch) * 12 + p] = nhwc.data[(i * 12 + p) * 3 + ch]!;
    const opts: BrightnessOptions = { factor: [0.5, 1.5], delta: [-10, 10], seed: 8 };
    const a = brightness(nhwc, opts).data;
    const c = brightness({ data: nchw, shape: [2, 3, 4, 3], layout: 'NCHW' }, opts).data;
    for (let i = 0; i < 2; i += 1) for (let p = 0; p < 12; p += 1) for (let ch = 0; ch < 3; ch += 1) expect(c[(i * 3 + ch) * 12 + p]).toBe(a[(i * 12 + p) * 3 + ch]);
  });
});

describe('matches the reference on every backend and ISA, bit for bit', () => {
  it('randomized shapes, dtypes, layouts, fixed and drawn parameters, clip, new out and in place', () => {
    const rng = testRng(4848);
    for (let t = 0; t < 200; t += 1) {
      const shape: Shape = [rng.int(0, 4), rng.pick([1, 2, 5, 9]), rng.pick([1, 3, 8, 17, 33]), rng.int(1, 6)];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      if (dtype === 'float32' && b.data.length > 2) {
        b.data[0] = NaN;
        b.data[1] = Infinity;
        b.data[2] = -0;
      }
      const opts: BrightnessOptions = {
        factor: rng.pick([1, 0, 0.5, 1.7, [0.5, 1.5], [0, 3], 1e30] as const) as BrightnessOptions['factor'],
        delta: rng.pick([0, -0.5, 12.25, [-20, 20], [-1e-3, 1e-3]] as const) as BrightnessOptions['delta'],
        seed: rng.int(0, 1000), index: rng.int(0, 10_000), epoch: rng.int(0, 3),
      };
      if (dtype === 'float32' && rng.next() < 0.3) opts.clip = [-5, 5];
      const plan = brightnessPlan(b, opts);
      const params = brightnessParams(b, opts);
      const expected = referenceBrightness(b, params.factor, params.delta, opts.clip);
      const what = `case ${t} ${JSON.stringify({ shape, dtype, layout: b.layout, ...opts })}`;
      expect(firstDifference(brightness(b, opts).data, expected), what).toBe(-1);
      for (const backend of backends) {
        const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        backend.colorAffine(b.data, out, plan, 0, shape[0]);
        expect(firstDifference(out, expected), `${backendName(backend)} ${what}`).toBe(-1);
        const inPlace = b.data.slice();
        backend.colorAffine(inPlace, inPlace, plan, 0, shape[0]);
        expect(firstDifference(inPlace, expected), `${backendName(backend)} in place ${what}`).toBe(-1);
      }
    }
  });

  it('uint8 is within half a level of the exact float64 value, saturated (over all 256 levels and many factors)', () => {
    const b: Batch = { data: Uint8Array.from({ length: 256 }, (_, i) => i), shape: [1, 16, 16, 1] };
    const rng = testRng(6);
    for (let t = 0; t < 100; t += 1) {
      const factor = rng.next() * 2;
      const delta = rng.next() * 40 - 20;
      const out = brightness(b, { factor, delta }).data;
      for (let x = 0; x < 256; x += 1) {
        const exact = Math.min(255, Math.max(0, x * factor + delta));
        expect(Math.abs(out[x]! - exact)).toBeLessThanOrEqual(0.5 + 1e-4);
      }
    }
  });
});

describe('drawn parameters', () => {
  it('follow the published stream layout: block (0, index + k, epoch, 48), factor from U(w0), delta from U(w1)', () => {
    const n = 200;
    const b: Batch = { data: new Uint8Array(n), shape: [n, 1, 1, 1] };
    const p = brightnessParams(b, { factor: [0.8, 1.2], delta: [-30, 10], seed: 12, index: 9, epoch: 4 });
    for (let k = 0; k < n; k += 1) {
      const [w0, w1] = philox4x32([0, 9 + k, 4, STREAM.brightnessParams], [12, 0]);
      expect(p.factor[k]).toBe(f(0.8 + 0.4 * uniformOfWord(w0!)));
      expect(p.delta[k]).toBe(f(-30 + 40 * uniformOfWord(w1!)));
    }
    const mean = (a: Float32Array): number => a.reduce((s, x) => s + x, 0) / a.length;
    // U(0.8, 1.2): mean 1, sd 0.115; over 200 images the mean is within 5 · 0.115 / sqrt(200)
    expect(Math.abs(mean(p.factor) - 1)).toBeLessThan(5 * 0.4 / Math.sqrt(12 * n));
  });
});

describe('batch split and threads', () => {
  it('image i gets the same result whatever the batch split and thread count, in place too', async () => {
    const rng = testRng(93);
    for (const dtype of ['uint8', 'float32'] as const) {
      const b = randomBatch(rng, [9, 7, 10, 3], dtype, 'NHWC');
      const opts: BrightnessOptions = { factor: [0.5, 1.5], delta: [-8, 8], seed: 77n, index: 100, epoch: 2 };
      const whole = brightness(b, opts);
      const per = 7 * 10 * 3;
      for (const [from, to] of [[0, 4], [4, 5], [5, 9]] as const) {
        const part = brightness({ data: b.data.subarray(from * per, to * per), shape: [to - from, 7, 10, 3] }, { ...opts, index: 100 + from });
        expect(firstDifference(part.data, whole.data.subarray(from * per, to * per))).toBe(-1);
      }
      for (const threads of [1, 2, 3, 8]) {
        expect(firstDifference((await brightnessAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
        const inPlace = b.data.slice();
        expect((await brightnessAsync({ data: inPlace, shape: b.shape }, { ...opts, threads, out: inPlace })).data).toBe(inPlace);
        expect(firstDifference(inPlace, whole.data)).toBe(-1);
      }
    }
  });

  it('js async pieces of any size give the bytes of the whole images', () => {
    const rng = testRng(25);
    const b = randomBatch(rng, [3, 5, 7, 3], 'uint8', 'NCHW');
    const plan: ColorRequest = brightnessPlan(b, { factor: [0.5, 2], delta: 3, seed: 2 });
    const whole = brightness(b, { factor: [0.5, 2], delta: 3, seed: 2 }).data;
    for (const unit of [1, 2, 5, 40]) {
      const pieces = new Uint8Array(b.data.length);
      for (const _ of colorAffinePieces(plan, b.data, pieces, 0, 3, unit));
      expect(firstDifference(pieces, whole)).toBe(-1);
    }
  });
});

describe('in a Pipeline', () => {
  it('records { factor, delta }, replays them, survives JSON', async () => {
    const pipeline = new Pipeline([{ op: 'brightness', options: { factor: [0.6, 1.4], delta: [-10, 10] }, p: 0.7 }, { op: 'flip' }], { seed: 21 });
    const b: Batch = { data: Uint8Array.from({ length: 20 * 4 * 4 * 3 }, (_, i) => (i * 29) & 255), shape: [20, 4, 4, 3] };
    const run = pipeline.run(b, { index: 3, epoch: 1, record: true });
    for (const r of run.records) {
      const s = r.steps[0]!;
      expect(s.params.factor! >= 0.6 && s.params.factor! <= 1.4 && s.params.delta! >= -10 && s.params.delta! <= 10).toBe(true);
    }
    expect(firstDifference(pipeline.replay(b, JSON.parse(JSON.stringify(run.records)) as typeof run.records).data, run.data)).toBe(-1);
    expect(firstDifference((await pipeline.runAsync(b, { index: 3, epoch: 1, threads: 2 })).data, run.data)).toBe(-1);
    expect(firstDifference(Pipeline.fromJSON(JSON.stringify(pipeline)).run(b, { index: 3, epoch: 1 }).data, run.data)).toBe(-1);
    const bad = structuredClone(run.records);
    const applied = bad.findIndex((r) => r.steps[0]!.applied);
    bad[applied]!.steps[0]!.params.factor = -1;
    expect(() => pipeline.replay(b, bad)).toThrow(new RangeError(`Expected a finite float32 number >= 0 for records[${applied}].steps[0].params.factor but received -1 of type number`));
  });
});

describe('bad input', () => {
  const b: Batch = { data: new Uint8Array(2 * 3 * 4), shape: [2, 3, 4, 1] };
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    ['batch not an object', () => brightness(5 as unknown as Batch), TypeError, 'Expected an object { data, shape, layout? } for batch but received 5 of type number'],
    ['negative factor', () => brightness(b, { factor: -1 }), RangeError, 'Expected a number or [lo, hi] with lo <= hi, within [0, Infinity] for factor but received -1'],
    ['factor lo > hi', () => brightness(b, { factor: [2, 1] }), RangeError, 'for factor but received array(2)'],
    ['factor beyond float32', () => brightness(b, { factor: 1e39 }), RangeError, 'Expected a number or [lo, hi] within float32 (|value| < 3.4e38) for factor but received 1e+39'],
    ['delta a string', () => brightness(b, { delta: '1' as unknown as number }), TypeError, "for delta but received '1' of type string"],
    ['delta NaN', () => brightness(b, { delta: NaN }), RangeError, 'for delta but received NaN'],
    ['clip on uint8', () => brightness(b, { clip: [0, 1] }), RangeError, 'Expected no clip for uint8 data (results saturate to [0, 255]) for clip'],
    ['clip lo > hi', () => brightness({ data: new Float32Array(24), shape: [2, 3, 4, 1] }, { clip: [1, 0] }), RangeError, 'Expected [lo, hi] with lo <= hi for clip'],
    ['out of the wrong type', () => brightness(b, { out: new Float32Array(24) }), TypeError, 'Expected a Uint8Array like the batch data for out but received Float32Array(24)'],
    ['index too large', () => brightness(b, { index: 2 ** 32 - 1 }), RangeError, 'Expected an integer between 0 and 4294967294 for index'],
    ['unknown option', () => brightness(b, { std: 1 } as BrightnessOptions), TypeError, "Unknown option 'std' for brightness; expected one of: seed, index, epoch, factor, delta, clip, out"],
  ];
  for (const [what, call, type, message] of cases) {
    it(what, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
  it('an out that partly overlaps the input is an error', () => {
    const memory = new Uint8Array(30);
    expect(() => brightness({ data: memory.subarray(0, 24), shape: [2, 3, 4, 1] }, { out: memory.subarray(3, 27) })).toThrow(RangeError);
  });
  it('async rejects with the same errors', async () => {
    await expect(brightnessAsync(b, { factor: -1 })).rejects.toThrow(RangeError);
    await expect(brightnessAsync(b, { threads: 0 })).rejects.toThrow('for threads');
  });
  it('n = 0 is a valid, empty batch', () => {
    expect(brightness({ data: new Float32Array(0), shape: [0, 3, 3, 1] }, { factor: [0, 2] }).data).toHaveLength(0);
  });
});
