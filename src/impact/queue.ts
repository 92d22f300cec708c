// The coordinator's side of a queue study (README "More machines"): the
// study's runs become BullMQ jobs on Redis, one per (condition, seed), with
// ids fixed by the study's fingerprint; `fastaug worker` processes anywhere
// take them. The coordinator polls each job's state, so a Redis restart (the
// client reconnects) or a job lost with Redis' data (enqueued again) does
// not stop the study, and a run is counted once, by its (condition, seed).
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type IORedis from 'ioredis';
import type { RedisOptions } from 'ioredis';

import { invalidParameterError, isPlainObject } from '../validate.js';
import type { StudyCondition } from './conditions.js';
import type { Job, WorkerInit } from './protocol.js';
import { queueJobOf, writeStudyFile, type QueueJob, type QueueResult } from './queue-job.js';
import type { RunRecord } from './types.js';

export interface QueueOptions {
  /** redis://[user:password@]host:port[/db] or rediss://… (TLS) */
  connection: string;
  /** the BullMQ queue's name (default 'fastaug-impact'); workers must use the same */
  name?: string;
  /** further ioredis options (tls: { ca, cert, key }, password, username, …), passed through */
  redis?: RedisOptions;
  /** where the coordinator writes the study's data file; every worker must read it at the same path (default <tmp>/fastaug-impact) */
  dataDir?: string;
  /** tries per job before it is a failed run (default 3) */
  attempts?: number;
}

export interface QueueSettings { url: string; name: string; redis: RedisOptions; dataDir: string; attempts: number }

export const DEFAULT_QUEUE_NAME = 'fastaug-impact';
const QUEUE_KEYS = ['connection', 'name', 'redis', 'dataDir', 'attempts'];

/** The URL with its password replaced by '***', for messages. */
export function maskedUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

export function queueSettings(q: unknown): QueueSettings {
  if (!isPlainObject(q)) throw invalidParameterError('queue', "{ connection: 'redis://host:port', name? }", q);
  const unknown = Object.keys(q).find((k) => !QUEUE_KEYS.includes(k));
  if (unknown) throw new TypeError(`Unknown field '${unknown}' in queue; expected some of: ${QUEUE_KEYS.join(', ')}`);
  if (typeof q.connection !== 'string' || !/^rediss?:\/\/[^/]/.test(q.connection)) throw invalidParameterError('queue.connection', 'a redis:// or rediss:// URL', q.connection);
  if (q.name !== undefined && (typeof q.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(q.name))) throw invalidParameterError('queue.name', "a name of letters, digits, '.', '_' or '-'", q.name);
  if (q.redis !== undefined && !isPlainObject(q.redis)) throw invalidParameterError('queue.redis', 'ioredis options (an object)', q.redis);
  if (q.dataDir !== undefined && (typeof q.dataDir !== 'string' || q.dataDir === '')) throw invalidParameterError('queue.dataDir', 'a directory path', q.dataDir);
  const attempts = q.attempts ?? 3;
  if (!Number.isInteger(attempts) || (attempts as number) < 1 || (attempts as number) > 100) throw invalidParameterError('queue.attempts', 'a whole number in 1…100', q.attempts);
  return {
    url: q.connection, name: (q.name as string | undefined) ?? DEFAULT_QUEUE_NAME, redis: (q.redis as RedisOptions | undefined) ?? {},
    dataDir: path.resolve((q.dataDir as string | undefined) ?? path.join(os.tmpdir(), 'fastaug-impact')), attempts: attempts as number,
  };
}

// bullmq and ioredis load when a queue is used, not with fastaug/impact
const ioredis = async (): Promise<typeof IORedis> => (await import('ioredis')).default;

/** A connection for BullMQ: it waits out Redis restarts (reconnecting) instead of failing commands. */
export async function redisConnection(url: string, redis: RedisOptions): Promise<IORedis> {
  const Redis = await ioredis();
  return new Redis(url, { ...redis, maxRetriesPerRequest: null });
}

/** Connects once, without retries: an unreachable Redis is an error naming the URL within `timeoutMs`, not a hang. */
export async function probeRedis(url: string, redis: RedisOptions, timeoutMs = 3000): Promise<void> {
  const Redis = await ioredis();
  const client = new Redis(url, { ...redis, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let cause: Error | undefined;  // connect() says only 'Connection is closed'; the error event says why
  client.on('error', (error: Error) => { cause ??= error; });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const why = cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`cannot reach Redis at ${maskedUrl(url)} (${why}): start redis-server there, or check the URL, its password and TLS options`);
  } finally {
    client.disconnect();
  }
}

/** A job id per (study, condition, seed): the same study enqueues the same ids, so a resumed coordinator finds its results. */
const jobIdOf = (study: string, job: Job): string => `${study.slice(0, 16)}.${job.condition}.${job.seed}`;

function resultRecord(value: unknown, job: Job): (RunRecord & { host: string }) | undefined {
  const r = value as QueueResult | null;
  if (!isPlainObject(r) || r.condition !== job.condition || r.seed !== job.seed || (r.status !== 'ok' && r.status !== 'failed') || typeof r.host !== 'string') return undefined;
  return { ...r, worker: 0 };
}

export interface QueueStudy {
  settings: QueueSettings;
  /** the local study's fingerprint (data, model, conditions, settings) */
  fingerprint: string;
  init: WorkerInit;
  trainLabels: Int32Array;
  trainShape: [number, number, number, number];
  conditions: StudyCondition[];
  resume: boolean;
}

/**
 * Enqueues the jobs and gathers their results; `onDone` gets each run once,
 * as it finishes. Returns how many distinct workers ran them.
 */
export async function runQueueJobs(study: QueueStudy, jobs: Job[], onDone: (record: RunRecord) => void): Promise<number> {
  const { settings: q, init } = study;
  const serials = new Map(study.conditions.map((c) => [c.name, c.serial ?? {}]));
  const id = createHash('sha256').update(JSON.stringify([study.fingerprint, [...serials], init.backend])).digest('hex');
  mkdirSync(q.dataDir, { recursive: true });
  const { backend: _backend, setup: _setup, ...shareable } = init;
  const data = writeStudyFile(q.dataDir, { init: shareable, trainLabels: study.trainLabels, trainShape: study.trainShape });
  const { Queue } = await import('bullmq');
  const connection = await redisConnection(q.url, q.redis);
  connection.on('error', () => {});  // ioredis reconnects; commands wait for it
  const queue = new Queue<QueueJob, QueueResult>(q.name, { connection });
  queue.on('error', () => {});
  const entries = new Map(jobs.map((job) => [jobIdOf(id, job), { job, payload: queueJobOf(id, job, data, init.backend, serials.get(job.condition)!) }]));
  const add = async (ids: string[]): Promise<void> => {
    for (let i = 0; i < ids.length; i += 8) {
      await queue.addBulk(ids.slice(i, i + 8).map((jobId) => ({
        name: 'run', data: entries.get(jobId)!.payload, opts: { jobId, attempts: q.attempts, removeOnComplete: false, removeOnFail: false },
      })));
    }
  };
  const hosts = new Map<string, number>();
  try {
    if (!study.resume) {
      for (const jobId of entries.keys()) {
        const old = await queue.getJob(jobId);
        if (!old) continue;
        if (await old.isActive()) throw new Error(`run ${jobId} of this study is being trained by a worker now: pass resume (--resume) to gather the study's results instead of starting it again`);
        await old.remove();
      }
    }
    await add([...entries.keys()]);
    const pending = new Set(entries.keys());
    while (pending.size > 0) {
      for (const jobId of [...pending]) {
        const { job } = entries.get(jobId)!;
        // the state first: a job's data (its model weights) is read once, when it has finished
        const state = await queue.getJobState(jobId);
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
        const queued = await queue.getJob(jobId);
        if (!queued) { await add([jobId]); continue; }  // lost with Redis' data (a restart without persistence): enqueue it again
        if (state === 'unknown') continue;
        pending.delete(jobId);
        const record = state === 'completed' ? resultRecord(queued.returnvalue, job) : undefined;
        if (record) {
          if (!hosts.has(record.host)) hosts.set(record.host, hosts.size);
          onDone({ ...record, worker: hosts.get(record.host)! });
        } else {
          const why = state === 'failed' ? `the job failed ${queued.attemptsMade} time${queued.attemptsMade === 1 ? '' : 's'}: ${queued.failedReason}` : 'the worker returned a malformed result';
          onDone({ condition: job.condition, seed: job.seed, status: 'failed', error: why, epochs: [], predictions: {}, seconds: 0, worker: 0 });
        }
      }
      if (pending.size > 0) await sleep(200);
    }
  } finally {
    await queue.close().catch(() => {});
    connection.disconnect();
  }
  return hosts.size;
}
