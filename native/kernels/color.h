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

// GCC if-converts the clamps below into vector max / min only when it may
// assume that comparisons do not trap (as in affine.h: the same values,
// only floating-point exception flags, which nothing reads, could differ).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

inline float clip_value(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

// roundHalfEven (rint in the default rounding mode) then saturate; NaN gives
// 0, as storing NaN in a Uint8Array does. Clamping to [0, 255] first gives
// the same value (rint is monotonic and keeps 0 and 255; NaN fails y > 0),
// and then t + 1.5·2^23 is 1.5·2^23 + rint(t) exactly (float32 spacing 1
// there), an integer whose low byte is rint(t) (1.5·2^23 = 0xC00000).
// Checked against rint-then-saturate for all 2^32 float bit patterns. x86
// builds map whole vectors with map_u8_step below (the same rule); this is
// their tail, and every element of the scalar and NEON builds.
inline uint8_t saturate_u8(float y) {
  const float low = y > 0.0f ? y : 0.0f;
  const float t = low < 255.0f ? low : 255.0f;
  return uint8_t(int32_t(t + 12582912.0f));
}

// uint8 runs of one channel go through the pattern map below in blocks of
// this many elements (a and b repeated).
constexpr int64_t kRunBlock = 256;

// --- uint8 maps with explicit vectors ---
//
// Written as plain loops, GCC sinks the clamps past the conversion into
// byte selects (compare masks packed to bytes and two blends per vector,
// about three times the instructions). Here, per element, the value of
// saturate_u8: t = min(255, y) (minps returns its second operand y when y
// is NaN, and 255 for y ≥ 255 and +inf), then cvtps2dq, which rounds half
// to even in the default MXCSR mode (as the float add in saturate_u8
// does) and gives 0x80000000 for NaN and −inf; packusdw saturates every
// negative int32 to 0, so no max(·, 0) is needed. Checked against
// rint-then-saturate for all 2^32 float bit patterns of y.
// AVX-512 builds take the AVX2 path (__AVX2__ is defined there too): the
// same 256-bit code, so that no lane order is new on AVX-512 hosts.
#if defined(__AVX2__)
constexpr int64_t kMapStep = 32;

// dst[0…31] from src[0…31] against a[0…31], b[0…31].
inline void map_u8_step(const uint8_t* src, uint8_t* dst, const float* a, const float* b) {
  const __m256 top = _mm256_set1_ps(255.0f);
  __m256i q[4];
  for (int j = 0; j < 4; ++j) {
    const __m256i x = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + 8 * j)));
    const __m256 y = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(x), _mm256_loadu_ps(a + 8 * j)), _mm256_loadu_ps(b + 8 * j));
    q[j] = _mm256_cvtps_epi32(_mm256_min_ps(top, y));
  }
  // packs work per 128-bit half: the dwords of the result are elements
  // 0–3, 8–11, 16–19, 24–27 | 4–7, 12–15, 20–23, 28–31; the permute puts
  // them back in order
  const __m256i bytes = _mm256_packus_epi16(_mm256_packus_epi32(q[0], q[1]), _mm256_packus_epi32(q[2], q[3]));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
}
#elif defined(__SSE4_1__)
constexpr int64_t kMapStep = 16;

// dst[0…15] from src[0…15] against a[0…15], b[0…15].
inline void map_u8_step(const uint8_t* src, uint8_t* dst, const float* a, const float* b) {
  const __m128 top = _mm_set1_ps(255.0f);
  __m128i q[4];
  for (int j = 0; j < 4; ++j) {
    int32_t four;
    __builtin_memcpy(&four, src + 4 * j, 4);
    const __m128i x = _mm_cvtepu8_epi32(_mm_cvtsi32_si128(four));
    const __m128 y = _mm_add_ps(_mm_mul_ps(_mm_cvtepi32_ps(x), _mm_loadu_ps(a + 4 * j)), _mm_loadu_ps(b + 4 * j));
    q[j] = _mm_cvtps_epi32(_mm_min_ps(top, y));
  }
  const __m128i bytes = _mm_packus_epi16(_mm_packus_epi32(q[0], q[1]), _mm_packus_epi32(q[2], q[3]));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), bytes);
}
#else
constexpr int64_t kMapStep = 0;  // no vector step: the element loop below
#endif

// `count` uint8 elements against per-element a[k], b[k]; dst may be src.
inline void affine_pattern_u8(const uint8_t* src, uint8_t* dst, int64_t count, const float* a, const float* b) {
  int64_t k = 0;
#if defined(__AVX2__) || defined(__SSE4_1__)
  for (; k + kMapStep <= count; k += kMapStep) map_u8_step(src + k, dst + k, a + k, b + k);
#endif
  for (; k < count; ++k) dst[k] = saturate_u8(float(src[k]) * a[k] + b[k]);
}

// `count` elements of one channel (stride 1) or of interleaved channels.
template <class T>
inline void affine_run(const T* src, T* dst, int64_t count, float a, float b, const ColorParams& p) {
  if constexpr (sizeof(T) == 1) {
    if (count >= kRunBlock) {
      float pa[kRunBlock], pb[kRunBlock];
      for (int64_t j = 0; j < kRunBlock; ++j) {
        pa[j] = a;
        pb[j] = b;
      }
      int64_t k = 0;
      for (; k < count; k += kRunBlock) affine_pattern_u8(src + k, dst + k, count - k < kRunBlock ? count - k : kRunBlock, pa, pb);
      return;
    }
  }
  for (int64_t k = 0; k < count; ++k) {
    const float y = float(src[k]) * a + b;
    if constexpr (sizeof(T) == 1) {
      dst[k] = saturate_u8(y);
    } else {
      dst[k] = p.clip ? clip_value(y, p.clip_lo, p.clip_hi) : y;
    }
  }
}

// Interleaved channels (NHWC, c = 2…4): blocks of kPixels pixels against
// per-element copies of the channel's a and b, so that the inner loop is
// one contiguous element-wise map (float32: the compiler vectorizes it;
// uint8: affine_pattern_u8), the same operations on each element as
// affine_run.
constexpr int64_t kPixels = 64;  // 64·c elements: whole vectors of uint8 lanes at every ISA

template <class T>
inline void affine_pattern(const T* src, T* dst, int64_t count, const float* a, const float* b, const ColorParams& p) {
  if constexpr (sizeof(T) == 1) {
    affine_pattern_u8(src, dst, count, a, b);
  } else {
    for (int64_t k = 0; k < count; ++k) {
      const float y = float(src[k]) * a[k] + b[k];
      dst[k] = p.clip ? clip_value(y, p.clip_lo, p.clip_hi) : y;
    }
  }
}

template <class T>
inline void affine_pixels(const T* src, T* dst, int64_t pixels, int64_t c, const float* a, const float* b, const ColorParams& p) {
  float pa[kPixels * 4], pb[kPixels * 4];
  for (int64_t j = 0; j < kPixels * c; ++j) {
    pa[j] = a[j % c];
    pb[j] = b[j % c];
  }
  int64_t k = 0;
  for (; k + kPixels <= pixels; k += kPixels) affine_pattern<T>(src + k * c, dst + k * c, kPixels * c, pa, pb, p);
  affine_pattern<T>(src + k * c, dst + k * c, (pixels - k) * c, pa, pb, p);
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
    if (p.c <= 4) {
      affine_pixels<T>(src + at, dst + at, plane, p.c, a, b, p);
      continue;
    }
    for (int64_t k = 0; k < plane; ++k) {
      for (int64_t ch = 0; ch < p.c; ++ch) affine_run<T>(src + at + k * p.c + ch, dst + at + k * p.c + ch, 1, a[ch], b[ch], p);
    }
  }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

}  // namespace color_detail

inline void color_affine_u8(const uint8_t* src, uint8_t* dst, const ColorParams& p, size_t first, size_t count) {
  color_detail::affine_images<uint8_t>(src, dst, p, first, count);
}

inline void color_affine_f32(const float* src, float* dst, const ColorParams& p, size_t first, size_t count) {
  color_detail::affine_images<float>(src, dst, p, first, count);
}

// Per-image, per-channel sums for contrast's means (src/ops/color.ts), in
// float64, channel ch of image i into sums[i·c + ch]. uint8: the exact
// integer sum (any order gives it). float32: pixel p is added to partial sum
// p mod 8 of its channel, pixel after pixel, and the channel's sum is
// ((p0 + p1) + p2) + … + p7 (the same in either layout, and in
// src/backends/js/color.ts): eight independent chains, which vectorize.
namespace color_detail {

// uint8, interleaved channels (c = 1…4; c = 1 for each plane of NCHW
// images): integer sums are exact in any
// order, so elements are summed against a repeating lane pattern (one
// contiguous, vectorizable loop), each lane folded into its channel after.
// The lanes are uint16 (16 to an AVX2 vector, against 4 for uint64 lanes),
// emptied into uint64 totals every kBlocksPerFlush blocks, before
// 257 · 255 could pass 65535.
constexpr int64_t kBlocksPerFlush = 256;

inline void channel_sums_interleaved_u8(const uint8_t* image, int64_t pixels, int64_t c, double* sums) {
  uint64_t total[kPixels * 4] = {};
  uint16_t acc[kPixels * 4];
  const int64_t lanes = kPixels * c;
  int64_t k = 0;
  while (k < pixels) {
    for (int64_t j = 0; j < lanes; ++j) acc[j] = 0;
    for (int64_t blocks = 0; blocks < kBlocksPerFlush && k + kPixels <= pixels; ++blocks, k += kPixels) {
      const uint8_t* at = image + k * c;
      for (int64_t j = 0; j < lanes; ++j) acc[j] = uint16_t(acc[j] + at[j]);
    }
    if (k + kPixels > pixels) {
      // the last, partial block (at most one more add per lane)
      for (int64_t j = 0; j < (pixels - k) * c; ++j) acc[j] = uint16_t(acc[j] + image[k * c + j]);
      k = pixels;
    }
    for (int64_t j = 0; j < lanes; ++j) total[j] += acc[j];
  }
  for (int64_t ch = 0; ch < c; ++ch) {
    uint64_t sum = 0;
    for (int64_t j = ch; j < lanes; j += c) sum += total[j];
    sums[ch] = double(sum);
  }
}

constexpr int64_t kPartials = 8;

// float32: the eight partial sums of each channel (partial j of channel ch
// at acc[j·c + ch]); blocks of eight pixels are contiguous in NHWC, so
// element j of a block adds to acc[j].
inline void channel_sums_f32_image(const float* image, int64_t plane, int64_t c, bool nchw, double* sums) {
  for (int64_t ch0 = 0; ch0 < (nchw ? c : 1); ++ch0) {
    const int64_t lanes = nchw ? 1 : c;  // channels interleaved in one pass
    const float* at = nchw ? image + ch0 * plane : image;
    double acc[kPartials * 64] = {};
    if (lanes > 64) {
      // very many channels: one channel at a time, strided
      for (int64_t ch = 0; ch < c; ++ch) {
        double part[kPartials] = {};
        for (int64_t p = 0; p < plane; ++p) part[p % kPartials] += double(at[p * c + ch]);
        double total = part[0];
        for (int64_t j = 1; j < kPartials; ++j) total += part[j];
        sums[ch] = total;
      }
      return;
    }
    int64_t p = 0;
    for (; p + kPartials <= plane; p += kPartials) {
      const float* block = at + p * lanes;
      for (int64_t j = 0; j < kPartials * lanes; ++j) acc[j] += double(block[j]);
    }
    for (int64_t j = 0; j < (plane - p) * lanes; ++j) acc[j] += double(at[p * lanes + j]);
    for (int64_t l = 0; l < lanes; ++l) {
      double total = acc[l];
      for (int64_t j = 1; j < kPartials; ++j) total += acc[j * lanes + l];
      sums[nchw ? ch0 : l] = total;
    }
  }
}

template <class T, class Acc>
void channel_sums_images(const T* src, const ColorParams& p, size_t first, size_t count, double* sums) {
  const int64_t plane = p.h * p.w;
  for (size_t i = first; i < first + count; ++i) {
    const T* image = src + int64_t(i) * plane * p.c;
    if constexpr (sizeof(T) == 1) {
      if (p.nchw || p.c == 1) {
        // each channel's plane is one contiguous run: one lane pattern of c = 1
        for (int64_t ch = 0; ch < p.c; ++ch) channel_sums_interleaved_u8(image + ch * plane, plane, 1, sums + int64_t(i) * p.c + ch);
        continue;
      }
      if (p.c <= 4) {
        channel_sums_interleaved_u8(image, plane, p.c, sums + int64_t(i) * p.c);
        continue;
      }
    } else {
      channel_sums_f32_image(image, plane, p.c, p.nchw, sums + int64_t(i) * p.c);
      continue;
    }
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
