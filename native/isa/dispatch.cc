// Runtime ISA detection. Compiled with baseline flags only: it must run on
// every CPU of the architecture before any wider code is chosen.
#include "dispatch.h"

namespace fastaug {

extern const Kernels kKernels_scalar;
#if defined(__x86_64__) || defined(_M_X64)
extern const Kernels kKernels_sse4;
extern const Kernels kKernels_avx2;
extern const Kernels kKernels_avx512;
#endif
#if defined(__aarch64__)
extern const Kernels kKernels_neon;
#endif

namespace {

std::vector<const Kernels*> detect() {
  std::vector<const Kernels*> list;
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the wider registers.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
    list.push_back(&kKernels_avx512);
  }
  if (__builtin_cpu_supports("avx2")) list.push_back(&kKernels_avx2);
  if (__builtin_cpu_supports("sse4.1")) list.push_back(&kKernels_sse4);
#endif
#if defined(__aarch64__)
  list.push_back(&kKernels_neon);  // Advanced SIMD is mandatory on AArch64
#endif
  list.push_back(&kKernels_scalar);
  return list;
}

}  // namespace

const std::vector<const Kernels*>& supported_kernels() {
  static const std::vector<const Kernels*> list = detect();
  return list;
}

}  // namespace fastaug
