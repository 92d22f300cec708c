// Sync call against …Async call, across builds, in one process (issue 20:
// "threads: 2 never slower than one thread, however small"). For each bench
// case named, round after round, every (build, mode) variant in a rotating
// order (reversed every other round): one untimed call, then a burst of
// --burst calls timed by the process's CPU time (process.cpuUsage, every
// thread), per call. Modes: `sync` (the case's sync call) and `tN` (its
// …Async call with threads: N, awaited). Prints CPU medians, the median of
// the per-round ratios of the second mode to the first within each build,
// and of the second build to the first within each mode, with the quartiles
// of those ratios: the sync-against-sync line (same code in both builds,
// when the sync path did not change) is the control for the noise.
//
//   node bench/async-ab.mjs [--rounds 101] [--burst 5] [--modes sync,t2] --dist old=path/to/old/cjs/index.js --dist new=dist/cjs/index.js W7 H5 S0 …
//
// Keep the old build under scratch/ (`cp -a dist scratch/old` before
// rebuilding), where it still finds fastaug's package.json and
// node_modules; both builds share the addon, so this compares TypeScript.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { loadCases, takeOption } from './lib.mjs';
const args = process.argv.slice(2);
const rounds = Number(takeOption(args, 'rounds', '101'));
const burst = Number(takeOption(args, 'burst', '5'));
const modes = takeOption(args, 'modes', 'sync,t2').split(',');
const dists = [];
for (let d = takeOption(args, 'dist'); d !== undefined; d = takeOption(args, 'dist')) { const at = d.indexOf('='); dists.push({ name: d.slice(0, at), file: path.resolve(d.slice(at + 1)) }); }
const require = createRequire(import.meta.url);
const libs = dists.map((d) => ({ ...d, lib: require(d.file) }));
const cases = (await loadCases()).filter((c) => args.includes(c.id));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(p * (s.length - 1))]; };
console.log(`load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${rounds} rounds, bursts of ${burst}`);
for (const c of cases) {
  const ctx = c.setup();
  const vs = [];
  for (const l of libs) for (const m of modes) {
    const threads = m === 'sync' ? 1 : Number(m.slice(1));
    const call = m === 'sync' ? () => c.run(l.lib, ctx, 1) : () => c.run(l.lib, ctx, threads);
    vs.push({ key: `${l.name}:${m}`, call, cpu: [] });
  }
  for (let i = 0; i < 30; i += 1) for (const v of vs) await v.call();
  const l0 = os.loadavg()[0];
  for (let r = 0; r < rounds; r += 1) {
    const order = r % 2 === 0 ? vs : [...vs].reverse();
    const rot = r % order.length;
    for (const v of [...order.slice(rot), ...order.slice(0, rot)]) {
      await v.call();
      const c0 = process.cpuUsage();
      for (let k = 0; k < burst; k += 1) await v.call();
      const c1 = process.cpuUsage(c0);
      v.cpu.push((c1.user + c1.system) / burst);
    }
  }
  console.log(`${c.id} load ${l0.toFixed(1)} -> ${os.loadavg()[0].toFixed(1)}; CPU µs medians: ${vs.map((v) => `${v.key} ${median(v.cpu).toFixed(1)}`).join('  ')}`);
  const ratio = (a, b) => { const rs = a.cpu.map((x, i) => x / b.cpu[i]); return `${median(rs).toFixed(3)} [${q(rs, 0.25).toFixed(3)}–${q(rs, 0.75).toFixed(3)}]`; };
  for (const l of libs) if (modes.length > 1) console.log(`  ${l.name}: ${modes[1]}/${modes[0]} per round ${ratio(vs.find((v) => v.key === `${l.name}:${modes[1]}`), vs.find((v) => v.key === `${l.name}:${modes[0]}`))}`);
  if (libs.length > 1) for (const m of modes) console.log(`  ${m}: ${libs[1].name}/${libs[0].name} per round ${ratio(vs.find((v) => v.key === `${libs[1].name}:${m}`), vs.find((v) => v.key === `${libs[0].name}:${m}`))}`);
}
