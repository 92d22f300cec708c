// Random streams (DESIGN §3): known answers, backend and ISA agreement,
// split and thread invariance, accuracy against float64, statistics.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { StreamRequest } from '../src/backends/backend.js';
import { philox4x32, randomNormal, randomNormalAsync, randomUniform, randomUniformAsync } from '../src/index.js';
import { boxMullerRadius, sincos2pi, uniformFromWord } from '../src/backends/js/random.js';
import { backendName, backends, jsReference } from './helpers/backends.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

const kat = readFileSync(path.join(__dirname, 'vectors/philox_kat.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => line.trim().split(/\s+/).map((word) => parseInt(word, 16)));

describe('philox4x32 known-answer vectors', () => {
  it('has the three Random123 vectors', () => expect(kat).toHaveLength(3));
  for (const backend of backends) {
    it(`matches on ${backendName(backend)}`, () => {
      for (const row of kat) {
        const out = new Uint32Array(4);
        backend.philox4x32(Uint32Array.from(row.slice(0, 4)), Uint32Array.from(row.slice(4, 6)), out);
        expect([...out]).toEqual(row.slice(6, 10));
      }
    });
  }
  it('matches through the public philox4x32()', () => {
    for (const row of kat) expect([...philox4x32(row.slice(0, 4), row.slice(4, 6))]).toEqual(row.slice(6, 10));
  });
});

/** The word at global position g of a stream, straight from the definition. */
function streamWord(g: number, seed: bigint, epoch: number, stream: number): number {
  const block = Math.floor(g / 4);
  const key = [Number(seed & 0xffffffffn), Number(seed >> 32n)];
  return philox4x32([block % 2 ** 32, Math.floor(block / 2 ** 32), epoch, stream], key)[g % 4]!;
}


describe('per-sample parameter words (block 0 of each sample, counter (0, index + k, epoch, stream))', () => {
  it('every backend gives the words of philox4x32 on those counters, for batch sizes around the 4-at-a-time loop and indices up to 2^32 − n', () => {
    const rng = testRng(1620);
    for (const n of [0, 1, 3, 4, 5, 8, 1027]) {
      for (const index of [0, 7, 2 ** 32 - Math.max(n, 1)]) {
        const key = [rng.int(0, 2 ** 32 - 1), rng.int(0, 2 ** 32 - 1)];
        const epoch = rng.int(0, 2 ** 32 - 1);
        const stream = rng.int(0, 2 ** 32 - 1);
        const expected = new Uint32Array(4 * n);
        for (let k = 0; k < n; k += 1) expected.set(philox4x32([0, index + k, epoch, stream], key), 4 * k);
        for (const backend of backends) {
          const out = new Uint32Array(4 * n);
          backend.perSampleWords(out, key[0]!, key[1]!, index, epoch, stream);
          expect(firstDifference(out, expected), `${backendName(backend)}, n ${n}, index ${index}`).toBe(-1);
        }
      }
    }
  });
});

describe('U(w) in js', () => {
  it("equals random.h's float32 construction (1 + m · 2^-23) − (1 − 2^-24) for every 23-bit m, whatever the low 9 bits", () => {
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    bits[0] = 0x3f7fffff;
    const oneMinusHalfUlp = asFloat[0]!;
    let wrong = -1;
    for (let m = 0; m < 2 ** 23 && wrong < 0; m += 1) {
      bits[0] = 0x3f800000 | m;
      const expected = Math.fround(asFloat[0]! - oneMinusHalfUlp);
      const w = (m * 512 + (m % 512)) >>> 0;
      if (uniformFromWord(w) !== expected) wrong = m;
    }
    expect(wrong).toBe(-1);
  });
});

describe('stream layout', () => {
  it('uniforms are exactly ((w >>> 9) + 0.5) · 2^-23 of the documented counter', () => {
    const index = 2 ** 34 + 3;
    const u = randomUniform(64, { seed: 2n ** 40n + 5n, index, epoch: 9 });
    for (let k = 0; k < u.length; k += 1) {
      expect(u[k]).toBe(uniformOfWord(streamWord(index + k, 2n ** 40n + 5n, 9, 1)));
    }
  });

  it('normals are within 1e-5 of float64 Box–Muller of the same uniforms', () => {
    const n = 1 << 16;
    for (const backend of backends) {
      const z = new Float32Array(n);
      backend.randomNormal(z, { key0: 77, key1: 0, first: 0, epoch: 0, stream: 2, offset: 0, scale: 1 });
      let worst = 0;
      for (let k = 0; k < n; k += 4) {
        const w = [0, 1, 2, 3].map((j) => streamWord(k + j, 77n, 0, 2));
        for (const pair of [0, 2]) {
          const r = Math.sqrt(-2 * Math.log(uniformOfWord(w[pair]!)));
          const theta = 2 * Math.PI * uniformOfWord(w[pair + 1]!);
          worst = Math.max(worst, Math.abs(z[k + pair]! - r * Math.cos(theta)), Math.abs(z[k + pair + 1]! - r * Math.sin(theta)));
        }
      }
      expect(worst, backendName(backend)).toBeLessThan(1e-5);
    }
  });

  it('the extreme words give the documented radius bounds', () => {
    // w = 0 → U = 2^-24, the largest radius sqrt(48 ln 2) ≈ 5.768; w = 2^32 − 1 → U = 1 − 2^-24
    expect(Math.abs(boxMullerRadius(0) - Math.sqrt(48 * Math.LN2))).toBeLessThan(1e-6);
    expect(Math.abs(boxMullerRadius(0xffffffff) - Math.sqrt(-2 * Math.log1p(-(2 ** -24))))).toBeLessThan(1e-9);
    // every radius word class: exhaustive over the 2^24 distinct v = (w >>> 8) | 1, sampled
    let worst = 0;
    for (let v = 1; v < 2 ** 24; v += 2 * 4099) {
      const r = boxMullerRadius(v << 8);
      worst = Math.max(worst, Math.abs(r - Math.sqrt(-2 * Math.log(v * 2 ** -24))));
    }
    expect(worst).toBeLessThan(2e-6);
  });

  it('sin and cos of 2πU are accurate in every octant', () => {
    let worst = 0;
    for (let m = 0; m < 2 ** 23; m += 997) {
      const { sin, cos } = sincos2pi(m << 9);
      const theta = 2 * Math.PI * (m + 0.5) * 2 ** -23;
      worst = Math.max(worst, Math.abs(sin - Math.sin(theta)), Math.abs(cos - Math.cos(theta)));
    }
    expect(worst).toBeLessThan(3e-7);
  });
});

describe('2^24 normals: every backend, and a pinned digest', () => {
  // Rare words (a constant one float32 step off changed 7 of 8.4 M normals)
  // slip past short comparisons: compare a long run on every backend, and
  // pin its SHA-256 so that a change to all of them at once shows too.
  it('sha256 of randomNormal(2^24, { seed: 2026, epoch: 7 }) on each backend', () => {
    const request: StreamRequest = { key0: 2026, key1: 0, first: 0, epoch: 7, stream: 2, offset: 0, scale: 1 };
    for (const backend of backends) {
      const out = new Float32Array(2 ** 24);
      backend.randomNormal(out, request);
      expect(createHash('sha256').update(out).digest('hex'), backendName(backend)).toBe('252def2c7f657605a69e0d1748b7f2c87683bcc7782e0f2e35105e0dca553534');
    }
  }, 60_000);
});

describe('every backend and ISA gives the same bytes', () => {
  const rng = testRng(20261125);
  const cases = Array.from({ length: 240 }, (_, i) => {
    const length = rng.pick([0, 1, 2, 3, 5, 17, 63, 64, 65, 255, 257, 1000, rng.int(0, 5000), rng.int(0, 100_000)]);
    const index = rng.pick([0, 1, 2, 3, rng.int(0, 1000), 4 * 2 ** 32 - rng.int(1, 300), rng.int(0, 2 ** 40), Number.MAX_SAFE_INTEGER - length - rng.int(0, 9)]);
    const seed = rng.pick<number | bigint>([0, rng.int(0, 2 ** 31), 2 ** 53 - 1, 2n ** 64n - 1n, BigInt(rng.int(0, 2 ** 30)) * 2n ** 32n + 7n]);
    const epoch = rng.pick([0, 1, rng.int(0, 2 ** 32 - 1)]);
    return { i, length, index, seed, epoch, a: rng.pick([-3, 0, -0, 0.25, 10]), b: rng.pick([0.5, 1, 2.5, 1e-3, 0, 2 ** -61, 2 ** -60, 1e-30]), withOut: rng.next() < 0.5 };
  });

  for (const op of ['randomUniform', 'randomNormal'] as const) {
    it(`${op}: ${cases.length} randomized cases`, () => {
      for (const c of cases) {
        const key0 = Number(BigInt(c.seed) & 0xffffffffn);
        const key1 = Number(BigInt(c.seed) >> 32n);
        const request: StreamRequest = {
          key0, key1, first: c.index, epoch: c.epoch, stream: op === 'randomUniform' ? 1 : 2,
          offset: Math.fround(c.a), scale: Math.fround(c.b),
        };
        const reference = new Float32Array(c.length);
        jsReference[op](reference, request);
        for (const backend of backends.slice(1)) {
          const got = new Float32Array(c.length);
          backend[op](got, request);
          expect(firstDifference(got, reference), `${op} ${backendName(backend)} case ${JSON.stringify({ ...c, seed: String(c.seed) })}`).toBe(-1);
        }
        // and the public API with `out`
        const opts = op === 'randomUniform'
          ? { seed: c.seed, index: c.index, epoch: c.epoch, low: c.a, high: c.a + c.b }
          : { seed: c.seed, index: c.index, epoch: c.epoch, mean: c.a, std: c.b };
        const out = c.withOut ? new Float32Array(c.length) : undefined;
        const viaApi = op === 'randomUniform' ? randomUniform(c.length, { ...opts, out }) : randomNormal(c.length, { ...opts, out });
        if (out) expect(viaApi).toBe(out);
        if (op === 'randomNormal' || Math.fround(c.a + c.b) - Math.fround(c.a) === Math.fround(c.b)) {
          expect(firstDifference(viaApi, reference)).toBe(-1);
        }
      }
    });
  }

  it('defaults give exactly U(w) and z', () => {
    const u = randomUniform(1000, { seed: 3 });
    for (let k = 0; k < 8; k += 1) expect(u[k]).toBe(uniformOfWord(streamWord(k, 3n, 0, 1)));
    const scaled = randomUniform(1000, { seed: 3, low: 2, high: 6 });
    for (let k = 0; k < u.length; k += 1) expect(scaled[k]).toBe(Math.fround(2 + Math.fround(4 * u[k]!)));
  });
});

describe('splitting and threads', () => {
  it('any cut points give the same numbers as one call', () => {
    const rng = testRng(7);
    for (const op of [randomUniform, randomNormal]) {
      const whole = op(20_011, { seed: 99n, index: 13, epoch: 4 });
      for (let trial = 0; trial < 20; trial += 1) {
        const cuts = [0, ...Array.from({ length: rng.int(1, 6) }, () => rng.int(0, whole.length)).sort((a, b) => a - b), whole.length];
        for (let i = 0; i + 1 < cuts.length; i += 1) {
          const part = op(cuts[i + 1]! - cuts[i]!, { seed: 99n, index: 13 + cuts[i]!, epoch: 4 });
          expect(firstDifference(part, whole.subarray(cuts[i]!, cuts[i + 1]!))).toBe(-1);
        }
      }
    }
  });

  it('any thread count gives the same bytes', async () => {
    const sync = randomNormal(300_007, { seed: 5, index: 3 });
    for (const threads of [1, 2, 3, 7, 16]) {
      expect(firstDifference(await randomNormalAsync(300_007, { seed: 5, index: 3, threads }), sync)).toBe(-1);
    }
    const u = randomUniform(70_001, { seed: 5 });
    expect(firstDifference(await randomUniformAsync(70_001, { seed: 5, threads: 5 }), u)).toBe(-1);
  });

  it('async writes into out and returns it', async () => {
    const out = new Float32Array(1000);
    await expect(randomNormalAsync(1000, { out, threads: 2 })).resolves.toBe(out);
    expect(firstDifference(out, randomNormal(1000))).toBe(-1);
  });

  it('epoch and seed select independent draws', () => {
    const a = randomNormal(1000, { seed: 1, epoch: 0 });
    expect(firstDifference(a, randomNormal(1000, { seed: 1, epoch: 1 }))).toBe(0);
    expect(firstDifference(a, randomNormal(1000, { seed: 2, epoch: 0 }))).toBe(0);
    expect(firstDifference(a, randomNormal(1000, { seed: 2n ** 32n + 1n }))).toBe(0);
  });
});

describe('statistics', () => {
  // Bounds are 5 standard errors of each estimator for n samples.
  const n = 1 << 20;

  /** Kolmogorov–Smirnov statistic of sorted samples against a CDF. */
  function ks(samples: Float32Array, cdf: (x: number) => number): number {
    const sorted = Float64Array.from(samples).sort();
    let d = 0;
    for (let i = 0; i < sorted.length; i += 1) {
      const f = cdf(sorted[i]!);
      d = Math.max(d, Math.abs(f - i / sorted.length), Math.abs((i + 1) / sorted.length - f));
    }
    return d;
  }
  // Abramowitz–Stegun 7.1.26 erf, error < 1.5e-7: ample for a KS bound of ~1e-3.
  function erf(x: number): number {
    const t = 1 / (1 + 0.3275911 * Math.abs(x));
    const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
    return x >= 0 ? y : -y;
  }
  const normalCdf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
  // P(D_n > 1.95 / sqrt(n)) ≈ 0.001 (Kolmogorov distribution)
  const ksBound = 1.95 / Math.sqrt(n);

  it('normals: mean, variance, skew, kurtosis and KS within sampling bounds', () => {
    const z = randomNormal(n, { seed: 2026 });
    let m1 = 0; let m2 = 0; let m3 = 0; let m4 = 0;
    for (const v of z) { m1 += v; m2 += v * v; m3 += v * v * v; m4 += v * v * v * v; }
    m1 /= n; m2 /= n; m3 /= n; m4 /= n;
    expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3)).toBeLessThan(5 * Math.sqrt(15 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    expect(ks(z, normalCdf)).toBeLessThan(ksBound);
  });

  it('normals with mean and std are shifted and scaled', () => {
    const z = randomNormal(n, { seed: 4, mean: 3, std: 0.5 });
    let s = 0; let s2 = 0;
    for (const v of z) { s += v; s2 += v * v; }
    const mean = s / n;
    expect(Math.abs(mean - 3)).toBeLessThan(5 * 0.5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - mean * mean - 0.25)).toBeLessThan(5 * 0.25 * Math.sqrt(2 / n));
  });

  it('uniforms: mean, variance and KS within sampling bounds, never 0 or 1', () => {
    const u = randomUniform(n, { seed: 2027 });
    let s = 0; let s2 = 0; let outside = 0;
    for (const v of u) {
      if (!(v > 0 && v < 1)) outside += 1;
      s += v; s2 += v * v;
    }
    expect(outside).toBe(0);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
    expect(ks(u, (x) => Math.min(1, Math.max(0, x)))).toBeLessThan(ksBound);
  });
});
