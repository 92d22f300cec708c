// resizedCrop (issue 19, torchvision RandomResizedCrop): hand cases, a
// float32-order reference written from the README's definition (bit-exact on
// every backend and ISA), a float64 bilinear bound, drawn boxes from the
// published stream layout and against a simulation of torchvision's rule,
// split / thread invariance, replay from boxes, tensors, bad input.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { philox4x32, Pipeline, preview, resizedCrop, resizedCropAsync, resizedCropParams, type Batch } from '../src/index.js';
import { resizedCropTensor } from '../src/tfjs/index.js';
import { resizedCropPlan } from '../src/ops/resized-crop.js';
import { threadSplit } from '../src/ops/common.js';
import { backendName, backends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

type Box = [top: number, left: number, height: number, width: number];

const at = (layout: 'NHWC' | 'NCHW' | undefined, c: number, hh: number, ww: number) => (i: number, y: number, x: number, ch: number): number =>
  (layout === 'NCHW' ? ((i * c + ch) * hh + y) * ww + x : ((i * hh + y) * ww + x) * c + ch);

/** One axis from the definition: s = max(0, (x + 0.5)·(size / out) − 0.5), taps ⌊s⌋ and the next one inside the box. */
function taps(size: number, out: number, x: number): [number, number, number] {
  const s = Math.max(0, (x + 0.5) * (size / out) - 0.5);
  const i0 = Math.floor(s);
  return [i0, Math.min(i0 + 1, size - 1), s - i0];
}

/** README's exact arithmetic: float32 weights and order, or Q12 weights with one rounding. */
function referenceExact(b: Batch, boxes: Box[], outH: number, outW: number): Uint8Array | Float32Array {
  const [n, h, w, c] = b.shape;
  const uint8 = b.data instanceof Uint8Array;
  const out = uint8 ? new Uint8Array(n * outH * outW * c) : new Float32Array(n * outH * outW * c);
  const src = at(b.layout, c, h, w);
  const dst = at(b.layout, c, outH, outW);
  const f = Math.fround;
  const weights = (t: number, i0: number, i1: number, size: number): [number, number, number, number] => {
    if (!uint8) return [i0, i1, f(1 - f(t)), f(t)];
    let u = Math.round(t * 4096);
    if (u - t * 4096 === 0.5 && u % 2 === 1) u -= 1; // half to even
    if (u === 4096) return [i0 + 1, Math.min(i0 + 2, size - 1), 4096, 0];
    return [i0, i1, 4096 - u, u];
  };
  for (let i = 0; i < n; i += 1) {
    const [top, left, bh, bw] = boxes[i]!;
    for (let y = 0; y < outH; y += 1) {
      const [r0, r1, yl, yu] = weights(taps(bh, outH, y)[2], taps(bh, outH, y)[0], taps(bh, outH, y)[1], bh);
      for (let x = 0; x < outW; x += 1) {
        const [c0, c1, xl, xu] = weights(taps(bw, outW, x)[2], taps(bw, outW, x)[0], taps(bw, outW, x)[1], bw);
        for (let ch = 0; ch < c; ch += 1) {
          const a = (yy: number, xx: number): number => b.data[src(i, top + yy, left + xx, ch)]!;
          if (uint8) {
            const v = yl * (xl * a(r0, c0) + xu * a(r0, c1)) + yu * (xl * a(r1, c0) + xu * a(r1, c1));
            const q = Math.floor(v / 2 ** 24);
            const r = v - q * 2 ** 24;
            out[dst(i, y, x, ch)] = r > 2 ** 23 || (r === 2 ** 23 && q % 2 === 1) ? q + 1 : q;
          } else {
            const h0 = f(f(xl * a(r0, c0)) + f(xu * a(r0, c1)));
            const h1 = f(f(xl * a(r1, c0)) + f(xu * a(r1, c1)));
            out[dst(i, y, x, ch)] = f(f(yl * h0) + f(yu * h1));
          }
        }
      }
    }
  }
  return out;
}

/** float64 bilinear of the box (the mathematical resize, for an error bound). */
function referenceFloat64(b: Batch, boxes: Box[], outH: number, outW: number): Float64Array {
  const [n, h, w, c] = b.shape;
  const out = new Float64Array(n * outH * outW * c);
  const src = at(b.layout, c, h, w);
  const dst = at(b.layout, c, outH, outW);
  for (let i = 0; i < n; i += 1) {
    const [top, left, bh, bw] = boxes[i]!;
    for (let y = 0; y < outH; y += 1) {
      const [r0, r1, ty] = taps(bh, outH, y);
      for (let x = 0; x < outW; x += 1) {
        const [c0, c1, tx] = taps(bw, outW, x);
        for (let ch = 0; ch < c; ch += 1) {
          const a = (yy: number, xx: number): number => b.data[src(i, top + yy, left + xx, ch)]!;
          out[dst(i, y, x, ch)] = (1 - ty) * ((1 - tx) * a(r0, c0) + tx * a(r0, c1)) + ty * ((1 - tx) * a(r1, c0) + tx * a(r1, c1));
        }
      }
    }
  }
  return out;
}

function boxesOf(p: { top: Int32Array; left: Int32Array; height: Int32Array; width: Int32Array }): Box[] {
  return Array.from({ length: p.top.length }, (_, i): Box => [p.top[i]!, p.left[i]!, p.height[i]!, p.width[i]!]);
}

/** torchvision's get_params, simulated with an independent generator (the known truth for the statistics). */
function torchvisionBox(rng: ReturnType<typeof testRng>, h: number, w: number, scale: [number, number], ratio: [number, number]): Box & { attempt?: number } {
  const area = h * w;
  const logR = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let t = 0; t < 10; t += 1) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * rng.next());
    const aspect = Math.exp(logR[0]! + (logR[1]! - logR[0]!) * rng.next());
    const bw = Math.round(Math.sqrt(target * aspect));
    const bh = Math.round(Math.sqrt(target / aspect));
    if (bw > 0 && bw <= w && bh > 0 && bh <= h) return [rng.int(0, h - bh), rng.int(0, w - bw), bh, bw];
  }
  const inRatio = w / h;
  if (inRatio < ratio[0]) return [Math.floor((h - Math.round(w / ratio[0])) / 2), 0, Math.round(w / ratio[0]), w];
  if (inRatio > ratio[1]) return [0, Math.floor((w - Math.round(h * ratio[1])) / 2), h, Math.round(h * ratio[1])];
  return [0, 0, h, w];
}

describe('hand cases', () => {
  it('the whole image at its own size is the identity (uint8 and float32, NHWC and NCHW, any channels)', () => {
    const rng = testRng(1);
    for (const dtype of ['uint8', 'float32'] as const) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        for (const c of [1, 3, 5]) {
          const b = randomBatch(rng, [2, 5, 7, c], dtype, layout);
          for (const backend of backends) {
            const plan = resizedCropPlan(b, { size: [5, 7], boxes: [0, 0, 5, 7] });
            const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
            backend.resizedCrop(b.data, out, plan, 0, 2);
            expect(firstDifference(out, b.data), `${backendName(backend)} ${dtype} ${layout} c=${c}`).toBe(-1);
          }
        }
      }
    }
  });

  it('a row halved, a pair upsampled, a box taken (half-pixel centres, taps clamped to the box)', () => {
    for (const Type of [Uint8Array, Float32Array]) {
      // [0 10 20 30] → 2: s = 0.5, 2.5
      expect([...resizedCrop({ data: Type.of(0, 10, 20, 30), shape: [1, 1, 4, 1] }, { size: [1, 2], boxes: [0, 0, 1, 4] }).data]).toEqual([5, 25]);
      // [0 100] → 4: s = −0.25 → 0, 0.25, 0.75, 1.25 (the last tap is the box's edge)
      expect([...resizedCrop({ data: Type.of(0, 100), shape: [1, 1, 2, 1] }, { size: [1, 4], boxes: [0, 0, 1, 2] }).data]).toEqual([0, 25, 75, 100]);
      // the box [1, 1, 2, 2] of a 4 × 4 ramp 0…15, at its own size: rows 1–2, columns 1–2
      const ramp = Type.from(Array.from({ length: 16 }, (_, i) => i));
      expect([...resizedCrop({ data: ramp, shape: [1, 4, 4, 1] }, { size: 2, boxes: [[1, 1, 2, 2]] }).data]).toEqual([5, 6, 9, 10]);
      // that box to 1 × 1: the centre of the four, 7.5 (uint8: 8, half to even)
      expect([...resizedCrop({ data: ramp, shape: [1, 4, 4, 1] }, { size: 1, boxes: [1, 1, 2, 2] }).data]).toEqual([Type === Uint8Array ? 8 : 7.5]);
    }
  });
});

describe('every backend and ISA: bit-identical to the reference written from the definition', () => {
  it('300 random cases (sizes, channels, layouts, dtypes, drawn and given boxes)', () => {
    const rng = testRng(20);
    for (let k = 0; k < 300; k += 1) {
      const n = rng.int(1, 3);
      const shape: Shape = [n, rng.int(1, 12), rng.int(1, 12), rng.pick([1, 2, 3, 4])];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      const size: [number, number] = [rng.int(1, 14), rng.int(1, 14)];
      const options = rng.next() < 0.5 ? { size, seed: k, index: rng.int(0, 1000) } : { size, scale: [0.3, 1] as [number, number], ratio: [0.5, 2] as [number, number], seed: k };
      const boxes = boxesOf(resizedCropParams(b, options));
      const expected = referenceExact(b, boxes, size[0], size[1]);
      const plan = resizedCropPlan(b, options);
      for (const backend of backends) {
        const out = dtype === 'uint8' ? new Uint8Array(expected.length) : new Float32Array(expected.length);
        backend.resizedCrop(b.data, out, plan, 0, n);
        expect(firstDifference(out, expected), `case ${k} ${backendName(backend)}`).toBe(-1);
      }
      // and within rounding of the float64 resize
      const exact = referenceFloat64(b, boxes, size[0], size[1]);
      const got = resizedCrop(b, options).data;
      const bound = dtype === 'uint8' ? 1 : 1e-4;
      for (let j = 0; j < exact.length; j += 1) expect(Math.abs(got[j]! - exact[j]!)).toBeLessThanOrEqual(bound);
    }
  });

  it('224-wide rows and large batches agree between js and native (the bench shape, smaller)', () => {
    const rng = testRng(21);
    for (const dtype of ['uint8', 'float32'] as const) {
      const b = randomBatch(rng, [3, 64, 80, 3], dtype, 'NHWC');
      const plan = resizedCropPlan(b, { size: [224, 224], seed: 3 });
      const outs = backends.map((backend) => {
        const out = dtype === 'uint8' ? new Uint8Array(3 * 224 * 224 * 3) : new Float32Array(3 * 224 * 224 * 3);
        backend.resizedCrop(b.data, out, plan, 0, 3);
        return out;
      });
      for (const out of outs.slice(1)) expect(firstDifference(out, outs[0]!)).toBe(-1);
      expect(firstDifference(outs[0]!, referenceExact(b, boxesOf(resizedCropParams(b, { size: [224, 224], seed: 3 })), 224, 224))).toBe(-1);
    }
  });
});

describe('drawn boxes', () => {
  it('follow the stream layout: attempt t of image k is block t of counter (t, index + k, epoch, 20)', () => {
    const b: Batch = { data: new Uint8Array(4 * 30 * 40), shape: [4, 30, 40, 1] };
    const p = resizedCropParams(b, { size: 8, seed: 77, index: 5, epoch: 2 });
    for (let k = 0; k < 4; k += 1) {
      let box: Box | undefined;
      let t = 0;
      for (; t < 10 && box === undefined; t += 1) {
        const words = philox4x32([t, 5 + k, 2, 20], [77, 0]);
        const area = 1200 * (0.08 + 0.92 * uniformOfWord(words[0]!));
        const ratio = Math.exp(Math.log(3 / 4) + (Math.log(4 / 3) - Math.log(3 / 4)) * uniformOfWord(words[1]!));
        const bw = Math.round(Math.sqrt(area * ratio));
        const bh = Math.round(Math.sqrt(area / ratio));
        if (bw <= 40 && bh <= 30) box = [Math.floor(uniformOfWord(words[2]!) * (30 - bh + 1)), Math.floor(uniformOfWord(words[3]!) * (40 - bw + 1)), bh, bw];
      }
      expect(boxesOf(p)[k]).toEqual(box);
      expect(p.attempt[k]).toBe(t - 1);
    }
  });

  it('match a simulation of torchvision\'s rule: area, aspect ratio, position and fallback rate', () => {
    // a wide 20 × 100 image: many attempts miss (too tall), some images fall back to the centre crop
    const [h, w, n] = [20, 100, 6000];
    const b: Batch = { data: new Uint8Array(n * h * w), shape: [n, h, w, 1] };
    const scale: [number, number] = [0.08, 1];
    const ratio: [number, number] = [3 / 4, 4 / 3];
    const drawn = boxesOf(resizedCropParams(b, { size: 4, seed: 9, scale, ratio }));
    const rng = testRng(99);
    const simulated = Array.from({ length: n }, () => torchvisionBox(rng, h, w, scale, ratio));
    const stats = (boxes: Box[]) => {
      const fallback = boxes.filter(([, , bh, bw]) => bh === 20 && bw === Math.round(20 * 4 / 3)).length / boxes.length;
      const area = boxes.reduce((s, [, , bh, bw]) => s + (bh * bw) / (h * w), 0) / boxes.length;
      const aspect = boxes.reduce((s, [, , bh, bw]) => s + Math.log(bw / bh), 0) / boxes.length;
      const centre = boxes.reduce((s, [, left, , bw]) => s + (left + bw / 2) / w, 0) / boxes.length;
      return { fallback, area, aspect, centre };
    };
    const a = stats(drawn);
    const s = stats(simulated);
    // binomial / mean standard errors at n = 6000 are below 0.007; 4 of them
    expect(a.fallback).toBeGreaterThan(0.05);
    expect(Math.abs(a.fallback - s.fallback)).toBeLessThan(0.03);
    expect(Math.abs(a.area - s.area)).toBeLessThan(0.01);
    expect(Math.abs(a.aspect - s.aspect)).toBeLessThan(0.02);
    expect(Math.abs(a.centre - s.centre)).toBeLessThan(0.01);
    expect(Math.abs(a.centre - 0.5)).toBeLessThan(0.01);
    // every box fits the image
    for (const [top, left, bh, bw] of drawn) expect(top >= 0 && left >= 0 && top + bh <= h && left + bw <= w && bh >= 1 && bw >= 1).toBe(true);
  });

  it('fall back to the centre crop clamped to the ratio range when nothing fits', () => {
    // scale [1, 1] with ratio [2, 3] on a square: the box never fits; centre crop w/h = 1 < 2: bw = w, bh = round(w / 2)
    const b: Batch = { data: new Uint8Array(2 * 10 * 10), shape: [2, 10, 10, 1] };
    const p = resizedCropParams(b, { size: 4, scale: [1, 1], ratio: [2, 3] });
    expect(boxesOf(p)).toEqual([[2, 0, 5, 10], [2, 0, 5, 10]]);
    expect([...p.attempt]).toEqual([10, 10]);
    // a tall 10 × 2 image (w/h = 0.2), ratio 0.5: sqrt(20·0.5) rounds to 3 > 2, never fits; 0.2 < 0.5: bw = 2, bh = round(2 / 0.5) = 4
    const tall: Batch = { data: new Uint8Array(20), shape: [1, 10, 2, 1] };
    expect(boxesOf(resizedCropParams(tall, { size: 4, scale: [1, 1], ratio: [0.5, 0.5] }))).toEqual([[3, 0, 4, 2]]);
    // ratio 0.1: sqrt(20 / 0.1) rounds to 14 > 10; 0.2 > 0.1: bh = 10, bw = round(10 · 0.1) = 1
    expect(boxesOf(resizedCropParams(tall, { size: 4, scale: [1, 1], ratio: [0.1, 0.1] }))).toEqual([[0, 0, 10, 1]]);
  });
});

describe('invariance and replay', () => {
  it('a sample gets the same box and bytes whatever the batch split and thread count', async () => {
    const rng = testRng(5);
    const b = randomBatch(rng, [6, 16, 20, 3], 'float32', 'NHWC');
    const whole = resizedCrop(b, { size: [9, 11], seed: 4, index: 10, epoch: 1 });
    const per = 9 * 11 * 3;
    const img = 16 * 20 * 3;
    const tail = resizedCrop({ data: b.data.slice(4 * img), shape: [2, 16, 20, 3] }, { size: [9, 11], seed: 4, index: 14, epoch: 1 });
    expect(firstDifference(tail.data, whole.data.subarray(4 * per))).toBe(-1);
    const saved = threadSplit.minPartNs;
    threadSplit.minPartNs = 0;
    try {
      for (const threads of [1, 2, 3, 6]) {
        const r = await resizedCropAsync(b, { size: [9, 11], seed: 4, index: 10, epoch: 1, threads });
        expect(firstDifference(r.data, whole.data), `threads ${threads}`).toBe(-1);
        expect(r.shape).toEqual([6, 9, 11, 3]);
      }
    } finally {
      threadSplit.minPartNs = saved;
    }
  });

  it('replays from the recorded boxes; another epoch draws other boxes', () => {
    const b = randomBatch(testRng(6), [5, 12, 12, 1], 'uint8', 'NCHW');
    const p = resizedCropParams(b, { size: 6, seed: 8, epoch: 3 });
    const drawn = resizedCrop(b, { size: 6, seed: 8, epoch: 3 });
    expect(firstDifference(resizedCrop(b, { size: 6, boxes: boxesOf(p) }).data, drawn.data)).toBe(-1);
    expect(resizedCrop(b, { size: 6, boxes: boxesOf(p).flat() }).layout).toBe('NCHW');
    expect(boxesOf(resizedCropParams(b, { size: 6, seed: 8, epoch: 4 }))).not.toEqual(boxesOf(p));
    expect([...resizedCropParams(b, { size: 6, boxes: [0, 0, 12, 12] }).attempt]).toEqual([255, 255, 255, 255, 255]);
  });

  it('writes into out', () => {
    const b = randomBatch(testRng(7), [2, 8, 8, 3], 'float32', 'NHWC');
    const out = new Float32Array(2 * 4 * 4 * 3);
    expect(resizedCrop(b, { size: 4, seed: 1, out }).data).toBe(out);
    expect(firstDifference(out, resizedCrop(b, { size: 4, seed: 1 }).data)).toBe(-1);
  });
});

describe('in a Pipeline, a preview and on tensors', () => {
  it('a step resizes every sample; records hold the boxes; replay and JSON round trips give the same bytes', async () => {
    const b = randomBatch(testRng(11), [4, 12, 16, 3], 'uint8', 'NHWC');
    const pipeline = new Pipeline([{ op: 'flip', options: { mode: 'horizontal' } }, { op: 'resizedCrop', options: { size: [6, 8], scale: [0.2, 1] } }, { op: 'brightness', options: { delta: 10 }, p: 0.5 }], { seed: 3 });
    const r = pipeline.run(b, { index: 7, epoch: 1, record: true });
    expect(r.shape).toEqual([4, 6, 8, 3]);
    const params = r.records.map((rec) => rec.steps[1]!.params);
    expect(params.every((p) => p.top! >= 0 && p.left! >= 0 && p.top! + p.height! <= 12 && p.left! + p.width! <= 16)).toBe(true);
    expect(new Set(params.map((p) => `${p.height}x${p.width}`)).size).toBeGreaterThan(1);
    expect(firstDifference(pipeline.replay(b, r.records).data, r.data)).toBe(-1);
    expect(firstDifference(Pipeline.fromJSON(JSON.stringify(pipeline.toJSON())).run(b, { index: 7, epoch: 1 }).data, r.data)).toBe(-1);
    expect(firstDifference((await pipeline.runAsync(b, { index: 7, epoch: 1, threads: 2 })).data, r.data)).toBe(-1);
    // a recorded box that does not fit is named
    const broken = structuredClone(r.records);
    broken[0]!.steps[1]!.params.height = 13;
    expect(() => pipeline.replay(b, broken)).toThrow('boxes');
  });

  it('a step applies to every sample, stays out of groups and takes no boxes', () => {
    expect(() => new Pipeline([{ op: 'resizedCrop', options: { size: 4 }, p: 0.5 }])).toThrow('Expected 1 for a resizedCrop step (it changes the image size, so it applies to every sample) for steps[0].p');
    expect(() => new Pipeline([{ op: 'oneOf', options: { steps: [{ op: 'resizedCrop', options: { size: 4 } }] } } as never])).toThrow('an op other than resizedCrop (a resizedCrop in a group would change the size');
    expect(() => new Pipeline([{ op: 'resizedCrop', options: { size: 4, boxes: [0, 0, 1, 1] } as never }])).toThrow('for steps[0].options.boxes');
    expect(() => new Pipeline([{ op: 'resizedCrop', options: { size: 0 } }])).toThrow('size');
  });

  it('a preview column is drawn at the output size', () => {
    const b: Batch = { data: new Uint8Array(2 * 4 * 4 * 3).fill(40), shape: [2, 4, 4, 3] };
    const read = (png: Buffer) => PNG.sync.read(png);
    const same = read(preview(b, [{ op: 'flip', options: { horizontal: true } }], { title: '', scale: 2 }));
    const larger = read(preview(b, [{ op: 'resizedCrop', options: { size: [6, 7] } }], { title: '', scale: 2 }));
    expect(larger.width - same.width).toBe(2 * 3 * 2);
  });

  it('resizedCropTensor: int32 and float32 NHWC tensors, the output size, the typed-array bytes', () => {
    const b = randomBatch(testRng(12), [2, 9, 7, 3], 'uint8', 'NHWC');
    const t = tf.tensor4d(Int32Array.from(b.data), [2, 9, 7, 3], 'int32');
    const y = resizedCropTensor(t, { size: [5, 4], seed: 2 });
    expect(y.shape).toEqual([2, 5, 4, 3]);
    expect(y.dtype).toBe('int32');
    expect([...y.dataSync()]).toEqual([...resizedCrop(b, { size: [5, 4], seed: 2 }).data]);
    const f = tf.tensor4d(Float32Array.from(b.data), [2, 9, 7, 3]);
    expect([...resizedCropTensor(f, { size: 3, boxes: [0, 0, 9, 7] }).dataSync()]).toEqual([...resizedCrop({ data: Float32Array.from(b.data), shape: [2, 9, 7, 3] }, { size: 3, boxes: [0, 0, 9, 7] }).data]);
    expect(() => resizedCropTensor(f, { size: 3, out: new Float32Array(54) } as never)).toThrow("Unknown option 'out' for resizedCropTensor");
    tf.dispose([t, y, f]);
  });
});

describe('bad input', () => {
  const b: Batch = { data: new Uint8Array(2 * 6 * 8), shape: [2, 6, 8, 1] };
  it('names the argument, before any work, in both backends', async () => {
    expect(() => resizedCrop(b, {} as never)).toThrow('for size but received undefined');
    expect(() => resizedCrop(b, { size: 0 })).toThrow(RangeError);
    expect(() => resizedCrop(b, { size: [4, 1.5] })).toThrow('for size[1]');
    expect(() => resizedCrop(b, { size: '4' as never })).toThrow(TypeError);
    expect(() => resizedCrop(b, { size: 4, scale: [0, 1] })).toThrow('for scale');
    expect(() => resizedCrop(b, { size: 4, scale: [0.5, 1.5] })).toThrow(RangeError);
    expect(() => resizedCrop(b, { size: 4, scale: 0.5 as never })).toThrow(TypeError);
    expect(() => resizedCrop(b, { size: 4, ratio: [2, 1] })).toThrow('for ratio');
    expect(() => resizedCrop(b, { size: 4, ratio: [0, 1] })).toThrow(RangeError);
    expect(() => resizedCrop(b, { size: 4, boxes: [0, 0, 7, 8] })).toThrow('Expected an integer between 1 and 6 for boxes[2] but received 7');
    expect(() => resizedCrop(b, { size: 4, boxes: [[0, 0, 6, 8]] })).toThrow('for boxes');
    expect(() => resizedCrop(b, { size: 4, boxes: [[0, 0, 6, 8], [0, -1, 6, 8]] })).toThrow('for boxes[1][1]');
    expect(() => resizedCrop(b, { size: 4, boxes: [0, 0, 6, 8], scale: [0.5, 1] })).toThrow('not both');
    expect(() => resizedCrop(b, { size: 4, sizes: 4 } as never)).toThrow("Unknown option 'sizes' for resizedCrop");
    expect(() => resizedCrop(b, { size: 4, out: new Uint8Array(3) })).toThrow('for out');
    expect(() => resizedCrop(b, { size: 4, seed: -1 })).toThrow('for seed');
    await expect(resizedCropAsync(b, { size: 4, threads: 0 })).rejects.toThrow('for threads');
  });
});
