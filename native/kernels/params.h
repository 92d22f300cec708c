// Plain parameter structs shared by the addon glue and every ISA's kernels.
// No vector types and no Node types here: the kernels see only these.
#pragma once
#include <cstddef>
#include <cstdint>

namespace fastaug {

// One Philox4x32 stream (DESIGN §3): the element at position g = first + k
// uses block b = g / 4, word g % 4, counter (b mod 2^32, ⌊b / 2^32⌋ xor
// sample, epoch, stream), key (key0, key1). Element streams have sample 0;
// per-sample streams (image ops) have b < 2^32, so word 1 is the sample index.
struct StreamParams {
  uint32_t key0;
  uint32_t key1;
  uint64_t first;   // position of out[0]
  uint32_t epoch;
  uint32_t stream;
  uint32_t sample = 0;
};

// out[k] = offset + scale * sample, in float32 (scale = high - low, or std).
struct AffineParams {
  float offset;
  float scale;
};

// A resolved shift (src/ops/shift.ts): per image, integer offsets and the
// weights of the two taps per axis (w1: the source one pixel further back).
// uint8 weights are integers out of 4096.
struct ShiftParams {
  int64_t h, w, c;
  bool nchw;
  int fill;  // 0 constant, 1 nearest, 2 reflect, 3 mirror, 4 wrap
  float fill_value;
  const int32_t* kx;
  const int32_t* ky;
  const float* wx1;
  const float* wx0;
  const float* wy1;
  const float* wy0;
  // Images the output array holds: the whole op's output, however the work is
  // cut into calls. Whether stores stream (shift_images) depends on the op's
  // output, not on one call's: a 38.5 MB float32 bilinear shift (W2) cut into
  // the 8 pieces of a two-thread slice wrote every piece through the caches
  // (each under 16 MB), and took 4.65 ms of CPU against 3.5 ms in one call.
  int64_t out_images = 0;
};

// The helper below is static (internal linkage): this header is
// compiled into every ISA file, and an inline function emitted there under
// one name could be merged by the linker with another ISA's copy (at -O0,
// or with sanitizers, they are emitted out of line).

// Noise on image batches (DESIGN §5), resolved by src/ops/noise.ts. Image i
// (sample first_sample + i) draws from its own per-sample stream; position j
// of that stream is element j of the image in NHWC order (pixel·c + channel),
// or pixel j when !per_channel, whatever the layout.
struct NoiseParams {
  int64_t h, w, c;
  bool nchw;
  bool per_channel;
  int kind;  // 0 add normal, 1 add uniform, 2 multiply by normal (speckle), 3 salt and pepper
  uint32_t key0, key1, epoch, stream, first_sample;
  const float* offset;  // per image: mean, low, or 1 (speckle)
  const float* scale;   // per image: std, high − low, or std
  bool clip;
  float clip_lo, clip_hi;
  const uint32_t* pepper_below;  // salt and pepper, per image: 16-bit thresholds
  const uint32_t* salt_below;
  float pepper_value, salt_value;
  // Elements the output array holds: the whole op's output, however the
  // work is cut into calls (threads). Large float32 per-pixel outputs are
  // streamed past the caches (noise.h, AVX-512); 0: not known, never.
  int64_t out_elements = 0;
};

// Stream positions per image: elements with per_channel, else pixels.
static inline int64_t noise_positions(const NoiseParams& p) { return p.per_channel ? p.h * p.w * p.c : p.h * p.w; }

// Per-image flips (src/ops/flip.ts): per image, 1 where that axis flips.
// Rows and columns move in mirrored pairs, so dst may be src (in place).
struct FlipParams {
  int64_t h, w, c;
  bool nchw;
  const uint8_t* horizontal;
  const uint8_t* vertical;
};

// Crops (src/ops/crop.ts): output (y, x) of image i is the input at
// (y + top[i], x + left[i]) through the fill rule of ShiftParams.
struct CropParams {
  int64_t h, w, c;        // input image
  int64_t out_h, out_w;   // output image
  bool nchw;
  int fill;
  float fill_value;
  const int32_t* top;
  const int32_t* left;
};

// Per-image, per-channel affine colour maps (src/ops/color.ts): element x of
// channel ch of image i becomes float32(float32(x · scale[i·c + ch]) +
// offset[i·c + ch]); uint8 rounds half to even and saturates, float32 clips
// if asked. Element-wise: dst may be src (in place).
struct ColorParams {
  int64_t h, w, c;
  bool nchw;
  const float* scale;
  const float* offset;
  bool clip;
  float clip_lo, clip_hi;
};

// Contrast (src/ops/color.ts, ContrastRequest in src/backends/backend.ts):
// the map of ColorParams (color.offset unused) with image i's offsets from
// its own channel sums, mean m = float32(S_ch / (h·w)) (per_channel) or
// float32((S_0 + … + S_{c−1}) / (h·w·c)), b = float32(m − float32(m ·
// scale)). Element-wise per image: dst may be src. `images`: how many whole
// images src holds (uint8 maps prefetch image i + 1 while mapping image i).
struct ContrastParams {
  ColorParams color;  // color.offset is not read: the offsets are written to `offset`
  bool per_channel;
  double* sums;       // n·c, written: image i's channel sums at i·c
  float* offset;      // n·c, written: image i's offsets at i·c
  int64_t images;
};

// Affine warps (src/ops/affine.ts): output (x, y) of image i reads the input
// at sx = m0·x + m1·y + m2, sy = m3·x + m4·y + m5 (m = matrix + 6i, float64)
// through the fill rule of ShiftParams; images with translate[i] = 1 are the
// shift `shift` describes for them (the same arrays, the same fill).
struct WarpParams {
  int64_t h, w, c;
  bool nchw;
  int fill;
  float fill_value;
  bool nearest;
  const double* matrix;
  const uint8_t* translate;
  ShiftParams shift;
};

// Gaussian blur (src/ops/blur.ts): image i has radius radius[i] and its
// 2·radius[i] + 1 float32 weights at weights[i · stride] (stride = 2·R + 1,
// R the largest radius); the fill rule of ShiftParams at the border.
// Not in place. Scratch: blur_scratch_floats(p) floats per job.
struct BlurParams {
  int64_t h, w, c;
  bool nchw;
  int fill;
  float fill_value;
  const int32_t* radius;
  const float* weights;
  int64_t stride;
};

// Per job: 2·(stride + 1) floats (stride + 1 row pointers of 8 bytes: the
// taps of two output rows), a fill row of w·c elements (w·c floats, enough
// for uint8 or float32), two ext rows ((w + 2R)·c floats each). The second
// ext row (ext1 in blur.h) and the last row pointer are used only by the
// ISAs that sweep two rows at a time (blur.h's kPairRows); they are sized at
// every ISA because this one formula serves the addon, which sizes the
// scratch without knowing which ISA's kernel will run, and the A/B tools,
// which hand one scratch to two trees. They cost (w + 2R)·c + 2 floats per
// job (2.8 KB for G10's 224×3, radius 5), against a job of whole images.
static inline int64_t blur_scratch_floats(const BlurParams& p) {
  const int64_t c = p.nchw ? 1 : p.c;
  return 2 * (p.stride + 1) + p.w * c + 2 * (p.w + (p.stride - 1)) * c;
}

// MixUp / CutMix pixels (src/ops/mix.ts): image i of dst from image i (a) and
// image partner[i] (b) of src. paste false: y = float32(float32(a · wa[i]) +
// float32(b · wb[i])) per element (uint8: round half to even, saturate);
// paste true: a, with the box rows [top, top + height) × columns [left,
// left + width) taken from b. Reads other images: dst must not overlap src.
struct MixParams {
  int64_t h, w, c;
  bool nchw;
  bool paste;
  const int32_t* partner;
  const float* wa;
  const float* wb;
  const int32_t* top;
  const int32_t* left;
  const int32_t* height;
  const int32_t* width;
};

// Gamma (src/ops/gamma.ts): uint8 element x of image i becomes lut[256·i + x];
// float32 x becomes float32(pow64(x, gamma[i])) (native/kernels/gamma.h),
// clipped if asked. Element-wise, the same for every layout: dst may be src.
struct GammaParams {
  int64_t h, w, c;
  const uint8_t* lut;
  const float* gamma;
  bool clip;
  float clip_lo, clip_hi;
};

// Random erasing (src/ops/erase.ts): image i copied, then its `count` boxes
// (entry i·count + j: rows [top, top + height) × columns [left, left + width),
// inside the image; empty when height or width is 0) filled with values[ch],
// or with noise from position (y·w + x)·c + ch of sample first_sample + i of
// stream (key0, key1, epoch, stream). dst may be src (in place).
struct EraseParams {
  int64_t h, w, c;
  bool nchw;
  int64_t count;
  const int32_t* top;
  const int32_t* left;
  const int32_t* height;
  const int32_t* width;
  bool noise;
  const float* values;
  uint32_t key0, key1, epoch, stream, first_sample;
};

// Resized crops (src/ops/resized-crop.ts): output (y, x) of image i blends
// input rows y0[i·out_h + y], y1[…] with weights wy0, wy1 and columns
// x0[i·out_w + x], x1[…] with wx0, wx1 (float32, or integers 0…4096 summing
// to 4096 for uint8). Taps are inside the image (checked by the addon).
// Not in place. Scratch per job: 2·out_w·c elements (float32 or uint32).
struct ResizedCropParams {
  int64_t h, w, c;
  bool nchw;
  int64_t out_h, out_w;
  const int32_t* x0;
  const int32_t* x1;
  const float* wx0;
  const float* wx1;
  const int32_t* y0;
  const int32_t* y1;
  const float* wy0;
  const float* wy1;
};

// Every kernel one ISA provides. dispatch.cc keeps one table per ISA; a new
// op adds a field here and one line per ISA file.
struct Kernels {
  const char* name;
  void (*random_uniform)(float* out, size_t n, const StreamParams& s, const AffineParams& a);
  void (*random_normal)(float* out, size_t n, const StreamParams& s, const AffineParams& a);
  // images [first, first + count) of the batch (no heap scratch: bilinear uses two fixed
  // 1024-element tiles on the stack, so memory does not grow with the image)
  void (*shift_u8)(const uint8_t* src, uint8_t* dst, const ShiftParams& p, size_t first, size_t count);
  void (*shift_f32)(const float* src, float* dst, const ShiftParams& p, size_t first, size_t count);
  // stream positions [begin, end) of the batch, image after image (see noise_positions);
  // with per_channel in NCHW, begin and end are whole pixels (multiples of c)
  void (*noise_u8)(const uint8_t* src, uint8_t* dst, const NoiseParams& p, uint64_t begin, uint64_t end);
  void (*noise_f32)(const float* src, float* dst, const NoiseParams& p, uint64_t begin, uint64_t end);
  // element streams on Float32Array: x · (offset + scale · z), and the dropout mask
  void (*gaussian_dropout)(const float* x, float* out, size_t n, const StreamParams& s, const AffineParams& a);
  void (*dropout_mask)(float* out, size_t n, const StreamParams& s, float rate, float keep_value);
  // images [first, first + count) of the batch; flips may run in place (dst == src)
  void (*flip_u8)(const uint8_t* src, uint8_t* dst, const FlipParams& p, size_t first, size_t count);
  void (*flip_f32)(const float* src, float* dst, const FlipParams& p, size_t first, size_t count);
  void (*crop_u8)(const uint8_t* src, uint8_t* dst, const CropParams& p, size_t first, size_t count);
  void (*crop_f32)(const float* src, float* dst, const CropParams& p, size_t first, size_t count);
  // images [first, first + count); element-wise, so dst may be src
  void (*color_affine_u8)(const uint8_t* src, uint8_t* dst, const ColorParams& p, size_t first, size_t count);
  void (*color_affine_f32)(const float* src, float* dst, const ColorParams& p, size_t first, size_t count);
  // per-image, per-channel float64 sums of images [first, first + count) into sums[i·c + ch] (p.h, w, c, nchw only)
  void (*channel_sums_u8)(const uint8_t* src, const ColorParams& p, size_t first, size_t count, double* sums);
  void (*channel_sums_f32)(const float* src, const ColorParams& p, size_t first, size_t count, double* sums);
  void (*affine_u8)(const uint8_t* src, uint8_t* dst, const WarpParams& p, size_t first, size_t count);
  void (*affine_f32)(const float* src, float* dst, const WarpParams& p, size_t first, size_t count);
  // images [first, first + count); scratch holds blur_scratch_floats(p) floats; not in place
  void (*blur_u8)(const uint8_t* src, uint8_t* dst, const BlurParams& p, size_t first, size_t count, float* scratch);
  void (*blur_f32)(const float* src, float* dst, const BlurParams& p, size_t first, size_t count, float* scratch);
  // images [first, first + count); reads partner images of src anywhere, so dst must not overlap src
  void (*mix_u8)(const uint8_t* src, uint8_t* dst, const MixParams& p, size_t first, size_t count);
  void (*mix_f32)(const float* src, float* dst, const MixParams& p, size_t first, size_t count);
  // images [first, first + count); scratch holds 2·out_w·c elements (c = 1 for NCHW); not in place
  void (*resized_crop_u8)(const uint8_t* src, uint8_t* dst, const ResizedCropParams& p, size_t first, size_t count, uint32_t* scratch);
  void (*resized_crop_f32)(const float* src, float* dst, const ResizedCropParams& p, size_t first, size_t count, float* scratch);
  // images [first, first + count); element-wise, so dst may be src
  void (*gamma_u8)(const uint8_t* src, uint8_t* dst, const GammaParams& p, size_t first, size_t count);
  void (*gamma_f32)(const float* src, float* dst, const GammaParams& p, size_t first, size_t count);
  // images [first, first + count); dst may be src
  void (*erase_u8)(const uint8_t* src, uint8_t* dst, const EraseParams& p, size_t first, size_t count);
  void (*erase_f32)(const float* src, float* dst, const EraseParams& p, size_t first, size_t count);
  // images [first, first + count), each summed, then mapped; dst may be src
  void (*contrast_u8)(const uint8_t* src, uint8_t* dst, const ContrastParams& p, size_t first, size_t count);
  void (*contrast_f32)(const float* src, float* dst, const ContrastParams& p, size_t first, size_t count);
};

}  // namespace fastaug
