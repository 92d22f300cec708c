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
// --vs DIST (as bench/affine-cpu.mjs: a copy of another build's dist in this
// repository, its addon in DIST/addon/fastaug.node): each case also on that
// build, alternated, on the same buffers (each build's own buffers differ
// in alignment, which moves the AVX-512 noise cases by up to 30 %), with
// both builds' bytes compared; prints this / vs per case. Other arguments:
// the cases to run (default all).
import { loadBuilds } from './ab.mjs';

const args = process.argv.slice(2);
const vs = args.includes('--vs') ? args[args.indexOf('--vs') + 1] : undefined;
const only = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--vs');
const builds = loadBuilds(vs);
let fa = builds[0][1];

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

const allCases = {
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

const cases = Object.fromEntries(Object.entries(allCases).filter(([id]) => only.length === 0 || only.includes(id)));
// the output each case writes, to compare the builds' bytes
const outputs = { G3: cacheBuffer, G1: cacheBuffer, W3: f32Out, W4: u8Out, P1: f32Out, L1: f32Out, Q1: f32Out, Q2: u8Out, Q3: u8Out, S0: normalsOut, S1: smallU8Out, S2: smallF32Out };
const bytes = (id) => new Uint8Array(outputs[id].buffer, outputs[id].byteOffset, outputs[id].byteLength).slice();
const samples = builds.map(() => Object.fromEntries(Object.keys(cases).map((id) => [id, []])));
for (const [id, run] of Object.entries(cases)) {  // warm-up, and the same bytes from each build
  const seen = builds.map(([, build]) => ((fa = build), run(), bytes(id)));
  if (seen.some((b) => !b.every((v, i) => v === seen[0][i]))) throw new Error(`${id}: the builds give different bytes`);
}
const ROUNDS = Number(process.env.ROUNDS ?? 9);
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [id, run] of Object.entries(cases)) {
    builds.forEach(([, build], b) => {
      fa = build;
      const repeats = id.startsWith('S') ? 10 : 1;  // the small cases take well under a millisecond
      const t0 = process.cpuUsage();
      for (let i = 0; i < repeats; i += 1) run();
      const t = process.cpuUsage(t0);
      samples[b][id].push((t.user + t.system) / 1e3 / repeats);
    });
  }
}
const medians = samples.map((s) => Object.fromEntries(Object.entries(s).map(([id, times]) => [id, times.sort((a, b) => a - b)[times.length >> 1]])));
const ms = medians[0];

const isa = builds[0][1].backendInfo().isa;
const pairs = [['W3', 'G3'], ['W4', 'G3'], ['P1', 'G1'], ['L1', 'G3'], ['Q1', 'G1'], ['Q2', 'G3'], ['Q3', 'G1'], ['S1', 'S0'], ['S2', 'S0']];
builds.forEach(([name], b) => {
  const m = medians[b];
  const rate = (count, id) => (m[id] === undefined ? '' : `${id} ${(count / m[id] / 1e6).toFixed(2)} G/s`);
  const ratio = ([a, c]) => (m[a] === undefined || m[c] === undefined ? '' : `${a}/${c} ${(m[a] / m[c]).toFixed(2)}`);
  const tag = builds.length > 1 ? `${isa} ${name}` : isa;
  console.log(tag, 'median ms:', Object.entries(m).map(([id, t]) => `${id} ${t.toFixed(3)}`).join(' '));
  console.log(tag, `generator: ${[rate(LENGTH, 'G3'), rate(PIXELS, 'G1'), rate(SMALL_LENGTH, 'S0')].filter(Boolean).join(', ')} |`, pairs.map(ratio).filter(Boolean).join(' '));
});
if (builds.length > 1) console.log(isa, 'this / vs:', Object.keys(ms).map((id) => `${id} ${(ms[id] / medians[1][id]).toFixed(3)}`).join(' '));
