// node bench/color-cache-ab.mjs --vs DIST [--rounds N]
// brightness and contrast on uint8 batches small enough to stay in cache
// (1 and 4 images of 224×224×3, 256 of 32×32×3) and on the bench's 64
// images, this build against another (DIST: a copy of dist inside this
// repository, with DIST/addon/fastaug.node, as for bench/affine-cpu.mjs).
// CPU time of ~9.6 MB of calls (process.cpuUsage), the two builds
// alternated within each round, medians; both must give the same bytes.
// Here the uint8 map runs at its compute speed, where the batch cases
// (B1, K1) mostly time the memory.
import { cpuMs, loadBuilds, median } from './ab.mjs';
import { positionalArgs, takeOption } from './lib.mjs';

const args = process.argv.slice(2);
const vs = takeOption(args, 'vs');
if (vs === undefined) throw new Error('usage: node bench/color-cache-ab.mjs --vs DIST [--rounds N]');
const rounds = Number(takeOption(args, 'rounds', '21'));
positionalArgs(args, 'color-cache-ab'); // it takes no names: catches a mistyped option
const builds = loadBuilds(vs);
const shapes = [[1, 224, 224, 3], [4, 224, 224, 3], [64, 224, 224, 3], [256, 32, 32, 3]];
for (const shape of shapes) {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Uint8Array.from({ length: size }, (_, k) => (k * 7 + (k >> 10)) & 255);
  const out = new Uint8Array(size);
  const calls = Math.max(1, Math.round(9633792 / size));
  for (const op of ['brightness', 'contrast']) {
    const opts = op === 'brightness' ? { factor: [0.8, 1.2], delta: [-20, 20], seed: 1, out } : { factor: [0.8, 1.2], seed: 1, out };
    const bytes = builds.map(([, fa]) => fa[op]({ data, shape }, opts).data.slice());
    if (bytes.length > 1 && !bytes[0].every((v, i) => v === bytes[1][i])) throw new Error(`${op} ${shape}: the two builds give different bytes`);
    const times = builds.map(() => []);
    for (let r = 0; r < rounds; r += 1) builds.forEach(([, fa], b) => times[b].push(cpuMs(() => fa[op]({ data, shape }, opts), calls) * calls));
    const [mine, other] = times.map(median);
    console.log(`${op} ${shape.join('x')}, ${calls} calls: this ${mine.toFixed(3)} ms, vs ${other.toFixed(3)} ms, this / vs ${(mine / other).toFixed(3)}`);
  }
}
