// AVX-512 against AVX2 builds of the same kernels in ONE process (issues 19,
// 20, round 7): on a Zen 5 host the bench (a process per ISA) had the
// AVX-512 builds of the memory-bound kernels 1.1-1.8x slower than AVX2.
// This times both ISA files of one tree on the same buffers, ABBA within
// each round (CPU time, medians), and checks their outputs are equal. Not
// part of the addon. Build: compile native/isa/avx2.cc and avx512.cc with
// their binding.gyp flags, link them with this file, e.g. (one line each)
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx2 -mno-fma -c native/isa/avx2.cc -o /tmp/a2.o
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx512f -mavx512bw -mavx512vl -mavx512dq -mno-fma
//     --param=inline-unit-growth=1000 --param=large-function-growth=1000 -c native/isa/avx512.cc -o /tmp/a5.o
//   g++ -std=gnu++17 -O2 -I. native/tools/isa_pair_ab.cc /tmp/a2.o /tmp/a5.o -o /tmp/isa_pair_ab
//   /tmp/isa_pair_ab 11 W1 B2        # 11 rounds of the cases named
// With -DWITH_NEW, also a second tree's avx2 and avx512 files, their
// symbols renamed by macros, e.g. -Davx512=avx512_new
// -DkKernels_avx512=kKernels_avx512_new; each time is followed by its
// ratio to the first tree's avx2.
// Environment: OUT_SHIFT=k puts the output k bytes past a 64-byte boundary
// (default 16: where Node's buffers sit), IN_SHIFT=k the input likewise.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "native/kernels/params.h"

namespace fastaug {
extern const Kernels kKernels_avx2;
extern const Kernels kKernels_avx512;
#ifdef WITH_NEW  // a second tree's ISA files, their symbols renamed (below)
extern const Kernels kKernels_avx2_new;
extern const Kernels kKernels_avx512_new;
#endif
}  // namespace fastaug
using namespace fastaug;

static double cpu_now() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}
static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

static const int64_t kN = 64, kH = 224, kW = 224, kC = 3, kElems = kN * kH * kW * kC;

// A buffer of `bytes` bytes starting `shift` bytes past a 64-byte boundary.
static char* placed(size_t bytes, size_t shift) {
  char* base = static_cast<char*>(std::aligned_alloc(4096, (bytes + 8192 + 4095) / 4096 * 4096));
  std::memset(base, 0, bytes + 8192);
  return base + shift;
}

struct Case {
  std::string id;
  size_t elem;  // bytes per element
  std::function<void(const Kernels&, const void*, void*)> run;
};

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 11;
  const size_t out_shift = getenv("OUT_SHIFT") ? std::atoi(getenv("OUT_SHIFT")) : 16;
  const size_t in_shift = getenv("IN_SHIFT") ? std::atoi(getenv("IN_SHIFT")) : 16;
  static std::vector<int32_t> kx(kN), ky(kN), spread_x(kN), spread_y(kN);
  static std::vector<float> w1(kN, 0.f), w0u8(kN, 4096.f), w0f(kN, 1.f);
  for (int i = 0; i < kN; ++i) {
    kx[i] = (i % 9) - 4, ky[i] = (i % 7) - 3;  // W1, H1, H2: offsets in [-4, 4]
  }
  // W2 (and A3): subpixel offsets ((i % 9) - 4) * 1.37, ((i % 7) - 3) * 0.83, float32 taps as src/ops/shift.ts resolves them
  static std::vector<int32_t> sx(kN), sy(kN);
  static std::vector<float> sx1(kN), sx0(kN), sy1(kN), sy0(kN);
  for (int i = 0; i < kN; ++i) {
    auto axis = [](double d, int32_t& k, float& w1, float& w0) {
      const double whole = std::floor(d);
      k = int32_t(whole), w1 = float(d - whole), w0 = 1.0f - w1;
    };
    axis(((i % 9) - 4) * 1.37, sx[i], sx1[i], sx0[i]);
    axis(((i % 7) - 3) * 0.83, sy[i], sy1[i], sy0[i]);
  }
  static std::vector<float> scale(kN * kC), offset(kN * kC);
  for (int i = 0; i < kN * kC; ++i) scale[i] = 0.8f + 0.4f * float(i % 17) / 17, offset[i] = 0;
  auto shift_params = [](int fill, bool u8) {
    ShiftParams p{kH, kW, kC, false, fill, 0.f, kx.data(), ky.data(), w1.data(), u8 ? w0u8.data() : w0f.data(), w1.data(), u8 ? w0u8.data() : w0f.data(), kN};
    return p;
  };
  std::vector<Case> cases = {
      {"W1", 1, [&](const Kernels& k, const void* s, void* d) { auto p = shift_params(0, true); k.shift_u8((const uint8_t*)s, (uint8_t*)d, p, 0, kN); }},
      {"H2", 1, [&](const Kernels& k, const void* s, void* d) { auto p = shift_params(2, true); k.shift_u8((const uint8_t*)s, (uint8_t*)d, p, 0, kN); }},
      {"H1", 4, [&](const Kernels& k, const void* s, void* d) { auto p = shift_params(0, false); k.shift_f32((const float*)s, (float*)d, p, 0, kN); }},
      {"W2", 4, [&](const Kernels& k, const void* s, void* d) { ShiftParams p{kH, kW, kC, false, 2, 0.f, sx.data(), sy.data(), sx1.data(), sx0.data(), sy1.data(), sy0.data(), kN}; k.shift_f32((const float*)s, (float*)d, p, 0, kN); }},
      {"B2", 4, [&](const Kernels& k, const void* s, void* d) { ColorParams p{kH, kW, kC, false, scale.data(), offset.data(), false, 0, 0}; k.color_affine_f32((const float*)s, (float*)d, p, 0, kN); }},
      {"B1", 1, [&](const Kernels& k, const void* s, void* d) { ColorParams p{kH, kW, kC, false, scale.data(), offset.data(), false, 0, 0}; k.color_affine_u8((const uint8_t*)s, (uint8_t*)d, p, 0, kN); }},
      {"memcpy", 1, [&](const Kernels&, const void* s, void* d) { std::memcpy(d, s, size_t(kElems)); }},
      {"memcpy4", 4, [&](const Kernels&, const void* s, void* d) { std::memcpy(d, s, size_t(kElems) * 4); }},
  };
#ifdef WITH_NEW
  const Kernels* isa[] = {&kKernels_avx512, &kKernels_avx2, &kKernels_avx512_new, &kKernels_avx2_new};
  const char* names[] = {"avx512", "avx2", "avx512-new", "avx2-new"};
#else
  const Kernels* isa[] = {&kKernels_avx512, &kKernels_avx2};
  const char* names[] = {"avx512", "avx2"};
#endif
  constexpr int kIsas = sizeof(isa) / sizeof(isa[0]);
  for (int a = 2; a < argc; ++a) {
    for (const Case& c : cases) {
      if (c.id != argv[a]) continue;
      const size_t bytes = size_t(kElems) * c.elem;
      char* src = placed(bytes, in_shift);
      char* dst[kIsas];
      for (int k = 0; k < kIsas; ++k) dst[k] = placed(bytes, out_shift);
      if (c.elem == 4) for (int64_t i = 0; i < kElems; ++i) reinterpret_cast<float*>(src)[i] = float(i % 251) / 251;
      else for (int64_t i = 0; i < kElems; ++i) src[i] = char(i * 7);
      bool same = true;
      for (int k = 0; k < kIsas; ++k) c.run(*isa[k], src, dst[k]), same = same && std::memcmp(dst[0], dst[k], bytes) == 0;
      const int calls = bytes > 20e6 ? 3 : 6;
      std::vector<double> t[kIsas], ratio[kIsas];
      for (int r = 0; r < rounds; ++r) {
        double sum[kIsas] = {};
        for (int pass = 0; pass < 2; ++pass) {  // ABCD then DCBA, starting one later each round
          for (int j = 0; j < kIsas; ++j) {
            const int k = pass == 0 ? (j + r) % kIsas : (kIsas - 1 - j + r) % kIsas;
            const double t0 = cpu_now();
            for (int m = 0; m < calls; ++m) c.run(*isa[k], src, dst[k]);  // each variant its own output (the same bytes)
            sum[k] += (cpu_now() - t0) / calls;
          }
        }
        for (int k = 0; k < kIsas; ++k) t[k].push_back(sum[k] / 2 * 1e3), ratio[k].push_back(sum[k] / sum[1]);
      }
      std::printf("%-7s in %% 64 = %2zu out %% 64 = %2zu ", c.id.c_str(), in_shift, out_shift);
      for (int k = 0; k < kIsas; ++k) std::printf(" %s %.3f ms (%.3f)", names[k], median(t[k]), median(ratio[k]));
      std::printf("  %s\n", same ? "same bytes" : "DIFFERENT BYTES");
    }
  }
}
