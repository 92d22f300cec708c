// Resized crops in plain TypeScript, bit-identical to
// native/kernels/resized_crop.h. The op (src/ops/resized-crop.ts) hands every
// output column and row its two input taps and weights; output (y, x) is
//   float32: h0 = f32(f32(xl·a00) + f32(xu·a01)), h1 likewise on row y1,
//            out = f32(f32(yl·h0) + f32(yu·h1))   (no fused multiply-add)
//   uint8:   out = roundQ(yl·(xl·a00 + xu·a01) + yu·(xl·a10 + xu·a11))
//            (integer weights summing to 4096: an exact integer, / 2^24 half to even)
// with a00 = (y0, x0), a01 = (y0, x1), a10 = (y1, x0), a11 = (y1, x1)
// (bilinear.ts, shared with affine.ts).
import type { ResizedCropRequest } from '../backend.js';
import { blendF32, blendQ } from './bilinear.js';

/** Columns [x0, x1) of output row y of plane p of image i. */
function resizedCropRow(req: ResizedCropRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, i: number, p: number, y: number, from: number, to: number): void {
  const { h, w, outH, outW } = req;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const inPlane = i * h * w * req.c + p * h * w * c;
  const out = i * outH * outW * req.c + p * outH * outW * c + y * outW * c;
  const ry = i * outH + y;
  const row0 = inPlane + req.y0[ry]! * w * c;
  const row1 = inPlane + req.y1[ry]! * w * c;
  const yl = req.wy0[ry]!;
  const yu = req.wy1[ry]!;
  const uint8 = src instanceof Uint8Array;
  for (let x = from; x < to; x += 1) {
    const rx = i * outW + x;
    const c0 = req.x0[rx]! * c;
    const c1 = req.x1[rx]! * c;
    const xl = req.wx0[rx]!;
    const xu = req.wx1[rx]!;
    const d = out + x * c;
    for (let ch = 0; ch < c; ch += 1) {
      const a00 = src[row0 + c0 + ch]!;
      const a01 = src[row0 + c1 + ch]!;
      const a10 = src[row1 + c0 + ch]!;
      const a11 = src[row1 + c1 + ch]!;
      dst[d + ch] = uint8 ? blendQ(a00, a01, a10, a11, xl, xu, yl, yu) : blendF32(a00, a01, a10, a11, xl, xu, yl, yu);
    }
  }
}

/** Resizes the boxes of images [first, first + count). */
export function resizedCropImages(req: ResizedCropRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of resizedCropPieces(req, src, dst, first, count, Infinity));
}

/** resizedCropImages as a job for the async scheduler (src/slices.ts): yields after about `unit` output elements. */
export function* resizedCropPieces(req: ResizedCropRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const planes = req.layout === 'NHWC' ? 1 : req.c;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const columns = Math.max(1, Math.floor(unit / c));
  let done = 0;
  for (let i = first; i < first + count; i += 1) {
    for (let p = 0; p < planes; p += 1) {
      for (let y = 0; y < req.outH; y += 1) {
        for (let x0 = 0; x0 < req.outW; x0 += columns) {
          const x1 = Math.min(req.outW, x0 + columns);
          resizedCropRow(req, src, dst, i, p, y, x0, x1);
          done += (x1 - x0) * c;
          if (done >= unit) {
            done = 0;
            yield;
          }
        }
      }
    }
  }
}
