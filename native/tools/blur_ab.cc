// A/B harness for gaussianBlur (native/kernels/blur.h), no Node: the kernels
// of two source trees compiled into one process under two namespaces
// (ab_harness.h), their bytes compared, then timed in turn (CPU time, old
// and new alternated ABBA, medians) with a glibc memcpy of the same bytes.
// Not part of the addon.
// Check: random small cases (1–3 images, h 1–20, w 1–70 and every tenth
// case 64–263 wide, c 1–4, NHWC and NCHW, every fill, radius 0–7, random
// symmetric weights, NaN / ∞ in float32) must agree byte for byte.
// Timing: 64 × 224×224×3 NHWC, σ 1.5 (radius 5), mirror fill: bench cases
// G10 (float32) and G11 (uint8). IMAGES=n (default 64).
// Build with the flags of binding.gyp's ISA library, e.g. AVX-512 (one line):
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx512f -mavx512bw -mavx512vl
//     -mavx512dq -mno-fma -fschedule-insns -fsched-pressure
//     -Wno-uninitialized -Wno-maybe-uninitialized -I.
//     -DOLD_ROOT=/work/main -DNEW_ROOT=$PWD -DISA=avx512 -o /tmp/blur_ab
//     native/tools/blur_ab.cc
//   /tmp/blur_ab 15               # 15 rounds
// (AVX2: -mavx2 -mno-fma -DISA=avx2; SSE4.1: -msse4.1 -DISA=sse4; scalar:
// no -m flag, -DISA=scalar.)
#include "ab_harness.h"
namespace fastaug {
namespace old_isa {
#include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
#include AB_TREE_FILE(OLD_COPY_ROOT, kernels/copy.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/shift.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/blur.h)
}  // namespace old_isa
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, simd/ISA.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/shift.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/blur.h)
}  // namespace new_isa
}  // namespace fastaug
using namespace fastaug;

static uint64_t lcg = 88172645463325252ull;
static double uniform() { return ab_uniform(lcg); }

// Normalised Gaussian weights of sigma and radius r (as blurWeights, near enough).
static std::vector<float> gauss(double sigma, int r) {
  std::vector<double> g(2 * r + 1);
  double sum = 0;
  for (int k = 0; k <= 2 * r; ++k) sum += g[k] = std::exp(-double((k - r) * (k - r)) / (2 * sigma * sigma));
  std::vector<float> w(2 * r + 1);
  for (int k = 0; k <= 2 * r; ++k) w[k] = float(g[k] / sum);
  return w;
}

template <class T>
static bool check_case(int t) {
  const int64_t n = 1 + int64_t(uniform() * 3), h = 1 + int64_t(uniform() * 20);
  const int64_t w = t % 10 == 0 ? 64 + int64_t(uniform() * 200) : 1 + int64_t(uniform() * 70);
  const int64_t c = 1 + int64_t(uniform() * 4);
  BlurParams p{};
  p.h = h, p.w = w, p.c = c, p.nchw = uniform() < 0.3, p.fill = int(uniform() * 5);
  p.fill_value = sizeof(T) == 1 ? float(int(uniform() * 256)) : float(uniform() * 4 - 2);
  p.stride = 15;
  std::vector<int32_t> radius(n);
  std::vector<float> weights(n * p.stride);
  for (int64_t i = 0; i < n; ++i) {
    radius[i] = int32_t(uniform() * 8);
    const auto g = uniform() < 0.5 ? gauss(0.3 + uniform() * 3, radius[i]) : std::vector<float>();
    for (int d = 0; d <= radius[i]; ++d) {
      const float v = g.empty() ? float(uniform() * 2 - 0.5) : g[radius[i] + d];
      weights[i * p.stride + radius[i] + d] = weights[i * p.stride + radius[i] - d] = v;
    }
  }
  p.radius = radius.data(), p.weights = weights.data();
  const int64_t len = n * h * w * c;
  std::vector<T> src(len + 16), a(len + 64, T(7)), b(len + 64, T(7));
  for (auto& v : src) v = sizeof(T) == 1 ? T(uniform() * 256) : T(uniform() * 600 - 200);
  if (sizeof(T) == 4 && t % 7 == 0) {
    src[int64_t(uniform() * len)] = T(NAN);
    src[int64_t(uniform() * len)] = T(INFINITY);
  }
  std::vector<float> scratch(blur_scratch_floats(p) + 64);
  const size_t first = t % 5 == 0 && n > 1 ? 1 : 0;
  if constexpr (sizeof(T) == 1) {
    old_isa::blur_u8(src.data(), a.data(), p, first, n - first, scratch.data());
    new_isa::blur_u8(src.data(), b.data(), p, first, n - first, scratch.data());
  } else {
    old_isa::blur_f32(src.data(), a.data(), p, first, n - first, scratch.data());
    new_isa::blur_f32(src.data(), b.data(), p, first, n - first, scratch.data());
  }
  if (std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) != 0) {
    std::printf("MISMATCH %s t=%d n=%ld h=%ld w=%ld c=%ld nchw=%d fill=%d r0=%d\n", sizeof(T) == 1 ? "u8" : "f32", t, long(n), long(h), long(w), long(c), int(p.nchw), p.fill, radius[0]);
    return false;
  }
  return true;
}

template <class T>
struct Timed {
  std::vector<T> src_buf, out_buf;
  T* src = nullptr;
  T* out = nullptr;
  BlurParams p{};
  std::vector<int32_t> radius;
  std::vector<float> weights, scratch;
  int64_t n;
  explicit Timed(int64_t images) : n(images) {
    const int64_t len = n * 224 * 224 * 3;
    // Buffers OFF bytes (default 16) past a 64-byte boundary, as large typed
    // arrays come from glibc's mmap'd chunks (page + 16).
    const int64_t off = std::getenv("OFF") ? std::atoll(std::getenv("OFF")) : 16;
    src_buf.resize(len + 128), out_buf.resize(len + 128);
    src = reinterpret_cast<T*>((reinterpret_cast<uintptr_t>(src_buf.data()) + 63) / 64 * 64 + off);
    out = reinterpret_cast<T*>((reinterpret_cast<uintptr_t>(out_buf.data()) + 63) / 64 * 64 + off);
    for (int64_t i = 0; i < len; ++i) src[i] = sizeof(T) == 1 ? T(i % 251) : T(float(i % 251) / 251);
    p.h = 224, p.w = 224, p.c = 3, p.nchw = false, p.fill = 3, p.fill_value = 0;
    p.stride = 11;
    radius.assign(n, 5);
    const auto g = gauss(1.5, 5);
    for (int64_t i = 0; i < n; ++i) weights.insert(weights.end(), g.begin(), g.end());
    p.radius = radius.data(), p.weights = weights.data();
    scratch.resize(blur_scratch_floats(p) + 64);
  }
  template <class F>
  double run(F kernel) {
    const double t0 = cpu_now();
    kernel(src, out, p, 0, size_t(n), scratch.data());
    return cpu_now() - t0;
  }
  double copy() {
    const double t0 = cpu_now();
    std::memcpy(out, src, size_t(n) * 224 * 224 * 3 * sizeof(T));
    return cpu_now() - t0;
  }
  uint64_t hash() const { return fnv(out, size_t(n) * 224 * 224 * 3 * sizeof(T)); }
};

template <class T, class FO, class FN>
static void time_case(const char* name, int rounds, int64_t images, FO old_k, FN new_k) {
  Timed<T> t(images);
  t.run(old_k);
  const uint64_t ho = t.hash();
  t.run(new_k);
  const uint64_t hn = t.hash();
  std::vector<double> to, tn, tc, ratio;
  for (int k = 0; k < rounds; ++k) {
    double o = 0, nn = 0;
    if (k % 2 == 0) {
      o = t.run(old_k), nn = t.run(new_k);
    } else {
      nn = t.run(new_k), o = t.run(old_k);
    }
    to.push_back(o), tn.push_back(nn), tc.push_back(t.copy()), ratio.push_back(nn / o);
  }
  std::printf("%s: old %.2f ms  new %.2f ms  (mins %.2f / %.2f)  new/old %.3f  memcpy %.2f ms  new %.2f× memcpy  %s\n", name, median(to) * 1e3, median(tn) * 1e3, minimum(to) * 1e3, minimum(tn) * 1e3, median(ratio), median(tc) * 1e3,
              median(tn) / median(tc), ho == hn ? "same bytes" : "BYTES DIFFER");
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 9;
  const int64_t images = std::getenv("IMAGES") ? std::atoll(std::getenv("IMAGES")) : 64;
  int bad = 0;
  for (int t = 0; t < 600; ++t) bad += !check_case<float>(t) + !check_case<uint8_t>(t);
  std::printf("check: %d mismatches in 1200 random cases\n", bad);
  const char* only = std::getenv("ONLY");
  if (!only || only[0] == 'f') time_case<float>("G10 float32", rounds, images, old_isa::blur_f32, new_isa::blur_f32);
  if (!only || only[0] == 'u') time_case<uint8_t>("G11 uint8  ", rounds, images, old_isa::blur_u8, new_isa::blur_u8);
  return bad != 0;
}
