#!/usr/bin/env node
// The fastaug command: bench | impact | preview.
import { Command } from 'commander';

import { runBench } from './bench.js';
import { DEFAULT_DATA_DIR, runImpact, terminalSummary } from './impact.js';
import { renderPreview } from './preview.js';
import { startImpactWorker } from '../impact/queue-worker.js';

const program = new Command();
program.name('fastaug').description('Fast, reproducible, measurable dataset augmentation');

program
  .command('bench')
  .description('run the benchmark suite: native per ISA, js and memcpy; 1 and 2 threads')
  .argument('[filters...]', 'families or case ids to run (default: all)')
  .option('--quick', 'shorter sampling')
  .option('--out <dir>', 'where to write <family>.json and <family>.svg', 'bench-results')
  .action(async (filters: string[], options: { quick?: boolean; out: string }) => runBench(filters, options));

const integer = (name: string, min = 1) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes a whole number >= ${min}, not '${value}'`);
  return n;
};

const seconds = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!(n > 0)) throw new Error(`--${name} takes a number of seconds > 0, not '${value}'`);
  return n;
};

program
  .command('impact')
  .description('train a model under each augmentation, seeds paired, and report its effect on clean and corrupted accuracy with tested intervals')
  .option('--data <dir>', 'directory of IDX files (train-/t10k-images-idx3-ubyte[.gz], …-labels-idx1-ubyte[.gz]); any image size and class count', DEFAULT_DATA_DIR)
  .option('--out <dir>', 'where to write impact.json, impact.md, impact.html and the charts', 'impact-report')
  .option('--quick', '6 000 training and 2 000 test images, 2 epochs (about 2 minutes on 2 cores)')
  .option('--model <model.json>', 'a TF.js model.json: its topology is trained, re-initialised per seed (default: an MLP sized to the data)')
  .option('--seeds <n>', 'paired seed blocks', integer('seeds'), 5)
  .option('--workers <n>', 'training worker threads (default: one per core)', integer('workers'))
  .option('--budget <seconds>', 'start no new seed block that would end after this', seconds('budget'))
  .option('--resume', 'continue the study saved in --out (its checkpoint.json); with --queue, also from the results in Redis')
  .option('--train <n>', 'training images (default all; --quick 6 000)', integer('train'))
  .option('--test <n>', 'test images (default all; --quick 2 000)', integer('test'))
  .option('--epochs <n>', 'epochs (default 3; --quick 2)', integer('epochs'))
  .option('--conditions <names>', `comma-separated subset of: ${['shift-int', 'shift-subpixel', 'gaussian-input', 'salt-pepper', 'hidden-noise', 'gaussian-dropout', 'label-smoothing', 'label-flips', 'pipeline'].join(', ')}`)
  .option('--tfjs-backend <name>', "TF.js backend of the workers: 'wasm' (fastest here) or 'cpu'", 'wasm')
  .option('--queue <url>', 'run on `fastaug worker` processes through this Redis (redis://[:password@]host:port or rediss://… for TLS) instead of local threads')
  .option('--queue-name <name>', 'the BullMQ queue (default fastaug-impact)')
  .option('--shared-dir <dir>', 'with --queue: where the study data file is written; every worker must read it at this path (default: the temp directory, for workers on this machine)')
  .action(async (o: { data: string; out: string; quick?: boolean; model?: string; seeds: number; workers?: number; budget?: number; resume?: boolean; train?: number; test?: number; epochs?: number; conditions?: string; tfjsBackend: string; queue?: string; queueName?: string; sharedDir?: string }) => {
    if (o.tfjsBackend !== 'wasm' && o.tfjsBackend !== 'cpu') throw new Error(`--tfjs-backend must be 'wasm' or 'cpu', not '${o.tfjsBackend}'`);
    const started = Date.now();
    const report = await runImpact({
      data: o.data, out: o.out, quick: o.quick === true, seeds: o.seeds, workers: o.workers, budget: o.budget, resume: o.resume === true,
      train: o.train, test: o.test, epochs: o.epochs, model: o.model, backend: o.tfjsBackend,
      conditions: o.conditions?.split(',').map((s) => s.trim()),
      progress: process.stderr.isTTY === true ? 'bar' : 'lines',
      queue: o.queue, queueName: o.queueName, sharedDir: o.sharedDir,
    });
    console.log(terminalSummary(report));
    console.log(`\nwrote ${o.out}/impact.html, impact.md, impact.json and the charts (${((Date.now() - started) / 1000).toFixed(0)} s, ${report.settings.workers} workers)`);
  });

program
  .command('worker')
  .description('train impact-study runs taken from a Redis queue (fastaug impact --queue); run one or more on each machine')
  .requiredOption('--queue <url>', 'the Redis of the study: redis://[:password@]host:port or rediss://… (TLS)')
  .option('--queue-name <name>', 'the BullMQ queue (default fastaug-impact)')
  .option('--concurrency <n>', 'runs trained at once, each on its own thread', integer('concurrency'), 1)
  .option('--setup <modules...>', 'modules each training thread imports first (custom layers)')
  .option('--lock-duration <ms>', 'job lock: a killed worker\'s run is retried by another after this', integer('lock-duration', 100), 30000)
  .option('--stalled-interval <ms>', 'how often to look for runs of killed workers', integer('stalled-interval', 100), 30000)
  .action(async (o: { queue: string; queueName?: string; concurrency: number; setup?: string[]; lockDuration: number; stalledInterval: number }) => {
    const worker = await startImpactWorker({
      connection: o.queue, concurrency: o.concurrency, lockDuration: o.lockDuration, stalledInterval: o.stalledInterval,
      ...(o.queueName ? { name: o.queueName } : {}), ...(o.setup ? { setup: o.setup } : {}),
      onEvent: (e) => console.log(`${e.type} ${e.job}${e.condition ? ` ${e.condition} seed ${e.seed}` : ''}${e.detail ? `: ${e.detail}` : ''}`),
    });
    console.log(`fastaug worker: taking runs from queue ${o.queueName ?? 'fastaug-impact'} (concurrency ${o.concurrency}); Ctrl-C to stop`);
    const stop = (): void => { void worker.close().then(() => process.exit(0)); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('preview')
  .description('write a PNG grid: one row per sample, one column per transformation')
  .argument('[images...]', 'PNG files to use instead of Fashion-MNIST test images (same size)')
  .option('--data <dir>', 'directory of MNIST-style IDX files', DEFAULT_DATA_DIR)
  .option('--samples <n>', 'rows (Fashion-MNIST)', integer('samples'), 6)
  .option('--scale <n>', 'pixel magnification', integer('scale'), 4)
  .option('--seed <n>', 'seed of the random transformations', integer('seed', 0), 1)
  .option('--out <file>', 'the PNG to write', 'preview.png')
  .action((images: string[], o: { data: string; samples: number; scale: number; seed: number; out: string }) => {
    const r = renderPreview({ ...o, images });
    console.log(`wrote ${o.out}: ${r.rows} samples × ${r.columns} columns`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`fastaug: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
