// resizedCrop / resizedCropAsync (issue 19): torchvision's RandomResizedCrop.
// Per image a box (top, left, height, width) inside the image, drawn by
// torchvision's rule from stream 20 or given, then that box resized
// bilinearly to a fixed output size (half-pixel centres, align_corners =
// false, no antialias). Boxes and the per-column / per-row taps and weights
// are computed here once, in float64, for both backends: the kernels only
// blend, so every backend and ISA gives the same bytes.
import type { ResizedCropRequest } from '../backends/backend.js';
import { philoxBlock, uniformFromWord } from '../backends/js/random.js';
import { activeBackend } from '../backends/select.js';
import { STREAM } from '../streams.js';
import { integerInRange, invalidParameterError, isArraySafe, MAX_TYPED_ARRAY_LENGTH } from '../validate.js';
import { checkBatchFields, outputArray, rangeOption, readBatch, sampleIndex, type Batch, type CheckedBatch } from './batch.js';
import { epochOption, opOptions, RANDOM_OPTION_NAMES, seedKey, threadsOption, type AsyncOptions, type RandomOptions } from './common.js';
import { nsPerImage, runImagesAsync, type NsPerByte, type ResolvedImageOp } from './image-op.js';
import { roundHalfEven } from './shift.js';
import { UINT8_WEIGHT_BITS } from '../backends/js/shift.js';

export interface ResizedCropOptions extends RandomOptions {
  /** Output size: s (an s × s square) or [height, width] (required). */
  size: number | [number, number];
  /** Drawn boxes: the box's area as a fraction of the image's, [lo, hi] with 0 < lo <= hi <= 1 (default [0.08, 1]). */
  scale?: [number, number];
  /** Drawn boxes: the box's aspect ratio width / height, drawn log-uniformly in [lo, hi], 0 < lo <= hi (default [3/4, 4/3]). */
  ratio?: [number, number];
  /** Given boxes instead: [top, left, height, width] for every image, one such array per image, or 4·n integers; each inside the image. */
  boxes?: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  /** Write the result here: a typed array like batch.data of n·height·width·c elements. */
  out?: Uint8Array | Float32Array;
}

/** Per image, the box that was resized, and which draw gave it. */
export interface ResizedCropParams {
  top: Int32Array;
  left: Int32Array;
  height: Int32Array;
  width: Int32Array;
  /** The attempt (0…9) whose box fitted; 10: none did, the centre crop; 255: the box was given. */
  attempt: Uint8Array;
}

const NAMES = [...RANDOM_OPTION_NAMES, 'size', 'scale', 'ratio', 'boxes', 'out'] as const;
/** torchvision's number of attempts before the centre-crop fallback. */
export const RESIZED_CROP_ATTEMPTS = 10;
const ONE_Q = 1 << UINT8_WEIGHT_BITS;

function sizeOption(value: unknown): [number, number] {
  const expected = 'an integer s >= 1 (an s × s output) or [height, width] of two such integers';
  if (typeof value === 'number') {
    const s = integerInRange('size', value, 1, 2 ** 31 - 1);
    return [s, s];
  }
  if (!isArraySafe(value) || value.length !== 2) throw invalidParameterError('size', expected, value);
  return [integerInRange('size[0]', value[0], 1, 2 ** 31 - 1), integerInRange('size[1]', value[1], 1, 2 ** 31 - 1)];
}

function scaleOption(value: unknown): [number, number] {
  if (value === undefined) return [0.08, 1];
  if (!Array.isArray(value)) throw invalidParameterError('scale', '[lo, hi] with 0 < lo <= hi <= 1 (area fractions)', value);
  const range = rangeOption('scale', value, false, 0, 1);
  if (!(range[0] > 0)) throw invalidParameterError('scale', '[lo, hi] with 0 < lo <= hi <= 1 (area fractions)', value, 'range');
  return range;
}

function ratioOption(value: unknown): [number, number] {
  if (value === undefined) return [3 / 4, 4 / 3];
  if (!Array.isArray(value)) throw invalidParameterError('ratio', '[lo, hi] with 0 < lo <= hi (aspect ratios width / height)', value);
  const range = rangeOption('ratio', value, false, 0, Infinity);
  if (!(range[0] > 0)) throw invalidParameterError('ratio', '[lo, hi] with 0 < lo <= hi (aspect ratios width / height)', value, 'range');
  return range;
}

function givenBoxes(value: unknown, b: CheckedBatch): ResizedCropParams {
  const n = b.n;
  const expected = `[top, left, height, width] (one box for every image), ${n === 1 ? 'an array of 1 such array' : `${n} such arrays`} (one per image) or ${4 * n} integers`;
  const isList = (v: unknown): v is ArrayLike<unknown> => (isArraySafe(v) || ArrayBuffer.isView(v)) && typeof (v as ArrayLike<unknown>).length === 'number';
  if (!isList(value)) throw invalidParameterError('boxes', expected, value);
  const flat: unknown[] = [];
  const nested = value.length > 0 && isList(value[0]);
  if (nested) {
    if (value.length !== n) throw invalidParameterError('boxes', expected, value, 'range');
    for (let i = 0; i < n; i += 1) {
      const row = value[i];
      if (!isList(row) || row.length !== 4) throw invalidParameterError(`boxes[${i}]`, '[top, left, height, width]', row, isList(row) ? 'range' : 'type');
      flat.push(...Array.from(row));
    }
  } else if (value.length === 4) {
    for (let i = 0; i < n; i += 1) flat.push(...Array.from(value));
  } else if (value.length === 4 * n) {
    flat.push(...Array.from(value));
  } else {
    throw invalidParameterError('boxes', expected, value, 'range');
  }
  const p = emptyParams(n);
  p.attempt.fill(255);
  for (let i = 0; i < n; i += 1) {
    const name = (j: number): string => (nested ? `boxes[${i}][${j}]` : `boxes[${value.length === 4 ? j : 4 * i + j}]`);
    const top = integerInRange(name(0), flat[4 * i], 0, b.h - 1);
    const left = integerInRange(name(1), flat[4 * i + 1], 0, b.w - 1);
    p.top[i] = top;
    p.left[i] = left;
    p.height[i] = integerInRange(name(2), flat[4 * i + 2], 1, b.h - top);
    p.width[i] = integerInRange(name(3), flat[4 * i + 3], 1, b.w - left);
  }
  return p;
}

function emptyParams(n: number): ResizedCropParams {
  return { top: new Int32Array(n), left: new Int32Array(n), height: new Int32Array(n), width: new Int32Array(n), attempt: new Uint8Array(n) };
}

/**
 * torchvision's RandomResizedCrop.get_params, in float64, from stream 20.
 * Attempt t (0…9) of image k uses block t of counter (t, index + k, epoch, 20):
 *   area = (h·w)·(s0 + (s1 − s0)·U(w0)), logRatio = ln r0 + (ln r1 − ln r0)·U(w1),
 *   ratio = exp(logRatio), bw = roundHalfEven(sqrt(area·ratio)),
 *   bh = roundHalfEven(sqrt(area / ratio));
 * if 0 < bw <= w and 0 < bh <= h: top = ⌊U(w2)·(h − bh + 1)⌋, left = ⌊U(w3)·(w − bw + 1)⌋.
 * No attempt fits: the centre crop with its ratio clamped to [r0, r1]
 * (w/h < r0: bw = w, bh = roundHalfEven(w / r0); w/h > r1: bh = h,
 * bw = roundHalfEven(h·r1); else the whole image), top = ⌊(h − bh)/2⌋, left = ⌊(w − bw)/2⌋.
 */
function drawBoxes(b: CheckedBatch, scale: [number, number], ratio: [number, number], o: Partial<ResizedCropOptions>): ResizedCropParams {
  const key = seedKey(o.seed);
  const index = sampleIndex(o.index, b.n);
  const epoch = epochOption(o.epoch);
  const p = emptyParams(b.n);
  const words = new Uint32Array(4);
  const area = b.h * b.w;
  const [lr0, lr1] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let k = 0; k < b.n; k += 1) {
    let t = 0;
    for (; t < RESIZED_CROP_ATTEMPTS; t += 1) {
      philoxBlock(t, index + k, epoch, STREAM.resizedCrop, key.key0, key.key1, words);
      const target = area * (scale[0] + (scale[1] - scale[0]) * uniformFromWord(words[0]!));
      const aspect = Math.exp(lr0 + (lr1 - lr0) * uniformFromWord(words[1]!));
      const bw = roundHalfEven(Math.sqrt(target * aspect));
      const bh = roundHalfEven(Math.sqrt(target / aspect));
      if (bw > 0 && bw <= b.w && bh > 0 && bh <= b.h) {
        p.height[k] = bh;
        p.width[k] = bw;
        p.top[k] = Math.floor(uniformFromWord(words[2]!) * (b.h - bh + 1));
        p.left[k] = Math.floor(uniformFromWord(words[3]!) * (b.w - bw + 1));
        break;
      }
    }
    p.attempt[k] = t;
    if (t === RESIZED_CROP_ATTEMPTS) centreBox(b, ratio, p, k);
  }
  return p;
}

function centreBox(b: CheckedBatch, ratio: [number, number], p: ResizedCropParams, k: number): void {
  const inRatio = b.w / b.h;
  let [bh, bw] = [b.h, b.w];
  if (inRatio < ratio[0]) bh = roundHalfEven(b.w / ratio[0]);
  else if (inRatio > ratio[1]) bw = roundHalfEven(b.h * ratio[1]);
  // a ratio range far from the image's can round a side to 0: keep one pixel
  bh = Math.min(b.h, Math.max(1, bh));
  bw = Math.min(b.w, Math.max(1, bw));
  p.height[k] = bh;
  p.width[k] = bw;
  p.top[k] = Math.floor((b.h - bh) / 2);
  p.left[k] = Math.floor((b.w - bw) / 2);
}

/**
 * The taps and weights of one axis for one image: output position x of `out`
 * reads box positions i0, i1 of a box of `size` starting at `start`:
 *   s = (x + 0.5)·(size / out) − 0.5 (float64: the division, the product, the
 *   difference, each rounded), s = max(s, 0), i0 = ⌊s⌋, t = s − i0,
 *   i1 = i0 + 1 unless i0 is the box's last position (then i0);
 * float32 weights u = float32(t), l = float32(1 − u); uint8 u = roundHalfEven(t·4096)
 * (4096 moves i0 to the next position with u = 0), l = 4096 − u.
 */
export function axisTaps(start: number, size: number, out: number, uint8: boolean, i0s: Int32Array, i1s: Int32Array, w0s: Float32Array, w1s: Float32Array, at: number): void {
  const step = size / out;
  for (let x = 0; x < out; x += 1) {
    let s = (x + 0.5) * step - 0.5;
    if (s < 0) s = 0;
    let i0 = Math.floor(s);
    const t = s - i0;
    let u: number;
    let l: number;
    if (uint8) {
      u = roundHalfEven(t * ONE_Q);
      if (u === ONE_Q) {
        i0 += 1;
        u = 0;
      }
      l = ONE_Q - u;
    } else {
      u = Math.fround(t);
      l = Math.fround(1 - u);
    }
    i0s[at + x] = start + i0;
    i1s[at + x] = start + (i0 < size - 1 ? i0 + 1 : i0);
    w0s[at + x] = l;
    w1s[at + x] = u;
  }
}

function buildRequest(b: CheckedBatch, outH: number, outW: number, p: ResizedCropParams): ResizedCropRequest {
  const uint8 = b.dtype === 'uint8';
  const r: ResizedCropRequest = {
    h: b.h, w: b.w, c: b.c, layout: b.layout, outH, outW,
    x0: new Int32Array(b.n * outW), x1: new Int32Array(b.n * outW), wx0: new Float32Array(b.n * outW), wx1: new Float32Array(b.n * outW),
    y0: new Int32Array(b.n * outH), y1: new Int32Array(b.n * outH), wy0: new Float32Array(b.n * outH), wy1: new Float32Array(b.n * outH),
  };
  for (let i = 0; i < b.n; i += 1) {
    axisTaps(p.left[i]!, p.width[i]!, outW, uint8, r.x0, r.x1, r.wx0, r.wx1, i * outW);
    axisTaps(p.top[i]!, p.height[i]!, outH, uint8, r.y0, r.y1, r.wy0, r.wy1, i * outH);
  }
  return r;
}

interface ResolvedResizedCrop extends ResolvedImageOp<ResizedCropRequest> {
  params: ResizedCropParams;
}

function resolveResizedCrop(batch: unknown, options: unknown, isAsync: boolean): ResolvedResizedCrop {
  const fields = readBatch(batch);
  const o = opOptions<ResizedCropOptions & AsyncOptions>('resizedCrop', options, NAMES, isAsync);
  const b = checkBatchFields(fields);
  if (o.size === undefined) throw invalidParameterError('size', 'an integer s >= 1 (an s × s output) or [height, width] (the output size)', o.size);
  const [outH, outW] = sizeOption(o.size);
  if (outH * outW * b.c > MAX_TYPED_ARRAY_LENGTH || b.n * outH * outW * b.c > MAX_TYPED_ARRAY_LENGTH) {
    throw invalidParameterError('size', `an output size with n·height·width·c <= ${MAX_TYPED_ARRAY_LENGTH}`, o.size, 'range');
  }
  if (o.index !== undefined) sampleIndex(o.index, b.n);
  if (o.seed !== undefined) seedKey(o.seed);
  if (o.epoch !== undefined) epochOption(o.epoch);
  let params: ResizedCropParams;
  if (o.boxes !== undefined) {
    if (o.scale !== undefined || o.ratio !== undefined) throw new TypeError('Expected either given boxes (boxes) or drawn ones (scale, ratio) for resizedCrop, not both');
    params = givenBoxes(o.boxes, b);
  } else {
    params = drawBoxes(b, scaleOption(o.scale), ratioOption(o.ratio), o);
  }
  const { view: out, result, created } = outputArray(b, o.out, false, b.n * outH * outW * b.c);
  const threads = isAsync ? threadsOption(o.threads) : 1;
  return { batch: b, out, result, created, params, threads, request: buildRequest(b, outH, outW, params) };
}

function resizedCropResult(r: ResolvedResizedCrop): Batch {
  return { data: r.result, shape: [r.batch.n, r.request.outH, r.request.outW, r.batch.c], layout: r.batch.layout };
}

/** torchvision's RandomResizedCrop: a drawn (or given) box of every image, resized bilinearly to `size` (issue 19). */
export function resizedCrop(batch: Batch, options: ResizedCropOptions): Batch {
  const r = resolveResizedCrop(batch, options, false);
  activeBackend().resizedCrop(r.batch.data, r.out, r.request, 0, r.batch.n);
  return resizedCropResult(r);
}

/** One thread's time per output byte, about (a bilinear blend per element), for threadsWorth (Zen 3, sync CPU time per output byte of Z1 / Z2: uint8 0.71, float32 0.205). */
const RESIZED_CROP_NS_PER_BYTE: NsPerByte = { uint8: 0.71, float32: 0.2 };

/** resizedCrop split over `threads` (README, "Threads and `…Async` calls"); the same bytes. */
export async function resizedCropAsync(batch: Batch, options: ResizedCropOptions & AsyncOptions): Promise<Batch> {
  const r = resolveResizedCrop(batch, options, true);
  await runImagesAsync('resizedCropAsync', r, nsPerImage(r.out, r.batch.n, RESIZED_CROP_NS_PER_BYTE), (b, src, dst, first, count, async) =>
    (async ? b.resizedCropAsync(src, dst, r.request, first, count) : b.resizedCrop(src, dst, r.request, first, count)));
  return resizedCropResult(r);
}

/** The box each image gets from a resizedCrop with these options (for records, reports and replay by `boxes`). */
export function resizedCropParams(batch: Batch, options: ResizedCropOptions): ResizedCropParams {
  return resolveResizedCrop(batch, options, false).params;
}

/** Internal: the resolved request a resizedCrop hands its backend (tests compare backends on it). */
export function resizedCropPlan(batch: Batch, options: ResizedCropOptions): ResizedCropRequest {
  return resolveResizedCrop(batch, options, false).request;
}
