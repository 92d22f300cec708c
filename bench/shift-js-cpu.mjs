// node bench/shift-js-cpu.mjs [--vs DIST] [--spread F] [--rounds N] [--threads T] [u8|f32 ...]
// The js backend's integer shift of 64×224×224×3 at per-image offsets spread
// over ±F of the size (default 0.2, as bench J1/J2 and I20-*), every fill,
// against a memcpy (TypedArray.prototype.set) of the same bytes. CPU time per
// call (process.cpuUsage): on a shared host, wall time also counts the time
// the process waits for a core. Round robin in one process (memcpy, this
// build, the --vs build; N rounds of 5 calls, medians), so that the ratios
// hold on a host whose speed drifts. --vs DIST also times another build's
// dist directory (e.g. a copy of dist from before a change; it must sit in
// this repository so its requires resolve) and checks it gives the same bytes.
// --threads T times shiftAsync with threads: T instead of the sync shift.
import { createRequire } from 'node:module';
import path from 'node:path';

import { cpuMsAsync, median } from './ab.mjs';
import { benchDir, positionalArgs, takeOption } from './lib.mjs';

process.env.FASTAUG_BACKEND = 'js';
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const vs = takeOption(args, 'vs');
const spread = Number(takeOption(args, 'spread', '0.2'));
const rounds = Number(takeOption(args, 'rounds', '7'));
const threads = takeOption(args, 'threads');
const dtypes = positionalArgs(args, 'shift-js-cpu');

const builds = [['this', require(path.join(benchDir, '../dist/cjs/index.js'))]];
if (vs !== undefined) builds.push(['vs', require(path.resolve(vs, 'cjs/index.js'))]);

const shape = [64, 224, 224, 3];
const n = shape.reduce((a, b) => a * b, 1);
/** As bench/cases/shift.mjs spreadOffsets: integer offsets spread evenly over [−limit, limit]. */
const spreadOffsets = (count, limit, step) => Array.from({ length: count }, (_, i) => Math.round((2 * ((i * step) % 1) - 1) * limit));
const dx = spreadOffsets(shape[0], spread * shape[2], 0.618034);
const dy = spreadOffsets(shape[0], spread * shape[1], 0.414214);
const FILLS = ['constant', 'nearest', 'wrap', 'reflect', 'mirror'];


for (const dtype of dtypes.length > 0 ? dtypes : ['u8', 'f32']) {
  const Type = dtype === 'u8' ? Uint8Array : Float32Array;
  const data = new Type(n);
  for (let i = 0; i < n; i += 1) data[i] = dtype === 'u8' ? (i * 7) & 255 : ((i * 7) & 255) / 255;
  const out = new Type(n);
  const [copyFrom, copyTo] = [new Uint8Array(data.byteLength).fill(1), new Uint8Array(data.byteLength)];
  for (const fill of FILLS) {
    const runs = [['memcpy', () => copyTo.set(copyFrom)], ...builds.map(([name, fa]) => [name, threads === undefined
      ? () => fa.shift({ data, shape }, { dx, dy, fill, out })
      : () => fa.shiftAsync({ data, shape }, { dx, dy, fill, out, threads: Number(threads) })])];
    if (builds.length > 1) {
      await runs[1][1]();
      const mine = new Uint8Array(out.buffer).slice();
      await runs[2][1]();
      if (!mine.every((v, i) => v === new Uint8Array(out.buffer)[i])) throw new Error(`${dtype} ${fill}: the two builds give different bytes`);
    }
    for (const [, fn] of runs) await cpuMsAsync(fn, 3);
    const times = runs.map(() => []);
    for (let r = 0; r < rounds; r += 1) {
      for (const [i, [, fn]] of runs.entries()) times[i].push(await cpuMsAsync(fn, 5));
    }
    const memcpy = median(times[0]);
    const cells = runs.slice(1).map(([name], i) => `${name} ${median(times[i + 1]).toFixed(2)} ms = ${(median(times[i + 1]) / memcpy).toFixed(2)}×`);
    console.log(`${dtype.padEnd(4)}${fill.padEnd(9)}memcpy ${memcpy.toFixed(3)} ms  ${cells.join('  ')}`);
  }
}
