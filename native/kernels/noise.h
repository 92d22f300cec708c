// Noise injection (DESIGN §5), bit-identical to src/backends/js/noise.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after random.h
// (no include guard, no standard headers). Values come from the vectorized
// stream generators into a stack chunk, then a plain loop applies them.
//
// uint8 results are saturate(roundHalfEven(x + n)) (speckle: x · n) with the
// sum or product exact in double: x has 8 bits and n 24, so both fit in 53.

namespace noise_detail {

constexpr int64_t kChunk = 2048;  // stream positions per chunk (a multiple of 4 keeps blocks whole)

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

inline float clip_f32(float v, const NoiseParams& p) {
  if (!p.clip) return v;
  return v < p.clip_lo ? p.clip_lo : (v > p.clip_hi ? p.clip_hi : v);
}

// The value an element gets from its noise value n.
inline uint8_t apply(uint8_t x, float n, const NoiseParams& p) {
  return p.kind == 2 ? saturate_u8(double(x) * double(n)) : saturate_u8(double(x) + double(n));
}
inline float apply(float x, float n, const NoiseParams& p) {
  return clip_f32(p.kind == 2 ? x * n : x + n, p);
}

// Salt and pepper from 16 bits t of the stream: pepper if t < pepper_below,
// salt if t < salt_below, else unchanged.
template <class T>
inline T salt_pepper(T x, uint32_t t, uint32_t pepper_below, uint32_t salt_below, const NoiseParams& p) {
  return t < pepper_below ? T(p.pepper_value) : (t < salt_below ? T(p.salt_value) : x);
}

// Stream positions [j0, j0 + m) of image `sample`, as noise values (or, for
// salt and pepper, as 16-bit halves of the words: position j is half j % 2,
// low half first, of word j / 2).
inline void chunk_values(const NoiseParams& p, size_t image, int64_t j0, int64_t m, float* values, uint32_t* halves) {
  StreamParams sp{p.key0, p.key1, uint64_t(j0), p.epoch, p.stream, uint32_t(p.first_sample + image)};
  if (p.kind == 3) {
    uint32_t words[kChunk / 2 + 1];
    sp.first = uint64_t(j0 / 2);
    random_words(words, size_t((m + 1) / 2), sp);
    for (int64_t k = 0; k < m; ++k) halves[k] = (words[k / 2] >> (16 * (k & 1))) & 0xFFFFu;
    return;
  }
  const AffineParams ap{p.offset[image], p.scale[image]};
  if (p.kind == 1) random_uniform(values, size_t(m), sp, ap);
  else random_normal(values, size_t(m), sp, ap);
}

template <class T>
void noise_image(const T* src, T* dst, const NoiseParams& p, size_t image) {
  const int64_t pixels = p.h * p.w, c = p.c;
  const int64_t positions = p.per_channel ? pixels * c : pixels;
  const uint32_t pepper = p.kind == 3 ? p.pepper_below[image] : 0, salt = p.kind == 3 ? p.salt_below[image] : 0;
  alignas(64) float values[kChunk];
  uint32_t halves[kChunk];
  // chunks hold whole pixels, so a chunk's elements are easy to find in either layout
  const int64_t step = p.per_channel ? (kChunk / c) * c : kChunk;
  for (int64_t j0 = 0; j0 < positions; j0 += step) {
    const int64_t m = positions - j0 < step ? positions - j0 : step;
    chunk_values(p, image, j0, m, values, halves);
    auto value_at = [&](int64_t k, T x) -> T {
      return p.kind == 3 ? salt_pepper<T>(x, halves[k], pepper, salt, p) : apply(x, values[k], p);
    };
    if (!p.nchw && p.per_channel) {
      for (int64_t k = 0; k < m; ++k) dst[j0 + k] = value_at(k, src[j0 + k]);
    } else if (!p.nchw) {
      for (int64_t k = 0; k < m; ++k) {
        for (int64_t ch = 0; ch < c; ++ch) dst[(j0 + k) * c + ch] = value_at(k, src[(j0 + k) * c + ch]);
      }
    } else {
      const int64_t pix0 = p.per_channel ? j0 / c : j0, npix = p.per_channel ? m / c : m;
      for (int64_t ch = 0; ch < c; ++ch) {
        for (int64_t q = 0; q < npix; ++q) {
          const int64_t e = ch * pixels + pix0 + q;
          dst[e] = value_at(p.per_channel ? q * c + ch : q, src[e]);
        }
      }
    }
  }
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
