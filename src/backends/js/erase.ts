// Random erasing (cutout) in plain TypeScript, bit-identical to
// native/kernels/erase.h. Image i is copied (float32 as its bits, see
// flip.ts; nothing when dst is src), then its boxes are filled in order:
// with one value per channel, or with noise that depends only on the
// element's NHWC position p = (y·w + x)·c + ch within the image (uint8: word
// p of sample firstSample + i's stream, >>> 24; float32: normal p of that
// stream), so a pixel's noise does not depend on the box, layout or batch.
import type { EraseRequest, StreamRequest } from '../backend.js';
import { movable } from './flip.js';
import { randomNormal, randomWords } from './random.js';

/** One box row's bw·c fill values (NHWC order) into row. */
function rowValues(req: EraseRequest, sample: number, y: number, left: number, bw: number, uint8: boolean, row: Float32Array, words: Uint32Array): void {
  const length = bw * req.c;
  if (!req.noise) {
    for (let k = 0; k < length; k += 1) row[k] = req.values[k % req.c]!;
    return;
  }
  const stream: StreamRequest = { key0: req.key0, key1: req.key1, first: (y * req.w + left) * req.c, epoch: req.epoch, stream: req.stream, offset: 0, scale: 1, sample };
  if (!uint8) {
    randomNormal(row.subarray(0, length), stream);
    return;
  }
  randomWords(words.subarray(0, length), stream);
  for (let k = 0; k < length; k += 1) row[k] = words[k]! >>> 24;
}

/** Rows [y0, y1) of box (top, left, bh, bw) of image i, each row's values written in the layout. */
function fillRows(req: EraseRequest, dst: Uint8Array | Float32Array, i: number, left: number, bw: number, y0: number, y1: number, row: Float32Array, words: Uint32Array): void {
  const plane = req.h * req.w;
  const at = i * plane * req.c;
  const uint8 = dst instanceof Uint8Array;
  for (let y = y0; y < y1; y += 1) {
    rowValues(req, req.firstSample + i, y, left, bw, uint8, row, words);
    if (req.layout === 'NHWC') {
      dst.set(row.subarray(0, bw * req.c), at + (y * req.w + left) * req.c);
      continue;
    }
    for (let ch = 0; ch < req.c; ch += 1) {
      const base = at + ch * plane + y * req.w + left;
      for (let x = 0; x < bw; x += 1) dst[base + x] = row[x * req.c + ch]!;
    }
  }
}

/**
 * Images [first, first + count) as a job for the async scheduler
 * (src/slices.ts): yields after each image's copy and after about `unit`
 * filled elements. eraseImages runs it whole.
 */
export function* erasePieces(req: EraseRequest, source: Uint8Array | Float32Array, target: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const image = req.h * req.w * req.c;
  const [src, dst] = [movable(source), movable(target)];
  const row = new Float32Array(req.w * req.c);
  const words = new Uint32Array(req.w * req.c);
  const rowsPerUnit = Math.max(1, Math.floor(unit / (req.w * req.c)));
  for (let i = first; i < first + count; i += 1) {
    if (source !== target) {
      dst.set(src.subarray(i * image, (i + 1) * image), i * image);
      yield;
    }
    for (let j = 0; j < req.count; j += 1) {
      const box = i * req.count + j;
      const [top, left, bh, bw] = [req.top[box]!, req.left[box]!, req.height[box]!, req.width[box]!];
      if (bh <= 0 || bw <= 0) continue;
      for (let y = top; y < top + bh; y += rowsPerUnit) {
        fillRows(req, target, i, left, bw, y, Math.min(top + bh, y + rowsPerUnit), row, words);
        yield;
      }
    }
  }
}

export function eraseImages(req: EraseRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of erasePieces(req, src, dst, first, count, Infinity));
}
