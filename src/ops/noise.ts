// Noise on image batches (DESIGN §5): gaussianNoise, uniformNoise,
// speckleNoise, saltAndPepper and their …Async twins. Validates, draws the
// per-image parameters (a std or amount given as a range) from each op's
// parameter stream, and hands both backends the same resolved request.
import { NOISE_KIND, noisePositions, type NoiseRequest } from '../backends/backend.js';
import { uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { finiteNumber, invalidParameterError, numberInRange } from '../validate.js';
import { batchResult, checkBatchFields, outputArray, readBatch, perSampleWords, rangeOption, sampleIndex, type Batch, type CheckedBatch, type Range } from './batch.js';
import { epochOption, RAN_IN_CALL, runAsyncWork, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { roundHalfEven } from './shift.js';

interface NoiseCommon extends RandomOptions {
  /** One draw per element (true) or one per pixel shared by its channels (false). */
  perChannel?: boolean;
  /** Write the result here: a typed array like batch.data, or batch.data itself (in place). */
  out?: Uint8Array | Float32Array;
}

interface Clip {
  /** float32 data only: clip results to [lo, hi]. (uint8 results always saturate to [0, 255].) */
  clip?: [number, number];
}

export interface GaussianNoiseOptions extends NoiseCommon, Clip {
  /** Standard deviation (pixel units for uint8), ≥ 0, or a [lo, hi] range drawn per image. */
  std: Range;
  /** Default 0. */
  mean?: number;
}

export interface UniformNoiseOptions extends NoiseCommon, Clip {
  low: number;
  high: number;
}

export interface SpeckleNoiseOptions extends NoiseCommon, Clip {
  /** x · (1 + std · z): std ≥ 0 or a [lo, hi] range drawn per image. */
  std: Range;
}

export interface SaltAndPepperOptions extends NoiseCommon {
  /** Probability that a pixel (or element, with perChannel) is replaced, in [0, 1], or a range drawn per image. */
  amount: Range;
  /** Share of replacements that are salt (max) rather than pepper (min), in [0, 1]; default 0.5. */
  saltRatio?: number;
  /** float32 data only: the pepper value (default 0). uint8 uses 0. */
  min?: number;
  /** float32 data only: the salt value (default 1). uint8 uses 255. */
  max?: number;
}

type Op = 'gaussianNoise' | 'uniformNoise' | 'speckleNoise' | 'saltAndPepper';
const COMMON = [...RANDOM_OPTION_NAMES, 'perChannel', 'out'] as const;
const NAMES: Record<Op, readonly string[]> = {
  gaussianNoise: [...COMMON, 'std', 'mean', 'clip'],
  uniformNoise: [...COMMON, 'low', 'high', 'clip'],
  speckleNoise: [...COMMON, 'std', 'clip'],
  saltAndPepper: [...COMMON, 'amount', 'saltRatio', 'min', 'max'],
};

type AnyNoiseOptions = Partial<GaussianNoiseOptions & UniformNoiseOptions & SaltAndPepperOptions & AsyncOptions>;

interface ResolvedNoise {
  batch: CheckedBatch;
  /** Written by the kernels. */
  out: Uint8Array | Float32Array;
  /** Returned: the caller's `out`, or `out` itself. */
  result: Uint8Array | Float32Array;
  /** `out` is a new array, not the caller's. */
  created: boolean;
  request: NoiseRequest;
  threads: number;
}

/**
 * A per-image value: fixed, or drawn as lo + (hi − lo) · U(w0) in float64 from
 * word 0 of block (0, index + k, epoch, paramStream).
 */
function perImage(b: CheckedBatch, range: [number, number], o: AnyNoiseOptions, paramStream: number): Float64Array {
  const [lo, hi] = range;
  if (lo === hi) return new Float64Array(b.n).fill(lo);
  const words = perSampleWords(b.n, seedKey(o.seed), sampleIndex(o.index, b.n), epochOption(o.epoch), paramStream);
  const values = new Float64Array(b.n);
  for (let k = 0; k < b.n; k += 1) values[k] = lo + (hi - lo) * uniformFromWord(words[4 * k]!);
  return values;
}

/** perImage rounded to float32 (the kernels' per-image scale). */
function perImageF32(b: CheckedBatch, range: [number, number], o: AnyNoiseOptions, paramStream: number): Float32Array {
  if (range[0] === range[1]) return new Float32Array(b.n).fill(range[0]);  // the store rounds, as fround would
  return Float32Array.from(perImage(b, range, o, paramStream));
}

const EMPTY_F32 = new Float32Array(0);

/** `clip` for this batch: float32 only (uint8 results saturate); lo and hi as float32 values. Shared by the colour ops. */
export function clipOption(b: CheckedBatch, clip: unknown): { clip: boolean; clipLo: number; clipHi: number } {
  if (clip === undefined) return { clip: false, clipLo: 0, clipHi: 0 };
  if (b.dtype === 'uint8') throw invalidParameterError('clip', 'no clip for uint8 data (results saturate to [0, 255])', clip, 'range');
  if (!Array.isArray(clip) || clip.length !== 2 || typeof clip[0] !== 'number' || typeof clip[1] !== 'number') throw invalidParameterError('clip', '[lo, hi] with lo <= hi', clip);
  if (!(clip[0] <= clip[1]) || !Number.isFinite(clip[0]) || !Number.isFinite(clip[1])) throw invalidParameterError('clip', '[lo, hi] with lo <= hi', clip, 'range');
  return { clip: true, clipLo: Math.fround(clip[0]), clipHi: Math.fround(clip[1]) };
}

function resolveNoise(op: Op, batch: unknown, options: unknown, isAsync: boolean): ResolvedNoise {
  const fields = readBatch(batch);
  const o = opOptions<AnyNoiseOptions>(op, options, NAMES[op], isAsync);
  const b = checkBatchFields(fields);
  if (options === undefined) throw invalidParameterError(isAsync ? `${op}Async options` : `${op} options`, op === 'uniformNoise' ? 'an object with low and high' : op === 'saltAndPepper' ? 'an object with amount' : 'an object with std', options);
  const key = seedKey(o.seed);
  const firstSample = sampleIndex(o.index, b.n);
  const epoch = epochOption(o.epoch);
  if (o.perChannel !== undefined && typeof o.perChannel !== 'boolean') throw invalidParameterError('perChannel', 'a boolean', o.perChannel);
  // the per-image arrays are filled in by the op below; the kernels read only the ones of its kind
  const noThresholds = new Uint32Array(b.n);
  const request: NoiseRequest = {
    h: b.h, w: b.w, c: b.c, layout: b.layout, perChannel: o.perChannel ?? op !== 'saltAndPepper', kind: 0,
    key0: key.key0, key1: key.key1, epoch, stream: 0, firstSample,
    offset: EMPTY_F32, scale: EMPTY_F32, clip: false, clipLo: 0, clipHi: 0,
    pepperBelow: noThresholds, saltBelow: noThresholds, pepperValue: 0, saltValue: 0,
  };
  switch (op) {
    case 'gaussianNoise': {
      const scale = perImageF32(b, rangeOption('std', o.std, false, 0), o, STREAM.gaussianNoiseParams);
      const mean = o.mean === undefined ? 0 : finiteNumber('mean', o.mean);
      Object.assign(request, { kind: NOISE_KIND.addNormal, stream: STREAM.gaussianNoise, offset: new Float32Array(b.n).fill(mean), scale }, clipOption(b, o.clip));
      break;
    }
    case 'uniformNoise': {
      const low = finiteNumber('low', o.low);
      const high = finiteNumber('high', o.high);
      if (high < low) throw invalidParameterError('high', `a number >= low (${low})`, high, 'range');
      const span = Math.fround(Math.fround(high) - Math.fround(low));
      if (!Number.isFinite(span)) throw invalidParameterError('high', 'low and high whose difference fits in float32', high, 'range');
      Object.assign(request, { kind: NOISE_KIND.addUniform, stream: STREAM.uniformNoise, offset: new Float32Array(b.n).fill(low), scale: new Float32Array(b.n).fill(span) }, clipOption(b, o.clip));
      break;
    }
    case 'speckleNoise': {
      const scale = perImageF32(b, rangeOption('std', o.std, false, 0), o, STREAM.speckleNoiseParams);
      Object.assign(request, { kind: NOISE_KIND.multiplyNormal, stream: STREAM.speckleNoise, offset: new Float32Array(b.n).fill(1), scale }, clipOption(b, o.clip));
      break;
    }
    case 'saltAndPepper': {
      const amount = perImage(b, rangeOption('amount', o.amount, false, 0, 1), o, STREAM.saltAndPepperParams);
      const saltRatio = o.saltRatio === undefined ? 0.5 : numberInRange('saltRatio', o.saltRatio, 0, 1, 'a number in [0, 1]');
      if (b.dtype === 'uint8' && (o.min !== undefined || o.max !== undefined)) {
        throw invalidParameterError(o.min !== undefined ? 'min' : 'max', 'no min/max for uint8 data (pepper is 0, salt 255)', o.min ?? o.max, 'range');
      }
      const pepperValue = b.dtype === 'uint8' ? 0 : Math.fround(o.min === undefined ? 0 : finiteNumber('min', o.min));
      const saltValue = b.dtype === 'uint8' ? 255 : Math.fround(o.max === undefined ? 1 : finiteNumber('max', o.max));
      request.kind = NOISE_KIND.saltAndPepper;
      request.offset = new Float32Array(b.n);
      request.scale = new Float32Array(b.n);
      request.pepperBelow = new Uint32Array(b.n);
      request.saltBelow = new Uint32Array(b.n);
      request.stream = STREAM.saltAndPepper;
      request.pepperValue = pepperValue;
      request.saltValue = saltValue;
      for (let i = 0; i < b.n; i += 1) {
        // 16-bit thresholds: replaced where t < amount · 2^16, pepper where t < amount · (1 − saltRatio) · 2^16
        request.saltBelow[i] = roundHalfEven(amount[i]! * 65536);
        request.pepperBelow[i] = roundHalfEven(amount[i]! * (1 - saltRatio) * 65536);
      }
      break;
    }
  }
  const { view: out, result, created } = outputArray(b, o.out, true);
  return { batch: b, out, result, created, request, threads: isAsync ? threadsOption(o.threads) : 1 };
}

function run(op: Op, batch: unknown, options: unknown): Batch {
  const r = resolveNoise(op, batch, options, false);
  activeBackend().noise(r.batch.data, r.out, r.request, 0, r.batch.n * noisePositions(r.request));
  return batchResult(r.batch, r.result);
}

/**
 * Threads share the batch's stream positions, not whole images, so even one
 * large image splits. Ranges start on multiples of this many positions (whole
 * generator chunks), times c with perChannel (whole pixels in either layout).
 */
const SPLIT_POSITIONS = 4096;

/**
 * One thread's time per element written, about, for threadsWorth and slice
 * sizes: a position writes one element with perChannel, else a pixel's c
 * (one draw applied to each channel). Zen 5, AVX-512: W3 0.55 ns. Zen 4:
 * W3 0.7–1.0, N1 0.46–0.53, N2 0.75–1.1; P1 (one draw per pixel, 3
 * channels) 1.3–2.1 ns per position, which a single 0.4 per position
 * under-estimated 3–5×; saltAndPepper (W6) 0.15–0.18 per element.
 */
const NS_PER_ELEMENT: Record<Op, number> = { gaussianNoise: 0.4, uniformNoise: 0.4, speckleNoise: 0.4, saltAndPepper: 0.14 };

/** One thread's time per stream position of `op` on `request`'s images, about (ns). */
export function noiseNsPerPosition(op: Op, request: Pick<NoiseRequest, 'c' | 'perChannel'>): number {
  return NS_PER_ELEMENT[op] * (request.perChannel ? 1 : request.c);
}

async function runAsync(op: Op, batch: unknown, options: unknown): Promise<Batch> {
  const r = resolveNoise(op, batch, options, true);
  const backend = activeBackend();
  const total = r.batch.n * noisePositions(r.request);
  const align = r.request.perChannel ? SPLIT_POSITIONS * r.request.c : SPLIT_POSITIONS;
  const lent = [{ name: 'batch.data', array: r.batch.data, read: true, write: false }, { name: 'out', array: r.out, read: false, write: true, created: r.created }];
  const done = runAsyncWork(`${op}Async`, backend, lent, {
    units: total, align, nsPerUnit: noiseNsPerPosition(op, r.request), threads: r.threads,
    run: ([src, dst], start, count, async) => (async ? backend.noiseAsync(src!, dst!, r.request, start, start + count) : backend.noise(src!, dst!, r.request, start, start + count)),
  });
  if (done !== RAN_IN_CALL) await done;
  return batchResult(r.batch, r.result);
}

/** x + N(mean, std²) per element (or per pixel); uint8: saturate(roundHalfEven(x + n)). */
export function gaussianNoise(batch: Batch, options: GaussianNoiseOptions): Batch {
  return run('gaussianNoise', batch, options);
}
export function gaussianNoiseAsync(batch: Batch, options: GaussianNoiseOptions & AsyncOptions): Promise<Batch> {
  return runAsync('gaussianNoise', batch, options);
}

/** x + U(low, high) per element (or per pixel). */
export function uniformNoise(batch: Batch, options: UniformNoiseOptions): Batch {
  return run('uniformNoise', batch, options);
}
export function uniformNoiseAsync(batch: Batch, options: UniformNoiseOptions & AsyncOptions): Promise<Batch> {
  return runAsync('uniformNoise', batch, options);
}

/** x · (1 + std · z) per element (or per pixel). */
export function speckleNoise(batch: Batch, options: SpeckleNoiseOptions): Batch {
  return run('speckleNoise', batch, options);
}
export function speckleNoiseAsync(batch: Batch, options: SpeckleNoiseOptions & AsyncOptions): Promise<Batch> {
  return runAsync('speckleNoise', batch, options);
}

/** Each pixel (or element, with perChannel) becomes max (salt) or min (pepper) with probability amount. */
export function saltAndPepper(batch: Batch, options: SaltAndPepperOptions): Batch {
  return run('saltAndPepper', batch, options);
}
export function saltAndPepperAsync(batch: Batch, options: SaltAndPepperOptions & AsyncOptions): Promise<Batch> {
  return runAsync('saltAndPepper', batch, options);
}

/** Internal: the resolved request (tests compare backends on it; records report its per-image values). */
export function noisePlan(op: Op, batch: Batch, options: unknown): NoiseRequest {
  return resolveNoise(op, batch, options, false).request;
}
