// `fastaug worker`: takes impact-study runs from a BullMQ queue and trains
// them exactly as a local study does — the same trainer on a training thread
// (so the process keeps renewing its job locks while it trains), the same
// epoch data, made here from the job's Pipeline JSON and label op. A job is
// data only: a malformed one fails at once with its reason, never retried.
import os from 'node:os';

import type { RedisOptions } from 'ioredis';

import { conditionFromSerial, oneHotOf, type StudyCondition } from './conditions.js';
import { makeEpoch, TrainingWorker } from './measure.js';
import { parseQueueJob, readStudyFile, trainingJob, type QueueJob, type QueueResult, type StudyFile } from './queue-job.js';
import { DEFAULT_QUEUE_NAME, probeRedis, redisConnection } from './queue.js';

export interface ImpactWorkerOptions {
  /** redis:// or rediss:// URL of the coordinator's Redis */
  connection: string;
  /** queue name (default 'fastaug-impact') */
  name?: string;
  /** further ioredis options (tls, password, …) */
  redis?: RedisOptions;
  /** runs trained at once, each on a thread of its own (default 1) */
  concurrency?: number;
  /** modules each training thread imports first (custom layers' registration); the worker's own, never a job's */
  setup?: string[];
  /** BullMQ job lock, ms (default 30 000): a worker killed mid-run frees its job after this */
  lockDuration?: number;
  /** how often stalled jobs are looked for, ms (default 30 000) */
  stalledInterval?: number;
  onEvent?: (event: { type: 'started' | 'finished' | 'failed'; job: string; condition?: string; seed?: number; detail?: string }) => void;
}

interface LoadedStudy extends StudyFile { train: { batch: { data: Uint8Array | Float32Array; shape: [number, number, number, number] }; labels: Int32Array }; oneHot: Float32Array }

export async function startImpactWorker(o: ImpactWorkerOptions): Promise<{ close(): Promise<void> }> {
  await probeRedis(o.connection, o.redis ?? {});
  const { UnrecoverableError, Worker } = await import('bullmq');
  const connection = await redisConnection(o.connection, o.redis ?? {});
  connection.on('error', () => {});
  const host = `${os.hostname()}:${process.pid}`;
  const studies = new Map<string, LoadedStudy>();
  const idle = new Map<string, TrainingWorker[]>();

  const study = (data: QueueJob['data']): LoadedStudy => {
    const known = studies.get(data.sha256);
    if (known) return known;
    const file = readStudyFile(data.path, data.sha256);
    studies.clear();  // one study at a time: a new one replaces the last
    for (const workers of idle.values()) for (const w of workers) void w.stop();
    idle.clear();
    const loaded = { ...file, train: { batch: { data: file.init.train.slice(), shape: file.trainShape }, labels: file.trainLabels }, oneHot: oneHotOf(file.trainLabels, file.init.numClasses) };
    studies.set(data.sha256, loaded);
    return loaded;
  };

  const processor = async (job: { id?: string; data: unknown }): Promise<QueueResult> => {
    let q: QueueJob;
    let condition: StudyCondition;
    try {
      q = parseQueueJob(job.data);
    } catch (error) {
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    }
    const s = study(q.data);
    try {
      condition = conditionFromSerial(q.condition, q.serial, s.init.numClasses);
      const unknown = q.evalSets.find((id) => !s.init.testSets.some((t) => t.id === id));
      if (unknown) throw new Error(`unknown test set ${unknown}`);
    } catch (error) {
      throw new UnrecoverableError(`malformed impact job: ${error instanceof Error ? error.message : String(error)}`);
    }
    const key = `${q.data.sha256}/${q.backend}`;
    const worker = idle.get(key)?.pop() ?? new TrainingWorker({ ...s.init, backend: q.backend, setup: o.setup ?? [] });
    o.onEvent?.({ type: 'started', job: String(job.id), condition: q.condition, seed: q.seed });
    let record: Awaited<ReturnType<TrainingWorker['run']>>;
    try {
      record = await worker.run(trainingJob(q), (epoch) => makeEpoch(condition, s.train, s.oneHot, s.init.numClasses, q.seed, epoch));
    } catch (error) {
      void worker.stop();
      throw error;
    }
    if (studies.has(q.data.sha256)) idle.set(key, [...(idle.get(key) ?? []), worker]);
    else void worker.stop();
    o.onEvent?.({ type: 'finished', job: String(job.id), condition: q.condition, seed: q.seed, detail: `${record.status} in ${record.seconds.toFixed(1)} s` });
    return { ...record, host };
  };

  const worker = new Worker<unknown, QueueResult>(o.name ?? DEFAULT_QUEUE_NAME, processor, {
    connection, concurrency: o.concurrency ?? 1, lockDuration: o.lockDuration ?? 30_000, stalledInterval: o.stalledInterval ?? 30_000, maxStalledCount: 1,
  });
  worker.on('error', () => {});  // connection errors: ioredis reconnects
  worker.on('failed', (job, error) => o.onEvent?.({ type: 'failed', job: String(job?.id), detail: error.message }));
  return {
    async close() {
      await worker.close();
      for (const workers of idle.values()) for (const w of workers) await w.stop();
      connection.disconnect();
    },
  };
}
