// One training run, as a worker executes it: load the model from its
// artifacts (the same initial weights for every condition of a seed), train
// epoch by epoch on data the coordinator prepares, evaluate on every test set
// it is given, and return per-image predictions. Deterministic: no shuffle
// inside fit, seeded layers, single-threaded backends.
import type { EpochData, Job, WorkerInit } from './protocol.js';
import type { EpochRecord, RunRecord } from './types.js';

type Tf = typeof import('@tensorflow/tfjs');
type LayersModel = import('@tensorflow/tfjs').LayersModel;

/** Loads TF.js with the study's backend and registers fastaug's layers and the caller's setup modules. */
export async function loadTrainingTf(backend: string, setup: readonly string[]): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await import('../tfjs/layers.js');
  for (const module of setup) await import(module);
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend '${backend}' could not be initialised`);
  await tf.ready();
  return tf;
}

export async function modelFromArtifacts(tf: Tf, artifacts: Job['artifacts']): Promise<LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as import('@tensorflow/tfjs').io.ModelArtifacts));
}

/** The model's input: the images listed in `order` (all of them, in order, when null), each pixel scaled and offset. */
function modelInput(images: Uint8Array | Float32Array, order: Int32Array | null, pixels: number, scale: number, offset: number): Float32Array {
  const count = order ? order.length : images.length / pixels;
  const x = new Float32Array(count * pixels);
  for (let i = 0; i < count; i += 1) {
    const from = (order ? order[i]! : i) * pixels;
    const to = i * pixels;
    for (let k = 0; k < pixels; k += 1) x[to + k] = images[from + k]! * scale + offset;
  }
  return x;
}

function orderedTargets(targets: Float32Array, order: Int32Array, numClasses: number): Float32Array {
  const y = new Float32Array(order.length * numClasses);
  for (let i = 0; i < order.length; i += 1) y.set(targets.subarray(order[i]! * numClasses, (order[i]! + 1) * numClasses), i * numClasses);
  return y;
}

interface Predictions { predicted: Uint8Array | Uint16Array; trueClass: Float32Array; top: Float32Array }

async function predict(tf: Tf, model: LayersModel, init: WorkerInit, images: Uint8Array | Float32Array): Promise<Predictions> {
  const pixels = init.inputShape.reduce((a, b) => a * b, 1);
  const n = images.length / pixels;
  const k = init.numClasses;
  const probabilities = tf.tidy(() => {
    const x = tf.tensor(modelInput(images, null, pixels, init.scale, init.offset), [n, ...init.inputShape]);
    return model.predict(x, { batchSize: 500 }) as import('@tensorflow/tfjs').Tensor;
  });
  const p = (await probabilities.data()) as Float32Array;
  probabilities.dispose();
  const predicted = k <= 256 ? new Uint8Array(n) : new Uint16Array(n);
  const trueClass = new Float32Array(n);
  const top = new Float32Array(n);
  for (let i = 0; i < n; i += 1) {
    let best = 0;
    for (let c = 1; c < k; c += 1) if (p[i * k + c]! > p[i * k + best]!) best = c;
    predicted[i] = best;
    top[i] = p[i * k + best]!;
    trueClass[i] = p[i * k + init.testLabels[i]!]!;
  }
  return { predicted, trueClass, top };
}

function accuracyOf(predicted: Uint8Array | Uint16Array, labels: Uint8Array | Uint16Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i += 1) if (predicted[i] === labels[i]) correct += 1;
  return correct / labels.length;
}

export const toBase64 = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

async function trainEpoch(tf: Tf, model: LayersModel, init: WorkerInit, data: EpochData): Promise<{ loss: number; seconds: number }> {
  const started = performance.now();
  const pixels = init.inputShape.reduce((a, b) => a * b, 1);
  const x = modelInput(data.images ?? init.train, data.order, pixels, init.scale, init.offset);
  const y = orderedTargets(data.targets, data.order, init.numClasses);
  const xs = tf.tensor(x, [data.order.length, ...init.inputShape]);
  const ys = tf.tensor2d(y, [data.order.length, init.numClasses]);
  try {
    const history = await model.fit(xs, ys, { epochs: 1, batchSize: init.batchSize, shuffle: false, verbose: 0 });
    return { loss: Number(history.history.loss?.[0]), seconds: (performance.now() - started) / 1000 };
  } finally {
    tf.dispose([xs, ys]);
  }
}

/**
 * Runs one job. `epochData(e)` asks the coordinator for epoch e's data. A run
 * whose loss is not finite stops there and is recorded as failed, with what
 * it had measured.
 */
export async function runJob(tf: Tf, init: WorkerInit, job: Job, epochData: (epoch: number) => Promise<EpochData>): Promise<Omit<RunRecord, 'worker'>> {
  const started = performance.now();
  const record: Omit<RunRecord, 'worker'> = { condition: job.condition, seed: job.seed, status: 'ok', epochs: [], predictions: {}, seconds: 0 };
  const clean = init.testSets.find((t) => t.id === 'clean')!;
  let model: LayersModel | undefined;
  try {
    model = await modelFromArtifacts(tf, job.artifacts);
    let last: Predictions | undefined;
    for (let epoch = 0; epoch < job.epochs; epoch += 1) {
      const data = await epochData(epoch);
      const { loss, seconds } = await trainEpoch(tf, model, init, data);
      if (!Number.isFinite(loss)) throw new Error(`the training loss became ${loss} in epoch ${epoch + 1}`);
      last = await predict(tf, model, init, clean.data);
      const entry: EpochRecord = { loss, accuracy: accuracyOf(last.predicted, init.testLabels), augmentSeconds: data.augmentSeconds, trainSeconds: seconds };
      record.epochs.push(entry);
    }
    for (const id of job.evalSets) {
      const set = init.testSets.find((t) => t.id === id);
      if (!set) throw new Error(`unknown test set ${id}`);
      const p = id === 'clean' && last ? last : await predict(tf, model, init, set.data);
      record.predictions[id] = toBase64(p.predicted);
      if (id === 'clean') record.cleanProbabilities = { trueClass: toBase64(p.trueClass), top: toBase64(p.top) };
    }
  } catch (error) {
    record.status = 'failed';
    record.error = error instanceof Error ? error.message : String(error);
    record.predictions = {};
    delete record.cleanProbabilities;
  } finally {
    model?.dispose();
  }
  record.seconds = (performance.now() - started) / 1000;
  return record;
}
