// crop (issue 19): hand-computed cases for every fill, a reference from the
// definition, every backend and ISA bit-identical, drawn offsets from the
// published stream layout and uniform over the windows, split/thread
// invariance, Pipeline records and replay, bad input.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import type { CropRequest } from '../src/backends/backend.js';
import { cropImages, cropPieces } from '../src/backends/js/crop.js';
import { crop, cropAsync, cropOffsets, philox4x32, Pipeline, preview, STREAM, type Batch, type CropOptions, type Fill } from '../src/index.js';
import { cropPlan } from '../src/ops/crop.js';
import { backendName, backends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { extensionIndex, FILLS } from './helpers/fills.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

/** From the definition: output (y, x) of image i is the extended input at (y + top[i], x + left[i]). */
function referenceCrop(b: Batch, height: number, width: number, top: ArrayLike<number>, left: ArrayLike<number>, fill: Fill, fillValue: number): Uint8Array | Float32Array {
  const [n, h, w, c] = b.shape;
  const out = b.data instanceof Uint8Array ? new Uint8Array(n * height * width * c) : new Float32Array(n * height * width * c);
  const at = (i: number, y: number, x: number, ch: number, hh: number, ww: number): number => (b.layout === 'NCHW' ? ((i * c + ch) * hh + y) * ww + x : ((i * hh + y) * ww + x) * c + ch);
  for (let i = 0; i < n; i += 1) {
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const sy = extensionIndex(y + top[i]!, h, fill);
        const sx = extensionIndex(x + left[i]!, w, fill);
        for (let ch = 0; ch < c; ch += 1) out[at(i, y, x, ch, height, width)] = sy < 0 || sx < 0 ? fillValue : b.data[at(i, sy, sx, ch, h, w)]!;
      }
    }
  }
  return out;
}

describe('hand-computed: the row [10, 20, 30, 40], a window of 6 from column −3', () => {
  const row: Batch = { data: Uint8Array.from([10, 20, 30, 40]), shape: [1, 1, 4, 1] };
  // output x takes input x − 3: positions −3 … 2 of the extended row
  const expected: Record<Fill, number[]> = {
    constant: [7, 7, 7, 10, 20, 30], // fillValue 7
    nearest: [10, 10, 10, 10, 20, 30],
    reflect: [30, 20, 10, 10, 20, 30], // cba|abc
    mirror: [40, 30, 20, 10, 20, 30], // dcb|abc
    wrap: [20, 30, 40, 10, 20, 30],
  };
  for (const fill of FILLS) {
    it(fill, () => {
      for (const Type of [Uint8Array, Float32Array]) {
        const b: Batch = { data: Type.from(row.data), shape: [1, 1, 4, 1] };
        const r = crop(b, { height: 1, width: 6, left: -3, fill, fillValue: 7 });
        expect(r.shape).toEqual([1, 1, 6, 1]);
        expect([...r.data]).toEqual(expected[fill]);
        // the same down a column
        expect([...crop({ data: b.data, shape: [1, 4, 1, 1] }, { height: 6, width: 1, top: -3, fill, fillValue: 7 }).data]).toEqual(expected[fill]);
        for (const backend of backends) {
          const out = new Type(6);
          backend.crop(b.data, out, cropPlan(b, { height: 1, width: 6, left: -3, fill, fillValue: 7 }), 0, 1);
          expect([...out], backendName(backend)).toEqual(expected[fill]);
        }
      }
    });
  }

  it("the CIFAR recipe on a 2×2 image of 2 channels: padding 1, crop 2, window (−1, 0) with constant 0", () => {
    // NHWC pixels (y, x) = [10y + x + 1, 100 + 10y + x]; window rows −1, 0, columns 0, 1
    const b: Batch = { data: Uint8Array.from([1, 100, 2, 101, 11, 110, 12, 111]), shape: [1, 2, 2, 2] };
    expect([...crop(b, { height: 2, width: 2, top: -1, left: 0 }).data]).toEqual([0, 0, 0, 0, 1, 100, 2, 101]);
    const nchw: Batch = { data: Uint8Array.from([1, 2, 11, 12, 100, 101, 110, 111]), shape: [1, 2, 2, 2], layout: 'NCHW' };
    expect([...crop(nchw, { height: 2, width: 2, top: -1, left: 0 }).data]).toEqual([0, 0, 1, 2, 0, 0, 100, 101]);
  });

  it('a window inside the image is a plain sub-image; the default fill is constant 0', () => {
    const b: Batch = { data: Float32Array.from({ length: 20 }, (_, i) => i), shape: [1, 4, 5, 1] };
    expect([...crop(b, { height: 2, width: 3, top: 1, left: 2 }).data]).toEqual([7, 8, 9, 12, 13, 14]);
    expect([...crop(b, { height: 1, width: 2, top: -1, left: 4 }).data]).toEqual([0, 0]);
  });
});

describe('matches the reference on every backend and ISA, bit for bit', () => {
  it('randomized shapes, dtypes, layouts, fills, given and drawn offsets', () => {
    const rng = testRng(3232);
    for (let t = 0; t < 200; t += 1) {
      const shape: Shape = [rng.int(0, 4), rng.pick([1, 2, 5, 9]), rng.pick([1, 3, 8, 17]), rng.int(1, 5)];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      const fill = rng.pick(FILLS);
      const fillValue = dtype === 'uint8' ? rng.int(0, 255) : rng.next() * 10 - 5;
      let opts: CropOptions;
      if (rng.next() < 0.5) {
        const padding = rng.pick([0, 1, 4, [2, 0], [0, 3]] as const) as number | [number, number];
        const [py, px] = typeof padding === 'number' ? [padding, padding] : padding;
        opts = { height: rng.int(1, shape[1] + 2 * py), width: rng.int(1, shape[2] + 2 * px), padding, seed: rng.int(0, 1000), index: rng.int(0, 10_000), epoch: rng.int(0, 3) };
      } else {
        opts = { height: rng.int(1, 12), width: rng.int(1, 20), top: Array.from({ length: shape[0] }, () => rng.int(-30, 30)), left: rng.pick([0, -7, 5, 1000, -(2 ** 30)]) };
      }
      Object.assign(opts, { fill, fillValue });
      const plan = cropPlan(b, opts);
      const expected = referenceCrop(b, opts.height, opts.width, plan.top, plan.left, fill, dtype === 'uint8' ? fillValue : Math.fround(fillValue));
      const what = `case ${t} ${JSON.stringify({ shape, dtype, layout: b.layout, ...opts })}`;
      const r = crop(b, opts);
      expect(r.shape, what).toEqual([shape[0], opts.height, opts.width, shape[3]]);
      expect(r.layout).toBe(b.layout);
      expect(firstDifference(r.data, expected), what).toBe(-1);
      for (const backend of backends) {
        const out = dtype === 'uint8' ? new Uint8Array(expected.length) : new Float32Array(expected.length);
        backend.crop(b.data, out, plan, 0, shape[0]);
        expect(firstDifference(out, expected), `${backendName(backend)} ${what}`).toBe(-1);
      }
    }
  });

  it('float32 moves as bits: NaN payloads survive, the fill value too', () => {
    const words = Uint32Array.of(0x7f800001, 0xffc00123, 0x80000000, 0x3f800000);
    const b: Batch = { data: new Float32Array(words.buffer), shape: [1, 2, 2, 1] };
    for (const backend of backends) {
      const out = new Float32Array(9);
      backend.crop(b.data, out, cropPlan(b, { height: 3, width: 3, top: 0, left: -1, fill: 'constant', fillValue: -0 }), 0, 1);
      expect([...new Uint32Array(out.buffer)], backendName(backend)).toEqual([0x80000000, 0x7f800001, 0xffc00123, 0x80000000, 0x80000000, 0x3f800000, 0x80000000, 0x80000000, 0x80000000]);
    }
  });
});

describe('drawn offsets', () => {
  it('follow the published stream layout: block (0, index + k, epoch, 18), top = −py + ⌊U(w0)·(h + 2py − height + 1)⌋', () => {
    const n = 300;
    const b: Batch = { data: new Uint8Array(n * 32 * 30 * 3), shape: [n, 32, 30, 3] };
    const o = cropOffsets(b, { height: 32, width: 28, padding: [4, 3], seed: 9, index: 77, epoch: 5 });
    for (let k = 0; k < n; k += 1) {
      const [w0, w1] = philox4x32([0, 77 + k, 5, STREAM.crop], [9, 0]);
      expect([o.top[k], o.left[k]]).toEqual([-4 + Math.floor(uniformOfWord(w0!) * 9), -3 + Math.floor(uniformOfWord(w1!) * 9)]);
    }
  });

  it('every window of the padded image comes up, about equally often (chi-square over 9 × 9 windows)', () => {
    const n = 20_000;
    const b: Batch = { data: new Uint8Array(n * 32 * 32), shape: [n, 32, 32, 1] };
    const o = cropOffsets(b, { height: 32, width: 32, padding: 4, seed: 1 });
    const counts = new Array<number>(81).fill(0);
    for (let k = 0; k < n; k += 1) {
      expect(o.top[k]! >= -4 && o.top[k]! <= 4 && o.left[k]! >= -4 && o.left[k]! <= 4).toBe(true);
      const cell = (o.top[k]! + 4) * 9 + o.left[k]! + 4;
      counts[cell] = counts[cell]! + 1;
    }
    const expected = n / 81;
    const chi2 = counts.reduce((s, x) => s + (x - expected) ** 2 / expected, 0);
    // 80 degrees of freedom: P(chi2 > 140) < 1e-4
    expect(chi2).toBeLessThan(140);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('without padding, a window as large as the image is the image itself', () => {
    const b: Batch = { data: Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => i), shape: [3, 4, 5, 1] };
    const o = cropOffsets(b, { height: 4, width: 5, seed: 3 });
    expect([...o.top, ...o.left]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(firstDifference(crop(b, { height: 4, width: 5, seed: 3 }).data, b.data)).toBe(-1);
  });
});

describe('batch split and threads', () => {
  it('image i gets the same result whatever the batch split and thread count', async () => {
    const rng = testRng(92);
    for (const dtype of ['uint8', 'float32'] as const) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        const b = randomBatch(rng, [9, 12, 10, 3], dtype, layout);
        const opts: CropOptions = { height: 12, width: 9, padding: 4, fill: 'reflect', seed: 77n, index: 100, epoch: 2 };
        const whole = crop(b, opts);
        const per = 12 * 10 * 3;
        const outPer = 12 * 9 * 3;
        for (const [from, to] of [[0, 4], [4, 5], [5, 9]] as const) {
          const part = crop({ data: b.data.subarray(from * per, to * per), shape: [to - from, 12, 10, 3], layout }, { ...opts, index: 100 + from });
          expect(firstDifference(part.data, whole.data.subarray(from * outPer, to * outPer))).toBe(-1);
        }
        for (const threads of [1, 2, 3, 8]) {
          const r = await cropAsync(b, { ...opts, threads });
          expect(r.shape).toEqual([9, 12, 9, 3]);
          expect(firstDifference(r.data, whole.data)).toBe(-1);
          const out = dtype === 'uint8' ? new Uint8Array(whole.data.length) : new Float32Array(whole.data.length);
          expect((await cropAsync(b, { ...opts, threads, out })).data).toBe(out);
          expect(firstDifference(out, whole.data)).toBe(-1);
        }
      }
    }
  });

  it('js async work cut into pieces of any size gives the bytes of the whole images', () => {
    const rng = testRng(24);
    for (const dtype of ['uint8', 'float32'] as const) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        for (const fill of FILLS) {
          const b = randomBatch(rng, [3, 5, 11, 3], dtype, layout);
          const plan: CropRequest = { h: 5, w: 11, c: 3, layout, outH: 7, outW: 13, fill: FILLS.indexOf(fill), fillValue: 9, top: Int32Array.of(-1, 0, 3), left: Int32Array.of(-2, 0, 5) };
          const whole = dtype === 'uint8' ? new Uint8Array(3 * 7 * 13 * 3) : new Float32Array(3 * 7 * 13 * 3);
          cropImages(plan, b.data, whole, 0, 3);
          expect(firstDifference(whole, referenceCrop(b, 7, 13, plan.top, plan.left, fill, 9))).toBe(-1);
          for (const unit of [1, 2, 5, 40]) {
            const pieces = dtype === 'uint8' ? new Uint8Array(whole.length) : new Float32Array(whole.length);
            for (const _ of cropPieces(plan, b.data, pieces, 0, 3, unit));
            expect(firstDifference(pieces, whole), `${dtype} ${layout} ${fill} unit ${unit}`).toBe(-1);
          }
        }
      }
    }
  });
});

describe('in a Pipeline', () => {
  const batchOf = (n: number): Batch => ({ data: Uint8Array.from({ length: n * 8 * 8 * 3 }, (_, i) => (i * 37) & 255), shape: [n, 8, 8, 3] });

  it('a crop step runs crop with the step seed, records { top, left }, replays them, and survives JSON', async () => {
    const steps = [
      { op: 'crop', options: { height: 8, width: 8, padding: 2 } },
      { op: 'flip', options: { p: 0.5 } },
      { op: 'crop', options: { height: 6, width: 5, fill: 'wrap' } },
    ] as const;
    const pipeline = new Pipeline(structuredClone(steps) as never, { seed: 5 });
    const b = batchOf(30);
    const run = pipeline.run(b, { index: 40, epoch: 1, record: true });
    expect(run.shape).toEqual([30, 6, 5, 3]);
    const alone = new Pipeline([{ op: 'crop', options: { height: 8, width: 8, padding: 2 } }], { seed: 5 }).run(b, { index: 40, epoch: 1, record: true });
    expect(run.records.map((r) => r.steps[0]!.params)).toEqual(alone.records.map((r) => r.steps[0]!.params));
    for (const r of run.records) {
      expect(r.steps[0]!.applied).toBe(true);
      expect(Math.abs(r.steps[0]!.params.top!) <= 2 && Math.abs(r.steps[0]!.params.left!) <= 2).toBe(true);
      expect(r.steps[2]!.params.top! >= 0 && r.steps[2]!.params.top! <= 2 && r.steps[2]!.params.left! >= 0 && r.steps[2]!.params.left! <= 3).toBe(true);
    }
    expect(new Set(run.records.map((r) => `${r.steps[0]!.params.top},${r.steps[0]!.params.left}`)).size).toBeGreaterThan(5);
    const replayed = pipeline.replay(b, JSON.parse(JSON.stringify(run.records)) as typeof run.records);
    expect(replayed.shape).toEqual([30, 6, 5, 3]);
    expect(firstDifference(replayed.data, run.data)).toBe(-1);
    const asyncRun = await pipeline.runAsync(b, { index: 40, epoch: 1, threads: 2 });
    expect(asyncRun.shape).toEqual([30, 6, 5, 3]);
    expect(firstDifference(asyncRun.data, run.data)).toBe(-1);
    const copy = Pipeline.fromJSON(JSON.stringify(pipeline));
    expect(firstDifference(copy.run(b, { index: 40, epoch: 1 }).data, run.data)).toBe(-1);
    // split invariance through the pipeline
    const per = 8 * 8 * 3;
    const tail = pipeline.run({ data: b.data.subarray(10 * per), shape: [20, 8, 8, 3] }, { index: 50, epoch: 1 });
    expect(firstDifference(tail.data, run.data.subarray(10 * 6 * 5 * 3))).toBe(-1);
  });

  it('a crop step applies to every sample: p must be 1; its records must say applied, with integer offsets', () => {
    expect(() => new Pipeline([{ op: 'crop', options: { height: 4, width: 4 }, p: 0.5 }])).toThrow(new RangeError('Expected 1 for a crop step (it changes the image size, so it applies to every sample) for steps[0].p but received 0.5 of type number'));
    const pipeline = new Pipeline([{ op: 'crop', options: { height: 4, width: 4, padding: 1 } }]);
    const b = batchOf(1);
    const { records } = pipeline.run(b, { record: true });
    const bad = structuredClone(records);
    bad[0]!.steps[0]!.applied = false;
    expect(() => pipeline.replay(b, bad)).toThrow(new RangeError('Expected true (a crop step applies to every sample) for records[0].steps[0].applied but received false of type boolean'));
    const half = structuredClone(records);
    half[0]!.steps[0]!.params.top = 0.5;
    expect(() => pipeline.replay(b, half)).toThrow(new RangeError('Expected an integer with |value| <= 2^30 (pixels) for records[0].steps[0].params.top but received 0.5 of type number'));
  });

  it('step options are checked at construction, whatever the size of the crop', () => {
    expect(() => new Pipeline([{ op: 'crop', options: { height: 4 } as never }])).toThrow('steps[0] (crop): Expected an integer between 1 and 4294967295 (the output width) for width but received undefined');
    expect(() => new Pipeline([{ op: 'crop', options: { height: 4, width: 4, fill: 'edge' as Fill } }])).toThrow("steps[0] (crop): Expected 'constant', 'nearest', 'reflect', 'mirror' or 'wrap' for fill but received 'edge'");
    expect(() => new Pipeline([{ op: 'crop', options: { height: 4, width: 4, left: [1] as unknown as number } }])).toThrow('Expected a number (a step crops every image at the same given offset; per-image offsets are not a pipeline option: use padding to draw them) for steps[0].options.left but received array(1)');
    expect(() => new Pipeline([{ op: 'crop', options: { height: 3 * 2 ** 20, width: 2 ** 20, padding: 4 } }])).toThrow('steps[0] (crop): Expected an output size with height·width·c <= ');
    expect(new Pipeline([{ op: 'crop', options: { height: 224, width: 224, padding: 16 } }]).steps).toHaveLength(1);
  });
});

describe('bad input', () => {
  const b: Batch = { data: new Uint8Array(2 * 3 * 4), shape: [2, 3, 4, 1] };
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    ['batch not an object', () => crop(5 as unknown as Batch, { height: 1, width: 1 }), TypeError, 'Expected an object { data, shape, layout? } for batch but received 5 of type number'],
    ['no options', () => crop(b, undefined as unknown as CropOptions), TypeError, 'Expected an integer between 1 and 4294967295 (the output height) for height but received undefined'],
    ['height zero', () => crop(b, { height: 0, width: 2 }), RangeError, 'Expected an integer between 1 and 4294967295 for height but received 0'],
    ['width fractional', () => crop(b, { height: 2, width: 1.5 }), RangeError, 'Expected an integer between 1 and 4294967295 for width but received 1.5'],
    ['window larger than the padded image', () => crop(b, { height: 6, width: 2, padding: 1 }), RangeError, 'Expected an integer between 1 and 5 (the padded height, h + 2·padding) for height but received 6'],
    ['window wider than the image', () => crop(b, { height: 2, width: 5 }), RangeError, 'Expected an integer between 1 and 4 (the padded width, w + 2·padding) for width but received 5'],
    ['negative padding', () => crop(b, { height: 2, width: 2, padding: -1 }), RangeError, 'Expected an integer between 0 and 2^30, or [vertical, horizontal] of two such integers for padding but received -1'],
    ['padding of three', () => crop(b, { height: 2, width: 2, padding: [1, 2, 3] as unknown as number }), TypeError, 'for padding but received array(3)'],
    ['padding[1] fractional', () => crop(b, { height: 2, width: 2, padding: [1, 0.5] }), RangeError, 'Expected an integer between 0 and 1073741824 for padding[1] but received 0.5'],
    ['given and drawn', () => crop(b, { height: 2, width: 2, top: 1, padding: 1 }), TypeError, 'Expected either given offsets (top, left) or drawn ones (padding) for crop, not both'],
    ['fractional top', () => crop(b, { height: 2, width: 2, top: 0.5 }), RangeError, 'Expected an integer or an array of 2 integers (one per image) with |value| <= 2^30 for top but received 0.5'],
    ['too large left', () => crop(b, { height: 2, width: 2, left: [0, 2 ** 30 + 1] }), RangeError, 'Expected an integer between -1073741824 and 1073741824 for left[1] but received 1073741825'],
    ['wrong-length top', () => crop(b, { height: 2, width: 2, top: [1, 2, 3] }), RangeError, 'for top but received array(3)'],
    ['unknown fill', () => crop(b, { height: 2, width: 2, fill: 'edge' as Fill }), TypeError, "Expected 'constant', 'nearest', 'reflect', 'mirror' or 'wrap' for fill but received 'edge'"],
    ['fill null', () => crop(b, { height: 2, width: 2, fill: null as unknown as Fill }), TypeError, 'for fill but received null'],
    ['fillValue out of uint8 range', () => crop(b, { height: 2, width: 2, fillValue: 256 }), RangeError, 'Expected an integer between 0 and 255 for uint8 data for fillValue but received 256'],
    ['out of the input size', () => crop(b, { height: 2, width: 2, out: new Uint8Array(24) }), RangeError, 'Expected a Uint8Array of length 8 for out but received Uint8Array(24)'],
    ['in place', () => crop(b, { height: 3, width: 4, out: b.data }), RangeError, 'Expected an array that does not overlap batch.data (this op cannot run in place) for out'],
    ['out of the wrong type', () => crop(b, { height: 2, width: 2, out: new Float32Array(8) }), TypeError, 'Expected a Uint8Array like the batch data for out but received Float32Array(8)'],
    ['output larger than any array', () => crop(b, { height: 2 ** 20, width: 2 ** 20, top: 0 }), RangeError, 'Expected an output size with height·width·c <= '],
    ['index too large', () => crop(b, { height: 2, width: 2, index: 2 ** 32 - 1 }), RangeError, 'Expected an integer between 0 and 4294967294 for index'],
    ['unknown option', () => crop(b, { height: 2, width: 2, size: 1 } as CropOptions), TypeError, "Unknown option 'size' for crop; expected one of: seed, index, epoch, height, width, padding, top, left, fill, fillValue, out"],
  ];
  for (const [what, call, type, message] of cases) {
    it(what, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
  it('async rejects with the same errors, before any work', async () => {
    await expect(cropAsync(b, { height: 9, width: 2 })).rejects.toThrow(RangeError);
    await expect(cropAsync(b, { height: 2, width: 2, threads: 0 })).rejects.toThrow('for threads');
  });
  it('n = 0 is a valid, empty batch of the output size', async () => {
    const r = crop({ data: new Float32Array(0), shape: [0, 3, 3, 2] }, { height: 5, width: 4, padding: 1 });
    expect(r.shape).toEqual([0, 5, 4, 2]);
    expect(r.data).toHaveLength(0);
    expect((await cropAsync({ data: new Uint8Array(0), shape: [0, 3, 3, 1] }, { height: 2, width: 2 })).data).toHaveLength(0);
  });
  it('the bounds are accepted: |top| = 2^30, padding 2^30 (when the drawn offsets stay within 2^30)', () => {
    expect(crop(b, { height: 1, width: 1, top: [2 ** 30, -(2 ** 30)], left: 0, fill: 'wrap' }).data).toHaveLength(2);
    // the largest drawn offset, h + padding − height, is 2^30 at most
    expect(crop(b, { height: 3, width: 4, padding: 2 ** 30, fill: 'reflect', seed: 1 }).data).toHaveLength(24);
    expect(() => crop(b, { height: 2, width: 4, padding: 2 ** 30 })).toThrow(new RangeError('Expected at least h + padding − 2^30 = 3 for a drawn crop of this batch for height but received 2 of type number'));
  });
});

describe('in a preview', () => {
  it('a crop column is drawn at its own size; cells fit the largest image', () => {
    const b: Batch = { data: new Uint8Array(2 * 4 * 4 * 3).fill(40), shape: [2, 4, 4, 3] };
    const read = (png: Buffer) => PNG.sync.read(png);
    const flipped = read(preview(b, [{ op: 'flip', options: { horizontal: true } }], { title: '', scale: 2 }));
    const larger = read(preview(b, [{ op: 'crop', options: { height: 6, width: 7, padding: 2 } }], { title: '', scale: 2 }));
    const smaller = read(preview(b, [{ op: 'crop', options: { height: 2, width: 3 } }], { title: '', scale: 2 }));
    // two columns (original and the step): 7 − 4 more pixels each at scale 2 (heights also depend on how headers wrap)
    expect(larger.width - flipped.width).toBe(2 * 3 * 2);
    expect(smaller.width).toBe(flipped.width);
    expect(larger.height).toBeGreaterThan(2 * 6 * 2);
  });
});
