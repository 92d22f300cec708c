// node bench/lend-cost.mjs [--runs N]: what staging costs native …Async calls
// (issue 21, item 12). An array the caller could detach during the call is
// copied into memory the call holds (and copied back when written); one on a
// SharedArrayBuffer, or an output the call creates, is used in place. Times
// each case as a sync call, an …Async call on SharedArrayBuffer arrays (no
// copy) and an …Async call on ordinary arrays (staged until speed round 2, now
// worked on in place in main-thread slices: README, "Threads and …Async calls"); medians in ms.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const fa = require('../dist/cjs/index.js');
if (fa.backendInfo().backend !== 'native') throw new Error('lend-cost measures the native backend; build it first');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 9;
const threads = 2;

function onMemory(Type, length, shared) {
  const array = shared ? new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT)) : new Type(length);
  for (let i = 0; i < length; i += 4099) array[i] = (i % 251) / 251;
  return array;
}

async function median(call) {
  const times = [];
  for (let i = 0; i < runs + 1; i += 1) {
    const t0 = performance.now();
    await call();
    if (i > 0) times.push(performance.now() - t0);  // the first run warms up
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const cases = [
  { name: 'shift 64×224×224×3 uint8, new out', Type: Uint8Array, shape: [64, 224, 224, 3], sync: (b) => fa.shift(b, { dx: 1.5, dy: 0.5 }), async: (b) => fa.shiftAsync(b, { dx: 1.5, dy: 0.5, threads }) },
  { name: 'shift 64×224×224×3 uint8, given out', Type: Uint8Array, shape: [64, 224, 224, 3], out: true, sync: (b, out) => fa.shift(b, { dx: 1.5, dy: 0.5, out }), async: (b, out) => fa.shiftAsync(b, { dx: 1.5, dy: 0.5, out, threads }) },
  { name: 'shift 1×2048×2048×3 float32, new out', Type: Float32Array, shape: [1, 2048, 2048, 3], sync: (b) => fa.shift(b, { dx: 1.5, dy: 0.5 }), async: (b) => fa.shiftAsync(b, { dx: 1.5, dy: 0.5, threads }) },
  { name: 'gaussianNoise 64×224×224×3 uint8, in place', Type: Uint8Array, shape: [64, 224, 224, 3], sync: (b) => fa.gaussianNoise(b, { std: 8, out: b.data }), async: (b) => fa.gaussianNoiseAsync(b, { std: 8, out: b.data, threads }) },
  { name: 'gaussianNoise 1×2048×2048×3 float32, in place', Type: Float32Array, shape: [1, 2048, 2048, 3], sync: (b) => fa.gaussianNoise(b, { std: 0.1, out: b.data }), async: (b) => fa.gaussianNoiseAsync(b, { std: 0.1, out: b.data, threads }) },
  { name: 'randomNormal 2^24, given out', Type: Float32Array, length: 1 << 24, sync: (_, out) => fa.randomNormal(out.length, { out }), async: (_, out) => fa.randomNormalAsync(out.length, { out, threads }), out: true },
];

const rows = [];
for (const c of cases) {
  const length = c.length ?? c.shape.reduce((a, b) => a * b, 1);
  const make = (shared) => ({ batch: c.shape ? { data: onMemory(c.Type, length, shared), shape: c.shape } : undefined, out: c.out ? onMemory(c.Type, length, shared) : undefined });
  const plain = make(false);
  const shared = make(true);
  const sync = await median(() => c.sync(plain.batch, plain.out));
  const asyncShared = await median(() => c.async(shared.batch, shared.out));
  const asyncStaged = await median(() => c.async(plain.batch, plain.out));
  rows.push({ case: c.name, MB: +((length * c.Type.BYTES_PER_ELEMENT) / 2 ** 20).toFixed(1), 'sync ms': +sync.toFixed(2), 'async, shared ms': +asyncShared.toFixed(2), 'async, staged ms': +asyncStaged.toFixed(2), 'staged / shared': +(asyncStaged / asyncShared).toFixed(2), 'staged / sync': +(asyncStaged / sync).toFixed(2) });
}
console.log(`fastaug ${fa.backendInfo().version}, native/${fa.backendInfo().isa}, ${threads} threads, median of ${runs}`);
console.table(rows);
