// Runs benchmark cases for one variant (the backend and ISA come from
// FASTAUG_BACKEND / FASTAUG_ISA, so what is measured is the public API as a
// user gets it) and prints the medians as JSON on stdout.
//   node bench/worker.mjs <variant> <threads,...> <case ids,...> [maxTime seconds]
import { createRequire } from 'node:module';

import b from 'benny';

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

const results = [];
for (const c of cases) {
  const threadsToRun = variant === 'memcpy' ? [1] : threadList.split(',').map(Number);
  const ctx = variant === 'memcpy' ? undefined : c.setup(fastaug);
  for (const threads of threadsToRun) {
    const fn = variant === 'memcpy' ? memcpyRun(c) : () => c.run(fastaug, ctx, threads);
    const isAsync = variant !== 'memcpy' && threads > 1;
    const summary = await b.suite(
      `${c.id} ${variant} t${threads}`,
      b.add(c.id, isAsync ? async () => { await fn(); } : fn, { minSamples: 5, maxTime }),
      // benny prints progress by default; keep stdout for the JSON
    );
    const r = summary.results[0];
    results.push({ id: c.id, variant, threads, medianMs: r.details.median * 1e3, samples: r.samples, marginPercent: r.margin });
  }
}
process.stdout.write(`${JSON.stringify({ variant, info: fastaug.backendInfo(), results })}\n`);
