// Work on the main thread that must not block it: the js backend's …Async
// kernels, the native backend's in-place …Async slices and the staging
// copies of native …Async calls. Each job is a generator that yields after
// every small unit of work (a fraction of a millisecond); one scheduler per
// thread runs the pending jobs' units in turn and gives the event loop back
// once a turn has run SLICE_MS, however many jobs are pending and however
// large their arrays are. (Jobs that each yielded on their own would run back
// to back in one turn: 64 of them at 4 ms each would block the loop for a
// quarter of a second.)
import { performance } from 'node:perf_hooks';

/** Longest a turn of main-thread work runs before the event loop gets a turn. */
export const SLICE_MS = 4;

/** Elements per unit of work: about 0.1 ms for the js kernels. */
export const UNIT_ELEMENTS = 1 << 13;

/**
 * Main-thread work that may start from a microtask (right after the
 * caller's code, before the event loop's next turn) instead of a
 * setImmediate, per turn of the event loop. A setImmediate round trip cost
 * 15–20 µs of a 0.45–0.8 ms `shiftAsync` (W1, threads: 1): the data the op
 * streamed through the caches has evicted the event loop's (bench/
 * threads-ab.mjs, docs/performance.md "Threads round 3"). Bounded, so that
 * a loop of awaited calls still gives timers and I/O a turn: once this much
 * has run early, later work waits for a setImmediate, and the budget comes
 * back when one has run. As long as a turn of sliced work (SLICE_MS), so the
 * loop waits no longer for early work than for any turn. With 1 ms, a call of
 * two slices (a 1.3 ms flip of 64 224×224×3 images, threads: 1) waited a
 * turn for its second, and a loop of awaited 0.6 ms calls (W1) took one every
 * other call; …Async − sync on a loaded Zen 3 host went from +146 to +71 µs
 * (the flip) and +39 to +15 µs (W1) with 4 ms (bench/async-overhead.mjs).
 */
export const EARLY_MS = SLICE_MS;

interface Job {
  units: Iterator<void>;
  resolve(): void;
  reject(reason: unknown): void;
}

const pending: Job[] = [];
let scheduled = false;
/** Early (microtask) work since the event loop last ran an immediate, ms; and whether one is queued to reset it. */
const early = { spentMs: 0, resetQueued: false };

function resetEarly(): void {
  early.spentMs = 0;
  early.resetQueued = false;
}

/** Charges `ms` of early work to the budget; the budget comes back once the event loop has run an immediate. */
function chargeEarly(ms: number): void {
  early.spentMs += ms;
  if (!early.resetQueued) {
    early.resetQueued = true;
    setImmediate(resetEarly);
  }
}

/** Runs pending units round-robin until `budgetMs` has passed (at least one unit). */
function runUnits(budgetMs: number): void {
  const start = performance.now();
  do {
    const job = pending.shift()!;
    let done: boolean | undefined;
    try {
      done = job.units.next().done;
    } catch (error) {
      job.reject(error);
      continue;
    }
    if (done) job.resolve();
    else pending.push(job);
  } while (pending.length > 0 && performance.now() - start < budgetMs);
}

function turn(): void {
  if (pending.length > 0) runUnits(SLICE_MS);
  scheduled = pending.length > 0;
  if (scheduled) setImmediate(turn);
}

/** A turn started from a microtask, within what is left of the early budget. */
function earlyTurn(): void {
  const start = performance.now();
  if (pending.length > 0) runUnits(EARLY_MS - early.spentMs);
  chargeEarly(performance.now() - start);
  scheduled = pending.length > 0;
  if (scheduled) setImmediate(turn);
}

/**
 * Settled: `.then` on it queues a microtask. queueMicrotask does too, but
 * wraps each callback in an AsyncResource (async_hooks bookkeeping): with the
 * caches cold after a large kernel that cost ~20–30 µs a call (a one-image
 * shiftAsync, threads: 1, Zen 3: bench/async-overhead.mjs --cold). earlyTurn
 * throws nothing (runUnits catches what the units throw).
 */
const settled = Promise.resolve();

/**
 * Runs `units` (a generator yielding after each unit of work) in slices of
 * the event loop; resolves when it returns, rejects with what it throws. The
 * first unit runs after the caller's code, never inside it: from a
 * microtask while the early budget (EARLY_MS) lasts, else on a later turn.
 */
export function runInSlices(units: Iterator<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    pending.push({ units, resolve, reject });
    if (!scheduled) {
      scheduled = true;
      if (early.spentMs < EARLY_MS) void settled.then(earlyTurn);
      else setImmediate(turn);
    }
  });
}

/**
 * Runs `work` now, inside the caller's call, when it would otherwise be the
 * next early turn's only work: nothing is pending and the early budget
 * (EARLY_MS) is not spent. Its time is charged to that budget, so a loop of
 * awaited calls that run this way still gives the event loop a turn once
 * EARLY_MS has run, as one of early turns does. The event loop waits no
 * longer than it would have for the same work from a microtask (which runs
 * before the loop's next turn too); what changes is only that the work runs
 * before the call returns rather than right after the caller's code. Returns
 * whether it ran; what `work` throws propagates.
 */
export function runInCall(work: () => void): boolean {
  if (scheduled || early.spentMs >= EARLY_MS) return false;
  const start = performance.now();
  try {
    work();
  } finally {
    chargeEarly(performance.now() - start);
  }
  return true;
}
