// Per-image colour transforms (issue 19: brightness, contrast), bit-identical
// to src/backends/js/color.ts. Included per ISA inside namespace
// fastaug::FASTAUG_ISA_NS (no include guard, no standard headers): plain
// loops the compiler vectorizes for the including file's target, built with
// -ffp-contract=off (and -mno-fma): no fused multiply-add.
//
// Element x of channel ch of image i becomes y = float32(float32(x · a) + b),
// a = scale[i·c + ch], b = offset[i·c + ch]; float32 data then clips if
// asked; uint8 data becomes saturate(roundHalfEven(y)) (NaN: 0), the rule of
// the noise ops applied to the float32 value.

namespace color_detail {

inline float clip_value(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

// roundHalfEven (rint in the default rounding mode) then saturate; NaN fails
// both comparisons and gives 0, as storing NaN in a Uint8Array does.
inline uint8_t saturate_u8(float y) {
  const float r = __builtin_rintf(y);
  return r >= 255.0f ? uint8_t(255) : (r >= 0.0f ? uint8_t(r) : uint8_t(0));
}

// `count` elements of one channel (stride 1) or of interleaved channels.
template <class T>
inline void affine_run(const T* src, T* dst, int64_t count, float a, float b, const ColorParams& p) {
  for (int64_t k = 0; k < count; ++k) {
    const float y = float(src[k]) * a + b;
    if constexpr (sizeof(T) == 1) {
      dst[k] = saturate_u8(y);
    } else {
      dst[k] = p.clip ? clip_value(y, p.clip_lo, p.clip_hi) : y;
    }
  }
}

template <class T, int C>
inline void affine_pixels(const T* src, T* dst, int64_t pixels, const float* a, const float* b, const ColorParams& p) {
  for (int64_t k = 0; k < pixels; ++k) {
    for (int ch = 0; ch < C; ++ch) {
      const float y = float(src[k * C + ch]) * a[ch] + b[ch];
      if constexpr (sizeof(T) == 1) {
        dst[k * C + ch] = saturate_u8(y);
      } else {
        dst[k * C + ch] = p.clip ? clip_value(y, p.clip_lo, p.clip_hi) : y;
      }
    }
  }
}

template <class T>
void affine_images(const T* src, T* dst, const ColorParams& p, size_t first, size_t count) {
  const int64_t plane = p.h * p.w;
  for (size_t i = first; i < first + count; ++i) {
    const int64_t at = int64_t(i) * plane * p.c;
    const float* a = p.scale + int64_t(i) * p.c;
    const float* b = p.offset + int64_t(i) * p.c;
    if (p.nchw || p.c == 1) {
      for (int64_t ch = 0; ch < p.c; ++ch) affine_run<T>(src + at + ch * plane, dst + at + ch * plane, plane, a[ch], b[ch], p);
      continue;
    }
    switch (p.c) {
      case 3: affine_pixels<T, 3>(src + at, dst + at, plane, a, b, p); break;
      case 4: affine_pixels<T, 4>(src + at, dst + at, plane, a, b, p); break;
      default:
        for (int64_t k = 0; k < plane; ++k) {
          for (int64_t ch = 0; ch < p.c; ++ch) affine_run<T>(src + at + k * p.c + ch, dst + at + k * p.c + ch, 1, a[ch], b[ch], p);
        }
    }
  }
}

}  // namespace color_detail

inline void color_affine_u8(const uint8_t* src, uint8_t* dst, const ColorParams& p, size_t first, size_t count) {
  color_detail::affine_images<uint8_t>(src, dst, p, first, count);
}

inline void color_affine_f32(const float* src, float* dst, const ColorParams& p, size_t first, size_t count) {
  color_detail::affine_images<float>(src, dst, p, first, count);
}

// Per-image, per-channel sums for contrast's means (src/ops/color.ts), in
// float64, channel ch of image i into sums[i·c + ch]. uint8: the exact
// integer sum (any order gives it). float32: each element added in turn,
// pixel after pixel, to its channel's float64 sum (the same order in either
// layout, and in src/backends/js/color.ts).
namespace color_detail {

template <class T, class Acc>
void channel_sums_images(const T* src, const ColorParams& p, size_t first, size_t count, double* sums) {
  const int64_t plane = p.h * p.w;
  for (size_t i = first; i < first + count; ++i) {
    const T* image = src + int64_t(i) * plane * p.c;
    for (int64_t ch = 0; ch < p.c; ++ch) {
      Acc acc = 0;
      if (p.nchw) {
        const T* at = image + ch * plane;
        for (int64_t k = 0; k < plane; ++k) acc += Acc(at[k]);
      } else {
        for (int64_t k = 0; k < plane; ++k) acc += Acc(image[k * p.c + ch]);
      }
      sums[int64_t(i) * p.c + ch] = double(acc);
    }
  }
}

}  // namespace color_detail

inline void channel_sums_u8(const uint8_t* src, const ColorParams& p, size_t first, size_t count, double* sums) {
  color_detail::channel_sums_images<uint8_t, uint64_t>(src, p, first, count, sums);
}

inline void channel_sums_f32(const float* src, const ColorParams& p, size_t first, size_t count, double* sums) {
  color_detail::channel_sums_images<float, double>(src, p, first, count, sums);
}
