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

// map_tap's reflect for s in [−size, size], as selects.
inline int64_t reflect_near(int64_t s, int64_t size) {
  s = s < 0 ? -1 - s : s;
  return s >= size ? 2 * size - 1 - s : s;
}

// Weights of the taps: float32 (u, l) or uint8 Q12 (as uint32).
template <class T> struct Weight { using type = float; };
template <> struct Weight<uint8_t> { using type = uint32_t; };

// GCC if-converts the clamps and floors of the coordinate loops below into
// vector compares and blends only when it may assume that comparisons do
// not trap (the same values: only floating-point exception flags, which
// nothing reads, could differ).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

constexpr double kLimit = 1073741824.0;  // 2^30
constexpr double kRounder = 4503599627370496.0;  // 2^52: (v + 2^52) − 2^52 rounds v in [0, 2^52) half to even
constexpr int64_t kChunk = 256;  // output pixels whose coordinates are computed at once (a 224-pixel row in one chunk)

inline double clamp(double s) {
  s = s < -kLimit ? -kLimit : s;
  return s > kLimit ? kLimit : s;
}

// floor(s) for |s| <= 2^30 + 1: truncate, then step down where that rounded up
inline int32_t floor_i(double s) {
  const int32_t i = int32_t(s);
  return i - int32_t(double(i) > s);
}

// Tap coordinates and upper weights of output pixels x0 … x0 + n − 1 of a
// row (n <= kChunk); every reader takes the lower weight as lower_of(u).
// Clamped = false when the row's coordinates are known to lie within the
// clamp (then the clamp would return them unchanged).
template <class T, bool Clamped>
inline void coordinates(const double* m, double rx, double ry, int64_t x0, int64_t n, int32_t* __restrict ix, int32_t* __restrict iy,
                        typename Weight<T>::type* __restrict xu, typename Weight<T>::type* __restrict yu) {
  const double m0 = m[0], m3 = m[3];
  const int32_t first = int32_t(x0), count = int32_t(n);
  for (int32_t k = 0; k < count; ++k) {
    const double x = double(first + k);
    const double sx = Clamped ? clamp(m0 * x + rx) : m0 * x + rx;
    const double sy = Clamped ? clamp(m3 * x + ry) : m3 * x + ry;
    // floor as a double (one vroundpd where SSE4.1 has it), then exact int32 and fraction
    const double fx = __builtin_floor(sx), fy = __builtin_floor(sy);
    int32_t i = int32_t(fx), j = int32_t(fy);
    const double tx = sx - fx, ty = sy - fy;
    if constexpr (sizeof(T) == 1) {
      const double qx = (tx * 4096.0 + kRounder) - kRounder;
      const double qy = (ty * 4096.0 + kRounder) - kRounder;
      int32_t ux = int32_t(qx), uy = int32_t(qy);
      i += ux >> 12;  // 4096: the next integer, weight 0
      j += uy >> 12;
      ux &= 4095;
      uy &= 4095;
      xu[k] = uint32_t(ux);
      yu[k] = uint32_t(uy);
    } else {
      xu[k] = float(tx);
      yu[k] = float(ty);
    }
    ix[k] = i;
    iy[k] = j;
  }
}

#if defined(__AVX512F__)
// coordinates<float, false> on AVX-512 in intrinsics, 16 pixels (two
// vectors of 8 doubles) a step, writing whole vectors (up to 15 entries past
// n, inside the kChunk arrays). The same operations on the same values: x
// as a double is exact either way (an integer below 2^53: GCC's loop
// converted it from int32 each step, here it is stepped by 16.0); the
// int32 floor is the low half of floor(s) + 1.5·2^52 (exact: |s| <= 2^30 + 1,
// so the sum lies in [2^52, 2^53), where the doubles are the integers and
// the low 32 bits of one hold it in two's complement), which measured as
// fast as vcvttpd2dq here and has an emulation in SIMDe 0.7.4 (CI's
// emulated AVX-512 build), which vcvttpd2dq on 512 bits has not.
inline void coordinates_f32_avx512(const double* m, double rx, double ry, int64_t x0, int64_t n, int32_t* __restrict ix, int32_t* __restrict iy,
                                   float* __restrict xu, float* __restrict yu) {
  const __m512d m0 = _mm512_set1_pd(m[0]), m3 = _mm512_set1_pd(m[3]), vrx = _mm512_set1_pd(rx), vry = _mm512_set1_pd(ry);
  const __m512d magic = _mm512_set1_pd(6755399441055744.0), step = _mm512_set1_pd(16.0);
  const double f = double(x0);
  __m512d xa = _mm512_add_pd(_mm512_set1_pd(f), _mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0));
  __m512d xb = _mm512_add_pd(_mm512_set1_pd(f), _mm512_set_pd(15, 14, 13, 12, 11, 10, 9, 8));
  // the low 32 bits of each 64-bit lane of two vectors, as one vector of 16
  const __m512i low_halves = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const auto split = [&](__m512d sv, __m512i& i, __m256& u) {
    const __m512d fl = _mm512_roundscale_pd(sv, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    i = _mm512_castpd_si512(_mm512_add_pd(fl, magic));
    u = _mm512_cvtpd_ps(_mm512_sub_pd(sv, fl));
  };
  for (int64_t k = 0; k < n; k += 16) {
    __m512i ia, ib, ja, jb;
    __m256 ua, ub, va, vb;
    split(_mm512_add_pd(_mm512_mul_pd(m0, xa), vrx), ia, ua);
    split(_mm512_add_pd(_mm512_mul_pd(m0, xb), vrx), ib, ub);
    split(_mm512_add_pd(_mm512_mul_pd(m3, xa), vry), ja, va);
    split(_mm512_add_pd(_mm512_mul_pd(m3, xb), vry), jb, vb);
    // the int32 taps of 16 pixels by one two-table permute and one store:
    // GCC turned _mm512_cvtepi64_epi32 and a store into vpmovqd to memory,
    // which Zen 4 runs slowly (a third of this loop's samples on its 4)
    _mm512_store_si512(ix + k, _mm512_permutex2var_epi32(ia, low_halves, ib));
    _mm512_store_si512(iy + k, _mm512_permutex2var_epi32(ja, low_halves, jb));
    // 256-bit stores of each half of the weights (one 512-bit insert per array cost more: Zen 4 runs 512-bit shuffles as two halves)
    _mm256_store_ps(xu + k, ua);
    _mm256_store_ps(xu + k + 8, ub);
    _mm256_store_ps(yu + k, va);
    _mm256_store_ps(yu + k + 8, vb);
    xa = _mm512_add_pd(xa, step);
    xb = _mm512_add_pd(xb, step);
  }
}
#endif

// Whether every coordinate of a row lies within the clamp: m0·x + rx is
// monotone in x (so is its rounding), so its ends decide.
inline bool within_clamp(const double* m, double rx, double ry, int64_t w) {
  const double last = double(w - 1);
  const double sx0 = m[0] * 0.0 + rx, sx1 = m[0] * last + rx;
  const double sy0 = m[3] * 0.0 + ry, sy1 = m[3] * last + ry;
  const auto inside = [](double s) { return s > -kLimit && s < kLimit; };
  return inside(sx0) && inside(sx1) && inside(sy0) && inside(sy1);
}

inline void nearest_coordinates(const double* m, double rx, double ry, int64_t x0, int64_t n, int32_t* ix, int32_t* iy) {
  const double m0 = m[0], m3 = m[3];
  const int32_t first = int32_t(x0), count = int32_t(n);
  for (int32_t k = 0; k < count; ++k) {
    const double x = double(first + k);
    ix[k] = floor_i(clamp(m0 * x + rx) + 0.5);
    iy[k] = floor_i(clamp(m3 * x + ry) + 0.5);
  }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// The lower weight from the upper one (1 − u in float32, 4096 − u in Q12),
// computed where it is used: the coordinate passes store only u.
inline float lower_of(float u) { return 1.0f - u; }
inline uint32_t lower_of(uint32_t u) { return 4096u - u; }

// One output element from its four taps, in the documented order.
inline float blend(float a00, float a01, float a10, float a11, float xu, float xl, float yu, float yl) {
  const float h0 = xl * a00 + xu * a01;
  const float h1 = xl * a10 + xu * a11;
  return yl * h0 + yu * h1;
}
inline uint8_t blend(uint8_t a00, uint8_t a01, uint8_t a10, uint8_t a11, uint32_t xu, uint32_t xl, uint32_t yu, uint32_t yl) {
  return shift_detail::round_q2(yl * (xl * a00 + xu * a01) + yu * (xl * a10 + xu * a11));
}

// One pixel of 3 or 4 channels at a time, in GCC/clang vector types (every
// target has 16-byte vectors): the same products and sums per channel as
// blend, in the same order, so the same bits; only the loads and the lanes
// are shared. A 4-lane load at a 3-channel pixel also reads the next pixel's
// first channel (unused), so the caller keeps that read inside the row.
typedef float f32x4 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef uint8_t u8x4 __attribute__((vector_size(4)));

inline f32x4 load4(const float* p) {
  f32x4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline u32x4 load4(const uint8_t* p) {
  uint32_t x;  // one 4-byte load, spread over the lanes (byte-wise loads cost more)
  __builtin_memcpy(&x, p, sizeof x);
  const u32x4 spread = {x, x, x, x};
  const u32x4 by = {0, 8, 16, 24};
  return (spread >> by) & 255u;  // little-endian: byte k in lane k
}
// `spill`: the pixel may also write all 4 lanes (the 4th onto the next
// pixel of the chunk, which is written after it): one store, not two.
template <int C>
inline void blend_pixel(float* o, const float* p00, const float* p10, int64_t c, float xu, float xl, float yu, float yl, bool spill) {
  const f32x4 h0 = xl * load4(p00) + xu * load4(p00 + c);
  const f32x4 h1 = xl * load4(p10) + xu * load4(p10 + c);
  const f32x4 r = yl * h0 + yu * h1;
  if (C == 4 || spill) {
    __builtin_memcpy(o, &r, sizeof r);
  } else {
    __builtin_memcpy(o, &r, C * sizeof(float));
  }
}
template <int C>
inline void blend_pixel(uint8_t* o, const uint8_t* p00, const uint8_t* p10, int64_t c, uint32_t xu, uint32_t xl, uint32_t yu, uint32_t yl, bool spill) {
  const u32x4 v = yl * (xl * load4(p00) + xu * load4(p00 + c)) + yu * (xl * load4(p10) + xu * load4(p10 + c));
  const u32x4 r = (v + (shift_detail::kHalfQ2 - 1) + ((v >> 24) & 1u)) >> 24;  // round_q2 per lane
  const u8x4 b = __builtin_convertvector(r, u8x4);
  if (C == 4 || spill) {
    __builtin_memcpy(o, &b, sizeof b);
  } else {
    __builtin_memcpy(o, &b, C);
  }
}

// An output pixel with a tap outside the image: each tap through the fill
// rule. Out of line, so that the interior loop keeps its registers.
template <class T>
__attribute__((noinline)) void edge_pixel(const T* src, T* o, const WarpParams& p, int64_t c, int64_t i0, int64_t j0,
                                          typename Weight<T>::type xu, typename Weight<T>::type xl,
                                          typename Weight<T>::type yu, typename Weight<T>::type yl) {
  const int64_t w = p.w, h = p.h;
  const T fv = T(p.fill_value);
  const int64_t c0 = map_tap(i0, w, p.fill), c1 = map_tap(i0 + 1, w, p.fill);
  const int64_t r0 = map_tap(j0, h, p.fill), r1 = map_tap(j0 + 1, h, p.fill);
  const T* p00 = r0 < 0 || c0 < 0 ? nullptr : src + (r0 * w + c0) * c;
  const T* p01 = r0 < 0 || c1 < 0 ? nullptr : src + (r0 * w + c1) * c;
  const T* p10 = r1 < 0 || c0 < 0 ? nullptr : src + (r1 * w + c0) * c;
  const T* p11 = r1 < 0 || c1 < 0 ? nullptr : src + (r1 * w + c1) * c;
  for (int64_t ch = 0; ch < c; ++ch) {
    o[ch] = blend(p00 ? p00[ch] : fv, p01 ? p01[ch] : fv, p10 ? p10[ch] : fv, p11 ? p11[ch] : fv, xu, xl, yu, yl);
  }
}

// An edge pixel of 3 or 4 channels: the taps through the fill rule, then
// the 4-lane blend of blend_pixel (the same products and sums per lane).
// A tap is read channel by channel (a 4-lane load at the image's last pixel
// would leave the image); a tap outside a constant fill is fill_value.
template <int C>
inline f32x4 edge_tap(const float* t) {
  if constexpr (C == 4) return load4(t);
  return f32x4{t[0], t[1], t[2], 0.0f};
}
template <int C>
inline u32x4 edge_tap(const uint8_t* t) {
  return u32x4{t[0], t[1], t[2], C == 4 ? t[3] : 0u};
}
template <int C>
inline void store_pixel(float* o, f32x4 r, bool spill) {
  __builtin_memcpy(o, &r, C == 4 || spill ? sizeof r : C * sizeof(float));
}
template <int C>
inline void store_pixel(uint8_t* o, u32x4 v, bool spill) {
  const u32x4 r = (v + (shift_detail::kHalfQ2 - 1) + ((v >> 24) & 1u)) >> 24;  // round_q2 per lane
  const u8x4 b = __builtin_convertvector(r, u8x4);
  __builtin_memcpy(o, &b, C == 4 || spill ? sizeof b : C);
}
// The four taps' columns c0, c1 and rows r0, r1 through the fill rule (−1: fill_value).
struct EdgeTaps {
  int64_t c0, c1, r0, r1;
};
__attribute__((noinline)) inline EdgeTaps map_taps_slow(const WarpParams& p, int64_t i0, int64_t j0) {
  return {map_tap(i0, p.w, p.fill), map_tap(i0 + 1, p.w, p.fill), map_tap(j0, p.h, p.fill), map_tap(j0 + 1, p.h, p.fill)};
}
inline EdgeTaps map_taps(const WarpParams& p, int64_t i0, int64_t j0) {
  const int64_t w = p.w, h = p.h;
  if (p.fill == 2 && i0 >= -w && i0 < 2 * w - 1 && j0 >= -h && j0 < 2 * h - 1) {  // reflect near the image (taps in [−size, 2·size)), without branches
    return {reflect_near(i0, w), reflect_near(i0 + 1, w), reflect_near(j0, h), reflect_near(j0 + 1, h)};
  }
  return map_taps_slow(p, i0, j0);
}

template <class T, int C>
__attribute__((noinline)) void edge_pixel_lanes(const T* src, T* o, const WarpParams& p, int64_t i0, int64_t j0,
                                                typename Weight<T>::type xu, typename Weight<T>::type xl,
                                                typename Weight<T>::type yu, typename Weight<T>::type yl, bool spill) {
  const EdgeTaps t = map_taps(p, i0, j0);
  const int64_t w = p.w;
  if ((t.c0 | t.c1 | t.r0 | t.r1) >= 0) {  // every tap a pixel of the image
    const auto a00 = edge_tap<C>(src + (t.r0 * w + t.c0) * C), a01 = edge_tap<C>(src + (t.r0 * w + t.c1) * C);
    const auto a10 = edge_tap<C>(src + (t.r1 * w + t.c0) * C), a11 = edge_tap<C>(src + (t.r1 * w + t.c1) * C);
    store_pixel<C>(o, yl * (xl * a00 + xu * a01) + yu * (xl * a10 + xu * a11), spill);
  } else {
    edge_pixel<T>(src, o, p, C, i0, j0, xu, xl, yu, yl);
  }
}

// An edge pixel of 3 or 4 channels inline (edge_pixel_lanes is a call):
// when its four taps map to pixels of the image (reflect near the border)
// and none is the image's last pixel (whose 4-lane load would leave the
// image), the taps' 4-lane loads give the lanes edge_tap gives (the 4th,
// for 3 channels, is stored only where a later pixel overwrites it).
template <class T, int C>
inline void edge_pixel_inline(const T* src, T* o, const WarpParams& p, int64_t i0, int64_t j0, typename Weight<T>::type xu,
                              typename Weight<T>::type xl, typename Weight<T>::type yu, typename Weight<T>::type yl, bool spill) {
  const int64_t w = p.w, h = p.h;
  if (p.fill == 2 && i0 >= -w && i0 < 2 * w - 1 && j0 >= -h && j0 < 2 * h - 1) {
    const int64_t c0 = reflect_near(i0, w), c1 = reflect_near(i0 + 1, w);
    const int64_t r0 = reflect_near(j0, h) * w, r1 = reflect_near(j0 + 1, h) * w;
    const int64_t last = h * w - 1;
    if (C == 4 || (r0 + c0 != last && r0 + c1 != last && r1 + c0 != last && r1 + c1 != last)) {
      const auto a00 = load4(src + (r0 + c0) * C), a01 = load4(src + (r0 + c1) * C);
      const auto a10 = load4(src + (r1 + c0) * C), a11 = load4(src + (r1 + c1) * C);
      store_pixel<C>(o, yl * (xl * a00 + xu * a01) + yu * (xl * a10 + xu * a11), spill);
      return;
    }
  }
  edge_pixel_lanes<T, C>(src, o, p, i0, j0, xu, xl, yu, yl, spill);
}

// Whether output pixel k's four taps lie inside the image (unsigned
// compares: i0 < w − 1 also rules out i0 < 0; i0 < w − 2 for 3 channels
// keeps the taps' 4-lane loads inside their rows).
struct Interior {
  uint64_t wide, high;
  Interior(const WarpParams& p, int C)
      : wide(C == 3 ? (p.w > 2 ? uint64_t(p.w - 2) : 0) : uint64_t(p.w - 1)), high(uint64_t(p.h - 1)) {}
  bool operator()(int64_t i0, int64_t j0) const { return uint64_t(i0) < wide && uint64_t(j0) < high; }
};

// Interior pixels two at a time, one per 16-byte half of a 32-byte vector
// (AVX2 and AVX-512 targets; with 16-byte vectors GCC splits the halves
// into twice the work, 2.5x slower than blend_pixel): the same products and
// sums per lane as blend_pixel, so the same bits, with fewer instructions
// per pixel for its loads, weights and store. A group of 8 pixels takes its
// offsets and weights as vectors; each pair's weights are lanes of those
// spread over its halves.
#if defined(__AVX2__)
typedef float f32x8 __attribute__((vector_size(32)));
typedef uint32_t u32x8 __attribute__((vector_size(32)));
typedef uint8_t u8x8 __attribute__((vector_size(8)));
template <class T> struct Lanes8 { using type = f32x8; };  // a pair of pixels' lanes
template <> struct Lanes8<uint8_t> { using type = u32x8; };

template <class V, class E>
inline V load8(const E* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline f32x8 load_pair(const float* p, const float* q) { return __builtin_shufflevector(load4(p), load4(q), 0, 1, 2, 3, 4, 5, 6, 7); }
inline u32x8 load_pair(const uint8_t* p, const uint8_t* q) {
  uint32_t x, y;  // 4 bytes at each, one per lane as load4 gives them: one zero-extension (shifts and masks cost more)
  __builtin_memcpy(&x, p, sizeof x);
  __builtin_memcpy(&y, q, sizeof y);
  return u32x8(_mm256_cvtepu8_epi32(_mm_insert_epi32(_mm_cvtsi32_si128(int32_t(x)), int32_t(y), 1)));
}
// Lane Q of `v` over the lower half, lane Q + 1 over the upper one.
template <int Q, class V>
inline V spread_pair(V v) {
  return __builtin_shufflevector(v, v, Q, Q, Q, Q, Q + 1, Q + 1, Q + 1, Q + 1);
}
// 3 channels are packed before the store, whose last lanes land on the
// pixel after the pair (written after it).
template <int C>
inline void store_pair(float* o, f32x8 r) {
  if constexpr (C == 3) r = __builtin_shufflevector(r, r, 0, 1, 2, 4, 5, 6, 7, 7);
  __builtin_memcpy(o, &r, sizeof r);
}
template <int C>
inline void store_pair(uint8_t* o, u32x8 v) {
  const u32x8 r = (v + (shift_detail::kHalfQ2 - 1) + ((v >> 24) & 1u)) >> 24;  // round_q2 per lane
  u8x8 b = __builtin_convertvector(r, u8x8);
  if constexpr (C == 3) b = __builtin_shufflevector(b, b, 0, 1, 2, 4, 5, 6, 7, 7);
  __builtin_memcpy(o, &b, sizeof b);
}

// store_pair without the spill (the pair is the chunk's last).
template <int C>
inline void store_pair_exact(float* o, f32x8 r) {
  if constexpr (C == 3) r = __builtin_shufflevector(r, r, 0, 1, 2, 4, 5, 6, 7, 7);
  __builtin_memcpy(o, &r, 2 * C * sizeof(float));
}
template <int C>
inline void store_pair_exact(uint8_t* o, u32x8 v) {
  const u32x8 r = (v + (shift_detail::kHalfQ2 - 1) + ((v >> 24) & 1u)) >> 24;  // round_q2 per lane
  u8x8 b = __builtin_convertvector(r, u8x8);
  if constexpr (C == 3) b = __builtin_shufflevector(b, b, 0, 1, 2, 4, 5, 6, 7, 7);
  __builtin_memcpy(o, &b, 2 * C);
}

// The lower weight from the upper one, as coordinates computes it (1 − u in
// float32, 4096 − u in Q12): a subtraction instead of another lane permute.
inline f32x8 lower_weight(f32x8 u) { return 1.0f - u; }
inline u32x8 lower_weight(u32x8 u) { return 4096u - u; }

// Pixels k + Q, k + Q + 1 of a group (element offsets `off`).
template <class T, int C, int Q, class V>
inline V blend_pair_value(const T* src, int64_t row, const uint32_t* off, V xu, V yu) {
  const T* p = src + off[Q];
  const T* q = src + off[Q + 1];
  const V wxu = spread_pair<Q>(xu), wxl = lower_weight(wxu);
  const V wyu = spread_pair<Q>(yu), wyl = lower_weight(wyu);
  const V h0 = wxl * load_pair(p, q) + wxu * load_pair(p + C, q + C);
  const V h1 = wxl * load_pair(p + row, q + row) + wxu * load_pair(p + row + C, q + row + C);
  return wyl * h0 + wyu * h1;
}
template <class T, int C, int Q, class V>
inline void blend_pair(const T* src, T* out, int64_t row, const uint32_t* off, V xu, V yu) {
  store_pair<C>(out + Q * C, blend_pair_value<T, C, Q>(src, row, off, xu, yu));
}
// blend_pair without the spill (the pair is the chunk's last).
template <class T, int C, int Q, class V>
inline void blend_pair_exact(const T* src, T* out, int64_t row, const uint32_t* off, V xu, V yu) {
  store_pair_exact<C>(out + Q * C, blend_pair_value<T, C, Q>(src, row, off, xu, yu));
}
// Weights of pixels k … k + 3 in lanes 0–3 of an 8-lane vector (lanes 4–7 repeat them).
template <class V, class E>
inline V widen4(const E* p) {
  E x[4];
  __builtin_memcpy(x, p, sizeof x);
  return V{x[0], x[1], x[2], x[3], x[0], x[1], x[2], x[3]};
}

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
// AVX-512, uint8, 3 channels: four interior pixels per 512-bit vector of
// 32-bit lanes (lane 4·ch + pixel; the last 4 lanes are computed but never
// stored). Along a row of a small rotation near zoom 1, four consecutive
// pixels' taps lie in columns I … I + 4 of rows J … J + 2 (their i0 within 3
// of each other, their j0 within 1). Then 16 bytes from (J, I), (J + 1, I)
// and (J + 2, I), each widened to 16 lanes, hold them all, and each tap
// vector is one two-table permute: the upper taps from the tables of rows J
// and J + 1 (a pixel whose j0 is J + 1 indexes the second), the lower taps
// from rows J + 1 and J + 2; the right taps are the same indices + 3. This
// replaces sixteen 4-byte loads, each spread over its lanes by shifts, per
// four pixels; the weights are one broadcast each (the lane order). The
// products and sums per lane are blend_pixel's, so the same bits.
// (float32 the same way measured no faster than the pairs on Zen 4: its
// 16-byte loads were already one instruction each.)
inline __m512i quad_table(const uint8_t* p) { return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
inline __m512i quad_weight(const uint32_t* w) { return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w))); }

// Pixels k … k + 3 of a chunk (at `o`) through the tables at `tables`
// (row J, column I); `dq`: 3·i0 + 16·j0 of the four pixels, less 3·I + 16·J.
inline void blend_quad(const uint8_t* __restrict tables, int64_t row, __m128i dq, const uint32_t* xu, const uint32_t* yu, uint8_t* __restrict o) {
  const __m512i lanes = _mm512_set_epi32(2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);  // the channel of lane 4·ch + pixel (the last 4: ch 2 again)
  const __m512i pack = _mm512_set_epi32(15, 15, 15, 15, 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0);  // to pixel-major order
  const __m512i r0 = quad_table(tables), r1 = quad_table(tables + row), r2 = quad_table(tables + 2 * row);
  const __m512i idx0 = _mm512_add_epi32(_mm512_broadcast_i32x4(dq), lanes);
  const __m512i idx1 = _mm512_add_epi32(idx0, _mm512_set1_epi32(3));
  const __m512i wxu = quad_weight(xu), wyu = quad_weight(yu);
  const __m512i wxl = _mm512_sub_epi32(_mm512_set1_epi32(4096), wxu), wyl = _mm512_sub_epi32(_mm512_set1_epi32(4096), wyu);
  const __m512i a00 = _mm512_permutex2var_epi32(r0, idx0, r1), a01 = _mm512_permutex2var_epi32(r0, idx1, r1);
  const __m512i a10 = _mm512_permutex2var_epi32(r1, idx0, r2), a11 = _mm512_permutex2var_epi32(r1, idx1, r2);
  // yl · (xl · a00 + xu · a01) + yu · (xl · a10 + xu · a11), then round_q2 per lane
  const __m512i h0 = _mm512_add_epi32(_mm512_mullo_epi32(wxl, a00), _mm512_mullo_epi32(wxu, a01));
  const __m512i h1 = _mm512_add_epi32(_mm512_mullo_epi32(wxl, a10), _mm512_mullo_epi32(wxu, a11));
  const __m512i v = _mm512_add_epi32(_mm512_mullo_epi32(wyl, h0), _mm512_mullo_epi32(wyu, h1));
  const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(v, 24), _mm512_set1_epi32(1));
  const __m512i r = _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(v, _mm512_set1_epi32(int32_t(shift_detail::kHalfQ2 - 1))), odd), 24);
  _mm_mask_storeu_epi8(o, 0x0FFF, _mm512_cvtepi32_epi8(_mm512_permutexvar_epi32(pack, r)));
}

// AVX-512, float32, 3 or 4 channels: four pixels per 512-bit vector, a
// pixel per 128-bit quarter (lane 4·pixel + ch). Interior pixels take each
// row's two taps from one 256-bit load per pixel (quad_row_taps); edge
// pixels, whose taps the fill rule may move apart, each tap's four 16-byte
// loads put together by inserts (quad_taps). The same products and sums per
// lane as blend_pixel, so the same bits; half the instructions per pixel of
// the 256-bit pairs for the weights, products, sums and the store. 3
// channels: the 4th lane of each quarter (the next pixel's first channel,
// unused) is dropped by one permute and the 12 floats stored under a mask,
// so nothing is written past the quad.
inline __m512 quad_taps(const float* base, const uint32_t* off, int64_t at) {
  const __m256 lo = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(base + off[0] + at)), _mm_loadu_ps(base + off[1] + at), 1);
  const __m256 hi = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(base + off[2] + at)), _mm_loadu_ps(base + off[3] + at), 1);
  return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
}
// Both taps of a row of the quad (a00 and a01 of each pixel, or a10 and
// a11 one row down) from one 256-bit load per pixel: the pixel's two
// adjacent taps (C = 3: 6 of the 8 floats; C = 4: all 8), the four loads
// joined pairwise into two vectors by 256-bit inserts, each tap vector one
// two-table permute of them (quarter q from pixel q's load, left tap at its
// lanes 0 … 3, right tap at C … C + 3; lane 3 of a 3-channel quarter is
// unused). The loads stay inside the image: an interior pixel of 3
// channels has i0 < w − 2, so 8 floats from it end inside its row.
template <int C>
inline void quad_row_taps(const float* base, const uint32_t* off, __m512& left, __m512& right) {
  const __m512 t01 = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(_mm256_loadu_ps(base + off[0]))),
                                                         _mm256_castps_pd(_mm256_loadu_ps(base + off[1])), 1));
  const __m512 t23 = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(_mm256_loadu_ps(base + off[2]))),
                                                         _mm256_castps_pd(_mm256_loadu_ps(base + off[3])), 1));
  const __m512i il = _mm512_set_epi32(27, 26, 25, 24, 19, 18, 17, 16, 11, 10, 9, 8, 3, 2, 1, 0);
  left = _mm512_permutex2var_ps(t01, il, t23);
  right = _mm512_permutex2var_ps(t01, _mm512_add_epi32(il, _mm512_set1_epi32(C)), t23);
}
// Weights of the quad's pixels, each over its quarter.
inline __m512 quad_spread(const float* w) {
  const __m512i idx = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
  return _mm512_permutexvar_ps(idx, _mm512_castps128_ps512(_mm_loadu_ps(w)));
}
// The quad from its four taps' vectors (a00, a01: row j0; a10, a11: row j0 + 1).
template <int C>
inline void blend_quad_f32(__m512 a00, __m512 a01, __m512 a10, __m512 a11, const float* xu, const float* yu, float* __restrict o) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 wxu = quad_spread(xu), wyu = quad_spread(yu);
  const __m512 wxl = _mm512_sub_ps(one, wxu), wyl = _mm512_sub_ps(one, wyu);
  const __m512 h0 = _mm512_add_ps(_mm512_mul_ps(wxl, a00), _mm512_mul_ps(wxu, a01));
  const __m512 h1 = _mm512_add_ps(_mm512_mul_ps(wxl, a10), _mm512_mul_ps(wxu, a11));
  const __m512 r = _mm512_add_ps(_mm512_mul_ps(wyl, h0), _mm512_mul_ps(wyu, h1));
  if constexpr (C == 4) {
    _mm512_storeu_ps(o, r);
  } else {
    const __m512i pack = _mm512_set_epi32(15, 15, 15, 15, 14, 13, 12, 10, 9, 8, 6, 5, 4, 2, 1, 0);
    _mm512_mask_storeu_ps(o, 0x0FFF, _mm512_permutexvar_ps(pack, r));
  }
}

// AVX-512, float32, 3 channels: sixteen interior pixels in the output's own
// layout, 48 floats in three vectors per tap (lane 16·v + i holds channel
// (16v + i) mod 3 of pixel (16v + i) / 3), so no lane is computed for
// nothing (the quads leave a quarter of theirs unused) and the results go
// out as three whole 64-byte stores instead of four masked 48-byte ones.
// Each row's taps come from one 256-bit load per pixel (as quad_row_taps),
// joined pairwise: P[j] = pixels 2j (lanes 0–7) and 2j + 1 (lanes 8–15),
// each as [left tap c0 c1 c2, right tap c0 c1 c2, two unused]. A dense
// vector takes its pixels from two or three such pairs: one two-table
// permute, then the rest merged in by a masked one-table permute. The
// weights are spread 3-wide by one permute per vector. The same products
// and sums per output value as blend and blend_quad_f32, so the same bits.
struct DenseIdx {
  __m512i t0, t1, t2;   // left tap: two-table permutes (vectors 0, 1, 2)
  __m512i m0, m1, m2;   // left tap: masked one-table permutes merged into them
  __m512i w0, w1, w2;   // weights of the 16 pixels spread 3-wide
};
// Where lane i of dense vector v finds its left tap: pair vectors P[j] at
// lane 8·(p mod 2) + c for pixel p, channel c.
inline DenseIdx dense_idx() {
  alignas(64) int32_t t[3][16], m[3][16], w[3][16];
  for (int v = 0; v < 3; ++v) {
    for (int i = 0; i < 16; ++i) {
      const int f = 16 * v + i, px = f / 3, c = f % 3;
      const int lane = 8 * (px % 2) + c;  // within its pair P[px / 2]
      w[v][i] = px;
      // two-table parts: v 0: P0, P1; v 1: P3, P4; v 2: P6, P7
      const int first = v == 0 ? 0 : v == 1 ? 3 : 6;
      const int j = px / 2;
      t[v][i] = (j == first || j == first + 1) ? 16 * (j - first) + lane : 0;
      // one-table parts: v 0: P2; v 1: Q = P5 lanes 0–7 with P2 lanes 8–15; v 2: P5
      m[v][i] = lane;
    }
  }
  DenseIdx d;
  d.t0 = _mm512_load_si512(t[0]); d.t1 = _mm512_load_si512(t[1]); d.t2 = _mm512_load_si512(t[2]);
  d.m0 = _mm512_load_si512(m[0]); d.m1 = _mm512_load_si512(m[1]); d.m2 = _mm512_load_si512(m[2]);
  d.w0 = _mm512_load_si512(w[0]); d.w1 = _mm512_load_si512(w[1]); d.w2 = _mm512_load_si512(w[2]);
  return d;
}
// Lanes of each dense vector that the masked permute fills (its pixels lie
// outside the two-table pair): vector 0, pixels 4 and 5; vector 1, pixels 5
// and 10; vector 2, pixels 10 and 11.
constexpr __mmask16 kDenseMask0 = 0xF000, kDenseMask1 = 0xC003, kDenseMask2 = 0x000F;

inline __m512 pair_rows(const float* base, uint32_t a, uint32_t b) {
  return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(_mm256_loadu_ps(base + a))), _mm256_castps_pd(_mm256_loadu_ps(base + b)), 1));
}
// One row's left or right taps (S = 0 or 3: the lanes move by S) of the 16 pixels, dense.
template <int S>
inline void dense_taps(const __m512* P, __m512 q, const DenseIdx& d, __m512& v0, __m512& v1, __m512& v2) {
  const __m512i s = _mm512_set1_epi32(S);
  v0 = _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(P[0], _mm512_add_epi32(d.t0, s), P[1]), kDenseMask0, _mm512_add_epi32(d.m0, s), P[2]);
  v1 = _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(P[3], _mm512_add_epi32(d.t1, s), P[4]), kDenseMask1, _mm512_add_epi32(d.m1, s), q);
  v2 = _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(P[6], _mm512_add_epi32(d.t2, s), P[7]), kDenseMask2, _mm512_add_epi32(d.m2, s), P[5]);
}
// Both taps of one row of the 16 pixels (a00, a01 or a10, a11).
inline void dense_row_taps(const float* base, const uint32_t* off, const DenseIdx& d, __m512 left[3], __m512 right[3]) {
  __m512 P[8];
  for (int j = 0; j < 8; ++j) P[j] = pair_rows(base, off[2 * j], off[2 * j + 1]);
  const __m512 q = _mm512_mask_blend_ps(0xFF00, P[5], P[2]);  // pixel 10 in lanes 0–7, pixel 5 in lanes 8–15
  dense_taps<0>(P, q, d, left[0], left[1], left[2]);
  dense_taps<3>(P, q, d, right[0], right[1], right[2]);
}
// Pixels k … k + 15 of a chunk (3 channels, all interior), at o = out + 3k.
inline void blend_dense16_f32(const float* src, const float* next_row, const uint32_t* off, const DenseIdx& d, const float* xu, const float* yu,
                              float* __restrict o) {
  __m512 a00[3], a01[3], a10[3], a11[3];
  dense_row_taps(src, off, d, a00, a01);
  dense_row_taps(next_row, off, d, a10, a11);
  const __m512 one = _mm512_set1_ps(1.0f), ux = _mm512_loadu_ps(xu), uy = _mm512_loadu_ps(yu);
  const __m512i w[3] = {d.w0, d.w1, d.w2};
  for (int v = 0; v < 3; ++v) {
    const __m512 wxu = _mm512_permutexvar_ps(w[v], ux), wyu = _mm512_permutexvar_ps(w[v], uy);
    const __m512 wxl = _mm512_sub_ps(one, wxu), wyl = _mm512_sub_ps(one, wyu);
    const __m512 h0 = _mm512_add_ps(_mm512_mul_ps(wxl, a00[v]), _mm512_mul_ps(wxu, a01[v]));
    const __m512 h1 = _mm512_add_ps(_mm512_mul_ps(wxl, a10[v]), _mm512_mul_ps(wxu, a11[v]));
    _mm512_storeu_ps(o + 16 * v, _mm512_add_ps(_mm512_mul_ps(wyl, h0), _mm512_mul_ps(wyu, h1)));
  }
}

// Pixels k … k + 3 (3 channels) as two pairs of blend_pair, where blend_quad
// does not apply (out of line: the quad loop keeps its registers); the
// second pair spills onto pixel k + 4 when the chunk has one.
__attribute__((noinline)) inline void blend_quad_pairs(const uint8_t* __restrict src, uint8_t* __restrict out, int64_t row, uint32_t w, int64_t k,
                                                       int64_t n, const int32_t* ix, const int32_t* iy, const uint32_t* xu, const uint32_t* yu) {
  uint32_t off[4];
  for (int q = 0; q < 4; ++q) off[q] = (uint32_t(iy[k + q]) * w + uint32_t(ix[k + q])) * 3u;
  const u32x8 vxu = widen4<u32x8>(xu + k), vyu = widen4<u32x8>(yu + k);
  uint8_t* o = out + k * 3;
  blend_pair<uint8_t, 3, 0>(src, o, row, off, vxu, vyu);
  if (k + 4 < n) {
    blend_pair<uint8_t, 3, 2>(src, o, row, off, vxu, vyu);
  } else {
    blend_pair_exact<uint8_t, 3, 2>(src, o, row, off, vxu, vyu);
  }
}
#endif

// Groups of 8 edge pixels (reflect and nearest fills, 3 or 4 channels): the
// taps' columns and rows mapped lane by lane (map_tap's rules near the
// image), their four element offsets as vectors, stored, and blended after
// the chunk's interior (blend_edge_stored). A pixel whose taps lie inside
// the image maps to itself, so a group may also cover interior pixels: it
// writes them the bits the interior loop writes.
typedef int32_t i32x8 __attribute__((vector_size(32)));

inline bool any_lane(i32x8 mask) {
  uint64_t q[4];
  __builtin_memcpy(q, &mask, sizeof q);
  return (q[0] | q[1] | q[2] | q[3]) != 0;
}
// reflect_near lane by lane (s in [−size, 2·size)).
inline i32x8 reflect_near8(i32x8 s, int32_t size) {
  s = s < 0 ? -1 - s : s;
  return s >= size ? 2 * size - 1 - s : s;
}
// The nearest fill: the nearest column or row of the image.
inline i32x8 clamp_index8(i32x8 s, int32_t size) {
  const i32x8 zero = {};
  const i32x8 top = zero + (size - 1);
  s = s < zero ? zero : s;
  return s > top ? top : s;
}

// Element offsets of a group's four taps (t00, t01: row r0; t10, t11: row r1).
struct TapOffsets8 {
  u32x8 t00, t01, t10, t11;
};

// The taps of pixels k … k + 7, or false where the vector rules do not
// cover them (reflect taps farther than one image size; 3 channels: a tap
// on the image's last pixel, whose 4-lane load would leave the image).
template <int C>
inline bool edge_tap_offsets(const WarpParams& p, const int32_t* ix, const int32_t* iy, TapOffsets8& t) {
  const int32_t w = int32_t(p.w), h = int32_t(p.h);
  const i32x8 i0 = load8<i32x8>(ix), j0 = load8<i32x8>(iy);
  i32x8 c0, c1, r0, r1;
  if (p.fill == 2) {
    // i0 in [−w, 2w − 1) and j0 in [−h, 2h − 1): both taps within one image size
    const u32x8 ui = u32x8(i0 + w), uj = u32x8(j0 + h);
    if (any_lane(i32x8((ui >= uint32_t(3 * w - 1)) | (uj >= uint32_t(3 * h - 1))))) return false;
    c0 = reflect_near8(i0, w);
    c1 = reflect_near8(i0 + 1, w);
    r0 = reflect_near8(j0, h);
    r1 = reflect_near8(j0 + 1, h);
  } else {  // p.fill == 1 (coordinates are clamped to ±2^30: i0 + 1 does not overflow)
    c0 = clamp_index8(i0, w);
    c1 = clamp_index8(i0 + 1, w);
    r0 = clamp_index8(j0, h);
    r1 = clamp_index8(j0 + 1, h);
  }
  const i32x8 row0 = r0 * w, row1 = r1 * w;
  const i32x8 p00 = row0 + c0, p01 = row0 + c1, p10 = row1 + c0, p11 = row1 + c1;
  if (C == 3) {
    const int32_t last = h * w - 1;
    if (any_lane((p00 == last) | (p01 == last) | (p10 == last) | (p11 == last))) return false;
  }
  t = {u32x8(p00 * C), u32x8(p01 * C), u32x8(p10 * C), u32x8(p11 * C)};
  return true;
}

// A chunk's edge groups, blended after its interior: each group's tap
// offsets (edge_tap_offsets) are stored per pixel first and read back as
// scalars once the interior is done, by when the vector stores have long
// left the store queue (read back at once, they cost more than the 32 lane
// extracts per group they replace: rounds 5 and 7 of docs/performance.md).
struct ChunkTapOffsets {
  alignas(32) uint32_t t00[kChunk], t01[kChunk], t10[kChunk], t11[kChunk];
};
inline void store_tap_offsets(ChunkTapOffsets& e, int64_t k, const TapOffsets8& t) {
  __builtin_memcpy(e.t00 + k, &t.t00, sizeof t.t00);
  __builtin_memcpy(e.t01 + k, &t.t01, sizeof t.t01);
  __builtin_memcpy(e.t10 + k, &t.t10, sizeof t.t10);
  __builtin_memcpy(e.t11 + k, &t.t11, sizeof t.t11);
}
// Pixels k + Q, k + Q + 1 of a group from its stored offsets (the pairs of
// blend_pair, each tap its own offset); the group's last pair stores
// exactly (the pixel after the group may be written already).
template <class T, int C, int Q, class V>
inline void blend_pair_stored(const T* src, T* out, const ChunkTapOffsets& e, int64_t k, V xu, V yu) {
  const int64_t a = k + Q, b = k + Q + 1;
  const V wxu = spread_pair<Q>(xu), wxl = lower_weight(wxu);
  const V wyu = spread_pair<Q>(yu), wyl = lower_weight(wyu);
  const V h0 = wxl * load_pair(src + e.t00[a], src + e.t00[b]) + wxu * load_pair(src + e.t01[a], src + e.t01[b]);
  const V h1 = wxl * load_pair(src + e.t10[a], src + e.t10[b]) + wxu * load_pair(src + e.t11[a], src + e.t11[b]);
  const V r = wyl * h0 + wyu * h1;
  if (Q < 6) {
    store_pair<C>(out + Q * C, r);
  } else {
    store_pair_exact<C>(out + Q * C, r);
  }
}
// Pixels k … k + 7 from their stored tap offsets; nothing written past them.
template <class T, int C>
inline void blend_edge_stored(const T* __restrict src, T* __restrict out, const ChunkTapOffsets& e, int64_t k,
                              const typename Weight<T>::type* xu, const typename Weight<T>::type* yu) {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512DQ__)
  if constexpr (sizeof(T) == 4) {  // two quads of blend_quad_f32 (masked stores: no spill)
    for (int64_t q = k; q < k + 8; q += 4) {
      blend_quad_f32<C>(quad_taps(src, e.t00 + q, 0), quad_taps(src, e.t01 + q, 0), quad_taps(src, e.t10 + q, 0), quad_taps(src, e.t11 + q, 0), xu + q,
                        yu + q, out + q * C);
    }
    return;
  }
#endif
  using V = typename Lanes8<T>::type;
  const V vxu = load8<V>(xu + k), vyu = load8<V>(yu + k);
  T* o = out + k * C;
  blend_pair_stored<T, C, 0>(src, o, e, k, vxu, vyu);
  blend_pair_stored<T, C, 2>(src, o, e, k, vxu, vyu);
  blend_pair_stored<T, C, 4>(src, o, e, k, vxu, vyu);
  blend_pair_stored<T, C, 6>(src, o, e, k, vxu, vyu);
}

// Groups of 8 interior pixels from a (while a pixel of the chunk follows
// each group, for the spill of store_pair); on AVX-512, uint8 3-channel
// runs go in quads instead (blend_quad, else blend_quad_pairs), float32 in
// quads (blend_quad_f32), 3 channels in runs of 16 first
// (blend_dense16_f32); returns where they stop.
template <class T, int C>
inline int64_t blend_interior_groups(const T* __restrict src, T* __restrict out, const WarpParams& p, int64_t a, int64_t b,
                                     int64_t n, const int32_t* ix, const int32_t* iy, const typename Weight<T>::type* xu,
                                     const typename Weight<T>::type* yu) {
  using V = typename Lanes8<T>::type;
  const int64_t row = p.w * C;
  if (uint64_t(p.h) * uint64_t(row) > 0xFFFFFFFFu) return a;  // element offsets in 32 bits
  const uint32_t w = uint32_t(p.w);
  int64_t k = a;
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
  if constexpr (C == 3 && sizeof(T) == 1) {
    if (p.h * row + 16 < (int64_t(1) << 31)) {  // element offsets (and 3·i0 + 16·j0) in int32
      // per quad of pixels a + 4q … a + 4q + 3: whether the tables hold its
      // taps (i0 within 3, j0 within 1: the first and last pixel bound them,
      // i0 and j0 being monotone along the row; and the last table inside the
      // image), the tables' element offset and 3·I + 16·J
      const int64_t quads = (b - a) / 4;
      const int32_t row32 = int32_t(row), last = int32_t(p.h * row - 2 * row - 16);
      alignas(64) int32_t d[kChunk], q_at[kChunk / 4], q_base[kChunk / 4], q_ok[kChunk / 4];
      for (int64_t q = a; q < b; ++q) d[q] = 3 * ix[q] + 16 * iy[q];
      for (int64_t q = 0; q < quads; ++q) {
        const int32_t ia = ix[a + 4 * q], ib = ix[a + 4 * q + 3], ja = iy[a + 4 * q], jb = iy[a + 4 * q + 3];
        const int32_t i = ia < ib ? ia : ib, j = ja < jb ? ja : jb;
        const int32_t at = j * row32 + 3 * i;
        q_at[q] = at;
        q_base[q] = 3 * i + 16 * j;
        q_ok[q] = (uint32_t(ib - ia + 3) <= 6u) & (uint32_t(jb - ja + 1) <= 2u) & (at <= last);
      }
      for (int64_t q = 0; q < quads; ++q, k += 4) {
        if (q_ok[q]) {
          const __m128i dq = _mm_sub_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(d + k)), _mm_set1_epi32(q_base[q]));
          blend_quad(src + q_at[q], row, dq, xu + k, yu + k, out + k * 3);
        } else {
          blend_quad_pairs(src, out, row, w, k, n, ix, iy, xu, yu);
        }
      }
      return k;
    }
  }
#endif
  // the taps' element offsets, read back as scalars (cheaper than lane extracts)
  alignas(32) uint32_t offsets[kChunk];
  for (int64_t q = a; q < b; ++q) offsets[q] = (uint32_t(iy[q]) * w + uint32_t(ix[q])) * uint32_t(C);
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512DQ__)
  if constexpr (sizeof(T) == 4) {
    const float* next_row = src + row;
    if constexpr (C == 3) {
      // runs of 16 from the run's start, quads for the rest (quads in front
      // to align the stores to lines measured 3 % slower, and the last run
      // of 16 moved back to end at b instead of the quads 2 % slower)
      if (k + 16 <= b) {
        const DenseIdx d = dense_idx();
        for (; k + 16 <= b; k += 16) blend_dense16_f32(src, next_row, offsets + k, d, xu + k, yu + k, out + k * 3);
      }
    }
    for (; k + 4 <= b; k += 4) {
      const uint32_t* off = offsets + k;
      __m512 a00, a01, a10, a11;
      quad_row_taps<C>(src, off, a00, a01);
      quad_row_taps<C>(next_row, off, a10, a11);
      blend_quad_f32<C>(a00, a01, a10, a11, xu + k, yu + k, out + k * C);
    }
    return k;
  }
#endif
  for (; k + 8 <= b && k + 8 < n; k += 8) {
    const uint32_t* off = offsets + k;
    const V vxu = load8<V>(xu + k), vyu = load8<V>(yu + k);  // the lower weights follow from these
    T* o = out + k * C;
    blend_pair<T, C, 0>(src, o, row, off, vxu, vyu);
    blend_pair<T, C, 2>(src, o, row, off, vxu, vyu);
    blend_pair<T, C, 4>(src, o, row, off, vxu, vyu);
    blend_pair<T, C, 6>(src, o, row, off, vxu, vyu);
  }
  return k;
}
#else
template <class T, int C>
inline int64_t blend_interior_groups(const T*, T*, const WarpParams&, int64_t a, int64_t, int64_t, const int32_t*, const int32_t*,
                                     const typename Weight<T>::type*, const typename Weight<T>::type*) {
  return a;
}
#endif

// Output pixels a … b − 1 of a chunk, all interior: no per-pixel checks.
template <class T, int C>
inline void blend_interior(const T* __restrict src, T* __restrict out, const WarpParams& p, int64_t c_runtime, int64_t a, int64_t b, int64_t n,
                           const int32_t* ix, const int32_t* iy, const typename Weight<T>::type* xu,
                           const typename Weight<T>::type* yu) {
  const int64_t c = C > 0 ? C : c_runtime;
  const int64_t row = p.w * c;
  if constexpr (C == 3 || C == 4) a = blend_interior_groups<T, C>(src, out, p, a, b, n, ix, iy, xu, yu);
  for (int64_t k = a; k < b; ++k) {
    T* o = out + k * c;
    const T* p00 = src + (int64_t(iy[k]) * p.w + ix[k]) * c;
    if constexpr (C == 3 || C == 4) {
      blend_pixel<C>(o, p00, p00 + row, C, xu[k], lower_of(xu[k]), yu[k], lower_of(yu[k]), k + 1 < n);
    } else {
      for (int64_t ch = 0; ch < c; ++ch) o[ch] = blend(p00[ch], p00[c + ch], p00[row + ch], p00[row + c + ch], xu[k], lower_of(xu[k]), yu[k], lower_of(yu[k]));
    }
  }
}

// Whether a chunk's edge pixels go in groups of 8 (blend_chunk): AVX2
// or AVX-512 targets, 3 or 4 channels, the reflect and nearest fills, at least
// 8 pixels, element offsets within int32.
template <int C>
inline bool edge_groups_apply(const WarpParams& p, int64_t n) {
#if defined(__AVX2__)
  return (C == 3 || C == 4) && (p.fill == 1 || p.fill == 2) && n >= 8 && p.h * p.w * C < (int64_t(1) << 31);
#else
  (void)p;
  (void)n;
  return false;
#endif
}

// Output pixels 0 … n − 1 of a chunk (at `out`) from their taps and weights.
// Along a row, floor(sx) and floor(sy) are monotone in x (each step of the
// coordinate arithmetic is: a product by m0, a sum, the clamp, the floor;
// and for uint8 the carry of a weight rounded to 4096), so the chunk's
// interior pixels are one run a … b − 1 with edge pixels only around it.
// (An interval's preimage under a monotone sequence is an interval, and the
// interior is the intersection of two such.) test/affine-edges.test.ts puts
// the runs' limits on and next to the border, carries included.
template <class T, int C>
inline void blend_chunk(const T* __restrict src, T* __restrict out, const WarpParams& p, int64_t c_runtime, int64_t n,
                        const int32_t* ix, const int32_t* iy, const typename Weight<T>::type* xu,
                        const typename Weight<T>::type* yu) {
  const int64_t c = C > 0 ? C : c_runtime;
  const Interior interior(p, C);
  int64_t a = 0, b = n;
  while (a < n && !interior(ix[a], iy[a])) ++a;
  while (b > a && !interior(ix[b - 1], iy[b - 1])) --b;
  const auto edge = [&](int64_t k) {
    if constexpr (C == 3 || C == 4) {
      edge_pixel_inline<T, C>(src, out + k * C, p, ix[k], iy[k], xu[k], lower_of(xu[k]), yu[k], lower_of(yu[k]), k + 1 < n);
    } else {
      edge_pixel<T>(src, out + k * c, p, c, ix[k], iy[k], xu[k], lower_of(xu[k]), yu[k], lower_of(yu[k]));
    }
  };
#if defined(__AVX2__)
  if (C >= 3 && edge_groups_apply<C>(p, n)) {  // (C >= 3: only 3 and 4 get here; compiles for the others)
    // Edge pixels in groups of 8: pixels 0 … done − 1 on the left, done
    // rounded up from a to a multiple of 8, the rest from b or done on the
    // right; a group past the chunk's end moves back to n − 8, over pixels
    // it writes with the same bits. Their taps are mapped first, blended
    // after the interior (ChunkTapOffsets); a group the vector rules do not
    // cover goes pixel by pixel then, its spills kept inside the group
    // (its neighbours may be written already).
    int64_t starts[kChunk / 8 + 2];
    bool mapped[kChunk / 8 + 2];
    int groups = 0;
    int64_t done = 0;
    for (; done < a; done += 8) starts[groups++] = done < n - 8 ? done : n - 8;
    done = done < n ? done : n;
    for (int64_t k = b > done ? b : done; k < n; k += 8) starts[groups++] = k < n - 8 ? k : n - 8;
    ChunkTapOffsets e;
    for (int g = 0; g < groups; ++g) {
      TapOffsets8 t;
      mapped[g] = edge_tap_offsets<C>(p, ix + starts[g], iy + starts[g], t);
      if (mapped[g]) store_tap_offsets(e, starts[g], t);
    }
    if (done < b) blend_interior<T, C>(src, out, p, c, done, b, n, ix, iy, xu, yu);
    for (int g = 0; g < groups; ++g) {
      const int64_t k = starts[g];
      if (mapped[g]) {
        blend_edge_stored<T, C>(src, out, e, k, xu, yu);
      } else {
        for (int64_t q = k; q < k + 8; ++q) {
          edge_pixel_inline<T, C>(src, out + q * C, p, ix[q], iy[q], xu[q], lower_of(xu[q]), yu[q], lower_of(yu[q]), q + 1 < k + 8);
        }
      }
    }
    return;
  }
#endif
  for (int64_t k = 0; k < a; ++k) edge(k);
  blend_interior<T, C>(src, out, p, c, a, b, n, ix, iy, xu, yu);
  for (int64_t k = b; k < n; ++k) edge(k);
}

// One plane (h × w pixels of c interleaved channels); C = c when known at compile time, else 0.
// A warp reads its source along slanted lines, which the hardware
// prefetchers do not follow: reading a plane straight from memory stalls on
// nearly every new line (T1 without any prefetch: 25.7 against 10.5 ms of
// CPU, Zen 4, AVX-512). So the plane's source is asked for ahead of the
// warp, in one of two ways (warp_image chooses):
// - a small plane asks for the next plane's source (`next`, the same size,
//   or null), a row's share of it per output row (prefetch_share);
// - a large plane, and the first plane of a call, asks for its own source
//   rows just before the warp reaches them (RowBand).
// Asking for a whole large plane one plane early kept three planes in the
// core's caches at once (the source being read, the next one and the
// output), more than its 1 MB L2: every float32 224×224×3 image took 7–8 %
// longer than with the rows asked for just in time (T1 in one call, 11.9
// against 11.0 ms of CPU), and a call's first plane, asked for all at once
// before any pixel was warped, cost 40–140 µs more per call (T1 as 64
// one-image calls: +2.3 to +8.9 ms over one call in six runs), which a
// two-thread slice paid on each of its 8 pieces. For a small plane (28×28×1, 64×64×3 float32) the next plane
// arrives in time either way and rows asked for one by one came 5–7 %
// slower (their misses are not overlapped with the previous plane's work).
inline void prefetch_share(const void* next, int64_t bytes, int64_t y, int64_t h) {
  if (next == nullptr) return;
  const char* b = static_cast<const char*>(next);
  for (int64_t at = bytes * y / h, end = bytes * (y + 1) / h; at < end; at += 64) __builtin_prefetch(b + at, 0, 2);
}

// Planes of more bytes than this ask for their own rows (RowBand), each of them.
constexpr int64_t kShareMaxBytes = 64 * 1024;

// How far ahead RowBand asks: the rows output row y + kRowsAhead reads, before
// output row y is warped. 0–4 rows were alike and 16–64 slower (T1: 16 rows
// 4–8 % slower than 2–4, 64 rows 13 %): rows asked for early push out of the
// L1 the rows a slanted output row is still reading.
constexpr int64_t kRowsAhead = 4;

// Source rows of one plane asked for so far, [lo_, hi_): Ask(y) extends them
// to the rows output row y reads, between the sy of its two ends (and one
// more for the lower tap). Consecutive output rows read overlapping spans,
// so one interval holds them. Rows a fill rule maps a tap to outside the
// span are not asked for: prefetches are hints, and no byte depends on them.
class RowBand {
 public:
  RowBand(const void* plane, int64_t row_bytes, int64_t h) : plane_(static_cast<const char*>(plane)), row_bytes_(row_bytes), h_(h) {}

  void Ask(const double* m, int64_t y, int64_t w) {
    if (plane_ == nullptr || y >= h_) return;
    const double a = m[4] * double(y) + m[5], b = a + m[3] * double(w - 1);
    const double low = a < b ? a : b, high = a < b ? b : a;
    // compared in double first: a huge sy must not overflow the conversion
    const int64_t lo = low <= 0.0 ? 0 : low >= double(h_) ? h_ : int64_t(low);
    const int64_t hi = high < 0.0 ? 0 : high >= double(h_ - 2) ? h_ : int64_t(high) + 2;
    if (lo >= hi) return;
    if (lo_ >= hi_) {
      Fetch(lo, hi);
      lo_ = lo;
      hi_ = hi;
      return;
    }
    if (lo < lo_) Fetch(lo, lo_), lo_ = lo;
    if (hi > hi_) Fetch(hi_, hi), hi_ = hi;
  }

 private:
  // Locality 3 (prefetcht0: into the L1), not 2 (prefetcht1: the L2 only,
  // on Zen 4 and Zen 5): the warp reads these rows within kRowsAhead output
  // rows, so each of its loads from them otherwise waits on the L2. Zen 5,
  // CPU time alternated in one process: T1 0.84-0.94 of locality 2's time,
  // T2 0.95 (docs/performance.md, round 7). The L1 takes about two source
  // rows more per output row (~5 KB for float32 224x3), which Zen 4's 32 KB
  // L1 holds as well as Zen 5's 48 KB.
  void Fetch(int64_t from, int64_t to) const {
    for (const char *at = plane_ + from * row_bytes_, *end = plane_ + to * row_bytes_; at < end; at += 64) __builtin_prefetch(at, 0, 3);
  }

  const char* plane_;  // null: asks for nothing
  int64_t row_bytes_, h_;
  int64_t lo_ = 0, hi_ = 0;
};

// A large warp's output is written with non-temporal stores: each chunk of
// a row is blended into `staged` (in L1), then its whole 64-byte lines are
// streamed out (shift_detail::stream_bytes) and the partial ones at its ends
// stored as usual. Ordinary stores read every line of the output from
// memory before writing it (read for ownership): for a float32 batch that
// does not fit in the L3, a third of the warp's memory traffic, and two
// threads warping at once share the memory's bandwidth (T1, 64×224×224×3
// float32, CPU ms per call in one process, Zen 4, AVX-512: one call 10.4 →
// 9.6, in 8 calls 10.4 → 9.1; scratch probe, docs/performance.md round 4).
// The rule is the shift's (kStreamMinBytes, copy.h, on the whole op's output,
// p.shift.out_images): the uint8 batch (9.6 MB) stays in the L3 for the op
// that reads it next, and streaming it measured 1.03–1.06× slower. Nearest
// warps, and pixels of more than kMaxStreamChannels channels, are not
// streamed. The bytes are the same either way.
constexpr int64_t kMaxStreamChannels = 4;

template <class T>
bool streams_output(const WarpParams& p, size_t count) {
  const int64_t images = p.shift.out_images > int64_t(count) ? p.shift.out_images : int64_t(count);
  const int64_t c = p.nchw ? 1 : p.c;
  return shift_detail::kCanStream && !p.nearest && c <= kMaxStreamChannels && images * p.h * p.w * p.c * int64_t(sizeof(T)) >= kStreamMinBytes;
}

template <class T, int C>
void warp_plane(const T* src, T* dst, const WarpParams& p, int64_t c_runtime, const double* m, const T* next, bool own, bool stream) {
  using W = typename Weight<T>::type;
  const int64_t c = C > 0 ? C : c_runtime;
  const int64_t h = p.h, w = p.w;
  const int fill = p.fill;
  const T fv = T(p.fill_value);
  alignas(64) int32_t ix[kChunk], iy[kChunk];
  alignas(64) W xu[kChunk], yu[kChunk];
  alignas(64) T staged[kChunk * kMaxStreamChannels];  // a chunk's pixels, when streamed
  const int64_t plane_bytes = h * w * c * int64_t(sizeof(T));
  RowBand band(own ? src : nullptr, w * c * int64_t(sizeof(T)), h);
  for (int64_t y = 0; y < kRowsAhead; ++y) band.Ask(m, y, w);
  for (int64_t y = 0; y < h; ++y) {
    band.Ask(m, y + kRowsAhead, w);
    prefetch_share(next, plane_bytes, y, h);
    const double rx = m[1] * double(y) + m[2];
    const double ry = m[4] * double(y) + m[5];
    T* out = dst + y * w * c;
    const bool unclamped = within_clamp(m, rx, ry, w);
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
      if (unclamped) {
#if defined(__AVX512F__)
        if constexpr (sizeof(T) == 4) {
          coordinates_f32_avx512(m, rx, ry, x0, n, ix, iy, xu, yu);
        } else {
          coordinates<T, false>(m, rx, ry, x0, n, ix, iy, xu, yu);
        }
#else
        coordinates<T, false>(m, rx, ry, x0, n, ix, iy, xu, yu);
#endif
      } else {
        coordinates<T, true>(m, rx, ry, x0, n, ix, iy, xu, yu);
      }
      if (stream && n * c * int64_t(sizeof(T)) >= 64) {  // stream_bytes takes at least a line
        blend_chunk<T, C>(src, staged, p, c, n, ix, iy, xu, yu);
        shift_detail::stream_bytes(out + x0 * c, staged, size_t(n * c) * sizeof(T));
      } else {
        blend_chunk<T, C>(src, out + x0 * c, p, c, n, ix, iy, xu, yu);
      }
    }
  }
}

// Image i; `first` and `last` say whether it is the first of a call (or
// follows a translated image: nothing asked for it) and whether a next image
// of this call follows. Each plane asks for its own rows or has been asked
// for by the plane before it (warp_plane).
template <class T, int C>
void warp_image(const T* src, T* dst, const WarpParams& p, size_t i, bool first, bool last, bool stream) {
  const int64_t plane = p.h * p.w;
  const double* m = p.matrix + 6 * i;
  if (!p.nchw) {
    const T* s = src + int64_t(i) * plane * p.c;
    const bool large = plane * p.c * int64_t(sizeof(T)) > kShareMaxBytes;
    warp_plane<T, C>(s, dst + int64_t(i) * plane * p.c, p, p.c, m, last || large ? nullptr : s + plane * p.c, first || large, stream);
  } else {
    const bool large = plane * int64_t(sizeof(T)) > kShareMaxBytes;
    for (int64_t ch = 0; ch < p.c; ++ch) {
      const int64_t at = (int64_t(i) * p.c + ch) * plane;
      const bool own = large || (first && ch == 0);
      warp_plane<T, 1>(src + at, dst + at, p, 1, m, large || (last && ch + 1 == p.c) ? nullptr : src + at + plane, own, stream);
    }
  }
}

template <class T>
void warp_images(const T* src, T* dst, const WarpParams& p, size_t first, size_t count) {
  const bool stream = streams_output<T>(p, count);
  for (size_t i = first; i < first + count; ++i) {
    // An image after a translated one was not asked for either: shift_images
    // reads its rows in order, which the hardware prefetchers follow, and
    // asks for nothing.
    const bool head = i == first || p.translate[i - 1], last = i + 1 == first + count;
    if (p.translate[i]) {
      shift_detail::shift_images<T>(src, dst, p.shift, i, 1);
    } else if (p.nchw || p.c == 1) {
      warp_image<T, 1>(src, dst, p, i, head, last, stream);
    } else if (p.c == 3) {
      warp_image<T, 3>(src, dst, p, i, head, last, stream);
    } else if (p.c == 4) {
      warp_image<T, 4>(src, dst, p, i, head, last, stream);
    } else {
      warp_image<T, 0>(src, dst, p, i, head, last, stream);
    }
  }
  if (stream) shift_detail::stream_fence();
}

}  // namespace affine_detail

inline void affine_u8(const uint8_t* src, uint8_t* dst, const WarpParams& p, size_t first, size_t count) {
  affine_detail::warp_images<uint8_t>(src, dst, p, first, count);
}

inline void affine_f32(const float* src, float* dst, const WarpParams& p, size_t first, size_t count) {
  affine_detail::warp_images<float>(src, dst, p, first, count);
}
