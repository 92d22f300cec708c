// A/B harness for the generator (native/kernels/random.h with one ISA's
// simd header), no Node: two source trees compiled into one process under
// two namespaces, so that their output is compared bit for bit (hashes of
// normals and uniforms over odd offsets, lengths, affine forms, a call across
// an upper half of the block counter, and 2^24 normals) and their speed is
// timed alternately (bench case G3: 9.6 M values into a 1 MiB buffer, 2^18
// per call; CPU time, medians). Not part of the addon. Build with the flags
// of binding.gyp's ISA library, e.g. for AVX2 with the main repo as OLD:
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx2 -mno-fma -fschedule-insns
//     -fsched-pressure -I. -DOLD_ROOT=/work/main -DNEW_ROOT=$PWD -DISA=avx2
//     -o /tmp/generator_ab native/tools/generator_ab.cc   (one line)
//   /tmp/generator_ab 9           # normals, 9 rounds
//   WHICH=u /tmp/generator_ab 9   # uniforms
// (SSE4.1: -msse4.1 -DISA=sse4; AVX-512: the avx512 flags of binding.gyp.)
#include "ab_harness.h"
namespace fastaug {
namespace old_isa {
#include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/random.h)
}
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, simd/ISA.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/random.h)
}
}
using namespace fastaug;
typedef void (*Fill)(float*, size_t, const StreamParams&, const AffineParams&);
static uint64_t check(Fill f, Fill u) {
  uint64_t h = 1469598103934665603ull;
  std::vector<float> out(100003);
  const StreamParams sps[] = {{12345u, 678u, 4294967296ull * 4 - 13, 3u, 2u, 0}, {7u, 9u, 0, 1u, 33u, 41u}, {0xFFFFFFFFu, 1u, 5, 0u, 0u, 7u}};
  const AffineParams aps[] = {{0.0f, 1.0f}, {0.25f, 3.0f}, {0.0f, 0.1f}};
  size_t ns[] = {100003, 1, 7, 33, 64, 65, 200, 1000};
  for (auto& sp : sps) for (auto& ap : aps) for (size_t n : ns) {
    std::fill(out.begin(), out.end(), 0.0f);
    f(out.data(), n, sp, ap); h = fnv(out.data(), n * 4, h);
    u(out.data(), n, sp, ap); h = fnv(out.data(), n * 4, h);
  }
  // many random words: 2^24 normals of one stream
  std::vector<float> big(1 << 24);
  f(big.data(), big.size(), sps[1], aps[0]); h = fnv(big.data(), big.size() * 4, h);
  return h;
}
int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 9;
  uint64_t ho = check(&old_isa::random_normal, &old_isa::random_uniform);
  uint64_t hn = check(&new_isa::random_normal, &new_isa::random_uniform);
  printf("hash old %016llx new %016llx %s\n", (unsigned long long)ho, (unsigned long long)hn, ho == hn ? "SAME" : "DIFFERENT");
  // G3: 9.6 M normals into a 1 MiB buffer, 2^18 per call
  std::vector<float> buf(1 << 18);
  const StreamParams sp{1u, 2u, 0, 0u, 5u, 0};
  const AffineParams ap{0.0f, 1.0f};
  const size_t total = 9600000;
  auto g3 = [&](Fill f) { double t0 = cpu_now(); size_t done = 0; StreamParams s = sp;
    while (done < total) { size_t n = std::min(buf.size(), total - done); f(buf.data(), n, s, ap); s.first += n; done += n; }
    return cpu_now() - t0; };
  const char* which = getenv("WHICH");
  Fill fo = &old_isa::random_normal, fnw = &new_isa::random_normal;
  if (which && which[0] == 'u') fo = &old_isa::random_uniform, fnw = &new_isa::random_uniform;
  std::vector<double> to, tn;
  for (int r = 0; r < rounds; ++r) {
    if (r & 1) { tn.push_back(g3(fnw)); to.push_back(g3(fo)); }
    else { to.push_back(g3(fo)); tn.push_back(g3(fnw)); }
  }
  std::sort(to.begin(), to.end()); std::sort(tn.begin(), tn.end());
  double mo = to[to.size() / 2], mn = tn[tn.size() / 2];
  printf("G3 old %.2f ms (%.3f G/s, min %.2f)  new %.2f ms (%.3f G/s, min %.2f)  new/old %.3f\n", mo * 1e3, total / mo * 1e-9, to[0] * 1e3,
         mn * 1e3, total / mn * 1e-9, tn[0] * 1e3, mn / mo);
}
