// Noise on hidden units: gaussianDropout and dropoutMask (element streams).
import { describe, expect, it } from 'vitest';

import { dropoutMask, gaussianDropout, gaussianDropoutAsync, randomNormal } from '../src/index.js';
import { STREAM } from '../src/streams.js';
import { normalsOfStream } from '../src/ops/random.js';
import { backendName, backends } from './helpers/backends.js';
import { firstDifference, testRng } from './helpers/rng.js';

describe('gaussianDropout', () => {
  it('is x · (1 + s · z) with s = float32(sqrt(rate/(1 − rate))) on stream 40, on every backend and ISA', () => {
    const rng = testRng(8);
    for (let t = 0; t < 30; t += 1) {
      const n = rng.pick([0, 1, 5, 1000, rng.int(0, 50_000)]);
      const x = Float32Array.from({ length: n }, () => rng.next() * 4 - 2);
      const rate = rng.pick([0, 0.1, 0.5, 0.9]);
      const index = rng.int(0, 2 ** 40);
      const s = Math.fround(Math.sqrt(rate / (1 - rate)));
      const factor = normalsOfStream(n, 3, index, 2, STREAM.gaussianDropout, 1, s);
      const expected = x.map((v, k) => Math.fround(v * factor[k]!));
      for (const backend of backends) {
        const out = new Float32Array(n);
        backend.gaussianDropout(x, out, { key0: 3, key1: 0, first: index, epoch: 2, stream: STREAM.gaussianDropout, offset: 1, scale: s });
        expect(firstDifference(out, expected), backendName(backend)).toBe(-1);
      }
      expect(firstDifference(gaussianDropout(x, { rate, seed: 3, index, epoch: 2 }), expected)).toBe(-1);
    }
  });
  it('has mean 1 and variance rate / (1 − rate) on ones', async () => {
    const n = 1 << 20;
    const out = await gaussianDropoutAsync(new Float32Array(n).fill(1), { rate: 0.2, seed: 1, threads: 2 });
    let s = 0; let s2 = 0;
    for (const v of out) { s += v; s2 += v * v; }
    const variance = s2 / n - (s / n) ** 2;
    expect(Math.abs(s / n - 1)).toBeLessThan(5 * Math.sqrt(0.25 / n));
    expect(Math.abs(variance - 0.25)).toBeLessThan(5 * 0.25 * Math.sqrt(2 / n));
    expect(firstDifference(out, gaussianDropout(new Float32Array(n).fill(1), { rate: 0.2, seed: 1 }))).toBe(-1);
  });
  it('runs in place; rejects bad rates and inputs', () => {
    const x = new Float32Array(8).fill(2);
    expect(gaussianDropout(x, { rate: 0.5, out: x })).toBe(x);
    expect(() => gaussianDropout(x, { rate: 1 })).toThrow('Expected a number in [0, 1) for rate but received 1');
    expect(() => gaussianDropout(x, { rate: -0.1 })).toThrow(RangeError);
    expect(() => gaussianDropout(x, { rate: NaN })).toThrow('for rate but received NaN');
    expect(() => gaussianDropout([1, 2] as unknown as Float32Array, { rate: 0.1 })).toThrow('Expected a Float32Array of activations for x but received array(2)');
    expect(() => gaussianDropout(x, { rate: 0.1, keep: 1 } as { rate: number })).toThrow("Unknown option 'keep' for gaussianDropout");
  });
});

describe('dropoutMask', () => {
  it('is 0 where U(w) < float32(rate) on stream 41, else 1/(1 − rate), on every backend', () => {
    const n = 10_007;
    const request = { key0: 4, key1: 0, first: 9, epoch: 0, stream: STREAM.dropoutMask, offset: 0, scale: 1 };
    const uniforms = new Float32Array(n);
    backends[0]!.randomUniform(uniforms, request);
    const expected = uniforms.map((u) => (u < Math.fround(0.3) ? 0 : Math.fround(1 / 0.7)));
    for (const backend of backends) {
      const out = new Float32Array(n);
      backend.dropoutMask(out, request, Math.fround(0.3), Math.fround(1 / 0.7));
      expect(firstDifference(out, expected), backendName(backend)).toBe(-1);
    }
    expect(firstDifference(dropoutMask(n, { rate: 0.3, seed: 4, index: 9 }), expected)).toBe(-1);
  });
  it('drops a fraction rate within binomial bounds and keeps the expectation 1', () => {
    const n = 1 << 20;
    const m = dropoutMask(n, { rate: 0.25 });
    let zeros = 0; let sum = 0;
    for (const v of m) { if (v === 0) zeros += 1; sum += v; }
    expect(Math.abs(zeros / n - 0.25)).toBeLessThan(5 * Math.sqrt(0.25 * 0.75 / n));
    expect(Math.abs(sum / n - 1)).toBeLessThan(0.01);
    expect(() => dropoutMask(10, { rate: 1 })).toThrow(RangeError);
    expect(() => dropoutMask(-1, { rate: 0.1 })).toThrow('for dropoutMask length');
  });
  it('uses its own stream, independent of randomNormal', () => {
    expect(firstDifference(gaussianDropout(new Float32Array(100).fill(1), { rate: 0.5 }), randomNormal(100, { mean: 1, std: 1 }))).toBe(0);
  });
});

describe('gaussianDropout on special values', () => {
  it('±0, ±∞ and NaN give the js bytes on every ISA, in the stream\'s last partial iteration too', () => {
    for (const n of [5, 37, 1000]) {
      const x = Float32Array.from({ length: n }, (_, i) => [0, -0, Infinity, -Infinity, NaN, 1.5][i % 6]!);
      const results = backends.map((backend) => {
        const out = new Float32Array(n);
        backend.gaussianDropout(x, out, { key0: 3, key1: 0, first: 11, epoch: 2, stream: STREAM.gaussianDropout, offset: 1, scale: 3 });
        return out;
      });
      for (let j = 1; j < backends.length; j += 1) expect(firstDifference(results[j]!, results[0]!), `${backendName(backends[j]!)} n=${n}`).toBe(-1);
    }
  });
});
