// What the study coordinator and its training workers say to each other.
// Everything here is plain data (structured-clone safe): a worker never
// receives code, only model artifacts, arrays and numbers.
import type { RunRecord } from './types.js';

export type ImageData = Uint8Array | Float32Array;

/** A TF.js model as `model.save()` hands it over, plus the compile settings. */
export interface ModelArtifacts {
  modelTopology: object;
  weightSpecs: Array<{ name: string; shape: number[]; dtype: string }>;
  weightData: ArrayBuffer;
  trainingConfig: object;
}

/** Sent once to every worker: the data every run of the study shares. */
export interface WorkerInit {
  /** training images, NHWC, on a SharedArrayBuffer */
  train: ImageData;
  /** model input shape without the batch dimension (the images are reshaped to it) */
  inputShape: number[];
  /** model input = pixel · scale + offset */
  scale: number;
  offset: number;
  numClasses: number;
  batchSize: number;
  /** every test set a run may evaluate, each on a SharedArrayBuffer */
  testSets: Array<{ id: string; data: ImageData }>;
  testLabels: Uint8Array | Uint16Array;
  /** TF.js backend name ('wasm', 'cpu', …) */
  backend: string;
  /** modules each worker imports first (e.g. custom layers' registration) */
  setup: string[];
}

/** One training run: a condition at a seed. */
export interface Job {
  id: number;
  condition: string;
  seed: number;
  epochs: number;
  artifacts: ModelArtifacts;
  /** ids of the test sets this run is evaluated on */
  evalSets: string[];
}

/** One epoch's training data, made by the coordinator (which runs the augmenters). */
export interface EpochData {
  /** augmented images in dataset order, or null for the unchanged training images */
  images: ImageData | null;
  /** targets (one-hot, or changed by a label condition), n × numClasses, dataset order */
  targets: Float32Array;
  /** the order the epoch presents the samples in */
  order: Int32Array;
  augmentSeconds: number;
}

export type ToWorker =
  | { type: 'init'; init: WorkerInit }
  | { type: 'run'; job: Job }
  /** epoch data, or why the coordinator could not make it (an augmenter threw) */
  | { type: 'epoch'; jobId: number; epoch: number; data: EpochData | null; error?: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'init-failed'; error: string }
  | { type: 'need-epoch'; jobId: number; epoch: number }
  | { type: 'done'; jobId: number; record: Omit<RunRecord, 'worker'> };
