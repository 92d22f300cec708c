// Noise injection (DESIGN §5), bit-identical to src/backends/js/noise.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after random.h
// (no include guard, no standard headers). Values come from the vectorized
// stream generators into a stack chunk, then a plain loop applies them.
//
// uint8 results are saturate(roundHalfEven(x + n)) (speckle: x · n), exactly:
// the sum through an exact float32 decomposition (add_round_saturate), the
// product in double (x has 8 bits and n 24: the product fits in 53).

namespace noise_detail {

constexpr int64_t kChunk = 512;  // stream positions per chunk (a multiple of 4 keeps blocks whole)

// Round half to even for |v| < 2^51: adding and removing 1.5 · 2^52 leaves no
// fraction bits, and the default rounding mode breaks ties to even. (Without
// -ffast-math the compiler may not fold (v + C) − C: it is not an identity.)
inline double round_half_even(double v) {
  const double magic = 6755399441055744.0;
  return (v + magic) - magic;
}

inline uint8_t saturate_u8(double v) {
  const double r = round_half_even(v);
  return uint8_t(r < 0.0 ? 0.0 : (r > 255.0 ? 255.0 : r));
}

// saturate(roundHalfEven(x + n)) for integer x, exactly, in float32: with
// m = roundHalfEven(n) and f = n − m (both exact), x + n rounds to x + m,
// except that a tie (f = ±0.5, so m is even) goes to the even one of
// x + m and x + m ± 1, i.e. moves by ±1 when x is odd. |n| is clamped to 512
// first: beyond that the result saturates either way.
inline uint8_t add_round_saturate(uint8_t x, float n) {
  const float magic = 12582912.0f;  // 1.5 · 2^23: (v + magic) − magic rounds half to even for |v| < 2^22
  const float nc = n < -512.0f ? -512.0f : (n > 512.0f ? 512.0f : n);
  const float m = (nc + magic) - magic;
  const float f = nc - m;
  const int odd = x & 1;
  const int r = int(x) + int(m) + (f == 0.5f ? odd : 0) - (f == -0.5f ? odd : 0);
  return uint8_t(r < 0 ? 0 : (r > 255 ? 255 : r));
}

template <bool kClip>
inline float clip_f32(float v, float lo, float hi) {
  return kClip ? (v < lo ? lo : (v > hi ? hi : v)) : v;
}

// The apply loops, one per kind and dtype, over contiguous elements with
// their noise values in element order.
template <bool kClip>
inline void add_f32(const float* x, float* out, const float* n, int64_t m, float lo, float hi) {
  for (int64_t k = 0; k < m; ++k) out[k] = clip_f32<kClip>(x[k] + n[k], lo, hi);
}
template <bool kClip>
inline void multiply_f32(const float* x, float* out, const float* n, int64_t m, float lo, float hi) {
  for (int64_t k = 0; k < m; ++k) out[k] = clip_f32<kClip>(x[k] * n[k], lo, hi);
}
inline void add_u8(const uint8_t* x, uint8_t* out, const float* n, int64_t m) {
  for (int64_t k = 0; k < m; ++k) out[k] = add_round_saturate(x[k], n[k]);
}
// x · n has up to 32 significant bits: exact only in double
inline void multiply_u8(const uint8_t* x, uint8_t* out, const float* n, int64_t m) {
  for (int64_t k = 0; k < m; ++k) out[k] = saturate_u8(double(x[k]) * double(n[k]));
}
inline void apply(const uint8_t* x, uint8_t* out, const float* n, int64_t m, const NoiseParams& p) {
  if (p.kind == 2) multiply_u8(x, out, n, m);
  else add_u8(x, out, n, m);
}

inline void apply(const float* x, float* out, const float* n, int64_t m, const NoiseParams& p) {
  if (p.kind == 2) {
    if (p.clip) multiply_f32<true>(x, out, n, m, p.clip_lo, p.clip_hi);
    else multiply_f32<false>(x, out, n, m, 0.0f, 0.0f);
  } else {
    if (p.clip) add_f32<true>(x, out, n, m, p.clip_lo, p.clip_hi);
    else add_f32<false>(x, out, n, m, 0.0f, 0.0f);
  }
}

// Noise values of stream positions [j0, j0 + m) of image `image`.
inline void chunk_values(const NoiseParams& p, size_t image, int64_t j0, int64_t m, float* values) {
  const StreamParams sp{p.key0, p.key1, uint64_t(j0), p.epoch, p.stream, uint32_t(p.first_sample + image)};
  const AffineParams ap{p.offset[image], p.scale[image]};
  if (p.kind == 1) random_uniform(values, size_t(m), sp, ap);
  else random_normal(values, size_t(m), sp, ap);
}

// Position-ordered draws into element order: one draw per pixel repeated
// over its channels (NHWC, !per_channel), or one channel's draws (NCHW).
template <class V>
inline void repeat_per_pixel(const V* from, V* to, int64_t pixels, int64_t c) {
  for (int64_t q = 0; q < pixels; ++q) {
    for (int64_t ch = 0; ch < c; ++ch) to[q * c + ch] = from[q];
  }
}
template <class V>
inline void one_channel(const V* from, V* to, int64_t pixels, int64_t c, int64_t ch) {
  for (int64_t q = 0; q < pixels; ++q) to[q] = from[q * c + ch];
}

// Salt and pepper touches few pixels: copy the image, then compare a vector
// of draws at a time against the threshold and visit only the hits.
template <class T>
struct SaltPepperWriter {
  T* dst;
  const NoiseParams& p;
  int64_t pixels, c;
  uint32_t pepper_below;
  T pepper, salt;
  void replace(int64_t j, uint32_t t) const {
    const T v = t < pepper_below ? pepper : salt;
    if (p.per_channel) {
      dst[p.nchw ? (j % c) * pixels + j / c : j] = v;
    } else {
      for (int64_t ch = 0; ch < c; ++ch) dst[p.nchw ? ch * pixels + j : j * c + ch] = v;
    }
  }
};

template <class T>
void salt_pepper_image(const T* src, T* dst, const NoiseParams& p, size_t image) {
  using S = Simd;
  const int64_t pixels = p.h * p.w, c = p.c, size = pixels * c;
  if (dst != src) __builtin_memcpy(dst, src, size_t(size) * sizeof(T));
  const int64_t positions = p.per_channel ? size : pixels;
  const uint32_t salt_below = p.salt_below[image];
  if (salt_below == 0) return;
  const SaltPepperWriter<T> writer{dst, p, pixels, c, p.pepper_below[image], T(p.pepper_value), T(p.salt_value)};
  const S::U32 threshold = S::set32(salt_below), low16 = S::set32(0xFFFFu);
  constexpr int64_t kPositions = 16384;  // draws are 16 bits: a large chunk keeps per-call setup small
  alignas(64) uint32_t words[kPositions / 2];
  for (int64_t j0 = 0; j0 < positions; j0 += kPositions) {
    const int64_t m = positions - j0 < kPositions ? positions - j0 : kPositions;
    const int64_t nwords = (m + 1) / 2;
    StreamParams sp{p.key0, p.key1, uint64_t(j0 / 2), p.epoch, p.stream, uint32_t(p.first_sample + image)};
    random_words(words, size_t(nwords), sp);
    // word q holds positions 2q (low half) and 2q + 1 (high half)
    int64_t q0 = 0;
    for (; q0 + S::kLanes <= nwords; q0 += S::kLanes) {
      const S::U32 w = S::load32(words + q0);
      uint32_t lo = S::lt_mask(S::band(w, low16), threshold);
      uint32_t hi = S::lt_mask(S::template srli<16>(w), threshold);
      for (; lo != 0; lo &= lo - 1) {
        const int64_t q = q0 + __builtin_ctz(lo);
        writer.replace(j0 + 2 * q, words[q] & 0xFFFFu);
      }
      for (; hi != 0; hi &= hi - 1) {
        const int64_t q = q0 + __builtin_ctz(hi);
        if (2 * q + 1 < m) writer.replace(j0 + 2 * q + 1, words[q] >> 16);
      }
    }
    for (int64_t k = 2 * q0; k < m; ++k) {
      const uint32_t t = (words[k / 2] >> (16 * (k & 1))) & 0xFFFFu;
      if (t < salt_below) writer.replace(j0 + k, t);
    }
  }
}

// One element, for the rare shapes the chunked paths below do not cover.
inline uint8_t apply_one(uint8_t x, float n, const NoiseParams& p) {
  return p.kind == 2 ? saturate_u8(double(x) * double(n)) : add_round_saturate(x, n);
}
inline float apply_one(float x, float n, const NoiseParams& p) {
  const float v = p.kind == 2 ? x * n : x + n;
  return p.clip ? clip_f32<true>(v, p.clip_lo, p.clip_hi) : v;
}

// The element index of position j's channel `ch` (per pixel) or of position j (per channel).
inline int64_t element_of(const NoiseParams& p, int64_t j, int64_t ch) {
  const int64_t pixels = p.h * p.w;
  if (p.per_channel) return p.nchw ? (j % p.c) * pixels + j / p.c : j;
  return p.nchw ? ch * pixels + j : j * p.c + ch;
}

// The chunked paths, one per layout. Each generates kChunk-sized runs of the
// stream (a whole number of generator iterations) and applies them with the
// vectorizable loops above.
struct NoiseChunks {
  alignas(64) float values[kChunk];
  alignas(64) float spread[kChunk * 4];
};

// NHWC per channel: positions are the elements themselves.
template <class T>
void noise_nhwc_elements(const T* src, T* dst, const NoiseParams& p, size_t image, NoiseChunks& b) {
  const int64_t size = p.h * p.w * p.c;
  for (int64_t j0 = 0; j0 < size; j0 += kChunk) {
    const int64_t m = size - j0 < kChunk ? size - j0 : kChunk;
    chunk_values(p, image, j0, m, b.values);
    apply(src + j0, dst + j0, b.values, m, p);
  }
}

// NHWC per pixel (c <= 4): each draw repeated over its pixel's channels.
template <class T>
void noise_nhwc_pixels(const T* src, T* dst, const NoiseParams& p, size_t image, NoiseChunks& b) {
  const int64_t pixels = p.h * p.w, c = p.c;
  for (int64_t j0 = 0; j0 < pixels; j0 += kChunk) {
    const int64_t m = pixels - j0 < kChunk ? pixels - j0 : kChunk;
    chunk_values(p, image, j0, m, b.values);
    repeat_per_pixel<float>(b.values, b.spread, m, c);
    apply(src + j0 * c, dst + j0 * c, b.spread, m * c, p);
  }
}

// NCHW per pixel: the same draws for every channel plane.
template <class T>
void noise_nchw_pixels(const T* src, T* dst, const NoiseParams& p, size_t image, NoiseChunks& b) {
  const int64_t pixels = p.h * p.w;
  for (int64_t j0 = 0; j0 < pixels; j0 += kChunk) {
    const int64_t m = pixels - j0 < kChunk ? pixels - j0 : kChunk;
    chunk_values(p, image, j0, m, b.values);
    for (int64_t ch = 0; ch < p.c; ++ch) apply(src + ch * pixels + j0, dst + ch * pixels + j0, b.values, m, p);
  }
}

// NCHW per channel (c <= kChunk): chunks of whole pixels, one plane at a time.
template <class T>
void noise_nchw_elements(const T* src, T* dst, const NoiseParams& p, size_t image, NoiseChunks& b) {
  const int64_t pixels = p.h * p.w, c = p.c;
  const int64_t step = (kChunk / c >= 4 ? (kChunk / c) & ~int64_t(3) : kChunk / c);  // whole Philox blocks when possible
  for (int64_t pix0 = 0; pix0 < pixels; pix0 += step) {
    const int64_t npix = pixels - pix0 < step ? pixels - pix0 : step;
    chunk_values(p, image, pix0 * c, npix * c, b.values);
    for (int64_t ch = 0; ch < c; ++ch) {
      one_channel<float>(b.values, b.spread, npix, c, ch);
      apply(src + ch * pixels + pix0, dst + ch * pixels + pix0, b.spread, npix, p);
    }
  }
}

// Anything else (thousands of channels): element by element.
template <class T>
void noise_any(const T* src, T* dst, const NoiseParams& p, size_t image, NoiseChunks& b) {
  const int64_t pixels = p.h * p.w;
  const int64_t positions = p.per_channel ? pixels * p.c : pixels, repeat = p.per_channel ? 1 : p.c;
  for (int64_t j0 = 0; j0 < positions; j0 += kChunk) {
    const int64_t m = positions - j0 < kChunk ? positions - j0 : kChunk;
    chunk_values(p, image, j0, m, b.values);
    for (int64_t k = 0; k < m; ++k) {
      for (int64_t ch = 0; ch < repeat; ++ch) {
        const int64_t e = element_of(p, j0 + k, ch);
        dst[e] = apply_one(src[e], b.values[k], p);
      }
    }
  }
}

template <class T>
void noise_image(const T* src, T* dst, const NoiseParams& p, size_t image) {
  if (p.kind == 3) {
    salt_pepper_image<T>(src, dst, p, image);
    return;
  }
  NoiseChunks buffers;
  if (p.per_channel && !p.nchw) noise_nhwc_elements<T>(src, dst, p, image, buffers);
  else if (!p.per_channel && p.nchw) noise_nchw_pixels<T>(src, dst, p, image, buffers);
  else if (!p.per_channel && p.c <= 4) noise_nhwc_pixels<T>(src, dst, p, image, buffers);
  else if (p.per_channel && p.c <= kChunk) noise_nchw_elements<T>(src, dst, p, image, buffers);
  else noise_any<T>(src, dst, p, image, buffers);
}

template <class T>
void noise_images(const T* src, T* dst, const NoiseParams& p, size_t first, size_t count) {
  const int64_t size = p.h * p.w * p.c;
  for (size_t i = first; i < first + count; ++i) noise_image<T>(src + int64_t(i) * size, dst + int64_t(i) * size, p, i);
}

}  // namespace noise_detail

inline void noise_u8(const uint8_t* src, uint8_t* dst, const NoiseParams& p, size_t first, size_t count) {
  noise_detail::noise_images<uint8_t>(src, dst, p, first, count);
}

inline void noise_f32(const float* src, float* dst, const NoiseParams& p, size_t first, size_t count) {
  noise_detail::noise_images<float>(src, dst, p, first, count);
}

// out = x · (offset + scale · z) on the element stream, a chunk at a time.
inline void gaussian_dropout(const float* x, float* out, size_t n, const StreamParams& sp, const AffineParams& ap) {
  alignas(64) float factor[noise_detail::kChunk];
  StreamParams at = sp;
  for (size_t j0 = 0; j0 < n; j0 += noise_detail::kChunk) {
    const size_t m = n - j0 < size_t(noise_detail::kChunk) ? n - j0 : size_t(noise_detail::kChunk);
    at.first = sp.first + j0;
    random_normal(factor, m, at, ap);
    for (size_t k = 0; k < m; ++k) out[j0 + k] = x[j0 + k] * factor[k];
  }
}

// out = U(w) < rate ? 0 : keep_value on the element stream.
inline void dropout_mask(float* out, size_t n, const StreamParams& sp, float rate, float keep_value) {
  random_uniform(out, n, sp, AffineParams{0.0f, 1.0f});
  for (size_t k = 0; k < n; ++k) out[k] = out[k] < rate ? 0.0f : keep_value;
}
