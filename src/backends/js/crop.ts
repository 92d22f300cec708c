// Crops with padding in plain TypeScript, bit-identical to
// native/kernels/crop.h: output (y, x) of image i is the input at
// (y + top[i], x + left[i]), the input extended by shift's fill rule
// (mapIndex). float32 data moves as its bits (see flip.ts).
import type { CropRequest } from '../backend.js';
import { movable } from './flip.js';
import { mapIndex } from './shift.js';

type Elements = Uint8Array | Uint32Array;

/** Columns [x0, x1) of output row y of one plane (input plane at srcAt, output plane at dstAt). */
function cropRow(req: CropRequest, src: Elements, dst: Elements, srcAt: number, dstAt: number, c: number, top: number, left: number, fill: number, y: number, x0: number, x1: number): void {
  const { h, w, outW } = req;
  const out = dstAt + y * outW * c;
  const m = mapIndex(y + top, h, req.fill);
  if (m < 0) {
    dst.fill(fill, out + x0 * c, out + x1 * c);
    return;
  }
  const row = srcAt + m * w * c;
  const edge = (from: number, to: number): void => {
    for (let x = from; x < to; x += 1) {
      const s = mapIndex(x + left, w, req.fill);
      for (let ch = 0; ch < c; ch += 1) dst[out + x * c + ch] = s < 0 ? fill : src[row + s * c + ch]!;
    }
  };
  // interior [lo, hi): source columns inside the image, one block copy
  const lo = Math.max(0, Math.min(outW, -left));
  const hi = Math.max(lo, Math.min(outW, w - left));
  edge(x0, Math.min(x1, lo));
  edge(Math.max(x0, hi), x1);
  const a = Math.max(x0, lo);
  const b = Math.min(x1, hi);
  if (b > a) dst.set(src.subarray(row + (a + left) * c, row + (b + left) * c), out + a * c);
}

/**
 * Crops images [first, first + count) as a job for the async scheduler
 * (src/slices.ts): yields after about `unit` output elements, cutting long
 * rows into column ranges. cropImages runs it whole.
 */
export function* cropPieces(req: CropRequest, source: Uint8Array | Float32Array, target: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const [src, dst] = [movable(source), movable(target)];
  const fill = source instanceof Uint8Array ? req.fillValue : movable(Float32Array.of(req.fillValue))[0]!;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const planes = req.layout === 'NHWC' ? 1 : req.c;
  const columns = Math.max(1, Math.floor(unit / c));
  let done = 0;
  for (let i = first; i < first + count; i += 1) {
    for (let p = 0; p < planes; p += 1) {
      const plane = i * planes + p;
      for (let y = 0; y < req.outH; y += 1) {
        for (let x0 = 0; x0 < req.outW; x0 += columns) {
          const x1 = Math.min(req.outW, x0 + columns);
          cropRow(req, src, dst, plane * req.h * req.w * c, plane * req.outH * req.outW * c, c, req.top[i]!, req.left[i]!, fill, y, x0, x1);
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

export function cropImages(req: CropRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of cropPieces(req, src, dst, first, count, Infinity));
}
