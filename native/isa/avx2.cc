// The kernels compiled for one target: avx2. Build flags for this file alone
// come from binding.gyp / CMakeLists.txt; everything lives in namespace
// fastaug::avx2 so no inline function is shared with another ISA's copy.
#include <cstddef>
#include <cstdint>
#include <immintrin.h>

#include "../kernels/params.h"
#include "../kernels/philox_constants.h"
#include "../simd/repeat3_index.h"

#define FASTAUG_ISA_NS avx2
namespace fastaug {
namespace FASTAUG_ISA_NS {
#include "../simd/avx2.h"
#include "../kernels/copy.h"
#include "../kernels/random.h"
#include "../kernels/shift.h"
#include "../kernels/noise.h"
#include "../kernels/flip.h"
#include "../kernels/crop.h"
#include "../kernels/color.h"
#include "../kernels/mix.h"
#include "../kernels/affine.h"
#include "../kernels/blur.h"
#include "../kernels/resized_crop.h"
#include "../kernels/gamma.h"
#include "../kernels/erase.h"
}  // namespace FASTAUG_ISA_NS

extern const Kernels kKernels_avx2 = {
    "avx2",
    &avx2::random_uniform,
    &avx2::random_normal,
    &avx2::shift_u8,
    &avx2::shift_f32,
    &avx2::noise_u8,
    &avx2::noise_f32,
    &avx2::gaussian_dropout,
    &avx2::dropout_mask,
    &avx2::flip_u8,
    &avx2::flip_f32,
    &avx2::crop_u8,
    &avx2::crop_f32,
    &avx2::color_affine_u8,
    &avx2::color_affine_f32,
    &avx2::channel_sums_u8,
    &avx2::channel_sums_f32,
    &avx2::affine_u8,
    &avx2::affine_f32,
    &avx2::blur_u8,
    &avx2::blur_f32,
    &avx2::mix_u8,
    &avx2::mix_f32,
    &avx2::resized_crop_u8,
    &avx2::resized_crop_f32,
    &avx2::gamma_u8,
    &avx2::gamma_f32,
    &avx2::erase_u8,
    &avx2::erase_f32,
    &avx2::contrast_u8,
    &avx2::contrast_f32,
};
}  // namespace fastaug
