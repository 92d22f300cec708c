// Gaussian blur (issue 19), bit-identical to src/backends/js/blur.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after shift.h,
// whose fill rule (shift_detail::map_index) it shares. The tap loops use
// GCC vector-extension types of the including file's width (a row of NHWC
// data is a flat float array; a horizontal tap k is an offset of k·c
// floats), built with -ffp-contract=off (and -mno-fma): no fused
// multiply-add. The passes are fused per row: the vertical pass of one row
// lands in a (w + 2r)·c float buffer that stays in L1, its border columns
// are filled once from it, and the horizontal pass reads it back.
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

// Vectors of the including file's width (GCC vector extensions: the ISA's
// registers; the scalar build's SSE2 / plain code), loaded and stored
// unaligned through memcpy. Lane arithmetic is IEEE float32, one rounding
// per operation, no FMA (-ffp-contract=off, -mno-fma).
constexpr int kLanes = Simd::kLanes;
typedef float VecF __attribute__((vector_size(kLanes * 4)));

inline VecF load_vec(const float* s) {
  VecF v;
  __builtin_memcpy(&v, s, sizeof v);
  return v;
}
// uint8 ↔ float32 lanes. GCC 12 builds __builtin_convertvector between
// uint8 and 32-bit lanes byte by byte, so the x86 files use the widening
// and narrowing instructions; the values are the same (exact conversions).
inline VecF load_vec(const uint8_t* s) {
#if defined(__AVX512F__)
  return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s))));
#elif defined(__AVX2__)
  return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(s))));
#elif defined(__SSE2__)  // sse4 and the x86-64 scalar build
  int32_t word;
  __builtin_memcpy(&word, s, 4);
  const __m128i zero = _mm_setzero_si128();
  return _mm_cvtepi32_ps(_mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(word), zero), zero));
#else
  VecF v;
  for (int i = 0; i < kLanes; ++i) v[i] = float(s[i]);
  return v;
#endif
}
inline void store_vec(float* d, VecF v) { __builtin_memcpy(d, &v, sizeof v); }
// saturate(roundHalfEven(v)), NaN giving 0: clamping to [0, 255] first
// gives the same value (rint is monotonic and keeps 0 and 255), and then
// (t + 1.5·2^23) − 1.5·2^23 is t rounded half to even (0 ≤ t ≤ 255), an
// integer the narrowing below keeps exactly.
inline void store_vec(uint8_t* d, VecF v) {
  const VecF zero = VecF{} + 0.0f, top = VecF{} + 255.0f, magic = VecF{} + 12582912.0f;
  VecF t = v >= top ? top : (v >= zero ? v : zero);
  t = (t + magic) - magic;
#if defined(__AVX512F__)
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d), _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(t)));
#elif defined(__AVX2__)
  const __m256i i = _mm256_cvttps_epi32(t);
  const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256(i, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(d), _mm_packus_epi16(w, w));
#elif defined(__SSE2__)
  const __m128i i = _mm_cvttps_epi32(t);
  const __m128i w = _mm_packs_epi32(i, i);  // 0 … 255: no saturation
  const int32_t word = _mm_cvtsi128_si32(_mm_packus_epi16(w, w));
  __builtin_memcpy(d, &word, 4);
#else
  for (int i = 0; i < kLanes; ++i) d[i] = uint8_t(t[i]);
#endif
}

// One run of the filter: out[j] for j in [0, n) from the 2r + 1 tap rows
// tap[0 … 2r] (tap[k][j] the k-th tap of element j), weights symmetric
// (wt[r − d] = wt[r + d]): acc = wt[r]·tap(r)[j], then for d = 1 … r in turn
// acc = acc + wt[r + d]·(tap[r−d][j] + tap[r+d][j]) — the pair added first,
// then the product, then the sum, each rounded to float32, the same
// operations in the same order as the plain loop of src/backends/js/blur.ts.
// NV vectors of accumulators stay in registers through every tap.
template <int NV, class S, class Tap>
inline void tap_vectors(Tap tap, int64_t j, const float* wt, int64_t r, VecF* acc) {
  const VecF wc = VecF{} + wt[r];
  const S* centre = tap(r) + j;
  for (int u = 0; u < NV; ++u) acc[u] = wc * load_vec(centre + u * kLanes);
  for (int64_t d = 1; d <= r; ++d) {
    const S* lo = tap(r - d) + j;
    const S* hi = tap(r + d) + j;
    const VecF wd = VecF{} + wt[r + d];
    for (int u = 0; u < NV; ++u) acc[u] = acc[u] + wd * (load_vec(lo + u * kLanes) + load_vec(hi + u * kLanes));
  }
}

// Elements from p to the next boundary of `bytes` (a power of two), for an
// array of elements of size `size`; 0 when p is on one or cannot reach one.
inline int64_t elements_to_boundary(const void* p, int64_t size, int64_t bytes) {
  const int64_t gap = int64_t(-reinterpret_cast<uintptr_t>(p) & uintptr_t(bytes - 1));
  return gap % size == 0 ? gap / size : 0;
}

// The vectors of elements [j, end) in blocks of kUnroll, then one at a time.
template <class S, class D, class Tap>
inline int64_t tap_vectors_from(Tap tap, int64_t j, int64_t end, const float* wt, int64_t r, D* out) {
  constexpr int kUnroll = 4;
  for (; j + kUnroll * kLanes <= end; j += kUnroll * kLanes) {
    VecF acc[kUnroll];
    tap_vectors<kUnroll, S>(tap, j, wt, r, acc);
    for (int u = 0; u < kUnroll; ++u) store_vec(out + j + u * kLanes, acc[u]);
  }
  for (; j + kLanes <= end; j += kLanes) {
    VecF acc[1];
    tap_vectors<1, S>(tap, j, wt, r, acc);
    store_vec(out + j, acc[0]);
  }
  return j;
}

// Elements [0, n) of a run: vectors_from(j, end) computes the vectors of
// elements [j, end) and returns where it stopped; element(j) computes one.
// The vector blocks start where `aligned` + j (a tap row, or out) sits on a
// boundary of one vector's load or store, so none of them splits a cache
// line: the source of a typed array of Node is 16 bytes past a 64-byte
// boundary (glibc's mmap'd chunks), which split every 512-bit load of the
// vertical pass and took 20 % of G10's time on Zen 5 (blur_ab, OFF=16
// against OFF=0). The elements before the first block and after the last
// are one vector each, overlapping the blocks (each element's value does
// not depend on which vector computes it); rows shorter than a vector go
// element by element.
template <class VectorsFrom, class Element>
inline void run_aligned(int64_t n, const void* aligned, int64_t aligned_size, VectorsFrom vectors_from, Element element) {
  int64_t j = 0;
  if (n >= kLanes) {
    const int64_t head = elements_to_boundary(aligned, aligned_size, kLanes * aligned_size);
    if (head > 0) vectors_from(0, kLanes);
    j = vectors_from(head, n);
    if (j < n) j = vectors_from(n - kLanes, n);
  }
  for (; j < n; ++j) element(j);
}

// One element of a run, in the order of tap_vectors.
template <class D, class Tap>
inline void tap_element(Tap tap, int64_t j, const float* wt, int64_t r, D* out) {
  float acc = wt[r] * float(tap(r)[j]);
  for (int64_t d = 1; d <= r; ++d) acc = acc + wt[r + d] * (float(tap(r - d)[j]) + float(tap(r + d)[j]));
  if constexpr (sizeof(D) == 1) {
    out[j] = saturate_u8(acc);
  } else {
    out[j] = acc;
  }
}

// out[0, n) from the taps, in vector blocks aligned to `aligned` (run_aligned).
template <class S, class D, class Tap>
inline void tap_run(Tap tap, int64_t n, const float* wt, int64_t r, D* out, const void* aligned, int64_t aligned_size) {
  run_aligned(
      n, aligned, aligned_size, [&](int64_t j, int64_t end) { return tap_vectors_from<S>(tap, j, end, wt, r, out); },
      [&](int64_t j) { tap_element<D>(tap, j, wt, r, out); });
}

// Two adjacent output rows of the vertical pass in one sweep: rows[0 … 2r+1]
// are the source rows y − r … y + 1 + r, out0 gets row y (taps rows[0 … 2r])
// and out1 row y + 1 (taps rows[1 … 2r + 1]). Each source vector is loaded
// once for both: at step d, out0 pairs rows[r − d] (new) with rows[r + d]
// (loaded at step d − 1 for out1) and out1 pairs rows[r + 1 − d] (loaded at
// step d − 1 for out0) with rows[r + 1 + d] (new), so 2r + 2 loads give two
// output vectors instead of 2(2r + 1). Each output's operations and their
// order are tap_vectors' exactly (the lower tap first in each pair).
// Used at AVX-512 and AVX2 (Zen 5, blur_ab, new/old against one row per
// sweep, control 0.99–1.00). AVX-512: blocks of 4 vectors, G10 0.91–0.97
// after the windowed horizontal pass (blocks of 2: 0.95–1.00; before that
// pass, a tie). AVX2 (round 9): float32 rows in blocks of 2, G10 0.97–0.99
// (blocks of 1: 1.01, of 3 or 4: 1.14–1.15, they spill: 4·NV vectors of
// 16 ymm live), uint8 rows in blocks of 4, G11 0.89 (blocks of 2: 0.91–0.93,
// of 1: 0.96), where reusing a loaded vector also saves its widening
// conversion. SSE4.1 and scalar keep one row per sweep (SSE4.1 blocks of 1:
// G10 1.31, round 8).
constexpr bool kPairRows = kLanes >= 8;
template <class S>
constexpr int kPairUnroll = kLanes == 16 || sizeof(S) == 1 ? 4 : 2;

template <int NV, class S>
inline void tap_vector_pairs(const S* const* rows, int64_t j, const float* wt, int64_t r, VecF* acc0, VecF* acc1) {
  const VecF wc = VecF{} + wt[r];
  VecF lo[NV], hi[NV];
  for (int u = 0; u < NV; ++u) {
    lo[u] = load_vec(rows[r] + j + u * kLanes);
    hi[u] = load_vec(rows[r + 1] + j + u * kLanes);
    acc0[u] = wc * lo[u];
    acc1[u] = wc * hi[u];
  }
  for (int64_t d = 1; d <= r; ++d) {
    const S* lo_row = rows[r - d] + j;
    const S* hi_row = rows[r + 1 + d] + j;
    const VecF wd = VecF{} + wt[r + d];
    for (int u = 0; u < NV; ++u) {
      const VecF lo_new = load_vec(lo_row + u * kLanes), hi_new = load_vec(hi_row + u * kLanes);
      acc0[u] = acc0[u] + wd * (lo_new + hi[u]);
      acc1[u] = acc1[u] + wd * (lo[u] + hi_new);
      lo[u] = lo_new, hi[u] = hi_new;
    }
  }
}
// Blocks of kPairUnroll<S> vectors, then one at a time, as tap_vectors_from.
template <class S>
inline int64_t tap_pair_vectors_from(const S* const* rows, int64_t j, int64_t end, const float* wt, int64_t r, float* out0, float* out1) {
  constexpr int kUnroll = kPairUnroll<S>;
  for (; j + kUnroll * kLanes <= end; j += kUnroll * kLanes) {
    VecF acc0[kUnroll], acc1[kUnroll];
    tap_vector_pairs<kUnroll>(rows, j, wt, r, acc0, acc1);
    for (int u = 0; u < kUnroll; ++u) store_vec(out0 + j + u * kLanes, acc0[u]), store_vec(out1 + j + u * kLanes, acc1[u]);
  }
  for (; j + kLanes <= end; j += kLanes) {
    VecF acc0[1], acc1[1];
    tap_vector_pairs<1>(rows, j, wt, r, acc0, acc1);
    store_vec(out0 + j, acc0[0]), store_vec(out1 + j, acc1[0]);
  }
  return j;
}
// Rows y and y + 1 of the vertical pass (tap_vector_pairs) into out0 and
// out1, in blocks aligned to the source row (run_aligned).
template <class S>
inline void vertical_pair_run(const S* const* rows, int64_t n, const float* wt, int64_t r, float* out0, float* out1, const void* aligned) {
  run_aligned(
      n, aligned, sizeof(S), [&](int64_t j, int64_t end) { return tap_pair_vectors_from(rows, j, end, wt, r, out0, out1); },
      [&](int64_t j) {
        tap_element<float>([rows](int64_t k) { return rows[k]; }, j, wt, r, out0);
        tap_element<float>([rows](int64_t k) { return rows[k + 1]; }, j, wt, r, out1);
      });
}

#if defined(__AVX512F__)
// The horizontal pass at AVX-512 for c 1, 3, 4 and radii 1 … kMaxWindowRadius
// (σ up to ~2.3): the taps of a vector are loads at offsets 0, c, …, 2r·c
// floats from its start, so all but those at a multiple of 16 floats split a
// cache line, wherever the run is aligned; with the loads forced aligned
// (wrong bytes) G10 took 0.83–0.85 of the time (blur_ab, Zen 5). Here the
// taps of kWindowUnroll vectors come from one window of consecutive loads
// (kWindowUnroll + ⌈2rc / 16⌉ vectors), each tap the window's vector at its
// offset or one valignd of two neighbours (offsets known at compile time);
// the operations on the taps and their order are tap_vectors' exactly.
constexpr int64_t kMaxWindowRadius = 7;
constexpr int kWindowUnroll = 4;

// Lanes [O, O + 16) of the window from its vector u on.
template <int O>
inline VecF window_tap(const VecF* window, int u) {
  constexpr int q = O / 16, shift = O % 16;
  if constexpr (shift == 0) {
    return window[u + q];
  } else {
    const __m512i lo = _mm512_castps_si512(__m512(window[u + q])), hi = _mm512_castps_si512(__m512(window[u + q + 1]));
    return VecF(_mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, shift)));
  }
}

// acc = acc + wt[R + d]·(tap(R − d) + tap(R + d)) for d = D … R in turn.
template <int C, int R, int D>
inline void window_pairs(const VecF* window, const float* wt, VecF* acc) {
  if constexpr (D <= R) {
    const VecF wd = VecF{} + wt[R + D];
    for (int u = 0; u < kWindowUnroll; ++u) acc[u] = acc[u] + wd * (window_tap<(R - D) * C>(window, u) + window_tap<(R + D) * C>(window, u));
    window_pairs<C, R, D + 1>(window, wt, acc);
  }
}

// The vectors of elements [j, end) of the run from ext row e: blocks of
// kWindowUnroll whose window lies inside the row (end + 2rc floats), then
// tap_vectors_from's loads for the rest.
template <int C, int R, class D>
inline int64_t window_vectors_from(const float* e, int64_t j, int64_t end, const float* wt, D* out) {
  constexpr int kWindow = kWindowUnroll + (2 * R * C + 15) / 16;
  for (; j + kWindow * kLanes <= end + 2 * R * C; j += kWindowUnroll * kLanes) {
    VecF window[kWindow], acc[kWindowUnroll];
    for (int m = 0; m < kWindow; ++m) window[m] = load_vec(e + j + m * kLanes);
    const VecF wc = VecF{} + wt[R];
    for (int u = 0; u < kWindowUnroll; ++u) acc[u] = wc * window_tap<R * C>(window, u);
    window_pairs<C, R, 1>(window, wt, acc);
    for (int u = 0; u < kWindowUnroll; ++u) store_vec(out + j + u * kLanes, acc[u]);
  }
  return tap_vectors_from<float>([e](int64_t k) { return e + k * C; }, j, end, wt, R, out);
}

template <int C, int R, class D>
inline void window_run(const float* e, int64_t n, const float* wt, D* out) {
  run_aligned(
      n, out, sizeof(D), [&](int64_t j, int64_t end) { return window_vectors_from<C, R>(e, j, end, wt, out); },
      [&](int64_t j) { tap_element<D>([e](int64_t k) { return e + k * C; }, j, wt, R, out); });
}

// window_run for radius r; false (nothing done) beyond kMaxWindowRadius.
template <int C, class D>
inline bool window_run_radius(const float* e, int64_t n, const float* wt, int64_t r, D* out) {
  static_assert(kMaxWindowRadius == 7, "one case per radius below");
  switch (r) {
    case 1: window_run<C, 1>(e, n, wt, out); return true;
    case 2: window_run<C, 2>(e, n, wt, out); return true;
    case 3: window_run<C, 3>(e, n, wt, out); return true;
    case 4: window_run<C, 4>(e, n, wt, out); return true;
    case 5: window_run<C, 5>(e, n, wt, out); return true;
    case 6: window_run<C, 6>(e, n, wt, out); return true;
    case 7: window_run<C, 7>(e, n, wt, out); return true;
    default: return false;
  }
}
#endif

// The horizontal pass of one row: out[0, n) from ext row e (columns x − r …
// x + r in tap order, c floats apart), blocks aligned to out.
template <class D>
inline void horizontal_run(const float* e, int64_t c, int64_t n, const float* wt, int64_t r, D* out) {
#if defined(__AVX512F__)
  if (c == 1 && window_run_radius<1>(e, n, wt, r, out)) return;
  if (c == 3 && window_run_radius<3>(e, n, wt, r, out)) return;
  if (c == 4 && window_run_radius<4>(e, n, wt, r, out)) return;
#endif
  tap_run<float, D>([e, c](int64_t k) { return e + k * c; }, n, wt, r, out, out, sizeof(D));
}

// The columns outside the image of the vertical pass's row (mid[−r·c, 0)
// and mid[w·c, (w + r)·c)) from the fill rule's columns: source_column(x)
// is the column that border column x copies (−1: constant, vfill). The rule
// is mapped once per image into a table (map_border_columns) for radii up to
// kMaxBorder: map_index's modulo for every border column of every row took
// 7 % of G10 (mirror). Larger radii (σ > ~21) call map_index per row.
constexpr int64_t kMaxBorder = 64;

inline void map_border_columns(int64_t w, int64_t r, int fill, int64_t* border_from) {
  for (int64_t x = -r; x < 0; ++x) border_from[x + r] = shift_detail::map_index(x, w, fill);
  for (int64_t x = w; x < w + r; ++x) border_from[x - w + r] = shift_detail::map_index(x, w, fill);
}

template <class SourceColumn>
inline void fill_border_columns(float* mid, int64_t w, int64_t c, int64_t r, SourceColumn source_column, float vfill) {
  const auto fill_column = [mid, c, vfill](int64_t x, int64_t m) {
    for (int64_t ch = 0; ch < c; ++ch) mid[x * c + ch] = m < 0 ? vfill : mid[m * c + ch];
  };
  for (int64_t x = -r; x < 0; ++x) fill_column(x, source_column(x));
  for (int64_t x = w; x < w + r; ++x) fill_column(x, source_column(x));
}

// One plane (c interleaved channels) of one image, at AVX-512 and AVX2 two
// rows at a time (kPairRows): the vertical pass of rows y and y + 1 into ext0 and ext1
// (vertical_pair_run; each a row with r·c floats of border either side, so
// the intermediate stays in L1), then for each its border columns and the
// horizontal pass into dst (finish_row); an odd last row, and every row at
// SSE4.1 and scalar, alone (tap_run into ext0). Scratch: rows
// (2r + 2 row pointers), fill_row (w·c elements of T, each the fill value),
// ext0 and ext1 ((w + 2r)·c floats each; ext1 and the last row pointer
// untouched without kPairRows: blur_scratch_floats says why they are sized
// at every ISA).
template <class T>
void blur_plane(const T* src, T* dst, const BlurParams& p, int64_t c, int64_t r, const float* wt, const T** rows, const T* fill_row, float* ext0, float* ext1) {
  const int64_t h = p.h, w = p.w, row = w * c, n_taps = 2 * r + 1;
  int64_t border_from[2 * kMaxBorder];
  const bool mapped = r <= kMaxBorder;
  if (mapped) map_border_columns(w, r, p.fill, border_from);
  const float fv = p.fill_value;
  float vfill = wt[r] * fv;
  for (int64_t d = 1; d <= r; ++d) vfill = vfill + wt[r + d] * (fv + fv);
  // rows[k] = source row y − r + k for k in [0, count) (outside: the fill value)
  const auto map_rows = [&](int64_t y, int64_t count) {
    for (int64_t k = 0; k < count; ++k) {
      const int64_t m = shift_detail::map_index(y + k - r, h, p.fill);
      rows[k] = m < 0 ? fill_row : src + m * row;
    }
  };
  // ext's border columns, then the horizontal pass into row y of dst
  const auto finish_row = [&](float* ext, int64_t y) {
    float* mid = ext + r * c;
    if (mapped) {
      const int64_t* from = border_from;
      fill_border_columns(mid, w, c, r, [from, w, r](int64_t x) { return from[x < 0 ? x + r : x - w + r]; }, vfill);
    } else {
      const int fill = p.fill;
      fill_border_columns(mid, w, c, r, [w, fill](int64_t x) { return shift_detail::map_index(x, w, fill); }, vfill);
    }
    horizontal_run<T>(ext, c, row, wt, r, dst + y * row);
  };
  int64_t y = 0;
  for (; kPairRows && y + 2 <= h; y += 2) {
    map_rows(y, n_taps + 1);
    vertical_pair_run<T>(rows, row, wt, r, ext0 + r * c, ext1 + r * c, src + y * row);
    finish_row(ext0, y);
    finish_row(ext1, y + 1);
  }
  for (; y < h; ++y) {
    map_rows(y, n_taps);
    const T* const* taps = rows;
    tap_run<T, float>([taps](int64_t k) { return taps[k]; }, row, wt, r, ext0 + r * c, src + y * row, sizeof(T));
    finish_row(ext0, y);
  }
}

template <class T>
void blur_images(const T* src, T* dst, const BlurParams& p, size_t first, size_t count, float* scratch) {
  const int64_t c = p.nchw ? 1 : p.c;
  const int64_t planes = p.nchw ? p.c : 1;
  const int64_t plane = p.h * p.w * c;
  const int64_t row = p.w * c;
  // scratch layout (blur_scratch_floats): row pointers, fill row, ext0, ext1
  const T** rows = reinterpret_cast<const T**>(scratch);
  T* fill_row = reinterpret_cast<T*>(scratch + 2 * (p.stride + 1));
  float* ext0 = scratch + 2 * (p.stride + 1) + row;
  float* ext1 = ext0 + (p.w + p.stride - 1) * c;
  for (int64_t j = 0; j < row; ++j) fill_row[j] = T(p.fill_value);
  for (size_t i = first; i < first + count; ++i) {
    const int64_t r = p.radius[i];
    const float* wt = p.weights + int64_t(i) * p.stride;
    for (int64_t k = 0; k < planes; ++k) {
      const int64_t at = (int64_t(i) * planes + k) * plane;
      blur_plane<T>(src + at, dst + at, p, c, r, wt, rows, fill_row, ext0, ext1);
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
