// The kernels compiled for one target: sse4. Build flags for this file alone
// come from binding.gyp / CMakeLists.txt; everything lives in namespace
// fastaug::sse4 so no inline function is shared with another ISA's copy.
#include <cstddef>
#include <cstdint>
#include <smmintrin.h>

#include "../kernels/params.h"
#include "../kernels/philox_constants.h"
#include "../simd/repeat3_index.h"

#define FASTAUG_ISA_NS sse4
namespace fastaug {
namespace FASTAUG_ISA_NS {
#include "../simd/sse4.h"
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

extern const Kernels kKernels_sse4 = {
    "sse4",
    &sse4::random_uniform,
    &sse4::random_normal,
    &sse4::shift_u8,
    &sse4::shift_f32,
    &sse4::noise_u8,
    &sse4::noise_f32,
    &sse4::gaussian_dropout,
    &sse4::dropout_mask,
    &sse4::flip_u8,
    &sse4::flip_f32,
    &sse4::crop_u8,
    &sse4::crop_f32,
    &sse4::color_affine_u8,
    &sse4::color_affine_f32,
    &sse4::channel_sums_u8,
    &sse4::channel_sums_f32,
    &sse4::affine_u8,
    &sse4::affine_f32,
    &sse4::blur_u8,
    &sse4::blur_f32,
    &sse4::mix_u8,
    &sse4::mix_f32,
    &sse4::resized_crop_u8,
    &sse4::resized_crop_f32,
    &sse4::gamma_u8,
    &sse4::gamma_f32,
    &sse4::erase_u8,
    &sse4::erase_f32,
    &sse4::contrast_u8,
    &sse4::contrast_f32,
};
}  // namespace fastaug
