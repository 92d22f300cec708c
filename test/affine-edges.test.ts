// affine at the borders of the native kernel's unchecked runs (issue 19).
// Along an output row the native kernel blends the pixels whose four taps
// lie inside the image as one run with no bounds checks, found from the
// ends of each 256-pixel chunk (the taps' columns and rows are monotone along
// a row), and skips the ±2^30 clamp on rows whose ends lie within it. These
// cases put row ends and the interior's limits exactly on, and next to, the
// image border (including the uint8 weight's carry to the next pixel), use
// extreme slopes (zooms near 0 and huge, rotations near multiples of 90°,
// shears) and tiny images, with every fill. On AVX2 and up the runs go in
// groups of 8 pixels blended in pairs (each pair's store spills onto the
// next pixel), and 3- and 4-channel reflect edge pixels load their taps 4
// lanes at a time unless a tap is the image's last pixel; with the reflect
// and nearest fills, edge pixels go in groups of 8 too (their taps mapped lane
// by lane; a group at the chunk's end moves back over pixels already
// written; reflect taps farther than one image size or on the last pixel
// send the group back to the per-pixel path); on AVX-512, uint8 3-channel
// interior pixels go in quads whose taps come from three 16-byte row tables
// (quads whose taps spread further, or whose last table would leave the
// image, take the pairs): the cases reach all of these
// (counted below). Each batch holds one image, so a
// read outside the image leaves the buffer (the sanitizer build reports it);
// every native ISA must give js's bytes (js maps every tap through the fill
// rule), and a float64 reference from the definition bounds the values.
import { describe, expect, it } from 'vitest';

import type { AffineRequest } from '../src/backends/backend.js';
import type { Batch, Fill } from '../src/index.js';
import { affineMatrix, affinePlan } from '../src/ops/affine.js';
import { backendName, backends, jsReference, nativeBackends } from './helpers/backends.js';
import { randomBatch, type Shape } from './helpers/batches.js';
import { extensionIndex, FILLS } from './helpers/fills.js';
import { firstDifference, testRng } from './helpers/rng.js';

type Rng = ReturnType<typeof testRng>;
type Matrix = [number, number, number, number, number, number];

const LIMIT = 2 ** 30;

function run(backend: (typeof backends)[number], b: Batch, req: AffineRequest): Uint8Array | Float32Array {
  const out = b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
  backend.affine(b.data, out, req, 0, b.shape[0]);
  return out;
}

/**
 * Positions on an axis of `size` where the interior (both taps inside:
 * floor(s) in [0, size − 2], or [0, size − 3] for the native 3-channel
 * loads) starts or ends, just before and after them, and the uint8
 * weight's carry (s = k − 2^-14 rounds to k).
 */
function borderPositions(size: number): number[] {
  const carry = 2 ** -14;
  const tiny = 2 ** -40;
  const around = (k: number): number[] => [k - 1, k - carry, k - tiny, k, k + tiny, k + carry, k + 0.5];
  return [...around(0), ...around(size - 3), ...around(size - 2), ...around(size - 1), ...around(size), -LIMIT, LIMIT];
}

/** A matrix whose row 0 runs from (sx, sy) = (x0, y0) at x = 0 to (x1, y1) at x = w − 1, as closely as float64 allows. */
function throughEnds(w: number, x0: number, x1: number, y0: number, y1: number, m1: number, m4: number): Matrix {
  const steps = Math.max(1, w - 1);
  return [(x1 - x0) / steps, m1, x0, (y1 - y0) / steps, m4, y0];
}

/** One of the matrix families, its entries within ±2^30 (what affine accepts). */
function edgeMatrix(rng: Rng, w: number, h: number): Matrix {
  return edgeMatrixUnbounded(rng, w, h).map((v) => Math.max(-LIMIT, Math.min(LIMIT, v))) as Matrix;
}

/** Row ends on the border, extreme slopes, drawn rotations/zooms/shears, raw extremes. */
function edgeMatrixUnbounded(rng: Rng, w: number, h: number): Matrix {
  const xs = borderPositions(w);
  const ys = borderPositions(h);
  // m1 and m4 move later rows: 0 (every row alike), a slant, a zoom, or a 90° turn
  const m1 = rng.pick([0, 2 ** -20, -0.37, 1, -1, 3]);
  const m4 = rng.pick([0, 0.5, 1, -1, 1 + 2 ** -30, 2.5]);
  switch (rng.int(0, 4)) {
    case 0: // both row ends on border positions
      return throughEnds(w, rng.pick(xs), rng.pick(xs), rng.pick(ys), rng.pick(ys), m1, m4);
    case 1: { // an exact unit step along x, offset onto a border position (not a pure translation: m4 or m1 differ)
      const sign = rng.pick([1, -1]);
      const start = rng.pick(xs);
      return [sign, m1 === 0 ? 2 ** -20 : m1, sign > 0 ? start : start + (w - 1), rng.pick([0, 2 ** -30, -(2 ** -30)]), m4, rng.pick(ys)];
    }
    case 2: { // extreme slopes (zoom near 0: huge steps; zoom huge: many pixels on one tap)
      const slope = rng.pick([LIMIT, -LIMIT, 1e6, -1e6, 1000, w, -w, 1 + 2 ** -52, 1 - 2 ** -53, 1e-9, -1e-9, 2 ** -30, 0]);
      const slopeY = rng.pick([0, 1e-9, -1e-9, 0.01, 1, -1, 1e6, LIMIT]);
      return [slope, m1, rng.pick([...xs, (1 - slope) * (w - 1) / 2]), slopeY, m4, rng.pick([...ys, (1 - slopeY) * (h - 1) / 2])];
    }
    case 3: { // drawn-style matrices about the centre: any rotation (exact quarter turns and near them), zooms, shears
      const rotation = rng.pick([0, 90, -90, 180, 270, 89.999999, 90.000001, 45, 15, -15, 179.99, rng.next() * 720 - 360]);
      const zoom = (): number => rng.pick([1e-6, 1e-3, 0.05, 0.5, 0.9, 1, 1.1, 2, 50, 1e6]);
      const shear = rng.pick([0, 0, 10, -45, 80, -80, rng.next() * 160 - 80]);
      const dx = rng.pick([0, 0.5, -1, w, -w, (rng.next() - 0.5) * 2 * w]);
      const dy = rng.pick([0, 0.5, -1, h, -h, (rng.next() - 0.5) * 2 * h]);
      const m = new Float64Array(6);
      affineMatrix(w, h, rotation, zoom(), zoom(), shear, dx, dy, m, 0);
      return [...m] as Matrix;
    }
    default: // raw entries, some at ±2^30
      return Array.from({ length: 6 }, () => rng.pick([LIMIT, -LIMIT, 0, 1, -1, (rng.next() - 0.5) * 4, (rng.next() - 0.5) * 4 * Math.max(w, h)])) as Matrix;
  }
}

/** The native kernel's chunk: output pixels whose coordinates it computes at once (kChunk in native/kernels/affine.h). */
const CHUNK = 256;
/** Widths around the chunks and the 3-channel interior limit (and 64, the chunk of before), tiny heights (1×1, 1×W, H×1 included). */
const WIDTHS = [1, 2, 3, 4, 5, 7, 9, 63, 64, 65, 66, 129, 255, 256, 257, 258];
const HEIGHTS = [1, 2, 3, 4, 5, 9];

function randomShape(rng: Rng): Shape {
  return [1, rng.pick(HEIGHTS), rng.pick(WIDTHS), rng.pick([1, 2, 3, 3, 3, 4, 4, 5])];
}

/** extensionIndex, remembered (it builds the fill's period on every call). */
const extensionCache = new Map<string, number>();
function extended(s: number, size: number, fill: Fill): number {
  if (s >= 0 && s < size) return s;
  const key = `${s} ${size} ${fill}`;
  let v = extensionCache.get(key);
  if (v === undefined) {
    v = extensionIndex(s, size, fill);
    extensionCache.set(key, v);
  }
  return v;
}

/** From the definition, in float64 (no clamp: used only where coordinates stay far inside ±2^30). */
function reference(b: Batch, m: ArrayLike<number>, fill: Fill, fillValue: number): Float64Array {
  const [, h, w, c] = b.shape;
  const at = (y: number, x: number, ch: number): number => (b.layout === 'NCHW' ? (ch * h + y) * w + x : (y * w + x) * c + ch);
  const sample = (y: number, x: number, ch: number): number => {
    const yy = extended(y, h, fill);
    const xx = extended(x, w, fill);
    return yy < 0 || xx < 0 ? fillValue : b.data[at(yy, xx, ch)]!;
  };
  const out = new Float64Array(b.data.length);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const sx = m[0]! * x + m[1]! * y + m[2]!;
      const sy = m[3]! * x + m[4]! * y + m[5]!;
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      const [fx, fy] = [sx - x0, sy - y0];
      for (let ch = 0; ch < c; ch += 1) {
        const top = (1 - fx) * sample(y0, x0, ch) + fx * sample(y0, x0 + 1, ch);
        const bottom = (1 - fx) * sample(y0 + 1, x0, ch) + fx * sample(y0 + 1, x0 + 1, ch);
        out[at(y, x, ch)] = (1 - fy) * top + fy * bottom;
      }
    }
  }
  return out;
}

/** Every source coordinate of the image within ±2^20 (then float64 and the kernels' coordinates agree closely). */
function coordinatesSmall(m: Matrix, w: number, h: number): boolean {
  const corners = [[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]];
  return corners.every(([x, y]) => Math.abs(m[0] * x! + m[1] * y! + m[2]) < 2 ** 20 && Math.abs(m[3] * x! + m[4] * y! + m[5]) < 2 ** 20);
}

/** What the cases reach in the native kernel's terms (counted from the same float64 coordinates, to keep the cases honest). */
interface Reach {
  /** Chunks whose interior run has edge pixels on both sides. */
  runsInside: number;
  /** Interior runs that start or end on the interior's first or last column or row. */
  limitsOnBorder: number;
  /** uint8 pixels moved into or out of the interior by the weight's carry to the next pixel. */
  carriesAcross: number;
  /** Chunks whose run holds a group of 8 pixels blended in pairs (AVX2 and up: 9 interior pixels and one more pixel of the chunk after them). */
  pairedGroups: number;
  /** 3-channel reflect edge pixels with a tap mapped onto the image's last pixel (where a 4-lane load would leave the image). */
  reflectLastPixel: number;
  /** Chunks (3 or 4 channels, reflect or nearest fill, 8 pixels or more) whose edge pixels go in groups of 8 (AVX2 and up). */
  edgeGroups: number;
  /** Of those, chunks where a group also covers interior pixels (an edge run not a multiple of 8 long). */
  edgeGroupsOverInterior: number;
  /** Reflect chunks with an edge pixel whose taps lie farther than one image size (its group takes the per-pixel path). */
  edgeGroupsFarTaps: number;
  /** AVX-512, uint8, 3 channels: interior quads (4 pixels from the run's start, or from the left edge groups' end) whose taps fit three 16-byte tables. */
  quads: number;
  /** Of those, quads whose last table would run past the image's end (they take the pairs). */
  quadsPastEnd: number;
  /** Interior quads whose taps do not fit the tables (i0 apart by more than 3 or j0 by more than 1: the pairs instead). */
  quadsMissed: number;
}

function countReach(reach: Reach, m: Matrix, w: number, h: number, c: number, uint8: boolean, fill: Fill): void {
  // native 3-channel pixels need one spare column for their 4-lane loads
  const wide = c === 3 ? Math.max(0, w - 2) : w - 1;
  const clamp = (s: number): number => Math.max(-LIMIT, Math.min(LIMIT, s));
  const tap = (s: number): [number, number] => {
    const i = Math.floor(s);
    const carry = uint8 && (s - i) * 4096 + 2 ** 52 - 2 ** 52 === 4096 ? 1 : 0;
    return [i, i + carry];
  };
  for (let y = 0; y < h; y += 1) {
    const rx = m[1] * y + m[2];
    const ry = m[4] * y + m[5];
    for (let x0 = 0; x0 < w; x0 += CHUNK) {
      const inside: boolean[] = [];
      const limit: boolean[] = [];
      const cols: number[] = [];
      const rows: number[] = [];
      for (let x = x0; x < Math.min(w, x0 + CHUNK); x += 1) {
        const [i, ic] = tap(clamp(m[0] * x + rx));
        const [j, jc] = tap(clamp(m[3] * x + ry));
        const interior = (a: number, b: number): boolean => a >= 0 && a < wide && b >= 0 && b < h - 1;
        inside.push(interior(ic, jc));
        cols.push(ic);
        rows.push(jc);
        limit.push(ic === 0 || ic === wide - 1 || jc === 0 || jc === h - 2);
        if (interior(ic, jc) !== interior(i, j)) reach.carriesAcross += 1;
        if (c === 3 && fill === 'reflect' && !interior(ic, jc) && Math.abs(ic) < 4 * w && Math.abs(jc) < 4 * h) {
          const onLast = (col: number, row: number): boolean => extended(col, w, fill) === w - 1 && extended(row, h, fill) === h - 1;
          if (onLast(ic, jc) || onLast(ic + 1, jc) || onLast(ic, jc + 1) || onLast(ic + 1, jc + 1)) reach.reflectLastPixel += 1;
        }
      }
      const a = inside.indexOf(true);
      const b = inside.lastIndexOf(true);
      const n = inside.length;
      if ((c === 3 || c === 4) && (fill === 'reflect' || fill === 'nearest') && n >= 8 && inside.includes(false)) {
        reach.edgeGroups += 1;
        const left = a < 0 ? n : a;
        const right = a < 0 ? 0 : n - 1 - b;
        if ((left % 8 !== 0 && left < n) || right % 8 !== 0) reach.edgeGroupsOverInterior += 1;
        if (fill === 'reflect') {
          const far = (s: number, size: number): boolean => Math.floor(s) < -size || Math.floor(s) >= 2 * size - 1;
          for (let x = x0; x < x0 + n; x += 1) {
            if (far(clamp(m[0] * x + rx), w) || far(clamp(m[3] * x + ry), h)) {
              reach.edgeGroupsFarTaps += 1;
              break;
            }
          }
        }
      }
      if (c >= 3 && c <= 4 && a >= 0 && a + 7 <= b && a + 8 < inside.length) reach.pairedGroups += 1;
      if (c === 3 && uint8 && a >= 0) {
        // the interior starts after the left edge groups (whole groups of 8) when those apply
        const groups = (fill === 'reflect' || fill === 'nearest') && n >= 8;
        const start = groups ? Math.min(n, Math.ceil(a / 8) * 8) : a;
        for (let k = start; k + 4 <= b + 1; k += 4) {
          if (Math.abs(cols[k + 3]! - cols[k]!) <= 3 && Math.abs(rows[k + 3]! - rows[k]!) <= 1) {
            reach.quads += 1;
            const at = Math.min(rows[k]!, rows[k + 3]!) * w * 3 + 3 * Math.min(cols[k]!, cols[k + 3]!);
            if (at + 2 * w * 3 + 16 > h * w * 3) reach.quadsPastEnd += 1;
          } else {
            reach.quadsMissed += 1;
          }
        }
      }
      if (a > 0 && b >= 0 && b < inside.length - 1) reach.runsInside += 1;
      if (a >= 0 && (limit[a] || limit[b])) reach.limitsOnBorder += 1;
    }
  }
}

describe('affine edge cases of the unchecked interior runs', () => {
  it('every native ISA gives js\'s bytes on 1500 matrices with row ends on and next to the border, extreme slopes, tiny images, every fill', () => {
    const rng = testRng(1919);
    let checkedAgainstReference = 0;
    const reach: Reach = {
      runsInside: 0, limitsOnBorder: 0, carriesAcross: 0, pairedGroups: 0, reflectLastPixel: 0, edgeGroups: 0, edgeGroupsOverInterior: 0, edgeGroupsFarTaps: 0,
      quads: 0, quadsPastEnd: 0, quadsMissed: 0,
    };
    for (let k = 0; k < 1500; k += 1) {
      const shape = randomShape(rng);
      const [, h, w] = shape;
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const b = randomBatch(rng, shape, dtype, rng.pick(['NHWC', 'NHWC', 'NCHW'] as const));
      const fill = rng.pick(FILLS);
      const fillValue = dtype === 'uint8' ? rng.int(0, 255) : (rng.next() - 0.5) * 10;
      const interpolation = k % 8 === 7 ? 'nearest' : 'bilinear';
      const m = edgeMatrix(rng, w, h);
      const req = affinePlan(b, { matrix: m, fill, fillValue, interpolation });
      if (interpolation === 'bilinear' && !req.translate[0]) countReach(reach, m, w, h, b.layout === 'NCHW' ? 1 : shape[3], dtype === 'uint8', fill);
      const expected = run(jsReference, b, req);
      for (const backend of nativeBackends) {
        const got = run(backend, b, req);
        expect(firstDifference(got, expected), `case ${k} ${backendName(backend)} ${shape} ${dtype} ${b.layout} ${fill} ${interpolation} [${m}]`).toBe(-1);
      }
      if (interpolation === 'bilinear' && !req.translate[0] && coordinatesSmall(m, w, h)) {
        const ref = reference(b, m, fill, req.fillValue);
        let worst = 0;
        for (let j = 0; j < ref.length; j += 1) worst = Math.max(worst, Math.abs(ref[j]! - expected[j]!));
        expect(worst, `case ${k} against the float64 reference [${m}]`).toBeLessThanOrEqual(dtype === 'uint8' ? 1 : 1e-4);
        checkedAgainstReference += 1;
      }
    }
    // the reference must have seen a good share of the cases (it is the independent check of js too)
    expect(checkedAgainstReference).toBeGreaterThan(300);
    // and the cases must reach the places where an unchecked run could go wrong
    expect(reach.runsInside, JSON.stringify(reach)).toBeGreaterThan(100);
    expect(reach.limitsOnBorder, JSON.stringify(reach)).toBeGreaterThan(500);
    expect(reach.carriesAcross, JSON.stringify(reach)).toBeGreaterThan(500);
    expect(reach.pairedGroups, JSON.stringify(reach)).toBeGreaterThan(100);
    expect(reach.reflectLastPixel, JSON.stringify(reach)).toBeGreaterThan(100);
    expect(reach.edgeGroups, JSON.stringify(reach)).toBeGreaterThan(300);
    expect(reach.edgeGroupsOverInterior, JSON.stringify(reach)).toBeGreaterThan(50);
    expect(reach.edgeGroupsFarTaps, JSON.stringify(reach)).toBeGreaterThan(50);
    expect(reach.quads, JSON.stringify(reach)).toBeGreaterThan(500);
    expect(reach.quadsPastEnd, JSON.stringify(reach)).toBeGreaterThan(200);
    expect(reach.quadsMissed, JSON.stringify(reach)).toBeGreaterThan(40);
  });

  it('two images with their own matrices: image 1 lies between image 0 and the end of the buffer, and neither reads the other', () => {
    const rng = testRng(2020);
    for (let k = 0; k < 300; k += 1) {
      const [, h, w, c] = randomShape(rng);
      const dtype = rng.pick(['uint8', 'float32'] as const);
      const layout = rng.pick(['NHWC', 'NCHW'] as const);
      const b = randomBatch(rng, [2, h, w, c], dtype, layout);
      const fill = rng.pick(FILLS);
      const matrices = [edgeMatrix(rng, w, h), edgeMatrix(rng, w, h)];
      const req = affinePlan(b, { matrix: matrices, fill, fillValue: 7 });
      const expected = run(jsReference, b, req);
      // image 0 alone must not depend on image 1's pixels: warp again with image 1 changed
      const changed = b.data.slice();
      for (let j = h * w * c; j < changed.length; j += 1) changed[j] = dtype === 'uint8' ? 255 - changed[j]! : -changed[j]! - 1;
      for (const backend of nativeBackends) {
        expect(firstDifference(run(backend, b, req), expected), `case ${k} ${backendName(backend)} [${matrices}]`).toBe(-1);
        const again = run(backend, { ...b, data: changed }, req);
        expect(firstDifference(again.subarray(0, h * w * c), expected.subarray(0, h * w * c)), `case ${k} image 0 read image 1`).toBe(-1);
      }
    }
  });

  it('hand-checked: a row running exactly from the left border to the right one reads each column once (identity columns, row 1 of 3)', () => {
    // sx = x exactly (m0 = 1), sy = 1 + 2^-20·y: the taps are rows 1 and 2 with weight 2^-20·y on row 2; row 0 reads row 1 exactly
    const w = CHUNK + 3; // two chunks, the second of 3 pixels
    const data = Float32Array.from({ length: 3 * w * 3 }, (_, j) => j);
    const b: Batch = { data, shape: [1, 3, w, 3] };
    const req = affinePlan(b, { matrix: [1, 0, 0, 0, 2 ** -20, 1], fill: 'constant', fillValue: -1 });
    for (const backend of backends) {
      const out = run(backend, b, req);
      // output row 0 is input row 1, bit for bit, the last column included (its right tap has weight 0 but reads column w, filled)
      expect(firstDifference(out.subarray(0, w * 3), data.subarray(w * 3, 2 * w * 3)), backendName(backend)).toBe(-1);
    }
  });
});
