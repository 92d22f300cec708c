// Noise injection in plain TypeScript, bit-identical to native/kernels/noise.h:
// per image, stream values for a chunk of positions, then applied element by
// element. Position j of image i's stream is element j in NHWC order
// (pixel · c + channel), or pixel j without perChannel, whatever the layout.
import { NOISE_KIND, noisePositions, type NoiseRequest, type StreamRequest } from '../backend.js';
import { randomNormal, randomUniform, randomWords } from './random.js';

const CHUNK = 512;
const MAGIC = 6755399441055744; // 1.5 · 2^52

/** Round half to even for |v| < 2^51, the same two steps as the C++. */
function roundHalfEven(v: number): number {
  return v + MAGIC - MAGIC;
}

/** saturate(roundHalfEven(v)) to [0, 255]; NaN stays NaN (a Uint8Array stores 0). Shared by the colour kernels. */
export function saturateU8(v: number): number {
  const r = roundHalfEven(v);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

// Chunk buffers, shared by every call; grown only for NCHW per-channel
// images with more than CHUNK channels (a chunk holds whole pixels there).
let values = new Float32Array(CHUNK);
let halves = new Uint32Array(CHUNK);
let words = new Uint32Array(CHUNK / 2 + 2);

function ensureChunkCapacity(m: number): void {
  if (values.length >= m) return;
  values = new Float32Array(m);
  halves = new Uint32Array(m);
  words = new Uint32Array((m >> 1) + 2);
}

function chunkValues(req: NoiseRequest, image: number, j0: number, m: number): void {
  const stream: StreamRequest = {
    key0: req.key0, key1: req.key1, first: j0, epoch: req.epoch, stream: req.stream,
    offset: req.offset[image]!, scale: req.scale[image]!, sample: req.firstSample + image,
  };
  if (req.kind === NOISE_KIND.saltAndPepper) {
    // position j is half j & 1 of word ⌊j / 2⌋ (j0 may be odd)
    const odd = j0 & 1;
    randomWords(words.subarray(0, (m + odd + 1) >> 1), { ...stream, first: Math.floor(j0 / 2) });
    for (let k = 0; k < m; k += 1) halves[k] = (words[(k + odd) >> 1]! >>> (16 * ((k + odd) & 1))) & 0xffff;
    return;
  }
  if (req.kind === NOISE_KIND.addUniform) randomUniform(values.subarray(0, m), stream);
  else randomNormal(values.subarray(0, m), stream);
}

/** Stream positions [jb, je) of one image (whole pixels for NCHW per channel). */
function noiseImage(req: NoiseRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, image: number, jb: number, je: number): void {
  const { h, w, c } = req;
  const pixels = h * w;
  const base = image * pixels * c;
  // NCHW per channel finds a chunk's elements plane by plane: whole pixels
  const step = req.perChannel && req.layout === 'NCHW' ? Math.max(1, Math.floor(CHUNK / c)) * c : CHUNK;
  ensureChunkCapacity(step);
  const isUint8 = src instanceof Uint8Array;
  const multiply = req.kind === NOISE_KIND.multiplyNormal;
  const saltPepper = req.kind === NOISE_KIND.saltAndPepper;
  const pepper = saltPepper ? req.pepperBelow[image]! : 0;
  const salt = saltPepper ? req.saltBelow[image]! : 0;
  const { clip, clipLo, clipHi, pepperValue, saltValue } = req;

  const valueAt = (k: number, x: number): number => {
    if (saltPepper) {
      const t = halves[k]!;
      return t < pepper ? pepperValue : t < salt ? saltValue : x;
    }
    const n = values[k]!;
    if (isUint8) return saturateU8(multiply ? x * n : x + n); // exact in double
    const v = Math.fround(multiply ? x * n : x + n);
    return clip ? (v < clipLo ? clipLo : v > clipHi ? clipHi : v) : v;
  };

  for (let j0 = jb; j0 < je; j0 += step) {
    const m = Math.min(step, je - j0);
    chunkValues(req, image, j0, m);
    if (req.layout === 'NHWC' && req.perChannel) {
      for (let k = 0; k < m; k += 1) dst[base + j0 + k] = valueAt(k, src[base + j0 + k]!);
    } else if (req.layout === 'NHWC') {
      for (let k = 0; k < m; k += 1) {
        for (let ch = 0; ch < c; ch += 1) {
          const e = base + (j0 + k) * c + ch;
          dst[e] = valueAt(k, src[e]!);
        }
      }
    } else {
      const pix0 = req.perChannel ? j0 / c : j0;
      const npix = req.perChannel ? m / c : m;
      for (let ch = 0; ch < c; ch += 1) {
        for (let q = 0; q < npix; q += 1) {
          const e = base + ch * pixels + pix0 + q;
          dst[e] = valueAt(req.perChannel ? q * c + ch : q, src[e]!);
        }
      }
    }
  }
}

/** Stream positions [begin, end) of the batch, image after image (see Backend.noise). */
export function noiseRange(req: NoiseRequest, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, begin: number, end: number): void {
  const positions = noisePositions(req);
  for (let i = Math.floor(begin / positions); i * positions < end; i += 1) {
    noiseImage(req, src, dst, i, Math.max(0, begin - i * positions), Math.min(positions, end - i * positions));
  }
}

export function gaussianDropout(x: Float32Array, out: Float32Array, req: StreamRequest): void {
  const factor = new Float32Array(Math.min(CHUNK, x.length));
  for (let j0 = 0; j0 < x.length; j0 += CHUNK) {
    const m = Math.min(CHUNK, x.length - j0);
    randomNormal(factor.subarray(0, m), { ...req, first: req.first + j0 });
    for (let k = 0; k < m; k += 1) out[j0 + k] = x[j0 + k]! * factor[k]!;
  }
}

export function dropoutMask(out: Float32Array, req: StreamRequest, rate: number, keepValue: number): void {
  randomUniform(out, { ...req, offset: 0, scale: 1 });
  for (let k = 0; k < out.length; k += 1) out[k] = out[k]! < rate ? 0 : keepValue;
}
