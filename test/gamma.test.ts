// gamma (issue 19): the library's float64 power against Math.pow (float64
// relative error, float32 within 1 ulp of the correctly rounded value), hand
// cases, uint8 tables from the definition, every backend and ISA bit for bit
// on randomized cases, drawn gammas from the published stream layout
// (log-uniform: chi-square of ln γ), split / thread invariance, async pieces,
// replay, bad input.
import { describe, expect, it } from 'vitest';

import { gammaPieces, gammaTable, gammaValue, pow64 } from '../src/backends/js/gamma.js';
import { gamma, gammaAsync, gammaParams, oneOf, philox4x32, Pipeline, STREAM, type Batch, type GammaOptions } from '../src/index.js';
import { gammaPlan } from '../src/ops/gamma.js';
import { backendName, backends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

const f = Math.fround;

function halfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
}

/** float32 values in order as integers (−0 and +0 both 0), for ulp distances. */
function orderedBits(v: number): number {
  const u = new Uint32Array(Float32Array.of(v).buffer)[0]!;
  return u & 0x80000000 ? -(u & 0x7fffffff) : u;
}

/** The definition with Math.pow: x > 0 → float32(x^γ), x ≤ 0 → 0, NaN → NaN, +inf → +inf. */
function definition(x: number, g: number): number {
  if (Number.isNaN(x)) return x;
  return x <= 0 ? 0 : f(Math.pow(x, g));
}

/** A float32 value from a wide spread: [0, 1], around 1, tiny (subnormal), huge, negative. */
function spreadValue(rng: ReturnType<typeof testRng>): number {
  switch (rng.int(0, 5)) {
    case 0: return f(rng.next());
    case 1: return f(1 + (rng.next() - 0.5) * 1e-3);
    case 2: return f(rng.next() * 1e-39);
    case 3: return f(2 ** (rng.next() * 256 - 128));
    case 4: return f((rng.next() - 0.5) * 200);
    default: return f(rng.next() * 255);
  }
}

describe('pow64 (float64) against Math.pow', () => {
  it('relative error below 4e-15 · max(1, |γ log2 x|) on 200 000 random (x, γ), γ log-uniform in [0.001, 1000]', () => {
    const rng = testRng(51);
    let worst = 0;
    for (let t = 0; t < 200_000; t += 1) {
      const x = Math.abs(spreadValue(rng)) || 0.5;
      const g = Math.exp(Math.log(0.001) + rng.next() * Math.log(1e6));
      const exact = Math.pow(x, g);
      if (exact === 0 || exact === Infinity || exact < 2 ** -200 || exact > 2 ** 200) continue; // the clamp's range
      const rel = Math.abs(pow64(x, g) - exact) / exact / Math.max(1, Math.abs(g * Math.log2(x)));
      worst = Math.max(worst, rel);
    }
    expect(worst).toBeLessThan(4e-15);
  });

  it('float32 results within 1 ulp of float32(Math.pow) (and equal on all but a handful)', () => {
    const rng = testRng(52);
    let differ = 0;
    for (let t = 0; t < 200_000; t += 1) {
      const x = spreadValue(rng);
      const g = f(Math.exp(Math.log(0.001) + rng.next() * Math.log(1e6)));
      const got = gammaValue(x, g);
      const want = definition(x, g);
      const d = Math.abs(orderedBits(got) - orderedBits(want));
      if (d > 1) expect(d, `x=${x} γ=${g}`).toBeLessThanOrEqual(1);
      differ += d;
    }
    expect(differ).toBeLessThan(20);
  });
});

describe('hand-computed', () => {
  it('exact powers, the special values, γ = 1', () => {
    expect(gammaValue(0.25, 2)).toBe(0.0625);
    expect(gammaValue(0.25, 0.5)).toBe(0.5);
    expect(gammaValue(4, 1.5)).toBe(8);
    expect(gammaValue(1, 123.25)).toBe(1);
    expect(gammaValue(0, 0.5)).toBe(0);
    expect(Object.is(gammaValue(-0, 2), 0)).toBe(true);
    expect(gammaValue(-3, 2)).toBe(0); // negative → 0, not the sign-preserving power
    expect(gammaValue(Number.NEGATIVE_INFINITY, 2)).toBe(0);
    expect(gammaValue(Number.POSITIVE_INFINITY, 0.5)).toBe(Number.POSITIVE_INFINITY);
    expect(gammaValue(Number.NaN, 2)).toBeNaN();
    expect(gammaValue(f(3e38), 2)).toBe(Number.POSITIVE_INFINITY); // overflow
    expect(gammaValue(f(1e-30), 10)).toBe(0); // underflow
    const rng = testRng(3);
    const xs = Array.from({ length: 10_000 }, () => f(rng.next() * 10));
    expect(firstDifference(xs.map((x) => gammaValue(x, 1)), xs)).toBe(-1);
  });

  it('a 1 × 2 × 2 × 1 float32 image with γ = 2 (and clip); uint8 with γ = 0.5', () => {
    const b: Batch = { data: Float32Array.from([0.5, -1, 3, 0.1]), shape: [1, 2, 2, 1] };
    expect([...gamma(b, { gamma: 2 }).data]).toEqual([0.25, 0, 9, f(f(0.1) * f(0.1))]); // the float32 square, correctly rounded
    expect([...gamma(b, { gamma: 2, clip: [0, 1] }).data]).toEqual([0.25, 0, 1, f(f(0.1) * f(0.1))]);
    const u: Batch = { data: Uint8Array.from([0, 64, 255, 1]), shape: [1, 1, 4, 1] };
    // 255·√(64/255) = 127.75…, 255·√(1/255) = 15.97…
    expect([...gamma(u, { gamma: 0.5 }).data]).toEqual([0, 128, 255, 16]);
  });
});

describe('uint8 tables', () => {
  it('entry v = roundHalfEven(255·(v/255)^γ) from Math.pow, for 2000 gammas (ties decided by pow64 only within 1e-9)', () => {
    const rng = testRng(53);
    for (let t = 0; t < 2000; t += 1) {
      const g = f(Math.exp(Math.log(0.001) + rng.next() * Math.log(1e6)));
      const lut = gammaTable(g);
      for (let v = 0; v < 256; v += 1) {
        const y = 255 * Math.pow(v / 255, g);
        const ok = Math.abs(y - Math.floor(y) - 0.5) < 1e-9 ? Math.abs(lut[v]! - y) <= 0.5 + 1e-9 : lut[v] === Math.min(255, halfEven(y));
        if (!ok) expect(lut[v], `γ=${g} v=${v}`).toBe(Math.min(255, halfEven(y)));
      }
    }
  });
});

describe('every backend and ISA: the same bytes', () => {
  it('300 randomized cases: both dtypes and layouts, any channels, fixed, drawn and given gammas, clip, special values', () => {
    const rng = testRng(54);
    for (let t = 0; t < 300; t += 1) {
      const shape: Shape = [rng.int(1, 4), rng.int(1, 7), rng.int(1, 40), rng.pick([1, 2, 3, 4, 5, 7])];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      if (b.data instanceof Float32Array) {
        for (let k = 0; k < b.data.length; k += 1) b.data[k] = spreadValue(rng);
        b.data[rng.int(0, b.data.length - 1)] = rng.pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0]);
      }
      const opts: GammaOptions = { seed: rng.int(0, 1000), index: rng.int(0, 5000), epoch: rng.int(0, 3) };
      const kind = rng.int(0, 3);
      if (kind === 0) opts.gamma = rng.pick([0.5, 1, 2.2, 0.001, 1000]);
      if (kind === 1) opts.gamma = rng.pick([[0.5, 2], [0.8, 1.25], [0.01, 100]] as Array<[number, number]>);
      if (kind === 2) opts.gammas = Array.from({ length: shape[0] }, () => Math.exp((rng.next() - 0.5) * 6));
      if (dtype === 'float32' && rng.next() < 0.3) opts.clip = [0, 1];
      const what = `case ${t} ${JSON.stringify({ shape, dtype, layout: b.layout, ...opts })}`;
      const { gamma: gs } = gammaParams(b, opts);
      const plan = gammaPlan(b, opts);
      const [, h, w, c] = shape;
      const image = h * w * c;
      const expected = Array.from(b.data, (x, k) => {
        const g = gs[Math.floor(k / image)]!;
        if (dtype === 'uint8') return gammaTable(g)[x]!;
        const y = gammaValue(x, g);
        return opts.clip ? (y < 0 ? 0 : y > 1 ? 1 : y) : y;
      });
      for (const backend of backends) {
        const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        backend.gamma(b.data, out, plan, 0, shape[0]);
        expect(firstDifference(out, expected), `${backendName(backend)} ${what}`).toBe(-1);
      }
    }
  });

  it('every float32 value near 1, near 0 and every subnormal exponent: native equals js', () => {
    const values: number[] = [];
    for (let k = -2000; k <= 2000; k += 1) values.push(f(1 + k * 2 ** -23));
    for (let e = -149; e <= 127; e += 1) values.push(2 ** e, f(2 ** e * 1.5), f(2 ** e * 1.4142135));
    const data = Float32Array.from(values);
    for (const g of [0.45454545, 2.2, 0.001, 1000, 1.0000001]) {
      const b: Batch = { data, shape: [1, 1, data.length, 1] };
      const plan = gammaPlan(b, { gamma: g });
      const expected = Array.from(data, (x) => gammaValue(x, f(g)));
      const far = Array.from(data, (x, k) => Math.abs(orderedBits(expected[k]!) - orderedBits(definition(x, f(g))))).findIndex((d) => d > 1);
      expect(far, `x=${data[far]} γ=${g}`).toBe(-1);
      for (const backend of backends) {
        const out = new Float32Array(data.length);
        backend.gamma(data, out, plan, 0, 1);
        expect(firstDifference(out, expected), `${backendName(backend)} γ=${g}`).toBe(-1);
      }
    }
  });
});

/** float32 from its bit pattern. */
function fromBits(u: number): number {
  return new Float32Array(Uint32Array.of(u).buffer)[0]!;
}

describe('hard inputs, every lane position and tail length: native equals js bit for bit', () => {
  // 1 + 0x3504f3·2^-23 is the mantissa split of log2Of: it and its neighbours, at several exponents
  const split = [0x3504f2, 0x3504f3, 0x3504f4].flatMap((m) => [-126, -60, -1, 0, 1, 40, 127].map((e) => fromBits(((e + 127) << 23) | m)));
  const hard = [
    fromBits(1), fromBits(2), fromBits(0x7fffff), fromBits(0x400000), fromBits(0x12345), // subnormals: the smallest, the largest
    2 ** -126, fromBits(0x7f7fffff), fromBits(0x7f7ffffe), // smallest normal, the largest floats
    fromBits(0x3f7fffff), 1, fromBits(0x3f800001), fromBits(0x3f7ffffe), fromBits(0x3f800002), // around 1
    0.5, 2, 4, 8, 0.25, 0.125, 2 ** 100, 2 ** -100, 2 ** 127, 2 ** -149, 3, 0.1, 255, 1 / 255, // exact powers of two and a few others
    ...split,
    Number.NaN, fromBits(0x7fc12345), fromBits(0xffc00000), Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, -1, fromBits(0x80000001), -fromBits(0x7f7fffff),
  ];
  // t = γ·log2 x hits ±200 exactly (the clamp), k + 0.5 ties (x = 2, γ = 0.5, 1.5, 2.5), the range's ends
  const gammas = [0.001, fromBits(0x3a83126f), 1000, fromBits(0x447a0000 - 1), 0.5, 1.5, 2.5, 2, 1, fromBits(0x3f800001), fromBits(0x3f7fffff), 0.45454545, 2.2, 7.8125, 100];

  it('every hard value at every offset in 3 images of each width 1…37, clip or not', () => {
    const widths = Array.from({ length: 37 }, (_, k) => k + 1);
    for (const g of gammas) {
      for (const width of widths) {
        // value j of image i at element (j + i·width + width·…) mod width·rows: every value meets every lane position
        const rows = Math.ceil(hard.length / width) + 1;
        const image = rows * width;
        const data = new Float32Array(3 * image);
        for (let k = 0; k < data.length; k += 1) data[k] = hard[(k * 7 + Math.floor(k / image)) % hard.length]!;
        const shape: Shape = [3, rows, width, 1];
        for (const clip of [undefined, [0.25, 0.5]] as const) {
          const opts: GammaOptions = { gammas: [g, Math.max(0.001, g * 0.75), 1], ...(clip ? { clip: [clip[0], clip[1]] as [number, number] } : {}) };
          const plan = gammaPlan({ data, shape }, opts);
          const expected = Float32Array.from(data, (x, k) => {
            const y = gammaValue(x, plan.gamma[Math.floor(k / image)]!);
            return clip ? (y < clip[0] ? clip[0] : y > clip[1] ? clip[1] : y) : y;
          });
          const expectedBits = new Uint32Array(expected.buffer);
          for (const backend of backends) {
            const out = new Float32Array(data.length);
            backend.gamma(data, out, plan, 0, 3);
            const outBits = new Uint32Array(out.buffer);
            // bit for bit; a NaN only has to be a NaN (its payload is not part of the contract)
            const bad = expectedBits.findIndex((u, k) => u !== outBits[k] && !(Number.isNaN(expected[k]) && Number.isNaN(out[k])));
            expect(bad, `${backendName(backend)} γ=${g} width=${width} clip=${String(clip)} x=${data[bad]}`).toBe(-1);
          }
        }
      }
    }
  });

  it('the hard values are within 1 ulp of float32(Math.pow) (exactly equal for the exact powers)', () => {
    for (const g of gammas) {
      const far = hard.findIndex((x) => Math.abs(orderedBits(gammaValue(x, f(g))) - orderedBits(definition(x, f(g)))) > 1);
      expect(far, `x=${hard[far]} γ=${g}`).toBe(-1);
    }
    expect(gammaValue(2, 0.5)).toBe(f(Math.SQRT2));
    expect(gammaValue(2, 1.5)).toBe(f(2 * Math.SQRT2));
    expect(gammaValue(4, 2.5)).toBe(32);
    expect(gammaValue(2 ** -100, 2)).toBe(0); // t = −200: 2^−200 underflows float32
    expect(gammaValue(2 ** 100, 0.5)).toBe(2 ** 50);
    expect(gammaValue(2 ** -149, 0.5)).toBe(f(2 ** -74.5));
    expect(gammaValue(fromBits(0x7f7fffff), 0.001)).toBe(f(Math.pow(fromBits(0x7f7fffff), 0.001)));
  });
});

describe('drawn gammas', () => {
  it('γ = float32(exp(ln lo + (ln hi − ln lo)·U(w0))) of block (0, index + k, epoch, 51)', () => {
    const b: Batch = { data: new Uint8Array(300), shape: [300, 1, 1, 1] };
    const { gamma: gs } = gammaParams(b, { gamma: [0.5, 3], seed: 5, index: 17, epoch: 3 });
    for (let k = 0; k < 300; k += 1) {
      const u = uniformOfWord(philox4x32([0, 17 + k, 3, STREAM.gammaParams], [5, 0])[0]!);
      expect(gs[k]).toBe(f(Math.exp(Math.log(0.5) + (Math.log(3) - Math.log(0.5)) * u)));
    }
    expect(STREAM.gammaParams).toBe(51);
    expect([...gammaParams({ data: new Float32Array(2), shape: [2, 1, 1, 1] }).gamma].every((g) => g >= f(0.8) && g <= 1.25)).toBe(true);
  });

  it('ln γ is uniform on [ln lo, ln hi] (chi-square, 10 bins, 5000 images, false alarm 0.001); default [0.8, 1.25] has median 1', () => {
    const b: Batch = { data: new Uint8Array(5000), shape: [5000, 1, 1, 1] };
    const { gamma: gs } = gammaParams(b, { gamma: [0.1, 10], seed: 11 });
    const bins = new Array<number>(10).fill(0);
    for (const g of gs) bins[Math.min(9, Math.floor(((Math.log(g) - Math.log(0.1)) / Math.log(100)) * 10))]! += 1;
    const chi = bins.reduce((a, o) => a + (o - 500) ** 2 / 500, 0);
    expect(chi).toBeLessThan(27.9); // 9 degrees of freedom, p = 0.001
    const below = [...gammaParams(b, { seed: 12 }).gamma].filter((g) => g < 1).length;
    // Binomial(5000, 1/2): sd 35.4; |z| < 3.29 is a false alarm rate of 0.001
    expect(Math.abs(below - 2500)).toBeLessThan(3.29 * 35.4);
  });
});

describe('split, threads, async, in place', () => {
  it('two half batches with the index offset equal one batch; threads 1-3 and async equal sync; in place', async () => {
    const rng = testRng(55);
    for (const dtype of ['uint8', 'float32'] as const) {
      const b = randomBatch(rng, [7, 5, 6, 3], dtype, 'NCHW');
      const opts: GammaOptions = { gamma: [0.3, 3], seed: 123n, index: 40, epoch: 1 };
      const whole = gamma(b, opts);
      const per = 5 * 6 * 3;
      for (const [from, to] of [[0, 3], [3, 7]] as const) {
        const part = gamma({ data: b.data.subarray(from * per, to * per), shape: [to - from, 5, 6, 3], layout: 'NCHW' }, { ...opts, index: 40 + from });
        expect(firstDifference(part.data, whole.data.subarray(from * per, to * per))).toBe(-1);
      }
      for (const threads of [1, 2, 3]) expect(firstDifference((await gammaAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
      const copy = b.data.slice();
      gamma({ ...b, data: copy }, { ...opts, out: copy });
      expect(firstDifference(copy, whole.data)).toBe(-1);
    }
  });

  it('js async pieces of any size give the bytes of the whole images', () => {
    const rng = testRng(56);
    const b = randomBatch(rng, [3, 5, 7, 3], 'float32', 'NHWC');
    const plan = gammaPlan(b, { gamma: [0.5, 2], seed: 2 });
    const whole = gamma(b, { gamma: [0.5, 2], seed: 2 }).data;
    for (const unit of [1, 5, 40]) {
      const pieces = new Float32Array(b.data.length);
      for (const _ of gammaPieces(plan, b.data, pieces, 0, 3, unit));
      expect(firstDifference(pieces, whole)).toBe(-1);
    }
  });

  it('replay: the recorded gammas given back give the same bytes', () => {
    const rng = testRng(57);
    const b = randomBatch(rng, [5, 4, 4, 3], 'uint8', 'NHWC');
    const opts: GammaOptions = { seed: 9, index: 3 };
    const { gamma: gs } = gammaParams(b, opts);
    expect(firstDifference(gamma(b, { gammas: Array.from(gs) }).data, gamma(b, opts).data)).toBe(-1);
  });
});

describe('bad input', () => {
  it('names the argument before any work', async () => {
    const b: Batch = { data: new Float32Array(2 * 3 * 4), shape: [2, 3, 4, 1] };
    expect(() => gamma(b, { gamma: 0 })).toThrow(new RangeError('Expected a number or [lo, hi] with lo <= hi, within [0.001, 1000] for gamma but received 0 of type number'));
    expect(() => gamma(b, { gamma: [2, 1] })).toThrow(RangeError);
    expect(() => gamma(b, { gamma: 1001 })).toThrow(RangeError);
    expect(() => gamma(b, { gamma: 'x' as unknown as number })).toThrow(TypeError);
    expect(() => gamma(b, { gammas: [1] })).toThrow(new RangeError('Expected an array of 2 numbers between 0.001 and 1000 (one per image) for gammas but received array(1) of type array'));
    expect(() => gamma(b, { gammas: [1, -1] })).toThrow(new RangeError('Expected a number between 0.001 and 1000 for gammas[1] but received -1 of type number'));
    expect(() => gamma(b, { gamma: 1, gammas: [1, 1] })).toThrow(TypeError);
    expect(() => gamma(b, { clip: [1, 0] })).toThrow('for clip');
    expect(() => gamma({ data: new Uint8Array(24), shape: [2, 3, 4, 1] }, { clip: [0, 1] })).toThrow(RangeError);
    expect(() => gamma(b, { gamma: 1, factor: 1 } as GammaOptions)).toThrow("Unknown option 'factor' for gamma");
    expect(() => gamma(b, { out: new Float32Array(3) })).toThrow('for out');
    await expect(gammaAsync(b, { threads: 0 })).rejects.toThrow('for threads');
  });
});

describe('in a Pipeline', () => {
  it('records { gamma }, replays them, survives JSON, runs in a oneOf group', async () => {
    const pipeline = new Pipeline([{ op: 'gamma', options: { gamma: [0.5, 2] }, p: 0.6 }, oneOf([{ op: 'gamma', options: { gamma: 3 } }, { op: 'flip' }])], { seed: 8 });
    const b: Batch = { data: Uint8Array.from({ length: 16 * 6 * 5 * 3 }, (_, i) => (i * 37) & 255), shape: [16, 6, 5, 3] };
    const run = pipeline.run(b, { index: 9, epoch: 2, record: true });
    let applied = 0;
    for (const r of run.records) {
      const s = r.steps[0]!;
      if (!s.applied) continue;
      applied += 1;
      expect(s.params.gamma! >= 0.5 && s.params.gamma! <= 2).toBe(true);
    }
    expect(applied).toBeGreaterThan(0);
    expect(run.records.some((r) => r.steps[1]!.steps![0]!.applied && r.steps[1]!.steps![0]!.params.gamma === 3)).toBe(true);
    expect(firstDifference(pipeline.replay(b, JSON.parse(JSON.stringify(run.records)) as typeof run.records).data, run.data)).toBe(-1);
    expect(firstDifference((await pipeline.runAsync(b, { index: 9, epoch: 2, threads: 2 })).data, run.data)).toBe(-1);
    expect(firstDifference(Pipeline.fromJSON(JSON.stringify(pipeline)).run(b, { index: 9, epoch: 2 }).data, run.data)).toBe(-1);
    const bad = structuredClone(run.records);
    const at = bad.findIndex((r) => r.steps[0]!.applied);
    bad[at]!.steps[0]!.params.gamma = 0;
    expect(() => pipeline.replay(b, bad)).toThrow(new RangeError(`Expected a float32 number between 0.001 and 1000 for records[${at}].steps[0].params.gamma but received 0 of type number`));
    expect(() => new Pipeline([{ op: 'gamma', options: { gammas: [1] } as GammaOptions }])).toThrow(TypeError);
  });
});
