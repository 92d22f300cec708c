// Work on the main thread that must not block it: the js backend's …Async
// kernels and the staging copies of native …Async calls. Each job is a
// generator that yields after every small unit of work (a fraction of a
// millisecond); one scheduler per thread runs the pending jobs' units in
// turn and gives the event loop back once a turn has run SLICE_MS, however
// many jobs are pending and however large their arrays are. (Jobs that each
// yielded on their own would run back to back in one turn: 64 of them at
// 4 ms each would block the loop for a quarter of a second.)
import { performance } from 'node:perf_hooks';

/** Longest a turn of main-thread work runs before the event loop gets a turn. */
export const SLICE_MS = 4;

/** Elements per unit of work: about 0.1 ms for the js kernels. */
export const UNIT_ELEMENTS = 1 << 13;

interface Job {
  units: Iterator<void>;
  resolve(): void;
  reject(reason: unknown): void;
}

const pending: Job[] = [];
let scheduled = false;

function turn(): void {
  const start = performance.now();
  while (pending.length > 0 && performance.now() - start < SLICE_MS) {
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
  }
  scheduled = pending.length > 0;
  if (scheduled) setImmediate(turn);
}

/**
 * Runs `units` (a generator yielding after each unit of work) in slices of
 * the event loop; resolves when it returns, rejects with what it throws. The
 * first unit runs on a later turn, never inside the caller's.
 */
export function runInSlices(units: Iterator<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    pending.push({ units, resolve, reject });
    if (!scheduled) {
      scheduled = true;
      setImmediate(turn);
    }
  });
}
