// Resized crops (issue 19), bit-identical to src/backends/js/resized-crop.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after shift.h
// (shift_detail::round_q2). The op computed every output column's and row's two taps and
// weights (ResizedCropParams); here output (y, x) is
//   float32: h0 = f32(f32(xl·a00) + f32(xu·a01)), h1 likewise on row y1,
//            out = f32(f32(yl·h0) + f32(yu·h1))   (no FMA: -ffp-contract=off)
//   uint8:   h0 = xl·a00 + xu·a01 (integers, weights sum to 4096), h1 likewise,
//            out = round_q2(yl·h0 + yu·h1)         (/ 2^24, half to even)
// Each output row first blends its two input rows horizontally into scratch
// (h0, h1: a gather), then blends them vertically over the whole row (a
// contiguous loop the compiler vectorizes). The result per element is the
// same expression in the same order as the js backend's, so the bytes match.

namespace resized_crop_detail {

// h[x·c + ch] = horizontal blend of input row `row` at output column x; C > 0
// is the channel count known at compile time (1, 3, 4: unrolled), 0 reads c
template <class T, class A, int C>
void blend_row_c(const T* row, const ResizedCropParams& p, int64_t c_runtime, size_t i, A* h) {
  const int64_t c = C > 0 ? C : c_runtime;
  const int32_t* x0 = p.x0 + i * p.out_w;
  const int32_t* x1 = p.x1 + i * p.out_w;
  const float* w0 = p.wx0 + i * p.out_w;
  const float* w1 = p.wx1 + i * p.out_w;
  for (int64_t x = 0; x < p.out_w; ++x) {
    const T* a = row + int64_t(x0[x]) * c;
    const T* b = row + int64_t(x1[x]) * c;
    A* o = h + x * c;
    if constexpr (sizeof(T) == sizeof(float)) {  // T is float or uint8_t
      const float l = w0[x], u = w1[x];
      for (int64_t ch = 0; ch < c; ++ch) o[ch] = (l * float(a[ch])) + (u * float(b[ch]));
    } else {
      const uint32_t l = uint32_t(w0[x]), u = uint32_t(w1[x]);
      for (int64_t ch = 0; ch < c; ++ch) o[ch] = l * uint32_t(a[ch]) + u * uint32_t(b[ch]);
    }
  }
}

template <class T, class A>
void blend_row(const T* row, const ResizedCropParams& p, int64_t c, size_t i, A* h) {
  switch (c) {
    case 1: return blend_row_c<T, A, 1>(row, p, c, i, h);
    case 3: return blend_row_c<T, A, 3>(row, p, c, i, h);
    case 4: return blend_row_c<T, A, 4>(row, p, c, i, h);
    default: return blend_row_c<T, A, 0>(row, p, c, i, h);
  }
}

template <class T, class A>
void resize_plane(const T* src, T* dst, const ResizedCropParams& p, int64_t c, size_t i, A* scratch) {
  const int64_t in_row = p.w * c, out_row = p.out_w * c;
  A* h0 = scratch;
  A* h1 = scratch + out_row;
  int64_t have0 = -1, have1 = -1;  // the input rows h0 and h1 hold (kept across output rows)
  for (int64_t y = 0; y < p.out_h; ++y) {
    const int64_t r0 = p.y0[i * p.out_h + y], r1 = p.y1[i * p.out_h + y];
    if (r0 != have0) {
      if (r0 == have1) {
        A* t = h0; h0 = h1; h1 = t;
        have1 = have0;
      } else {
        blend_row<T, A>(src + r0 * in_row, p, c, i, h0);
      }
      have0 = r0;
    }
    if (r1 != have1) {
      blend_row<T, A>(src + r1 * in_row, p, c, i, h1);
      have1 = r1;
    }
    T* out = dst + y * out_row;
    const float wl = p.wy0[i * p.out_h + y], wu = p.wy1[i * p.out_h + y];
    if constexpr (sizeof(T) == sizeof(float)) {  // T is float or uint8_t
      for (int64_t k = 0; k < out_row; ++k) out[k] = (wl * h0[k]) + (wu * h1[k]);
    } else {
      const uint32_t l = uint32_t(wl), u = uint32_t(wu);
      for (int64_t k = 0; k < out_row; ++k) out[k] = shift_detail::round_q2(l * h0[k] + u * h1[k]);
    }
  }
}

template <class T, class A>
void resize_images(const T* src, T* dst, const ResizedCropParams& p, size_t first, size_t count, A* scratch) {
  const int64_t c = p.nchw ? 1 : p.c;
  const int64_t planes = p.nchw ? p.c : 1;
  const int64_t in_plane = p.h * p.w * c, out_plane = p.out_h * p.out_w * c;
  for (size_t i = first; i < first + count; ++i) {
    for (int64_t k = 0; k < planes; ++k) {
      const int64_t plane = int64_t(i) * planes + k;
      resize_plane<T, A>(src + plane * in_plane, dst + plane * out_plane, p, c, i, scratch);
    }
  }
}

}  // namespace resized_crop_detail

inline void resized_crop_u8(const uint8_t* src, uint8_t* dst, const ResizedCropParams& p, size_t first, size_t count, uint32_t* scratch) {
  resized_crop_detail::resize_images<uint8_t, uint32_t>(src, dst, p, first, count, scratch);
}

inline void resized_crop_f32(const float* src, float* dst, const ResizedCropParams& p, size_t first, size_t count, float* scratch) {
  resized_crop_detail::resize_images<float, float>(src, dst, p, first, count, scratch);
}
