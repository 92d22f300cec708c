// crop / cropAsync (issue 19): a window of a fixed size from each image, the
// image extended by shift's fill rule, at given or drawn offsets (random crop
// with padding, the CIFAR recipe: padding 4, crop 32). Validates, resolves
// every image's offsets, then calls the backend; both backends get the same
// integers, so they give the same bytes.
import type { CropRequest } from '../backends/backend.js';
import { uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { integerInRange, invalidParameterError, isArraySafe, MAX_TYPED_ARRAY_LENGTH } from '../validate.js';
import { checkBatchFields, outputArray, perSampleWords, readBatch, sampleIndex, type Batch, type CheckedBatch } from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { nsPerImage, runImagesAsync, type NsPerByte, type ResolvedImageOp } from './image-op.js';
import { fillOptions, type Fill } from './shift.js';

export interface CropOptions extends RandomOptions {
  /** Output height in pixels (required). */
  height: number;
  /** Output width in pixels (required). */
  width: number;
  /** Drawn crops: pixels added on every side before cropping, or [vertical, horizontal] (default 0). */
  padding?: number | [number, number];
  /** Given crops: the window's top row in input coordinates (may be negative or beyond the image), for every image or one per image. */
  top?: number | ArrayLike<number>;
  /** Given crops: the window's left column in input coordinates. */
  left?: number | ArrayLike<number>;
  /** How pixels from outside the image are filled (default 'constant', as torchvision's RandomCrop). */
  fill?: Fill;
  /** Value for fill 'constant' (default 0; an integer 0…255 for uint8 data). */
  fillValue?: number;
  /** Write the result here: a typed array like batch.data of n·height·width·c elements. */
  out?: Uint8Array | Float32Array;
}

/** Per image, the window's top-left corner in input coordinates. */
export interface CropOffsets {
  top: Int32Array;
  left: Int32Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'height', 'width', 'padding', 'top', 'left', 'fill', 'fillValue', 'out'] as const;
/** Largest |offset| and padding: offsets stay well inside int32. */
export const MAX_CROP_OFFSET = 2 ** 30;

function givenOffsets(name: string, value: unknown, n: number): Int32Array {
  const expected = `an integer or ${n === 1 ? 'an array of 1 integer' : `an array of ${n} integers`} (one per image) with |value| <= 2^30`;
  const values = new Int32Array(n);
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) > MAX_CROP_OFFSET) throw invalidParameterError(name, expected, value, 'range');
    return values.fill(value);
  }
  if (!isArraySafe(value)) throw invalidParameterError(name, expected, value);
  if (value.length !== n) throw invalidParameterError(name, expected, value, 'range');
  for (let i = 0; i < n; i += 1) values[i] = integerInRange(`${name}[${i}]`, value[i], -MAX_CROP_OFFSET, MAX_CROP_OFFSET);
  return values;
}

function paddingOption(value: unknown): [number, number] {
  const expected = 'an integer between 0 and 2^30, or [vertical, horizontal] of two such integers';
  if (value === undefined) return [0, 0];
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > MAX_CROP_OFFSET) throw invalidParameterError('padding', expected, value, 'range');
    return [value, value];
  }
  if (!isArraySafe(value) || value.length !== 2) throw invalidParameterError('padding', expected, value);
  return [integerInRange('padding[0]', value[0], 0, MAX_CROP_OFFSET), integerInRange('padding[1]', value[1], 0, MAX_CROP_OFFSET)];
}

/**
 * Per-image offsets. Drawn: image k (dataset index index + k) uses words
 * (w0, w1) of counter (0, index + k, epoch, STREAM.crop):
 * top = −py + ⌊U(w0) · (h + 2·py − height + 1)⌋, left likewise from w1 with
 * px and the widths, in float64: each of the h + 2·py − height + 1 windows
 * of the padded image equally likely (up to U's 2^-23 resolution).
 */
function resolveOffsets(b: CheckedBatch, o: Partial<CropOptions>, height: number, width: number): CropOffsets {
  const given = o.top !== undefined || o.left !== undefined;
  if (given && o.padding !== undefined) throw new TypeError('Expected either given offsets (top, left) or drawn ones (padding) for crop, not both');
  if (given) {
    return {
      top: o.top === undefined ? new Int32Array(b.n) : givenOffsets('top', o.top, b.n),
      left: o.left === undefined ? new Int32Array(b.n) : givenOffsets('left', o.left, b.n),
    };
  }
  const [py, px] = paddingOption(o.padding);
  if (height > b.h + 2 * py) throw invalidParameterError('height', `an integer between 1 and ${b.h + 2 * py} (the padded height, h + 2·padding)`, height, 'range');
  if (width > b.w + 2 * px) throw invalidParameterError('width', `an integer between 1 and ${b.w + 2 * px} (the padded width, w + 2·padding)`, width, 'range');
  // the largest drawn offset, h + py − height, must fit the kernels' offsets too
  if (b.h + py - height > MAX_CROP_OFFSET) throw invalidParameterError('height', `at least h + padding − 2^30 = ${b.h + py - MAX_CROP_OFFSET} for a drawn crop of this batch`, height, 'range');
  if (b.w + px - width > MAX_CROP_OFFSET) throw invalidParameterError('width', `at least w + padding − 2^30 = ${b.w + px - MAX_CROP_OFFSET} for a drawn crop of this batch`, width, 'range');
  const words = perSampleWords(b.n, seedKey(o.seed), sampleIndex(o.index, b.n), epochOption(o.epoch), STREAM.crop);
  const rows = b.h + 2 * py - height + 1;
  const columns = b.w + 2 * px - width + 1;
  const top = new Int32Array(b.n);
  const left = new Int32Array(b.n);
  for (let k = 0; k < b.n; k += 1) {
    top[k] = -py + Math.floor(uniformFromWord(words[4 * k]!) * rows);
    left[k] = -px + Math.floor(uniformFromWord(words[4 * k + 1]!) * columns);
  }
  return { top, left };
}

type ResolvedCrop = ResolvedImageOp<CropRequest>;

/** Output size checked alone (no batch): what a Pipeline step can check at construction. */
function outputSize(o: Partial<CropOptions>): [height: number, width: number] {
  if (o.height === undefined) throw invalidParameterError('height', 'an integer between 1 and 4294967295 (the output height)', o.height);
  if (o.width === undefined) throw invalidParameterError('width', 'an integer between 1 and 4294967295 (the output width)', o.width);
  return [integerInRange('height', o.height, 1, 2 ** 32 - 1), integerInRange('width', o.width, 1, 2 ** 32 - 1)];
}

function resolveCrop(batch: unknown, options: unknown, isAsync: boolean): ResolvedCrop {
  const fields = readBatch(batch);
  const o = opOptions<CropOptions & AsyncOptions>('crop', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  const [height, width] = outputSize(o);
  if (height * width * b.c > MAX_TYPED_ARRAY_LENGTH) throw invalidParameterError('height', `an output size with height·width·c <= ${MAX_TYPED_ARRAY_LENGTH}`, height, 'range');
  const length = b.n * height * width * b.c;
  if (length > MAX_TYPED_ARRAY_LENGTH) throw invalidParameterError('height', `an output size with n·height·width·c <= ${MAX_TYPED_ARRAY_LENGTH}`, height, 'range');
  if (o.index !== undefined) sampleIndex(o.index, b.n);
  if (o.seed !== undefined) seedKey(o.seed);
  if (o.epoch !== undefined) epochOption(o.epoch);
  const { fill, fillValue } = fillOptions(b, { fill: o.fill === undefined ? 'constant' : o.fill, fillValue: o.fillValue });
  const { top, left } = resolveOffsets(b, o, height, width);
  const { view: out, result, created } = outputArray(b, o.out, false, length);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return {
    batch: b, out, result, created, threads,
    request: { h: b.h, w: b.w, c: b.c, layout: b.layout, outH: height, outW: width, fill, fillValue, top, left },
  };
}

function cropResult(r: ResolvedCrop): Batch {
  return { data: r.result, shape: [r.batch.n, r.request.outH, r.request.outW, r.batch.c], layout: r.batch.layout };
}

/** A height × width window of every image, at given or drawn offsets, the image extended by the fill rule (issue 19). */
export function crop(batch: Batch, options: CropOptions): Batch {
  const r = resolveCrop(batch, options, false);
  activeBackend().crop(r.batch.data, r.out, r.request, 0, r.batch.n);
  return cropResult(r);
}

/** One thread's time per byte of the batch, about (a crop copies rows), for threadsWorth (Zen 3, sync CPU time per byte of X1 / X2: uint8 0.061, float32 0.123). */
const CROP_NS_PER_BYTE: NsPerByte = { uint8: 0.06, float32: 0.12 };

/** crop on the libuv thread pool, images split over `threads`; the same bytes. */
export async function cropAsync(batch: Batch, options: CropOptions & AsyncOptions): Promise<Batch> {
  const r = resolveCrop(batch, options, true);
  await runImagesAsync('cropAsync', r, nsPerImage(r.batch.data, r.batch.n, CROP_NS_PER_BYTE), (b, src, dst, first, count, async) =>
    (async ? b.cropAsync(src, dst, r.request, first, count) : b.crop(src, dst, r.request, first, count)));
  return cropResult(r);
}

/** The offsets a crop with these options uses for each image (for records and reports). */
export function cropOffsets(batch: Batch, options: CropOptions): CropOffsets {
  const r = resolveCrop(batch, options, false);
  return { top: r.request.top, left: r.request.left };
}

/** Internal: the resolved request a crop hands its backend (tests compare backends on it). */
export function cropPlan(batch: Batch, options: CropOptions): CropRequest {
  return resolveCrop(batch, options, false).request;
}

/**
 * Internal, for Pipeline: an empty batch of the output size on which a crop
 * step's options can be checked without data (its own height and width when
 * they are valid, so that no check depends on the probe).
 */
export function cropProbe(options: unknown): Batch {
  const o = (typeof options === 'object' && options !== null ? options : {}) as Partial<CropOptions>;
  const valid = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2 ** 32 - 1 ? v : 1);
  const [h, w] = [valid(o.height), valid(o.width)];
  // an output larger than any array is named by crop's own size check, on a 1 × 1 probe
  return { data: new Float32Array(0), shape: h * w <= MAX_TYPED_ARRAY_LENGTH ? [0, h, w, 1] : [0, 1, 1, 1] };
}
