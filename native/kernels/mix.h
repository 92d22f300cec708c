// MixUp and CutMix pixels (issue 19), bit-identical to src/backends/js/mix.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS (no include
// guard, no standard headers), built with -ffp-contract=off (and -mno-fma).
//
// Image i of dst is built from image i of src (a) and image partner[i] of src
// (b): mixup (paste false): every element y = float32(float32(a · wa[i]) +
// float32(b · wb[i])), uint8 then saturate(roundHalfEven(y)); cutmix (paste
// true): a copied, then rows [top, top + height) × columns [left, left +
// width) of b pasted over it. Partners are read from src, so dst must not
// overlap src (the facade refuses in place).

namespace mix_detail {

inline uint8_t saturate_u8(float y) {
  const float r = __builtin_rintf(y);
  return r >= 255.0f ? uint8_t(255) : (r >= 0.0f ? uint8_t(r) : uint8_t(0));
}

// AVX-512 builds blend float32 in 256-bit vectors: GCC vectorized the loop
// at 512 bits, and on Node's buffers (16 mod 64 bytes) every 64-byte load
// and store crossed a cache line; U1 (mixup float32, 64x224x224x3) took
// 1.10x the AVX2 build's CPU time, alternated in one process (round 6; the
// float32 bilinear shift's blend8 is the same case). The same products and
// sum in the same order: the same bytes.
inline void blend_run(const float* a, const float* b, float* d, int64_t count, float wa, float wb) {
  int64_t k = 0;
#if defined(__AVX512F__)
  const __m256 va = _mm256_set1_ps(wa), vb = _mm256_set1_ps(wb);
  for (; k + 8 <= count; k += 8) _mm256_storeu_ps(d + k, _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(a + k), va), _mm256_mul_ps(_mm256_loadu_ps(b + k), vb)));
#endif
  for (; k < count; ++k) d[k] = a[k] * wa + b[k] * wb;
}

inline void blend_elements_u8(const uint8_t* a, const uint8_t* b, uint8_t* d, int64_t count, float wa, float wb) {
  for (int64_t k = 0; k < count; ++k) d[k] = saturate_u8(float(a[k]) * wa + float(b[k]) * wb);
}

#if defined(__SSE4_1__)
// --- uint8 mixup in vectors, without widening shuffles or packs ---
//
// The element loop above costs about 60 cycles per 32 bytes on Zen 3 (the
// rint and the clamps). Here 4 · kLanes bytes are loaded as kLanes 32-bit
// lanes and taken apart and put back with masks and shifts, which any of
// Zen 3's four vector pipes runs:
//
// - In: byte j of every lane is picked by a mask, x & (0xFF << 8j) (byte
//   3: x >> 24), and converted: v · 2^(8j), exact (< 2^24). Times W_j = w ·
//   2^-8j (an exact power-of-two scaling of w for w ≥ 2^-100) that is the
//   real v · w rounded once, the rule's float32(v · w), bit for bit.
// - The two products are added as the rule adds them. Adding 2^23 then
//   rounds y to an integer, half to even (the float spacing in [2^23, 2^24)
//   is 1, and ties go to the even last mantissa bit, y's parity): the sum's
//   bits are 0x4B000000 + rint(y) for 0 ≤ y ≤ 255.5.
// - Out: lane j shifted left by 8j drops 0x4B000000 (bits 24 and up) for j
//   ≥ 1; lane 0 is masked; the OR of the four is the bytes in order.
//
// So the rule needs no clamp where each weight is 0 or at least 2^-100 and
// rint(y) stays ≤ 255 at a = b = 255 (hence everywhere: y grows with a and
// b), which holds for mixup's λ, 1 − λ unless one is in (0, 2^-100) (for
// Beta(0.2, 0.2) about once in 10^6 draws); other weights take the element
// loop. Checked against the element loop for all
// 65 536 (a, b) pairs of 25 000 weight pairs (random λ, edge values, some
// outside the vector form), AVX2 and SSE4.1. (A form without the
// conversions, reading the masked lanes as subnormal floats times w ·
// 2^(127 − 8j), was no faster on Zen 3 and would depend on MXCSR's DAZ.)
using MixLanes = Simd;

struct BlendWeightsU8 {
  MixLanes::F32 wa[3], wb[3];  // the weight scaled by 1, 2^-8, 2^-16 (bytes 0 and 3, 1, 2)
};

inline bool blend_vectors_exact(float wa, float wb) {
  constexpr float kMinWeight = 0x1p-100f;
  const auto fits = [](float w) { return w == 0.0f || w >= kMinWeight; };
  if (!fits(wa) || !fits(wb)) return false;
  const float top = 255.0f * wa;
  return __builtin_rintf(top + 255.0f * wb) <= 255.0f;
}

inline BlendWeightsU8 blend_weights_u8(float wa, float wb) {
  BlendWeightsU8 w;
  const float scale[3] = {1.0f, 0x1p-8f, 0x1p-16f};
  for (int j = 0; j < 3; ++j) {
    w.wa[j] = MixLanes::setf(wa * scale[j]);
    w.wb[j] = MixLanes::setf(wb * scale[j]);
  }
  return w;
}

// d[0 … 4 · kLanes − 1] from a[…] and b[…], by the rule above.
inline void blend_step_u8(const uint8_t* a, const uint8_t* b, uint8_t* d, const BlendWeightsU8& w) {
  using L = MixLanes;
  const L::U32 xa = L::as_int(L::loadf(reinterpret_cast<const float*>(a)));
  const L::U32 xb = L::as_int(L::loadf(reinterpret_cast<const float*>(b)));
  const L::U32 byte[3] = {L::set32(0xFFu), L::set32(0xFF00u), L::set32(0xFF0000u)};
  const L::F32 round = L::setf(0x1p23f);
  L::U32 z[4];
  for (int j = 0; j < 4; ++j) {
    const L::F32 va = L::cvt_i32(j < 3 ? L::band(xa, byte[j]) : L::srli<24>(xa));
    const L::F32 vb = L::cvt_i32(j < 3 ? L::band(xb, byte[j]) : L::srli<24>(xb));
    const L::F32 y = L::add(L::mul(va, w.wa[j % 3]), L::mul(vb, w.wb[j % 3]));
    z[j] = L::as_int(L::add(y, round));
  }
  const L::U32 low = L::bor(L::band(z[0], byte[0]), L::slli<8>(z[1]));
  const L::U32 high = L::bor(L::slli<16>(z[2]), L::slli<24>(z[3]));
  L::storef(reinterpret_cast<float*>(d), L::as_float(L::bor(low, high)));
}

constexpr int64_t kBlendStep = 4 * MixLanes::kLanes;

// Elements one at a time up to a kBlendStep boundary of d (a store across
// two cache lines costs more than the step, see color.h), then steps.
inline void blend_run(const uint8_t* a, const uint8_t* b, uint8_t* d, int64_t count, float wa, float wb) {
  if (!blend_vectors_exact(wa, wb)) return blend_elements_u8(a, b, d, count, wa, wb);
  const BlendWeightsU8 w = blend_weights_u8(wa, wb);
  int64_t head = int64_t(-reinterpret_cast<uintptr_t>(d) & uintptr_t(kBlendStep - 1));
  head = head < count ? head : count;
  blend_elements_u8(a, b, d, head, wa, wb);
  int64_t k = head;
  for (; k + kBlendStep <= count; k += kBlendStep) blend_step_u8(a + k, b + k, d + k, w);
  blend_elements_u8(a + k, b + k, d + k, count - k, wa, wb);
}
#else
inline void blend_run(const uint8_t* a, const uint8_t* b, uint8_t* d, int64_t count, float wa, float wb) {
  blend_elements_u8(a, b, d, count, wa, wb);
}
#endif

// copy_span (copy.h): an image through memcpy (glibc's `rep movsb`) took up
// to 5x a memcpy of the same bytes at some output offsets (Zen 4, round 4).
template <class T>
inline void copy_run(const T* s, T* d, int64_t count) {
  copy_span(d, s, size_t(count) * sizeof(T));
}

template <class T>
void mix_images(const T* src, T* dst, const MixParams& p, size_t first, size_t count) {
  const int64_t plane = p.h * p.w;
  const int64_t image = plane * p.c;
  for (size_t i = first; i < first + count; ++i) {
    const T* a = src + int64_t(i) * image;
    const T* b = src + int64_t(p.partner[i]) * image;
    T* d = dst + int64_t(i) * image;
    if (!p.paste) {
      blend_run(a, b, d, image, p.wa[i], p.wb[i]);
      continue;
    }
    copy_run(a, d, image);
    const int64_t top = p.top[i], left = p.left[i], bh = p.height[i], bw = p.width[i];
    if (bh <= 0 || bw <= 0) continue;
    if (p.nchw) {
      for (int64_t ch = 0; ch < p.c; ++ch) {
        for (int64_t y = top; y < top + bh; ++y) {
          const int64_t at = ch * plane + y * p.w + left;
          copy_run(b + at, d + at, bw);
        }
      }
    } else {
      for (int64_t y = top; y < top + bh; ++y) {
        const int64_t at = (y * p.w + left) * p.c;
        copy_run(b + at, d + at, bw * p.c);
      }
    }
  }
}

}  // namespace mix_detail

inline void mix_u8(const uint8_t* src, uint8_t* dst, const MixParams& p, size_t first, size_t count) {
  mix_detail::mix_images<uint8_t>(src, dst, p, first, count);
}

inline void mix_f32(const float* src, float* dst, const MixParams& p, size_t first, size_t count) {
  mix_detail::mix_images<float>(src, dst, p, first, count);
}
