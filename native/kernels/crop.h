// Crops with padding (issue 19), bit-identical to src/backends/js/crop.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after shift.h,
// whose fill rule (shift_detail::map_index) it shares: pure data movement,
// one generic template per element size. float32 data moves as uint32 bits.
//
// Output pixel (y, x) of image i is the input at (y + top[i], x + left[i]),
// the input extended by the fill rule (constant: fill_value).

namespace crop_detail {

template <class T>
void crop_plane(const T* src, T* dst, const CropParams& p, int64_t c, int64_t top, int64_t left, T fill) {
  const int64_t in_row = p.w * c, out_row = p.out_w * c;
  // interior [lo, hi): output columns whose source column is inside the image
  int64_t lo = -left, hi = p.w - left;
  if (lo < 0) lo = 0;
  if (hi > p.out_w) hi = p.out_w;
  if (lo > hi) lo = hi;
  for (int64_t y = 0; y < p.out_h; ++y) {
    T* out = dst + y * out_row;
    const int64_t m = shift_detail::map_index(y + top, p.h, p.fill);
    if (m < 0) {
      for (int64_t i = 0; i < out_row; ++i) out[i] = fill;
      continue;
    }
    const T* row = src + m * in_row;
    for (int64_t x = 0; x < p.out_w; ++x) {
      if (x == lo) x = hi;
      if (x >= p.out_w) break;
      const int64_t s = shift_detail::map_index(x + left, p.w, p.fill);
      for (int64_t ch = 0; ch < c; ++ch) out[x * c + ch] = s < 0 ? fill : row[s * c + ch];
    }
    if (hi > lo) copy_span(out + lo * c, row + (lo + left) * c, size_t((hi - lo) * c) * sizeof(T));
  }
}

template <class T>
void crop_images(const T* src, T* dst, const CropParams& p, size_t first, size_t count, T fill) {
  const int64_t c = p.nchw ? 1 : p.c;
  const int64_t planes = p.nchw ? p.c : 1;
  const int64_t in_plane = p.h * p.w * c, out_plane = p.out_h * p.out_w * c;
  for (size_t i = first; i < first + count; ++i) {
    for (int64_t k = 0; k < planes; ++k) {
      const int64_t plane = int64_t(i) * planes + k;
      crop_plane<T>(src + plane * in_plane, dst + plane * out_plane, p, c, p.top[i], p.left[i], fill);
    }
  }
}

}  // namespace crop_detail

inline void crop_u8(const uint8_t* src, uint8_t* dst, const CropParams& p, size_t first, size_t count) {
  crop_detail::crop_images<uint8_t>(src, dst, p, first, count, uint8_t(p.fill_value));
}

inline void crop_f32(const float* src, float* dst, const CropParams& p, size_t first, size_t count) {
  uint32_t fill;
  __builtin_memcpy(&fill, &p.fill_value, sizeof fill);
  crop_detail::crop_images<uint32_t>(reinterpret_cast<const uint32_t*>(src), reinterpret_cast<uint32_t*>(dst), p, first, count, fill);
}
