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

/** Back-to-back calls of one variant before the next variant's turn: at least this long (ms), and at least BURST_CALLS calls. */
const BURST_MS = 20;
const BURST_CALLS = 3;

/**
 * Median time of one call of each of `fns` (a case's thread counts), from
 * calls timed one by one, back to back: a warm-up of a quarter of the budget,
 * then calls until the budget has passed (at least 5 of each). The variants
 * take turns in bursts of BURST_MS; the first call of a burst, which follows
 * the other variant's calls, is not timed. Sync and …Async calls are timed
 * the same way (an async call until its promise settles), each in a loop of
 * its own calls as a user's loop would make them, and taking turns exposes
 * them to the same conditions. Timed in one block each (every 1-thread call,
 * then every 2-thread call, 1.9 s apiece), a shared host's load changing
 * between the blocks moved "2 threads / 1" by more than the …Async call's
 * own cost: on a 2-vCPU Zen 4 at load 4–10, W1 (a 0.45–0.6 ms shift that
 * stays on one thread; its …Async call costs ~0.02–0.04 ms more) gave
 * 0.57–1.22× in blocks and 0.86–0.98× in bursts, F1 (a flip split over two
 * threads) 1.10–1.51× and 0.90–1.04× (docs/performance.md, "…Async overhead
 * and two threads on small ops"). A deferred benchmark harness (benny /
 * benchmark.js) added 0.4–0.9 ms to every awaited call here, a third of a
 * 1 ms op.
 */
async function measure(fns) {
  const samples = fns.map(() => []);
  const run = async (budgetMs, keep) => {
    const until = performance.now() + budgetMs;
    do {
      for (let v = 0; v < fns.length; v += 1) {
        const burstEnd = performance.now() + BURST_MS;
        for (let k = 0; k < BURST_CALLS || performance.now() < burstEnd; k += 1) {
          const t0 = process.hrtime.bigint();
          const r = fns[v]();
          if (r && typeof r.then === 'function') await r;
          if (keep && k > 0) samples[v].push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }
    } while (performance.now() < until || (keep && samples[0].length < 5));
  };
  // each variant gets the time it got when measured on its own
  await run((maxTime * 1e3 * fns.length) / 4, false);
  await run(maxTime * 1e3 * fns.length, true);
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    return { medianMs: s[s.length >> 1], samples: s.length };
  });
}

const results = [];
for (const c of cases) {
  const ctx = c.setup(fastaug);
  const [memcpy] = await measure([memcpyRun(c)]);
  // a case timing one particular call (an …Async call with threads: 1, say) runs once, as "1 thread"
  const threadCounts = c.oneThread ? [1] : threadList.split(',').map(Number);
  const timed = await measure(threadCounts.map((threads) => () => c.run(fastaug, ctx, threads)));
  threadCounts.forEach((threads, i) => {
    // a case making several calls per run (`calls`) is reported per call
    results.push({ id: c.id, variant, threads, ...timed[i], medianMs: timed[i].medianMs / (c.calls ?? 1), memcpyMs: memcpy.medianMs });
  });
}
process.stdout.write(`${JSON.stringify({ variant, info: fastaug.backendInfo(), results })}\n`);
