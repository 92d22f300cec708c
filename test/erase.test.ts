// erase (issue 19): boxes drawn by torchvision's rule from the published
// stream layout (an independent implementation here, from philox4x32), the
// pixels from the definition (copy, then each box filled with its value, or
// noise by NHWC position: uint8 the word >>> 24, float32 the stream's
// normal), every backend and ISA bit for bit, layout invariance, statistics
// of the drawn boxes, split / thread invariance, async pieces, replay, bad input.
import { describe, expect, it } from 'vitest';

import { erasePieces } from '../src/backends/js/erase.js';
import { randomNormal } from '../src/backends/js/random.js';
import { erase, eraseAsync, eraseParams, philox4x32, Pipeline, someOf, STREAM, type Batch, type EraseOptions, type EraseParams } from '../src/index.js';
import { erasePlan } from '../src/ops/erase.js';
import { backendName, backends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

function halfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
}

const words = (block: number, sample: number, epoch: number, stream: number, seed: number): Uint32Array => philox4x32([block, sample, epoch, stream], [seed, 0]);

/** The README's rule, written from it: decision in block 0, box j attempt t in block 1 + 10j + t. */
function referenceBoxes(shape: Shape, o: { p: number; count: number; area: [number, number]; ratio: [number, number]; seed: number; index: number; epoch: number }): EraseParams {
  const [n, h, w] = shape;
  const r: EraseParams = { applied: new Uint8Array(n), top: new Int32Array(n * o.count), left: new Int32Array(n * o.count), height: new Int32Array(n * o.count), width: new Int32Array(n * o.count) };
  for (let i = 0; i < n; i += 1) {
    const g = o.index + i;
    if (!(uniformOfWord(words(0, g, o.epoch, 21, o.seed)[0]!) < o.p)) continue;
    r.applied[i] = 1;
    for (let j = 0; j < o.count; j += 1) {
      for (let t = 0; t < 10; t += 1) {
        const [w0, w1, w2, w3] = words(1 + 10 * j + t, g, o.epoch, 21, o.seed);
        const area = h * w * (o.area[0] + (o.area[1] - o.area[0]) * uniformOfWord(w0!));
        const ratio = Math.exp(Math.log(o.ratio[0]) + (Math.log(o.ratio[1]) - Math.log(o.ratio[0])) * uniformOfWord(w1!));
        const bh = halfEven(Math.sqrt(area * ratio));
        const bw = halfEven(Math.sqrt(area / ratio));
        if (bh >= h || bw >= w) continue;
        const at = i * o.count + j;
        r.top[at] = Math.floor(uniformOfWord(w2!) * (h - bh + 1));
        r.left[at] = Math.floor(uniformOfWord(w3!) * (w - bw + 1));
        r.height[at] = bh;
        r.width[at] = bw;
        break;
      }
    }
  }
  return r;
}

/** Noise of NHWC position p of sample g: uint8 word >>> 24 (from philox4x32), float32 the per-sample normal stream. */
function noiseAt(dtype: 'uint8' | 'float32', g: number, p: number, seed: number, epoch: number): number {
  if (dtype === 'uint8') return words(Math.floor(p / 4), g, epoch, 22, seed)[p % 4]! >>> 24;
  const out = new Float32Array(1);
  randomNormal(out, { key0: seed, key1: 0, first: p, epoch, stream: 22, offset: 0, scale: 1, sample: g });
  return out[0]!;
}

/** The pixels from the definition: a copy, then every box filled in order. */
function referencePixels(b: Batch, params: EraseParams, count: number, value: number | number[] | 'noise', seed: number, index: number, epoch: number): number[] {
  const [n, h, w, c] = b.shape;
  const out = Array.from(b.data);
  const dtype = b.data instanceof Uint8Array ? 'uint8' : 'float32';
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < count; j += 1) {
      const at = i * count + j;
      for (let y = params.top[at]!; y < params.top[at]! + params.height[at]!; y += 1) {
        for (let x = params.left[at]!; x < params.left[at]! + params.width[at]!; x += 1) {
          for (let ch = 0; ch < c; ch += 1) {
            const k = b.layout === 'NCHW' ? ((i * c + ch) * h + y) * w + x : ((i * h + y) * w + x) * c + ch;
            out[k] = value === 'noise' ? noiseAt(dtype, index + i, (y * w + x) * c + ch, seed, epoch) : Math.fround(typeof value === 'number' ? value : value[ch]!);
          }
        }
      }
    }
  }
  return out;
}

describe('hand-computed', () => {
  it('given boxes with per-channel values, NHWC and NCHW; an empty box changes nothing', () => {
    const data = Uint8Array.from({ length: 3 * 4 * 2 }, (_, k) => k);
    const boxes = { top: [1, 0], left: [1, 0], height: [2, 0], width: [2, 0] };
    const got = erase({ data, shape: [1, 3, 4, 2] }, { count: 2, boxes, value: [200, 100] }).data;
    const want = Array.from(data);
    for (const [y, x] of [[1, 1], [1, 2], [2, 1], [2, 2]]) [want[(y! * 4 + x!) * 2], want[(y! * 4 + x!) * 2 + 1]] = [200, 100];
    expect([...got]).toEqual(want);
    const nchw = erase({ data, shape: [1, 3, 4, 2], layout: 'NCHW' }, { count: 2, boxes, value: [200, 100] }).data;
    const wantN = Array.from(data);
    for (const [y, x] of [[1, 1], [1, 2], [2, 1], [2, 2]]) [wantN[y! * 4 + x!], wantN[12 + y! * 4 + x!]] = [200, 100];
    expect([...nchw]).toEqual(wantN);
  });

  it('p 0 keeps every image, p 1 erases every one; boxes that never fit (area [1, 1]) are given up after 10 attempts', () => {
    const b: Batch = { data: new Float32Array(6 * 5 * 5).fill(1), shape: [6, 5, 5, 1] };
    expect([...eraseParams(b, { p: 0 }).applied]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(firstDifference(erase(b, { p: 0 }).data, b.data)).toBe(-1);
    expect([...eraseParams(b, { p: 1, seed: 3 }).applied]).toEqual([1, 1, 1, 1, 1, 1]);
    const none = eraseParams(b, { p: 1, area: [1, 1], ratio: [1, 1] });
    expect([...none.applied]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...none.height, ...none.width]).toEqual(new Array(12).fill(0));
    expect(firstDifference(erase(b, { p: 1, area: [1, 1], ratio: [1, 1] }).data, b.data)).toBe(-1);
    // area 0.36 of 5 × 5 with ratio 1: a 3 × 3 box
    const nine = eraseParams(b, { p: 1, area: 0.36, ratio: 1, seed: 2 });
    expect([...nine.height, ...nine.width]).toEqual(new Array(12).fill(3));
  });
});

describe('drawn boxes: the published stream layout', () => {
  it('equal the rule written from the README on 200 random configurations', () => {
    const rng = testRng(21);
    for (let t = 0; t < 200; t += 1) {
      const shape: Shape = [rng.int(1, 6), rng.int(1, 40), rng.int(1, 40), 1];
      const o = {
        p: rng.pick([0, 0.5, 1, 0.9]), count: rng.int(1, 4), area: rng.pick([[0.02, 0.33], [0.1, 0.9], [0.5, 1]] as Array<[number, number]>),
        ratio: rng.pick([[0.3, 3.3], [1, 1], [0.1, 10]] as Array<[number, number]>), seed: rng.int(0, 1000), index: rng.int(0, 9000), epoch: rng.int(0, 3),
      };
      const b: Batch = { data: new Uint8Array(shape.reduce((a, v) => a * v, 1)), shape };
      const got = eraseParams(b, o);
      const want = referenceBoxes(shape, o);
      for (const key of ['applied', 'top', 'left', 'height', 'width'] as const) expect([...got[key]], `${t} ${key} ${JSON.stringify(o)}`).toEqual([...want[key]]);
    }
    expect([STREAM.eraseParams, STREAM.eraseNoise]).toEqual([21, 22]);
  });
});

describe('every backend and ISA: the pixels of the definition', () => {
  it('300 randomized cases: both dtypes and layouts, any channels, constants, per-channel values, noise, several boxes', () => {
    const rng = testRng(22);
    for (let t = 0; t < 300; t += 1) {
      const shape: Shape = [rng.int(1, 4), rng.int(1, 12), rng.int(1, 30), rng.pick([1, 2, 3, 4, 5])];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      const count = rng.int(1, 3);
      const kind = rng.int(0, 2);
      const value: number | number[] | 'noise' = kind === 0 ? 'noise' : kind === 1 ? (dtype === 'uint8' ? rng.int(0, 255) : rng.next() * 10 - 5) : Array.from({ length: shape[3] }, () => (dtype === 'uint8' ? rng.int(0, 255) : rng.next() * 10 - 5));
      const opts: EraseOptions = { p: rng.pick([0.5, 1]), count, value, area: rng.pick([[0.02, 0.33], [0.2, 0.8]] as Array<[number, number]>), seed: rng.int(0, 1000), index: rng.int(0, 5000), epoch: rng.int(0, 3) };
      const what = `case ${t} ${JSON.stringify({ shape, dtype, layout: b.layout, ...opts })}`;
      const params = eraseParams(b, opts);
      const expected = referencePixels(b, params, count, value, opts.seed as number, opts.index!, opts.epoch!);
      const plan = erasePlan(b, opts);
      for (const backend of backends) {
        const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        backend.erase(b.data, out, plan, 0, shape[0]);
        expect(firstDifference(out, expected), `${backendName(backend)} ${what}`).toBe(-1);
      }
    }
  });

  it('a pixel gets the same noise in NHWC and NCHW, in a box of any size (wide rows: the 1024-value chunks)', () => {
    const rng = testRng(23);
    for (const dtype of ['uint8', 'float32'] as const) {
      const [n, h, w, c] = [2, 6, 700, 3];
      const nhwc = randomBatch(rng, [n, h, w, c], dtype, 'NHWC');
      const nchw = { ...nhwc, data: nhwc.data.slice(), layout: 'NCHW' as const };
      for (let i = 0; i < n; i += 1) for (let y = 0; y < h; y += 1) for (let x = 0; x < w; x += 1) for (let ch = 0; ch < c; ch += 1) nchw.data[((i * c + ch) * h + y) * w + x] = nhwc.data[((i * h + y) * w + x) * c + ch]!;
      const boxes = { top: [1, 0], left: [3, 0], height: [4, 6], width: [690, 699] };
      for (const backend of backends) {
        const a = dtype === 'uint8' ? new Uint8Array(nhwc.data.length) : new Float32Array(nhwc.data.length);
        const bb = a.slice();
        backend.erase(nhwc.data, a, erasePlan(nhwc, { boxes, value: 'noise', seed: 4 }), 0, n);
        backend.erase(nchw.data, bb, erasePlan(nchw, { boxes, value: 'noise', seed: 4 }), 0, n);
        let same = true;
        for (let i = 0; i < n && same; i += 1) for (let y = 0; y < h; y += 1) for (let x = 0; x < w; x += 1) for (let ch = 0; ch < c; ch += 1) same &&= Object.is(bb[((i * c + ch) * h + y) * w + x], a[((i * h + y) * w + x) * c + ch]);
        expect(same, `${backendName(backend)} ${dtype}`).toBe(true);
        expect(a[((0 * h + 1) * w + 3) * c]).toBe(noiseAt(dtype, 0, (1 * w + 3) * c, 4, 0));
      }
    }
  });
});

describe('statistics of the drawn boxes (fixed seeds; each check a false alarm rate of 0.001 or less)', () => {
  it('an image is erased with probability p (binomial z-test, 5000 images)', () => {
    const b: Batch = { data: new Uint8Array(5000), shape: [5000, 1, 1, 1] };
    const erased = eraseParams(b, { p: 0.3, seed: 31 }).applied.reduce((a, v) => a + v, 0);
    expect(Math.abs(erased - 1500) / Math.sqrt(5000 * 0.3 * 0.7)).toBeLessThan(3.29);
  });

  it('area fraction uniform on [lo, hi], ln(height / width) uniform on [ln rlo, ln rhi], top uniform (chi-square, 10 bins, 3200 boxes)', () => {
    const b: Batch = { data: new Uint8Array(50 * 1000 * 1000), shape: [50, 1000, 1000, 1] };
    const r = eraseParams(b, { p: 1, count: 64, area: [0.02, 0.2], ratio: [0.5, 2], seed: 32 });
    const chi = (values: number[], lo: number, hi: number): number => {
      const bins = new Array<number>(10).fill(0);
      for (const v of values) bins[Math.min(9, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * 10)))]! += 1;
      const e = values.length / 10;
      return bins.reduce((a, o) => a + (o - e) ** 2 / e, 0);
    };
    const boxes = Array.from(r.height, (bh, k) => ({ bh, bw: r.width[k]!, top: r.top[k]! }));
    expect(boxes.every((x) => x.bh > 0)).toBe(true); // every attempt fits: √(0.2e6 · 2) < 1000
    expect(chi(boxes.map((x) => (x.bh * x.bw) / 1e6), 0.02, 0.2)).toBeLessThan(27.9); // 9 degrees of freedom
    expect(chi(boxes.map((x) => Math.log(x.bh / x.bw)), Math.log(0.5), Math.log(2))).toBeLessThan(27.9);
    expect(chi(boxes.map((x) => x.top / (1000 - x.bh + 1)), 0, 1)).toBeLessThan(27.9);
  });
});

describe('split, threads, async, in place, replay', () => {
  it('two half batches with the index offset equal one batch; threads 1-3 and async equal sync; in place', async () => {
    const rng = testRng(24);
    for (const dtype of ['uint8', 'float32'] as const) {
      for (const value of [7, 'noise'] as const) {
        const b = randomBatch(rng, [7, 9, 12, 3], dtype, 'NCHW');
        const opts: EraseOptions = { p: 0.7, count: 2, value, seed: 123n, index: 40, epoch: 1 };
        const whole = erase(b, opts);
        const per = 9 * 12 * 3;
        for (const [from, to] of [[0, 3], [3, 7]] as const) {
          const part = erase({ data: b.data.subarray(from * per, to * per), shape: [to - from, 9, 12, 3], layout: 'NCHW' }, { ...opts, index: 40 + from });
          expect(firstDifference(part.data, whole.data.subarray(from * per, to * per))).toBe(-1);
        }
        for (const threads of [1, 2, 3]) expect(firstDifference((await eraseAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
        const copy = b.data.slice();
        erase({ ...b, data: copy }, { ...opts, out: copy });
        expect(firstDifference(copy, whole.data)).toBe(-1);
        const rec = eraseParams(b, opts);
        const replay = erase(b, { count: 2, value, seed: 123n, index: 40, epoch: 1, boxes: { top: rec.top, left: rec.left, height: rec.height, width: rec.width } });
        expect(firstDifference(replay.data, whole.data)).toBe(-1);
      }
    }
  });

  it('js async pieces of any size give the bytes of the whole images', () => {
    const rng = testRng(25);
    const b = randomBatch(rng, [3, 8, 9, 3], 'float32', 'NHWC');
    const opts: EraseOptions = { p: 1, count: 3, value: 'noise', seed: 2 };
    const plan = erasePlan(b, opts);
    const whole = erase(b, opts).data;
    for (const unit of [1, 5, 40]) {
      const pieces = new Float32Array(b.data.length);
      for (const _ of erasePieces(plan, b.data, pieces, 0, 3, unit));
      expect(firstDifference(pieces, whole)).toBe(-1);
    }
  });
});

describe('bad input', () => {
  it('names the argument before any work', async () => {
    const b: Batch = { data: new Uint8Array(2 * 3 * 4), shape: [2, 3, 4, 1] };
    expect(() => erase(b, { p: 1.5 })).toThrow(new RangeError('Expected a probability in [0, 1] for p but received 1.5 of type number'));
    expect(() => erase(b, { count: 0 })).toThrow(new RangeError('Expected an integer between 1 and 64 for count but received 0 of type number'));
    expect(() => erase(b, { area: [0.5, 0.1] })).toThrow('for area');
    expect(() => erase(b, { area: 1.5 })).toThrow(RangeError);
    expect(() => erase(b, { ratio: [0, 1] })).toThrow('for ratio');
    expect(() => erase(b, { value: 256 })).toThrow(new RangeError("Expected an integer 0…255, an array of 1 of them (one per channel), or 'noise' for value but received 256 of type number"));
    expect(() => erase(b, { value: [1, 2] })).toThrow('for value');
    expect(() => erase(b, { value: 'random' as 'noise' })).toThrow(TypeError);
    expect(() => erase({ data: new Float32Array(24), shape: [2, 3, 4, 1] }, { value: [Number.NaN] })).toThrow('for value[0]');
    expect(() => erase(b, { boxes: { top: [0, 0], left: [0, 0], height: [4, 1], width: [1, 1] } })).toThrow(new RangeError('Expected an integer between 0 and 3 for boxes.height[0] but received 4 of type number'));
    expect(() => erase(b, { boxes: { top: [0], left: [0], height: [1], width: [1] } })).toThrow('for boxes.top');
    expect(() => erase(b, { p: 1, boxes: { top: [0, 0], left: [0, 0], height: [1, 1], width: [1, 1] } })).toThrow('for p');
    expect(() => erase(b, { boxes: 3 as unknown as EraseOptions['boxes'] })).toThrow('for boxes');
    expect(() => erase(b, { out: new Uint8Array(3) })).toThrow('for out');
    expect(() => erase(b, { p: 1, scale: 1 } as EraseOptions)).toThrow("Unknown option 'scale' for erase");
    await expect(eraseAsync(b, { threads: 0 })).rejects.toThrow('for threads');
  });
});

describe('in a Pipeline', () => {
  it('records { erased, top0, left0, height0, width0, … }, replays them, survives JSON, runs in a someOf group', async () => {
    const steps = [
      { op: 'erase' as const, options: { p: 0.7, count: 2, value: [10, 20, 30] }, p: 0.8 },
      someOf(1, [{ op: 'erase', options: { p: 1, value: 'noise' } }, { op: 'flip' }]),
    ];
    const pipeline = new Pipeline(steps, { seed: 8 });
    const b: Batch = { data: Float32Array.from({ length: 16 * 12 * 10 * 3 }, (_, i) => (i * 37) % 255), shape: [16, 12, 10, 3] };
    const run = pipeline.run(b, { index: 9, epoch: 2, record: true });
    let erased = 0;
    for (const r of run.records) {
      const s = r.steps[0]!;
      if (!s.applied || s.params.erased !== 1) continue;
      erased += 1;
      expect(Object.keys(s.params).sort()).toEqual(['erased', 'height0', 'height1', 'left0', 'left1', 'top0', 'top1', 'width0', 'width1']);
    }
    expect(erased).toBeGreaterThan(0);
    expect(firstDifference(pipeline.replay(b, JSON.parse(JSON.stringify(run.records)) as typeof run.records).data, run.data)).toBe(-1);
    expect(firstDifference((await pipeline.runAsync(b, { index: 9, epoch: 2, threads: 2 })).data, run.data)).toBe(-1);
    expect(firstDifference(Pipeline.fromJSON(JSON.stringify(pipeline)).run(b, { index: 9, epoch: 2 }).data, run.data)).toBe(-1);
    const bad = structuredClone(run.records);
    const at = bad.findIndex((r) => r.steps[0]!.applied && r.steps[0]!.params.erased === 1);
    bad[at]!.steps[0]!.params.top0 = -1;
    expect(() => pipeline.replay(b, bad)).toThrow(new RangeError(`Expected an integer >= 0 (pixels) for records[${at}].steps[0].params.top0 but received -1 of type number`));
    expect(() => new Pipeline([{ op: 'erase', options: { boxes: { top: [0], left: [0], height: [1], width: [1] } } as EraseOptions }])).toThrow(TypeError);
    expect(() => new Pipeline([{ op: 'erase', options: { value: 300 } }])).not.toThrow(); // checked per dtype at run time (a float32 fill value)
  });
});
