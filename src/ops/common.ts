// Option resolution shared by every op: the random options of DESIGN §3 and
// the thread count of …Async ops.
import { availableParallelism } from 'node:os';

import { checkOptionNames, integerInRange, invalidParameterError } from '../validate.js';

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
  return Object.freeze(Array.from({ length: list.length }, (_, i) => list[i]));
}

/**
 * Options read once, before any check: each own property of the caller's
 * object is read a single time (arrays copied) into a frozen object with no
 * prototype, and the op checks and uses only that copy. A getter cannot give
 * a check one value and the work another (sharp's pattern: validate into a
 * baton).
 */
export function readOptions<T extends object>(op: string, options: unknown, allowed: readonly string[]): Readonly<Partial<T>> {
  const checked = checkOptionNames<Record<string, unknown>>(op, options, allowed);
  const copy = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(checked)) copy[key] = readOnce(key, checked[key]);
  return Object.freeze(copy) as Readonly<Partial<T>>;
}

/** An op's options, read once (readOptions); its …Async twin also takes `threads`. */
export function opOptions<T extends object>(op: string, options: unknown, names: readonly string[], isAsync: boolean): Readonly<Partial<T>> {
  return readOptions<T>(isAsync ? `${op}Async` : op, options, isAsync ? [...names, ...ASYNC_OPTION_NAMES] : names);
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

/** An array an …Async call reads or writes, by the name the user knows it by. */
export type LentArray = readonly [name: string, array: ArrayBufferView];

/**
 * Lends arrays to an …Async call: pool threads work on their memory until it
 * settles, and Node-API cannot pin an ArrayBuffer. A resizable one (not
 * shared) could shrink under them, so it is refused up front; `settle` awaits
 * the call's parts, then checks that every array still has its bytes (one
 * transferred or detached meanwhile has lost the result, so the call rejects
 * rather than resolve with an empty array; it cannot stop the threads from
 * touching memory the transfer handed on, which is why README asks callers
 * not to).
 */
export function lendArrays(op: string, lent: readonly LentArray[]): { settle(parts: ReadonlyArray<Promise<unknown>>): Promise<void> } {
  for (const [name, array] of lent) {
    if ((array.buffer as ArrayBuffer & { resizable?: boolean }).resizable === true) {
      throw invalidParameterError(name, `an array on a fixed-length ArrayBuffer for ${op} (a resizable one could shrink while pool threads use it)`, array);
    }
  }
  const byteLengths = lent.map(([, array]) => array.byteLength);
  return {
    async settle(parts) {
      const settled = await Promise.allSettled(parts);
      lent.forEach(([name, array], i) => {
        if (array.byteLength !== byteLengths[i]) {
          throw invalidParameterError(name, `an array that stays attached until ${op} settles (it was transferred or detached while the call ran, and the result is lost)`, array);
        }
      });
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}
