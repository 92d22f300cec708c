// Random erasing (issue 19), bit-identical to src/backends/js/erase.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after random.h
// (its random_normal and random_words give the noise fill); no include
// guard, no standard headers.
//
// Image i is copied (skipped when dst is src), then its boxes are filled in
// order: with values[ch] per channel, or with noise that depends only on the
// element's NHWC position p = (y·w + x)·c + ch in the image: position p of
// sample first_sample + i's stream (uint8: the word >>> 24, uniform 0…255;
// float32: the stream's standard normal). The copy is the bulk of the work:
// one pass over each image (copy_span, copy.h; through memcpy, glibc's
// `rep movsb` ran 2-8x slower at some output offsets), and a box's rows
// are copy_span / copy_bytes too (through memcpy each row was a call).

namespace erase_detail {

constexpr int64_t kChunk = 1024;  // noise values generated at a time (on the stack)

inline void noise_chunk(uint8_t* out, int64_t n, const StreamParams& sp) {
  uint32_t words[kChunk];
  random_words(words, size_t(n), sp);
  for (int64_t k = 0; k < n; ++k) out[k] = uint8_t(words[k] >> 24);
}

inline void noise_chunk(float* out, int64_t n, const StreamParams& sp) {
  random_normal(out, size_t(n), sp, AffineParams{0.0f, 1.0f});
}

// One row of a box: bw pixels from column left of row y.
template <class T>
inline void fill_row_constant(T* image, const EraseParams& p, int64_t y, int64_t left, int64_t bw) {
  const int64_t plane = p.h * p.w;
  if (p.nchw) {
    for (int64_t ch = 0; ch < p.c; ++ch) {
      T* d = image + ch * plane + y * p.w + left;
      const T v = T(p.values[ch]);
      for (int64_t x = 0; x < bw; ++x) d[x] = v;
    }
    return;
  }
  T* d = image + (y * p.w + left) * p.c;
  const int64_t total = bw * p.c;
  if (p.c == 1) {
    const T v = T(p.values[0]);
    for (int64_t k = 0; k < total; ++k) d[k] = v;
    return;
  }
  // the first pixel, then the filled part copied onto the rest, doubling
  for (int64_t ch = 0; ch < p.c; ++ch) d[ch] = T(p.values[ch]);
  for (int64_t filled = p.c; filled < total;) {
    const int64_t take = filled < total - filled ? filled : total - filled;
    copy_bytes(d + filled, d, size_t(take) * sizeof(T));
    filled += take;
  }
}

// A box of the constant fill: its first row built as above, then each later
// row one copy of it (in NCHW, per channel plane). Building every row by
// doubling took ~8 short copies per row of 3-channel pixels, which made the
// boxes cost as much as the copy of the whole batch (uint8, p 0.5).
template <class T>
inline void fill_box_constant(T* image, const EraseParams& p, int64_t top, int64_t left, int64_t bh, int64_t bw) {
  fill_row_constant<T>(image, p, top, left, bw);
  const int64_t planes = p.nchw ? p.c : 1;
  const int64_t plane = p.nchw ? p.h * p.w : 0;
  const int64_t row_elems = p.nchw ? p.w : p.w * p.c;
  const int64_t box_elems = p.nchw ? bw : bw * p.c;
  const int64_t at_left = p.nchw ? left : left * p.c;
  for (int64_t ch = 0; ch < planes; ++ch) {
    const T* first = image + ch * plane + top * row_elems + at_left;
    for (int64_t y = top + 1; y < top + bh; ++y)
      copy_span(image + ch * plane + y * row_elems + at_left, first, size_t(box_elems) * sizeof(T));
  }
}

template <class T>
inline void fill_row_noise(T* image, const EraseParams& p, size_t sample, int64_t y, int64_t left, int64_t bw) {
  const int64_t plane = p.h * p.w;
  const int64_t row0 = (y * p.w + left) * p.c;  // NHWC position of the row's first element
  const int64_t total = bw * p.c;
  T values[kChunk];
  for (int64_t done = 0; done < total; done += kChunk) {
    const int64_t n = total - done < kChunk ? total - done : kChunk;
    StreamParams sp{p.key0, p.key1, uint64_t(row0 + done), p.epoch, p.stream, uint32_t(sample)};
    noise_chunk(values, n, sp);
    if (!p.nchw) {
      copy_span(image + row0 + done, values, size_t(n) * sizeof(T));
      continue;
    }
    for (int64_t k = 0; k < n; ++k) {
      const int64_t e = done + k;
      image[(e % p.c) * plane + y * p.w + left + e / p.c] = values[k];
    }
  }
}

template <class T>
void erase_images(const T* src, T* dst, const EraseParams& p, size_t first, size_t count) {
  const int64_t image = p.h * p.w * p.c;
  for (size_t i = first; i < first + count; ++i) {
    T* d = dst + int64_t(i) * image;
    if (src != dst) copy_span(d, src + int64_t(i) * image, size_t(image) * sizeof(T));
    for (int64_t j = 0; j < p.count; ++j) {
      const int64_t box = int64_t(i) * p.count + j;
      const int64_t top = p.top[box], left = p.left[box], bh = p.height[box], bw = p.width[box];
      if (bh <= 0 || bw <= 0) continue;
      if (!p.noise) {
        fill_box_constant<T>(d, p, top, left, bh, bw);
        continue;
      }
      for (int64_t y = top; y < top + bh; ++y) fill_row_noise<T>(d, p, size_t(p.first_sample) + i, y, left, bw);
    }
  }
}

}  // namespace erase_detail

inline void erase_u8(const uint8_t* src, uint8_t* dst, const EraseParams& p, size_t first, size_t count) {
  erase_detail::erase_images<uint8_t>(src, dst, p, first, count);
}

inline void erase_f32(const float* src, float* dst, const EraseParams& p, size_t first, size_t count) {
  erase_detail::erase_images<float>(src, dst, p, first, count);
}
