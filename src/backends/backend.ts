// What an op hands a backend: validated, resolved parameters and the output
// array. Both backends implement this interface and must give the same bytes.

/** One element stream of DESIGN §3 with its float32 affine map out = offset + scale · sample. */
export interface StreamRequest {
  key0: number;
  key1: number;
  /** Global stream position of out[0] (a safe integer). */
  first: number;
  epoch: number;
  stream: number;
  /** float32 values (already rounded with Math.fround). */
  offset: number;
  scale: number;
  /** Per-sample streams: counter word 1 is this sample index (blocks < 2^32). Element streams: 0. */
  sample?: number;
}

/** A resolved shift (src/ops/shift.ts): per image, integer offsets and the two taps' weights per axis. */
export interface ShiftRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  /** FILL_CODES value. */
  fill: number;
  /** Already a float32 value (float data) or an integer 0…255 (uint8). */
  fillValue: number;
  kx: Int32Array;
  ky: Int32Array;
  /** Weight of the source one pixel further back (the fractional part); 0 means copy. float32, or integer /4096 for uint8. */
  wx1: Float32Array;
  wx0: Float32Array;
  wy1: Float32Array;
  wy0: Float32Array;
}

/**
 * A resolved affine warp (src/ops/affine.ts). Image i's output pixel (x, y)
 * reads the input at sx = m0·x + m1·y + m2, sy = m3·x + m4·y + m5 (m = the
 * six float64 numbers matrix[6i … 6i + 5]; pixel centres at integer
 * coordinates), through the fill rule. Images with translate[i] = 1 (a pure
 * translation) are done as the shift `shift` describes for that image.
 */
export interface AffineRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  /** FILL_CODES value. */
  fill: number;
  /** Already a float32 value (float data) or an integer 0…255 (uint8). */
  fillValue: number;
  /** Nearest-neighbour instead of bilinear. */
  nearest: boolean;
  matrix: Float64Array;
  translate: Uint8Array;
  shift: ShiftRequest;
}

/** A resolved flip (src/ops/flip.ts): per image, 1 where that axis flips. dst may be src. */
export interface FlipRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  horizontal: Uint8Array;
  vertical: Uint8Array;
}

/**
 * A resolved crop (src/ops/crop.ts): output (y, x) of image i is the input at
 * (y + top[i], x + left[i]) through the fill rule; outH × outW per image.
 */
export interface CropRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  outH: number;
  outW: number;
  /** FILL_CODES value. */
  fill: number;
  /** Already a float32 value (float data) or an integer 0…255 (uint8). */
  fillValue: number;
  top: Int32Array;
  left: Int32Array;
}

/**
 * A resolved resized crop (src/ops/resized-crop.ts): outH × outW per image.
 * Output (y, x) of image i blends input rows y0, y1 = y0[i·outH + y], … and
 * columns x0, x1 = x0[i·outW + x], … (absolute, always inside the image) with
 * weights wy0, wy1 and wx0, wx1: float32 values, or integers 0…4096 that sum
 * to 4096 for uint8 data.
 */
export interface ResizedCropRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  outH: number;
  outW: number;
  x0: Int32Array;
  x1: Int32Array;
  wx0: Float32Array;
  wx1: Float32Array;
  y0: Int32Array;
  y1: Int32Array;
  wy0: Float32Array;
  wy1: Float32Array;
}

/**
 * A resolved per-image colour map (src/ops/color.ts): element x of channel ch
 * of image i becomes float32(float32(x · scale[i·c + ch]) + offset[i·c + ch]);
 * uint8 rounds half to even and saturates, float32 clips if asked. dst may be src.
 */
export interface ColorRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  /** n·c float32 values each. */
  scale: Float32Array;
  offset: Float32Array;
  clip: boolean;
  clipLo: number;
  clipHi: number;
}

/**
 * A resolved contrast (src/ops/color.ts): the map of ColorRequest with
 * scale[i·c + ch] = factor of image i, and offsets from each image's own
 * channel sums (as channelSums gives them), which the backend writes into
 * `sums` and `offset` (n·c each): mean m = float32(S_ch / (h·w)) per channel
 * (perChannel), or float32((S_0 + … + S_{c−1}) / (h·w·c)) summed in float64
 * in channel order; then b = float32(m − float32(m · factor)), in float64
 * before each rounding.
 */
export interface ContrastRequest extends ColorRequest {
  perChannel: boolean;
  sums: Float64Array;
}

/**
 * A resolved Gaussian blur (src/ops/blur.ts): image i has radius radius[i]
 * and 2·radius[i] + 1 float32 weights at weights[i·stride]; the border
 * follows shift's fill rule. Not in place.
 */
export interface BlurRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  fill: number;
  fillValue: number;
  radius: Int32Array;
  weights: Float32Array;
  /** 2·R + 1, R the largest radius of the batch. */
  stride: number;
}

/**
 * A resolved mixup / cutmix (src/ops/mix.ts): image i of dst from image i (a)
 * and image partner[i] (b) of src's n images. paste false (mixup): every
 * element y = float32(float32(a · wa[i]) + float32(b · wb[i])), uint8 then
 * round half to even and saturate. paste true (cutmix): a, with rows
 * [top, top + height) × columns [left, left + width) from b. dst must not overlap src.
 */
export interface MixRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  /** Images in src (partners index them). */
  n: number;
  paste: boolean;
  partner: Int32Array;
  /** float32 weights of a and b (mixup). */
  wa: Float32Array;
  wb: Float32Array;
  top: Int32Array;
  left: Int32Array;
  height: Int32Array;
  width: Int32Array;
}

/**
 * A resolved gamma (src/ops/gamma.ts). uint8: element x of image i becomes
 * lut[256·i + x]. float32: x becomes float32(pow64(x, gamma[i])) (the
 * library's own float64 power, src/backends/js/gamma.ts), x ≤ 0 giving 0;
 * then clipped if asked. Element-wise: dst may be src.
 */
export interface GammaRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  /** uint8 data: 256 entries per image. */
  lut: Uint8Array;
  /** float32 data: the float32 gamma of each image. */
  gamma: Float32Array;
  clip: boolean;
  clipLo: number;
  clipHi: number;
}

/**
 * A resolved erase (src/ops/erase.ts): image i is copied (unless dst is src),
 * then each of its `count` boxes (rows [top, top + height) × columns
 * [left, left + width), entry i·count + j; height or width 0 for none) is
 * filled, box after box: with values[ch] per channel, or (noise) with the
 * element of NHWC position p = (y·w + x)·c + ch of sample firstSample + i's
 * stream `stream`: uint8 word(p) >>> 24, float32 the stream's normal z(p).
 */
export interface EraseRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  count: number;
  top: Int32Array;
  left: Int32Array;
  height: Int32Array;
  width: Int32Array;
  noise: boolean;
  /** c values (float32, or integers 0…255 for uint8), when not noise. */
  values: Float32Array;
  key0: number;
  key1: number;
  epoch: number;
  stream: number;
  firstSample: number;
}

export const NOISE_KIND = { addNormal: 0, addUniform: 1, multiplyNormal: 2, saltAndPepper: 3 } as const;

/** Resolved image noise (src/ops/noise.ts): per-image parameters, stream ids, dtype rules. */
export interface NoiseRequest {
  h: number;
  w: number;
  c: number;
  layout: 'NHWC' | 'NCHW';
  perChannel: boolean;
  kind: number;
  key0: number;
  key1: number;
  epoch: number;
  stream: number;
  /** Dataset index of image 0 of the batch: image i draws from sample firstSample + i. */
  firstSample: number;
  /** Per image (float32): mean / low / 1 for speckle. */
  offset: Float32Array;
  /** Per image (float32): std / high − low. */
  scale: Float32Array;
  clip: boolean;
  clipLo: number;
  clipHi: number;
  /** Salt and pepper, per image: 16-bit thresholds (pepper where t < pepperBelow, salt where t < saltBelow). */
  pepperBelow: Uint32Array;
  saltBelow: Uint32Array;
  pepperValue: number;
  saltValue: number;
}

/** Stream positions per image: elements with perChannel, else pixels. */
export function noisePositions(r: Pick<NoiseRequest, 'h' | 'w' | 'c' | 'perChannel'>): number {
  return r.perChannel ? r.h * r.w * r.c : r.h * r.w;
}

export interface Backend {
  readonly name: 'native' | 'js';
  /** The ISA its kernels run on ('js' for the TypeScript backend). */
  readonly isa: string;
  /**
   * Async kernels run on pool threads, on the arrays' memory itself: arrays
   * the caller could detach meanwhile are staged (runOnLentArrays).
   */
  /** Resizes the boxes of images [first, first + count) of src into dst (outH × outW per image; not in place). */
  resizedCrop(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: ResizedCropRequest, first: number, count: number): void;
  resizedCropAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: ResizedCropRequest, first: number, count: number): Promise<void>;
  readonly poolThreads: boolean;
  /**
   * Runs the synchronous kernel calls `queue` makes together: native queues
   * their work and runs it on the calling thread and up to `helpers` threads
   * of its own, returning once all of it has run (the calling thread waits,
   * so no JavaScript runs meanwhile); js runs each call as it is made.
   */
  runTogether(helpers: number, queue: () => void): void;
  philox4x32(counter: Uint32Array, key: Uint32Array, out: Uint32Array): void;
  /** Block 0 of each sample's parameter stream: out[4k .. 4k + 3] = Philox((0, index + k, epoch, stream), key). */
  perSampleWords(out: Uint32Array, key0: number, key1: number, index: number, epoch: number, stream: number): void;
  /**
   * Drawn whole-pixel shift offsets of `count` images (native only;
   * src/ops/shift.ts draws them in TypeScript otherwise, with the same float64
   * operations): image k gets
   * kx[k] = roundHalfEven((loX + spanX · U(w0)) · width) and ky[k] likewise
   * from w1, where w0, w1 are words 0 and 1 of block 0 of sample index + k's
   * parameter stream (perSampleWords). Returns bit 0 set when an x offset
   * before rounding exceeds 2^30 in magnitude, bit 1 for y.
   */
  drawnShiftPixels?(
    kx: Int32Array, ky: Int32Array, count: number, key0: number, key1: number, index: number, epoch: number, stream: number,
    loX: number, spanX: number, width: number, loY: number, spanY: number, height: number,
  ): number;
  randomUniform(out: Float32Array, request: StreamRequest): void;
  randomNormal(out: Float32Array, request: StreamRequest): void;
  /** One chunk of work off the calling thread (native: libuv pool; js: yields to the event loop). */
  randomUniformAsync(out: Float32Array, request: StreamRequest): Promise<void>;
  randomNormalAsync(out: Float32Array, request: StreamRequest): Promise<void>;
  /** Shifts images [first, first + count) of src into dst. */
  shift(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: ShiftRequest, first: number, count: number): void;
  shiftAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: ShiftRequest, first: number, count: number): Promise<void>;
  /**
   * Noise on stream positions [begin, end) of the batch, counted image after
   * image (image i holds [i·P, (i + 1)·P), P = noisePositions(request)), so
   * that threads can share a single image. With perChannel in NCHW, begin
   * and end are whole pixels (multiples of c).
   */
  noise(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: NoiseRequest, begin: number, end: number): void;
  noiseAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: NoiseRequest, begin: number, end: number): Promise<void>;
  /** out = x · (offset + scale · z) on the element stream of `request`. */
  gaussianDropout(x: Float32Array, out: Float32Array, request: StreamRequest): void;
  gaussianDropoutAsync(x: Float32Array, out: Float32Array, request: StreamRequest): Promise<void>;
  /** out = U(w) < rate ? 0 : keepValue on the element stream of `request` (rate, keepValue float32). */
  dropoutMask(out: Float32Array, request: StreamRequest, rate: number, keepValue: number): void;
  /** Flips images [first, first + count) of src into dst (which may be src). */
  flip(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: FlipRequest, first: number, count: number): void;
  flipAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: FlipRequest, first: number, count: number): Promise<void>;
  /** Crops images [first, first + count) of src into dst (outH × outW per image). */
  crop(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: CropRequest, first: number, count: number): void;
  cropAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: CropRequest, first: number, count: number): Promise<void>;
  /** Warps images [first, first + count) of src into dst (the same size). */
  affine(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: AffineRequest, first: number, count: number): void;
  affineAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: AffineRequest, first: number, count: number): Promise<void>;
  /** Maps images [first, first + count) of src into dst (which may be src). */
  colorAffine(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: ColorRequest, first: number, count: number): void;
  colorAffineAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: ColorRequest, first: number, count: number): Promise<void>;
  /**
   * Per-image, per-channel float64 sums of images [first, first + count) into
   * sums[i·c + ch]: uint8 exact; float32 ((p0 + p1) + …) + p7, partial j
   * adding the channel's elements of pixels j, j + 8, … in turn.
   */
  channelSums(src: Uint8Array | Float32Array, request: Pick<ColorRequest, 'h' | 'w' | 'c' | 'layout'>, sums: Float64Array, first: number, count: number): void;
  channelSumsAsync(src: Uint8Array | Float32Array, request: Pick<ColorRequest, 'h' | 'w' | 'c' | 'layout'>, sums: Float64Array, first: number, count: number): Promise<void>;
  /** Contrast of images [first, first + count) of src into dst, each image summed then mapped in turn; dst may be src. */
  contrast(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: ContrastRequest, first: number, count: number): void;
  contrastAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: ContrastRequest, first: number, count: number): Promise<void>;
  /** Blurs images [first, first + count) of src into dst (not in place). */
  blur(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: BlurRequest, first: number, count: number): void;
  blurAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: BlurRequest, first: number, count: number): Promise<void>;
  /** Mixes images [first, first + count) of dst from src (any image of src may be read; dst must not overlap src). */
  mix(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: MixRequest, first: number, count: number): void;
  mixAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: MixRequest, first: number, count: number): Promise<void>;
  /** Gamma of images [first, first + count); element-wise, so dst may be src. */
  gamma(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: GammaRequest, first: number, count: number): void;
  gammaAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: GammaRequest, first: number, count: number): Promise<void>;
  /** Erase boxes of images [first, first + count); dst may be src. */
  erase(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: EraseRequest, first: number, count: number): void;
  eraseAsync(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, request: EraseRequest, first: number, count: number): Promise<void>;
}
