// Noise on inputs (DESIGN §5): backend/ISA agreement, split and thread
// invariance, the exact dtype rule, layout independence, statistics, bad input.
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  dropoutMask, gaussianNoise, gaussianNoiseAsync, philox4x32, saltAndPepper, saltAndPepperAsync, speckleNoise, speckleNoiseAsync, STREAM, uniformNoise,
  uniformNoiseAsync, type Batch,
} from '../src/index.js';
import { splitRange } from '../src/ops/common.js';
import { noisePositions } from '../src/backends/backend.js';
import { noisePlan } from '../src/ops/noise.js';
import { backendName, backends, jsReference, nativeBackends } from './helpers/backends.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

type Op = 'gaussianNoise' | 'uniformNoise' | 'speckleNoise' | 'saltAndPepper';
const OPS = { gaussianNoise, uniformNoise, speckleNoise, saltAndPepper } as const;

/** The uint8 rule's expectation by its definition: saturate(roundHalfEven(v)). */
function saturateRoundHalfEven(v: number): number {
  const r = Math.round(v);  // ties go up; an odd result of a tie moves down to the even one
  return Math.min(255, Math.max(0, r - v === 0.5 && r % 2 !== 0 ? r - 1 : r));
}

function batchOf(rng: ReturnType<typeof testRng>, shape: [number, number, number, number], dtype: 'uint8' | 'float32', layout: 'NHWC' | 'NCHW'): Batch {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'uint8' ? Uint8Array.from({ length: size }, () => rng.int(0, 255)) : Float32Array.from({ length: size }, () => rng.next() * 2 - 0.5);
  return { data, shape, layout };
}

function randomOptions(rng: ReturnType<typeof testRng>, op: Op, dtype: 'uint8' | 'float32'): Record<string, unknown> {
  const common = { seed: rng.pick([0, 5, 2n ** 40n]), index: rng.int(0, 1000), epoch: rng.int(0, 3), perChannel: rng.next() < 0.5 };
  const clip = dtype === 'float32' && rng.next() < 0.3 ? { clip: [0, 1] } : {};
  switch (op) {
    case 'gaussianNoise': return { ...common, ...clip, std: rng.pick([0, 0.1, 10, [0, 30]]), mean: rng.pick([0, 2.5]) };
    case 'uniformNoise': return { ...common, ...clip, low: -3, high: rng.pick([-3, 4, 100]) };
    case 'speckleNoise': return { ...common, ...clip, std: rng.pick([0.05, [0, 0.5]]) };
    case 'saltAndPepper': return { ...common, amount: rng.pick([0, 0.05, [0, 0.5], 1]), saltRatio: rng.pick([0, 0.3, 1]) };
  }
}

describe('every backend and ISA gives the same bytes', () => {
  for (const op of Object.keys(OPS) as Op[]) {
    it(`${op}: randomized shapes, dtypes, layouts and options`, () => {
      const rng = testRng(op.length * 1000 + 7);
      for (let t = 0; t < 40; t += 1) {
        const dtype = rng.pick(['uint8', 'float32'] as const);
        const shape: [number, number, number, number] = [rng.int(0, 3), rng.pick([1, 3, 17, 40]), rng.pick([1, 5, 33, 64]), rng.pick([1, 2, 3, 4, 5, 7])];
        const b = batchOf(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
        const opts = randomOptions(rng, op, dtype);
        const plan = noisePlan(op, b, opts);
        const results = backends.map((backend) => {
          const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
          backend.noise(b.data, out, plan, 0, shape[0] * noisePositions(plan));
          return out;
        });
        for (let k = 1; k < backends.length; k += 1) {
          expect(firstDifference(results[k]!, results[0]!), `${backendName(backends[k]!)} ${op} ${JSON.stringify({ shape, dtype, ...opts, seed: String(opts.seed) })}`).toBe(-1);
        }
        // the public op, with and without out, equals the backend result
        const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        const viaApi = (OPS[op] as (b: Batch, o: object) => Batch)(b, { ...opts, out });
        expect(viaApi.data).toBe(out);
        expect(firstDifference(viaApi.data, results[0]!)).toBe(-1);
      }
    });
  }
});

describe('special float32 inputs', () => {
  it('NaN, ±0 and ±Infinity go through noise and clip identically on every backend', () => {
    const specials = [NaN, -0, 0, Infinity, -Infinity, 0.25, -1e-30, 1e30];
    const data = Float32Array.from({ length: 2 * 7 * 9 * 3 }, (_, i) => specials[i % specials.length]!);
    const b: Batch = { data, shape: [2, 7, 9, 3] };
    for (const [op, opts] of [
      ['speckleNoise', { std: 0.3, clip: [0, 1] }], ['speckleNoise', { std: 0.3, clip: [-1, 0] }], ['uniformNoise', { low: 0, high: 0, clip: [0, 1] }],
      ['gaussianNoise', { std: 2, clip: [-0.5, 0.5] }], ['saltAndPepper', { amount: 0.5, min: -0, max: 2 }],
    ] as const) {
      const plan = noisePlan(op, b, opts);
      const results = backends.map((backend) => {
        const out = new Float32Array(data.length);
        backend.noise(data, out, plan, 0, 2 * noisePositions(plan));
        return out;
      });
      for (let k = 1; k < backends.length; k += 1) expect(firstDifference(results[k]!, results[0]!), `${backendName(backends[k]!)} ${op} ${JSON.stringify(opts)}`).toBe(-1);
      if (op === 'uniformNoise') {  // x + 0 then clip to [0, 1], by hand
        const expected = Array.from(data, (x) => { const v = x + 0; return v < 0 ? 0 : v > 1 ? 1 : v; });
        expect(firstDifference(results[0]!, expected)).toBe(-1);
      }
    }
  });
});

describe('many channels (feature maps)', () => {
  it('every backend agrees, and NCHW is the transpose of NHWC, up to thousands of channels', () => {
    const rng = testRng(77);
    for (const c of [7, 130, 513, 600, 2100]) {
      for (const [op, perChannel] of (Object.keys(OPS) as Op[]).flatMap((o) => [[o, true], [o, false]] as const)) {
        const dtype = rng.pick(['uint8', 'float32'] as const);
        const shape: [number, number, number, number] = [2, 2, 3, c];
        const nhwc = batchOf(rng, shape, dtype, 'NHWC');
        const opts = { ...randomOptions(rng, op, dtype), perChannel };
        const plan = noisePlan(op, nhwc, opts);
        const results = backends.map((backend) => {
          const out = dtype === 'uint8' ? new Uint8Array(nhwc.data.length) : new Float32Array(nhwc.data.length);
          backend.noise(nhwc.data, out, plan, 0, shape[0] * noisePositions(plan));
          return out;
        });
        for (let k = 1; k < backends.length; k += 1) expect(firstDifference(results[k]!, results[0]!), `${backendName(backends[k]!)} ${op} c=${c} perChannel=${perChannel}`).toBe(-1);
        // the same images in NCHW give the transposed result
        const transpose = (data: Uint8Array | Float32Array, toNchw: boolean): Uint8Array | Float32Array => {
          const t = data.slice();
          const pixels = 6;
          for (let i = 0; i < 2; i += 1) {
            for (let q = 0; q < pixels; q += 1) {
              for (let ch = 0; ch < c; ch += 1) {
                const a = i * pixels * c + q * c + ch, b = i * pixels * c + ch * pixels + q;
                if (toNchw) t[b] = data[a]!; else t[a] = data[b]!;
              }
            }
          }
          return t;
        };
        const nchw = { data: transpose(nhwc.data, true), shape, layout: 'NCHW' as const };
        const viaNchw = (OPS[op] as (b: Batch, o: object) => Batch)(nchw, opts);
        expect(firstDifference(transpose(viaNchw.data, false), results[0]!), `${op} NCHW c=${c} perChannel=${perChannel}`).toBe(-1);
      }
    }
  });
});

describe('position ranges (how threads share images)', () => {
  it('any cut of the batch\'s stream positions gives the same bytes, on every backend', () => {
    const rng = testRng(4242);
    for (let t = 0; t < 24; t += 1) {
      const op = rng.pick(Object.keys(OPS) as Op[]);
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const layout = rng.pick(['NHWC', 'NCHW'] as const);
      const shape: [number, number, number, number] = [rng.int(1, 3), rng.pick([1, 7, 40]), rng.pick([3, 33, 64]), rng.pick([1, 3, 4, 5])];
      const b = batchOf(rng, shape, dtype, layout);
      const opts = randomOptions(rng, op, dtype);
      const plan = noisePlan(op, b, opts);
      const total = shape[0] * noisePositions(plan);
      const unit = plan.perChannel && layout === 'NCHW' ? shape[3] : 1; // NCHW per channel: whole pixels
      const cuts = [0, ...Array.from({ length: 3 }, () => rng.int(0, total / unit) * unit).sort((x, y) => x - y), total];
      for (const backend of backends) {
        const whole = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        const pieces = whole.slice();
        backend.noise(b.data, whole, plan, 0, total);
        for (let k = 0; k + 1 < cuts.length; k += 1) backend.noise(b.data, pieces, plan, cuts[k]!, cuts[k + 1]!);
        expect(firstDifference(pieces, whole), `${backendName(backend)} ${op} ${JSON.stringify({ shape, layout, dtype, cuts })}`).toBe(-1);
      }
    }
  });

  it('threads share a single image: …Async with 1–4 threads equals the sync op', async () => {
    const rng = testRng(99);
    for (const layout of ['NHWC', 'NCHW'] as const) {
      for (const op of Object.keys(OPS) as Op[]) {
        const dtype = rng.pick(['uint8', 'float32'] as const);
        const b = batchOf(rng, [1, 150, 130, 3], dtype, layout);
        const opts = { ...randomOptions(rng, op, dtype), perChannel: rng.next() < 0.5 };
        const sync = (OPS[op] as (b: Batch, o: object) => Batch)(b, opts).data;
        const async = { gaussianNoise: gaussianNoiseAsync, uniformNoise: uniformNoiseAsync, speckleNoise: speckleNoiseAsync, saltAndPepper: saltAndPepperAsync }[op] as (b: Batch, o: object) => Promise<Batch>;
        for (const threads of [1, 2, 3, 4]) expect(firstDifference((await async(b, { ...opts, threads })).data, sync), `${op} ${layout} threads ${threads}`).toBe(-1);
      }
    }
  });
});

describe('batch split, threads, layout, in place', () => {
  it('image i gets the same noise whatever the batch split and thread count', async () => {
    const rng = testRng(1);
    const b = batchOf(rng, [7, 20, 30, 3], 'float32', 'NHWC');
    const opts = { std: [0.1, 0.4] as [number, number], seed: 9, index: 50, epoch: 1 };
    const whole = gaussianNoise(b, opts);
    const per = 20 * 30 * 3;
    const part = gaussianNoise({ data: b.data.subarray(3 * per, 5 * per), shape: [2, 20, 30, 3] }, { ...opts, index: 53 });
    expect(firstDifference(part.data, whole.data.subarray(3 * per, 5 * per))).toBe(-1);
    for (const threads of [1, 2, 3, 8]) expect(firstDifference((await gaussianNoiseAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
    const u8 = batchOf(rng, [5, 9, 9, 1], 'uint8', 'NHWC');
    expect(firstDifference((await saltAndPepperAsync(u8, { amount: 0.3, threads: 2 })).data, saltAndPepper(u8, { amount: 0.3 }).data)).toBe(-1);
    expect(firstDifference((await uniformNoiseAsync(u8, { low: -9, high: 9, threads: 4 })).data, uniformNoise(u8, { low: -9, high: 9 }).data)).toBe(-1);
  });

  it('a pixel gets the same noise in NHWC and NCHW (the result is the transpose)', () => {
    const [n, h, w, c] = [2, 5, 6, 3];
    const zeros = new Float32Array(n * h * w * c);
    for (const perChannel of [true, false]) {
      const nhwc = gaussianNoise({ data: zeros, shape: [n, h, w, c] }, { std: 1, perChannel }).data;
      const nchw = gaussianNoise({ data: zeros, shape: [n, h, w, c], layout: 'NCHW' }, { std: 1, perChannel }).data;
      for (let i = 0; i < n; i += 1) for (let p = 0; p < h * w; p += 1) for (let ch = 0; ch < c; ch += 1) {
        expect(nchw[((i * c + ch) * h * w) + p]).toBe(nhwc[(i * h * w + p) * c + ch]);
      }
    }
  });

  it('perChannel: false shares one draw among the channels of a pixel', () => {
    const out = uniformNoise({ data: new Float32Array(4 * 4 * 3), shape: [1, 4, 4, 3] }, { low: 0, high: 1, perChannel: false }).data;
    for (let p = 0; p < 16; p += 1) expect(new Set([out[3 * p], out[3 * p + 1], out[3 * p + 2]]).size).toBe(1);
    const sp = saltAndPepper({ data: new Uint8Array(64 * 64 * 3).fill(100), shape: [1, 64, 64, 3] }, { amount: 0.5 }).data;
    for (let p = 0; p < 64 * 64; p += 1) expect(new Set([sp[3 * p], sp[3 * p + 1], sp[3 * p + 2]]).size).toBe(1);
  });

  // The native uint8 3-channel path repeats each pixel's masks in registers
  // (simd/*.h keep_or_set_3ch); the expectation comes from the same pixels'
  // draws on a 1-channel image of 100s, where a hit shows as 0 or 255.
  it('salt and pepper per pixel on 3-channel uint8: each pixel takes its 1-channel draw, on every backend and any cut', () => {
    const rng = testRng(303);
    for (const [n, h, w] of [[1, 1, 21], [2, 17, 45], [3, 40, 64]] as const) {
      for (const amount of [0.05, 0.5, 1]) {
        const opts = { amount, saltRatio: 0.3, seed: rng.int(0, 1000), index: rng.int(0, 50), perChannel: false };
        const pixels = n * h * w;
        const gray = saltAndPepper({ data: new Uint8Array(pixels).fill(100), shape: [n, h, w, 1] }, opts).data;
        const rgb = batchOf(rng, [n, h, w, 3], 'uint8', 'NHWC');
        const expected = rgb.data.map((x, e) => (gray[Math.floor(e / 3)] === 100 ? x : gray[Math.floor(e / 3)]!));
        const plan = noisePlan('saltAndPepper', rgb, opts);
        const cuts = [0, ...Array.from({ length: 3 }, () => rng.int(0, pixels)).sort((x, y) => x - y), pixels];
        for (const backend of backends) {
          const out = new Uint8Array(rgb.data.length);
          for (let k = 0; k + 1 < cuts.length; k += 1) backend.noise(rgb.data, out, plan, cuts[k]!, cuts[k + 1]!);
          expect(firstDifference(out, expected), `${backendName(backend)} ${JSON.stringify({ n, h, w, amount, cuts })}`).toBe(-1);
        }
      }
    }
  });

  // Per pixel, the native value noise walks whole runs: NHWC with 3 channels
  // repeats each value in registers (simd/*.h repeat3), NCHW applies it to
  // every plane. The expectation comes from a 1-channel image of the same
  // pixels: its float32 result on zeros (on ones, for speckle's factor) is
  // each pixel's n, and the rule is applied to n here.
  it('value noise per pixel: every channel of a pixel gets its 1-channel value, on every backend, layout and cut', () => {
    const rng = testRng(404);
    const cases = [
      ['gaussianNoise', { std: 0.3, mean: 0.2 }], ['gaussianNoise', { std: [0, 40] }], ['uniformNoise', { low: -20, high: 30 }], ['speckleNoise', { std: 0.2 }],
    ] as const;
    for (const [n, h, w] of [[1, 1, 21], [2, 17, 45], [1, 40, 64]] as const) {
      for (const [op, base] of cases) {
        for (const c of [1, 2, 3, 4, 5]) {
          for (const layout of ['NHWC', 'NCHW'] as const) {
            const dtype = rng.pick(['uint8', 'float32'] as const);
            const opts = { ...base, seed: rng.int(0, 1000), index: rng.int(0, 50), perChannel: false };
            const pixels = h * w;
            const neutral = op === 'speckleNoise' ? 1 : 0;
            const values = (OPS[op] as (b: Batch, o: object) => Batch)({ data: new Float32Array(n * pixels).fill(neutral), shape: [n, h, w, 1] }, opts).data;
            const b = batchOf(rng, [n, h, w, c], dtype, layout);
            const expected = b.data.map((x, e) => {
              const image = Math.floor(e / (pixels * c)), within = e % (pixels * c);
              const v = values[image * pixels + (layout === 'NHWC' ? Math.floor(within / c) : within % pixels)]!;
              if (dtype === 'float32') return op === 'speckleNoise' ? Math.fround(x * v) : Math.fround(x + v);
              return saturateRoundHalfEven(op === 'speckleNoise' ? x * v : x + v);
            });
            const plan = noisePlan(op, b, opts);
            const cuts = [0, ...Array.from({ length: 3 }, () => rng.int(0, n * pixels)).sort((x, y) => x - y), n * pixels];
            for (const backend of backends) {
              const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
              for (let k = 0; k + 1 < cuts.length; k += 1) backend.noise(b.data, out, plan, cuts[k]!, cuts[k + 1]!);
              expect(firstDifference(out, expected), `${backendName(backend)} ${op} ${JSON.stringify({ n, h, w, c, layout, dtype, cuts })}`).toBe(-1);
            }
          }
        }
      }
    }
  });

  it('runs in place when out is batch.data, and rejects a partial overlap', () => {
    const data = Float32Array.from({ length: 60 }, (_, i) => i);
    const expected = gaussianNoise({ data, shape: [1, 4, 5, 3] }, { std: 1 }).data;
    const r = gaussianNoise({ data, shape: [1, 4, 5, 3] }, { std: 1, out: data });
    expect(r.data).toBe(data);
    expect(firstDifference(data, expected)).toBe(-1);
    const buffer = new Float32Array(61);
    expect(() => gaussianNoise({ data: buffer.subarray(0, 60), shape: [1, 4, 5, 3] }, { std: 1, out: buffer.subarray(1) })).toThrow('Expected batch.data itself or an array that does not overlap it for out');
  });
});

describe('the dtype rule: uint8 = saturate(roundHalfEven(x + n)), n = the float32 result on zeros', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const b: Batch = { data: all, shape: [1, 16, 16, 1] };
  it('half-way cases round to even', () => {
    const plus = uniformNoise(b, { low: 0.5, high: 0.5 }).data;
    const minus = uniformNoise(b, { low: -0.5, high: -0.5 }).data;
    for (let x = 0; x < 256; x += 1) {
      expect(plus[x]).toBe(x % 2 === 0 ? x : Math.min(255, x + 1)); // x + 0.5 → the even neighbour
      expect(minus[x]).toBe(x % 2 === 0 ? x : x - 1); // x − 0.5 → the even neighbour
    }
    expect(uniformNoise(b, { low: 1.5, high: 1.5 }).data[0]).toBe(2);
    expect(uniformNoise(b, { low: 2.5, high: 2.5 }).data[0]).toBe(2);
  });
  it('saturates at both ends', () => {
    expect(new Set(uniformNoise(b, { low: 300, high: 300 }).data)).toEqual(new Set([255]));
    expect(new Set(uniformNoise(b, { low: -256, high: -256 }).data)).toEqual(new Set([0]));
  });
  it('holds exactly for random noise, for gaussian and uniform, per element and per pixel', () => {
    const rng = testRng(3);
    for (const [op, opts] of [['gaussianNoise', { std: 40 }], ['uniformNoise', { low: -60, high: 60 }], ['gaussianNoise', { std: [0, 80], perChannel: false }]] as const) {
      const x = batchOf(rng, [3, 16, 16, 3], 'uint8', 'NHWC');
      const zeros: Batch = { data: new Float32Array(x.data.length), shape: x.shape };
      const n = (OPS[op] as (b: Batch, o: object) => Batch)(zeros, { ...opts, seed: 4 }).data;
      const got = (OPS[op] as (b: Batch, o: object) => Batch)(x, { ...opts, seed: 4 }).data;
      for (let i = 0; i < got.length; i += 1) {
        expect(got[i]).toBe(saturateRoundHalfEven(x.data[i]! + n[i]!));
      }
    }
  });
  it('holds for noise up to and far past 2^21 (where the kernels clamp first), on every backend and ISA', () => {
    const rng = testRng(21);
    const x = batchOf(rng, [4, 9, 15, 3], 'uint8', 'NHWC');  // 405 elements per image: whole vectors and a tail
    const zeros: Batch = { data: new Float32Array(x.data.length), shape: x.shape };
    for (const opts of [
      { op: 'gaussianNoise', std: 262000, mean: 0.5 }, { op: 'gaussianNoise', std: [0, 600000], mean: -2e6 },
      { op: 'gaussianNoise', std: 3e9 }, { op: 'uniformNoise', low: -4e6, high: 4e6 }, { op: 'uniformNoise', low: 2097151.5, high: 2097152.5 },
      { op: 'uniformNoise', low: -1e30, high: 1e30 },
    ] as const) {
      const { op, ...o } = opts;
      const n = (OPS[op] as (b: Batch, o: object) => Batch)(zeros, { ...o, seed: 8 }).data;
      const expected = Array.from(x.data, (xi, i) => saturateRoundHalfEven(xi + n[i]!));
      expect(expected, JSON.stringify(opts)).toContain(255);
      const plan = noisePlan(op, x, { ...o, seed: 8 });
      for (const backend of backends) {
        const out = new Uint8Array(x.data.length);
        backend.noise(x.data, out, plan, 0, 4 * noisePositions(plan));
        expect(firstDifference(out, expected), `${backendName(backend)} ${JSON.stringify(opts)}`).toBe(-1);
      }
    }
  });
  it('speckle: uint8 = saturate(roundHalfEven(x · n)) with n the float32 result on ones', () => {
    const rng = testRng(5);
    const x = batchOf(rng, [2, 16, 16, 3], 'uint8', 'NHWC');
    const n = speckleNoise({ data: new Float32Array(x.data.length).fill(1), shape: x.shape }, { std: 0.5, seed: 1 }).data;
    const got = speckleNoise(x, { std: 0.5, seed: 1 }).data;
    for (let i = 0; i < got.length; i += 1) {
      expect(got[i]).toBe(saturateRoundHalfEven(x.data[i]! * n[i]!));
    }
  });
  // ±∞ and NaN noise come only from parameters beyond float32 (a mean of 1e300
  // is ∞ there, and ∞ − ∞ is NaN); a NaN result is 0, as a Uint8Array stores it.
  it('holds for infinite and NaN noise on every backend and ISA: ±∞ saturates, NaN gives 0', () => {
    const rng = testRng(31);
    for (const [op, opts, neutral, kinds] of [
      ['gaussianNoise', { mean: 1e300, std: 1e300 }, 0, 'NaN +∞'],
      ['gaussianNoise', { mean: -1e300, std: 1e300, perChannel: false }, 0, 'NaN −∞'],
      ['speckleNoise', { std: 1e300 }, 1, 'NaN +∞ −∞'],
    ] as const) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        const x = batchOf(rng, [2, 5, 21, 3], 'uint8', layout);
        x.data[0] = 0; // speckle: 0 · ±∞ is NaN
        const n = (OPS[op] as (b: Batch, o: object) => Batch)({ data: new Float32Array(x.data.length).fill(neutral), shape: x.shape, layout }, { ...opts, seed: 2 }).data;
        const sums = Array.from(x.data, (xi, i) => (op === 'speckleNoise' ? xi * n[i]! : xi + n[i]!));
        const seen = new Set(sums.map((v) => (Number.isNaN(v) ? 'NaN' : v > 0 ? '+∞' : '−∞')));
        expect([...seen].sort().join(' '), `${op} ${layout}`).toBe(kinds.split(' ').sort().join(' '));
        const expected = sums.map((v) => (v > 0 ? 255 : 0)); // NaN > 0 is false
        const plan = noisePlan(op, x, { ...opts, seed: 2 });
        for (const backend of backends) {
          const out = new Uint8Array(x.data.length);
          backend.noise(x.data, out, plan, 0, 2 * noisePositions(plan));
          expect(firstDifference(out, expected), `${backendName(backend)} ${op} ${layout}`).toBe(-1);
        }
      }
    }
  });
  it('float32 clip bounds the result', () => {
    const out = gaussianNoise({ data: new Float32Array(1000).fill(0.5), shape: [1, 10, 100, 1] }, { std: 1, clip: [0, 1] }).data;
    expect(Math.min(...out)).toBe(0);
    expect(Math.max(...out)).toBe(1);
  });
});

describe('statistics (bounds: 5 standard errors for the sample size)', () => {
  const shape: [number, number, number, number] = [4, 128, 128, 3];
  const size = shape.reduce((a, b) => a * b, 1);
  const moments = (v: ArrayLike<number>, from = 0, to = v.length) => {
    let s = 0; let s2 = 0;
    for (let i = from; i < to; i += 1) { s += v[i]!; s2 += v[i]! * v[i]!; }
    const m = s / (to - from);
    return { mean: m, variance: s2 / (to - from) - m * m };
  };
  it('gaussian: mean and variance', () => {
    const r = moments(gaussianNoise({ data: new Float32Array(size), shape }, { std: 0.3, mean: 0.1 }).data);
    expect(Math.abs(r.mean - 0.1)).toBeLessThan(5 * 0.3 / Math.sqrt(size));
    expect(Math.abs(r.variance - 0.09)).toBeLessThan(5 * 0.09 * Math.sqrt(2 / size));
  });
  it('uniform: mean and variance', () => {
    const r = moments(uniformNoise({ data: new Float32Array(size), shape }, { low: -1, high: 3 }).data);
    expect(Math.abs(r.mean - 1)).toBeLessThan(5 * Math.sqrt(16 / 12 / size));
    expect(Math.abs(r.variance - 16 / 12)).toBeLessThan(5 * Math.sqrt(16 * 16 / 180 / size));
  });
  it('speckle: x · (1 + std · z) has mean x and variance (x · std)²', () => {
    const r = moments(speckleNoise({ data: new Float32Array(size).fill(2), shape }, { std: 0.25 }).data);
    expect(Math.abs(r.mean - 2)).toBeLessThan(5 * 0.5 / Math.sqrt(size));
    expect(Math.abs(r.variance - 0.25)).toBeLessThan(5 * 0.25 * Math.sqrt(2 / size));
  });
  it('per-image drawn std spreads over its range', () => {
    const n = 64;
    const out = gaussianNoise({ data: new Float32Array(n * 32 * 32), shape: [n, 32, 32, 1] }, { std: [1, 5], seed: 2 }).data;
    const stds = Array.from({ length: n }, (_, i) => Math.sqrt(moments(out, i * 1024, (i + 1) * 1024).variance));
    for (const s of stds) expect(s > 0.85 && s < 5.4).toBe(true);
    expect(Math.min(...stds)).toBeLessThan(2);
    expect(Math.max(...stds)).toBeGreaterThan(4);
  });
  it('salt and pepper: fractions within binomial bounds, values exactly min / max', () => {
    const pixels = 4 * 128 * 128;
    const out = saltAndPepper({ data: new Uint8Array(size).fill(128), shape }, { amount: 0.2, saltRatio: 0.25, seed: 6 }).data;
    let salt = 0; let pepper = 0;
    for (let p = 0; p < pixels; p += 1) { if (out[3 * p] === 255) salt += 1; else if (out[3 * p] === 0) pepper += 1; else expect(out[3 * p]).toBe(128); }
    const bound = (q: number) => 5 * Math.sqrt(q * (1 - q) / pixels);
    expect(Math.abs(salt / pixels - 0.05)).toBeLessThan(bound(0.05));
    expect(Math.abs(pepper / pixels - 0.15)).toBeLessThan(bound(0.15));
    const f = saltAndPepper({ data: new Float32Array(100).fill(0.5), shape: [1, 10, 10, 1] }, { amount: 1, saltRatio: 0.5, min: -1, max: 2 }).data;
    expect(new Set(f)).toEqual(new Set([-1, 2]));
  });
});

describe('bad input', () => {
  const b: Batch = { data: new Uint8Array(12), shape: [1, 2, 2, 3] };
  const f: Batch = { data: new Float32Array(12), shape: [1, 2, 2, 3] };
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    ['negative std', () => gaussianNoise(b, { std: -1 }), RangeError, 'Expected a number or [lo, hi] with lo <= hi, within [0, Infinity] for std but received -1'],
    ['NaN std', () => gaussianNoise(b, { std: NaN }), RangeError, 'for std but received NaN'],
    ['std range lo > hi', () => speckleNoise(b, { std: [0.5, 0.1] }), RangeError, 'for std but received array(2)'],
    ['missing std', () => gaussianNoise(b, {} as { std: number }), TypeError, 'for std but received undefined'],
    ['NaN mean', () => gaussianNoise(b, { std: 1, mean: NaN }), RangeError, 'Expected a finite number for mean but received NaN'],
    ['amount > 1', () => saltAndPepper(b, { amount: 1.5 }), RangeError, 'within [0, 1] for amount but received 1.5'],
    ['saltRatio < 0', () => saltAndPepper(b, { amount: 0.1, saltRatio: -0.1 }), RangeError, 'Expected a number in [0, 1] for saltRatio but received -0.1'],
    ['min for uint8', () => saltAndPepper(b, { amount: 0.1, min: 3 }), RangeError, 'Expected no min/max for uint8 data (pepper is 0, salt 255) for min'],
    ['low > high', () => uniformNoise(b, { low: 2, high: 1 }), RangeError, 'Expected a number >= low (2) for high but received 1'],
    ['NaN low', () => uniformNoise(b, { low: NaN, high: 1 }), RangeError, 'Expected a finite number for low but received NaN'],
    ['clip for uint8', () => gaussianNoise(b, { std: 1, clip: [0, 1] }), RangeError, 'Expected no clip for uint8 data (results saturate to [0, 255]) for clip'],
    ['clip lo > hi', () => gaussianNoise(f, { std: 1, clip: [1, 0] }), RangeError, 'Expected [lo, hi] with lo <= hi for clip'],
    ['out dtype mismatch', () => gaussianNoise(b, { std: 1, out: new Float32Array(12) }), TypeError, 'Expected a Uint8Array like the batch data for out'],
    ['shape mismatch', () => gaussianNoise({ data: new Uint8Array(11), shape: [1, 2, 2, 3] }, { std: 1 }), RangeError, 'Expected a typed array of length n*h*w*c = 12 for batch.data'],
    ['perChannel not boolean', () => gaussianNoise(b, { std: 1, perChannel: 1 as unknown as boolean }), TypeError, 'Expected a boolean for perChannel but received 1'],
    ['unknown option', () => gaussianNoise(b, { std: 1, sigma: 2 } as { std: number }), TypeError, "Unknown option 'sigma' for gaussianNoise; expected one of: seed, index, epoch, perChannel, out, std, mean, clip"],
    ['no options', () => gaussianNoise(b, undefined as unknown as { std: number }), TypeError, 'Expected an object with std for gaussianNoise options but received undefined'],
  ];
  for (const [what, call, type, message] of cases) {
    it(what, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
  it('an empty batch may not name an image larger than any array (sizes computed from it would wrap)', () => {
    const huge: Batch = { data: new Uint8Array(0), shape: [0, 2 ** 31, 2 ** 31, 4] };
    expect(() => gaussianNoise(huge, { std: 1 })).toThrow(RangeError);
    expect(() => gaussianNoise(huge, { std: 1 })).toThrow('Expected [n, h, w, c] with h*w*c <= ');
    // the addon refuses it too, should a caller get past validation (h·w·c = 2^64 wrapped to 0 and divided by it)
    const plan = noisePlan('gaussianNoise', { data: new Uint8Array(0), shape: [0, 2, 2, 1] }, { std: 1 });
    for (const backend of nativeBackends) {
      expect(() => backend.noise(huge.data, new Uint8Array(0), { ...plan, h: 2 ** 31, w: 2 ** 31, c: 4 }, 0, 0), backendName(backend)).toThrow('an image larger than any array');
    }
    // per image within bounds, but 2049 of them wrap 2^64 to 512 elements: refused before the kernel runs off the buffers
    const [h, w, c] = [2152149604, 1408, 2971];
    const many = noisePlan('gaussianNoise', { data: new Uint8Array(2049), shape: [2049, 1, 1, 1] }, { std: 1, perChannel: false });
    for (const backend of nativeBackends) {
      expect(() => backend.noise(new Uint8Array(512), new Uint8Array(512), { ...many, h, w, c }, 0, h * w * 2048 + 1), backendName(backend)).toThrow('noise: more elements than any array');
    }
  });
  it('async twins reject with the same errors', async () => {
    await expect(gaussianNoiseAsync(b, { std: -1 })).rejects.toThrow(RangeError);
    await expect(saltAndPepperAsync(b, { amount: 0.1, threads: 1.5 })).rejects.toThrow('for threads');
  });
});

// Cases a mutation run of the TypeScript found no test for: each pins one
// documented rule at the value where a plausible slip would show.
describe('documented rules at their edges', () => {
  it('salt and pepper thresholds round half to even out of 65536', () => {
    const b: Batch = { data: new Uint8Array(3), shape: [1, 1, 1, 3] };
    const p5 = noisePlan('saltAndPepper', b, { amount: 0.05 });
    expect([p5.saltBelow[0], p5.pepperBelow[0]]).toEqual([3277, 1638]); // 3276.8 → 3277, 1638.4 → 1638
    const tie = noisePlan('saltAndPepper', b, { amount: 2.5 / 65536 });
    expect([tie.saltBelow[0], tie.pepperBelow[0]]).toEqual([2, 1]); // 2.5 → 2, 1.25 → 1
  });

  it('uniform noise: offset float32(low), scale float32(float32(high) − float32(low))', () => {
    const plan = noisePlan('uniformNoise', { data: new Float32Array(3), shape: [1, 1, 1, 3] }, { low: 0.1, high: 0.7 });
    expect(plan.offset[0]).toBe(Math.fround(0.1));
    expect(plan.scale[0]).toBe(Math.fround(Math.fround(0.7) - Math.fround(0.1))); // 0.59999996, not float32(0.6)
    expect(plan.scale[0]).not.toBe(Math.fround(0.7 - 0.1));
  });

  it('a std range must be finite', () => {
    const b: Batch = { data: new Uint8Array(3), shape: [1, 1, 1, 3] };
    expect(() => gaussianNoise(b, { std: [0, Infinity] })).toThrow(RangeError);
    expect(() => gaussianNoise(b, { std: [0, NaN] })).toThrow('for std but received array(2)');
  });

  it('an out right after the input in the same buffer is not an overlap', () => {
    const buffer = new Uint8Array(24);
    const b: Batch = { data: buffer.subarray(0, 12), shape: [1, 2, 2, 3] };
    expect(gaussianNoise(b, { std: 1, out: buffer.subarray(12) }).data.byteOffset).toBe(12);
  });

  it('splitRange: contiguous ranges covering [0, length), each starting on a multiple of align', () => {
    const rng = testRng(77);
    for (let t = 0; t < 300; t += 1) {
      const align = rng.pick([1, 3, 256, 4096, 12288]);
      const length = rng.int(0, 5) === 0 ? rng.int(0, 3) : rng.int(1, 200_000);
      const parts = rng.int(1, 9);
      const ranges = splitRange(length, parts, align);
      expect(ranges.length).toBeLessThanOrEqual(parts);
      let next = 0;
      for (const [start, count] of ranges) {
        expect(start).toBe(next);
        expect(start % align).toBe(0);
        expect(count).toBeGreaterThan(0);
        next = start + count;
      }
      expect(next).toBe(length);
    }
  });

  it('async noise on an NCHW per-channel image whose size does not split evenly: same bytes at 3, 5, 7 threads', async () => {
    const rng = testRng(78);
    const b: Batch = { data: Uint8Array.from({ length: 100 * 100 * 3 }, () => rng.int(0, 255)), shape: [1, 100, 100, 3], layout: 'NCHW' };
    const sync = gaussianNoise(b, { std: 5, seed: 2 }).data;
    for (const threads of [3, 5, 7]) expect(firstDifference((await gaussianNoiseAsync(b, { std: 5, seed: 2, threads })).data, sync), `threads ${threads}`).toBe(-1);
  });

  it('every backend\'s async kernels equal its sync ones past one async slice (65536 positions)', async () => {
    const rng = testRng(79);
    const b: Batch = { data: Uint8Array.from({ length: 200 * 200 * 3 }, () => rng.int(0, 255)), shape: [1, 200, 200, 3], layout: 'NCHW' };
    const plan = noisePlan('gaussianNoise', b, { std: 5, seed: 2 });
    const x = Float32Array.from({ length: 200_000 }, () => rng.next());
    const request = { key0: 3, key1: 0, first: 5, epoch: 1, stream: STREAM.gaussianDropout, offset: 1, scale: 0.5 };
    for (const backend of backends) {
      const [sync, async] = [new Uint8Array(b.data.length), new Uint8Array(b.data.length)];
      backend.noise(b.data, sync, plan, 0, 120_000);
      await backend.noiseAsync(b.data, async, plan, 0, 120_000);
      expect(firstDifference(async, sync), `${backendName(backend)} noise`).toBe(-1);
      const [dSync, dAsync] = [new Float32Array(x.length), new Float32Array(x.length)];
      backend.gaussianDropout(x, dSync, request);
      await backend.gaussianDropoutAsync(x, dAsync, request);
      expect(firstDifference(dAsync, dSync), `${backendName(backend)} gaussianDropout`).toBe(-1);
    }
  });

  it('dropoutMask drops where U(w) < rate: at rate = U(w) exactly, that element is kept', () => {
    // U of element 3 of stream 41, seed 5: word 3 of block (0, 0, 0, 41)
    const w = philox4x32([0, 0, 0, STREAM.dropoutMask], [5, 0])[3]!;
    const u = uniformOfWord(w);
    const mask = dropoutMask(8, { rate: u, seed: 5 });
    expect(mask[3]).toBe(Math.fround(1 / (1 - u)));
  });
});

// Cases a mutation run of the C++ kernels found no test for: a tie in a
// vector kernel's scalar tail, and position ranges that start mid-image
// (as thread ranges do) in place or on an odd position.
describe('scalar tails and ranges that start mid-image', () => {
  it('uint8 ties round to even in the scalar tail too (n = ±0.5, ±1.5, ±2.5 on 259 elements)', () => {
    const data = Uint8Array.from({ length: 259 }, (_, i) => i % 256);
    const b: Batch = { data, shape: [1, 1, 259, 1] };
    for (const n of [0.5, -0.5, 1.5, -1.5, 2.5, -2.5]) {
      const plan = noisePlan('uniformNoise', b, { low: n, high: n });
      const expected = Uint8Array.from(data, (x) => saturateRoundHalfEven(x + n));
      for (const backend of backends) {
        const out = new Uint8Array(259);
        backend.noise(data, out, plan, 0, noisePositions(plan));
        expect(firstDifference(out, expected), `${backendName(backend)} n=${n}`).toBe(-1);
      }
    }
  });

  // AVX-512 skips the tie fix-up for 4 vectors (64 values) without a tie:
  // here about half of the values are ties (n + 2^-22 · U rounds to n below
  // U = 1/2), scattered among the lanes
  it('uint8 ties among non-ties in the same vectors (n + 2^-22 · U, n = ±2.5, 1.5) round to even', () => {
    const data = Uint8Array.from({ length: 64 * 67 * 3 }, (_, i) => (i * 7) % 256);
    const b: Batch = { data, shape: [1, 64, 67, 3] };
    for (const n of [2.5, -2.5, 1.5]) {
      const plan = noisePlan('uniformNoise', b, { low: n, high: n + 2 ** -22, seed: 5 });
      const expected = new Uint8Array(data.length);
      jsReference.noise(data, expected, plan, 0, noisePositions(plan));
      const ties = expected.filter((v, i) => v === saturateRoundHalfEven(data[i]! + n)).length;
      expect(ties).toBeGreaterThan(data.length / 4);
      expect(ties).toBeLessThan(data.length);
      for (const backend of backends) {
        const out = new Uint8Array(data.length);
        backend.noise(data, out, plan, 0, noisePositions(plan));
        expect(firstDifference(out, expected), `${backendName(backend)} n=${n}`).toBe(-1);
      }
    }
  });

  it('in place, a range that starts mid-image touches nothing before its start (NCHW per channel, 3 channels, float32)', () => {
    // a range rounded back to its group start would noise the previous range's output a second time
    const rng = testRng(77);
    const size = 40 * 33 * 3;
    const src = Float32Array.from({ length: size }, () => rng.next());
    const b: Batch = { data: src, shape: [1, 40, 33, 3], layout: 'NCHW' };
    for (const op of ['gaussianNoise', 'uniformNoise'] as const) {
      const plan = noisePlan(op, b, op === 'gaussianNoise' ? { std: 0.1 } : { low: -1, high: 1 });
      const total = noisePositions(plan);
      for (const backend of backends) {
        const whole = new Float32Array(size);
        backend.noise(src, whole, plan, 0, total);
        for (const cut of [3, 51, 99, 300, 1500]) {
          const inPlace = src.slice();
          backend.noise(inPlace, inPlace, plan, cut, total);
          backend.noise(inPlace, inPlace, plan, 0, cut);
          expect(firstDifference(inPlace, whole), `${backendName(backend)} ${op} cut ${cut}`).toBe(-1);
        }
      }
    }
  });

  it('salt and pepper per channel in NCHW with an odd channel count, cut at an odd pixel', () => {
    for (const c of [3, 5]) {
      for (const dtype of ['uint8', 'float32'] as const) {
        const size = 40 * 64 * c;
        const data = dtype === 'uint8' ? Uint8Array.from({ length: size }, (_, i) => (i * 7) % 251) : Float32Array.from({ length: size }, (_, i) => ((i * 7) % 251) / 251);
        const b: Batch = { data, shape: [1, 40, 64, c], layout: 'NCHW' };
        const plan = noisePlan('saltAndPepper', b, { amount: 0.5, saltRatio: 0.5, perChannel: true, seed: 3 });
        const total = noisePositions(plan);
        for (const backend of backends) {
          const whole = dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size);
          backend.noise(data, whole, plan, 0, total);
          for (const pixel of [1, 3, 7, 129]) {
            const pieces = whole.slice().fill(0);
            backend.noise(data, pieces, plan, 0, pixel * c);
            backend.noise(data, pieces, plan, pixel * c, total);
            expect(firstDifference(pieces, whole), `${backendName(backend)} ${dtype} c=${c} cut at pixel ${pixel}`).toBe(-1);
          }
        }
      }
    }
  });
});

// Value noise on consecutive images whose positions are their elements (NHWC
// per channel, or one channel) and whole Philox blocks (positions a multiple
// of 4) runs as one generator pass over the images (native ImageRunCounters:
// a group of blocks may straddle one or more image ends). Each image must
// still get exactly the noise it gets alone.
describe('one generator pass over consecutive images', () => {
  // positions per image: 4 and 8 (several image ends inside one group of 4
  // or 8 blocks), 16, 196 · 4 = 784 (Fashion-MNIST), 192 (3 channels per
  // channel), and 35 and 6 (not whole blocks: image by image)
  const SHAPES: Array<{ shape: [number, number, number, number]; layout: 'NHWC' | 'NCHW'; perChannel: boolean }> = [
    { shape: [11, 2, 2, 1], layout: 'NHWC', perChannel: false },
    { shape: [9, 2, 4, 1], layout: 'NCHW', perChannel: true },
    { shape: [7, 4, 4, 1], layout: 'NHWC', perChannel: true },
    { shape: [5, 28, 28, 1], layout: 'NHWC', perChannel: false },
    { shape: [4, 28, 28, 1], layout: 'NCHW', perChannel: false },
    { shape: [4, 8, 8, 3], layout: 'NHWC', perChannel: true },
    { shape: [4, 5, 7, 1], layout: 'NHWC', perChannel: false },
    { shape: [5, 1, 2, 3], layout: 'NHWC', perChannel: true },
  ];
  const OPTIONS: Array<[Op, Record<string, unknown>]> = [
    ['gaussianNoise', { std: 10 }],
    ['gaussianNoise', { std: 0.1, mean: 0.5 }],
    ['gaussianNoise', { std: [0, 30] }],  // a std per image: image by image
    ['uniformNoise', { low: -20, high: 20 }],
    ['speckleNoise', { std: 0.2 }],
  ];

  it('each image gets its noise alone (index + i), on every backend, uint8 and float32', () => {
    const rng = testRng(2020);
    for (const { shape, layout, perChannel } of SHAPES) {
      for (const [op, extra] of OPTIONS) {
        for (const dtype of ['uint8', 'float32'] as const) {
          const b = batchOf(rng, shape, dtype, layout);
          const opts = { ...extra, perChannel, seed: 77, index: rng.int(0, 5000), epoch: 2 };
          const plan = noisePlan(op, b, opts);
          const size = shape[1] * shape[2] * shape[3];
          const alone = b.data.slice();  // image i noised on its own, with the default backend
          for (let i = 0; i < shape[0]; i += 1) {
            const image: Batch = { data: b.data.subarray(i * size, (i + 1) * size), shape: [1, shape[1], shape[2], shape[3]], layout };
            alone.set((OPS[op] as (b: Batch, o: object) => Batch)(image, { ...opts, index: opts.index + i }).data, i * size);
          }
          for (const backend of backends) {
            const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
            backend.noise(b.data, out, plan, 0, shape[0] * noisePositions(plan));
            expect(firstDifference(out, alone), `${backendName(backend)} ${op} ${dtype} ${JSON.stringify({ shape, layout, ...opts })}`).toBe(-1);
          }
        }
      }
    }
  });

  it('a range that starts or ends mid-image, anywhere in a block, gives the same bytes as the whole batch', () => {
    const rng = testRng(2021);
    for (const { shape, layout, perChannel } of SHAPES.slice(0, 6)) {
      for (const dtype of ['uint8', 'float32'] as const) {
        const b = batchOf(rng, shape, dtype, layout);
        const plan = noisePlan('gaussianNoise', b, { std: 10, perChannel, seed: 5, index: 3 });
        const total = shape[0] * noisePositions(plan);
        for (const backend of backends) {
          const whole = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
          backend.noise(b.data, whole, plan, 0, total);
          for (let t = 0; t < 6; t += 1) {
            const cuts = [0, ...Array.from({ length: 3 }, () => rng.int(0, total)).sort((x, y) => x - y), total];
            const pieces = whole.slice().fill(0);
            for (let k = 0; k + 1 < cuts.length; k += 1) backend.noise(b.data, pieces, plan, cuts[k]!, cuts[k + 1]!);
            expect(firstDifference(pieces, whole), `${backendName(backend)} ${dtype} ${JSON.stringify({ shape, layout, cuts })}`).toBe(-1);
          }
        }
      }
    }
  });

  it('pinned: SHA-256 of gaussianNoise on a Fashion-MNIST-shaped batch (64×28×28×1), uint8 std 10 and float32 std 0.1', () => {
    const data = Uint8Array.from({ length: 64 * 784 }, (_, i) => (i * 37) % 256);
    const u8 = gaussianNoise({ data, shape: [64, 28, 28, 1] }, { std: 10, seed: 1, index: 1000, epoch: 3 }).data;
    const f32 = gaussianNoise({ data: Float32Array.from(data, (v) => v / 255), shape: [64, 28, 28, 1] }, { std: 0.1, seed: 1, index: 1000, epoch: 3 }).data;
    const sha = (a: ArrayBufferView): string => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
    expect(sha(u8)).toBe('2427185a88858a0a38a4f04f034f890804e644edacbee2cb542427d2414f95b5');
    expect(sha(f32)).toBe('75c7121020e0ea4befeb82d9daf1c2320111552a59195af158753ec85c02e3d6');
  });
});

// The native float32 runs per pixel and in NCHW per channel start where the
// destination is aligned for the ISA's stores (AVX-512: 64 bytes), the
// pixels before that chunk by chunk: the noise of every element must not
// depend on where the buffers lie, nor on where a range is cut.
describe('large images: one generator pass per image', () => {
  // From 2^16 positions per image (noise.h's kFoldedImagePositions) the
  // kernels run each image's stream on its own, where smaller images share
  // one pass: 65536 and 67500 positions, whole and cut anywhere.
  const SHAPES: Array<{ shape: [number, number, number, number]; perChannel: boolean }> = [
    { shape: [3, 150, 150, 3], perChannel: true },
    { shape: [2, 256, 256, 1], perChannel: false },
  ];
  it('same bytes as js for gaussian and uniform noise, uint8 and float32, whole or cut mid-image', () => {
    const rng = testRng(2023);
    for (const { shape, perChannel } of SHAPES) {
      for (const dtype of ['uint8', 'float32'] as const) {
        const b = batchOf(rng, shape, dtype, 'NHWC');
        for (const [op, extra] of [['gaussianNoise', { std: dtype === 'uint8' ? 10 : 0.1 }], ['uniformNoise', { low: -20, high: 20 }]] as const) {
          const plan = noisePlan(op, b, { ...extra, perChannel, seed: 31, index: 7 });
          const total = shape[0] * noisePositions(plan);
          const expected = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
          jsReference.noise(b.data, expected, plan, 0, total);
          for (const backend of nativeBackends) {
            const out = expected.slice().fill(0);
            const cuts = [0, ...Array.from({ length: 2 }, () => rng.int(0, total)).sort((x, y) => x - y), total];
            for (let k = 0; k + 1 < cuts.length; k += 1) backend.noise(b.data, out, plan, cuts[k]!, cuts[k + 1]!);
            expect(firstDifference(out, expected), `${backendName(backend)} ${op} ${dtype} ${JSON.stringify({ shape, cuts })}`).toBe(-1);
          }
        }
      }
    }
  });
});

describe('float32 noise at every destination alignment', () => {
  const CASES: Array<{ layout: 'NHWC' | 'NCHW'; perChannel: boolean }> = [
    { layout: 'NHWC', perChannel: false },
    { layout: 'NCHW', perChannel: false },
    { layout: 'NCHW', perChannel: true },
  ];

  it('same bytes as js with source and destination at every 4-byte offset in a 64-byte line, whole or cut mid-image', () => {
    const rng = testRng(2022);
    const shape: [number, number, number, number] = [2, 24, 21, 3];  // 504 pixels per image, not a multiple of 16
    const size = 2 * 24 * 21 * 3;
    for (const { layout, perChannel } of CASES) {
      const b = batchOf(rng, shape, 'float32', layout);
      const plan = noisePlan('gaussianNoise', b, { std: 0.1, mean: 0.25, perChannel, seed: 9, index: 4 });
      const total = 2 * noisePositions(plan);
      const expected = new Float32Array(size);
      jsReference.noise(b.data, expected, plan, 0, total);
      for (const backend of nativeBackends) {
        for (let offset = 0; offset < 16; offset += 1) {
          const src = new Float32Array(size + 16).subarray(15 - offset, 15 - offset + size);
          src.set(b.data);
          const out = new Float32Array(size + 16).subarray(offset, offset + size);
          const cut = perChannel ? 3 * rng.int(1, total / 3 - 1) : rng.int(1, total - 1);  // NCHW per channel: whole pixels
          backend.noise(src, out, plan, 0, cut);
          backend.noise(src, out, plan, cut, total);
          expect(firstDifference(out, expected), `${backendName(backend)} ${layout} perChannel ${perChannel} offset ${offset} cut ${cut}`).toBe(-1);
        }
      }
    }
  });

  // Per-pixel float32 outputs of 16 MiB or more are written with
  // non-temporal stores on AVX-512, from where the destination is aligned
  // (NCHW: in every plane), in pieces as threads cut them: same bytes.
  it('same bytes as js for per-pixel outputs of 16 MiB and more (streamed stores), at several offsets, whole or cut', () => {
    const rng = testRng(2023);
    const shape: [number, number, number, number] = [1, 1184, 1184, 3];  // 16.8 MB of float32, planes of whole 64-byte lines
    const size = 1184 * 1184 * 3;
    for (const layout of ['NHWC', 'NCHW'] as const) {
      const b = batchOf(rng, shape, 'float32', layout);
      const plan = noisePlan('gaussianNoise', b, { std: 0.1, perChannel: false, seed: 11, index: 2 });
      const total = noisePositions(plan);
      const expected = new Float32Array(size);
      jsReference.noise(b.data, expected, plan, 0, total);
      for (const backend of nativeBackends) {
        for (const offset of [0, 1, 4, 8]) {
          const src = new Float32Array(size + 16).subarray(15 - offset, 15 - offset + size);
          src.set(b.data);
          const out = new Float32Array(size + 16).subarray(offset, offset + size);
          const cut = offset === 0 ? total : rng.int(1, total - 1);
          backend.noise(src, out, plan, 0, cut);
          if (cut < total) backend.noise(src, out, plan, cut, total);
          expect(firstDifference(out, expected), `${backendName(backend)} ${layout} offset ${offset} cut ${cut}`).toBe(-1);
        }
      }
    }
  });
});
