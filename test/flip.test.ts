// flip (issue 19): hand-computed cases, a reference from the definition,
// every backend and ISA bit-identical (in place too), drawn decisions from
// the published stream layout, binomial bounds for p, split/thread
// invariance, bad input.
import { describe, expect, it } from 'vitest';

import type { FlipRequest } from '../src/backends/backend.js';
import { flipImages, flipPieces } from '../src/backends/js/flip.js';
import { flip, flipAsync, flipDecisions, philox4x32, Pipeline, STREAM, type Batch, type FlipOptions } from '../src/index.js';
import { flipPlan } from '../src/ops/flip.js';
import { backendName, backends, jsReference } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';


/** From the definition: output (y, x) of image i is the input at (h − 1 − y if vertical, w − 1 − x if horizontal). */
function referenceFlip(b: Batch, horizontal: ArrayLike<number>, vertical: ArrayLike<number>): Uint8Array | Float32Array {
  const [n, h, w, c] = b.shape;
  const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
  const at = (i: number, y: number, x: number, ch: number): number => (b.layout === 'NCHW' ? ((i * c + ch) * h + y) * w + x : ((i * h + y) * w + x) * c + ch);
  for (let i = 0; i < n; i += 1) {
    for (let y = 0; y < h; y += 1) {
      for (let x = 0; x < w; x += 1) {
        for (let ch = 0; ch < c; ch += 1) {
          out[at(i, y, x, ch)] = b.data[at(i, vertical[i] ? h - 1 - y : y, horizontal[i] ? w - 1 - x : x, ch)]!;
        }
      }
    }
  }
  return out;
}

const bits = (a: Uint8Array | Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('hand-computed: a 2×3 image of 2 channels', () => {
  // pixels (y, x) hold [10y + x, 100 + 10y + x]
  const nhwc = Uint8Array.from([0, 100, 1, 101, 2, 102, 10, 110, 11, 111, 12, 112]);
  const nchw = Uint8Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
  const expected = {
    horizontal: { NHWC: [2, 102, 1, 101, 0, 100, 12, 112, 11, 111, 10, 110], NCHW: [2, 1, 0, 12, 11, 10, 102, 101, 100, 112, 111, 110] },
    vertical: { NHWC: [10, 110, 11, 111, 12, 112, 0, 100, 1, 101, 2, 102], NCHW: [10, 11, 12, 0, 1, 2, 110, 111, 112, 100, 101, 102] },
    both: { NHWC: [12, 112, 11, 111, 10, 110, 2, 102, 1, 101, 0, 100], NCHW: [12, 11, 10, 2, 1, 0, 112, 111, 110, 102, 101, 100] },
  };
  for (const axes of ['horizontal', 'vertical', 'both'] as const) {
    for (const layout of ['NHWC', 'NCHW'] as const) {
      it(`${axes}, ${layout}, uint8 and float32, new out and in place, on every backend`, () => {
        const opts: FlipOptions = { horizontal: axes !== 'vertical', vertical: axes !== 'horizontal' };
        const data = layout === 'NHWC' ? nhwc : nchw;
        for (const Type of [Uint8Array, Float32Array]) {
          const b: Batch = { data: Type.from(data), shape: [1, 2, 3, 2], layout };
          expect([...flip(b, opts).data]).toEqual(expected[axes][layout]);
          for (const backend of backends) {
            const plan = flipPlan(b, opts);
            const out = new Type(12);
            backend.flip(b.data, out, plan, 0, 1);
            expect([...out], backendName(backend)).toEqual(expected[axes][layout]);
            const inPlace = Type.from(data);
            backend.flip(inPlace, inPlace, plan, 0, 1);
            expect([...inPlace], `${backendName(backend)} in place`).toEqual(expected[axes][layout]);
          }
        }
      });
    }
  }

  it('no flip copies; in place it leaves the data as it is', () => {
    const b: Batch = { data: Uint8Array.from(nhwc), shape: [1, 2, 3, 2] };
    expect([...flip(b, { horizontal: false }).data]).toEqual([...nhwc]);
    expect(flip(b, { horizontal: false, out: b.data }).data).toBe(b.data);
    expect([...b.data]).toEqual([...nhwc]);
  });

  it('per-image given flips: image 0 mirrored, image 1 kept', () => {
    const b: Batch = { data: Uint8Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 1, 3, 1] };
    expect([...flip(b, { horizontal: [true, false] }).data]).toEqual([3, 2, 1, 4, 5, 6]);
  });
});

describe('matches the reference on every backend and ISA, bit for bit', () => {
  it('randomized shapes, dtypes, layouts, drawn and given decisions, new out and in place', () => {
    const rng = testRng(1919);
    for (let t = 0; t < 200; t += 1) {
      const shape: Shape = [rng.int(0, 5), rng.pick([1, 2, 3, 8, 17]), rng.pick([1, 2, 3, 16, 31, 70]), rng.int(1, 6)];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      const opts: FlipOptions = rng.next() < 0.6
        ? { mode: rng.pick(['horizontal', 'vertical', 'horizontal_and_vertical'] as const), p: rng.pick([0, 0.3, 0.5, 1]), seed: rng.int(0, 1000), index: rng.int(0, 10_000), epoch: rng.int(0, 3) }
        : { horizontal: Array.from({ length: shape[0] }, () => rng.next() < 0.5), vertical: rng.next() < 0.5 };
      const plan = flipPlan(b, opts);
      const expected = referenceFlip(b, plan.horizontal, plan.vertical);
      const what = `case ${t} ${JSON.stringify({ shape, dtype, layout: b.layout, ...opts })}`;
      expect(firstDifference(flip(b, opts).data, expected), what).toBe(-1);
      for (const backend of backends) {
        const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        backend.flip(b.data, out, plan, 0, shape[0]);
        expect(firstDifference(out, expected), `${backendName(backend)} ${what}`).toBe(-1);
        const inPlace = b.data.slice();
        backend.flip(inPlace, inPlace, plan, 0, shape[0]);
        expect(firstDifference(inPlace, expected), `${backendName(backend)} in place ${what}`).toBe(-1);
      }
    }
  });

  it('float32 moves as bits: signalling NaNs and NaN payloads survive on every backend', () => {
    const words = Uint32Array.of(0x7f800001, 0x3f800000, 0xffc00123, 0x80000000, 0x7fbfffff, 0x00000001);
    const b: Batch = { data: new Float32Array(words.buffer), shape: [1, 2, 3, 1] };
    // both axes on 2×3: element k goes to 5 − k
    for (const backend of backends) {
      const out = new Float32Array(6);
      backend.flip(b.data, out, flipPlan(b, { horizontal: true, vertical: true }), 0, 1);
      expect([...new Uint32Array(out.buffer)], backendName(backend)).toEqual([...words].reverse());
      const inPlace = new Float32Array(6);
      const inPlaceBits = new Uint32Array(inPlace.buffer);
      inPlaceBits.set(words);
      backend.flip(inPlace, inPlace, flipPlan(b, { horizontal: true, vertical: true }), 0, 1);
      expect([...inPlaceBits], `${backendName(backend)} in place`).toEqual([...words].reverse());
    }
  });
});

describe('mirrored rows around the 16-byte shuffle groups (native/kernels/flip.h)', () => {
  // The native mirror moves K = 16 / P pixels of P = c · (1 or 4) bytes per
  // shuffle while at least one pixel separates the two groups, then an
  // element loop does the middle: every channel count, widths on both sides
  // of each group boundary (16 / 32 / 48 bytes and more), odd and even, one
  // row (the row mirrors itself) and row pairs (vertical too), from a
  // subarray at an odd byte offset, against the definition and js.
  const widths = [...Array.from({ length: 40 }, (_, i) => i + 1), 47, 48, 49, 63, 64, 65, 66, 95, 96, 97, 127, 128, 129];
  for (const dtype of ['uint8', 'float32'] as const) {
    it(`${dtype}: c 1…5, widths 1…40 and around 48, 64, 96, 128, both layouts, h 1 and 3, new out and in place`, () => {
      const rng = testRng(16);
      for (const c of [1, 2, 3, 4, 5]) {
        for (const w of widths) {
          for (const layout of ['NHWC', 'NCHW'] as const) {
            for (const h of [1, 3]) {
              const shape: Shape = [2, h, w, c];
              const size = 2 * h * w * c;
              // bytes 1 … size·4 of a larger buffer: unaligned loads and stores
              const data = dtype === 'uint8'
                ? new Uint8Array(size + 1).subarray(1)
                : new Float32Array(new ArrayBuffer(size * 4 + 4), 4);
              data.set(randomBatch(rng, shape, dtype, layout).data);
              const b: Batch = { data, shape, layout };
              const plan = flipPlan(b, { horizontal: [true, true], vertical: [false, true] });
              const expected = referenceFlip(b, plan.horizontal, plan.vertical);
              const fromJs = dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size);
              jsReference.flip(b.data, fromJs, plan, 0, 2);
              const what = `${dtype} c ${c} w ${w} h ${h} ${layout}`;
              expect(firstDifference(bits(fromJs), bits(expected)), `js ${what}`).toBe(-1);
              for (const backend of backends) {
                const out = dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size);
                backend.flip(b.data, out, plan, 0, 2);
                expect(firstDifference(bits(out), bits(fromJs)), `${backendName(backend)} ${what}`).toBe(-1);
                const inPlace = b.data.slice();
                backend.flip(inPlace, inPlace, plan, 0, 2);
                expect(firstDifference(bits(inPlace), bits(fromJs)), `${backendName(backend)} in place ${what}`).toBe(-1);
              }
            }
          }
        }
      }
    });
  }

  it('hand-computed: a 1×35 uint8 row of one channel (two 16-pixel groups, then 3 middle pixels) and a 1×12 RGB row (two 5-pixel groups, 2 middle)', () => {
    const gray: Batch = { data: Uint8Array.from({ length: 35 }, (_, x) => x), shape: [1, 1, 35, 1] };
    const rgb: Batch = { data: Uint8Array.from({ length: 36 }, (_, k) => 10 * Math.floor(k / 3) + (k % 3)), shape: [1, 1, 12, 3] };
    for (const backend of backends) {
      const grayOut = new Uint8Array(35);
      backend.flip(gray.data, grayOut, flipPlan(gray, { horizontal: true }), 0, 1);
      expect([...grayOut], backendName(backend)).toEqual(Array.from({ length: 35 }, (_, x) => 34 - x));
      const rgbOut = new Uint8Array(36);
      backend.flip(rgb.data, rgbOut, flipPlan(rgb, { horizontal: true }), 0, 1);
      // pixel x holds [10x, 10x + 1, 10x + 2]; mirrored, pixel x holds pixel 11 − x
      expect([...rgbOut], backendName(backend)).toEqual(Array.from({ length: 36 }, (_, k) => 10 * (11 - Math.floor(k / 3)) + (k % 3)));
    }
  });
});

describe('drawn decisions', () => {
  it('follow the published stream layout: block (0, index + k, epoch, 17), U(w0) < p horizontal, U(w1) < p vertical', () => {
    const n = 300;
    const b: Batch = { data: new Uint8Array(n), shape: [n, 1, 1, 1] };
    const seed = 2n ** 40n + 5n;
    const d = flipDecisions(b, { mode: 'horizontal_and_vertical', p: 0.4, seed, index: 1000, epoch: 3 });
    const key = [5, 2 ** 8];
    for (let k = 0; k < n; k += 1) {
      const [w0, w1] = philox4x32([0, 1000 + k, 3, STREAM.flip], key);
      expect([d.horizontal[k], d.vertical[k]]).toEqual([uniformOfWord(w0!) < 0.4 ? 1 : 0, uniformOfWord(w1!) < 0.4 ? 1 : 0]);
    }
    // a one-axis mode keeps that axis's decisions and never flips the other
    const h = flipDecisions(b, { mode: 'horizontal', p: 0.4, seed, index: 1000, epoch: 3 });
    const v = flipDecisions(b, { mode: 'vertical', p: 0.4, seed, index: 1000, epoch: 3 });
    expect([...h.horizontal]).toEqual([...d.horizontal]);
    expect([...v.vertical]).toEqual([...d.vertical]);
    expect(h.vertical.every((x) => x === 0) && v.horizontal.every((x) => x === 0)).toBe(true);
  });

  it('defaults: mode horizontal, p 0.5, seed 0', () => {
    const b: Batch = { data: new Uint8Array(64), shape: [64, 1, 1, 1] };
    const d = flipDecisions(b);
    for (let k = 0; k < 64; k += 1) expect(d.horizontal[k]).toBe(uniformOfWord(philox4x32([0, k, 0, STREAM.flip], [0, 0])[0]!) < 0.5 ? 1 : 0);
    expect(d.vertical.every((x) => x === 0)).toBe(true);
  });

  it('p is the flip rate: counts within 5 standard deviations of the binomial mean; axes independent; p 0 and 1 exact', () => {
    const n = 20_000;
    const b: Batch = { data: new Uint8Array(n), shape: [n, 1, 1, 1] };
    for (const p of [0.1, 0.3, 0.5, 0.9]) {
      const d = flipDecisions(b, { mode: 'horizontal_and_vertical', p, seed: 7 });
      const count = (flags: Uint8Array): number => flags.reduce((s, x) => s + x, 0);
      const bound = (q: number): number => 5 * Math.sqrt(n * q * (1 - q));
      expect(Math.abs(count(d.horizontal) - n * p)).toBeLessThan(bound(p));
      expect(Math.abs(count(d.vertical) - n * p)).toBeLessThan(bound(p));
      const both = d.horizontal.reduce((s, x, i) => s + (x & d.vertical[i]!), 0);
      expect(Math.abs(both - n * p * p)).toBeLessThan(bound(p * p));
    }
    expect(flipDecisions(b, { p: 0, seed: 1 }).horizontal.every((x) => x === 0)).toBe(true);
    expect(flipDecisions(b, { p: 1, seed: 1 }).horizontal.every((x) => x === 1)).toBe(true);
  });

  it('another epoch is another draw', () => {
    const b: Batch = { data: new Uint8Array(256), shape: [256, 1, 1, 1] };
    expect(firstDifference(flipDecisions(b, { epoch: 0 }).horizontal, flipDecisions(b, { epoch: 1 }).horizontal)).not.toBe(-1);
  });
});

describe('batch split and threads', () => {
  it('image i gets the same result whatever the batch split and thread count, in place too', async () => {
    const rng = testRng(91);
    for (const dtype of ['uint8', 'float32'] as const) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        const b = randomBatch(rng, [9, 7, 10, 3], dtype, layout);
        const opts: FlipOptions = { mode: 'horizontal_and_vertical', seed: 77n, index: 100, epoch: 2 };
        const whole = flip(b, opts);
        const per = b.data.length / 9;
        for (const [from, to] of [[0, 4], [4, 5], [5, 9]] as const) {
          const part = flip({ data: b.data.subarray(from * per, to * per), shape: [to - from, 7, 10, 3], layout }, { ...opts, index: 100 + from });
          expect(firstDifference(part.data, whole.data.subarray(from * per, to * per))).toBe(-1);
        }
        for (const threads of [1, 2, 3, 8]) {
          expect(firstDifference((await flipAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
          const inPlace = b.data.slice();
          const r = await flipAsync({ data: inPlace, shape: b.shape, layout }, { ...opts, threads, out: inPlace });
          expect(r.data).toBe(inPlace);
          expect(firstDifference(inPlace, whole.data)).toBe(-1);
        }
      }
    }
  });

  it('js async work cut into pieces of any size gives the bytes of the whole images, in place too', () => {
    const rng = testRng(23);
    for (const dtype of ['uint8', 'float32'] as const) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        const b = randomBatch(rng, [4, 5, 11, 3], dtype, layout);
        const plan: FlipRequest = { h: 5, w: 11, c: 3, layout, horizontal: Uint8Array.of(1, 0, 1, 0), vertical: Uint8Array.of(0, 1, 1, 0) };
        const whole = referenceFlip(b, plan.horizontal, plan.vertical);
        for (const unit of [1, 2, 5, 40]) {
          const pieces = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
          for (const _ of flipPieces(plan, b.data, pieces, 0, 4, unit));
          expect(firstDifference(pieces, whole), `${dtype} ${layout} unit ${unit}`).toBe(-1);
          const inPlace = b.data.slice();
          for (const _ of flipPieces(plan, inPlace, inPlace, 0, 4, unit));
          expect(firstDifference(inPlace, whole), `${dtype} ${layout} unit ${unit} in place`).toBe(-1);
        }
        const direct = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        flipImages(plan, b.data, direct, 0, 4);
        expect(firstDifference(bits(direct), bits(whole))).toBe(-1);
      }
    }
  });

  it('out is written and returned; the input is untouched', () => {
    const b: Batch = { data: Uint8Array.from({ length: 24 }, (_, i) => i), shape: [2, 3, 4, 1] };
    const copy = Uint8Array.from(b.data);
    const out = new Uint8Array(24);
    const r = flip(b, { vertical: true, out });
    expect(r.data).toBe(out);
    expect([...b.data]).toEqual([...copy]);
    expect(r.shape).toEqual([2, 3, 4, 1]);
    expect(r.layout).toBe('NHWC');
  });
});

describe('bad input', () => {
  const b: Batch = { data: new Uint8Array(2 * 3 * 4), shape: [2, 3, 4, 1] };
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    ['batch not an object', () => flip(5 as unknown as Batch), TypeError, 'Expected an object { data, shape, layout? } for batch but received 5 of type number'],
    ['length mismatch', () => flip({ data: new Uint8Array(23), shape: [2, 3, 4, 1] }), RangeError, 'Expected a typed array of length n*h*w*c = 24 for batch.data but received Uint8Array(23)'],
    ['unknown mode', () => flip(b, { mode: 'diagonal' as 'vertical' }), TypeError, "Expected 'horizontal', 'vertical' or 'horizontal_and_vertical' for mode but received 'diagonal' of type string"],
    ['mode inherited from Object.prototype', () => flip(b, { mode: 'toString' as 'vertical' }), TypeError, "for mode but received 'toString'"],
    ['p above 1', () => flip(b, { p: 1.5 }), RangeError, 'Expected a probability in [0, 1] for p but received 1.5 of type number'],
    ['p NaN', () => flip(b, { p: NaN }), RangeError, 'Expected a probability in [0, 1] for p but received NaN'],
    ['p a string', () => flip(b, { p: '0.5' as unknown as number }), TypeError, "Expected a probability in [0, 1] for p but received '0.5' of type string"],
    ['given and drawn', () => flip(b, { horizontal: true, p: 0.5 }), TypeError, 'Expected either given flips (horizontal, vertical) or drawn ones (mode, p) for flip, not both'],
    ['given a number', () => flip(b, { horizontal: 1 as unknown as boolean }), TypeError, 'Expected a boolean or an array of 2 booleans (one per image) for horizontal but received 1 of type number'],
    ['given list of the wrong length', () => flip(b, { vertical: [true] }), RangeError, 'Expected a boolean or an array of 2 booleans (one per image) for vertical but received array(1)'],
    ['given list with a number', () => flip(b, { vertical: [true, 0 as unknown as boolean] }), TypeError, 'Expected a boolean for vertical[1] but received 0 of type number'],
    ['out of the wrong type', () => flip(b, { out: new Float32Array(24) }), TypeError, 'Expected a Uint8Array like the batch data for out but received Float32Array(24)'],
    ['index too large', () => flip(b, { index: 2 ** 32 - 1 }), RangeError, 'Expected an integer between 0 and 4294967294 for index'],
    ['bad seed', () => flip(b, { seed: -1 }), RangeError, 'for seed'],
    ['unknown option', () => flip(b, { axis: 1 } as FlipOptions), TypeError, "Unknown option 'axis' for flip; expected one of: seed, index, epoch, mode, p, horizontal, vertical, out"],
  ];
  for (const [what, call, type, message] of cases) {
    it(what, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
  it('an out that partly overlaps the input is an error; the input itself is in place', () => {
    const memory = new Uint8Array(30);
    const input: Batch = { data: memory.subarray(0, 24), shape: [2, 3, 4, 1] };
    expect(() => flip(input, { horizontal: true, out: memory.subarray(2, 26) })).toThrow(new RangeError('Expected batch.data itself or an array that does not overlap it for out but received Uint8Array(24) of type Uint8Array'));
    expect(flip(input, { horizontal: true, out: input.data }).data).toBe(input.data);
  });
  it('async rejects with the same errors, before any work', async () => {
    await expect(flipAsync(b, { mode: 'x' as 'vertical' })).rejects.toThrow(TypeError);
    await expect(flipAsync(b, { threads: 0 })).rejects.toThrow('for threads');
    await expect(flipAsync(b, { axis: 1 } as FlipOptions)).rejects.toThrow("Unknown option 'axis' for flipAsync");
  });
  it('n = 0 is a valid, empty batch', async () => {
    expect(flip({ data: new Float32Array(0), shape: [0, 3, 3, 1] }).data).toHaveLength(0);
    expect((await flipAsync({ data: new Uint8Array(0), shape: [0, 3, 3, 1] }, { horizontal: [] })).data).toHaveLength(0);
  });
});

describe('in a Pipeline', () => {
  const batchOf = (n: number): Batch => ({ data: Uint8Array.from({ length: n * 4 * 5 * 3 }, (_, i) => (i * 37) & 255), shape: [n, 4, 5, 3] });

  it('a flip step runs flip with the step seed, records the decisions, replays them, and survives JSON', async () => {
    const pipeline = new Pipeline([
      { op: 'flip', options: { mode: 'horizontal_and_vertical', p: 0.5 } },
      { op: 'gaussianNoise', options: { std: 3 }, p: 0.5 },
      { op: 'flip', options: { vertical: true }, p: 0.3 },
    ], { seed: 11 });
    const b = batchOf(40);
    const run = pipeline.run(b, { index: 500, epoch: 2, record: true });
    // step 0 alone: flip with the step seed
    const first = new Pipeline([{ op: 'flip', options: { mode: 'horizontal_and_vertical', p: 0.5 } }], { seed: 11 }).run(b, { index: 500, epoch: 2, record: true });
    const seed0 = first.records[0]!.steps[0]!;
    expect(seed0.op).toBe('flip');
    const flipped = first.records.map((r) => r.steps[0]!.params);
    expect(flipped.some((p) => p.horizontal === 1) && flipped.some((p) => p.vertical === 0)).toBe(true);
    expect(run.records.map((r) => r.steps[0]!.params)).toEqual(flipped);
    for (const r of run.records) {
      expect(r.steps[2]!.params).toEqual({ horizontal: 0, vertical: 1 });
      for (const s of r.steps) if (s.op === 'flip') expect(Object.keys(s.params).sort()).toEqual(['horizontal', 'vertical']);
    }
    expect(firstDifference(pipeline.replay(b, run.records).data, run.data)).toBe(-1);
    expect(firstDifference((await pipeline.runAsync(b, { index: 500, epoch: 2, threads: 3 })).data, run.data)).toBe(-1);
    const copy = Pipeline.fromJSON(JSON.stringify(pipeline));
    expect(copy.toJSON()).toEqual(pipeline.toJSON());
    expect(firstDifference(copy.run(b, { index: 500, epoch: 2 }).data, run.data)).toBe(-1);
    // replay from records taken through JSON, for images out of order
    const records = JSON.parse(JSON.stringify(run.records)) as typeof run.records;
    const per = 4 * 5 * 3;
    const picked = [7, 3, 31];
    const images: Batch = { data: Uint8Array.from(picked.flatMap((k) => [...b.data.subarray(k * per, (k + 1) * per)])), shape: [3, 4, 5, 3] };
    const replayed = pipeline.replay(images, picked.map((k) => records[k]!));
    picked.forEach((k, j) => expect(firstDifference(replayed.data.subarray(j * per, (j + 1) * per), run.data.subarray(k * per, (k + 1) * per))).toBe(-1));
  });

  it('replay uses the recorded decisions, and checks them', () => {
    const pipeline = new Pipeline([{ op: 'flip', options: { p: 0.5 } }], { seed: 4 });
    const b = batchOf(1);
    const { records } = pipeline.run(b, { record: true });
    const forced = structuredClone(records);
    forced[0]!.steps[0]!.params = { horizontal: 1, vertical: 1 };
    expect(firstDifference(pipeline.replay(b, forced).data, flip(b, { horizontal: true, vertical: true }).data)).toBe(-1);
    forced[0]!.steps[0]!.params = { horizontal: 2, vertical: 0 };
    expect(() => pipeline.replay(b, forced)).toThrow(new RangeError('Expected 0 or 1 (whether the image flipped along that axis) for records[0].steps[0].params.horizontal but received 2 of type number'));
    forced[0]!.steps[0]!.params = { horizontal: 1 };
    expect(() => pipeline.replay(b, forced)).toThrow(new TypeError('Expected 0 or 1 (whether the image flipped along that axis) for records[0].steps[0].params.vertical but received undefined of type undefined'));
  });

  it('step options are checked at construction; per-image given flips are not a step option', () => {
    expect(() => new Pipeline([{ op: 'flip', options: { mode: 'diagonal' as 'vertical' } }])).toThrow("steps[0] (flip): Expected 'horizontal', 'vertical' or 'horizontal_and_vertical' for mode but received 'diagonal'");
    expect(() => new Pipeline([{ op: 'flip', options: { horizontal: [true] as unknown as boolean } }])).toThrow('Expected a boolean (a step flips every image the same way when given; per-image flips are not a pipeline option: use mode, p to draw them) for steps[0].options.horizontal but received array(1)');
  });
});
