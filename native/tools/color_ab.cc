// A/B harness for the uint8 colour maps, contrast and flip (native/kernels/
// color.h, flip.h), no Node: the kernels of two source trees compiled into
// one process under two namespaces (ab_harness.h), their bytes compared,
// then timed in turn with a glibc memcpy of the same bytes (CPU time,
// medians over rounds, and the median of the per-round ratios). Not part of
// the addon.
// Check: random cases of color_affine_u8 (c 1-4, NHWC and NCHW, planes of
// at least 4096 pixels, factors from several ranges including exact ties
// and negative ones, offsets ±20 and ±300, source and output offsets, in
// place), random flips (check_flip) and the timed batches of all three ops
// must agree byte for byte.
// Timing (64 × 224×224×3 uint8 NHWC, buffers 16 bytes past a 64-byte
// boundary, out of place): brightness (per-image factor [0.8, 1.2] and
// delta [-20, 20], B1's draw), contrast (per-channel means, factor [0.8,
// 1.2], K1's), horizontal flip (F1's). IMAGES=n (default 64) and REPS=n
// (each call repeated, default 1): IMAGES=2 REPS=32 maps the same 9.6 MB
// over two images kept in L2, the kernels' own work. ONLY=1|3|5 times
// brightness, contrast or flip alone; OSH=n moves the outputs n bytes on.
// F32=1 times the float32 ops instead (K2's and B2's batches: 64 ×
// 224×224×3 float32, the same draws) and checks random float32 cases
// (check_f32); ONLY=1|3 then times brightness or contrast alone.
// Build with the flags of binding.gyp's ISA library, e.g. AVX2 (one line):
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx2 -mno-fma -fschedule-insns
//     -fsched-pressure -Wno-uninitialized -Wno-maybe-uninitialized -I.
//     -DOLD_ROOT=/work/main -DNEW_ROOT=$PWD -DISA=avx2 -o /tmp/color_ab
//     native/tools/color_ab.cc
//   /tmp/color_ab 31               # 31 rounds
// (SSE4.1: -msse4.1 -DISA=sse4; AVX-512 with VBMI: the avx512vbmi flags of
// binding.gyp and -DISA=avx512.)
#include "ab_harness.h"
namespace fastaug {
namespace old_isa {
#include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
#include AB_TREE_FILE(OLD_COPY_ROOT, kernels/copy.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/byte_table.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/color.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/flip.h)
}  // namespace old_isa
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, simd/ISA.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/byte_table.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/color.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/flip.h)
}  // namespace new_isa
}  // namespace fastaug
using namespace fastaug;

static uint64_t lcg = 88172645463325252ull;
static double uniform() { return ab_uniform(lcg); }

// Random colour maps on small batches: old and new must agree byte for byte.
static int check() {
  int bad = 0, cases = 0;
  for (int t = 0; t < 3000; ++t) {
    const int64_t c = 1 + int64_t(uniform() * 4), n = 2, h = 64 + int64_t(uniform() * 8), w = 64 + int64_t(uniform() * 9);
    const bool nchw = uniform() < 0.3;
    const int64_t len = n * h * w * c;
    std::vector<uint8_t> src(len + 64), a(len + 128, 7), b(len + 128, 7);
    for (auto& v : src) v = uint8_t(uniform() * 256);
    std::vector<float> scale(n * c), offset(n * c);
    const int kind = t % 6;
    for (int64_t i = 0; i < n * c; ++i) {
      float f = kind == 0   ? float(0.8 + 0.4 * uniform())
                : kind == 1 ? float(uniform() * 2.2)
                : kind == 2 ? float(0.999 + 0.002 * uniform())
                : kind == 3 ? 0.5f
                : kind == 4 ? float(-1 + 3 * uniform())
                            : float(0.25 + uniform());
      float d = kind == 3 ? float(int(uniform() * 40) - 20) : kind == 5 ? float(-20 + 40 * uniform()) : float(-300 + 600 * uniform());
      if (uniform() < 0.3 && i % c != 0) f = scale[i - 1], d = offset[i - 1];  // channels alike
      scale[i] = f, offset[i] = d;
    }
    ColorParams p{};
    p.h = h, p.w = w, p.c = c, p.nchw = nchw, p.scale = scale.data(), p.offset = offset.data();
    const size_t from = size_t(uniform() * 16), to = size_t(uniform() * 40);
    old_isa::color_affine_u8(src.data() + from, a.data() + to, p, 0, size_t(n));
    new_isa::color_affine_u8(src.data() + from, b.data() + to, p, 0, size_t(n));
    ++cases;
    if (a != b && bad++ < 10) printf("DIFF case %d c %lld nchw %d kind %d\n", t, (long long)c, nchw, kind);
    std::vector<uint8_t> ia(src), ib(src);
    old_isa::color_affine_u8(ia.data() + from, ia.data() + from, p, 0, size_t(n));
    new_isa::color_affine_u8(ib.data() + from, ib.data() + from, p, 0, size_t(n));
    ++cases;
    if (ia != ib && bad++ < 10) printf("DIFF in place case %d\n", t);
  }
  printf("check: %d cases, %d differ\n", cases, bad);
  return bad;
}

// Random flips of small uint8 batches (widths 1-100, c 1-4, horizontal
// and/or vertical per image, source and output offsets, in place): old and
// new must agree byte for byte.
static int check_flip() {
  int bad = 0, cases = 0;
  for (int t = 0; t < 3000; ++t) {
    const int64_t c = 1 + int64_t(uniform() * 4), n = 3, h = 1 + int64_t(uniform() * 6), w = 1 + int64_t(uniform() * 100);
    const int64_t len = n * h * w * c;
    std::vector<uint8_t> src(len + 64), a(len + 128, 7), b(len + 128, 7);
    for (auto& v : src) v = uint8_t(uniform() * 256);
    std::vector<uint8_t> horizontal(n), vertical(n);
    for (int64_t i = 0; i < n; ++i) horizontal[i] = uniform() < 0.7, vertical[i] = uniform() < 0.4;
    FlipParams p{};
    p.h = h, p.w = w, p.c = c, p.nchw = uniform() < 0.2, p.horizontal = horizontal.data(), p.vertical = vertical.data();
    const size_t from = size_t(uniform() * 16), to = size_t(uniform() * 40);
    old_isa::flip_u8(src.data() + from, a.data() + to, p, 0, size_t(n));
    new_isa::flip_u8(src.data() + from, b.data() + to, p, 0, size_t(n));
    ++cases;
    if (a != b && bad++ < 10) printf("DIFF flip case %d c %lld w %lld\n", t, (long long)c, (long long)w);
    std::vector<uint8_t> ia(src), ib(src);
    old_isa::flip_u8(ia.data() + from, ia.data() + from, p, 0, size_t(n));
    new_isa::flip_u8(ib.data() + from, ib.data() + from, p, 0, size_t(n));
    ++cases;
    if (ia != ib && bad++ < 10) printf("DIFF flip in place case %d\n", t);
  }
  printf("check flip: %d cases, %d differ\n", cases, bad);
  return bad;
}

template <class F>
static double time_calls(F f, int calls) {
  const double t0 = cpu_now();
  for (int i = 0; i < calls; ++i) f();
  return (cpu_now() - t0) * 1e3 / calls;
}

// Times the measures in turn (`alternate`), memcpy first, or only memcpy
// and the pair ONLY=k names; prints medians, × memcpy and new/old per round.
static void report(int rounds, const std::vector<std::function<double()>>& all, std::vector<std::string> names, const char* only) {
  std::vector<std::function<double()>> measures = all;
  if (only != nullptr) {
    const int k = atoi(only);
    measures = {all[0], all[size_t(k)], all[size_t(k) + 1]};
    names = {names[0], names[size_t(k)], names[size_t(k) + 1]};
  }
  const auto times = alternate(rounds, measures);
  for (size_t i = 0; i < times.size(); ++i) {
    std::vector<double> r;
    for (int k = 0; k < rounds; ++k) r.push_back(times[i][k] / times[0][k]);
    printf("%-15s %.3f ms (min %.3f)  x memcpy %.2f\n", names[i].c_str(), median(times[i]), minimum(times[i]), median(r));
  }
  for (size_t i = 2; i < times.size(); i += 2) {
    std::vector<double> r;
    for (int k = 0; k < rounds; ++k) r.push_back(times[i][k] / times[i - 1][k]);
    printf("%s new/old per round %.3f\n", names[i].c_str(), median(r));
  }
}

// Random float32 brightness and contrast maps on small batches (c 1-5, NHWC
// and NCHW, clipping or not, per-channel or global means, odd planes, source
// and output offsets): old and new must agree bit for bit.
static int check_f32() {
  int bad = 0, cases = 0;
  for (int t = 0; t < 2000; ++t) {
    const int64_t c = 1 + int64_t(uniform() * 5), n = 2, h = 1 + int64_t(uniform() * 40), w = 1 + int64_t(uniform() * 41);
    const int64_t len = n * h * w * c;
    std::vector<float> src(len + 64), a(len + 64, 7), b(len + 64, 7);
    for (auto& v : src) v = float(uniform() * 300 - 20);
    std::vector<float> scale(n * c), offset(n * c), o1(n * c), o2(n * c);
    std::vector<double> s1(n * c), s2(n * c);
    for (int64_t i = 0; i < n * c; ++i) scale[i] = float(-0.5 + 2 * uniform()), offset[i] = float(-30 + 60 * uniform());
    ColorParams p{};
    p.h = h, p.w = w, p.c = c, p.nchw = uniform() < 0.3, p.scale = scale.data(), p.offset = offset.data();
    p.clip = uniform() < 0.5, p.clip_lo = 0, p.clip_hi = 255;
    const size_t from = size_t(uniform() * 16), to = size_t(uniform() * 40);
    old_isa::color_affine_f32(src.data() + from, a.data() + to, p, 0, size_t(n));
    new_isa::color_affine_f32(src.data() + from, b.data() + to, p, 0, size_t(n));
    ++cases;
    if (memcmp(a.data(), b.data(), a.size() * 4) != 0 && bad++ < 10) printf("DIFF f32 brightness case %d\n", t);
    ContrastParams k1{};
    k1.color = p, k1.per_channel = uniform() < 0.7, k1.sums = s1.data(), k1.offset = o1.data(), k1.images = n;
    ContrastParams k2 = k1;
    k2.sums = s2.data(), k2.offset = o2.data();
    old_isa::contrast_f32(src.data() + from, a.data() + to, k1, 0, size_t(n));
    new_isa::contrast_f32(src.data() + from, b.data() + to, k2, 0, size_t(n));
    ++cases;
    if ((memcmp(a.data(), b.data(), a.size() * 4) != 0 || s1 != s2) && bad++ < 10) printf("DIFF f32 contrast case %d c %lld nchw %d\n", t, (long long)c, p.nchw);
  }
  printf("check f32: %d cases, %d differ\n", cases, bad);
  return bad;
}

// The timed batches' draws, per image and the same for every channel: a
// brightness factor in [0.8, 1.2] and delta in [delta_lo, delta_lo +
// delta_span] (B1's or B2's), a contrast factor in [0.8, 1.2] (K1's, K2's);
// k1 and k2 are the contrast calls of the old and new trees, each with its
// own sums and offsets. Points into its own vectors, so not copied.
struct TimedDraws {
  std::vector<float> scale, offset, cscale, coff1, coff2;
  std::vector<double> sums1, sums2;
  ColorParams cp{};
  ContrastParams k1{}, k2{};
  TimedDraws(int64_t n, int64_t h, int64_t w, int64_t c, double delta_lo, double delta_span)
      : scale(n * c), offset(n * c), cscale(n * c), coff1(n * c), coff2(n * c), sums1(n * c), sums2(n * c) {
    for (int64_t i = 0; i < n; ++i) {
      const float f = float(0.8 + 0.4 * uniform()), d = float(delta_lo + delta_span * uniform()), g = float(0.8 + 0.4 * uniform());
      for (int64_t ch = 0; ch < c; ++ch) scale[i * c + ch] = f, offset[i * c + ch] = d, cscale[i * c + ch] = g;
    }
    cp.h = h, cp.w = w, cp.c = c, cp.nchw = false, cp.scale = scale.data(), cp.offset = offset.data();
    k1.color = cp, k1.color.scale = cscale.data(), k1.per_channel = true, k1.sums = sums1.data(), k1.offset = coff1.data(), k1.images = n;
    k2 = k1;
    k2.sums = sums2.data(), k2.offset = coff2.data();
  }
  TimedDraws(const TimedDraws&) = delete;
  TimedDraws& operator=(const TimedDraws&) = delete;
};

// F32=1: K2's and B2's batches (float32), timed as main() times the uint8 ones.
static void time_f32(int rounds, int64_t n, int reps, int64_t shift, const char* only) {
  const int calls = 3;
  const int64_t h = 224, w = 224, c = 3, len = n * h * w * c;
  float* src = reinterpret_cast<float*>(static_cast<uint8_t*>(aligned_alloc(64, size_t(len * 4 + 128))) + 16);
  float* out1 = reinterpret_cast<float*>(static_cast<uint8_t*>(aligned_alloc(64, size_t(len * 4 + 8192))) + 16 + shift);
  float* out2 = reinterpret_cast<float*>(static_cast<uint8_t*>(aligned_alloc(64, size_t(len * 4 + 8192))) + 16 + shift);
  for (int64_t i = 0; i < len; ++i) src[i] = float(uint8_t((i * 7) ^ (i >> 9))) / 255.0f;
  const TimedDraws draws(n, h, w, c, -0.1, 0.2);
  const ColorParams& cp = draws.cp;
  const ContrastParams &k1 = draws.k1, &k2 = draws.k2;
  const std::vector<double>&sums1 = draws.sums1, &sums2 = draws.sums2;
  int differ = 0;
  old_isa::color_affine_f32(src, out1, cp, 0, size_t(n)), new_isa::color_affine_f32(src, out2, cp, 0, size_t(n));
  differ += memcmp(out1, out2, size_t(len) * 4) != 0;
  old_isa::contrast_f32(src, out1, k1, 0, size_t(n)), new_isa::contrast_f32(src, out2, k2, 0, size_t(n));
  differ += memcmp(out1, out2, size_t(len) * 4) != 0 || sums1 != sums2;
  printf("timed f32 batches: %d of 2 ops differ\n", differ);
  if (differ != 0) exit(1);
  auto repeated = [reps](auto f) { return [=] { for (int r = 0; r < reps; ++r) f(); }; };
  std::vector<std::function<double()>> all = {
      [&] { return time_calls(repeated([&] { memcpy(out1, src, size_t(len) * 4); }), calls); },
      [&] { return time_calls(repeated([&] { old_isa::color_affine_f32(src, out1, cp, 0, size_t(n)); }), calls); },
      [&] { return time_calls(repeated([&] { new_isa::color_affine_f32(src, out2, cp, 0, size_t(n)); }), calls); },
      [&] { return time_calls(repeated([&] { old_isa::contrast_f32(src, out1, k1, 0, size_t(n)); }), calls); },
      [&] { return time_calls(repeated([&] { new_isa::contrast_f32(src, out2, k2, 0, size_t(n)); }), calls); },
  };
  std::vector<std::string> names = {"memcpy", "B2 old", "B2 new", "K2 old", "K2 new"};
  report(rounds, all, names, only);
}


int main(int argc, char** argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 21;
  const int64_t n = getenv("IMAGES") ? atoi(getenv("IMAGES")) : 64;
  const int reps = getenv("REPS") ? atoi(getenv("REPS")) : 1;
  const int64_t shift = getenv("OSH") ? atoi(getenv("OSH")) : 0;
  const char* only = getenv("ONLY");
  if (getenv("F32")) {
    if (!getenv("NOCHECK") && check_f32() != 0) return 1;
    time_f32(rounds, n, reps, shift, only);
    return 0;
  }
  if (!getenv("NOCHECK") && check() + check_flip() != 0) return 1;
  const int calls = 3;
  const int64_t h = 224, w = 224, c = 3, len = n * h * w * c;
  uint8_t* src = static_cast<uint8_t*>(aligned_alloc(64, size_t(len + 128))) + 16;
  uint8_t* out1 = static_cast<uint8_t*>(aligned_alloc(64, size_t(len + 8192))) + 16 + shift;
  uint8_t* out2 = static_cast<uint8_t*>(aligned_alloc(64, size_t(len + 8192))) + 16 + shift;
  for (int64_t i = 0; i < len; ++i) src[i] = uint8_t((i * 7) ^ (i >> 9));
  const TimedDraws draws(n, h, w, c, -20, 40);
  const ColorParams& cp = draws.cp;
  const ContrastParams &k1 = draws.k1, &k2 = draws.k2;
  std::vector<uint8_t> horizontal(size_t(n), 1), vertical(size_t(n), 0);
  FlipParams fp{};
  fp.h = h, fp.w = w, fp.c = c, fp.nchw = false, fp.horizontal = horizontal.data(), fp.vertical = vertical.data();
  int differ = 0;
  old_isa::color_affine_u8(src, out1, cp, 0, size_t(n)), new_isa::color_affine_u8(src, out2, cp, 0, size_t(n));
  differ += memcmp(out1, out2, size_t(len)) != 0;
  old_isa::contrast_u8(src, out1, k1, 0, size_t(n)), new_isa::contrast_u8(src, out2, k2, 0, size_t(n));
  differ += memcmp(out1, out2, size_t(len)) != 0;
  old_isa::flip_u8(src, out1, fp, 0, size_t(n)), new_isa::flip_u8(src, out2, fp, 0, size_t(n));
  differ += memcmp(out1, out2, size_t(len)) != 0;
  printf("timed batches: %d of 3 ops differ\n", differ);
  if (differ != 0) return 1;
  auto repeated = [reps](auto f) { return [=] { for (int r = 0; r < reps; ++r) f(); }; };
  std::vector<std::function<double()>> all = {
      [&] { return time_calls(repeated([&] { memcpy(out1, src, size_t(len)); }), calls); },
      [&] { return time_calls(repeated([&] { old_isa::color_affine_u8(src, out1, cp, 0, size_t(n)); }), calls); },
      [&] { return time_calls(repeated([&] { new_isa::color_affine_u8(src, out2, cp, 0, size_t(n)); }), calls); },
      [&] { return time_calls(repeated([&] { old_isa::contrast_u8(src, out1, k1, 0, size_t(n)); }), calls); },
      [&] { return time_calls(repeated([&] { new_isa::contrast_u8(src, out2, k2, 0, size_t(n)); }), calls); },
      [&] { return time_calls(repeated([&] { old_isa::flip_u8(src, out1, fp, 0, size_t(n)); }), calls); },
      [&] { return time_calls(repeated([&] { new_isa::flip_u8(src, out2, fp, 0, size_t(n)); }), calls); },
  };
  std::vector<std::string> names = {"memcpy", "brightness old", "brightness new", "contrast old", "contrast new", "flip old", "flip new"};
  report(rounds, all, names, only);
}
