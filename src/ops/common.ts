// Option resolution shared by every op: the random options of DESIGN §3 and
// the thread count of …Async ops.
import { openSync, readSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

import type { Backend } from '../backends/backend.js';
import { runInCall, runInSlices, SLICE_MS } from '../slices.js';
import { bufferOf, checkKnownNames, elementLength, integerInRange, invalidParameterError, isPlainObject, memoryOf, optionKeys } from '../validate.js';

/** Random options shared by every op (DESIGN §3). */
export interface RandomOptions {
  /** Non-negative integer ≤ 2^53 − 1, or a bigint < 2^64. Default 0. */
  seed?: number | bigint;
  /** Dataset index of the first sample (element streams: of the first element). Default 0. */
  index?: number;
  /** Selects a fresh, independent draw; integer < 2^32. Default 0. */
  epoch?: number;
}

export interface AsyncOptions {
  /** Threads of the libuv pool to split the work over; default: available parallelism. */
  threads?: number;
}

export const RANDOM_OPTION_NAMES = ['seed', 'index', 'epoch'] as const;
export const ASYNC_OPTION_NAMES = ['threads'] as const;
export const MAX_THREADS = 256;
const TWO_32 = 4294967296;
const MAX_SEED = (1n << 64n) - 1n;

/** The Philox key of a seed: (seed mod 2^32, ⌊seed / 2^32⌋). */
export interface SeedKey {
  key0: number;
  key1: number;
}

export function seedKey(seed: unknown): SeedKey {
  if (seed === undefined) return { key0: 0, key1: 0 };
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed > MAX_SEED) throw invalidParameterError('seed', 'a bigint between 0 and 2^64 - 1', seed, 'range');
    return { key0: Number(seed & 0xffffffffn), key1: Number(seed >> 32n) };
  }
  const value = integerInRange('seed', seed, 0, Number.MAX_SAFE_INTEGER);
  return { key0: value % TWO_32, key1: Math.floor(value / TWO_32) };
}

export function epochOption(epoch: unknown): number {
  return epoch === undefined ? 0 : integerInRange('epoch', epoch, 0, TWO_32 - 1);
}

export function threadsOption(threads: unknown): number {
  return threads === undefined ? defaultThreads() : integerInRange('threads', threads, 1, MAX_THREADS);
}

export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * A value read once: an array is copied element by element (each index read
 * once), anything else kept. A revoked Proxy, which no check could read, is
 * an error naming the argument here.
 */
export function readOnce(name: string, value: unknown): unknown {
  let isArray: boolean;
  try {
    isArray = Array.isArray(value);
  } catch (error) {
    throw invalidParameterError(name, `a value that can be read (${error instanceof Error ? error.message : String(error)})`, value);
  }
  if (!isArray) return value;
  const list = value as unknown[];
  const length: unknown = list.length;
  // a plain loop: Array.from with a map function cost ~0.4 µs per call, a tenth of a call on a 28×28 image
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > 2 ** 32 - 1) return Object.freeze(Array.from({ length: length as number }, (_, i) => list[i]));
  const copy: unknown[] = [];
  for (let i = 0; i < length; i += 1) copy.push(list[i]);
  return Object.freeze(copy);
}

/**
 * The object readOptions copies options into. Its prototype is an object
 * with no prototype, so an option Object.prototype gained (`seed`, `fill`)
 * is never read as given. Object.create(null) would do that too, but V8 keeps
 * such objects in dictionary mode: every later `o.fill` a hash lookup, ~20 %
 * of a shift call on one 28×28 image (issue 20); an object made by a
 * constructor keeps fast properties, and copies of options with the same
 * keys in the same order share one hidden class.
 */
const OptionsCopy = function OptionsCopy() {} as unknown as new () => Record<string, unknown>;
OptionsCopy.prototype = Object.create(null) as object;

/**
 * Options read once, before any check: each own enumerable property of the
 * caller's object is read a single time (arrays copied) into an OptionsCopy,
 * and the op checks and uses only that copy. A getter cannot give a check one
 * value and the work another (sharp's pattern: validate into a baton). The
 * copy never leaves the op and is typed Readonly; it is not frozen at run
 * time (Object.freeze on it cost ~0.5 µs per call).
 *
 * Object.assign reads the values, and the names are checked on the copy: on
 * Node 20, options made as `{ ...defaults, index: i }` get a hidden class of
 * their own on every call, and listing their keys (Object.keys) then reading
 * each by name cost ~1.4 µs a call, a third of a shift of one 28×28 image,
 * against ~0.2 µs for Object.assign, which walks the object's own layout.
 */
export function readOptions<T extends object>(op: string, options: unknown, allowed: readonly string[]): Readonly<Partial<T>> {
  const copy = new OptionsCopy();
  if (options === undefined) return copy as Readonly<Partial<T>>;
  if (!isPlainObject(options)) throw invalidParameterError(`${op} options`, 'a plain object', options);
  try {
    Object.assign(copy, options);
  } catch (error) {
    // an ownKeys trap that throws is named as the options (optionKeys throws again); a getter's own error is the caller's
    optionKeys(op, options);
    throw error;
  }
  const keys = Object.keys(copy);
  checkKnownNames(op, keys, allowed);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    copy[key] = readOnce(key, copy[key]);
  }
  return copy as Readonly<Partial<T>>;
}

/** Each op's option names with ASYNC_OPTION_NAMES added, made once per list rather than on every …Async call. */
const asyncNames = new WeakMap<readonly string[], readonly string[]>();

/** An op's options, read once (readOptions); its …Async twin also takes `threads`. */
export function opOptions<T extends object>(op: string, options: unknown, names: readonly string[], isAsync: boolean): Readonly<Partial<T>> {
  if (!isAsync) return readOptions<T>(op, options, names);
  let withThreads = asyncNames.get(names);
  if (withThreads === undefined) {
    withThreads = [...names, ...ASYNC_OPTION_NAMES];
    asyncNames.set(names, withThreads);
  }
  return readOptions<T>(`${op}Async`, options, withThreads);
}

/**
 * Cuts [0, length) into at most `parts` contiguous ranges whose starts are
 * multiples of `align`, for splitting work over threads.
 */
export function splitRange(length: number, parts: number, align: number): Array<[start: number, count: number]> {
  const ranges: Array<[number, number]> = [];
  const units = Math.ceil(length / align);
  const count = Math.max(1, Math.min(parts, units));
  let start = 0;
  for (let i = 0; i < count; i += 1) {
    const end = i === count - 1 ? length : Math.min(length, Math.round((units * (i + 1)) / count) * align);
    if (end > start) ranges.push([start, end - start]);
    start = end;
  }
  return ranges;
}

/**
 * Least estimated work per thread (ns) for an …Async op to use one more
 * thread. Measured with bench/crew-wake.mjs (two halves of a randomNormal
 * fill run with 0 helpers and with 1, alternating, 300 rounds, wall and
 * process CPU time; AMD EPYC family 25 (Zen 3), 2 vCPUs, 2026-12-06): waking
 * a helper and joining it cost ~6 µs of wall and of CPU time at the median
 * (2 × 1 µs halves: 2.3 → 8.4 µs wall, 4 → 10 µs CPU, load 5.5). On that
 * shared host (load 5–13, more runnable threads than vCPUs) the helper
 * seldom got a vCPU while the calling thread ran its half, so larger halves
 * gained nothing (wall 0.92–0.99× up to 2 × 2.6 ms) and the 90th percentile
 * of a split was milliseconds: a helper that has claimed a part waits for a
 * vCPU, and the calling thread, asleep at the join, waits to be woken. No
 * threshold fixes that; on a quiet host the hand-off w decides: with two
 * threads an op of T ns takes about T/2 + w, so never slower than one
 * thread needs T ≥ 2w, 1.7× needs T ≥ 11.3w. The estimates are a fast
 * core's (each op's ns-per-byte or per-position figure), so a slower core
 * errs towards fewer threads. Earlier, 1024×28×28×1 float32 gaussian noise
 * (0.5 ms) split in two ran at 0.21× one thread.
 *
 * Was 500 µs (1 ms to split) while splits ran whatever the load. Ops
 * estimated just under 1 ms then never split: W1 and the uint8 integer
 * shifts (0.96 ms estimated, 0.4–0.6 ms of work on Zen 4) ran at
 * 0.95–0.96× one thread with threads: 2 on a quiet host (the …Async call's
 * own ~20–30 µs, docs/performance.md round 3). Two threads copy their
 * 9.6 MB 1.56× faster than one when the other vCPU is free (0.370 →
 * 0.237 ms, native/tools/memcpy_threads.cc, round 4), a helper woken the
 * way the addon's Crew wakes one; a 0.13 ms memset lost (0.76×). With
 * splits only onto idle CPUs (threadsWorth), 250 µs per part splits those
 * ops and keeps parts above that loss.
 */
export const MIN_PART_NS = 250_000;

/** /proc/loadavg, kept open once found (Linux); null where it cannot be opened. */
let loadavgFd: number | null | undefined;
const loadavgText = new Uint8Array(128);

/**
 * Tasks the system can run at this moment, the calling thread included:
 * the "running" count of /proc/loadavg's `running/total` field (Linux; it
 * counts every CPU's run queue), read with one pread on a descriptor kept
 * open (~2 µs, against ~60 µs for opening it each time at load 9);
 * undefined where there is no such file.
 */
export function runnableTasks(): number | undefined {
  if (loadavgFd === undefined) {
    try {
      loadavgFd = openSync('/proc/loadavg', 'r');
    } catch {
      loadavgFd = null;
    }
  }
  if (loadavgFd === null) return undefined;
  let length: number;
  try {
    length = readSync(loadavgFd, loadavgText, 0, loadavgText.length, 0);
  } catch {
    return undefined;
  }
  // "8.84 8.83 8.36 9/243 30416": the number after the third space
  let at = 0;
  for (let spaces = 0; at < length && spaces < 3; at += 1) if (loadavgText[at] === 0x20) spaces += 1;
  let running = 0;
  let digits = 0;
  for (; at < length && loadavgText[at]! >= 0x30 && loadavgText[at]! <= 0x39; at += 1, digits += 1) running = running * 10 + loadavgText[at]! - 0x30;
  return digits > 0 ? running : undefined;
}

/**
 * CPUs the system has (all of them, as /proc/loadavg counts the tasks of
 * every one; os.cpus() is empty where it cannot read them). Counted on the
 * first idleCpus reading rather than at import: os.cpus() reads
 * /proc/cpuinfo and /proc/stat, which a program that never splits an op
 * should not pay for at startup.
 */
let systemCpus = 0;
function systemCpuCount(): number {
  if (systemCpus === 0) systemCpus = cpus().length || availableParallelism();
  return systemCpus;
}

/**
 * How long an idleCpus reading is reused (ms). Read right after a kernel
 * that streamed a batch through the caches, the pread cost 40–130 µs of a
 * 0.5 ms …Async call (W1, I10-u8-wrap, E3 at load 10, against ~8 µs in a
 * loop of reads); a loop of such calls now reads it once per ~20 calls.
 */
const IDLE_READING_MS = 10;
const idleReading = { at: -Infinity, idle: Infinity };

/**
 * CPUs with nothing to run at this moment but the calling thread's own:
 * how many helpers could start at once (a reading at most IDLE_READING_MS
 * old). Infinity where it is not known.
 */
export function idleCpus(): number {
  const now = performance.now();
  if (now - idleReading.at >= IDLE_READING_MS) {
    const runnable = runnableTasks();
    idleReading.idle = runnable === undefined ? Infinity : Math.max(0, systemCpuCount() - runnable);
    idleReading.at = now;
  }
  return idleReading.idle;
}

/**
 * Least estimated work per thread (ns) for a helper that has no idle CPU to
 * run on. Under contention the scheduler gives each runnable thread a
 * share: an op shorter than its time slice runs on the calling thread
 * without a break, and a helper can only make it wait at the join, while a
 * longer op is preempted anyway, and a helper gets it a second share. On the
 * 2-vCPU Zen 4 host at load 8–9 (9–10 runnable tasks), threads: 2 against
 * sync, wall, alternated (issue 20 round 6): W2 (3.0 ms of CPU, its sync
 * wall = its CPU) 0.55–0.58×; E4 (3.8 ms of CPU, 11.5 ms wall) 1.82–1.97×,
 * K2, W3, T1 (5.7–8.4 ms) 1.11–1.52×; every op of 0.4–1.5 ms 0.52–0.99×.
 */
export const BUSY_MIN_PART_NS = 2_000_000;

/**
 * How threadsWorth splits: the least work per thread, MIN_PART_NS, and per
 * thread beyond the CPUs idle at the call (idleCpus), BUSY_MIN_PART_NS.
 * (Tests set minPartNs to 0, which splits as asked whatever the size and
 * the load, so that every split of the kernels' ranges is exercised on
 * small inputs: test/setup.ts.)
 */
export const threadSplit = { minPartNs: MIN_PART_NS, busyMinPartNs: BUSY_MIN_PART_NS, idleCpus };

/**
 * How many of the `threads` asked for an op of `units` units of work, each
 * about `nsPerUnit` ns on one thread (a fast core's figure, so that the
 * estimate errs towards fewer threads on slower ones), is worth: at most one
 * per threadSplit.minPartNs of estimated work, at least 1; beyond the CPUs
 * idle at the call (threadSplit.idleCpus, asked only when the size would
 * split), at most one per threadSplit.busyMinPartNs. A helper that finds no
 * idle CPU waits for one while the calling thread, done with its share,
 * waits for it: on the 2-vCPU Zen 4 host at load 8–11, where 9–10 tasks were
 * runnable at any moment, splits of 0.4–1.5 ms ran at 0.52–0.99× one thread
 * (issue 20 round 6 in docs/performance.md). (libgomp's OMP_DYNAMIC likewise
 * gives an OpenMP team the CPUs online less the load average,
 * config/posix/proc.c; the runnable count is the load at this moment.)
 * Results never depend on it.
 */
export function threadsWorth(threads: number, units: number, nsPerUnit: number): number {
  if (threadSplit.minPartNs <= 0) return Math.max(1, threads);
  const ns = units * nsPerUnit;
  const bySize = Math.max(1, Math.min(threads, Math.floor(ns / threadSplit.minPartNs)));
  if (bySize <= 1) return 1;
  return Math.min(bySize, Math.max(1 + threadSplit.idleCpus(), Math.floor(ns / threadSplit.busyMinPartNs)));
}

/** The typed arrays kernels take. */
export type KernelArray = Uint8Array | Float32Array;

/** An array an …Async call reads or writes, by the name the user knows it by. */
export interface LentArray {
  readonly name: string;
  /** A plain view (plainView) of the caller's array, or one the op created. */
  readonly array: KernelArray;
  /** Whether the kernels read it (input, in place) and whether they write it (whole). */
  readonly read: boolean;
  readonly write: boolean;
  /** Created by the op for this call: the caller cannot reach it before the call settles. */
  readonly created?: boolean;
}

/** Bytes copied per unit of staging work (well under a millisecond). */
const STAGING_UNIT_BYTES = 1 << 21;

/** Buffers the library created and has not handed out (a Pipeline's intermediate batches): no caller can reach them. */
const heldBuffers = new WeakSet<ArrayBufferLike>();

export function holdBuffer(buffer: ArrayBufferLike): void {
  heldBuffers.add(buffer);
}

/** Hands a held buffer out: from now on its owner could detach it. */
export function releaseBuffer(buffer: ArrayBufferLike): void {
  heldBuffers.delete(buffer);
}

/**
 * Whether pool threads may use the array's memory directly: the caller can
 * never detach it. A SharedArrayBuffer cannot be detached (a growable one
 * only grows, in place); an array the op created, or one on a held buffer,
 * is out of the caller's reach until the call settles.
 */
function safelyOwned(lent: LentArray): boolean {
  if (lent.created === true || lent.array.byteLength === 0) return true;
  const buffer = bufferOf(lent.array);
  return heldBuffers.has(buffer) || (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer);
}

function detachedError(op: string, name: string, array: ArrayBufferView): Error {
  return invalidParameterError(name, `an array that stays attached until ${op} settles (it was transferred or detached while the call ran, and the result is lost)`, array);
}

/**
 * Staging memory kept between …Async calls, at most this many bytes. A fresh
 * staging array costs a page fault per 4 KiB on its first touch: on the
 * project's 2-vCPU hosts copying 38.5 MB into a fresh array took 160–250 ms,
 * into a reused one 2–7 ms (gaussianNoiseAsync on W3 with threads: 1 went
 * from ~300 ms to ~11 ms against a 5.7 ms sync call).
 */
export const STAGING_POOL_BYTES = 256 * 2 ** 20;

/** Staging memory is let go once no …Async call has used it for this long, so that one large call does not hold it for good. */
export const STAGING_IDLE_MS = 1000;

/** Free staging buffers, oldest first; a call takes one out while it runs, so no two pending calls share one. */
const stagingPool: ArrayBuffer[] = [];
let releaseTimer: NodeJS.Timeout | undefined;

/** Bytes of staging memory kept for later calls (for tests). */
export function pooledStagingBytes(): number {
  return stagingPool.reduce((sum, b) => sum + b.byteLength, 0);
}

/** (Re)starts the idle timer that empties the pool; it never keeps the process alive. */
function releaseWhenIdle(): void {
  if (releaseTimer !== undefined) {
    releaseTimer.refresh();
    return;
  }
  releaseTimer = setTimeout(() => {
    stagingPool.length = 0;
    releaseTimer = undefined;
  }, STAGING_IDLE_MS);
  releaseTimer.unref();
}

/** A staging array of `length` elements like `like`: a pooled buffer of exactly its size when there is one, else a new one. */
function takeStaging(like: KernelArray, length: number): KernelArray {
  const bytes = length * like.BYTES_PER_ELEMENT;
  const at = stagingPool.findIndex((buffer) => buffer.byteLength === bytes);
  const buffer = at >= 0 ? stagingPool.splice(at, 1)[0]! : new ArrayBuffer(bytes);
  return like instanceof Uint8Array ? new Uint8Array(buffer) : new Float32Array(buffer);
}

/** Puts a staging array's buffer back for later calls, dropping the oldest buffers beyond STAGING_POOL_BYTES. */
function giveBackStaging(view: KernelArray): void {
  const buffer = memoryOf(view).buffer as ArrayBuffer;
  if (buffer.byteLength > STAGING_POOL_BYTES) return;
  stagingPool.push(buffer);
  let pooled = pooledStagingBytes();
  while (pooled > STAGING_POOL_BYTES) pooled -= stagingPool.shift()!.byteLength;
  releaseWhenIdle();
}

/** A lent array and the memory the kernels use for it: the array itself, or a staging copy. */
interface Staged {
  lent: LentArray;
  length: number;
  view: KernelArray;
  /** Staged: the kernels use a copy (one per distinct memory; in place shares it). */
  staged: boolean;
  read: boolean;
  write: boolean;
}

function sameMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = memoryOf(a);
  const y = memoryOf(b);
  return x.buffer === y.buffer && x.byteOffset === y.byteOffset && x.byteLength === y.byteLength;
}

/** Copies `pairs` in units of STAGING_UNIT_BYTES, checking before each unit that the caller's array is still attached. */
function* copyUnits(op: string, pairs: ReadonlyArray<{ from: KernelArray; to: KernelArray; caller: Staged }>): Generator<void> {
  for (const { from, to, caller } of pairs) {
    const step = Math.max(1, Math.floor(STAGING_UNIT_BYTES / from.BYTES_PER_ELEMENT));
    for (let start = 0; start < caller.length; start += step) {
      if (elementLength(caller.lent.array) !== caller.length) throw detachedError(op, caller.lent.name, caller.lent.array);
      (to as Uint8Array).set((from as Uint8Array).subarray(start, start + step), start);
      yield;
    }
  }
}

/** …Async calls refuse arrays on a resizable ArrayBuffer (not shared): one could shrink under the threads. */
function refuseResizable(op: string, lent: readonly LentArray[]): void {
  for (let i = 0; i < lent.length; i += 1) {
    const { name, array } = lent[i]!;
    if ((bufferOf(array) as ArrayBuffer & { resizable?: boolean }).resizable === true) {
      throw invalidParameterError(name, `an array on a fixed-length ArrayBuffer for ${op} (a resizable one could shrink while pool threads use it)`, array);
    }
  }
}

/**
 * Lends arrays to an …Async call and runs it: `start` gets the arrays the
 * kernels are to use and returns the call's parts.
 *
 * Node-API cannot pin an ArrayBuffer: a caller that transfers an array while
 * pool threads use its memory hands that memory to a new owner, and if that
 * owner is collected the threads write freed memory (the process crashed).
 * So on a backend whose async kernels run on pool threads, an array the
 * caller could detach meanwhile is staged: the kernels get a copy only this
 * call holds (inputs copied in, outputs copied back after), in main-thread
 * units that give the event loop back (src/slices.ts). Arrays that are safely
 * owned (safelyOwned) are used in place, at no cost.
 *
 * An array transferred or detached before the call settles makes it reject
 * with a TypeError naming the array (the result is lost), never crash. A
 * resizable ArrayBuffer (not shared) could shrink under the threads, so it is
 * refused up front.
 */
export async function runOnLentArrays(
  op: string, poolThreads: boolean, lent: readonly LentArray[], start: (views: KernelArray[]) => ReadonlyArray<Promise<unknown>>,
): Promise<void> {
  refuseResizable(op, lent);
  const staged: Staged[] = [];
  for (const entry of lent) {
    const twin = staged.find((s) => s.staged && sameMemory(s.lent.array, entry.array));
    if (twin !== undefined) {
      // in place: one copy serves both names
      staged.push({ ...twin, lent: entry, read: false, write: false });
      twin.read ||= entry.read;
      twin.write ||= entry.write;
      continue;
    }
    const stage = poolThreads && !safelyOwned(entry);
    const { array } = entry;
    const view = stage ? takeStaging(array, array.length) : array;
    staged.push({ lent: entry, length: array.length, view, staged: stage, read: entry.read, write: entry.write });
  }
  const copies = staged.filter((s) => s.staged);
  const kernels = { running: false };
  try {
    await runStaged(op, staged, copies, start, kernels);
  } finally {
    // Reused only once no kernel can touch them: a part that started before
    // another part threw might still be running, so its copies are left to GC.
    if (!kernels.running) for (const view of new Set(copies.map((s) => s.view))) giveBackStaging(view);  // in place: two names, one copy
  }
}

/** Copies staged inputs in, runs the kernels, checks every lent array is still attached, copies staged outputs back. */
async function runStaged(
  op: string, staged: readonly Staged[], copies: readonly Staged[], start: (views: KernelArray[]) => ReadonlyArray<Promise<unknown>>, kernels: { running: boolean },
): Promise<void> {
  if (copies.some((s) => s.read)) await runInSlices(copyUnits(op, copies.filter((s) => s.read).map((s) => ({ from: s.lent.array, to: s.view, caller: s }))));
  kernels.running = true;
  const settled = await Promise.allSettled(start(staged.map((s) => s.view)));
  kernels.running = false;
  for (const s of staged) {
    if (elementLength(s.lent.array) !== s.length) throw detachedError(op, s.lent.name, s.lent.array);
  }
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  if (copies.some((s) => s.write)) await runInSlices(copyUnits(op, copies.filter((s) => s.write).map((s) => ({ from: s.view, to: s.lent.array, caller: s }))));
}

/**
 * An …Async op's work, as runAsyncWork splits it: `units` units (images, or
 * stream positions) that parts may cover in any split whose part starts are
 * multiples of `align`, with the same bytes.
 */
export interface AsyncWork {
  units: number;
  align: number;
  /** One fast thread's time per unit, about (ns): threadsWorth and the first slice's size. */
  nsPerUnit: number;
  /** Threads the caller asked for (threadsOption). */
  threads: number;
  /**
   * Runs units [start, start + count) on `views` (the arrays the kernels use,
   * in the order lent): with async, the backend's …Async kernel (a Promise);
   * without, its synchronous kernel.
   */
  run(views: readonly KernelArray[], start: number, count: number, async: boolean): Promise<unknown> | void;
}

/**
 * Slices of main-thread work (runAsyncWork on ordinary arrays) aim at this
 * long, a turn of the scheduler of src/slices.ts (SLICE_MS). (Tests lower it
 * to run many slices on small inputs.)
 */
export const asyncSlices = { targetNs: SLICE_MS * 1e6 };

/**
 * Work whose smallest slice would take longer than this (one 4096×4096×3
 * float32 image of a shift: ~20 ms) runs on the libuv pool on staged copies
 * instead (runOnLentArrays), so that the event loop is never blocked long.
 */
const MAX_SLICE_NS = 4_000_000;

/** The first slice aims at this share of asyncSlices.targetNs; each next one at most 4× the last. */
const FIRST_SLICE_SHARE = 4;

/** Pieces per helping thread in a slice: threads claim them one by one, so one preempted thread delays a slice by a piece, not by its share. */
const PIECES_PER_THREAD = 4;

/** [start, start + count) cut into `parts` runs of whole `align` units, starting at `start`. */
function pieces(start: number, count: number, parts: number, align: number): Array<[number, number]> {
  return parts <= 1 ? [[start, count]] : splitRange(count, parts, align).map(([s, c]) => [start + s, c]);
}

/**
 * Units [start, start + count) run together on the calling thread and
 * threads − 1 helpers, in pieces they claim one by one. One thread calls the
 * kernel directly: queueing it (beginJobs, runJobs) only to run it on this
 * same thread cost up to ~15 µs a slice after a large kernel (W1, Zen 3).
 */
function runPieces(backend: Backend, threads: number, start: number, count: number, align: number, run: (first: number, count: number) => void): void {
  if (threads <= 1) {
    run(start, count);
    return;
  }
  backend.runTogether(threads - 1, () => {
    for (const [first, n] of pieces(start, count, threads * PIECES_PER_THREAD, align)) run(first, n);
  });
}

/** The lent arrays' lengths now; a call rejects once one differs (detached). */
function checkAttached(op: string, lent: readonly LentArray[], lengths: readonly number[]): void {
  for (let i = 0; i < lent.length; i += 1) {
    if (elementLength(lent[i]!.array) !== lengths[i]) throw detachedError(op, lent[i]!.name, lent[i]!.array);
  }
}

/**
 * The work run on the calling thread in slices between event-loop turns,
 * each slice shared with the backend's helper threads (runTogether): the
 * calling thread waits for a slice to finish, so no JavaScript runs while
 * threads use the arrays, and the caller's ordinary arrays are used in place
 * (no staging copies). Before each slice every lent array is checked to be
 * still attached. A slice's size follows the time the last one took.
 */
/** `units` rounded up to whole `align` units, at least one. */
function alignUp(units: number, align: number): number {
  return Math.max(align, Math.ceil(units / align) * align);
}

/**
 * Units of slicedWork's first slice. It is a quarter of the target: memory
 * never touched yet (a fresh `out`) costs a page fault per 4 KiB on first
 * touch, which on the project's VMs made slices take up to 100× their
 * estimate. Growing 4× per slice, an op of a few ms still fits in one turn
 * (each extra turn cost ~0.3 ms of CPU: W3, threads 1). A tail shorter than
 * half the first slice gets no slice of its own: it cost a second slice's
 * scheduling and kernel call (~25–50 µs of CPU on a 1.3 ms flip of 64
 * 224×224×3 uint8 images, threads: 1, Zen 3) to keep the first slice at its
 * aim rather than at most 1.5× it.
 */
function firstSliceUnits(work: AsyncWork, threads: number): number {
  const size = alignUp((asyncSlices.targetNs * threads) / FIRST_SLICE_SHARE / Math.max(work.nsPerUnit, 1e-3), work.align);
  return work.units - size < size / 2 ? work.units : size;
}

function* slicedWork(op: string, backend: Backend, lent: readonly LentArray[], lengths: readonly number[], work: AsyncWork, threads: number): Generator<void> {
  const views = lent.map((l) => l.array);
  let size = firstSliceUnits(work, threads);
  for (let start = 0; start < work.units;) {
    checkAttached(op, lent, lengths);
    let count = Math.min(size, work.units - start);
    // So does a tail under a quarter of a later slice (which aims at a whole
    // turn), which then runs at most 1.25× its aim. Its own slice cost an
    // event-loop turn with the caches cold (a bare setImmediate hop after
    // 48 MiB written: ~60–70 µs of CPU, against 3 µs warm) and one more
    // kernel call (an affine warp: 60–190 µs while a call fetched its first
    // image whole before warping it; ~0 since it asks for the rows as it
    // goes, docs/performance.md round 4), for the last 4 of 64 float32
    // images of W2 or T1 (threads: 1, Zen 4, load 6–8: W2's extra CPU over
    // the sync call 168 → 106 µs).
    if (start > 0 && work.units - start - count < count / 4) count = work.units - start;
    const last = start + count === work.units;
    const began = last ? 0 : performance.now();
    runPieces(backend, threads, start, count, work.align, (first, n) => work.run(views, first, n, false));
    // The last slice ends the call in this turn, with no yield: nothing could
    // detach an array since the check before it, and no size is needed after.
    if (last) return;
    const tookNs = (performance.now() - began) * 1e6;
    start += count;
    if (count === size) size = alignUp(size * Math.min(4, Math.max(0.25, asyncSlices.targetNs / Math.max(tookNs, 1e3))), work.align);
    yield;
  }
}

/**
 * What runAsyncWork returns when the work ran inside the call (runInCall): a
 * settled promise, which an op may return its result after without awaiting
 * it. Each await of a settled promise is a microtask hop, and in a loop of
 * calls the few µs each such step costs with the caches cold after a kernel
 * add up (round 7: the …Async steps cost several times their warm time).
 */
export const RAN_IN_CALL: Promise<void> = Promise.resolve();

/**
 * Runs an …Async op's work (DESIGN §7; README, "Threads and …Async calls").
 * threadsWorth decides how many of the threads asked for the work is worth.
 * On the native backend:
 * - arrays no caller can detach (SharedArrayBuffer, created for the call,
 *   held by a Pipeline: safelyOwned) are used in place on the libuv pool,
 *   one part per thread, and the event loop is never blocked;
 * - otherwise (ordinary arrays, which a transfer could free under a pool
 *   thread) the work runs in slices of ~4 ms on the calling thread plus the
 *   addon's helper threads (slicedWork), in place: no copies; unless one
 *   unit of it (an image) would take longer than MAX_SLICE_NS, or the call
 *   creates its output, which run on the pool, ordinary arrays on staged
 *   copies (runOnLentArrays). Work on one thread that fits in the first
 *   slice runs inside the call instead, while the early budget of
 *   src/slices.ts lasts (runInCall): the event loop waits for it no longer
 *   than for the same slice run from a microtask right after the call, and
 *   the call skips the hop (issue 20 round 8: threads: 2 on 1024 28×28
 *   images, which stays on one thread, cost 1.24× the sync call's CPU time,
 *   1.08× with this and the reused shift arrays).
 * The js backend runs its …Async kernels (main-thread slices of its own).
 * Results never depend on the path or the split.
 */
export function runAsyncWork(op: string, backend: Backend, lent: readonly LentArray[], work: AsyncWork): Promise<void> {
  // Not an async function: its promise is the one that settles when the work
  // is done, so the op's `await` takes one hop from there, not one per
  // wrapping async function. A failed check still rejects, as an async
  // function's would.
  try {
    const threads = threadsWorth(work.threads, work.units, work.nsPerUnit);
    // the smallest slice (one align unit: one image, for most ops) must not block the loop for long
    const unitTooLong = work.align * work.nsPerUnit > MAX_SLICE_NS;
    // an output created for the call is fresh memory: its page faults (550 ms
    // for 48 MB on the project's VMs) are better taken on pool threads
    const createsOutput = lent.some((l) => l.created === true);
    if (!backend.poolThreads || unitTooLong || createsOutput || lent.every(safelyOwned)) {
      return runOnLentArrays(op, backend.poolThreads, lent, (views) => splitRange(work.units, threads, work.align).map(async ([start, count]) => work.run(views, start, count, true)));
    }
    refuseResizable(op, lent);
    if (threads === 1 && firstSliceUnits(work, 1) === work.units && runInCall(() => work.run(lent.map((l) => l.array), 0, work.units, false))) return RAN_IN_CALL;
    // the lengths at the call: the generator's body first runs a turn later, when an array may already be gone
    const lengths = lent.map((l) => elementLength(l.array));
    return runInSlices(slicedWork(op, backend, lent, lengths, work, threads));
  } catch (error) {
    return Promise.reject(error);
  }
}
