// Philox4x32-10 streams and float32 Box–Muller in plain TypeScript: the
// fallback backend, bit-identical to native/kernels/random.h.
//
// Exactness: every float32 +, −, ×, ÷, sqrt is computed in double and rounded
// once with Math.fround, which equals the float32 operation. Constants are
// the same bit patterns as the C++ ones. 32×32→64-bit products: the low half
// from Math.imul, the high half from a double product corrected by it.
import type { StreamRequest } from '../backend.js';

const fround = Math.fround;
const imul = Math.imul;

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;
const PHILOX_ROUNDS = 10;
const TWO_32 = 4294967296;

const bitsView = new DataView(new ArrayBuffer(4));
/** A float32 constant from its bit pattern (the same patterns as the C++ kernels). */
export function f32(bits: number): number {
  bitsView.setUint32(0, bits);
  return bitsView.getFloat32(0);
}

const INV3 = f32(0x3eaaaaab);
const INV5 = f32(0x3e4ccccd);
const INV7 = f32(0x3e124925);
const LN2_HI = f32(0x3f318000);
const LN2_LO = f32(0xb95e8083);
const PI_OVER_2POW23 = f32(0x34c90fdb);
const SIN3 = f32(0xbe2aaaab);
const SIN5 = f32(0x3c088889);
const SIN7 = f32(0xb9500d01);
const SIN9 = f32(0x3638ef1d);
const COS2 = f32(0xbf000000);
const COS4 = f32(0x3d2aaaab);
const COS6 = f32(0xbab60b61);
const COS8 = f32(0x37d00d01);
const POW2_NEG = Float64Array.from({ length: 25 }, (_, e) => 2 ** -e);

/**
 * High 32 bits of a · m for uint32 a and m, given lo = the low 32 bits, plus
 * one half: the double product is within 2^10 of a · m and the subtraction
 * adds at most 2^10 more, so (a·m − lo) / 2^32 is an integer hi ± 2^-21, and
 * the sum hi + 1/2 ± 2^-20 (after rounding). The caller's XOR truncates it
 * to hi (ToInt32 drops the fraction), which saves a Math.round per product.
 */
function mulhiPlusHalf(a: number, m: number, lo: number): number {
  return (a * m - lo) * 2.3283064365386963e-10 + 0.5;
}

/** Philox4x32-10 of one counter block; writes 4 words to out[at…]. */
export function philoxBlock(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array, at = 0): void {
  for (let round = 0; round < PHILOX_ROUNDS; round += 1) {
    const lo0 = imul(c0, PHILOX_M0) >>> 0;
    const hi0 = mulhiPlusHalf(c0, PHILOX_M0, lo0);
    const lo1 = imul(c2, PHILOX_M1) >>> 0;
    const hi1 = mulhiPlusHalf(c2, PHILOX_M1, lo1);
    c0 = (hi1 ^ c1 ^ k0) >>> 0; // ^ truncates hi1 + 1/2; the next product needs the unsigned value
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + PHILOX_W0) | 0;
    k1 = (k1 + PHILOX_W1) | 0;
  }
  out[at] = c0;
  out[at + 1] = c1;
  out[at + 2] = c2;
  out[at + 3] = c3;
}

/**
 * Four blocks whose counters differ only in words 0 and 1 — (a0, a1, c2, c3),
 * (b0, b1, …), (d0, d1, …), (e0, e1, …) — in one loop: a round is a serial
 * chain of multiplies, so four chains side by side keep the CPU busy (≈ 2.5×
 * one block at a time). Writes 16 words to out[at…].
 */
export function philoxQuad(
  a0: number, a1: number, b0: number, b1: number, d0: number, d1: number, e0: number, e1: number,
  c2: number, c3: number, k0: number, k1: number, out: Uint32Array, at: number,
): void {
  let a2 = c2; let b2 = c2; let d2 = c2; let e2 = c2;
  let a3 = c3; let b3 = c3; let d3 = c3; let e3 = c3;
  for (let round = 0; round < PHILOX_ROUNDS; round += 1) {
    const aLo0 = imul(a0, PHILOX_M0) >>> 0; const bLo0 = imul(b0, PHILOX_M0) >>> 0;
    const dLo0 = imul(d0, PHILOX_M0) >>> 0; const eLo0 = imul(e0, PHILOX_M0) >>> 0;
    const aLo1 = imul(a2, PHILOX_M1) >>> 0; const bLo1 = imul(b2, PHILOX_M1) >>> 0;
    const dLo1 = imul(d2, PHILOX_M1) >>> 0; const eLo1 = imul(e2, PHILOX_M1) >>> 0;
    const aHi0 = mulhiPlusHalf(a0, PHILOX_M0, aLo0); const bHi0 = mulhiPlusHalf(b0, PHILOX_M0, bLo0);
    const dHi0 = mulhiPlusHalf(d0, PHILOX_M0, dLo0); const eHi0 = mulhiPlusHalf(e0, PHILOX_M0, eLo0);
    const aHi1 = mulhiPlusHalf(a2, PHILOX_M1, aLo1); const bHi1 = mulhiPlusHalf(b2, PHILOX_M1, bLo1);
    const dHi1 = mulhiPlusHalf(d2, PHILOX_M1, dLo1); const eHi1 = mulhiPlusHalf(e2, PHILOX_M1, eLo1);
    a0 = (aHi1 ^ a1 ^ k0) >>> 0; b0 = (bHi1 ^ b1 ^ k0) >>> 0; d0 = (dHi1 ^ d1 ^ k0) >>> 0; e0 = (eHi1 ^ e1 ^ k0) >>> 0;
    a1 = aLo1; b1 = bLo1; d1 = dLo1; e1 = eLo1;
    a2 = (aHi0 ^ a3 ^ k1) >>> 0; b2 = (bHi0 ^ b3 ^ k1) >>> 0; d2 = (dHi0 ^ d3 ^ k1) >>> 0; e2 = (eHi0 ^ e3 ^ k1) >>> 0;
    a3 = aLo0; b3 = bLo0; d3 = dLo0; e3 = eLo0;
    k0 = (k0 + PHILOX_W0) | 0;
    k1 = (k1 + PHILOX_W1) | 0;
  }
  out[at] = a0; out[at + 1] = a1; out[at + 2] = a2; out[at + 3] = a3;
  out[at + 4] = b0; out[at + 5] = b1; out[at + 6] = b2; out[at + 7] = b3;
  out[at + 8] = d0; out[at + 9] = d1; out[at + 10] = d2; out[at + 11] = d3;
  out[at + 12] = e0; out[at + 13] = e1; out[at + 14] = e2; out[at + 15] = e3;
}

export function philox4x32(counter: Uint32Array, key: Uint32Array, out: Uint32Array): void {
  philoxBlock(counter[0]!, counter[1]!, counter[2]!, counter[3]!, key[0]!, key[1]!, out);
}

/**
 * U(w) = ((w >>> 9) + 0.5) · 2^-23, exactly: (2m + 1) · 2^-24 with
 * 2m + 1 < 2^24 is a float32 and a double, so this one double product
 * equals random.h's float32 1 + m · 2^-23 − (1 − 2^-24) without a
 * Math.fround (which cost ~1 ns per word in a loop over a batch's draws).
 */
export function uniformFromWord(w: number): number {
  return ((w >>> 9) + 0.5) * 2 ** -23;
}

/** r = sqrt(−2 ln U(w)); the same float32 values as box_muller_radius in random.h, which carries the steps of ln U times −2 (exactly). */
export function boxMullerRadius(w: number): number {
  const v = (w >>> 8) | 1; // U = v · 2^-24, v odd, < 2^24
  const top = 31 - Math.clz32(v); // 2^top <= v < 2^(top + 1)
  // m = v · 2^-top in [1, 2) is >= float32(√2) = 0xB504F3 · 2^-23 exactly when
  // v's bits moved up to 24 are >= 0xB504F3; then m is halved. Computed with
  // integers rather than a branch, which is taken half the time at random.
  const e = top + ((0xb504f2 - (v << (23 - top))) >>> 31);
  const m = v * POW2_NEG[e]!; // in [√½, √2), exact
  const k = e - 24;
  const f = m - 1; // exact (Sterbenz)
  const s = fround(f / fround(2 + f));
  const z = fround(s * s);
  let p = fround(z * INV7);
  p = fround(z * fround(INV5 + p));
  p = fround(INV3 + p);
  const s2 = s + s; // doubling is exact: no rounding needed
  const lnM = fround(s2 + fround(fround(s2 * z) * p));
  // k · LN2_HI is exact (|k| ≤ 24, LN2_HI has 9 significant bits), and so is × −2
  const lnU = fround(k * LN2_HI + fround(fround(k * LN2_LO) + lnM));
  return fround(Math.sqrt(lnU * -2));
}

/** [sin, cos] results of sincos2piUniform (a typed slot: cheaper than an object or a closure variable). */
const sincosOut = new Float64Array(2);

/**
 * sin and cos of 2π U(w) into sincosOut; same steps as sincos_2pi_uniform:
 * the top 3 bits of w are the octant, the next 20 give y ∈ (0, π/4) (mirrored
 * in odd octants); sin y and cos y trade places where bit 30 ≠ bit 29, sin θ
 * is negative where bit 31 is set, cos θ where bit 31 ≠ bit 30.
 */
function sincos2piUniform(w: number): void {
  const oddMask = (w << 2) >> 31;
  const twoK = ((w >>> 8) ^ oddMask) & 0x1ffffe;
  const y = fround((twoK | 1) * PI_OVER_2POW23);
  const y2 = fround(y * y);
  let ps = fround(SIN7 + fround(y2 * SIN9));
  ps = fround(SIN5 + fround(y2 * ps));
  ps = fround(SIN3 + fround(y2 * ps));
  const sinY = fround(y + fround(fround(y * y2) * ps));
  let pc = fround(COS6 + fround(y2 * COS8));
  pc = fround(COS4 + fround(y2 * pc));
  pc = fround(COS2 + fround(y2 * pc));
  const cosY = fround(1 + fround(y2 * pc));
  const pairs = w ^ (w << 1);
  const swap = (pairs & 0x40000000) !== 0;
  const sinMag = swap ? cosY : sinY;
  const cosMag = swap ? sinY : cosY;
  sincosOut[0] = w < 0 || w >= 0x80000000 ? -sinMag : sinMag;
  sincosOut[1] = pairs < 0 ? -cosMag : cosMag;
}

export function sincos2pi(w: number): { sin: number; cos: number } {
  sincos2piUniform(w);
  return { sin: sincosOut[0]!, cos: sincosOut[1]! };
}

/** Blocks per chunk: words for a chunk are generated first, then turned into values. */
const CHUNK_BLOCKS = 256;
const chunkWords = new Uint32Array(4 * CHUNK_BLOCKS);
const chunkValues = new Float32Array(4 * CHUNK_BLOCKS);

/** Words of element-stream blocks [block, block + count): counter (b mod 2^32, ⌊b / 2^32⌋, epoch, stream). */
function streamWords(block: number, count: number, req: StreamRequest): void {
  const { epoch, stream, key0, key1 } = req;
  const sample = req.sample ?? 0;
  const high = (b: number): number => (Math.floor(b / TWO_32) ^ sample) >>> 0;
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const a = block + i;
    philoxQuad(a >>> 0, high(a), (a + 1) >>> 0, high(a + 1), (a + 2) >>> 0, high(a + 2), (a + 3) >>> 0, high(a + 3), epoch, stream, key0, key1, chunkWords, 4 * i);
  }
  for (; i < count; i += 1) {
    const a = block + i;
    philoxBlock(a >>> 0, high(a), epoch, stream, key0, key1, chunkWords, 4 * i);
  }
}

// The float32 store rounds `offset + …` once, as fround would. Values go to
// to[at…]: the output itself for whole chunks, chunkValues otherwise.

function uniformValues(words: number, req: StreamRequest, to: Float32Array, at: number): void {
  const { offset, scale } = req;
  for (let i = 0; i < words; i += 1) to[at + i] = offset + fround(scale * uniformFromWord(chunkWords[i]!));
}

/** Box–Muller pairs (w0, w1) → z0, z1 and (w2, w3) → z2, z3 of each block. */
function normalValues(words: number, req: StreamRequest, to: Float32Array, at: number): void {
  const { offset, scale } = req;
  if (offset === 0 && scale === 1) {
    // 0 + fround(1 · v) is v (v is never −0); the store rounds r · cos θ once,
    // and the double product of two float32 values is exact
    for (let i = 0; i < words; i += 2) {
      const r = boxMullerRadius(chunkWords[i]!);
      sincos2piUniform(chunkWords[i + 1]!);
      to[at + i] = r * sincosOut[1]!;
      to[at + i + 1] = r * sincosOut[0]!;
    }
    return;
  }
  if (offset === 0 && !(Math.abs(scale) < 2 ** -60)) {
    // 0 + y is y but for y = −0, and scale · v is never ±0 here (the C++
    // affine_is_scale_only); the store rounds scale · fround(r · cos θ) once
    for (let i = 0; i < words; i += 2) {
      const r = boxMullerRadius(chunkWords[i]!);
      sincos2piUniform(chunkWords[i + 1]!);
      to[at + i] = scale * fround(r * sincosOut[1]!);
      to[at + i + 1] = scale * fround(r * sincosOut[0]!);
    }
    return;
  }
  for (let i = 0; i < words; i += 2) {
    const r = boxMullerRadius(chunkWords[i]!);
    sincos2piUniform(chunkWords[i + 1]!);
    to[at + i] = offset + fround(scale * fround(r * sincosOut[1]!));
    to[at + i + 1] = offset + fround(scale * fround(r * sincosOut[0]!));
  }
}

type ToValues = (words: number, req: StreamRequest, to: Float32Array, at: number) => void;

/** Fills out with stream positions [first, first + out.length), a chunk of blocks at a time. */
function fillStream(out: Float32Array, req: StreamRequest, toValues: ToValues): void {
  const n = out.length;
  let block = Math.floor(req.first / 4);
  let skip = req.first % 4;
  let done = 0;
  while (done < n) {
    const blocks = Math.min(CHUNK_BLOCKS, Math.ceil((n - done + skip) / 4));
    streamWords(block, blocks, req);
    const take = Math.min(4 * blocks - skip, n - done);
    if (skip === 0 && take === 4 * blocks) {
      toValues(take, req, out, done);
    } else {
      toValues(4 * blocks, req, chunkValues, 0);
      out.set(chunkValues.subarray(skip, skip + take), done);
    }
    done += take;
    block += blocks;
    skip = 0;
  }
}

export function randomUniform(out: Float32Array, req: StreamRequest): void {
  fillStream(out, req, uniformValues);
}

export function randomNormal(out: Float32Array, req: StreamRequest): void {
  fillStream(out, req, normalValues);
}

function wordValues(words: number, _req: StreamRequest, to: Float32Array, at: number): void {
  to.set(new Float32Array(chunkWords.buffer, 0, words), at);
}

/** The raw words of positions [first, first + out.length), bit for bit. */
export function randomWords(out: Uint32Array, req: StreamRequest): void {
  fillStream(new Float32Array(out.buffer, out.byteOffset, out.length), req, wordValues);
}

/** Block 0 of each sample's parameter stream, counter (0, index + k, epoch, stream), four samples at a time. */
export function perSampleWords(out: Uint32Array, key0: number, key1: number, index: number, epoch: number, stream: number): void {
  const n = out.length >> 2;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    const i = index + k;
    philoxQuad(0, i, 0, i + 1, 0, i + 2, 0, i + 3, epoch, stream, key0, key1, out, 4 * k);
  }
  for (; k < n; k += 1) philoxBlock(0, index + k, epoch, stream, key0, key1, out, 4 * k);
}
