// The data a queue study sends (src/impact/queue-job.ts), without Redis:
// each malformed field of a job is named; the study file round-trips and is
// checked (SHA-256, magic, truncation); a condition is rebuilt from its
// plain-data form into the functions the local study runs; URLs are masked.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { Pipeline } from '../src/index.js';
import { conditionFromSerial, studyConditions } from '../src/impact/conditions.js';
import { parseQueueJob, QUEUE_JOB_FORMAT, queueJobOf, readStudyFile, trainingJob, writeStudyFile, type StudyFile } from '../src/impact/queue-job.js';
import { maskedUrl, queueSettings } from '../src/impact/queue.js';
import { tempDir } from './helpers/tempdir.js';

const dir = tempDir('fastaug-queue-job-');

const job = {
  id: 7, condition: 'shift', seed: 2, epochs: 3, evalSets: ['clean'],
  artifacts: { modelTopology: { class_name: 'Sequential' }, weightSpecs: [{ name: 'w', shape: [2, 2], dtype: 'float32' }], weightData: new Float32Array([1, 2, 3, 4]).buffer, trainingConfig: { loss: 'categoricalCrossentropy' } },
};
const data = { path: '/shared/study.bin', sha256: 'b'.repeat(64) };
const good = queueJobOf('a'.repeat(64), job, data, 'wasm', { labels: { smooth: 0.1 } });

describe('queue jobs', () => {
  it('a job round-trips through JSON into the trainer\'s job, weights included', () => {
    const parsed = parseQueueJob(JSON.parse(JSON.stringify(good)));
    expect(parsed.format).toBe(QUEUE_JOB_FORMAT);
    const back = trainingJob(parsed);
    expect(back).toMatchObject({ condition: 'shift', seed: 2, epochs: 3, evalSets: ['clean'] });
    expect([...new Float32Array(back.artifacts.weightData)]).toEqual([1, 2, 3, 4]);
  });

  it.each([
    [null, 'the job data', 'an object'],
    [{ ...good, format: 'v0' }, 'format', `'${QUEUE_JOB_FORMAT}' (received "v0")`],
    [{ ...good, study: 'xyz' }, 'study', 'a SHA-256 in hex'],
    [{ ...good, condition: '../etc' }, 'condition', 'a condition name'],
    [{ ...good, seed: -1 }, 'seed', 'a whole number ≥ 0'],
    [{ ...good, epochs: 0 }, 'epochs', 'a whole number in 1…10000'],
    [{ ...good, data: { path: '' , sha256: data.sha256 } }, 'data', '{ path, sha256 }'],
    [{ ...good, backend: 'require("fs")' }, 'backend', 'a TF.js backend name'],
    [{ ...good, model: { ...good.model, weightData: 5 } }, 'model', '{ modelTopology, weightSpecs, weightData (base64), trainingConfig }'],
    [{ ...good, model: { ...good.model, weightSpecs: [{ name: 'w', shape: [-1], dtype: 'float32' }] } }, 'model.weightSpecs', '[{ name, shape, dtype }]'],
    [{ ...good, serial: 'function () {}' }, 'serial', 'the condition as { images?, labels? }'],
    [{ ...good, evalSets: [1] }, 'evalSets', 'an array of test set ids'],
  ])('a malformed job is named: %#', (value, field, expected) => {
    expect(() => parseQueueJob(value)).toThrow(`malformed impact job: expected ${expected} for ${field}`);
  });
});

describe('the study file', () => {
  const file: StudyFile = {
    init: {
      train: Uint8Array.from({ length: 2 * 3 * 2 }, (_, i) => i), inputShape: [3, 2, 1], scale: 1 / 255, offset: 0, numClasses: 3, batchSize: 4,
      testSets: [{ id: 'clean', data: new Uint8Array([9, 8, 7, 6, 5, 4]) }, { id: 'gaussian-noise/1', data: new Uint8Array([1, 1, 1, 1, 1, 1]) }],
      testLabels: new Uint8Array([2]),
    },
    trainLabels: new Int32Array([0, 2]),
    trainShape: [2, 3, 2, 1],
  };

  it('round-trips, named by its SHA-256, on SharedArrayBuffers for the training threads', () => {
    const written = writeStudyFile(dir, file);
    expect(path.basename(written.path)).toBe(`study-${written.sha256}.bin`);
    expect(writeStudyFile(dir, file)).toEqual(written);  // the same data, the same file
    const read = readStudyFile(written.path, written.sha256);
    expect(read.trainShape).toEqual([2, 3, 2, 1]);
    expect([...read.trainLabels]).toEqual([0, 2]);
    expect(read.init).toMatchObject({ inputShape: [3, 2, 1], scale: 1 / 255, offset: 0, numClasses: 3, batchSize: 4 });
    expect([...read.init.train]).toEqual([...file.init.train]);
    expect(read.init.train.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(read.init.testSets.map((t) => [t.id, [...t.data]])).toEqual(file.init.testSets.map((t) => [t.id, [...t.data]]));
    expect(read.init.testLabels).toBeInstanceOf(Uint8Array);
  });

  it('a missing, changed or malformed file is named', () => {
    const written = writeStudyFile(dir, { ...file, init: { ...file.init, testLabels: new Uint16Array([2]), train: new Float32Array(12) } });
    expect(readStudyFile(written.path, written.sha256).init.testLabels).toBeInstanceOf(Uint16Array);
    expect(() => readStudyFile(path.join(dir, 'none.bin'), written.sha256)).toThrow(/^cannot read the study data .*none\.bin: ENOENT.*share that directory/);
    expect(() => readStudyFile(written.path, '0'.repeat(64))).toThrow(`the study data ${written.path} has SHA-256 ${written.sha256}, not the job's ${'0'.repeat(64)}`);
    const junk = path.join(dir, 'junk.bin');
    writeFileSync(junk, 'not a study file at all');
    const sha = (p: Buffer | string) => createHash('sha256').update(p).digest('hex');
    expect(() => readStudyFile(junk, sha('not a study file at all'))).toThrow(`the study data ${junk} is malformed: no FASTAUG-STUDY/1 magic`);
    const bytes = readFileSync(written.path);
    const cut = bytes.subarray(0, bytes.length - 3);
    writeFileSync(junk, cut);
    expect(() => readStudyFile(junk, sha(cut))).toThrow(/is malformed: test:gaussian-noise\/1 runs past the end/);
  });
});

describe('conditions as data', () => {
  const pipeline = new Pipeline([{ op: 'shift', options: { x: 0.2, y: 0.2 } }, { op: 'gaussianNoise', options: { std: 10 } }], { seed: 9 });

  it('a Pipeline and a label op become data, and that data becomes the same functions', () => {
    const [, local] = studyConditions({ both: { images: pipeline, labels: { flip: 0.3 } } }, 4);
    expect(local!.serial).toEqual({ images: pipeline.toJSON(), labels: { flip: 0.3 } });
    const rebuilt = conditionFromSerial('both', JSON.parse(JSON.stringify(local!.serial)), 4);
    const batch = { data: Uint8Array.from({ length: 5 * 6 * 6 }, (_, i) => i % 251), shape: [5, 6, 6, 1] as [number, number, number, number] };
    expect([...rebuilt.images!(batch, 3, 1).data]).toEqual([...local!.images!(batch, 3, 1).data]);
    const labels = new Int32Array([0, 1, 2, 3, 0, 1, 2, 3]);
    const oneHot = new Float32Array(32);
    labels.forEach((l, i) => { oneHot[i * 4 + l] = 1; });
    expect([...rebuilt.labels!(oneHot.slice(), labels, 3, 1)]).toEqual([...local!.labels!(oneHot.slice(), labels, 3, 1)]);
  });

  it('a condition with the caller\'s function has no data form; malformed data is named', () => {
    const [, fn, model] = studyConditions({ fn: (b: never) => b, model: { model: () => { throw new Error('unused'); } } }, 3);
    expect(fn!.serial).toBeUndefined();
    expect(model!.serial).toEqual({});
    expect(() => conditionFromSerial('x', 'code' as never, 3)).toThrow('Expected { images?: Pipeline JSON, labels?: { smooth } | { flip } } for conditions.x');
    expect(() => conditionFromSerial('x', { run: 'eval' } as never, 3)).toThrow("Unknown field 'run' in conditions.x; expected some of: images, labels");
    expect(() => conditionFromSerial('x', { labels: 'smooth' } as never, 3)).toThrow('Expected { smooth: ε } or { flip: p } for conditions.x.labels');
    expect(() => conditionFromSerial('x', { labels: { smooth: 2 } }, 3)).toThrow(/epsilon/);
    expect(() => conditionFromSerial('x', { images: { seed: '1', steps: [{ op: 'eval', options: {}, p: 1 }] } as never }, 3)).toThrow(/op/);
  });
});

describe('queue options', () => {
  it('defaults, and each bad field named', () => {
    expect(queueSettings({ connection: 'rediss://u:p@host:6380/2' })).toMatchObject({ url: 'rediss://u:p@host:6380/2', name: 'fastaug-impact', attempts: 3, redis: {} });
    expect(() => queueSettings('redis://x')).toThrow("Expected { connection: 'redis://host:port', name? } for queue");
    expect(() => queueSettings({ connection: 'redis://x', name: 'a b' })).toThrow("Expected a name of letters, digits, '.', '_' or '-' for queue.name but received 'a b'");
    expect(() => queueSettings({ connection: 'redis://x', redis: 'tls' })).toThrow('Expected ioredis options (an object) for queue.redis');
    expect(() => queueSettings({ connection: 'redis://x', dataDir: '' })).toThrow('Expected a directory path for queue.dataDir');
    expect(() => queueSettings({ connection: 'redis://x', attempts: 0 })).toThrow('Expected a whole number in 1…100 for queue.attempts');
  });

  it('passwords are masked in messages', () => {
    expect(maskedUrl('redis://:hunter2@host:6379')).toBe('redis://:***@host:6379');
    expect(maskedUrl('rediss://user:hunter2@host:6379/1')).toBe('rediss://user:***@host:6379/1');
    expect(maskedUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
