// Runs benchmark cases for one variant (the backend and ISA come from
// FASTAUG_BACKEND / FASTAUG_ISA, so what is measured is the public API as a
// user gets it) and prints the medians as JSON on stdout. Each case is
// preceded by a memcpy of the same bytes in this same process, so a case's
// "× memcpy" compares two measurements taken moments apart (the machines
// are shared: conditions drift between processes).
//   node bench/worker.mjs <variant> <threads,...> <case ids,...> [maxTime seconds]
import { createRequire } from 'node:module';

import { loadCases } from './lib.mjs';

const require = createRequire(import.meta.url);
const fastaug = require('../dist/cjs/index.js');
const [variant, threadList, idList, maxTimeArg] = process.argv.slice(2);
const maxTime = Number(maxTimeArg ?? 1.5);
const cases = (await loadCases()).filter((c) => idList.split(',').includes(c.id));

/** The ceiling: a plain copy of the same number of bytes (TypedArray.set is a memcpy). */
function memcpyRun(c) {
  const src = new Uint8Array(c.bytes).fill(1);
  const dst = new Uint8Array(c.bytes);
  return () => dst.set(src);
}

/**
 * Median time of one call, from back-to-back calls timed one by one: a
 * warm-up of a quarter of the budget, then calls until maxTime has passed
 * (at least 5). Sync and …Async calls are timed the same way (an async call
 * until its promise settles), so "2 threads / 1" compares like with like; a
 * deferred benchmark harness (benny / benchmark.js) added 0.4–0.9 ms to
 * every awaited call here, a third of a 1 ms op.
 */
async function measure(fn) {
  const samples = [];
  const run = async (budgetMs, keep) => {
    const until = performance.now() + budgetMs;
    do {
      const t0 = process.hrtime.bigint();
      const r = fn();
      if (r && typeof r.then === 'function') await r;
      if (keep) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    } while (performance.now() < until || (keep && samples.length < 5));
  };
  await run((maxTime * 1e3) / 4, false);
  await run(maxTime * 1e3, true);
  samples.sort((a, b) => a - b);
  return { medianMs: samples[samples.length >> 1], samples: samples.length };
}

const results = [];
for (const c of cases) {
  const ctx = c.setup(fastaug);
  const memcpy = await measure(memcpyRun(c));
  // a case timing one particular call (an …Async call with threads: 1, say) runs once, as "1 thread"
  for (const threads of c.oneThread ? [1] : threadList.split(',').map(Number)) {
    const r = await measure(() => c.run(fastaug, ctx, threads));
    // a case making several calls per run (`calls`) is reported per call
    results.push({ id: c.id, variant, threads, ...r, medianMs: r.medianMs / (c.calls ?? 1), memcpyMs: memcpy.medianMs });
  }
}
process.stdout.write(`${JSON.stringify({ variant, info: fastaug.backendInfo(), results })}\n`);
