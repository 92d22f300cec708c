// A/B harness for gaussian noise against the generator alone (issue 20's
// ratios), no Node: native/kernels/random.h and noise.h of two source trees
// compiled into one process under two namespaces (ab_harness.h), their
// bytes compared, then the bench cases timed in turn (CPU time, medians):
//   G3  randomNormal of 64×224×224×3 values into a 1 MiB buffer, 2^18 per call
//   G1  the same for 64×224×224 (one per pixel)
//   W3  gaussian float32 64×224×224×3 NHWC per channel, std 0.1
//   W4  the same on uint8, std 10
//   P1  W3 with one draw per pixel; L1  W3 in NCHW; Q1  P1 in NCHW
//   S0  randomNormal of 1024×28×28 values into its own array; S1  gaussian uint8 1024×28×28×1, std 10
//   S2  gaussian float32 1024×28×28×1, std 0.1
//   S1one, S2one  S1, S2 as one image of the same length (28·1024 × 28): the
//       per-image share of S1 and S2 is their time over these
// Each line also gives the median and quartiles of the per-round new / old.
// Not part of the addon. Build with the flags of binding.gyp's ISA library,
// e.g. AVX-512 with the main repo as OLD (one line):
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx512f -mavx512bw -mavx512vl
//     -mavx512dq -mno-fma -fschedule-insns -fsched-pressure -Wno-uninitialized
//     -Wno-maybe-uninitialized -I. -DOLD_ROOT=/work/main -DNEW_ROOT=$PWD
//     -DISA=avx512 -o /tmp/noise_ab native/tools/noise_ab.cc
//   /tmp/noise_ab 11 [CASE ...]     # 11 rounds
// (AVX2: -mavx2 -mno-fma -DISA=avx2.)
// With -DOBJ_KERNELS=kKernels_<isa>, "old" is one ISA file as the addon's
// build compiled it (its Kernels table; add the object to the command line,
// no OLD_ROOT) against the headers of NEW_ROOT compiled alone with that
// ISA's flags: it shows whether the ISA file as a whole compiles the noise
// kernels worse than the headers alone (GCC's inlining limits,
// binding.gyp). E.g. SSE4.1:
//   g++ -std=gnu++17 -O3 -ffp-contract=off -msse4.1 -fschedule-insns
//     -fsched-pressure -I. -DNEW_ROOT=$PWD -DISA=sse4
//     -DOBJ_KERNELS=kKernels_sse4 -o /tmp/noise_ab_obj native/tools/noise_ab.cc
//     build/Release/obj.target/fastaug_sse4/native/isa/sse4.o
//   /tmp/noise_ab_obj 7 G3 W3 W4 L1 S1
// With -DNEW_OBJ_KERNELS=<name> too, "new" is a second ISA object (no
// NEW_ROOT): two addon builds' objects against each other, e.g. main's
// avx512.o against this tree's, both compiled as binding.gyp does. They
// define the same symbols (COMDAT groups too, which the linker would merge),
// so prefix every symbol of each, then name the table and the libc calls
// back (the libc list is `nm -u` of the object), e.g. for "old":
//   objcopy --prefix-symbols=old_ avx512.o /tmp/p.o
//   objcopy --redefine-sym old__ZN7fastaug15kKernels_avx512E=_ZN7fastaug12kKernels_oldE
//     --redefine-sym old_memcpy=memcpy (… memmove, memset, lrint, llrint) /tmp/p.o old.o
//   (the same with new_), then
//   g++ … -DISA=avx512 -DOBJ_KERNELS=kKernels_old -DNEW_OBJ_KERNELS=kKernels_new
//     -o /tmp/noise_ab_objs native/tools/noise_ab.cc old.o new.o
#include "ab_harness.h"
namespace fastaug {
#ifdef OBJ_KERNELS
extern const Kernels OBJ_KERNELS;
#else
namespace old_isa {
#include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
#include AB_TREE_FILE(OLD_COPY_ROOT, kernels/copy.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/random.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/noise.h)
}  // namespace old_isa
#endif
#ifdef NEW_OBJ_KERNELS
extern const Kernels NEW_OBJ_KERNELS;
#else
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, simd/ISA.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/random.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/noise.h)
}  // namespace new_isa
#endif
}  // namespace fastaug
using namespace fastaug;

struct Tree {
  void (*normal)(float*, size_t, const StreamParams&, const AffineParams&);
  void (*noise_u8)(const uint8_t*, uint8_t*, const NoiseParams&, uint64_t, uint64_t);
  void (*noise_f32)(const float*, float*, const NoiseParams&, uint64_t, uint64_t);
};
#ifdef OBJ_KERNELS
static const Tree kOld{OBJ_KERNELS.random_normal, OBJ_KERNELS.noise_u8, OBJ_KERNELS.noise_f32};
#else
static const Tree kOld{&old_isa::random_normal, &old_isa::noise_u8, &old_isa::noise_f32};
#endif
#ifdef NEW_OBJ_KERNELS
static const Tree kNew{NEW_OBJ_KERNELS.random_normal, NEW_OBJ_KERNELS.noise_u8, NEW_OBJ_KERNELS.noise_f32};
#else
static const Tree kNew{&new_isa::random_normal, &new_isa::noise_u8, &new_isa::noise_f32};
#endif

static const int64_t kImages = 64, kSmall = 1024;
static std::vector<float> offsets(kSmall, 0.0f), stds_f(kSmall, 0.1f), stds_u(kSmall, 10.0f);

static NoiseParams params(int64_t h, int64_t w, int64_t c, bool nchw, bool per_channel, bool u8) {
  NoiseParams p{};
  p.h = h, p.w = w, p.c = c, p.nchw = nchw, p.per_channel = per_channel, p.kind = 0;
  p.key0 = 0x1234567u, p.key1 = 0x89ABCDEu, p.epoch = 0, p.stream = 3, p.first_sample = 0;
  p.offset = offsets.data(), p.scale = u8 ? stds_u.data() : stds_f.data();
  p.out_elements = (h == 28 ? kSmall : kImages) * h * w * c;  // the whole output, as the addon passes it
  return p;
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 11;
  std::vector<std::string> only(argv + (argc > 1 ? 2 : 1), argv + argc);
  const int64_t size = kImages * 224 * 224 * 3, small = kSmall * 28 * 28;
  // the image buffers at MISALIGN bytes past a multiple of 64 (default 16:
  // what glibc's malloc, and so a large Node ArrayBuffer, gives); the
  // destinations at DST_MISALIGN if set (a Node process's two buffers need
  // not share theirs)
  const char* misalign_env = getenv("MISALIGN");
  const char* dst_misalign_env = getenv("DST_MISALIGN");
  const size_t misalign = misalign_env ? size_t(atoi(misalign_env)) : 16;
  const size_t dst_misalign = dst_misalign_env ? size_t(atoi(dst_misalign_env)) : misalign;
  const auto buffer = [](size_t bytes, size_t at) {
    char* p = static_cast<char*>(aligned_alloc(64, bytes + 64));
    return p + at;
  };
  struct F32Buf {
    float* p;
    float& operator[](int64_t i) { return p[i]; }
    float* data() { return p; }
  };
  struct U8Buf {
    uint8_t* p;
    uint8_t& operator[](int64_t i) { return p[i]; }
    uint8_t* data() { return p; }
  };
  F32Buf f32{reinterpret_cast<float*>(buffer(size * 4, misalign))}, f32_out{reinterpret_cast<float*>(buffer(size * 4, dst_misalign))};
  U8Buf u8{reinterpret_cast<uint8_t*>(buffer(size, misalign))}, u8_out{reinterpret_cast<uint8_t*>(buffer(size, dst_misalign))};
  std::vector<float> cache(1 << 18), normals(small);
  std::vector<uint8_t> small_u8(small), small_out(small);
  std::vector<float> small_f32(small), small_f32_out(small);
  for (int64_t i = 0; i < size; ++i) u8[i] = uint8_t(i * 7), f32[i] = float((i * 7) & 255) / 255.0f;
  for (int64_t i = 0; i < small; ++i) small_u8[i] = uint8_t(i * 7), small_f32[i] = float((i * 7) & 255) / 255.0f;
  const NoiseParams w3 = params(224, 224, 3, false, true, false), w4 = params(224, 224, 3, false, true, true);
  const NoiseParams p1 = params(224, 224, 3, false, false, false), l1 = params(224, 224, 3, true, true, false);
  const NoiseParams q1 = params(224, 224, 3, true, false, false), s1 = params(28, 28, 1, false, true, true);
  const NoiseParams s2 = params(28, 28, 1, false, true, false);
  NoiseParams s1one = params(28 * kSmall, 28, 1, false, true, true), s2one = params(28 * kSmall, 28, 1, false, true, false);
  s1one.out_elements = s2one.out_elements = small;
  const auto cached = [&](const Tree& t, int64_t count) {
    for (int64_t index = 0; index < count; index += int64_t(cache.size())) {
      const int64_t take = std::min<int64_t>(int64_t(cache.size()), count - index);
      t.normal(cache.data(), size_t(take), StreamParams{1u, 2u, uint64_t(index), 0u, 5u, 0u}, AffineParams{0.0f, 1.0f});
    }
  };
  struct Case {
    std::string id;
    std::function<void(const Tree&)> run;
    std::function<uint64_t()> hash;  // of the last run's output
  };
  const std::vector<Case> cases = {
      {"G3", [&](const Tree& t) { cached(t, size); }, [&] { return fnv(cache.data(), cache.size() * 4); }},
      {"G1", [&](const Tree& t) { cached(t, size / 3); }, [&] { return fnv(cache.data(), cache.size() * 4); }},
      {"W3", [&](const Tree& t) { t.noise_f32(f32.data(), f32_out.data(), w3, 0, uint64_t(size)); }, [&] { return fnv(f32_out.data(), size * 4); }},
      {"W4", [&](const Tree& t) { t.noise_u8(u8.data(), u8_out.data(), w4, 0, uint64_t(size)); }, [&] { return fnv(u8_out.data(), size); }},
      {"P1", [&](const Tree& t) { t.noise_f32(f32.data(), f32_out.data(), p1, 0, uint64_t(size / 3)); }, [&] { return fnv(f32_out.data(), size * 4); }},
      {"L1", [&](const Tree& t) { t.noise_f32(f32.data(), f32_out.data(), l1, 0, uint64_t(size)); }, [&] { return fnv(f32_out.data(), size * 4); }},
      {"Q1", [&](const Tree& t) { t.noise_f32(f32.data(), f32_out.data(), q1, 0, uint64_t(size / 3)); }, [&] { return fnv(f32_out.data(), size * 4); }},
      {"S0", [&](const Tree& t) { t.normal(normals.data(), size_t(small), StreamParams{1u, 2u, 0, 0u, 5u, 0u}, AffineParams{0.0f, 1.0f}); },
       [&] { return fnv(normals.data(), small * 4); }},
      {"S1", [&](const Tree& t) { t.noise_u8(small_u8.data(), small_out.data(), s1, 0, uint64_t(small)); }, [&] { return fnv(small_out.data(), small); }},
      {"S2", [&](const Tree& t) { t.noise_f32(small_f32.data(), small_f32_out.data(), s2, 0, uint64_t(small)); },
       [&] { return fnv(small_f32_out.data(), small * 4); }},
      {"S1one", [&](const Tree& t) { t.noise_u8(small_u8.data(), small_out.data(), s1one, 0, uint64_t(small)); }, [&] { return fnv(small_out.data(), small); }},
      {"S2one", [&](const Tree& t) { t.noise_f32(small_f32.data(), small_f32_out.data(), s2one, 0, uint64_t(small)); },
       [&] { return fnv(small_f32_out.data(), small * 4); }},
  };
  std::vector<std::function<double()>> measures;
  std::vector<std::string> labels;
  for (const Case& c : cases) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.id) == only.end()) continue;
    c.run(kOld);
    const uint64_t h_old = c.hash();
    c.run(kNew);
    const uint64_t h_new = c.hash();
    if (h_old != h_new) {
      printf("%s: the trees' outputs differ\n", c.id.c_str());
      return 1;
    }
    const int repeats = c.id[0] == 'S' ? 10 : 1;
    for (const Tree* t : {&kOld, &kNew}) {
      measures.push_back([&c, t, repeats] {
        const double t0 = cpu_now();
        for (int r = 0; r < repeats; ++r) c.run(*t);
        return (cpu_now() - t0) / repeats * 1e3;
      });
      labels.push_back(c.id);
    }
  }
  const auto times = alternate(rounds, measures);
  std::vector<double> old_ms, new_ms;
  for (size_t k = 0; k < times.size(); k += 2) {
    const double o = median(times[k]), n = median(times[k + 1]);
    old_ms.push_back(o), new_ms.push_back(n);
    std::vector<double> ratios;
    for (size_t r = 0; r < times[k].size(); ++r) ratios.push_back(times[k + 1][r] / times[k][r]);
    std::sort(ratios.begin(), ratios.end());
    printf("%s old %7.3f ms (min %7.3f)  new %7.3f ms (min %7.3f)  new/old %.3f, per round %.3f [%.3f-%.3f]\n", labels[k].c_str(), o, minimum(times[k]), n,
           minimum(times[k + 1]), n / o, median(ratios), ratios[ratios.size() / 4], ratios[ratios.size() * 3 / 4]);
  }
  // the ratios, where both cases ran
  const auto at = [&](const char* id, const std::vector<double>& ms) {
    for (size_t k = 0; k < labels.size(); k += 2)
      if (labels[k] == id) return ms[k / 2];
    return -1.0;
  };
  const char* pairs[][2] = {{"W3", "G3"}, {"W4", "G3"}, {"L1", "G3"}, {"P1", "G3"}, {"P1", "G1"}, {"Q1", "G1"}, {"S1", "S0"}, {"S2", "S0"}, {"S1one", "S0"}, {"S2one", "S0"}, {"S1", "S1one"}, {"S2", "S2one"}};
  for (const auto& pr : pairs) {
    const double ao = at(pr[0], old_ms), bo = at(pr[1], old_ms), an = at(pr[0], new_ms), bn = at(pr[1], new_ms);
    if (ao > 0 && bo > 0) printf("%s/%s old %.3f new %.3f\n", pr[0], pr[1], ao / bo, an / bn);
  }
  const double g3o = at("G3", old_ms), g3n = at("G3", new_ms);
  if (g3o > 0) printf("G3 old %.3f G/s, new %.3f G/s\n", size / g3o * 1e-6, size / g3n * 1e-6);
}
