// node bench/affine-cpu.mjs [--vs DIST] [--rounds N] [--calls N] [CASE ...]
// Bench cases (default T1 T2 B10-f32 B10-u8: the affine warps of issue 19 and
// the subpixel shifts of the same batch) as CPU time per call
// (process.cpuUsage: on a shared host wall time also counts the wait for a
// core), round robin in one process (each case on this build, then on the
// --vs build; N rounds, medians), so ratios hold on a host whose speed
// drifts. --vs DIST: another build's dist directory (a copy of dist inside
// this repository, so its requires resolve), with the addon
// DIST/addon/fastaug.node if there is one; both builds must give the same
// bytes. FASTAUG_ISA picks the ISA of both.
import { cpuMs, loadBuilds, median } from './ab.mjs';
import { hostInfo, loadCases, positionalArgs, takeOption } from './lib.mjs';

const args = process.argv.slice(2);
const vs = takeOption(args, 'vs');
const rounds = Number(takeOption(args, 'rounds', '9'));
const calls = Number(takeOption(args, 'calls', '2'));
const given = positionalArgs(args, 'affine-cpu');
const ids = given.length > 0 ? given : ['T1', 'T2', 'B10-f32', 'B10-u8'];

const builds = loadBuilds(vs);

const cases = (await loadCases()).filter((c) => ids.includes(c.id));
const host = hostInfo();
const info = builds[0][1].backendInfo();
console.log(`${info.backend} ${info.isa ?? ''} on ${host.cpu} (family ${host.family} model ${host.model}); ${rounds} rounds × ${calls} calls, CPU ms per call, medians`);
const runs = [];
for (const c of cases) {
  for (const [name, fa] of builds) {
    const ctx = c.setup(fa);
    runs.push({ label: `${c.id} ${name}`, fn: () => c.run(fa, ctx, 1), out: ctx.out, times: [] });
  }
}
// the same bytes from both builds
for (let k = 0; k + 1 < runs.length && builds.length > 1; k += builds.length) {
  runs[k].fn();
  runs[k + 1].fn();
  const [a, b] = [new Uint8Array(runs[k].out.buffer), new Uint8Array(runs[k + 1].out.buffer)];
  if (!a.every((v, i) => v === b[i])) throw new Error(`${runs[k].label}: the two builds give different bytes`);
}
for (const r of runs) cpuMs(r.fn, calls);
for (let round = 0; round < rounds; round += 1) {
  for (const r of runs) r.times.push(cpuMs(r.fn, calls));
}
for (const r of runs) {
  const sorted = [...r.times].sort((x, y) => x - y);
  console.log(`${r.label.padEnd(14)} ${median(r.times).toFixed(2)} ms  (min ${sorted[0].toFixed(2)}, max ${sorted.at(-1).toFixed(2)})`);
}
if (builds.length > 1) {
  for (let k = 0; k < runs.length; k += 2) console.log(`${runs[k].label.split(' ')[0]}: this / vs = ${(median(runs[k].times) / median(runs[k + 1].times)).toFixed(3)}`);
}
