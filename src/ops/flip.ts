// flip / flipAsync (issue 19): validate, resolve every image's decisions
// (given, or drawn from the flip stream), then call the backend. Both
// backends get the same resolved decisions, so they give the same bytes.
import type { FlipRequest } from '../backends/backend.js';
import { uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { invalidParameterError, isArraySafe, numberInRange } from '../validate.js';
import { batchResult, checkBatchFields, outputArray, perSampleWords, readBatch, sampleIndex, type Batch, type CheckedBatch } from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { nsPerImage, runImagesAsync, type NsPerByte, type ResolvedImageOp } from './image-op.js';

/** Which axes a drawn flip may flip (Keras RandomFlip's `mode`). */
export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

export interface FlipOptions extends RandomOptions {
  /** Drawn flips: the axes that may flip, each decided on its own per image (default 'horizontal'). */
  mode?: FlipMode;
  /** Drawn flips: probability that an image flips along each axis of `mode`, in [0, 1] (default 0.5). */
  p?: number;
  /** Given flips: mirror left-right, for every image or one boolean per image. */
  horizontal?: boolean | ArrayLike<boolean>;
  /** Given flips: mirror top-bottom, for every image or one boolean per image. */
  vertical?: boolean | ArrayLike<boolean>;
  /** Write the result here: a typed array like batch.data, or batch.data itself (in place). */
  out?: Uint8Array | Float32Array;
}

/** Per image, 1 where that axis flips. */
export interface FlipDecisions {
  horizontal: Uint8Array;
  vertical: Uint8Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'mode', 'p', 'horizontal', 'vertical', 'out'] as const;
const MODES: readonly FlipMode[] = ['horizontal', 'vertical', 'horizontal_and_vertical'];

function givenFlips(name: string, value: unknown, n: number): Uint8Array {
  const expected = `a boolean or ${n === 1 ? 'an array of 1 boolean' : `an array of ${n} booleans`} (one per image)`;
  if (typeof value === 'boolean') return new Uint8Array(n).fill(value ? 1 : 0);
  if (!isArraySafe(value)) throw invalidParameterError(name, expected, value);
  const list = value as ArrayLike<unknown>;
  if (list.length !== n) throw invalidParameterError(name, expected, value, 'range');
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = list[i];
    if (typeof v !== 'boolean') throw invalidParameterError(`${name}[${i}]`, 'a boolean', v);
    flags[i] = v ? 1 : 0;
  }
  return flags;
}

/**
 * Per-image decisions. Drawn: image k (dataset index index + k) uses words
 * (w0, w1) of counter (0, index + k, epoch, STREAM.flip): it flips
 * horizontally when mode has that axis and U(w0) < p, vertically when mode
 * has that axis and U(w1) < p (so one image's horizontal decision is the same
 * in 'horizontal' and 'horizontal_and_vertical' modes).
 */
function resolveDecisions(b: CheckedBatch, o: Partial<FlipOptions>): FlipDecisions {
  const given = o.horizontal !== undefined || o.vertical !== undefined;
  const drawn = o.mode !== undefined || o.p !== undefined;
  if (given && drawn) throw new TypeError('Expected either given flips (horizontal, vertical) or drawn ones (mode, p) for flip, not both');
  if (given) {
    return {
      horizontal: o.horizontal === undefined ? new Uint8Array(b.n) : givenFlips('horizontal', o.horizontal, b.n),
      vertical: o.vertical === undefined ? new Uint8Array(b.n) : givenFlips('vertical', o.vertical, b.n),
    };
  }
  const mode = o.mode === undefined ? 'horizontal' : o.mode;
  if (typeof mode !== 'string' || !MODES.includes(mode)) throw invalidParameterError('mode', "'horizontal', 'vertical' or 'horizontal_and_vertical'", mode);
  const p = o.p === undefined ? 0.5 : numberInRange('p', o.p, 0, 1, 'a probability in [0, 1]');
  const words = perSampleWords(b.n, seedKey(o.seed), sampleIndex(o.index, b.n), epochOption(o.epoch), STREAM.flip);
  const horizontal = new Uint8Array(b.n);
  const vertical = new Uint8Array(b.n);
  for (let k = 0; k < b.n; k += 1) {
    horizontal[k] = mode !== 'vertical' && uniformFromWord(words[4 * k]!) < p ? 1 : 0;
    vertical[k] = mode !== 'horizontal' && uniformFromWord(words[4 * k + 1]!) < p ? 1 : 0;
  }
  return { horizontal, vertical };
}

type ResolvedFlip = ResolvedImageOp<FlipRequest>;

function resolveFlip(batch: unknown, options: unknown, isAsync: boolean): ResolvedFlip {
  const fields = readBatch(batch);
  const o = opOptions<FlipOptions & AsyncOptions>('flip', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  if (o.index !== undefined) sampleIndex(o.index, b.n);
  if (o.seed !== undefined) seedKey(o.seed);
  if (o.epoch !== undefined) epochOption(o.epoch);
  const { horizontal, vertical } = resolveDecisions(b, o);
  const { view: out, result, created } = outputArray(b, o.out, true);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return { batch: b, out, result, created, threads, request: { h: b.h, w: b.w, c: b.c, layout: b.layout, horizontal, vertical } };
}

/** Mirrors each image left-right and/or top-bottom, by given or drawn decisions (issue 19). May run in place. */
export function flip(batch: Batch, options?: FlipOptions): Batch {
  const r = resolveFlip(batch, options, false);
  activeBackend().flip(r.batch.data, r.out, r.request, 0, r.batch.n);
  return batchResult(r.batch, r.result);
}

/** One thread's time per byte of the batch, about, for threadsWorth (Zen 3, sync CPU time per byte of F1 / F2 with the 16-byte shuffles: uint8 0.135, float32 0.13). */
const FLIP_NS_PER_BYTE: NsPerByte = { uint8: 0.14, float32: 0.14 };

/** flip on the libuv thread pool, images split over `threads`; the same bytes. */
export async function flipAsync(batch: Batch, options?: FlipOptions & AsyncOptions): Promise<Batch> {
  const r = resolveFlip(batch, options, true);
  await runImagesAsync('flipAsync', r, nsPerImage(r.batch.data, r.batch.n, FLIP_NS_PER_BYTE), (b, src, dst, first, count, async) =>
    (async ? b.flipAsync(src, dst, r.request, first, count) : b.flip(src, dst, r.request, first, count)));
  return batchResult(r.batch, r.result);
}

/** The decisions a flip with these options makes for each image (for records and reports). */
export function flipDecisions(batch: Batch, options?: FlipOptions): FlipDecisions {
  const r = resolveFlip(batch, options, false);
  return { horizontal: r.request.horizontal, vertical: r.request.vertical };
}

/** Internal: the resolved request a flip hands its backend (tests compare backends on it). */
export function flipPlan(batch: Batch, options?: FlipOptions): FlipRequest {
  return resolveFlip(batch, options, false).request;
}
