// Pipeline (issue 6, labels issue 19): ordered augmentation steps, each
// applied to a sample with probability p, with per-sample records of what was
// applied and the parameters drawn, exact replay from records, and JSON
// round trips. A batch may carry labels ({ images, labels }): label steps
// (flipLabels, labelSmoothing, mixup, cutmix) change them.
//
// The ops themselves live in a table (src/pipeline-steps.ts, STEPS): how
// each runs, records, replays. This file is the engine: seeds, p, groups,
// records, replay, JSON. It names no op.
//
// Randomness: step s gets its own seed, the first two words of Philox block
// (s, 0, 0, 64) under the pipeline seed's key; whether step s applies to
// sample i is U(w0) < p for word 0 of block (0, i, epoch, 65) under the step
// seed's key. Every draw depends only on (seed, step, sample index, epoch).
import { philoxBlock, uniformFromWord } from './backends/js/random.js';
import { batchResult, checkBatchFields, perSampleWords, readBatch, sampleIndex, type Batch, type BatchFields } from './ops/batch.js';
import { epochOption, holdBuffer, readOptions, releaseBuffer, seedKey, threadsOption, type AsyncOptions } from './ops/common.js';
import type { GaussianNoiseOptions, SaltAndPepperOptions, SpeckleNoiseOptions, UniformNoiseOptions } from './ops/noise.js';
import type { ShiftOptions } from './ops/shift.js';
import type { FlipOptions } from './ops/flip.js';
import type { AffineOptions } from './ops/affine.js';
import type { GaussianBlurOptions } from './ops/blur.js';
import type { GammaOptions } from './ops/gamma.js';
import type { EraseOptions } from './ops/erase.js';
import type { ResizedCropOptions } from './ops/resized-crop.js';
import type { CropOptions } from './ops/crop.js';
import type { BrightnessOptions, ContrastOptions } from './ops/color.js';
import type { FlipLabelsOptions, LabelSmoothingOptions } from './ops/labels.js';
import type { CutmixOptions, MixupOptions } from './ops/mix.js';
import { STEPS, type PipelineLabels, type PipelineOp, type StepKind, type StepState } from './pipeline-steps.js';
import { integerInRange, invalidParameterError, isArraySafe, isPlainObject, isTypedArray, numberInRange, plainView } from './validate.js';

export type { PipelineLabels, PipelineOp } from './pipeline-steps.js';

export const PIPELINE_STREAM = { stepSeed: 64, applied: 65, choice: 66 } as const;

/** An op's options as a step takes them: without seed, index, epoch, out, labelsOut, threads (the pipeline sets those). */
export type StepOptions<O> = Omit<O, 'seed' | 'index' | 'epoch' | 'out' | 'labelsOut' | 'threads'>;

interface StepOf<K extends PipelineOp, O> {
  op: K;
  options?: StepOptions<O>;
  /** Probability of applying the step to a sample, in [0, 1]; default 1. */
  p?: number;
}

/** One step: an op and its options, typed per op, so a misspelt option is a type error too. */
export type PipelineStep =
  | StepOf<'shift', Omit<ShiftOptions, 'dx' | 'dy'> & { dx?: number; dy?: number }>
  | StepOf<'gaussianNoise', GaussianNoiseOptions>
  | StepOf<'uniformNoise', UniformNoiseOptions>
  | StepOf<'speckleNoise', SpeckleNoiseOptions>
  | StepOf<'saltAndPepper', SaltAndPepperOptions>
  | StepOf<'flip', Omit<FlipOptions, 'horizontal' | 'vertical'> & { horizontal?: boolean; vertical?: boolean }>
  | StepOf<'crop', Omit<CropOptions, 'top' | 'left'> & { top?: number; left?: number }>
  | StepOf<'affine', Omit<AffineOptions, 'matrix'> & { matrix?: number[] }>
  | StepOf<'brightness', BrightnessOptions>
  | StepOf<'contrast', ContrastOptions>
  | StepOf<'gaussianBlur', Omit<GaussianBlurOptions, 'sigmas'>>
  | StepOf<'gamma', Omit<GammaOptions, 'gammas'>>
  | StepOf<'erase', Omit<EraseOptions, 'boxes'>>
  | StepOf<'resizedCrop', Omit<ResizedCropOptions, 'boxes'>>
  | StepOf<'flipLabels', FlipLabelsOptions>
  | StepOf<'labelSmoothing', LabelSmoothingOptions>
  | StepOf<'mixup', Omit<MixupOptions, 'lambda' | 'partner'> & { lambda?: number }>
  | StepOf<'cutmix', Omit<CutmixOptions, 'lambda' | 'partner' | 'box'> & { lambda?: number }>
  | OneOfStep
  | SomeOfStep;

/** A group of steps (oneOf, someOf): its own drawn choice of which of its steps apply to a sample. */
export type GroupOp = 'oneOf' | 'someOf';

/** oneOf: per sample (with probability p), one of `steps`, chosen by `weights` (default equal); the chosen step's own p still applies. */
export interface OneOfStep {
  op: 'oneOf';
  options: { steps: PipelineStep[]; weights?: number[] };
  p?: number;
}

/** someOf: per sample (with probability p), k distinct steps of `steps`, each subset equally likely, applied in their listed order. */
export interface SomeOfStep {
  op: 'someOf';
  options: { k: number; steps: PipelineStep[] };
  p?: number;
}

/** A oneOf group step: `new Pipeline([oneOf([a, b, c], { p: 0.8, weights: [2, 1, 1] }), …])`. */
export function oneOf(steps: PipelineStep[], options?: { p?: number; weights?: number[] }): OneOfStep {
  const o = options ?? {};
  return { op: 'oneOf', options: { steps, ...(o.weights === undefined ? {} : { weights: o.weights }) }, ...(o.p === undefined ? {} : { p: o.p }) };
}

/** A someOf group step: `new Pipeline([someOf(2, [a, b, c]), …])`. */
export function someOf(k: number, steps: PipelineStep[], options?: { p?: number }): SomeOfStep {
  return { op: 'someOf', options: { k, steps }, ...(options?.p === undefined ? {} : { p: options.p }) };
}

function isGroupOp(op: unknown): op is GroupOp {
  return op === 'oneOf' || op === 'someOf';
}

/** A checked group: its steps (checked as pipeline steps), and the choice rule. */
interface ResolvedGroup {
  readonly steps: ReadonlyArray<ResolvedStep>;
  /** oneOf: cumulative weights (float64), the last one the total. */
  readonly cumulative?: number[];
  /** someOf: how many steps each sample gets. */
  readonly k?: number;
}

/** A checked step as the pipeline keeps it (frozen). */
export interface ResolvedStep {
  readonly op: PipelineOp | GroupOp;
  readonly options: Readonly<Record<string, unknown>>;
  readonly p: number;
}

export interface StepRecord {
  op: PipelineOp | GroupOp;
  /** For a group: whether the group applied to the sample (its p); its steps' records say which of them did. */
  applied: boolean;
  /**
   * What the op drew for this sample: shift {dx, dy} in pixels; noise {std} or salt-and-pepper thresholds; flip
   * {horizontal, vertical} as 0 or 1; crop {top, left}; brightness {factor, delta}; contrast {factor}; gaussianBlur
   * {sigma, radius}; gamma {gamma}; erase {erased (0 or 1), and for each box j < count: topj, leftj, heightj,
   * widthj}; resizedCrop {top, left, height, width} (the box); affine {rotation, zoomX, zoomY, shear, dx, dy} when drawn and always its matrix {m0, …, m5};
   * flipLabels {flipped (0 or 1), label (the class after the step)}; labelSmoothing {} (nothing drawn); mixup
   * {partner (batch position), partnerIndex (its dataset index), lambda}; cutmix the same and the box {top, left,
   * height, width}.
   */
  params: Record<string, number>;
  /**
   * The params whose value is −0, by name (absent when none): JSON writes −0 as 0, so a record keeps such a
   * param as 0 in params and names it here, and replay reads it back as −0. The record is then plain JSON data:
   * `JSON.parse(JSON.stringify(record))` is the same record, and its replay the same bytes (a −0 delta or
   * factor turns a −0 pixel into −0, +0 into +0). Records written before this field replay as before.
   */
  negativeZero?: string[];
  /** A group's records of its own steps (applied: chosen, the group applied, and the step's own p drawn true); params: oneOf {choice}, someOf {choice0, …} ascending. */
  steps?: StepRecord[];
}

export interface SampleRecord {
  index: number;
  epoch: number;
  steps: StepRecord[];
}

/** Options of Pipeline.run: sample k of the batch is dataset index index + k. */
export interface RunOptions {
  index?: number;
  epoch?: number;
  /** Return per-sample records of what was applied and drawn. */
  record?: boolean;
}

/** A batch with labels: integer classes (Int32Array, Uint8Array, Uint16Array; one per image) or a Float32Array of n rows (one-hot or soft). */
export interface LabelledBatch<L extends PipelineLabels = PipelineLabels> {
  images: Batch;
  labels: L;
}

/** What a run on a LabelledBatch returns: new images and labels (never the caller's arrays). */
export interface LabelledResult<L extends PipelineLabels = PipelineLabels> extends LabelledBatch<L> {
  records?: SampleRecord[];
}

export interface PipelineJSON {
  seed: string;
  /** Options as given, except numbers JSON cannot write (-0, ±Infinity, NaN), written as the strings '-0', 'Infinity', '-Infinity', 'NaN' (fromJSON reads them back). */
  steps: Array<{ op: PipelineOp | GroupOp; options: Record<string, unknown>; p: number }>;
}

const RESERVED = ['seed', 'index', 'epoch', 'out', 'labelsOut', 'threads'];

/** Freezes a value and everything in it (typed arrays cannot be frozen: options never need them mutable, and they are copies). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** An op's error, its message prefixed with where it happened (`steps[1]`, `records[0].steps[1]`) and the op. */
function stepError(where: string, op: string, error: unknown): Error {
  const message = `${where} (${op}): ${error instanceof Error ? error.message : String(error)}`;
  return error instanceof RangeError ? new RangeError(message) : new TypeError(message);
}

// ---- JSON: numbers that JSON text cannot hold ---------------------------------

/** JSON writes -0 as 0 and ±Infinity, NaN as null: toJSON writes these strings instead, and fromJSON reads them back. No option takes them as strings. */
const SPECIAL_NUMBERS: Readonly<Record<string, number>> = { '-0': -0, Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

function encodeNumbers(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(encodeNumbers);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeNumbers(v)]));
  return value;
}

function decodeNumbers(value: unknown): unknown {
  if (typeof value === 'string' && Object.hasOwn(SPECIAL_NUMBERS, value)) return SPECIAL_NUMBERS[value];
  if (Array.isArray(value)) return value.map(decodeNumbers);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeNumbers(v)]));
  return value;
}

/** A step's record as JSON can hold it: a param of -0 written 0 and named in negativeZero (see StepRecord). */
function stepRecord(op: PipelineOp, applied: boolean, drawn: Record<string, number>): StepRecord {
  const negativeZero = Object.keys(drawn).filter((name) => Object.is(drawn[name], -0));
  if (negativeZero.length === 0) return { op, applied, params: drawn };
  const params = { ...drawn };
  for (const name of negativeZero) params[name] = 0;
  return { op, applied, params, negativeZero };
}

/** Gives the params a record names in negativeZero their -0 back (in place, on replay's own copy); checks the names. */
function restoreNegativeZeros(at: string, record: Record<string, unknown>, params: Record<string, unknown>): void {
  const names = record.negativeZero;
  if (names === undefined) return;
  const expected = 'names of params whose value is 0 (the params that were -0)';
  if (!Array.isArray(names)) throw invalidParameterError(`${at}.negativeZero`, expected, names);
  names.forEach((name: unknown, j) => {
    if (typeof name !== 'string' || !Object.hasOwn(params, name) || params[name] !== 0) throw invalidParameterError(`${at}.negativeZero[${j}]`, expected, name, typeof name === 'string' ? 'range' : 'type');
    params[name] = -0;
  });
}

// ---- labels -----------------------------------------------------------------

const LABEL_TYPES = { classes: 'integer class labels (an Int32Array, Uint8Array or Uint16Array of one class per image)', rows: 'label rows (a Float32Array of n × K class weights, one-hot or soft)' } as const;

function isClassLabels(labels: unknown): labels is Int32Array | Uint8Array | Uint16Array {
  return isTypedArray(labels, Int32Array) || isTypedArray(labels, Uint8Array) || isTypedArray(labels, Uint16Array);
}

/** The caller's labels checked against the batch's n, as a copy of the pipeline's own. */
function copyLabels(labels: unknown, n: number): PipelineLabels {
  if (isTypedArray(labels, Float32Array)) {
    const rows = plainView(Float32Array, labels);
    if (n === 0 ? rows.length !== 0 : rows.length === 0 || rows.length % n !== 0) throw invalidParameterError('labels', `a Float32Array of n × K values (n = ${n} images, K >= 1 classes)`, labels, 'range');
    return new Float32Array(rows);
  }
  if (isClassLabels(labels)) {
    const Type = isTypedArray(labels, Int32Array) ? Int32Array : isTypedArray(labels, Uint8Array) ? Uint8Array : Uint16Array;
    const classes = plainView<Int32Array | Uint8Array | Uint16Array>(Type, labels);
    if (classes.length !== n) throw invalidParameterError('labels', `an ${Type.name} of ${n} classes (one per image)`, labels, 'range');
    return new Type(classes);
  }
  throw invalidParameterError('labels', `${LABEL_TYPES.rows} or ${LABEL_TYPES.classes}`, labels);
}

/** Per image: its share of the labels (one class, or one row). */
function labelsPerSample(labels: PipelineLabels, n: number): number {
  return n === 0 ? 0 : labels.length / n;
}

// ---- input ------------------------------------------------------------------

interface Input {
  fields: BatchFields;
  labelled: boolean;
  labels?: unknown;
}

/** A batch, or { images, labels }: read once, not yet checked. */
function readInput(input: unknown): Input {
  if (isPlainObject(input) && Object.hasOwn(input, 'images')) {
    const extra = Object.keys(input).find((k) => k !== 'images' && k !== 'labels');
    if (extra) throw new TypeError(`Unknown field '${extra}' in batch; expected an image batch { data, shape, layout? } or { images, labels }`);
    const { images, labels } = input;
    return { fields: readBatch(images, 'images'), labelled: true, labels };
  }
  return { fields: readBatch(input), labelled: false };
}

export class Pipeline {
  readonly steps: ReadonlyArray<ResolvedStep>;
  readonly seed: bigint;
  private readonly stepSeeds: bigint[];
  /** Per step: a group's checked steps and their seeds (undefined for an op step). */
  private readonly groups: Array<(ResolvedGroup & { seeds: bigint[] }) | undefined>;

  constructor(steps: PipelineStep[], options?: { seed?: number | bigint }) {
    if (!isArraySafe(steps)) throw invalidParameterError('steps', 'an array of { op, options?, p? }', steps);
    if (options !== undefined && !isPlainObject(options)) throw invalidParameterError('Pipeline options', 'an object { seed? }', options);
    const unknown = Object.keys(options ?? {}).find((k) => k !== 'seed');
    if (unknown) throw new TypeError(`Unknown option '${unknown}' for Pipeline; expected one of: seed`);
    const key = seedKey(options?.seed);
    this.seed = BigInt(key.key0) + (BigInt(key.key1) << 32n);
    this.steps = Object.freeze(steps.map((step, position) => Pipeline.checkStep(step, position)));
    const words = new Uint32Array(4);
    this.stepSeeds = this.steps.map((_, position) => {
      philoxBlock(position, 0, 0, PIPELINE_STREAM.stepSeed, key.key0, key.key1, words);
      return BigInt(words[0]!) + (BigInt(words[1]!) << 32n);
    });
    // step j of a group at `position` seeds from block (position, 1 + j, 0, 64): the group's own is (position, 0, 0, 64)
    this.groups = this.steps.map((step, position) => {
      if (!isGroupOp(step.op)) return undefined;
      const group = Pipeline.checkGroup(step.options, position, step.op);
      const seeds = group.steps.map((_, j) => {
        philoxBlock(position, 1 + j, 0, PIPELINE_STREAM.stepSeed, key.key0, key.key1, words);
        return BigInt(words[0]!) + (BigInt(words[1]!) << 32n);
      });
      return { ...group, seeds };
    });
    this.checkLabelKinds();
  }

  /** Every op step with where it is (`steps[2]`, `steps[1].options.steps[0]`). */
  private opSteps(): Array<{ at: string; op: PipelineOp }> {
    return this.steps.flatMap((step, position) => isGroupOp(step.op)
      ? this.groups[position]!.steps.map((s, j) => ({ at: `steps[${position}].options.steps[${j}]`, op: s.op as PipelineOp }))
      : [{ at: `steps[${position}]`, op: step.op }]);
  }

  /** No batch has both integer class labels and label rows: a pipeline that needs both could never run. */
  private checkLabelKinds(): void {
    const steps = this.opSteps();
    const classes = steps.find((s) => STEPS[s.op].labels === 'classes');
    const rows = steps.find((s) => STEPS[s.op].labels === 'rows');
    if (classes && rows) {
      throw new TypeError(`${classes.at} (${classes.op}) takes ${LABEL_TYPES.classes} and ${rows.at} (${rows.op}) takes ${LABEL_TYPES.rows}: one pipeline runs on one kind of labels`);
    }
  }

  /** The labels the pipeline's steps need: integer classes, Float32Array rows, or none (undefined). */
  needsLabels(): 'classes' | 'rows' | undefined {
    const kinds = this.opSteps().map((s) => STEPS[s.op].labels);
    return kinds.includes('classes') ? 'classes' : kinds.includes('rows') ? 'rows' : undefined;
  }

  /** The labels every label step needs are there, of its kind: before any work. */
  private checkLabelsFor(labels: PipelineLabels | undefined): void {
    for (const { at, op } of this.opSteps()) {
      const needs = STEPS[op].labels;
      if (needs === 'none') continue;
      if (labels === undefined) throw new TypeError(`${at} (${op}) needs labels: expected ${LABEL_TYPES[needs]} for labels; run the pipeline on { images, labels }`);
      if ((needs === 'rows') !== (labels instanceof Float32Array)) throw invalidParameterError('labels', `${LABEL_TYPES[needs]}, as ${at} (${op}) takes`, labels);
    }
  }

  /**
   * A group's options checked: { steps, weights? } for oneOf, { k, steps } for
   * someOf; its steps are op steps (no nested groups, no step whose kind says
   * notInGroup: crop, which would change the size of only the samples that
   * chose it).
   */
  private static checkGroup(options: Readonly<Record<string, unknown>>, position: number, op: GroupOp): ResolvedGroup {
    const at = `steps[${position}].options`;
    const names = op === 'oneOf' ? ['steps', 'weights'] : ['k', 'steps'];
    const extra = Object.keys(options).find((k) => !names.includes(k));
    if (extra) throw new TypeError(`Unknown option '${extra}' for ${at} (${op}); expected one of: ${names.join(', ')}`);
    const steps = options.steps;
    if (!Array.isArray(steps) || steps.length === 0) throw invalidParameterError(`${at}.steps`, 'a non-empty array of pipeline steps', steps);
    const checked = steps.map((child, j) => {
      if (isPlainObject(child) && isGroupOp(child.op)) throw invalidParameterError(`${at}.steps[${j}].op`, `an op (groups do not nest)`, child.op, 'range');
      const notInGroup = isPlainObject(child) && typeof child.op === 'string' && Object.hasOwn(STEPS, child.op) ? (STEPS[child.op as PipelineOp] as StepKind).notInGroup : undefined;
      if (notInGroup) throw invalidParameterError(`${at}.steps[${j}].op`, `an op other than ${child.op as string} (${notInGroup})`, child.op, 'range');
      try {
        return Pipeline.checkStep(child, j);
      } catch (error) {
        (error as Error).message = (error as Error).message.replace(/^steps\[/, `${at}.steps[`).replace(/ for steps\[/, ` for ${at}.steps[`);
        throw error;
      }
    });
    if (op === 'someOf') {
      const k = integerInRange(`${at}.k`, options.k, 0, steps.length);
      return { steps: checked, k };
    }
    const weights = options.weights === undefined ? steps.map(() => 1) : options.weights;
    if (!Array.isArray(weights) || weights.length !== steps.length) throw invalidParameterError(`${at}.weights`, `an array of ${steps.length} numbers >= 0 (one per step)`, weights);
    let total = 0;
    const cumulative = weights.map((w, j) => {
      total += numberInRange(`${at}.weights[${j}]`, w, 0, Number.MAX_VALUE, 'a finite number >= 0');
      return total;
    });
    if (!(total > 0) || !Number.isFinite(total)) throw invalidParameterError(`${at}.weights`, 'weights with a finite sum > 0', weights, 'range');
    return { steps: checked, cumulative };
  }

  /**
   * Per sample, which of a group's steps it chose: words of block
   * (b, index + i, epoch, 66) under the group's step seed, word t being word
   * t mod 4 of block b = ⌊t / 4⌋. oneOf: the first j with U(w0) · total <
   * cumulative[j] (float64). someOf: a partial Fisher–Yates shuffle of
   * 0 … m−1: for t = 0 … k−1, swap t with t + ⌊U(word t) · (m − t)⌋; the first
   * k are chosen.
   */
  private groupChoices(position: number, n: number, index: number, epoch: number): Uint8Array[] {
    const group = this.groups[position]!;
    const m = group.steps.length;
    const { key0, key1 } = seedKey(this.stepSeeds[position]);
    const chosen = Array.from({ length: n }, () => new Uint8Array(m));
    const words = new Uint32Array(4);
    for (let i = 0; i < n; i += 1) {
      if (group.cumulative) {
        philoxBlock(0, index + i, epoch, PIPELINE_STREAM.choice, key0, key1, words);
        const u = uniformFromWord(words[0]!) * group.cumulative[m - 1]!;
        let j = group.cumulative.findIndex((c) => u < c);
        if (j < 0) j = m - 1;
        chosen[i]![j] = 1;
        continue;
      }
      const order = Array.from({ length: m }, (_, j) => j);
      for (let t = 0; t < group.k!; t += 1) {
        if (t % 4 === 0) philoxBlock(t / 4, index + i, epoch, PIPELINE_STREAM.choice, key0, key1, words);
        const r = t + Math.floor(uniformFromWord(words[t % 4]!) * (m - t));
        [order[t], order[r]] = [order[r]!, order[t]!];
        chosen[i]![order[t]!] = 1;
      }
    }
    return chosen;
  }

  /** Which samples a step with probability p and seed `seed` applies to. */
  private static maskFor(p: number, seed: bigint, n: number, index: number, epoch: number): Uint8Array {
    if (p === 1) return new Uint8Array(n).fill(1);
    const words = perSampleWords(n, seedKey(seed), index, epoch, PIPELINE_STREAM.applied);
    return Uint8Array.from({ length: n }, (_, i) => (uniformFromWord(words[4 * i]!) < p ? 1 : 0));
  }

  /**
   * A group's steps as the run applies them to a batch: each step's options
   * (its seed, index, epoch) and the samples it applies to (the group applied,
   * the sample chose it, and the step's own p drew true); with `records`, adds
   * the group's record (its own params, its steps' records to fill) to each sample's.
   */
  private groupPlan(position: number, n: number, index: number, epoch: number, records?: SampleRecord[]): Array<{ op: PipelineOp; options: Record<string, unknown>; mask: Uint8Array }> {
    const group = this.groups[position]!;
    const groupMask = Pipeline.maskFor(this.steps[position]!.p, this.stepSeeds[position]!, n, index, epoch);
    const chosen = this.groupChoices(position, n, index, epoch);
    const plan = group.steps.map((step, j) => {
      const options = { ...step.options, seed: group.seeds[j], index, epoch };
      const own = Pipeline.maskFor(step.p, group.seeds[j]!, n, index, epoch);
      const mask = Uint8Array.from({ length: n }, (_, i) => groupMask[i]! & chosen[i]![j]! & own[i]!);
      return { op: step.op as PipelineOp, options, mask };
    });
    records?.forEach((r, i) => {
      const picks = [...chosen[i]!.entries()].filter(([, c]) => c === 1).map(([j]) => j);
      const params: Record<string, number> = group.cumulative ? { choice: picks[0]! } : Object.fromEntries(picks.map((j, t) => [`choice${t}`, j]));
      r.steps.push({ op: this.steps[position]!.op, applied: groupMask[i] === 1, params, steps: [] });
    });
    return plan;
  }

  /** Samples a step does not apply to keep their input (images and labels). */
  private static keepUnapplied(input: StepState, output: StepState, mask: Uint8Array): void {
    const n = input.images.shape[0];
    const per = input.images.data.length / Math.max(1, n);
    const labelsPer = input.labels === undefined ? 0 : labelsPerSample(input.labels, n);
    for (let i = 0; i < mask.length; i += 1) {
      if (mask[i]) continue;
      if (output.images.data !== input.images.data) output.images.data.set(input.images.data.subarray(i * per, (i + 1) * per), i * per);
      if (output.labels !== input.labels) output.labels!.set(input.labels!.subarray(i * labelsPer, (i + 1) * labelsPer) as never, i * labelsPer);
    }
  }

  /**
   * Runs one op step over the batch (records first), keeping unapplied
   * samples. A top-level step runs even where no sample applies it, so that
   * its data-dependent checks (a uint8 clip) do not depend on the draws; a
   * group's step that no sample chose is skipped.
   */
  private static applyStep(at: string, op: PipelineOp, current: StepState, options: Record<string, unknown>, mask: Uint8Array, record: Array<StepRecord[]> | undefined, inGroup = false): StepState {
    const skip = inGroup && !mask.includes(1);
    if (record === undefined && skip) return current;
    let next: StepState;
    try {
      if (record) {
        const params = STEPS[op].record(current, options);
        record.forEach((r, i) => r.push(stepRecord(op, mask[i] === 1, params[i]!)));
      }
      next = skip ? current : STEPS[op].run(current, options);
    } catch (error) {
      throw stepError(at, op, error);
    }
    if (next !== current) Pipeline.keepUnapplied(current, next, mask);
    return next;
  }

  private static async applyStepAsync(at: string, op: PipelineOp, current: StepState, options: Record<string, unknown>, threads: number | undefined, mask: Uint8Array, record: Array<StepRecord[]> | undefined, inGroup = false): Promise<StepState> {
    const skip = inGroup && !mask.includes(1);
    if (record === undefined && skip) return current;
    let next: StepState;
    try {
      if (record) {
        const params = STEPS[op].record(current, options);
        record.forEach((r, i) => r.push(stepRecord(op, mask[i] === 1, params[i]!)));
      }
      next = skip ? current : await STEPS[op].runAsync(current, { ...options, ...(threads ? { threads } : {}) });
    } catch (error) {
      throw stepError(at, op, error);
    }
    if (next === current) return current;
    Pipeline.keepUnapplied(current, next, mask);
    // a step's new images are the next step's input, out of the caller's reach: no staging copy for them
    if (next.images.data !== current.images.data) holdBuffer(next.images.data.buffer);
    return next;
  }

  private resolve(input: unknown, options: unknown, isAsync: boolean): { state: StepState; labelled: boolean; index: number; epoch: number; record: boolean; threads?: number } {
    const read = readInput(input);
    // undefined means no options; null, like any other non-object, is an error (as for every op)
    const method = isAsync ? 'Pipeline.runAsync' : 'Pipeline.run';
    if (options !== undefined && !isPlainObject(options)) throw invalidParameterError(`${method} options`, 'an object { index?, epoch?, record? }', options);
    // threads only where there is a pool to use: on run it would do nothing
    const allowed = isAsync ? ['index', 'epoch', 'record', 'threads'] : ['index', 'epoch', 'record'];
    // read once, like the batch, before either is checked
    const o = readOptions<{ index: unknown; epoch: unknown; record: unknown; threads: unknown }>(method, options, allowed);
    const checked = checkBatchFields(read.fields);
    const labels = read.labelled ? copyLabels(read.labels, checked.n) : undefined;
    this.checkLabelsFor(labels);
    if (o.record !== undefined && typeof o.record !== 'boolean') throw invalidParameterError('record', 'a boolean', o.record);
    return {
      state: { images: batchResult(checked, checked.data), labels },
      labelled: read.labelled,
      index: sampleIndex(o.index, checked.n),
      epoch: epochOption(o.epoch),
      record: o.record === true,
      threads: o.threads === undefined ? undefined : threadsOption(o.threads),
    };
  }

  /** The result: new arrays only (a run whose steps left the images alone still returns a copy). */
  private static result(input: StepState, state: StepState, labelled: boolean, records: SampleRecord[] | undefined): Batch | LabelledResult {
    const images = state.images.data === input.images.data ? { ...state.images, data: input.images.data.slice() } : state.images;
    const extra = records ? { records } : {};
    return labelled ? { images, labels: state.labels!, ...extra } : { ...images, ...extra };
  }

  /**
   * Applies the steps in order. Sample k of the batch is dataset index
   * index + k. With `record: true` the result carries `records`. A batch
   * { images, labels } returns { images, labels, records? }.
   */
  run<L extends PipelineLabels>(batch: LabelledBatch<L>, options: RunOptions & { record: true }): LabelledResult<L> & { records: SampleRecord[] };
  run<L extends PipelineLabels>(batch: LabelledBatch<L>, options?: RunOptions): LabelledResult<L>;
  run(batch: Batch, options: RunOptions & { record: true }): Batch & { records: SampleRecord[] };
  run(batch: Batch, options?: RunOptions): Batch & { records?: SampleRecord[] };
  run(batch: Batch | LabelledBatch, options?: RunOptions): (Batch & { records?: SampleRecord[] }) | LabelledResult {
    const { state, labelled, index, epoch, record } = this.resolve(batch, options, false);
    const n = state.images.shape[0];
    const records = record ? this.emptyRecords(n, index, epoch) : undefined;
    let current = state;
    this.steps.forEach((step, position) => {
      if (isGroupOp(step.op)) {
        const plan = this.groupPlan(position, n, index, epoch, records);
        const groupRecords = records?.map((r) => r.steps[position]!.steps!);
        plan.forEach((s, j) => {
          current = Pipeline.applyStep(`steps[${position}].options.steps[${j}]`, s.op, current, s.options, s.mask, groupRecords, true);
        });
        return;
      }
      const options = { ...step.options, seed: this.stepSeeds[position], index, epoch };
      const mask = Pipeline.maskFor(step.p, this.stepSeeds[position]!, n, index, epoch);
      current = Pipeline.applyStep(`steps[${position}]`, step.op, current, options, mask, records?.map((r) => r.steps));
    });
    return Pipeline.result(state, current, labelled, records) as Batch;
  }

  /** run on the libuv thread pool (each step's …Async op; label-only steps run on the calling thread); the same bytes. */
  runAsync<L extends PipelineLabels>(batch: LabelledBatch<L>, options: RunOptions & AsyncOptions & { record: true }): Promise<LabelledResult<L> & { records: SampleRecord[] }>;
  runAsync<L extends PipelineLabels>(batch: LabelledBatch<L>, options?: RunOptions & AsyncOptions): Promise<LabelledResult<L>>;
  runAsync(batch: Batch, options: RunOptions & AsyncOptions & { record: true }): Promise<Batch & { records: SampleRecord[] }>;
  runAsync(batch: Batch, options?: RunOptions & AsyncOptions): Promise<Batch & { records?: SampleRecord[] }>;
  async runAsync(batch: Batch | LabelledBatch, options?: RunOptions & AsyncOptions): Promise<(Batch & { records?: SampleRecord[] }) | LabelledResult> {
    const { state, labelled, index, epoch, record, threads } = this.resolve(batch, options, true);
    const n = state.images.shape[0];
    const records = record ? this.emptyRecords(n, index, epoch) : undefined;
    let current = state;
    for (const [position, step] of this.steps.entries()) {
      if (isGroupOp(step.op)) {
        const plan = this.groupPlan(position, n, index, epoch, records);
        const groupRecords = records?.map((r) => r.steps[position]!.steps!);
        for (const [j, s] of plan.entries()) {
          current = await Pipeline.applyStepAsync(`steps[${position}].options.steps[${j}]`, s.op, current, s.options, threads, s.mask, groupRecords, true);
        }
        continue;
      }
      const options = { ...step.options, seed: this.stepSeeds[position], index, epoch };
      const mask = Pipeline.maskFor(step.p, this.stepSeeds[position]!, n, index, epoch);
      current = await Pipeline.applyStepAsync(`steps[${position}]`, step.op, current, options, threads, mask, records?.map((r) => r.steps));
    }
    releaseBuffer(current.images.data.buffer);
    return Pipeline.result(state, current, labelled, records) as Batch;
  }

  private emptyRecords(n: number, index: number, epoch: number): SampleRecord[] {
    return Array.from({ length: n }, (_, i) => ({ index: index + i, epoch, steps: [] }));
  }

  /**
   * Reproduces a run from its records: sample k is redone from records[k]
   * (its dataset index, epoch, which steps applied, and the recorded
   * parameters), step by step over the batch. Samples need not be
   * consecutive; a mixup or cutmix step also needs the sample's partner
   * (found by its dataset index, params.partnerIndex) in the batch.
   * A batch { images, labels } returns { images, labels }.
   */
  replay<L extends PipelineLabels>(batch: LabelledBatch<L>, records: SampleRecord[]): LabelledBatch<L>;
  replay(batch: Batch, records: SampleRecord[]): Batch;
  replay(batch: Batch | LabelledBatch, records: SampleRecord[]): Batch | LabelledBatch {
    const read = readInput(batch);
    // records are read once, whole, before anything is checked (a getter in them could otherwise detach batch.data after its check)
    let copied: unknown;
    try {
      copied = structuredClone(records);
    } catch (error) {
      throw invalidParameterError('records', `sample records of plain data, which replay copies (${error instanceof Error ? error.message : String(error)})`, records);
    }
    const b = checkBatchFields(read.fields);
    const labels = read.labelled ? copyLabels(read.labels, b.n) : undefined;
    this.checkLabelsFor(labels);
    if (!Array.isArray(copied) || copied.length !== b.n) throw invalidParameterError('records', `${b.n} sample records (one per image)`, records);
    const samples = (copied as unknown[]).map((r, k) => {
      if (!isPlainObject(r) || !Array.isArray(r.steps) || r.steps.length !== this.steps.length) {
        throw invalidParameterError(`records[${k}]`, `a record of ${this.steps.length} steps from this pipeline`, r);
      }
      return { index: integerInRange(`records[${k}].index`, r.index, 0, 2 ** 32 - 1), epoch: integerInRange(`records[${k}].epoch`, r.epoch, 0, 2 ** 32 - 1), steps: r.steps as unknown[] };
    });
    const per = b.h * b.w * b.c;
    const labelsPer = labels === undefined ? 0 : labelsPerSample(labels, b.n);
    let states: StepState[] = samples.map((_, k) => ({
      images: { data: b.data.subarray(k * per, (k + 1) * per), shape: [1, b.h, b.w, b.c], layout: b.layout },
      labels: labels?.subarray(k * labelsPer, (k + 1) * labelsPer),
    }));
    const find = new Map(samples.map((s, k) => [`${s.epoch}:${s.index}`, k]));
    this.steps.forEach((step, position) => {
      if (!isGroupOp(step.op)) {
        states = this.replayStep(step, this.stepSeeds[position]!, states, samples, find, (k) => [`records[${k}].steps[${position}]`, samples[k]!.steps[position]]);
        return;
      }
      const group = this.groups[position]!;
      const groupRecords = samples.map((s, k) => this.checkGroupRecord(`records[${k}].steps[${position}]`, position, s.steps[position]));
      group.steps.forEach((child, j) => {
        states = this.replayStep(child, group.seeds[j]!, states, samples, find, (k) => [`records[${k}].steps[${position}].steps[${j}]`, groupRecords[k]![j]]);
      });
    });
    // crop steps change the image size: every image ends at the same one
    const [outH, outW] = this.steps.reduce<[number, number]>((size, s) => (isGroupOp(s.op) ? size : (STEPS[s.op] as StepKind).outputSize?.(s.options) ?? size), [b.h, b.w]);
    const outPer = outH * outW * b.c;
    const out = b.dtype === 'uint8' ? new Uint8Array(b.n * outPer) : new Float32Array(b.n * outPer);
    states.forEach((s, k) => out.set(s.images.data, k * outPer));
    const images: Batch = { data: out, shape: [b.n, outH, outW, b.c], layout: b.layout };
    if (labels === undefined) return images;
    const labelsOut = new (labels.constructor as new (n: number) => PipelineLabels)(labels.length);
    states.forEach((s, k) => labelsOut.set(s.labels! as never, k * labelsPer));
    return { images, labels: labelsOut };
  }

  /** replay of one op step over every sample: each from its record, a mixing step with its partner's state before the step. */
  private replayStep(step: ResolvedStep, seed: bigint, states: StepState[], samples: Array<{ index: number; epoch: number }>, find: Map<string, number>, recordOf: (k: number) => [string, unknown]): StepState[] {
    const op = step.op as PipelineOp;
    const kind: StepKind = STEPS[op];
    return states.map((own, k) => {
      const [at, record] = recordOf(k);
      const s = Pipeline.checkStepRecord(at, record, op);
      if (!s.applied) return own;
      const options: Record<string, unknown> = { ...step.options, seed, index: samples[k]!.index, epoch: samples[k]!.epoch };
      try {
        if (kind.replayMix) {
          const j = find.get(`${samples[k]!.epoch}:${s.params.partnerIndex}`);
          if (j === undefined) {
            throw invalidParameterError(`params.partnerIndex`, `the dataset index of a sample in the replayed batch (the sample mixes with its partner: replay needs the partner's image and record too)`, s.params.partnerIndex, 'range');
          }
          return kind.replayMix(own, j === k ? undefined : states[j], options, s.params);
        }
        return kind.run(own, kind.replayOptions ? kind.replayOptions(options, s.params) : options);
      } catch (error) {
        throw stepError(at, op, error);
      }
    });
  }

  /** A group's record for one sample, as replay needs it: its steps' records. */
  private checkGroupRecord(at: string, position: number, s: unknown): unknown[] {
    const group = this.groups[position]!;
    const op = this.steps[position]!.op;
    if (!isPlainObject(s)) throw invalidParameterError(at, '{ op, applied, params, steps }', s);
    if (s.op !== op) throw invalidParameterError(`${at}.op`, `'${op}'`, s.op);
    if (typeof s.applied !== 'boolean') throw invalidParameterError(`${at}.applied`, 'a boolean', s.applied);
    const records: unknown = s.steps;
    if (!Array.isArray(records) || records.length !== group.steps.length) throw invalidParameterError(`${at}.steps`, `the records of the group's ${group.steps.length} steps`, records);
    return records;
  }

  /** One step of a sample record, as replay needs it: the step's op, whether it applied, and what the step's kind checks of its params. */
  private static checkStepRecord(at: string, s: unknown, op: PipelineOp): StepRecord {
    if (!isPlainObject(s)) throw invalidParameterError(at, '{ op, applied, params }', s);
    if (s.op !== op) throw invalidParameterError(`${at}.op`, `'${op}'`, s.op);
    if (typeof s.applied !== 'boolean') throw invalidParameterError(`${at}.applied`, 'a boolean', s.applied);
    if (!isPlainObject(s.params)) throw invalidParameterError(`${at}.params`, 'an object', s.params);
    restoreNegativeZeros(at, s, s.params);
    (STEPS[op] as StepKind).checkRecord?.(at, s.params, s.applied);
    return s as unknown as StepRecord;
  }

  private static checkStep(step: unknown, position: number): ResolvedStep {
    if (!isPlainObject(step)) throw invalidParameterError(`steps[${position}]`, 'an object { op, options?, p? }', step);
    const extra = Object.keys(step).find((k) => !['op', 'options', 'p'].includes(k));
    if (extra) throw new TypeError(`Unknown option '${extra}' for steps[${position}]; expected one of: op, options, p`);
    const op = step.op;
    if (isGroupOp(op)) return Pipeline.checkGroupStep(step, position, op);
    if (typeof op !== 'string' || !Object.hasOwn(STEPS, op)) throw invalidParameterError(`steps[${position}].op`, `one of ${Object.keys(STEPS).join(', ')}`, op);
    const kind: StepKind = STEPS[op as PipelineOp];
    // undefined means none; null, like any other non-object, is an error (as for an op's options)
    const options = step.options === undefined ? {} : step.options;
    if (!isPlainObject(options)) throw invalidParameterError(`steps[${position}].options`, 'a plain object', options);
    const reserved = Object.keys(options).find((k) => RESERVED.includes(k));
    if (reserved) throw new TypeError(`steps[${position}] (${op}): '${reserved}' is set by the pipeline, not by a step`);
    kind.checkOptions?.(`steps[${position}]`, options);
    // + 0: a p of -0 is kept as 0 (the same probability; JSON writes it so anyway)
    const p = step.p === undefined ? 1 : numberInRange(`steps[${position}].p`, step.p, 0, 1, 'a probability in [0, 1]') + 0;
    // a crop changes the image size: a sample it skipped would not fit the batch
    if (kind.alwaysApplies && p !== 1) throw invalidParameterError(`steps[${position}].p`, `1 for a ${op} step (${kind.alwaysApplies})`, p, 'range');
    // check the options now, on a tiny batch of the kind's own (dtype-specific checks happen at run time)
    try {
      kind.run(kind.probe(options), options);
    } catch (error) {
      throw stepError(`steps[${position}]`, op, error);
    }
    // a deep, frozen copy: arrays the caller still holds (a std range, per-image
    // offsets) must not change the pipeline after it was checked
    let copy: Record<string, unknown>;
    try {
      copy = structuredClone(options);
    } catch (error) {
      // a DOMException (DataCloneError) for a Proxy or other value that cannot be copied
      throw invalidParameterError(`steps[${position}].options`, `options of plain data (numbers, strings, booleans, arrays), which the pipeline copies (${error instanceof Error ? error.message : String(error)})`, options);
    }
    return Object.freeze({ op: op as PipelineOp, options: deepFreeze(copy), p });
  }

  /** A group step as the pipeline keeps it: its options checked (checkGroup) and frozen, as an op step's. */
  private static checkGroupStep(step: Record<string, unknown>, position: number, op: GroupOp): ResolvedStep {
    const options = step.options;
    if (!isPlainObject(options)) throw invalidParameterError(`steps[${position}].options`, op === 'oneOf' ? 'a plain object { steps, weights? }' : 'a plain object { k, steps }', options);
    // + 0: a p of -0 is kept as 0 (the same probability; JSON writes it so anyway)
    const p = step.p === undefined ? 1 : numberInRange(`steps[${position}].p`, step.p, 0, 1, 'a probability in [0, 1]') + 0;
    let copy: Record<string, unknown>;
    try {
      copy = structuredClone(options);
    } catch (error) {
      throw invalidParameterError(`steps[${position}].options`, `options of plain data (numbers, strings, booleans, arrays), which the pipeline copies (${error instanceof Error ? error.message : String(error)})`, options);
    }
    Pipeline.checkGroup(copy, position, op);
    return Object.freeze({ op, options: deepFreeze(copy), p });
  }

  /** The pipeline as JSON data: seed as a decimal string, steps as given (numbers JSON cannot write as strings, see PipelineJSON). */
  toJSON(): PipelineJSON {
    return {
      seed: this.seed.toString(),
      steps: this.steps.map((s) => ({ op: s.op, options: encodeNumbers(structuredClone(s.options)) as Record<string, unknown>, p: s.p })),
    };
  }

  static fromJSON(json: unknown): Pipeline {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json) as unknown;
      } catch (error) {
        throw new TypeError(`Expected JSON text for json but it does not parse: ${(error as Error).message}`);
      }
    }
    if (!isPlainObject(value) || typeof value.seed !== 'string' || !/^\d+$/.test(value.seed) || !Array.isArray(value.steps)) {
      throw invalidParameterError('json', 'the output of Pipeline.toJSON()', json);
    }
    const extra = Object.keys(value).find((k) => k !== 'seed' && k !== 'steps');
    if (extra) throw new TypeError(`Unknown field '${extra}' in json; expected the output of Pipeline.toJSON(): seed, steps`);
    return new Pipeline(decodeNumbers(value.steps) as PipelineStep[], { seed: BigInt(value.seed) });
  }
}
