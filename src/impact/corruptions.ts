// Test-set corruptions for the impact study (Hendrycks & Dietterich 2019;
// MNIST-C's held-out families): each family is a list of severities, mildest
// first, and each severity a pure function batch → new batch of the same
// shape, dtype and layout. Seen families reuse the library's ops; the
// held-out ones (rotation, blur, contrast, occlusion, pixelate) are small
// float64 kernels here, since they are test-set preparation, not training.
//
// Randomness (every drawn parameter is per image, so image i is corrupted the
// same whatever the batch when ctx.index is its dataset index): image I uses
// the four uniforms of block I of randomUniform's element stream (positions
// 4I … 4I + 3) under ctx.seed, with `epoch` set to the family's purpose id
// below, so families draw independently of one another. Every severity of a
// family uses the same draws (the same signs and positions, only stronger).
// gaussian-noise and salt-pepper use gaussianNoise / saltAndPepper with
// { seed, index } (their own streams, README "Randomness").
//
// Values: uint8 data always has the range [0, 255] (ctx.valueRange is not
// used for it); results are round half to even, then saturated. float32 data
// has the range ctx.valueRange; results are clipped to it.
import { gaussianNoise, randomUniform, saltAndPepper, shift } from '../index.js';
import { batchResult, checkBatch, type Batch, type CheckedBatch } from '../ops/batch.js';
import { roundHalfEven } from '../ops/shift.js';
import { integerInRange, invalidParameterError, isPlainObject, overlaps } from '../validate.js';

export interface CorruptionContext {
  /** Seed of every draw: an integer 0 … 2^53 − 1. */
  seed: number;
  /** Dataset index of the batch's first image (default 0); index + n ≤ 2^32. */
  index?: number;
  /** float32 data: [min, max] of the values, finite, min < max. uint8 data is always [0, 255] (this is not used). */
  valueRange: [number, number];
}

export interface CorruptionSeverity {
  /** Human-readable parameter, e.g. 'σ 0.12 of range'. */
  label: string;
  /** Returns a new batch of the same shape, dtype and layout; never modifies the input. */
  apply: (batch: Batch, ctx: CorruptionContext) => Batch;
}

export interface CorruptionFamily {
  /** kebab-case, e.g. 'gaussian-noise' */
  name: string;
  description: string;
  /** true when no default training condition trains on this family */
  heldOut: boolean;
  /** mildest first */
  severities: CorruptionSeverity[];
}

/** `epoch` of each family's per-image draws from randomUniform (see the header). */
export const CORRUPTION_DRAW_PURPOSE = { shift: 1, rotation: 2, occlusion: 3, consistency: 4 } as const;
const DRAWS_PER_IMAGE = 4;

/** Image size the severities are defined at: scaled by min(h, w) / 28 elsewhere. */
const REFERENCE_SIZE = 28;

interface CheckedContext {
  seed: number;
  index: number;
  lo: number;
  hi: number;
}

// ---------------------------------------------------------------------------
// Context and value rules

function checkValueRange(value: unknown, name: string): [number, number] {
  const expected = 'an array [min, max] of finite numbers with min < max';
  if (!Array.isArray(value) || value.length !== 2) throw invalidParameterError(name, expected, value);
  const [lo, hi] = value as unknown[];
  if (typeof lo !== 'number' || typeof hi !== 'number') throw invalidParameterError(name, expected, value);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw invalidParameterError(name, expected, value, 'range');
  return [lo, hi];
}

/** One finite number per image (n of them), each within [min, max]. */
function perImageNumbers(name: string, value: unknown, n: number, min = -Infinity, max = Infinity): ArrayLike<number> {
  const expected = `${n} numbers (one per image)`;
  if (typeof value !== 'object' || value === null || typeof (value as ArrayLike<unknown>).length !== 'number') throw invalidParameterError(name, expected, value);
  const list = value as ArrayLike<unknown>;
  if (list.length !== n) throw invalidParameterError(name, expected, value, 'range');
  for (let k = 0; k < n; k += 1) {
    const v = list[k];
    if (typeof v !== 'number') throw invalidParameterError(`${name}[${k}]`, 'a number', v);
    if (!(v >= min && v <= max) || !Number.isFinite(v)) throw invalidParameterError(`${name}[${k}]`, `a finite number within [${min}, ${max}]`, v, 'range');
  }
  return list as ArrayLike<number>;
}

function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidParameterError(name, 'a finite number > 0', value);
  if (!(value > 0 && Number.isFinite(value))) throw invalidParameterError(name, 'a finite number > 0', value, 'range');
  return value;
}

function checkContext(ctx: unknown, b: CheckedBatch): CheckedContext {
  if (!isPlainObject(ctx)) throw invalidParameterError('ctx', 'an object { seed, index?, valueRange }', ctx);
  const seed = integerInRange('ctx.seed', ctx.seed, 0, Number.MAX_SAFE_INTEGER);
  const index = ctx.index === undefined ? 0 : integerInRange('ctx.index', ctx.index, 0, 2 ** 32 - Math.max(b.n, 1));
  const [lo, hi] = b.dtype === 'uint8' ? [0, 255] : checkValueRange(ctx.valueRange, 'ctx.valueRange');
  return { seed, index, lo, hi };
}

/** Four uniforms in (0, 1) per image: image k of the batch reads positions 4(index + k) … + 3. */
function imageUniforms(n: number, ctx: CheckedContext, purpose: number): Float32Array {
  return randomUniform(DRAWS_PER_IMAGE * n, { seed: ctx.seed, index: DRAWS_PER_IMAGE * ctx.index, epoch: purpose });
}

/** Writes one image's float64 values: uint8 round half to even then saturate, float32 clipped to [lo, hi]. */
function storeImage(values: Float64Array, out: Uint8Array | Float32Array, base: number, lo: number, hi: number): void {
  const m = values.length;
  if (out instanceof Uint8Array) {
    for (let i = 0; i < m; i += 1) {
      const r = roundHalfEven(values[i]!);
      out[base + i] = r < 0 ? 0 : r > 255 ? 255 : r;
    }
  } else {
    for (let i = 0; i < m; i += 1) {
      const v = values[i]!;
      out[base + i] = v < lo ? lo : v > hi ? hi : v;
    }
  }
}

// ---------------------------------------------------------------------------
// Kernels: each fills `dst` (one image, same layout as the source) in float64.

/** Where element (y, x, channel) of an image is, for either layout. */
interface ImageGeometry {
  h: number;
  w: number;
  c: number;
  /** distance between horizontally adjacent pixels of one channel */
  pixelStride: number;
  /** distance between channels of one pixel */
  channelStride: number;
}

type Pixels = Uint8Array | Float32Array;
type ImageKernel = (src: Pixels, base: number, g: ImageGeometry, dst: Float64Array, image: number) => void;

function geometryOf(b: CheckedBatch): ImageGeometry {
  return b.layout === 'NHWC'
    ? { h: b.h, w: b.w, c: b.c, pixelStride: b.c, channelStride: 1 }
    : { h: b.h, w: b.w, c: b.c, pixelStride: 1, channelStride: b.h * b.w };
}

/** Runs a kernel over every image of a batch into a new array of its dtype. */
function mapImages(batch: Batch, valueRange: unknown, kernel: ImageKernel): Batch {
  const b = checkBatch(batch);
  const [lo, hi] = b.dtype === 'uint8' ? [0, 255] : valueRange === undefined ? [-Infinity, Infinity] : checkValueRange(valueRange, 'valueRange');
  const out = b.dtype === 'uint8' ? new Uint8Array(b.data.length) : new Float32Array(b.data.length);
  const g = geometryOf(b);
  const size = b.h * b.w * b.c;
  const dst = new Float64Array(size);
  for (let i = 0; i < b.n; i += 1) {
    kernel(b.data, i * size, g, dst, i);
    storeImage(dst, out, i * size, lo, hi);
  }
  return batchResult(b, out);
}

/** cos and sin of an angle in degrees, exact at multiples of 90°. */
function cosSinDegrees(degrees: number): [number, number] {
  const quarter = degrees / 90;
  if (Number.isInteger(quarter)) return ([[1, 0], [0, 1], [-1, 0], [0, -1]] as const)[((quarter % 4) + 4) % 4]!.slice() as [number, number];
  const radians = (degrees * Math.PI) / 180;
  return [Math.cos(radians), Math.sin(radians)];
}

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

function pixelOrFill(src: Pixels, planeBase: number, g: ImageGeometry, y: number, x: number, fill: number): number {
  return y < 0 || y >= g.h || x < 0 || x >= g.w ? fill : src[planeBase + (y * g.w + x) * g.pixelStride]!;
}

/**
 * Rotation by `degrees` counter-clockwise on screen about the centre
 * ((w − 1) / 2, (h − 1) / 2): output (y, x) samples the input at
 * x' = cx + (x − cx)·cos θ − (y − cy)·sin θ, y' = cy + (x − cx)·sin θ + (y − cy)·cos θ,
 * bilinear, with the image extended by `fill` (as shift's 'constant').
 */
function rotateImage(src: Pixels, base: number, g: ImageGeometry, dst: Float64Array, degrees: number, fill: number): void {
  const [cos, sin] = cosSinDegrees(degrees);
  const cx = (g.w - 1) / 2;
  const cy = (g.h - 1) / 2;
  for (let y = 0; y < g.h; y += 1) {
    const dy = y - cy;
    for (let x = 0; x < g.w; x += 1) {
      const dx = x - cx;
      const sx = cx + dx * cos - dy * sin;
      const sy = cy + dx * sin + dy * cos;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (y * g.w + x) * g.pixelStride;
      const inside = x0 >= 0 && y0 >= 0 && x0 + 1 < g.w && y0 + 1 < g.h;
      for (let ch = 0; ch < g.c; ch += 1) {
        const plane = base + ch * g.channelStride;
        let top: number;
        let bottom: number;
        if (inside) {
          const p00 = plane + (y0 * g.w + x0) * g.pixelStride;
          const p10 = p00 + g.w * g.pixelStride;
          top = lerp(src[p00]!, src[p00 + g.pixelStride]!, fx);
          bottom = lerp(src[p10]!, src[p10 + g.pixelStride]!, fx);
        } else {
          top = lerp(pixelOrFill(src, plane, g, y0, x0, fill), pixelOrFill(src, plane, g, y0, x0 + 1, fill), fx);
          bottom = lerp(pixelOrFill(src, plane, g, y0 + 1, x0, fill), pixelOrFill(src, plane, g, y0 + 1, x0 + 1, fill), fx);
        }
        dst[at + ch * g.channelStride] = lerp(top, bottom, fy);
      }
    }
  }
}

/** Normalised gaussian taps exp(−k² / 2σ²), k = −r … r, r = ceil(3σ). */
function gaussianTaps(sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const taps = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k += 1) {
    taps[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
    sum += taps[k + radius]!;
  }
  return taps.map((t) => t / sum);
}

/**
 * One axis of a separable filter with 'nearest' borders: `count` lines of
 * `length` samples; sample i of line l is at base + l·lineStep + i·step.
 */
function convolveLines(
  src: Pixels | Float64Array, srcBase: number, srcStep: number, srcLineStep: number,
  dst: Float64Array, dstBase: number, dstStep: number, dstLineStep: number,
  count: number, length: number, taps: Float64Array,
): void {
  const radius = (taps.length - 1) / 2;
  for (let line = 0; line < count; line += 1) {
    const from = srcBase + line * srcLineStep;
    const to = dstBase + line * dstLineStep;
    for (let i = 0; i < length; i += 1) {
      let sum = 0;
      if (i >= radius && i + radius < length) {
        // interior: no tap reaches past the border
        for (let k = 0, at = from + (i - radius) * srcStep; k < taps.length; k += 1, at += srcStep) sum += taps[k]! * src[at]!;
      } else {
        for (let k = -radius; k <= radius; k += 1) {
          const j = i + k < 0 ? 0 : i + k >= length ? length - 1 : i + k;
          sum += taps[k + radius]! * src[from + j * srcStep]!;
        }
      }
      dst[to + i * dstStep] = sum;
    }
  }
}

/** Separable gaussian blur, rows then columns, per channel, in float64 (`rows`: h·w scratch). */
function blurImage(src: Pixels, base: number, g: ImageGeometry, dst: Float64Array, taps: Float64Array, rows: Float64Array): void {
  const { h, w, pixelStride: ps } = g;
  for (let ch = 0; ch < g.c; ch += 1) {
    const plane = ch * g.channelStride;
    convolveLines(src, base + plane, ps, w * ps, rows, 0, 1, w, h, w, taps);
    convolveLines(rows, 0, w, 1, dst, plane, w * ps, ps, w, h, taps);
  }
}

/** x' = mean + k·(x − mean), with the image's own mean per channel. */
function contrastImage(src: Pixels, base: number, g: ImageGeometry, dst: Float64Array, k: number): void {
  const pixels = g.h * g.w;
  for (let ch = 0; ch < g.c; ch += 1) {
    const plane = ch * g.channelStride;
    let sum = 0;
    for (let p = 0; p < pixels; p += 1) sum += src[base + plane + p * g.pixelStride]!;
    const mean = sum / pixels;
    for (let p = 0; p < pixels; p += 1) dst[plane + p * g.pixelStride] = mean + k * (src[base + plane + p * g.pixelStride]! - mean);
  }
}

/** A side × side square at (top, left) set to `fill` in every channel; the rest copied. */
function occludeImage(src: Pixels, base: number, g: ImageGeometry, dst: Float64Array, top: number, left: number, side: number, fill: number): void {
  for (let i = 0; i < dst.length; i += 1) dst[i] = src[base + i]!;
  for (let y = top; y < top + side; y += 1) {
    for (let x = left; x < left + side; x += 1) {
      for (let ch = 0; ch < g.c; ch += 1) dst[(y * g.w + x) * g.pixelStride + ch * g.channelStride] = fill;
    }
  }
}

/** Each block × block tile from the top-left (edge tiles partial) becomes its mean, per channel. */
function pixelateImage(src: Pixels, base: number, g: ImageGeometry, dst: Float64Array, block: number): void {
  for (let ch = 0; ch < g.c; ch += 1) {
    const plane = ch * g.channelStride;
    for (let y0 = 0; y0 < g.h; y0 += block) {
      const y1 = Math.min(g.h, y0 + block);
      for (let x0 = 0; x0 < g.w; x0 += block) {
        const x1 = Math.min(g.w, x0 + block);
        let sum = 0;
        for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) sum += src[base + plane + (y * g.w + x) * g.pixelStride]!;
        const mean = sum / ((y1 - y0) * (x1 - x0));
        for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) dst[plane + (y * g.w + x) * g.pixelStride] = mean;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// The kernels on whole batches, with explicit parameters (used by the
// families below, exported for tests and for users building their own).

// float32 results are clipped to `valueRange` when given; uint8 results are
// rounded half to even and saturated to [0, 255].

/** Rotates image k by degrees[k] (counter-clockwise on screen), bilinear, outside filled with `fill`. */
export function rotateImages(batch: Batch, degrees: ArrayLike<number>, fill: number, valueRange?: [number, number]): Batch {
  const angles = perImageNumbers('degrees', degrees, checkBatch(batch).n);
  if (!Number.isFinite(fill)) throw invalidParameterError('fill', 'a finite number', fill, typeof fill === 'number' ? 'range' : 'type');
  return mapImages(batch, valueRange, (src, base, g, dst, k) => rotateImage(src, base, g, dst, angles[k]!, fill));
}

/** Gaussian blur with standard deviation `sigma` > 0 pixels, radius ceil(3σ), 'nearest' borders. */
export function gaussianBlurImages(batch: Batch, sigma: number, valueRange?: [number, number]): Batch {
  const taps = gaussianTaps(positiveNumber('sigma', sigma));
  const b = checkBatch(batch);
  const rows = new Float64Array(b.h * b.w);
  return mapImages(batch, valueRange, (src, base, g, dst) => blurImage(src, base, g, dst, taps, rows));
}

/** x' = mean + k·(x − mean) with the per-image, per-channel mean. */
export function contrastImages(batch: Batch, k: number, valueRange?: [number, number]): Batch {
  if (!Number.isFinite(k)) throw invalidParameterError('k', 'a finite number', k, typeof k === 'number' ? 'range' : 'type');
  return mapImages(batch, valueRange, (src, base, g, dst) => contrastImage(src, base, g, dst, k));
}

/** Image k gets a side × side square of `fill` with its top-left corner at (top[k], left[k]), inside the image. */
export function occludeImages(
  batch: Batch, square: { side: number; top: ArrayLike<number>; left: ArrayLike<number> }, fill: number, valueRange?: [number, number],
): Batch {
  const b = checkBatch(batch);
  const side = integerInRange('square.side', square.side, 1, Math.min(b.h, b.w));
  const top = perImageNumbers('square.top', square.top, b.n, 0, b.h - side);
  const left = perImageNumbers('square.left', square.left, b.n, 0, b.w - side);
  for (const [name, list] of [['square.top', top], ['square.left', left]] as const) {
    for (let k = 0; k < b.n; k += 1) if (!Number.isInteger(list[k])) throw invalidParameterError(`${name}[${k}]`, 'an integer', list[k], 'range');
  }
  if (!Number.isFinite(fill)) throw invalidParameterError('fill', 'a finite number', fill, typeof fill === 'number' ? 'range' : 'type');
  return mapImages(batch, valueRange, (src, base, g, dst, k) => occludeImage(src, base, g, dst, top[k]!, left[k]!, side, fill));
}

/** Replaces each block × block tile (from the top-left; edge tiles partial) by its mean, per channel. */
export function pixelateImages(batch: Batch, block: number, valueRange?: [number, number]): Batch {
  const size = integerInRange('block', block, 1, 2 ** 32 - 1);
  return mapImages(batch, valueRange, (src, base, g, dst) => pixelateImage(src, base, g, dst, size));
}

// ---------------------------------------------------------------------------
// Families

type CheckedApply = (batch: Batch, b: CheckedBatch, ctx: CheckedContext) => Batch;

function severity(label: string, apply: CheckedApply): CorruptionSeverity {
  return {
    label,
    apply: (batch, ctx) => {
      const b = checkBatch(batch);
      return apply(batch, b, checkContext(ctx, b));
    },
  };
}

/** A length scaled from the 28-pixel reference to this image: value · min(h, w) / 28. */
function scaled(value: number, b: CheckedBatch): number {
  return (value * Math.min(b.h, b.w)) / REFERENCE_SIZE;
}

/** ±1 per image from a uniform: negative below 1/2. */
const signOf = (u: number): number => (u < 0.5 ? -1 : 1);

function shiftSeverity(f: number): CorruptionSeverity {
  return severity(`±${Math.round(f * 100)} % of width and height`, (batch, b, ctx) => {
    const u = imageUniforms(b.n, ctx, CORRUPTION_DRAW_PURPOSE.shift);
    const mx = Math.max(1, roundHalfEven(f * b.w));
    const my = Math.max(1, roundHalfEven(f * b.h));
    const dx = Float64Array.from({ length: b.n }, (_, k) => signOf(u[DRAWS_PER_IMAGE * k]!) * mx);
    const dy = Float64Array.from({ length: b.n }, (_, k) => signOf(u[DRAWS_PER_IMAGE * k + 1]!) * my);
    return shift(batch, { dx, dy, interpolation: 'nearest', fill: 'constant', fillValue: ctx.lo });
  });
}

function gaussianNoiseSeverity(s: number): CorruptionSeverity {
  return severity(`σ ${s} of range`, (batch, b, ctx) => {
    const clip: { clip?: [number, number] } = b.dtype === 'float32' ? { clip: [ctx.lo, ctx.hi] } : {};
    return gaussianNoise(batch, { std: s * (ctx.hi - ctx.lo), seed: ctx.seed, index: ctx.index, ...clip });
  });
}

function saltPepperSeverity(amount: number): CorruptionSeverity {
  return severity(`${Math.round(amount * 100)} % of pixels`, (batch, b, ctx) => {
    const bounds = b.dtype === 'float32' ? { min: ctx.lo, max: ctx.hi } : {};
    return saltAndPepper(batch, { amount, seed: ctx.seed, index: ctx.index, ...bounds });
  });
}

function rotationSeverity(degrees: number): CorruptionSeverity {
  return severity(`±${degrees}°`, (batch, b, ctx) => {
    const u = imageUniforms(b.n, ctx, CORRUPTION_DRAW_PURPOSE.rotation);
    const angles = Float64Array.from({ length: b.n }, (_, k) => signOf(u[DRAWS_PER_IMAGE * k]!) * degrees);
    return rotateImages(batch, angles, ctx.lo, [ctx.lo, ctx.hi]);
  });
}

function blurSeverity(sigma: number): CorruptionSeverity {
  return severity(`σ ${sigma} px at 28 px`, (batch, b, ctx) => gaussianBlurImages(batch, scaled(sigma, b), [ctx.lo, ctx.hi]));
}

function contrastSeverity(k: number): CorruptionSeverity {
  return severity(`contrast × ${k}`, (batch, _b, ctx) => contrastImages(batch, k, [ctx.lo, ctx.hi]));
}

/** Side of the occluding square: round(sqrt(area · h · w)), at least 1 and at most min(h, w). */
export function occlusionSide(area: number, h: number, w: number): number {
  return Math.min(h, w, Math.max(1, roundHalfEven(Math.sqrt(area * h * w))));
}

function occlusionSeverity(area: number): CorruptionSeverity {
  return severity(`${Math.round(area * 100)} % of the area`, (batch, b, ctx) => {
    const u = imageUniforms(b.n, ctx, CORRUPTION_DRAW_PURPOSE.occlusion);
    const side = occlusionSide(area, b.h, b.w);
    const top = Float64Array.from({ length: b.n }, (_, k) => Math.floor(u[DRAWS_PER_IMAGE * k]! * (b.h - side + 1)));
    const left = Float64Array.from({ length: b.n }, (_, k) => Math.floor(u[DRAWS_PER_IMAGE * k + 1]! * (b.w - side + 1)));
    return occludeImages(batch, { side, top, left }, ctx.lo, [ctx.lo, ctx.hi]);
  });
}

/**
 * Block size of pixelate: round(b · min(h, w) / 28), never smaller than b
 * itself (2, 3, 4: at least 2, and the three severities stay distinct on
 * images under 28 px, where 2 · 20/28 and 3 · 20/28 would both give 2).
 */
export function pixelateBlock(block: number, h: number, w: number): number {
  return Math.max(block, roundHalfEven((block * Math.min(h, w)) / REFERENCE_SIZE));
}

function pixelateSeverity(block: number): CorruptionSeverity {
  return severity(`${block} px blocks at 28 px`, (batch, b, ctx) => pixelateImages(batch, pixelateBlock(block, b.h, b.w), [ctx.lo, ctx.hi]));
}

const SEEN = [
  {
    name: 'shift',
    description: 'every image moved by ±f·width in x and ±f·height in y (f = 0.04, 0.08, 0.14, rounded half to even to whole pixels, at least 1: 1, 2, 4 px at 28 px), each sign drawn per image; uncovered pixels set to the range minimum',
    severities: [0.04, 0.08, 0.14].map(shiftSeverity),
  },
  {
    name: 'gaussian-noise',
    description: 'gaussian noise added to every element, σ = 0.06, 0.12, 0.25 of the value range (uint8: of 255), then rounded (uint8) or clipped to the range (float32)',
    severities: [0.06, 0.12, 0.25].map(gaussianNoiseSeverity),
  },
  {
    name: 'salt-pepper',
    description: 'salt and pepper: 2 %, 5 %, 10 % of pixels (all channels of a pixel together) set to the range maximum or minimum, half each',
    severities: [0.02, 0.05, 0.1].map(saltPepperSeverity),
  },
];

const HELD_OUT = [
  {
    name: 'rotation',
    description: 'rotation by ±10°, ±20°, ±30° about the image centre (sign drawn per image), bilinear, outside filled with the range minimum',
    severities: [10, 20, 30].map(rotationSeverity),
  },
  {
    name: 'blur',
    description: 'separable gaussian blur, σ = 0.5, 1.0, 1.5 px × min(h, w)/28, kernel radius ceil(3σ), edge pixels repeated at the border',
    severities: [0.5, 1, 1.5].map(blurSeverity),
  },
  {
    name: 'contrast',
    description: "contrast reduced: x' = mean + k·(x − mean) with each image's own per-channel mean, k = 0.5, 0.3, 0.15",
    severities: [0.5, 0.3, 0.15].map(contrastSeverity),
  },
  {
    name: 'occlusion',
    description: 'one square of 10 %, 20 %, 30 % of the image area (side round(sqrt(a·h·w)), at most min(h, w): 9, 13, 15 px at 28×28) at a position drawn per image, set to the range minimum (the background of MNIST-style data: a missing part of the object)',
    severities: [0.1, 0.2, 0.3].map(occlusionSeverity),
  },
  {
    name: 'pixelate',
    description: 'each b×b block (from the top-left; edge blocks partial) replaced by its mean per channel, b = round(b₀ × min(h, w)/28) and at least b₀, for b₀ = 2, 3, 4',
    severities: [2, 3, 4].map(pixelateSeverity),
  },
];

function frozenFamily(family: CorruptionFamily): CorruptionFamily {
  return Object.freeze({ ...family, severities: Object.freeze(family.severities.map((s) => Object.freeze({ ...s }))) as CorruptionSeverity[] });
}

/** The study's default test-set corruptions: three seen families, then five held-out ones, three severities each. */
export const DEFAULT_CORRUPTIONS: readonly CorruptionFamily[] = Object.freeze([
  ...SEEN.map((f) => frozenFamily({ ...f, heldOut: false })),
  ...HELD_OUT.map((f) => frozenFamily({ ...f, heldOut: true })),
]);

// ---------------------------------------------------------------------------
// The 1-pixel consistency shift

/** (dx, dy) of the eight neighbours, clockwise on screen from right; direction d = floor(8·U). */
export const CONSISTENCY_DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1],
];

/**
 * Every image shifted by exactly one pixel towards one of its eight
 * neighbours (dx, dy ∈ {−1, 0, 1}, not both 0; diagonal moves are one pixel
 * in each axis), the direction CONSISTENCY_DIRECTIONS[floor(8·U)] drawn per
 * image (purpose CORRUPTION_DRAW_PURPOSE.consistency), edge pixels repeated
 * ('nearest' fill). For the prediction flip rate under a 1-pixel shift.
 */
export function consistencyShift(batch: Batch, ctx: CorruptionContext): Batch {
  const b = checkBatch(batch);
  const c = checkContext(ctx, b);
  const u = imageUniforms(b.n, c, CORRUPTION_DRAW_PURPOSE.consistency);
  const directions = Array.from({ length: b.n }, (_, k) => CONSISTENCY_DIRECTIONS[Math.floor(8 * u[DRAWS_PER_IMAGE * k]!)]!);
  return shift(batch, {
    dx: directions.map(([dx]) => dx), dy: directions.map(([, dy]) => dy), interpolation: 'nearest', fill: 'nearest',
  });
}

// ---------------------------------------------------------------------------
// A user's own family

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function checkSeverity(value: unknown, name: string): CorruptionSeverity {
  if (typeof value !== 'object' || value === null) throw invalidParameterError(name, 'an object { label, apply }', value);
  const { label, apply } = value as { label?: unknown; apply?: unknown };
  if (typeof label !== 'string') throw invalidParameterError(`${name}.label`, 'a non-empty string', label);
  if (label.length === 0) throw invalidParameterError(`${name}.label`, 'a non-empty string', label, 'range');
  if (typeof apply !== 'function') throw invalidParameterError(`${name}.apply`, 'a function (batch, ctx) => batch', apply);
  return { label, apply: apply as CorruptionSeverity['apply'] };
}

/** Checks what a user's apply returned: a new batch like its input. */
function checkedResult(input: Batch, result: unknown, name: string): Batch {
  const b = checkBatch(input);
  const r = checkBatch(result, name);
  const same = r.n === b.n && r.h === b.h && r.w === b.w && r.c === b.c;
  if (!same) throw invalidParameterError(`${name}.shape`, `[${b.n}, ${b.h}, ${b.w}, ${b.c}] like the input`, (result as Batch).shape, 'range');
  if (r.dtype !== b.dtype) throw invalidParameterError(`${name}.data`, `a ${b.dtype === 'uint8' ? 'Uint8Array' : 'Float32Array'} like the input`, r.data);
  if (r.layout !== b.layout) throw invalidParameterError(`${name}.layout`, `'${b.layout}' like the input`, r.layout, 'range');
  if (r.data.length > 0 && overlaps(r.data, b.data)) throw invalidParameterError(`${name}.data`, 'a new array (not sharing memory with the input)', r.data, 'range');
  return result as Batch;
}

/**
 * Validates a user's own family (name kebab-case, a description, heldOut a
 * boolean, at least one severity with a label and an apply function) and
 * returns a frozen copy whose apply functions also check what they return:
 * a new batch of the input's shape, dtype and layout.
 */
export function corruptionFamily(family: CorruptionFamily): CorruptionFamily {
  if (typeof family !== 'object' || family === null) throw invalidParameterError('family', 'an object { name, description, heldOut, severities }', family);
  const { name, description, heldOut, severities } = family as Partial<Record<keyof CorruptionFamily, unknown>>;
  const kebab = "a non-empty kebab-case name (lowercase letters and digits, words joined by '-')";
  if (typeof name !== 'string') throw invalidParameterError('family.name', kebab, name);
  if (!KEBAB_CASE.test(name)) throw invalidParameterError('family.name', kebab, name, 'range');
  if (typeof description !== 'string') throw invalidParameterError('family.description', 'a string', description);
  if (typeof heldOut !== 'boolean') throw invalidParameterError('family.heldOut', 'a boolean', heldOut);
  if (!Array.isArray(severities)) throw invalidParameterError('family.severities', 'an array of at least 1 severity { label, apply }', severities);
  if (severities.length === 0) throw invalidParameterError('family.severities', 'an array of at least 1 severity { label, apply }', severities, 'range');
  const checked = severities.map((s, i) => checkSeverity(s, `family.severities[${i}]`));
  return frozenFamily({
    name,
    description,
    heldOut,
    severities: checked.map(({ label, apply }, i) => ({
      label,
      apply: (batch: Batch, ctx: CorruptionContext) => checkedResult(batch, apply(batch, ctx), `the result of ${name} severity ${i + 1}`),
    })),
  });
}
