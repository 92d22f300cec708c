// npm run bench -- [<family or case id>...] [--quick] [--out DIR]
// Measures every case on native at each ISA this CPU has and on js, each next
// to a memcpy of the same bytes (the ceiling) in the same worker process;
// 1 thread (sync op) and 2 threads (…Async), taking turns in bursts of calls
// (worker.mjs), so that both run under the same conditions.
// Prints medians and ratios, writes <family>.json into DIR (default
// bench/results next to this file) and prints each path it wrote.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { benchDir, hostInfo, loadCases } from './lib.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
if (outAt >= 0 && (args[outAt + 1] === undefined || args[outAt + 1].startsWith('--'))) {
  console.error('--out takes a directory');
  process.exit(2);
}
const outDir = outAt >= 0 ? path.resolve(args[outAt + 1]) : path.join(benchDir, 'results');
const filters = args.filter((a, i) => !a.startsWith('--') && !(outAt >= 0 && i === outAt + 1));
const allCases = await loadCases();
const chosen = allCases.filter((c) => filters.length === 0 || filters.includes(c.family) || filters.includes(c.id));
// a case measured against another (`vs`) brings that one along
const cases = allCases.filter((c) => chosen.includes(c) || chosen.some((x) => x.vs === c.id));
const unknown = filters.filter((f) => !allCases.some((c) => c.family === f || c.id === f));
if (unknown.length > 0 || chosen.length === 0) {
  // a usage error: one line and exit code 2 (fastaug bench passes the line on as it is)
  const families = [...new Set(allCases.map((c) => c.family))].join(', ');
  console.error(`no bench case or family ${unknown.join(' ')}; families: ${families}; cases: ${allCases.map((c) => c.id).join(', ')}`);
  process.exit(2);
}

const { loadNative } = require('../dist/cjs/backends/native.js');
const native = loadNative();
const isas = native.addon ? native.addon.isas() : [];
const variants = [...isas.map((isa) => `native/${isa}`), 'js'];
const maxTime = quick ? 0.5 : 1.5;

function runVariant(variant) {
  const env = { ...process.env, FASTAUG_BACKEND: variant === 'js' ? 'js' : 'native' };
  if (variant.startsWith('native/')) env.FASTAUG_ISA = variant.slice('native/'.length);
  else delete env.FASTAUG_ISA;
  const ids = cases.map((c) => c.id).join(',');
  const threads = variant.startsWith('native/') && variant !== `native/${isas[0]}` ? '1' : '1,2';
  process.stderr.write(`bench: ${variant} …\n`);
  const r = spawnSync(process.execPath, [path.join(benchDir, 'worker.mjs'), variant, threads, ids, String(maxTime)], {
    env, encoding: 'utf8', maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`bench worker ${variant} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const host = hostInfo();
const runs = variants.map(runVariant);
const all = runs.flatMap((run) => run.results);
const find = (id, variant, threads) => all.find((r) => r.id === id && r.variant === variant && r.threads === threads);

const fmtRate = (items, ms) => {
  const perSecond = items / (ms / 1e3);
  return perSecond >= 1e9 ? `${(perSecond / 1e9).toFixed(2)} G/s` : `${(perSecond / 1e6).toFixed(1)} M/s`;
};

const rows = [];
for (const c of cases) {
  for (const r of all.filter((x) => x.id === c.id)) {
    const js = find(c.id, 'js', r.threads);
    rows.push({
      case: c.id, name: c.name, variant: r.variant, isa: r.variant === 'js' ? 'js' : r.variant.slice('native/'.length), threads: r.threads,
      medianMs: r.medianMs,
      rate: `${fmtRate(c.items, r.medianMs)} ${c.unit}`,
      xMemcpy: r.medianMs / r.memcpyMs,  // against the memcpy measured next to it
      speedupVsJs: js ? js.medianMs / r.medianMs : undefined,
    });
  }
  // the memcpy row shown: the one measured next to the best native ISA (or js)
  const memcpyMs = (find(c.id, variants[0], 1) ?? find(c.id, 'js', 1)).memcpyMs;
  rows.push({ case: c.id, name: c.name, variant: 'memcpy', isa: undefined, threads: 1, medianMs: memcpyMs, rate: `${fmtRate(c.bytes, memcpyMs)} bytes`, xMemcpy: 1 });
}

const pad = (s, n) => String(s).padEnd(n);
const hostLine = `${host.cpu ?? 'cpu'}${host.family === undefined ? '' : ` (family ${host.family} model ${host.model}${host.hostClass ? `: ${host.hostClass}` : ''})`}`;
console.log(`\nfastaug ${runs[0].info.version} · ${hostLine} · ${os.availableParallelism()} threads · node ${process.version}`);
console.log('medians of per-call times; × memcpy = time / time of copying the same bytes (measured next to it); vs js = js time / this time (same threads)\n');
console.log([pad('case', 5), pad('variant', 16), pad('thr', 4), pad('median ms', 11), pad('rate', 22), pad('× memcpy', 10), 'vs js'].join(''));
for (const r of rows) {
  console.log([
    pad(r.case, 5), pad(r.variant, 16), pad(r.threads, 4), pad(r.medianMs < 0.1 ? r.medianMs.toPrecision(3) : r.medianMs.toFixed(2), 11), pad(r.rate, 22),
    pad(r.xMemcpy.toFixed(2), 10), r.speedupVsJs ? `${r.speedupVsJs.toFixed(1)}×` : '',
  ].join(''));
}
for (const c of cases) {
  const best = find(c.id, `native/${isas[0]}`, 1);
  const two = find(c.id, `native/${isas[0]}`, 2);
  if (best && two) console.log(`${c.id}: 2 threads / 1 thread on ${isas[0]} = ${(best.medianMs / two.medianMs).toFixed(2)}×`);
}

// A case with `vs` (another case's id) is also given as a ratio to that case,
// both on one thread of the same variant, measured in the same process.
const ratios = [];
for (const c of cases.filter((x) => x.vs !== undefined)) {
  for (const variant of variants) {
    const mine = find(c.id, variant, 1);
    const base = find(c.vs, variant, 1);
    if (mine && base) ratios.push({ case: c.id, vs: c.vs, variant, ratio: mine.medianMs / base.medianMs });
  }
}
for (const r of ratios) {
  console.log(`${r.case} / ${r.vs} on ${r.variant} = ${r.ratio.toFixed(2)}×`);
}

mkdirSync(outDir, { recursive: true });
const families = [...new Set(cases.map((c) => c.family))];
for (const family of families) {
  const ids = new Set(cases.filter((c) => c.family === family).map((c) => c.id));
  const file = path.join(outDir, `${family}.json`);
  writeFileSync(file, `${JSON.stringify({
    date: new Date().toISOString(), cpu: host.cpu, host, node: process.version, info: runs[0].info,
    cases: cases.filter((c) => ids.has(c.id)).map(({ id, name, bytes, items, unit, vs }) => ({ id, name, bytes, items, unit, vs })),
    rows: rows.filter((r) => ids.has(r.case)),
    ratios: ratios.filter((r) => ids.has(r.case)),
  }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
