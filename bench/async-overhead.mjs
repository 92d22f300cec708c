// What an …Async call with threads: 1 costs over the sync call (issue 20:
// ≤ 5 % + 0.05 ms), A/B across builds of the library in one process. For
// each bench case named on the command line, round after round, each build's
// sync call then its …Async call with threads: 1, timed by wall clock and by
// the process's CPU time (process.cpuUsage). Prints, per build, the medians
// and the …Async call's extra time over the sync call against the goal.
// A case on one 28×28 image (C0–C3) shows the fixed cost of a call; W1 the
// cost after a kernel that streamed 19 MB through the caches.
//
//   node bench/async-overhead.mjs [--rounds 400] [--yield] [--cold] [--dist name=path/to/dist/cjs/index.js …] [W1 C3 …]
//
// Without --dist it measures this checkout's dist/ (run `npm run build:ts`
// first). Keep an older build under scratch/ (git ignores it: `cp -a dist
// scratch/old/`), where the library still finds fastaug's package.json and
// node_modules above it; FASTAUG_NATIVE_PATH picks the addon, which every
// build then shares. The …Async call is made as threads-ab.mjs makes it
// (oneThreadRunner in lib.mjs). --yield gives the event loop a turn
// (a setImmediate) before every call, as an application's other events would;
// without it, a loop of awaited calls runs on microtasks until the early
// budget of src/slices.ts (EARLY_MS) sends a call through setImmediate.
// --cold writes 48 MiB before every call (untimed), so that a call on one
// small image (C3) pays what a call pays after a large kernel, without that
// kernel's own time and its noise.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { benchDir, hostInfo, loadCases, oneThreadRunner, takeFlag, takeOption } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => takeOption(args, name, fallback);
const flag = (name) => takeFlag(args, name);
const rounds = Number(option('rounds', '400'));
const yieldFirst = flag('yield');
const cold = flag('cold');
const dists = [];
for (let d = option('dist'); d !== undefined; d = option('dist')) {
  const at = d.indexOf('=');
  dists.push({ name: d.slice(0, at), file: path.resolve(d.slice(at + 1)) });
}
if (dists.length === 0) dists.push({ name: 'this', file: path.join(benchDir, '../dist/cjs/index.js') });
const ids = args.length > 0 ? args : ['W1', 'C3'];

const require = createRequire(import.meta.url);
const builds = dists.map((d) => ({ ...d, lib: require(d.file) }));
const all = (await loadCases()).filter((c) => ids.includes(c.id));
const cases = all.filter((c) => c.run.length >= 3);  // the others make one call whatever the threads

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Writes 48 MiB, more than this host's L3 (32 MiB): the caches then hold none of the code and data a call uses, as after a large kernel. */
const evictee = new Uint8Array(48 * 2 ** 20);
let evictions = 0;
const evictCaches = () => evictee.fill((evictions += 1) & 255);

const host = hostInfo();
console.log(`node ${process.version}, ${host.cpu} (family ${host.family} model ${host.model}${host.hostClass ? `, ${host.hostClass}` : ''}), ISA ${builds[0].lib.backendInfo().isa}, ${rounds} rounds${yieldFirst ? ', a setImmediate before each call' : ''}${cold ? ', caches evicted before each call' : ''}`);
for (const c of cases) {
  const ctx = c.setup();
  const variants = builds.flatMap((b) => {
    const runOneThreadAsync = oneThreadRunner(b.lib);
    return [
      { key: `${b.name} sync`, call: () => c.run(b.lib, ctx, 1) },
      { key: `${b.name} t1`, call: () => runOneThreadAsync(c, ctx) },
    ];
  });
  const wall = Object.fromEntries(variants.map((v) => [v.key, []]));
  const cpu = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (let i = 0; i < 20; i += 1) for (const v of variants) await v.call();  // warm: compiled, pages touched
  const loadBefore = os.loadavg()[0];
  for (let r = 0; r < rounds; r += 1) {
    for (const v of variants) {
      if (yieldFirst) await nextTurn();
      if (cold) evictCaches();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await v.call();
      const t1 = performance.now();
      const c1 = process.cpuUsage(c0);
      wall[v.key].push((t1 - t0) * 1000);
      cpu[v.key].push(c1.user + c1.system);
    }
  }
  console.log(`${c.id} (${c.name}), load ${loadBefore.toFixed(1)} -> ${os.loadavg()[0].toFixed(1)}; medians in µs, wall / CPU:`);
  for (const b of builds) {
    const [sw, sc, aw, ac] = [wall[`${b.name} sync`], cpu[`${b.name} sync`], wall[`${b.name} t1`], cpu[`${b.name} t1`]].map(median);
    const goal = 0.05 * sw + 50;
    console.log(`  ${b.name.padEnd(8)} sync ${sw.toFixed(1)} / ${sc.toFixed(0)}   t1 ${aw.toFixed(1)} / ${ac.toFixed(0)}   extra ${(aw - sw).toFixed(1)} (${((aw / sw - 1) * 100).toFixed(1)} %) / ${(ac - sc).toFixed(0)}   goal ${goal.toFixed(0)}: ${aw - sw <= goal ? 'met' : 'missed'}`);
  }
}
