// measureImpact: the study coordinator. It builds each seed's model once
// (every condition of a seed starts from the same weights), prepares the
// test sets once (clean, corrupted, 1-pixel shifted, augmented), and runs
// conditions × seeds trainings on worker threads, seed block by seed block,
// making each epoch's augmented data itself. Results are checkpointed after
// every run, so an interrupted study resumes without losing a measurement.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { backendInfo, randomUniform } from '../index.js';
import type { Batch } from '../ops/batch.js';
import { integerInRange, invalidParameterError, isPlainObject } from '../validate.js';
import { analyzeStudy } from './analyze.js';
import { oneHotOf, studyConditions, type Condition, type ModelFactory, type StudyCondition } from './conditions.js';
import { consistencyShift, corruptionFamily, DEFAULT_CORRUPTIONS, type CorruptionFamily } from './corruptions.js';
import { studyData, type ImageLabels, type StudyData } from './data.js';
import type { EpochData, FromWorker, Job, ModelArtifacts, ToWorker, WorkerInit } from './protocol.js';
import { probeRedis, queueSettings, runQueueJobs, type QueueOptions } from './queue.js';
import { IMPACT_SCHEMA, type ImpactReport, type RunRecord, type TestSetInfo } from './types.js';

type Tf = typeof import('@tensorflow/tfjs');
type LayersModel = import('@tensorflow/tfjs').LayersModel;

export interface ImpactProgress {
  /** runs finished (ok or failed) of `total` */
  done: number;
  total: number;
  failed: number;
  /** the run that just finished */
  last?: { condition: string; seed: number; status: 'ok' | 'failed'; seconds: number };
  elapsedSeconds: number;
  /** estimated seconds left (NaN until a run has finished) */
  etaSeconds: number;
}

export interface MeasureImpactOptions {
  /** builds a compiled tf.LayersModel whose initializers are seeded by `seed` */
  model: ModelFactory;
  train: StudyData;
  test: StudyData;
  /** name → a Pipeline, an augmenter, or { images?, labels?, model?, trainsOn?, description? } */
  conditions: Record<string, Condition>;
  /** corruption families the models are tested on: 'default', 'none' or your own */
  corruptions?: 'default' | 'none' | CorruptionFamily[];
  /** how many seeds (1 … n), or the list (default 5) */
  seeds?: number | number[];
  epochs?: number;
  batchSize?: number;
  /** training worker threads (default 'auto': one per core, at most one per run) */
  workers?: number | 'auto';
  /** model input = pixel · scale + offset (default 1/255 and 0 for uint8, 1 and 0 for float32) */
  normalize?: { scale: number; offset: number };
  /** the range of float32 pixel values, for the corruptions (default [0, 1]; uint8 is [0, 255]) */
  valueRange?: [number, number];
  /** stop starting new seed blocks when the next would end after this many seconds */
  budget?: number;
  /** a file the runs are saved to after every run */
  checkpoint?: string;
  /** continue from `checkpoint`: runs already there are kept, not run again; with `queue`, also gather the results already in Redis */
  resume?: boolean;
  onProgress?: (progress: ImpactProgress) => void;
  /** TF.js backend of the training workers (default 'wasm' when @tensorflow/tfjs-backend-wasm is installed, else 'cpu') */
  backend?: string;
  /** modules each worker imports before loading models (custom layers' registration) */
  setup?: string[];
  classNames?: string[];
  /** a description of the data for the report (default: sizes) */
  dataDescription?: string;
  level?: number;
  bootstrap?: { replicates?: number; seed?: number };
  /** run on `fastaug worker` processes through a BullMQ queue on Redis instead of local threads (README "More machines") */
  queue?: QueueOptions;
}

const OPTION_NAMES = ['model', 'train', 'test', 'conditions', 'corruptions', 'seeds', 'epochs', 'batchSize', 'workers', 'normalize', 'valueRange', 'budget',
  'checkpoint', 'resume', 'onProgress', 'backend', 'setup', 'classNames', 'dataDescription', 'level', 'bootstrap', 'queue'];

interface Settings {
  seeds: number[]; epochs: number; batchSize: number; workers: number; scale: number; offset: number; valueRange: [number, number];
  budget: number; backend: string; setup: string[]; level: number; replicates: number; bootstrapSeed: number;
}

/** `seeds`: a count (seeds 1…count, default 5) or a list of distinct seeds. */
function seedsOf(given: MeasureImpactOptions['seeds']): number[] {
  if (typeof given === 'number' || given === undefined) {
    return Array.from({ length: integerInRange('seeds', given ?? 5, 1, 1000) }, (_, i) => i + 1);
  }
  if (!Array.isArray(given) || given.length === 0) throw invalidParameterError('seeds', 'a count ≥ 1 or a non-empty array of seeds', given);
  const seeds = given.map((s, i) => integerInRange(`seeds[${i}]`, s, 0, 2 ** 31 - 1));
  if (new Set(seeds).size !== seeds.length) throw new RangeError(`Expected distinct seeds but received [${seeds.join(', ')}]`);
  return seeds;
}

function settingsOf(o: MeasureImpactOptions, jobs: number, dtype: 'uint8' | 'float32'): Settings {
  const seeds = seedsOf(o.seeds);
  const workers = o.workers === undefined || o.workers === 'auto' ? Math.max(1, Math.min(os.availableParallelism(), jobs)) : integerInRange('workers', o.workers, 1, 256);
  const normalize = o.normalize ?? (dtype === 'uint8' ? { scale: 1 / 255, offset: 0 } : { scale: 1, offset: 0 });
  if (!isPlainObject(normalize) || !Number.isFinite(normalize.scale) || !Number.isFinite(normalize.offset)) throw invalidParameterError('normalize', '{ scale, offset } (finite numbers)', o.normalize);
  const valueRange = dtype === 'uint8' ? [0, 255] as [number, number] : o.valueRange ?? [0, 1];
  if (!Array.isArray(valueRange) || valueRange.length !== 2 || !(valueRange[0] < valueRange[1])) throw invalidParameterError('valueRange', '[lo, hi] with lo < hi', o.valueRange);
  const level = o.level ?? 0.95;
  if (!(level > 0.5 && level < 1)) throw invalidParameterError('level', 'a confidence level in (0.5, 1)', o.level, 'range');
  return {
    seeds, workers, level, valueRange,
    epochs: integerInRange('epochs', o.epochs ?? 3, 1, 10000),
    batchSize: integerInRange('batchSize', o.batchSize ?? 64, 1, 2 ** 20),
    scale: normalize.scale, offset: normalize.offset,
    budget: o.budget === undefined ? Infinity : (o.budget > 0 ? o.budget : (() => { throw invalidParameterError('budget', 'seconds > 0', o.budget, 'range'); })()),
    backend: o.backend ?? (canResolve('@tensorflow/tfjs-backend-wasm') ? 'wasm' : 'cpu'),
    setup: (o.setup ?? []).map((m) => (m.startsWith('.') ? path.resolve(m) : m)),
    replicates: integerInRange('bootstrap.replicates', o.bootstrap?.replicates ?? 2000, 100, 1e6),
    bootstrapSeed: integerInRange('bootstrap.seed', o.bootstrap?.seed ?? 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

function canResolve(module: string): boolean {
  try { require.resolve(module); return true; } catch { return false; }
}

async function loadTf(): Promise<Tf> {
  try {
    const tf = await import('@tensorflow/tfjs');
    await import('../tfjs/layers.js');
    return tf;
  } catch {
    throw new Error('measureImpact needs TensorFlow.js: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm');
  }
}

/** The model a factory returns, checked: a compiled LayersModel taking these images and giving class probabilities. */
async function checkedModel(factory: ModelFactory, seed: number, name: string): Promise<LayersModel> {
  let model: unknown;
  try {
    model = await factory({ seed });
  } catch (error) {
    throw new Error(`${name} threw for seed ${seed}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const m = model as LayersModel;
  if (m === null || typeof m !== 'object' || typeof m.predict !== 'function' || typeof m.save !== 'function' || typeof m.getWeights !== 'function') {
    throw invalidParameterError(name, 'a function returning a tf.LayersModel', model);
  }
  if (!m.optimizer) throw new TypeError(`Expected a compiled model from ${name} (call model.compile({ optimizer, loss }) in it)`);
  const loss = (m as unknown as { loss: unknown }).loss;
  if (typeof loss !== 'string') throw new TypeError(`Expected ${name}'s model compiled with a loss given by name (e.g. 'categoricalCrossentropy'), so workers can rebuild it`);
  if (/^sparse/i.test(loss)) throw new TypeError(`Expected a loss on one-hot targets from ${name} (e.g. 'categoricalCrossentropy'; label conditions change one-hot targets) but received ${loss}`);
  return m;
}

async function artifactsOf(tf: Tf, model: LayersModel): Promise<ModelArtifacts> {
  let saved: import('@tensorflow/tfjs').io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const weightData = saved!.weightData;
  const buffer = Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : (weightData as ArrayBuffer | undefined) ?? new ArrayBuffer(0);
  return {
    modelTopology: saved!.modelTopology as object,
    weightSpecs: (saved!.weightSpecs ?? []) as ModelArtifacts['weightSpecs'],
    weightData: buffer,
    trainingConfig: (model as unknown as { getTrainingConfig(): object }).getTrainingConfig(),
  };
}

const sameShapes = (a: ModelArtifacts, b: ModelArtifacts): boolean =>
  a.weightSpecs.length === b.weightSpecs.length && a.weightSpecs.every((s, i) => s.dtype === b.weightSpecs[i]!.dtype && s.shape.join() === b.weightSpecs[i]!.shape.join());

function describeModel(model: LayersModel): string {
  const layers = model.layers.map((l) => {
    const c = l.getConfig() as Record<string, unknown>;
    const detail = [c.units, c.filters, c.kernelSize, c.activation && c.activation !== 'linear' ? c.activation : undefined, c.stddev, c.rate].filter((v) => v !== undefined && v !== null);
    return `${l.getClassName()}${detail.length ? `(${detail.join(', ')})` : ''}`;
  }).filter((s) => s !== 'InputLayer');
  const optimizer = model.optimizer as unknown as { getClassName(): string; getConfig(): Record<string, unknown> };
  const lr = optimizer.getConfig().learningRate;
  return `${layers.join(' → ')}; ${model.countParams().toLocaleString('en-US')} parameters; ${optimizer.getClassName()}${lr !== undefined ? ` (lr ${String(lr)})` : ''}; ${String((model as unknown as { loss: string }).loss)}`;
}

/** A seeded permutation of 0 … n−1 (Fisher–Yates on fastaug uniforms): epoch e's order for seed s, shared by every condition. */
export function shuffleOrder(n: number, seed: number, epoch: number): Int32Array {
  const u = randomUniform(n, { seed, epoch });
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = Math.floor(u[i]! * (i + 1));
    const t = p[i]!; p[i] = p[j]!; p[j] = t;
  }
  return p;
}

function shared<T extends Uint8Array | Float32Array | Uint16Array>(a: T): T {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

/** An epoch's training data for a condition at a seed; runs the caller's augmenters, so its errors name the condition. */
export function makeEpoch(c: StudyCondition, train: ImageLabels, oneHot: Float32Array, numClasses: number, seed: number, epoch: number): EpochData {
  const started = performance.now();
  let images: Uint8Array | Float32Array | null = null;
  if (c.images) {
    const out = c.images(train.batch, seed, epoch);
    if (!out || out.data?.constructor !== train.batch.data.constructor || out.data.length !== train.batch.data.length) {
      throw new TypeError(`conditions.${c.name} returned ${describeBatch(out)}; expected a batch like its input (${train.batch.data.constructor.name} of ${train.batch.data.length})`);
    }
    images = out.data === train.batch.data ? null : out.data.slice();
  }
  let targets = oneHot;
  if (c.labels) {
    targets = c.labels(oneHot.slice(), train.labels, seed, epoch);
    if (!(targets instanceof Float32Array) || targets.length !== oneHot.length) {
      throw new TypeError(`conditions.${c.name}.labels returned ${targets?.constructor?.name ?? String(targets)}; expected a Float32Array of ${train.labels.length}·${numClasses}`);
    }
  }
  targets = targets === oneHot ? oneHot.slice() : targets.slice();
  return { images, targets, order: shuffleOrder(train.labels.length, seed, epoch), augmentSeconds: (performance.now() - started) / 1000 };
}

const describeBatch = (b: unknown): string => (b && typeof b === 'object' && 'data' in b ? `a batch of ${(b as Batch).data?.constructor?.name} ${(b as Batch).data?.length}` : String(b));

interface TestSets { info: TestSetInfo[]; data: Map<string, Uint8Array | Float32Array> }

function prepareTestSets(test: ImageLabels, families: readonly CorruptionFamily[], conditions: StudyCondition[], seed: number, valueRange: [number, number]): TestSets {
  const info: TestSetInfo[] = [{ id: 'clean', kind: 'clean' }];
  const data = new Map<string, Uint8Array | Float32Array>([['clean', test.batch.data]]);
  const ctx = { seed, index: 0, valueRange };
  for (const family of families) {
    family.severities.forEach((s, i) => {
      const id = `${family.name}/${i + 1}`;
      info.push({ id, kind: 'corruption', family: family.name, severity: i + 1, label: s.label });
      data.set(id, s.apply(test.batch, ctx).data);
    });
  }
  info.push({ id: 'consistency', kind: 'consistency', label: '1-pixel shift' });
  data.set('consistency', consistencyShift(test.batch, ctx).data);
  for (const c of conditions) {
    if (!c.images) continue;
    info.push({ id: `augmented:${c.name}`, kind: 'augmented', label: c.name });
    // a held-out epoch (2^32 − 1) so the test images are not augmented as training image i was
    try {
      data.set(`augmented:${c.name}`, c.images(test.batch, seed, 2 ** 32 - 1).data);
    } catch (error) {
      throw new Error(`conditions.${c.name} threw on the test images: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { info, data };
}

/** What identifies a model apart from its layers' generated names (which count up in a process): layer classes and weight shapes. */
function modelShape(a: ModelArtifacts): unknown {
  return [JSON.stringify(a.modelTopology).match(/"class_name":"[^"]*"/g), a.weightSpecs.map((w) => [w.shape, w.dtype])];
}

function fingerprint(parts: unknown[]): string {
  const hash = createHash('sha256');
  for (const p of parts) {
    if (ArrayBuffer.isView(p)) hash.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    else hash.update(JSON.stringify(p));
  }
  return hash.digest('hex');
}

interface Checkpoint { schema: string; fingerprint: string; runs: RunRecord[] }

function readCheckpoint(file: string | undefined, resume: boolean, print: string): RunRecord[] {
  if (!resume) return [];
  if (!file) throw new TypeError('resume needs checkpoint: the file the earlier study saved its runs to');
  if (!existsSync(file)) return [];
  let saved: Checkpoint;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  } catch (error) {
    throw new Error(`checkpoint ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (saved.schema !== IMPACT_SCHEMA || saved.fingerprint !== print) {
    throw new Error(`checkpoint ${file} is from another study (different data, model, conditions, seeds or settings): use another checkpoint file or drop resume`);
  }
  return saved.runs.filter((r) => r.status === 'ok');
}

function writeCheckpoint(file: string, print: string, runs: RunRecord[]): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, JSON.stringify({ schema: IMPACT_SCHEMA, fingerprint: print, runs } satisfies Checkpoint));
  renameSync(temp, file);
}

export function workerScript(): string {
  const beside = path.join(__dirname, 'worker.js');
  // from the TypeScript sources (tests), the compiled worker of dist/
  return existsSync(beside) ? beside : path.resolve(__dirname, '../../dist/cjs/impact/worker.js');
}

/** One training worker thread: started with the study's data, then given one job at a time. */
export class TrainingWorker {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private current?: { job: Job; onEpoch: (epoch: number) => EpochData; resolve: (r: Omit<RunRecord, 'worker'>) => void; reject: (e: Error) => void };

  constructor(init: WorkerInit) {
    this.worker = new Worker(workerScript());
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'init-failed') reject(new Error(`a training worker could not start TF.js: ${m.error}`));
        else if (m.type === 'need-epoch') this.sendEpoch(m.jobId, m.epoch);
        else if (m.type === 'done') { const c = this.current; this.current = undefined; c?.resolve(m.record); }
      });
      const died = (error: Error): void => { reject(error); const c = this.current; this.current = undefined; c?.reject(error); };
      this.worker.on('error', died);
      this.worker.on('exit', (code) => died(new Error(`the training worker exited (code ${code})`)));
    });
    this.worker.postMessage({ type: 'init', init } satisfies ToWorker);
  }

  private sendEpoch(jobId: number, epoch: number): void {
    try {
      const data = this.current!.onEpoch(epoch);
      const transfer = [data.targets.buffer, data.order.buffer, ...(data.images ? [data.images.buffer] : [])] as ArrayBuffer[];
      this.worker.postMessage({ type: 'epoch', jobId, epoch, data } satisfies ToWorker, transfer);
    } catch (error) {
      this.worker.postMessage({ type: 'epoch', jobId, epoch, data: null, error: error instanceof Error ? error.message : String(error) } satisfies ToWorker);
    }
  }

  async run(job: Job, onEpoch: (epoch: number) => EpochData): Promise<Omit<RunRecord, 'worker'>> {
    await this.ready;
    return new Promise((resolve, reject) => {
      this.current = { job, onEpoch, resolve, reject };
      this.worker.postMessage({ type: 'run', job } satisfies ToWorker);
    });
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/**
 * Runs the jobs (seed-major order) on `size` workers. A new seed block starts
 * only while the budget allows a whole block, so a budgeted study ends with
 * complete paired blocks. A worker that dies fails its job (recorded with the
 * reason) and is replaced.
 */
async function runJobs(init: WorkerInit, size: number, jobs: Job[], budget: number, started: number,
  onEpoch: (job: Job, epoch: number) => EpochData, onDone: (record: RunRecord) => void): Promise<void> {
  const queue = [...jobs];
  const firstSeed = jobs[0]?.seed;
  const perBlock = jobs.filter((j) => j.seed === firstSeed).length;
  const seconds: number[] = [];
  const started_ = new Set<number>();
  const take = (): Job | undefined => {
    const job = queue[0];
    if (job && !started_.has(job.seed) && job.seed !== firstSeed) {
      const mean = seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : 0;
      if ((performance.now() - started) / 1000 + (mean * perBlock) / size > budget) queue.length = 0;
    }
    const next = queue.shift();
    if (next) started_.add(next.seed);
    return next;
  };
  await Promise.all(Array.from({ length: size }, async (_, id) => {
    let worker = new TrainingWorker(init);
    for (let job = take(); job; job = take()) {
      try {
        const record = await worker.run(job, (epoch) => onEpoch(job!, epoch));
        seconds.push(record.seconds);
        onDone({ ...record, worker: id });
      } catch (error) {
        if (/could not start TF.js/.test(String(error))) { queue.length = 0; throw error; }
        onDone({ condition: job.condition, seed: job.seed, status: 'failed', error: `the worker died: ${error instanceof Error ? error.message : String(error)}`, epochs: [], predictions: {}, seconds: 0, worker: id });
        worker = new TrainingWorker(init);
      }
    }
    await worker.stop();
  }));
}

/** Trains the model under each condition and seed, tests it on clean and corrupted data, and analyses the paired results. */
export async function measureImpact(options: MeasureImpactOptions): Promise<ImpactReport> {
  const started = performance.now();
  if (!isPlainObject(options)) throw invalidParameterError('options', 'an object { model, train, test, conditions, … }', options);
  const unknown = Object.keys(options).find((k) => !OPTION_NAMES.includes(k));
  if (unknown) throw new TypeError(`Unknown option '${unknown}' for measureImpact; expected some of: ${OPTION_NAMES.join(', ')}`);
  if (typeof options.model !== 'function') throw invalidParameterError('model', 'a function ({ seed }) => compiled tf.LayersModel', options.model);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw invalidParameterError('onProgress', 'a function', options.onProgress);
  const queue = options.queue === undefined ? undefined : queueSettings(options.queue);
  if (queue && options.budget !== undefined) throw new TypeError('budget is for local studies: a queue study runs every job it enqueues (leave budget out, or queue)');
  if (queue) await probeRedis(queue.url, queue.redis);
  const train = await studyData('train', options.train);
  const test = await studyData('test', options.test);
  const [, h, w, c] = train.batch.shape;
  if (test.batch.shape[1] !== h || test.batch.shape[2] !== w || test.batch.shape[3] !== c || test.batch.data.constructor !== train.batch.data.constructor) {
    throw new RangeError(`Expected test images like the training images (${train.batch.data.constructor.name} ${h}×${w}×${c}) but test.xs holds ${test.batch.data.constructor.name} ${test.batch.shape.slice(1).join('×')}`);
  }
  const tf = await loadTf();
  const dtype = train.batch.data instanceof Uint8Array ? 'uint8' : 'float32';

  // the model: checked once, then once per seed
  const first = await checkedModel(options.model, typeof options.seeds === 'object' && Array.isArray(options.seeds) ? Number(options.seeds[0]) : 1, 'model');
  const inputShape = first.inputs[0]!.shape.slice(1) as number[];
  const outputShape = first.outputs[0]!.shape;
  if (inputShape.some((d) => d === null) || inputShape.reduce((a, b) => a * b, 1) !== h * w * c) {
    throw new RangeError(`Expected a model taking ${h}×${w}×${c} = ${h * w * c} values per image, as the images have, but model's input is [${first.inputs[0]!.shape.map(String).join(', ')}]`);
  }
  if (outputShape.length !== 2 || !(Number(outputShape[1]) >= 2)) throw new RangeError(`Expected a model giving class probabilities [batch, classes] but model's output is [${outputShape.map(String).join(', ')}]`);
  const numClasses = Number(outputShape[1]);
  for (const [name, set] of [['train', train], ['test', test]] as const) {
    const bad = set.labels.findIndex((l) => l >= numClasses);
    if (bad >= 0) throw new RangeError(`Expected ${name}.ys in 0…${numClasses - 1} (the model has ${numClasses} classes) but received ${set.labels[bad]} at ${bad}`);
  }
  const conditions = studyConditions(options.conditions, numClasses);
  const unserial = queue && conditions.find((x) => (x.images || x.labels) && !x.serial);
  if (unserial) {
    throw new TypeError(`conditions.${unserial.name} is the caller's function: a queue study sends conditions as data (a Pipeline, { smooth } or { flip }, a model), never code`);
  }
  const families = options.corruptions === undefined || options.corruptions === 'default' ? DEFAULT_CORRUPTIONS
    : options.corruptions === 'none' ? []
    : Array.isArray(options.corruptions) ? options.corruptions.map((f) => corruptionFamily(f)) : (() => { throw invalidParameterError('corruptions', "'default', 'none' or an array of corruption families", options.corruptions); })();
  const s = settingsOf(options, conditions.length * (Array.isArray(options.seeds) ? options.seeds.length : options.seeds ?? 5), dtype);
  if (options.classNames !== undefined && (!Array.isArray(options.classNames) || options.classNames.length !== numClasses)) {
    throw invalidParameterError('classNames', `${numClasses} names (one per class)`, options.classNames);
  }

  // each seed's initial weights, shared by every condition (the paired design)
  const modelDescription = describeModel(first);
  const firstWeights = first.getWeights().map((t) => t.dataSync().slice());
  first.dispose();
  const artifacts = new Map<string, ModelArtifacts>();
  for (const seed of s.seeds) {
    const base = await checkedModel(options.model, seed, 'model');
    if (seed === s.seeds[0]) {
      const again = base.getWeights().map((t) => t.dataSync());
      if (again.length !== firstWeights.length || again.some((a, i) => a.some((v, k) => !Object.is(v, firstWeights[i]![k])))) {
        throw new Error(`model gave different initial weights for the same seed: seed every initializer from { seed } (e.g. tf.initializers.glorotUniform({ seed })), or runs cannot be paired or reproduced`);
      }
    }
    const baseArtifacts = await artifactsOf(tf, base);
    base.dispose();
    for (const cond of conditions) {
      if (!cond.model) { artifacts.set(`${cond.name}/${seed}`, baseArtifacts); continue; }
      const own = await checkedModel(cond.model, seed, `conditions.${cond.name}.model`);
      const ownArtifacts = await artifactsOf(tf, own);
      own.dispose();
      artifacts.set(`${cond.name}/${seed}`, sameShapes(ownArtifacts, baseArtifacts) ? { ...ownArtifacts, weightData: baseArtifacts.weightData } : ownArtifacts);
    }
  }

  const testSets = prepareTestSets(test, families, conditions, s.seeds[0]!, s.valueRange);
  const print = fingerprint([IMPACT_SCHEMA, train.batch.data, train.labels, test.batch.data, test.labels, s.epochs, s.batchSize, s.scale, s.offset,
    conditions.map((x) => [x.name, x.description, x.changes]), testSets.info, [...artifacts.entries()].map(([k, a]) => [k, modelShape(a), a.trainingConfig, new Uint8Array(a.weightData)])]);
  // a queue study resumes from Redis, and from its checkpoint file when it has one
  const runs: RunRecord[] = readCheckpoint(options.checkpoint, options.resume === true && !(queue && !options.checkpoint), print);
  const have = new Set(runs.map((r) => `${r.condition}/${r.seed}`));
  let nextId = 0;
  const jobs: Job[] = [];
  for (const seed of s.seeds) {
    for (const cond of conditions) {
      if (have.has(`${cond.name}/${seed}`)) continue;
      const evalSets = testSets.info.filter((t) => t.kind !== 'augmented' || cond.name === 'baseline').map((t) => t.id);
      jobs.push({ id: nextId++, condition: cond.name, seed, epochs: s.epochs, artifacts: artifacts.get(`${cond.name}/${seed}`)!, evalSets });
    }
  }

  const oneHot = oneHotOf(train.labels, numClasses);
  const byName = new Map(conditions.map((x) => [x.name, x]));
  const total = jobs.length + runs.length;
  let failed = 0;
  let workersUsed = Math.min(s.workers, Math.max(1, jobs.length));
  const progress = (last?: RunRecord): void => {
    if (!options.onProgress) return;
    const done = runs.length;
    const elapsed = (performance.now() - started) / 1000;
    const fresh = runs.length - (total - jobs.length);
    options.onProgress({
      done, total, failed, elapsedSeconds: elapsed,
      etaSeconds: fresh > 0 ? (elapsed / fresh) * (total - done) : NaN,
      ...(last ? { last: { condition: last.condition, seed: last.seed, status: last.status, seconds: last.seconds } } : {}),
    });
  };
  progress();
  if (jobs.length > 0) {
    const init: WorkerInit = {
      train: shared(train.batch.data), inputShape, scale: s.scale, offset: s.offset, numClasses, batchSize: s.batchSize,
      testSets: testSets.info.map((t) => ({ id: t.id, data: shared(testSets.data.get(t.id)!) })),
      testLabels: shared(numClasses <= 256 ? Uint8Array.from(test.labels) : Uint16Array.from(test.labels)),
      backend: s.backend, setup: s.setup,
    };
    const onDone = (record: RunRecord): void => {
      runs.push(record);
      if (record.status === 'failed') failed += 1;
      if (options.checkpoint) writeCheckpoint(options.checkpoint, print, runs);
      progress(record);
    };
    if (queue) {
      workersUsed = await runQueueJobs({ settings: queue, fingerprint: print, init, trainLabels: train.labels, trainShape: train.batch.shape, conditions, resume: options.resume === true }, jobs, onDone);
    } else {
      await runJobs(init, Math.min(s.workers, jobs.length), jobs, s.budget, started,
        (job, epoch) => makeEpoch(byName.get(job.condition)!, train, oneHot, numClasses, job.seed, epoch), onDone);
    }
  }

  const order = new Map(s.seeds.flatMap((seed, i) => conditions.map((x, k) => [`${x.name}/${seed}`, i * conditions.length + k] as const)));
  runs.sort((a, b) => order.get(`${a.condition}/${a.seed}`)! - order.get(`${b.condition}/${b.seed}`)!);
  const tfVersion = (tf.version as Record<string, string>)['tfjs'] ?? (tf.version as Record<string, string>)['tfjs-core'] ?? 'unknown';
  return analyzeStudy({
    schema: IMPACT_SCHEMA,
    created: new Date().toISOString(),
    versions: { fastaug: backendInfo().version, tfjs: tfVersion, tfjsBackend: s.backend, node: process.version },
    settings: {
      data: options.dataDescription ?? `arrays: ${train.labels.length} training and ${test.labels.length} test images of ${h}×${w}×${c} (${dtype})`,
      model: modelDescription,
      train: { n: train.labels.length, shape: [h, w, c] },
      test: { n: test.labels.length },
      numClasses,
      ...(options.classNames ? { classNames: [...options.classNames] } : {}),
      epochs: s.epochs, batchSize: s.batchSize, seeds: s.seeds, level: s.level,
      bootstrap: { replicates: s.replicates, seed: s.bootstrapSeed },
      workers: workersUsed,
    },
    testLabels: Buffer.from(numClasses <= 256 ? Uint8Array.from(test.labels) : new Uint8Array(Uint16Array.from(test.labels).buffer)).toString('base64'),
    testSets: testSets.info,
    families: families.map((f) => ({ name: f.name, description: f.description, severities: f.severities.map((x) => x.label), heldOut: f.heldOut })),
    conditions: conditions.map((x) => ({ name: x.name, description: x.description, changes: x.changes, trainsOn: x.trainsOn })),
    runs,
    timing: { wallSeconds: (performance.now() - started) / 1000, runSeconds: runs.reduce((a, r) => a + r.seconds, 0), workers: workersUsed },
  });
}
