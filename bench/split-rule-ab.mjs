// node bench/split-rule-ab.mjs [--rounds 31] <case[:share]>...
// Issue 20 ("threads: 2 never slower than one thread"): the split rule of
// threadsWorth (src/ops/common.ts) against the rule before round 6 (500 µs
// per part, whatever the load), in one process: for each bench case (or the
// first share of its images, `W1:0.25`), the sync call and the …Async call
// with threads: 2 under each rule take turns in rotating order, in bursts of
// 3 calls (the first untimed). Prints medians of wall and process CPU time
// (every thread), sync wall / t2 wall per rule, and the load average.
// Run `npm run build:ts` first (it loads dist/, like bench/run.mjs).
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

import { loadCases, takeOption } from './lib.mjs';

const require = createRequire(import.meta.url);
const fastaug = require('../dist/cjs/index.js');
const { threadSplit, MIN_PART_NS } = require('../dist/cjs/ops/common.js');
const args = process.argv.slice(2);
const rounds = Number(takeOption(args, 'rounds', '31'));
const cases = await loadCases();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const libraryRule = { ...threadSplit };

/** The first `share` of a batch case's images (offsets and labels cut to match). */
function shrink(ctx, share) {
  if (share === 1) return ctx;
  const [n, ...rest] = ctx.batch.shape;
  const k = Math.max(1, Math.round(share * n));
  const cut = (a) => (a === undefined ? undefined : a.subarray(0, (a.length / n) * k));
  const opts = ctx.opts === undefined ? undefined : Object.fromEntries(Object.entries(ctx.opts).map(([key, v]) => [key, Array.isArray(v) && v.length === n ? v.slice(0, k) : v]));
  return {
    ...ctx, batch: { ...ctx.batch, data: cut(ctx.batch.data), shape: [k, ...rest] }, out: cut(ctx.out), ...(opts ? { opts } : {}),
    ...(ctx.labels === undefined ? {} : { labels: cut(ctx.labels), labelsOut: cut(ctx.labelsOut) }),
  };
}

console.log(`${os.cpus()[0]?.model}, ${os.availableParallelism()} vCPUs, ISA ${fastaug.backendInfo().isa}, ${rounds} rounds, MIN_PART_NS ${MIN_PART_NS}`);
for (const spec of args) {
  const [id, shareArg] = spec.split(':');
  const c = cases.find((x) => x.id === id);
  if (c === undefined || c.run.length < 3) throw new Error(`${id}: no bench case that takes a thread count`);
  const ctx = shrink(c.setup(fastaug), Number(shareArg ?? 1));
  const variants = [
    { name: 'sync', run: () => c.run(fastaug, ctx, 1) },
    { name: 't2 before', run: () => { Object.assign(threadSplit, { minPartNs: 500_000, idleCpus: () => Infinity }); return c.run(fastaug, ctx, 2); } },
    { name: 't2 now', run: () => { Object.assign(threadSplit, libraryRule); return c.run(fastaug, ctx, 2); } },
  ];
  const wall = variants.map(() => []);
  const cpu = variants.map(() => []);
  const load0 = os.loadavg()[0];
  for (let r = -2; r < rounds; r += 1) {
    for (let j = 0; j < variants.length; j += 1) {
      const v = (j + r + 2) % variants.length;
      for (let k = 0; k < 3; k += 1) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await variants[v].run();
        const t1 = performance.now();
        const c1 = process.cpuUsage(c0);
        if (r >= 0 && k > 0) {
          wall[v].push(t1 - t0);
          cpu[v].push((c1.user + c1.system) / 1000);
        }
      }
    }
  }
  Object.assign(threadSplit, libraryRule);
  const syncWall = median(wall[0]);
  const cells = variants.map((v, i) => `${v.name} ${median(wall[i]).toFixed(3)} / ${median(cpu[i]).toFixed(3)}${i > 0 ? ` (${(syncWall / median(wall[i])).toFixed(2)}x)` : ''}`).join(' | ');
  console.log(`${spec} ${ctx.batch?.shape.join('x') ?? ''} wall / cpu ms: ${cells}; load ${load0.toFixed(1)} -> ${os.loadavg()[0].toFixed(1)}`);
}
