// brightness, contrast and their …Async twins (issue 19): per-image colour maps. Validates,
// resolves every image's parameters (fixed, or drawn from the op's parameter
// stream) into float32 scale and offset per channel, then calls the
// backend's colour kernel; both backends get the same numbers, so they give
// the same bytes.
import type { ColorRequest, ContrastRequest } from '../backends/backend.js';
import { uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { invalidParameterError } from '../validate.js';
import { batchResult, checkBatchFields, outputArray, perSampleWords, rangeOption, readBatch, sampleIndex, type Batch, type Range } from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { nsPerImage, runImagesAsync, type NsPerByte, type ResolvedImageOp } from './image-op.js';
import { clipOption } from './noise.js';

export interface BrightnessOptions extends RandomOptions {
  /** Multiplies every element (torchvision's brightness factor): a number, or [lo, hi] drawn per image; >= 0. Default 1. */
  factor?: Range;
  /** Then adds, in the data's units (pixel levels for uint8; Keras RandomBrightness's factor · value range): a number, or [lo, hi] drawn per image. Default 0. */
  delta?: Range;
  /** float32 only: clip results to [lo, hi] (uint8 results always saturate). */
  clip?: [number, number];
  /** Write the result here: a typed array like batch.data, or batch.data itself (in place). */
  out?: Uint8Array | Float32Array;
}

/** Per image, the float32 values a brightness used. */
export interface BrightnessParams {
  factor: Float32Array;
  delta: Float32Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'factor', 'delta', 'clip', 'out'] as const;
const CONTRAST_NAMES = [...RANDOM_OPTION_NAMES, 'factor', 'perChannel', 'clip', 'out'] as const;

export interface ContrastOptions extends RandomOptions {
  /** Scales each element's distance from the image's mean: a number >= 0, or [lo, hi] drawn per image (Keras RandomContrast(f) is [1 − f, 1 + f]). */
  factor: Range;
  /** One mean per channel (default true, as Keras), or false: one mean over all the image's elements. */
  perChannel?: boolean;
  /** float32 only: clip results to [lo, hi] (uint8 results always saturate). */
  clip?: [number, number];
  /** Write the result here: a typed array like batch.data, or batch.data itself (in place). */
  out?: Uint8Array | Float32Array;
}

/** Per image, the float32 contrast factor used. */
export interface ContrastParams {
  factor: Float32Array;
}

type ResolvedColor = ResolvedImageOp<ColorRequest>;

/** A range whose ends are finite float32 values, checked. */
function float32Range(name: string, value: unknown, min: number): [number, number] {
  const [lo, hi] = rangeOption(name, value, false, min);
  if (!Number.isFinite(Math.fround(lo)) || !Number.isFinite(Math.fround(hi))) throw invalidParameterError(name, 'a number or [lo, hi] within float32 (|value| < 3.4e38)', value, 'range');
  return [lo, hi];
}

/**
 * Per image, float32(lo + (hi − lo) · U(w)) (in float64 first) for word
 * `word` of block (0, index + k, epoch, stream); a fixed number is itself.
 */
function drawPerImage(range: [number, number], words: Uint32Array | undefined, word: number, n: number): Float32Array {
  const [lo, hi] = range;
  return Float32Array.from({ length: n }, (_, k) => (lo === hi || words === undefined ? lo : lo + (hi - lo) * uniformFromWord(words[4 * k + word]!)));
}

/** Per image, scale and offset for each of its c channels, from per-image values. */
function perChannel(values: Float32Array, c: number): Float32Array {
  const out = new Float32Array(values.length * c);
  values.forEach((v, i) => out.fill(v, i * c, (i + 1) * c));
  return out;
}

function resolveBrightness(batch: unknown, options: unknown, isAsync: boolean): ResolvedColor & { params: BrightnessParams } {
  const fields = readBatch(batch);
  const o = opOptions<BrightnessOptions & AsyncOptions>('brightness', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  const factorRange = o.factor === undefined ? [1, 1] as [number, number] : float32Range('factor', o.factor, 0);
  const deltaRange = o.delta === undefined ? [0, 0] as [number, number] : float32Range('delta', o.delta, -Infinity);
  const { clip, clipLo, clipHi } = clipOption(b, o.clip);
  const index = sampleIndex(o.index, b.n);
  const key = seedKey(o.seed);
  const epoch = epochOption(o.epoch);
  const drawn = factorRange[0] !== factorRange[1] || deltaRange[0] !== deltaRange[1];
  const words = drawn ? perSampleWords(b.n, key, index, epoch, STREAM.brightnessParams) : undefined;
  const factor = drawPerImage(factorRange, words, 0, b.n);
  const delta = drawPerImage(deltaRange, words, 1, b.n);
  const { view: out, result, created } = outputArray(b, o.out, true);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return {
    batch: b, out, result, created, threads, params: { factor, delta },
    request: { h: b.h, w: b.w, c: b.c, layout: b.layout, scale: perChannel(factor, b.c), offset: perChannel(delta, b.c), clip, clipLo, clipHi },
  };
}

function runColor(r: ResolvedColor): Batch {
  activeBackend().colorAffine(r.batch.data, r.out, r.request, 0, r.batch.n);
  return batchResult(r.batch, r.result);
}

/**
 * One thread's time per byte of the batch, about (a per-element map), for
 * threadsWorth: sync CPU time per byte of B1 / B2. Zen 3 with the explicit
 * uint8 map: uint8 0.16, float32 0.094; the uint8 map in integer form now
 * takes 0.115–0.125 (Zen 4, AVX-512 and AVX2; Zen 3 0.11–0.13).
 */
const COLOR_NS_PER_BYTE: NsPerByte = { uint8: 0.11, float32: 0.095 };

async function runColorAsync(op: string, r: ResolvedColor): Promise<Batch> {
  await runImagesAsync(op, r, nsPerImage(r.batch.data, r.batch.n, COLOR_NS_PER_BYTE), (b, src, dst, first, count, async) =>
    (async ? b.colorAffineAsync(src, dst, r.request, first, count) : b.colorAffine(src, dst, r.request, first, count)));
  return batchResult(r.batch, r.result);
}

/** x · factor + delta per element, factor and delta per image (issue 19); uint8 rounds half to even and saturates. May run in place. */
export function brightness(batch: Batch, options?: BrightnessOptions): Batch {
  return runColor(resolveBrightness(batch, options, false));
}

/** brightness on the libuv thread pool, images split over `threads`; the same bytes. */
export async function brightnessAsync(batch: Batch, options?: BrightnessOptions & AsyncOptions): Promise<Batch> {
  return runColorAsync('brightnessAsync', resolveBrightness(batch, options, true));
}

/** The factor and delta a brightness with these options uses for each image (for records and reports). */
export function brightnessParams(batch: Batch, options?: BrightnessOptions): BrightnessParams {
  return resolveBrightness(batch, options, false).params;
}

/** Internal: the resolved request (tests compare backends on it). */
export function brightnessPlan(batch: Batch, options?: BrightnessOptions): ColorRequest {
  return resolveBrightness(batch, options, false).request;
}

interface ResolvedContrast extends ResolvedImageOp<ContrastRequest> {
  factor: Float32Array;
}

function resolveContrast(batch: unknown, options: unknown, isAsync: boolean): ResolvedContrast {
  const fields = readBatch(batch);
  const o = opOptions<ContrastOptions & AsyncOptions>('contrast', options, CONTRAST_NAMES, isAsync);
  const b = checkBatchFields(fields);
  if (o.factor === undefined) throw invalidParameterError('factor', 'a number >= 0 or [lo, hi] with 0 <= lo <= hi', o.factor);
  const factorRange = float32Range('factor', o.factor, 0);
  if (o.perChannel !== undefined && typeof o.perChannel !== 'boolean') throw invalidParameterError('perChannel', 'a boolean', o.perChannel);
  const { clip, clipLo, clipHi } = clipOption(b, o.clip);
  const index = sampleIndex(o.index, b.n);
  const key = seedKey(o.seed);
  const epoch = epochOption(o.epoch);
  const words = factorRange[0] !== factorRange[1] ? perSampleWords(b.n, key, index, epoch, STREAM.contrastParams) : undefined;
  const factor = drawPerImage(factorRange, words, 0, b.n);
  const { view: out, result, created } = outputArray(b, o.out, true);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return {
    batch: b, out, result, created, threads, factor,
    // offset and sums: written by the backend's contrast, from each image's means (ContrastRequest)
    request: { h: b.h, w: b.w, c: b.c, layout: b.layout, scale: perChannel(factor, b.c), offset: new Float32Array(b.n * b.c), sums: new Float64Array(b.n * b.c), clip, clipLo, clipHi, perChannel: o.perChannel !== false },
  };
}

/**
 * (x − mean) · factor + mean per element, the mean per image (and channel), factor per image (issue 19). May run in place.
 * The offsets: mean m = float32(S / (h·w)) per channel (perChannel), or
 * float32((S_0 + … + S_{c−1}) / (h·w·c)) summed in float64 in channel order;
 * then b = float32(m − float32(m · factor)), so that y = float32(float32(x ·
 * factor) + b) is (x − m) · factor + m in float32.
 */
export function contrast(batch: Batch, options: ContrastOptions): Batch {
  const r = resolveContrast(batch, options, false);
  // one backend call: each image is summed and then mapped while it is in
  // cache (native: the next image prefetched during the map)
  activeBackend().contrast(r.batch.data, r.out, r.request, 0, r.batch.n);
  return batchResult(r.batch, r.result);
}

/**
 * One thread's time per byte of the batch for the channel sums, about: sync
 * CPU time per byte of K1 − B1 / K2 − B2. Zen 3, uint16-lane uint8 sums:
 * uint8 0.06, float32 0.065; with each image summed and then mapped while in
 * cache, K1 − B1 is 0.02 ns per byte (Zen 4 and Zen 3).
 */
const SUMS_NS_PER_BYTE: NsPerByte = { uint8: 0.02, float32: 0.065 };

/** contrast split over `threads` (README, "Threads and `…Async` calls"), as runImagesAsync chooses; the same bytes. */
export async function contrastAsync(batch: Batch, options: ContrastOptions & AsyncOptions): Promise<Batch> {
  const r = resolveContrast(batch, options, true);
  const nsPerUnit = nsPerImage(r.batch.data, r.batch.n, SUMS_NS_PER_BYTE) + nsPerImage(r.batch.data, r.batch.n, COLOR_NS_PER_BYTE);
  await runImagesAsync('contrastAsync', r, nsPerUnit, (b, src, dst, first, count, async) =>
    (async ? b.contrastAsync(src, dst, r.request, first, count) : b.contrast(src, dst, r.request, first, count)));
  return batchResult(r.batch, r.result);
}

/** The factor a contrast with these options uses for each image (for records and reports). */
export function contrastParams(batch: Batch, options: ContrastOptions): ContrastParams {
  return { factor: resolveContrast(batch, options, false).factor };
}
