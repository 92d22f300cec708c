// node bench/noise-vs-normals.mjs: gaussian noise against the generator
// alone, round robin in one process (each case once per round, 9 rounds,
// medians), so that the ratios hold better on a shared host whose speed
// drifts than figures from separate processes. CPU time per call
// (process.cpuUsage): on a shared host, wall time also counts the time the
// process waits for a core. FASTAUG_ISA caps the ISA as for the bench;
// ROUNDS=n changes the 9 rounds.
//   G3 / G1: randomNormal of W3's length / of one per pixel, into a 1 MiB
//            buffer, 2^18 per call (the generator without memory traffic)
//   S0:      randomNormal of 1024×28×28 values into its own array
//   Q1-Q3:   as bench/cases/noise.mjs (NCHW per pixel, NCHW uint8, NHWC uint8 per pixel)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fa = require('../dist/cjs/index.js');

const IMAGES = [64, 224, 224, 3];
const SMALL = [1024, 28, 28, 1];
const size = (shape) => shape.reduce((a, b) => a * b, 1);
const LENGTH = size(IMAGES);
const PIXELS = LENGTH / 3;
const SMALL_LENGTH = size(SMALL);
const PER_CALL = 1 << 18;

function ramp(Type, length) {
  const data = new Type(length);
  for (let i = 0; i < length; i += 1) data[i] = Type === Uint8Array ? (i * 7) & 255 : ((i * 7) & 255) / 255;
  return data;
}

const f32 = { data: ramp(Float32Array, LENGTH), shape: IMAGES };
const u8 = { data: ramp(Uint8Array, LENGTH), shape: IMAGES };
const f32Out = new Float32Array(LENGTH);
const u8Out = new Uint8Array(LENGTH);
const smallF32 = { data: ramp(Float32Array, SMALL_LENGTH), shape: SMALL };
const smallU8 = { data: ramp(Uint8Array, SMALL_LENGTH), shape: SMALL };
const smallF32Out = new Float32Array(SMALL_LENGTH);
const smallU8Out = new Uint8Array(SMALL_LENGTH);
const normalsOut = new Float32Array(SMALL_LENGTH);
const cacheBuffer = new Float32Array(PER_CALL);

/** `count` normals into the 1 MiB buffer, 2^18 per call, index moved along. */
const cachedNormals = (count) => () => {
  for (let index = 0; index < count; index += PER_CALL) {
    const take = Math.min(PER_CALL, count - index);
    fa.randomNormal(take, { seed: 1, index, out: cacheBuffer.subarray(0, take) });
  }
};

const cases = {
  G3: cachedNormals(LENGTH),
  G1: cachedNormals(PIXELS),
  W3: () => fa.gaussianNoise(f32, { std: 0.1, out: f32Out }),
  W4: () => fa.gaussianNoise(u8, { std: 10, out: u8Out }),
  P1: () => fa.gaussianNoise(f32, { std: 0.1, perChannel: false, out: f32Out }),
  L1: () => fa.gaussianNoise({ ...f32, layout: 'NCHW' }, { std: 0.1, out: f32Out }),
  Q1: () => fa.gaussianNoise({ ...f32, layout: 'NCHW' }, { std: 0.1, perChannel: false, out: f32Out }),
  Q2: () => fa.gaussianNoise({ ...u8, layout: 'NCHW' }, { std: 10, out: u8Out }),
  Q3: () => fa.gaussianNoise(u8, { std: 10, perChannel: false, out: u8Out }),
  S0: () => fa.randomNormal(SMALL_LENGTH, { seed: 1, out: normalsOut }),
  S1: () => fa.gaussianNoise(smallU8, { std: 10, seed: 1, out: smallU8Out }),
  S2: () => fa.gaussianNoise(smallF32, { std: 0.1, seed: 1, out: smallF32Out }),
};

const samples = Object.fromEntries(Object.keys(cases).map((id) => [id, []]));
for (const run of Object.values(cases)) run();  // warm-up
const ROUNDS = Number(process.env.ROUNDS ?? 9);
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [id, run] of Object.entries(cases)) {
    const repeats = id.startsWith('S') ? 10 : 1;  // the small cases take well under a millisecond
    const t0 = process.cpuUsage();
    for (let i = 0; i < repeats; i += 1) run();
    const t = process.cpuUsage(t0);
    samples[id].push((t.user + t.system) / 1e3 / repeats);
  }
}
const ms = Object.fromEntries(Object.entries(samples).map(([id, times]) => [id, times.sort((a, b) => a - b)[times.length >> 1]]));

const isa = fa.backendInfo().isa;
const rate = (count, id) => `${(count / ms[id] / 1e6).toFixed(2)} G/s`;
const ratio = (a, b) => `${a}/${b} ${(ms[a] / ms[b]).toFixed(2)}`;
console.log(isa, 'median ms:', Object.entries(ms).map(([id, t]) => `${id} ${t.toFixed(3)}`).join(' '));
console.log(isa, `generator: G3 ${rate(LENGTH, 'G3')}, G1 ${rate(PIXELS, 'G1')}, S0 ${rate(SMALL_LENGTH, 'S0')} |`,
  [ratio('W3', 'G3'), ratio('W4', 'G3'), ratio('P1', 'G1'), ratio('L1', 'G3'), ratio('Q1', 'G1'), ratio('Q2', 'G3'), ratio('Q3', 'G1'), ratio('S1', 'S0'), ratio('S2', 'S0')].join(' '));
