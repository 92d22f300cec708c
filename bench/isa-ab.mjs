// node bench/isa-ab.mjs [--rounds N] [--isas avx512,avx2] ID ...
// The bench cases named, run through the public API at two ISAs of the same
// addon in ONE process on the same buffers, alternated ABBA within each
// round (CPU ms per call, process.cpuUsage; medians, and the median of the
// per-round first/second ratios). A process per ISA (bench/run.mjs) puts
// each ISA's buffers at other addresses and runs them minutes apart on a
// shared host; this takes both out (issue 19/20, round 7: are the AVX-512
// builds of the memory-bound kernels really slower than AVX2 on Zen 5?).
// The ISA is switched by replacing the backend of the cached selection,
// which every op reads on each call.
import { createRequire } from 'node:module';

import { cpuMs, median } from './ab.mjs';
import { loadCases, positionalArgs, takeOption } from './lib.mjs';

const require = createRequire(import.meta.url);
const fastaug = require('../dist/cjs/index.js');
const { currentSelection, availableBackends } = require('../dist/cjs/backends/select.js');

const args = process.argv.slice(2);
const rounds = Number(takeOption(args, 'rounds', '11'));
const isaNames = takeOption(args, 'isas', 'avx512,avx2').split(',');
const ids = positionalArgs(args, 'isa-ab');
if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error('isa-ab: --rounds must be a positive integer');

const selection = currentSelection();
const backends = isaNames.map((isa) => {
  const b = availableBackends().find((x) => x.isa === isa);
  if (b === undefined) throw new Error(`isa-ab: no native backend ${isa} on this machine`);
  return b;
});
const useIsa = (k) => { selection.backend = backends[k]; };

const allCases = await loadCases();
const missing = ids.find((id) => !allCases.some((c) => c.id === id));
if (missing !== undefined) throw new Error(`isa-ab: no bench case ${missing}`);
const cases = allCases.filter((c) => ids.includes(c.id));
for (const c of cases) {
  const ctx = c.setup(fastaug);
  const calls = Math.max(2, Math.round(8 / Math.max(1, c.bytes / 4e7)));
  const times = backends.map(() => []);
  const ratios = [];
  for (const k of [0, 1]) { useIsa(k); c.run(fastaug, ctx, 1); }
  for (let r = 0; r < rounds; r += 1) {
    const order = r % 2 === 0 ? [0, 1, 1, 0] : [1, 0, 0, 1];
    const sums = [0, 0];
    for (const k of order) { useIsa(k); sums[k] += cpuMs(() => c.run(fastaug, ctx, 1), calls) / (c.calls ?? 1); }
    times[0].push(sums[0] / 2); times[1].push(sums[1] / 2);
    ratios.push(sums[0] / sums[1]);
  }
  console.log(`${c.id.padEnd(18)} ${isaNames[0]} ${median(times[0]).toFixed(3)} ms  ${isaNames[1]} ${median(times[1]).toFixed(3)} ms  ratio ${median(ratios).toFixed(3)}`);
}
