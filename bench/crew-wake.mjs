// node bench/crew-wake.mjs [--rounds N]: what handing half of a job to one
// of the addon's helper threads (the Crew in native/addon.cc, reached through
// the native backend's runTogether) costs and saves, by job size. Each round
// runs the same two halves of a randomNormal fill (2 × `half` normals) with
// 0 helpers (the calling thread runs both) and with 1 helper, alternating,
// and records wall time and the process's CPU time (every thread). The
// difference at tiny sizes is the wake-up and join cost; the size where
// 1 helper starts to win is what threadSplit.minPartNs in src/ops/common.ts
// must stay above. Prints medians and 90th percentiles and the load average.
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { activeBackend } = require('../dist/cjs/backends/select.js');
const backend = activeBackend();
if (backend.name !== 'native') throw new Error('crew-wake measures the native backend; build it first');
const at = process.argv.indexOf('--rounds');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 400;

const request = (first) => ({ key0: 1, key1: 0, first, epoch: 0, stream: 2, offset: 0, scale: 1 });
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

console.log(`${os.cpus()[0]?.model}, ${os.availableParallelism()} vCPUs, ISA ${backend.isa}, ${rounds} rounds; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('half (normals) | helpers 0: wall med/p90, cpu med (µs) | helpers 1: wall med/p90, cpu med (µs) | wall 0/1');
for (const half of [256, 4096, 32768, 131072, 262144, 524288, 1048576, 2097152]) {
  const out = new Float32Array(2 * half);
  const a = out.subarray(0, half);
  const b = out.subarray(half);
  const queue = () => {
    backend.randomNormal(a, request(0));
    backend.randomNormal(b, request(half));
  };
  const wall = [[], []];
  const cpu = [[], []];
  for (let r = -5; r < rounds; r += 1) {
    for (const helpers of [0, 1]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      backend.runTogether(helpers, queue);
      const t1 = performance.now();
      const c1 = process.cpuUsage(c0);
      if (r < 0) continue;  // warm-up: pages touched, helper started
      wall[helpers].push((t1 - t0) * 1000);
      cpu[helpers].push(c1.user + c1.system);
    }
  }
  const cell = (h) => `${quantile(wall[h], 0.5).toFixed(1)}/${quantile(wall[h], 0.9).toFixed(1)}, ${quantile(cpu[h], 0.5).toFixed(1)}`;
  console.log(`${half} | ${cell(0)} | ${cell(1)} | ${(quantile(wall[0], 0.5) / quantile(wall[1], 0.5)).toFixed(2)}x`);
}
console.log(`load after ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
