// mixup / cutmix (issue 19): float64 reference, hand cases, backends and ISAs
// on the same plan, split and thread invariance, replay, Beta statistics,
// label sums, bad inputs.
import { describe, expect, it } from 'vitest';

import { cutmix, cutmixAsync, cutmixParams, mixup, mixupAsync, mixupParams, STREAM, type Batch } from '../src/index.js';
import { mixPlan } from '../src/ops/mix.js';
import { betaDraw } from '../src/ops/mix.js';
import { backendName, backends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { testRng } from './helpers/rng.js';

const f = Math.fround;

function labelsFor(n: number, k: number, rng: ReturnType<typeof testRng>): Float32Array {
  const y = new Float32Array(n * k);
  for (let i = 0; i < n; i += 1) y[i * k + Math.floor(rng.next() * k)] = 1;
  return y;
}

/** The definition, element by element in float64 then the documented float32 order. */
function reference(op: 'mixup' | 'cutmix', batch: Batch, params: { partner: Int32Array; lambda: Float32Array; top?: Int32Array; left?: Int32Array; height?: Int32Array; width?: Int32Array }): Uint8Array | Float32Array {
  const [n, h, w, c] = batch.shape;
  const nchw = batch.layout === 'NCHW';
  const out = batch.data instanceof Uint8Array ? new Uint8Array(batch.data.length) : new Float32Array(batch.data.length);
  const image = h * w * c;
  for (let i = 0; i < n; i += 1) {
    const j = params.partner[i]!;
    const la = params.lambda[i]!;
    const lb = f(1 - la);
    for (let y = 0; y < h; y += 1) for (let x = 0; x < w; x += 1) for (let ch = 0; ch < c; ch += 1) {
      const at = nchw ? ch * h * w + y * w + x : (y * w + x) * c + ch;
      const a = batch.data[i * image + at]!;
      const b = batch.data[j * image + at]!;
      let v: number;
      if (op === 'mixup') {
        v = f(f(a * la) + f(b * lb));
        if (out instanceof Uint8Array) {
          const r = Math.round(v);
          v = Math.min(255, Math.max(0, Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : r));
        }
      } else {
        const inside = y >= params.top![i]! && y < params.top![i]! + params.height![i]! && x >= params.left![i]! && x < params.left![i]! + params.width![i]!;
        v = inside ? b : a;
      }
      out[i * image + at] = v;
    }
  }
  return out;
}

describe('mixup and cutmix', () => {
  it('hand case: two 1x2 uint8 images, λ = 0.25, ties round half to even', () => {
    const batch: Batch = { data: Uint8Array.of(0, 10, 255, 1), shape: [2, 1, 2, 1] };
    const labels = Float32Array.of(1, 0, 0, 1);
    for (const backend of backends) {
      const plan = mixPlan('mixup', batch, labels, { lambda: 0.25, partner: [1, 0] });
      const out = new Uint8Array(4);
      backend.mix(batch.data, out, plan, 0, 2);
      // 0·.25 + 255·.75 = 191.25 → 191; 10·.25 + 1·.75 = 3.25 → 3; 255·.25 + 0·.75 = 63.75 → 64; 1·.25 + 10·.75 = 7.75 → 8
      expect([...out], backendName(backend)).toEqual([191, 3, 64, 8]);
    }
    const r = mixup(batch, labels, { lambda: 0.25, partner: [1, 0] });
    expect([...r.labels]).toEqual([0.25, 0.75, 0.75, 0.25]);
    // 2·0.25 + 3·0.75 would be exact; a tie: λ = 0.5 on 1 and 2 → 1.5 → 2, on 3 and 2 → 2.5 → 2
    const tie = mixup({ data: Uint8Array.of(1, 3, 2, 2), shape: [2, 1, 2, 1] }, labels, { lambda: 0.5, partner: [1, 0] });
    expect([...tie.batch.data]).toEqual([2, 2, 2, 2]);
  });

  it('hand case: cutmix pastes the partner box; λ from the box area', () => {
    const data = new Float32Array(2 * 4 * 4).map((_, k) => (k < 16 ? 1 : 2));
    const labels = Float32Array.of(1, 0, 0, 1);
    const r = cutmix({ data, shape: [2, 4, 4, 1] }, labels, { partner: [1, 0], box: { top: [1, 0], left: [1, 0], height: [2, 0], width: [2, 0] } });
    const img0 = [...r.batch.data.subarray(0, 16)];
    expect(img0).toEqual([1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 1, 1, 1]);
    expect([...r.batch.data.subarray(16)]).toEqual(new Array(16).fill(2));
    expect([...r.labels]).toEqual([0.75, 0.25, 0, 1]);
  });

  it('native == js == reference at every ISA on random cases (uint8, float32, NHWC, NCHW)', () => {
    const rng = testRng(19043);
    for (let t = 0; t < 120; t += 1) {
      const op = t % 2 === 0 ? 'mixup' : 'cutmix';
      const shape: Shape = [1 + Math.floor(rng.next() * 5), 1 + Math.floor(rng.next() * 9), 1 + Math.floor(rng.next() * 9), 1 + Math.floor(rng.next() * 5)];
      const dtype = rng.next() < 0.5 ? 'uint8' : 'float32';
      const layout = rng.next() < 0.5 ? 'NHWC' : 'NCHW';
      const batch = randomBatch(rng, shape, dtype, layout);
      const labels = labelsFor(shape[0], 3, rng);
      const opts = { seed: t, index: Math.floor(rng.next() * 1000), alpha: [0.2, 1, 3][t % 3]! };
      const plan = mixPlan(op, batch, labels, opts);
      const params = op === 'mixup' ? mixupParams(batch, labels, opts) : cutmixParams(batch, labels, opts);
      const expected = reference(op, batch, op === 'mixup' ? params : { ...params, lambda: params.lambda });
      for (const backend of backends) {
        const out = dtype === 'uint8' ? new Uint8Array(batch.data.length) : new Float32Array(batch.data.length);
        backend.mix(batch.data, out, plan, 0, shape[0]);
        expect(Buffer.from(out.buffer).equals(Buffer.from(expected.buffer)), `${backendName(backend)} case ${t} ${op}`).toBe(true);
      }
    }
  });

  it('uint8 mixup: every (a, b) pair of levels, λ random and at the edges of the vector form (0, 1, 2^-100, ties), outputs at offsets 0…33, every backend and ISA', () => {
    // image 0 holds a = k mod 256, image 1 b = floor(k / 256): with partners 1, 0 every pair of levels meets once per image
    const data = new Uint8Array(2 * 65536);
    for (let k = 0; k < 65536; k += 1) [data[k], data[65536 + k]] = [k & 255, k >> 8];
    const batch: Batch = { data, shape: [2, 256, 256, 1] };
    const labels = Float32Array.of(1, 0, 0, 1);
    const rng = testRng(19044);
    const edges = [0, 1, 0.5, 0.25, 0.75, 2 ** -100, 2 ** -101, 2 ** -100 * 1.5, 1e-30, 1e-7, 1 - 2 ** -24, 0.1, 0.3];
    const lambdas = [...edges, ...Array.from({ length: 24 }, (_, t) => (t % 2 === 0 ? rng.next() : rng.next() ** 8))];
    for (const [t, lambda] of lambdas.entries()) {
      const params = { partner: Int32Array.of(1, 0), lambda: Float32Array.of(lambda, 1 - lambda) };
      const plan = mixPlan('mixup', batch, labels, { lambda: [...params.lambda], partner: [1, 0] });
      const expected = reference('mixup', batch, params);
      const offset = t % 34;
      for (const backend of backends) {
        const out = new Uint8Array(data.length + 40).subarray(offset, offset + data.length);
        backend.mix(data, out, plan, 0, 2);
        expect(Buffer.from(out).equals(Buffer.from(expected.buffer)), `${backendName(backend)} λ ${lambda} offset ${offset}`).toBe(true);
      }
    }
  });

  it('float32 mixup within rounding of the float64 definition; label sums preserved', () => {
    const rng = testRng(7);
    const batch = randomBatch(rng, [8, 5, 6, 3], 'float32', 'NHWC');
    const labels = new Float32Array(8 * 4).map(() => rng.next());
    for (let i = 0; i < 8; i += 1) { let s = 0; for (let k = 0; k < 4; k += 1) s += labels[i * 4 + k]!; for (let k = 0; k < 4; k += 1) labels[i * 4 + k] = f(labels[i * 4 + k]! / s); }
    const r = mixup(batch, labels, { seed: 3, alpha: 0.4 });
    const p = mixupParams(batch, labels, { seed: 3, alpha: 0.4 });
    const image = 5 * 6 * 3;
    for (let i = 0; i < 8; i += 1) {
      for (let k = 0; k < image; k += 1) {
        const exact = p.lambda[i]! * batch.data[i * image + k]! + (1 - p.lambda[i]!) * batch.data[p.partner[i]! * image + k]!;
        const [a, b] = [batch.data[i * image + k]!, batch.data[p.partner[i]! * image + k]!];
        // three float32 roundings and μ's own: within 2^-22 of |a| + |b|
        expect(Math.abs(r.batch.data[i * image + k]! - exact)).toBeLessThanOrEqual(2 ** -22 * (Math.abs(a) + Math.abs(b)));
      }
      let s = 0;
      for (let k = 0; k < 4; k += 1) s += r.labels[i * 4 + k]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    }
    const c = cutmix(batch, labels, { seed: 3 });
    for (let i = 0; i < 8; i += 1) {
      let s = 0;
      for (let k = 0; k < 4; k += 1) s += c.labels[i * 4 + k]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    }
  });

  it('split invariance: λ and boxes per dataset index whatever the batch; partner offsets for equal batch sizes; threads', async () => {
    const rng = testRng(11);
    const batch = randomBatch(rng, [8, 6, 7, 3], 'float32', 'NHWC');
    const labels = labelsFor(8, 5, rng);
    const whole = cutmixParams(batch, labels, { seed: 9, index: 100 });
    const halfShape: Shape = [4, 6, 7, 3];
    const half = (k: number): Batch => ({ data: batch.data.slice(k * 4 * 126, (k + 1) * 4 * 126), shape: halfShape });
    const a = cutmixParams(half(0), labels.slice(0, 20), { seed: 9, index: 100 });
    const b = cutmixParams(half(1), labels.slice(20), { seed: 9, index: 104 });
    // the drawn λ (mixup) does not depend on the batch at all
    const m = mixupParams(batch, labels, { seed: 9, index: 100 });
    const m0 = mixupParams(half(0), labels.slice(0, 20), { seed: 9, index: 100 });
    const m1 = mixupParams(half(1), labels.slice(20), { seed: 9, index: 104 });
    expect([...m.lambda]).toEqual([...m0.lambda, ...m1.lambda]);
    // two batches of 4 vs the same indices in other batches of 4: same partner positions
    const again = cutmixParams(half(1), labels.slice(20), { seed: 9, index: 104 });
    expect(again).toEqual(b);
    for (const k of ['top', 'left', 'height', 'width'] as const) {
      // box centre and λ do not depend on the batch, so boxes agree
      expect([...whole[k]]).toEqual([...a[k], ...b[k]]);
    }
    for (const op of ['mixup', 'cutmix'] as const) {
      const sync = (op === 'mixup' ? mixup : cutmix)(batch, labels, { seed: 9 });
      for (const threads of [1, 2, 3, 8]) {
        const r = await (op === 'mixup' ? mixupAsync : cutmixAsync)(batch, labels, { seed: 9, threads });
        expect(Buffer.from(r.batch.data.buffer).equals(Buffer.from(sync.batch.data.buffer)), `${op} ${threads}`).toBe(true);
        expect([...r.labels]).toEqual([...sync.labels]);
      }
    }
  });

  it('replay: the recorded partner and λ (mixup) or box (cutmix) give the same bytes', () => {
    const rng = testRng(5);
    const batch = randomBatch(rng, [6, 5, 5, 2], 'uint8', 'NCHW');
    const labels = labelsFor(6, 3, rng);
    const p = mixupParams(batch, labels, { seed: 1, alpha: 0.3 });
    expect(mixup(batch, labels, { lambda: [...p.lambda], partner: [...p.partner] })).toEqual(mixup(batch, labels, { seed: 1, alpha: 0.3 }));
    const q = cutmixParams(batch, labels, { seed: 1 });
    const replay = cutmix(batch, labels, { partner: [...q.partner], box: { top: [...q.top], left: [...q.left], height: [...q.height], width: [...q.width] } });
    expect(replay).toEqual(cutmix(batch, labels, { seed: 1 }));
  });

  it('partners: never the sample itself (n >= 2), uniform over the others (chi-square)', () => {
    const n = 5;
    const counts = new Array(n).fill(0);
    const batch: Batch = { data: new Uint8Array(n), shape: [n, 1, 1, 1] };
    const labels = new Float32Array(n);
    for (let index = 0; index < 4000; index += n) {
      const p = mixupParams(batch, labels, { seed: 2, index, lambda: 0.5 });
      p.partner.forEach((j, i) => { expect(j).not.toBe(i); counts[(j - i + n) % n] += 1; });
    }
    const expected = 4000 / (n - 1);
    const chi = counts.slice(1).reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(counts[0]).toBe(0);
    expect(chi).toBeLessThan(16.27); // 3 dof, p = 0.001
  });

  it('Beta(α, α) statistics: mean 1/2, variance 1/(4(2α+1)), by simulation', () => {
    for (const alpha of [0.2, 1, 4]) {
      const m = 20000;
      let s = 0;
      let s2 = 0;
      for (let g = 0; g < m; g += 1) {
        const x = betaDraw(alpha, { key0: 77, key1: 0 }, g, 0, STREAM.mixupParams);
        expect(x >= 0 && x <= 1).toBe(true);
        s += x;
        s2 += x * x;
      }
      const mean = s / m;
      const variance = s2 / m - mean * mean;
      const v = 1 / (4 * (2 * alpha + 1));
      expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(v / m));
      expect(Math.abs(variance - v) / v).toBeLessThan(0.05);
    }
    // α = 1: uniform on [0, 1], so a quarter below 1/4
    let below = 0;
    for (let g = 0; g < 20000; g += 1) if (betaDraw(1, { key0: 5, key1: 0 }, g, 0, STREAM.mixupParams) < 0.25) below += 1;
    expect(Math.abs(below / 20000 - 0.25)).toBeLessThan(5 * Math.sqrt(0.1875 / 20000));
  });

  it('bad inputs', () => {
    const batch: Batch = { data: new Uint8Array(2 * 4), shape: [2, 2, 2, 1] };
    const labels = new Float32Array(4);
    expect(() => mixup(batch, new Float32Array(3))).toThrow(/labels/);
    expect(() => mixup(batch, [1, 0] as unknown as Float32Array)).toThrow(TypeError);
    expect(() => mixup(batch, labels, { alpha: 0 })).toThrow(/alpha/);
    expect(() => mixup(batch, labels, { lambda: 1.5 })).toThrow(/lambda/);
    expect(() => mixup(batch, labels, { partner: [0, 2] })).toThrow(/partner\[1\]/);
    expect(() => mixup(batch, labels, { out: batch.data })).toThrow(/out/);
    expect(() => mixup(batch, labels, { labelsOut: labels })).toThrow(/labelsOut/);
    expect(() => cutmix(batch, labels, { box: { top: [0, 1], left: [0, 0], height: [2, 2], width: [1, 1] } })).toThrow(/box\.height\[1\]/);
    expect(() => cutmix(batch, labels, { lambda: 0.5, box: { top: [0, 0], left: [0, 0], height: [1, 1], width: [1, 1] } })).toThrow(/lambda/);
    expect(() => mixup(batch, labels, { bogus: 1 } as never)).toThrow(/bogus/);
  });
});

describe('mixupTensor / cutmixTensor', () => {
  it('equal the typed-array ops', async () => {
    const tf = await import('@tensorflow/tfjs');
    const { mixupTensor, cutmixTensor } = await import('../src/tfjs/index.js');
    const rng = testRng(3);
    const batch = randomBatch(rng, [4, 5, 6, 3], 'float32', 'NHWC');
    const labels = labelsFor(4, 3, rng);
    const images = tf.tensor4d(batch.data, [4, 5, 6, 3]);
    const y = tf.tensor2d(labels, [4, 3]);
    for (const [fn, op] of [[mixupTensor, mixup], [cutmixTensor, cutmix]] as const) {
      const r = fn(images, y, { seed: 4 });
      const e = op(batch, labels, { seed: 4 });
      expect([...r.images.dataSync()]).toEqual([...e.batch.data]);
      expect([...r.labels.dataSync()]).toEqual([...e.labels]);
      expect(r.labels.shape).toEqual([4, 3]);
    }
    expect(() => mixupTensor(images, tf.tensor1d([1, 2, 3, 4]))).toThrow(/labels/);
  });
});

describe('mixup / cutmix: labels of the wrong length say the length expected', () => {
  const b: Batch = { data: new Uint8Array(2 * 2 * 2), shape: [2, 2, 2, 1] };
  it('with numClasses: n × numClasses and its value (before: no value)', () => {
    expect(() => mixup(b, new Float32Array(6), { numClasses: 2 })).toThrow(new RangeError('Expected a Float32Array of length n * numClasses = 4 (n = 2, numClasses = 2) for labels but received Float32Array(6) of type Float32Array'));
    expect(() => cutmix(b, new Float32Array(3), { numClasses: 2 })).toThrow('Expected a Float32Array of length n * numClasses = 4 (n = 2, numClasses = 2) for labels');
  });
  it('without: n × K for some K >= 1', () => {
    expect(() => mixup(b, new Float32Array(5))).toThrow(new RangeError('Expected a Float32Array of length n * K (n = 2 images, K >= 1 classes) for labels but received Float32Array(5) of type Float32Array'));
  });
});
