// Checks noise.h's ImageRunCounters<S> (one generator pass over consecutive
// images) against the counters DESIGN §3 defines for block b of image i:
// (b, (b >> 32) ^ (first_sample + i), epoch, stream), lane l of a group being
// the group's block + l. A mock S with 8 blocks per vector stands in for
// AVX-512 (kBlocks 8), which hosts without AVX-512 cannot run: the real
// AVX-512 Simd builds the same lane order (blocks_from: lane l = b + l, and
// ImageRunCounters::straddle copies lane l from array element l). Mock S
// with 4 (AVX2) and the scalar Simd (2) too; every image of 1..70 blocks,
// every start block in the first three images, six calls in a row.
// Not part of the addon or the tests:
//   g++ -std=gnu++17 -O2 native/tools/image_run_counters_check.cc -o /tmp/irc && /tmp/irc
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include "../kernels/params.h"
#include "../kernels/philox_constants.h"
#define FASTAUG_ISA_NS scalar
namespace fastaug { namespace FASTAUG_ISA_NS {
#include "../simd/scalar.h"
#include "../kernels/copy.h"
#include "../kernels/random.h"
#include "../kernels/noise.h"
}}
template <int K>
struct Mock {
  static constexpr int kBlocks = K;
  struct U64 { uint64_t v[K]; };
  static U64 blocks_from(uint64_t b) { U64 r; for (int l = 0; l < K; ++l) r.v[l] = b + l; return r; }
  static U64 set64(uint64_t x) { U64 r; for (int l = 0; l < K; ++l) r.v[l] = x; return r; }
  static U64 shr32(U64 a) { for (int l = 0; l < K; ++l) a.v[l] >>= 32; return a; }
  static U64 xor64(U64 a, U64 b) { for (int l = 0; l < K; ++l) a.v[l] ^= b.v[l]; return a; }
};
template <class S, class Lane>
int check(const char* name, Lane lane) {
  using namespace fastaug::scalar::noise_detail;
  constexpr int G = 4;
  int bad = 0; long checks = 0;
  for (uint64_t blocks = 1; blocks <= 70; ++blocks)
    for (uint64_t start = 0; start < 3 * blocks + 2; ++start) {
      const uint32_t sample = 0xFFFFFFF0u;  // wraps: first_sample + image mod 2^32
      ImageRunCounters<S> c(blocks, sample, 3, 9);
      typename S::U64 x[G][4];
      for (uint64_t it = 0; it < 6; ++it) {
        const uint64_t block = start + it * G * S::kBlocks;
        c.template operator()<G>(x, block);
        for (int g = 0; g < G; ++g)
          for (int l = 0; l < S::kBlocks; ++l) {
            const uint64_t r = block + g * S::kBlocks + l, image = r / blocks, b = r % blocks;
            const uint64_t want[4] = {b, (b >> 32) ^ uint32_t(sample + image), 3, 9};
            for (int w = 0; w < 4; ++w) { ++checks; if (lane(x[g][w], l) != want[w]) { if (bad++ < 5) printf("%s blocks %lu start %lu it %lu g %d l %d w %d: %lu != %lu\n", name, blocks, start, it, g, l, w, lane(x[g][w], l), want[w]); } }
          }
      }
    }
  printf("%s: %ld checks, %d bad\n", name, checks, bad);
  return bad;
}
int main() {
  int bad = 0;
  bad += check<Mock<8>>("mock kBlocks=8", [](const Mock<8>::U64& u, int l) { return u.v[l]; });
  bad += check<Mock<4>>("mock kBlocks=4", [](const Mock<4>::U64& u, int l) { return u.v[l]; });
  using SS = fastaug::scalar::Simd;
  bad += check<SS>("scalar Simd", [](const SS::U64& u, int l) { return u.v[l]; });
  return bad != 0;
}
