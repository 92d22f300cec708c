// The 4-tap bilinear blend of the js affine and resizedCrop kernels, one
// piece of code for both (native/kernels/affine.h and resized_crop.h blend
// the same way, so the bytes match): taps a00 = (row 0, column 0),
// a01 = (row 0, column 1), a10 and a11 likewise on row 1; column weights
// xl (for column 0) and xu, row weights yl and yu.
import { roundQ } from './shift.js';

const f = Math.fround;

/**
 * uint8: integer weights summing to 2^12 on each axis, so the blend is an
 * exact integer below 2^53, then / 2^24 rounded half to even (roundQ).
 */
export function blendQ(a00: number, a01: number, a10: number, a11: number, xl: number, xu: number, yl: number, yu: number): number {
  return roundQ(yl * (xl * a00 + xu * a01) + yu * (xl * a10 + xu * a11));
}

/**
 * float32: columns first, then rows, every product and sum rounded to
 * float32 (no fused multiply-add, as the kernels compile):
 * h0 = f32(f32(xl·a00) + f32(xu·a01)), h1 likewise on row 1,
 * out = f32(f32(yl·h0) + f32(yu·h1)).
 */
export function blendF32(a00: number, a01: number, a10: number, a11: number, xl: number, xu: number, yl: number, yu: number): number {
  const h0 = f(f(xl * a00) + f(xu * a01));
  const h1 = f(f(xl * a10) + f(xu * a11));
  return f(f(yl * h0) + f(yu * h1));
}
