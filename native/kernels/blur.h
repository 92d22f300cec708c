// Gaussian blur (issue 19), bit-identical to src/backends/js/blur.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after shift.h,
// whose fill rule (shift_detail::map_index) it shares. Plain loops the
// compiler vectorizes across x for the including file's target, built with
// -ffp-contract=off (and -mno-fma): no fused multiply-add.
//
// Image i has radius r = radius[i] and 2r + 1 float32 weights
// wt[k] = weights[i · stride + k] (computed in TypeScript). The image is
// extended by the fill rule; each plane (NCHW) or the interleaved image
// (NHWC, channel stride c) is filtered by a vertical pass then a horizontal
// pass, the weights symmetric (wt[r − d] = wt[r + d]), every operation
// rounded to float32 in this order:
//   v(y, x) = (…((wt[r]·e(y, x) + wt[r+1]·(e(y−1, x) + e(y+1, x)))
//             + wt[r+2]·(e(y−2, x) + e(y+2, x))) + …) + wt[2r]·(e(y−r, x) + e(y+r, x))
//   o(y, x) = the same along x over v
// where e is the extended input (fill 'constant': fillValue) and v outside
// the columns of the image is v at the fill rule's column (constant: the
// vertical pass of a column of fillValue, in the same order). float32 data
// keeps o; uint8 data becomes saturate(roundHalfEven(o)) (NaN: 0).

namespace blur_detail {

inline uint8_t saturate_u8(float y) {
  const float r = __builtin_rintf(y);
  return r >= 255.0f ? uint8_t(255) : (r >= 0.0f ? uint8_t(r) : uint8_t(0));
}

// Sums for elements [0, B) of an output run, the weights symmetric
// (wt[r − d] = wt[r + d]): acc = wt[r]·s_r[b], then for d = 1 … r in turn
// acc = acc + wt[r + d]·(s_{r−d}[b] + s_{r+d}[b]) — the pair added first,
// then the product, then the sum, each rounded to float32. The B
// accumulators stay in registers through every tap (one pass over the
// output instead of one per tap); each element sees the same operations in
// the same order as the plain loop of src/backends/js/blur.ts.
template <int B, class S, class Row>
inline void tap_block(Row row_of, int64_t off, const float* wt, int64_t r, float* acc) {
  {
    const S* s = row_of(r) + off;
    const float wc = wt[r];
    for (int b = 0; b < B; ++b) acc[b] = wc * float(s[b]);
  }
  for (int64_t d = 1; d <= r; ++d) {
    const S* lo = row_of(r - d) + off;
    const S* hi = row_of(r + d) + off;
    const float wd = wt[r + d];
    for (int b = 0; b < B; ++b) acc[b] = acc[b] + wd * (float(lo[b]) + float(hi[b]));
  }
}

template <class T>
inline void store_block(T* d, const float* acc, int64_t n) {
  for (int64_t b = 0; b < n; ++b) {
    if constexpr (sizeof(T) == 1) {
      d[b] = saturate_u8(acc[b]);
    } else {
      d[b] = acc[b];
    }
  }
}

constexpr int kBlock = 64;

// `row` outputs out[j] (the sum above over row_of(0 … 2r)[j]), in blocks of
// kBlock, then 16, then 8, then one by one (all the same operations).
template <class S, class D, class Row>
inline void tap_run(Row row_of, int64_t row, const float* wt, int64_t r, D* out) {
  alignas(64) float acc[kBlock];
  int64_t j = 0;
  for (; j + kBlock <= row; j += kBlock) {
    tap_block<kBlock, S>(row_of, j, wt, r, acc);
    store_block<D>(out + j, acc, kBlock);
  }
  for (; j + 16 <= row; j += 16) {
    tap_block<16, S>(row_of, j, wt, r, acc);
    store_block<D>(out + j, acc, 16);
  }
  for (; j + 8 <= row; j += 8) {
    tap_block<8, S>(row_of, j, wt, r, acc);
    store_block<D>(out + j, acc, 8);
  }
  for (; j < row; ++j) {
    tap_block<1, S>(row_of, j, wt, r, acc);
    store_block<D>(out + j, acc, 1);
  }
}

// One plane (c interleaved channels) of one image. Scratch: rows (2r + 1
// row pointers), fill_row (w·c elements of T, each the fill value) and ext
// ((w + 2r)·c floats).
template <class T>
void blur_plane(const T* src, T* dst, const BlurParams& p, int64_t c, int64_t r, const float* wt, const T** rows, const T* fill_row, float* ext) {
  const int64_t h = p.h, w = p.w, row = w * c, taps = 2 * r + 1;
  const float fv = p.fill_value;
  float* mid = ext + r * c;
  float vfill = wt[r] * fv;
  for (int64_t d = 1; d <= r; ++d) vfill = vfill + wt[r + d] * (fv + fv);
  for (int64_t y = 0; y < h; ++y) {
    // vertical pass: rows y − r … y + r in tap order (outside: the fill value)
    for (int64_t k = 0; k < taps; ++k) {
      const int64_t m = shift_detail::map_index(y + k - r, h, p.fill);
      rows[k] = m < 0 ? fill_row : src + m * row;
    }
    tap_run<T, float>([rows](int64_t k) { return rows[k]; }, row, wt, r, mid);
    // columns outside the image through the fill rule
    for (int64_t x = -r; x < 0; ++x) {
      const int64_t m = shift_detail::map_index(x, w, p.fill);
      for (int64_t ch = 0; ch < c; ++ch) mid[x * c + ch] = m < 0 ? vfill : mid[m * c + ch];
    }
    for (int64_t x = w; x < w + r; ++x) {
      const int64_t m = shift_detail::map_index(x, w, p.fill);
      for (int64_t ch = 0; ch < c; ++ch) mid[x * c + ch] = m < 0 ? vfill : mid[m * c + ch];
    }
    // horizontal pass: columns x − r … x + r in tap order
    const float* e = ext;
    tap_run<float, T>([e, c](int64_t k) { return e + k * c; }, row, wt, r, dst + y * row);
  }
}

template <class T>
void blur_images(const T* src, T* dst, const BlurParams& p, size_t first, size_t count, float* scratch) {
  const int64_t c = p.nchw ? 1 : p.c;
  const int64_t planes = p.nchw ? p.c : 1;
  const int64_t plane = p.h * p.w * c;
  const int64_t row = p.w * c;
  // scratch layout (blur_scratch_floats): row pointers, fill row, ext
  const T** rows = reinterpret_cast<const T**>(scratch);
  T* fill_row = reinterpret_cast<T*>(scratch + 2 * p.stride);
  float* ext = scratch + 2 * p.stride + row;
  for (int64_t j = 0; j < row; ++j) fill_row[j] = T(p.fill_value);
  for (size_t i = first; i < first + count; ++i) {
    const int64_t r = p.radius[i];
    const float* wt = p.weights + int64_t(i) * p.stride;
    for (int64_t k = 0; k < planes; ++k) {
      const int64_t at = (int64_t(i) * planes + k) * plane;
      blur_plane<T>(src + at, dst + at, p, c, r, wt, rows, fill_row, ext);
    }
  }
}

}  // namespace blur_detail

inline void blur_u8(const uint8_t* src, uint8_t* dst, const BlurParams& p, size_t first, size_t count, float* scratch) {
  blur_detail::blur_images<uint8_t>(src, dst, p, first, count, scratch);
}

inline void blur_f32(const float* src, float* dst, const BlurParams& p, size_t first, size_t count, float* scratch) {
  blur_detail::blur_images<float>(src, dst, p, first, count, scratch);
}
