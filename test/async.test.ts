// …Async ops leave the event loop free: immediates keep running while a
// large request is in flight, on every backend.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { afterEach, describe, expect, it, vi } from 'vitest';

import type { StreamRequest } from '../src/backends/backend.js';
import * as fa from '../src/index.js';
import { gaussianNoiseAsync, randomNormal, randomNormalAsync, type Batch } from '../src/index.js';
import type { Backend } from '../src/backends/backend.js';
import { activeBackend } from '../src/backends/select.js';
import { asyncSlices, BUSY_MIN_PART_NS, MIN_PART_NS, pooledStagingBytes, runnableTasks, runAsyncWork, runOnLentArrays, STAGING_IDLE_MS, threadSplit, threadsWorth, type LentArray } from '../src/ops/common.js';
import { shiftPlan } from '../src/ops/shift.js';
import { SLICE_MS } from '../src/slices.js';
import { backendName, backends, jsReference, nativeBackends, slowNativeBuild } from './helpers/backends.js';
import { firstDifference } from './helpers/rng.js';

async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    ticks += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  return ticks;
}

describe('event loop', () => {
  const request: StreamRequest = { key0: 1, key1: 0, first: 0, epoch: 0, stream: 2, offset: 0, scale: 1 };
  for (const backend of backends) {
    it(`keeps ticking during a large randomNormalAsync on ${backendName(backend)}`, async () => {
      // a synchronous implementation would finish before the first immediate
      const n = backend.name === 'js' ? 1 << 20 : 1 << 24;
      const out = new Float32Array(n);
      expect(await ticksDuring(() => backend.randomNormalAsync(out, request))).toBeGreaterThan(2);
      const reference = new Float32Array(n);
      backend.randomNormal(reference, request);
      expect(Buffer.compare(Buffer.from(out.buffer), Buffer.from(reference.buffer))).toBe(0);
    });
  }

  it('the public API returns a pending promise and keeps the loop running', async () => {
    expect(await ticksDuring(() => randomNormalAsync(1 << 24, { threads: 2 }))).toBeGreaterThan(2);
  });
});

// How long the event loop is blocked while …Async calls run on one large
// image (4096 × 4096 × 3 float32 for shift, the issue's case; 2048 × 2048 × 3
// for the others): the js backend works in slices of a few milliseconds
// (src/slices.ts), the native one on the pool. Measured in a child process
// per backend with monitorEventLoopDelay at 1 ms resolution. A busy machine
// (CI runs two test files at a time) adds its own lag by preempting the
// process, so each call is followed by a control that does what a well
// sliced call does for as long as the call took: compute for SLICE_MS, then
// yield with setImmediate. The excess (call's lag − control's) is what the
// call itself blocks; 25 ms or more is measured again, up to 5 times, and
// the smallest kept. Before rows were sliced, js shiftAsync blocked for ~2 s.
describe('event-loop lag of …Async calls on one large image', () => {
  const script = `
    const { monitorEventLoopDelay } = require('node:perf_hooks');
    const fa = require(${JSON.stringify(path.resolve(__dirname, '../dist/cjs/index.js'))});
    // The histogram's first tick only starts its clock, and a tick delayed by
    // the call's last block runs after the call settles: without the two
    // timers, a call that blocks the loop in one piece showed no lag at all.
    const tick = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const lagOnce = async (call) => {
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      await tick(5);
      await call();
      await tick(2);
      h.disable();
      return Math.max(0, h.max / 1e6 - 1);
    };
    // the control: SLICE_MS of computing, then setImmediate, for ms in all
    const slicedWork = async (ms) => {
      const end = performance.now() + ms;
      let x = 0;
      while (performance.now() < end) {
        const sliceEnd = Math.min(end, performance.now() + ${SLICE_MS});
        while (performance.now() < sliceEnd) x = (x * 1103515245 + 12345) >>> 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return x;
    };
    // A call that blocks the loop does so on every try; a busy machine
    // preempting this process does not: up to 5 tries, the smallest excess.
    const lagOf = async (call) => {
      let best = { excess: Infinity };
      for (let t = 0; t < 5 && best.excess >= 25; t += 1) {
        const start = performance.now();
        const lag = await lagOnce(call);
        const control = await lagOnce(() => slicedWork(performance.now() - start));
        if (lag - control < best.excess) best = { excess: lag - control, lag, control };
      }
      return best;
    };
    (async () => {
      const big = { data: new Float32Array(4096 * 4096 * 3).fill(0.5), shape: [1, 4096, 4096, 3] };
      const image = { data: new Float32Array(2048 * 2048 * 3).fill(0.5), shape: [1, 2048, 2048, 3] };
      const nchw = { ...image, layout: 'NCHW' };
      // the harness's own check: a call that blocks for 300 ms in one piece
      // is seen (its excess is not checked: the control can see a busy
      // machine's preemption as long)
      const blocking = async () => { const end = performance.now() + 300; while (performance.now() < end); };
      const lags = {
        blocking: await lagOf(blocking),
        shiftAsync: await lagOf(() => fa.shiftAsync(big, { dx: 1.5, dy: -0.25, threads: 2 })),
        'shiftAsync integer': await lagOf(() => fa.shiftAsync(image, { dx: 3, dy: -2, fill: 'wrap' })),
        'shiftAsync NCHW': await lagOf(() => fa.shiftAsync(nchw, { dx: 0.5 })),
        gaussianNoiseAsync: await lagOf(() => fa.gaussianNoiseAsync(image, { std: 0.1, threads: 8 })),
        'gaussianNoiseAsync NCHW in place': await lagOf(() => fa.gaussianNoiseAsync(nchw, { std: 0.1, out: nchw.data })),
        uniformNoiseAsync: await lagOf(() => fa.uniformNoiseAsync(image, { low: 0, high: 1, perChannel: false })),
        speckleNoiseAsync: await lagOf(() => fa.speckleNoiseAsync(image, { std: 0.1 })),
        saltAndPepperAsync: await lagOf(() => fa.saltAndPepperAsync(image, { amount: 0.1 })),
        randomNormalAsync: await lagOf(() => fa.randomNormalAsync(image.data.length)),
        randomUniformAsync: await lagOf(() => fa.randomUniformAsync(image.data.length, { threads: 64 })),
        gaussianDropoutAsync: await lagOf(() => fa.gaussianDropoutAsync(image.data, { rate: 0.2 })),
      };
      console.log(JSON.stringify({ backend: fa.backendInfo().backend, lags }));
    })();`;
  for (const forced of ['js', 'native']) {
    // On native, the slices are sized by the ops' cost estimates, which a
    // sanitizer or emulated build exceeds many times over (a 4 ms slice took
    // ~2 s in the emulated avx512 build): there the bound means nothing. Nor
    // does it on js in the sanitizer run (scripts/sanitize.sh sets
    // FASTAUG_TEST_SLOW_BUILD and preloads libasan): ASan's allocator fills
    // the 201 MB output that shiftAsync creates, 70–90 ms inside the call's
    // synchronous part (Zen 5, 2026-12-08: 0.4–4 ms without the preload),
    // which no slicing can give back. Both backends run it in every other pass.
    it.skipIf(slowNativeBuild || (forced === 'native' && nativeBackends.length === 0))(`stays within a few milliseconds, on ${forced}`, () => {
      type Lag = { excess: number; lag: number; control: number };
      const { backend, lags } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, FASTAUG_BACKEND: forced } })) as { backend: string; lags: Record<string, Lag> };
      expect(backend).toBe(forced);
      console.log(`max event-loop lag on ${forced}, call / control (ms): ${Object.entries(lags).map(([op, l]) => `${op} ${l.lag.toFixed(1)} / ${l.control.toFixed(1)}`).join(', ')}`);
      // slices are SLICE_MS = 4 ms (5–10 ms lags on a quiet machine); the
      // bound leaves room for a busy machine's preemption that the control
      // did not see, and is still far below an unsliced call: 400 ms for the
      // 2048² noise ops, ~2 s for the shift
      const { blocking, ...calls } = lags;
      expect(blocking?.lag, 'a 300 ms block').toBeGreaterThan(250);
      for (const [op, l] of Object.entries(calls)) expect(l.excess, op).toBeLessThan(75);
    }, 300_000);
  }
});

// An array transferred away while an …Async call works on it: the call
// rejects, naming the array, instead of resolving with an empty one. The
// transferred buffer is kept alive (`moved`) until the call settles: the
// pool threads still touch its memory, which is why README tells callers
// not to do this at all. The calls on `out` and `x` are estimated over the
// first slice (~1 ms), so that none runs inside the call (runInCall in
// src/slices.ts), which would settle it before the transfer.
describe('arrays lent to an …Async call', () => {
  const script = `
    const fa = require(${JSON.stringify(path.resolve(__dirname, '../dist/cjs/index.js'))});
    (async () => {
      const lines = [];
      const expect = async (what, call, arrayOf) => {
        const moved = [];
        const p = call();
        moved.push(structuredClone(arrayOf().buffer, { transfer: [arrayOf().buffer] }));
        try { await p; lines.push(what + ': resolved'); } catch (e) { lines.push(what + ': ' + e.constructor.name + ': ' + e.message); }
        lines.push(what + ' kept ' + moved[0].byteLength);
      };
      const out = new Float32Array(1 << 23);
      await expect('randomNormalAsync', () => fa.randomNormalAsync(out.length, { out, threads: 2 }), () => out);
      const data = new Uint8Array(8 * 64 * 64 * 3);
      await expect('gaussianNoiseAsync', () => fa.gaussianNoiseAsync({ data, shape: [8, 64, 64, 3] }, { std: 5, threads: 2 }), () => data);
      const img = new Float32Array(8 * 64 * 64);
      await expect('shiftAsync', () => fa.shiftAsync({ data: img, shape: [8, 64, 64, 1] }, { dx: 1.5, threads: 2 }), () => img);
      const x = new Float32Array(1 << 22);
      await expect('gaussianDropoutAsync', () => fa.gaussianDropoutAsync(x, { rate: 0.2, out: x, threads: 2 }), () => x);
      console.log(JSON.stringify({ backend: fa.backendInfo().backend, lines }));
    })();`;
  for (const forced of ['js', 'native']) {
    it.skipIf(forced === 'native' && nativeBackends.length === 0)(`reject naming the array that was transferred, on ${forced}`, () => {
      const { backend, lines } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, FASTAUG_BACKEND: forced } })) as { backend: string; lines: string[] };
      expect(backend).toBe(forced);
      expect(lines).toEqual([
        'randomNormalAsync: TypeError: Expected an array that stays attached until randomNormalAsync settles (it was transferred or detached while the call ran, and the result is lost) for out but received Float32Array(0) of type Float32Array',
        `randomNormalAsync kept ${4 << 23}`,
        'gaussianNoiseAsync: TypeError: Expected an array that stays attached until gaussianNoiseAsync settles (it was transferred or detached while the call ran, and the result is lost) for batch.data but received Uint8Array(0) of type Uint8Array',
        `gaussianNoiseAsync kept ${8 * 64 * 64 * 3}`,
        'shiftAsync: TypeError: Expected an array that stays attached until shiftAsync settles (it was transferred or detached while the call ran, and the result is lost) for batch.data but received Float32Array(0) of type Float32Array',
        `shiftAsync kept ${4 * 8 * 64 * 64}`,
        'gaussianDropoutAsync: TypeError: Expected an array that stays attached until gaussianDropoutAsync settles (it was transferred or detached while the call ran, and the result is lost) for x but received Float32Array(0) of type Float32Array',
        `gaussianDropoutAsync kept ${4 << 22}`,
      ]);
    }, 60_000);
  }
});

// The crash of issue 21, item 12: an array transferred while an …Async call
// uses it, the new owner dropped and collected at once. With native pool
// threads working on the caller's memory, they then wrote freed (unmapped)
// memory and the process died of SIGSEGV; now arrays the caller could
// detach are staged, and every call rejects naming its array. In a child
// process (it must not take the test runner down), with --expose-gc; the
// transfer comes at once (before any staging copy) or a few milliseconds in
// (while the kernels run).
describe('an array transferred and collected while an …Async call uses it', () => {
  const script = `
    const fa = require(${JSON.stringify(path.resolve(__dirname, '../dist/cjs/index.js'))});
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const side = 4096;
    const image = () => new Float32Array(side * side * 3).fill(0.5);
    const cases = {
      'randomNormalAsync out': () => { const out = new Float32Array(1 << 26); return [fa.randomNormalAsync(out.length, { out, threads: 1 }), out]; },
      'shiftAsync batch.data': () => { const data = image(); return [fa.shiftAsync({ data, shape: [1, side, side, 3] }, { dx: 0.5, dy: 0.5, threads: 1 }), data]; },
      'shiftAsync out': () => { const out = image(); return [fa.shiftAsync({ data: image(), shape: [1, side, side, 3] }, { dx: 0.5, dy: 0.5, out, threads: 1 }), out]; },
      'gaussianNoiseAsync in place': () => { const data = image(); return [fa.gaussianNoiseAsync({ data, shape: [1, side, side, 3] }, { std: 0.1, out: data, threads: 1 }), data]; },
      'gaussianDropoutAsync x': () => { const x = new Float32Array(1 << 26); return [fa.gaussianDropoutAsync(x, { rate: 0.3, threads: 1 }), x]; },
    };
    (async () => {
      const lines = [];
      for (const [what, start] of Object.entries(cases)) {
        for (const delay of [0, 15]) {
          const [pending, array] = start();
          pending.catch(() => {});
          if (delay > 0) await sleep(delay);
          structuredClone(array.buffer, { transfer: [array.buffer] });  // the new owner is dropped at once
          for (let i = 0; i < 3; i += 1) { globalThis.gc(); await sleep(2); }
          try { await pending; lines.push(what + ': resolved'); } catch (e) { lines.push(what + ': ' + e.constructor.name + (/stays attached/.test(e.message) ? ' (detached)' : ': ' + e.message)); }
        }
      }
      console.log(JSON.stringify({ backend: fa.backendInfo().backend, lines }));
    })();`;
  // native only: js kernels run on the main thread, where a detached array just has no elements (the test above)
  it.skipIf(nativeBackends.length === 0)('the call rejects and the process lives, on native', () => {
    const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', env: { ...process.env, FASTAUG_BACKEND: 'native' } });
    expect({ signal: child.signal, status: child.status, stderr: child.stderr }).toEqual({ signal: null, status: 0, stderr: '' });
    const { backend, lines } = JSON.parse(child.stdout) as { backend: string; lines: string[] };
    expect(backend).toBe('native');
    const names = ['randomNormalAsync out', 'shiftAsync batch.data', 'shiftAsync out', 'gaussianNoiseAsync in place', 'gaussianDropoutAsync x'];
    expect(lines).toEqual(names.flatMap((name) => [`${name}: TypeError (detached)`, `${name}: TypeError (detached)`]));
  }, 120_000);
});

describe('runOnLentArrays: which arrays pool threads may use in place', () => {
  const lend = (array: Uint8Array | Float32Array, read: boolean, write: boolean, created?: boolean): LentArray => ({ name: 'a', array, read, write, created });

  it('uses shared, created and empty arrays in place, and stages the others (copied in when read, back when written)', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(8)).fill(1);
    const created = new Float32Array(4);
    const input = Float32Array.of(1, 2, 3);
    const out = new Float32Array(3);
    const empty = new Uint8Array(0);
    let seen: Array<Uint8Array | Float32Array> = [];
    await runOnLentArrays('op', true, [lend(shared, true, true), lend(created, false, true, true), lend(input, true, false), lend(out, false, true), lend(empty, true, true)], (views) => {
      seen = views;
      expect([...views[2]!]).toEqual([1, 2, 3]);  // copied in before the kernels start
      views[3]!.set([7, 8, 9]);
      return [Promise.resolve()];
    });
    expect(seen[0]).toBe(shared);
    expect(seen[1]).toBe(created);
    expect(seen[4]).toBe(empty);
    expect(seen[2]).not.toBe(input);
    expect(seen[3]).not.toBe(out);
    expect([...out]).toEqual([7, 8, 9]);  // copied back once the kernels settled
  });

  it('in place (two names, one memory) shares one staging copy; the js backend stages nothing', async () => {
    const data = Float32Array.of(1, 2);
    const same = new Float32Array(data.buffer);
    await runOnLentArrays('op', true, [lend(data, true, false), lend(same, false, true)], ([src, dst]) => {
      expect(src).toBe(dst);
      expect(src).not.toBe(data);
      dst!.set([src![0]! * 10, src![1]! * 10]);
      return [];
    });
    expect([...data]).toEqual([10, 20]);
    await runOnLentArrays('op', false, [lend(data, true, true)], ([view]) => {
      expect(view).toBe(data);
      return [];
    });
  });

  it('an array detached meanwhile rejects the call, naming it; a failed part rejects with its own error', async () => {
    const out = new Float32Array(4);
    const pending = runOnLentArrays('op', true, [{ name: 'out', array: out, read: false, write: true }], () => {
      structuredClone(out.buffer, { transfer: [out.buffer as ArrayBuffer] });
      return [Promise.resolve()];
    });
    await expect(pending).rejects.toThrow('Expected an array that stays attached until op settles (it was transferred or detached while the call ran, and the result is lost) for out');
    const input = new Uint8Array(4);
    const early = runOnLentArrays('op', true, [{ name: 'batch.data', array: input, read: true, write: false }], () => [Promise.resolve()]);
    structuredClone(input.buffer, { transfer: [input.buffer as ArrayBuffer] });
    await expect(early).rejects.toThrow('for batch.data');
    await expect(runOnLentArrays('op', true, [lend(new Uint8Array(2), true, true)], () => [Promise.reject(new RangeError('kernel'))])).rejects.toThrow('kernel');
  });
});

describe('threads by size: a short op runs on one thread', () => {
  it('threadsWorth gives one thread per threadSplit.minPartNs of estimated work, at least 1, at most those asked for', () => {
    const saved = { ...threadSplit };
    try {
      threadSplit.minPartNs = 250_000;
      threadSplit.idleCpus = () => Infinity;  // every CPU idle (the load is tested below)
      expect(threadsWorth(2, 784, 0.4)).toBe(1);  // one 28×28 image
      expect(threadsWorth(2, 1024 * 784, 0.4)).toBe(1);  // 1024×28×28×1: 0.3 ms
      expect(threadsWorth(2, 1_250_000, 0.4)).toBe(2);  // 0.5 ms: two halves of 0.25 ms
      expect(threadsWorth(2, 1_249_999, 0.4)).toBe(1);
      expect(threadsWorth(8, 1_250_000, 0.4)).toBe(2);
      expect(threadsWorth(8, 64 * 224 * 224 * 3, 0.4)).toBe(8);  // 3.85 ms: 15 parts' worth
      expect(threadsWorth(1, 1e9, 1)).toBe(1);
      threadSplit.minPartNs = 0;  // what the tests run with (test/setup.ts): as many as asked
      expect(threadsWorth(3, 10, 0.1)).toBe(3);
    } finally {
      Object.assign(threadSplit, saved);
    }
  });

  // The helpers runAsyncWork hands each slice to (runTogether's first
  // argument) on ordinary arrays, for work of hand-computed estimated size:
  // units × nsPerUnit against MIN_PART_NS (500 µs) per thread. A slice on
  // one thread calls the kernel itself, outside runTogether: 0 helpers.
  const helpersFor = async (units: number, nsPerUnit: number, threads: number): Promise<number[]> => {
    const helpers: number[] = [];
    let together = false;
    const runTogether = (h: number, queue: () => void): void => {
      helpers.push(h);
      together = true;
      try {
        queue();
      } finally {
        together = false;
      }
    };
    const fake = { name: 'fake', poolThreads: true, runTogether } as unknown as Backend;
    const lent: LentArray[] = [{ name: 'batch.data', array: new Uint8Array(units), read: true, write: false }, { name: 'out', array: new Uint8Array(units), read: false, write: true }];
    await runAsyncWork('op', fake, lent, { units, align: 1, nsPerUnit, threads, run: () => { if (!together) helpers.push(0); } });
    return helpers;
  };

  // The slices runAsyncWork cuts on ordinary arrays, one thread: the first
  // aims at a quarter of asyncSlices.targetNs (4 ms / 4 = 1 ms of estimated
  // work), unless what would be left is under half of it, which it then takes.
  const slicesFor = async (units: number, nsPerUnit: number): Promise<Array<[number, number]>> => {
    const slices: Array<[number, number]> = [];
    const fake = { name: 'fake', poolThreads: true, runTogether: () => { throw new Error('one thread: no runTogether'); } } as unknown as Backend;
    const lent: LentArray[] = [{ name: 'out', array: new Uint8Array(units), read: false, write: true }];
    await runAsyncWork('op', fake, lent, { units, align: 1, nsPerUnit, threads: 1, run: (_, first, count) => { slices.push([first, count]); } });
    return slices;
  };

  it('runAsyncWork gives a short tail no slice of its own', async () => {
    expect(asyncSlices.targetNs).toBe(4e6);
    // a uint8 flip of 64 224×224×3 images: 150 528 B × 0.14 ns = 21.07 µs each, 1.35 ms; the first slice's aim is
    // ⌈1 ms / 21.07 µs⌉ = 48 images, and the 16 left are under 24
    expect(await slicesFor(64, 150_528 * 0.14)).toEqual([[0, 64]]);
    // 25 µs per unit: an aim of 40 units; 19 left (< 20) join it, 20 left do not
    expect(await slicesFor(59, 25_000)).toEqual([[0, 59]]);
    expect(await slicesFor(60, 25_000)).toEqual([[0, 40], [40, 20]]);
    // 1.92 ms: 34 units, then the 30 left (each later slice may grow up to 4×)
    expect(await slicesFor(64, 30_000)).toEqual([[0, 34], [34, 30]]);
  });

  it('runAsyncWork gives a short tail of a later slice no slice of its own', async () => {
    // A clock that moves only in the kernels, by exactly the estimate (100 µs a
    // unit), so each later slice's size follows from arithmetic, not timing:
    // the first aims at 1 ms (10 units) and takes 1 ms; the next may grow 4×
    // (40 units, 4 ms, a whole turn) and stays at 40. A tail under a quarter
    // of it (< 10 units) joins it; 10 units get a slice of their own.
    expect(asyncSlices.targetNs).toBe(4e6);
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const cuts = async (units: number): Promise<Array<[number, number]>> => {
        const slices: Array<[number, number]> = [];
        const fake = { name: 'fake', poolThreads: true, runTogether: () => { throw new Error('one thread: no runTogether'); } } as unknown as Backend;
        const lent: LentArray[] = [{ name: 'out', array: new Uint8Array(units), read: false, write: true }];
        await runAsyncWork('op', fake, lent, { units, align: 1, nsPerUnit: 100_000, threads: 1, run: (_, first, count) => { slices.push([first, count]); now += count * 0.1; } });
        return slices;
      };
      expect(await cuts(59)).toEqual([[0, 10], [10, 49]]);
      expect(await cuts(60)).toEqual([[0, 10], [10, 40], [50, 10]]);
      // after two slices of 40: 99 − 90 = 9 left join the third, 100 − 90 = 10 do not
      expect(await cuts(99)).toEqual([[0, 10], [10, 40], [50, 49]]);
      expect(await cuts(100)).toEqual([[0, 10], [10, 40], [50, 40], [90, 10]]);
    } finally {
      clock.mockRestore();
    }
  });

  it('runAsyncWork runs tiny work on the calling thread alone and splits large work, at the production threshold', async () => {
    const saved = { ...threadSplit };
    try {
      threadSplit.minPartNs = MIN_PART_NS;
      expect(MIN_PART_NS).toBe(250_000);
      threadSplit.idleCpus = () => Infinity;
      // one 28×28 uint8 image of a shift (784 B × 0.1 ns): 78 ns
      expect(new Set(await helpersFor(1, 78.4, 8))).toEqual(new Set([0]));
      // W1, 64 images of 224×224×3 uint8 (150 528 B × 0.1 ns = 15.05 µs each): 0.96 ms, three parts' worth (one on 500 µs parts)
      expect(new Set(await helpersFor(64, 15_052.8, 2))).toEqual(new Set([1]));
      expect(new Set(await helpersFor(64, 15_052.8, 8))).toEqual(new Set([2]));
      // 16 of them: 0.24 ms, under two parts' worth
      expect(new Set(await helpersFor(16, 15_052.8, 2))).toEqual(new Set([0]));
      // W2, the same images in float32: 3.85 ms, two parts with threads 2, all 8 with threads 8, none with threads 1
      expect(new Set(await helpersFor(64, 60_211.2, 2))).toEqual(new Set([1]));
      expect(new Set(await helpersFor(64, 60_211.2, 8))).toEqual(new Set([7]));
      expect(new Set(await helpersFor(64, 60_211.2, 1))).toEqual(new Set([0]));
      // exactly 0.5 ms: two parts of 250 µs; just under: one
      expect(new Set(await helpersFor(500, 1000, 2))).toEqual(new Set([1]));
      expect(new Set(await helpersFor(499, 1000, 2))).toEqual(new Set([0]));
      // no CPU idle at the call: the calling thread alone, however large the work
      threadSplit.idleCpus = () => 0;
      expect(new Set(await helpersFor(64, 60_211.2, 8))).toEqual(new Set([0]));
    } finally {
      Object.assign(threadSplit, saved);
    }
  });

  // Issue 20, round 6: a split's helpers go to CPUs idle at the call (no
  // runnable task on them), read only when the size would split; beyond
  // those, one per BUSY_MIN_PART_NS (2 ms) of estimated work.
  it('threadsWorth gives helpers the CPUs idle at the call, and busy ones only for 2 ms each; it reads the load only when the size would split', () => {
    const saved = { ...threadSplit };
    let asked = 0;
    let idle = 0;
    try {
      threadSplit.minPartNs = 250_000;
      expect(BUSY_MIN_PART_NS).toBe(2_000_000);
      threadSplit.busyMinPartNs = BUSY_MIN_PART_NS;
      threadSplit.idleCpus = () => {
        asked += 1;
        return idle;
      };
      idle = 0;  // every CPU busy
      expect(threadsWorth(2, 64, 60_211.2)).toBe(1);  // W2: 3.85 ms, under 2 × 2 ms
      expect(threadsWorth(8, 1000, 1_000)).toBe(1);  // 1 ms
      expect(threadsWorth(2, 1000, 4_000)).toBe(2);  // 4 ms: two parts of 2 ms
      expect(threadsWorth(8, 1000, 10_000)).toBe(5);  // 10 ms
      idle = 1;
      expect(threadsWorth(2, 64, 60_211.2)).toBe(2);
      expect(threadsWorth(8, 1000, 1_000)).toBe(2);
      idle = 3;
      expect(threadsWorth(8, 1000, 1_000)).toBe(4);  // 1 ms: four parts of 250 µs
      expect(threadsWorth(8, 2000, 1_000)).toBe(4);  // 2 ms: 8 parts' worth, 4 CPUs
      idle = Infinity;  // not known (no /proc/loadavg): by size alone
      expect(threadsWorth(8, 1000, 1_000)).toBe(4);
      expect(threadsWorth(8, 2000, 1_000)).toBe(8);
      expect(asked).toBe(10);
      // under two parts' worth, or one thread asked for: one thread, and no reading of the load
      expect(threadsWorth(2, 499, 1_000)).toBe(1);
      expect(threadsWorth(1, 1e9, 1)).toBe(1);
      expect(asked).toBe(10);
      // tests split as asked, whatever the load
      threadSplit.minPartNs = 0;
      idle = 0;
      expect(threadsWorth(3, 10, 0.1)).toBe(3);
    } finally {
      Object.assign(threadSplit, saved);
    }
  });

  it.skipIf(process.platform !== 'linux')('runnableTasks reads the running count of /proc/loadavg (the calling thread among them)', () => {
    const fields = readFileSync('/proc/loadavg', 'latin1').split(' ');
    expect(fields[3]).toMatch(/^\d+\/\d+$/);
    const running = runnableTasks();
    expect(Number.isInteger(running) && running! >= 1).toBe(true);
  });

  // Runs `body` with the ops' real split threshold and the native backend's
  // runTogether and synchronous kernels recorded: helpersOf(call) is the set
  // of helper counts the call's slices asked for, 0 for a slice that called a
  // kernel itself (one thread, outside runTogether). Calls on the pool use
  // the …Async kernels: no slices, an empty set.
  type HelpersOf = (call: () => Promise<unknown>) => Promise<Set<number>>;
  const SYNC_KERNELS = ['shift', 'noise', 'flip', 'crop', 'affine', 'colorAffine', 'channelSums', 'contrast', 'blur', 'mix', 'resizedCrop', 'gamma', 'erase'] as const;
  const withHelpersRecorded = async (body: (helpersOf: HelpersOf) => Promise<void>): Promise<void> => {
    const backend = activeBackend();
    const testing = { ...threadSplit };
    const original = { ...backend };
    const helpers: number[] = [];
    let together = false;
    backend.runTogether = (h, queue) => {
      helpers.push(h);
      together = true;
      try {
        original.runTogether(h, queue);
      } finally {
        together = false;
      }
    };
    for (const name of SYNC_KERNELS) {
      const kernel = original[name] as (...args: unknown[]) => void;
      (backend as unknown as Record<string, unknown>)[name] = (...args: unknown[]): void => {
        if (!together) helpers.push(0);
        kernel(...args);
      };
    }
    try {
      threadSplit.minPartNs = MIN_PART_NS;
      threadSplit.idleCpus = () => Infinity;  // every CPU idle: the split by size alone
      await body(async (call) => {
        helpers.length = 0;
        await call();
        return new Set(helpers);
      });
    } finally {
      Object.assign(backend, original);
      Object.assign(threadSplit, testing);
    }
  };

  // The ops' own estimates (ns per byte or per stream position) on the
  // bench's batches, through the native backend's runTogether: W1 (a 0.96 ms
  // estimate) splits in three at most (250 µs parts) whatever `threads` says;
  // W2 (3.85 ms) and W3-sized noise (9.6 M positions × 0.4 ns = 3.85 ms)
  // split in two; 1024×28×28×1 noise (0.32 ms) stays on one thread.
  it.skipIf(!activeBackend().poolThreads)('shiftAsync and gaussianNoiseAsync choose threads by the batch size', async () => {
    await withHelpersRecorded(async (helpersOf) => {
      const shape: [number, number, number, number] = [64, 224, 224, 3];
      const length = 64 * 224 * 224 * 3;
      const u8 = { data: new Uint8Array(length), shape };
      const f32 = { data: new Float32Array(length), shape };
      expect(await helpersOf(() => fa.shiftAsync(u8, { dx: 2, dy: -1, fill: 'constant', out: new Uint8Array(length), threads: 8 }))).toEqual(new Set([2]));
      expect(await helpersOf(() => fa.shiftAsync(f32, { dx: 2, dy: -1, fill: 'constant', out: new Float32Array(length), threads: 2 }))).toEqual(new Set([1]));
      expect(await helpersOf(() => fa.gaussianNoiseAsync(f32, { std: 0.1, out: f32.data, threads: 2 }))).toEqual(new Set([1]));
      const small = { data: new Float32Array(1024 * 28 * 28), shape: [1024, 28, 28, 1] as [number, number, number, number] };
      expect(await helpersOf(() => fa.gaussianNoiseAsync(small, { std: 0.1, out: small.data, threads: 2 }))).toEqual(new Set([0]));
    });
  });

  // Issue 20, round 4: each image op's estimate per byte depends on the
  // element type (uint8 kernels cost 3–10× float32's per byte) and, for
  // shift, on whether offsets blend taps; the figures are Zen 3 sync CPU
  // times per byte. Hand-computed for 64 images of 224×224×3 (150 528 B
  // uint8, 602 112 B float32) against 2 × MIN_PART_NS = 0.5 ms.
  it.skipIf(!activeBackend().poolThreads)('image ops choose threads by their element type and kernel, on the bench batches', async () => {
    await withHelpersRecorded(async (helpersOf) => {
      const batch = (Type: typeof Uint8Array | typeof Float32Array, n = 64): Batch => ({ data: new Type(n * 224 * 224 * 3), shape: [n, 224, 224, 3] });
      const u8 = batch(Uint8Array);
      const f32 = batch(Float32Array);
      const out = (b: Batch): Uint8Array | Float32Array => (b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length));
      // flip uint8: 150 528 B × 0.14 ns × 64 = 1.35 ms (was 0.1 ns: 0.96 ms, one thread); 8 images: 0.17 ms, one thread
      expect(await helpersOf(() => fa.flipAsync(u8, { mode: 'horizontal', out: out(u8), threads: 2 }))).toEqual(new Set([1]));
      const eight = batch(Uint8Array, 8);
      expect(await helpersOf(() => fa.flipAsync(eight, { mode: 'horizontal', out: out(eight), threads: 2 }))).toEqual(new Set([0]));
      // erase uint8: × 0.1 ns = 0.96 ms, split; float32 × 0.11 ns = 4.2 ms
      expect(await helpersOf(() => fa.eraseAsync(u8, { p: 1, out: out(u8), threads: 2 }))).toEqual(new Set([1]));
      expect(await helpersOf(() => fa.eraseAsync(f32, { p: 1, out: out(f32), threads: 2 }))).toEqual(new Set([1]));
      // shift uint8: whole pixels 0.1 ns (0.96 ms), subpixel 0.2 ns (1.93 ms)
      expect(await helpersOf(() => fa.shiftAsync(u8, { dx: 2, dy: -1, out: out(u8), threads: 2 }))).toEqual(new Set([1]));
      expect(await helpersOf(() => fa.shiftAsync(u8, { dx: 2.5, dy: -1, out: out(u8), threads: 2 }))).toEqual(new Set([1]));
      // 16 images subpixel: 0.48 ms, one thread (0.75 ns, before the row-sums kernel, made it 1.8 ms and split)
      const sixteen = batch(Uint8Array, 16);
      expect(await helpersOf(() => fa.shiftAsync(sixteen, { dx: 2.5, dy: -1, out: out(sixteen), threads: 2 }))).toEqual(new Set([0]));
      // gamma float32: 602 112 B × 0.5 ns = 0.3 ms per image, under MAX_SLICE_NS, so in slices (with 7 ns, 4.2 ms per image: staged on the pool, no runTogether)
      expect(await helpersOf(() => fa.gammaAsync(f32, { gamma: 1.5, out: out(f32), threads: 2 }))).toEqual(new Set([1]));
      // contrast: the sums and the map (uint8 × (0.02 + 0.11) ns = 1.25 ms) in slices, split (before: staged on the pool)
      expect(await helpersOf(() => fa.contrastAsync(u8, { factor: 1.5, out: out(u8), threads: 2 }))).toEqual(new Set([1]));
      // blur uint8 on 2 images: 150 528 B × 1.2 ns × 2 = 0.36 ms, one thread; 4 images (0.72 ms) split
      const two = batch(Uint8Array, 2);
      expect(await helpersOf(() => fa.gaussianBlurAsync(two, { sigma: 1.5, out: out(two), threads: 2 }))).toEqual(new Set([0]));
      const four = batch(Uint8Array, 4);
      expect(await helpersOf(() => fa.gaussianBlurAsync(four, { sigma: 1.5, out: out(four), threads: 2 }))).toEqual(new Set([1]));
    });
  });

  // Issue 20, Zen 4 round (2026-12-07): figures refitted where the kernels
  // had become 2–6× faster than their estimates (which then split work of
  // 0.2–0.5 ms), and noise per pixel estimated per element written (c per
  // position). Hand-computed against 2 × MIN_PART_NS = 0.5 ms (1 ms before
  // round 6); each "one thread" line splits with the figures before.
  it.skipIf(!activeBackend().poolThreads)('estimates refitted to the current kernels: work under 0.5 ms stays on one thread', async () => {
    await withHelpersRecorded(async (helpersOf) => {
      const batch = (Type: typeof Uint8Array | typeof Float32Array, n: number, c = 3): Batch => ({ data: new Type(n * 224 * 224 * c), shape: [n, 224, 224, c] });
      const out = (b: Batch): Uint8Array | Float32Array => (b.data instanceof Uint8Array ? new Uint8Array(b.data.length) : new Float32Array(b.data.length));
      const labels = (n: number): Float32Array => new Float32Array(n * 2).fill(0.5);
      // mixup uint8: 150 528 B × 0.11 ns = 16.6 µs per image; 64 images 1.06 ms, split; 16 images 0.26 ms (0.66 ns: 1.6 ms)
      const u8 = batch(Uint8Array, 64);
      const u8half = batch(Uint8Array, 16);
      expect(await helpersOf(() => fa.mixupAsync(u8, labels(64), { alpha: 0.2, seed: 1, out: out(u8), threads: 2 }))).toEqual(new Set([1]));
      expect(await helpersOf(() => fa.mixupAsync(u8half, labels(16), { alpha: 0.2, seed: 1, out: out(u8half), threads: 2 }))).toEqual(new Set([0]));
      // affine uint8: × 1.5 ns = 0.226 ms per image: 2 images 0.45 ms, 3 images 0.68 ms (3.7 ns: 2 images 1.1 ms)
      const two = batch(Uint8Array, 2);
      const three = batch(Uint8Array, 3);
      expect(await helpersOf(() => fa.affineAsync(two, { rotation: 15, seed: 1, out: out(two), threads: 2 }))).toEqual(new Set([0]));
      expect(await helpersOf(() => fa.affineAsync(three, { rotation: 15, seed: 1, out: out(three), threads: 2 }))).toEqual(new Set([1]));
      // affine float32: 602 112 B × 0.3 ns = 0.181 ms per image: 2 images 0.36 ms (0.68 ns: 0.82 ms)
      const twoF = batch(Float32Array, 2);
      expect(await helpersOf(() => fa.affineAsync(twoF, { rotation: 15, seed: 1, out: out(twoF), threads: 2 }))).toEqual(new Set([0]));
      // gamma float32: × 0.5 ns = 0.30 ms per image: 1 image (0.88 ns: 0.53 ms)
      const oneF = batch(Float32Array, 1);
      expect(await helpersOf(() => fa.gammaAsync(oneF, { gamma: 1.5, out: out(oneF), threads: 2 }))).toEqual(new Set([0]));
      // contrast uint8: (0.02 + 0.11) ns × 150 528 B = 19.6 µs per image: 24 images 0.47 ms ((0.06 + 0.16) ns: 0.79 ms)
      const u8k = batch(Uint8Array, 24);
      expect(await helpersOf(() => fa.contrastAsync(u8k, { factor: 1.5, out: out(u8k), threads: 2 }))).toEqual(new Set([0]));
      // gaussian noise, one draw per pixel of 3 channels: 0.4 ns × 3 per position; 32 images 1.6 M positions = 1.93 ms, split (0.4 ns per position: 0.64 ms, one thread)
      const f32 = batch(Float32Array, 32);
      expect(await helpersOf(() => fa.gaussianNoiseAsync(f32, { std: 0.1, perChannel: false, out: f32.data, threads: 2 }))).toEqual(new Set([1]));
      // salt and pepper, one draw per 1-channel pixel: 0.14 ns per position; 64 images 3.2 M positions = 0.45 ms (0.4 ns: 1.28 ms)
      const gray = batch(Uint8Array, 64, 1);
      expect(await helpersOf(() => fa.saltAndPepperAsync(gray, { amount: 0.05, out: gray.data, threads: 2 }))).toEqual(new Set([0]));
    });
  });
});

describe('staging memory is reused between calls, never shared by two pending ones', () => {
  const lendOut = (array: Float32Array): LentArray => ({ name: 'out', array, read: false, write: true });

  it('a call after another settles gets the same staging buffer; calls pending together get distinct ones', async () => {
    let first: ArrayBufferLike | undefined;
    await runOnLentArrays('op', true, [lendOut(new Float32Array(1000))], ([view]) => { first = view!.buffer; return []; });
    let again: ArrayBufferLike | undefined;
    await runOnLentArrays('op', true, [lendOut(new Float32Array(1000))], ([view]) => { again = view!.buffer; return []; });
    expect(again).toBe(first);
    const buffers: ArrayBufferLike[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const calls = [1, 2, 3].map((k) => runOnLentArrays('op', true, [lendOut(new Float32Array(1000))], ([view]) => {
      buffers.push(view!.buffer);
      view!.fill(k);
      return [gate];
    }));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all(calls);
    expect(new Set(buffers).size).toBe(3);
  });

  it('is let go once no call has used it for STAGING_IDLE_MS', async () => {
    await runOnLentArrays('op', true, [lendOut(new Float32Array(1000))], () => []);
    expect(pooledStagingBytes()).toBeGreaterThanOrEqual(4000);
    await new Promise((resolve) => setTimeout(resolve, STAGING_IDLE_MS + 200));
    expect(pooledStagingBytes()).toBe(0);
  });

  // Issue 20, round 8: work that stays on one thread and fits in the first
  // slice runs inside the …Async call (runInCall), from the early budget.
  it.skipIf(nativeBackends.length === 0)('small work on one thread runs inside the …Async call, on native; larger work and splits run after the call', async () => {
    const saved = { ...threadSplit };
    const savedTarget = asyncSlices.targetNs;
    const backend = activeBackend();
    try {
      threadSplit.minPartNs = MIN_PART_NS;
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      const data = Uint8Array.from({ length: 16 * 28 * 28 }, (_, i) => (i * 7) & 255);
      const shape: [number, number, number, number] = [16, 28, 28, 1];
      const expected = fa.shift({ data, shape }, { x: 0.1, y: 0.1, subpixel: false, seed: 3 }).data;
      const writtenInCall = (opts: object): { written: boolean; pending: Promise<Batch> } => {
        const out = new Uint8Array(data.length);
        const pending = fa.shiftAsync({ data, shape }, { x: 0.1, y: 0.1, subpixel: false, seed: 3, out, ...opts });
        return { written: firstDifference(out, expected) === -1, pending };
      };
      const small = writtenInCall({ threads: 2 });
      expect(small.written).toBe(backend.poolThreads);
      expect(firstDifference((await small.pending).data, expected)).toBe(-1);
      // the same work in slices smaller than it (asyncSlices.targetNs): after the call
      asyncSlices.targetNs = 1;
      const sliced = writtenInCall({ threads: 1 });
      expect(sliced.written).toBe(false);
      expect(firstDifference((await sliced.pending).data, expected)).toBe(-1);
      asyncSlices.targetNs = savedTarget;
      // split over two threads (minPartNs 0 splits any size): after the call
      threadSplit.minPartNs = 0;
      const split = writtenInCall({ threads: 2 });
      expect(split.written).toBe(false);
      expect(firstDifference((await split.pending).data, expected)).toBe(-1);
    } finally {
      Object.assign(threadSplit, saved);
      asyncSlices.targetNs = savedTarget;
    }
  });

  it('shiftAsync calls pending together each keep their own offsets (reused arrays are not shared)', async () => {
    const data = Uint8Array.from({ length: 8 * 20 * 20 }, (_, i) => (i * 13) & 255);
    const shape: [number, number, number, number] = [8, 20, 20, 1];
    const opts = (seed: number) => ({ x: 0.2, y: 0.2, subpixel: false, fill: 'reflect' as const, seed });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => fa.shiftAsync({ data, shape }, { ...opts(seed), threads: 1 + (seed % 2) })));
    results.forEach((r, k) => expect(firstDifference(r.data, fa.shift({ data, shape }, opts(k + 1)).data), `seed ${k + 1}`).toBe(-1));
  });

  it('back-to-back and concurrent calls on ordinary arrays give the sync bytes', async () => {
    const outs = [1, 2, 3, 4].map(() => new Float32Array(4096));
    await Promise.all(outs.map((out, k) => randomNormalAsync(4096, { seed: k, out, threads: 2 })));
    outs.forEach((out, k) => expect(out).toEqual(randomNormal(4096, { seed: k })));
    await randomNormalAsync(4096, { seed: 9, out: outs[0]!, threads: 1 });
    expect(outs[0]).toEqual(randomNormal(4096, { seed: 9 }));
  });
});

// A Worker that ends while its …Async call is pending: the call's completion
// then comes into an environment that can no longer run JavaScript, and must
// not take the process down with it.
describe('a Worker ending with a call pending', () => {
  const script = `
    const { Worker } = require('node:worker_threads');
    const entry = ${JSON.stringify(path.resolve(__dirname, '../dist/cjs/index.js'))};
    const body = 'const fa = require(' + JSON.stringify(entry) + '); const { parentPort } = require("node:worker_threads");'
      + 'fa.randomNormalAsync(1 << 23, { threads: 2 }); fa.shiftAsync({ data: new Uint8Array(64 * 64 * 64), shape: [64, 64, 64, 1] }, { dx: 0.5 });'
      + 'parentPort.postMessage("started");' + (process.argv[1] === 'exit' ? 'process.exit(0);' : '');
    (async () => {
      for (let round = 0; round < 3; round += 1) {
        const worker = new Worker(body, { eval: true });
        // listen for the exit before anything is awaited: the worker may be gone by the time 'started' is read
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        await new Promise((resolve) => worker.once('message', resolve));
        if (process.argv[1] !== 'exit') await worker.terminate();
        await exited;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));  // let the pool finish the orphaned jobs
      console.log('main alive');
    })();`;
  for (const forced of ['js', 'native']) {
    for (const how of ['terminate', 'exit']) {
      it.skipIf(forced === 'native' && nativeBackends.length === 0)(`${how}: the process lives on, on ${forced}`, () => {
        const out = execFileSync(process.execPath, ['-e', script, how], { encoding: 'utf8', env: { ...process.env, FASTAUG_BACKEND: forced } });
        expect(out.trim()).toBe('main alive');
      }, 60_000);
    }
  }
});

describe('resizable buffers', () => {
  it('…Async calls refuse an array on a resizable ArrayBuffer, which could shrink under the pool threads; sync calls take it', async () => {
    // ES2024's resizable ArrayBuffer (Node 20 has it; the ES2022 lib types do not)
    const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
    const resizable = (): Float32Array => new Float32Array(new Resizable(64, { maxByteLength: 128 }));
    await expect(randomNormalAsync(16, { out: resizable() })).rejects.toThrow('Expected an array on a fixed-length ArrayBuffer for randomNormalAsync (a resizable one could shrink while pool threads use it) for out');
    await expect(gaussianNoiseAsync({ data: resizable(), shape: [1, 4, 4, 1] }, { std: 1 })).rejects.toThrow('for batch.data');
    const out = resizable();
    expect(randomNormal(16, { out })).toBe(out);
  });
});

// runAsyncWork (src/ops/common.ts): on the native backend an ordinary array
// (which a caller could transfer) makes an …Async call run in slices on the
// calling thread and the addon's helper threads, in place; shared arrays run
// on the libuv pool. Each path, with one slice or many (asyncSlices.targetNs
// tiny: one image, or one split unit of stream positions, per slice), on one
// thread or two, must give the sync call's bytes.
describe('…Async calls give the sync bytes on every path', () => {
  const shape: [number, number, number, number] = [5, 9, 7, 3];
  const length = shape.reduce((a, b) => a * b, 1);
  const labels = Float32Array.from({ length: 5 * 4 }, (_, i) => (i % 4 === (i >> 2) % 4 ? 1 : 0));
  type Image = Uint8Array | Float32Array;
  type Call = (b: Batch, async: boolean, extra: Record<string, unknown>) => Image | Promise<Image>;
  const batchOp = (sync: (b: Batch, o: never) => Batch, async: (b: Batch, o: never) => Promise<Batch>, opts: Record<string, unknown>): Call =>
    (b, isAsync, extra) => (isAsync ? async(b, { ...opts, ...extra } as never).then((r) => r.data) : sync(b, { ...opts, out: extra.out } as never).data);
  const ops: Record<string, Call> = {
    shift: batchOp(fa.shift, fa.shiftAsync, { dx: [1.5, -2, 0.25, 3, -0.5], dy: [0.5, 1, -1.25, 0, 2], seed: 3 }),
    'shift drawn': batchOp(fa.shift, fa.shiftAsync, { x: 0.3, y: 0.2, fill: 'wrap', seed: 4, index: 9 }),
    gaussianNoise: batchOp(fa.gaussianNoise, fa.gaussianNoiseAsync, { std: [2, 9], seed: 5, index: 3 }),
    uniformNoise: batchOp(fa.uniformNoise, fa.uniformNoiseAsync, { low: -4, high: 6, perChannel: false, seed: 6 }),
    speckleNoise: batchOp(fa.speckleNoise, fa.speckleNoiseAsync, { std: 0.2, seed: 7 }),
    saltAndPepper: batchOp(fa.saltAndPepper, fa.saltAndPepperAsync, { amount: [0.05, 0.3], seed: 8 }),
    flip: batchOp(fa.flip, fa.flipAsync, { mode: 'horizontal_and_vertical', seed: 9 }),
    crop: batchOp(fa.crop, fa.cropAsync, { height: 9, width: 7, padding: [2, 3], fill: 'reflect', seed: 16 }),  // the same size: one out length for every op
    affine: batchOp(fa.affine, fa.affineAsync, { rotation: 20, zoom: 0.2, seed: 10 }),
    gaussianBlur: batchOp(fa.gaussianBlur, fa.gaussianBlurAsync, { sigma: [0.5, 1.5], seed: 11 }),
    brightness: batchOp(fa.brightness, fa.brightnessAsync, { factor: [0.5, 1.5], delta: [-8, 8], seed: 12 }),
    contrast: batchOp(fa.contrast, fa.contrastAsync, { factor: [0.5, 1.5], seed: 13 }),
    gamma: batchOp(fa.gamma, fa.gammaAsync, { gamma: [0.5, 2], seed: 17 }),
    erase: batchOp(fa.erase, fa.eraseAsync, { p: 0.8, count: 2, area: [0.1, 0.4], value: 'noise', seed: 18 }),
    resizedCrop: batchOp(fa.resizedCrop as never, fa.resizedCropAsync as never, { size: [9, 7], scale: [0.2, 0.9], seed: 19 }),
    mixup: (b, isAsync, extra) => (isAsync ? fa.mixupAsync(b, labels, { seed: 14, ...extra }).then((r) => r.batch.data) : fa.mixup(b, labels, { seed: 14, out: extra.out as never }).batch.data),
    cutmix: (b, isAsync, extra) => (isAsync ? fa.cutmixAsync(b, labels, { seed: 15, ...extra }).then((r) => r.batch.data) : fa.cutmix(b, labels, { seed: 15, out: extra.out as never }).batch.data),
  };
  const defaultTarget = asyncSlices.targetNs;
  afterEach(() => {
    asyncSlices.targetNs = defaultTarget;
  });

  for (const dtype of ['uint8', 'float32'] as const) {
    const Type = dtype === 'uint8' ? Uint8Array : Float32Array;
    const on = (shared: boolean): Image => {
      const a = shared ? new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT) as unknown as ArrayBuffer) : new Type(length);
      for (let i = 0; i < length; i += 1) a[i] = dtype === 'uint8' ? (i * 37 + 11) & 255 : ((i * 37 + 11) & 255) / 255;
      return a;
    };
    for (const [name, call] of Object.entries(ops)) {
      it(`${name} ${dtype}: ordinary and shared arrays, given or created out, threads 1, 2 and 3, one slice or many`, async () => {
        const expected = await call({ data: on(false), shape }, false, {});
        for (const shared of [false, true]) {
          for (const threads of [1, 2, 3]) {
            for (const target of [defaultTarget, 1]) {
              asyncSlices.targetNs = target;
              const what = `${shared ? 'shared' : 'ordinary'}, threads ${threads}, targetNs ${target}`;
              const data = on(shared);
              expect(firstDifference(await call({ data, shape }, true, { threads }), expected), what).toBe(-1);
              const out = shared ? new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT) as unknown as ArrayBuffer) : new Type(length);
              expect(firstDifference(await call({ data, shape }, true, { threads, out }), expected), `${what}, out given`).toBe(-1);
              expect(firstDifference(data, on(false)), `${what}: the input is untouched`).toBe(-1);
            }
          }
        }
      });
    }
  }

  for (const [name, sync, async] of [['randomNormal', fa.randomNormal, fa.randomNormalAsync], ['randomUniform', fa.randomUniform, fa.randomUniformAsync]] as const) {
    it(`${name} and gaussianDropout: ordinary and shared out, threads 1 and 2, one slice or many`, async () => {
      const n = 3 * 4096 + 77;
      const expected = sync(n, { seed: 21, index: 5 });
      const x = Float32Array.from({ length: n }, (_, i) => (i % 13) - 6);
      const dropped = fa.gaussianDropout(x, { rate: 0.3, seed: 22 });
      for (const shared of [false, true]) {
        for (const threads of [1, 2]) {
          for (const target of [defaultTarget, 1]) {
            asyncSlices.targetNs = target;
            const out = shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
            expect(firstDifference(await async(n, { seed: 21, index: 5, threads, out }), expected)).toBe(-1);
            const input = shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
            input.set(x);
            expect(firstDifference(await fa.gaussianDropoutAsync(input, { rate: 0.3, seed: 22, threads }), dropped)).toBe(-1);
            expect(firstDifference(await fa.gaussianDropoutAsync(input, { rate: 0.3, seed: 22, threads, out: input }), dropped), 'in place').toBe(-1);
          }
        }
      }
    });
  }

  it('an ordinary array detached between two slices rejects the call naming it, and nothing more is written', async () => {
    asyncSlices.targetNs = 1;  // the smallest slices
    // ~10 ms of work: more than one turn of main-thread slices (SLICE_MS)
    const shape4: [number, number, number, number] = [64, 512, 512, 1];
    const data = new Float32Array(64 * 512 * 512).fill(0.5);
    const out = new Float32Array(data.length);
    const pending = fa.gaussianNoiseAsync({ data, shape: shape4 }, { std: 0.1, out, threads: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const moved = new Float32Array(structuredClone(out.buffer, { transfer: [out.buffer] }));
    await expect(pending).rejects.toThrow(/stays attached until gaussianNoiseAsync settles .* for out/);
    // slices run before the transfer wrote their part; none ran after it
    expect(moved.some((v) => v !== 0)).toBe(true);
    expect(moved.subarray(moved.length - 512 * 512).every((v) => v === 0)).toBe(true);
  });

  // contrastAsync runs two passes per range of images (the sums, then the
  // map): a transfer between slices rejects the call, and no later range is
  // mapped.
  it('contrastAsync: out detached between two slices rejects naming out, and the last image is never mapped', async () => {
    asyncSlices.targetNs = 1;
    const shape4: [number, number, number, number] = [64, 512, 512, 1];
    const data = new Float32Array(64 * 512 * 512).fill(0.5);
    const out = new Float32Array(data.length);
    const pending = fa.contrastAsync({ data, shape: shape4 }, { factor: 2, out, threads: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const moved = new Float32Array(structuredClone(out.buffer, { transfer: [out.buffer] }));
    await expect(pending).rejects.toThrow(/stays attached until contrastAsync settles .* for out/);
    expect(moved.subarray(moved.length - 512 * 512).every((v) => v === 0)).toBe(true);
  });
});

// The native backend's runTogether: synchronous kernel calls made in `queue`
// only queue their work, which runs (on the calling thread and the helpers)
// before runTogether returns; a call that throws drops what was queued.
describe.skipIf(nativeBackends.length === 0)('native runTogether', () => {
  const request: StreamRequest = { key0: 4, key1: 0, first: 0, epoch: 0, stream: 2, offset: 0, scale: 1 };
  for (const helpers of [0, 1, 3]) {
    it(`runs queued calls once the queue returns (${helpers} helpers), with the bytes of calls run one by one`, () => {
      const backend = nativeBackends[0]!;
      const parts = 16;
      const out = new Float32Array(parts * 1000);
      const reference = new Float32Array(out.length);
      backend.randomNormal(reference, request);
      backend.runTogether(helpers, () => {
        for (let p = 0; p < parts; p += 1) backend.randomNormal(out.subarray(p * 1000, (p + 1) * 1000), { ...request, first: p * 1000 });
        expect(out.every((v) => v === 0), 'nothing has run while queueing').toBe(true);
      });
      expect(firstDifference(out, reference)).toBe(-1);
    });
  }

  it('a call that throws while queueing drops the queued work; the next calls run as usual', () => {
    const backend = nativeBackends[0]!;
    const out = new Float32Array(100);
    expect(() => backend.runTogether(1, () => {
      backend.randomNormal(out, request);
      throw new RangeError('stop');
    })).toThrow('stop');
    backend.runTogether(1, () => undefined);
    expect(out.every((v) => v === 0)).toBe(true);
    backend.randomNormal(out, request);
    expect(out.some((v) => v !== 0)).toBe(true);
  });

  it('sync calls pass small parameter arrays through a reused slab: back-to-back calls on one image keep their own parameters', () => {
    const native = nativeBackends[0]!;
    const b = { data: Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 7) & 255), shape: [1, 28, 28, 1] as [number, number, number, number] };
    for (let dx = -3; dx <= 3; dx += 1) {
      const request = shiftPlan(b, { dx, dy: 1 - dx, fill: 'reflect' });
      const viaNative = new Uint8Array(b.data.length);
      const viaJs = new Uint8Array(b.data.length);
      native.shift(b.data, viaNative, request, 0, 1);
      jsReference.shift(b.data, viaJs, request, 0, 1);
      expect(firstDifference(viaNative, viaJs), `dx ${dx}`).toBe(-1);
    }
  });
});
