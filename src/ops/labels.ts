// Noise on outputs (DESIGN §5): labelSmoothing and flipLabels. Both are a
// few operations per label, so one TypeScript implementation serves both
// backends (an addon call would cost more than the work); flipLabels still
// follows the Philox stream contract, so its draws are reproducible anywhere.
import { uniformFromWord } from '../backends/js/random.js';
import { STREAM } from '../streams.js';

import { perSampleWords, sampleIndex } from './batch.js';
import { elementLength, isTypedArray, integerInRange, invalidParameterError, numberInRange, overlapsPartly, plainView } from '../validate.js';
import { epochOption, RANDOM_OPTION_NAMES, readOptions, seedKey, type RandomOptions } from './common.js';

export interface LabelSmoothingOptions {
  numClasses: number;
  /** In [0, 1]: y · (1 − ε) + ε / K. */
  epsilon: number;
  out?: Float32Array;
}

export type LabelArray = Int32Array | Uint8Array | Uint16Array;

export interface FlipLabelsOptions extends RandomOptions {
  /** Probability in [0, 1] that a label becomes one of the other K − 1 classes (uniformly). */
  p: number;
  numClasses: number;
  out?: LabelArray;
}

function numClassesOption(value: unknown, max = 2 ** 31 - 1): number {
  return integerInRange('numClasses', value, 2, max);
}

/** Classes a label array can hold: a Uint8Array label cannot name class 256. */
function maxClasses(labels: LabelArray): number {
  if (isTypedArray(labels, Uint8Array)) return 2 ** 8;
  if (isTypedArray(labels, Uint16Array)) return 2 ** 16;
  return 2 ** 31 - 1;
}

/** Both ops work element by element, so in place is fine, but a shifted overlap would read results as inputs. */
function checkNoPartialOverlap(out: ArrayBufferView, input: ArrayBufferView, inputName: string): void {
  if (overlapsPartly(out, input)) throw invalidParameterError('out', `${inputName} itself or an array that does not overlap it`, out, 'range');
}

/** y · (1 − ε) + ε / K per element, in float32 (both terms rounded, then the sum). */
export function labelSmoothing(oneHot: Float32Array, options: LabelSmoothingOptions): Float32Array {
  if (!isTypedArray(oneHot, Float32Array)) throw invalidParameterError('oneHot', 'a Float32Array of one-hot rows', oneHot);
  const o = readOptions<LabelSmoothingOptions>('labelSmoothing', options, ['numClasses', 'epsilon', 'out']);
  const k = numClassesOption(o.numClasses);
  const epsilon = numberInRange('epsilon', o.epsilon, 0, 1, 'a number in [0, 1]');
  const length = elementLength(oneHot);
  if (length % k !== 0) throw invalidParameterError('oneHot', `a Float32Array whose length is a multiple of numClasses (${k})`, oneHot, 'range');
  let result: Float32Array = new Float32Array(length);
  if (o.out !== undefined) {
    if (!isTypedArray(o.out, Float32Array)) throw invalidParameterError('out', 'a Float32Array', o.out);
    if (elementLength(o.out) !== length) throw invalidParameterError('out', `a Float32Array of length ${length}`, o.out, 'range');
    checkNoPartialOverlap(o.out, oneHot, 'oneHot');
    result = o.out;
  }
  const x = plainView(Float32Array, oneHot);
  const out = plainView(Float32Array, result);
  const keep = Math.fround(1 - epsilon);
  const spread = Math.fround(epsilon / k);
  for (let i = 0; i < length; i += 1) out[i] = Math.fround(x[i]! * keep) + spread;
  return result;
}

/** The label array's own type (not its `constructor` property, which the caller can change). */
function labelType(labels: LabelArray): typeof Int32Array | typeof Uint8Array | typeof Uint16Array {
  if (isTypedArray(labels, Int32Array)) return Int32Array;
  return isTypedArray(labels, Uint8Array) ? Uint8Array : Uint16Array;
}

/**
 * Symmetric label noise. Label i (dataset index index + i) uses words w0, w1
 * of block (0, index + i, epoch, 42): it flips when U(w0) < p, to class
 * (label + 1 + ⌊U(w1) · (K − 1)⌋) mod K — uniform over the others, never itself.
 */
export function flipLabels<T extends LabelArray>(labels: T, options: FlipLabelsOptions): T {
  if (!(isTypedArray(labels, Int32Array) || isTypedArray(labels, Uint8Array) || isTypedArray(labels, Uint16Array))) {
    throw invalidParameterError('labels', 'an Int32Array, Uint8Array or Uint16Array', labels);
  }
  const o = readOptions<FlipLabelsOptions>('flipLabels', options, [...RANDOM_OPTION_NAMES, 'p', 'numClasses', 'out']);
  const p = numberInRange('p', o.p, 0, 1, 'a number in [0, 1]');
  const k = numClassesOption(o.numClasses, maxClasses(labels));
  const Type = labelType(labels);
  const input = plainView<LabelArray>(Type, labels);
  const length = input.length;
  for (let i = 0; i < length; i += 1) {
    const label = input[i]!;
    if (!(label >= 0 && label < k)) throw invalidParameterError(`labels[${i}]`, `a class in [0, ${k - 1}]`, label, 'range');
  }
  let result = new Type(length) as T;
  if (o.out !== undefined) {
    if (!isTypedArray(o.out, Type as { name: string; prototype: LabelArray })) throw invalidParameterError('out', `a ${Type.name} like labels`, o.out);
    if (elementLength(o.out) !== length) throw invalidParameterError('out', `a ${Type.name} of length ${length}`, o.out, 'range');
    checkNoPartialOverlap(o.out, labels, 'labels');
    result = o.out as T;
  }
  const out = plainView<LabelArray>(Type, result);
  const words = perSampleWords(length, seedKey(o.seed), sampleIndex(o.index, length), epochOption(o.epoch), STREAM.flipLabels);
  for (let i = 0; i < length; i += 1) {
    const label = input[i]!;
    out[i] = uniformFromWord(words[4 * i]!) < p ? (label + 1 + Math.floor(uniformFromWord(words[4 * i + 1]!) * (k - 1))) % k : label;
  }
  return result;
}
