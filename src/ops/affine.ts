// affine / affineAsync (issue 19): validate, resolve every image's 2×3
// matrix (given, or built from parameters drawn from the affine stream) in
// float64, then call the backend. Both backends get the same matrices, so
// they give the same bytes. A matrix that is a pure translation is done as
// shift's kernel does it (the same bytes as `shift` with dx = −m2, dy = −m5).
import type { AffineRequest } from '../backends/backend.js';
import { philoxBlock, uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { invalidParameterError, isArraySafe } from '../validate.js';
import {
  batchResult, checkBatchFields, outputArray, readBatch, perSampleWords, rangeOption, sampleIndex, type Batch, type CheckedBatch, type Range,
} from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { nsPerImage, runImagesAsync, type NsPerByte, type ResolvedImageOp } from './image-op.js';
import { axisTaps, fillOptions, roundHalfEven, type Fill, type Interpolation } from './shift.js';

export interface AffineOptions extends RandomOptions {
  /** Drawn rotation in degrees (positive: counter-clockwise on screen): [lo, hi], or r meaning [−r, r]. */
  rotation?: Range;
  /** Drawn zoom, one factor for both axes (> 1 enlarges the content): [lo, hi] with 0 < lo, or f meaning [1 − f, 1 + f]. */
  zoom?: Range;
  /** Drawn horizontal zoom on its own (with zoomY; not with zoom). */
  zoomX?: Range;
  /** Drawn vertical zoom on its own (with zoomX; not with zoom). */
  zoomY?: Range;
  /** Drawn shear in degrees (x shear: x' = x + tan(shear)·y), within [−80, 80]: [lo, hi], or s meaning [−s, s]. */
  shear?: Range;
  /** Drawn horizontal translation as a fraction of the width (positive moves content right), as shift's x. */
  x?: Range;
  /** Drawn vertical translation as a fraction of the height (positive moves content down), as shift's y. */
  y?: Range;
  /**
   * Given matrices instead of drawn parameters: 6 numbers [m0, m1, m2, m3, m4, m5]
   * for every image, or one such array per image, or 6·n numbers. Output pixel
   * (x, y) reads the input at (m0·x + m1·y + m2, m3·x + m4·y + m5).
   */
  matrix?: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: Interpolation;
  /** How pixels from outside the image are filled (default 'reflect'). */
  fill?: Fill;
  /** Value for fill 'constant' (default 0; an integer 0…255 for uint8 data). */
  fillValue?: number;
  /** Write the result here: a typed array like batch.data (not batch.data itself). */
  out?: Uint8Array | Float32Array;
}

/** What each image got: the drawn parameters (NaN when matrices were given) and its matrix. */
export interface AffineParams {
  rotation: Float64Array;
  zoomX: Float64Array;
  zoomY: Float64Array;
  shear: Float64Array;
  /** Translation in pixels (fraction · width, fraction · height). */
  dx: Float64Array;
  dy: Float64Array;
  /** 6 per image: the output-to-input matrix the kernels used. */
  matrix: Float64Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'rotation', 'zoom', 'zoomX', 'zoomY', 'shear', 'x', 'y', 'matrix', 'interpolation', 'fill', 'fillValue', 'out'] as const;
/** Largest |matrix entry|: source coordinates stay finite, and their clamp (±2^30) keeps floors inside int32. */
export const MAX_MATRIX_ENTRY = 2 ** 30;
const MAX_SHEAR = 80;

/** sin and cos of an angle in degrees, exact (0, ±1) at multiples of 90°. */
export function sinCosDegrees(degrees: number): [number, number] {
  const r = degrees % 360;
  const quadrant = Math.round(r / 90);
  const rest = ((r - 90 * quadrant) * Math.PI) / 180;
  const s = rest === 0 ? 0 : Math.sin(rest);
  const c = rest === 0 ? 1 : Math.cos(rest);
  switch (((quadrant % 4) + 4) % 4) {
    case 0: return [s, c];
    case 1: return [c, -s];
    case 2: return [-s, -c];
    default: return [-c, s];
  }
}

/**
 * The output-to-input matrix of rotation θ, shear φ, zoom (zx, zy) about the
 * image centre (cx, cy) = ((w − 1)/2, (h − 1)/2), then translation (dx, dy):
 * forward, out = C + R(θ)·Sh(φ)·S(zx, zy)·(in − C) + (dx, dy) with
 * R = [[cos, sin], [−sin, cos]], Sh = [[1, tan φ], [0, 1]], S = diag(zx, zy).
 * Inverse in float64, in this order:
 *   m0 = (cos − t·sin)/zx, m1 = (−sin − t·cos)/zx, m3 = sin/zy, m4 = cos/zy (t = tan φ),
 *   m2 = (cx − (m0·cx + m1·cy)) − (m0·dx + m1·dy), m5 = (cy − (m3·cx + m4·cy)) − (m3·dx + m4·dy),
 * so that a pure translation is exactly [1, 0, −dx, 0, 1, −dy].
 */
export function affineMatrix(w: number, h: number, rotation: number, zoomX: number, zoomY: number, shear: number, dx: number, dy: number, out: Float64Array, at: number): void {
  const [s, c] = sinCosDegrees(rotation);
  const t = shear === 0 ? 0 : Math.tan((shear * Math.PI) / 180);
  const m0 = (c - t * s) / zoomX;
  const m1 = (-s - t * c) / zoomX;
  const m3 = s / zoomY;
  const m4 = c / zoomY;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  out[at] = m0;
  out[at + 1] = m1;
  out[at + 2] = (cx - (m0 * cx + m1 * cy)) - (m0 * dx + m1 * dy);
  out[at + 3] = m3;
  out[at + 4] = m4;
  out[at + 5] = (cy - (m3 * cx + m4 * cy)) - (m3 * dx + m4 * dy);
}

function zoomRange(name: string, value: unknown): [number, number] {
  const expected = 'a number f in [0, 1) (meaning [1 − f, 1 + f]) or [lo, hi] with 0 < lo <= hi';
  let range: [number, number];
  if (typeof value === 'number') {
    if (!(value >= 0 && value < 1)) throw invalidParameterError(name, expected, value, 'range');
    range = [1 - value, 1 + value];
  } else {
    if (!Array.isArray(value) || value.length !== 2) throw invalidParameterError(name, expected, value);
    range = rangeOption(name, value, false, 0, Infinity);
    if (!(range[0] > 0)) throw invalidParameterError(name, expected, value, 'range');
  }
  return range;
}

function givenMatrices(value: unknown, n: number): Float64Array {
  const expected = `6 finite numbers (one matrix for every image), ${n === 1 ? 'an array of 1 such array' : `${n} arrays of 6 numbers`} (one per image) or ${6 * n} numbers`;
  const m = new Float64Array(6 * n);
  const isList = (v: unknown): v is ArrayLike<unknown> => (isArraySafe(v) || ArrayBuffer.isView(v)) && typeof (v as ArrayLike<unknown>).length === 'number';
  if (!isList(value)) throw invalidParameterError('matrix', expected, value);
  const entry = (name: string, v: unknown): number => {
    if (typeof v !== 'number') throw invalidParameterError(name, 'a finite number', v);
    if (!(Math.abs(v) <= MAX_MATRIX_ENTRY)) throw invalidParameterError(name, 'a finite number with |value| <= 2^30', v, 'range');
    return v;
  };
  if (value.length > 0 && isList(value[0])) {
    if (value.length !== n) throw invalidParameterError('matrix', expected, value, 'range');
    for (let i = 0; i < n; i += 1) {
      const row = value[i];
      if (!isList(row) || row.length !== 6) throw invalidParameterError(`matrix[${i}]`, '6 finite numbers', row, isList(row) ? 'range' : 'type');
      for (let j = 0; j < 6; j += 1) m[6 * i + j] = entry(`matrix[${i}][${j}]`, row[j]);
    }
    return m;
  }
  if (value.length === 6) {
    for (let j = 0; j < 6; j += 1) m[j] = entry(`matrix[${j}]`, value[j]);
    for (let i = 1; i < n; i += 1) m.copyWithin(6 * i, 0, 6);
    return m;
  }
  if (value.length !== 6 * n) throw invalidParameterError('matrix', expected, value, 'range');
  for (let j = 0; j < 6 * n; j += 1) m[j] = entry(`matrix[${j}]`, value[j]);
  return m;
}

/**
 * Per-image parameters and matrices. Drawn: image k (dataset index index + k)
 * uses counter (0, index + k, epoch, STREAM.affine) words w0 rotation,
 * w1 zoomX (the tied zoom), w2 zoomY, w3 shear, and counter
 * (1, index + k, epoch, STREAM.affine) words w0 x, w1 y; each parameter is
 * lo + (hi − lo)·U(w) in float64; dx = x·width, dy = y·height.
 */
function resolveParams(b: CheckedBatch, o: Partial<AffineOptions>): AffineParams {
  const drawnNames = ['rotation', 'zoom', 'zoomX', 'zoomY', 'shear', 'x', 'y'] as const;
  const drawn = drawnNames.some((k) => o[k] !== undefined);
  const n = b.n;
  const nan = (): Float64Array => new Float64Array(n).fill(NaN);
  if (o.matrix !== undefined) {
    if (drawn) throw new TypeError('Expected either given matrices (matrix) or drawn ranges (rotation, zoom, zoomX, zoomY, shear, x, y) for affine, not both');
    return { rotation: nan(), zoomX: nan(), zoomY: nan(), shear: nan(), dx: nan(), dy: nan(), matrix: givenMatrices(o.matrix, n) };
  }
  if (o.zoom !== undefined && (o.zoomX !== undefined || o.zoomY !== undefined)) throw new TypeError('Expected either zoom (both axes) or zoomX, zoomY for affine, not both');
  const rotation = o.rotation === undefined ? [0, 0] : rangeOption('rotation', o.rotation, true);
  const tied = o.zoom !== undefined;
  const zx = tied ? zoomRange('zoom', o.zoom) : o.zoomX === undefined ? [1, 1] : zoomRange('zoomX', o.zoomX);
  const zy = tied ? zx : o.zoomY === undefined ? [1, 1] : zoomRange('zoomY', o.zoomY);
  const shear = o.shear === undefined ? [0, 0] : rangeOption('shear', o.shear, true, -MAX_SHEAR, MAX_SHEAR);
  const tx = o.x === undefined ? [0, 0] : rangeOption('x', o.x, true);
  const ty = o.y === undefined ? [0, 0] : rangeOption('y', o.y, true);
  const key = seedKey(o.seed);
  const index = sampleIndex(o.index, n);
  const epoch = epochOption(o.epoch);
  const words = perSampleWords(n, key, index, epoch, STREAM.affine);
  const second = new Uint32Array(4);
  const p: AffineParams = {
    rotation: new Float64Array(n), zoomX: new Float64Array(n), zoomY: new Float64Array(n), shear: new Float64Array(n),
    dx: new Float64Array(n), dy: new Float64Array(n), matrix: new Float64Array(6 * n),
  };
  const draw = (range: number[], word: number): number => range[0]! + (range[1]! - range[0]!) * uniformFromWord(word);
  for (let k = 0; k < n; k += 1) {
    philoxBlock(1, index + k, epoch, STREAM.affine, key.key0, key.key1, second);
    p.rotation[k] = draw(rotation, words[4 * k]!);
    p.zoomX[k] = draw(zx, words[4 * k + 1]!);
    p.zoomY[k] = tied ? p.zoomX[k]! : draw(zy, words[4 * k + 2]!);
    p.shear[k] = draw(shear, words[4 * k + 3]!);
    p.dx[k] = draw(tx, second[0]!) * b.w;
    p.dy[k] = draw(ty, second[1]!) * b.h;
    affineMatrix(b.w, b.h, p.rotation[k]!, p.zoomX[k]!, p.zoomY[k]!, p.shear[k]!, p.dx[k]!, p.dy[k]!, p.matrix, 6 * k);
  }
  const bad = p.matrix.findIndex((v) => !(Math.abs(v) <= MAX_MATRIX_ENTRY));
  if (bad >= 0) {
    const name = matrixCulprit(o, bad % 6 === 2 || bad % 6 === 5, b);
    throw invalidParameterError(name, 'a range whose matrices stay within 2^30 (a zoom too small or a translation too large)', o[name], 'range');
  }
  return p;
}

/**
 * The option to name when a drawn matrix leaves 2^30: a zoom when a linear
 * entry (m0, m1, m3, m4) did, or when no translation was given; else the
 * translation (x or y) reaching furthest in pixels.
 */
function matrixCulprit(o: Partial<AffineOptions>, translationEntry: boolean, b: CheckedBatch): 'zoom' | 'zoomX' | 'zoomY' | 'x' | 'y' {
  const reach = (range: unknown, size: number): number => (range === undefined ? -1 : Math.max(...[range].flat().map((v) => Math.abs(v as number))) * size);
  const [rx, ry] = [reach(o.x, b.w), reach(o.y, b.h)];
  if (translationEntry && Math.max(rx, ry) >= 0) return rx >= ry ? 'x' : 'y';
  if (o.zoom !== undefined) return 'zoom';
  // the smaller zoom gives the larger inverse entries
  const low = (range: unknown): number => (range === undefined ? Infinity : typeof range === 'number' ? 1 - range : Math.min(...(range as number[])));
  if (o.zoomX !== undefined || o.zoomY !== undefined) return low(o.zoomX) <= low(o.zoomY) ? 'zoomX' : 'zoomY';
  return rx >= ry ? 'x' : 'y';
}

interface ResolvedAffine extends ResolvedImageOp<AffineRequest> {
  params: AffineParams;
}

/** Widest image: the kernels hold column positions in 32-bit signed integers (as shift). */
const MAX_AFFINE_WIDTH = 2 ** 31 - 1;

function resolveAffine(batch: unknown, options: unknown, isAsync: boolean): ResolvedAffine {
  const fields = readBatch(batch);
  const o = opOptions<AffineOptions & AsyncOptions>('affine', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  if (b.w > MAX_AFFINE_WIDTH) throw invalidParameterError('batch.shape[2]', `an integer between 1 and ${MAX_AFFINE_WIDTH} for affine`, b.w, 'range');
  const interpolation = o.interpolation === undefined ? 'bilinear' : o.interpolation;
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') throw invalidParameterError('interpolation', "'nearest' or 'bilinear'", interpolation);
  if (o.index !== undefined) sampleIndex(o.index, b.n);
  if (o.seed !== undefined) seedKey(o.seed);
  if (o.epoch !== undefined) epochOption(o.epoch);
  const { fill, fillValue } = fillOptions(b, o);
  const params = resolveParams(b, o);
  const { view: out, result, created } = outputArray(b, o.out, false);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  const nearest = interpolation === 'nearest';
  // pure translations: shift's taps for dx = −m2, dy = −m5 (rounded half to even for nearest, as shift does)
  const m = params.matrix;
  const translate = new Uint8Array(b.n);
  const dx = new Float64Array(b.n);
  const dy = new Float64Array(b.n);
  for (let i = 0; i < b.n; i += 1) {
    const o6 = 6 * i;
    if (m[o6] === 1 && m[o6 + 1] === 0 && m[o6 + 3] === 0 && m[o6 + 4] === 1) {
      translate[i] = 1;
      dx[i] = nearest ? roundHalfEven(-m[o6 + 2]!) : -m[o6 + 2]!;
      dy[i] = nearest ? roundHalfEven(-m[o6 + 5]!) : -m[o6 + 5]!;
    }
  }
  const uint8 = b.dtype === 'uint8';
  const tx = axisTaps(dx, uint8);
  const ty = axisTaps(dy, uint8);
  return {
    batch: b, out, result, created, params, threads,
    request: {
      h: b.h, w: b.w, c: b.c, layout: b.layout, fill, fillValue, nearest, matrix: m, translate,
      shift: { h: b.h, w: b.w, c: b.c, layout: b.layout, fill, fillValue, kx: tx.k, ky: ty.k, wx1: tx.w1, wx0: tx.w0, wy1: ty.w1, wy0: ty.w0 },
    },
  };
}

/** Rotates, zooms, shears and translates every image about its centre, or warps it by a given matrix (issue 19). */
export function affine(batch: Batch, options?: AffineOptions): Batch {
  const r = resolveAffine(batch, options, false);
  activeBackend().affine(r.batch.data, r.out, r.request, 0, r.batch.n);
  return batchResult(r.batch, r.result);
}

/**
 * One thread's time per byte of the batch, about (a bilinear warp), for
 * threadsWorth: sync CPU time per byte of T2 / T1. Was 3.7 / 0.68 (Zen 3,
 * before the warps of issue 19's rounds 3–5); now T2 1.6–1.8 and T1
 * 0.29–0.32 ns per byte (Zen 4, AVX-512 and AVX2; Zen 3 T1 0.43), so the old
 * figures split warps of 0.25 ms.
 */
const AFFINE_NS_PER_BYTE: NsPerByte = { uint8: 1.5, float32: 0.3 };

/** affine on the libuv thread pool, images split over `threads`; the same bytes. */
export async function affineAsync(batch: Batch, options?: AffineOptions & AsyncOptions): Promise<Batch> {
  const r = resolveAffine(batch, options, true);
  await runImagesAsync('affineAsync', r, nsPerImage(r.batch.data, r.batch.n, AFFINE_NS_PER_BYTE), (b, src, dst, first, count, async) =>
    (async ? b.affineAsync(src, dst, r.request, first, count) : b.affine(src, dst, r.request, first, count)));
  return batchResult(r.batch, r.result);
}

/** The parameters and matrices an affine with these options gives each image (for records and reports). */
export function affineParams(batch: Batch, options?: AffineOptions): AffineParams {
  return resolveAffine(batch, options, false).params;
}

/** Internal: the resolved request an affine hands its backend (tests compare backends on it). */
export function affinePlan(batch: Batch, options?: AffineOptions): AffineRequest {
  return resolveAffine(batch, options, false).request;
}
