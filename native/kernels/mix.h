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

inline void blend_run(const float* a, const float* b, float* d, int64_t count, float wa, float wb) {
  for (int64_t k = 0; k < count; ++k) d[k] = a[k] * wa + b[k] * wb;
}

inline void blend_run(const uint8_t* a, const uint8_t* b, uint8_t* d, int64_t count, float wa, float wb) {
  for (int64_t k = 0; k < count; ++k) d[k] = saturate_u8(float(a[k]) * wa + float(b[k]) * wb);
}

template <class T>
inline void copy_run(const T* s, T* d, int64_t count) {
  __builtin_memcpy(d, s, size_t(count) * sizeof(T));
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
