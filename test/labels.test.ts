// Noise on outputs: labelSmoothing (hand-computed) and flipLabels (rate,
// never the same class, uniform over the others by chi-square).
import { describe, expect, it } from 'vitest';

import { flipLabels, labelSmoothing, philox4x32, STREAM } from '../src/index.js';
import { testRng, uniformOfWord } from './helpers/rng.js';

describe('labelSmoothing', () => {
  it('y · (1 − ε) + ε / K, by hand', () => {
    // K = 3, ε = 0.3: 1 → 0.7 + 0.1 = 0.8, 0 → 0.1
    const out = labelSmoothing(Float32Array.from([0, 1, 0, 1, 0, 0]), { numClasses: 3, epsilon: 0.3 });
    expect([...out]).toEqual([0.1, 0.8, 0.1, 0.8, 0.1, 0.1].map(Math.fround));
    expect([...labelSmoothing(Float32Array.from([0, 1]), { numClasses: 2, epsilon: 0 })]).toEqual([0, 1]);
  });
  it('rejects bad input', () => {
    expect(() => labelSmoothing(new Float32Array(4), { numClasses: 3, epsilon: 0.1 })).toThrow('Expected a Float32Array whose length is a multiple of numClasses (3) for oneHot');
    expect(() => labelSmoothing(new Float32Array(4), { numClasses: 2, epsilon: 1.5 })).toThrow('Expected a number in [0, 1] for epsilon but received 1.5');
    expect(() => labelSmoothing(new Float32Array(4), { numClasses: 1, epsilon: 0.1 })).toThrow('for numClasses');
    expect(() => labelSmoothing(new Float32Array(4), { numClasses: 2, epsilon: NaN })).toThrow(RangeError);
  });
});

describe('labelSmoothing on soft labels', () => {
  it('is float32(float32(y · float32(1 − ε)) + float32(ε / K)) for any y, ε, K', () => {
    const rng = testRng(606);
    for (let t = 0; t < 200; t += 1) {
      const k = rng.int(2, 40);
      const epsilon = rng.next();
      const y = Float32Array.from({ length: 3 * k }, () => rng.next());
      const out = labelSmoothing(y, { numClasses: k, epsilon });
      const keep = Math.fround(1 - epsilon);
      const spread = Math.fround(epsilon / k);
      for (let i = 0; i < y.length; i += 1) expect(out[i]).toBe(Math.fround(Math.fround(y[i]! * keep) + spread));
    }
  });
});

describe('flipLabels', () => {
  const n = 200_000;
  const k = 10;
  const labels = Int32Array.from({ length: n }, (_, i) => i % k);

  it('flips a fraction p (binomial bound), never to the same class, uniformly over the others (chi-square)', () => {
    const out = flipLabels(labels, { p: 0.3, numClasses: k, seed: 11 });
    expect(out).toBeInstanceOf(Int32Array);
    let flips = 0;
    const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < n; i += 1) {
      expect(out[i]! >= 0 && out[i]! < k).toBe(true);
      if (out[i] !== labels[i]) {
        flips += 1;
        counts[labels[i]!]![out[i]!]! += 1;
      }
    }
    expect(Math.abs(flips / n - 0.3)).toBeLessThan(5 * Math.sqrt(0.3 * 0.7 / n));
    // per source class, the flips are uniform over the K − 1 others: chi-square with 9 df, 99.9 % point 27.88
    for (let from = 0; from < k; from += 1) {
      const row = counts[from]!;
      expect(row[from]).toBe(0);
      const total = row.reduce((a, b) => a + b, 0);
      const expected = total / (k - 1);
      const chi2 = row.reduce((a, c, to) => (to === from ? a : a + (c - expected) ** 2 / expected), 0);
      expect(chi2).toBeLessThan(27.88);
    }
  });
  it('is reproducible per sample index, keeps the array type, and honours out', () => {
    const u8 = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const a = flipLabels(u8, { p: 0.5, numClasses: 10, seed: 2, index: 100 });
    expect(a).toBeInstanceOf(Uint8Array);
    const b = flipLabels(u8.subarray(4), { p: 0.5, numClasses: 10, seed: 2, index: 104 });
    expect([...b]).toEqual([...a.subarray(4)]);
    const out = new Uint8Array(10);
    expect(flipLabels(u8, { p: 0.5, numClasses: 10, seed: 2, index: 100, out })).toBe(out);
    expect([...flipLabels(u8, { p: 0, numClasses: 10 })]).toEqual([...u8]);
  });
  it('rejects bad input', () => {
    expect(() => flipLabels(Int32Array.of(0, 3), { p: 0.1, numClasses: 3 })).toThrow('Expected a class in [0, 2] for labels[1] but received 3');
    expect(() => flipLabels(Int32Array.of(0), { p: 1.1, numClasses: 3 })).toThrow('Expected a number in [0, 1] for p but received 1.1');
    expect(() => flipLabels(Float32Array.of(0) as unknown as Int32Array, { p: 0.1, numClasses: 3 })).toThrow('Expected an Int32Array, Uint8Array or Uint16Array for labels');
    expect(() => flipLabels(Int32Array.of(0), { p: 0.1, numClasses: 3, q: 1 } as { p: number; numClasses: number })).toThrow("Unknown option 'q' for flipLabels");
  });
  it('label i flips where U(w0) < p of block (0, index + i, epoch, 42), to (label + 1 + ⌊U(w1)(K − 1)⌋) mod K', () => {
    const few = Int32Array.from({ length: 64 }, (_, i) => i % 5);
    for (const epoch of [0, 9]) {
      const out = flipLabels(few, { p: 0.4, numClasses: 5, seed: 3, index: 100, epoch });
      for (let i = 0; i < few.length; i += 1) {
        const [w0, w1] = philox4x32([0, 100 + i, epoch, STREAM.flipLabels], [3, 0]);
        const expected = uniformOfWord(w0!) < 0.4 ? (few[i]! + 1 + Math.floor(uniformOfWord(w1!) * 4)) % 5 : few[i]!;
        expect(out[i], `epoch ${epoch}, label ${i}`).toBe(expected);
      }
    }
  });
  it('takes as many classes as the label type can name, and no more', () => {
    // every label of a Uint8Array with 256 classes flips (p = 1) to another class the array can hold
    const u8 = Uint8Array.from({ length: 4096 }, (_, i) => i % 256);
    const flipped = flipLabels(u8, { p: 1, numClasses: 256, seed: 5 });
    for (let i = 0; i < u8.length; i += 1) expect(flipped[i]).not.toBe(u8[i]);
    // the same draws on Int32Array labels, where nothing can wrap
    expect([...flipped]).toEqual([...flipLabels(Int32Array.from(u8), { p: 1, numClasses: 256, seed: 5 })]);
    expect(() => flipLabels(u8, { p: 1, numClasses: 257 })).toThrow('Expected an integer between 2 and 256 for numClasses but received 257');
    expect(() => flipLabels(new Uint16Array(2), { p: 1, numClasses: 65537 })).toThrow(RangeError);
    expect(flipLabels(new Uint16Array(2), { p: 1, numClasses: 65536 })).toBeInstanceOf(Uint16Array);
  });
  it('runs in place, and rejects an out that partly overlaps the input', () => {
    const labels = Int32Array.from({ length: 64 }, (_, i) => i % 7);
    const expected = flipLabels(labels, { p: 0.5, numClasses: 7, seed: 3 });
    const inPlace = labels.slice();
    expect([...flipLabels(inPlace, { p: 0.5, numClasses: 7, seed: 3, out: inPlace })]).toEqual([...expected]);
    const buffer = new Int32Array(65);
    buffer.set(labels);
    expect(() => flipLabels(buffer.subarray(0, 64), { p: 0.5, numClasses: 7, out: buffer.subarray(1) })).toThrow('Expected labels itself or an array that does not overlap it for out');
    const oneHot = Float32Array.from([1, 0, 0, 0, 1, 0]);
    const smoothed = labelSmoothing(oneHot, { numClasses: 3, epsilon: 0.3 });
    expect([...labelSmoothing(oneHot.slice(), { numClasses: 3, epsilon: 0.3, out: undefined })]).toEqual([...smoothed]);
    const same = oneHot.slice();
    expect([...labelSmoothing(same, { numClasses: 3, epsilon: 0.3, out: same })]).toEqual([...smoothed]);
    const shared = new Float32Array(7);
    shared.set(oneHot);
    expect(() => labelSmoothing(shared.subarray(0, 6), { numClasses: 3, epsilon: 0.3, out: shared.subarray(1) })).toThrow('Expected oneHot itself or an array that does not overlap it for out');
  });
});
