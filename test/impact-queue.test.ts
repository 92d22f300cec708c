// Impact studies on BullMQ workers over Redis (issue 18): the study run
// through a queue by `fastaug worker` processes gives the local study's
// impact.json, byte for byte apart from timings and host names, also when a
// worker is killed mid-run, when Redis restarts mid-study, and when a
// coordinator that stopped is resumed; malformed and failing jobs become
// failed runs with their reason; an unreachable Redis is named at once.
// The test starts its own redis-server (helpers/redis.ts) and workers from dist/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import * as tf from '@tensorflow/tfjs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Pipeline } from '../src/index.js';
import { measureImpact, writeImpactReport, type ImpactReport, type MeasureImpactOptions } from '../src/impact/index.js';
import { QUEUE_JOB_FORMAT } from '../src/impact/queue-job.js';
import { idxBytes } from './helpers/idx.js';
import { freePort, startRedis, type TestRedis } from './helpers/redis.js';
import { tempDir } from './helpers/tempdir.js';

const cli = path.resolve(__dirname, '../dist/cjs/cli/main.js');
const [H, W, C, K] = [10, 8, 1, 3];

/** n images of 10×8×1 in 3 classes: class k brightens rows 3k…3k+2, with texture. */
function toyData(n: number, offset: number): { xs: { data: Uint8Array; shape: [number, number, number, number] }; ys: Uint8Array } {
  const data = new Uint8Array(n * H * W * C);
  const ys = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const k = (i + offset) % K;
    ys[i] = k;
    for (let y = 0; y < H; y += 1) for (let x = 0; x < W; x += 1) data[(i * H + y) * W + x] = (y >= 3 * k && y < 3 * k + 3 ? 170 : 20) + ((i * 31 + y * 7 + x * 3) % 60);
  }
  return { xs: { data, shape: [n, H, W, C] }, ys };
}

const model = ({ seed }: { seed: number }): tf.LayersModel => {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [H, W, C] }));
  m.add(tf.layers.dense({ units: 12, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  m.add(tf.layers.dense({ units: K, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return m;
};

const dataDir = tempDir('fastaug-queue-data-');
const outDir = tempDir('fastaug-queue-out-');

const study = (extra: Partial<MeasureImpactOptions> = {}): MeasureImpactOptions => ({
  model,
  train: toyData(200, 0),
  test: toyData(60, 1),
  conditions: {
    shift: new Pipeline([{ op: 'shift', options: { x: 0.1, y: 0.1, fill: 'constant' } }], { seed: 3 }),
    smooth: { labels: { smooth: 0.1 } },
  },
  corruptions: 'default',
  seeds: 2,
  epochs: 2,
  batchSize: 32,
  workers: 2,
  bootstrap: { replicates: 200 },
  ...extra,
});

/** impact.json of a report with what may differ between equal studies set aside: timings, which worker and host ran a run, the worker count. */
function impactJsonLessTimings(report: ImpactReport, name: string): string {
  const r: ImpactReport = structuredClone(report);
  r.created = '';
  r.timing = { wallSeconds: 0, runSeconds: 0, workers: 0 };
  r.settings.workers = 0;
  r.runs = r.runs.map(({ host: _host, ...run }) => ({ ...run, seconds: 0, worker: 0, epochs: run.epochs.map((e) => ({ ...e, augmentSeconds: 0, trainSeconds: 0 })) }));
  r.summary = r.summary.map((s) => ({ ...s, cost: { augmentSecondsPerEpoch: 0, trainSecondsPerEpoch: 0 } }));
  const dir = path.join(outDir, name);
  writeImpactReport(r, dir);
  return readFileSync(path.join(dir, 'impact.json'), 'utf8');
}

interface WorkerProcess { child: ChildProcess; lines: string[]; exited: Promise<number | null> }

function startWorker(redis: TestRedis | string, name: string, extra: string[] = []): WorkerProcess {
  const url = typeof redis === 'string' ? redis : redis.url;
  const child = spawn(process.execPath, [cli, 'worker', '--queue', url, '--queue-name', name, '--lock-duration', '1500', '--stalled-interval', '500', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString().trim()}`));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

async function waitFor(what: () => boolean, seconds: number, message: () => string): Promise<void> {
  for (let i = 0; i < seconds * 20; i += 1) {
    if (what()) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${seconds} s waiting for ${message()}`);
}

async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await w.exited;
  }
}

const finished = (workers: WorkerProcess[]): number => workers.reduce((a, w) => a + w.lines.filter((l) => l.startsWith('finished ')).length, 0);

describe('impact studies through a BullMQ queue on Redis', () => {
  let redis: TestRedis;
  let local: string;

  beforeAll(async () => {
    redis = await startRedis();
    local = impactJsonLessTimings(await measureImpact(study()), 'local');
  });
  afterAll(async () => redis?.stop());

  it('2 worker processes give the local report, byte for byte apart from timings and hosts', async () => {
    const workers = [startWorker(redis, 'same'), startWorker(redis, 'same')];
    try {
      const progress: number[] = [];
      const report = await measureImpact(study({ queue: { connection: redis.url, name: 'same', dataDir }, onProgress: (p) => progress.push(p.done) }));
      expect(impactJsonLessTimings(report, 'same')).toBe(local);
      expect(progress.at(-1)).toBe(6);
      expect(report.runs.every((r) => typeof r.host === 'string' && /:\d+$/.test(r.host))).toBe(true);
      expect(finished(workers)).toBe(6);
    } finally {
      await stopWorkers(workers);
    }
  });

  it('a worker killed (SIGKILL) mid-run: its job is retried by the other, counted once, and the report is the same', async () => {
    const workers = [startWorker(redis, 'kill'), startWorker(redis, 'kill')];
    try {
      const running = measureImpact(study({ queue: { connection: redis.url, name: 'kill', dataDir } }));
      await waitFor(() => workers[0]!.lines.some((l) => l.startsWith('started ')), 30, () => `worker 0 to start a run: ${workers[0]!.lines.join(' | ')}`);
      await sleep(100);
      const killedIn = workers[0]!.lines.filter((l) => l.startsWith('started ')).at(-1)!.split(' ')[1];
      workers[0]!.child.kill('SIGKILL');
      const report = await running;
      expect(impactJsonLessTimings(report, 'kill')).toBe(local);
      expect(report.runs).toHaveLength(6);
      // the killed worker's run was trained again by the other worker
      expect(workers[1]!.lines.some((l) => l.startsWith(`finished ${killedIn} `))).toBe(true);
    } finally {
      await stopWorkers(workers);
    }
  });

  it('Redis restarted mid-study (its data lost): the coordinator and workers reconnect, lost jobs are enqueued again, same report', async () => {
    const workers = [startWorker(redis, 'restart'), startWorker(redis, 'restart')];
    try {
      let restarted: Promise<void> | undefined;
      const report = await measureImpact(study({
        queue: { connection: redis.url, name: 'restart', dataDir },
        onProgress: (p) => { if (p.done === 1 && !restarted) restarted = redis.stop().then(() => sleep(300)).then(() => redis.start()); },
      }));
      expect(restarted).toBeDefined();
      await restarted;
      expect(impactJsonLessTimings(report, 'restart')).toBe(local);
    } finally {
      await stopWorkers(workers);
    }
  });

  it('resume: a coordinator that stopped after its first result is resumed from the results in Redis, no run trained twice', async () => {
    const workers = [startWorker(redis, 'resume'), startWorker(redis, 'resume')];
    try {
      await expect(measureImpact(study({
        queue: { connection: redis.url, name: 'resume', dataDir },
        onProgress: (p) => { if (p.done === 1) throw new Error('the coordinator stops here'); },
      }))).rejects.toThrow('the coordinator stops here');
      const report = await measureImpact(study({ queue: { connection: redis.url, name: 'resume', dataDir }, resume: true }));
      expect(impactJsonLessTimings(report, 'resume')).toBe(local);
      expect(finished(workers)).toBe(6);
    } finally {
      await stopWorkers(workers);
    }
  });

  it('a malformed job fails at once with its reason; a job that fails 3 times is failed with the reason', async () => {
    const workers = [startWorker(redis, 'bad')];
    const queue = new Queue('bad', { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const malformed = await queue.add('run', { format: 'something else' }, { attempts: 3 });
      const missing = await queue.add('run', {
        format: QUEUE_JOB_FORMAT, study: 'a'.repeat(64), condition: 'baseline', seed: 1, epochs: 1, data: { path: '/nonexistent/study.bin', sha256: '0'.repeat(64) }, backend: 'cpu',
        model: { modelTopology: {}, weightSpecs: [], weightData: '', trainingConfig: {} }, serial: {}, evalSets: ['clean'],
      }, { attempts: 3 });
      const final = async (id: string) => {
        for (let i = 0; i < 200; i += 1) {
          const state = await queue.getJobState(id);
          if (state === 'failed' || state === 'completed') return (await queue.getJob(id))!;
          await sleep(50);
        }
        throw new Error(`job ${id} did not finish: ${workers[0]!.lines.join(' | ')}`);
      };
      const m = await final(malformed.id!);
      expect(m.attemptsMade).toBe(1);
      expect(m.failedReason).toBe(`malformed impact job: expected '${QUEUE_JOB_FORMAT}' (received "something else") for format`);
      const f = await final(missing.id!);
      expect(f.attemptsMade).toBe(3);
      expect(f.failedReason).toMatch(/^cannot read the study data \/nonexistent\/study\.bin: ENOENT/);
    } finally {
      await queue.close();
      await stopWorkers(workers);
    }
  });

  it('jobs that fail 3 times are failed runs with their reason, the study completes; run again without resume, the old jobs are replaced', async () => {
    const workers = [startWorker(redis, 'fails')];
    try {
      const options = study({ seeds: 1, corruptions: 'none', conditions: { smooth: { labels: { smooth: 0.1 } } }, backend: 'no-such-backend', queue: { connection: redis.url, name: 'fails', dataDir } });
      for (const round of [1, 2]) {
        const report = await measureImpact(options);
        expect(report.runs.map((r) => [r.condition, r.status]), `round ${round}`).toEqual([['baseline', 'failed'], ['smooth', 'failed']]);
        expect(report.runs[0]!.error).toMatch(/^the job failed 3 times: a training worker could not start TF\.js: .*no-such-backend/);
      }
    } finally {
      await stopWorkers(workers);
    }
  });

  it('an unreachable Redis is an error naming the URL (password masked) within a few seconds; so is a worker\'s', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(measureImpact(study({ queue: { connection: `redis://:secret@127.0.0.1:${port}` } })))
      .rejects.toThrow(new RegExp(`^cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`));
    expect(Date.now() - started).toBeLessThan(5000);
    const worker = spawnSync(process.execPath, [cli, 'worker', '--queue', `redis://127.0.0.1:${port}`], { encoding: 'utf8', timeout: 20_000 });
    expect(worker.status).toBe(1);
    expect(worker.stderr).toContain(`fastaug: cannot reach Redis at redis://127.0.0.1:${port}`);
  });

  it('a password-protected Redis: the URL\'s password reaches ioredis, on the coordinator and the workers', async () => {
    const guarded = await startRedis(['--requirepass', 'hunter2']);
    const url = `redis://:hunter2@127.0.0.1:${guarded.port}`;
    const workers = [startWorker(url, 'guarded')];
    try {
      await expect(measureImpact(study({ queue: { connection: `redis://:wrong@127.0.0.1:${guarded.port}` } }))).rejects.toThrow(/^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(WRONGPASS/);
      const report = await measureImpact(study({ seeds: 1, corruptions: 'none', conditions: { smooth: { labels: { smooth: 0.1 } } }, queue: { connection: url, name: 'guarded', dataDir } }));
      expect(report.runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    } finally {
      await stopWorkers(workers);
      await guarded.stop();
    }
  });

  it('fastaug impact --queue: the CLI study (an image, a model and a label condition) through a worker gives the local CLI report', async () => {
    const data = tempDir('fastaug-queue-idx-');
    for (const [split, n] of [['train', 150], ['t10k', 50]] as const) {
      const { xs, ys } = toyData(n, split === 'train' ? 0 : 1);
      writeFileSync(path.join(data, `${split}-images-idx3-ubyte`), idxBytes([n, H, W], xs.data));
      writeFileSync(path.join(data, `${split}-labels-idx1-ubyte`), idxBytes([n], ys));
    }
    const args = ['impact', '--data', data, '--seeds', '1', '--epochs', '1', '--workers', '1', '--conditions', 'shift-int,hidden-noise,label-smoothing'];
    const worker = startWorker(redis, 'cli');
    try {
      const queued = spawnSync(process.execPath, [cli, ...args, '--out', path.join(outDir, 'cli-queue'), '--queue', redis.url, '--queue-name', 'cli', '--shared-dir', dataDir], { encoding: 'utf8' });
      expect(queued.stderr).not.toMatch(/fastaug: /);
      expect(queued.status).toBe(0);
      const local = spawnSync(process.execPath, [cli, ...args, '--out', path.join(outDir, 'cli-local')], { encoding: 'utf8' });
      expect(local.status).toBe(0);
      const read = (dir: string) => JSON.parse(readFileSync(path.join(outDir, dir, 'impact.json'), 'utf8')) as ImpactReport;
      const viaQueue = read('cli-queue');
      expect(viaQueue.runs.map((r) => [r.condition, r.status, typeof r.host])).toEqual([['baseline', 'ok', 'string'], ['shift-int', 'ok', 'string'], ['hidden-noise', 'ok', 'string'], ['label-smoothing', 'ok', 'string']]);
      expect(impactJsonLessTimings(viaQueue, 'cli-queue-less')).toBe(impactJsonLessTimings(read('cli-local'), 'cli-local-less'));
    } finally {
      await stopWorkers([worker]);
    }
  });

  it('bad queue options and conditions that are functions are named before anything runs', async () => {
    await expect(measureImpact(study({ queue: { connection: 'http://localhost' } }))).rejects.toThrow("Expected a redis:// or rediss:// URL for queue.connection but received 'http://localhost'");
    await expect(measureImpact(study({ queue: { connection: redis.url, nme: 'x' } as never }))).rejects.toThrow("Unknown field 'nme' in queue");
    await expect(measureImpact(study({ queue: { connection: redis.url }, budget: 10 }))).rejects.toThrow('budget is for local studies');
    await expect(measureImpact(study({ queue: { connection: redis.url }, conditions: { mine: (b) => b } }))).rejects.toThrow("conditions.mine is the caller's function: a queue study sends conditions as data");
  });
});
