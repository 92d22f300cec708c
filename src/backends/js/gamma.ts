// Gamma in plain TypeScript, bit-identical to native/kernels/gamma.h.
// uint8: a 256-entry table per image (built by src/ops/gamma.ts with pow64
// below). float32: y = float32(pow64(x, gamma)) per element, the library's
// own float64 power: Math.pow and libm's pow differ in the last bits between
// engines, so neither may be called per element. pow64 uses only IEEE-754
// double +, −, ×, ÷, floor and bit manipulation, in the same order as the C++.
import type { GammaRequest } from '../backend.js';

const f = Math.fround;

/** Mantissas above this (1 + 0x3504f3·2^-23, just below √2) are halved: m in [0.7071…, 1.4142…]. */
export const GAMMA_SPLIT = 1 + 0x3504f3 / 2 ** 23;
const LOG2E = 1.4426950408889634;
const LN2 = 0.6931471805599453;
/** t = gamma · log2(x) is clamped to ±T_LIMIT: 2^±200 is beyond float32 either way. */
const T_LIMIT = 200;

/** 2^k for integer k in [−200, 200], exact (built by doubling). */
const POW2 = new Float64Array(2 * T_LIMIT + 1);
POW2[T_LIMIT] = 1;
for (let k = 1; k <= T_LIMIT; k += 1) {
  POW2[T_LIMIT + k] = POW2[T_LIMIT + k - 1]! * 2;
  POW2[T_LIMIT - k] = POW2[T_LIMIT - k + 1]! * 0.5;
}

const scratch64 = new Float64Array(1);
const scratchWords = new Uint32Array(scratch64.buffer);
// little-endian hosts only (as every Node target): word 1 holds sign, exponent and the top 20 mantissa bits
const HI = 1;

/**
 * x^gamma in float64 for a finite x > 0 that is a normal double (every
 * float32 value is; gamma > 0 finite), as in the C++: exp2Of(gamma · log2Of(x)).
 * Relative error about 1e-15 · max(1, |gamma · log2 x|): far below a float32 ulp.
 */
export function pow64(x: number, gamma: number): number {
  return exp2Of(gamma * log2Of(x));
}

/**
 * log2 x as e + ln m · log2 e: x = m · 2^e with m in [GAMMA_SPLIT / 2,
 * GAMMA_SPLIT] (from the double's bits); s = (m − 1) / (m + 1),
 * ln m = 2s · (1 + s²/3 + s⁴/5 + … + s²²/23) (Horner from the s²² term,
 * |s| ≤ 0.1716: truncation < 1e-19).
 */
export function log2Of(x: number): number {
  scratch64[0] = x;
  const hi = scratchWords[HI]!;
  let e = ((hi >>> 20) & 0x7ff) - 1023;
  scratchWords[HI] = (hi & 0xfffff) | 0x3ff00000;
  let m = scratch64[0]!;
  if (m > GAMMA_SPLIT) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let q = INV_ODD[11]!; // 1/23
  for (let k = 10; k >= 0; k -= 1) q = q * s2 + INV_ODD[k]!;
  const lnm = 2 * s * q;
  return e + lnm * LOG2E;
}

/**
 * 2^t: t clamped to [−200, 200]; k = floor(t + 0.5), r = (t − k) · ln 2,
 * 2^(t − k) = 1 + r + r²/2! + … + r¹⁴/14! (Horner, |r| ≤ 0.35: truncation
 * < 1e-19); the result 2^(t − k) · 2^k (exact scaling).
 */
export function exp2Of(t: number): number {
  const c = t > T_LIMIT ? T_LIMIT : t < -T_LIMIT ? -T_LIMIT : t;
  const k = Math.floor(c + 0.5);
  const r = (c - k) * LN2;
  let p = 1 / 87178291200; // 1/14!
  for (let j = 13; j >= 1; j -= 1) p = p * r + INV_FACTORIAL[j]!;
  p = p * r + 1;
  return p * POW2[k + T_LIMIT]!;
}

/** 1/(2k + 1) for k = 0…11, each a correctly rounded double quotient (as in the C++). */
const INV_ODD = Float64Array.from({ length: 12 }, (_, k) => 1 / (2 * k + 1));

/** 1/j! for j = 0…13, each a correctly rounded double quotient (as in the C++). */
const INV_FACTORIAL = Float64Array.from({ length: 14 }, (_, j) => {
  let fact = 1;
  for (let i = 2; i <= j; i += 1) fact *= i;
  return 1 / fact;
});

/** log2Of(v / 255) for v = 1…255 (entry 0 unused). */
const LEVEL_LOG2 = Float64Array.from({ length: 256 }, (_, v) => (v === 0 ? 0 : log2Of(v / 255)));

/** One float32 element: NaN stays NaN, x ≤ 0 (and −inf) gives 0, +inf stays +inf, else float32(pow64(x, gamma)). */
export function gammaValue(x: number, gamma: number): number {
  if (x > 0) return x === Infinity ? x : f(pow64(x, gamma));
  return x <= 0 ? 0 : x;
}

/**
 * The uint8 table of one gamma: entry v = saturate(roundHalfEven(255 ·
 * pow64(v / 255, gamma))) (v / 255 in float64; entry 0 is 0).
 */
export function gammaTable(gamma: number): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 1; v < 256; v += 1) {
    // pow64(v / 255, gamma), its log2 taken once for every table
    const y = 255 * exp2Of(gamma * LEVEL_LOG2[v]!);
    const r = Math.round(y);
    const even = r - y === 0.5 && r % 2 !== 0 ? r - 1 : r;
    lut[v] = even > 255 ? 255 : even;
  }
  return lut;
}

/** Elements [from, to) of image i (memory order; gamma is the same for every channel). */
function gammaRange(req: GammaRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, image: number, from: number, to: number): void {
  if (src instanceof Uint8Array) {
    const lut = req.lut.subarray(256 * image, 256 * image + 256);
    for (let k = from; k < to; k += 1) dst[k] = lut[src[k]!]!;
    return;
  }
  const g = req.gamma[image]!;
  const { clip, clipLo, clipHi } = req;
  for (let k = from; k < to; k += 1) {
    const y = gammaValue(src[k]!, g);
    dst[k] = clip ? (y < clipLo ? clipLo : y > clipHi ? clipHi : y) : y;
  }
}

/**
 * Images [first, first + count) as a job for the async scheduler
 * (src/slices.ts): yields after `unit` elements. gammaImages runs it whole.
 */
export function* gammaPieces(req: GammaRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const elements = req.h * req.w * req.c;
  for (let i = first; i < first + count; i += 1) {
    for (let from = 0; from < elements; from += unit) {
      gammaRange(req, src, dst, i, i * elements + from, i * elements + Math.min(elements, from + unit));
      if (from + unit < elements || i + 1 < first + count) yield;
    }
  }
}

export function gammaImages(req: GammaRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of gammaPieces(req, src, dst, first, count, Infinity));
}
