// Threads and …Async overhead, A/B (issue 20): for each bench case named on
// the command line (default W1 W2 W3 W4 W6), round after round, one call of
// each variant in turn — the sync call, the …Async call with threads: 1,
// with threads: 2 — timing each by wall clock and by the process's CPU time
// (process.cpuUsage: every thread of the process; and, from /proc, the
// part run by threads other than the calling one). Prints medians per
// variant and the load average before and after, since on a shared 2-vCPU
// host a wall time means little without it. Cases whose run takes no threads
// argument (A1–A5, G1, G3) are left out: they make the same call for every variant.
//
//   node bench/threads-ab.mjs [--rounds 30] [--variants sync,t1,t2] [W1 W2 …]
//
// Run `npm run build:ts` first (it loads dist/, like bench/run.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

import { loadCases, oneThreadRunner, takeOption } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => takeOption(args, name, fallback);
const rounds = Number(option('rounds', '30'));
const variants = option('variants', 'sync,t1,t2').split(',');
const ids = args.length > 0 ? args : ['W1', 'W2', 'W3', 'W4', 'W6'];

const fastaug = await import('../dist/esm/index.mjs');
// A case whose run takes no threads argument makes the same call for every variant (the A cases are each
// one variant already; G1, G3 time the sync generator in a loop), so it is left out.
const all = (await loadCases()).filter((c) => ids.includes(c.id));
const ignoresThreads = (c) => c.run.length < 3;
for (const c of all.filter(ignoresThreads)) console.log(`${c.id}: left out (its run takes no threads: one call whatever the variant)`);
const cases = all.filter((c) => !ignoresThreads(c));
const runOneThreadAsync = oneThreadRunner(fastaug);

/** Runs one variant once: the case's sync call (its run with threads 1), the …Async call with threads: 1, or with threads: 2. */
function once(c, ctx, variant) {
  if (variant === 'sync') return c.run(fastaug, ctx, 1);
  if (variant === 't1') return runOneThreadAsync(c, ctx);
  return c.run(fastaug, ctx, Number(variant.slice(1)));
}

/** Nanoseconds run so far by the process's threads other than the calling one (the addon's Crew, libuv's pool, V8's), from /proc (Linux; 0 elsewhere). */
function othersNs() {
  let ns = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      if (tid === String(process.pid)) continue;
      try {
        ns += Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return ns;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`node ${process.version}, ${os.cpus()[0]?.model}, ${os.availableParallelism()} vCPUs, native ISA ${fastaug.backendInfo?.().isa ?? '?'}, ${rounds} rounds`);
for (const c of cases) {
  const ctx = c.setup();
  const wall = Object.fromEntries(variants.map((v) => [v, []]));
  const cpu = Object.fromEntries(variants.map((v) => [v, []]));
  const others = Object.fromEntries(variants.map((v) => [v, []]));
  for (const v of variants) await once(c, ctx, v);  // warm: pages touched, helper threads started
  const loadBefore = os.loadavg()[0];
  for (let r = 0; r < rounds; r += 1) {
    for (const v of variants) {
      // read while the other threads sleep (their counts are then exact), outside the timed part
      const o0 = othersNs();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await once(c, ctx, v);
      const t1 = performance.now();
      const c1 = process.cpuUsage(c0);
      wall[v].push(t1 - t0);
      cpu[v].push((c1.user + c1.system) / 1000);
      others[v].push((othersNs() - o0) / 1e6);
    }
  }
  const loadAfter = os.loadavg()[0];
  // cpu: every thread; in brackets the part of it run by threads other than the calling one
  const cells = variants.map((v) => `${v} wall ${median(wall[v]).toFixed(3)} cpu ${median(cpu[v]).toFixed(3)} (others ${median(others[v]).toFixed(3)})`).join(' | ');
  const ratio = variants.includes('t1') && variants.includes('t2') ? `, t1/t2 wall ${(median(wall.t1) / median(wall.t2)).toFixed(2)}x` : '';
  const sync = variants.includes('sync') && variants.includes('t2') ? `, sync/t2 wall ${(median(wall.sync) / median(wall.t2)).toFixed(2)}x` : '';
  console.log(`${c.id} ms (median): ${cells}${ratio}${sync}; load ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}`);
}
