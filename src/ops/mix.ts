// mixup / cutmix (+ …Async, issue 19): a batch mixed with partners from the
// same batch, labels mixed by the same weights. Every per-sample parameter
// (partner, λ, box) is drawn here in TypeScript from the sample's own Philox
// stream (mixup 43, cutmix 44) and handed to the backend's mix kernel, so
// both backends get the same numbers and give the same bytes.
//
// Stream layout of sample k of the batch (dataset index g = index + k),
// counter (block, g, epoch, stream):
// - block 0, word 0: the partner, j = (k + 1 + ⌊U(w0) · (n − 1)⌋) mod n, a
//   batch position other than k (n = 1: k itself); cutmix: word 1 the box
//   centre row ⌊U(w1) · h⌋, word 2 the centre column ⌊U(w2) · w⌋.
// - λ ~ Beta(α, α) = X / (X + Y), X and Y ~ Gamma(α) by Marsaglia–Tsang:
//   attempt t of X uses block 1 + 2t, of Y block 2 + 2t (see betaDraw).
import type { MixRequest } from '../backends/backend.js';
import { philoxBlock, uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { elementLength, integerInRange, invalidParameterError, isPlainObject, isTypedArray, numberInRange, overlaps, plainView } from '../validate.js';
import { batchResult, checkBatchFields, outputArray, readBatch, sampleIndex, type Batch, type CheckedBatch } from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, readOnce, runAsyncWork, seedKey, threadsOption, type AsyncOptions, type RandomOptions, type SeedKey } from './common.js';
import { nsPerImage, type NsPerByte } from './image-op.js';

export interface MixupOptions extends RandomOptions {
  /** Beta(α, α) concentration, > 0 (torchvision's default 1; Keras MixUp uses 0.2). Default 1. */
  alpha?: number;
  /** Given λ (the weight of the sample itself), in [0, 1]: one number or one per image; default drawn. */
  lambda?: number | ArrayLike<number>;
  /** Given partners: one batch position per image; default drawn. */
  partner?: ArrayLike<number>;
  /** Classes per label row; default labels.length / n. */
  numClasses?: number;
  /** Images written here: a typed array like batch.data that does not overlap it (no in place). */
  out?: Uint8Array | Float32Array;
  /** Labels written here: a Float32Array like labels that does not overlap it. */
  labelsOut?: Float32Array;
}

/** A box per image, rows [top, top + height) × columns [left, left + width). */
export interface MixBoxes {
  top: ArrayLike<number>;
  left: ArrayLike<number>;
  height: ArrayLike<number>;
  width: ArrayLike<number>;
}

export interface CutmixOptions extends MixupOptions {
  /** Given boxes (then λ is 1 − box area / image area; `lambda` must not be given too); default drawn. */
  box?: MixBoxes;
}

/** A mixed batch and its labels. */
export interface MixResult {
  batch: Batch;
  labels: Float32Array;
}

/** What mixup used per image: the partner's batch position and λ, the float32 weight of the sample's own image and label. */
export interface MixupParams {
  partner: Int32Array;
  lambda: Float32Array;
}

/** What cutmix used per image: partner, the pasted box, and λ = 1 − box area / image area (the own label's weight). */
export interface CutmixParams extends MixupParams {
  top: Int32Array;
  left: Int32Array;
  height: Int32Array;
  width: Int32Array;
}

const MIXUP_NAMES = [...RANDOM_OPTION_NAMES, 'alpha', 'lambda', 'partner', 'numClasses', 'out', 'labelsOut'] as const;
const CUTMIX_NAMES = [...MIXUP_NAMES, 'box'] as const;
/** Gamma attempts before giving up (Marsaglia–Tsang accepts > 95% of attempts: never reached). */
const MAX_ATTEMPTS = 2 ** 20;
const TWO_PI = 2 * Math.PI;

/**
 * log of a Gamma(α) draw by Marsaglia and Tsang (2000), in float64: with
 * a = α (α ≥ 1) or α + 1 (α < 1), d = a − 1/3, c = 1 / sqrt(9d), attempt t
 * reads words (w0, w1, w2, w3) of block `block(t)`: z = sqrt(−2 ln U(w0)) ·
 * cos(2π U(w1)), v = (1 + c z)^3; rejected when 1 + c z <= 0 or
 * ln U(w2) >= z²/2 + d − d v + d ln v; else log X = ln(d v), plus ln U(w3) / α
 * when α < 1 (Gamma(α) = Gamma(α + 1) · U^(1/α), kept in logs so that tiny
 * draws do not underflow).
 */
function logGammaDraw(alpha: number, words: (t: number) => Uint32Array): number {
  const boost = alpha < 1;
  const d = (boost ? alpha + 1 : alpha) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let t = 0; t < MAX_ATTEMPTS; t += 1) {
    const w = words(t);
    const z = Math.sqrt(-2 * Math.log(uniformFromWord(w[0]!))) * Math.cos(TWO_PI * uniformFromWord(w[1]!));
    const s = 1 + c * z;
    if (s <= 0) continue;
    const v = s * s * s;
    if (Math.log(uniformFromWord(w[2]!)) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
      return Math.log(d * v) + (boost ? Math.log(uniformFromWord(w[3]!)) / alpha : 0);
    }
  }
  throw new RangeError(`fastaug: no Gamma(${alpha}) draw accepted in ${MAX_ATTEMPTS} attempts`);
}

/**
 * λ ~ Beta(α, α) for dataset index g: X / (X + Y) = 1 / (1 + exp(log Y − log X))
 * in float64 (X from blocks 1, 3, 5, …; Y from blocks 2, 4, 6, …), then
 * rounded to float32. Math.log / cos / exp are V8's (fdlibm ports), the same
 * on every machine; both backends use this very value.
 */
export function betaDraw(alpha: number, key: SeedKey, g: number, epoch: number, stream: number): number {
  const block = new Uint32Array(4);
  const words = (b: number) => (t: number): Uint32Array => {
    philoxBlock(b + 2 * t, g, epoch, stream, key.key0, key.key1, block);
    return block;
  };
  const lx = logGammaDraw(alpha, words(1));
  const ly = logGammaDraw(alpha, words(2));
  return Math.fround(1 / (1 + Math.exp(ly - lx)));
}

interface Resolved {
  batch: CheckedBatch;
  out: Uint8Array | Float32Array;
  result: Uint8Array | Float32Array;
  created: boolean;
  request: MixRequest;
  params: CutmixParams;
  labels: Float32Array;
  labelsResult: Float32Array;
  threads: number;
}

function perImageIntegers(name: string, value: unknown, n: number, min: number, max: (i: number) => number): Int32Array {
  const list = readOnce(name, value);
  if (!(Array.isArray(list) || ArrayBuffer.isView(list)) || (list as ArrayLike<unknown>).length !== n) throw invalidParameterError(name, `an array of ${n} integers (one per image)`, value);
  const values = list as ArrayLike<unknown>;
  return Int32Array.from({ length: n }, (_, i) => integerInRange(`${name}[${i}]`, values[i], min, max(i)));
}

function lambdaOption(value: unknown, n: number): Float32Array | undefined {
  if (value === undefined) return undefined;
  const expected = 'a number in [0, 1]';
  if (typeof value === 'number') return new Float32Array(n).fill(numberInRange('lambda', value, 0, 1, expected));
  if (!(Array.isArray(value) || ArrayBuffer.isView(value)) || (value as ArrayLike<unknown>).length !== n) throw invalidParameterError('lambda', `a number in [0, 1] or an array of ${n} (one per image)`, value);
  const values = value as ArrayLike<unknown>;
  return Float32Array.from({ length: n }, (_, i) => numberInRange(`lambda[${i}]`, values[i], 0, 1, expected));
}

function boxOption(value: unknown, b: CheckedBatch): Pick<CutmixParams, 'top' | 'left' | 'height' | 'width'> {
  if (!isPlainObject(value)) throw invalidParameterError('box', '{ top, left, height, width }: arrays of one integer per image', value);
  const { top, left, height, width } = value as Record<string, unknown>;
  const t = perImageIntegers('box.top', top, b.n, 0, () => b.h);
  const l = perImageIntegers('box.left', left, b.n, 0, () => b.w);
  return { top: t, left: l, height: perImageIntegers('box.height', height, b.n, 0, (i) => b.h - t[i]!), width: perImageIntegers('box.width', width, b.n, 0, (i) => b.w - l[i]!) };
}

/** The labels: a Float32Array of n rows of K classes. */
function labelsArg(labels: unknown, n: number, numClasses: unknown): { labels: Float32Array; k: number } {
  if (!isTypedArray(labels, Float32Array)) throw invalidParameterError('labels', 'a Float32Array of n rows of class weights (one-hot or soft labels)', labels);
  const length = elementLength(labels);
  const k = numClasses !== undefined ? integerInRange('numClasses', numClasses, 1, 2 ** 31 - 1) : n === 0 ? 1 : length / n;
  if (!Number.isInteger(k) || k < 1 || length !== n * k) {
    throw invalidParameterError('labels', numClasses === undefined ? `a Float32Array of length n * K (n = ${n} images, K >= 1 classes)` : `a Float32Array of length n * numClasses = ${n * k} (n = ${n}, numClasses = ${k})`, labels, 'range');
  }
  return { labels: plainView(Float32Array, labels), k };
}

function resolve(op: 'mixup' | 'cutmix', batch: unknown, labels: unknown, options: unknown, isAsync: boolean): Resolved {
  const fields = readBatch(batch);
  const o = opOptions<CutmixOptions & AsyncOptions>(op, options, op === 'mixup' ? MIXUP_NAMES : CUTMIX_NAMES, isAsync);
  const b = checkBatchFields(fields);
  const { labels: y, k } = labelsArg(labels, b.n, o.numClasses);
  const alpha = o.alpha === undefined ? 1 : numberInRange('alpha', o.alpha, Number.MIN_VALUE, 1e6, 'a number > 0 (at most 1e6)');
  const givenLambda = lambdaOption(o.lambda, b.n);
  const givenPartner = o.partner === undefined ? undefined : perImageIntegers('partner', o.partner, b.n, 0, () => b.n - 1);
  const givenBox = op === 'cutmix' && o.box !== undefined ? boxOption(o.box, b) : undefined;
  if (givenBox !== undefined && givenLambda !== undefined) throw invalidParameterError('lambda', 'no lambda with a given box (cutmix takes λ from the box area)', o.lambda, 'range');
  const index = sampleIndex(o.index, b.n);
  const key = seedKey(o.seed);
  const epoch = epochOption(o.epoch);
  const { view: out, result, created } = outputArray(b, o.out, false);
  let labelsResult: Float32Array = new Float32Array(y.length);
  if (o.labelsOut !== undefined) {
    if (!isTypedArray(o.labelsOut, Float32Array)) throw invalidParameterError('labelsOut', 'a Float32Array', o.labelsOut);
    if (elementLength(o.labelsOut) !== y.length) throw invalidParameterError('labelsOut', `a Float32Array of length ${y.length}`, o.labelsOut, 'range');
    if (overlaps(o.labelsOut, y)) throw invalidParameterError('labelsOut', 'a Float32Array that does not overlap labels (partners are read after rows are written)', o.labelsOut, 'range');
    labelsResult = o.labelsOut;
  }
  const threads = isAsync ? threadsOption(o.threads) : 1;
  const params = draw(op, b, alpha, key, index, epoch, givenLambda, givenPartner, givenBox);
  const { n } = b;
  // weights of the own (a) and partner (b) image and label
  const wa = new Float32Array(n);
  const wb = new Float32Array(n);
  for (let i = 0; i < n; i += 1) {
    if (op === 'mixup') {
      wa[i] = params.lambda[i]!;
      wb[i] = 1 - params.lambda[i]!;
    } else {
      const q = (params.height[i]! * params.width[i]!) / (b.h * b.w);
      wa[i] = 1 - q;
      wb[i] = q;
    }
  }
  params.lambda.set(wa);
  const request: MixRequest = { h: b.h, w: b.w, c: b.c, layout: b.layout, n, paste: op === 'cutmix', partner: params.partner, wa, wb, top: params.top, left: params.left, height: params.height, width: params.width };
  mixLabels(y, plainView(Float32Array, labelsResult), k, params.partner, wa, wb);
  return { batch: b, out, result, created, request, params, labels: y, labelsResult, threads };
}

/** Row i of out = float32(float32(wa[i] · y[i]) + float32(wb[i] · y[partner[i]])) per class. */
function mixLabels(y: Float32Array, out: Float32Array, k: number, partner: Int32Array, wa: Float32Array, wb: Float32Array): void {
  for (let i = 0; i < partner.length; i += 1) {
    const a = i * k;
    const b = partner[i]! * k;
    const [la, lb] = [wa[i]!, wb[i]!];
    for (let c = 0; c < k; c += 1) out[a + c] = Math.fround(Math.fround(la * y[a + c]!) + Math.fround(lb * y[b + c]!));
  }
}

function draw(
  op: 'mixup' | 'cutmix', b: CheckedBatch, alpha: number, key: SeedKey, index: number, epoch: number,
  givenLambda: Float32Array | undefined, givenPartner: Int32Array | undefined, givenBox: Pick<CutmixParams, 'top' | 'left' | 'height' | 'width'> | undefined,
): CutmixParams {
  const { n, h, w } = b;
  const stream = op === 'mixup' ? STREAM.mixupParams : STREAM.cutmixParams;
  const partner = new Int32Array(n);
  const lambda = new Float32Array(n);
  const box = givenBox ?? { top: new Int32Array(n), left: new Int32Array(n), height: new Int32Array(n).fill(h), width: new Int32Array(n).fill(w) };
  const words = new Uint32Array(4);
  for (let i = 0; i < n; i += 1) {
    const g = index + i;
    philoxBlock(0, g, epoch, stream, key.key0, key.key1, words);
    partner[i] = givenPartner !== undefined ? givenPartner[i]! : n < 2 ? i : (i + 1 + Math.floor(uniformFromWord(words[0]!) * (n - 1))) % n;
    if (op === 'cutmix' && givenBox !== undefined) continue;
    lambda[i] = givenLambda !== undefined ? givenLambda[i]! : betaDraw(alpha, key, g, epoch, stream);
    if (op === 'mixup') continue;
    // torchvision v2 CutMix: centre uniform over pixels, half sides ⌊r · size⌋, r = sqrt(1 − λ) / 2, clipped
    const cy = Math.floor(uniformFromWord(words[1]!) * h);
    const cx = Math.floor(uniformFromWord(words[2]!) * w);
    const r = 0.5 * Math.sqrt(1 - lambda[i]!);
    const rh = Math.floor(r * h);
    const rw = Math.floor(r * w);
    const [y1, y2] = [Math.max(cy - rh, 0), Math.min(cy + rh, h)];
    const [x1, x2] = [Math.max(cx - rw, 0), Math.min(cx + rw, w)];
    box.top[i] = y1;
    box.left[i] = x1;
    box.height[i] = y2 - y1;
    box.width[i] = x2 - x1;
  }
  return { partner, lambda, top: Int32Array.from(box.top), left: Int32Array.from(box.left), height: Int32Array.from(box.height), width: Int32Array.from(box.width) };
}

function run(r: Resolved): MixResult {
  activeBackend().mix(r.batch.data, r.out, r.request, 0, r.batch.n);
  return { batch: batchResult(r.batch, r.result), labels: r.labelsResult };
}

/**
 * One thread's time per byte of the batch, about (a blend of two images), for
 * threadsWorth: sync CPU time per byte of U3 / U1, U2. uint8 was 0.66 (Zen 3,
 * before the vectorized uint8 blend); U3 now takes 0.11–0.14 ns per byte
 * (Zen 4, AVX-512 and AVX2; Zen 3 0.16), so 0.66 split mixups of 0.2 ms.
 */
const MIX_NS_PER_BYTE: NsPerByte = { uint8: 0.11, float32: 0.14 };

async function runAsync(op: string, r: Resolved): Promise<MixResult> {
  const backend = activeBackend();
  const lent = [{ name: 'batch.data', array: r.batch.data, read: true, write: false }, { name: 'out', array: r.out, read: false, write: true, created: r.created }];
  await runAsyncWork(op, backend, lent, {
    units: r.batch.n, align: 1, nsPerUnit: nsPerImage(r.batch.data, r.batch.n, MIX_NS_PER_BYTE), threads: r.threads,
    run: ([src, dst], first, count, async) => (async ? backend.mixAsync(src!, dst!, r.request, first, count) : backend.mix(src!, dst!, r.request, first, count)),
  });
  return { batch: batchResult(r.batch, r.result), labels: r.labelsResult };
}

/**
 * MixUp (Zhang et al. 2018): image i becomes λ_i · x_i + (1 − λ_i) · x_j and
 * its label row likewise, j its partner in the batch, λ_i ~ Beta(α, α); both
 * drawn from sample i's stream 43. Not in place.
 */
export function mixup(batch: Batch, labels: Float32Array, options?: MixupOptions): MixResult {
  return run(resolve('mixup', batch, labels, options, false));
}

export async function mixupAsync(batch: Batch, labels: Float32Array, options?: MixupOptions & AsyncOptions): Promise<MixResult> {
  return runAsync('mixupAsync', resolve('mixup', batch, labels, options, true));
}

/** The partner and λ mixup uses for each image (for records and replay). */
export function mixupParams(batch: Batch, labels: Float32Array, options?: MixupOptions): MixupParams {
  const { partner, lambda } = resolve('mixup', batch, labels, options, false).params;
  return { partner, lambda };
}

/**
 * CutMix (Yun et al. 2019, torchvision v2's box rule): a box of image i's
 * partner j pasted over image i; label row i = λ · y_i + (1 − λ) · y_j with
 * λ = 1 − box area / image area; drawn from sample i's stream 44. Not in place.
 */
export function cutmix(batch: Batch, labels: Float32Array, options?: CutmixOptions): MixResult {
  return run(resolve('cutmix', batch, labels, options, false));
}

export async function cutmixAsync(batch: Batch, labels: Float32Array, options?: CutmixOptions & AsyncOptions): Promise<MixResult> {
  return runAsync('cutmixAsync', resolve('cutmix', batch, labels, options, true));
}

/** The partner, box and λ cutmix uses for each image (for records and replay). */
export function cutmixParams(batch: Batch, labels: Float32Array, options?: CutmixOptions): CutmixParams {
  return resolve('cutmix', batch, labels, options, false).params;
}

/** Internal: the resolved kernel request (tests compare backends on it). */
export function mixPlan(op: 'mixup' | 'cutmix', batch: Batch, labels: Float32Array, options?: CutmixOptions): MixRequest {
  return resolve(op, batch, labels, options, false).request;
}
