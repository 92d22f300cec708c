// What travels through the queue of an impact study (README "More machines"):
// one job per (condition, seed), plain JSON, and the study's data file the
// job names by path. A worker checks every field before it trains; nothing in
// a job is ever evaluated: the condition is rebuilt from a Pipeline's JSON
// and a label op's name, the model from its artifacts.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

import { isPlainObject } from '../validate.js';
import type { SerialCondition } from './conditions.js';
import type { ImageData, Job, ModelArtifacts, WorkerInit } from './protocol.js';
import type { RunRecord } from './types.js';

export const QUEUE_JOB_FORMAT = 'fastaug-impact-job/1';
const STUDY_FILE_MAGIC = 'FASTAUG-STUDY/1\n';

/** One run of a study, as a queue job's data. */
export interface QueueJob {
  format: typeof QUEUE_JOB_FORMAT;
  /** the study's fingerprint (its data, model, conditions and settings) */
  study: string;
  condition: string;
  seed: number;
  epochs: number;
  /** the study's data file (written by the coordinator; readable by the worker at this path) and its SHA-256 */
  data: { path: string; sha256: string };
  /** TF.js backend name the run trains on */
  backend: string;
  /** topology, compile settings and initial weights (base64) of the seed's model */
  model: Omit<ModelArtifacts, 'weightData'> & { weightData: string };
  /** the condition as data: a Pipeline's JSON and/or a label op */
  serial: SerialCondition;
  /** test sets the run is evaluated on */
  evalSets: string[];
}

/** What a worker returns: the run as the local study records it, and who ran it. */
export type QueueResult = Omit<RunRecord, 'worker'> & { host: string };

/** The training data of a study, as a worker rebuilds it from the study file. */
export interface StudyFile {
  init: Omit<WorkerInit, 'backend' | 'setup'>;
  trainLabels: Int32Array;
  trainShape: [number, number, number, number];
}

export function queueJobOf(study: string, job: Job, data: QueueJob['data'], backend: string, serial: SerialCondition): QueueJob {
  const { weightData, ...rest } = job.artifacts;
  return {
    format: QUEUE_JOB_FORMAT, study, condition: job.condition, seed: job.seed, epochs: job.epochs, data, backend,
    model: { ...rest, weightData: Buffer.from(weightData).toString('base64') }, serial, evalSets: job.evalSets,
  };
}

/** Checks a job's data field by field; a malformed job is named, with what was expected. */
export function parseQueueJob(value: unknown): QueueJob {
  const bad = (field: string, expected: string): never => { throw new TypeError(`malformed impact job: expected ${expected} for ${field}`); };
  if (!isPlainObject(value)) bad('the job data', 'an object');
  const v = value as Record<string, unknown>;
  if (v.format !== QUEUE_JOB_FORMAT) bad('format', `'${QUEUE_JOB_FORMAT}' (received ${JSON.stringify(v.format)})`);
  if (typeof v.study !== 'string' || !/^[0-9a-f]{64}$/.test(v.study)) bad('study', 'a SHA-256 in hex');
  if (typeof v.condition !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v.condition)) bad('condition', 'a condition name');
  if (!Number.isInteger(v.seed) || (v.seed as number) < 0) bad('seed', 'a whole number ≥ 0');
  if (!Number.isInteger(v.epochs) || (v.epochs as number) < 1 || (v.epochs as number) > 10000) bad('epochs', 'a whole number in 1…10000');
  const data = v.data as Record<string, unknown> | undefined;
  if (!isPlainObject(data) || typeof data.path !== 'string' || data.path === '' || typeof data.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(data.sha256)) bad('data', '{ path, sha256 }');
  if (typeof v.backend !== 'string' || !/^[a-z][a-z0-9-]*$/.test(v.backend)) bad('backend', 'a TF.js backend name');
  const model = v.model as Record<string, unknown> | undefined;
  if (!isPlainObject(model) || !isPlainObject(model.modelTopology) || !Array.isArray(model.weightSpecs) || typeof model.weightData !== 'string' || !isPlainObject(model.trainingConfig)) {
    bad('model', '{ modelTopology, weightSpecs, weightData (base64), trainingConfig }');
  }
  for (const spec of model!.weightSpecs as unknown[]) {
    const s = spec as Record<string, unknown>;
    if (!isPlainObject(s) || typeof s.name !== 'string' || typeof s.dtype !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      bad('model.weightSpecs', '[{ name, shape, dtype }]');
    }
  }
  if (!isPlainObject(v.serial)) bad('serial', 'the condition as { images?, labels? }');
  if (!Array.isArray(v.evalSets) || !v.evalSets.every((s) => typeof s === 'string')) bad('evalSets', 'an array of test set ids');
  return v as unknown as QueueJob;
}

/** The training job the trainer runs, from a queue job. */
export function trainingJob(q: QueueJob): Job {
  const bytes = Buffer.from(q.model.weightData, 'base64');
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { id: 0, condition: q.condition, seed: q.seed, epochs: q.epochs, artifacts: { ...q.model, weightData }, evalSets: q.evalSets };
}

type ArrayEntry = { name: string; type: 'uint8' | 'uint16' | 'int32' | 'float32'; length: number };

const TYPES = { uint8: Uint8Array, uint16: Uint16Array, int32: Int32Array, float32: Float32Array } as const;

function typeOf(a: ArrayBufferView): ArrayEntry['type'] {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int32Array) return 'int32';
  return 'float32';
}

/**
 * Writes the study's data (training images and labels, every test set, the
 * test labels and the training settings) to `<dir>/study-<sha256>.bin`,
 * unless it is there already; returns its path and SHA-256. Format: the
 * magic line, a uint32 LE header length, a JSON header, then the arrays
 * little-endian, in header order.
 */
export function writeStudyFile(dir: string, file: StudyFile): { path: string; sha256: string } {
  const arrays: Array<[string, ArrayBufferView]> = [['train', file.init.train], ['trainLabels', file.trainLabels], ['testLabels', file.init.testLabels],
    ...file.init.testSets.map((t) => [`test:${t.id}`, t.data] as [string, ArrayBufferView])];
  const { train: _t, testSets: _s, testLabels: _l, ...settings } = file.init;
  const header = Buffer.from(JSON.stringify({ settings, trainShape: file.trainShape, arrays: arrays.map(([name, a]) => ({ name, type: typeOf(a), length: (a as Uint8Array).length })) }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const bytes = Buffer.concat([Buffer.from(STUDY_FILE_MAGIC), length, header, ...arrays.map(([, a]) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const target = `${dir}/study-${sha256}.bin`;
  if (!existsSync(target)) {
    writeFileSync(`${target}.${process.pid}.tmp`, bytes);
    renameSync(`${target}.${process.pid}.tmp`, target);
  }
  return { path: target, sha256 };
}

function shared<T extends ImageData | Uint16Array | Int32Array>(type: ArrayEntry['type'], bytes: Buffer): T {
  const Type = TYPES[type];
  const out = new (Type as unknown as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(bytes.length));
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Reads a study file, checking its SHA-256 and its layout; errors name the file. */
export function readStudyFile(file: string, sha256: string): StudyFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read the study data ${file}: ${error instanceof Error ? error.message : String(error)} (workers read it at the path the coordinator wrote it to: share that directory)`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new Error(`the study data ${file} has SHA-256 ${actual}, not the job's ${sha256}`);
  const malformed = (why: string): never => { throw new Error(`the study data ${file} is malformed: ${why}`); };
  if (bytes.subarray(0, STUDY_FILE_MAGIC.length).toString() !== STUDY_FILE_MAGIC) malformed('no FASTAUG-STUDY/1 magic');
  const headerLength = bytes.readUInt32LE(STUDY_FILE_MAGIC.length);
  const header = JSON.parse(bytes.subarray(STUDY_FILE_MAGIC.length + 4, STUDY_FILE_MAGIC.length + 4 + headerLength).toString()) as {
    settings: Omit<WorkerInit, 'backend' | 'setup' | 'train' | 'testSets' | 'testLabels'>; trainShape: StudyFile['trainShape']; arrays: ArrayEntry[];
  };
  let at = STUDY_FILE_MAGIC.length + 4 + headerLength;
  const arrays = new Map<string, ImageData | Uint16Array | Int32Array>();
  for (const entry of header.arrays) {
    const size = entry.length * TYPES[entry.type].BYTES_PER_ELEMENT;
    if (at + size > bytes.length) malformed(`${entry.name} runs past the end`);
    arrays.set(entry.name, shared(entry.type, bytes.subarray(at, at + size)));
    at += size;
  }
  const take = <T>(name: string): T => (arrays.get(name) as T | undefined) ?? malformed(`no ${name}`);
  return {
    init: {
      ...header.settings,
      train: take<ImageData>('train'),
      testLabels: take<Uint8Array | Uint16Array>('testLabels'),
      testSets: header.arrays.filter((a) => a.name.startsWith('test:')).map((a) => ({ id: a.name.slice(5), data: take<ImageData>(a.name) })),
    },
    trainLabels: take<Int32Array>('trainLabels'),
    trainShape: header.trainShape,
  };
}
