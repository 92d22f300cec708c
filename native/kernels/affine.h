// Affine warps (issue 19), bit-identical to src/backends/js/affine.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after shift.h
// (no include guard, no standard headers): plain loops the compiler
// vectorizes for the including file's target, no FMA (-ffp-contract=off).
//
// Output (x, y) of an image reads the input at
//   rx = m1·y + m2, ry = m4·y + m5           (per row, float64)
//   sx = m0·x + rx, sy = m3·x + ry           (per pixel, float64)
// each clamped to [−2^30, 2^30]. Bilinear: i0 = floor(sx), tx = sx − i0,
// taps i0 and i0 + 1 with float32 weights u = float(tx), l = 1.0f − u, or
// uint8 weights u = round-half-even(tx · 4096) (4096 moves to the next
// integer with u = 0), l = 4096 − u; rows likewise; every tap through the
// fill rule of its axis. Nearest: the tap floor(sx + 0.5). Images whose
// matrix is a pure translation are done by shift_images (p.translate).

namespace affine_detail {

constexpr double kLimit = 1073741824.0;  // 2^30
constexpr double kRounder = 4503599627370496.0;  // 2^52: (v + 2^52) − 2^52 rounds v in [0, 2^52) half to even
constexpr int64_t kChunk = 64;  // output pixels whose coordinates are computed at once

inline double clamp(double s) {
  s = s < -kLimit ? -kLimit : s;
  return s > kLimit ? kLimit : s;
}

// floor(s) for |s| <= 2^30 + 1: truncate, then step down where that rounded up
inline int32_t floor_i(double s) {
  const int32_t i = int32_t(s);
  return double(i) > s ? i - 1 : i;
}

// shift_detail::map_index with the common cases first: a tap within one
// image size of the border maps without a division (the same results).
inline int64_t map_tap(int64_t s, int64_t size, int fill) {
  if (s >= 0 && s < size) return s;
  if (fill == 2) {  // reflect
    if (s < 0 && s >= -size) return -1 - s;
    if (s >= size && s < 2 * size) return 2 * size - 1 - s;
  } else if (fill == 1) {
    return s < 0 ? 0 : size - 1;
  } else if (fill == 0) {
    return -1;
  }
  return shift_detail::map_index(s, size, fill);
}

// Weights of the taps: float32 (u, l) or uint8 Q12 (as uint32).
template <class T> struct Weight { using type = float; };
template <> struct Weight<uint8_t> { using type = uint32_t; };

// Tap coordinates and weights of output pixels x0 … x0 + n − 1 of a row (n <= kChunk).
template <class T>
inline void coordinates(const double* m, double rx, double ry, int64_t x0, int64_t n, int32_t* ix, int32_t* iy,
                        typename Weight<T>::type* xu, typename Weight<T>::type* xl, typename Weight<T>::type* yu,
                        typename Weight<T>::type* yl) {
  const double m0 = m[0], m3 = m[3];
  for (int64_t k = 0; k < n; ++k) {
    const double x = double(x0 + k);
    const double sx = clamp(m0 * x + rx);
    const double sy = clamp(m3 * x + ry);
    int32_t i = floor_i(sx), j = floor_i(sy);
    const double tx = sx - double(i), ty = sy - double(j);
    if constexpr (sizeof(T) == 1) {
      const double qx = (tx * 4096.0 + kRounder) - kRounder;
      const double qy = (ty * 4096.0 + kRounder) - kRounder;
      uint32_t ux = uint32_t(qx), uy = uint32_t(qy);
      i += int32_t(ux >> 12);  // 4096: the next integer, weight 0
      j += int32_t(uy >> 12);
      ux &= 4095u;
      uy &= 4095u;
      xu[k] = ux;
      xl[k] = 4096u - ux;
      yu[k] = uy;
      yl[k] = 4096u - uy;
    } else {
      const float fx = float(tx), fy = float(ty);
      xu[k] = fx;
      xl[k] = 1.0f - fx;
      yu[k] = fy;
      yl[k] = 1.0f - fy;
    }
    ix[k] = i;
    iy[k] = j;
  }
}

inline void nearest_coordinates(const double* m, double rx, double ry, int64_t x0, int64_t n, int32_t* ix, int32_t* iy) {
  const double m0 = m[0], m3 = m[3];
  for (int64_t k = 0; k < n; ++k) {
    const double x = double(x0 + k);
    ix[k] = floor_i(clamp(m0 * x + rx) + 0.5);
    iy[k] = floor_i(clamp(m3 * x + ry) + 0.5);
  }
}

// One output element from its four taps, in the documented order.
inline float blend(float a00, float a01, float a10, float a11, float xu, float xl, float yu, float yl) {
  const float h0 = xl * a00 + xu * a01;
  const float h1 = xl * a10 + xu * a11;
  return yl * h0 + yu * h1;
}
inline uint8_t blend(uint8_t a00, uint8_t a01, uint8_t a10, uint8_t a11, uint32_t xu, uint32_t xl, uint32_t yu, uint32_t yl) {
  return shift_detail::round_q2(yl * (xl * a00 + xu * a01) + yu * (xl * a10 + xu * a11));
}

// One plane (h × w pixels of c interleaved channels); C = c when known at compile time, else 0.
template <class T, int C>
void warp_plane(const T* src, T* dst, const WarpParams& p, int64_t c_runtime, const double* m) {
  using W = typename Weight<T>::type;
  const int64_t c = C > 0 ? C : c_runtime;
  const int64_t h = p.h, w = p.w;
  const int fill = p.fill;
  const T fv = T(p.fill_value);
  alignas(64) int32_t ix[kChunk], iy[kChunk];
  alignas(64) W xu[kChunk], xl[kChunk], yu[kChunk], yl[kChunk];
  for (int64_t y = 0; y < h; ++y) {
    const double rx = m[1] * double(y) + m[2];
    const double ry = m[4] * double(y) + m[5];
    T* out = dst + y * w * c;
    for (int64_t x0 = 0; x0 < w; x0 += kChunk) {
      const int64_t n = w - x0 < kChunk ? w - x0 : kChunk;
      if (p.nearest) {
        nearest_coordinates(m, rx, ry, x0, n, ix, iy);
        for (int64_t k = 0; k < n; ++k) {
          T* o = out + (x0 + k) * c;
          int64_t cx = ix[k], cy = iy[k];
          if (cx < 0 || cx >= w || cy < 0 || cy >= h) {
            cx = map_tap(cx, w, fill);
            cy = map_tap(cy, h, fill);
            if (cx < 0 || cy < 0) {
              for (int64_t ch = 0; ch < c; ++ch) o[ch] = fv;
              continue;
            }
          }
          const T* s = src + (cy * w + cx) * c;
          for (int64_t ch = 0; ch < c; ++ch) o[ch] = s[ch];
        }
        continue;
      }
      coordinates<T>(m, rx, ry, x0, n, ix, iy, xu, xl, yu, yl);
      for (int64_t k = 0; k < n; ++k) {
        T* o = out + (x0 + k) * c;
        const int64_t i0 = ix[k], j0 = iy[k];
        if (i0 >= 0 && i0 + 1 < w && j0 >= 0 && j0 + 1 < h) {
          const T* p00 = src + (j0 * w + i0) * c;
          const T* p10 = p00 + w * c;
          for (int64_t ch = 0; ch < c; ++ch) o[ch] = blend(p00[ch], p00[c + ch], p10[ch], p10[c + ch], xu[k], xl[k], yu[k], yl[k]);
          continue;
        }
        const int64_t c0 = map_tap(i0, w, fill), c1 = map_tap(i0 + 1, w, fill);
        const int64_t r0 = map_tap(j0, h, fill), r1 = map_tap(j0 + 1, h, fill);
        const T* p00 = r0 < 0 || c0 < 0 ? nullptr : src + (r0 * w + c0) * c;
        const T* p01 = r0 < 0 || c1 < 0 ? nullptr : src + (r0 * w + c1) * c;
        const T* p10 = r1 < 0 || c0 < 0 ? nullptr : src + (r1 * w + c0) * c;
        const T* p11 = r1 < 0 || c1 < 0 ? nullptr : src + (r1 * w + c1) * c;
        for (int64_t ch = 0; ch < c; ++ch) {
          o[ch] = blend(p00 ? p00[ch] : fv, p01 ? p01[ch] : fv, p10 ? p10[ch] : fv, p11 ? p11[ch] : fv, xu[k], xl[k], yu[k], yl[k]);
        }
      }
    }
  }
}

template <class T, int C>
void warp_image(const T* src, T* dst, const WarpParams& p, size_t i) {
  const int64_t plane = p.h * p.w;
  const double* m = p.matrix + 6 * i;
  if (!p.nchw) {
    warp_plane<T, C>(src + int64_t(i) * plane * p.c, dst + int64_t(i) * plane * p.c, p, p.c, m);
  } else {
    for (int64_t ch = 0; ch < p.c; ++ch) {
      const int64_t at = (int64_t(i) * p.c + ch) * plane;
      warp_plane<T, 1>(src + at, dst + at, p, 1, m);
    }
  }
}

template <class T>
void warp_images(const T* src, T* dst, const WarpParams& p, size_t first, size_t count) {
  for (size_t i = first; i < first + count; ++i) {
    if (p.translate[i]) {
      shift_detail::shift_images<T>(src, dst, p.shift, i, 1);
    } else if (p.nchw || p.c == 1) {
      warp_image<T, 1>(src, dst, p, i);
    } else if (p.c == 3) {
      warp_image<T, 3>(src, dst, p, i);
    } else if (p.c == 4) {
      warp_image<T, 4>(src, dst, p, i);
    } else {
      warp_image<T, 0>(src, dst, p, i);
    }
  }
}

}  // namespace affine_detail

inline void affine_u8(const uint8_t* src, uint8_t* dst, const WarpParams& p, size_t first, size_t count) {
  affine_detail::warp_images<uint8_t>(src, dst, p, first, count);
}

inline void affine_f32(const float* src, float* dst, const WarpParams& p, size_t first, size_t count) {
  affine_detail::warp_images<float>(src, dst, p, first, count);
}
