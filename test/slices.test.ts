// The main-thread scheduler of src/slices.ts: work starts right after the
// caller's code (a microtask) while the early budget lasts, never inside
// the call, and a loop of awaited calls still gives the event loop turns;
// runInCall runs work inside the call from the same budget.
import { performance } from 'node:perf_hooks';

import { describe, expect, it } from 'vitest';

import { EARLY_MS, runInCall, runInSlices } from '../src/slices.js';

/** A job of one unit that keeps the thread busy for `ms`. */
function* busyFor(ms: number): Generator<void> {
  const start = performance.now();
  while (performance.now() - start < ms);
}

/** Two event-loop turns: any early budget spent before is back. */
async function afterTwoTurns(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

describe('runInSlices', () => {
  it('starts a short job after the calling code and finishes it before the next event-loop turn', async () => {
    await afterTwoTurns();
    let ran = false;
    let turned = false;
    setImmediate(() => { turned = true; });
    const done = runInSlices((function* () { ran = true; })());
    expect(ran).toBe(false);  // never inside the call
    await done;
    expect(ran).toBe(true);
    expect(turned).toBe(false);  // no event-loop turn was needed
  });

  it('gives the event loop turns during a loop of awaited calls once EARLY_MS of early work has run', async () => {
    await afterTwoTurns();
    let turns = 0;
    let running = true;
    const tick = (): void => {
      if (!running) return;
      turns += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    // 30 calls of EARLY_MS / 2.5 each: 12 × EARLY_MS of work, at most
    // EARLY_MS of it early per turn, so at least a few turns in between
    for (let i = 0; i < 30; i += 1) await runInSlices(busyFor(EARLY_MS / 2.5));
    running = false;
    expect(turns).toBeGreaterThanOrEqual(4);
  });

  it('rejects with what a unit throws', async () => {
    const failing = (function* () { yield; throw new RangeError('unit'); })();
    await expect(runInSlices(failing)).rejects.toThrow('unit');
  });
});

describe('runInCall', () => {
  it('runs work inside the call while the early budget lasts and nothing is pending', async () => {
    await afterTwoTurns();
    let ran = false;
    expect(runInCall(() => { ran = true; })).toBe(true);
    expect(ran).toBe(true);
    // a job waiting for its early turn: later work must not overtake it
    const done = runInSlices((function* () {})());
    expect(runInCall(() => { throw new Error('not run'); })).toBe(false);
    await done;
    expect(() => runInCall(() => { throw new RangeError('work'); })).toThrow('work');
  });

  it('charges the early budget, so that a loop of in-call work gives the event loop a turn', async () => {
    await afterTwoTurns();
    expect(runInCall(() => busyFor(EARLY_MS).next())).toBe(true);
    expect(runInCall(() => {})).toBe(false);  // spent: the work would wait for a turn of the event loop
    await afterTwoTurns();
    expect(runInCall(() => {})).toBe(true);
  });
});
