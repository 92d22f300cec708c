// Gaussian blur in plain TypeScript, bit-identical to native/kernels/blur.h:
// each plane (NCHW) or the interleaved image (NHWC) is extended by shift's
// fill rule (mapIndex), filtered by a vertical then a horizontal pass, the
// weights symmetric: o = wt[r]·x_0, then for d = 1 … r in turn
// o = o + wt[r + d]·(x_−d + x_d), every operation rounded to float32
// (Math.fround), no fused multiply-add.
// uint8 results: saturate(roundHalfEven(o)), NaN giving 0.
import type { BlurRequest } from '../backend.js';
import { saturateU8 } from './noise.js';
import { mapIndex } from './shift.js';

const f = Math.fround;

/**
 * Blurs images [first, first + count) as a job for the async scheduler
 * (src/slices.ts): yields after about `unit` output elements (whole rows).
 * blurImages runs it whole.
 */
export function* blurPieces(req: BlurRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number, unit: number): Generator<void> {
  const { h, w, fill } = req;
  const c = req.layout === 'NHWC' ? req.c : 1;
  const planes = req.layout === 'NHWC' ? 1 : req.c;
  const row = w * c;
  const maxR = (req.stride - 1) / 2;
  const ext = new Float32Array((w + 2 * maxR) * c);
  const fv = f(req.fillValue);
  const uint8 = src instanceof Uint8Array;
  const rows = new Int32Array(maxR * 2 + 1);
  let done = 0;
  for (let i = first; i < first + count; i += 1) {
    const r = req.radius[i]!;
    const taps = 2 * r + 1;
    const wt = req.weights.subarray(i * req.stride, i * req.stride + taps);
    const mid = r * c;
    const wc = wt[r]!;
    let vfill = f(wc * fv);
    for (let d = 1; d <= r; d += 1) vfill = f(vfill + f(wt[r + d]! * f(fv + fv)));
    for (let p = 0; p < planes; p += 1) {
      const at = (i * planes + p) * h * row;
      for (let y = 0; y < h; y += 1) {
        // vertical pass: row offsets of y − r … y + r (−1: the fill value)
        for (let k = 0; k < taps; k += 1) {
          const m = mapIndex(y + k - r, h, fill);
          rows[k] = m < 0 ? -1 : at + m * row;
        }
        const read = (k: number, j: number): number => (rows[k]! < 0 ? fv : src[rows[k]! + j]!);
        for (let j = 0; j < row; j += 1) {
          let acc = f(wc * read(r, j));
          for (let d = 1; d <= r; d += 1) acc = f(acc + f(wt[r + d]! * f(read(r - d, j) + read(r + d, j))));
          ext[mid + j] = acc;
        }
        for (let x = -r; x < 0; x += 1) {
          const m = mapIndex(x, w, fill);
          for (let ch = 0; ch < c; ch += 1) ext[mid + x * c + ch] = m < 0 ? vfill : ext[mid + m * c + ch]!;
        }
        for (let x = w; x < w + r; x += 1) {
          const m = mapIndex(x, w, fill);
          for (let ch = 0; ch < c; ch += 1) ext[mid + x * c + ch] = m < 0 ? vfill : ext[mid + m * c + ch]!;
        }
        // horizontal pass: columns x − r … x + r
        const out = at + y * row;
        for (let j = 0; j < row; j += 1) {
          const centre = mid + j;
          let acc = f(wc * ext[centre]!);
          for (let d = 1; d <= r; d += 1) acc = f(acc + f(wt[r + d]! * f(ext[centre - d * c]! + ext[centre + d * c]!)));
          if (uint8) dst[out + j] = saturateU8(acc);
          else dst[out + j] = acc;
        }
        done += row;
        if (done >= unit) {
          done = 0;
          yield;
        }
      }
    }
  }
}

export function blurImages(req: BlurRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, first: number, count: number): void {
  for (const _ of blurPieces(req, src, dst, first, count, Infinity));
}
