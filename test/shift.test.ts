// shift (DESIGN §4): hand-computed cases, an independent float64 reference,
// every backend and ISA bit-identical, split/thread invariance, bad input.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { ShiftRequest } from '../src/backends/backend.js';
import { philox4x32, shift, shiftAsync, shiftOffsets, type Batch, type Fill, type ShiftOptions } from '../src/index.js';
import { shiftImages, shiftPieces } from '../src/backends/js/shift.js';
import { shiftPlan } from '../src/ops/shift.js';
import { backendName, backends, nativeBackends } from './helpers/backends.js';
import { extensionIndex, FILLS } from './helpers/fills.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';
import { STREAM } from '../src/streams.js';

/** Bilinear in float64 from the definition: output (y, x) = input (y − dy, x − dx) of the extended image. */
function referenceShift(b: Batch, dx: number[], dy: number[], fill: Fill, fillValue: number): Float64Array {
  const [n, h, w, c] = b.shape;
  const out = new Float64Array(b.data.length);
  const at = (i: number, y: number, x: number, ch: number): number =>
    b.layout === 'NCHW' ? ((i * c + ch) * h + y) * w + x : ((i * h + y) * w + x) * c + ch;
  const sample = (i: number, y: number, x: number, ch: number): number => {
    const yy = extensionIndex(y, h, fill);
    const xx = extensionIndex(x, w, fill);
    return yy < 0 || xx < 0 ? fillValue : b.data[at(i, yy, xx, ch)]!;
  };
  for (let i = 0; i < n; i += 1) {
    for (let y = 0; y < h; y += 1) {
      for (let x = 0; x < w; x += 1) {
        const sy = y - dy[i]!;
        const sx = x - dx[i]!;
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const fy = sy - y0;
        const fx = sx - x0;
        for (let ch = 0; ch < c; ch += 1) {
          const top = (1 - fx) * sample(i, y0, x0, ch) + (fx === 0 ? 0 : fx * sample(i, y0, x0 + 1, ch));
          const bottom = fy === 0 ? 0 : (1 - fx) * sample(i, y0 + 1, x0, ch) + (fx === 0 ? 0 : fx * sample(i, y0 + 1, x0 + 1, ch));
          out[at(i, y, x, ch)] = (1 - fy) * top + fy * bottom;
        }
      }
    }
  }
  return out;
}

function randomBatch(rng: ReturnType<typeof testRng>, shape: [number, number, number, number], dtype: 'uint8' | 'float32', layout: 'NHWC' | 'NCHW'): Batch {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'uint8' ? Uint8Array.from({ length: size }, () => rng.int(0, 255)) : Float32Array.from({ length: size }, () => (rng.next() - 0.5) * 100);
  return { data, shape, layout };
}

/**
 * Shifts `b` on every backend (and ISA) and expects each output to equal the
 * per-element definition; `label` names the case in a failure (with the
 * first wrong element's image).
 */
function expectShiftsAsDefined(b: Batch, dx: number[], dy: number[], fill: Fill, fillValue: number, label: string): void {
  const expected = referenceShift(b, dx, dy, fill, fillValue);
  const plan = shiftPlan(b, { dx, dy, fill, fillValue });
  const imageSize = b.data.length / b.shape[0];
  for (const backend of backends) {
    const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
    backend.shift(b.data, out, plan, 0, b.shape[0]);
    const wrong = expected.findIndex((v, i) => v !== out[i]);
    expect(wrong, `${backendName(backend)} ${label}, image ${Math.floor(wrong / imageSize)}`).toBe(-1);
  }
}

describe('hand-computed: a 1×4 row [10, 20, 30, 40] shifted right by 6', () => {
  const row: Batch = { data: Uint8Array.from([10, 20, 30, 40]), shape: [1, 1, 4, 1] };
  // output x takes input x − 6: positions −6, −5, −4, −3 of the extended row
  const expected: Record<Fill, number[]> = {
    constant: [7, 7, 7, 7], // fillValue 7
    nearest: [10, 10, 10, 10], // aaa|abcd
    reflect: [30, 40, 40, 30], // … abcd dcba | abcd: −1..−6 = a b c d d c
    mirror: [10, 20, 30, 40], // … bcd cb | abcd: −1..−6 = b c d c b a
    wrap: [30, 40, 10, 20], // abcd|abcd: −6 ≡ 2
  };
  for (const fill of FILLS) {
    it(fill, () => {
      for (const backend of backends) {
        const out = new Uint8Array(4);
        const r: ShiftRequest = {
          h: 1, w: 4, c: 1, layout: 'NHWC', fill: FILLS.indexOf(fill), fillValue: 7,
          kx: Int32Array.of(6), ky: Int32Array.of(0), wx1: Float32Array.of(0), wx0: Float32Array.of(4096), wy1: Float32Array.of(0), wy0: Float32Array.of(4096),
        };
        backend.shift(row.data, out, r, 0, 1);
        expect([...out], backendName(backend)).toEqual(expected[fill]);
      }
      expect([...shift(row, { dx: 6, fill, fillValue: 7 }).data]).toEqual(expected[fill]);
      // the same in a column (dy), and in float32
      expect([...shift({ data: row.data, shape: [1, 4, 1, 1] }, { dy: 6, fill, fillValue: 7 }).data]).toEqual(expected[fill]);
      expect([...shift({ data: Float32Array.from(row.data), shape: [1, 1, 4, 1] }, { dx: 6, fill, fillValue: 7 }).data]).toEqual(expected[fill]);
    });
  }

  it('a half-pixel shift blends neighbours; uint8 rounds half to even', () => {
    // dx = 0.5: out[x] = (in[x − 1] + in[x]) / 2 with nearest fill: [10, 15, 25, 35]
    expect([...shift({ data: Float32Array.from([10, 20, 30, 40]), shape: [1, 1, 4, 1] }, { dx: 0.5, fill: 'nearest' }).data]).toEqual([10, 15, 25, 35]);
    // 1 and 2 → 1.5 → 2 (even); 2 and 3 → 2.5 → 2 (even)
    expect([...shift({ data: Uint8Array.from([1, 2, 3, 3]), shape: [1, 1, 4, 1] }, { dx: 0.5, fill: 'nearest' }).data]).toEqual([1, 2, 2, 3]);
  });

  it("interpolation 'nearest' and subpixel: false round offsets half to even", () => {
    const b: Batch = { data: Float32Array.from([10, 20, 30, 40]), shape: [1, 1, 4, 1] };
    expect([...shift(b, { dx: 2.5, interpolation: 'nearest', fill: 'constant' }).data]).toEqual([0, 0, 10, 20]); // 2.5 → 2
    expect([...shift(b, { dx: 1.5, interpolation: 'nearest', fill: 'constant' }).data]).toEqual([0, 0, 10, 20]); // 1.5 → 2
    const drawn = shiftOffsets({ data: new Uint8Array(64 * 10), shape: [64, 10, 1, 1] }, { x: 0.5, subpixel: false, seed: 3 });
    for (const v of drawn.dx) expect(Number.isInteger(v)).toBe(true);
    // negative ties round half to even too: -0.5 → -0, -1.5 → -2, -2.5 → -2 (content moves left)
    expect([...shift(b, { dx: -0.5, interpolation: 'nearest', fill: 'constant' }).data]).toEqual([10, 20, 30, 40]);
    expect([...shift(b, { dx: -1.5, interpolation: 'nearest', fill: 'constant' }).data]).toEqual([30, 40, 0, 0]);
    expect([...shift(b, { dx: -2.5, interpolation: 'nearest', fill: 'constant' }).data]).toEqual([30, 40, 0, 0]);
  });

  it('uint8 weights round f · 4096 half to even: 17/8192 gives w1 = 8 (8.5), and [255, 0] stays [255, 0]', () => {
    // out[1] = (8 · 255 + 4088 · 0) / 4096 = 0.498 → 0; with w1 = 9 it would be 0.56 → 1
    const row: Batch = { data: Uint8Array.from([255, 0]), shape: [1, 1, 2, 1] };
    expect(shiftPlan(row, { dx: 17 / 8192 }).wx1[0]).toBe(8);
    expect(shiftPlan(row, { dx: 5 / 8192 }).wx1[0]).toBe(2); // 2.5 → 2
    expect(shiftPlan(row, { dx: 7 / 8192 }).wx1[0]).toBe(4); // 3.5 → 4
    for (const backend of backends) {
      const out = new Uint8Array(2);
      backend.shift(row.data, out, shiftPlan(row, { dx: 17 / 8192, fill: 'nearest' }), 0, 1);
      expect([...out], backendName(backend)).toEqual([255, 0]);
    }
  });

  it('a fraction that rounds to a whole weight is a whole-pixel copy: dx = -1e-9 gives the bits of dx = 0', () => {
    // f = 1 − 1e-9 rounds to weight 1: the plan carries it into k, so there is no 0 · ∞ blend
    const b: Batch = { data: Float32Array.from([1, -0, Infinity, 4]), shape: [1, 1, 4, 1] };
    const plan = shiftPlan(b, { dx: -1e-9 });
    expect([plan.kx[0], plan.wx1[0]]).toEqual([0, 0]);
    for (const backend of backends) {
      const out = new Float32Array(4);
      backend.shift(b.data, out, plan, 0, 1);
      expect([...new Uint32Array(out.buffer)], backendName(backend)).toEqual([...new Uint32Array(Float32Array.from(b.data).buffer)]);
    }
  });
});

describe('matches the float64 reference from the definition', () => {
  const rng = testRng(44);
  const shapes: Array<[number, number, number, number]> = [[1, 1, 1, 1], [2, 1, 7, 1], [2, 6, 1, 2], [3, 5, 7, 3], [2, 8, 6, 4], [1, 4, 9, 5], [2, 3, 3, 1]];
  const offsets = [0, 1, -1, 2, -3, 0.5, -0.25, 1.75, -2.6, 7.3, -11, 13.9, 1e6, -1e6 + 0.5, 999_999.75];
  for (const dtype of ['uint8', 'float32'] as const) {
    for (const fill of FILLS) {
      it(`${dtype}, fill ${fill}`, () => {
        let worst = 0;
        for (const shape of shapes) {
          for (const layout of ['NHWC', 'NCHW'] as const) {
            const b = randomBatch(rng, shape, dtype, layout);
            const dx = Array.from({ length: shape[0] }, () => rng.pick(offsets));
            const dy = Array.from({ length: shape[0] }, () => rng.pick(offsets));
            const fillValue = dtype === 'uint8' ? rng.int(0, 255) : rng.next() * 10 - 5;
            const got = shift(b, { dx, dy, fill, fillValue });
            const ref = referenceShift(b, dx, dy, fill, dtype === 'uint8' ? fillValue : Math.fround(fillValue));
            for (let i = 0; i < ref.length; i += 1) {
              const err = Math.abs(got.data[i]! - ref[i]!);
              if (dtype === 'uint8') worst = Math.max(worst, err);
              else expect(err).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(ref[i]!)));
            }
            // integer offsets copy exactly
            if (dx.every(Number.isInteger) && dy.every(Number.isInteger)) {
              for (let i = 0; i < ref.length; i += 1) expect(got.data[i]).toBe(dtype === 'uint8' ? ref[i] : Math.fround(ref[i]!));
            }
          }
        }
        if (dtype === 'uint8') expect(worst).toBeLessThanOrEqual(1);
      });
    }
  }

  it('uint8 bilinear is within 1 level of exact float64 bilinear, over many random fractions', () => {
    let worst = 0;
    for (let t = 0; t < 200; t += 1) {
      const b = randomBatch(rng, [1, 4, 4, 1], 'uint8', 'NHWC');
      const dx = [rng.next() * 8 - 4];
      const dy = [rng.next() * 8 - 4];
      const ref = referenceShift(b, dx, dy, 'reflect', 0);
      const got = shift(b, { dx, dy, fill: 'reflect' });
      for (let i = 0; i < ref.length; i += 1) worst = Math.max(worst, Math.abs(got.data[i]! - ref[i]!));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe('every backend and ISA gives the same bytes', () => {
  it('randomized shapes, dtypes, layouts, fills, given and drawn offsets', () => {
    const rng = testRng(4242);
    for (let t = 0; t < 150; t += 1) {
      const shape: [number, number, number, number] = [rng.int(0, 4), rng.pick([1, 2, 5, 17, 32]), rng.pick([1, 3, 16, 31, 70]), rng.int(1, 5)];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      const opts: ShiftOptions = {
        fill: rng.pick(FILLS),
        fillValue: dtype === 'uint8' ? rng.int(0, 255) : rng.next(),
        interpolation: rng.next() < 0.8 ? 'bilinear' : 'nearest',
      };
      if (rng.next() < 0.5) {
        opts.x = rng.pick([0.1, 0.5, 2, [-0.3, 0.1]] as const) as ShiftOptions['x'];
        opts.y = rng.pick([0.2, 1, [0, 0.25]] as const) as ShiftOptions['y'];
        opts.subpixel = rng.next() < 0.7;
        opts.seed = rng.int(0, 1000);
        opts.index = rng.int(0, 10_000);
        opts.epoch = rng.int(0, 3);
      } else {
        opts.dx = Array.from({ length: shape[0] }, () => rng.pick([0, 1, -2, 0.5, 3.25, -7.8, 1e6, 40.01]));
        opts.dy = rng.pick([0, -1.5, 2.75, -1e6]);
      }
      const plan = shiftPlan(b, opts);
      const results = backends.map((backend) => {
        const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        backend.shift(b.data, out, plan, 0, shape[0]);
        return out;
      });
      for (let k = 1; k < backends.length; k += 1) {
        expect(firstDifference(results[k]!, results[0]!), `${backendName(backends[k]!)} vs js, case ${t} ${JSON.stringify({ shape, dtype, ...opts })}`).toBe(-1);
      }
      expect(firstDifference(shift(b, opts).data, results[0]!)).toBe(-1);
    }
  });
});

describe('integer shifts written as runs (block copies, broadcasts, reversed copies) equal the per-element definition', () => {
  // Offsets around every run boundary: 0, ±1, a few pixels, exactly ±w,
  // ±(w ± 1), ±2w (one reflect period), ±(2w − 2) (one mirror period), far out.
  const offsetsFor = (size: number): number[] => [0, 1, -1, 3, -4, size - 1, -(size - 1), size, -size, size + 1, -(size + 1), 2 * size, -2 * size, 2 * size - 2, -(2 * size - 3), 5 * size + 2, -7 * size - 1, 1_000_003];
  it('randomized shapes, channel counts 1/3/4/5, both layouts, both dtypes, every fill, every backend and ISA', () => {
    const rng = testRng(2020);
    for (let t = 0; t < 120; t += 1) {
      const shape: [number, number, number, number] = [rng.int(1, 3), rng.pick([1, 2, 3, 9, 24]), rng.pick([1, 2, 3, 5, 17, 40, 67]), rng.pick([1, 3, 4, 5])];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const layout = rng.pick(['NHWC', 'NCHW'] as const);
      const fill = FILLS[t % FILLS.length]!;
      const b = randomBatch(rng, shape, dtype, layout);
      const dx = Array.from({ length: shape[0] }, () => rng.pick(offsetsFor(shape[2])));
      const dy = Array.from({ length: shape[0] }, () => rng.pick(offsetsFor(shape[1])));
      const fillValue = dtype === 'uint8' ? rng.int(0, 255) : Math.fround(rng.next() * 10 - 5);
      expectShiftsAsDefined(b, dx, dy, fill, fillValue, `case ${t} ${JSON.stringify({ shape, dtype, layout, fill, dx, dy })}`);
    }
  });
});

describe('edge runs written as 16-byte pixel shuffles (native x86) equal the per-element definition', () => {
  // Every horizontal offset from beyond the left edge to beyond the right
  // one, so that every run length occurs (shorter than a shuffle group, one
  // group, groups plus a remainder) and reversed runs reach pixel 0 (the
  // load that starts at the row's first pixel) and the last pixel (the load
  // that ends at the row's end); widths around two vectors (the narrowest
  // row that takes shuffles) and wider.
  it('uint8 with 1, 3 and 4 channels, float32 with 1 and 3, nearest / reflect / mirror / wrap, every backend and ISA', () => {
    const rng = testRng(2026);
    const cases: { c: number; dtype: 'uint8' | 'float32'; widths: number[] }[] = [
      { c: 3, dtype: 'uint8', widths: [10, 11, 12, 23, 40] },
      { c: 1, dtype: 'uint8', widths: [31, 32, 33, 70] },
      { c: 4, dtype: 'uint8', widths: [7, 8, 9, 30] },
      { c: 1, dtype: 'float32', widths: [7, 8, 9, 21] },
      { c: 3, dtype: 'float32', widths: [9, 14] },
    ];
    for (const { c, dtype, widths } of cases) {
      for (const w of widths) {
        for (const fill of ['nearest', 'reflect', 'mirror', 'wrap'] as Fill[]) {
          const dx = Array.from({ length: 2 * w + 7 }, (_, i) => i - w - 3);
          const dy = dx.map((_, i) => (i % 5) - 2);
          const b = randomBatch(rng, [dx.length, 3, w, c], dtype, 'NHWC');
          expectShiftsAsDefined(b, dx, dy, fill, 0, JSON.stringify({ c, dtype, w, fill }));
        }
      }
    }
  });
});

describe('integer shifts of small planes (native: the band of in-image rows as one block, then the edge columns) equal the per-element definition', () => {
  // Rows of up to 256 bytes and planes of up to 16 KiB take that path: widths
  // on both sides of the row limit (64 float32 or 256 uint8 elements per row),
  // 28x28 images (MNIST), and offsets where the band exists but a row outside
  // it maps to a source row outside the band (wrap, reflect, mirror).
  const offsetsFor = (size: number): number[] => [0, 1, -1, 2, -3, size - 1, -(size - 1), size, -size, size + 2, 2 * size - 1, -(2 * size - 3)];
  it('28x28 and row-limit shapes, channel counts 1/3/4/5, both layouts, both dtypes, every fill, every backend and ISA', () => {
    const rng = testRng(2028);
    const shapes: Array<[number, number, number, number]> = [[3, 28, 28, 1], [2, 28, 28, 3], [2, 28, 28, 4], [2, 7, 28, 5], [2, 5, 64, 1], [2, 5, 65, 1], [1, 3, 256, 1], [1, 3, 257, 1], [1, 64, 64, 1], [1, 65, 64, 1], [2, 1, 1, 1], [2, 2, 3, 1]];
    for (let t = 0; t < 200; t += 1) {
      const shape = rng.pick(shapes);
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const layout = rng.pick(['NHWC', 'NCHW'] as const);
      const fill = FILLS[t % FILLS.length]!;
      const b = randomBatch(rng, shape, dtype, layout);
      const dx = Array.from({ length: shape[0] }, () => rng.pick(offsetsFor(shape[2])));
      const dy = Array.from({ length: shape[0] }, () => rng.pick(offsetsFor(shape[1])));
      const fillValue = dtype === 'uint8' ? rng.int(0, 255) : Math.fround(rng.next() * 10 - 5);
      expectShiftsAsDefined(b, dx, dy, fill, fillValue, `case ${t} ${JSON.stringify({ shape, dtype, layout, fill, dx, dy })}`);
    }
  });
});

describe('integer shifts of rows of 16 to 32 bytes (native x86: each row a byte shuffle made once per kx) equal the per-element definition', () => {
  // Every horizontal offset from beyond the left edge to beyond the right one,
  // then the same offsets again in reverse order (a call keeps the shuffles
  // of the kx it met, 32 slots by kx modulo 32: kx and kx ± 32 share a slot),
  // vertical offsets past both edges; rows of 16, 17, 28, 32 bytes and the
  // widths just outside (15, 33: other paths); a nonzero fill value (float32:
  // the fill's four bytes at their places in the row).
  it('uint8 with 1, 3, 4, 5 channels, float32 with 1 and 3, both layouts, every fill, every backend and ISA', () => {
    const rng = testRng(2030);
    const cases: { c: number; dtype: 'uint8' | 'float32'; widths: number[] }[] = [
      { c: 1, dtype: 'uint8', widths: [15, 16, 17, 28, 32, 33] },
      { c: 3, dtype: 'uint8', widths: [6, 10] },
      { c: 4, dtype: 'uint8', widths: [4, 8] },
      { c: 5, dtype: 'uint8', widths: [4] },
      { c: 1, dtype: 'float32', widths: [4, 7, 8] },
      { c: 3, dtype: 'float32', widths: [2] },
    ];
    for (const { c, dtype, widths } of cases) {
      for (const w of widths) {
        for (const layout of ['NHWC', 'NCHW'] as const) {
          for (const fill of FILLS) {
            const range = Array.from({ length: 2 * w + 7 }, (_, i) => i - w - 3);
            const dx = [...range, ...range.reverse()];
            const dy = dx.map((_, i) => (i % 15) - 7);
            const b = randomBatch(rng, [dx.length, 5, w, c], dtype, layout);
            const fillValue = dtype === 'uint8' ? 201 : -1.25;
            expectShiftsAsDefined(b, dx, dy, fill, fillValue, JSON.stringify({ c, dtype, w, layout, fill }));
          }
        }
      }
    }
  });
});

/**
 * The definition for integer offsets, as referenceShift but with each image's
 * row and column maps (extensionIndex) computed once: referenceShift's
 * per-element closures take minutes on these 4-million-element batches.
 */
function referenceIntegerShift(b: Batch, dx: number[], dy: number[], fill: Fill, fillValue: number): Float64Array {
  const [n, h, w, c] = b.shape;
  const out = new Float64Array(b.data.length);
  for (let i = 0; i < n; i += 1) {
    const ys = Int32Array.from({ length: h }, (_, y) => extensionIndex(y - dy[i]!, h, fill));
    const xs = Int32Array.from({ length: w }, (_, x) => extensionIndex(x - dx[i]!, w, fill));
    for (let y = 0; y < h; y += 1) {
      for (let x = 0; x < w; x += 1) {
        const inside = ys[y]! >= 0 && xs[x]! >= 0;
        for (let ch = 0; ch < c; ch += 1) {
          const to = b.layout === 'NCHW' ? ((i * c + ch) * h + y) * w + x : ((i * h + y) * w + x) * c + ch;
          const from = b.layout === 'NCHW' ? ((i * c + ch) * h + ys[y]!) * w + xs[x]! : ((i * h + ys[y]!) * w + xs[x]!) * c + ch;
          out[to] = inside ? b.data[from]! : fillValue;
        }
      }
    }
  }
  return out;
}

describe('large integer shifts (outputs of 16 MiB or more: native streams the long runs) equal the per-element definition', () => {
  // Row lengths that are no multiple of 64 bytes, so runs start and end
  // inside cache lines; offsets from 0 to beyond the image, every fill.
  it('uint8 and float32, NHWC and NCHW, every backend and ISA', () => {
    const rng = testRng(2022);
    const cases = [
      { shape: [2, 1600, 1311, 4] as [number, number, number, number], dtype: 'uint8' as const },  // 16.78 MB
      { shape: [2, 1200, 583, 3] as [number, number, number, number], dtype: 'float32' as const },  // 16.79 MB
    ];
    for (const { shape, dtype } of cases) {
      // fills that stream (reflect and mirror do not: shift.h)
      for (const [fill, layout] of (dtype === 'uint8' ? [['constant', 'NHWC'], ['nearest', 'NCHW']] : [['wrap', 'NCHW']]) as [Fill, 'NHWC' | 'NCHW'][]) {
        const b = randomBatch(rng, shape, dtype, layout);
        {
          const dx = [rng.int(-shape[2], shape[2]), rng.pick([0, 3, -70, 2 * shape[2] + 5])];
          const dy = [rng.int(-shape[1], shape[1]), rng.pick([0, -1, 45, -3 * shape[1]])];
          const fillValue = dtype === 'uint8' ? 77 : -1.5;
          const expected = referenceIntegerShift(b, dx, dy, fill, fillValue);
          const plan = shiftPlan(b, { dx, dy, fill, fillValue });
          for (const backend of backends) {
            const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
            backend.shift(b.data, out, plan, 0, shape[0]);
            const wrong = expected.findIndex((v, i) => v !== out[i]);
            expect(wrong, `${backendName(backend)} ${JSON.stringify({ shape, dtype, layout, fill, dx, dy })}`).toBe(-1);
          }
        }
      }
    }
  }, 120_000);
});

describe('bilinear edges laid out in tiles (native) give the bytes of the per-element js backend', () => {
  it('rows wider than a tile, channel counts 1/3/4/5 and 300 (element by element), every fill, both dtypes and layouts', () => {
    const rng = testRng(2021);
    for (let t = 0; t < 40; t += 1) {
      const c = rng.pick([1, 3, 4, 5, 300]);
      const w = c === 300 ? rng.pick([2, 7]) : rng.pick([260, 700, 1100]);
      const shape: [number, number, number, number] = [2, rng.pick([1, 2, 4]), w, c];
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NCHW'] as const));
      const frac = (): number => rng.pick([0.5, 0.25, 0.731, -0.37]);
      const opts: ShiftOptions = {
        fill: FILLS[t % FILLS.length]!,
        fillValue: dtype === 'uint8' ? rng.int(0, 255) : rng.next(),
        dx: [rng.pick([0, 3, -w + 2, w, -2 * w - 1, 5 * w, 400]) + frac(), rng.pick([0, 1, -17]) + frac()],
        dy: [rng.pick([0, 1, -1, 3]) + frac(), rng.pick([0, 2])],
      };
      const plan = shiftPlan(b, opts);
      const results = backends.map((backend) => {
        const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        backend.shift(b.data, out, plan, 0, shape[0]);
        return out;
      });
      for (let k = 1; k < backends.length; k += 1) {
        expect(firstDifference(results[k]!, results[0]!), `${backendName(backends[k]!)} vs js, case ${t} ${JSON.stringify({ shape, dtype, ...opts })}`).toBe(-1);
      }
    }
  });
});

describe('bilinear rows around the native stack rows (8 KiB) and streamed outputs give the bytes of the js backend', () => {
  // native blends a row from two extended rows on the stack when (w + 1)·c
  // elements fit 8 KiB (uint8: 8192 elements, float32: 2048), wider rows
  // through edge tiles; outputs of 16 MiB or more are streamed
  const results = (b: Batch, opts: ShiftOptions): (Uint8Array | Float32Array)[] => {
    const plan = shiftPlan(b, opts);
    return backends.map((backend) => {
      const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
      backend.shift(b.data, out, plan, 0, b.shape[0]);
      return out;
    });
  };
  const expectSame = (b: Batch, opts: ShiftOptions, what: string): void => {
    const [js, ...others] = results(b, opts);
    others.forEach((out, k) => expect(firstDifference(out, js!), `${backendName(backends[k + 1]!)} vs js, ${what}`).toBe(-1));
  };

  it('widths at and past the limit, 1 and 3 channels, every fill, both axes and one', () => {
    const rng = testRng(2029);
    const cases = [
      ['uint8', 1, 8191], ['uint8', 1, 8192], ['uint8', 3, 2730], ['uint8', 3, 2731],
      ['float32', 1, 2047], ['float32', 1, 2048], ['float32', 3, 681], ['float32', 3, 682],
    ] as const;
    for (const [dtype, c, w] of cases) {
      const b = randomBatch(rng, [3, 3, w, c], dtype, 'NHWC');
      for (const fill of FILLS) {
        const opts: ShiftOptions = { fill, fillValue: dtype === 'uint8' ? 9 : 0.5, dx: [-21.37, 0, 40.5], dy: [1.25, -0.6, 0] };
        expectSame(b, opts, JSON.stringify({ dtype, c, w, fill }));
      }
    }
  });

  it('a float32 output of 16 MiB (streamed), reflect and constant', () => {
    const rng = testRng(2030);
    const b = randomBatch(rng, [4, 256, 1024, 4], 'float32', 'NHWC');
    for (const fill of ['reflect', 'constant'] as const) {
      expectSame(b, { fill, dx: [-102.4, 3.75, 0.5, 0], dy: [25.6, -0.125, 0, -7.5] }, fill);
    }
  }, 120_000);

  it('a float32 output of 16 MiB shifted one image per call (each call 4 MiB: streamed, as the whole output decides) gives the js bytes', () => {
    // a slice of a two-thread …Async call runs the op in pieces: each piece
    // streams when the whole output is 16 MiB or more (ShiftParams::out_images)
    const rng = testRng(2032);
    const b = randomBatch(rng, [4, 256, 1024, 4], 'float32', 'NHWC');
    const plan = shiftPlan(b, { fill: 'reflect', dx: [-102.4, 3.75, 0.5, 0], dy: [25.6, -0.125, 0, -7.5] });
    const [js, ...natives] = backends.map((backend) => {
      const out = new Float32Array(b.data.length);
      if (backend.name === 'js') backend.shift(b.data, out, plan, 0, 4);
      else for (const i of [2, 0, 3, 1]) backend.shift(b.data, out, plan, i, 1);
      return out;
    });
    natives.forEach((out, k) => expect(firstDifference(out, js!), `${backendName(backends[k + 1]!)} in pieces vs js`).toBe(-1));
  }, 120_000);

  it('a streamed float32 output of 4-byte rows stores nothing outside its view', () => {
    // 65536 images of 64x1x1: 16 MiB, so native streams, with rows far shorter
    // than a cache line. The output is a view with guard elements on both
    // sides, at two byte offsets 32 apart: whatever the buffer's alignment,
    // the last row sits mid-line in at least one, where a store of the
    // line's partial head would run past the view's end.
    const rng = testRng(2031);
    const n = 65536;
    const b = randomBatch(rng, [n, 64, 1, 1], 'float32', 'NHWC');
    const dx = Array.from({ length: n }, (_, i) => [0.25, -0.5, 0][i % 3]!);
    const dy = Array.from({ length: n }, (_, i) => [-3.5, 0.125, 7.75, 0][i % 4]!);
    const plan = shiftPlan(b, { fill: 'constant', fillValue: 0.5, dx, dy });
    const [js, ...natives] = backends;
    const expected = new Float32Array(b.data.length);
    js!.shift(b.data, expected, plan, 0, n);
    const guard = 16;
    const sentinel = -12345.5;
    for (const backend of natives) {
      for (const offset of [1, 9]) {
        const buffer = new Float32Array(offset + b.data.length + guard).fill(sentinel);
        const out = buffer.subarray(offset, offset + b.data.length);
        backend.shift(b.data, out, plan, 0, n);
        const what = `${backendName(backend)}, view at element ${offset}`;
        expect(firstDifference(out, expected), what).toBe(-1);
        expect(buffer.subarray(0, offset).every((v) => v === sentinel), `${what}: before the view`).toBe(true);
        expect(buffer.subarray(offset + b.data.length).every((v) => v === sentinel), `${what}: after the view`).toBe(true);
      }
    }
  }, 120_000);
});

describe('uint8 bilinear rows from cached row sums (native: rows of 32 to 2048 elements, with the extra pixel) give the bytes of the js backend', () => {
  // native SSE4.1 and later computes each source row's horizontal sums once
  // and blends output rows from two rows of sums when both axes have a weight
  // and 32 <= w·c and (w + 1)·c <= 2048; other rows take the older paths
  const expectSame = (b: Batch, opts: ShiftOptions, what: string): void => {
    const plan = shiftPlan(b, opts);
    const [js, ...others] = backends.map((backend) => {
      const out = new Uint8Array(b.data.length);
      backend.shift(b.data, out, plan, 0, b.shape[0]);
      return out;
    });
    others.forEach((out, k) => expect(firstDifference(out, js!), `${backendName(backends[k + 1]!)} vs js, ${what}`).toBe(-1));
  };
  // flat areas and half-pixel weights: blends that land exactly half-way, which round to even
  const flatBatch = (rng: ReturnType<typeof testRng>, shape: [number, number, number, number], layout: 'NHWC' | 'NCHW'): Batch => {
    const b = randomBatch(rng, shape, 'uint8', layout);
    for (let i = 0; i < b.data.length; i += 1) if ((i >> 4) % 3 === 0) b.data[i] = 100 + (i & 1);
    return b;
  };

  it('widths at both limits, channel counts 1/3/4/5, both layouts, every fill, rows shifted out of the image', () => {
    const rng = testRng(2031);
    const cases = [[1, 31], [1, 32], [1, 2047], [1, 2048], [3, 10], [3, 11], [3, 681], [3, 682], [4, 8], [4, 511], [4, 512], [5, 7], [5, 408], [5, 409]] as const;
    for (const [c, w] of cases) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        const b = flatBatch(rng, [4, 5, w, c], layout);
        for (const fill of FILLS) {
          const opts: ShiftOptions = { fill, fillValue: 77, dx: [0.5, -3.5, -1.25, w + 0.75], dy: [0.5, 1.5, -7.25, -0.5] };
          expectSame(b, opts, JSON.stringify({ c, w, layout, fill }));
        }
      }
    }
  });

  it('a uint8 output of 16 MiB (rows streamed), reflect and constant', () => {
    const rng = testRng(2032);
    const b = flatBatch(rng, [64, 256, 342, 3], 'NHWC');
    const dx = Array.from({ length: 64 }, (_, i) => ((i * 0.618034) % 1) * 44 - 22);
    const dy = Array.from({ length: 64 }, (_, i) => ((i * 0.414214) % 1) * 44 - 22);
    for (const fill of ['reflect', 'constant'] as const) expectSame(b, { fill, dx, dy }, fill);
  }, 120_000);
});

describe('integer shifts copy float32 bits', () => {
  it('a signalling NaN stays signalling on every backend (no element goes through a JS number)', () => {
    // a row [sNaN, 1, 2, qNaN'] shifted right by 1 with wrap: [qNaN', sNaN, 1, 2], bit for bit
    const bits = Uint32Array.of(0x7f800001, 0x3f800000, 0x40000000, 0xffc00123);
    const b: Batch = { data: new Float32Array(bits.buffer), shape: [1, 1, 4, 1] };
    for (const fill of ['wrap', 'reflect', 'constant'] as const) {
      const plan = shiftPlan(b, { dx: 1, fill, fillValue: 0 });
      const expected = fill === 'wrap' ? [0xffc00123, 0x7f800001, 0x3f800000, 0x40000000] : fill === 'reflect' ? [0x7f800001, 0x7f800001, 0x3f800000, 0x40000000] : [0, 0x7f800001, 0x3f800000, 0x40000000];
      for (const backend of backends) {
        const out = new Float32Array(4);
        backend.shift(b.data, out, plan, 0, 1);
        expect([...new Uint32Array(out.buffer)], `${backendName(backend)}, ${fill}`).toEqual(expected);
      }
    }
  });
});

describe('batch split and threads', () => {
  it('image i gets the same result whatever the batch split and thread count', async () => {
    const rng = testRng(9);
    for (const dtype of ['uint8', 'float32'] as const) {
      const b = randomBatch(rng, [9, 12, 10, 3], dtype, 'NHWC');
      const opts: ShiftOptions = { x: 0.3, y: [-0.2, 0.4], seed: 77n, index: 100, epoch: 2, fill: 'mirror' };
      const whole = shift(b, opts);
      const per = b.data.length / 9;
      for (const [from, to] of [[0, 4], [4, 5], [5, 9]] as const) {
        const part = shift({ data: b.data.subarray(from * per, to * per), shape: [to - from, 12, 10, 3] }, { ...opts, index: 100 + from });
        expect(firstDifference(part.data, whole.data.subarray(from * per, to * per))).toBe(-1);
      }
      for (const threads of [1, 2, 3, 8]) {
        expect(firstDifference((await shiftAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
      }
    }
  });

  it('js async work cut into row pieces of any size gives the bytes of the whole images', () => {
    const rng = testRng(21);
    for (const dtype of ['uint8', 'float32'] as const) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        for (const fill of FILLS) {
          for (const offsets of [{ dx: [1.5, -7, 0.25], dy: [-0.5, 2, 9] }, { dx: [2, -13, 0], dy: [0, 3, -1] }]) {
            const b = randomBatch(rng, [3, 5, 11, 3], dtype, layout);
            const plan = shiftPlan(b, { ...offsets, fill, fillValue: 7 });
            const whole = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
            shiftImages(plan, b.data, whole, 0, 3);
            // units of 1 and 2 elements cut every row into single columns; 5 and 40 cut rows and join them
            for (const unit of [1, 2, 5, 40]) {
              const pieces = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
              let yields = 0;
              for (const _ of shiftPieces(plan, b.data, pieces, 0, 3, unit)) yields += 1;
              expect(firstDifference(pieces, whole), `${dtype} ${layout} ${fill} unit ${unit}`).toBe(-1);
              // unit 1: one yield per column of every row of every plane
              if (unit === 1) expect(yields).toBe(3 * (layout === 'NCHW' ? 3 : 1) * 5 * 11);
            }
          }
        }
      }
    }
  });

  it('out is written and returned; the input is untouched', () => {
    const b: Batch = { data: Uint8Array.from({ length: 24 }, (_, i) => i), shape: [2, 3, 4, 1] };
    const copy = Uint8Array.from(b.data);
    const out = new Uint8Array(24);
    const r = shift(b, { dx: 1, out });
    expect(r.data).toBe(out);
    expect([...b.data]).toEqual([...copy]);
    expect(r.shape).toEqual([2, 3, 4, 1]);
    expect(r.layout).toBe('NHWC');
  });
});

describe('bad input', () => {
  const b: Batch = { data: new Uint8Array(2 * 3 * 4), shape: [2, 3, 4, 1] };
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    ['batch not an object', () => shift(5 as unknown as Batch), TypeError, 'Expected an object { data, shape, layout? } for batch but received 5 of type number'],
    ['data of the wrong type', () => shift({ data: new Float64Array(24) as unknown as Float32Array, shape: [2, 3, 4, 1] }), TypeError, 'Expected a Uint8Array (or Buffer) or Float32Array for batch.data but received Float64Array(24) of type Float64Array'],
    ['shape of the wrong rank', () => shift({ data: new Uint8Array(24), shape: [2, 12] as unknown as [number, number, number, number] }), TypeError, 'Expected an array [n, h, w, c] for batch.shape'],
    ['zero height', () => shift({ data: new Uint8Array(0), shape: [2, 0, 4, 1] }), RangeError, 'for batch.shape[1]'],
    ['length mismatch', () => shift({ data: new Uint8Array(23), shape: [2, 3, 4, 1] }), RangeError, 'Expected a typed array of length n*h*w*c = 24 for batch.data but received Uint8Array(23)'],
    ['unknown layout', () => shift({ ...b, layout: 'HWC' as 'NHWC' }), TypeError, "Expected 'NHWC' or 'NCHW' for batch.layout but received 'HWC'"],
    ['non-finite dx', () => shift(b, { dx: NaN }), RangeError, 'Expected a finite number with |value| <= 2^30 for dx but received NaN'],
    ['too large dx', () => shift(b, { dx: [0, 2 ** 31] }), RangeError, 'for dx[1] but received 2147483648'],
    ['drawn offsets beyond 2^30 pixels', () => shift(b, { x: 1e9 }), RangeError, 'Expected a range whose offsets in pixels stay within 2^30 for x'],
    ['wrong-length offsets', () => shift(b, { dy: [1, 2, 3] }), RangeError, 'Expected a finite number or 2 finite numbers (one per image) with |value| <= 2^30 for dy but received array(3)'],
    ['given and drawn offsets', () => shift(b, { dx: 1, x: 0.1 }), TypeError, 'Expected either given offsets (dx, dy) or drawn ranges (x, y) for shift, not both'],
    ['lo > hi', () => shift(b, { x: [0.2, 0.1] }), RangeError, 'Expected a finite number f >= 0 (meaning [-f, f]) or [lo, hi] with lo <= hi for x but received array(2)'],
    ['negative f, [0.1, -0.1]', () => shift(b, { y: -0.1 }), RangeError, 'Expected a finite number f >= 0 (meaning [-f, f]) or [lo, hi] with lo <= hi for y but received -0.1'],
    ['one image, two offsets', () => shift({ data: new Uint8Array(12), shape: [1, 3, 4, 1] }, { dx: [1, 2] }), RangeError, 'Expected a finite number or an array of 1 finite number (one per image) with |value| <= 2^30 for dx but received array(2)'],
    ['unknown fill', () => shift(b, { fill: 'edge' as Fill }), TypeError, "Expected 'constant', 'nearest', 'reflect', 'mirror' or 'wrap' for fill but received 'edge'"],
    ['unknown interpolation', () => shift(b, { interpolation: 'cubic' as 'nearest' }), TypeError, "Expected 'nearest' or 'bilinear' for interpolation but received 'cubic'"],
    ['fillValue out of uint8 range', () => shift(b, { fillValue: 256 }), RangeError, 'Expected an integer between 0 and 255 for uint8 data for fillValue but received 256'],
    ['in place', () => shift(b, { out: b.data }), RangeError, 'Expected an array that does not overlap batch.data (this op cannot run in place) for out'],
    ['out of the wrong type', () => shift(b, { out: new Float32Array(24) }), TypeError, 'Expected a Uint8Array like the batch data for out but received Float32Array(24)'],
    ['index too large', () => shift(b, { x: 0.1, index: 2 ** 32 - 1 }), RangeError, 'Expected an integer between 0 and 4294967294 for index'],
    ['unknown option', () => shift(b, { dz: 1 } as ShiftOptions), TypeError, "Unknown option 'dz' for shift; expected one of: seed, index, epoch, dx, dy, x, y, subpixel, interpolation, fill, fillValue, out"],
  ];
  for (const [what, call, type, message] of cases) {
    it(what, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
  it('async rejects with the same errors', async () => {
    await expect(shiftAsync(b, { fill: 'edge' as Fill })).rejects.toThrow(TypeError);
    await expect(shiftAsync(b, { threads: 0 })).rejects.toThrow('for threads');
  });
  it('n = 0 is a valid, empty batch', () => {
    expect(shift({ data: new Float32Array(0), shape: [0, 3, 3, 1] }, { x: 0.2 }).data).toHaveLength(0);
  });
  it('n = 0 with rows wider than memory allows is still empty work, on every backend', async () => {
    // the native kernel would size its scratch rows from w · c (that aborted the process)
    const wide: Batch = { data: new Uint8Array(0), shape: [0, 1, 2 ** 31 - 1, 2] };
    const plan = shiftPlan(wide, { dx: 1.5 });
    for (const backend of backends) expect(() => backend.shift(wide.data, new Uint8Array(0), plan, 0, 0), backendName(backend)).not.toThrow();
    expect(shift(wide, { dx: 1.5 }).data).toHaveLength(0);
    expect((await shiftAsync(wide, { dx: 1.5 })).data).toHaveLength(0);
  });
  it('a dimension must fit the addon: at most 2^32 − 1, and a width at most 2^31 − 1 (32-bit offsets and columns)', () => {
    expect(() => shift({ data: new Uint8Array(0), shape: [0, 2 ** 32, 1, 1] })).toThrow('Expected an integer between 1 and 4294967295 for batch.shape[1] but received 4294967296');
    expect(() => shift({ data: new Uint8Array(0), shape: [0, 1, 2 ** 31, 1] })).toThrow('Expected an integer between 1 and 2147483647 for shift for batch.shape[2] but received 2147483648');
  });
  it('the addon refuses a count of images whose elements exceed any array (the product wrapped to 512, then the kernel ran off the buffers)', () => {
    // 2049 images of h·w·c = 2152149604 · 1408 · 2971 elements: 2^64 + 512 in all
    const [h, w, c, images] = [2152149604, 1408, 2971, 2049];
    const perImage = (Type: typeof Int32Array | typeof Float32Array) => new Type(images);
    const plan: ShiftRequest = {
      ...shiftPlan({ data: new Uint8Array(1), shape: [1, 1, 1, 1] }, { dx: 0 }), h, w, c, layout: 'NCHW',
      kx: perImage(Int32Array) as Int32Array, ky: perImage(Int32Array) as Int32Array,
      wx1: perImage(Float32Array) as Float32Array, wx0: perImage(Float32Array) as Float32Array, wy1: perImage(Float32Array) as Float32Array, wy0: perImage(Float32Array) as Float32Array,
    };
    for (const backend of nativeBackends) {
      expect(() => backend.shift(new Uint8Array(512), new Uint8Array(512), plan, 0, images), backendName(backend)).toThrow('shift: more elements than any array');
    }
  });
  it('the bounds themselves are accepted: |dx| = 2^30, fillValue 255 on uint8', () => {
    expect(shift(b, { dx: [2 ** 30, -(2 ** 30)] }).data).toHaveLength(24);
    expect([...shift(b, { dx: 1, fill: 'constant', fillValue: 255 }).data].slice(0, 1)).toEqual([255]);
  });
  it('names inherited from Object.prototype are not fill modes', () => {
    for (const fill of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => shift(b, { dx: 1, fill: fill as Fill })).toThrow(`Expected 'constant', 'nearest', 'reflect', 'mirror' or 'wrap' for fill but received '${fill}'`);
    }
  });
});

describe('float32 constant fill with subpixel offsets', () => {
  it('rows wholly in the fill blend the fill value with both weights, as js does, on every ISA', () => {
    // skipping the blend (w1·f + w0·f) is one ulp off for some pairs of fill value and fraction only
    const data = Float32Array.from({ length: 4 * 9 * 2 }, (_, i) => i / 7);
    const b: Batch = { data, shape: [1, 4, 9, 2] };
    for (const fillValue of [0.1, 0.3, 0.7, 1 / 3, 0.9, 100.1]) {
      for (let k = 1; k < 40; k += 1) {
        const plan = shiftPlan(b, { dx: [k / 41], dy: [3.5 + k / 53], fill: 'constant', fillValue });
        const results = backends.map((backend) => {
          const out = new Float32Array(data.length);
          backend.shift(data, out, plan, 0, 1);
          return out;
        });
        for (let j = 1; j < backends.length; j += 1) expect(firstDifference(results[j]!, results[0]!), `${backendName(backends[j]!)} fill ${fillValue} k ${k}`).toBe(-1);
      }
    }
  });
});

describe('memory a shift needs', () => {
  it('does not grow with the image width: a [1, 1, 2^24, 3] uint8 image (48 MiB) stays under 400 MB peak RSS on each backend', () => {
    // in a child process, so that the peak is this call's: input + output are 96 MiB; per-row
    // scratch once added 2 · 4 + 2 · 12 bytes per pixel native (847 MB) and 2 · 24 on js (1 041 MB)
    const dist = path.resolve(__dirname, '../dist/cjs/index.js');
    const script = `
      const { shift } = require(${JSON.stringify(dist)});
      const w = 2 ** 24;
      const data = new Uint8Array(w * 3);
      for (let i = 0; i < data.length; i += 1) data[i] = i & 255;
      const out = shift({ data, shape: [1, 1, w, 3] }, { dx: 0.5, dy: 0.25, fill: 'reflect' }).data;
      // pixel 1000, channel 0: the mean of 3000 & 255 = 184 and 2997 & 255 = 181 (dx 0.5; h = 1, so dy blends equal rows), half to even
      if (out.length !== w * 3 || out[3000] !== 182) throw new Error('wrong result ' + out[3000]);
      console.log(process.resourceUsage().maxRSS);`;
    for (const backend of backends.some((b) => b.name === 'native') ? ['js', 'native'] : ['js']) {
      // under the sanitizer run (libasan preloaded) every allocation carries
      // ASan's redzones, and freed ones sit in its quarantine (256 MB by
      // default: 651 MB was once seen on js under load, 227-270 MB alone), so
      // the child's quarantine is kept small; the width-sized scratch this
      // guards against took 847-1041 MB
      const asan = /libasan/.test(process.env.LD_PRELOAD ?? '');
      const env = { ...process.env, FASTAUG_BACKEND: backend, ...(asan ? { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS ?? ''}:quarantine_size_mb=16` } : {}) };
      const kb = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env }).trim());
      const limit = asan ? 600 : 400;
      expect(kb / 1024, backend).toBeLessThan(limit);
    }
  }, 60_000);
});

describe('integer shifts of arrays that start at odd byte offsets equal the per-element definition', () => {
  // The js backend moves uint8 3-channel runs as 4-byte words through
  // DataViews of the arrays' own buffers, so a view's byteOffset (1, 2, 3
  // bytes into its buffer, on both sides) must not move its bytes; native
  // copies are unaligned too. Offsets wide enough for bands, edges of every
  // length and rows wholly outside the image.
  it('uint8 with 1, 3 and 4 channels, input and output views at byte offsets 0–3, every fill, every backend and ISA', () => {
    const rng = testRng(2031);
    for (const c of [1, 3, 4]) {
      for (const fill of FILLS) {
        const [n, h, w] = [4, 9, 61];
        const inOffset = rng.int(0, 3);
        const outOffset = rng.int(0, 3);
        const size = n * h * w * c;
        const data = new Uint8Array(new ArrayBuffer(size + 8), inOffset, size);
        for (let i = 0; i < size; i += 1) data[i] = rng.int(0, 255);
        const b: Batch = { data, shape: [n, h, w, c], layout: 'NHWC' };
        const dx = [rng.int(-w + 1, -10), rng.int(10, w - 1), rng.int(-3, 3), w + 5];
        const dy = [rng.int(-h, h), rng.int(-2, 2), rng.int(-h + 1, h - 1), 0];
        const expected = referenceShift(b, dx, dy, fill, 17);
        const plan = shiftPlan(b, { dx, dy, fill, fillValue: 17 });
        for (const backend of backends) {
          const buffer = new Uint8Array(size + 8).fill(0xa5);
          const out = new Uint8Array(buffer.buffer, outOffset, size);
          backend.shift(b.data, out, plan, 0, n);
          const wrong = expected.findIndex((v, i) => v !== out[i]);
          expect(wrong, `${backendName(backend)} ${JSON.stringify({ c, fill, inOffset, outOffset, dx, dy })}`).toBe(-1);
          // nothing written before or after the view
          expect(buffer.subarray(0, outOffset).every((v) => v === 0xa5)).toBe(true);
          expect(buffer.subarray(outOffset + size).every((v) => v === 0xa5)).toBe(true);
        }
      }
    }
  });
});

describe('offsets drawn as whole pixels (subpixel: false or nearest) go straight into integers, in arrays a synchronous shift reuses', () => {
  const sha256 = (a: ArrayBufferView): string => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
  /** A batch of the given shape with deterministic contents. */
  const filled = (shape: [number, number, number, number], dtype: 'uint8' | 'float32', layout: 'NHWC' | 'NCHW' = 'NHWC'): Batch => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = dtype === 'uint8' ? Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 5)) & 255) : Float32Array.from({ length: size }, (_, i) => ((i * 37) % 1000) / 7 - 50);
    return { data, shape, layout };
  };

  it('give the outputs and offsets (float64 bits, -0 included) of main 9e27098, where they went through float64 offsets', () => {
    // [shape, dtype, options, layout, sha256 of the output, of shiftOffsets' dx, of its dy], from that build
    const pinned: Array<[[number, number, number, number], 'uint8' | 'float32', ShiftOptions, 'NHWC' | 'NCHW', string, string, string]> = [
      [[1024, 28, 28, 1], 'uint8', { x: 0.1, y: 0.1, subpixel: false, fill: 'reflect', seed: 1 }, 'NHWC',
        'be789aa78ac52cdd825089fd7ca2a02ed4b6ead27b55351e3825f16c81c0bed1', '68786525a379c46a6634f4eaad8e4fe46592d90d8cbec734b7aacb2de2e98200', '07f843b745badcb4d3d1a8b2bb67b3ec2d8ad5efc09bc960efca43269ab3d4e7'],
      [[40, 9, 13, 2], 'float32', { x: [-0.3, 0.2], y: 0.25, interpolation: 'nearest', fill: 'wrap', seed: 5n, index: 1000, epoch: 3 }, 'NHWC',
        '302bfc8efe187f1da3fe561a1a7e6da74a1806e6c4f098e86cdb1569960918d3', '9bbd47be6516793d7c29eb5e812db25626681a30869a7606270f406ff26d5255', '9992e0bd2696ad0debdeab93b62fa8d461c4aa61ed1a7a5e1f3faf8c67a26685'],
      [[1, 28, 28, 1], 'uint8', { x: 0.1, y: 0.1, subpixel: false, fill: 'reflect', seed: 1, index: 7 }, 'NHWC',
        'f5ee71f38bad42407ad341443ec076791ab01b7061a439b9783d0c639feb3d64', 'e77817b649821c634355a917817c1224a360514b1244fe09e832bac4e8ea4440', 'e25d2084cf6f361fdd6e9d1d8c170efa78f59e25780d0b7c56aee28bc1c6fed7'],
      [[3, 5, 6, 3], 'uint8', { x: 2, y: [-1, 0.5], subpixel: false, fill: 'constant', fillValue: 9, seed: 11 }, 'NCHW',
        'e8b7e7accd53d35a2c65b14c477171d39b52bd5336d99eab34f9f39eb7d28a5a', 'cd5633cfb067d9c7ab3ff03e57a87cfedc34cebe618a39267286e2acef591950', 'b97e90888a02ec120d93c1e8f2c545ec985615d5278fc2a3a680fbbede75b177'],
    ];
    for (const [shape, dtype, options, layout, output, dx, dy] of pinned) {
      const b = filled(shape, dtype, layout);
      expect(sha256(shift(b, options).data), `${JSON.stringify(shape)} output`).toBe(output);
      const offsets = shiftOffsets(b, options);
      expect([sha256(offsets.dx), sha256(offsets.dy)], `${JSON.stringify(shape)} offsets`).toEqual([dx, dy]);
    }
  });

  it('kx, ky are the drawn offsets of DESIGN §3 rounded half to even, for batch sizes on both sides of the js / addon word split', () => {
    const halfEven = (v: number): number => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
    const [key0, key1, index, epoch] = [123456789, 42, 3000, 2];
    for (const n of [1, 15, 16, 300]) {
      const b = filled([n, 11, 23, 1], 'uint8');
      for (const options of [{ subpixel: false }, { interpolation: 'nearest' as const }]) {
        const plan = shiftPlan(b, { ...options, x: [-0.7, 0.4], y: 0.5, seed: key1 * 2 ** 32 + key0, index, epoch });
        for (let k = 0; k < n; k += 1) {
          const [w0, w1] = philox4x32([0, index + k, epoch, STREAM.shift], [key0, key1]);
          expect([plan.kx[k], plan.ky[k]], `n ${n} image ${k}`).toEqual([halfEven((-0.7 + 1.1 * uniformOfWord(w0!)) * 23) + 0, halfEven((-0.5 + 1 * uniformOfWord(w1!)) * 11) + 0]);
          expect([plan.wx1[k], plan.wy1[k]]).toEqual([0, 0]);
        }
      }
    }
  });

  it('ties round half to even and offsets past 2^30 are a RangeError, whether the addon or js draws them', () => {
    // span 0: d = lo · size exactly; 0.625 · 4 = 2.5 -> 2, -0.875 · 4 = -3.5 -> -4, 0.375 · 4 = 1.5 -> 2
    for (const n of [1, 15, 16, 40]) {
      const b = filled([n, 4, 4, 1], 'uint8');
      const plan = shiftPlan(b, { x: [0.625, 0.625], y: [-0.875, -0.875], subpixel: false, seed: 3 });
      expect([...plan.kx.subarray(0, n)]).toEqual(Array<number>(n).fill(2));
      expect([...plan.ky.subarray(0, n)]).toEqual(Array<number>(n).fill(-4));
      expect(shiftPlan(b, { x: [0.375, 0.375], interpolation: 'nearest' }).kx[n - 1]).toBe(2);
      const past = 2 ** 30 / 4 + 1;
      expect(() => shift(b, { x: [past, past], subpixel: false })).toThrow(new RangeError(`Expected a range whose offsets in pixels stay within 2^30 for x but received array(2) of type array`));
      expect(() => shift(b, { x: 0.1, y: [past, past], subpixel: false })).toThrow(/for y but received array\(2\)/);
      expect(() => shift(b, { x: [2 ** 30 / 4, 2 ** 30 / 4], y: [-(2 ** 30) / 4, -(2 ** 30) / 4], subpixel: false })).not.toThrow();
    }
  });

  it("each native ISA's drawnShiftPixels gives the definition's kx, ky for the first `count` images and leaves the rest", () => {
    const halfEven = (v: number): number => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
    const rng = testRng(20_07).next;
    for (const backend of nativeBackends) {
      for (let trial = 0; trial < 20; trial += 1) {
        const count = 1 + Math.floor(rng() * 60);
        const [key0, key1, index, epoch] = [Math.floor(rng() * 2 ** 32), Math.floor(rng() * 2 ** 32), Math.floor(rng() * 1e6), Math.floor(rng() * 9)];
        const [loX, spanX, width, loY, spanY, height] = [rng() - 0.8, rng() * 1.5, 1 + Math.floor(rng() * 300), -rng(), rng() * 2, 1 + Math.floor(rng() * 300)];
        const kx = new Int32Array(count + 3).fill(-7);
        const ky = new Int32Array(count + 3).fill(-7);
        expect(backend.drawnShiftPixels!(kx, ky, count, key0, key1, index, epoch, STREAM.shift, loX, spanX, width, loY, spanY, height)).toBe(0);
        for (let k = 0; k < count; k += 1) {
          const [w0, w1] = philox4x32([0, index + k, epoch, STREAM.shift], [key0, key1]);
          expect([kx[k], ky[k]], `${backendName(backend)} trial ${trial} image ${k}`).toEqual([halfEven((loX + spanX * uniformOfWord(w0!)) * width) + 0, halfEven((loY + spanY * uniformOfWord(w1!)) * height) + 0]);
        }
        expect([...kx.subarray(count), ...ky.subarray(count)]).toEqual(Array<number>(6).fill(-7));
      }
      const kx = new Int32Array(2);
      expect(backend.drawnShiftPixels!(kx, new Int32Array(2), 2, 1, 0, 0, 0, STREAM.shift, 2 ** 29, 0, 3, 0, 0, 5)).toBe(1);
      expect(backend.drawnShiftPixels!(kx, new Int32Array(2), 2, 1, 0, 0, 0, STREAM.shift, 0, 0, 3, -(2 ** 29), 0, 3)).toBe(2);
      expect(() => backend.drawnShiftPixels!(kx, new Int32Array(1), 2, 1, 0, 0, 0, STREAM.shift, 0, 0, 3, 0, 0, 3)).toThrow(TypeError);
    }
  });

  it('calls of different sizes and dtypes in a row (within and beyond the reused arrays) each give the definition', () => {
    const rng = testRng(2020_12);
    for (const [n, dtype] of [[1024, 'uint8'], [5, 'float32'], [3000, 'uint8'], [5000, 'uint8'], [17, 'float32'], [4096, 'float32'], [1024, 'uint8']] as const) {
      const b = randomBatch(rng, [n, 3, 4, 1], dtype, 'NHWC');
      const options: ShiftOptions = { x: 0.6, y: [-0.4, 0.7], subpixel: false, fill: FILLS[n % FILLS.length]!, fillValue: 3, seed: n, index: 9 };
      const { dx, dy } = shiftOffsets(b, options);
      const expected = referenceIntegerShift(b, [...dx], [...dy], options.fill!, 3);
      expect(firstDifference(shift(b, options).data, expected), `${n} ${dtype}`).toBe(-1);
    }
  });

  it('a synchronous shift between the start and the end of a shiftAsync leaves the async call its own offsets', async () => {
    const rng = testRng(77);
    const first = randomBatch(rng, [64, 6, 5, 1], 'uint8', 'NHWC');
    const second = randomBatch(rng, [64, 6, 5, 1], 'uint8', 'NHWC');
    const options: ShiftOptions = { x: 0.5, y: 0.5, subpixel: false, fill: 'constant', seed: 1 };
    const pending = shiftAsync(first, { ...options, threads: 2 });
    shift(second, { ...options, seed: 2 });
    const { dx, dy } = shiftOffsets(first, options);
    expect(firstDifference((await pending).data, referenceIntegerShift(first, [...dx], [...dy], 'constant', 0))).toBe(-1);
  });
});
