// Per-image colour maps in plain TypeScript, bit-identical to
// native/kernels/color.h: element x of channel ch of image i becomes
// y = float32(float32(x · a) + b) (a = scale[i·c + ch], b = offset[i·c + ch]);
// uint8: saturate(roundHalfEven(y)), NaN giving 0; float32: clipped if asked.
// Element-wise, so dst may be src.
import type { ColorRequest, ContrastRequest } from '../backend.js';
import { saturateU8 } from './noise.js';

const f = Math.fround;

/** Elements [from, to) of one image (counted in memory order), with their channel from the layout. */
function affineRange(req: ColorRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, image: number, from: number, to: number): void {
  const { c } = req;
  const plane = req.h * req.w;
  const at = image * plane * c;
  const uint8 = src instanceof Uint8Array;
  for (let k = from; k < to; k += 1) {
    const ch = req.layout === 'NHWC' ? k % c : Math.floor(k / plane);
    const y = f(f(src[at + k]! * req.scale[image * c + ch]!) + req.offset[image * c + ch]!);
    if (uint8) dst[at + k] = saturateU8(y);
    else dst[at + k] = req.clip ? (y < req.clipLo ? req.clipLo : y > req.clipHi ? req.clipHi : y) : y;
  }
}

/**
 * Images [first, first + count) as a job for the async scheduler
 * (src/slices.ts): yields after `unit` elements. colorAffineImages runs it whole.
 */
export function* colorAffinePieces(req: ColorRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const elements = req.h * req.w * req.c;
  for (let i = first; i < first + count; i += 1) {
    for (let from = 0; from < elements; from += unit) {
      affineRange(req, src, dst, i, from, Math.min(elements, from + unit));
      if (from + unit < elements || i + 1 < first + count) yield;
    }
  }
}

export function colorAffineImages(req: ColorRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of colorAffinePieces(req, src, dst, first, count, Infinity));
}

/** float32 sums: pixel p adds to partial p mod PARTIALS of its channel (native/kernels/color.h). */
const PARTIALS = 8;

/**
 * Channel sums of images [first, first + count) as a job for the async
 * scheduler, yielding after `unit` pixels. Each channel's float64 sum is
 * ((p0 + p1) + p2) + … + p7, where partial j adds the channel's elements of
 * pixels j, j + 8, j + 16, … in turn (for uint8 every order gives the exact
 * sum).
 */
export function* channelSumPieces(req: Pick<ColorRequest, 'h' | 'w' | 'c' | 'layout'>, src: Uint8Array | Float32Array, sums: Float64Array, first: number, count: number, unit: number): Generator<void> {
  const plane = req.h * req.w;
  const { c } = req;
  const [step, stride] = req.layout === 'NHWC' ? [c, 1] : [1, plane];
  const partials = new Float64Array(PARTIALS);
  for (let i = first; i < first + count; i += 1) {
    for (let ch = 0; ch < c; ch += 1) {
      const at = i * plane * c + ch * stride;
      partials.fill(0);
      for (let from = 0; from < plane; from += unit) {
        const to = Math.min(plane, from + unit);
        for (let p = from; p < to; p += 1) partials[p % PARTIALS] = partials[p % PARTIALS]! + src[at + p * step]!;
        if (to < plane) yield;
      }
      let total = partials[0]!;
      for (let j = 1; j < PARTIALS; j += 1) total += partials[j]!;
      sums[i * c + ch] = total;
      yield;
    }
  }
}

export function channelSums(req: Pick<ColorRequest, 'h' | 'w' | 'c' | 'layout'>, src: Uint8Array | Float32Array, sums: Float64Array, first: number, count: number): void {
  for (const _ of channelSumPieces(req, src, sums, first, count, Infinity));
}

/**
 * Offsets of images [first, first + count) into offset[i·c + ch] from their
 * channel sums (ContrastRequest, src/backends/backend.ts; the same in
 * native/kernels/color.h).
 */
function contrastOffsets(req: ContrastRequest, sums: Float64Array, offset: Float32Array, first: number, count: number): void {
  const { h, w, c } = req;
  for (let i = first; i < first + count; i += 1) {
    let total = 0;
    for (let ch = 0; ch < c; ch += 1) total += sums[i * c + ch]!;
    for (let ch = 0; ch < c; ch += 1) {
      const m = req.perChannel ? f(sums[i * c + ch]! / (h * w)) : f(total / (h * w * c));
      offset[i * c + ch] = f(m - f(m * req.scale[i * c + ch]!));
    }
  }
}

/** contrast of images [first, first + count) as a job for the async scheduler: per image its sums, offsets, then the map. */
export function* contrastPieces(req: ContrastRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  for (let i = first; i < first + count; i += 1) {
    yield* channelSumPieces(req, src, req.sums, i, 1, unit);
    contrastOffsets(req, req.sums, req.offset, i, 1);
    yield* colorAffinePieces(req, src, dst, i, 1, unit);
  }
}

export function contrastImages(req: ContrastRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of contrastPieces(req, src, dst, first, count, Infinity));
}
