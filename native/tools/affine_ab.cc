// A/B harness for the affine warp (native/kernels/affine.h with one ISA's
// simd header), no Node: two source trees compiled into one process under
// two namespaces, so that their output is compared bit for bit (the bench
// batch, then every fill, both dtypes, 1–5 channels, NHWC and NCHW, on
// drawn matrices) and their speed is timed alternately (bench cases T1 / T2:
// 64×224×224×3, the 64 matrices of `affineParams` with rotation 15, zoom
// [0.9, 1.1], reflect, seed 1, read from a file of 384 numbers; CPU time,
// medians). Not part of the addon. Build with the flags of binding.gyp's ISA
// library, e.g. for AVX2 with the main repo as OLD:
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx2 -mno-fma -fschedule-insns
//     -fsched-pressure -I. -DOLD_ROOT=/work/main -DNEW_ROOT=$PWD -DISA=avx2
//     -o /tmp/affine_ab native/tools/affine_ab.cc   (one line)
//   node -e "const f=require('./dist/cjs/index.js');const p=f.affineParams({data:new Float32Array(64*224*224*3),shape:[64,224,224,3]},{rotation:15,zoom:[0.9,1.1],fill:'reflect',seed:1});console.log([...p.matrix].join(' '))" > /tmp/m.txt
//   /tmp/affine_ab /tmp/m.txt 9   # 9 rounds
// (SSE4.1: -msse4.1 -DISA=sse4; AVX-512: the avx512 flags of binding.gyp.)
#include "ab_harness.h"
namespace fastaug {
namespace old_isa {
#include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/random.h)
#include AB_TREE_FILE(OLD_COPY_ROOT, kernels/copy.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/shift.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/affine.h)
}
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, simd/ISA.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/random.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/shift.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/affine.h)
}
}
using namespace fastaug;

template <class T> using Warp = void (*)(const T*, T*, const WarpParams&, size_t, size_t);

static WarpParams params(int64_t n, int64_t h, int64_t w, int64_t c, bool nchw, int fill, const double* m, const uint8_t* translate) {
  WarpParams p{};
  p.h = h; p.w = w; p.c = c; p.nchw = nchw; p.fill = fill; p.fill_value = 7.0f; p.nearest = false;
  p.matrix = m; p.translate = translate;
  (void)n;
  return p;
}

// Input data: the bench's ramp (float32: ((i·7) & 255) / 255).
template <class T> static std::vector<T> ramp(size_t n) {
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = sizeof(T) == 1 ? T((i * 7) & 255) : T(((i * 7) & 255) / 255.0);
  return v;
}

// Drawn cases: both builds on the same inputs, bytes compared.
template <class T> static int check_drawn(Warp<T> a, Warp<T> b, const char* name) {
  uint64_t s = 12345;
  auto next = [&]() { s = s * 6364136223846793005ull + 1442695040888963407ull; return double(s >> 11) / 9007199254740992.0; };
  int bad = 0;
  for (int t = 0; t < 3000; ++t) {
    const int64_t n = 1 + int64_t(next() * 3), h = 1 + int64_t(next() * 40), w = 1 + int64_t(next() * (t % 7 == 0 ? 200 : 40)), c = 1 + int64_t(next() * 5);
    const bool nchw = next() < 0.3;
    const int fill = int(next() * 5);
    std::vector<double> m(6 * n);
    for (int64_t i = 0; i < n; ++i) {
      const double th = (next() - 0.5) * (t % 5 == 0 ? 6.3 : 0.6), z = 0.7 + next() * 0.6;
      const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
      const double m0 = std::cos(th) / z, m1 = -std::sin(th) / z, m3 = std::sin(th) / z, m4 = std::cos(th) / z;
      const double shx = (next() - 0.5) * 0.2 * w, shy = (next() - 0.5) * 0.2 * h;
      double* mm = &m[6 * i];
      mm[0] = m0; mm[1] = m1; mm[2] = cx - m0 * cx - m1 * cy + shx;
      mm[3] = m3; mm[4] = m4; mm[5] = cy - m3 * cx - m4 * cy + shy;
      if (t % 11 == 0) { mm[0] = 1.0; mm[1] = 0.0; mm[3] = 0.0; mm[4] = 1.0; mm[2] = std::floor(mm[2]) + (t % 3) * 0.25; }
    }
    std::vector<uint8_t> translate(n, 0);
    const WarpParams p = params(n, h, w, c, nchw, fill, m.data(), translate.data());
    std::vector<T> src = ramp<T>(n * h * w * c), oa(n * h * w * c + 8, T(3)), ob(n * h * w * c + 8, T(3));
    for (size_t i = 0; i < src.size(); ++i) src[i] = T(src[i] + T(i % 13));
    a(src.data(), oa.data(), p, 0, n);
    b(src.data(), ob.data(), p, 0, n);
    if (std::memcmp(oa.data(), ob.data(), oa.size() * sizeof(T)) != 0) {
      if (bad < 5) std::printf("%s: case %d (n %ld h %ld w %ld c %ld nchw %d fill %d) differs\n", name, t, long(n), long(h), long(w), long(c), int(nchw), fill);
      ++bad;
    }
  }
  return bad;
}

template <class T> static void bench(Warp<T> a, Warp<T> b, const WarpParams& p, int rounds, const char* name) {
  const size_t total = size_t(64 * p.h * p.w * p.c);
  std::vector<T> src = ramp<T>(total), oa(total), ob(total);
  a(src.data(), oa.data(), p, 0, 64);
  b(src.data(), ob.data(), p, 0, 64);
  std::printf("%s: bytes %s\n", name, std::memcmp(oa.data(), ob.data(), total * sizeof(T)) == 0 ? "equal" : "DIFFER");
  auto old_ms = [&] { const double t0 = cpu_now(); a(src.data(), oa.data(), p, 0, 64); return (cpu_now() - t0) * 1e3; };
  auto new_ms = [&] { const double t0 = cpu_now(); b(src.data(), ob.data(), p, 0, 64); return (cpu_now() - t0) * 1e3; };
  const auto times = alternate(rounds, {old_ms, new_ms});
  const double ma = median(times[0]), mb = median(times[1]);
  std::printf("%s: old %.2f ms (min %.2f)  new %.2f ms (min %.2f)  new/old %.3f\n", name, ma, minimum(times[0]), mb, minimum(times[1]), mb / ma);
}

// The same 64 warps with every image read from one source and written into
// one destination (both stay in cache): how much of the batch's time is memory.
template <class T> static void bench_in_cache(Warp<T> a, Warp<T> b, const WarpParams& p, int rounds, const char* name) {
  const size_t image = size_t(p.h * p.w * p.c);
  std::vector<T> src = ramp<T>(image), oa(image), ob(image);
  const auto each = [&](Warp<T> f, T* o) {
    WarpParams q = p;
    const double t0 = cpu_now();
    for (int i = 0; i < 64; ++i) {
      q.matrix = p.matrix + 6 * i;
      q.translate = p.translate + i;
      f(src.data(), o, q, 0, 1);
    }
    return (cpu_now() - t0) * 1e3;
  };
  const auto times = alternate(rounds, {[&] { return each(a, oa.data()); }, [&] { return each(b, ob.data()); }});
  const double ma = median(times[0]), mb = median(times[1]);
  std::printf("%s in cache: old %.2f ms (min %.2f)  new %.2f ms (min %.2f)  new/old %.3f\n", name, ma, minimum(times[0]), mb, minimum(times[1]), mb / ma);
}

int main(int argc, char** argv) {
  if (argc < 2) { std::fprintf(stderr, "usage: affine_ab MATRICES_FILE [ROUNDS] [WHICH: f|u|fu|check; F|U: in cache]\n"); return 2; }
  std::vector<double> m;
  FILE* f = std::fopen(argv[1], "r");
  double v;
  while (f && std::fscanf(f, "%lf", &v) == 1) m.push_back(v);
  if (f) std::fclose(f);
  if (m.size() != 384) { std::fprintf(stderr, "expected 384 numbers in %s, got %zu\n", argv[1], m.size()); return 2; }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 9;
  const char* which = argc > 3 ? argv[3] : "check fu";
  int bad = 0;
  if (std::strstr(which, "check")) {
    bad += check_drawn<float>(&old_isa::affine_f32, &new_isa::affine_f32, "float32 drawn");
    bad += check_drawn<uint8_t>(&old_isa::affine_u8, &new_isa::affine_u8, "uint8 drawn");
    std::printf("drawn cases: %d differ\n", bad);
  }
  std::vector<uint8_t> translate(64, 0);
  const WarpParams p = params(64, 224, 224, 3, false, 2, m.data(), translate.data());
  if (std::strchr(which, 'f')) bench<float>(&old_isa::affine_f32, &new_isa::affine_f32, p, rounds, "T1 float32");
  if (std::strchr(which, 'u')) bench<uint8_t>(&old_isa::affine_u8, &new_isa::affine_u8, p, rounds, "T2 uint8");
  if (std::strchr(which, 'F')) bench_in_cache<float>(&old_isa::affine_f32, &new_isa::affine_f32, p, rounds, "T1 float32");
  if (std::strchr(which, 'U')) bench_in_cache<uint8_t>(&old_isa::affine_u8, &new_isa::affine_u8, p, rounds, "T2 uint8");
  return bad != 0;
}
