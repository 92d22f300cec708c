// node bench/shift-native-cpu.mjs [--vs DIST] [--rounds N] [CASE ...]
// Native shifts against a memcpy (TypedArray.prototype.set) of the
// same bytes, as CPU time per call (process.cpuUsage: on a shared host, wall
// time also counts the time the process waits for a core). Round robin in one
// process (memcpy, this build, the --vs build; N rounds, medians), so the
// ratios hold on a host whose speed drifts. --vs DIST times another build's
// dist directory too (a copy of dist from before a change, inside this
// repository so its requires resolve), loading the addon DIST/addon/fastaug.node
// if there is one, and checks both builds give the same bytes.
// CASE: I<percent>-<u8|f32>-<fill> (64×224×224×3, integer offsets spread over
// ±percent of the size, as bench/cases/shift.mjs), B10-<u8|f32> and W2 (the
// bench's bilinear cases, reflect), W7 (1024×28×28×1 uint8,
// drawn integer offsets, reflect), H4 (the same, given offsets, constant) or
// C3 (one 28×28 image of W7's kind: the cost of a call).
import { cpuMs, loadBuilds, median } from './ab.mjs';
import { positionalArgs, takeOption } from './lib.mjs';

const args = process.argv.slice(2);
const vs = takeOption(args, 'vs');
const rounds = Number(takeOption(args, 'rounds', '9'));
const caseIds = positionalArgs(args, 'shift-native-cpu');

const builds = loadBuilds(vs);

/** As bench/cases/shift.mjs spreadOffsets: integer offsets spread evenly over [−limit, limit]. */
const spreadOffsets = (count, limit, step) => Array.from({ length: count }, (_, i) => Math.round((2 * ((i * step) % 1) - 1) * limit));

function makeCase(id) {
  if (id === 'C3') {
    // bench/cases/small.mjs C3: one image, so the per-call cost
    return { shape: [1, 28, 28, 1], Type: Uint8Array, opts: { x: 0.1, y: 0.1, subpixel: false, fill: 'reflect', seed: 1, index: 7 }, calls: 5000 };
  }
  if (id === 'W7' || id === 'H4') {
    const shape = [1024, 28, 28, 1];
    const opts = id === 'W7'
      ? { fill: 'reflect', x: 0.1, y: 0.1, subpixel: false, seed: 1 }
      : { fill: 'constant', dx: spreadOffsets(1024, 2.8, 0.618034), dy: spreadOffsets(1024, 2.8, 0.414214) };
    return { shape, Type: Uint8Array, opts, calls: 200 };
  }
  const shape = [64, 224, 224, 3];
  const bilinear = /^B10-(u8|f32)$/.exec(id);
  if (bilinear !== null) {
    // bench/cases/shift.mjs B10-*: subpixel offsets spread over ±10 %, reflect
    const spread = (step, size) => Array.from({ length: 64 }, (_, i) => (2 * ((i * step) % 1) - 1) * 0.1 * size);
    return { shape, Type: bilinear[1] === 'u8' ? Uint8Array : Float32Array, opts: { fill: 'reflect', dx: spread(0.618034, 224), dy: spread(0.414214, 224) }, calls: 3 };
  }
  if (id === 'W2') {
    const opts = { fill: 'reflect', dx: Array.from({ length: 64 }, (_, i) => ((i % 9) - 4) * 1.37), dy: Array.from({ length: 64 }, (_, i) => ((i % 7) - 3) * 0.83) };
    return { shape, Type: Float32Array, opts, calls: 3 };
  }
  const m = /^I(\d+)-(u8|f32)-(\w+)$/.exec(id);
  if (m === null) throw new Error(`unknown case ${id}`);
  const spread = Number(m[1]) / 100;
  const opts = { fill: m[3], dx: spreadOffsets(64, spread * 224, 0.618034), dy: spreadOffsets(64, spread * 224, 0.414214) };
  return { shape, Type: m[2] === 'u8' ? Uint8Array : Float32Array, opts, calls: 5 };
}


for (const id of caseIds) {
  const { shape, Type, opts, calls } = makeCase(id);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Type(n);
  for (let i = 0; i < n; i += 1) data[i] = Type === Uint8Array ? (i * 7) & 255 : ((i * 7) & 255) / 255;
  const out = new Type(n);
  const [copyFrom, copyTo] = [new Uint8Array(data.byteLength).fill(1), new Uint8Array(data.byteLength)];
  const runs = [['memcpy', () => copyTo.set(copyFrom)], ...builds.map(([name, fa]) => [name, () => fa.shift({ data, shape }, { ...opts, out })])];
  if (builds.length > 1) {
    runs[1][1]();
    const mine = new Uint8Array(out.buffer).slice();
    runs[2][1]();
    if (!mine.every((v, i) => v === new Uint8Array(out.buffer)[i])) throw new Error(`${id}: the two builds give different bytes`);
  }
  for (const [, fn] of runs) cpuMs(fn, calls);
  const times = runs.map(() => []);
  for (let r = 0; r < rounds; r += 1) {
    for (const [i, [, fn]] of runs.entries()) times[i].push(cpuMs(fn, calls));
  }
  const memcpy = median(times[0]);
  const perImage = (ms) => `${((ms * 1e6) / shape[0]).toFixed(0)} ns/image`;
  const cells = runs.slice(1).map(([name], i) => `${name} ${median(times[i + 1]).toFixed(3)} ms = ${(median(times[i + 1]) / memcpy).toFixed(2)}× (${perImage(median(times[i + 1]))})`);
  console.log(`${id.padEnd(16)}memcpy ${memcpy.toFixed(3)} ms  ${cells.join('  ')}`);
}
