// fastaug impact: the command-line study on top of `fastaug/impact`. It
// reads any IDX image dataset, builds a model (a documented MLP sized to the
// data, or a saved TF.js topology re-initialised per seed), runs the default
// conditions, and writes the report.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { SingleBar } from 'cli-progress';

import { DEFAULT_DATA_DIR } from '../data/idx.js';
import { loadIdx } from '../data/index.js';
import { Pipeline } from '../index.js';
import type { Batch } from '../ops/batch.js';
import type { Condition, ModelFactory } from '../impact/conditions.js';
import { measureImpact, type ImpactProgress } from '../impact/measure.js';
import { terminalSummary, writeImpactReport } from '../impact/report/index.js';
import type { ImpactReport } from '../impact/types.js';

type Tf = typeof import('@tensorflow/tfjs');

export interface ImpactCliOptions {
  data: string;
  out: string;
  quick: boolean;
  seeds?: number;
  train?: number;
  test?: number;
  epochs?: number;
  workers?: number;
  budget?: number;
  resume: boolean;
  /** a TF.js model.json whose topology is trained (re-initialised per seed) instead of the default MLP */
  model?: string;
  conditions?: string[];
  backend?: string;
  progress: 'bar' | 'lines' | 'none';
  /** run on `fastaug worker` processes through this Redis (redis:// or rediss://) */
  queue?: string;
  queueName?: string;
  /** where the study's data file is written for the workers (a directory every worker reads at the same path) */
  sharedDir?: string;
}

/** The hidden-unit noise a model condition inserts after the first hidden layer. */
type HiddenNoise = { className: 'GaussianNoise'; config: { stddev: number } } | { className: 'GaussianDropout'; config: { rate: number } };

/** The default study's conditions (README "Measuring impact"); uint8 pixel units. */
export function defaultConditions(model: (hidden?: HiddenNoise) => ModelFactory): Record<string, Condition> {
  return {
    'shift-int': { images: new Pipeline([{ op: 'shift', options: { x: 0.1, y: 0.1, subpixel: false, fill: 'constant' } }]), description: 'integer shift, up to ±10 % of the size, constant fill' },
    'shift-subpixel': { images: new Pipeline([{ op: 'shift', options: { x: 0.1, y: 0.1, fill: 'constant' } }]), description: 'subpixel bilinear shift, up to ±10 %, constant fill' },
    'gaussian-input': { images: new Pipeline([{ op: 'gaussianNoise', options: { std: [0, 40] } }]), description: 'gaussian input noise, σ drawn in [0, 40] pixel levels' },
    'salt-pepper': { images: new Pipeline([{ op: 'saltAndPepper', options: { amount: [0, 0.08] } }]), description: 'salt and pepper, amount drawn in [0, 0.08]' },
    'hidden-noise': { model: model({ className: 'GaussianNoise', config: { stddev: 0.5 } }), description: 'GaussianNoise layer (σ 0.5) after the first hidden layer' },
    'gaussian-dropout': { model: model({ className: 'GaussianDropout', config: { rate: 0.3 } }), description: 'GaussianDropout layer (rate 0.3) after the first hidden layer' },
    'label-smoothing': { labels: { smooth: 0.1 }, description: 'label smoothing, ε 0.1' },
    'label-flips': { labels: { flip: 0.1 }, description: 'symmetric label flips, p 0.1' },
    pipeline: {
      images: new Pipeline([
        { op: 'shift', options: { x: 0.08, y: 0.08, fill: 'constant' } },
        { op: 'gaussianNoise', options: { std: [0, 20] }, p: 0.5 },
        { op: 'saltAndPepper', options: { amount: [0, 0.03] }, p: 0.5 },
      ]),
      labels: { smooth: 0.05 },
      description: 'Pipeline: subpixel shift ±8 %, then (p 0.5) gaussian σ ≤ 20, (p 0.5) salt and pepper ≤ 3 %; label smoothing ε 0.05',
    },
  };
}

/** The default model: flatten → Dense 128 ReLU → [noise] → Dense K softmax, Adam 1e-3, seeded Glorot initializers. */
function mlpFactory(tf: Tf, inputs: number, numClasses: number) {
  return (hidden?: HiddenNoise): ModelFactory => async ({ seed }) => {
    const { GaussianDropout, GaussianNoise } = await import('../tfjs/layers.js');
    const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 16 + k });
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [inputs], units: 128, activation: 'relu', kernelInitializer: init(1) }));
    if (hidden?.className === 'GaussianNoise') model.add(new GaussianNoise({ ...hidden.config, seed }));
    if (hidden?.className === 'GaussianDropout') model.add(new GaussianDropout({ ...hidden.config, seed }));
    model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: init(2) }));
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    return model;
  };
}

type Json = Record<string, unknown>;

/** Sets `seed` in every initializer config of a Keras/TF.js topology: layer k's initializers get seed · 1000 + k. */
function seedInitializers(node: unknown, seed: number, counter: { k: number }): void {
  if (Array.isArray(node)) { node.forEach((n) => seedInitializers(n, seed, counter)); return; }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Json)) {
    if (/initializer$/.test(key) && value && typeof value === 'object' && (value as Json).config && typeof (value as Json).config === 'object') {
      ((value as Json).config as Json).seed = seed * 1000 + counter.k++;
    } else seedInitializers(value, seed, counter);
  }
}

/** A saved TF.js model.json's topology, re-initialised per seed and compiled with its training config (or Adam 1e-3). */
async function topologyFactory(tf: Tf, file: string) {
  let json: Json;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    throw new Error(`--model ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const topology = (json.modelTopology ?? json) as Json;
  if (!topology || typeof topology !== 'object' || !('class_name' in topology || 'model_config' in topology)) throw new Error(`--model ${file}: not a TF.js model.json (no modelTopology)`);
  const training = json.trainingConfig as Json | undefined;
  return (hidden?: HiddenNoise): ModelFactory => async ({ seed }) => {
    await import('../tfjs/layers.js');
    const config = structuredClone((topology.model_config ?? topology) as Json);
    seedInitializers(config, seed, { k: 0 });
    if (hidden) insertHiddenNoise(config, hidden, seed, file);
    const model = await tf.models.modelFromJSON(config as never) as import('@tensorflow/tfjs').LayersModel;
    const optimizer = training?.optimizer_config ? tf.serialization.SerializationMap.getMap().classNameMap[String((training.optimizer_config as Json).class_name)] : undefined;
    model.compile({
      optimizer: optimizer ? (optimizer[1](optimizer[0] as never, (training!.optimizer_config as Json).config as never) as import('@tensorflow/tfjs').Optimizer) : tf.train.adam(1e-3),
      loss: typeof training?.loss === 'string' ? training.loss.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : 'categoricalCrossentropy',
    });
    return model;
  };
}

function insertHiddenNoise(config: Json, hidden: HiddenNoise, seed: number, file: string): void {
  const layers = ((config.config as Json | undefined)?.layers ?? config.layers) as Json[] | undefined;
  if (config.class_name !== 'Sequential' || !Array.isArray(layers)) throw new Error(`--model ${file}: the hidden-noise conditions need a Sequential model (leave them out with --conditions)`);
  const first = layers.findIndex((l, i) => i < layers.length - 1 && /^(Dense|Conv2D)$/.test(String(l.class_name)));
  if (first < 0) throw new Error(`--model ${file}: no hidden Dense or Conv2D layer to put the noise after`);
  layers.splice(first + 1, 0, { class_name: hidden.className, config: { ...hidden.config, seed, name: `fastaug_${hidden.className.toLowerCase()}` } });
}

function readImages(dir: string, split: 'train' | 't10k'): { batch: Batch; labels: Uint8Array | Int32Array } {
  const find = (stem: string) => [`${stem}.gz`, stem].map((f) => path.join(dir, f));
  const imagesFile = find(`${split}-images-idx3-ubyte`).find(existsSync);
  const labelsFile = find(`${split}-labels-idx1-ubyte`).find(existsSync);
  if (!imagesFile || !labelsFile) {
    const hint = dir === DEFAULT_DATA_DIR ? "install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)" : 'pass --data with a directory of IDX files';
    throw new Error(`no ${split}-images-idx3-ubyte[.gz] and ${split}-labels-idx1-ubyte[.gz] in ${dir}: ${hint}`);
  }
  const images = loadIdx(imagesFile);
  const labels = loadIdx(labelsFile);
  if (!(images.data instanceof Uint8Array) || (images.shape.length !== 3 && images.shape.length !== 4)) throw new Error(`${imagesFile}: expected uint8 images of shape [n, h, w] or [n, h, w, c]`);
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) throw new Error(`${labelsFile}: expected ${images.shape[0]} labels`);
  if (images.shape[0] === 0) throw new Error(`${dir}: the ${split} split has no images`);
  const [n, h, w, c = 1] = images.shape as number[];
  return { batch: { data: images.data, shape: [n!, h!, w!, c] }, labels: labels.data as Uint8Array | Int32Array };
}

function subset(set: { batch: Batch; labels: ArrayLike<number> }, count: number): { xs: Batch; ys: ArrayLike<number> } {
  const [n, h, w, c] = set.batch.shape;
  const m = Math.min(n, count);
  return { xs: { data: set.batch.data.subarray(0, m * h * w * c), shape: [m, h, w, c] }, ys: Array.prototype.slice.call(set.labels, 0, m) as number[] };
}

function progressReporter(mode: ImpactCliOptions['progress']): { update: (p: ImpactProgress) => void; stop: () => void } {
  if (mode === 'none') return { update: () => {}, stop: () => {} };
  if (mode === 'bar') {
    const bar = new SingleBar({ format: 'impact [{bar}] {value}/{total} runs · {last} · eta {eta_formatted}', stream: process.stderr, hideCursor: true });
    let started = false;
    return {
      update: (p) => {
        if (!started) { bar.start(p.total, p.done, { last: 'starting' }); started = true; }
        bar.update(p.done, { last: p.last ? `${p.last.condition} seed ${p.last.seed}${p.last.status === 'failed' ? ' FAILED' : ''}` : 'starting' });
      },
      stop: () => bar.stop(),
    };
  }
  // not a terminal: a plain line every 5 seconds (a run can take minutes), and at the end
  const started = Date.now();
  let latest: ImpactProgress | undefined;
  const print = (): void => {
    if (!latest) return;
    const elapsed = (Date.now() - started) / 1000;
    const left = Number.isFinite(latest.etaSeconds) ? Math.max(0, latest.etaSeconds - (elapsed - latest.elapsedSeconds)) : NaN;
    const eta = Number.isFinite(left) ? `, about ${Math.ceil(left)} s left` : '';
    process.stderr.write(`fastaug impact: ${latest.done}/${latest.total} runs${latest.failed ? ` (${latest.failed} failed)` : ''}, ${elapsed.toFixed(0)} s${eta}\n`);
  };
  const timer = setInterval(print, 5000);
  timer.unref();
  return {
    update: (p) => {
      latest = p;
      if (p.done === p.total) print();
    },
    stop: () => clearInterval(timer),
  };
}

export async function runImpact(o: ImpactCliOptions): Promise<ImpactReport> {
  // before any training: a bad --out would otherwise lose a run of many minutes
  mkdirSync(o.out, { recursive: true });
  const train = readImages(o.data, 'train');
  const test = readImages(o.data, 't10k');
  const [, h, w, c] = train.batch.shape;
  if (test.batch.shape[1] !== h || test.batch.shape[2] !== w || test.batch.shape[3] !== c) throw new Error(`${o.data}: training images are ${h}×${w}×${c} but test images ${test.batch.shape.slice(1).join('×')}`);
  const numClasses = Math.max(...Array.from(train.labels), ...Array.from(test.labels)) + 1;
  if (numClasses < 2) throw new Error(`${o.data}: the labels name only one class`);
  let tf: Tf;
  try { tf = await import('@tensorflow/tfjs'); } catch { throw new Error('fastaug impact needs TensorFlow.js: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm'); }
  const factory = o.model ? await topologyFactory(tf, o.model) : mlpFactory(tf, h * w * c, numClasses);
  const all = defaultConditions(factory);
  const names = o.conditions?.filter((n) => n !== 'baseline') ?? Object.keys(all);
  const unknown = names.filter((n) => !(n in all));
  if (unknown.length > 0) throw new Error(`unknown condition ${unknown.join(', ')}; expected some of: baseline, ${Object.keys(all).join(', ')}`);
  const reporter = progressReporter(o.progress);
  const trainSize = o.train ?? (o.quick ? 6000 : Infinity);
  const testSize = o.test ?? (o.quick ? 2000 : Infinity);
  const trainSet = subset(train, trainSize);
  const testSet = subset(test, testSize);
  try {
    const report = await measureImpact({
      model: factory(),
      train: trainSet,
      test: testSet,
      conditions: Object.fromEntries(names.map((n) => [n, all[n]!])),
      seeds: o.seeds ?? 5,
      epochs: o.epochs ?? (o.quick ? 2 : 3),
      batchSize: 64,
      workers: o.workers ?? 'auto',
      ...(o.budget !== undefined ? { budget: o.budget } : {}),
      checkpoint: path.join(o.out, 'checkpoint.json'),
      resume: o.resume,
      ...(o.backend ? { backend: o.backend } : {}),
      ...(o.queue ? { queue: { connection: o.queue, ...(o.queueName ? { name: o.queueName } : {}), ...(o.sharedDir ? { dataDir: o.sharedDir } : {}) } } : {}),
      ...(numClasses === 10 && o.data === DEFAULT_DATA_DIR ? { classNames: FASHION_MNIST_CLASSES } : {}),
      dataDescription: o.data,
      onProgress: (p) => reporter.update(p),
    });
    writeImpactReport(report, o.out);
    return report;
  } finally {
    reporter.stop();
  }
}

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export { DEFAULT_DATA_DIR, terminalSummary };
