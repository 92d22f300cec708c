// Pixel shifts in plain TypeScript, bit-identical to native/kernels/shift.h.
//
// Every image has a resolved plan (src/ops/shift.ts): integer parts kx, ky of
// its offsets and two taps per axis — output x reads source columns
// s1 = x − kx − 1 with weight w1 and s0 = x − kx with weight w0 (w1 is the
// fractional part; w1 = 0 means a plain copy of s0). Rows likewise. Source
// coordinates outside the image go through the fill rule (mapIndex).
import type { ShiftRequest } from '../backend.js';

export const FILL_CODES = { constant: 0, nearest: 1, reflect: 2, mirror: 3, wrap: 4 } as const;
/** uint8 bilinear weights have this many fractional bits per axis. */
export const UINT8_WEIGHT_BITS = 12;
const ONE_Q = 1 << UINT8_WEIGHT_BITS;
const ROUND_SHIFT = 2 ** (2 * UINT8_WEIGHT_BITS);

/** A source index through the fill rule; −1 means "the constant fill value". */
export function mapIndex(s: number, size: number, fill: number): number {
  if (s >= 0 && s < size) return s;
  switch (fill) {
    case FILL_CODES.nearest:
      return s < 0 ? 0 : size - 1;
    case FILL_CODES.reflect: { // dcba|abcd|dcba, period 2·size
      const m = ((s % (2 * size)) + 2 * size) % (2 * size);
      return m < size ? m : 2 * size - 1 - m;
    }
    case FILL_CODES.mirror: { // dcb|abcd|cba, period 2·size − 2
      if (size === 1) return 0;
      const period = 2 * size - 2;
      const m = ((s % period) + period) % period;
      return m < size ? m : period - m;
    }
    case FILL_CODES.wrap:
      return ((s % size) + size) % size;
    default:
      return -1;
  }
}

function columnMap(w: number, k: number, tap: number, fill: number): Int32Array {
  const map = new Int32Array(w);
  for (let x = 0; x < w; x += 1) map[x] = mapIndex(x - k - tap, w, fill);
  return map;
}

/** The bits of a float32 array, as a view of the same memory. */
function float32Bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** Shifts one plane (h × w pixels of c interleaved channels) from src into dst. */
function shiftPlane(req: ShiftRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, srcAt: number, dstAt: number, c: number, image: number): void {
  const { h, w, fill } = req;
  const kx = req.kx[image]!;
  const ky = req.ky[image]!;
  const wx1 = req.wx1[image]!;
  const wx0 = req.wx0[image]!;
  const wy1 = req.wy1[image]!;
  const wy0 = req.wy0[image]!;
  const rowLength = w * c;
  const col0 = columnMap(w, kx, 0, fill);
  const col1 = columnMap(w, kx, 1, fill);
  const fillValue = req.fillValue;
  const isUint8 = src instanceof Uint8Array;
  const rowA = new Float64Array(rowLength); // H(r0)
  const rowB = new Float64Array(rowLength); // H(r1)

  // horizontal pass of one source row (or the constant row when r = −1) into `into`
  const horizontal = (r: number, into: Float64Array): void => {
    const base = srcAt + r * rowLength;
    for (let x = 0; x < w; x += 1) {
      const s0 = col0[x]!;
      const s1 = col1[x]!;
      for (let ch = 0; ch < c; ch += 1) {
        const a0 = r < 0 || s0 < 0 ? fillValue : src[base + s0 * c + ch]!;
        if (wx1 === 0) {
          into[x * c + ch] = isUint8 ? a0 * ONE_Q : a0;
          continue;
        }
        const a1 = r < 0 || s1 < 0 ? fillValue : src[base + s1 * c + ch]!;
        into[x * c + ch] = isUint8 ? wx1 * a1 + wx0 * a0 : Math.fround(Math.fround(wx1 * a1) + Math.fround(wx0 * a0));
      }
    }
  };

  if (wx1 === 0 && wy1 === 0) {
    if (src instanceof Uint8Array) copyPlane(src, dst as Uint8Array, srcAt, dstAt, h, c, kx, ky, fill, col0, fillValue);
    // float32 as bits: an element-wise copy through a JS number would quiet a
    // signalling NaN, where the native block copies keep every bit
    else copyPlane(float32Bits(src), float32Bits(dst as Float32Array), srcAt, dstAt, h, c, kx, ky, fill, col0, float32Bits(Float32Array.of(fillValue))[0]!);
    return;
  }
  for (let y = 0; y < h; y += 1) {
    const out = dstAt + y * rowLength;
    const r0 = mapIndex(y - ky, h, fill);
    horizontal(r0, rowA);
    if (wy1 === 0) {
      for (let i = 0; i < rowLength; i += 1) dst[out + i] = isUint8 ? roundQ(rowA[i]! * ONE_Q) : rowA[i]!;
      continue;
    }
    horizontal(mapIndex(y - ky - 1, h, fill), rowB);
    for (let i = 0; i < rowLength; i += 1) {
      dst[out + i] = isUint8
        ? roundQ(wy1 * rowB[i]! + wy0 * rowA[i]!)
        : Math.fround(Math.fround(wy1 * rowB[i]!) + Math.fround(wy0 * rowA[i]!));
    }
  }
}

/**
 * An integer shift of a whole plane: the rows whose source is inside the
 * image are one block copy (their edge columns included, wrongly), then the
 * edge columns are rewritten through the column map; the other rows go
 * through the row map one at a time. Same bytes as row-by-row copies.
 */
function copyPlane(src: Uint8Array | Uint32Array, dst: Uint8Array | Uint32Array, srcAt: number, dstAt: number, h: number, c: number, kx: number, ky: number, fill: number, col0: Int32Array, fillValue: number): void {
  const w = col0.length;
  const rowLength = w * c;
  const lo = Math.max(0, Math.min(w, kx));
  const hi = Math.max(lo, Math.min(w, w + kx));
  const ylo = Math.max(0, Math.min(h, ky));
  const yhi = Math.max(ylo, Math.min(h, h + ky));
  const band = yhi > ylo && hi > lo;
  for (let y = 0; y < h; y += 1) {
    if (band && y >= ylo && y < yhi) continue;
    const r0 = mapIndex(y - ky, h, fill);
    copyRow(src, dst, r0 < 0 ? -1 : srcAt + r0 * rowLength, dstAt + y * rowLength, col0, c, fillValue);
  }
  if (!band) return;
  const from = srcAt + (ylo - ky) * rowLength + (lo - kx) * c;
  const length = (yhi - ylo - 1) * rowLength + (hi - lo) * c;
  dst.set(src.subarray(from, from + length), dstAt + ylo * rowLength + lo * c);
  const edge = (row: number, out: number, x: number): void => {
    const s = col0[x]!;
    for (let ch = 0; ch < c; ch += 1) dst[out + x * c + ch] = s < 0 ? fillValue : src[row + s * c + ch]!;
  };
  for (let y = ylo; y < yhi; y += 1) {
    const row = srcAt + (y - ky) * rowLength;
    const out = dstAt + y * rowLength;
    for (let x = 0; x < lo; x += 1) edge(row, out, x);
    for (let x = hi; x < w; x += 1) edge(row, out, x);
  }
}

/** v / 2^24 rounded half to even (v ≥ 0, an exact integer). */
function roundQ(v: number): number {
  const q = Math.floor(v / ROUND_SHIFT);
  const r = v - q * ROUND_SHIFT;
  return r > ROUND_SHIFT / 2 || (r === ROUND_SHIFT / 2 && (q & 1) === 1) ? q + 1 : q;
}

/** One output row of an integer shift: the interior as one block copy, the edges through the map. */
function copyRow(src: Uint8Array | Uint32Array, dst: Uint8Array | Uint32Array, rowAt: number, out: number, col0: Int32Array, c: number, fillValue: number): void {
  const w = col0.length;
  if (rowAt < 0) {
    dst.fill(fillValue, out, out + w * c);
    return;
  }
  let x = 0;
  while (x < w) {
    const s = col0[x]!;
    // a run of consecutive source columns copies as one block
    let end = x + 1;
    if (s >= 0) while (end < w && col0[end] === s + (end - x)) end += 1;
    if (s < 0) {
      dst.fill(fillValue, out + x * c, out + end * c);
    } else if (end - x > 8) {
      dst.set(src.subarray(rowAt + s * c, rowAt + (s + end - x) * c), out + x * c);
    } else {
      for (let i = 0; i < (end - x) * c; i += 1) dst[out + x * c + i] = src[rowAt + s * c + i]!;
    }
    x = end;
  }
}

/** Shifts images [first, first + count) of the batch. */
export function shiftImages(req: ShiftRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  const { h, w, c } = req;
  const plane = h * w;
  for (let i = first; i < first + count; i += 1) {
    if (req.layout === 'NHWC') {
      shiftPlane(req, src, dst, i * plane * c, i * plane * c, c, i);
    } else {
      for (let ch = 0; ch < c; ch += 1) shiftPlane(req, src, dst, (i * c + ch) * plane, (i * c + ch) * plane, 1, i);
    }
  }
}
