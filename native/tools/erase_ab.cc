// A/B harness for random erasing (native/kernels/erase.h), no Node: the
// erase kernels of two source trees compiled into one process under two
// namespaces (ab_harness.h), their bytes compared, then timed in turn with a
// glibc memcpy of the same bytes (CPU time, medians over rounds, and the
// median of the per-round ratios). Not part of the addon.
// Cases (64×224×224×3 NHWC, out of place; boxes drawn here with the
// facade's distribution, not its Philox stream: area U[0.02, 0.33] of the
// image, ratio log-uniform in [0.3, 3.3], placed uniformly):
//   E3        uint8, p 0.5, one box, constant 0 (the bench case's setting)
//   E3-p1     uint8, every image one box
//   E3-p0     uint8, no box: the copy alone
//   E3-noise  uint8, p 0.5, noise-filled boxes
//   E4        float32, p 0.5, one box, constant 0
// IMAGES=n (default 64) and CALLS=n (per sample, default 3) size the timing
// (IMAGES=4 CALLS=50: in cache, the kernel's own work). The output buffer starts OUT_SHIFT bytes (default 0) past the input's
// offset from a 64-byte line (MISALIGN, default 16: glibc malloc's large
// blocks): the copy's speed depends on dst − src modulo 64 on Zen 4 (rep
// movsb, which glibc's memcpy uses for 2 KiB–1 MiB, ran 2-7x slower at
// +1 and +16 bytes).
// Build with the flags of binding.gyp's ISA library, e.g. AVX-512 (one line):
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx512f -mavx512bw -mavx512vl
//     -mavx512dq -mno-fma -fschedule-insns -fsched-pressure -Wno-uninitialized
//     -Wno-maybe-uninitialized -I. -DOLD_ROOT=/work/main -DNEW_ROOT=$PWD
//     -DISA=avx512 -o /tmp/erase_ab native/tools/erase_ab.cc
//   OUT_SHIFT=16 /tmp/erase_ab 21 E3 E3-p1     # 21 rounds of the cases named
// (AVX2: -mavx2 -mno-fma -DISA=avx2; SSE4.1: -msse4.1 -DISA=sse4.)
// An old tree from before native/kernels/copy.h (main before 2026-12-07,
// round 4): add -DOLD_COPY_ROOT=$PWD (ab_harness.h).
#include "ab_harness.h"
namespace fastaug {
namespace old_isa {
#include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
#include AB_TREE_FILE(OLD_COPY_ROOT, kernels/copy.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/random.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/erase.h)
}  // namespace old_isa
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, simd/ISA.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/random.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/erase.h)
}  // namespace new_isa
}  // namespace fastaug
using namespace fastaug;

static int64_t kN = 64;
static const int64_t kH = 224, kW = 224, kC = 3;

struct Boxes {
  std::vector<int32_t> top, left, height, width;
};

// One box per image, drawn as src/ops/erase.ts drawBox does (torchvision's
// rule), from a small LCG instead of the Philox stream.
static Boxes draw_boxes(double p, int64_t n, int64_t h, int64_t w, uint32_t seed) {
  Boxes b;
  uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  auto uniform = [&s] { return ab_uniform(s); };
  for (int64_t i = 0; i < n; ++i) {
    int32_t t = 0, l = 0, bh = 0, bw = 0;
    if (uniform() < p) {
      for (int attempt = 0; attempt < 10; ++attempt) {
        const double a = double(h * w) * (0.02 + 0.31 * uniform());
        const double r = std::exp(std::log(0.3) + (std::log(3.3) - std::log(0.3)) * uniform());
        const int64_t hh = std::llround(std::sqrt(a * r)), ww = std::llround(std::sqrt(a / r));
        const double u2 = uniform(), u3 = uniform();
        if (!(hh < h && ww < w)) continue;
        bh = int32_t(hh), bw = int32_t(ww);
        t = int32_t(std::floor(u2 * double(h - hh + 1))), l = int32_t(std::floor(u3 * double(w - ww + 1)));
        break;
      }
    }
    b.top.push_back(t), b.left.push_back(l), b.height.push_back(bh), b.width.push_back(bw);
  }
  return b;
}

static EraseParams params(const Boxes& b, bool noise, const float* values, bool nchw = false, int64_t h = kH, int64_t w = kW, int64_t c = kC) {
  EraseParams p{};
  p.h = h, p.w = w, p.c = c, p.nchw = nchw, p.count = 1;
  p.top = b.top.data(), p.left = b.left.data(), p.height = b.height.data(), p.width = b.width.data();
  p.noise = noise, p.values = values;
  p.key0 = 0x1234567u, p.key1 = 0x89ABCDEu, p.epoch = 0, p.stream = 22, p.first_sample = 0;
  return p;
}

// Small shapes, every layout, fill and offset: old and new must agree byte for byte.
static int check() {
  int bad = 0, count = 0;
  const float values[5] = {7, 200, 31, 0, 255};
  for (int64_t w : {1, 2, 3, 5, 17, 33, 64, 100, 224})
    for (int64_t c = 1; c <= 5; ++c)
      for (int nchw = 0; nchw < 2; ++nchw)
        for (int noise = 0; noise < 2; ++noise)
          for (size_t shift : {0, 1, 16, 33}) {
            const int64_t n = 5, h = 9, len = n * h * w * c;
            const Boxes b = draw_boxes(0.8, n, h, w, unsigned(w * 7 + c));
            const EraseParams p = params(b, noise, values, nchw, h, w, c);
            std::vector<uint8_t> in(len + 64), a(len + 128, 1), bb(len + 128, 1);
            std::vector<float> fin(len + 16), fa(len + 32, 1), fb(len + 32, 1);
            for (int64_t i = 0; i < len + 64; ++i) in[i] = uint8_t(i * 13 + 5);
            for (int64_t i = 0; i < len + 16; ++i) fin[i] = float(i % 97) * 0.25f;
            old_isa::erase_u8(in.data() + 3, a.data() + shift, p, 0, size_t(n));
            new_isa::erase_u8(in.data() + 3, bb.data() + shift, p, 0, size_t(n));
            ++count;
            if (a != bb && bad++ < 10) printf("DIFF u8 w %lld c %lld nchw %d noise %d shift %zu\n", (long long)w, (long long)c, nchw, noise, shift);
            old_isa::erase_f32(fin.data() + 1, fa.data() + shift / 4, p, 0, size_t(n));
            new_isa::erase_f32(fin.data() + 1, fb.data() + shift / 4, p, 0, size_t(n));
            ++count;
            if (memcmp(fa.data(), fb.data(), fa.size() * 4) != 0 && bad++ < 10)
              printf("DIFF f32 w %lld c %lld nchw %d noise %d shift %zu\n", (long long)w, (long long)c, nchw, noise, shift);
            // in place (dst == src): only the boxes
            std::vector<uint8_t> ia(in), ib(in);
            old_isa::erase_u8(ia.data(), ia.data(), p, 0, size_t(n));
            new_isa::erase_u8(ib.data(), ib.data(), p, 0, size_t(n));
            ++count;
            if (ia != ib && bad++ < 10) printf("DIFF in place u8 w %lld c %lld nchw %d noise %d\n", (long long)w, (long long)c, nchw, noise);
          }
  printf("check: %d cases, %d differ\n", count, bad);
  return bad;
}

template <class T>
static double time_calls(const std::function<void()>& f, int calls) {
  const double t0 = cpu_now();
  for (int i = 0; i < calls; ++i) f();
  return (cpu_now() - t0) * 1e3 / calls;
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 11;
  const int calls = getenv("CALLS") ? atoi(getenv("CALLS")) : 3;
  if (getenv("IMAGES")) kN = atoi(getenv("IMAGES"));
  if (!getenv("NOCHECK") && check() != 0) return 1;
  std::vector<std::string> ids(argv + (argc > 1 ? 2 : 1), argv + argc);
  if (ids.empty()) ids = {"E3", "E3-p1", "E3-p0", "E3-noise", "E4"};
  const size_t misalign = getenv("MISALIGN") ? size_t(atoi(getenv("MISALIGN"))) : 16;
  const size_t out_shift = getenv("OUT_SHIFT") ? size_t(atoi(getenv("OUT_SHIFT"))) : 0;
  const int64_t len = kN * kH * kW * kC;
  char* in_block = static_cast<char*>(aligned_alloc(64, size_t(len) * 4 + 128));
  char* out_block = static_cast<char*>(aligned_alloc(64, size_t(len) * 4 + 128));
  char* in_bytes = in_block + misalign;
  char* out_bytes = out_block + ((misalign + out_shift) % 64);
  for (int64_t i = 0; i < len * 4; ++i) in_bytes[i] = char(i * 7);
  const float zeros[4] = {0, 0, 0, 0};
  printf("input at +%zu, output at +%zu past a 64-byte line\n", misalign, (misalign + out_shift) % 64);
  for (const std::string& id : ids) {
    const bool f32 = id == "E4", noise = id == "E3-noise";
    const double p = id == "E3-p1" ? 1.0 : id == "E3-p0" ? 0.0 : 0.5;
    if (!f32 && id != "E3" && id != "E3-p1" && id != "E3-p0" && id != "E3-noise") {
      printf("unknown case %s\n", id.c_str());
      return 1;
    }
    const Boxes b = draw_boxes(p, kN, kH, kW, 1);
    const EraseParams ep = params(b, noise, zeros);
    const size_t bytes = size_t(len) * (f32 ? 4 : 1);
    auto run = [&](bool new_tree) {
      if (f32) {
        const float* s = reinterpret_cast<const float*>(in_bytes);
        float* d = reinterpret_cast<float*>(out_bytes);
        if (new_tree) new_isa::erase_f32(s, d, ep, 0, size_t(kN));
        else old_isa::erase_f32(s, d, ep, 0, size_t(kN));
      } else {
        const uint8_t* s = reinterpret_cast<const uint8_t*>(in_bytes);
        uint8_t* d = reinterpret_cast<uint8_t*>(out_bytes);
        if (new_tree) new_isa::erase_u8(s, d, ep, 0, size_t(kN));
        else old_isa::erase_u8(s, d, ep, 0, size_t(kN));
      }
    };
    run(false);
    const uint64_t h_old = fnv(out_bytes, bytes);
    run(true);
    const uint64_t h_new = fnv(out_bytes, bytes);
    std::function<void()> mc = [&] { memcpy(out_bytes, in_bytes, bytes); asm volatile("" ::: "memory"); };
    std::function<void()> o = [&] { run(false); }, nw = [&] { run(true); };
    const auto times = alternate(rounds, {[&] { return time_calls<char>(mc, calls); }, [&] { return time_calls<char>(o, calls); },
                                          [&] { return time_calls<char>(nw, calls); }});
    std::vector<double> ro, rn, rno;
    for (size_t r = 0; r < times[0].size(); ++r) {
      ro.push_back(times[1][r] / times[0][r]);
      rn.push_back(times[2][r] / times[0][r]);
      rno.push_back(times[2][r] / times[1][r]);
    }
    printf("%-9s memcpy %.3f ms  old %.3f ms  new %.3f ms | per round: old %.2fx new %.2fx memcpy, new/old %.3f  %s\n", id.c_str(), median(times[0]),
           median(times[1]), median(times[2]), median(ro), median(rn), median(rno), h_old == h_new ? "same bytes" : "DIFFERENT BYTES");
  }
  return 0;
}
