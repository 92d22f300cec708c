// node bench/shift-cpu.mjs [--runs N] [--calls N] [ID …]: CPU time
// (process.cpuUsage, which leaves out time spent waiting for a core on a
// shared host) of the shift bench cases named (default W2 B10-f32 B10-u8),
// each next to TypedArray.prototype.set of the same bytes in this process;
// × memcpy is against that copy. Medians over N runs of `calls` calls each,
// the case and its copy alternated run by run. FASTAUG_ISA /
// FASTAUG_NATIVE_PATH pick the build, so alternating invocations with two
// builds give an A/B comparison. Run `npm run build:ts` first (loads dist/).
import { createRequire } from 'node:module';

import { cpuMs, median } from './ab.mjs';
import { loadCases } from './lib.mjs';

const require = createRequire(import.meta.url);
const fastaug = require('../dist/cjs/index.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return Number(value);
};
const runs = option('runs', 9);
const calls = option('calls', 5);
const ids = args.length > 0 ? args : ['W2', 'B10-f32', 'B10-u8'];


const info = fastaug.backendInfo();
console.log(`backend ${info.backend}${info.isa ? ` ${info.isa}` : ''}, ${runs} runs × ${calls} calls, CPU ms per call`);
const cases = (await loadCases()).filter((c) => ids.includes(c.id));
for (const c of cases) {
  const ctx = c.setup();
  const copyOut = new ctx.batch.data.constructor(ctx.batch.data.length);
  const op = () => c.run(fastaug, ctx, 1);
  const copy = () => copyOut.set(ctx.batch.data);
  op();
  copy();  // warm up (and fault in the outputs' pages)
  const opMs = [];
  const copyMs = [];
  for (let r = 0; r < runs; r += 1) {
    opMs.push(cpuMs(op, calls));
    copyMs.push(cpuMs(copy, calls));
  }
  const [o, m] = [median(opMs), median(copyMs)];
  console.log(`${c.id.padEnd(8)} op ${o.toFixed(2)} ms  memcpy ${m.toFixed(2)} ms  ${(o / m).toFixed(2)}× memcpy`);
}
