// Image batches (DESIGN §2) and per-image random parameters (DESIGN §3),
// shared by every image op: validation, output allocation, parameter draws.
import { perSampleWords as jsPerSampleWords } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { elementLength, isTypedArray, integerInRange, invalidParameterError, isPlainObject, MAX_TYPED_ARRAY_LENGTH, overlaps, overlapsPartly, plainView } from '../validate.js';
import { readOnce, type SeedKey } from './common.js';

export type Layout = 'NHWC' | 'NCHW';
export type Shape = [n: number, h: number, w: number, c: number];

/** An image batch: `shape` is always [n, h, w, c], whatever the layout. */
export interface Batch<D extends Uint8Array | Float32Array = Uint8Array | Float32Array> {
  data: D;
  shape: Shape;
  /** Default 'NHWC'. */
  layout?: Layout;
}

/** A fixed value, or a [lo, hi] range drawn per image. */
export type Range = number | [number, number];

/** A batch after validation, with everything an op and its kernels need. */
export interface CheckedBatch {
  /** A plain view of the caller's data (see plainView): what the kernels read. */
  data: Uint8Array | Float32Array;
  dtype: 'uint8' | 'float32';
  n: number;
  h: number;
  w: number;
  c: number;
  layout: Layout;
}

/** Largest size of one dimension: the addon takes each as a uint32 (and no array is longer). */
const MAX_DIMENSION = Math.min(MAX_TYPED_ARRAY_LENGTH, 2 ** 32 - 1);

/** A batch's fields, each read once (shape copied), not yet checked. */
export interface BatchFields {
  readonly name: string;
  readonly data: unknown;
  readonly shape: unknown;
  readonly layout: unknown;
}

/**
 * Reads a batch's fields once. Ops read the batch and their options first and
 * check both after, so that no getter runs between the checks and the work
 * (one that detached batch.data after it was checked made js return a batch of
 * the wrong length).
 */
export function readBatch(batch: unknown, name = 'batch'): BatchFields {
  if (!isPlainObject(batch)) throw invalidParameterError(name, 'an object { data, shape, layout? }', batch);
  const { data, shape, layout = 'NHWC' } = batch as { data?: unknown; shape?: unknown; layout?: unknown };
  return { name, data, shape: readOnce(`${name}.shape`, shape), layout };
}

/** Reads and checks a batch (see readBatch for ops that also take options). */
export function checkBatch(batch: unknown, name = 'batch'): CheckedBatch {
  return checkBatchFields(readBatch(batch, name));
}

export function checkBatchFields({ name, data, shape, layout }: BatchFields): CheckedBatch {
  if (!isTypedArray(data, Uint8Array) && !isTypedArray(data, Float32Array)) {
    throw invalidParameterError(`${name}.data`, 'a Uint8Array (or Buffer) or Float32Array', data);
  }
  if (!Array.isArray(shape) || shape.length !== 4) throw invalidParameterError(`${name}.shape`, 'an array [n, h, w, c]', shape);
  const [n, h, w, c] = checkedShape(name, shape);
  // one image must fit in an array even when n = 0 (sizes are computed from it)
  if (h * w * c > MAX_TYPED_ARRAY_LENGTH) throw invalidParameterError(`${name}.shape`, `[n, h, w, c] with h*w*c <= ${MAX_TYPED_ARRAY_LENGTH}`, shape, 'range');
  if (layout !== 'NHWC' && layout !== 'NCHW') throw invalidParameterError(`${name}.layout`, "'NHWC' or 'NCHW'", layout);
  const expected = n * h * w * c;
  if (elementLength(data) !== expected) {
    throw invalidParameterError(`${name}.data`, `a typed array of length n*h*w*c = ${expected}`, data, 'range');
  }
  const uint8 = isTypedArray(data, Uint8Array);
  return { data: uint8 ? plainView(Uint8Array, data) : plainView(Float32Array, data), dtype: uint8 ? 'uint8' : 'float32', n, h, w, c, layout };
}

/** Each dimension an integer in [0 or 1, MAX_DIMENSION]; the error's name (`batch.shape[2]`) is built only when one is not (per-call cost on small images). */
function checkedShape(name: string, shape: readonly unknown[]): Shape {
  const dims: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    const v = shape[i];
    const min = i === 0 ? 0 : 1;
    dims.push(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_DIMENSION ? v : integerInRange(`${name}.shape[${i}]`, v, min, MAX_DIMENSION));
  }
  return dims as Shape;
}

/** Where an op writes: `view` for the kernels, `result` the array the op returns (the caller's `out`, or the same new array). */
export interface OutputArray {
  view: Uint8Array | Float32Array;
  result: Uint8Array | Float32Array;
  /** A new array, not the caller's `out`. */
  created: boolean;
}

/**
 * The output array: `out` if given (same type as the input, and its length
 * unless the op resizes images; the input itself only where the op allows in
 * place, never a partial overlap), else a new one.
 */
export function outputArray(b: CheckedBatch, out: unknown, allowInPlace: boolean, length = b.data.length): OutputArray {
  if (out === undefined) {
    const created = b.dtype === 'uint8' ? new Uint8Array(length) : new Float32Array(length);
    return { view: created, result: created, created: true };
  }
  const Type = b.dtype === 'uint8' ? Uint8Array : Float32Array;
  if (!isTypedArray(out, Type as { name: string; prototype: Uint8Array | Float32Array })) throw invalidParameterError('out', `a ${Type.name} like the batch data`, out);
  if (elementLength(out) !== length) throw invalidParameterError('out', `a ${Type.name} of length ${length}`, out, 'range');
  if (allowInPlace ? overlapsPartly(out, b.data) : overlaps(out, b.data)) {
    const expected = allowInPlace ? 'batch.data itself or an array that does not overlap it' : 'an array that does not overlap batch.data (this op cannot run in place)';
    throw invalidParameterError('out', expected, out, 'range');
  }
  return { view: isTypedArray(out, Uint8Array) ? plainView(Uint8Array, out) : plainView(Float32Array, out as Float32Array), result: out, created: false };
}

export function batchResult(b: CheckedBatch, data: Uint8Array | Float32Array): Batch {
  return { data, shape: [b.n, b.h, b.w, b.c], layout: b.layout };
}

/** Per-sample `index`: the dataset index of the first image; index + n ≤ 2^32. */
export function sampleIndex(index: unknown, n: number): number {
  return index === undefined ? 0 : integerInRange('index', index, 0, 2 ** 32 - Math.max(n, 1));
}

/** `[lo, hi]` from a Range option; `symmetric` makes a number f mean [−f, f] (else [f, f]). */
export function rangeOption(name: string, value: unknown, symmetric: boolean, min = -Infinity, max = Infinity): [number, number] {
  const expected = symmetric ? 'a finite number f >= 0 (meaning [-f, f]) or [lo, hi] with lo <= hi' : `a number or [lo, hi] with lo <= hi, within [${min}, ${max}]`;
  return readRange(name, value, symmetric, min, max, expected);
}

/**
 * The rule behind rangeOption (and the Keras layers' factors), with the
 * caller's wording of what was expected for its error message.
 */
export function readRange(name: string, value: unknown, symmetric: boolean, min: number, max: number, expected: string): [number, number] {
  let lo: unknown;
  let hi: unknown;
  if (typeof value === 'number') {
    // a negative f would be [-f, f] with lo > hi: an error, as in Keras RandomTranslation
    [lo, hi] = symmetric ? [-value, value] : [value, value];
  } else if (Array.isArray(value) && value.length === 2) {
    [lo, hi] = value;
  } else {
    throw invalidParameterError(name, expected, value);
  }
  if (typeof lo !== 'number' || typeof hi !== 'number') throw invalidParameterError(name, expected, value);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi || lo < min || hi > max) throw invalidParameterError(name, expected, value, 'range');
  return [lo, hi];
}

/** Below this many samples the parameter words are drawn in js on every backend (the same words). */
export const SMALL_DRAW = 16;

/**
 * The first Philox block of each image's parameter stream: image k of the
 * batch (dataset index index + k) gets counter (0, index + k, epoch, stream).
 * Four words per image, drawn here once so both backends use the same values
 * (by the addon for a batch: ~10 ns a block against ~50 in js, issue 20).
 * Written to `words` (4·n long) when given: an op may reuse one array.
 */
export function perSampleWords(n: number, key: SeedKey, index: number, epoch: number, stream: number, words: Uint32Array = new Uint32Array(4 * n)): Uint32Array {
  // a handful of blocks is cheaper in js than a call into the addon (one 28×28 image: C3)
  if (n < SMALL_DRAW) jsPerSampleWords(words, key.key0, key.key1, index, epoch, stream);
  else activeBackend().perSampleWords(words, key.key0, key.key1, index, epoch, stream);
  return words;
}
