// Per-image flips in plain TypeScript, bit-identical to native/kernels/flip.h.
//
// Rows move in mirrored pairs (y, h − 1 − y) and, with a horizontal flip,
// columns in mirrored pairs (x, w − 1 − x): every piece of work reads all
// the elements it writes before writing any, so dst may be src (in place).
// float32 data moves as its bits (Uint32Array views): an element-wise copy
// through a JS number would quiet a signalling NaN, as in shift.ts.
import type { FlipRequest } from '../backend.js';

type Elements = Uint8Array | Uint32Array;

/** The elements as the kernels move them: uint8 as is, float32 as bits. */
export function movable(a: Uint8Array | Float32Array): Elements {
  return a instanceof Uint8Array ? a : new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/**
 * Column pairs [x0, x1) of rows ya and yb of one plane (rows start at
 * at + y · w · c in both arrays): output row yb takes source row ya, output
 * row ya takes source row yb, each mirrored when `mirror` (then x < ⌈w/2⌉
 * pairs column x with w − 1 − x; else x0, x1 are plain columns).
 */
function flipRowPair(src: Elements, dst: Elements, at: number, w: number, c: number, ya: number, yb: number, mirror: boolean, x0: number, x1: number): void {
  const a = at + ya * w * c;
  const b = at + yb * w * c;
  if (!mirror) {
    if (ya === yb) {
      // one row copied (a no-op in place)
      dst.set(src.subarray(a + x0 * c, a + x1 * c), a + x0 * c);
    } else {
      // swapped element by element: safe in place even where two SharedArrayBuffer objects are one memory
      for (let i = x0 * c; i < x1 * c; i += 1) {
        const va = src[a + i]!;
        const vb = src[b + i]!;
        dst[b + i] = va;
        dst[a + i] = vb;
      }
    }
    return;
  }
  for (let x = x0; x < x1; x += 1) {
    const xa = x * c;
    const xb = (w - 1 - x) * c;
    for (let ch = 0; ch < c; ch += 1) {
      const a0 = src[a + xa + ch]!;
      const a1 = src[a + xb + ch]!;
      const b0 = src[b + xa + ch]!;
      const b1 = src[b + xb + ch]!;
      dst[b + xb + ch] = a0;
      dst[b + xa + ch] = a1;
      dst[a + xb + ch] = b0;
      dst[a + xa + ch] = b1;
    }
  }
}

/**
 * Flips images [first, first + count) as a job for the async scheduler
 * (src/slices.ts): yields after about `unit` elements of one row pair,
 * cutting long rows into column ranges. flipImages runs it whole.
 */
export function* flipPieces(req: FlipRequest, source: Uint8Array | Float32Array, target: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const [src, dst] = [movable(source), movable(target)];
  const { h, w } = req;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const planes = req.layout === 'NHWC' ? 1 : req.c;
  const columnsPerPiece = Math.max(1, Math.floor(unit / c));
  let done = 0;
  for (let i = first; i < first + count; i += 1) {
    const horizontal = req.horizontal[i] !== 0;
    const vertical = req.vertical[i] !== 0;
    const rows = vertical ? Math.ceil(h / 2) : h;
    const columns = horizontal ? Math.ceil(w / 2) : w;
    for (let p = 0; p < planes; p += 1) {
      const at = (i * planes + p) * h * w * c;
      for (let y = 0; y < rows; y += 1) {
        for (let x0 = 0; x0 < columns; x0 += columnsPerPiece) {
          const x1 = Math.min(columns, x0 + columnsPerPiece);
          flipRowPair(src, dst, at, w, c, y, vertical ? h - 1 - y : y, horizontal, x0, x1);
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

export function flipImages(req: FlipRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of flipPieces(req, src, dst, first, count, Infinity));
}
