// affine (issue 19): hand-computed 3×3 rotations with every fill, a float64
// reference from the definition, every backend and ISA bit-identical, the
// required equality with shift for pure translations (and the general path
// against shift within its documented tolerance), split/thread invariance,
// replay, the published stream layout and drawn-parameter statistics, bad input.
import { describe, expect, it } from 'vitest';

import type { AffineRequest } from '../src/backends/backend.js';
import { affineImages, affinePieces } from '../src/backends/js/affine.js';
import { affine, affineAsync, affineParams, philox4x32, Pipeline, shift, STREAM, type AffineOptions, type Batch, type Fill } from '../src/index.js';
import { affineMatrix, affinePlan } from '../src/ops/affine.js';
import { shiftPlan } from '../src/ops/shift.js';
import { backendName, backends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { extensionIndex, FILLS } from './helpers/fills.js';
import { firstDifference, testRng, uniformOfWord } from './helpers/rng.js';

const at = (b: Batch, i: number, y: number, x: number, ch: number): number => {
  const [, h, w, c] = b.shape;
  return b.layout === 'NCHW' ? ((i * c + ch) * h + y) * w + x : ((i * h + y) * w + x) * c + ch;
};

/** From the definition, in float64: output (x, y) is the bilinear (or nearest) sample of the extended input at M·(x, y, 1). */
function referenceAffine(b: Batch, m: ArrayLike<number>, fill: Fill, fillValue: number, nearest: boolean): Float64Array {
  const [n, h, w, c] = b.shape;
  const out = new Float64Array(b.data.length);
  const sample = (i: number, y: number, x: number, ch: number): number => {
    const yy = extensionIndex(y, h, fill);
    const xx = extensionIndex(x, w, fill);
    return yy < 0 || xx < 0 ? fillValue : b.data[at(b, i, yy, xx, ch)]!;
  };
  for (let i = 0; i < n; i += 1) {
    const [m0, m1, m2, m3, m4, m5] = Array.from({ length: 6 }, (_, j) => m[6 * i + j]!);
    for (let y = 0; y < h; y += 1) {
      for (let x = 0; x < w; x += 1) {
        const sx = m0! * x + m1! * y + m2!;
        const sy = m3! * x + m4! * y + m5!;
        for (let ch = 0; ch < c; ch += 1) {
          if (nearest) {
            out[at(b, i, y, x, ch)] = sample(i, Math.floor(sy + 0.5), Math.floor(sx + 0.5), ch);
            continue;
          }
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const fx = sx - x0;
          const fy = sy - y0;
          const top = (1 - fx) * sample(i, y0, x0, ch) + fx * sample(i, y0, x0 + 1, ch);
          const bottom = (1 - fx) * sample(i, y0 + 1, x0, ch) + fx * sample(i, y0 + 1, x0 + 1, ch);
          out[at(b, i, y, x, ch)] = (1 - fy) * top + fy * bottom;
        }
      }
    }
  }
  return out;
}

function run(backend: (typeof backends)[number], b: Batch, req: AffineRequest): Uint8Array | Float32Array {
  const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
  backend.affine(b.data, out, req, 0, b.shape[0]);
  return out;
}

describe('hand-computed: a 3×3 image rotated by 90°', () => {
  const grid = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  it('rotation 90 is [[3, 6, 9], [2, 5, 8], [1, 4, 7]] (counter-clockwise) for every fill, interpolation, dtype and layout', () => {
    for (const fill of FILLS) {
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        for (const Type of [Uint8Array, Float32Array]) {
          const out = affine({ data: Type.from(grid), shape: [1, 3, 3, 1] }, { rotation: [90, 90], fill, interpolation, fillValue: 0 });
          expect([...out.data]).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
          // −90 is clockwise; NCHW with two channels (the second 10×)
          const planes = Type.from([...grid, ...grid.map((v) => 10 * v)]);
          // −90 (clockwise) as a given matrix
          const m = new Float64Array(6);
          affineMatrix(3, 3, -90, 1, 1, 0, 0, 0, m, 0);
          expect([...m]).toEqual([0, 1, 0, -1, 0, 2]);
          const given = affine({ data: planes, shape: [1, 3, 3, 2], layout: 'NCHW' }, { matrix: [...m], fill, interpolation });
          expect([...given.data]).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3, 70, 40, 10, 80, 50, 20, 90, 60, 30]);
        }
      }
    }
  });

  it('rotated by 90° and moved one pixel right: the left column comes from row −1 through each fill', () => {
    // sx = 2 − y, sy = x − 1: output column 0 reads input row −1, columns 2, 1, 0 top to bottom
    const expected: Record<Fill, number[]> = {
      constant: [7, 3, 6, 7, 2, 5, 7, 1, 4], // fillValue 7
      nearest: [3, 3, 6, 2, 2, 5, 1, 1, 4], // row −1 → row 0
      reflect: [3, 3, 6, 2, 2, 5, 1, 1, 4], // row −1 → row 0 (dcba|abcd)
      mirror: [6, 3, 6, 5, 2, 5, 4, 1, 4], // row −1 → row 1 (cb|abc)
      wrap: [9, 3, 6, 8, 2, 5, 7, 1, 4], // row −1 → row 2
    };
    for (const fill of FILLS) {
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        for (const Type of [Uint8Array, Float32Array]) {
          const b: Batch = { data: Type.from(grid), shape: [1, 3, 3, 1] };
          const opts: AffineOptions = { rotation: [90, 90], x: [1 / 3, 1 / 3], fill, fillValue: 7, interpolation };
          expect([...affineParams(b, opts).matrix].map((v) => v + 0)).toEqual([0, -1, 2, 1, 0, -1]);
          expect([...affine(b, opts).data], `${fill} ${interpolation}`).toEqual(expected[fill]);
        }
      }
    }
  });

  it('a half-pixel move blends neighbours: uint8 rounds half to even, float32 exactly', () => {
    // sx = x + 0.5 on a row [0, 1, 4, 9] (matrix with a tiny zoom term so it is not a pure translation)
    const b: Batch = { data: Uint8Array.from([0, 1, 4, 9]), shape: [1, 1, 4, 1] };
    const m = [1, 0, 0.5, 0, 0.5, 0];
    // rows: sy = 0.5·y = 0 on the one row; columns: 0.5·(0 + 1) = 0.5 → 0 (even), 2.5 → 2, 6.5 → 6, 9 (nearest: 9 and 9)
    expect([...affine(b, { matrix: m, fill: 'nearest' }).data]).toEqual([0, 2, 6, 9]);
    const f = affine({ data: Float32Array.from([0, 1, 4, 9]), shape: [1, 1, 4, 1] }, { matrix: m, fill: 'nearest' });
    expect([...f.data]).toEqual([0.5, 2.5, 6.5, 9]);
  });
});

describe('the matrix of drawn parameters', () => {
  it('inverts the forward map C + R·Sh·S·(p − C) + t (float64, 1e-9)', () => {
    const rng = testRng(11);
    for (let k = 0; k < 200; k += 1) {
      const [w, h] = [rng.int(1, 300), rng.int(1, 300)];
      const [rot, zx, zy, sh, dx, dy] = [(rng.next() - 0.5) * 720, 0.2 + rng.next() * 3, 0.2 + rng.next() * 3, (rng.next() - 0.5) * 160, (rng.next() - 0.5) * w, (rng.next() - 0.5) * h];
      const m = new Float64Array(6);
      affineMatrix(w, h, rot, zx, zy, sh, dx, dy, m, 0);
      const t = (rot * Math.PI) / 180;
      const s = Math.tan((sh * Math.PI) / 180);
      const [cx, cy] = [(w - 1) / 2, (h - 1) / 2];
      for (const [px, py] of [[0, 0], [w - 1, 0], [3, h - 1], [rng.next() * w, rng.next() * h]] as const) {
        // forward: scale, shear, rotate (counter-clockwise on screen, y down), translate
        const [ax, ay] = [zx * (px - cx), zy * (py - cy)];
        const [bx, by] = [ax + s * ay, ay];
        const [ox, oy] = [cx + Math.cos(t) * bx + Math.sin(t) * by + dx, cy - Math.sin(t) * bx + Math.cos(t) * by + dy];
        expect(Math.abs(m[0]! * ox + m[1]! * oy + m[2]! - px)).toBeLessThan(1e-9 * (1 + w + h));
        expect(Math.abs(m[3]! * ox + m[4]! * oy + m[5]! - py)).toBeLessThan(1e-9 * (1 + w + h));
      }
    }
  });

  it('is exactly [1, 0, −dx, 0, 1, −dy] for a translation alone', () => {
    const m = new Float64Array(6);
    affineMatrix(224, 97, 0, 1, 1, 0, 3.7, -0.1, m, 0);
    expect([...m]).toEqual([1, -0, -3.7, 0, 1, 0.1]);
  });
});

/** Random cases: shape, dtype, layout, fill, interpolation, and options drawn or given (some pure translations). */
function randomCase(rng: ReturnType<typeof testRng>): { b: Batch; opts: AffineOptions } {
  const shape: Shape = [rng.int(1, 4), rng.int(1, 13), rng.int(1, 19), rng.pick([1, 2, 3, 4, 5])];
  const b = randomBatch(rng, shape, rng.pick(['uint8', 'float32'] as const), rng.pick(['NHWC', 'NCHW'] as const));
  const fill = rng.pick(FILLS);
  const opts: AffineOptions = { fill, interpolation: rng.pick(['bilinear', 'nearest'] as const), seed: rng.int(0, 1000), index: rng.int(0, 5000), epoch: rng.int(0, 3) };
  if (fill === 'constant') opts.fillValue = b.data instanceof Uint8Array ? rng.int(0, 255) : (rng.next() - 0.5) * 10;
  const kind = rng.int(0, 3);
  if (kind === 0) {
    Object.assign(opts, { rotation: rng.next() * 180, zoom: [0.5 + rng.next() * 0.5, 1 + rng.next()], shear: rng.next() * 30, x: rng.next() * 0.5, y: rng.next() * 0.5 });
  } else if (kind === 1) {
    Object.assign(opts, { rotation: [-15, 15], zoomX: [0.9, 1.1], zoomY: [0.8, 1.2] });
  } else if (kind === 2) {
    // per-image given matrices, some pure translations
    opts.matrix = Array.from({ length: shape[0] }, () => (rng.next() < 0.3
      ? [1, 0, (rng.next() - 0.5) * 30, 0, 1, (rng.next() - 0.5) * 30]
      : Array.from({ length: 6 }, (_, j) => (j === 2 || j === 5 ? (rng.next() - 0.5) * 40 : (rng.next() - 0.5) * 4))));
  } else {
    Object.assign(opts, { x: [-0.3, 0.3], y: 0.2 });
  }
  return { b, opts };
}

describe('every backend and ISA', () => {
  it('gives the same bytes as js on 400 random cases, and is close to the float64 reference', () => {
    const rng = testRng(19);
    for (let k = 0; k < 400; k += 1) {
      const { b, opts } = randomCase(rng);
      const req = affinePlan(b, opts);
      const expected = run(backends[0]!, b, req);
      for (const backend of backends.slice(1)) {
        expect(firstDifference(run(backend, b, req), expected), `case ${k} on ${backendName(backend)}`).toBe(-1);
      }
      if (k % 4 === 0) {
        // the reference from the matrix: uint8 within 1, float32 within 1e-4 (values within ±50)
        const ref = referenceAffine(b, req.matrix, opts.fill!, req.fillValue, opts.interpolation === 'nearest');
        const tolerance = b.data instanceof Uint8Array ? 1 : 1e-4;
        let worst = 0;
        for (let j = 0; j < ref.length; j += 1) worst = Math.max(worst, Math.abs(ref[j]! - expected[j]!));
        // nearest: a coordinate within rounding of .5 may pick the other pixel in the reference; only checked on matrices of small integers here
        if (opts.interpolation !== 'nearest') expect(worst, `case ${k}`).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  it('the js pieces (async slices) give the same bytes as the whole call', () => {
    const rng = testRng(7);
    for (let k = 0; k < 40; k += 1) {
      const { b, opts } = randomCase(rng);
      const req = affinePlan(b, opts);
      const whole = run(backends[0]!, b, req);
      const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
      for (const _ of affinePieces(req, b.data, out, 0, b.shape[0], rng.int(1, 50))) { /* run to the end */ }
      expect(firstDifference(out, whole)).toBe(-1);
      const direct = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
      affineImages(req, b.data, direct, 0, b.shape[0]);
      expect(firstDifference(direct, whole)).toBe(-1);
    }
  });
});

describe('large warps (outputs of 16 MiB or more: native streams them, and every plane asks for its own rows) give the bytes of js', () => {
  // Rows that are no multiple of 64 bytes, so streamed chunks start and end
  // inside cache lines; a pure translation among the matrices (shift_images);
  // the whole batch in one call and one image per call (a piece streams as
  // the whole output does). Rotations past 90° read rows upwards.
  it('float32 NHWC (3 channels) and NCHW, uint8 4 channels, bilinear and nearest, every backend and ISA', () => {
    const rng = testRng(2033);
    const cases = [
      { shape: [2, 1200, 583, 3], dtype: 'float32', layout: 'NHWC', fill: 'reflect', interpolation: 'bilinear' },  // 16.79 MB
      { shape: [3, 703, 1000, 2], dtype: 'float32', layout: 'NCHW', fill: 'constant', interpolation: 'bilinear' },  // 16.87 MB
      { shape: [2, 1600, 1311, 4], dtype: 'uint8', layout: 'NHWC', fill: 'wrap', interpolation: 'bilinear' },  // 16.78 MB
      { shape: [2, 1200, 583, 3], dtype: 'float32', layout: 'NHWC', fill: 'nearest', interpolation: 'nearest' },
    ] as const;
    for (const { shape, dtype, layout, fill, interpolation } of cases) {
      const b = randomBatch(rng, [...shape] as Shape, dtype, layout);
      const [n, h, w] = shape;
      const rotation = (degrees: number, zoom: number): number[] => {
        const t = (degrees * Math.PI) / 180;
        const [cx, cy] = [(w - 1) / 2, (h - 1) / 2];
        const [m0, m1, m3, m4] = [Math.cos(t) / zoom, -Math.sin(t) / zoom, Math.sin(t) / zoom, Math.cos(t) / zoom];
        return [m0, m1, cx - m0 * cx - m1 * cy + 3.7, m3, m4, cy - m3 * cx - m4 * cy - 11.2];
      };
      const matrix = [rotation(13, 0.93), [1, 0, -17, 0, 1, 4], rotation(171, 1.08)].slice(0, n);
      const req = affinePlan(b, { matrix, fill, fillValue: dtype === 'uint8' ? 200 : -0.25, interpolation });
      const expected = run(backends[0]!, b, req);
      for (const backend of backends.slice(1)) {
        const what = `${backendName(backend)} ${JSON.stringify({ shape, dtype, layout, fill })}`;
        expect(firstDifference(run(backend, b, req), expected), `${what}, one call`).toBe(-1);
        const out = dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
        for (let i = 0; i < n; i += 1) backend.affine(b.data, out, req, i, 1);
        expect(firstDifference(out, expected), `${what}, one image per call`).toBe(-1);
      }
    }
  }, 120_000);
});

describe('large float32 outputs (16 MiB or more: native streams them) give the js bytes', () => {
  // Rows of 583 pixels: three chunks of coordinates per row (256, 256, 71),
  // so streamed runs start and end inside cache lines; one image per call as
  // well as the whole batch (the output array's length decides, not the call).
  it('NHWC 3 and 4 channels, NCHW, reflect and constant, every backend and ISA', () => {
    const rng = testRng(2031);
    const cases = [
      { shape: [2, 1200, 583, 3] as Shape, layout: 'NHWC' as const, fill: 'reflect' as Fill },  // 16.79 MB
      { shape: [2, 900, 583, 4] as Shape, layout: 'NHWC' as const, fill: 'constant' as Fill },  // 16.79 MB
      { shape: [2, 1200, 583, 3] as Shape, layout: 'NCHW' as const, fill: 'reflect' as Fill },
    ];
    for (const { shape, layout, fill } of cases) {
      const b = randomBatch(rng, shape, 'float32', layout);
      const req = affinePlan(b, { rotation: [-15, 15], zoom: [0.9, 1.1], fill, fillValue: -1.5, seed: rng.int(0, 1000) });
      const expected = run(backends[0]!, b, req);
      for (const backend of backends.slice(1)) {
        expect(firstDifference(run(backend, b, req), expected), `${backendName(backend)} ${JSON.stringify({ shape, layout, fill })}`).toBe(-1);
        const out = new Float32Array(b.data.length);
        for (let i = 0; i < shape[0]; i += 1) backend.affine(b.data, out, req, i, 1);
        expect(firstDifference(out, expected), `${backendName(backend)} one image per call`).toBe(-1);
      }
    }
  }, 120_000);
});

describe('shift equals affine with only a translation (required)', () => {
  const offsets = [[0, 0], [3, -2], [-7, 5], [40, 1], [2.25, -1.75], [-0.5, 0.5], [0.3, 13.6], [-21.1, -0.01], [1.5, 2.5]];
  it('byte for byte: given dx, dy (integer and subpixel), both interpolations, every fill, both dtypes and layouts, on every backend', () => {
    const rng = testRng(5);
    for (const dtype of ['uint8', 'float32'] as const) {
      for (const layout of ['NHWC', 'NCHW'] as const) {
        const b = randomBatch(rng, [2, 9, 14, 3], dtype, layout);
        for (const fill of FILLS) {
          for (const interpolation of ['bilinear', 'nearest'] as const) {
            for (const [dx, dy] of offsets) {
              const fillValue = dtype === 'uint8' ? 17 : -3.5;
              const s = shift(b, { dx, dy, fill, fillValue, interpolation });
              const a = affine(b, { matrix: [1, 0, -dx!, 0, 1, -dy!], fill, fillValue, interpolation });
              expect(firstDifference(a.data, s.data), `${dtype} ${layout} ${fill} ${interpolation} ${dx},${dy}`).toBe(-1);
              const sReq = shiftPlan(b, { dx, dy, fill, fillValue, interpolation });
              const aReq = affinePlan(b, { matrix: [1, 0, -dx!, 0, 1, -dy!], fill, fillValue, interpolation });
              for (const backend of backends) {
                const so = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
                backend.shift(b.data, so, sReq, 0, 2);
                expect(firstDifference(run(backend, b, aReq), so), backendName(backend)).toBe(-1);
              }
            }
            // drawn fractions: the same dx = x·width as shift's
            const opts = { x: [0.13, 0.13] as [number, number], y: [-0.4, -0.4] as [number, number], fill, interpolation, seed: 3 };
            expect(firstDifference(affine(b, opts).data, shift(b, opts).data)).toBe(-1);
          }
        }
      }
    }
  });

  it('the general path (translate flags cleared) agrees with shift: exactly for integer offsets and nearest without ties, uint8 within 1 and float32 within 1e-6·50 otherwise', () => {
    const rng = testRng(6);
    for (const dtype of ['uint8', 'float32'] as const) {
      const b = randomBatch(rng, [2, 9, 14, 3], dtype, 'NHWC');
      for (const fill of FILLS) {
        for (const interpolation of ['bilinear', 'nearest'] as const) {
          for (const [dx, dy] of offsets) {
            const tie = interpolation === 'nearest' && (Math.abs(dx! % 1) === 0.5 || Math.abs(dy! % 1) === 0.5);
            if (tie) continue; // general nearest rounds sx half up, shift rounds the offset half to even
            const s = shift(b, { dx, dy, fill, interpolation, fillValue: 9 });
            const req = affinePlan(b, { matrix: [1, 0, -dx!, 0, 1, -dy!], fill, interpolation, fillValue: 9 });
            const general = { ...req, translate: new Uint8Array(2) };
            for (const backend of backends) {
              const a = run(backend, b, general);
              const exact = Number.isInteger(dx) && Number.isInteger(dy) || interpolation === 'nearest';
              let worst = 0;
              for (let j = 0; j < a.length; j += 1) worst = Math.max(worst, Math.abs(a[j]! - s.data[j]!));
              expect(worst, `${dtype} ${fill} ${interpolation} ${dx},${dy} ${backendName(backend)}`).toBeLessThanOrEqual(exact ? 0 : dtype === 'uint8' ? 1 : 5e-5);
            }
          }
        }
      }
    }
  });
});

describe('batch split, threads, replay', () => {
  it('image i gets the same result whatever the batch split and thread count', async () => {
    const rng = testRng(8);
    for (const dtype of ['uint8', 'float32'] as const) {
      const b = randomBatch(rng, [6, 11, 13, 3], dtype, 'NHWC');
      const opts: AffineOptions = { rotation: 30, zoom: 0.2, shear: 10, x: 0.1, y: 0.1, seed: 4, index: 100, epoch: 1, fill: 'wrap' };
      const whole = affine(b, opts);
      const per = 11 * 13 * 3;
      const head = affine({ data: b.data.subarray(0, 2 * per), shape: [2, 11, 13, 3] }, opts);
      const tail = affine({ data: b.data.subarray(2 * per), shape: [4, 11, 13, 3] }, { ...opts, index: 102 });
      expect(firstDifference([...head.data, ...tail.data], whole.data)).toBe(-1);
      for (const threads of [1, 2, 3, 8]) expect(firstDifference((await affineAsync(b, { ...opts, threads })).data, whole.data)).toBe(-1);
    }
  });

  it('a Pipeline step records what it drew and the matrix; replay equals run; JSON round trip', () => {
    const rng = testRng(9);
    const b = randomBatch(rng, [5, 10, 12, 3], 'uint8', 'NHWC');
    const pipeline = new Pipeline([{ op: 'affine', options: { rotation: 20, zoom: [0.8, 1.2], fill: 'reflect' }, p: 0.7 }, { op: 'flip', options: { p: 0.5 } }], { seed: 12 });
    const r = pipeline.run(b, { index: 30, epoch: 2, record: true });
    const params = r.records[0]!.steps[0]!.params;
    expect(Object.keys(params).sort()).toEqual(['dx', 'dy', 'm0', 'm1', 'm2', 'm3', 'm4', 'm5', 'rotation', 'shear', 'zoomX', 'zoomY']);
    expect(firstDifference(pipeline.replay(b, r.records).data, r.data)).toBe(-1);
    const copy = Pipeline.fromJSON(JSON.stringify(pipeline));
    expect(firstDifference(copy.run(b, { index: 30, epoch: 2 }).data, r.data)).toBe(-1);
    // replay from JSON-copied records too (float64 entries survive JSON)
    expect(firstDifference(copy.replay(b, JSON.parse(JSON.stringify(r.records))).data, r.data)).toBe(-1);
    // a given matrix step records the matrix only
    const given = new Pipeline([{ op: 'affine', options: { matrix: [1, 0.1, 0, 0, 1, 0] } }]);
    const g = given.run(b, { record: true });
    expect(g.records[0]!.steps[0]!.params).toEqual({ m0: 1, m1: 0.1, m2: 0, m3: 0, m4: 1, m5: 0 });
    expect(firstDifference(given.replay(b, g.records).data, g.data)).toBe(-1);
  });
});

describe('drawn parameters', () => {
  it('follow the published stream layout: block (0, index + k, epoch, 19) w0 rotation, w1 zoomX, w2 zoomY, w3 shear; block 1 w0 x, w1 y', () => {
    const n = 200;
    const b: Batch = { data: new Uint8Array(n * 4 * 6), shape: [n, 4, 6, 1] };
    const seed = 2n ** 40n + 5n;
    const p = affineParams(b, { rotation: [-10, 30], zoomX: [0.5, 2], zoomY: 0.25, shear: 20, x: [0, 0.5], y: 0.1, seed, index: 1000, epoch: 3 });
    const key = [5, 2 ** 8];
    for (let k = 0; k < n; k += 1) {
      const [w0, w1, w2, w3] = philox4x32([0, 1000 + k, 3, STREAM.affine], key);
      const [v0, v1] = philox4x32([1, 1000 + k, 3, STREAM.affine], key);
      expect(p.rotation[k]).toBe(-10 + 40 * uniformOfWord(w0!));
      expect(p.zoomX[k]).toBe(0.5 + 1.5 * uniformOfWord(w1!));
      expect(p.zoomY[k]).toBe(0.75 + 0.5 * uniformOfWord(w2!));
      expect(p.shear[k]).toBe(-20 + 40 * uniformOfWord(w3!));
      expect(p.dx[k]).toBe(0.5 * uniformOfWord(v0!) * 6);
      expect(p.dy[k]).toBe((-0.1 + 0.2 * uniformOfWord(v1!)) * 4);
    }
    expect(STREAM.affine).toBe(19);
  });

  it('stay within their bounds, cover them (means and quartiles of 4000 draws), and a tied zoom is one factor for both axes', () => {
    const n = 4000;
    const b: Batch = { data: new Uint8Array(n), shape: [n, 1, 1, 1] };
    const p = affineParams(b, { rotation: 15, zoom: [0.9, 1.1], seed: 77 });
    const check = (v: Float64Array, lo: number, hi: number): void => {
      expect(Math.min(...v)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...v)).toBeLessThanOrEqual(hi);
      // uniform: mean (lo + hi)/2 ± 4 standard errors, a quarter of draws below lo + (hi − lo)/4 ± 4σ
      const span = hi - lo;
      const mean = v.reduce((a, x) => a + x, 0) / n;
      expect(Math.abs(mean - (lo + hi) / 2)).toBeLessThan((4 * span) / Math.sqrt(12 * n));
      const below = v.filter((x) => x < lo + span / 4).length;
      expect(Math.abs(below - n / 4)).toBeLessThan(4 * Math.sqrt(n * 0.25 * 0.75));
    };
    check(p.rotation, -15, 15);
    check(p.zoomX, 0.9, 1.1);
    expect([...p.zoomY]).toEqual([...p.zoomX]);
    expect(p.shear.every((v) => v === 0) && p.dx.every((v) => v === 0)).toBe(true);
  });
});

describe('bad input', () => {
  const b: Batch = { data: new Uint8Array(2 * 3 * 4), shape: [2, 3, 4, 1] };
  it('throws TypeError / RangeError naming the argument, before any work', () => {
    const cases: Array<[AffineOptions, ErrorConstructor, string]> = [
      [{ rotation: -5 }, RangeError, 'for rotation'],
      [{ rotation: 'x' as unknown as number }, TypeError, 'for rotation'],
      [{ zoom: 1.5 }, RangeError, "Expected a number f in [0, 1) (meaning [1 − f, 1 + f]) or [lo, hi] with 0 < lo <= hi for zoom but received 1.5"],
      [{ zoom: [0, 2] }, RangeError, 'for zoom'],
      [{ zoom: 0.1, zoomX: 0.1 }, TypeError, 'Expected either zoom (both axes) or zoomX, zoomY for affine, not both'],
      [{ shear: 85 }, RangeError, 'for shear'],
      [{ matrix: [1, 0, 0, 0, 1] }, RangeError, 'for matrix'],
      [{ matrix: [1, 0, 0, 0, 1, NaN] }, RangeError, 'Expected a finite number with |value| <= 2^30 for matrix[5] but received NaN'],
      [{ matrix: [[1, 0, 0, 0, 1, 0]] }, RangeError, 'for matrix'],
      [{ matrix: [[1, 0, 0, 0, 1, 0], [1, 0, 0, 0, 1, '0' as unknown as number]] }, TypeError, 'Expected a finite number for matrix[1][5]'],
      [{ matrix: [1, 0, 0, 0, 1, 0], rotation: 5 }, TypeError, 'not both'],
      [{ interpolation: 'cubic' as 'nearest' }, TypeError, "Expected 'nearest' or 'bilinear' for interpolation"],
      [{ fill: 'zero' as Fill }, TypeError, 'for fill'],
      [{ fillValue: 256 }, RangeError, 'for fillValue'],
      [{ zoom: [1e-12, 1e-12] }, RangeError, 'for zoom'],
      [{ angle: 3 } as AffineOptions, TypeError, "Unknown option 'angle' for affine"],
    ];
    for (const [opts, type, message] of cases) {
      const call = (): unknown => affine(b, opts);
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
  });

  it('async: the same checks, and threads', async () => {
    await expect(affineAsync(b, { threads: 0 })).rejects.toThrow('for threads');
    await expect(affineAsync(b, { shear: -90 })).rejects.toThrow(RangeError);
  });

  it('a pipeline step takes one matrix for every image', () => {
    expect(() => new Pipeline([{ op: 'affine', options: { matrix: [[1, 0, 0, 0, 1, 0]] as unknown as number[] } }])).toThrow('for steps[0].options.matrix');
    expect(() => new Pipeline([{ op: 'affine', options: { rotation: -1 } }])).toThrow('steps[0] (affine): ');
  });
});

describe('affine: a drawn matrix beyond 2^30 names the option that made it, with its value', () => {
  const b: Batch = { data: new Uint8Array(2 * 2 * 3), shape: [2, 2, 3, 1] };
  const expected = (name: string, received: string) => new RangeError(`Expected a range whose matrices stay within 2^30 (a zoom too small or a translation too large) for ${name} but received ${received}`);
  it('a translation: x or y (before: always x, received undefined)', () => {
    expect(() => affine(b, { y: 1e30 })).toThrow(expected('y', '1e+30 of type number'));
    expect(() => affine(b, { x: [0, 1e30], y: 0.1 })).toThrow(expected('x', 'array(2) of type array'));
  });
  it('a zoom: zoom, or the smaller of zoomX and zoomY (before: always zoom, received undefined)', () => {
    expect(() => affine(b, { zoomY: [1e-30, 1e-30] })).toThrow(expected('zoomY', 'array(2) of type array'));
    expect(() => affine(b, { zoomX: [1e-30, 1e-30], zoomY: [0.5, 1] })).toThrow(expected('zoomX', 'array(2) of type array'));
    expect(() => affine(b, { zoom: [1e-30, 1e-30], x: 0.1 })).toThrow(expected('zoom', 'array(2) of type array'));
  });
});
