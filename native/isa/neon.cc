// The kernels compiled for AArch64 Advanced SIMD (baseline on AArch64: no
// extra flags). Same lane order, same float32 operations, so the same bytes.
#include <cstddef>
#include <cstdint>
#include <arm_neon.h>

#include "../kernels/params.h"
#include "../kernels/philox_constants.h"

#define FASTAUG_ISA_NS neon
namespace fastaug {
namespace FASTAUG_ISA_NS {
#include "../simd/neon.h"
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

extern const Kernels kKernels_neon = {
    "neon",
    &neon::random_uniform,
    &neon::random_normal,
    &neon::shift_u8,
    &neon::shift_f32,
    &neon::noise_u8,
    &neon::noise_f32,
    &neon::gaussian_dropout,
    &neon::dropout_mask,
    &neon::flip_u8,
    &neon::flip_f32,
    &neon::crop_u8,
    &neon::crop_f32,
    &neon::color_affine_u8,
    &neon::color_affine_f32,
    &neon::channel_sums_u8,
    &neon::channel_sums_f32,
    &neon::affine_u8,
    &neon::affine_f32,
    &neon::blur_u8,
    &neon::blur_f32,
    &neon::mix_u8,
    &neon::mix_f32,
    &neon::resized_crop_u8,
    &neon::resized_crop_f32,
    &neon::gamma_u8,
    &neon::gamma_f32,
    &neon::erase_u8,
    &neon::erase_f32,
    &neon::contrast_u8,
    &neon::contrast_f32,
};
}  // namespace fastaug
