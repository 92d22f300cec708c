// The AVX-512 generator and noise kernels (random.h, noise.h over
// simd/avx512.h) run on a host without AVX-512: SIMDe (Debian's
// libsimde-dev, header-only) implements the _mm512_* intrinsics with AVX2
// or plain C, and the few conversions it lacks (0.7.4) are emulated below
// lane by lane. Compared bit for bit with the scalar ISA: streams (normal,
// uniform, raw words; odd offsets and lengths, a call across an upper half
// of the block counter) and noise of every kind and layout on batches of
// small images (generator groups that straddle image ends), whole and in
// pieces. Also the native AVX2 kernels, as a control. Not part of the addon.
//   apt-get install libsimde-dev
//   g++ -std=gnu++17 -O0 -ffp-contract=off -mavx2 -mno-fma -Wno-psabi -I. \
//     -o /tmp/avx512_emulated native/tools/avx512_emulated.cc && /tmp/avx512_emulated
// (-O0: ~5 min to build on a loaded 2-core host, ~17 min at -O1.) Exit code 1
// and the cases that differ, if any do. A negative control for the harness
// itself: -DWRONG_AVX512_LANES swaps two blocks in the emulated AVX-512 lanes.
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#include <cmath>
#include <climits>
#include <cstring>
// Conversions SIMDe 0.7.4 lacks, lane by lane with the instructions' semantics
// (out of range or NaN to int32: 0x80000000, the "integer indefinite").
static inline int32_t emu_to_i32(float x, bool truncate) {
  if (!(x >= -2147483648.0f && x < 2147483648.0f)) return INT32_MIN;
  return int32_t(truncate ? std::trunc(x) : std::nearbyint(x));
}
#define EMU_MAP(OUT_T, OUT_N, IN_T, IN_N, NAME, EXPR) \
  static inline OUT_T NAME(IN_T a_) { IN_N in[sizeof(IN_T) / sizeof(IN_N)]; OUT_N out[sizeof(OUT_T) / sizeof(OUT_N)]; \
    memcpy(in, &a_, sizeof in); for (size_t l = 0; l < sizeof out / sizeof out[0]; ++l) { auto a = in[l]; out[l] = (EXPR); } \
    OUT_T r; memcpy(&r, out, sizeof r); return r; }
EMU_MAP(simde__m512, float, simde__m512i, int32_t, emu_cvtepi32_ps, float(a))
EMU_MAP(simde__m512i, int32_t, simde__m512, float, emu_cvttps_epi32, emu_to_i32(a, true))
EMU_MAP(simde__m512i, int32_t, simde__m512, float, emu_cvt_nearest, emu_to_i32(a, false))
EMU_MAP(simde__m256, float, simde__m512d, double, emu_cvtpd_ps, float(a))
EMU_MAP(simde__m512d, double, simde__m256, float, emu_cvtps_pd, double(a))
static inline float emu_getexp(float a) {
  if (a != a) return a;
  if (a == 0.0f) return -INFINITY;
  if (std::isinf(a)) return INFINITY;
  return float(std::ilogb(a));
}
EMU_MAP(simde__m512, float, simde__m512, float, emu_getexp_ps, emu_getexp(a))
#define _mm512_cvtepi32_ps emu_cvtepi32_ps
#define _mm512_cvttps_epi32 emu_cvttps_epi32
#define _mm512_cvt_roundps_epi32(a, mode) emu_cvt_nearest(a)
#define _mm512_cvtpd_ps emu_cvtpd_ps
#define _mm512_cvtps_pd emu_cvtps_pd
#define _mm512_getexp_ps emu_getexp_ps
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <cmath>
#include <vector>
#include "native/kernels/params.h"
#include "native/kernels/philox_constants.h"
#include "native/simd/repeat3_index.h"
namespace fastaug {
namespace emu512 {
#include "native/simd/avx512.h"
#ifdef WRONG_AVX512_LANES
struct WrongSimd : Simd {
  static U64 blocks_from(uint64_t b) { return _mm512_add_epi64(_mm512_set1_epi64(int64_t(b)), _mm512_set_epi64(7, 6, 5, 4, 3, 1, 2, 0)); }
};
#define Simd WrongSimd
#endif
#include "native/kernels/random.h"
#include "native/kernels/noise.h"
}
#undef Simd
namespace avx2 {
#include "native/simd/avx2.h"
#include "native/kernels/random.h"
#include "native/kernels/noise.h"
}
namespace ref {
#include "native/simd/scalar.h"
#include "native/kernels/random.h"
#include "native/kernels/noise.h"
}
}
using namespace fastaug;
int fails = 0, checks = 0;
template <class T>
void compare(const std::vector<T>& a, const std::vector<T>& b, const char* isa, const char* what, long x, long y) {
  ++checks;
  size_t i = 0;
  while (i < a.size() && memcmp(&a[i], &b[i], sizeof(T)) == 0) ++i;
  if (i < a.size()) printf("DIFF %s %s (%ld, %ld) from element %zu\n", isa, what, x, y, i), ++fails;
}

struct Isa {
  const char* name;
  void (*normal)(float*, size_t, const StreamParams&, const AffineParams&);
  void (*uniform)(float*, size_t, const StreamParams&, const AffineParams&);
  void (*words)(uint32_t*, size_t, const StreamParams&);
  void (*noise_u8)(const uint8_t*, uint8_t*, const NoiseParams&, uint64_t, uint64_t);
  void (*noise_f32)(const float*, float*, const NoiseParams&, uint64_t, uint64_t);
};
#define ISA_OF(ns) Isa{#ns, &ns::random_normal, &ns::random_uniform, &ns::random_words, &ns::noise_u8, &ns::noise_f32}

void check_streams(const Isa& t, const Isa& r) {
  const StreamParams sps[] = {{12345u, 678u, 4294967296ull * 4 - 13, 3u, 2u, 0}, {7u, 9u, 0, 1u, 33u, 41u},
                              {0xFFFFFFFFu, 1u, 5, 0u, 0u, 7u}, {1u, 2u, 4294967296ull * 4 - 700, 9u, 8u, 0xFFFFFFFFu}};
  const AffineParams aps[] = {{0.0f, 1.0f}, {0.25f, 3.0f}, {0.0f, 0.1f}};
  const size_t ns[] = {1, 7, 33, 64, 65, 127, 128, 129, 200, 511, 512, 513, 1000, 5003};
  for (auto& sp : sps) for (auto& ap : aps) for (size_t n : ns) {
    std::vector<float> a(n), b(n);
    t.normal(a.data(), n, sp, ap), r.normal(b.data(), n, sp, ap), compare(a, b, t.name, "normal", long(sp.first), long(n));
    t.uniform(a.data(), n, sp, ap), r.uniform(b.data(), n, sp, ap), compare(a, b, t.name, "uniform", long(sp.first), long(n));
    std::vector<uint32_t> wa(n), wb(n);
    t.words(wa.data(), n, sp), r.words(wb.data(), n, sp), compare(wa, wb, t.name, "words", long(sp.first), long(n));
  }
}

// Batches of small images: positions per image 4, 8, 16, 784, 192, 35, 6,
// 12, 20, 36, 12 (groups of 2, 4 or 8 blocks straddle image ends).
void check_noise(const Isa& t, const Isa& r) {
  struct Shape { int64_t n, h, w, c; };
  const Shape shapes[] = {{11, 2, 2, 1}, {9, 2, 4, 1}, {7, 4, 4, 1}, {5, 28, 28, 1}, {4, 8, 8, 3}, {4, 5, 7, 1},
                          {5, 1, 2, 3}, {13, 3, 4, 1}, {9, 1, 20, 1}, {6, 2, 6, 3}, {3, 3, 1, 4}};
  for (auto s : shapes) for (int kind = 0; kind < 4; ++kind) for (int layout = 0; layout < 4; ++layout) for (int same = 0; same < 2; ++same) {
    const int64_t total = s.n * s.h * s.w * s.c;
    std::vector<float> offset(s.n), scale(s.n), one(s.n, 1.0f);
    std::vector<uint32_t> pepper(s.n), salt(s.n);
    for (int64_t i = 0; i < s.n; ++i) {  // the same for every image, or not (one pass over the images, or image by image)
      offset[i] = same ? 0.25f : 0.1f * i, scale[i] = same ? 10.5f : 3.0f + i;
      pepper[i] = 1000 + 100 * i, salt[i] = 60000 - 50 * i;
    }
    NoiseParams p{};
    p.h = s.h, p.w = s.w, p.c = s.c, p.nchw = layout & 1, p.per_channel = layout & 2, p.kind = kind;
    p.key0 = 7, p.key1 = 9, p.epoch = 1, p.stream = 32 + kind, p.first_sample = 41;
    p.offset = kind == 2 ? one.data() : offset.data(), p.scale = scale.data();
    p.clip = kind == 2, p.clip_lo = 0.0f, p.clip_hi = 0.75f;
    p.pepper_below = pepper.data(), p.salt_below = salt.data(), p.pepper_value = 0.0f, p.salt_value = 255.0f;
    std::vector<uint8_t> u8(total), ua(total), ub(total);
    std::vector<float> f32(total), fa(total), fb(total);
    for (int64_t i = 0; i < total; ++i) u8[i] = uint8_t(i * 37), f32[i] = float(i % 13) / 13.0f;
    const uint64_t end = uint64_t(s.n * noise_positions(p));
    t.noise_u8(u8.data(), ua.data(), p, 0, end), r.noise_u8(u8.data(), ub.data(), p, 0, end);
    compare(ua, ub, t.name, "noise_u8 (kind, layout)", kind, layout);
    t.noise_f32(f32.data(), fa.data(), p, 0, end), r.noise_f32(f32.data(), fb.data(), p, 0, end);
    compare(fa, fb, t.name, "noise_f32 (kind, layout)", kind, layout);
    {  // in pieces (whole pixels with per_channel in NCHW, as the Backend contract asks)
      const uint64_t unit = p.per_channel && p.nchw ? uint64_t(s.c) : 1;
      const uint64_t cuts[] = {0, (end / 3 + 1) / unit * unit, end * 2 / 3 / unit * unit, end};
      std::fill(fa.begin(), fa.end(), 0.0f);
      for (int k = 0; k < 3; ++k) t.noise_f32(f32.data(), fa.data(), p, cuts[k], cuts[k + 1]);
      compare(fa, fb, t.name, "noise_f32 in pieces (kind, layout)", kind, layout);
    }
  }
}

int main() {
  const Isa ref = ISA_OF(ref);
  for (const Isa& isa : {ISA_OF(emu512), ISA_OF(avx2)}) check_streams(isa, ref), check_noise(isa, ref);
  printf("%d comparisons with the scalar ISA, %d differ\n", checks, fails);
  return fails != 0;
}
