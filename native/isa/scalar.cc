// The kernels compiled for one target: scalar. Build flags for this file alone
// come from binding.gyp / CMakeLists.txt; everything lives in namespace
// fastaug::scalar so no inline function is shared with another ISA's copy.
#include <cstddef>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>  // blur.h's uint8 <-> float32 lanes on x86-64
#endif

#include "../kernels/params.h"
#include "../kernels/philox_constants.h"

#define FASTAUG_ISA_NS scalar
namespace fastaug {
namespace FASTAUG_ISA_NS {
#include "../simd/scalar.h"
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

extern const Kernels kKernels_scalar = {
    "scalar",
    &scalar::random_uniform,
    &scalar::random_normal,
    &scalar::shift_u8,
    &scalar::shift_f32,
    &scalar::noise_u8,
    &scalar::noise_f32,
    &scalar::gaussian_dropout,
    &scalar::dropout_mask,
    &scalar::flip_u8,
    &scalar::flip_f32,
    &scalar::crop_u8,
    &scalar::crop_f32,
    &scalar::color_affine_u8,
    &scalar::color_affine_f32,
    &scalar::channel_sums_u8,
    &scalar::channel_sums_f32,
    &scalar::affine_u8,
    &scalar::affine_f32,
    &scalar::blur_u8,
    &scalar::blur_f32,
    &scalar::mix_u8,
    &scalar::mix_f32,
    &scalar::resized_crop_u8,
    &scalar::resized_crop_f32,
    &scalar::gamma_u8,
    &scalar::gamma_f32,
    &scalar::erase_u8,
    &scalar::erase_f32,
    &scalar::contrast_u8,
    &scalar::contrast_f32,
};
}  // namespace fastaug
