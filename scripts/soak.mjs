#!/usr/bin/env node
// npm run soak -- [--minutes N] [--workers N] [--seed N]
//
// Opt-in soak test (not part of npm test or CI): for N minutes (default 10)
// worker threads (default 4) run a random mix of sync and …Async calls on
// the native backend — every op, uint8 and float32, both layouts, given and
// new `out`, in place, SharedArrayBuffer inputs, several calls in flight at
// once, now and then an input transferred away mid-call — and check every
// result byte for byte against the js backend. The main thread terminates a
// random worker every few seconds (some workers end themselves with
// process.exit while calls are pending) and starts another. RSS is printed
// every 10 s; the run fails on any mismatch, unexpected error or crash.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const entry = fileURLToPath(new URL('../dist/cjs/index.js', import.meta.url));

/** Mulberry32: a small seeded generator for the mix of calls. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (list) => list[Math.floor(next() * list.length)], chance: (p) => next() < p };
}

function options(args) {
  const value = (name, fallback) => {
    const at = args.indexOf(`--${name}`);
    if (at < 0) return fallback;
    const v = Number(args[at + 1]);
    if (!(v > 0)) throw new Error(`--${name} takes a positive number`);
    return v;
  };
  return { minutes: value('minutes', Number(process.env.SOAK_MINUTES ?? 10)), workers: value('workers', 4), seed: value('seed', Date.now() % 1e9) };
}

// ---- worker: random calls, native against js ----

/** Two module instances in one worker: the native backend, then a fresh copy on js. */
function loadBoth() {
  const native = require(entry);
  if (native.backendInfo().backend !== 'native') throw new Error(`soak needs the native backend (${native.backendInfo().nativeUnavailable})`);
  const dist = entry.slice(0, entry.lastIndexOf('/cjs/') + 5);
  for (const key of Object.keys(require.cache)) if (key.startsWith(dist) && key.endsWith('.js')) delete require.cache[key];
  process.env.FASTAUG_BACKEND = 'js';
  const js = require(entry);
  if (js.backendInfo().backend !== 'js') throw new Error('soak: the second instance is not on js');
  return { native, js };
}

function bytesOf(a) {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function randomArray(r, Type, length, shared) {
  const a = shared ? new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT)) : new Type(length);
  if (Type === Uint8Array) for (let i = 0; i < length; i += 1) a[i] = r.int(0, 255);
  else for (let i = 0; i < length; i += 1) a[i] = r.next() * 2 - 0.5;
  return a;
}

const FILLS = ['constant', 'nearest', 'reflect', 'mirror', 'wrap'];

/** One random call: { name, run(fa, input) → result array, async, data?, inPlace?, out? }. */
function randomCase(r) {
  const uint8 = r.chance(0.5);
  const Type = uint8 ? Uint8Array : Float32Array;
  const big = r.chance(0.05);
  const shape = [r.int(0, 6), big ? r.int(128, 384) : r.int(1, 48), big ? r.int(128, 384) : r.int(1, 48), r.int(1, 4)];
  const layout = r.pick(['NHWC', 'NCHW']);
  const length = shape.reduce((a, b) => a * b, 1);
  const random = { seed: r.int(0, 2 ** 40), index: r.int(0, 1000), epoch: r.int(0, 5) };
  const async = r.chance(0.6);
  const threads = r.int(1, 4);
  const image = r.pick(['shift', 'gaussianNoise', 'uniformNoise', 'speckleNoise', 'saltAndPepper', 'randomNormal', 'randomUniform', 'gaussianDropout', 'pipeline']);
  const shared = r.chance(0.2);
  const data = randomArray(r, image === 'gaussianDropout' || image.startsWith('random') ? Float32Array : Type, image.startsWith('random') ? 0 : length, shared);
  const withOut = image !== 'pipeline' && r.chance(0.3);
  const inPlace = (image.endsWith('Noise') || image === 'saltAndPepper' || image === 'gaussianDropout') && !withOut && r.chance(0.3);
  let opts;
  switch (image) {
    case 'shift':
      opts = r.chance(0.5)
        ? { dx: r.next() * 20 - 10, dy: Math.round(r.next() * 20 - 10) }
        : { x: r.next() * 0.5, y: [-r.next() * 0.3, r.next() * 0.3], subpixel: r.chance(0.7) };
      opts = { ...opts, ...random, fill: r.pick(FILLS), interpolation: r.chance(0.8) ? 'bilinear' : 'nearest', fillValue: uint8 ? r.int(0, 255) : r.next() };
      break;
    case 'gaussianNoise': opts = { ...random, std: r.chance(0.5) ? (uint8 ? 10 : 0.1) : [0, uint8 ? 20 : 0.2], perChannel: r.chance(0.7), ...(uint8 ? {} : { clip: [0, 1] }) }; break;
    case 'uniformNoise': opts = { ...random, low: -0.2 * (uint8 ? 50 : 1), high: 0.3 * (uint8 ? 50 : 1), perChannel: r.chance(0.5) }; break;
    case 'speckleNoise': opts = { ...random, std: [0, 0.3] }; break;
    case 'saltAndPepper': opts = { ...random, amount: r.chance(0.5) ? 0.05 : [0, 0.2], saltRatio: r.next(), perChannel: r.chance(0.3) }; break;
    case 'randomNormal': opts = { ...random, mean: r.next(), std: r.next() * 2 }; break;
    case 'randomUniform': opts = { ...random, low: -1, high: r.next() * 3 }; break;
    case 'gaussianDropout': opts = { ...random, rate: r.next() * 0.9 }; break;
    case 'pipeline': opts = { index: random.index, epoch: random.epoch }; break;
  }
  const streamLength = r.int(0, big ? 1 << 20 : 5000);
  const outLength = image.startsWith('random') ? streamLength : image === 'gaussianDropout' ? length : length;
  const OutType = image === 'gaussianDropout' || image.startsWith('random') ? Float32Array : Type;
  return {
    name: `${image}${async ? 'Async' : ''} ${Type.name} [${shape}] ${layout}${inPlace ? ' in place' : withOut ? ' out' : ''}${shared ? ' shared' : ''}`,
    async, threads, data, inPlace, image, streamLength,
    makeOut: () => (withOut ? new OutType(outLength) : undefined),
    run(fa, input, out) {
      const o = { ...opts, ...(inPlace ? { out: input } : out ? { out } : {}), ...(async ? { threads } : {}) };
      const batch = { data: input, shape, layout };
      const call = (name, ...args) => (async ? fa[`${name}Async`](...args) : fa[name](...args));
      switch (image) {
        case 'randomNormal': case 'randomUniform': return call(image, streamLength, o);
        case 'gaussianDropout': return call(image, input, o);
        case 'pipeline': {
          const p = new fa.Pipeline([{ op: 'shift', options: { x: 0.2, y: 0.1, fill: 'reflect' } }, { op: 'gaussianNoise', options: { std: uint8 ? 5 : 0.05 } }], { seed: random.seed });
          return async ? p.runAsync(batch, { ...o, threads }) : p.run(batch, o);
        }
        default: return call(image, batch, o);
      }
    },
  };
}

function resultArray(value) {
  return value instanceof Uint8Array || value instanceof Float32Array ? value : value.data;
}

async function workerMain() {
  const { native, js } = loadBoth();
  const r = rng(workerData.seed);
  const counts = { calls: 0, checked: 0, transferred: 0 };
  const fail = (what) => parentPort.postMessage({ kind: 'failure', what });
  const report = setInterval(() => parentPort.postMessage({ kind: 'counts', counts: { ...counts } }), 500);
  report.unref();
  const oneCall = async () => {
    const c = randomCase(r);
    const referenceInput = c.data.slice();
    const out = c.makeOut();
    const transfer = c.async && !c.inPlace && c.data.length > 0 && !(c.data.buffer instanceof SharedArrayBuffer) && c.image !== 'pipeline' && r.chance(0.03);
    let result;
    try {
      const pending = c.run(native, c.data, out);
      if (transfer) {
        structuredClone(c.data.buffer, { transfer: [c.data.buffer] });  // dropped at once: collected whenever
        counts.transferred += 1;
      }
      result = resultArray(await pending);
      if (transfer) return fail(`${c.name}: resolved though its input was transferred`);
    } catch (error) {
      if (transfer && error instanceof TypeError && /stays attached/.test(error.message)) return;
      return fail(`${c.name}: ${error?.stack ?? error}`);
    } finally {
      counts.calls += 1;
    }
    const expected = resultArray(await c.run(js, referenceInput, c.makeOut()));
    if (out !== undefined && result !== out) return fail(`${c.name}: did not return out`);
    if (!bytesOf(result).equals(bytesOf(expected))) return fail(`${c.name}: native differs from js`);
    counts.checked += 1;
  };
  const exitAfter = workerData.exitAfterMs;
  if (exitAfter !== undefined) setTimeout(() => { oneCall(); process.exit(0); }, exitAfter);  // ends with calls pending
  for (;;) {
    // one call, or several in flight at once
    const inFlight = r.chance(0.3) ? r.int(2, 6) : 1;
    await Promise.all(Array.from({ length: inFlight }, oneCall));
  }
}

// ---- main: workers, terminations, RSS ----

async function main() {
  const { minutes, workers: workerCount, seed } = options(process.argv.slice(2));
  const r = rng(seed);
  const started = Date.now();
  const endAt = started + minutes * 60_000;
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
  const totals = { calls: 0, checked: 0, transferred: 0, terminated: 0, exited: 0, started: 0 };
  const failures = [];
  const finished = new Map();  // worker → its last counts
  let live = [];
  const spawn = () => {
    totals.started += 1;
    const exitAfterMs = r.chance(0.25) ? r.int(200, 3000) : undefined;
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { seed: r.int(0, 2 ** 31), exitAfterMs } });
    const state = { worker, terminated: false, counts: { calls: 0, checked: 0, transferred: 0 } };
    worker.on('message', (m) => {
      if (m.kind === 'counts') state.counts = m.counts;
      else failures.push(m.what);
    });
    worker.on('error', (error) => failures.push(`worker error: ${error?.stack ?? error}`));
    worker.on('exit', () => {
      if (!state.terminated) totals.exited += 1;
      finished.set(worker, state.counts);
      live = live.filter((s) => s !== state);
      if (Date.now() < endAt) spawn();
    });
    live.push(state);
  };
  const sum = () => {
    const all = [...finished.values(), ...live.map((s) => s.counts)];
    return Object.fromEntries(['calls', 'checked', 'transferred'].map((k) => [k, all.reduce((a, c) => a + c[k], 0)]));
  };
  console.log(`soak: ${minutes} min, ${workerCount} workers, seed ${seed}, pid ${process.pid}`);
  const rss = [];
  const sample = () => {
    const m = process.memoryUsage();
    const s = sum();
    rss.push(m.rss);
    console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s  rss ${mb(m.rss)} MB  external ${mb(m.external)} MB  calls ${s.calls}  checked ${s.checked}  transferred ${s.transferred}  workers started ${totals.started}, terminated ${totals.terminated}, exited ${totals.exited}  failures ${failures.length}`);
  };
  for (let i = 0; i < workerCount; i += 1) spawn();
  sample();
  const sampler = setInterval(sample, 10_000);
  while (Date.now() < endAt) {
    await new Promise((resolve) => setTimeout(resolve, r.int(500, 4000)));
    if (Date.now() >= endAt || live.length === 0) break;
    const victim = r.pick(live);
    totals.terminated += 1;
    victim.terminated = true;
    await victim.worker.terminate();  // its exit handler starts another
  }
  clearInterval(sampler);
  await Promise.all(live.map((s) => {
    s.terminated = true;
    return s.worker.terminate();
  }));
  sample();
  const s = sum();
  console.log(`rss: start ${mb(rss[0])} MB, after the first 10 s ${mb(rss[Math.min(1, rss.length - 1)])} MB, max ${mb(Math.max(...rss))} MB, end ${mb(rss[rss.length - 1])} MB`);
  console.log(`${s.calls} calls, ${s.checked} checked against js, ${s.transferred} inputs transferred mid-call, ${totals.terminated} workers terminated, ${totals.exited} exited themselves, ${failures.length} failures`);
  for (const f of failures.slice(0, 20)) console.log(`FAIL ${f}`);
  process.exit(failures.length === 0 && s.checked > 0 ? 0 : 1);
}

if (isMainThread) await main();
else await workerMain();
