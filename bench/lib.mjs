// Shared by the bench runner and its workers: the case list.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));

/** Every case of bench/cases/*.mjs, in file then declaration order. */
export async function loadCases() {
  const dir = path.join(benchDir, 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  const lists = await Promise.all(files.map(async (f) => (await import(pathToFileURL(path.join(dir, f)).href)).default));
  return lists.flat();
}

/**
 * What the figures were measured on: the CPU's vendor, family, model and
 * name (from /proc/cpuinfo on Linux, os.cpus() elsewhere), its x86 SIMD
 * flags, and a host class where the family is known. AVX-512 speed depends on
 * the class: Zen 4 runs each 512-bit operation as two 256-bit halves, Zen 5
 * server and desktop parts in one pass.
 */
export function hostInfo() {
  const cpuinfo = readCpuinfo();
  const field = (name) => cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
  const vendor = field('vendor_id');
  const family = field('cpu family') === undefined ? undefined : Number(field('cpu family'));
  const model = field('model') === undefined ? undefined : Number(field('model'));
  const flags = (field('flags') ?? '').split(/\s+/).filter((f) => /^(sse4_1|avx2|avx512f|avx512bw|avx512vl|fma)$/.test(f));
  return {
    cpu: field('model name') ?? os.cpus()[0]?.model,
    vendor, family, model, stepping: field('stepping') === undefined ? undefined : Number(field('stepping')),
    flags, hostClass: hostClass(vendor, family, model), logicalCpus: os.availableParallelism(),
  };
}

function readCpuinfo() {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')[0];
  } catch {
    return '';
  }
}

/** AMD families by number: 0x19 = 25 (Zen 3 / Zen 4), 0x1a = 26 (Zen 5). */
function hostClass(vendor, family, model) {
  if (vendor !== 'AuthenticAMD' || family === undefined) return undefined;
  if (family === 26) return 'Zen 5';
  if (family === 25) {
    const zen4 = (model >= 0x10 && model <= 0x1f) || (model >= 0x60 && model <= 0x7f) || (model >= 0xa0 && model <= 0xaf);
    return zen4 ? 'Zen 4 (AVX-512 as two 256-bit halves)' : 'Zen 3';
  }
  return undefined;
}

/**
 * Runs a bench case's sync call as its …Async twin with threads: 1, timed the
 * way a user awaits it (threads-ab.mjs, async-overhead.mjs). A case's
 * run(lib, ctx, 1) makes the sync call; runOneThreadAsync(c, lib, ctx) makes
 * the same call through a library whose ops are their …Async twins. The
 * case's options get `threads: 1` the way they got everything else: ctx.opts
 * carries it when the case spreads ctx.opts (most do), so the options object
 * is built exactly as the sync call's; only a case whose options are a
 * literal has them copied once more. With Promise.all around every call, a
 * Proxy in front of the library and a second spread, the harness itself
 * added ~30 µs to W1's …Async call on a loaded Zen 3 host (async-overhead.mjs).
 */
export function oneThreadRunner(lib) {
  const calls = [];
  const twins = {};
  for (const name of Object.keys(lib)) {
    const twin = lib[`${name}Async`];
    if (typeof twin !== 'function') {
      twins[name] = lib[name];
      continue;
    }
    twins[name] = (...args) => {
      const last = args.length - 1;
      if (args[last]?.threads !== 1) args[last] = { ...args[last], threads: 1 };
      const promise = twin(...args);
      calls.push(promise);
      return promise;
    };
  }
  const withThreads = new WeakMap();
  return (c, ctx) => {
    let ctx1 = withThreads.get(ctx);
    if (ctx1 === undefined) {
      ctx1 = typeof ctx.opts === 'object' && ctx.opts !== null ? { ...ctx, opts: { ...ctx.opts, threads: 1 } } : ctx;
      withThreads.set(ctx, ctx1);
    }
    const returned = c.run(twins, ctx1, 1);
    // the promise the run returned when it made one call; else all of them (J1, J2 drop theirs)
    const made = calls.splice(0);
    return made.length === 1 && made[0] === returned ? returned : Promise.all([returned, ...made]);
  };
}

/** Removes `--name value` from `args` and returns the value, or `fallback` when absent. */
export function takeOption(args, name, fallback) {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return value;
}

/**
 * What is left of `args` once every option has been taken out (case ids,
 * op names): throws on a leftover `--option`, which would otherwise be
 * taken for a name.
 */
export function positionalArgs(args, script) {
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown !== undefined) throw new Error(`${script}: unknown option ${unknown}`);
  return args;
}

/** Removes `--name` from `args`; whether it was there. */
export function takeFlag(args, name) {
  const at = args.indexOf(`--${name}`);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
}
