// gaussianBlur / gaussianBlurAsync (issue 19): a separable Gaussian blur,
// sigma fixed, given per image, or drawn per image from stream 50; the
// border extended by shift's fill rule. Validates, resolves every image's
// radius and float32 weights here in TypeScript (float64 first), then calls
// the backend; both backends get the same numbers, so they give the same bytes.
import type { BlurRequest } from '../backends/backend.js';
import { uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { integerInRange, invalidParameterError, isArraySafe } from '../validate.js';
import { batchResult, checkBatchFields, outputArray, perSampleWords, rangeOption, readBatch, sampleIndex, type Batch, type CheckedBatch, type Range } from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { nsPerImage, runImagesAsync, type NsPerByte, type ResolvedImageOp } from './image-op.js';
import { fillOptions, type Fill } from './shift.js';

export interface GaussianBlurOptions extends RandomOptions {
  /** Standard deviation in pixels: a number, or [lo, hi] drawn per image (torchvision's GaussianBlur sigma); 0 ≤ sigma ≤ 500. Default [0.1, 2]. */
  sigma?: Range;
  /** Given sigmas, one per image (instead of `sigma`). */
  sigmas?: ArrayLike<number>;
  /** Kernel radius for every image (kernel size 2·radius + 1, torchvision's kernel_size); default from each sigma: OpenCV's rule for 8-bit images, ⌊rint(6σ + 1) / 2⌋. */
  radius?: number;
  /** How pixels outside the image are read (default 'mirror': OpenCV's BORDER_REFLECT_101, torchvision's reflect padding). */
  fill?: Fill;
  /** Value for fill 'constant' (default 0; an integer 0…255 for uint8 data). */
  fillValue?: number;
  /** Write the result here: a typed array like batch.data that does not overlap it (not in place). */
  out?: Uint8Array | Float32Array;
}

/** Per image, the float32 sigma and the radius a blur used. */
export interface GaussianBlurParams {
  sigma: Float32Array;
  radius: Int32Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'sigma', 'sigmas', 'radius', 'fill', 'fillValue', 'out'] as const;
export const MAX_BLUR_SIGMA = 500;
export const MAX_BLUR_RADIUS = 1500;
const DEFAULT_SIGMA: [number, number] = [0.1, 2];

/** rint: round half to even, in float64. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The default radius of a float32 sigma: OpenCV's kernel size for 8-bit
 * images when none is given, ksize = cvRound(6σ + 1) | 1, so radius =
 * ⌊rint(6σ + 1) / 2⌋ (6σ + 1 is exact in float64 for a float32 σ ≤ 500);
 * σ = 0 gives radius 0 (the identity).
 */
export function blurRadius(sigma: number): number {
  return Math.floor(roundHalfEven(6 * sigma + 1) / 2);
}

/**
 * The 2r + 1 float32 weights of a float32 sigma: g_k = exp(−(k − r)² / (2σ²))
 * in float64 (Math.exp), S = ((g_0 + g_1) + …) + g_2r in float64,
 * w_k = float32(g_k / S). σ = 0 (or r = 0) gives the single weight 1.
 */
export function blurWeights(sigma: number, radius: number): Float32Array {
  if (radius === 0 || sigma === 0) {
    const out = new Float32Array(2 * radius + 1);
    out[radius] = 1;
    return out;
  }
  const g = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = 0; k <= 2 * radius; k += 1) {
    const d = k - radius;
    g[k] = Math.exp(-(d * d) / (2 * sigma * sigma));
    sum += g[k]!;
  }
  return Float32Array.from(g, (v) => v / sum);
}

function sigmaValue(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidParameterError(name, `a number between 0 and ${MAX_BLUR_SIGMA}`, value);
  if (!(value >= 0 && value <= MAX_BLUR_SIGMA)) throw invalidParameterError(name, `a number between 0 and ${MAX_BLUR_SIGMA}`, value, 'range');
  return Math.fround(value);
}

/**
 * Per image, the float32 sigma: given (`sigmas`), fixed, or drawn: image k
 * (dataset index index + k) uses word 0 of block (0, index + k, epoch, 50),
 * σ = float32(lo + (hi − lo) · U(w0)) computed in float64.
 */
function resolveSigmas(b: CheckedBatch, o: Partial<GaussianBlurOptions>): Float32Array {
  if (o.sigmas !== undefined) {
    if (o.sigma !== undefined) throw new TypeError('Expected either sigma (a number or [lo, hi] drawn per image) or sigmas (one per image) for gaussianBlur, not both');
    const expected = `an array of ${b.n} numbers between 0 and ${MAX_BLUR_SIGMA} (one per image)`;
    const given = o.sigmas;
    if (!isArraySafe(given) && !(ArrayBuffer.isView(given) && !(given instanceof DataView))) throw invalidParameterError('sigmas', expected, given);
    const list = given as ArrayLike<unknown>;
    if (list.length !== b.n) throw invalidParameterError('sigmas', expected, given, 'range');
    return Float32Array.from({ length: b.n }, (_, i) => sigmaValue(`sigmas[${i}]`, list[i]));
  }
  const [lo, hi] = o.sigma === undefined ? DEFAULT_SIGMA : rangeOption('sigma', o.sigma, false, 0, MAX_BLUR_SIGMA);
  if (lo === hi) return new Float32Array(b.n).fill(lo);
  const words = perSampleWords(b.n, seedKey(o.seed), sampleIndex(o.index, b.n), epochOption(o.epoch), STREAM.gaussianBlurParams);
  return Float32Array.from({ length: b.n }, (_, k) => lo + (hi - lo) * uniformFromWord(words[4 * k]!));
}

interface ResolvedBlur extends ResolvedImageOp<BlurRequest> {
  params: GaussianBlurParams;
}

function resolveBlur(batch: unknown, options: unknown, isAsync: boolean): ResolvedBlur {
  const fields = readBatch(batch);
  const o = opOptions<GaussianBlurOptions & AsyncOptions>('gaussianBlur', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  if (o.index !== undefined) sampleIndex(o.index, b.n);
  if (o.seed !== undefined) seedKey(o.seed);
  if (o.epoch !== undefined) epochOption(o.epoch);
  const fixedRadius = o.radius === undefined ? undefined : integerInRange('radius', o.radius, 0, MAX_BLUR_RADIUS);
  const { fill, fillValue } = fillOptions(b, { fill: o.fill === undefined ? 'mirror' : o.fill, fillValue: o.fillValue });
  const sigma = resolveSigmas(b, o);
  const radius = Int32Array.from(sigma, (s) => (fixedRadius === undefined ? blurRadius(s) : fixedRadius));
  const stride = 2 * radius.reduce((m, r) => Math.max(m, r), 0) + 1;
  const weights = new Float32Array(b.n * stride);
  for (let i = 0; i < b.n; i += 1) weights.set(blurWeights(sigma[i]!, radius[i]!), i * stride);
  const { view: out, result, created } = outputArray(b, o.out, false);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return {
    batch: b, out, result, created, threads, params: { sigma, radius },
    request: { h: b.h, w: b.w, c: b.c, layout: b.layout, fill, fillValue, radius, weights, stride },
  };
}

/** A Gaussian blur of every image, sigma per image (issue 19); uint8 rounds half to even and saturates. Not in place. */
export function gaussianBlur(batch: Batch, options?: GaussianBlurOptions): Batch {
  const r = resolveBlur(batch, options, false);
  activeBackend().blur(r.batch.data, r.out, r.request, 0, r.batch.n);
  return batchResult(r.batch, r.result);
}

/** One thread's time per byte of the batch, about (two passes of a few taps each), for threadsWorth (Zen 3, sync CPU time per byte of G11 / G10, sigma 1.5: uint8 1.17, float32 0.27). */
const BLUR_NS_PER_BYTE: NsPerByte = { uint8: 1.2, float32: 0.27 };

/** gaussianBlur on the libuv thread pool, images split over `threads`; the same bytes. */
export async function gaussianBlurAsync(batch: Batch, options?: GaussianBlurOptions & AsyncOptions): Promise<Batch> {
  const r = resolveBlur(batch, options, true);
  await runImagesAsync('gaussianBlurAsync', r, nsPerImage(r.batch.data, r.batch.n, BLUR_NS_PER_BYTE), (b, src, dst, first, count, async) =>
    (async ? b.blurAsync(src, dst, r.request, first, count) : b.blur(src, dst, r.request, first, count)));
  return batchResult(r.batch, r.result);
}

/** The sigma and radius a gaussianBlur with these options uses for each image (for records and reports). */
export function gaussianBlurParams(batch: Batch, options?: GaussianBlurOptions): GaussianBlurParams {
  return resolveBlur(batch, options, false).params;
}

/** Internal: the resolved request (tests compare backends on it). */
export function gaussianBlurPlan(batch: Batch, options?: GaussianBlurOptions): BlurRequest {
  return resolveBlur(batch, options, false).request;
}
