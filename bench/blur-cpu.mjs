// node bench/blur-cpu.mjs [--runs N]: CPU time (process.cpuUsage, which
// leaves out time spent waiting for a core on a shared host) of one
// gaussianBlur call on 64×224×224×3, sigma 1.5 (radius 5), the default fill,
// float32 and uint8 (bench cases G10 / G11), against TypedArray.prototype.set
// of the same bytes (the issue 19 yardstick: float32 ≤ 4× that copy).
// Medians over N runs of 3 calls each; FASTAUG_ISA / FASTAUG_NATIVE_PATH pick
// the build, so alternating runs of two builds give an A/B comparison.
import { createRequire } from 'node:module';

import { cpuMs, median } from './ab.mjs';

const require = createRequire(import.meta.url);
const fa = require('../dist/cjs/index.js');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 9;
const shape = [64, 224, 224, 3];
const size = shape.reduce((a, b) => a * b, 1);
const callsPerRun = 3;

function medianMs(call) {
  call();  // warm up (and fault in the output's pages)
  return median(Array.from({ length: runs }, () => cpuMs(call, callsPerRun)));
}

const info = fa.backendInfo();
console.log(`backend ${info.backend}${info.isa ? ` ${info.isa}` : ''}, ${runs} runs × ${callsPerRun} calls, CPU ms per call`);
for (const Type of [Float32Array, Uint8Array]) {
  const data = new Type(size);
  for (let i = 0; i < size; i += 1) data[i] = Type === Float32Array ? (i % 251) / 251 : i % 251;
  const out = new Type(size);
  const copy = medianMs(() => out.set(data));
  const blur = medianMs(() => fa.gaussianBlur({ data, shape }, { sigma: 1.5, out }));
  console.log(`${Type.name.padEnd(12)} blur ${blur.toFixed(2)} ms  copy ${copy.toFixed(2)} ms  ${(blur / copy).toFixed(2)}× copy`);
}
