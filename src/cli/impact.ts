// fastaug impact: how each augmentation changes a model's accuracy, on clean
// and on corrupted test data, with confidence intervals over seeds.
//
// The model is a small MLP (784 → 128 ReLU → [noise layer] → 10 softmax,
// Adam 1e-3, batch 64) trained with TF.js on its wasm backend (the fastest
// TF.js backend that installs here; measured in README). Every random choice
// is seeded: weight initializers, the shuffle, the augmentations. Each epoch
// augments the whole training set in dataset order (sample i, epoch e: the
// same draw whatever the batching), then shuffles it for the batches.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { SingleBar } from 'cli-progress';

import { loadImageDataset, DEFAULT_DATA_DIR, type ImageDataset } from '../data/idx.js';
import { flipLabels, gaussianNoise, labelSmoothing, Pipeline, randomUniform, saltAndPepper, shift } from '../index.js';
import type { Batch } from '../ops/batch.js';
import { differenceInterval, meanInterval, type Interval } from './stats.js';
import { barChart } from './svg.js';

type Tf = typeof import('@tensorflow/tfjs');

export interface ImpactOptions {
  data: string;
  out: string;
  quick: boolean;
  seeds: number;
  train?: number;
  test?: number;
  epochs?: number;
  backend: 'wasm' | 'cpu';
  conditions?: string[];
  progress: boolean;
}

/** What a condition changes: the training images, the labels, or the model. */
interface Condition {
  name: string;
  description: string;
  images?: (batch: Batch, seed: number, epoch: number) => Batch;
  labels?: (oneHot: Float32Array, labels: Uint8Array, seed: number, epoch: number) => Float32Array;
  hidden?: 'gaussianNoise' | 'gaussianDropout';
}

const NUM_CLASSES = 10;

export const CONDITIONS: Condition[] = [
  { name: 'baseline', description: 'no augmentation' },
  {
    name: 'shift-int', description: 'integer shift, up to ±10 % of the size, constant fill',
    images: (b, seed, epoch) => shift(b, { x: 0.1, y: 0.1, subpixel: false, fill: 'constant', seed, epoch }),
  },
  {
    name: 'shift-subpixel', description: 'subpixel bilinear shift, up to ±10 %, constant fill',
    images: (b, seed, epoch) => shift(b, { x: 0.1, y: 0.1, fill: 'constant', seed, epoch }),
  },
  {
    name: 'gaussian-input', description: 'gaussian input noise, σ drawn in [0, 40] pixel levels',
    images: (b, seed, epoch) => gaussianNoise(b, { std: [0, 40], seed, epoch }),
  },
  {
    name: 'salt-pepper', description: 'salt and pepper, amount drawn in [0, 0.08]',
    images: (b, seed, epoch) => saltAndPepper(b, { amount: [0, 0.08], seed, epoch }),
  },
  { name: 'hidden-noise', description: 'GaussianNoise layer (σ 0.5) on the hidden units', hidden: 'gaussianNoise' },
  { name: 'gaussian-dropout', description: 'GaussianDropout layer (rate 0.3) on the hidden units', hidden: 'gaussianDropout' },
  {
    name: 'label-smoothing', description: 'label smoothing, ε 0.1',
    labels: (oneHot) => labelSmoothing(oneHot, { numClasses: NUM_CLASSES, epsilon: 0.1 }),
  },
  {
    name: 'label-flips', description: 'symmetric label flips, p 0.1',
    labels: (_, labels, seed, epoch) => toOneHot(flipLabels(labels, { p: 0.1, numClasses: NUM_CLASSES, seed, epoch })),
  },
  {
    name: 'pipeline', description: 'Pipeline: subpixel shift ±8 %, then (p 0.5) gaussian σ ≤ 20, (p 0.5) salt and pepper ≤ 3 %; label smoothing ε 0.05',
    images: (b, seed, epoch) => new Pipeline([
      { op: 'shift', options: { x: 0.08, y: 0.08, fill: 'constant' } },
      { op: 'gaussianNoise', options: { std: [0, 20] }, p: 0.5 },
      { op: 'saltAndPepper', options: { amount: [0, 0.03] }, p: 0.5 },
    ], { seed }).run(b, { index: 0, epoch }),
    labels: (oneHot) => labelSmoothing(oneHot, { numClasses: NUM_CLASSES, epsilon: 0.05 }),
  },
];

/** Test-set corruptions: the robustness columns of the report. */
interface Corruption { name: string; apply: (b: Batch) => Batch }

function shiftedBy(pixels: number): Corruption {
  return {
    name: `shift ${pixels}px`,
    apply: (b) => {
      // every image moved by `pixels` in x and in y, each direction's sign drawn per image
      const signs = randomUniform(2 * b.shape[0], { seed: 777 + pixels });
      const dx = Array.from({ length: b.shape[0] }, (_, i) => (signs[2 * i]! < 0.5 ? -pixels : pixels));
      const dy = Array.from({ length: b.shape[0] }, (_, i) => (signs[2 * i + 1]! < 0.5 ? -pixels : pixels));
      return shift(b, { dx, dy, fill: 'constant' });
    },
  };
}

export const CORRUPTIONS: Corruption[] = [
  shiftedBy(1), shiftedBy(2), shiftedBy(3), shiftedBy(4),
  ...[16, 32, 64].map((std) => ({ name: `gaussian σ${std}`, apply: (b: Batch) => gaussianNoise(b, { std, seed: 991 }) })),
  ...[0.05, 0.1].map((amount) => ({ name: `s&p ${amount * 100}%`, apply: (b: Batch) => saltAndPepper(b, { amount, seed: 992 }) })),
];

export function toOneHot(labels: ArrayLike<number>): Float32Array {
  const out = new Float32Array(labels.length * NUM_CLASSES);
  for (let i = 0; i < labels.length; i += 1) out[i * NUM_CLASSES + labels[i]!] = 1;
  return out;
}

function subset(d: ImageDataset, count: number): ImageDataset {
  const n = Math.min(count, d.n);
  return { ...d, n, images: d.images.subarray(0, n * d.h * d.w), labels: d.labels.subarray(0, n) };
}

/** A seeded permutation of 0 … n−1 (Fisher–Yates on fastaug uniforms). */
function permutation(n: number, seed: number, epoch: number): Int32Array {
  const u = randomUniform(n, { seed, epoch });
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = Math.floor(u[i]! * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

async function loadTf(backend: 'wasm' | 'cpu'): Promise<Tf> {
  let tf: Tf;
  try {
    tf = await import('@tensorflow/tfjs');
    if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  } catch {
    throw new Error("fastaug impact needs TensorFlow.js: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm");
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

async function buildModel(tf: Tf, condition: Condition, seed: number): Promise<import('@tensorflow/tfjs').Sequential> {
  const { GaussianDropout, GaussianNoise } = await import('../tfjs/layers.js');
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 16 + k });
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: init(1) }));
  if (condition.hidden === 'gaussianNoise') model.add(new GaussianNoise({ stddev: 0.5, seed }));
  if (condition.hidden === 'gaussianDropout') model.add(new GaussianDropout({ rate: 0.3, seed }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', kernelInitializer: init(2) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

function toFloats(images: Uint8Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i += 1) out[i] = images[i]! / 255;
  return out;
}

async function accuracy(tf: Tf, model: import('@tensorflow/tfjs').Sequential, images: Uint8Array, labels: Uint8Array): Promise<number> {
  const n = labels.length;
  const predicted = tf.tidy(() => {
    const x = tf.tensor2d(toFloats(images), [n, 784]);
    return (model.predict(x, { batchSize: 1000 }) as import('@tensorflow/tfjs').Tensor).argMax(-1);
  });
  const p = await predicted.data();
  predicted.dispose();
  let correct = 0;
  for (let i = 0; i < n; i += 1) if (p[i] === labels[i]) correct += 1;
  return correct / n;
}

interface RunResult { condition: string; seed: number; clean: number; corrupted: Record<string, number> }

async function trainAndEvaluate(tf: Tf, condition: Condition, seed: number, train: ImageDataset, test: ImageDataset, epochs: number, corruptedTests: Array<{ name: string; images: Uint8Array }>): Promise<RunResult> {
  const model = await buildModel(tf, condition, seed);
  const pixels = train.h * train.w;
  const batch: Batch = { data: train.images, shape: [train.n, train.h, train.w, 1] };
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    const images = condition.images ? (condition.images(batch, seed, epoch).data as Uint8Array) : train.images;
    let targets = toOneHot(train.labels);
    if (condition.labels) targets = condition.labels(targets, train.labels, seed, epoch);
    const order = permutation(train.n, seed, epoch);
    const x = new Float32Array(train.n * pixels);
    const y = new Float32Array(train.n * NUM_CLASSES);
    for (let i = 0; i < train.n; i += 1) {
      const from = order[i]!;
      for (let k = 0; k < pixels; k += 1) x[i * pixels + k] = images[from * pixels + k]! / 255;
      y.set(targets.subarray(from * NUM_CLASSES, (from + 1) * NUM_CLASSES), i * NUM_CLASSES);
    }
    const xs = tf.tensor2d(x, [train.n, pixels]);
    const ys = tf.tensor2d(y, [train.n, NUM_CLASSES]);
    await model.fit(xs, ys, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
    tf.dispose([xs, ys]);
  }
  const clean = await accuracy(tf, model, test.images, test.labels);
  const corrupted: Record<string, number> = {};
  for (const c of corruptedTests) corrupted[c.name] = await accuracy(tf, model, c.images, test.labels);
  model.dispose();
  return { condition: condition.name, seed, clean, corrupted };
}

export interface ConditionSummary {
  condition: string;
  description: string;
  clean: Interval;
  vsBaseline: Interval & { df: number } | null;
  corrupted: Record<string, Interval>;
  robustness: Interval;
}

export interface ImpactReport {
  settings: { data: string; train: number; test: number; epochs: number; seeds: number[]; tfjsBackend: string; model: string };
  runs: RunResult[];
  summary: ConditionSummary[];
}

export function summarize(runs: RunResult[], conditions: Condition[]): ConditionSummary[] {
  const baseline = runs.filter((r) => r.condition === 'baseline').map((r) => r.clean);
  return conditions.map((c) => {
    const mine = runs.filter((r) => r.condition === c.name);
    const corrupted = Object.fromEntries(CORRUPTIONS.map((k) => [k.name, meanInterval(mine.map((r) => r.corrupted[k.name]!))]));
    const robustnessPerRun = mine.map((r) => CORRUPTIONS.reduce((a, k) => a + r.corrupted[k.name]!, 0) / CORRUPTIONS.length);
    return {
      condition: c.name,
      description: c.description,
      clean: meanInterval(mine.map((r) => r.clean)),
      vsBaseline: c.name === 'baseline' || baseline.length < 2 ? null : differenceInterval(mine.map((r) => r.clean), baseline),
      corrupted,
      robustness: meanInterval(robustnessPerRun),
    };
  });
}

const pct = (v: number): string => (100 * v).toFixed(2);
const ci = (i: Interval): string => (Number.isFinite(i.halfWidth) ? `${pct(i.mean)} ± ${pct(i.halfWidth)}` : pct(i.mean));
const signed = (i: Interval): string => `${i.mean >= 0 ? '+' : ''}${pct(i.mean)} ± ${pct(i.halfWidth)}`;

export function markdownReport(report: ImpactReport): string {
  const s = report.settings;
  const lines = [
    '# fastaug impact report',
    '',
    `Model: ${s.model}. TF.js backend: ${s.tfjsBackend}. Data: ${s.data} (${s.train} training, ${s.test} test images), ${s.epochs} epochs, seeds ${s.seeds.join(', ')}.`,
    'Accuracy in %, mean ± 95 % confidence interval over seeds (Student t); "vs baseline" is the difference of means with a Welch interval.',
    'Robustness is the mean accuracy over the corrupted test sets.',
    '',
    `| condition | clean accuracy | vs baseline | robustness | ${CORRUPTIONS.map((c) => c.name).join(' | ')} |`,
    `|---|---|---|---|${CORRUPTIONS.map(() => '---').join('|')}|`,
    ...report.summary.map((r) => `| ${r.condition} | ${ci(r.clean)} | ${r.vsBaseline ? signed(r.vsBaseline) : '—'} | ${ci(r.robustness)} | ${CORRUPTIONS.map((c) => pct(r.corrupted[c.name]!.mean)).join(' | ')} |`),
    '',
    '| condition | what it does |',
    '|---|---|',
    ...report.summary.map((r) => `| ${r.condition} | ${r.description} |`),
    '',
  ];
  return lines.join('\n');
}

export function impactChart(report: ImpactReport): string {
  return barChart({
    title: 'fastaug impact: accuracy (%) with 95 % intervals over seeds',
    unit: 'accuracy %',
    min: Math.max(0, Math.floor(Math.min(...report.summary.map((r) => 100 * Math.min(r.clean.mean, r.robustness.mean))) / 10) * 10 - 10),
    groups: report.summary.map((r) => ({
      label: r.condition,
      bars: [
        { label: 'clean test set', value: 100 * r.clean.mean, lo: 100 * (r.clean.mean - r.clean.halfWidth), hi: 100 * (r.clean.mean + r.clean.halfWidth) },
        { label: 'corrupted (mean)', value: 100 * r.robustness.mean, lo: 100 * (r.robustness.mean - r.robustness.halfWidth), hi: 100 * (r.robustness.mean + r.robustness.halfWidth) },
      ],
    })),
  });
}

export function terminalTable(report: ImpactReport): string {
  const header = ['condition', 'clean %', 'vs baseline', 'robustness %', ...CORRUPTIONS.map((c) => c.name)];
  const rows = report.summary.map((r) => [r.condition, ci(r.clean), r.vsBaseline ? signed(r.vsBaseline) : '—', ci(r.robustness), ...CORRUPTIONS.map((c) => pct(r.corrupted[c.name]!.mean))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

/** The model is fixed (784 inputs, 10 classes): a dataset of another size is an error before any training. */
function checkModelInput(set: ImageDataset, dir: string, split: 'train' | 't10k'): ImageDataset {
  if (set.n === 0) throw new Error(`${dir}: the ${split} split has no images`);
  if (set.h !== 28 || set.w !== 28) throw new Error(`fastaug impact's model takes 28×28 images (MNIST-style); ${dir} has ${set.h}×${set.w}`);
  const label = set.labels.find((l) => l >= NUM_CLASSES);
  if (label !== undefined) throw new Error(`fastaug impact's model has ${NUM_CLASSES} classes; ${dir} has label ${label}`);
  return set;
}

export async function runImpact(o: ImpactOptions): Promise<ImpactReport> {
  const trainSize = o.train ?? (o.quick ? 6000 : 60000);
  const testSize = o.test ?? (o.quick ? 2000 : 10000);
  const epochs = o.epochs ?? (o.quick ? 2 : 3);
  const conditions = o.conditions ? CONDITIONS.filter((c) => o.conditions!.includes(c.name)) : CONDITIONS;
  if (o.conditions) {
    const unknown = o.conditions.filter((name) => !CONDITIONS.some((c) => c.name === name));
    if (unknown.length > 0) throw new Error(`unknown condition ${unknown.join(', ')}; expected some of ${CONDITIONS.map((c) => c.name).join(', ')}`);
  }
  if (!conditions.some((c) => c.name === 'baseline')) conditions.unshift(CONDITIONS[0]!);
  // before any training: a bad --out would otherwise lose a run of many minutes
  mkdirSync(o.out, { recursive: true });
  const train = subset(checkModelInput(loadImageDataset(o.data, 'train'), o.data, 'train'), trainSize);
  const test = subset(checkModelInput(loadImageDataset(o.data, 't10k'), o.data, 't10k'), testSize);
  const tf = await loadTf(o.backend);
  const testBatch: Batch = { data: test.images, shape: [test.n, test.h, test.w, 1] };
  const corruptedTests = CORRUPTIONS.map((c) => ({ name: c.name, images: c.apply(testBatch).data as Uint8Array }));
  const seeds = Array.from({ length: o.seeds }, (_, i) => i + 1);
  const total = conditions.length * seeds.length;
  const bar = o.progress ? new SingleBar({ format: 'impact [{bar}] {value}/{total} runs · {run}', stream: process.stderr, hideCursor: true }) : null;
  bar?.start(total, 0, { run: '' });
  const runs: RunResult[] = [];
  for (const condition of conditions) {
    for (const seed of seeds) {
      bar?.update(runs.length, { run: `${condition.name} seed ${seed}` });
      runs.push(await trainAndEvaluate(tf, condition, seed, train, test, epochs, corruptedTests));
    }
  }
  bar?.update(total, { run: 'done' });
  bar?.stop();
  const report: ImpactReport = {
    settings: { data: o.data, train: train.n, test: test.n, epochs, seeds, tfjsBackend: o.backend, model: 'MLP 784-128-10 (ReLU, softmax), Adam 1e-3, batch 64' },
    runs,
    summary: summarize(runs, conditions),
  };
  writeFileSync(path.join(o.out, 'impact.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(o.out, 'impact.md'), markdownReport(report));
  writeFileSync(path.join(o.out, 'impact.svg'), impactChart(report));
  return report;
}

export { DEFAULT_DATA_DIR };
