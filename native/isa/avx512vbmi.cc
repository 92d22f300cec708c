// The kernels that use AVX-512 VBMI's byte permutes: uint8 table maps
// (colour maps, contrast, gamma: native/kernels/byte_table.h) and mirrored
// rows (flip.h, out of place). Not a tier of its own: dispatch.cc takes
// the avx512 table and swaps these entries in when the CPU has VBMI (and
// FASTAUG_VBMI is not 0). Built with the avx512 file's flags plus
// -mavx512vbmi (binding.gyp, CMakeLists.txt); everything lives in namespace
// fastaug::avx512vbmi so no inline function is shared with another file's
// copy.
#include <cstddef>
#include <cstdint>
#include <immintrin.h>

#include "../kernels/params.h"
#include "../kernels/philox_constants.h"
#include "../simd/repeat3_index.h"

#define FASTAUG_ISA_NS avx512vbmi
namespace fastaug {
namespace FASTAUG_ISA_NS {
#include "../simd/avx512.h"
#include "../kernels/copy.h"
#include "../kernels/byte_table.h"
#include "../kernels/flip.h"
#include "../kernels/color.h"
#include "../kernels/gamma.h"
}  // namespace FASTAUG_ISA_NS

// The avx512 kernels with the VBMI ones in place of theirs.
Kernels with_vbmi(const Kernels& avx512) {
  Kernels k = avx512;
  k.flip_u8 = &avx512vbmi::flip_u8;
  k.flip_f32 = &avx512vbmi::flip_f32;
  k.color_affine_u8 = &avx512vbmi::color_affine_u8;
  k.contrast_u8 = &avx512vbmi::contrast_u8;
  k.gamma_u8 = &avx512vbmi::gamma_u8;
  return k;
}
}  // namespace fastaug
