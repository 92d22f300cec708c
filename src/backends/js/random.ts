// Philox4x32-10 streams and float32 Box–Muller in plain TypeScript: the
// fallback backend, bit-identical to native/kernels/random.h.
//
// Exactness: every float32 +, −, ×, ÷, sqrt is computed in double and rounded
// once with Math.fround, which equals the float32 operation. Constants are
// the same bit patterns as the C++ ones. 32×32→64-bit products are split so
// that every partial product is exact in a double.
import type { StreamRequest } from '../backend.js';

const fround = Math.fround;
const imul = Math.imul;

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;
const PHILOX_ROUNDS = 10;
const M0_LO = PHILOX_M0 & 0xffff;
const M0_HI = PHILOX_M0 >>> 16;
const M1_LO = PHILOX_M1 & 0xffff;
const M1_HI = PHILOX_M1 >>> 16;
const TWO_32 = 4294967296;

const bitsView = new DataView(new ArrayBuffer(4));
/** A float32 constant from its bit pattern (the same patterns as the C++ kernels). */
export function f32(bits: number): number {
  bitsView.setUint32(0, bits);
  return bitsView.getFloat32(0);
}

const ONE_MINUS_HALF_ULP = f32(0x3f7fffff);
const INV3 = f32(0x3eaaaaab);
const INV5 = f32(0x3e4ccccd);
const INV7 = f32(0x3e124925);
const INV9 = f32(0x3de38e39);
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
const SQRT2_F32 = f32(0x3fb504f3);
const POW2_NEG = Float64Array.from({ length: 25 }, (_, e) => 2 ** -e);

/** High 32 bits of a · (bHi·2^16 + bLo), a < 2^32: both partial products are < 2^48, exact. */
function mulhi(a: number, bLo: number, bHi: number): number {
  const low = a * bLo;
  const high = a * bHi;
  return ((high + ((low / 65536) >>> 0)) / 65536) >>> 0;
}

/** Philox4x32-10 of one counter block; writes 4 words to out. */
export function philoxBlock(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let round = 0; round < PHILOX_ROUNDS; round += 1) {
    const hi0 = mulhi(c0, M0_LO, M0_HI);
    const lo0 = imul(c0, PHILOX_M0);
    const hi1 = mulhi(c2, M1_LO, M1_HI);
    const lo1 = imul(c2, PHILOX_M1);
    c0 = (hi1 ^ c1 ^ k0) >>> 0; // mulhi needs the unsigned value
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + PHILOX_W0) | 0;
    k1 = (k1 + PHILOX_W1) | 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

export function philox4x32(counter: Uint32Array, key: Uint32Array, out: Uint32Array): void {
  philoxBlock(counter[0]!, counter[1]!, counter[2]!, counter[3]!, key[0]!, key[1]!, out);
}

/** U(w) = ((w >>> 9) + 0.5) · 2^-23, exactly. */
export function uniformFromWord(w: number): number {
  return fround(1 + (w >>> 9) * 2 ** -23 - ONE_MINUS_HALF_ULP);
}

/** r = sqrt(−2 ln U(w)); same steps as box_muller_radius in random.h. */
export function boxMullerRadius(w: number): number {
  const v = (w >>> 8) | 1; // U = v · 2^-24, v odd, < 2^24
  let e = 31 - Math.clz32(v);
  let m = v * POW2_NEG[e]!; // in [1, 2), exact
  if (m >= SQRT2_F32) {
    m *= 0.5;
    e += 1;
  }
  const k = e - 24;
  const f = m - 1; // exact (Sterbenz)
  const s = fround(f / fround(2 + f));
  const z = fround(s * s);
  let p = fround(z * INV9);
  p = fround(z * fround(INV7 + p));
  p = fround(z * fround(INV5 + p));
  p = fround(INV3 + p);
  const s2 = fround(s + s);
  const lnM = fround(s2 + fround(fround(s2 * z) * p));
  const lnU = fround(fround(k * LN2_HI) + fround(fround(k * LN2_LO) + lnM));
  return fround(Math.sqrt(fround(lnU * -2)));
}

let sinOut = 0;
let cosOut = 0;

/** sin and cos of 2π U(w) into sinOut / cosOut; same steps as sincos_2pi_uniform. */
function sincos2piUniform(w: number): void {
  const m = w >>> 9;
  const octant = m >>> 20;
  const odd = octant & 1;
  const k = (m & 0xfffff) ^ (odd === 1 ? 0xfffff : 0);
  const y = fround(((k << 1) | 1) * PI_OVER_2POW23);
  const y2 = fround(y * y);
  let ps = fround(SIN7 + fround(y2 * SIN9));
  ps = fround(SIN5 + fround(y2 * ps));
  ps = fround(SIN3 + fround(y2 * ps));
  const sinY = fround(y + fround(fround(y * y2) * ps));
  let pc = fround(COS6 + fround(y2 * COS8));
  pc = fround(COS4 + fround(y2 * pc));
  pc = fround(COS2 + fround(y2 * pc));
  const cosY = fround(1 + fround(y2 * pc));
  const q = (octant + 1) >>> 1;
  const swap = q & 1;
  const a = swap === 1 ? cosY : sinY;
  const b = swap === 1 ? sinY : cosY;
  const sinNeg = ((q >>> 1) & 1) ^ (odd & (swap ^ 1));
  const cosNeg = ((q ^ (q >>> 1)) & 1) ^ (odd & swap);
  sinOut = sinNeg === 1 ? -a : a;
  cosOut = cosNeg === 1 ? -b : b;
}

export function sincos2pi(w: number): { sin: number; cos: number } {
  sincos2piUniform(w);
  return { sin: sinOut, cos: cosOut };
}

const words = new Uint32Array(4);
const values = new Float64Array(4);

type BlockValues = (w0: number, w1: number, w2: number, w3: number, offset: number, scale: number) => void;

function uniformValues(w0: number, w1: number, w2: number, w3: number, offset: number, scale: number): void {
  values[0] = fround(offset + fround(scale * uniformFromWord(w0)));
  values[1] = fround(offset + fround(scale * uniformFromWord(w1)));
  values[2] = fround(offset + fround(scale * uniformFromWord(w2)));
  values[3] = fround(offset + fround(scale * uniformFromWord(w3)));
}

function normalValues(w0: number, w1: number, w2: number, w3: number, offset: number, scale: number): void {
  const r0 = boxMullerRadius(w0);
  sincos2piUniform(w1);
  values[0] = fround(offset + fround(scale * fround(r0 * cosOut)));
  values[1] = fround(offset + fround(scale * fround(r0 * sinOut)));
  const r1 = boxMullerRadius(w2);
  sincos2piUniform(w3);
  values[2] = fround(offset + fround(scale * fround(r1 * cosOut)));
  values[3] = fround(offset + fround(scale * fround(r1 * sinOut)));
}

/** Fills out with stream positions [first, first + out.length). */
function fillStream(out: Float32Array, req: StreamRequest, blockValues: BlockValues): void {
  const n = out.length;
  if (n === 0) return;
  let block = Math.floor(req.first / 4);
  let word = req.first % 4;
  let done = 0;
  while (done < n) {
    philoxBlock(block >>> 0, Math.floor(block / TWO_32), req.epoch, req.stream, req.key0, req.key1, words);
    blockValues(words[0]!, words[1]!, words[2]!, words[3]!, req.offset, req.scale);
    for (; word < 4 && done < n; word += 1, done += 1) out[done] = values[word]!;
    word = 0;
    block += 1;
  }
}

export function randomUniform(out: Float32Array, req: StreamRequest): void {
  fillStream(out, req, uniformValues);
}

export function randomNormal(out: Float32Array, req: StreamRequest): void {
  fillStream(out, req, normalValues);
}
