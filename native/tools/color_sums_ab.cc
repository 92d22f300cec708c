// A/B harness for contrast's uint8 channel sums alone (channel_sums_u8 in
// native/kernels/color.h), no Node: the sums of two source trees compiled
// into one process under two namespaces (ab_harness.h), their sums compared,
// then timed in turn with a glibc memcpy of the same bytes (CPU time,
// `alternate`'s rounds, medians, and the median of the per-round ratios).
// color_ab's ONLY=3 times the whole op (sums, fit, map); this splits out
// the sums pass. Not part of the addon.
// Timing: K1's images, 64 × 224×224×3 uint8 NHWC (random bytes), the
// buffer OFF bytes past a 64-byte boundary (default 16, as Node's).
// IMAGES=n (default 64), REPS=n (each call repeated, default 1): IMAGES=2
// REPS=32 sums two images kept in L2.
// Build with the flags of binding.gyp's ISA library, e.g. AVX2 (one line):
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx2 -mno-fma -fschedule-insns
//     -fsched-pressure -Wno-uninitialized -Wno-maybe-uninitialized -I.
//     -DOLD_ROOT=/work/main -DNEW_ROOT=$PWD -DISA=avx2
//     -o /tmp/color_sums_ab native/tools/color_sums_ab.cc
//   IMAGES=2 REPS=32 /tmp/color_sums_ab 101     # 101 rounds
#include "ab_harness.h"
namespace fastaug {
namespace old_isa {
#include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
#include AB_TREE_FILE(OLD_COPY_ROOT, kernels/copy.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/byte_table.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/color.h)
}  // namespace old_isa
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, simd/ISA.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/byte_table.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/color.h)
}  // namespace new_isa
}  // namespace fastaug
using namespace fastaug;

static int env_int(const char* name, int fallback) {
  const char* value = getenv(name);
  return value != nullptr ? atoi(value) : fallback;
}

// CPU time of `reps` calls of f, in seconds.
template <class F>
static double time_reps(F f, int reps) {
  const double t0 = cpu_now();
  for (int r = 0; r < reps; ++r) f();
  return cpu_now() - t0;
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 101;
  const int images = env_int("IMAGES", 64), reps = env_int("REPS", 1), offset = env_int("OFF", 16);
  const int64_t image = 224 * 224 * 3, bytes = image * images;
  std::vector<uint8_t> raw(size_t(bytes) + 128), copy(static_cast<size_t>(bytes));
  uint8_t* src = raw.data() + (64 - (uintptr_t(raw.data()) & 63)) + offset;
  uint64_t state = 1;
  for (int64_t k = 0; k < bytes; ++k) src[k] = uint8_t(ab_uniform(state) * 256);
  const ColorParams p{224, 224, 3, false, nullptr, nullptr, false, 0.0f, 0.0f};
  std::vector<double> old_sums(size_t(images) * 3), new_sums(size_t(images) * 3);
  const auto times = alternate(rounds, {
      [&] { return time_reps([&] { memcpy(copy.data(), src, size_t(bytes)); }, reps); },
      [&] { return time_reps([&] { old_isa::channel_sums_u8(src, p, 0, size_t(images), old_sums.data()); }, reps); },
      [&] { return time_reps([&] { new_isa::channel_sums_u8(src, p, 0, size_t(images), new_sums.data()); }, reps); },
  });
  printf("sums: %s\n", old_sums == new_sums ? "old and new agree" : "old and new DIFFER");
  const double per_image = 1e6 / images / reps;
  std::vector<double> old_x, new_x, new_old;
  for (int r = 0; r < rounds; ++r) {
    old_x.push_back(times[1][size_t(r)] / times[0][size_t(r)]);
    new_x.push_back(times[2][size_t(r)] / times[0][size_t(r)]);
    new_old.push_back(times[2][size_t(r)] / times[1][size_t(r)]);
  }
  printf("per image: memcpy %.2f us, sums old %.2f us (x memcpy %.2f), new %.2f us (x memcpy %.2f)\n", median(times[0]) * per_image,
         median(times[1]) * per_image, median(old_x), median(times[2]) * per_image, median(new_x));
  printf("sums new/old per round %.3f\n", median(new_old));
  return old_sums == new_sums ? 0 : 1;
}
