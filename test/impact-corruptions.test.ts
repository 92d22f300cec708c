// Test-set corruptions of the impact study: hand-computed small cases for
// every kernel, the value rules (uint8 ties, float32 clip), shapes, layouts,
// determinism, batch-split invariance, monotone severities and validation.
import { describe, expect, it } from 'vitest';

import { gaussianNoise, randomUniform, saltAndPepper, type Batch } from '../src/index.js';
import {
  CONSISTENCY_DIRECTIONS, consistencyShift, contrastImages, corruptionFamily, DEFAULT_CORRUPTIONS, gaussianBlurImages, occludeImages, occlusionSide,
  pixelateBlock, pixelateImages, rotateImages, type CorruptionContext, type CorruptionFamily,
} from '../src/impact/corruptions.js';
import { firstDifference, testRng } from './helpers/rng.js';

type Shape = [number, number, number, number];
type Dtype = 'uint8' | 'float32';

const DRAWN = ['shift', 'gaussian-noise', 'salt-pepper', 'rotation', 'occlusion'];
const UNDRAWN = ['blur', 'contrast', 'pixelate'];

function family(name: string): CorruptionFamily {
  const found = DEFAULT_CORRUPTIONS.find((f) => f.name === name);
  if (!found) throw new Error(`no family ${name}`);
  return found;
}

/** saturate(roundHalfEven(v)), from the definition. */
function u8Rule(v: number): number {
  const r = Math.round(v);
  return Math.min(255, Math.max(0, r - v === 0.5 && r % 2 !== 0 ? r - 1 : r));
}

function u8(shape: Shape, values: number[]): Batch {
  return { data: Uint8Array.from(values), shape };
}

function f32(shape: Shape, values: number[]): Batch {
  return { data: Float32Array.from(values), shape };
}

function randomBatch(seed: number, shape: Shape, dtype: Dtype, lo = 0, hi = 1): Batch {
  const rng = testRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'uint8' ? Uint8Array.from({ length: size }, () => rng.int(0, 255)) : Float32Array.from({ length: size }, () => lo + (hi - lo) * rng.next());
  return { data, shape };
}

function ctxFor(dtype: Dtype, seed = 3, index = 0): CorruptionContext {
  return { seed, index, valueRange: dtype === 'uint8' ? [0, 255] : [0, 1] };
}

function toNCHW(batch: Batch): Batch {
  const [n, h, w, c] = batch.shape;
  const data = batch.data instanceof Uint8Array ? new Uint8Array(batch.data.length) : new Float32Array(batch.data.length);
  for (let i = 0; i < n; i += 1) {
    for (let p = 0; p < h * w; p += 1) for (let ch = 0; ch < c; ch += 1) data[((i * c + ch) * h * w) + p] = batch.data[(i * h * w + p) * c + ch]!;
  }
  return { data, shape: batch.shape, layout: 'NCHW' };
}

function slice(batch: Batch, from: number, to: number): Batch {
  const [, h, w, c] = batch.shape;
  return { data: batch.data.slice(from * h * w * c, to * h * w * c), shape: [to - from, h, w, c], layout: batch.layout ?? 'NHWC' };
}

function meanAbsChange(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

const everySeverity = (): Array<[string, number, CorruptionFamily]> =>
  DEFAULT_CORRUPTIONS.flatMap((f) => f.severities.map((_, s) => [f.name, s, f] as [string, number, CorruptionFamily]));

describe('DEFAULT_CORRUPTIONS', () => {
  it('has the seen families, at least four held-out ones, three labelled severities each', () => {
    const names = DEFAULT_CORRUPTIONS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(DEFAULT_CORRUPTIONS.filter((f) => !f.heldOut).map((f) => f.name)).toEqual(['shift', 'gaussian-noise', 'salt-pepper']);
    const heldOut = DEFAULT_CORRUPTIONS.filter((f) => f.heldOut).map((f) => f.name);
    expect(heldOut.length).toBeGreaterThanOrEqual(4);
    expect(heldOut).toEqual(expect.arrayContaining(['rotation', 'blur', 'contrast', 'occlusion', 'pixelate']));
    for (const f of DEFAULT_CORRUPTIONS) {
      expect(f.severities, f.name).toHaveLength(3);
      expect(f.description.length, f.name).toBeGreaterThan(20);
      for (const s of f.severities) expect(s.label.length).toBeGreaterThan(0);
      expect(() => corruptionFamily(f)).not.toThrow();
    }
    expect(family('gaussian-noise').severities.map((s) => s.label)).toEqual(['σ 0.06 of range', 'σ 0.12 of range', 'σ 0.25 of range']);
    expect(family('rotation').severities.map((s) => s.label)).toEqual(['±10°', '±20°', '±30°']);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(DEFAULT_CORRUPTIONS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CORRUPTIONS[0])).toBe(true);
    expect(Object.isFrozen(DEFAULT_CORRUPTIONS[0]!.severities)).toBe(true);
  });
});

describe('rotation', () => {
  const grid = [1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('90° steps on a square image move pixels exactly (counter-clockwise on screen, numpy rot90)', () => {
    for (const make of [u8, f32]) {
      const b = make([1, 3, 3, 1], grid);
      expect(Array.from(rotateImages(b, [0], 0).data)).toEqual(grid);
      expect(Array.from(rotateImages(b, [90], 0).data)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
      expect(Array.from(rotateImages(b, [-90], 0).data)).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
      expect(Array.from(rotateImages(b, [180], 0).data)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
      expect(Array.from(rotateImages(b, [360], 0).data)).toEqual(grid);
    }
  });

  it('90° on an even-sized image with three channels: out(y, x) = in(x, w − 1 − y)', () => {
    const b = randomBatch(1, [2, 4, 4, 3], 'uint8');
    const out = rotateImages(b, [90, 90], 0).data;
    for (let i = 0; i < 2; i += 1) {
      for (let y = 0; y < 4; y += 1) {
        for (let x = 0; x < 4; x += 1) {
          for (let ch = 0; ch < 3; ch += 1) expect(out[((i * 4 + y) * 4 + x) * 3 + ch]).toBe(b.data[((i * 4 + x) * 4 + (3 - y)) * 3 + ch]);
        }
      }
    }
  });

  it('45° of a constant 3×3 image: edges and centre stay, each corner mixes (2 − √2) of the image with the fill', () => {
    // corner (0, 0) samples (y, x) = (1 − √2, 1): between the fill row above and row 0, weight 2 − √2 on row 0
    const corner = 100 * (2 - Math.SQRT2);
    const expected = [corner, 100, corner, 100, 100, 100, corner, 100, corner];
    expect(Array.from(rotateImages(u8([1, 3, 3, 1], Array(9).fill(100)), [45], 0).data)).toEqual(expected.map(u8Rule));
    const f = rotateImages(f32([1, 3, 3, 1], Array(9).fill(0.25)), [45], 0.75, [0, 1]).data;
    const cornerF = 0.75 + (0.25 - 0.75) * (2 - Math.SQRT2);
    expect(Array.from(f)).toEqual([cornerF, 0.25, cornerF, 0.25, 0.25, 0.25, cornerF, 0.25, cornerF].map(Math.fround));
  });

  it('rotating a mirrored image equals mirroring the image rotated the other way', () => {
    const [h, w, c] = [9, 12, 2];
    const b = randomBatch(2, [1, h, w, c], 'float32');
    const mirror = (data: ArrayLike<number>): Float32Array => {
      const m = new Float32Array(h * w * c);
      for (let y = 0; y < h; y += 1) for (let x = 0; x < w; x += 1) for (let ch = 0; ch < c; ch += 1) m[(y * w + x) * c + ch] = data[(y * w + (w - 1 - x)) * c + ch]!;
      return m;
    };
    const left = rotateImages({ data: mirror(b.data), shape: b.shape }, [20], 0).data;
    const right = mirror(rotateImages(b, [-20], 0).data);
    for (let i = 0; i < left.length; i += 1) expect(left[i]).toBeCloseTo(right[i]!, 6);
  });

  it('the family rotates each image by ±θ with a sign drawn per image from its documented uniforms', () => {
    const b = randomBatch(3, [16, 28, 28, 1], 'uint8');
    const u = randomUniform(4 * 16, { seed: 9, index: 4 * 5, epoch: 2 });
    for (const [s, degrees] of [10, 20, 30].entries()) {
      const out = family('rotation').severities[s]!.apply(b, { seed: 9, index: 5, valueRange: [0, 255] });
      const angles = Array.from({ length: 16 }, (_, k) => (u[4 * k]! < 0.5 ? -degrees : degrees));
      expect(new Set(angles).size).toBe(2);
      expect(firstDifference(out.data, rotateImages(b, angles, 0).data)).toBe(-1);
    }
  });
});

describe('blur', () => {
  const taps = (sigma: number): number[] => {
    const r = Math.ceil(3 * sigma);
    const g = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
    const sum = g.reduce((a, v) => a + v, 0);
    return g.map((v) => v / sum);
  };

  it('leaves a constant image constant', () => {
    expect(Array.from(gaussianBlurImages(u8([2, 5, 7, 3], Array(210).fill(77)), 1.3).data)).toEqual(Array(210).fill(77));
    const f = gaussianBlurImages(f32([1, 5, 7, 3], Array(105).fill(0.3)), 2.2).data;
    for (const v of f) expect(v).toBeCloseTo(0.3, 6);
  });

  it('turns an impulse into the normalised 2-d kernel', () => {
    const size = 15;
    const values = Array(size * size).fill(0);
    values[7 * size + 7] = 1;
    const out = gaussianBlurImages(f32([1, size, size, 1], values), 1).data;
    const g = taps(1); // radius 3
    for (let y = 0; y < size; y += 1) {
      for (let x = 0; x < size; x += 1) {
        const inside = Math.abs(y - 7) <= 3 && Math.abs(x - 7) <= 3;
        expect(out[y * size + x]).toBeCloseTo(inside ? g[y - 7 + 3]! * g[x - 7 + 3]! : 0, 7);
      }
    }
    expect(Array.from(out).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
  });

  it("repeats edge pixels at the border ('nearest')", () => {
    // a 1×6 row with an impulse at x = 0: taps reaching left of the image read x = 0 too
    const out = gaussianBlurImages(f32([1, 1, 6, 1], [1, 0, 0, 0, 0, 0]), 1).data;
    const g = taps(1);
    const expected = [0, 1, 2, 3, 4, 5].map((x) => g.slice(0, Math.max(0, 3 - x + 1)).reduce((a, v) => a + v, 0));
    for (let x = 0; x < 6; x += 1) expect(out[x]).toBeCloseTo(expected[x]!, 7);
  });

  it('the family scales σ 0.5, 1, 1.5 px by min(h, w) / 28', () => {
    for (const shape of [[2, 28, 28, 1], [1, 56, 40, 1], [2, 20, 33, 3]] as Shape[]) {
      const b = randomBatch(4, shape, 'uint8');
      for (const [s, sigma] of [0.5, 1, 1.5].entries()) {
        const out = family('blur').severities[s]!.apply(b, ctxFor('uint8'));
        expect(firstDifference(out.data, gaussianBlurImages(b, (sigma * Math.min(shape[1], shape[2])) / 28).data), `${shape} ${sigma}`).toBe(-1);
      }
    }
  });
});

describe('contrast', () => {
  it('moves values towards the mean by k; uint8 ties round half to even', () => {
    // mean 1: 1 ± 0.5 → 0.5, 1.5 → 0, 2; mean 3: 2.5, 3.5 → 2, 4
    expect(Array.from(contrastImages(u8([2, 1, 2, 1], [0, 2, 2, 4]), 0.5).data)).toEqual([0, 2, 2, 4]);
    expect(Array.from(contrastImages(u8([1, 1, 2, 1], [0, 255]), 0.5).data)).toEqual([u8Rule(63.75), u8Rule(191.25)]);
    expect(Array.from(family('contrast').severities[0]!.apply(f32([1, 1, 2, 1], [0.2, 0.6]), ctxFor('float32')).data)).toEqual([0.3, 0.5].map(Math.fround));
  });

  it('uses each channel’s own mean', () => {
    // channel 0: [10, 30] mean 20; channel 1: [100, 200] mean 150; k = 0.3
    const out = family('contrast').severities[1]!.apply(u8([1, 1, 2, 2], [10, 100, 30, 200]), ctxFor('uint8')).data;
    expect(Array.from(out)).toEqual([20 - 3, 150 - 15, 20 + 3, 150 + 15]);
  });

  it('saturates uint8 and clips float32 (k > 1)', () => {
    expect(Array.from(contrastImages(u8([1, 1, 2, 1], [100, 200]), 3).data)).toEqual([0, 255]);
    expect(Array.from(contrastImages(f32([1, 1, 2, 1], [0, 1]), 2, [0, 1]).data)).toEqual([0, 1]);
    expect(Array.from(contrastImages(f32([1, 1, 2, 1], [0, 1]), 2, [-1, 2]).data)).toEqual([-0.5, 1.5]);
  });
});

describe('occlusion', () => {
  it('square side: round(sqrt(area · h · w)), within the image', () => {
    expect([0.1, 0.2, 0.3].map((a) => occlusionSide(a, 28, 28))).toEqual([9, 13, 15]);
    expect([0.1, 0.2, 0.3].map((a) => occlusionSide(a, 20, 33))).toEqual([8, 11, 14]);
    expect(occlusionSide(0.3, 2, 100)).toBe(2);
    expect(occlusionSide(0.1, 2, 2)).toBe(1);
  });

  it('fills one square of about the area fraction with the range minimum, in every channel', () => {
    for (const dtype of ['uint8', 'float32'] as const) {
      const [n, h, w, c] = [12, 20, 33, 3];
      const data = dtype === 'uint8' ? new Uint8Array(n * h * w * c).fill(200) : new Float32Array(n * h * w * c).fill(0.5);
      const lo = dtype === 'uint8' ? 0 : -1;
      const ctx: CorruptionContext = { seed: 1, valueRange: [-1, 1] };
      const tops = new Set<number>();
      for (const [s, area] of [0.1, 0.2, 0.3].entries()) {
        const out = family('occlusion').severities[s]!.apply({ data, shape: [n, h, w, c] }, ctx).data;
        for (let i = 0; i < n; i += 1) {
          const filled: Array<[number, number]> = [];
          let other = 0;
          for (let y = 0; y < h; y += 1) {
            for (let x = 0; x < w; x += 1) {
              const at = ((i * h + y) * w + x) * c;
              const isFilled = out[at] === lo;
              for (let ch = 0; ch < c; ch += 1) if (out[at + ch] !== (isFilled ? lo : data[0])) other += 1;
              if (isFilled) filled.push([y, x]);
            }
          }
          expect(other).toBe(0);
          const side = Math.round(Math.sqrt(filled.length));
          expect(side * side).toBe(filled.length);
          expect(Math.abs(filled.length / (h * w) - area)).toBeLessThan(0.03);
          const [top, left] = filled[0]!;
          expect(filled).toEqual(Array.from({ length: filled.length }, (_, k) => [top + Math.floor(k / side), left + (k % side)]));
          tops.add(top);
        }
      }
      expect(tops.size).toBeGreaterThan(3); // positions are drawn per image
    }
  });

  it('draws the position per image from its documented uniforms', () => {
    const b = randomBatch(5, [6, 28, 28, 1], 'uint8');
    const u = randomUniform(4 * 6, { seed: 2, index: 4 * 7, epoch: 3 });
    const out = family('occlusion').severities[1]!.apply(b, { seed: 2, index: 7, valueRange: [0, 255] });
    const top = Array.from({ length: 6 }, (_, k) => Math.floor(u[4 * k]! * (28 - 13 + 1)));
    const left = Array.from({ length: 6 }, (_, k) => Math.floor(u[4 * k + 1]! * (28 - 13 + 1)));
    expect(firstDifference(out.data, occludeImages(b, { side: 13, top, left }, 0).data)).toBe(-1);
  });
});

describe('pixelate', () => {
  it('block means with partial edge blocks; uint8 ties to even', () => {
    // blocks of 2 on 3×3: {1,2,3,5} = 2.75 → 3, {9,8} = 8.5 → 8, {4,6} = 5, {7} = 7
    const b = u8([1, 3, 3, 1], [1, 2, 9, 3, 5, 8, 4, 6, 7]);
    expect(Array.from(pixelateImages(b, 2).data)).toEqual([3, 3, 8, 3, 3, 8, 5, 5, 7]);
    // 1×5 rows, blocks of 2: {1,2} 1.5 → 2, {2,3} 2.5 → 2, {4} → 4
    expect(Array.from(pixelateImages(u8([1, 1, 5, 1], [1, 2, 2, 3, 4]), 2).data)).toEqual([2, 2, 2, 2, 4]);
    const f = pixelateImages(f32([1, 3, 3, 1], [1, 2, 9, 3, 5, 8, 4, 6, 7].map((v) => v / 10)), 2).data;
    expect(Array.from(f)).toEqual([0.275, 0.275, 0.85, 0.275, 0.275, 0.85, 0.5, 0.5, 0.7].map(Math.fround));
  });

  it('averages each channel on its own', () => {
    const out = pixelateImages(u8([1, 1, 2, 3], [0, 10, 100, 4, 20, 200]), 2).data;
    expect(Array.from(out)).toEqual([2, 15, 150, 2, 15, 150]);
  });

  it('block size: round(b · min(h, w) / 28), never below b', () => {
    expect([2, 3, 4].map((b) => pixelateBlock(b, 28, 28))).toEqual([2, 3, 4]);
    expect([2, 3, 4].map((b) => pixelateBlock(b, 64, 64))).toEqual([5, 7, 9]);
    expect([2, 3, 4].map((b) => pixelateBlock(b, 20, 33))).toEqual([2, 3, 4]);
    const b = randomBatch(6, [2, 64, 70, 1], 'uint8');
    expect(firstDifference(family('pixelate').severities[2]!.apply(b, ctxFor('uint8')).data, pixelateImages(b, 9).data)).toBe(-1);
  });
});

describe('seen families', () => {
  it('shift moves each image by ±round(f · size) px in x and y, signs drawn per image, range minimum filled in', () => {
    const [n, h, w, c] = [8, 20, 33, 3];
    const b = randomBatch(7, [n, h, w, c], 'float32', -1, 1);
    const u = randomUniform(4 * n, { seed: 4, index: 4 * 2, epoch: 1 });
    for (const [s, [mx, my]] of ([[1, 1], [3, 2], [5, 3]] as const).entries()) {
      const out = family('shift').severities[s]!.apply(b, { seed: 4, index: 2, valueRange: [-1, 1] }).data;
      const expected = new Float32Array(n * h * w * c);
      for (let i = 0; i < n; i += 1) {
        const dx = u[4 * i]! < 0.5 ? -mx : mx;
        const dy = u[4 * i + 1]! < 0.5 ? -my : my;
        for (let y = 0; y < h; y += 1) {
          for (let x = 0; x < w; x += 1) {
            const [sy, sx] = [y - dy, x - dx];
            const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
            for (let ch = 0; ch < c; ch += 1) expected[((i * h + y) * w + x) * c + ch] = inside ? b.data[((i * h + sy) * w + sx) * c + ch]! : -1;
          }
        }
      }
      expect(firstDifference(out, expected), `severity ${s + 1}`).toBe(-1);
    }
  });

  it('gaussian-noise adds σ = 0.06, 0.12, 0.25 of the range per element (gaussianNoise with the context seed and index)', () => {
    const b = f32([10, 28, 28, 1], Array(7840).fill(0.5));
    for (const [s, sigma] of [0.06, 0.12, 0.25].entries()) {
      const ctx: CorruptionContext = { seed: 5, index: 3, valueRange: [-1.5, 2.5] };
      const out = family('gaussian-noise').severities[s]!.apply(b, ctx).data;
      const diffs = Array.from(out, (v) => v - 0.5);
      const std = Math.sqrt(diffs.reduce((a, d) => a + d * d, 0) / diffs.length);
      expect(std / (4 * sigma)).toBeGreaterThan(0.95);
      expect(std / (4 * sigma)).toBeLessThan(1.05);
      expect(firstDifference(out, gaussianNoise(b, { std: sigma * 4, seed: 5, index: 3, clip: [-1.5, 2.5] }).data)).toBe(-1);
    }
    const u = u8([1, 28, 28, 1], Array(784).fill(128));
    expect(firstDifference(family('gaussian-noise').severities[1]!.apply(u, ctxFor('uint8', 5)).data, gaussianNoise(u, { std: 0.12 * 255, seed: 5 }).data)).toBe(-1);
  });

  it('salt-pepper sets 2 %, 5 %, 10 % of pixels (all channels) to the range minimum or maximum', () => {
    const [n, h, w, c] = [20, 28, 28, 3];
    const b = f32([n, h, w, c], Array(n * h * w * c).fill(0.25));
    for (const [s, amount] of [0.02, 0.05, 0.1].entries()) {
      const out = family('salt-pepper').severities[s]!.apply(b, { seed: 6, valueRange: [-2, 3] }).data;
      let changed = 0;
      let mixed = 0;
      for (let p = 0; p < n * h * w; p += 1) {
        const v = out[p * c]!;
        for (let ch = 1; ch < c; ch += 1) if (out[p * c + ch] !== v) mixed += 1;
        if (v !== 0.25) changed += 1;
        if (v !== 0.25 && v !== -2 && v !== 3) mixed += 1;
      }
      expect(mixed).toBe(0);
      expect(Math.abs(changed / (n * h * w) - amount)).toBeLessThan(0.25 * amount);
      expect(firstDifference(out, saltAndPepper(b, { amount, seed: 6, min: -2, max: 3 }).data)).toBe(-1);
    }
  });
});

describe('consistencyShift', () => {
  it('moves every image exactly one pixel to one of its 8 neighbours, edge pixels repeated', () => {
    const [n, h, w, c] = [64, 6, 7, 2];
    const b = randomBatch(8, [n, h, w, c], 'uint8');
    const u = randomUniform(4 * n, { seed: 11, index: 4 * 40, epoch: 4 });
    const out = consistencyShift(b, { seed: 11, index: 40, valueRange: [0, 255] }).data;
    const clamp = (v: number, m: number): number => Math.min(m - 1, Math.max(0, v));
    const seen = new Set<string>();
    for (let i = 0; i < n; i += 1) {
      const [dx, dy] = CONSISTENCY_DIRECTIONS[Math.floor(8 * u[4 * i]!)]!;
      expect(Math.max(Math.abs(dx), Math.abs(dy))).toBe(1);
      seen.add(`${dx},${dy}`);
      for (let y = 0; y < h; y += 1) {
        for (let x = 0; x < w; x += 1) {
          for (let ch = 0; ch < c; ch += 1) {
            expect(out[((i * h + y) * w + x) * c + ch]).toBe(b.data[((i * h + clamp(y - dy, h)) * w + clamp(x - dx, w)) * c + ch]);
          }
        }
      }
    }
    expect(seen.size).toBe(8);
    expect(new Set(CONSISTENCY_DIRECTIONS.map(([dx, dy]) => `${dx},${dy}`)).size).toBe(8);
  });
});

describe('every family on every image kind', () => {
  const kinds: Array<[Shape, Dtype]> = [
    [[3, 28, 28, 1], 'uint8'], [[3, 28, 28, 3], 'uint8'], [[3, 20, 33, 1], 'float32'], [[3, 20, 33, 3], 'uint8'], [[2, 33, 20, 3], 'float32'],
  ];

  it('returns a new batch of the same shape, dtype and layout, inside the range, without touching the input', () => {
    for (const [shape, dtype] of kinds) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        const clean = randomBatch(9, shape, dtype, -0.5, 0.5);
        const b = layout === 'NCHW' ? toNCHW(clean) : clean;
        const before = b.data.slice();
        const ctx: CorruptionContext = { seed: 1, valueRange: [-0.5, 0.5] };
        for (const [name, s, f] of everySeverity()) {
          const out = f.severities[s]!.apply(b, ctx);
          const what = `${name} ${s + 1} ${shape} ${dtype} ${layout}`;
          expect(out.shape, what).toEqual(shape);
          expect(out.layout ?? 'NHWC', what).toBe(layout);
          expect(out.data.constructor, what).toBe(b.data.constructor);
          expect(out.data.buffer, what).not.toBe(b.data.buffer);
          expect(firstDifference(b.data, before), what).toBe(-1);
          expect(meanAbsChange(out.data, b.data), what).toBeGreaterThan(0);
          if (dtype === 'float32') expect([Math.min(...out.data), Math.max(...out.data)].every((v) => v >= -0.5 && v <= 0.5), what).toBe(true);
        }
        const shifted = consistencyShift(b, ctx);
        expect(shifted.shape).toEqual(shape);
        expect(firstDifference(b.data, before)).toBe(-1);
      }
    }
  });

  it('gives the same pixels in NCHW as in NHWC', () => {
    for (const [shape, dtype] of kinds) {
      const b = randomBatch(10, shape, dtype, 0, 1);
      const ctx = ctxFor(dtype, 2);
      for (const [name, s, f] of everySeverity()) {
        expect(firstDifference(f.severities[s]!.apply(toNCHW(b), ctx).data, toNCHW(f.severities[s]!.apply(b, ctx)).data), `${name} ${s + 1}`).toBe(-1);
      }
      expect(firstDifference(consistencyShift(toNCHW(b), ctx).data, toNCHW(consistencyShift(b, ctx)).data)).toBe(-1);
    }
  });

  it('takes an empty batch', () => {
    for (const [name, s, f] of everySeverity()) expect(f.severities[s]!.apply(u8([0, 4, 5, 1], []), ctxFor('uint8')).data, name).toHaveLength(0);
    expect(consistencyShift(u8([0, 4, 5, 1], []), ctxFor('uint8')).data).toHaveLength(0);
  });

  it('uint8 data always has the range [0, 255], whatever ctx.valueRange says', () => {
    const b = randomBatch(11, [2, 28, 28, 1], 'uint8');
    for (const [name, s, f] of everySeverity()) {
      expect(firstDifference(f.severities[s]!.apply(b, { seed: 1, valueRange: [0, 1] }).data, f.severities[s]!.apply(b, { seed: 1, valueRange: [0, 255] }).data), name).toBe(-1);
    }
  });
});

describe('randomness', () => {
  const b = randomBatch(12, [8, 28, 28, 1], 'uint8');

  it('the same seed gives the same bytes; another seed changes the drawn families only', () => {
    for (const [name, s, f] of everySeverity()) {
      const a = f.severities[s]!.apply(b, ctxFor('uint8', 1)).data;
      expect(firstDifference(f.severities[s]!.apply(b, ctxFor('uint8', 1)).data, a), name).toBe(-1);
      const other = f.severities[s]!.apply(b, ctxFor('uint8', 2)).data;
      if (DRAWN.includes(name)) expect(firstDifference(other, a), name).not.toBe(-1);
      else expect(UNDRAWN).toContain(name);
      if (UNDRAWN.includes(name)) expect(firstDifference(other, a), name).toBe(-1);
    }
    expect(firstDifference(consistencyShift(b, ctxFor('uint8', 1)).data, consistencyShift(b, ctxFor('uint8', 1)).data)).toBe(-1);
    expect(firstDifference(consistencyShift(b, ctxFor('uint8', 2)).data, consistencyShift(b, ctxFor('uint8', 1)).data)).not.toBe(-1);
  });

  it('corrupting a batch in parts (with index) equals corrupting it at once', () => {
    for (const [shape, dtype] of [[[20, 28, 28, 1], 'uint8'], [[20, 20, 33, 3], 'float32']] as Array<[Shape, Dtype]>) {
      const all = randomBatch(13, shape, dtype);
      const ctx = (index: number): CorruptionContext => ({ seed: 21, index, valueRange: [0, 1] });
      const whole = (apply: (x: Batch, c: CorruptionContext) => Batch): Uint8Array | Float32Array => apply(all, ctx(100)).data;
      const parts = (apply: (x: Batch, c: CorruptionContext) => Batch): number[] => [
        ...apply(slice(all, 0, 7), ctx(100)).data, ...apply(slice(all, 7, 8), ctx(107)).data, ...apply(slice(all, 8, 20), ctx(108)).data,
      ];
      for (const [name, s, f] of everySeverity()) expect(firstDifference(whole(f.severities[s]!.apply), parts(f.severities[s]!.apply)), `${name} ${s + 1}`).toBe(-1);
      expect(firstDifference(whole(consistencyShift), parts(consistencyShift))).toBe(-1);
    }
  });
});

describe('severities', () => {
  it('change random images more as they get stronger (mean absolute change vs clean)', () => {
    for (const [shape, dtype] of [[[6, 28, 28, 1], 'uint8'], [[6, 20, 33, 3], 'uint8'], [[4, 32, 32, 3], 'float32']] as Array<[Shape, Dtype]>) {
      const b = randomBatch(14, shape, dtype);
      for (const f of DEFAULT_CORRUPTIONS) {
        const changes = f.severities.map((s) => meanAbsChange(s.apply(b, ctxFor(dtype, 5)).data, b.data));
        expect(changes[0], `${f.name} ${shape}`).toBeGreaterThan(0);
        expect(changes[1], `${f.name} ${shape} ${changes}`).toBeGreaterThan(changes[0]!);
        expect(changes[2], `${f.name} ${shape} ${changes}`).toBeGreaterThan(changes[1]!);
      }
    }
  });
});

describe('validation', () => {
  const ok = { name: 'my-family', description: 'mine', heldOut: true, severities: [{ label: 'mild', apply: (b: Batch): Batch => ({ ...b, data: b.data.slice() }) }] };
  const cases: Array<[unknown, string, typeof TypeError | typeof RangeError]> = [
    [null, 'Expected an object { name, description, heldOut, severities } for family but received null of type null', TypeError],
    [{ ...ok, name: 5 }, "Expected a non-empty kebab-case name (lowercase letters and digits, words joined by '-') for family.name but received 5 of type number", TypeError],
    [{ ...ok, name: '' }, "Expected a non-empty kebab-case name (lowercase letters and digits, words joined by '-') for family.name but received '' of type string", RangeError],
    [{ ...ok, name: 'My Family' }, "Expected a non-empty kebab-case name (lowercase letters and digits, words joined by '-') for family.name but received 'My Family' of type string", RangeError],
    [{ ...ok, name: 'my--family' }, "Expected a non-empty kebab-case name (lowercase letters and digits, words joined by '-') for family.name but received 'my--family' of type string", RangeError],
    [{ ...ok, description: undefined }, 'Expected a string for family.description but received undefined of type undefined', TypeError],
    [{ ...ok, heldOut: 'yes' }, "Expected a boolean for family.heldOut but received 'yes' of type string", TypeError],
    [{ ...ok, severities: {} }, 'Expected an array of at least 1 severity { label, apply } for family.severities but received Object of type object', TypeError],
    [{ ...ok, severities: [] }, 'Expected an array of at least 1 severity { label, apply } for family.severities but received array(0) of type array', RangeError],
    [{ ...ok, severities: [ok.severities[0], 3] }, 'Expected an object { label, apply } for family.severities[1] but received 3 of type number', TypeError],
    [{ ...ok, severities: [{ label: '', apply: ok.severities[0]!.apply }] }, "Expected a non-empty string for family.severities[0].label but received '' of type string", RangeError],
    [{ ...ok, severities: [{ label: 'x', apply: 'blur' }] }, "Expected a function (batch, ctx) => batch for family.severities[0].apply but received 'blur' of type string", TypeError],
  ];

  for (const [value, message, type] of cases) {
    it(message, () => {
      expect(() => corruptionFamily(value as CorruptionFamily)).toThrow(type);
      expect(() => corruptionFamily(value as CorruptionFamily)).toThrow(message);
    });
  }

  it('returns a frozen copy whose apply checks what the user function returns', () => {
    const f = corruptionFamily(ok);
    expect(f).toEqual({ name: 'my-family', description: 'mine', heldOut: true, severities: [{ label: 'mild', apply: expect.any(Function) }] });
    expect(Object.isFrozen(f)).toBe(true);
    const b = u8([1, 2, 2, 1], [1, 2, 3, 4]);
    expect(Array.from(f.severities[0]!.apply(b, ctxFor('uint8')).data)).toEqual([1, 2, 3, 4]);
    const returning = (apply: (x: Batch) => unknown): CorruptionFamily => corruptionFamily({ ...ok, severities: [{ label: 'bad', apply: apply as (x: Batch) => Batch }] });
    expect(() => returning((x) => x).severities[0]!.apply(b, ctxFor('uint8'))).toThrow(
      'Expected a new array (not sharing memory with the input) for the result of my-family severity 1.data but received Uint8Array(4) of type Uint8Array');
    expect(() => returning((x) => ({ data: x.data.slice(0, 2), shape: [1, 1, 2, 1] })).severities[0]!.apply(b, ctxFor('uint8'))).toThrow(
      'Expected [1, 2, 2, 1] like the input for the result of my-family severity 1.shape but received array(4) of type array');
    expect(() => returning((x) => ({ data: Float32Array.from(x.data), shape: x.shape })).severities[0]!.apply(b, ctxFor('uint8'))).toThrow(TypeError);
  });

  it('checks the context', () => {
    const apply = family('blur').severities[0]!.apply;
    const b = f32([1, 2, 2, 1], [0, 0.1, 0.2, 0.3]);
    expect(() => apply(b, { seed: -1, valueRange: [0, 1] })).toThrow('Expected an integer between 0 and 9007199254740991 for ctx.seed but received -1 of type number');
    expect(() => apply(b, { seed: 0, index: 2 ** 32, valueRange: [0, 1] })).toThrow(RangeError);
    expect(() => apply(b, { seed: 0, index: 0.5, valueRange: [0, 1] })).toThrow('for ctx.index');
    expect(() => apply(b, { seed: 0 } as CorruptionContext)).toThrow(
      'Expected an array [min, max] of finite numbers with min < max for ctx.valueRange but received undefined of type undefined');
    expect(() => apply(b, { seed: 0, valueRange: [1, 0] })).toThrow(RangeError);
    expect(() => apply(b, undefined as unknown as CorruptionContext)).toThrow('for ctx but received undefined');
    expect(() => consistencyShift({ data: new Uint8Array(3), shape: [1, 2, 2, 1] }, ctxFor('uint8'))).toThrow('for batch.data');
  });
});
