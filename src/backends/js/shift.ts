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

/** The bits of a float32 array, as a view of the same memory. */
function float32Bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** One plane of one image: offsets, tap weights, fill (as shift.h's Plane). */
interface Plane {
  h: number;
  w: number;
  c: number;
  kx: number;
  ky: number;
  fill: number;
  fillValue: number;
  wx1: number;
  wx0: number;
  wy1: number;
  wy0: number;
}

/**
 * One output element from its four taps (a<row><column>: row r0 or r1,
 * column s0 or s1), in the order of the two-pass definition: the horizontal
 * blend of each source row, then the blend of the rows. float32 rounds every
 * product and sum; uint8 is exact integer math in 1/4096ths per axis,
 * rounded once.
 */
function blendFloat32(q: Plane, a00: number, a01: number, a10: number, a11: number): number {
  const h0 = q.wx1 !== 0 ? Math.fround(Math.fround(q.wx1 * a01) + Math.fround(q.wx0 * a00)) : a00;
  if (q.wy1 === 0) return h0;
  const h1 = q.wx1 !== 0 ? Math.fround(Math.fround(q.wx1 * a11) + Math.fround(q.wx0 * a10)) : a10;
  return Math.fround(Math.fround(q.wy1 * h1) + Math.fround(q.wy0 * h0));
}

function blendUint8(q: Plane, a00: number, a01: number, a10: number, a11: number): number {
  const h0 = q.wx1 !== 0 ? q.wx1 * a01 + q.wx0 * a00 : a00 * ONE_Q;
  if (q.wy1 === 0) return roundQ(h0 * ONE_Q);
  const h1 = q.wx1 !== 0 ? q.wx1 * a11 + q.wx0 * a10 : a10 * ONE_Q;
  return roundQ(q.wy1 * h1 + q.wy0 * h0);
}

/**
 * Output columns [x0, x1) of a row through the fill rule, one element at a
 * time from its four taps; r0, r1 are the source rows' starts, or −1 for the
 * constant row.
 */
function blendColumns(q: Plane, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r0: number, r1: number, out: number, x0: number, x1: number): void {
  const { w, c, kx, fill, fillValue } = q;
  const blend = src instanceof Uint8Array ? blendUint8 : blendFloat32;
  for (let x = x0; x < x1; x += 1) {
    const s0 = mapIndex(x - kx, w, fill);
    const s1 = mapIndex(x - kx - 1, w, fill);
    for (let ch = 0; ch < c; ch += 1) {
      const a00 = r0 < 0 || s0 < 0 ? fillValue : src[r0 + s0 * c + ch]!;
      const a01 = r0 < 0 || s1 < 0 ? fillValue : src[r0 + s1 * c + ch]!;
      const a10 = r1 < 0 || s0 < 0 ? fillValue : src[r1 + s0 * c + ch]!;
      const a11 = r1 < 0 || s1 < 0 ? fillValue : src[r1 + s1 * c + ch]!;
      dst[out + x * c + ch] = blend(q, a00, a01, a10, a11);
    }
  }
}

/**
 * Columns [x0, x1) of output row y of a plane (h × w pixels of c interleaved
 * channels starting at srcAt in src, dstAt in dst) with a fractional offset,
 * each element from its four taps: no row buffers or column tables, so memory
 * does not grow with the image.
 */
function blendRow(q: Plane, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, srcAt: number, dstAt: number, y: number, x0: number, x1: number): void {
  const { h, w, c, kx, ky, fill } = q;
  const rowLength = w * c;
  const out = dstAt + y * rowLength;
  const m0 = mapIndex(y - ky, h, fill);
  const m1 = q.wy1 !== 0 ? mapIndex(y - ky - 1, h, fill) : m0;
  const r0 = m0 < 0 ? -1 : srcAt + m0 * rowLength;
  const r1 = m1 < 0 ? -1 : srcAt + m1 * rowLength;
  if (r0 < 0 || r1 < 0) {
    blendColumns(q, src, dst, r0, r1, out, x0, x1);
    return;
  }
  // interior [lo, hi): every tap inside the row
  const lo = Math.max(0, Math.min(w, kx + (q.wx1 !== 0 ? 1 : 0)));
  const hi = Math.max(lo, Math.min(w, w + kx));
  blendColumns(q, src, dst, r0, r1, out, x0, Math.min(x1, lo));
  blendColumns(q, src, dst, r0, r1, out, Math.max(x0, hi), x1);
  const a = Math.max(x0, lo);
  const b = Math.min(x1, hi);
  if (b > a) interior(q, src, dst, r0 + (a - kx) * c, r1 + (a - kx) * c, out + a * c, (b - a) * c);
}

/**
 * The interior of one row, where every tap is inside both source rows:
 * element i reads p0 + i (column s0) and p0 + i − c (s1) in row r0, p1 the
 * same in r1. blendUint8 / blendFloat32 written out per tap pattern, so that
 * the hot loop makes no calls.
 */
function interior(q: Plane, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, p0: number, p1: number, o: number, n: number): void {
  const { c, wx1, wx0, wy1, wy0 } = q;
  const f = Math.fround;
  if (src instanceof Uint8Array) {
    if (wx1 !== 0 && wy1 !== 0) {
      for (let i = 0; i < n; i += 1) dst[o + i] = roundQ(wy1 * (wx1 * src[p1 + i - c]! + wx0 * src[p1 + i]!) + wy0 * (wx1 * src[p0 + i - c]! + wx0 * src[p0 + i]!));
    } else if (wx1 !== 0) {
      for (let i = 0; i < n; i += 1) dst[o + i] = roundQ((wx1 * src[p0 + i - c]! + wx0 * src[p0 + i]!) * ONE_Q);
    } else {
      for (let i = 0; i < n; i += 1) dst[o + i] = roundQ(wy1 * (src[p1 + i]! * ONE_Q) + wy0 * (src[p0 + i]! * ONE_Q));
    }
    return;
  }
  if (wx1 !== 0 && wy1 !== 0) {
    for (let i = 0; i < n; i += 1) {
      const h0 = f(f(wx1 * src[p0 + i - c]!) + f(wx0 * src[p0 + i]!));
      const h1 = f(f(wx1 * src[p1 + i - c]!) + f(wx0 * src[p1 + i]!));
      dst[o + i] = f(f(wy1 * h1) + f(wy0 * h0));
    }
  } else if (wx1 !== 0) {
    for (let i = 0; i < n; i += 1) dst[o + i] = f(f(wx1 * src[p0 + i - c]!) + f(wx0 * src[p0 + i]!));
  } else {
    for (let i = 0; i < n; i += 1) dst[o + i] = f(f(wy1 * src[p1 + i]!) + f(wy0 * src[p0 + i]!));
  }
}

/** v / 2^24 rounded half to even (v ≥ 0, an exact integer). */
export function roundQ(v: number): number {
  const q = Math.floor(v / ROUND_SHIFT);
  const r = v - q * ROUND_SHIFT;
  return r > ROUND_SHIFT / 2 || (r === ROUND_SHIFT / 2 && (q & 1) === 1) ? q + 1 : q;
}

// --- integer shifts as runs (as shift.h): through any fill rule, the source
// columns of a row form a few runs — the fill value, one pixel repeated, or
// pixels in forward or reverse order — written with fill / set / short loops
// instead of an index map per element.

const RUN_FILL = 0;
const RUN_REPEAT = 1;
const RUN_FORWARD = 2;
const RUN_BACKWARD = 3;

/** One run: output pixels [x, x + n) from source pixel s onward (forward, backward, repeated) or the fill. */
interface Run {
  kind: number;
  s: number;
  n: number;
}

function floorMod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

/** The run starting at output column x of a row shifted by k, at most end − x long, written into `run`. */
function nextRun(run: Run, x: number, end: number, w: number, k: number, fill: number): void {
  const t = x - k;
  const room = end - x;
  let kind: number;
  let s: number;
  let n: number;
  if (t >= 0 && t < w) {
    [kind, s, n] = [RUN_FORWARD, t, w - t];
  } else if (fill === FILL_CODES.nearest) {
    [kind, s, n] = t < 0 ? [RUN_REPEAT, 0, -t] : [RUN_REPEAT, w - 1, room];
  } else if (fill === FILL_CODES.reflect) { // abcd dcba, period 2w
    const m = floorMod(t, 2 * w);
    [kind, s, n] = m < w ? [RUN_FORWARD, m, w - m] : [RUN_BACKWARD, 2 * w - 1 - m, 2 * w - m];
  } else if (fill === FILL_CODES.mirror) { // abcd cb, period 2w − 2
    const m = w === 1 ? 0 : floorMod(t, 2 * w - 2);
    [kind, s, n] = w === 1 ? [RUN_REPEAT, 0, room] : m < w ? [RUN_FORWARD, m, w - m] : [RUN_BACKWARD, 2 * w - 2 - m, 2 * w - 2 - m];
  } else if (fill === FILL_CODES.wrap) {
    const m = floorMod(t, w);
    [kind, s, n] = [RUN_FORWARD, m, w - m];
  } else {
    [kind, s, n] = t < 0 ? [RUN_FILL, 0, -t] : [RUN_FILL, 0, room];
  }
  run.kind = kind;
  run.s = s;
  run.n = Math.min(n, room);
}

/**
 * Output columns [x0, x1) of one row from the source row starting at `row`
 * (c elements per pixel), run by run; `out` is the output row's start.
 */
function writeRuns<A extends Elements>(a: ShiftArrays<A>, q: Plane, row: number, out: number, x0: number, x1: number): void {
  const { w, c, kx, fill } = q;
  const run: Run = { kind: 0, s: 0, n: 0 };
  for (let x = x0; x < x1; x += run.n) {
    nextRun(run, x, x1, w, kx, fill);
    const o = out + x * c;
    const from = row + run.s * c;
    if (run.kind === RUN_FILL) fillForward(a, o, run.n * c);
    else if (run.kind === RUN_FORWARD) copyForward(a, from, o, run.n * c);
    else if (run.kind === RUN_BACKWARD) a.loops.copyBackward(a, from, o, run.n, c);
    else a.loops.repeat(a, from, o, run.n * c, c);
  }
}

/**
 * Columns [x0, x1) of output row y of an integer shift (plane at `at` in
 * both arrays), as runs; a row whose source is outside the image under the
 * constant fill is filled.
 */
function copyRow<A extends Elements>(a: ShiftArrays<A>, q: Plane, at: number, y: number, x0: number, x1: number): void {
  const rowLength = q.w * q.c;
  const out = at + y * rowLength;
  const m = mapIndex(y - q.ky, q.h, q.fill);
  if (m < 0) a.dst.fill(a.fillValue, out + x0 * q.c, out + x1 * q.c);
  else writeRuns(a, q, at + m * rowLength, out, x0, x1);
}

// --- whole planes of an integer shift with |kx| < w. Every row then has ONE
// edge of |kx| pixels (left when kx > 0, right when kx < 0) and, whatever
// the fill, the edge is a single run at the same columns in every row. So a
// band of rows read from consecutive source rows is one block copy (edge
// columns included, wrongly) plus one short run per row; a row outside the
// bands is a copyWithin of an output row already written, or the fill. The
// per-element work is the edges only (|kx| · c elements a row), and the
// calls are about one per row: V8's fill / copyWithin / set cost 30–70 ns
// a call here, its element loops ~1 ns an element.

/** The edge of every row of a plane: output columns [x0, x1), a run from source column s (RUN_* kinds). */
interface Edge {
  kind: number;
  x0: number;
  x1: number;
  s: number;
}

/** The edge of the rows of a plane shifted by kx (0 < |kx| < w), through the fill rule (as nextRun). */
function planeEdge(w: number, kx: number, fill: number): Edge {
  const [x0, x1] = kx > 0 ? [0, kx] : [w + kx, w];
  // the edge's first output column reads source column x0 − kx: −kx (left) or w (right)
  switch (fill) {
    case FILL_CODES.nearest:
      return { kind: RUN_REPEAT, x0, x1, s: kx > 0 ? 0 : w - 1 };
    case FILL_CODES.wrap:
      return { kind: RUN_FORWARD, x0, x1, s: kx > 0 ? w - kx : 0 };
    case FILL_CODES.reflect: // −1 − t, or 2w − 1 − t
      return { kind: RUN_BACKWARD, x0, x1, s: kx > 0 ? kx - 1 : w - 1 };
    case FILL_CODES.mirror: // −t, or 2w − 2 − t
      return { kind: RUN_BACKWARD, x0, x1, s: kx > 0 ? kx : w - 2 };
    default:
      return { kind: RUN_FILL, x0, x1, s: 0 };
  }
}

type Elements = Uint8Array | Uint32Array;

/**
 * One integer-shifted image's arrays (float32 data as bits), the same bytes
 * as DataViews (uint8 3-channel runs move 4-byte words through them), their
 * element loops, and the fill value in the same form.
 */
interface ShiftArrays<A extends Elements> {
  src: A;
  dst: A;
  srcView: DataView;
  dstView: DataView;
  loops: ElementLoops<A>;
  fillValue: number;
}

/**
 * The element loops of integer shifts: a short forward copy, pixels copied in
 * reverse order (source pixel from − j to output pixel j, pixels of c
 * elements, `from` an element index), and one pixel repeated over n
 * elements. Written once for uint8 data and once for float32 data as bits:
 * V8 keeps type feedback per function literal, and a loop that has seen
 * both typed-array kinds ran 2–4× slower here (reversed 3-channel copies,
 * Zen 5).
 */
interface ElementLoops<A extends Elements> {
  fill(a: ShiftArrays<A>, to: number, n: number): void;
  /** Below this many elements `copy` beats set(subarray(…)) (~70 ns a call: it allocates a view). */
  shortCopy: number;
  copy(a: ShiftArrays<A>, from: number, to: number, n: number): void;
  copyBackward(a: ShiftArrays<A>, from: number, to: number, pixels: number, c: number): void;
  repeat(a: ShiftArrays<A>, from: number, to: number, n: number, c: number): void;
}

const UINT8_LOOPS: ElementLoops<Uint8Array> = {
  fill({ dst, fillValue }, to, n) {
    for (let i = to; i < to + n; i += 1) dst[i] = fillValue;
  },
  shortCopy: 160,
  copy({ src, dst, srcView, dstView }, from, to, n) { // 4 bytes at a time through the DataViews
    let i = 0;
    for (; i + 4 <= n; i += 4) dstView.setUint32(to + i, srcView.getUint32(from + i, true), true);
    for (; i < n; i += 1) dst[to + i] = src[from + i]!;
  },
  copyBackward({ src, dst, srcView, dstView }, from, to, pixels, c) {
    if (c !== 3) {
      for (let j = 0; j < pixels; j += 1) {
        for (let ch = 0; ch < c; ch += 1) dst[to + j * c + ch] = src[from - j * c + ch]!;
      }
      return;
    }
    // 4 pixels (12 bytes) as 3 little-endian words: source pixels p0 (at
    // from) down to p3 (at from − 9) are the words s0 = p3 p3 p3 p2,
    // s1 = p2 p2 p1 p1, s2 = p1 p0 p0 p0 (bytes from low to high); the output
    // p0 p0 p0 p1 | p1 p1 p2 p2 | p2 p3 p3 p3. V8's element loops cost
    // ~1.5 ns a byte here; words through a DataView ~1.7× less a pixel.
    let j = 0;
    let [a, b] = [to, from];
    for (; j + 4 <= pixels; j += 4, a += 12, b -= 12) {
      const s0 = srcView.getUint32(b - 9, true);
      const s1 = srcView.getUint32(b - 5, true);
      const s2 = srcView.getUint32(b - 1, true);
      dstView.setUint32(a, (s2 >>> 8) | ((s1 << 8) & 0xff000000), true);
      dstView.setUint32(a + 4, (s1 >>> 24) | ((s2 & 0xff) << 8) | ((s0 >>> 24) << 16) | (s1 << 24), true);
      dstView.setUint32(a + 8, ((s1 >>> 8) & 0xff) | (s0 << 8), true);
    }
    for (; j < pixels; j += 1, a += 3, b -= 3) {
      dst[a] = src[b]!;
      dst[a + 1] = src[b + 1]!;
      dst[a + 2] = src[b + 2]!;
    }
  },
  repeat({ src, dst, dstView }, from, to, n, c) {
    if (c === 1) {
      dst.fill(src[from]!, to, to + n);
    } else if (c === 3) { // as 3 little-endian words per 4 pixels: v0 v1 v2 v0 | v1 v2 v0 v1 | v2 v0 v1 v2
      const [v0, v1, v2] = [src[from]!, src[from + 1]!, src[from + 2]!];
      const [w0, w1, w2] = [v0 | (v1 << 8) | (v2 << 16) | (v0 << 24), v1 | (v2 << 8) | (v0 << 16) | (v1 << 24), v2 | (v0 << 8) | (v1 << 16) | (v2 << 24)];
      let i = to;
      for (; i + 12 <= to + n; i += 12) {
        dstView.setUint32(i, w0, true);
        dstView.setUint32(i + 4, w1, true);
        dstView.setUint32(i + 8, w2, true);
      }
      for (; i < to + n; i += 3) {
        dst[i] = v0;
        dst[i + 1] = v1;
        dst[i + 2] = v2;
      }
    } else {
      for (let i = 0; i < n; i += c) {
        for (let ch = 0; ch < c; ch += 1) dst[to + i + ch] = src[from + ch]!;
      }
    }
  },
};

// the same loops for Uint32Array (see ElementLoops for why a second copy)
const FLOAT32_BITS_LOOPS: ElementLoops<Uint32Array> = {
  fill({ dst, fillValue }, to, n) {
    for (let i = to; i < to + n; i += 1) dst[i] = fillValue;
  },
  shortCopy: 32,
  copy({ src, dst }, from, to, n) {
    for (let i = 0; i < n; i += 1) dst[to + i] = src[from + i]!;
  },
  copyBackward({ src, dst }, from, to, pixels, c) {
    if (c === 3) { // written out: the common case, and V8 does not unroll the channel loop
      for (let j = 0, a = to, b = from; j < pixels; j += 1, a += 3, b -= 3) {
        dst[a] = src[b]!;
        dst[a + 1] = src[b + 1]!;
        dst[a + 2] = src[b + 2]!;
      }
    } else {
      for (let j = 0; j < pixels; j += 1) {
        for (let ch = 0; ch < c; ch += 1) dst[to + j * c + ch] = src[from - j * c + ch]!;
      }
    }
  },
  repeat({ src, dst }, from, to, n, c) {
    if (c === 1) {
      dst.fill(src[from]!, to, to + n);
    } else if (c === 3) {
      const [v0, v1, v2] = [src[from]!, src[from + 1]!, src[from + 2]!];
      for (let i = to; i < to + n; i += 3) {
        dst[i] = v0;
        dst[i + 1] = v1;
        dst[i + 2] = v2;
      }
    } else {
      for (let i = 0; i < n; i += c) {
        for (let ch = 0; ch < c; ch += 1) dst[to + i + ch] = src[from + ch]!;
      }
    }
  },
};

/** Below this many elements a loop beats fill (~40 ns a call). */
const SHORT_FILL = 32;

/** n elements from src at `from` to dst at `to`. */
function copyForward<A extends Elements>(a: ShiftArrays<A>, from: number, to: number, n: number): void {
  if (n >= a.loops.shortCopy) a.dst.set(a.src.subarray(from, from + n), to);
  else a.loops.copy(a, from, to, n);
}

/** n elements of the fill value from `to` on. */
function fillForward<A extends Elements>(a: ShiftArrays<A>, to: number, n: number): void {
  if (n >= SHORT_FILL) a.dst.fill(a.fillValue, to, to + n);
  else a.loops.fill(a, to, n);
}

/** The edge of one output row (starting at `out`) from its source row (starting at `row`). */
function writeEdge<A extends Elements>(a: ShiftArrays<A>, e: Edge, c: number, row: number, out: number): void {
  const to = out + e.x0 * c;
  const n = (e.x1 - e.x0) * c;
  if (e.kind === RUN_FILL) fillForward(a, to, n);
  else if (e.kind === RUN_FORWARD) copyForward(a, row + e.s * c, to, n);
  else if (e.kind === RUN_BACKWARD) a.loops.copyBackward(a, row + e.s * c, to, e.x1 - e.x0, c);
  else a.loops.repeat(a, row + e.s * c, to, n, c);
}

/**
 * Output rows [y0, y1) of a plane (at `at` in both arrays) from source rows
 * sy0, sy0 + 1, …: the interiors are contiguous in both planes, so they are
 * ONE copy (the edge columns between them too, overwritten next), then each
 * row's edge.
 */
function copyBand<A extends Elements>(a: ShiftArrays<A>, q: Plane, e: Edge, at: number, y0: number, y1: number, sy0: number): void {
  const { w, c, kx } = q;
  const rowLength = w * c;
  const lo = Math.max(0, kx);
  const hi = Math.min(w, w + kx);
  copyForward(a, at + sy0 * rowLength + (lo - kx) * c, at + y0 * rowLength + lo * c, (y1 - y0 - 1) * rowLength + (hi - lo) * c);
  if (e.x1 === e.x0) return;
  for (let y = y0, row = at + sy0 * rowLength; y < y1; y += 1, row += rowLength) writeEdge(a, e, c, row, at + y * rowLength);
}

/**
 * A whole plane of an integer shift: the band of rows whose source is inside
 * the image; for wrap the rows wrapped from the other end are a second band;
 * any other row outside the band repeats a source row already written
 * (nearest, reflect, mirror: a copyWithin of that output row) or is filled.
 * Offsets of a whole width or more go row by row through the runs.
 */
function copyPlane<A extends Elements>(a: ShiftArrays<A>, q: Plane, at: number): void {
  const { h, w, c, kx, ky, fill } = q;
  const { dst, fillValue } = a;
  const rowLength = w * c;
  if (kx >= w || kx <= -w) {
    for (let y = 0; y < h; y += 1) copyRow(a, q, at, y, 0, w);
    return;
  }
  const e = planeEdge(w, kx, fill);
  const ylo = Math.max(0, Math.min(h, ky));
  const yhi = Math.max(ylo, Math.min(h, h + ky));
  if (yhi > ylo) copyBand(a, q, e, at, ylo, yhi, ylo - ky);
  if (fill === FILL_CODES.constant) {
    dst.fill(fillValue, at, at + ylo * rowLength);
    dst.fill(fillValue, at + yhi * rowLength, at + h * rowLength);
    return;
  }
  if (fill === FILL_CODES.wrap && yhi > ylo) { // the rest is rows [0, ky) from the last ky source rows, or the first −ky rows
    if (ky > 0) copyBand(a, q, e, at, 0, ylo, h - ky);
    else if (ky < 0) copyBand(a, q, e, at, yhi, h, 0);
    return;
  }
  let [lastSource, lastRow] = [-1, -1];
  for (let y = 0; y < h; y += 1) {
    if (y === ylo) y = yhi;
    if (y >= h) break;
    const m = mapIndex(y - ky, h, fill);
    const band = m + ky; // the band row that reads source row m, if it is one
    const out = at + y * rowLength;
    if (band >= ylo && band < yhi) {
      dst.copyWithin(out, at + band * rowLength, at + (band + 1) * rowLength);
    } else if (m === lastSource) {
      dst.copyWithin(out, at + lastRow * rowLength, at + (lastRow + 1) * rowLength);
    } else {
      copyBand(a, q, e, at, y, y + 1, m);
      [lastSource, lastRow] = [m, y];
    }
  }
}

/** Writes columns [x0, x1) of output row y of plane p of one image (p: the channel in NCHW, 0 in NHWC). */
type RowWriter = (p: number, y: number, x0: number, x1: number) => void;

function imageRows(req: ShiftRequest, arrays: ShiftArrays<Uint8Array> | ShiftArrays<Uint32Array>, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, image: number): RowWriter {
  const { h, w } = req;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const q: Plane = {
    h, w, c, kx: req.kx[image]!, ky: req.ky[image]!, fill: req.fill, fillValue: req.fillValue,
    wx1: req.wx1[image]!, wx0: req.wx0[image]!, wy1: req.wy1[image]!, wy0: req.wy0[image]!,
  };
  const planeLength = h * w * c;
  const at = image * h * w * req.c;
  if (q.wx1 !== 0 || q.wy1 !== 0) return (p, y, x0, x1) => blendRow(q, src, dst, at + p * planeLength, at + p * planeLength, y, x0, x1);
  if (arrays.src instanceof Uint8Array) {
    const a = arrays as ShiftArrays<Uint8Array>;
    return (p, y, x0, x1) => copyRow(a, q, at + p * planeLength, y, x0, x1);
  }
  const a = arrays as ShiftArrays<Uint32Array>;
  return (p, y, x0, x1) => copyRow(a, q, at + p * planeLength, y, x0, x1);
}

/** Shifts images [first, first + count) of the batch. */
export function shiftImages(req: ShiftRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  const planes = req.layout === 'NHWC' ? 1 : req.c;
  const arrays = shiftArrays(req, src, dst);
  for (let i = first; i < first + count; i += 1) {
    if (req.wx1[i] === 0 && req.wy1[i] === 0) {
      if (arrays.src instanceof Uint8Array) copyImage(req, arrays as ShiftArrays<Uint8Array>, i);
      else copyImage(req, arrays as ShiftArrays<Uint32Array>, i);
      continue;
    }
    const row = imageRows(req, arrays, src, dst, i);
    for (let p = 0; p < planes; p += 1) {
      for (let y = 0; y < req.h; y += 1) row(p, y, 0, req.w);
    }
  }
}

/**
 * The arrays of a shift call as the integer-shift writers take them: float32
 * data as bits, since an element-wise copy through a JS number would quiet a
 * signalling NaN, where the native block copies keep every bit.
 */
function shiftArrays(req: ShiftRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array): ShiftArrays<Uint8Array> | ShiftArrays<Uint32Array> {
  const views = { srcView: new DataView(src.buffer, src.byteOffset, src.byteLength), dstView: new DataView(dst.buffer, dst.byteOffset, dst.byteLength) };
  if (src instanceof Uint8Array) return { src, dst: dst as Uint8Array, ...views, loops: UINT8_LOOPS, fillValue: req.fillValue };
  const fillValue = float32Bits(Float32Array.of(req.fillValue))[0]!;
  return { src: float32Bits(src), dst: float32Bits(dst as Float32Array), ...views, loops: FLOAT32_BITS_LOOPS, fillValue };
}

/** An integer shift of one image, plane by plane (copyPlane). */
function copyImage<A extends Elements>(req: ShiftRequest, a: ShiftArrays<A>, image: number): void {
  const { h, w } = req;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const q: Plane = {
    h, w, c, kx: req.kx[image]!, ky: req.ky[image]!, fill: req.fill, fillValue: req.fillValue, wx1: 0, wx0: 1, wy1: 0, wy0: 1,
  };
  const planeLength = h * w * c;
  const at = image * h * w * req.c;
  for (let p = 0; p < req.c / c; p += 1) copyPlane(a, q, at + p * planeLength);
}

/**
 * shiftImages as a job for the async scheduler (src/slices.ts): yields after
 * about `unit` output elements, cutting rows longer than that into column
 * ranges, so that no unit of work grows with the image. Integer shifts with
 * |dx| < w whose rows fit in a unit go as row ranges (copyPlaneRows).
 */
export function* shiftPieces(req: ShiftRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const planes = req.layout === 'NHWC' ? 1 : req.c;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const columns = Math.max(1, Math.floor(unit / c));
  const arrays = shiftArrays(req, src, dst);
  let done = 0;
  for (let i = first; i < first + count; i += 1) {
    if (req.wx1[i] === 0 && req.wy1[i] === 0 && Math.abs(req.kx[i]!) < req.w && req.w * c <= unit) {
      const rows = Math.floor(unit / (req.w * c));
      const write = arrays.src instanceof Uint8Array ? integerRows(req, arrays as ShiftArrays<Uint8Array>, i) : integerRows(req, arrays as ShiftArrays<Uint32Array>, i);
      for (let p = 0; p < planes; p += 1) {
        for (let y0 = 0; y0 < req.h; y0 += rows) {
          const y1 = Math.min(req.h, y0 + rows);
          write(p, y0, y1);
          done += (y1 - y0) * req.w * c;
          if (done >= unit) {
            done = 0;
            yield;
          }
        }
      }
      continue;
    }
    const row = imageRows(req, arrays, src, dst, i);
    for (let p = 0; p < planes; p += 1) {
      for (let y = 0; y < req.h; y += 1) {
        for (let x0 = 0; x0 < req.w; x0 += columns) {
          const x1 = Math.min(req.w, x0 + columns);
          row(p, y, x0, x1);
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

/** Writes output rows [y0, y1) of plane p of one integer-shifted image (|kx| < w). */
function integerRows<A extends Elements>(req: ShiftRequest, a: ShiftArrays<A>, image: number): (p: number, y0: number, y1: number) => void {
  const { h, w } = req;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const q: Plane = {
    h, w, c, kx: req.kx[image]!, ky: req.ky[image]!, fill: req.fill, fillValue: req.fillValue, wx1: 0, wx0: 1, wy1: 0, wy0: 1,
  };
  const e = planeEdge(w, q.kx, q.fill);
  const at = image * h * w * req.c;
  return (p, y0, y1) => copyPlaneRows(a, q, e, at + p * h * w * c, y0, y1);
}

/**
 * Output rows [y0, y1) of a plane shifted by |kx| < w, without reading other
 * output rows: runs of rows read from consecutive source rows are bands
 * (copyBand), runs of rows outside the image under the constant fill are one
 * fill.
 */
function copyPlaneRows<A extends Elements>(a: ShiftArrays<A>, q: Plane, e: Edge, at: number, y0: number, y1: number): void {
  const { h, w, c, ky, fill } = q;
  for (let y = y0, end = y0; y < y1; y = end) {
    const m = mapIndex(y - ky, h, fill);
    end = y + 1;
    if (m < 0) {
      while (end < y1 && mapIndex(end - ky, h, fill) < 0) end += 1;
      a.dst.fill(a.fillValue, at + y * w * c, at + end * w * c);
    } else {
      while (end < y1 && mapIndex(end - ky, h, fill) === m + end - y) end += 1;
      copyBand(a, q, e, at, y, end, m);
    }
  }
}
