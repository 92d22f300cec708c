// The kernels compiled for AArch64 Advanced SIMD. The portable wrapper of
// simd/scalar.h is written as fixed 4-lane loops, which GCC and Clang turn
// into NEON at -O3 on AArch64 (NEON is baseline there, no flags needed).
// Same lane order, same float32 operations, so the same bytes.
#include <cstddef>
#include <cstdint>

#include "../kernels/params.h"
#include "../kernels/philox_constants.h"

#define FASTAUG_ISA_NS neon
namespace fastaug {
namespace FASTAUG_ISA_NS {
#include "../simd/scalar.h"
#include "../kernels/random.h"
}  // namespace FASTAUG_ISA_NS

extern const Kernels kKernels_neon = {
    "neon",
    &neon::random_uniform,
    &neon::random_normal,
};
}  // namespace fastaug
