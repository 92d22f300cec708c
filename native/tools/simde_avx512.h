// Emulated AVX-512 (scripts/emulated-avx512.sh): lets a host without
// AVX-512 run the avx512 kernels, so their bytes are tested against js and
// the other ISAs on every machine, not only where CI happens to land on an
// AVX-512 CPU. Forced into native/isa/avx512.cc with -include, built for
// AVX2: GCC's own intrinsics up to AVX2, then SIMDe's portable AVX-512 under
// the native names (SIMDE_ENABLE_NATIVE_ALIASES), then the __AVX512*__
// macros the kernels test (defined last, so GCC's headers keep their own
// target pragmas). Never part of the addon: a test build only.
//
// Below SIMDe are the intrinsics SIMDe 0.7.4 (Debian 12's libsimde-dev)
// lacks, and one it gets wrong (roundscale), each written from Intel's
// definition element by element: slow, and meant to be obvious.
#include <immintrin.h>
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#define __AVX512F__ 1
#define __AVX512BW__ 1
#define __AVX512VL__ 1
#define __AVX512DQ__ 1

// What SIMDe 0.7.4 lacks.
#include <cmath>
#include <cstdint>
#include <cstring>
namespace fastaug_emu {
struct I32x16 { int32_t v[16]; };
struct F32x16 { float v[16]; };
struct F64x8 { double v[8]; };
template <typename To, typename From> inline To bits(const From& f) { static_assert(sizeof(To) == sizeof(From), "size"); To t; std::memcpy(&t, &f, sizeof t); return t; }
// float -> int32 with out-of-range and NaN giving 0x80000000 ("integer indefinite"):
// every comparison with NaN is false
inline int32_t to_i32(double r) { return (r >= -2147483648.0 && r < 2147483648.0) ? int32_t(r) : INT32_MIN; }
inline simde__m512 cvtepi32_ps(simde__m512i a) { auto x = bits<I32x16>(a); F32x16 r; for (int i = 0; i < 16; ++i) r.v[i] = float(x.v[i]); return bits<simde__m512>(r); }
inline simde__m512i cvttps_epi32(simde__m512 a) { auto x = bits<F32x16>(a); I32x16 r; for (int i = 0; i < 16; ++i) r.v[i] = to_i32(std::trunc(double(x.v[i]))); return bits<simde__m512i>(r); }
inline simde__m512i cvt_roundps_epi32(simde__m512 a, int rounding) {
  auto x = bits<F32x16>(a); I32x16 r;
  for (int i = 0; i < 16; ++i) {
    const double d = x.v[i];
    double q;
    switch (rounding & 3) { case 0: q = std::nearbyint(d); break; case 1: q = std::floor(d); break; case 2: q = std::ceil(d); break; default: q = std::trunc(d); }
    r.v[i] = to_i32(q);
  }
  return bits<simde__m512i>(r);
}
inline __m128i cvtepi32_epi8(simde__m512i a) { auto x = bits<I32x16>(a); uint8_t r[16]; for (int i = 0; i < 16; ++i) r[i] = uint8_t(uint32_t(x.v[i])); return bits<__m128i>(r); }
inline simde__m512i cvtepu8_epi32(__m128i a) { uint8_t x[16]; std::memcpy(x, &a, 16); I32x16 r; for (int i = 0; i < 16; ++i) r.v[i] = x[i]; return bits<simde__m512i>(r); }
inline __m256 cvtpd_ps(simde__m512d a) { auto x = bits<F64x8>(a); float r[8]; for (int i = 0; i < 8; ++i) r[i] = float(x.v[i]); return bits<__m256>(r); }
inline simde__m512d cvtps_pd(__m256 a) { float x[8]; std::memcpy(x, &a, 32); F64x8 r; for (int i = 0; i < 8; ++i) r.v[i] = x[i]; return bits<simde__m512d>(r); }
// floor(log2 |x|) as a float, denormals by their true exponent; ±0 -> -inf, ±inf -> +inf, NaN -> NaN
inline simde__m512 getexp_ps(simde__m512 a) {
  auto x = bits<F32x16>(a); F32x16 r;
  for (int i = 0; i < 16; ++i) {
    const float v = x.v[i];
    if (std::isnan(v)) r.v[i] = v + v;
    else if (v == 0) r.v[i] = -INFINITY;
    else if (std::isinf(v)) r.v[i] = INFINITY;
    else { int e; std::frexp(double(v), &e); r.v[i] = float(e - 1); }
  }
  return bits<simde__m512>(r);
}
inline void stream_si512(void* p, simde__m512i a) { std::memcpy(p, &a, 64); }
}  // namespace fastaug_emu
#define _mm512_cvtepi32_ps(a) fastaug_emu::cvtepi32_ps(a)
#define _mm512_cvttps_epi32(a) fastaug_emu::cvttps_epi32(a)
#define _mm512_cvt_roundps_epi32(a, r) fastaug_emu::cvt_roundps_epi32((a), (r))
#define _mm512_cvtepi32_epi8(a) fastaug_emu::cvtepi32_epi8(a)
#define _mm512_cvtepu8_epi32(a) fastaug_emu::cvtepu8_epi32(a)
#define _mm512_cvtpd_ps(a) fastaug_emu::cvtpd_ps(a)
#define _mm512_cvtps_pd(a) fastaug_emu::cvtps_pd(a)
#define _mm512_getexp_ps(a) fastaug_emu::getexp_ps(a)
#define _mm512_stream_si512(p, a) fastaug_emu::stream_si512((p), (a))
// SIMDe 0.7.4's roundscale takes floor(3.7) for 3.5: written here from the definition.
namespace fastaug_emu {
inline double round_mode(double x, int mode) {
  switch (mode) { case 1: return std::floor(x); case 2: return std::ceil(x); case 3: return std::trunc(x); default: return std::nearbyint(x); }
}
inline simde__m512d roundscale_pd(simde__m512d a, int imm) {
  auto x = bits<F64x8>(a);
  const int m = (imm >> 4) & 15;
  const int mode = (imm & 4) ? 0 : (imm & 3);
  for (double& v : x.v) v = std::isnan(v) ? v + v : std::ldexp(round_mode(std::ldexp(v, m), mode), -m);
  return bits<simde__m512d>(x);
}
// float32 lanes: exact in double (2^m v and its rounding fit in 53 bits for m < 16)
inline simde__m512 roundscale_ps(simde__m512 a, int imm) {
  auto x = bits<F32x16>(a);
  const int m = (imm >> 4) & 15;
  const int mode = (imm & 4) ? 0 : (imm & 3);
  for (float& v : x.v) v = std::isnan(v) ? v + v : float(std::ldexp(round_mode(std::ldexp(double(v), m), mode), -m));
  return bits<simde__m512>(x);
}
}  // namespace fastaug_emu
#undef _mm512_roundscale_pd
#define _mm512_roundscale_pd(a, imm) fastaug_emu::roundscale_pd((a), (imm))
#undef _mm512_roundscale_ps
#define _mm512_roundscale_ps(a, imm) fastaug_emu::roundscale_ps((a), (imm))
// SIMDe 0.7.4 aliases _mm512_madd_epi16 to its 4-argument masked form (a
// typo for _mm512_mask_madd_epi16): the 2-argument one, as Intel's.
#undef _mm512_madd_epi16
#define _mm512_madd_epi16(a, b) simde_mm512_madd_epi16((a), (b))
// SIMDe 0.7.4 lacks the 128-bit masked byte store (AVX512VL + BW): byte i
// of a is stored where bit i of k is set, the others left as they are.
namespace fastaug_emu {
inline void mask_storeu_epi8_128(void* p, uint32_t k, __m128i a) {
  uint8_t x[16];
  std::memcpy(x, &a, 16);
  uint8_t* d = static_cast<uint8_t*>(p);
  for (int i = 0; i < 16; ++i)
    if ((k >> i) & 1) d[i] = x[i];
}
}  // namespace fastaug_emu
#define _mm_mask_storeu_epi8(p, k, a) fastaug_emu::mask_storeu_epi8_128((p), (k), (a))
// Nor the 512-bit masked float store (AVX512F): float i of a is stored where
// bit i of k is set, the others left as they are.
namespace fastaug_emu {
inline void mask_storeu_ps_512(void* p, uint32_t k, simde__m512 a) {
  const auto x = bits<F32x16>(a);
  float* d = static_cast<float*>(p);
  for (int i = 0; i < 16; ++i)
    if ((k >> i) & 1) d[i] = x.v[i];
}
}  // namespace fastaug_emu
#define _mm512_mask_storeu_ps(p, k, a) fastaug_emu::mask_storeu_ps_512((p), (k), (a))
// VBMI (native/isa/avx512vbmi.cc, compiled with -DFASTAUG_EMULATE_VBMI by
// scripts/emulated-avx512.sh): SIMDe 0.7.4 has the byte permutes
// (_mm512_permutex2var_epi8) but not the zero-masked 512-bit byte load,
// which must not touch the bytes whose mask bit is clear (they may lie past
// the end of the array).
#if defined(FASTAUG_EMULATE_VBMI)
namespace fastaug_emu {
inline simde__m512i maskz_loadu_epi8_512(uint64_t k, const void* p) {
  uint8_t x[64] = {};
  const uint8_t* s = static_cast<const uint8_t*>(p);
  for (int i = 0; i < 64; ++i)
    if ((k >> i) & 1) x[i] = s[i];
  return bits<simde__m512i>(x);
}
}  // namespace fastaug_emu
#define _mm512_maskz_loadu_epi8(k, p) fastaug_emu::maskz_loadu_epi8_512((k), (p))
#define __AVX512VBMI__ 1
#endif
