// Noise on hidden units (DESIGN §5): gaussianDropout and dropoutMask on
// Float32Array activations, on element streams (index counts elements).
import { activeBackend } from '../backends/select.js';
import type { StreamRequest } from '../backends/backend.js';
import { STREAM } from '../streams.js';
import { elementLength, isTypedArray, float32Out, integerInRange, invalidParameterError, MAX_TYPED_ARRAY_LENGTH, numberInRange, overlapsPartly, plainView } from '../validate.js';
import { epochOption, runAsyncWork, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';

export interface GaussianDropoutOptions extends RandomOptions {
  /** In [0, 1): each activation is multiplied by N(1, rate / (1 − rate)). */
  rate: number;
  /** Where to write (x itself is allowed: in place). */
  out?: Float32Array;
}

export interface DropoutMaskOptions extends RandomOptions {
  /** In [0, 1): the probability of a 0. Kept entries are 1 / (1 − rate). */
  rate: number;
  out?: Float32Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'rate', 'out'] as const;

function rateOption(o: { rate?: unknown }): number {
  return numberInRange('rate', o.rate, 0, 1 - Number.EPSILON / 2, 'a number in [0, 1)');
}

function streamRequest(o: Partial<RandomOptions>, length: number, stream: number, offset: number, scale: number): StreamRequest {
  const first = o.index === undefined ? 0 : integerInRange('index', o.index, 0, Number.MAX_SAFE_INTEGER - length);
  return { ...seedKey(o.seed), first, epoch: epochOption(o.epoch), stream, offset, scale };
}

/** x and out as plain views for the kernels (see plainView), result the array returned. */
function resolveDropout(x: unknown, options: unknown, isAsync: boolean): { x: Float32Array; out: Float32Array; result: Float32Array; created: boolean; request: StreamRequest; threads: number } {
  if (!isTypedArray(x, Float32Array)) throw invalidParameterError('x', 'a Float32Array of activations', x);
  const o = opOptions<GaussianDropoutOptions & AsyncOptions>('gaussianDropout', options, NAMES, isAsync);
  const rate = rateOption(o);
  const scale = Math.fround(Math.sqrt(rate / (1 - rate)));
  const length = elementLength(x);
  const request = streamRequest(o, length, STREAM.gaussianDropout, 1, scale);
  const given = float32Out('out', o.out, length);
  const result = given ?? new Float32Array(length);
  if (overlapsPartly(result, x)) {
    throw invalidParameterError('out', 'x itself or an array that does not overlap it', result, 'range');
  }
  return { x: plainView(Float32Array, x), out: plainView(Float32Array, result), result, created: given === undefined, request, threads: isAsync ? threadsOption(o.threads) : 1 };
}

/**
 * x · (1 + s · z) with s = float32(sqrt(rate / (1 − rate))), z the normal of
 * stream 40 at position index + k; products in float32.
 */
export function gaussianDropout(x: Float32Array, options: GaussianDropoutOptions): Float32Array {
  const r = resolveDropout(x, options, false);
  activeBackend().gaussianDropout(r.x, r.out, r.request);
  return r.result;
}

/** One thread's time per element, about (Zen 5, AVX-512: N3 0.5 ns), for threadsWorth. */
const NS_PER_ELEMENT = 0.5;

/** gaussianDropout on the libuv thread pool, split over `threads`; the same bytes. */
export async function gaussianDropoutAsync(x: Float32Array, options: GaussianDropoutOptions & AsyncOptions): Promise<Float32Array> {
  const r = resolveDropout(x, options, true);
  const backend = activeBackend();
  const lent = [{ name: 'x', array: r.x, read: true, write: false }, { name: 'out', array: r.out, read: false, write: true, created: r.created }];
  await runAsyncWork('gaussianDropoutAsync', backend, lent, {
    units: r.x.length, align: 256, nsPerUnit: NS_PER_ELEMENT, threads: r.threads,
    run: ([x, out], start, count, async) => {
      const part = [(x as Float32Array).subarray(start, start + count), (out as Float32Array).subarray(start, start + count), { ...r.request, first: r.request.first + start }] as const;
      return async ? backend.gaussianDropoutAsync(...part) : backend.gaussianDropout(...part);
    },
  });
  return r.result;
}

/** A dropout mask: 0 where U(w) < float32(rate) (stream 41), else float32(1 / (1 − rate)). */
export function dropoutMask(length: number, options: DropoutMaskOptions): Float32Array {
  const n = integerInRange('dropoutMask length', length, 0, MAX_TYPED_ARRAY_LENGTH);
  const o = opOptions<DropoutMaskOptions>('dropoutMask', options, NAMES, false);
  const rate = rateOption(o);
  const request = streamRequest(o, n, STREAM.dropoutMask, 0, 1);
  const result = float32Out('out', o.out, n) ?? new Float32Array(n);
  activeBackend().dropoutMask(plainView(Float32Array, result), request, Math.fround(rate), Math.fround(1 / (1 - rate)));
  return result;
}
