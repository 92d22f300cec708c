// Runs benchmark cases for one variant (the backend and ISA come from
// FASTAUG_BACKEND / FASTAUG_ISA, so what is measured is the public API as a
// user gets it) and prints the medians as JSON on stdout. Each case is
// preceded by a memcpy of the same bytes in this same process, so a case's
// "× memcpy" compares two measurements taken moments apart (the machines
// are shared: conditions drift between processes).
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

async function measure(name, fn) {
  const summary = await b.suite(name, b.add(name, fn, { minSamples: 5, maxTime }));  // benny's progress goes to stdout… of this worker only
  const r = summary.results[0];
  return { medianMs: r.details.median * 1e3, samples: r.samples, marginPercent: r.margin };
}

const results = [];
for (const c of cases) {
  const ctx = c.setup(fastaug);
  const memcpy = await measure(`${c.id} memcpy`, memcpyRun(c));
  for (const threads of threadList.split(',').map(Number)) {
    const fn = () => c.run(fastaug, ctx, threads);
    const r = await measure(`${c.id} ${variant} t${threads}`, threads > 1 ? async () => { await fn(); } : fn);
    results.push({ id: c.id, variant, threads, ...r, memcpyMs: memcpy.medianMs });
  }
}
process.stdout.write(`${JSON.stringify({ variant, info: fastaug.backendInfo(), results })}\n`);
