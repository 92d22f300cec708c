// gamma / gammaAsync (issue 19): y = x^gamma per element, gamma per image
// (fixed, given, or drawn log-uniformly from stream 51). Validates, resolves
// every image's float32 gamma and, for uint8 data, its 256-entry table here
// in TypeScript, then calls the backend's gamma kernel; both backends get the
// same numbers, so they give the same bytes.
import type { GammaRequest } from '../backends/backend.js';
import { gammaTable } from '../backends/js/gamma.js';
import { uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { invalidParameterError, isArraySafe } from '../validate.js';
import { batchResult, checkBatchFields, outputArray, perSampleWords, rangeOption, readBatch, sampleIndex, type Batch, type CheckedBatch, type Range } from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { nsPerImage, runImagesAsync, type NsPerByte, type ResolvedImageOp } from './image-op.js';
import { clipOption } from './noise.js';

export interface GammaOptions extends RandomOptions {
  /** The exponent: a number, or [lo, hi] drawn per image log-uniformly (ln γ uniform in [ln lo, ln hi]); within [0.001, 1000]. Default [0.8, 1.25]. */
  gamma?: Range;
  /** Given exponents, one per image (instead of `gamma`): replays a record. */
  gammas?: ArrayLike<number>;
  /** float32 only: clip results to [lo, hi] (uint8 results always lie in [0, 255]). */
  clip?: [number, number];
  /** Write the result here: a typed array like batch.data, or batch.data itself (in place). */
  out?: Uint8Array | Float32Array;
}

/** Per image, the float32 gamma used. */
export interface GammaParams {
  gamma: Float32Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'gamma', 'gammas', 'clip', 'out'] as const;
export const MIN_GAMMA = 0.001;
export const MAX_GAMMA = 1000;
const DEFAULT_GAMMA: [number, number] = [0.8, 1.25];

function gammaValueOption(name: string, value: unknown): number {
  const expected = `a number between ${MIN_GAMMA} and ${MAX_GAMMA}`;
  if (typeof value !== 'number') throw invalidParameterError(name, expected, value);
  if (!(value >= MIN_GAMMA && value <= MAX_GAMMA)) throw invalidParameterError(name, expected, value, 'range');
  return Math.fround(value);
}

/**
 * Per image, the float32 gamma: given (`gammas`), fixed, or drawn: image k
 * (dataset index index + k) uses word 0 of block (0, index + k, epoch, 51),
 * γ = float32(exp(ln lo + (ln hi − ln lo) · U(w0))) in float64 (Math.exp, Math.log).
 */
function resolveGammas(b: CheckedBatch, o: Partial<GammaOptions>): Float32Array {
  if (o.gammas !== undefined) {
    if (o.gamma !== undefined) throw new TypeError('Expected either gamma (a number or [lo, hi] drawn per image) or gammas (one per image) for gamma, not both');
    const expected = `an array of ${b.n} numbers between ${MIN_GAMMA} and ${MAX_GAMMA} (one per image)`;
    const given = o.gammas;
    if (!isArraySafe(given) && !(ArrayBuffer.isView(given) && !(given instanceof DataView))) throw invalidParameterError('gammas', expected, given);
    const list = given as ArrayLike<unknown>;
    if (list.length !== b.n) throw invalidParameterError('gammas', expected, given, 'range');
    return Float32Array.from({ length: b.n }, (_, i) => gammaValueOption(`gammas[${i}]`, list[i]));
  }
  const [lo, hi] = o.gamma === undefined ? DEFAULT_GAMMA : rangeOption('gamma', o.gamma, false, MIN_GAMMA, MAX_GAMMA);
  if (lo === hi) return new Float32Array(b.n).fill(lo);
  const words = perSampleWords(b.n, seedKey(o.seed), sampleIndex(o.index, b.n), epochOption(o.epoch), STREAM.gammaParams);
  const [a, span] = [Math.log(lo), Math.log(hi) - Math.log(lo)];
  return Float32Array.from({ length: b.n }, (_, k) => Math.exp(a + span * uniformFromWord(words[4 * k]!)));
}

interface ResolvedGamma extends ResolvedImageOp<GammaRequest> {
  params: GammaParams;
}

function resolveGamma(batch: unknown, options: unknown, isAsync: boolean): ResolvedGamma {
  const fields = readBatch(batch);
  const o = opOptions<GammaOptions & AsyncOptions>('gamma', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  if (o.index !== undefined) sampleIndex(o.index, b.n);
  if (o.seed !== undefined) seedKey(o.seed);
  if (o.epoch !== undefined) epochOption(o.epoch);
  const { clip, clipLo, clipHi } = clipOption(b, o.clip);
  const gamma = resolveGammas(b, o);
  const lut = new Uint8Array(b.dtype === 'uint8' ? 256 * b.n : 0);
  if (b.dtype === 'uint8') gamma.forEach((g, i) => lut.set(gammaTable(g), 256 * i));
  const { view: out, result, created } = outputArray(b, o.out, true);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return {
    batch: b, out, result, created, threads, params: { gamma },
    request: { h: b.h, w: b.w, c: b.c, layout: b.layout, lut, gamma, clip, clipLo, clipHi },
  };
}

/** y = x^gamma per element, gamma per image (issue 19): float32 values ≤ 0 give 0; uint8 through a per-image table of round(255·(x/255)^γ). May run in place. */
export function gamma(batch: Batch, options?: GammaOptions): Batch {
  const r = resolveGamma(batch, options, false);
  activeBackend().gamma(r.batch.data, r.out, r.request, 0, r.batch.n);
  return batchResult(r.batch, r.result);
}

/**
 * One thread's time per byte of the batch, about: uint8 reads a table,
 * float32 computes a power per element (threadsWorth, slice sizes). Zen 3,
 * sync CPU time per byte of M1 / M2: uint8 0.33, float32 0.88 (the 7 used
 * before made one 224×224×3 float32 image look longer than a slice may be,
 * so gammaAsync copied the batch to staging: 34 → 43.6 ms with threads: 1).
 * Zen 4: M1 0.31–0.33, M2 0.53 (AVX-512) to 0.71 (AVX2): float32 now 0.5,
 * the faster ISA's, so that the estimate errs towards fewer threads.
 */
const GAMMA_NS_PER_BYTE: NsPerByte = { uint8: 0.33, float32: 0.5 };

/** gamma split over `threads` (README, "Threads and `…Async` calls"); the same bytes. */
export async function gammaAsync(batch: Batch, options?: GammaOptions & AsyncOptions): Promise<Batch> {
  const r = resolveGamma(batch, options, true);
  await runImagesAsync('gammaAsync', r, nsPerImage(r.batch.data, r.batch.n, GAMMA_NS_PER_BYTE), (b, src, dst, first, count, async) =>
    (async ? b.gammaAsync(src, dst, r.request, first, count) : b.gamma(src, dst, r.request, first, count)));
  return batchResult(r.batch, r.result);
}

/** The gamma a gamma op with these options uses for each image (for records and reports). */
export function gammaParams(batch: Batch, options?: GammaOptions): GammaParams {
  return resolveGamma(batch, options, false).params;
}

/** Internal: the resolved request (tests compare backends on it). */
export function gammaPlan(batch: Batch, options?: GammaOptions): GammaRequest {
  return resolveGamma(batch, options, false).request;
}
