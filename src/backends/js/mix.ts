// MixUp and CutMix pixels in plain TypeScript, bit-identical to
// native/kernels/mix.h. Image i of dst from image i (a) and image partner[i]
// (b) of src: mixup y = float32(float32(a · wa) + float32(b · wb)) per element
// (uint8: saturate(roundHalfEven(y))); cutmix: a, with the box of b pasted
// (float32 data moves as its bits, see flip.ts). dst must not overlap src.
import type { MixRequest } from '../backend.js';
import { movable } from './flip.js';
import { saturateU8 } from './noise.js';

const f = Math.fround;

/** Elements [from, to) of image i (memory order). */
function blendRange(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, a: number, b: number, d: number, from: number, to: number, wa: number, wb: number): void {
  if (src instanceof Uint8Array) {
    // a · wa is exact in double (8 + 24 bits), so f() of it is the float32 product
    for (let k = from; k < to; k += 1) dst[d + k] = saturateU8(f(f(src[a + k]! * wa) + f(src[b + k]! * wb)));
    return;
  }
  for (let k = from; k < to; k += 1) dst[d + k] = f(f(src[a + k]! * wa) + f(src[b + k]! * wb));
}

/**
 * Images [first, first + count) as a job for the async scheduler
 * (src/slices.ts): yields after about `unit` elements. mixImages runs it whole.
 */
export function* mixPieces(req: MixRequest, source: Uint8Array | Float32Array, target: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const plane = req.h * req.w;
  const image = plane * req.c;
  const [src, dst] = [movable(source), movable(target)];
  for (let i = first; i < first + count; i += 1) {
    const a = i * image;
    const b = req.partner[i]! * image;
    if (!req.paste) {
      for (let from = 0; from < image; from += unit) {
        blendRange(source, target, a, b, a, from, Math.min(image, from + unit), req.wa[i]!, req.wb[i]!);
        yield;
      }
      continue;
    }
    dst.set(src.subarray(a, a + image), a);
    yield;
    const [top, left, bh, bw] = [req.top[i]!, req.left[i]!, req.height[i]!, req.width[i]!];
    if (bh <= 0 || bw <= 0) continue;
    const [planes, c, stride] = req.layout === 'NCHW' ? [req.c, 1, plane] : [1, req.c, 0];
    let done = 0;
    for (let p = 0; p < planes; p += 1) {
      for (let y = top; y < top + bh; y += 1) {
        const at = p * stride + (y * req.w + left) * c;
        dst.set(src.subarray(b + at, b + at + bw * c), a + at);
        done += bw * c;
        if (done >= unit) {
          done = 0;
          yield;
        }
      }
    }
  }
}

export function mixImages(req: MixRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of mixPieces(req, src, dst, first, count, Infinity));
}
