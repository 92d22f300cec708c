// shift / shiftAsync (DESIGN §4): validate, resolve every image's offsets
// (given, or drawn from the shift parameter stream) into integer parts and
// fixed tap weights, then call the backend. Both backends get the same
// resolved numbers, so they give the same bytes.
import type { ShiftRequest } from '../backends/backend.js';
import { uniformFromWord } from '../backends/js/random.js';
import { FILL_CODES, UINT8_WEIGHT_BITS } from '../backends/js/shift.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { invalidParameterError, isInteger } from '../validate.js';
import {
  batchResult, checkBatchFields, outputArray, readBatch, perSampleWords, rangeOption, sampleIndex, SMALL_DRAW, type Batch, type CheckedBatch, type Range,
} from './batch.js';
import { epochOption, opOptions, RAN_IN_CALL, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { nsPerImage, runImagesAsync, type ResolvedImageOp } from './image-op.js';

export type Fill = 'constant' | 'nearest' | 'reflect' | 'mirror' | 'wrap';
export type Interpolation = 'nearest' | 'bilinear';

export interface ShiftOptions extends RandomOptions {
  /** Given horizontal offset in pixels (positive moves content right): one for all images or one per image. */
  dx?: number | ArrayLike<number>;
  /** Given vertical offset in pixels (positive moves content down). */
  dy?: number | ArrayLike<number>;
  /** Drawn horizontal offset as a fraction of the width: [lo, hi], or f meaning [−f, f]. */
  x?: Range;
  /** Drawn vertical offset as a fraction of the height. */
  y?: Range;
  /** Keep drawn offsets fractional (default true); false rounds them half to even. */
  subpixel?: boolean;
  /** 'bilinear' (default) or 'nearest' (rounds every offset half to even). */
  interpolation?: Interpolation;
  /** How pixels from outside the image are filled (default 'reflect'). */
  fill?: Fill;
  /** Value for fill 'constant' (default 0; an integer 0…255 for uint8 data). */
  fillValue?: number;
  /** Write the result here: a typed array like batch.data (not batch.data itself). */
  out?: Uint8Array | Float32Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'dx', 'dy', 'x', 'y', 'subpixel', 'interpolation', 'fill', 'fillValue', 'out'] as const;
/** Largest |offset| in pixels: integer parts stay well inside int32. */
export const MAX_OFFSET = 2 ** 30;

/** Round half to even. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function offsetsArgument(name: string, value: unknown, n: number): Float64Array {
  const expected = `a finite number or ${n === 1 ? 'an array of 1 finite number' : `${n} finite numbers`} (one per image) with |value| <= 2^30`;
  const values = new Float64Array(n);
  if (typeof value === 'number') {
    values.fill(value);
  } else if (typeof value === 'object' && value !== null && typeof (value as ArrayLike<number>).length === 'number') {
    const list = value as ArrayLike<unknown>;
    if (list.length !== n) throw invalidParameterError(name, expected, value, 'range');
    for (let i = 0; i < n; i += 1) {
      const v = list[i];
      if (typeof v !== 'number') throw invalidParameterError(`${name}[${i}]`, 'a finite number', v);
      values[i] = v;
    }
  } else {
    throw invalidParameterError(name, expected, value);
  }
  for (let i = 0; i < n; i += 1) {
    if (!(Math.abs(values[i]!) <= MAX_OFFSET)) throw invalidParameterError(typeof value === 'number' ? name : `${name}[${i}]`, 'a finite number with |value| <= 2^30', values[i], 'range');
  }
  return values;
}

export interface ShiftOffsets {
  dx: Float64Array;
  dy: Float64Array;
}

type AxisRange = [lo: number, hi: number];
type DrawnRanges = { x: AxisRange; y: AxisRange } | undefined;

/** The drawn ranges (x, y) as [lo, hi], or undefined when the offsets are given (dx, dy). */
function drawnRanges(o: Partial<ShiftOptions>): DrawnRanges {
  const given = o.dx !== undefined || o.dy !== undefined;
  const drawn = o.x !== undefined || o.y !== undefined;
  if (given && drawn) throw new TypeError('Expected either given offsets (dx, dy) or drawn ranges (x, y) for shift, not both');
  if (!drawn) return undefined;
  const x = o.x === undefined ? [0, 0] as AxisRange : rangeOption('x', o.x, true);
  const y = o.y === undefined ? [0, 0] as AxisRange : rangeOption('y', o.y, true);
  return { x, y };
}

/**
 * Drawn offsets of one axis in pixels: image k's is (lo + (hi − lo) · U(w))
 * · size in float64, w = words[4k + word], rounded half to even when
 * `round`; out[k] for k < n. One loop, no closures or per-image objects: on a
 * batch of 28×28 images this loop is a good part of the call. Returns false
 * when an offset (before rounding) exceeds MAX_OFFSET.
 */
function drawAxis(words: Uint32Array, word: number, range: AxisRange, size: number, round: boolean, n: number, out: Float64Array | Int32Array): boolean {
  // lo and hi - lo as plain numbers before the loop: destructuring the range in the parameters made the loop ~40 % slower
  const lo = range[0];
  const span = range[1] - range[0];
  let inRange = true;
  for (let k = 0; k < n; k += 1) {
    const d = (lo + span * uniformFromWord(words[4 * k + word]!)) * size;
    inRange &&= Math.abs(d) <= MAX_OFFSET;
    out[k] = round ? roundHalfEven(d) : d;
  }
  return inRange;
}

/** Throws the error of the first axis (x, then y) whose drawn offsets left ±MAX_OFFSET. */
function checkDrawnRange(o: Partial<ShiftOptions>, xInRange: boolean, yInRange: boolean): void {
  if (!xInRange) throw invalidParameterError('x', 'a range whose offsets in pixels stay within 2^30', o.x, 'range');
  if (!yInRange) throw invalidParameterError('y', 'a range whose offsets in pixels stay within 2^30', o.y, 'range');
}

/** Block 0 of each image's shift parameter stream: image k (dataset index index + k) uses counter (0, index + k, epoch, STREAM.shift). */
function shiftWords(b: CheckedBatch, o: Partial<ShiftOptions>, out?: Uint32Array): Uint32Array {
  return perSampleWords(b.n, seedKey(o.seed), sampleIndex(o.index, b.n), epochOption(o.epoch), STREAM.shift, out);
}

/**
 * Per-image offsets in pixels: given, or drawn when `ranges` (drawnRanges)
 * are: image k uses words (w0, w1) of its block (shiftWords), dx = (lo +
 * (hi − lo) · U(w0)) · width in float64, dy likewise from w1 (drawAxis).
 */
function resolveOffsets(b: CheckedBatch, o: Partial<ShiftOptions>, ranges: DrawnRanges, nearest: boolean): ShiftOffsets {
  let dx: Float64Array;
  let dy: Float64Array;
  if (ranges !== undefined) {
    const words = shiftWords(b, o);
    const round = o.subpixel === false;
    dx = new Float64Array(b.n);
    dy = new Float64Array(b.n);
    const xInRange = drawAxis(words, 0, ranges.x, b.w, round, b.n, dx);
    const yInRange = drawAxis(words, 1, ranges.y, b.h, round, b.n, dy);
    checkDrawnRange(o, xInRange, yInRange);
  } else {
    dx = o.dx === undefined ? new Float64Array(b.n) : offsetsArgument('dx', o.dx, b.n);
    dy = o.dy === undefined ? new Float64Array(b.n) : offsetsArgument('dy', o.dy, b.n);
  }
  if (nearest) {
    for (let k = 0; k < b.n; k += 1) {
      dx[k] = roundHalfEven(dx[k]!);
      dy[k] = roundHalfEven(dy[k]!);
    }
  }
  return { dx, dy };
}

/**
 * Integer part and tap weights of one axis. float32: w1 = float32(fraction),
 * w0 = float32(1 − w1). uint8: w1 = round-half-even(fraction · 2^12), w0 = 2^12 − w1.
 * A fraction that rounds to a whole weight moves to the next integer part.
 */
export function axisTaps(d: Float64Array, uint8: boolean): { k: Int32Array; w1: Float32Array; w0: Float32Array } {
  const n = d.length;
  const k = new Int32Array(n);
  const w1 = new Float32Array(n);
  const w0 = new Float32Array(n);
  const one = uint8 ? 2 ** UINT8_WEIGHT_BITS : 1;
  for (let i = 0; i < n; i += 1) {
    let whole = Math.floor(d[i]!);
    if (whole === d[i]) {
      // a whole-pixel offset (every drawn one with subpixel: false): the weights below give w1 = 0, w0 = one
      k[i] = whole;
      w0[i] = one;
      continue;
    }
    let weight = uint8 ? roundHalfEven((d[i]! - whole) * one) : Math.fround(d[i]! - whole);
    if (weight === one) {
      whole += 1;
      weight = 0;
    }
    k[i] = whole;
    w1[i] = weight;
    w0[i] = uint8 ? one - weight : Math.fround(1 - weight);
  }
  return { k, w1, w0 };
}

/** k as an Int32Array when every offset of `d` is a whole pixel, else undefined. */
function wholePixels(d: Float64Array): Int32Array | undefined {
  const k = new Int32Array(d.length);
  for (let i = 0; i < d.length; i += 1) {
    const v = d[i]!;
    if (Math.floor(v) !== v) return undefined;
    k[i] = v;
  }
  return k;
}

type ShiftTaps = Pick<ShiftRequest, 'kx' | 'ky' | 'wx1' | 'wx0' | 'wy1' | 'wy0'>;

/** Tap weights of whole-pixel offsets, one pair for both axes: w1 = 0, w0 = one. */
function wholePixelWeights(n: number, uint8: boolean): Pick<ShiftTaps, 'wx1' | 'wx0' | 'wy1' | 'wy0'> {
  const w1 = new Float32Array(n);
  const w0 = new Float32Array(n).fill(uint8 ? 2 ** UINT8_WEIGHT_BITS : 1);
  return { wx1: w1, wx0: w0, wy1: w1, wy0: w0 };
}

/**
 * Both axes' integer parts and tap weights, as axisTaps. When every offset
 * is a whole pixel (given so, or interpolation 'nearest') the two axes share
 * one pair of weight arrays: on a batch of 28×28 images each typed array of
 * the call is ~1 ns per image.
 */
function shiftTaps(o: ShiftOffsets, uint8: boolean): ShiftTaps {
  const kx = wholePixels(o.dx);
  const ky = kx === undefined ? undefined : wholePixels(o.dy);
  if (kx !== undefined && ky !== undefined) return { kx, ky, ...wholePixelWeights(kx.length, uint8) };
  const x = axisTaps(o.dx, uint8);
  const y = axisTaps(o.dy, uint8);
  return { kx: x.k, ky: y.k, wx1: x.w1, wx0: x.w0, wy1: y.w1, wy0: y.w0 };
}

/** Largest batch whose drawn whole-pixel offsets a synchronous shift() resolves into ReusedArrays. */
const REUSE_MAX_IMAGES = 4096;

/**
 * Arrays a shift of up to REUSE_MAX_IMAGES images uses again instead of new
 * ones: on a batch of 28×28 images each new typed array costs ~1 ns per
 * image (issue 20). A synchronous shift() uses one set on every call (its
 * kernels have run when it returns); a shiftAsync() call takes a set of its
 * own from a free list and gives it back once its kernels are done
 * (asyncArrays); shiftPlan (whose caller keeps the request) gets new arrays.
 * The kernels read the first n elements of kx … wy0, so these keep their
 * full length; perSampleWords writes 4·n words, so `words` is a view.
 */
class ReusedArrays {
  private readonly wordBuffer = new Uint32Array(4 * REUSE_MAX_IMAGES);
  private wordView = this.wordBuffer.subarray(0, 0);
  readonly kx = new Int32Array(REUSE_MAX_IMAGES);
  readonly ky = new Int32Array(REUSE_MAX_IMAGES);

  /** A view of the first 4·n words (the last one made, when n is the same). */
  words(n: number): Uint32Array {
    if (this.wordView.length !== 4 * n) this.wordView = this.wordBuffer.subarray(0, 4 * n);
    return this.wordView;
  }
}

let reusedArrays: ReusedArrays | undefined;

/** The set of ReusedArrays every synchronous shift() uses. */
const syncArrays = (): ReusedArrays => (reusedArrays ??= new ReusedArrays());

/**
 * ReusedArrays no pending shiftAsync() call holds, at most
 * FREE_ASYNC_ARRAYS_MAX of them. Two new Int32Arrays per call were ~5 % of
 * a shiftAsync on 1024 28×28 images (W7, threads: 2, which stays on one
 * thread; Zen 5, CPU time alternated with the sync call, docs/performance.md
 * round 8).
 */
const freeAsyncArrays: ReusedArrays[] = [];
const FREE_ASYNC_ARRAYS_MAX = 4;

/** A shiftAsync() call's arrays: taken from the free list when the call first needs them, given back once its kernels are done. */
class AsyncArrays {
  taken: ReusedArrays | undefined;
  readonly take = (): ReusedArrays => (this.taken ??= freeAsyncArrays.pop() ?? new ReusedArrays());
  giveBack(): void {
    if (this.taken !== undefined && freeAsyncArrays.length < FREE_ASYNC_ARRAYS_MAX) freeAsyncArrays.push(this.taken);
    this.taken = undefined;
  }
}

/**
 * wholePixelWeights for up to REUSE_MAX_IMAGES images, made once and shared
 * by every shift() and shiftAsync() call: nothing writes them, so calls
 * pending together may share them too. For shiftAsync on 1024 28×28 images
 * (W7) the two new weight arrays, their fill and blendsTaps' scan of them
 * were ~10 µs of a ~100 µs call (Zen 5, CPU profile).
 */
let sharedWeights: { uint8: ReturnType<typeof wholePixelWeights>; float32: ReturnType<typeof wholePixelWeights> } | undefined;

function sharedWholePixelWeights(uint8: boolean): Pick<ShiftTaps, 'wx1' | 'wx0' | 'wy1' | 'wy0'> {
  sharedWeights ??= { uint8: wholePixelWeights(REUSE_MAX_IMAGES, true), float32: wholePixelWeights(REUSE_MAX_IMAGES, false) };
  return uint8 ? sharedWeights.uint8 : sharedWeights.float32;
}

/** Whether `w1` is the shared whole-pixel w1 (all zero). */
function isSharedWholeW1(w1: Float32Array): boolean {
  return sharedWeights !== undefined && (w1 === sharedWeights.uint8.wx1 || w1 === sharedWeights.float32.wx1);
}

/**
 * The taps of offsets drawn as whole pixels (subpixel: false, or
 * interpolation 'nearest'): each axis drawn and rounded straight into its
 * Int32Array (the same integers as shiftTaps(resolveOffsets(…))), no float64
 * offsets in between. Into the ReusedArrays `arrays` gives, when there is
 * such a function (see ReusedArrays).
 */
function drawnWholePixelTaps(b: CheckedBatch, o: Partial<ShiftOptions>, ranges: NonNullable<DrawnRanges>, arrays: (() => ReusedArrays) | undefined): ShiftTaps {
  const uint8 = b.dtype === 'uint8';
  const reused = arrays !== undefined && b.n <= REUSE_MAX_IMAGES ? arrays() : undefined;
  const kx = reused?.kx ?? new Int32Array(b.n);
  const ky = reused?.ky ?? new Int32Array(b.n);
  const outOfRange = drawWholePixels(b, o, ranges, kx, ky, reused);
  checkDrawnRange(o, (outOfRange & 1) === 0, (outOfRange & 2) === 0);
  return { kx, ky, ...(reused !== undefined ? sharedWholePixelWeights(uint8) : wholePixelWeights(b.n, uint8)) };
}

/**
 * kx[k], ky[k] for the batch's images as drawAxis draws them: in the addon
 * where the backend can (a batch of SMALL_DRAW images or more: ~18 µs of
 * TypeScript for 1024 images, W7), else from the words here. Returns bit 0
 * set when an x offset left ±MAX_OFFSET, bit 1 for y.
 */
function drawWholePixels(b: CheckedBatch, o: Partial<ShiftOptions>, ranges: NonNullable<DrawnRanges>, kx: Int32Array, ky: Int32Array, reused: ReusedArrays | undefined): number {
  const backend = activeBackend();
  if (backend.drawnShiftPixels !== undefined && b.n >= SMALL_DRAW) {
    const { key0, key1 } = seedKey(o.seed);
    const { x, y } = ranges;
    return backend.drawnShiftPixels(kx, ky, b.n, key0, key1, sampleIndex(o.index, b.n), epochOption(o.epoch), STREAM.shift, x[0], x[1] - x[0], b.w, y[0], y[1] - y[0], b.h);
  }
  const words = shiftWords(b, o, reused?.words(b.n));
  const xInRange = drawAxis(words, 0, ranges.x, b.w, true, b.n, kx);
  const yInRange = drawAxis(words, 1, ranges.y, b.h, true, b.n, ky);
  return (xInRange ? 0 : 1) | (yInRange ? 0 : 2);
}

/** `fill` and `fillValue` checked for this batch (crop shares them); `fill` as its FILL_CODES value. */
export function fillOptions(b: CheckedBatch, o: Partial<Pick<ShiftOptions, 'fill' | 'fillValue'>>): { fill: number; fillValue: number } {
  const fill = o.fill === undefined ? 'reflect' : o.fill;
  if (typeof fill !== 'string' || !Object.hasOwn(FILL_CODES, fill)) throw invalidParameterError('fill', "'constant', 'nearest', 'reflect', 'mirror' or 'wrap'", fill);
  const value = o.fillValue === undefined ? 0 : o.fillValue;
  if (typeof value !== 'number') throw invalidParameterError('fillValue', 'a number', value);
  if (b.dtype === 'uint8' && !(isInteger(value) && value >= 0 && value <= 255)) {
    throw invalidParameterError('fillValue', 'an integer between 0 and 255 for uint8 data', value, 'range');
  }
  if (!Number.isFinite(value) || !Number.isFinite(Math.fround(value))) throw invalidParameterError('fillValue', 'a finite float32 number', value, 'range');
  return { fill: FILL_CODES[fill as Fill], fillValue: b.dtype === 'uint8' ? value : Math.fround(value) };
}

/** Widest image a shift takes: the kernels hold offsets and column positions in 32-bit signed integers. */
const MAX_SHIFT_WIDTH = 2 ** 31 - 1;

/** A shift's batch and options, checked (but for offsets and `out`). */
interface CheckedShift {
  b: CheckedBatch;
  o: Partial<ShiftOptions & AsyncOptions>;
  fill: number;
  fillValue: number;
  nearest: boolean;
}

function checkShift(batch: unknown, options: unknown, isAsync: boolean): CheckedShift {
  const fields = readBatch(batch);
  const o = opOptions<ShiftOptions & AsyncOptions>('shift', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  // both backends keep offsets (kx, ky) and column positions in 32-bit signed integers
  if (b.w > MAX_SHIFT_WIDTH) throw invalidParameterError('batch.shape[2]', `an integer between 1 and ${MAX_SHIFT_WIDTH} for shift`, b.w, 'range');
  const interpolation = o.interpolation === undefined ? 'bilinear' : o.interpolation;
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') throw invalidParameterError('interpolation', "'nearest' or 'bilinear'", interpolation);
  if (o.subpixel !== undefined && typeof o.subpixel !== 'boolean') throw invalidParameterError('subpixel', 'a boolean', o.subpixel);
  if (o.index !== undefined) sampleIndex(o.index, b.n);
  if (o.seed !== undefined) seedKey(o.seed);
  if (o.epoch !== undefined) epochOption(o.epoch);
  const { fill, fillValue } = fillOptions(b, o);
  return { b, o, fill, fillValue, nearest: interpolation === 'nearest' };
}

/** The request's taps: drawn whole pixels straight into integers (drawnWholePixelTaps), else through float64 offsets. */
function resolveTaps({ b, o, nearest }: CheckedShift, arrays: (() => ReusedArrays) | undefined): ShiftTaps {
  const ranges = drawnRanges(o);
  if (ranges !== undefined && (o.subpixel === false || nearest)) return drawnWholePixelTaps(b, o, ranges, arrays);
  return shiftTaps(resolveOffsets(b, o, ranges, nearest), b.dtype === 'uint8');
}

/** `arrays`: where a shift() or shiftAsync() call may resolve into ReusedArrays (see there). */
function resolveShift(batch: unknown, options: unknown, isAsync: boolean, arrays?: () => ReusedArrays): ResolvedImageOp<ShiftRequest> {
  const checked = checkShift(batch, options, isAsync);
  const { b, o, fill, fillValue } = checked;
  const taps = resolveTaps(checked, arrays);
  const { view: out, result, created } = outputArray(b, o.out, false);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return {
    batch: b, out, result, created, threads,
    request: { h: b.h, w: b.w, c: b.c, layout: b.layout, fill, fillValue, ...taps },
  };
}

/** Translates every image of the batch by its own offset (DESIGN §4). */
export function shift(batch: Batch, options?: ShiftOptions): Batch {
  const r = resolveShift(batch, options, false, syncArrays);
  activeBackend().shift(r.batch.data, r.out, r.request, 0, r.batch.n);
  return batchResult(r.batch, r.result);
}

/**
 * One thread's time per byte of the batch, about, for threadsWorth: whole
 * pixels move memory (Zen 5: W1 0.14 ns, W2 0.11 ns; Zen 3 sync CPU time: W1
 * 0.047, I20-f32-reflect 0.12), subpixel offsets blend two taps per axis
 * (Zen 3: B10-u8 0.2 since its row-sums kernel, 0.75 before; B10-f32 0.15,
 * W2 0.13).
 */
const SHIFT_NS_PER_BYTE = { whole: 0.1, subpixel: { uint8: 0.2, float32: 0.15 } } as const;

/** Whether any image has a fractional offset (a weight on the tap one pixel further back). */
function blendsTaps(r: ShiftRequest): boolean {
  if (r.wx1 === r.wy1 && isSharedWholeW1(r.wx1)) return false;
  return anyNonZero(r.wx1) || anyNonZero(r.wy1);
}

/** A plain loop: `some` with a callback per element cost several µs of an …Async call on 64 images once a large kernel had left the caches cold. */
function anyNonZero(weights: Float32Array): boolean {
  for (let i = 0; i < weights.length; i += 1) if (weights[i] !== 0) return true;
  return false;
}

/** shift on the libuv thread pool, images split over `threads`; the same bytes. */
export async function shiftAsync(batch: Batch, options?: ShiftOptions & AsyncOptions): Promise<Batch> {
  const arrays = new AsyncArrays();
  const r = resolveShift(batch, options, true, arrays.take);
  const done = runImagesAsync('shiftAsync', r, nsPerImage(r.batch.data, r.batch.n, blendsTaps(r.request) ? SHIFT_NS_PER_BYTE.subpixel : SHIFT_NS_PER_BYTE.whole), (b, src, dst, first, count, async) =>
    (async ? b.shiftAsync(src, dst, r.request, first, count) : b.shift(src, dst, r.request, first, count)));
  if (done !== RAN_IN_CALL) await done;
  // only once every kernel is done: after a rejection a pool thread may still read them, and they are left to GC
  arrays.giveBack();
  return batchResult(r.batch, r.result);
}

/** The offsets in pixels a shift with these options gives each image (for records and reports). */
export function shiftOffsets(batch: Batch, options?: ShiftOptions): ShiftOffsets {
  const { b, o, nearest } = checkShift(batch, options, false);
  const offsets = resolveOffsets(b, o, drawnRanges(o), nearest);
  // the checks of `out` a shift makes (without a new output array when there is none)
  if (o.out !== undefined) outputArray(b, o.out, false);
  return offsets;
}

/** Internal: the resolved request a shift hands its backend (tests compare backends on it). */
export function shiftPlan(batch: Batch, options?: ShiftOptions): ShiftRequest {
  return resolveShift(batch, options, false).request;
}
