// erase / eraseAsync (issue 19): random erasing (torchvision RandomErasing,
// Zhong et al. 2017; cutout): per image, with probability p, `count` boxes
// filled with a constant, one value per channel, or noise. Every box is drawn
// here in TypeScript from the sample's own Philox stream (21) and handed to
// the backend's erase kernel, so both backends get the same boxes; the noise
// fill comes from a stream of its own (22), per element position.
//
// Stream layout of sample k of the batch (dataset index g = index + k),
// counter (block, g, epoch, 21):
// - block 0, word 0: the image is erased when U(w0) < p;
// - box j (0 ≤ j < count), attempt t (0 ≤ t < 10): block 1 + 10j + t, words
//   w0 (area), w1 (aspect ratio), w2 (top), w3 (left); see drawBox.
import type { EraseRequest } from '../backends/backend.js';
import { philoxBlock, uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { integerInRange, invalidParameterError, isPlainObject, numberInRange } from '../validate.js';
import { batchResult, checkBatchFields, outputArray, rangeOption, readBatch, sampleIndex, type Batch, type CheckedBatch } from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, readOnce, seedKey, threadsOption, type AsyncOptions, type RandomOptions, type SeedKey } from './common.js';
import { nsPerImage, runImagesAsync, type NsPerByte, type ResolvedImageOp } from './image-op.js';

/** Boxes, `count` per image (entry i·count + j): rows [top, top + height) × columns [left, left + width); height or width 0 for none. */
export interface EraseBoxes {
  top: ArrayLike<number>;
  left: ArrayLike<number>;
  height: ArrayLike<number>;
  width: ArrayLike<number>;
}

export interface EraseOptions extends RandomOptions {
  /** Probability that an image is erased (torchvision's p). Default 0.5. */
  p?: number;
  /** Boxes per erased image, each drawn on its own (1…64). Default 1. */
  count?: number;
  /** A box's area as a fraction of the image's, drawn uniformly from [lo, hi] ⊂ (0, 1] (torchvision's scale). Default [0.02, 0.33]. */
  area?: number | [number, number];
  /** A box's aspect ratio height / width, drawn log-uniformly from [lo, hi] (torchvision's ratio). Default [0.3, 3.3]. */
  ratio?: number | [number, number];
  /**
   * The fill: a number, one number per channel, or 'noise' (float32: standard
   * normals N(0, 1) as torchvision's value='random'; uint8: uniform integers
   * 0…255) from stream 22. uint8 values are integers 0…255. Default 0.
   */
  value?: number | ArrayLike<number> | 'noise';
  /** Given boxes (replay of a record), `count` per image; then p, area and ratio are not used. */
  boxes?: EraseBoxes;
  /** Write the result here: a typed array like batch.data, or batch.data itself (in place). */
  out?: Uint8Array | Float32Array;
}

/** What erase used per image: applied (1 or 0) and its `count` boxes (entry i·count + j; 0 × 0 for none). */
export interface EraseParams {
  applied: Uint8Array;
  top: Int32Array;
  left: Int32Array;
  height: Int32Array;
  width: Int32Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'p', 'count', 'area', 'ratio', 'value', 'boxes', 'out'] as const;
/** Attempts per box before it is given up (torchvision's rule). */
export const ERASE_ATTEMPTS = 10;
export const MAX_ERASE_COUNT = 64;
const DEFAULT_AREA: [number, number] = [0.02, 0.33];
const DEFAULT_RATIO: [number, number] = [0.3, 3.3];

/** rint: round half to even, in float64 (Python's round, as torchvision uses). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface BoxRule {
  h: number;
  w: number;
  area: [number, number];
  logRatio: [number, number];
}

/**
 * One box by torchvision's rule, attempt after attempt (words of block
 * 1 + 10j + t): a = h·w·(lo + (hi − lo)·U(w0)), r = exp(ln rlo + (ln rhi −
 * ln rlo)·U(w1)), height = rint(√(a·r)), width = rint(√(a / r)) (float64,
 * Math.sqrt, Math.exp); the attempt fits when height < h and width < w; then
 * top = ⌊U(w2)·(h − height + 1)⌋, left = ⌊U(w3)·(w − width + 1)⌋. No fit in
 * 10 attempts: no box (0 × 0 at 0, 0).
 */
function drawBox(rule: BoxRule, key: SeedKey, sample: number, epoch: number, j: number, words: Uint32Array): [number, number, number, number] {
  const { h, w, area, logRatio } = rule;
  for (let t = 0; t < ERASE_ATTEMPTS; t += 1) {
    philoxBlock(1 + ERASE_ATTEMPTS * j + t, sample, epoch, STREAM.eraseParams, key.key0, key.key1, words);
    const a = h * w * (area[0] + (area[1] - area[0]) * uniformFromWord(words[0]!));
    const r = Math.exp(logRatio[0] + (logRatio[1] - logRatio[0]) * uniformFromWord(words[1]!));
    const bh = roundHalfEven(Math.sqrt(a * r));
    const bw = roundHalfEven(Math.sqrt(a / r));
    if (!(bh < h && bw < w)) continue;
    return [Math.floor(uniformFromWord(words[2]!) * (h - bh + 1)), Math.floor(uniformFromWord(words[3]!) * (w - bw + 1)), bh, bw];
  }
  return [0, 0, 0, 0];
}

function drawBoxes(b: CheckedBatch, count: number, p: number, rule: BoxRule, key: SeedKey, index: number, epoch: number): EraseParams {
  const params = emptyParams(b.n, count);
  const words = new Uint32Array(4);
  for (let i = 0; i < b.n; i += 1) {
    philoxBlock(0, index + i, epoch, STREAM.eraseParams, key.key0, key.key1, words);
    if (!(uniformFromWord(words[0]!) < p)) continue;
    params.applied[i] = 1;
    for (let j = 0; j < count; j += 1) {
      const [top, left, bh, bw] = drawBox(rule, key, index + i, epoch, j, words);
      const at = i * count + j;
      [params.top[at], params.left[at], params.height[at], params.width[at]] = [top, left, bh, bw];
    }
  }
  return params;
}

function emptyParams(n: number, count: number): EraseParams {
  return { applied: new Uint8Array(n), top: new Int32Array(n * count), left: new Int32Array(n * count), height: new Int32Array(n * count), width: new Int32Array(n * count) };
}

function boxIntegers(name: string, value: unknown, length: number, max: (i: number) => number): Int32Array {
  const list = readOnce(name, value);
  if (!(Array.isArray(list) || ArrayBuffer.isView(list)) || (list as ArrayLike<unknown>).length !== length) throw invalidParameterError(name, `an array of ${length} integers (count per image)`, value);
  const values = list as ArrayLike<unknown>;
  return Int32Array.from({ length }, (_, i) => integerInRange(`${name}[${i}]`, values[i], 0, max(i)));
}

/** Given boxes: inside the image; an image counts as applied when any of its boxes is not empty. */
function givenBoxes(value: unknown, b: CheckedBatch, count: number): EraseParams {
  if (!isPlainObject(value)) throw invalidParameterError('boxes', '{ top, left, height, width }: arrays of count integers per image', value);
  const { top, left, height, width } = value as Record<string, unknown>;
  const length = b.n * count;
  const t = boxIntegers('boxes.top', top, length, () => b.h);
  const l = boxIntegers('boxes.left', left, length, () => b.w);
  const params = { applied: new Uint8Array(b.n), top: t, left: l, height: boxIntegers('boxes.height', height, length, (i) => b.h - t[i]!), width: boxIntegers('boxes.width', width, length, (i) => b.w - l[i]!) };
  for (let k = 0; k < length; k += 1) {
    if (params.height[k]! > 0 && params.width[k]! > 0) params.applied[Math.floor(k / count)] = 1;
  }
  return params;
}

/** The fill: 'noise', or c float32 values (uint8: integers 0…255). */
function valueOption(value: unknown, b: CheckedBatch): { noise: boolean; values: Float32Array } {
  if (value === 'noise') return { noise: true, values: new Float32Array(b.c) };
  const expected = b.dtype === 'uint8' ? `an integer 0…255, an array of ${b.c} of them (one per channel), or 'noise'` : `a finite float32 number, an array of ${b.c} of them (one per channel), or 'noise'`;
  const one = (name: string, v: unknown): number => {
    if (typeof v !== 'number') throw invalidParameterError(name, expected, v);
    const ok = b.dtype === 'uint8' ? Number.isInteger(v) && v >= 0 && v <= 255 : Number.isFinite(Math.fround(v));
    if (!ok) throw invalidParameterError(name, expected, v, 'range');
    return v;
  };
  if (value === undefined) return { noise: false, values: new Float32Array(b.c) };
  if (typeof value === 'number') return { noise: false, values: new Float32Array(b.c).fill(one('value', value)) };
  if (!(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))) throw invalidParameterError('value', expected, value);
  const list = value as ArrayLike<unknown>;
  if (list.length !== b.c) throw invalidParameterError('value', expected, value, 'range');
  return { noise: false, values: Float32Array.from({ length: b.c }, (_, ch) => one(`value[${ch}]`, list[ch])) };
}

interface ResolvedErase extends ResolvedImageOp<EraseRequest> {
  params: EraseParams;
}

function resolveErase(batch: unknown, options: unknown, isAsync: boolean): ResolvedErase {
  const fields = readBatch(batch);
  const o = opOptions<EraseOptions & AsyncOptions>('erase', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  const index = sampleIndex(o.index, b.n);
  const key = seedKey(o.seed);
  const epoch = epochOption(o.epoch);
  const count = o.count === undefined ? 1 : integerInRange('count', o.count, 1, MAX_ERASE_COUNT);
  const { noise, values } = valueOption(o.value, b);
  let params: EraseParams;
  if (o.boxes !== undefined) {
    for (const name of ['p', 'area', 'ratio'] as const) {
      if (o[name] !== undefined) throw invalidParameterError(name, 'nothing with given boxes (p, area and ratio only draw boxes)', o[name], 'range');
    }
    params = givenBoxes(o.boxes, b, count);
  } else {
    const p = o.p === undefined ? 0.5 : numberInRange('p', o.p, 0, 1, 'a probability in [0, 1]');
    const area = o.area === undefined ? DEFAULT_AREA : rangeOption('area', o.area, false, 0, 1);
    const ratio = o.ratio === undefined ? DEFAULT_RATIO : rangeOption('ratio', o.ratio, false, 1e-3, 1e3);
    params = drawBoxes(b, count, p, { h: b.h, w: b.w, area, logRatio: [Math.log(ratio[0]), Math.log(ratio[1])] }, key, index, epoch);
  }
  const { view: out, result, created } = outputArray(b, o.out, true);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return {
    batch: b, out, result, created, threads, params,
    request: {
      h: b.h, w: b.w, c: b.c, layout: b.layout, count, top: params.top, left: params.left, height: params.height, width: params.width,
      noise, values, key0: key.key0, key1: key.key1, epoch, stream: STREAM.eraseNoise, firstSample: index,
    },
  };
}

/** Random erasing (issue 19): per image with probability p, `count` boxes filled with a value, per-channel values or noise. May run in place. */
export function erase(batch: Batch, options?: EraseOptions): Batch {
  const r = resolveErase(batch, options, false);
  activeBackend().erase(r.batch.data, r.out, r.request, 0, r.batch.n);
  return batchResult(r.batch, r.result);
}

/**
 * One thread's time per byte of the batch, about (a copy, then boxes filled),
 * for threadsWorth and slice sizes: sync CPU time per byte of E3 / E4. uint8
 * was 0.38 (Zen 3, an older kernel); E3 now takes 0.105 ns per byte (Zen 4,
 * AVX-512 and AVX2 alike), so 0.38 split erases of 0.3 ms.
 */
const ERASE_NS_PER_BYTE: NsPerByte = { uint8: 0.1, float32: 0.11 };

/** erase split over `threads` (README, "Threads and `…Async` calls"); the same bytes. */
export async function eraseAsync(batch: Batch, options?: EraseOptions & AsyncOptions): Promise<Batch> {
  const r = resolveErase(batch, options, true);
  await runImagesAsync('eraseAsync', r, nsPerImage(r.batch.data, r.batch.n, ERASE_NS_PER_BYTE), (b, src, dst, first, count, async) =>
    (async ? b.eraseAsync(src, dst, r.request, first, count) : b.erase(src, dst, r.request, first, count)));
  return batchResult(r.batch, r.result);
}

/** The boxes an erase with these options uses for each image (for records and reports). */
export function eraseParams(batch: Batch, options?: EraseOptions): EraseParams {
  return resolveErase(batch, options, false).params;
}

/** Internal: the resolved request (tests compare backends on it). */
export function erasePlan(batch: Batch, options?: EraseOptions): EraseRequest {
  return resolveErase(batch, options, false).request;
}
