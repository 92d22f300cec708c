// node bench/cpu.mjs <case id>... [--runs N] [--calls N] [--threads 1,2]
// CPU time per call (process.cpuUsage: user + system of the whole process,
// every thread of the libuv pool included, and none of the time spent
// waiting for a core on a shared host) of bench cases, each next to
// TypedArray.prototype.set of the same bytes (the memcpy yardstick). Each
// run times `calls` memcpys, then `calls` calls of the case at one thread
// count, so the op and its memcpy alternate within seconds; the medians of
// N runs are printed, one line per case and thread count (the memcpy median
// over the runs so far). With 2 threads
// the CPU time is that of both threads together (the work done, not the
// wait): half of it is the wall time on two idle cores at best.
// FASTAUG_BACKEND / FASTAUG_ISA / FASTAUG_NATIVE_PATH pick what is measured.
import { createRequire } from 'node:module';

import { cpuMsAsync, median } from './ab.mjs';
import { hostInfo, loadCases } from './lib.mjs';

const require = createRequire(import.meta.url);
const fastaug = require('../dist/cjs/index.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const runs = Number(option('--runs', 7));
const calls = Number(option('--calls', 3));
const threadCounts = option('--threads', '1,2').split(',').map(Number);
const ids = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const cases = (await loadCases()).filter((c) => ids.includes(c.id));
const missing = ids.filter((id) => !cases.some((c) => c.id === id));
if (missing.length > 0) {
  console.error(`no bench case ${missing.join(' ')}`);
  process.exit(2);
}


const info = fastaug.backendInfo();
const host = hostInfo();
console.log(`${info.backend}${info.backend === 'native' ? ` ${info.isa}` : ''} on ${host.cpu} (family ${host.family} model ${host.model}, ${host.hostClass ?? 'class unknown'}); ${runs} runs × ${calls} calls, CPU ms per call`);
const results = [];
for (const c of cases) {
  const ctx = c.setup(fastaug);
  const src = new Uint8Array(c.bytes).fill(1);
  const dst = new Uint8Array(c.bytes);
  const copy = () => dst.set(src);
  const op = (threads) => () => c.run(fastaug, ctx, threads);
  // one thread count at a time: a sync call right after an …Async one was
  // measured 2-3× slower here (the pool's threads still awake), so
  // alternating them would time that instead of the op
  const memcpyTimes = [];
  for (const threads of threadCounts) {
    // warm up: fault in every page, compile the js paths
    copy();
    await op(threads)();
    const times = [];
    for (let r = 0; r < runs; r += 1) {
      memcpyTimes.push(await cpuMsAsync(copy, calls));
      times.push(await cpuMsAsync(op(threads), calls));
    }
    const ms = median(times);
    const memcpyMs = median(memcpyTimes);
    results.push({ id: c.id, threads, cpuMs: ms, memcpyMs, xMemcpy: ms / memcpyMs });
    console.log(`${c.id.padEnd(4)} ${String(threads)} thr  ${ms.toFixed(2).padStart(8)} ms  memcpy ${memcpyMs.toFixed(2)} ms  ${(ms / memcpyMs).toFixed(2)}× memcpy  ${c.name}`);
  }
}
console.log(JSON.stringify({ backend: info.backend, isa: info.isa, host, runs, calls, results }));
