// The conditions of a study: what each one changes (training images, labels,
// or the model), in one normalized shape the coordinator runs.
import { flipLabels, labelSmoothing, Pipeline } from '../index.js';
import type { Batch } from '../ops/batch.js';
import type { PipelineJSON } from '../pipeline.js';
import { invalidParameterError, isPlainObject } from '../validate.js';

type LayersModel = import('@tensorflow/tfjs').LayersModel;

/** Builds a compiled model; `seed` must fix every initializer (the study checks it). */
export type ModelFactory = (at: { seed: number }) => LayersModel | Promise<LayersModel>;

/** A training-image augmentation: a Pipeline (re-seeded per study seed), an object with run(), or a function. */
export type ImageAugmenter =
  | Pipeline
  | { run(batch: Batch, at: { index: number; epoch: number }): Batch }
  | ((batch: Batch, at: { seed: number; epoch: number; index: number }) => Batch);

/** A label change: label smoothing ε, symmetric flips with probability p, or a function of the one-hot targets. */
export type LabelAugmenter =
  | { smooth: number }
  | { flip: number }
  | ((oneHot: Float32Array, at: { labels: Int32Array; numClasses: number; seed: number; epoch: number }) => Float32Array);

export interface ConditionSpec {
  images?: ImageAugmenter;
  labels?: LabelAugmenter;
  /** a model of its own (e.g. with a noise layer); it starts from the baseline's weights when their shapes match */
  model?: ModelFactory;
  /** corruption families this condition trains on (inferred from a Pipeline's ops when not given) */
  trainsOn?: string[];
  description?: string;
}

export type Condition = ImageAugmenter | ConditionSpec;

export interface StudyCondition {
  name: string;
  description: string;
  changes: Array<'images' | 'labels' | 'model'>;
  trainsOn: string[];
  images?: (batch: Batch, seed: number, epoch: number) => Batch;
  labels?: (oneHot: Float32Array, labels: Int32Array, seed: number, epoch: number) => Float32Array;
  model?: ModelFactory;
  /**
   * The condition as plain data, for workers that must rebuild it without
   * code (a queue study): the Pipeline's JSON and the label op. Absent when
   * the condition's images or labels are the caller's functions.
   */
  serial?: SerialCondition;
}

/** What a queue job carries of a condition: a Pipeline's JSON and/or a label op by name (a model condition travels as model artifacts). */
export interface SerialCondition {
  images?: PipelineJSON;
  labels?: { smooth: number } | { flip: number };
}

/** The corruption family each Pipeline op trains on (DEFAULT_CORRUPTIONS' names). */
const FAMILY_OF_OP: Record<string, string> = {
  shift: 'shift', gaussianNoise: 'gaussian-noise', uniformNoise: 'gaussian-noise', speckleNoise: 'gaussian-noise', saltAndPepper: 'salt-pepper',
};

const GOLDEN_64 = 0x9e3779b97f4a7c15n;
const MASK_64 = (1n << 64n) - 1n;

/** The pipeline a study seed runs: the same steps, seed (pipelineSeed + studySeed · 0x9e3779b97f4a7c15) mod 2^64. */
export function pipelineForSeed(pipeline: Pipeline, seed: number): Pipeline {
  const json = pipeline.toJSON();
  return Pipeline.fromJSON({ ...json, seed: ((pipeline.seed + BigInt(seed) * GOLDEN_64) & MASK_64).toString() });
}

function imageFunction(name: string, images: unknown): StudyCondition['images'] {
  if (images instanceof Pipeline) {
    const perSeed = new Map<number, Pipeline>();
    return (batch, seed, epoch) => {
      if (!perSeed.has(seed)) perSeed.set(seed, pipelineForSeed(images, seed));
      return perSeed.get(seed)!.run(batch, { index: 0, epoch });
    };
  }
  if (typeof images === 'function') return (batch, seed, epoch) => (images as (b: Batch, at: object) => Batch)(batch, { seed, epoch, index: 0 });
  if (images !== null && typeof images === 'object' && typeof (images as { run?: unknown }).run === 'function') {
    const augmenter = images as { run(batch: Batch, at: { index: number; epoch: number }): Batch };
    return (batch, _seed, epoch) => augmenter.run(batch, { index: 0, epoch });
  }
  throw invalidParameterError(`conditions.${name}.images`, 'a Pipeline, an object with run(batch, { index, epoch }), or a function (batch, { seed, epoch, index }) => batch', images);
}

function labelFunction(name: string, labels: unknown, numClasses: number): StudyCondition['labels'] {
  if (typeof labels === 'function') {
    return (oneHot, classes, seed, epoch) => (labels as (y: Float32Array, at: object) => Float32Array)(oneHot, { labels: classes, numClasses, seed, epoch });
  }
  if (isPlainObject(labels) && Object.keys(labels).length === 1 && typeof labels.smooth === 'number') {
    const epsilon = labels.smooth;
    labelSmoothing(new Float32Array(numClasses), { numClasses, epsilon });  // checks ε now, not mid-study
    return (oneHot) => labelSmoothing(oneHot, { numClasses, epsilon });
  }
  if (isPlainObject(labels) && Object.keys(labels).length === 1 && typeof labels.flip === 'number') {
    const p = labels.flip;
    flipLabels(new Int32Array(1), { p, numClasses });
    return (_oneHot, classes, seed, epoch) => oneHotOf(flipLabels(classes, { p, numClasses, seed, epoch }), numClasses);
  }
  throw invalidParameterError(`conditions.${name}.labels`, '{ smooth: ε }, { flip: p } or a function (oneHot, { labels, numClasses, seed, epoch }) => targets', labels);
}

export function oneHotOf(labels: ArrayLike<number>, numClasses: number): Float32Array {
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i += 1) out[i * numClasses + labels[i]!] = 1;
  return out;
}

function inferredFamilies(images: unknown): string[] {
  if (!(images instanceof Pipeline)) return [];
  return [...new Set(images.toJSON().steps.map((s) => FAMILY_OF_OP[s.op]).filter((f): f is string => f !== undefined))];
}

const SPEC_KEYS = ['images', 'labels', 'model', 'trainsOn', 'description'];

function isSpec(value: unknown): value is ConditionSpec {
  return isPlainObject(value) && !(value instanceof Pipeline) && typeof (value as { run?: unknown }).run !== 'function';
}

/** Normalizes the caller's conditions; 'baseline' (no change) always comes first. */
export function studyConditions(conditions: unknown, numClasses: number): StudyCondition[] {
  if (!isPlainObject(conditions)) throw invalidParameterError('conditions', 'an object { name: condition, … }', conditions);
  const out: StudyCondition[] = [{ name: 'baseline', description: 'no augmentation', changes: [], trainsOn: [] }];
  for (const [name, value] of Object.entries(conditions)) {
    if (name === 'baseline') throw new TypeError("conditions.baseline is reserved: the baseline (no change) is always included");
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new TypeError(`Expected condition names of letters, digits, '.', '_' or '-' for conditions but received '${name}'`);
    const spec: ConditionSpec = isSpec(value) ? value : { images: value as ImageAugmenter };
    const unknown = Object.keys(spec).find((k) => !SPEC_KEYS.includes(k));
    if (unknown) throw new TypeError(`Unknown field '${unknown}' in conditions.${name}; expected some of: ${SPEC_KEYS.join(', ')}`);
    if (spec.images === undefined && spec.labels === undefined && spec.model === undefined) {
      throw new TypeError(`conditions.${name} changes nothing: give images, labels or model`);
    }
    if (spec.model !== undefined && typeof spec.model !== 'function') throw invalidParameterError(`conditions.${name}.model`, 'a function ({ seed }) => compiled tf.LayersModel', spec.model);
    if (spec.trainsOn !== undefined && !(Array.isArray(spec.trainsOn) && spec.trainsOn.every((f) => typeof f === 'string'))) {
      throw invalidParameterError(`conditions.${name}.trainsOn`, 'an array of corruption family names', spec.trainsOn);
    }
    const changes: StudyCondition['changes'] = [];
    if (spec.images !== undefined) changes.push('images');
    if (spec.labels !== undefined) changes.push('labels');
    if (spec.model !== undefined) changes.push('model');
    out.push({
      name,
      description: typeof spec.description === 'string' ? spec.description : describe(spec),
      changes,
      trainsOn: spec.trainsOn ? [...spec.trainsOn] : inferredFamilies(spec.images),
      ...(spec.images !== undefined ? { images: imageFunction(name, spec.images) } : {}),
      ...(spec.labels !== undefined ? { labels: labelFunction(name, spec.labels, numClasses) } : {}),
      ...(spec.model !== undefined ? { model: spec.model } : {}),
      ...(serialOf(spec) ? { serial: serialOf(spec) } : {}),
    });
  }
  return out;
}

function serialOf(spec: ConditionSpec): SerialCondition | undefined {
  if (spec.images !== undefined && !(spec.images instanceof Pipeline)) return undefined;
  if (spec.labels !== undefined && typeof spec.labels === 'function') return undefined;
  return {
    ...(spec.images instanceof Pipeline ? { images: spec.images.toJSON() } : {}),
    ...(spec.labels !== undefined ? { labels: { ...spec.labels } as SerialCondition['labels'] } : {}),
  };
}

/**
 * A condition rebuilt from its plain-data form (what a queue worker receives):
 * the Pipeline from its JSON, the label op by name. Each is validated as the
 * caller's own would be, so a malformed job is named, never evaluated.
 */
export function conditionFromSerial(name: string, serial: SerialCondition, numClasses: number): StudyCondition {
  if (!isPlainObject(serial)) throw invalidParameterError(`conditions.${name}`, '{ images?: Pipeline JSON, labels?: { smooth } | { flip } }', serial);
  const unknown = Object.keys(serial).find((k) => k !== 'images' && k !== 'labels');
  if (unknown) throw new TypeError(`Unknown field '${unknown}' in conditions.${name}; expected some of: images, labels`);
  if (serial.labels !== undefined && !isPlainObject(serial.labels)) throw invalidParameterError(`conditions.${name}.labels`, '{ smooth: ε } or { flip: p }', serial.labels);
  return {
    name, description: '', changes: [], trainsOn: [],
    ...(serial.images !== undefined ? { images: imageFunction(name, Pipeline.fromJSON(serial.images)) } : {}),
    ...(serial.labels !== undefined ? { labels: labelFunction(name, serial.labels, numClasses) } : {}),
  };
}

function describe(spec: ConditionSpec): string {
  const parts: string[] = [];
  if (spec.images instanceof Pipeline) parts.push(`Pipeline ${spec.images.toJSON().steps.map((s) => s.op + (s.p < 1 ? ` (p ${s.p})` : '')).join(' → ')}`);
  else if (spec.images !== undefined) parts.push('images: the caller\'s augmenter');
  if (isPlainObject(spec.labels) && 'smooth' in spec.labels) parts.push(`label smoothing ε ${String(spec.labels.smooth)}`);
  else if (isPlainObject(spec.labels) && 'flip' in spec.labels) parts.push(`label flips p ${String(spec.labels.flip)}`);
  else if (spec.labels !== undefined) parts.push('labels: the caller\'s function');
  if (spec.model !== undefined) parts.push('a model of its own');
  return parts.join('; ');
}
