// Gamma (issue 19), bit-identical to src/backends/js/gamma.ts. Included per
// ISA inside namespace fastaug::FASTAUG_ISA_NS (no include guard, no
// standard headers), built with -ffp-contract=off (and -mno-fma): no fused
// multiply-add, so every double operation rounds as the TypeScript one does.
//
// uint8: element x of image i becomes lut[256·i + x] (tables built in
// TypeScript). float32: x becomes float32(pow64(x, gamma[i])), the library's
// own float64 power below (libm's pow and Math.pow differ in the last bits,
// so neither is called); NaN stays NaN, x ≤ 0 gives 0, +inf stays +inf;
// then clipped if asked. Element-wise and per image: the layout does not
// matter and dst may be src.

namespace gamma_detail {

// Mantissas above 1 + 0x3504f3·2^-23 (just below √2) are halved.
constexpr double kSplit = 1.0 + double(0x3504f3) / 8388608.0;
constexpr double kLog2e = 1.4426950408889634;
constexpr double kLn2 = 0.6931471805599453;
constexpr double kLimit = 200.0;  // |t| clamp: 2^±200 is beyond float32 either way
// 1/(2k + 1) and 1/j!: each a correctly rounded quotient, folded at compile
// time (the TypeScript divides at run time: the same doubles)
constexpr double kInvOdd[12] = {1.0 / 1, 1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23};
constexpr double kInvFactorial[14] = {
    1.0 / 1, 1.0 / 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880,
    1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};

// x^gamma for a normal double x > 0, in the order of pow64 in gamma.ts:
// x = m·2^e, ln m = 2s·(1 + s²/3 + … + s²²/23) with s = (m − 1)/(m + 1),
// t = gamma·(e + ln m·log2 e) clamped, k = floor(t + 0.5),
// 2^(t − k) by its Taylor series in r = (t − k)·ln 2 to r¹⁴/14!, times 2^k.
inline double pow64(double x, double gamma) {
  const uint64_t bits = __builtin_bit_cast(uint64_t, x);
  int64_t e = int64_t((bits >> 52) & 0x7ff) - 1023;
  double m = __builtin_bit_cast(double, (bits & 0xfffffffffffffull) | 0x3ff0000000000000ull);
  const bool halve = m > kSplit;
  m = halve ? m * 0.5 : m;
  e = halve ? e + 1 : e;
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double q = kInvOdd[11];  // 1/23
  for (int k = 10; k >= 0; --k) q = q * s2 + kInvOdd[k];
  const double lnm = 2.0 * s * q;
  double t = gamma * (double(e) + lnm * kLog2e);
  t = t > kLimit ? kLimit : (t < -kLimit ? -kLimit : t);
  const double k = __builtin_floor(t + 0.5);
  const double r = (t - k) * kLn2;
  double p = 1.0 / 87178291200.0;  // 1/14!
  for (int j = 13; j >= 1; --j) p = p * r + kInvFactorial[j];
  p = p * r + 1.0;
  // 2^k, k in [−200, 200]: an exact power of two from its bits
  const double scale = __builtin_bit_cast(double, uint64_t(int64_t(k) + 1023) << 52);
  return p * scale;
}

inline float gamma_value(float x, double gamma) {
  const double xd = double(x);
  if (xd > 0.0) return xd == __builtin_inf() ? x : float(pow64(xd, gamma));
  // NaN: the value through double and back (quieted, as the TypeScript store does)
  return xd <= 0.0 ? 0.0f : float(xd);
}

inline float clip_value(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

// pow64 on N vectors of SimdF64::kLanes doubles at once: the same double
// operations in the same order, so every lane has the scalar bits. The
// polynomials are chains of dependent multiply-adds (about 60 deep), so N
// independent vectors go through each step together: one vector at a time
// leaves the FP units waiting on latency. The integer steps are exact
// either way: e comes from the exponent field as (2^52 + field) −
// (2^52 + 1023), and 2^k from the bits of k + (2^52 + 1023) shifted into
// the exponent field (k is an integer in [−200, 200]), with no double ↔
// int64 conversion (SSE4 and AVX2 have none).
using F64 = SimdF64::F64;

template <int N>
inline void pow64_lanes(F64 (&x)[N], F64 gamma) {
  using V = SimdF64;
  const F64 magic = V::set(4503599627370496.0 + 1023.0);  // 2^52 + exponent bias
  const F64 one = V::set(1.0);
  F64 e[N], s2[N], q[N];
  for (int i = 0; i < N; ++i) {
    const F64 field = V::and_or_bits(V::shr_bits<52>(x[i]), 0x7ff, 0x4330000000000000ull);  // 2^52 + biased exponent
    F64 m = V::and_or_bits(x[i], 0xfffffffffffffull, 0x3ff0000000000000ull);
    const V::Mask halve = V::gt(m, V::set(kSplit));
    m = V::select(halve, V::mul(m, V::set(0.5)), m);
    e[i] = V::select(halve, V::add(V::sub(field, magic), one), V::sub(field, magic));
    x[i] = V::div(V::sub(m, one), V::add(m, one));  // s
    s2[i] = V::mul(x[i], x[i]);
    q[i] = V::set(kInvOdd[11]);
  }
  for (int k = 10; k >= 0; --k) {
    for (int i = 0; i < N; ++i) q[i] = V::add(V::mul(q[i], s2[i]), V::set(kInvOdd[k]));
  }
  F64 k[N], r[N], p[N];
  for (int i = 0; i < N; ++i) {
    const F64 lnm = V::mul(V::mul(V::set(2.0), x[i]), q[i]);
    F64 t = V::mul(gamma, V::add(e[i], V::mul(lnm, V::set(kLog2e))));
    t = V::select(V::gt(t, V::set(kLimit)), V::set(kLimit), V::select(V::lt(t, V::set(-kLimit)), V::set(-kLimit), t));
    k[i] = V::floor(V::add(t, V::set(0.5)));
    r[i] = V::mul(V::sub(t, k[i]), V::set(kLn2));
    p[i] = V::set(1.0 / 87178291200.0);  // 1/14!
  }
  for (int j = 13; j >= 1; --j) {
    for (int i = 0; i < N; ++i) p[i] = V::add(V::mul(p[i], r[i]), V::set(kInvFactorial[j]));
  }
  for (int i = 0; i < N; ++i) {
    p[i] = V::add(V::mul(p[i], r[i]), one);
    x[i] = V::mul(p[i], V::shl_bits<52>(V::add(k[i], magic)));  // times 2^k
  }
}

// gamma_value on N · kLanes floats, special cases by selects (pow64_lanes
// runs on every lane; what it makes of x ≤ 0, NaN or +inf is discarded),
// then clip_value on the float32 results if asked (compared as exact doubles).
template <int N>
inline void gamma_lanes(const float* src, float* dst, F64 gamma, bool clip, F64 lo, F64 hi) {
  using V = SimdF64;
  const F64 zero = V::set(0.0);
  F64 x[N], y[N];
  for (int i = 0; i < N; ++i) y[i] = x[i] = V::load_f32(src + V::kLanes * i);
  pow64_lanes<N>(y, gamma);
  for (int i = 0; i < N; ++i) {
    const V::Mask finite_positive = V::both(V::gt(x[i], zero), V::lt(x[i], V::set(__builtin_inf())));
    // x ≤ 0 (and −inf) gives 0; NaN and +inf go through the float32 store as they are
    F64 v = V::select(finite_positive, y[i], V::select(V::le(x[i], zero), zero, x[i]));
    if (clip) {
      v = V::round_f32(v);
      v = V::select(V::lt(v, lo), lo, V::select(V::gt(v, hi), hi, v));
    }
    V::store_f32(dst + V::kLanes * i, v);
  }
}

}  // namespace gamma_detail

inline void gamma_u8(const uint8_t* src, uint8_t* dst, const GammaParams& p, size_t first, size_t count) {
  const int64_t image = p.h * p.w * p.c;
  for (size_t i = first; i < first + count; ++i) {
    const uint8_t* lut = p.lut + 256 * int64_t(i);
    const uint8_t* s = src + int64_t(i) * image;
    uint8_t* d = dst + int64_t(i) * image;
#if defined(__AVX512VBMI__)
    // the table in registers, 64 look-ups per step (byte_table.h)
    byte_table::map_interleaved<1>(s, d, image, reinterpret_cast<const uint8_t(*)[256]>(lut));
    continue;
#endif
    // eight lookups, then one 8-byte store: a byte store per element was
    // the loop's limit (AVX2 build on Zen 3, 64×224×224×3: 3.7–6.2 → 2.7 ms)
    int64_t k = 0;
    for (; k + 8 <= image; k += 8) {
      uint8_t looked_up[8];
      for (int b = 0; b < 8; ++b) looked_up[b] = lut[s[k + b]];
      __builtin_memcpy(d + k, looked_up, 8);
    }
    for (; k < image; ++k) d[k] = lut[s[k]];
  }
}

// Vectors of doubles per step of the float32 loop (see pow64_lanes). AVX2
// on Zen 3, 64×224×224×3 CPU time: 1 vector 77–89 ms, 2: 56, 4: 44, 8: 32–38.
constexpr int kGammaBlock = 8;

inline void gamma_f32(const float* src, float* dst, const GammaParams& p, size_t first, size_t count) {
  const int64_t image = p.h * p.w * p.c;
  for (size_t i = first; i < first + count; ++i) {
    const double g = double(p.gamma[i]);
    const float* s = src + int64_t(i) * image;
    float* d = dst + int64_t(i) * image;
    const SimdF64::F64 gv = SimdF64::set(g), lo = SimdF64::set(p.clip_lo), hi = SimdF64::set(p.clip_hi);
    constexpr int64_t kLanes = SimdF64::kLanes;
    int64_t k = 0;
    for (; k + kGammaBlock * kLanes <= image; k += kGammaBlock * kLanes) gamma_detail::gamma_lanes<kGammaBlock>(s + k, d + k, gv, p.clip, lo, hi);
    for (; k + kLanes <= image; k += kLanes) gamma_detail::gamma_lanes<1>(s + k, d + k, gv, p.clip, lo, hi);
    // the tail: the scalar form of the same arithmetic
    for (; k < image; ++k) {
      const float y = gamma_detail::gamma_value(s[k], g);
      d[k] = p.clip ? gamma_detail::clip_value(y, p.clip_lo, p.clip_hi) : y;
    }
  }
}
