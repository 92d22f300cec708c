// node bench/ab-ops.mjs --vs DIST [--rounds N] [--calls N] [--out-shift K] [NAME ...]
// A few ops (a vertical flip, erase at p 1, the uint8 colour maps, …) timed
// as CPU ms per call on this build and on the --vs build in turn in one
// process (see bench/affine-cpu.mjs for the --vs build), with a memcpy of the
// same bytes, 64x224x224x3 uint8 out of place; prints medians and the median
// of the per-round new / old ratios. --out-shift K puts the output K bytes
// into a larger buffer: a copy's speed on Zen 4 depends on where the
// output sits against the input modulo 64 (erase's image copies ran 2-8x
// slower at some offsets, docs/performance.md, round 3).
import { cpuMs, loadBuilds, median } from './ab.mjs';
import { positionalArgs, takeOption } from './lib.mjs';

const args = process.argv.slice(2);
const rounds = Number(takeOption(args, 'rounds', '11'));
const calls = Number(takeOption(args, 'calls', '4'));
const outShift = Number(takeOption(args, 'out-shift', '0'));
const builds = loadBuilds(takeOption(args, 'vs'));
const names = positionalArgs(args, 'ab-ops');
const shape = [64, 224, 224, 3];
const data = new Uint8Array(64 * 224 * 224 * 3).map((_, i) => (i * 7) & 255);
const out = new Uint8Array(data.length + 64).subarray(outShift, outShift + data.length);
const batch = { data, shape };
// float32 ops (their memcpy is of the float32 batch; --out-shift rounded
// down to whole elements), made on first use
let f32;
const floats = () => {
  if (f32 !== undefined) return f32;
  const fdata = Float32Array.from(data, (v) => v / 255);
  const k = Math.floor(outShift / 4);
  f32 = { data: fdata, batch: { data: fdata, shape }, out: new Float32Array(fdata.length + 16).subarray(k, k + fdata.length) };
  return f32;
};
const labels = new Float32Array(64 * 10).map((_, i) => (i % 10 === 3 ? 1 : 0));
const ops = {
  'flip-h': (fa) => fa.flip(batch, { horizontal: true, out }),
  'flip-v': (fa) => fa.flip(batch, { vertical: true, out }),
  'flip-hv': (fa) => fa.flip(batch, { horizontal: true, vertical: true, out }),
  'erase-p1': (fa) => fa.erase(batch, { p: 1, seed: 1, out }),
  'erase-p0.5': (fa) => fa.erase(batch, { p: 0.5, seed: 1, out }),
  // the uint8 colour maps and gamma of the bench cases B1, K1, M1, here beside a memcpy
  brightness: (fa) => fa.brightness(batch, { factor: [0.8, 1.2], delta: [-20, 20], seed: 1, out }),
  contrast: (fa) => fa.contrast(batch, { factor: [0.8, 1.2], seed: 1, out }),
  gamma: (fa) => fa.gamma(batch, { seed: 1, out }),
  // copies: images left as they are (a plane each), cutmix's pasted images,
  // X2's crop (float32 rows of 2.3-2.7 KB: glibc's `rep movsb` range)
  'flip-none': (fa) => fa.flip(batch, { horizontal: false, vertical: false, out }),
  'flip-p0.5': (fa) => fa.flip(batch, { mode: 'horizontal', p: 0.5, seed: 1, out }),
  cutmix: (fa) => fa.cutmix(batch, labels, { seed: 1, out }),
  'crop-f32': (fa) => fa.crop(floats().batch, { height: 224, width: 224, padding: 16, fill: 'reflect', seed: 1, out: floats().out }),
  'flip-none-f32': (fa) => fa.flip(floats().batch, { horizontal: false, vertical: false, out: floats().out }),
  'flip-v-f32': (fa) => fa.flip(floats().batch, { vertical: true, out: floats().out }),
};
const isFloat = (name) => name.endsWith('-f32');
for (const name of names.length > 0 ? names : Object.keys(ops)) {
  const op = ops[name];
  if (op === undefined) throw new Error(`unknown op ${name}; ops: ${Object.keys(ops).join(', ')}`);
  const times = builds.map(() => []);
  const copy = [];
  const ratios = [];
  for (const [, fa] of builds) op(fa);
  for (let r = 0; r < rounds; r += 1) {
    copy.push(isFloat(name) ? cpuMs(() => floats().out.set(floats().data), calls) : cpuMs(() => out.set(data), calls));
    builds.forEach(([, fa], k) => times[k].push(cpuMs(() => op(fa), calls)));
    if (builds.length > 1) ratios.push(times[0][r] / times[1][r]);
  }
  const line = builds.map(([label], k) => `${label} ${median(times[k]).toFixed(3)} ms`).join('  ');
  console.log(`${name.padEnd(11)} memcpy ${median(copy).toFixed(3)} ms  ${line}${ratios.length ? `  this/vs per round ${median(ratios).toFixed(3)}` : ''}`);
}
