// Per-image flips (issue 19), bit-identical to src/backends/js/flip.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS (no include
// guard, no standard headers): pure data movement, one generic template the
// compiler vectorizes for the including file's target. float32 data moves
// as uint32 bits, so every NaN payload survives.
//
// Rows are handled in mirrored pairs (y, h − 1 − y) and, with a horizontal
// flip, columns in mirrored pairs (x, w − 1 − x): each step reads all the
// elements it writes before writing any, so dst may be src (in place).

namespace flip_detail {

// Output rows ya and yb of one plane from source rows ya and yb: output row
// yb takes source row ya (mirrored when `mirror`), output row ya takes
// source row yb. ya == yb is a single row. C is the channel count when it
// is known at compile time (1, 3, 4), else 0 and `c` is used.
template <class T, int C>
inline void flip_row_pair(const T* src, T* dst, int64_t ya, int64_t yb, int64_t w, int64_t c_runtime, bool mirror) {
  const int64_t c = C > 0 ? C : c_runtime;
  const int64_t row = w * c;
  const T* a = src + ya * row;
  const T* b = src + yb * row;
  T* out_a = dst + ya * row;  // takes source row yb
  T* out_b = dst + yb * row;  // takes source row ya
  if (!mirror) {
    if (src != dst) {
      __builtin_memcpy(out_b, a, size_t(row) * sizeof(T));
      if (ya != yb) __builtin_memcpy(out_a, b, size_t(row) * sizeof(T));
    } else if (ya != yb) {
      for (int64_t i = 0; i < row; ++i) {
        const T va = a[i], vb = b[i];
        out_b[i] = va;
        out_a[i] = vb;
      }
    }
    return;
  }
  const int64_t half = (w + 1) / 2;
  if (ya == yb) {
    for (int64_t x = 0; x < half; ++x) {
      const int64_t xa = x * c, xb = (w - 1 - x) * c;
      for (int64_t ch = 0; ch < c; ++ch) {
        const T v0 = a[xa + ch], v1 = a[xb + ch];
        out_a[xb + ch] = v0;
        out_a[xa + ch] = v1;
      }
    }
    return;
  }
  for (int64_t x = 0; x < half; ++x) {
    const int64_t xa = x * c, xb = (w - 1 - x) * c;
    for (int64_t ch = 0; ch < c; ++ch) {
      const T a0 = a[xa + ch], a1 = a[xb + ch], b0 = b[xa + ch], b1 = b[xb + ch];
      out_b[xb + ch] = a0;
      out_b[xa + ch] = a1;
      out_a[xb + ch] = b0;
      out_a[xa + ch] = b1;
    }
  }
}

template <class T, int C>
void flip_plane(const T* src, T* dst, int64_t h, int64_t w, int64_t c, bool horizontal, bool vertical) {
  const int64_t rows = vertical ? (h + 1) / 2 : h;
  for (int64_t y = 0; y < rows; ++y) flip_row_pair<T, C>(src, dst, y, vertical ? h - 1 - y : y, w, c, horizontal);
}

template <class T>
void flip_images(const T* src, T* dst, const FlipParams& p, size_t first, size_t count) {
  const int64_t plane = p.h * p.w;
  const int64_t c = p.nchw ? 1 : p.c;
  const int64_t planes = p.nchw ? p.c : 1;
  for (size_t i = first; i < first + count; ++i) {
    const bool horizontal = p.horizontal[i] != 0, vertical = p.vertical[i] != 0;
    for (int64_t k = 0; k < planes; ++k) {
      const int64_t at = (int64_t(i) * planes + k) * plane * c;
      if (!horizontal && !vertical) {
        if (src != dst) __builtin_memcpy(dst + at, src + at, size_t(plane * c) * sizeof(T));
        continue;
      }
      switch (c) {
        case 1: flip_plane<T, 1>(src + at, dst + at, p.h, p.w, c, horizontal, vertical); break;
        case 3: flip_plane<T, 3>(src + at, dst + at, p.h, p.w, c, horizontal, vertical); break;
        case 4: flip_plane<T, 4>(src + at, dst + at, p.h, p.w, c, horizontal, vertical); break;
        default: flip_plane<T, 0>(src + at, dst + at, p.h, p.w, c, horizontal, vertical); break;
      }
    }
  }
}

}  // namespace flip_detail

inline void flip_u8(const uint8_t* src, uint8_t* dst, const FlipParams& p, size_t first, size_t count) {
  flip_detail::flip_images<uint8_t>(src, dst, p, first, count);
}

inline void flip_f32(const float* src, float* dst, const FlipParams& p, size_t first, size_t count) {
  flip_detail::flip_images<uint32_t>(reinterpret_cast<const uint32_t*>(src), reinterpret_cast<uint32_t*>(dst), p, first, count);
}
