// Shared by the scripts that time by CPU (process.cpuUsage: it leaves out the
// time spent waiting for a core on a shared host), among them the A/B ones
// (bench/affine-cpu.mjs, bench/shift-native-cpu.mjs) that time this build
// against another one in the same process.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { benchDir } from './lib.mjs';

const require = createRequire(import.meta.url);

/** A dist directory's fastaug, with its own addon (the first shift call loads it). */
function loadBuild(dist, addon) {
  const saved = process.env.FASTAUG_NATIVE_PATH;
  if (addon !== undefined) process.env.FASTAUG_NATIVE_PATH = addon;
  const fa = require(path.resolve(dist, 'cjs/index.js'));
  fa.shift({ data: new Uint8Array(4), shape: [1, 2, 2, 1] }, { dx: 1 });
  if (saved === undefined) delete process.env.FASTAUG_NATIVE_PATH;
  else process.env.FASTAUG_NATIVE_PATH = saved;
  return fa;
}

/**
 * [name, fastaug] pairs: this repository's dist ('this'), and with `vs` (a
 * copy of dist inside this repository, so its requires resolve) that build
 * ('vs'), with the addon vs/addon/fastaug.node if there is one.
 */
export function loadBuilds(vs) {
  const builds = [['this', loadBuild(path.join(benchDir, '../dist'))]];
  if (vs !== undefined) {
    const addon = path.resolve(vs, 'addon/fastaug.node');
    // Without its own addon the 'vs' build's native calls run this build's
    // addon: a native A/B would time one build against itself. Say so.
    if (!existsSync(addon)) {
      process.stderr.write(`ab: ${addon} is missing: 'vs' uses this build's addon (js-only A/B). Copy the old build/Release/fastaug.node there for a native A/B.\n`);
    }
    builds.push(['vs', loadBuild(vs, existsSync(addon) ? addon : undefined)]);
  }
  return builds;
}

/** CPU ms per call of `fn` over `calls` calls (process.cpuUsage: every thread of the process). */
export function cpuMs(fn, calls) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i += 1) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e3 / calls;
}

/** The same for calls that may return a promise: each is awaited before the next. */
export async function cpuMsAsync(fn, calls) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i += 1) {
    const r = fn();
    if (r && typeof r.then === 'function') await r;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e3 / calls;
}

export const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
