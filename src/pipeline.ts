// Pipeline (issue 6): ordered augmentation steps, each applied to a sample
// with probability p, with per-sample records of what was applied and the
// parameters drawn, exact replay from records, and JSON round trips.
//
// Randomness: step s gets its own seed, the first two words of Philox block
// (s, 0, 0, 64) under the pipeline seed's key; whether step s applies to
// sample i is U(w0) < p for word 0 of block (0, i, epoch, 65) under the step
// seed's key. Every draw depends only on (seed, step, sample index, epoch).
import { philoxBlock, uniformFromWord } from './backends/js/random.js';
import { batchResult, checkBatch, checkBatchFields, perSampleWords, readBatch, sampleIndex, type Batch } from './ops/batch.js';
import { epochOption, holdBuffer, readOptions, releaseBuffer, seedKey, threadsOption, type AsyncOptions } from './ops/common.js';
import { noisePlan } from './ops/noise.js';
import * as noise from './ops/noise.js';
import type { GaussianNoiseOptions, SaltAndPepperOptions, SpeckleNoiseOptions, UniformNoiseOptions } from './ops/noise.js';
import { shift, shiftAsync, shiftOffsets, type ShiftOptions } from './ops/shift.js';
import { flip, flipAsync, flipDecisions, type FlipOptions } from './ops/flip.js';
import { affine, affineAsync, affineParams, type AffineOptions } from './ops/affine.js';
import { gaussianBlur, gaussianBlurAsync, gaussianBlurParams, type GaussianBlurOptions } from './ops/blur.js';
import { crop, cropAsync, cropOffsets, cropProbe, type CropOptions } from './ops/crop.js';
import { resizedCrop, resizedCropAsync, resizedCropParams, type ResizedCropOptions } from './ops/resized-crop.js';
import { brightness, brightnessAsync, brightnessParams, contrast, contrastAsync, contrastParams, type BrightnessOptions, type ContrastOptions } from './ops/color.js';
import { integerInRange, invalidParameterError, isArraySafe, isPlainObject, numberInRange } from './validate.js';

export const PIPELINE_STREAM = { stepSeed: 64, applied: 65, choice: 66 } as const;

type ImageOp = (batch: Batch, options: never) => Batch;
type ImageOpAsync = (batch: Batch, options: never) => Promise<Batch>;

/** The ops a pipeline can run, and what each records per sample. */
const OPS = {
  shift: { run: shift, runAsync: shiftAsync },
  gaussianNoise: { run: noise.gaussianNoise, runAsync: noise.gaussianNoiseAsync },
  uniformNoise: { run: noise.uniformNoise, runAsync: noise.uniformNoiseAsync },
  speckleNoise: { run: noise.speckleNoise, runAsync: noise.speckleNoiseAsync },
  saltAndPepper: { run: noise.saltAndPepper, runAsync: noise.saltAndPepperAsync },
  flip: { run: flip, runAsync: flipAsync },
  crop: { run: crop, runAsync: cropAsync },
  affine: { run: affine, runAsync: affineAsync },
  brightness: { run: brightness, runAsync: brightnessAsync },
  contrast: { run: contrast, runAsync: contrastAsync },
  gaussianBlur: { run: gaussianBlur, runAsync: gaussianBlurAsync },
  resizedCrop: { run: resizedCrop, runAsync: resizedCropAsync },
} as const satisfies Record<string, { run: ImageOp; runAsync: ImageOpAsync }>;

export type PipelineOp = keyof typeof OPS;

/** Steps whose output size is their own (not the input's): they apply to every sample (p 1) and stay out of groups. */
const RESIZING_OPS: ReadonlySet<string> = new Set(['crop', 'resizedCrop']);

/** The output size [height, width] of a resizing step's options (already checked), or undefined for other steps. */
function stepOutputSize(op: string, options: Readonly<Record<string, unknown>>): [number, number] | undefined {
  if (op === 'crop') return [options.height as number, options.width as number];
  if (op === 'resizedCrop') {
    const size = options.size as number | [number, number];
    return typeof size === 'number' ? [size, size] : [size[0], size[1]];
  }
  return undefined;
}

/** An op's options as a step takes them: without seed, index, epoch, out, threads (the pipeline sets those). */
export type StepOptions<O> = Omit<O, 'seed' | 'index' | 'epoch' | 'out' | 'threads'>;

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
  | StepOf<'resizedCrop', Omit<ResizedCropOptions, 'boxes'>>
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
  /** What the op drew for this sample: shift {dx, dy} in pixels; noise {std} or salt-and-pepper thresholds; flip {horizontal, vertical} as 0 or 1; crop {top, left}; brightness {factor, delta}; contrast {factor}; gaussianBlur {sigma, radius}; resizedCrop {top, left, height, width} (the box); affine {rotation, zoomX, zoomY, shear, dx, dy} when drawn and always its matrix {m0, …, m5}. */
  params: Record<string, number>;
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

export interface PipelineJSON {
  seed: string;
  steps: Array<{ op: PipelineOp | GroupOp; options: Record<string, unknown>; p: number }>;
}

const RESERVED = ['seed', 'index', 'epoch', 'out', 'threads'];

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

/** What step `position` records for each image of the batch. */
function recordParams(op: PipelineOp, batch: Batch, options: Record<string, unknown>): Array<Record<string, number>> {
  const n = batch.shape[0];
  if (op === 'shift') {
    const { dx, dy } = shiftOffsets(batch, options);
    return Array.from({ length: n }, (_, i) => ({ dx: dx[i]!, dy: dy[i]! }));
  }
  if (op === 'flip') {
    const { horizontal, vertical } = flipDecisions(batch, options);
    return Array.from({ length: n }, (_, i) => ({ horizontal: horizontal[i]!, vertical: vertical[i]! }));
  }
  if (op === 'brightness') {
    const { factor, delta } = brightnessParams(batch, options);
    return Array.from({ length: n }, (_, i) => ({ factor: factor[i]!, delta: delta[i]! }));
  }
  if (op === 'contrast') {
    const { factor } = contrastParams(batch, options as unknown as ContrastOptions);
    return Array.from({ length: n }, (_, i) => ({ factor: factor[i]! }));
  }
  if (op === 'affine') {
    const a = affineParams(batch, options as unknown as AffineOptions);
    const drawn = options.matrix === undefined;
    return Array.from({ length: n }, (_, i) => {
      const r: Record<string, number> = drawn ? { rotation: a.rotation[i]!, zoomX: a.zoomX[i]!, zoomY: a.zoomY[i]!, shear: a.shear[i]!, dx: a.dx[i]!, dy: a.dy[i]! } : {};
      for (let j = 0; j < 6; j += 1) r[`m${j}`] = a.matrix[6 * i + j]!;
      return r;
    });
  }
  if (op === 'gaussianBlur') {
    const { sigma, radius } = gaussianBlurParams(batch, options as unknown as GaussianBlurOptions);
    return Array.from({ length: n }, (_, i) => ({ sigma: sigma[i]!, radius: radius[i]! }));
  }
  if (op === 'crop') {
    const { top, left } = cropOffsets(batch, options as unknown as CropOptions);
    return Array.from({ length: n }, (_, i) => ({ top: top[i]!, left: left[i]! }));
  }
  if (op === 'resizedCrop') {
    const { top, left, height, width } = resizedCropParams(batch, options as unknown as ResizedCropOptions);
    return Array.from({ length: n }, (_, i) => ({ top: top[i]!, left: left[i]!, height: height[i]!, width: width[i]! }));
  }
  const plan = noisePlan(op, batch, options);
  if (op === 'saltAndPepper') return Array.from({ length: n }, (_, i) => ({ saltBelow: plan.saltBelow[i]!, pepperBelow: plan.pepperBelow[i]! }));
  if (op === 'uniformNoise') return Array.from({ length: n }, () => ({ low: plan.offset[0]!, span: plan.scale[0]! }));
  return Array.from({ length: n }, (_, i) => ({ std: plan.scale[i]! }));
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
  }

  /**
   * A group's options checked: { steps, weights? } for oneOf, { k, steps } for
   * someOf; its steps are op steps (no crop: it would change the size of only
   * the samples that chose it; no nested groups).
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
      if (isPlainObject(child) && RESIZING_OPS.has(child.op as string)) {
        throw invalidParameterError(`${at}.steps[${j}].op`, `an op other than crop and resizedCrop (a crop in a group would change the size of only the samples that chose it)`, child.op, 'range');
      }
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

  /**
   * A group's steps as the run applies them to a batch: each step's options
   * (its seed, index, epoch) and the samples it applies to (the group applied,
   * the sample chose it, and the step's own p drew true); with `records`, adds
   * the group's record to each sample's.
   */
  private groupPlan(position: number, batch: Batch, index: number, epoch: number, records?: SampleRecord[]): Array<{ op: PipelineOp; options: Record<string, unknown>; mask: Uint8Array }> {
    const group = this.groups[position]!;
    const n = batch.shape[0];
    const groupMask = this.appliedMask(position, n, index, epoch);
    const chosen = this.groupChoices(position, n, index, epoch);
    const plan = group.steps.map((step, j) => {
      const options = { ...step.options, seed: group.seeds[j], index, epoch };
      let own = new Uint8Array(n).fill(1);
      if (step.p !== 1) {
        const words = perSampleWords(n, seedKey(group.seeds[j]), index, epoch, PIPELINE_STREAM.applied);
        own = Uint8Array.from({ length: n }, (_, i) => (uniformFromWord(words[4 * i]!) < step.p ? 1 : 0));
      }
      const mask = Uint8Array.from({ length: n }, (_, i) => groupMask[i]! & chosen[i]![j]! & own[i]!);
      return { op: step.op as PipelineOp, options, mask };
    });
    if (records) {
      const params = plan.map((s) => recordParams(s.op, batch, s.options));
      records.forEach((r, i) => {
        const picks = [...chosen[i]!.entries()].filter(([, c]) => c === 1).map(([j]) => j);
        const groupParams: Record<string, number> = group.cumulative ? { choice: picks[0]! } : Object.fromEntries(picks.map((j, t) => [`choice${t}`, j]));
        r.steps.push({
          op: this.steps[position]!.op, applied: groupMask[i] === 1, params: groupParams,
          steps: plan.map((s, j) => ({ op: s.op, applied: s.mask[i] === 1, params: params[j]![i]! })),
        });
      });
    }
    return plan;
  }

  /** run's group step: each of the group's steps over the batch, the samples it does not apply to keeping their input. */
  private runGroup(position: number, input: Batch, index: number, epoch: number, records?: SampleRecord[]): Batch {
    let current = input;
    for (const [j, s] of this.groupPlan(position, current, index, epoch, records).entries()) {
      if (!s.mask.includes(1)) continue;
      let next: Batch;
      try {
        next = OPS[s.op].run(current, s.options as never);
      } catch (error) {
        throw stepError(`steps[${position}].options.steps[${j}]`, s.op, error);
      }
      Pipeline.keepUnapplied(current, next, s.mask);
      current = next;
    }
    // a new batch even when no step applied (the input may be the caller's)
    return current === input ? { ...input, data: input.data.slice() } : current;
  }

  /** runAsync's group step. */
  private async runGroupAsync(position: number, input: Batch, index: number, epoch: number, threads: number | undefined, records?: SampleRecord[]): Promise<Batch> {
    let current = input;
    for (const [j, s] of this.groupPlan(position, current, index, epoch, records).entries()) {
      if (!s.mask.includes(1)) continue;
      let next: Batch;
      try {
        next = await OPS[s.op].runAsync(current, { ...s.options, ...(threads ? { threads } : {}) } as never);
      } catch (error) {
        throw stepError(`steps[${position}].options.steps[${j}]`, s.op, error);
      }
      Pipeline.keepUnapplied(current, next, s.mask);
      // intermediate, out of the caller's reach (as run's step outputs)
      holdBuffer(next.data.buffer);
      current = next;
    }
    return current === input ? { ...input, data: input.data.slice() } : current;
  }

  /** replay's group step for one image: the group's steps its record says applied, with their recorded parameters. */
  private replayGroup(at: string, position: number, image: Batch, s: unknown, index: number, epoch: number): Batch {
    const group = this.groups[position]!;
    const op = this.steps[position]!.op;
    if (!isPlainObject(s)) throw invalidParameterError(at, '{ op, applied, params, steps }', s);
    if (s.op !== op) throw invalidParameterError(`${at}.op`, `'${op}'`, s.op);
    if (typeof s.applied !== 'boolean') throw invalidParameterError(`${at}.applied`, 'a boolean', s.applied);
    const records: unknown = s.steps;
    if (!Array.isArray(records) || records.length !== group.steps.length) throw invalidParameterError(`${at}.steps`, `the records of the group's ${group.steps.length} steps`, records);
    group.steps.forEach((step, j) => {
      const where = `${at}.steps[${j}]`;
      const r = Pipeline.checkStepRecord(where, records[j], step.op as PipelineOp);
      if (!r.applied) return;
      const opts: Record<string, unknown> = { ...step.options, seed: group.seeds[j], index, epoch };
      if (step.op === 'shift') {
        for (const name of ['x', 'y', 'subpixel']) delete opts[name];
        Object.assign(opts, { dx: r.params.dx, dy: r.params.dy });
      }
      if (step.op === 'brightness') Object.assign(opts, { factor: r.params.factor, delta: r.params.delta });
      if (step.op === 'contrast') opts.factor = r.params.factor;
      if (step.op === 'flip') {
        for (const name of ['mode', 'p']) delete opts[name];
        Object.assign(opts, { horizontal: r.params.horizontal === 1, vertical: r.params.vertical === 1 });
      }
      try {
        image = OPS[step.op as PipelineOp].run(image, opts as never);
      } catch (error) {
        throw stepError(where, step.op, error);
      }
    });
    return image;
  }

  private static checkStep(step: unknown, position: number): ResolvedStep {
    if (!isPlainObject(step)) throw invalidParameterError(`steps[${position}]`, 'an object { op, options?, p? }', step);
    const extra = Object.keys(step).find((k) => !['op', 'options', 'p'].includes(k));
    if (extra) throw new TypeError(`Unknown option '${extra}' for steps[${position}]; expected one of: op, options, p`);
    const op = step.op;
    if (isGroupOp(op)) return Pipeline.checkGroupStep(step, position, op);
    if (typeof op !== 'string' || !Object.hasOwn(OPS, op)) throw invalidParameterError(`steps[${position}].op`, `one of ${Object.keys(OPS).join(', ')}`, op);
    // undefined means none; null, like any other non-object, is an error (as for an op's options)
    const options = step.options === undefined ? {} : step.options;
    if (!isPlainObject(options)) throw invalidParameterError(`steps[${position}].options`, 'a plain object', options);
    const reserved = Object.keys(options).find((k) => RESERVED.includes(k));
    if (reserved) throw new TypeError(`steps[${position}] (${op}): '${reserved}' is set by the pipeline, not by a step`);
    if (op === 'shift') {
      // a step's offsets are one number for every image: a per-image list would
      // fit only batches of its length (and a typed array does not survive toJSON)
      for (const name of ['dx', 'dy'] as const) {
        const d = options[name];
        if (d !== undefined && typeof d !== 'number') {
          throw invalidParameterError(`steps[${position}].options.${name}`, 'a number (a step shifts every image by the same given offset; per-image offsets are not a pipeline option: use x, y to draw them)', d);
        }
      }
    }
    if (op === 'flip') {
      // as for shift: given flips are one boolean for every image
      for (const name of ['horizontal', 'vertical'] as const) {
        const given = options[name];
        if (given !== undefined && typeof given !== 'boolean') {
          throw invalidParameterError(`steps[${position}].options.${name}`, 'a boolean (a step flips every image the same way when given; per-image flips are not a pipeline option: use mode, p to draw them)', given);
        }
      }
    }
    if (op === 'crop') {
      for (const name of ['top', 'left'] as const) {
        const given = options[name];
        if (given !== undefined && typeof given !== 'number') {
          throw invalidParameterError(`steps[${position}].options.${name}`, 'a number (a step crops every image at the same given offset; per-image offsets are not a pipeline option: use padding to draw them)', given);
        }
      }
    }
    if (op === 'affine') {
      // as for shift: a given matrix is one [m0, …, m5] for every image
      const given = options.matrix;
      if (given !== undefined && !(Array.isArray(given) && given.length === 6 && given.every((v) => typeof v === 'number'))) {
        throw invalidParameterError(`steps[${position}].options.matrix`, 'an array of 6 numbers (a step warps every image by the same given matrix; per-image matrices are not a pipeline option: use rotation, zoom, shear, x, y to draw them)', given);
      }
    }
    if (op === 'resizedCrop' && options.boxes !== undefined) {
      throw invalidParameterError(`steps[${position}].options.boxes`, 'no boxes (per-image boxes are not a pipeline option: scale and ratio draw them; replay takes them from the records)', options.boxes);
    }
    if (op === 'gaussianBlur' && options.sigmas !== undefined) {
      throw invalidParameterError(`steps[${position}].options.sigmas`, 'no sigmas (per-image sigmas are not a pipeline option: use sigma, a number or [lo, hi] to draw)', options.sigmas);
    }
    const p = step.p === undefined ? 1 : numberInRange(`steps[${position}].p`, step.p, 0, 1, 'a probability in [0, 1]');
    // a crop changes the image size: a sample it skipped would not fit the batch
    if (RESIZING_OPS.has(op) && p !== 1) throw invalidParameterError(`steps[${position}].p`, `1 for a ${op} step (it changes the image size, so it applies to every sample)`, p, 'range');
    // check the options now, on a tiny float32 batch (dtype-specific checks happen at run time);
    // a crop's on an empty batch of its output size (so that a padded crop of any size fits it)
    try {
      OPS[op as PipelineOp].run(op === 'crop' ? cropProbe(options) : { data: new Float32Array(4), shape: [1, 2, 2, 1] }, options as never);
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
    const p = step.p === undefined ? 1 : numberInRange(`steps[${position}].p`, step.p, 0, 1, 'a probability in [0, 1]');
    let copy: Record<string, unknown>;
    try {
      copy = structuredClone(options);
    } catch (error) {
      throw invalidParameterError(`steps[${position}].options`, `options of plain data (numbers, strings, booleans, arrays), which the pipeline copies (${error instanceof Error ? error.message : String(error)})`, options);
    }
    Pipeline.checkGroup(copy, position, op);
    return Object.freeze({ op, options: deepFreeze(copy), p });
  }

  /** Which images of a batch step `position` applies to. */
  private appliedMask(position: number, n: number, index: number, epoch: number): Uint8Array {
    const p = this.steps[position]!.p;
    if (p === 1) return new Uint8Array(n).fill(1);
    const words = perSampleWords(n, seedKey(this.stepSeeds[position]), index, epoch, PIPELINE_STREAM.applied);
    return Uint8Array.from({ length: n }, (_, i) => (uniformFromWord(words[4 * i]!) < p ? 1 : 0));
  }

  /** Images the step does not apply to keep their input. */
  private static keepUnapplied(input: Batch, output: Batch, mask: Uint8Array): void {
    const per = input.data.length / Math.max(1, input.shape[0]);
    for (let i = 0; i < mask.length; i += 1) {
      if (!mask[i]) output.data.set(input.data.subarray(i * per, (i + 1) * per), i * per);
    }
  }

  private resolve(batch: unknown, options: unknown, isAsync: boolean): { b: Batch; index: number; epoch: number; record: boolean; threads?: number } {
    const fields = readBatch(batch);
    // undefined means no options; null, like any other non-object, is an error (as for every op)
    const method = isAsync ? 'Pipeline.runAsync' : 'Pipeline.run';
    if (options !== undefined && !isPlainObject(options)) throw invalidParameterError(`${method} options`, 'an object { index?, epoch?, record? }', options);
    // threads only where there is a pool to use: on run it would do nothing
    const allowed = isAsync ? ['index', 'epoch', 'record', 'threads'] : ['index', 'epoch', 'record'];
    // read once, like the batch, before either is checked
    const o = readOptions<{ index: unknown; epoch: unknown; record: unknown; threads: unknown }>(method, options, allowed);
    const checked = checkBatchFields(fields);
    if (o.record !== undefined && typeof o.record !== 'boolean') throw invalidParameterError('record', 'a boolean', o.record);
    return {
      // the steps each return a new batch; with none, the result is still a copy
      b: batchResult(checked, this.steps.length === 0 ? checked.data.slice() : checked.data),
      index: sampleIndex(o.index, checked.n),
      epoch: epochOption(o.epoch),
      record: o.record === true,
      threads: o.threads === undefined ? undefined : threadsOption(o.threads),
    };
  }

  /**
   * Applies the steps in order. Sample k of the batch is dataset index
   * index + k. With `record: true` the result carries `records`.
   */
  run(batch: Batch, options: RunOptions & { record: true }): Batch & { records: SampleRecord[] };
  run(batch: Batch, options?: RunOptions): Batch & { records?: SampleRecord[] };
  run(batch: Batch, options?: RunOptions): Batch & { records?: SampleRecord[] } {
    const { b, index, epoch, record } = this.resolve(batch, options, false);
    let current = b;
    const records = record ? this.emptyRecords(b.shape[0], index, epoch) : undefined;
    this.steps.forEach((step, position) => {
      if (isGroupOp(step.op)) {
        current = this.runGroup(position, current, index, epoch, records);
        return;
      }
      const opts = { ...step.options, seed: this.stepSeeds[position], index, epoch };
      const mask = this.appliedMask(position, b.shape[0], index, epoch);
      let next: Batch;
      try {
        if (records) this.addRecords(records, position, current, opts, mask);
        next = OPS[step.op as PipelineOp].run(current, opts as never);
      } catch (error) {
        throw stepError(`steps[${position}]`, step.op, error);
      }
      Pipeline.keepUnapplied(current, next, mask);
      current = next;
    });
    return records ? { ...current, records } : current;
  }

  /** run on the libuv thread pool (each step's …Async op); the same bytes. */
  runAsync(batch: Batch, options: RunOptions & AsyncOptions & { record: true }): Promise<Batch & { records: SampleRecord[] }>;
  runAsync(batch: Batch, options?: RunOptions & AsyncOptions): Promise<Batch & { records?: SampleRecord[] }>;
  async runAsync(batch: Batch, options?: RunOptions & AsyncOptions): Promise<Batch & { records?: SampleRecord[] }> {
    const { b, index, epoch, record, threads } = this.resolve(batch, options, true);
    let current = b;
    const records = record ? this.emptyRecords(b.shape[0], index, epoch) : undefined;
    for (const [position, step] of this.steps.entries()) {
      if (isGroupOp(step.op)) {
        current = await this.runGroupAsync(position, current, index, epoch, threads, records);
        holdBuffer(current.data.buffer);
        continue;
      }
      const opts = { ...step.options, seed: this.stepSeeds[position], index, epoch, ...(threads ? { threads } : {}) };
      const mask = this.appliedMask(position, b.shape[0], index, epoch);
      let next: Batch;
      try {
        if (records) this.addRecords(records, position, current, { ...step.options, seed: this.stepSeeds[position], index, epoch }, mask);
        next = await OPS[step.op as PipelineOp].runAsync(current, opts as never);
      } catch (error) {
        throw stepError(`steps[${position}]`, step.op, error);
      }
      Pipeline.keepUnapplied(current, next, mask);
      // a step's output is the next step's input, out of the caller's reach: no staging copy for it
      holdBuffer(next.data.buffer);
      current = next;
    }
    releaseBuffer(current.data.buffer);
    return records ? { ...current, records } : current;
  }

  private emptyRecords(n: number, index: number, epoch: number): SampleRecord[] {
    return Array.from({ length: n }, (_, i) => ({ index: index + i, epoch, steps: [] }));
  }

  private addRecords(records: SampleRecord[], position: number, batch: Batch, options: Record<string, unknown>, mask: Uint8Array): void {
    const op = this.steps[position]!.op as PipelineOp;
    const params = recordParams(op, batch, options);
    records.forEach((r, i) => r.steps.push({ op, applied: mask[i] === 1, params: params[i]! }));
  }

  /**
   * Reproduces a run from its records: image k is redone from records[k]
   * alone (its dataset index, epoch, which steps applied, and for shifts the
   * recorded offsets). Samples need not be consecutive.
   */
  replay(batch: Batch, records: SampleRecord[]): Batch {
    const fields = readBatch(batch);
    // records are read once, whole, before anything is checked (a getter in them could otherwise detach batch.data after its check)
    let copied: unknown;
    try {
      copied = structuredClone(records);
    } catch (error) {
      throw invalidParameterError('records', `sample records of plain data, which replay copies (${error instanceof Error ? error.message : String(error)})`, records);
    }
    const b = checkBatchFields(fields);
    if (!Array.isArray(copied) || copied.length !== b.n) throw invalidParameterError('records', `${b.n} sample records (one per image)`, records);
    records = copied as SampleRecord[];
    const per = b.h * b.w * b.c;
    // crop steps change the image size: every image ends at the same one
    const [outH, outW] = this.steps.reduce<[number, number]>((size, s) => stepOutputSize(s.op, s.options) ?? size, [b.h, b.w]);
    const outPer = outH * outW * b.c;
    const out = b.dtype === 'uint8' ? new Uint8Array(b.n * outPer) : new Float32Array(b.n * outPer);
    records.forEach((r, k) => {
      if (!isPlainObject(r) || !Array.isArray(r.steps) || r.steps.length !== this.steps.length) {
        throw invalidParameterError(`records[${k}]`, `a record of ${this.steps.length} steps from this pipeline`, r);
      }
      const index = integerInRange(`records[${k}].index`, r.index, 0, 2 ** 32 - 1);
      const epoch = integerInRange(`records[${k}].epoch`, r.epoch, 0, 2 ** 32 - 1);
      let image: Batch = { data: b.data.subarray(k * per, (k + 1) * per), shape: [1, b.h, b.w, b.c], layout: b.layout };
      this.steps.forEach((step, position) => {
        const at = `records[${k}].steps[${position}]`;
        if (isGroupOp(step.op)) {
          image = this.replayGroup(at, position, image, r.steps[position], index, epoch);
          return;
        }
        const s = Pipeline.checkStepRecord(at, r.steps[position], step.op);
        if (!s.applied) return;
        const opts: Record<string, unknown> = { ...step.options, seed: this.stepSeeds[position], index, epoch };
        if (step.op === 'shift') {
          for (const name of ['x', 'y', 'subpixel']) delete opts[name];
          Object.assign(opts, { dx: s.params.dx, dy: s.params.dy });
        }
        if (step.op === 'brightness') Object.assign(opts, { factor: s.params.factor, delta: s.params.delta });
        if (step.op === 'contrast') opts.factor = s.params.factor;
        if (step.op === 'gaussianBlur') opts.sigma = s.params.sigma;
        if (step.op === 'crop') {
          delete opts.padding;
          Object.assign(opts, { top: s.params.top, left: s.params.left });
        }
        if (step.op === 'resizedCrop') {
          for (const name of ['scale', 'ratio']) delete opts[name];
          opts.boxes = [s.params.top, s.params.left, s.params.height, s.params.width];
        }
        if (step.op === 'affine') {
          for (const name of ['rotation', 'zoom', 'zoomX', 'zoomY', 'shear', 'x', 'y']) delete opts[name];
          opts.matrix = [0, 1, 2, 3, 4, 5].map((j) => s.params[`m${j}`]);
        }
        if (step.op === 'flip') {
          for (const name of ['mode', 'p']) delete opts[name];
          Object.assign(opts, { horizontal: s.params.horizontal === 1, vertical: s.params.vertical === 1 });
        }
        try {
          image = OPS[step.op as PipelineOp].run(image, opts as never);
        } catch (error) {
          throw stepError(at, step.op, error);
        }
      });
      out.set(image.data, k * outPer);
    });
    return { data: out, shape: [b.n, outH, outW, b.c], layout: b.layout };
  }

  /** One step of a sample record, as replay needs it: the step's op, whether it applied, a shift's or crop's offsets, a flip's decisions, a brightness's factor and delta, a contrast's factor, a blur's sigma. */
  private static checkStepRecord(at: string, s: unknown, op: PipelineOp): StepRecord {
    if (!isPlainObject(s)) throw invalidParameterError(at, '{ op, applied, params }', s);
    if (s.op !== op) throw invalidParameterError(`${at}.op`, `'${op}'`, s.op);
    if (typeof s.applied !== 'boolean') throw invalidParameterError(`${at}.applied`, 'a boolean', s.applied);
    if (!isPlainObject(s.params)) throw invalidParameterError(`${at}.params`, 'an object', s.params);
    if (op === 'shift' && s.applied) {
      // replay takes a shift's offsets from the record: both must be there
      for (const name of ['dx', 'dy']) {
        const v = s.params[name];
        if (typeof v !== 'number') throw invalidParameterError(`${at}.params.${name}`, 'a finite number (pixels)', v);
        if (!Number.isFinite(v)) throw invalidParameterError(`${at}.params.${name}`, 'a finite number (pixels)', v, 'range');
      }
    }
    if (op === 'crop') {
      if (!s.applied) throw invalidParameterError(`${at}.applied`, 'true (a crop step applies to every sample)', s.applied, 'range');
      for (const name of ['top', 'left']) {
        const v = s.params[name];
        if (typeof v !== 'number') throw invalidParameterError(`${at}.params.${name}`, 'an integer with |value| <= 2^30 (pixels)', v);
        if (!Number.isInteger(v) || Math.abs(v) > 2 ** 30) throw invalidParameterError(`${at}.params.${name}`, 'an integer with |value| <= 2^30 (pixels)', v, 'range');
      }
    }
    if (op === 'resizedCrop') {
      if (!s.applied) throw invalidParameterError(`${at}.applied`, 'true (a resizedCrop step applies to every sample)', s.applied, 'range');
      for (const name of ['top', 'left', 'height', 'width']) {
        const v = s.params[name];
        if (typeof v !== 'number') throw invalidParameterError(`${at}.params.${name}`, 'an integer (the box, in pixels)', v);
      }
    }
    if ((op === 'brightness' || op === 'contrast') && s.applied) {
      for (const name of op === 'brightness' ? ['factor', 'delta'] : ['factor']) {
        const v = s.params[name];
        if (typeof v !== 'number') throw invalidParameterError(`${at}.params.${name}`, 'a finite float32 number', v);
        if (!Number.isFinite(v) || Math.fround(v) !== v || (name === 'factor' && !(v >= 0))) throw invalidParameterError(`${at}.params.${name}`, name === 'factor' ? 'a finite float32 number >= 0' : 'a finite float32 number', v, 'range');
      }
    }
    if (op === 'affine' && s.applied) {
      // replay warps by the recorded matrix
      for (let j = 0; j < 6; j += 1) {
        const v = s.params[`m${j}`];
        if (typeof v !== 'number') throw invalidParameterError(`${at}.params.m${j}`, 'a finite number with |value| <= 2^30 (a matrix entry)', v);
        if (!(Math.abs(v) <= 2 ** 30)) throw invalidParameterError(`${at}.params.m${j}`, 'a finite number with |value| <= 2^30 (a matrix entry)', v, 'range');
      }
    }
    if (op === 'gaussianBlur' && s.applied) {
      const v = s.params.sigma;
      if (typeof v !== 'number') throw invalidParameterError(`${at}.params.sigma`, 'a float32 number between 0 and 500', v);
      if (!(v >= 0 && v <= 500) || Math.fround(v) !== v) throw invalidParameterError(`${at}.params.sigma`, 'a float32 number between 0 and 500', v, 'range');
    }
    if (op === 'flip' && s.applied) {
      for (const name of ['horizontal', 'vertical']) {
        const v = s.params[name];
        if (v !== 0 && v !== 1) throw invalidParameterError(`${at}.params.${name}`, '0 or 1 (whether the image flipped along that axis)', v, typeof v === 'number' ? 'range' : 'type');
      }
    }
    return s as unknown as StepRecord;
  }

  toJSON(): PipelineJSON {
    return { seed: this.seed.toString(), steps: this.steps.map((s) => ({ op: s.op, options: structuredClone(s.options), p: s.p })) };
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
    return new Pipeline(value.steps as PipelineStep[], { seed: BigInt(value.seed) });
  }
}
