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
// --share f1,f2,… runs each case also on a share of its work, to find the
// smallest sizes that split and check they gain (issue 20: "never slower
// than one thread"): the first round(f × n) images of its batch (of its rows,
// for a one-image batch; of its elements, for a flat array), with `out`,
// per-image offsets and labels cut to match (cases whose size is fixed in
// their call, R1 and R2, are left out).
//
//   node bench/threads-ab.mjs [--rounds 30] [--variants sync,t1,t2] [--share 0.1,0.25] [W1 W2 …]
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
const shares = option('share', '1').split(',').map(Number);
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

/** The first `share` of a case's work: images of its batch (rows of a one-image batch, elements of a flat array); undefined when its size is fixed by its call. */
function shrink(ctx, share) {
  if (share === 1) return ctx;
  const cut = (a, parts, keep) => (a === undefined ? undefined : a.subarray(0, (a.length / parts) * keep));
  if (ctx.batch !== undefined) {
    const [n, ...rest] = ctx.batch.shape;
    if (n === 1) {
      // one image (N1, N2): its first rows
      const rows = Math.max(1, Math.round(share * rest[0]));
      return { ...ctx, batch: { ...ctx.batch, data: cut(ctx.batch.data, rest[0], rows), shape: [1, rows, ...rest.slice(1)] }, out: cut(ctx.out, rest[0], rows) };
    }
    const k = Math.max(1, Math.round(share * n));
    const opts = ctx.opts === undefined ? undefined : Object.fromEntries(Object.entries(ctx.opts).map(([key, v]) => [key, Array.isArray(v) && v.length === n ? v.slice(0, k) : v]));
    return {
      ...ctx, batch: { ...ctx.batch, data: cut(ctx.batch.data, n, k), shape: [k, ...rest] }, out: cut(ctx.out, n, k),
      ...(opts === undefined ? {} : { opts }), ...(ctx.labels === undefined ? {} : { labels: cut(ctx.labels, n, k), labelsOut: cut(ctx.labelsOut, n, k) }),
    };
  }
  if (ctx.x !== undefined) {
    const k = Math.max(1, Math.round(share * ctx.x.length));
    return { ...ctx, x: ctx.x.subarray(0, k), out: ctx.out.subarray(0, k) };
  }
  return undefined;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`node ${process.version}, ${os.cpus()[0]?.model}, ${os.availableParallelism()} vCPUs, native ISA ${fastaug.backendInfo?.().isa ?? '?'}, ${rounds} rounds`);
for (const c of cases) for (const share of shares) {
  const ctx = shrink(c.setup(), share);
  if (ctx === undefined) {
    console.log(`${c.id} × ${share}: left out (its size is fixed by its call)`);
    continue;
  }
  const label = share === 1 ? c.id : `${c.id} × ${share} (${ctx.batch?.shape.join('x') ?? ctx.x.length})`;
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
  console.log(`${label} ms (median): ${cells}${ratio}${sync}; load ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}`);
}
