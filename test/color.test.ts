// brightness and contrast (issue 19): hand-computed cases with ties and both ends, a
// reference from the definition's float32 order, every backend and ISA
// bit-identical (in place, clip, NaN and infinities), drawn parameters from
// the published stream layout, split/thread invariance, Pipeline, bad input.
import { describe, expect, it } from 'vitest';

import type { ColorRequest, ContrastRequest } from '../src/backends/backend.js';
import { colorAffinePieces } from '../src/backends/js/color.js';
import { brightness, brightnessAsync, brightnessParams, contrast, contrastAsync, contrastParams, philox4x32, Pipeline, STREAM, type Batch, type BrightnessOptions, type ContrastOptions } from '../src/index.js';
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

describe('uint8 map edges (native: elements up to an output boundary, 16- or 32-element vector steps, then element tails)', () => {
  /** y = float32(float32(x · a) + b), then NaN → 0, else roundHalfEven and saturate: written out per element. */
  function referenceMap(req: ColorRequest, data: Uint8Array, n: number): Uint8Array {
    const { h, w, c } = req;
    const out = new Uint8Array(data.length);
    for (let k = 0; k < data.length; k += 1) {
      const i = Math.floor(k / (h * w * c));
      const ch = req.layout === 'NHWC' ? k % c : Math.floor(k / (h * w)) % c;
      const y = f(f(data[k]! * req.scale[i * c + ch]!) + req.offset[i * c + ch]!);
      out[k] = Number.isNaN(y) ? 0 : Math.min(255, Math.max(0, halfEven(y)));
    }
    expect(out.length).toBe(n * h * w * c);
    return out;
  }

  // per channel (a, b): ties (x · 0.5 + 0.5 and + 0.25), both ends, −0, NaN from 0 · ∞,
  // ±∞, huge values past int32 (a conversion alone would wrap them), a negative scale
  const pairs: Array<[number, number]> = [
    [0.5, 0.5], [0.5, 0.25], [1, -0], [1.5, -127.5], [Infinity, 0], [Infinity, -Infinity], [0, NaN], [-Infinity, 1],
    [1e30, 0], [-1e30, 3], [3e9, -2e9], [-1, 255.5], [1, 254.5], [0.999, 0.5], [2, -0.4999],
  ];
  const widths = [...Array.from({ length: 36 }, (_, i) => i + 1), 47, 48, 49, 63, 64, 65, 255, 256, 257, 300];
  it('every level, channel counts 1…5, rows of 1…36, 47…49, 63…65, 255…257, 300 elements, both layouts, in place, on every backend', () => {
    let t = 0;
    for (const c of [1, 2, 3, 4, 5]) {
      for (const w of widths) {
        for (const layout of ['NHWC', 'NCHW'] as const) {
          t += 1;
          const n = 2;
          const data = Uint8Array.from({ length: n * w * c }, (_, k) => (k * 7 + t) & 255);
          const pick = (k: number): [number, number] => pairs[(k * 5 + t) % pairs.length]!;
          const req: ColorRequest = {
            h: 1, w, c, layout, clip: false, clipLo: 0, clipHi: 0,
            scale: Float32Array.from({ length: n * c }, (_, k) => pick(k)[0]), offset: Float32Array.from({ length: n * c }, (_, k) => pick(k)[1]),
          };
          const expected = referenceMap(req, data, n);
          for (const backend of backends) {
            const out = new Uint8Array(data.length);
            backend.colorAffine(data, out, req, 0, n);
            const what = `${backendName(backend)} c ${c} w ${w} ${layout}`;
            expect(firstDifference(out, expected), what).toBe(-1);
            const inPlace = data.slice();
            backend.colorAffine(inPlace, inPlace, req, 0, n);
            expect(firstDifference(inPlace, expected), `${what} in place`).toBe(-1);
          }
        }
      }
    }
  });

  // Native x86 builds map with clamp((x·A + B) >> S, 0, 255) in int32 or
  // uint16 lanes wherever that reproduces the float rule for all 256 levels
  // of a channel (random parameters almost always; ties as x · 0.5 never),
  // and start the vector steps at a 16- or 32-byte boundary of the output,
  // the elements before it one at a time. The one-multiply 16-bit form
  // either adds B or subtracts −B for all of an image's channels: offsets
  // of one sign take it (adding or subtracting), mixed signs the
  // two-multiply form. So: random a, b over wide ranges (both signs, one
  // sign per image, past the int32 bound for some), every level in every
  // channel, outputs at offsets 0…33 of a larger array, rows around the step
  // sizes, planes of 4096 pixels or more (smaller ones keep the float rule:
  // the test above).
  it('random parameters (integer form), every output alignment, channel counts 1…5, both layouts, in place, on every backend', () => {
    const rng = testRng(4242);
    const scales = [(): number => 0.8 + 0.4 * rng.next(), (): number => 4 * rng.next() - 2, (): number => 300 * rng.next(), (): number => 1e7 * rng.next()];
    const offsets = [(): number => 100 * rng.next() - 50, (): number => 40 * rng.next(), (): number => -40 * rng.next(), (): number => 600 * rng.next() - 300, (): number => 1e8 * (rng.next() - 0.5)];
    for (let t = 0; t < 160; t += 1) {
      const c = 1 + (t % 5);
      const layout = t % 2 === 0 ? 'NHWC' : 'NCHW';
      const w = rng.pick([1, 15, 16, 17, 31, 32, 33, 64, 95, 96, 97, 256, 300]);
      const n = 2;
      const h = Math.ceil(4096 / w); // the integer form is tried on planes of 4096 pixels or more
      const length = n * h * w * c;
      const plane = h * w;
      // pixel p of channel ch: (37p + 11ch + t) mod 256, every level in every channel
      const data = Uint8Array.from({ length }, (_, k) => {
        const [p, ch] = layout === 'NHWC' ? [Math.floor(k / c) % plane, k % c] : [k % plane, Math.floor(k / plane) % c];
        return (37 * p + 11 * ch + t) & 255;
      });
      const pickScale = rng.pick(scales);
      const pickOffset = rng.pick(offsets);
      const req: ColorRequest = {
        h, w, c, layout, clip: false, clipLo: 0, clipHi: 0,
        scale: Float32Array.from({ length: n * c }, pickScale), offset: Float32Array.from({ length: n * c }, pickOffset),
      };
      const expected = referenceMap(req, data, n);
      const shift = t % 34;
      for (const backend of backends) {
        const what = `${backendName(backend)} case ${t} c ${c} w ${w} ${layout} output offset ${shift}`;
        const out = new Uint8Array(length + 40).subarray(shift, shift + length);
        backend.colorAffine(data, out, req, 0, n);
        expect(firstDifference(out, expected), what).toBe(-1);
        const inPlace = new Uint8Array(length + 40).subarray(shift, shift + length);
        inPlace.set(data);
        backend.colorAffine(inPlace, inPlace, req, 0, n);
        expect(firstDifference(inPlace, expected), `${what} in place`).toBe(-1);
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

/**
 * contrast from its definition: per image (and channel) the float64 sum of
 * the channel's elements in eight partial sums (pixel p into partial p mod 8,
 * then p0 + p1 + … + p7 in order), m = float32(sum / count), then
 * y = float32(float32(x · c) + float32(m − float32(m · c))).
 */
function referenceContrast(b: Batch, factor: ArrayLike<number>, perChannel: boolean, clip?: [number, number]): Uint8Array | Float32Array {
  const [n, h, w, c] = b.shape;
  const at = (i: number, p: number, ch: number): number => (b.layout === 'NCHW' ? (i * c + ch) * h * w + p : (i * h * w + p) * c + ch);
  const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
  for (let i = 0; i < n; i += 1) {
    const sums = Array.from({ length: c }, (_, ch) => {
      const partials = [0, 0, 0, 0, 0, 0, 0, 0];
      for (let p = 0; p < h * w; p += 1) partials[p % 8] = partials[p % 8]! + b.data[at(i, p, ch)]!;
      return partials.reduce((a, x) => a + x);
    });
    const total = sums.reduce((a, x) => a + x, 0);
    for (let ch = 0; ch < c; ch += 1) {
      const m = perChannel ? f(sums[ch]! / (h * w)) : f(total / (h * w * c));
      const offset = f(m - f(m * factor[i]!));
      for (let p = 0; p < h * w; p += 1) {
        const y = f(f(b.data[at(i, p, ch)]! * factor[i]!) + offset);
        if (out instanceof Uint8Array) out[at(i, p, ch)] = Number.isNaN(y) ? 0 : Math.min(255, Math.max(0, halfEven(y)));
        else out[at(i, p, ch)] = clip === undefined ? y : Math.min(f(clip[1]), Math.max(f(clip[0]), y));
      }
    }
  }
  return out;
}

describe('contrast', () => {
  it('hand-computed: about the mean 15 of [0, 10, 20, 30]; ties half to even; factor 0 gives the mean', () => {
    const b: Batch = { data: Uint8Array.from([0, 10, 20, 30]), shape: [1, 2, 2, 1] };
    expect([...contrast(b, { factor: 2 }).data]).toEqual([0, 5, 25, 45]); // 2x − 15
    expect([...contrast(b, { factor: 0.5 }).data]).toEqual([8, 12, 18, 22]); // 0.5x + 7.5: 7.5, 12.5, 17.5, 22.5
    expect([...contrast(b, { factor: 0 }).data]).toEqual([15, 15, 15, 15]);
    expect([...contrast(b, { factor: 1 }).data]).toEqual([0, 10, 20, 30]);
    const fl: Batch = { data: Float32Array.from([0, 10, 20, 30]), shape: [1, 2, 2, 1] };
    expect([...contrast(fl, { factor: 2, clip: [0, 40] }).data]).toEqual([0, 5, 25, 40]);
  });

  it('perChannel: one mean per channel (default) or one over the image', () => {
    // two channels: [0, 100] and [10, 30]; per channel means 50 and 20, overall 35
    const b: Batch = { data: Uint8Array.from([0, 10, 100, 30]), shape: [1, 1, 2, 2] };
    expect([...contrast(b, { factor: 0 }).data]).toEqual([50, 20, 50, 20]);
    expect([...contrast(b, { factor: 0, perChannel: false }).data]).toEqual([35, 35, 35, 35]);
    expect([...contrast({ ...b, data: Uint8Array.from([0, 100, 10, 30]), layout: 'NCHW' }, { factor: 0 }).data]).toEqual([50, 50, 20, 20]);
  });

  it('matches the reference on every backend and ISA, bit for bit (in place, both layouts, clip)', () => {
    const rng = testRng(4949);
    for (let t = 0; t < 150; t += 1) {
      const shape: Shape = [rng.int(0, 4), rng.pick([1, 2, 5, 9]), rng.pick([1, 3, 8, 17]), rng.int(1, 5)];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      const opts: ContrastOptions = {
        factor: rng.pick([0, 0.5, 1, 1.7, [0.5, 1.5], [0, 3]] as const) as ContrastOptions['factor'],
        perChannel: rng.next() < 0.6,
        seed: rng.int(0, 1000), index: rng.int(0, 10_000), epoch: rng.int(0, 3),
      };
      if (dtype === 'float32' && rng.next() < 0.3) opts.clip = [-20, 20];
      const factor = contrastParams(b, opts).factor;
      const expected = referenceContrast(b, factor, opts.perChannel !== false, opts.clip);
      const what = `case ${t} ${JSON.stringify({ shape, dtype, layout: b.layout, ...opts })}`;
      expect(firstDifference(contrast(b, opts).data, expected), what).toBe(-1);
      // every backend: the sums kernel and the map kernel
      for (const backend of backends) {
        const sums = new Float64Array(shape[0] * shape[3]);
        backend.channelSums(b.data, { h: shape[1], w: shape[2], c: shape[3], layout: b.layout! }, sums, 0, shape[0]);
        const js = new Float64Array(sums.length);
        backends[0]!.channelSums(b.data, { h: shape[1], w: shape[2], c: shape[3], layout: b.layout! }, js, 0, shape[0]);
        expect(firstDifference(sums, js), `${backendName(backend)} sums ${what}`).toBe(-1);
      }
      const inPlace = b.data.slice();
      expect(firstDifference(contrast({ ...b, data: inPlace }, { ...opts, out: inPlace }).data, expected), `in place ${what}`).toBe(-1);
    }
  });

  it('backend contrast on planes of >= 4096 pixels (native: integer maps, the next image prefetched), c 1…4, both layouts, both dtypes, in place, from image `first` on, on every backend', () => {
    const rng = testRng(4950);
    for (let t = 0; t < 12; t += 1) {
      const shape: Shape = [4, 64, rng.pick([64, 72, 65]), 1 + (t % 4)];
      const [n, h, w, c] = shape;
      const b = randomBatch(rng, shape, t % 3 === 2 ? 'float32' : 'uint8', t % 2 === 0 ? 'NHWC' : 'NCHW');
      const perChannel = t % 5 !== 1;
      const factor = Float32Array.from({ length: n }, () => rng.pick([0, 0.5, 0.8, 1.2, 1.7, 3]));
      const expected = referenceContrast(b, factor, perChannel);
      const image = h * w * c;
      for (const backend of backends) {
        const request: ContrastRequest = {
          h, w, c, layout: b.layout!, perChannel, clip: false, clipLo: 0, clipHi: 0,
          scale: Float32Array.from({ length: n * c }, (_, k) => factor[Math.floor(k / c)]!), offset: new Float32Array(n * c), sums: new Float64Array(n * c),
        };
        const first = t % 2;
        const inPlace = t % 4 === 3;
        const out = inPlace ? b.data.slice() : b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        backend.contrast(inPlace ? out : b.data, out, request, first, n - first);
        const what = `${backendName(backend)} case ${t} ${JSON.stringify({ shape, layout: b.layout, perChannel, first, inPlace })}`;
        expect(firstDifference(out.subarray(first * image), expected.subarray(first * image)), what).toBe(-1);
        const sums = new Float64Array(n * c);
        backends[0]!.channelSums(b.data, request, sums, first, n - first);
        expect(firstDifference(request.sums, sums), `sums ${what}`).toBe(-1);
      }
    }
  });

  it('channel sums agree on every backend for many channels and any tail of pixels', () => {
    const rng = testRng(51);
    for (const shape of [[2, 3, 5, 70], [1, 1, 1, 3], [1, 3, 3, 2], [2, 1, 17, 4], [1, 4, 4, 1]] as Shape[]) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        const b = randomBatch(rng, shape, 'float32', layout);
        const [n, h, w, c] = shape;
        const js = new Float64Array(n * c);
        backends[0]!.channelSums(b.data, { h, w, c, layout }, js, 0, n);
        const expected = Array.from({ length: n * c }, (_, k) => {
          const [i, ch] = [Math.floor(k / c), k % c];
          const partials = [0, 0, 0, 0, 0, 0, 0, 0];
          for (let p = 0; p < h * w; p += 1) partials[p % 8] = partials[p % 8]! + b.data[layout === 'NCHW' ? (i * c + ch) * h * w + p : (i * h * w + p) * c + ch]!;
          return partials.reduce((a, x) => a + x);
        });
        expect([...js]).toEqual(expected);
        for (const backend of backends) {
          const sums = new Float64Array(n * c);
          backend.channelSums(b.data, { h, w, c, layout }, sums, 0, n);
          expect(firstDifference(sums, js), `${backendName(backend)} ${JSON.stringify(shape)} ${layout}`).toBe(-1);
        }
      }
    }
  });

  it('uint8 channel sums are exact past 16-bit lane flushes (native: every 16384 pixels), all 255 and random, c 1…4, both layouts, on every backend', () => {
    const rng = testRng(52);
    for (const [h, w] of [[128, 128], [129, 128], [128, 129], [257, 256]] as const) {
      for (const c of [1, 2, 3, 4]) {
        for (const layout of ['NHWC', 'NCHW'] as const) {
          for (const full of [true, false]) {
            const n = 2;
            const data = full ? new Uint8Array(n * h * w * c).fill(255) : randomBatch(rng, [n, h, w, c], 'uint8', layout).data;
            const expected = new Float64Array(n * c);
            for (let k = 0; k < data.length; k += 1) {
              const i = Math.floor(k / (h * w * c));
              const ch = layout === 'NHWC' ? k % c : Math.floor(k / (h * w)) % c;
              expected[i * c + ch] = expected[i * c + ch]! + data[k]!;
            }
            for (const backend of backends) {
              const sums = new Float64Array(n * c);
              backend.channelSums(data, { h, w, c, layout }, sums, 0, n);
              expect([...sums], `${backendName(backend)} ${h}×${w}×${c} ${layout} ${full ? 'all 255' : 'random'}`).toEqual([...expected]);
            }
          }
        }
      }
    }
  });

  it('float32 is within 1e-5 (relative) of (x − mean) · factor + mean in float64', () => {
    const rng = testRng(50);
    const b = randomBatch(rng, [4, 6, 7, 3], 'float32', 'NHWC');
    const got = contrast(b, { factor: 1.3 }).data;
    const per = 6 * 7 * 3;
    for (let i = 0; i < 4; i += 1) {
      for (let ch = 0; ch < 3; ch += 1) {
        let sum = 0;
        for (let p = 0; p < 42; p += 1) sum += b.data[i * per + p * 3 + ch]!;
        const mean = sum / 42;
        for (let p = 0; p < 42; p += 1) {
          const k = i * per + p * 3 + ch;
          const exact = (b.data[k]! - mean) * 1.3 + mean;
          expect(Math.abs(got[k]! - exact)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(exact)) * 10);
        }
      }
    }
  });

  it('draws the factor from block (0, index + k, epoch, 49), word 0', () => {
    const b: Batch = { data: new Uint8Array(100), shape: [100, 1, 1, 1] };
    const { factor } = contrastParams(b, { factor: [0.2, 1.8], seed: 3, index: 5, epoch: 6 });
    for (let k = 0; k < 100; k += 1) expect(factor[k]).toBe(f(0.2 + 1.6 * uniformOfWord(philox4x32([0, 5 + k, 6, STREAM.contrastParams], [3, 0])[0]!)));
  });

  it('split, threads, async in place, and a Pipeline step with records { factor } and replay', async () => {
    const rng = testRng(94);
    for (const dtype of ['uint8', 'float32'] as const) {
      const b = randomBatch(rng, [9, 7, 10, 3], dtype, 'NCHW');
      const opts: ContrastOptions = { factor: [0.5, 1.5], seed: 77n, index: 100, epoch: 2 };
      const whole = contrast(b, opts);
      const per = 7 * 10 * 3;
      for (const [from, to] of [[0, 4], [4, 9]] as const) {
        const part = contrast({ data: b.data.subarray(from * per, to * per), shape: [to - from, 7, 10, 3], layout: 'NCHW' }, { ...opts, index: 100 + from });
        expect(firstDifference(part.data, whole.data.subarray(from * per, to * per))).toBe(-1);
      }
      for (const threads of [1, 2, 3]) {
        expect(firstDifference((await contrastAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
        const inPlace = b.data.slice();
        await contrastAsync({ data: inPlace, shape: b.shape, layout: 'NCHW' }, { ...opts, threads, out: inPlace });
        expect(firstDifference(inPlace, whole.data)).toBe(-1);
      }
    }
    const pipeline = new Pipeline([{ op: 'contrast', options: { factor: [0.5, 1.5], perChannel: false }, p: 0.5 }], { seed: 2 });
    const b = randomBatch(rng, [12, 4, 4, 3], 'uint8', 'NHWC');
    const run = pipeline.run(b, { record: true });
    expect(run.records.every((r) => Object.keys(r.steps[0]!.params).join() === 'factor')).toBe(true);
    expect(firstDifference(pipeline.replay(b, JSON.parse(JSON.stringify(run.records)) as typeof run.records).data, run.data)).toBe(-1);
    expect(firstDifference((await pipeline.runAsync(b, { threads: 2 })).data, run.data)).toBe(-1);
  });

  it('bad input is named before any work', async () => {
    const b: Batch = { data: new Uint8Array(24), shape: [2, 3, 4, 1] };
    expect(() => contrast(b, undefined as unknown as ContrastOptions)).toThrow(new TypeError('Expected a number >= 0 or [lo, hi] with 0 <= lo <= hi for factor but received undefined of type undefined'));
    expect(() => contrast(b, { factor: -0.5 })).toThrow(RangeError);
    expect(() => contrast(b, { factor: 1, perChannel: 1 as unknown as boolean })).toThrow(new TypeError('Expected a boolean for perChannel but received 1 of type number'));
    expect(() => contrast(b, { factor: 1, clip: [0, 1] })).toThrow(RangeError);
    expect(() => contrast(b, { factor: 1, delta: 1 } as ContrastOptions)).toThrow("Unknown option 'delta' for contrast; expected one of: seed, index, epoch, factor, perChannel, clip, out");
    await expect(contrastAsync(b, { factor: [2, 1] })).rejects.toThrow(RangeError);
    expect(contrast({ data: new Float32Array(0), shape: [0, 2, 2, 1] }, { factor: 2 }).data).toHaveLength(0);
  });
});
