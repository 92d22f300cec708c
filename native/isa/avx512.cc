// The kernels compiled for one target: avx512. Build flags for this file alone
// come from binding.gyp / CMakeLists.txt; everything lives in namespace
// fastaug::avx512 so no inline function is shared with another ISA's copy.
#include <cstddef>
#include <cstdint>
#include <immintrin.h>

#include "../kernels/params.h"
#include "../kernels/philox_constants.h"
#include "../simd/repeat3_index.h"

#define FASTAUG_ISA_NS avx512
namespace fastaug {
namespace FASTAUG_ISA_NS {
#include "../simd/avx512.h"
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

extern const Kernels kKernels_avx512 = {
    "avx512",
    &avx512::random_uniform,
    &avx512::random_normal,
    &avx512::shift_u8,
    &avx512::shift_f32,
    &avx512::noise_u8,
    &avx512::noise_f32,
    &avx512::gaussian_dropout,
    &avx512::dropout_mask,
    &avx512::flip_u8,
    &avx512::flip_f32,
    &avx512::crop_u8,
    &avx512::crop_f32,
    &avx512::color_affine_u8,
    &avx512::color_affine_f32,
    &avx512::channel_sums_u8,
    &avx512::channel_sums_f32,
    &avx512::affine_u8,
    &avx512::affine_f32,
    &avx512::blur_u8,
    &avx512::blur_f32,
    &avx512::mix_u8,
    &avx512::mix_f32,
    &avx512::resized_crop_u8,
    &avx512::resized_crop_f32,
    &avx512::gamma_u8,
    &avx512::gamma_f32,
    &avx512::erase_u8,
    &avx512::erase_f32,
    &avx512::contrast_u8,
    &avx512::contrast_f32,
};
}  // namespace fastaug
