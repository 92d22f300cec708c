// Random number generation ops: philox4x32, randomUniform, randomNormal and
// their …Async twins. Validates, resolves defaults, calls the backend.
import type { Backend, StreamRequest } from '../backends/backend.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import {
  finiteNumber, float32Out, integerInRange, invalidParameterError, MAX_TYPED_ARRAY_LENGTH, numberInRange, plainView,
} from '../validate.js';
import {
  epochOption, RAN_IN_CALL, runAsyncWork, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption,
  type AsyncOptions, type RandomOptions,
} from './common.js';

export interface RandomUniformOptions extends RandomOptions {
  /** Lower bound (default 0). Samples are low + (high − low) · U in float32. */
  low?: number;
  /** Upper bound (default 1), ≥ low. */
  high?: number;
  /** Write into this Float32Array (its length must equal `length`) and return it. */
  out?: Float32Array;
}

export interface RandomNormalOptions extends RandomOptions {
  /** Default 0. Samples are mean + std · z in float32. */
  mean?: number;
  /** Default 1, ≥ 0. */
  std?: number;
  /** Write into this Float32Array (its length must equal `length`) and return it. */
  out?: Float32Array;
}

const UNIFORM_NAMES = [...RANDOM_OPTION_NAMES, 'low', 'high', 'out'] as const;
const NORMAL_NAMES = [...RANDOM_OPTION_NAMES, 'mean', 'std', 'out'] as const;
/** Async work is cut at multiples of this many elements (whole vector iterations). */
const THREAD_ALIGN = 256;
/** One thread's time per element, about (Zen 5, AVX-512: R1 0.25 ns, R2 0.4 ns), for threadsWorth. */
const NS_PER_ELEMENT: Record<StreamKernel, number> = { randomUniform: 0.2, randomNormal: 0.4 };

type StreamKernel = 'randomUniform' | 'randomNormal';

interface ResolvedStream {
  /** Written by the kernels (a plain view of `result`). */
  out: Float32Array;
  /** Returned: the caller's `out`, or a new array. */
  result: Float32Array;
  /** `result` is a new array, not the caller's. */
  created: boolean;
  request: StreamRequest;
  threads: number;
}

function lengthArgument(op: string, length: unknown): number {
  return integerInRange(`${op} length`, length, 0, MAX_TYPED_ARRAY_LENGTH);
}

/** Element-stream `index`: any safe integer such that every position stays safe. */
function streamIndex(index: unknown, length: number): number {
  if (index === undefined) return 0;
  return integerInRange('index', index, 0, Number.MAX_SAFE_INTEGER - length);
}

function uniformAffine(o: Partial<RandomUniformOptions>): { offset: number; scale: number } {
  const low = o.low === undefined ? 0 : finiteNumber('low', o.low);
  const high = o.high === undefined ? 1 : finiteNumber('high', o.high);
  if (high < low) throw invalidParameterError('high', `a number >= low (${low})`, high, 'range');
  const offset = Math.fround(low);
  const scale = Math.fround(Math.fround(high) - offset);
  if (!Number.isFinite(scale) || !Number.isFinite(offset)) {
    throw invalidParameterError('high', 'low and high whose difference fits in float32', high, 'range');
  }
  return { offset, scale };
}

function normalAffine(o: Partial<RandomNormalOptions>): { offset: number; scale: number } {
  const mean = o.mean === undefined ? 0 : finiteNumber('mean', o.mean);
  const std = o.std === undefined ? 1 : numberInRange('std', o.std, 0, Infinity, 'a finite number >= 0');
  const offset = Math.fround(mean);
  const scale = Math.fround(std);
  if (!Number.isFinite(offset)) throw invalidParameterError('mean', 'a number within float32 range', mean, 'range');
  if (!Number.isFinite(scale)) throw invalidParameterError('std', 'a number within float32 range', std, 'range');
  return { offset, scale };
}

function resolveStream(
  op: StreamKernel, length: unknown, options: unknown, isAsync: boolean,
): ResolvedStream {
  const n = lengthArgument(op, length);
  const names = op === 'randomUniform' ? UNIFORM_NAMES : NORMAL_NAMES;
  const o = opOptions<RandomUniformOptions & RandomNormalOptions & AsyncOptions>(op, options, names, isAsync);
  const { key0, key1 } = seedKey(o.seed);
  const first = streamIndex(o.index, n);
  const epoch = epochOption(o.epoch);
  const affine = op === 'randomUniform' ? uniformAffine(o) : normalAffine(o);
  const given = float32Out('out', o.out, n);
  const result = given ?? new Float32Array(n);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return { out: plainView(Float32Array, result), result, created: given === undefined, threads, request: { key0, key1, first, epoch, stream: STREAM[op], ...affine } };
}

function runSync(op: StreamKernel, length: unknown, options: unknown): Float32Array {
  const { out, result, request } = resolveStream(op, length, options, false);
  activeBackend()[op](out, request);
  return result;
}

async function runAsync(op: StreamKernel, length: unknown, options: unknown): Promise<Float32Array> {
  // async: validation errors reject the promise rather than throw
  const { out, result, created, request, threads } = resolveStream(op, length, options, true);
  const backend: Backend = activeBackend();
  const [kernel, asyncKernel] = op === 'randomUniform' ? [backend.randomUniform, backend.randomUniformAsync] : [backend.randomNormal, backend.randomNormalAsync];
  const done = runAsyncWork(`${op}Async`, backend, [{ name: 'out', array: out, read: false, write: true, created }], {
    units: out.length, align: THREAD_ALIGN, nsPerUnit: NS_PER_ELEMENT[op], threads,
    run: ([view], start, count, async) => (async ? asyncKernel : kernel)((view as Float32Array).subarray(start, start + count), { ...request, first: request.first + start }),
  });
  if (done !== RAN_IN_CALL) await done;
  return result;
}

/**
 * `length` samples of U(low, high) from stream 1: element k is
 * low + (high − low) · U(w) for the word at global position index + k.
 */
export function randomUniform(length: number, options?: RandomUniformOptions): Float32Array {
  return runSync('randomUniform', length, options);
}

/** randomUniform on the libuv thread pool, split over `threads`; the same bytes. */
export function randomUniformAsync(length: number, options?: RandomUniformOptions & AsyncOptions): Promise<Float32Array> {
  return runAsync('randomUniform', length, options);
}

/**
 * `length` samples of N(mean, std²) from stream 2: float32 Box–Muller on the
 * words of each Philox block, element k at global position index + k.
 */
export function randomNormal(length: number, options?: RandomNormalOptions): Float32Array {
  return runSync('randomNormal', length, options);
}

/** randomNormal on the libuv thread pool, split over `threads`; the same bytes. */
export function randomNormalAsync(length: number, options?: RandomNormalOptions & AsyncOptions): Promise<Float32Array> {
  return runAsync('randomNormal', length, options);
}

function uint32Words(name: string, value: unknown, count: number): Uint32Array {
  const expected = `${count} integers between 0 and 2^32 - 1`;
  let length: unknown;
  try {
    length = typeof value === 'object' && value !== null ? (value as ArrayLike<number>).length : undefined;
  } catch {
    // a revoked Proxy
  }
  if (typeof length !== 'number') throw invalidParameterError(name, expected, value);
  const words = value as ArrayLike<unknown>;
  if (length !== count) throw invalidParameterError(name, expected, value, 'range');
  const result = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) result[i] = integerInRange(`${name}[${i}]`, words[i], 0, 0xffffffff);
  return result;
}

/** The raw Philox4x32-10 bijection: 4 counter words and 2 key words in, 4 words out. */
export function philox4x32(counter: ArrayLike<number>, key: ArrayLike<number>): Uint32Array {
  const ctr = uint32Words('counter', counter, 4);
  const k = uint32Words('key', key, 2);
  const out = new Uint32Array(4);
  activeBackend().philox4x32(ctr, k, out);
  return out;
}

/**
 * Normals of an op's own stream id (for ops built on the element-stream
 * layout, such as the TF.js noise layers): element k at position index + k.
 * Internal: callers pass already-validated values.
 */
export function normalsOfStream(length: number, seed: number | bigint, index: number, epoch: number, stream: number, mean: number, std: number): Float32Array {
  const out = new Float32Array(length);
  activeBackend().randomNormal(out, { ...seedKey(seed), first: index, epoch, stream, offset: Math.fround(mean), scale: Math.fround(std) });
  return out;
}
