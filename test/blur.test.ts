// gaussianBlur (issue 19): weights and radius from their definitions, a
// float32 reference in the documented order of operations (written here from
// the definition, with the fills of test/helpers/fills.ts) that every backend
// and ISA must match bit for bit, a float64 2D convolution it must be close
// to, drawn sigmas from the published stream layout, split / thread
// invariance, async pieces, Pipeline records and replay, bad input.
import { describe, expect, it } from 'vitest';

import type { BlurRequest } from '../src/backends/backend.js';
import { blurPieces } from '../src/backends/js/blur.js';
import { gaussianBlur, gaussianBlurAsync, gaussianBlurParams, philox4x32, Pipeline, STREAM, type Batch, type Fill, type GaussianBlurOptions } from '../src/index.js';
import { blurRadius, blurWeights, gaussianBlurPlan } from '../src/ops/blur.js';
import { backendName, backends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { extensionIndex, FILLS } from './helpers/fills.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

const f = Math.fround;

function halfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
}

/** Element (y, x, ch) of image i, or the fill value through the fill rule. */
function reader(b: Batch, fill: Fill, fillValue: number): (i: number, y: number, x: number, ch: number) => number {
  const [, h, w, c] = b.shape;
  return (i, y, x, ch) => {
    const sy = extensionIndex(y, h, fill);
    const sx = extensionIndex(x, w, fill);
    if (sy < 0 || sx < 0) return fillValue;
    return b.data[b.layout === 'NCHW' ? ((i * c + ch) * h + sy) * w + sx : ((i * h + sy) * w + sx) * c + ch]!;
  };
}

function store(b: Batch, out: Uint8Array | Float32Array, i: number, y: number, x: number, ch: number, v: number): void {
  const [, h, w, c] = b.shape;
  const k = b.layout === 'NCHW' ? ((i * c + ch) * h + y) * w + x : ((i * h + y) * w + x) * c + ch;
  out[k] = out instanceof Uint8Array ? (Number.isNaN(v) ? 0 : Math.min(255, Math.max(0, halfEven(v)))) : v;
}

/**
 * The README's definition in float32: v(y, x) = wt[r]·e(y, x), then for
 * d = 1 … r, v = v + wt[r + d]·(e(y − d, x) + e(y + d, x)) (pair, product,
 * sum, each rounded); then o(y, x) likewise along x over v, v outside the
 * columns being v at the fill rule's column (constant: the vertical sum of
 * fillValue).
 */
function referenceF32(b: Batch, wts: Float32Array[], fill: Fill, fillValue: number): Uint8Array | Float32Array {
  const [n, h, w, c] = b.shape;
  const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
  const e = reader(b, fill, f(fillValue));
  for (let i = 0; i < n; i += 1) {
    const wt = wts[i]!;
    const r = (wt.length - 1) / 2;
    for (let ch = 0; ch < c; ch += 1) {
      for (let y = 0; y < h; y += 1) {
        const vert = (x: number): number => {
          let s = f(wt[r]! * e(i, y, x, ch));
          for (let d = 1; d <= r; d += 1) s = f(s + f(wt[r + d]! * f(e(i, y - d, x, ch) + e(i, y + d, x, ch))));
          return s;
        };
        const v = (x: number): number => {
          const sx = extensionIndex(x, w, fill);
          return vert(sx < 0 ? x : sx);
        };
        for (let x = 0; x < w; x += 1) {
          let s = f(wt[r]! * v(x));
          for (let d = 1; d <= r; d += 1) s = f(s + f(wt[r + d]! * f(v(x - d) + v(x + d))));
          store(b, out, i, y, x, ch, s);
        }
      }
    }
  }
  return out;
}

/** float64 2D convolution from the definition: Σ_a Σ_b g_a g_b e(y + a, x + b) with unrounded float64 weights. */
function reference64(b: Batch, sigma: number, r: number, fill: Fill, fillValue: number, i: number, y: number, x: number, ch: number): number {
  const e = reader(b, fill, fillValue);
  const g = Array.from({ length: 2 * r + 1 }, (_, k) => (sigma === 0 ? (k === r ? 1 : 0) : Math.exp(-((k - r) ** 2) / (2 * sigma * sigma))));
  const s = g.reduce((a, v) => a + v, 0);
  let total = 0;
  for (let a = -r; a <= r; a += 1) for (let bb = -r; bb <= r; bb += 1) total += (g[a + r]! / s) * (g[bb + r]! / s) * e(i, y + a, x + bb, ch);
  return total;
}

describe('weights and radius', () => {
  it('radius is OpenCV 8-bit rule: ⌊rint(6σ + 1) / 2⌋', () => {
    expect(blurRadius(0)).toBe(0);
    expect(blurRadius(0.5)).toBe(2); // 6σ+1 = 4 → ksize 5
    expect(blurRadius(1)).toBe(3); // 7
    expect(blurRadius(1.25)).toBe(4); // 8.5 → 8 (half to even) → 9
    expect(blurRadius(1.5)).toBe(5); // 10 → 11
    expect(blurRadius(2)).toBe(6); // 13
    expect(blurRadius(f(0.1))).toBe(1); // rint(1.6) = 2, 2 | 1 = 3
    expect(blurRadius(f(0.05))).toBe(0); // rint(1.3) = 1
  });

  it('weights are normalized exp(−d²/2σ²) rounded to float32', () => {
    const w = blurWeights(1, 3);
    const g = [Math.exp(-4.5), Math.exp(-2), Math.exp(-0.5), 1, Math.exp(-0.5), Math.exp(-2), Math.exp(-4.5)];
    const s = g.reduce((a, v) => a + v, 0);
    expect([...w]).toEqual(g.map((v) => f(v / s)));
    expect([...blurWeights(0, 2)]).toEqual([0, 0, 1, 0, 0]);
    for (let d = 1; d <= 3; d += 1) expect(w[3 - d]).toBe(w[3 + d]); // symmetric: the kernels pair x_−d and x_d
  });
});

describe('hand-computed', () => {
  it('sigma 0 is the identity; a constant image stays constant under nearest', () => {
    const b: Batch = { data: Uint8Array.from([0, 7, 255, 128, 3, 9]), shape: [1, 2, 3, 1] };
    expect([...gaussianBlur(b, { sigma: 0 }).data]).toEqual([0, 7, 255, 128, 3, 9]);
    const flat: Batch = { data: new Uint8Array(5 * 6 * 3).fill(200), shape: [1, 5, 6, 3] };
    expect(gaussianBlur(flat, { sigma: 1.5, fill: 'nearest' }).data.every((v) => v === 200)).toBe(true);
  });

  it('a 1 × 3 float32 row, radius 1, constant 0 outside: o = c·v(x) + a·(v(x−1) + v(x+1)), v = c·x + a·(0 + 0)', () => {
    const b: Batch = { data: Float32Array.from([0, 10, 20]), shape: [1, 1, 3, 1] };
    const [a, c] = blurWeights(f(0.8), 1);
    expect(f(2 * a! + c!)).toBeCloseTo(1, 6);
    // vertical pass of one row with constant-0 rows around: ((a·0 + c·x) + a·0) = c·x
    const v = [0, 10, 20].map((x) => f(f(c! * x) + f(a! * 0)));
    const vf = f(f(c! * 0) + f(a! * 0)); // the vertical sum of the fill value
    const o = [
      f(f(c! * v[0]!) + f(a! * f(vf + v[1]!))),
      f(f(c! * v[1]!) + f(a! * f(v[0]! + v[2]!))),
      f(f(c! * v[2]!) + f(a! * f(v[1]! + vf))),
    ];
    const got = gaussianBlur(b, { sigma: 0.8, radius: 1, fill: 'constant' }).data;
    expect([...got]).toEqual(o);
    // mirror: v(−1) = v(1), v(3) = v(1)
    const m = gaussianBlur(b, { sigma: 0.8, radius: 1, fill: 'mirror' }).data;
    const vm = [0, 10, 20].map((x) => f(f(c! * x) + f(a! * f(x + x))));
    expect(m[0]).toBe(f(f(c! * vm[0]!) + f(a! * f(vm[1]! + vm[1]!))));
    expect([...m]).toEqual([0, 1, 2].map((x) => f(f(c! * vm[x]!) + f(a! * f(vm[x === 0 ? 1 : x - 1]! + vm[x === 2 ? 1 : x + 1]!)))));
  });
});

/** Every backend (each ISA and js) blurs `b` as referenceF32 defines it, bit for bit. */
function expectEveryBackendMatchesReference(b: Batch, opts: GaussianBlurOptions, what: string): void {
  const { sigma, radius } = gaussianBlurParams(b, opts);
  const expected = referenceF32(b, Array.from(sigma, (s, i) => blurWeights(s, radius[i]!)), opts.fill ?? 'mirror', opts.fillValue ?? 0); // gaussianBlur's default fill
  const plan = gaussianBlurPlan(b, opts);
  for (const backend of backends) {
    const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
    backend.blur(b.data, out, plan, 0, b.shape[0]);
    expect(firstDifference(out, expected), `${backendName(backend)} ${what}`).toBe(-1);
  }
}

describe('every backend and ISA: the float32 definition, bit for bit', () => {
  it('randomized cases: both dtypes and layouts, any channels, every fill, drawn, given and fixed sigmas, radii beyond the image', () => {
    const rng = testRng(19);
    for (let t = 0; t < 240; t += 1) {
      const shape: Shape = [rng.int(1, 3), rng.int(1, 9), rng.int(1, 11), rng.pick([1, 2, 3, 4, 5])];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      const fill = rng.pick(FILLS);
      const opts: GaussianBlurOptions = { fill, seed: rng.int(0, 1000), index: rng.int(0, 5000), epoch: rng.int(0, 3) };
      const kind = rng.int(0, 2);
      if (kind === 0) opts.sigma = rng.pick([0, 0.3, 1, 1.5, 2.7]);
      if (kind === 1) opts.sigma = rng.pick([[0.1, 2], [0.5, 4], [0, 1]] as Array<[number, number]>);
      if (kind === 2) opts.sigmas = Array.from({ length: shape[0] }, () => rng.next() * 3);
      if (rng.next() < 0.3) opts.radius = rng.int(0, 14);
      if (fill === 'constant') opts.fillValue = dtype === 'uint8' ? rng.int(0, 255) : (rng.next() - 0.5) * 80;
      const what = `case ${t} ${JSON.stringify({ shape, dtype, layout: b.layout, ...opts })}`;
      expectEveryBackendMatchesReference(b, opts, what);
    }
  });

  it('224-wide rows with sigma 1.5 (the vector loops and their tails), NaN and infinities', () => {
    const rng = testRng(7);
    for (const [shape, layout] of [[[2, 5, 224, 3], 'NHWC'], [[1, 4, 37, 3], 'NCHW'], [[1, 3, 71, 4], 'NHWC']] as Array<[Shape, 'NHWC' | 'NCHW']>) {
      for (const dtype of ['uint8', 'float32'] as const) {
        const b = randomBatch(rng, shape, dtype, layout);
        if (b.data instanceof Float32Array) {
          b.data[5] = Number.NaN;
          b.data[b.data.length - 7] = Number.POSITIVE_INFINITY;
        }
        const opts: GaussianBlurOptions = { sigma: [1, 2], seed: 4, fill: rng.pick(FILLS) };
        expectEveryBackendMatchesReference(b, opts, JSON.stringify({ shape, layout, dtype, fill: opts.fill }));
      }
    }
  });

  it('rows of 1, 3 and 4 channels at radii 1–8 (the AVX-512 horizontal windows, and past them), every fill', () => {
    const rng = testRng(11);
    for (let r = 1; r <= 8; r += 1) {
      for (const [shape, layout] of [[[1, 3, 150, 1], 'NHWC'], [[1, 3, 97, 3], 'NHWC'], [[1, 2, 131, 4], 'NHWC'], [[1, 2, 140, 2], 'NCHW']] as Array<[Shape, 'NHWC' | 'NCHW']>) {
        for (const dtype of ['uint8', 'float32'] as const) {
          const b = randomBatch(rng, shape, dtype, layout);
          const opts: GaussianBlurOptions = { sigma: r / 3 + 0.1, radius: r, fill: rng.pick(FILLS), fillValue: 3 };
          expectEveryBackendMatchesReference(b, opts, JSON.stringify({ r, shape, layout, dtype, fill: opts.fill }));
        }
      }
    }
  });
});

describe('close to the float64 2D convolution', () => {
  it('float32 within 2e-5 · max|x|, uint8 within one level, at every fill', () => {
    const rng = testRng(64);
    for (const fill of FILLS) {
      for (const dtype of ['uint8', 'float32'] as const) {
        const b = randomBatch(rng, [2, 6, 8, 3], dtype, 'NHWC');
        const fillValue = dtype === 'uint8' ? 77 : 12.5;
        const opts: GaussianBlurOptions = { sigma: [0.4, 2.5], seed: 9, fill, fillValue };
        const got = gaussianBlur(b, opts).data;
        const { sigma, radius } = gaussianBlurParams(b, opts);
        for (let i = 0; i < 2; i += 1) {
          for (let y = 0; y < 6; y += 1) {
            for (let x = 0; x < 8; x += 1) {
              for (let ch = 0; ch < 3; ch += 1) {
                const exact = reference64(b, sigma[i]!, radius[i]!, fill, fillValue, i, y, x, ch);
                const v = got[((i * 6 + y) * 8 + x) * 3 + ch]!;
                if (dtype === 'uint8') expect(Math.abs(v - exact), `${fill} ${i} ${y} ${x}`).toBeLessThanOrEqual(0.5 + 1e-3);
                else expect(Math.abs(v - exact), `${fill} ${i} ${y} ${x}`).toBeLessThanOrEqual(2e-5 * 50);
              }
            }
          }
        }
      }
    }
  });
});

describe('drawn sigmas', () => {
  it('sigma = float32(lo + (hi − lo)·U(w0)) of block (0, index + k, epoch, 50); radius from it', () => {
    const b: Batch = { data: new Uint8Array(200), shape: [200, 1, 1, 1] };
    const { sigma, radius } = gaussianBlurParams(b, { sigma: [0.1, 2], seed: 5, index: 17, epoch: 3 });
    for (let k = 0; k < 200; k += 1) {
      expect(sigma[k]).toBe(f(0.1 + 1.9 * uniformOfWord(philox4x32([0, 17 + k, 3, STREAM.gaussianBlurParams], [5, 0])[0]!)));
      expect(radius[k]).toBe(blurRadius(sigma[k]!));
    }
    expect(STREAM.gaussianBlurParams).toBe(50);
  });

  it('are uniform on [lo, hi] (chi-square, 10 bins, 5000 images)', () => {
    const b: Batch = { data: new Uint8Array(5000), shape: [5000, 1, 1, 1] };
    const { sigma } = gaussianBlurParams(b, { sigma: [1, 3], seed: 11 });
    const bins = new Array<number>(10).fill(0);
    for (const s of sigma) {
      expect(s >= 1 && s <= 3).toBe(true);
      bins[Math.min(9, Math.floor((s - 1) * 5))]! += 1;
    }
    const chi = bins.reduce((a, o) => a + (o - 500) ** 2 / 500, 0);
    expect(chi).toBeLessThan(27.9); // 9 degrees of freedom, p = 0.001
  });
});

describe('split, threads, async', () => {
  it('two half batches with the index offset equal one batch; threads 1-3 and async equal sync', async () => {
    const rng = testRng(33);
    for (const dtype of ['uint8', 'float32'] as const) {
      const b = randomBatch(rng, [7, 9, 12, 3], dtype, 'NCHW');
      const opts: GaussianBlurOptions = { sigma: [0.5, 2.5], seed: 123n, index: 40, epoch: 1, fill: 'reflect' };
      const whole = gaussianBlur(b, opts);
      const per = 9 * 12 * 3;
      for (const [from, to] of [[0, 3], [3, 7]] as const) {
        const part = gaussianBlur({ data: b.data.subarray(from * per, to * per), shape: [to - from, 9, 12, 3], layout: 'NCHW' }, { ...opts, index: 40 + from });
        expect(firstDifference(part.data, whole.data.subarray(from * per, to * per))).toBe(-1);
      }
      for (const threads of [1, 2, 3]) expect(firstDifference((await gaussianBlurAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
    }
  });

  it('js async pieces of any size give the bytes of the whole images', () => {
    const rng = testRng(35);
    const b = randomBatch(rng, [3, 5, 7, 3], 'float32', 'NHWC');
    const opts: GaussianBlurOptions = { sigma: [0.5, 2], seed: 2, fill: 'wrap' };
    const plan: BlurRequest = gaussianBlurPlan(b, opts);
    const whole = gaussianBlur(b, opts).data;
    for (const unit of [1, 5, 40]) {
      const pieces = new Float32Array(b.data.length);
      for (const _ of blurPieces(plan, b.data, pieces, 0, 3, unit));
      expect(firstDifference(pieces, whole)).toBe(-1);
    }
  });
});

describe('in a Pipeline', () => {
  it('records { sigma, radius }, replays them, survives JSON', async () => {
    const pipeline = new Pipeline([{ op: 'gaussianBlur', options: { sigma: [0.2, 2], fill: 'nearest' }, p: 0.6 }, { op: 'flip' }], { seed: 8 });
    const b: Batch = { data: Uint8Array.from({ length: 16 * 6 * 5 * 3 }, (_, i) => (i * 37) & 255), shape: [16, 6, 5, 3] };
    const run = pipeline.run(b, { index: 9, epoch: 2, record: true });
    let applied = 0;
    for (const r of run.records) {
      const s = r.steps[0]!;
      if (!s.applied) continue;
      applied += 1;
      expect(s.params.sigma! >= f(0.2) && s.params.sigma! <= 2).toBe(true);
      expect(s.params.radius).toBe(blurRadius(s.params.sigma!));
    }
    expect(applied).toBeGreaterThan(0);
    expect(firstDifference(pipeline.replay(b, JSON.parse(JSON.stringify(run.records)) as typeof run.records).data, run.data)).toBe(-1);
    expect(firstDifference((await pipeline.runAsync(b, { index: 9, epoch: 2, threads: 2 })).data, run.data)).toBe(-1);
    expect(firstDifference(Pipeline.fromJSON(JSON.stringify(pipeline)).run(b, { index: 9, epoch: 2 }).data, run.data)).toBe(-1);
    const bad = structuredClone(run.records);
    const at = bad.findIndex((r) => r.steps[0]!.applied);
    bad[at]!.steps[0]!.params.sigma = -1;
    expect(() => pipeline.replay(b, bad)).toThrow(new RangeError(`Expected a float32 number between 0 and 500 for records[${at}].steps[0].params.sigma but received -1 of type number`));
    expect(() => new Pipeline([{ op: 'gaussianBlur', options: { sigmas: [1] } as GaussianBlurOptions }])).toThrow(TypeError);
  });
});

describe('bad input', () => {
  it('names the argument before any work', async () => {
    const b: Batch = { data: new Float32Array(2 * 3 * 4), shape: [2, 3, 4, 1] };
    expect(() => gaussianBlur(b, { sigma: -1 })).toThrow(RangeError);
    expect(() => gaussianBlur(b, { sigma: [2, 1] })).toThrow(RangeError);
    expect(() => gaussianBlur(b, { sigma: 501 })).toThrow(RangeError);
    expect(() => gaussianBlur(b, { sigmas: [1] })).toThrow(new RangeError('Expected an array of 2 numbers between 0 and 500 (one per image) for sigmas but received array(1) of type array'));
    expect(() => gaussianBlur(b, { sigmas: [1, -1] })).toThrow(new RangeError('Expected a number between 0 and 500 for sigmas[1] but received -1 of type number'));
    expect(() => gaussianBlur(b, { sigma: 1, sigmas: [1, 1] })).toThrow(TypeError);
    expect(() => gaussianBlur(b, { radius: 1.5 })).toThrow('for radius');
    expect(() => gaussianBlur(b, { radius: 1501 })).toThrow(RangeError);
    expect(() => gaussianBlur(b, { fill: 'zeros' as Fill })).toThrow("Expected 'constant', 'nearest', 'reflect', 'mirror' or 'wrap' for fill");
    expect(() => gaussianBlur(b, { out: b.data as Float32Array })).toThrow('this op cannot run in place');
    expect(() => gaussianBlur({ data: new Uint8Array(24), shape: [2, 3, 4, 1] }, { fill: 'constant', fillValue: 300 })).toThrow(RangeError);
    expect(() => gaussianBlur(b, { sigma: 1, std: 1 } as GaussianBlurOptions)).toThrow("Unknown option 'std' for gaussianBlur");
    await expect(gaussianBlurAsync(b, { threads: 0 })).rejects.toThrow('for threads');
  });
});
