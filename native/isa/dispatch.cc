// Runtime ISA detection. Compiled with baseline flags only: it must run on
// every CPU of the architecture before any wider code is chosen.
#include "dispatch.h"

#include <cstdlib>
#include <cstring>

namespace fastaug {

extern const Kernels kKernels_scalar;
#if defined(__x86_64__) || defined(_M_X64)
extern const Kernels kKernels_sse4;
extern const Kernels kKernels_avx2;
extern const Kernels kKernels_avx512;
Kernels with_vbmi(const Kernels& avx512);  // avx512vbmi.cc
#endif
#if defined(__aarch64__)
extern const Kernels kKernels_neon;
#endif

namespace {

#if defined(__x86_64__) || defined(_M_X64)
// The avx512 table, with the VBMI byte-table kernels (avx512vbmi.cc) where
// the CPU has VBMI, unless FASTAUG_VBMI=0 (to time or test the plain avx512
// kernels on such a CPU: both give the same bytes).
const Kernels* avx512_kernels() {
  const char* env = std::getenv("FASTAUG_VBMI");
  const bool off = env != nullptr && std::strcmp(env, "0") == 0;
  if (off || !__builtin_cpu_supports("avx512vbmi")) return &kKernels_avx512;
  static const Kernels vbmi = with_vbmi(kKernels_avx512);
  return &vbmi;
}
#endif

std::vector<const Kernels*> detect() {
  std::vector<const Kernels*> list;
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the wider registers.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
    list.push_back(avx512_kernels());
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
