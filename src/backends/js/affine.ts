// Affine warps in plain TypeScript, bit-identical to native/kernels/affine.h.
//
// Image i's output pixel (x, y) reads the input at
//   rx = m1·y + m2, ry = m4·y + m5            (once per row, float64)
//   sx = m0·x + rx, sy = m3·x + ry            (float64, each product and sum rounded)
// each clamped to [−2^30, 2^30]. Bilinear: i0 = floor(sx), tx = sx − i0
// (exact), taps i0 and i0 + 1; float32 weights u = float32(tx), l = float32(1 − u);
// uint8 weights u = round-half-even(tx · 4096) (4096 moves to the next
// integer with u = 0), l = 4096 − u. Rows likewise. Nearest: the tap
// floor(sx + 0.5). Every tap goes through the fill rule on its own axis
// (mapIndex, as shift); the four taps blend as in bilinear.ts. Images whose
// matrix is a pure translation are done by shift (req.translate, req.shift).
import type { AffineRequest } from '../backend.js';
import { blendF32, blendQ } from './bilinear.js';
import { mapIndex, shiftImages, shiftPieces, UINT8_WEIGHT_BITS } from './shift.js';

/** Source coordinates are clamped to ±LIMIT: their floors stay well inside int32. */
export const COORD_LIMIT = 2 ** 30;
const ONE_Q = 1 << UINT8_WEIGHT_BITS;
/** Adding and subtracting 2^52 rounds a float64 in [0, 2^52) to an integer, half to even. */
const ROUNDER = 2 ** 52;

function clamp(s: number): number {
  return s < -COORD_LIMIT ? -COORD_LIMIT : s > COORD_LIMIT ? COORD_LIMIT : s;
}

function float32Bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** Columns [x0, x1) of output row y of plane p of image i (general path). */
function affineRow(req: AffineRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, i: number, p: number, y: number, x0: number, x1: number): void {
  const { h, w, fill, matrix: m } = req;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const at = i * h * w * req.c + p * h * w * c;
  const out = at + y * w * c;
  const o = 6 * i;
  const m0 = m[o]!;
  const m3 = m[o + 3]!;
  const rx = m[o + 1]! * y + m[o + 2]!;
  const ry = m[o + 4]! * y + m[o + 5]!;
  if (req.nearest) {
    // float32 moves as bits, as the native copies do (a NaN payload survives)
    const [from, to, fillValue] = src instanceof Uint8Array
      ? [src, dst as Uint8Array, req.fillValue]
      : [float32Bits(src), float32Bits(dst as Float32Array), float32Bits(Float32Array.of(req.fillValue))[0]!];
    for (let x = x0; x < x1; x += 1) {
      const sx = clamp(m0 * x + rx);
      const sy = clamp(m3 * x + ry);
      const cx = mapIndex(Math.floor(sx + 0.5), w, fill);
      const cy = mapIndex(Math.floor(sy + 0.5), h, fill);
      const d = out + x * c;
      if (cx < 0 || cy < 0) {
        for (let ch = 0; ch < c; ch += 1) to[d + ch] = fillValue;
      } else {
        const s = at + (cy * w + cx) * c;
        for (let ch = 0; ch < c; ch += 1) to[d + ch] = from[s + ch]!;
      }
    }
    return;
  }
  const uint8 = src instanceof Uint8Array;
  const f = Math.fround;
  const fv = req.fillValue;
  for (let x = x0; x < x1; x += 1) {
    const sx = clamp(m0 * x + rx);
    const sy = clamp(m3 * x + ry);
    let i0 = Math.floor(sx);
    let j0 = Math.floor(sy);
    const tx = sx - i0;
    const ty = sy - j0;
    let xu: number;
    let xl: number;
    let yu: number;
    let yl: number;
    if (uint8) {
      xu = (tx * ONE_Q + ROUNDER) - ROUNDER;
      if (xu === ONE_Q) {
        i0 += 1;
        xu = 0;
      }
      yu = (ty * ONE_Q + ROUNDER) - ROUNDER;
      if (yu === ONE_Q) {
        j0 += 1;
        yu = 0;
      }
      xl = ONE_Q - xu;
      yl = ONE_Q - yu;
    } else {
      xu = f(tx);
      xl = f(1 - xu);
      yu = f(ty);
      yl = f(1 - yu);
    }
    const c0 = mapIndex(i0, w, fill);
    const c1 = mapIndex(i0 + 1, w, fill);
    const r0 = mapIndex(j0, h, fill);
    const r1 = mapIndex(j0 + 1, h, fill);
    const p00 = r0 < 0 || c0 < 0 ? -1 : at + (r0 * w + c0) * c;
    const p01 = r0 < 0 || c1 < 0 ? -1 : at + (r0 * w + c1) * c;
    const p10 = r1 < 0 || c0 < 0 ? -1 : at + (r1 * w + c0) * c;
    const p11 = r1 < 0 || c1 < 0 ? -1 : at + (r1 * w + c1) * c;
    const d = out + x * c;
    for (let ch = 0; ch < c; ch += 1) {
      const a00 = p00 < 0 ? fv : src[p00 + ch]!;
      const a01 = p01 < 0 ? fv : src[p01 + ch]!;
      const a10 = p10 < 0 ? fv : src[p10 + ch]!;
      const a11 = p11 < 0 ? fv : src[p11 + ch]!;
      dst[d + ch] = uint8 ? blendQ(a00, a01, a10, a11, xl, xu, yl, yu) : blendF32(a00, a01, a10, a11, xl, xu, yl, yu);
    }
  }
}

/** Warps images [first, first + count) of the batch. */
export function affineImages(req: AffineRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  const planes = req.layout === 'NHWC' ? 1 : req.c;
  for (let i = first; i < first + count; i += 1) {
    if (req.translate[i]) {
      shiftImages(req.shift, src, dst, i, 1);
      continue;
    }
    for (let p = 0; p < planes; p += 1) {
      for (let y = 0; y < req.h; y += 1) affineRow(req, src, dst, i, p, y, 0, req.w);
    }
  }
}

/** affineImages as a job for the async scheduler (src/slices.ts): yields after about `unit` output elements. */
export function* affinePieces(req: AffineRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const planes = req.layout === 'NHWC' ? 1 : req.c;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const columns = Math.max(1, Math.floor(unit / c));
  let done = 0;
  for (let i = first; i < first + count; i += 1) {
    if (req.translate[i]) {
      yield* shiftPieces(req.shift, src, dst, i, 1, unit);
      continue;
    }
    for (let p = 0; p < planes; p += 1) {
      for (let y = 0; y < req.h; y += 1) {
        for (let x0 = 0; x0 < req.w; x0 += columns) {
          const x1 = Math.min(req.w, x0 + columns);
          affineRow(req, src, dst, i, p, y, x0, x1);
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
