// Batched pixel shifts (DESIGN §4), bit-identical to src/backends/js/shift.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS (no include
// guard, no standard headers): plain loops that the compiler vectorizes for
// the including file's target. uint8 arithmetic is exact integer math;
// float32 is IEEE with the products rounded before the sum (no FMA).
//
// Output x reads source columns s1 = x − kx − 1 (weight w1) and s0 = x − kx
// (weight w0); rows likewise. Where a weight w1 is 0 the axis is a copy.

namespace shift_detail {

constexpr uint32_t kOneQ = 4096;         // uint8 weights: 12 fractional bits per axis
constexpr uint32_t kHalfQ2 = 1u << 23;   // half of 2^24 (two axes)

// A source index through the fill rule; −1 means the constant fill value.
inline int64_t map_index(int64_t s, int64_t size, int fill) {
  if (s >= 0 && s < size) return s;
  switch (fill) {
    case 1:
      return s < 0 ? 0 : size - 1;
    case 2: {  // reflect: dcba|abcd|dcba
      const int64_t period = 2 * size;
      const int64_t m = ((s % period) + period) % period;
      return m < size ? m : period - 1 - m;
    }
    case 3: {  // mirror: dcb|abcd|cba
      if (size == 1) return 0;
      const int64_t period = 2 * size - 2;
      const int64_t m = ((s % period) + period) % period;
      return m < size ? m : period - m;
    }
    case 4:
      return ((s % size) + size) % size;
    default:
      return -1;
  }
}

// v / 2^24, rounded half to even (v is a convex combination: at most 255 · 2^24).
inline uint8_t round_q2(uint32_t v) {
  const uint32_t q = v >> 24, r = v & 0xFFFFFFu;
  return uint8_t(q + ((r > kHalfQ2 || (r == kHalfQ2 && (q & 1))) ? 1 : 0));
}

// Interior [lo, hi) of the output columns whose taps are all inside the image.
inline void interior(int64_t w, int64_t k, bool two_taps, int64_t& lo, int64_t& hi) {
  lo = k + (two_taps ? 1 : 0);
  hi = w + k;
  if (lo < 0) lo = 0;
  if (hi > w) hi = w;
  if (lo > hi) lo = hi;
}

// The horizontal pass of one source row (or the constant row) for one image:
// float32 into float, uint8 into integers scaled by 4096.
struct Row {
  const int32_t* col0;
  const int32_t* col1;
  int64_t w, c, k;
  float w1, w0;
  float fill_value;
};

inline void horizontal_f32(const Row& r, const float* row, float* into) {
  int64_t lo, hi;
  const bool two = r.w1 != 0.0f;
  interior(r.w, r.k, two, lo, hi);
  const float w1 = r.w1, w0 = r.w0;
  for (int64_t x = 0; x < r.w; ++x) {
    if (x == lo) x = hi;  // the interior is done below
    if (x >= r.w) break;
    const int64_t s0 = r.col0[x], s1 = r.col1[x];
    for (int64_t ch = 0; ch < r.c; ++ch) {
      const float a0 = (row == nullptr || s0 < 0) ? r.fill_value : row[s0 * r.c + ch];
      if (!two) {
        into[x * r.c + ch] = a0;
        continue;
      }
      const float a1 = (row == nullptr || s1 < 0) ? r.fill_value : row[s1 * r.c + ch];
      into[x * r.c + ch] = w1 * a1 + w0 * a0;
    }
  }
  if (row == nullptr) {
    for (int64_t i = lo * r.c; i < hi * r.c; ++i) into[i] = two ? w1 * r.fill_value + w0 * r.fill_value : r.fill_value;
    return;
  }
  // interior element i reads source element i − k·c (tap s0) and one pixel before it (s1)
  const float* p0 = row + (lo - r.k) * r.c;
  float* o = into + lo * r.c;
  const int64_t n = (hi - lo) * r.c;
  if (two) {
    const float* p1 = p0 - r.c;
    for (int64_t i = 0; i < n; ++i) o[i] = w1 * p1[i] + w0 * p0[i];
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = p0[i];
  }
}

inline void horizontal_u8(const Row& r, const uint8_t* row, uint32_t* into) {
  int64_t lo, hi;
  const bool two = r.w1 != 0.0f;
  interior(r.w, r.k, two, lo, hi);
  const uint32_t w1 = uint32_t(r.w1), w0 = uint32_t(r.w0), fill = uint32_t(r.fill_value);
  for (int64_t x = 0; x < r.w; ++x) {
    if (x == lo) x = hi;
    if (x >= r.w) break;
    const int64_t s0 = r.col0[x], s1 = r.col1[x];
    for (int64_t ch = 0; ch < r.c; ++ch) {
      const uint32_t a0 = (row == nullptr || s0 < 0) ? fill : row[s0 * r.c + ch];
      const uint32_t a1 = (row == nullptr || s1 < 0) ? fill : row[s1 * r.c + ch];
      into[x * r.c + ch] = two ? w1 * a1 + w0 * a0 : kOneQ * a0;
    }
  }
  if (row == nullptr) {
    for (int64_t i = lo * r.c; i < hi * r.c; ++i) into[i] = two ? w1 * fill + w0 * fill : kOneQ * fill;
    return;
  }
  const uint8_t* p0 = row + (lo - r.k) * r.c;
  uint32_t* o = into + lo * r.c;
  const int64_t n = (hi - lo) * r.c;
  if (two) {
    const uint8_t* p1 = p0 - r.c;
    for (int64_t i = 0; i < n; ++i) o[i] = w1 * uint32_t(p1[i]) + w0 * uint32_t(p0[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = kOneQ * uint32_t(p0[i]);
  }
}

// An integer shift of one row: the interior is one block copy, the edges go
// through the column map. `row` is null for a constant-filled row.
template <class T>
inline void copy_row(const Row& r, const T* row, T* out) {
  const T fill = T(r.fill_value);
  if (row == nullptr) {
    for (int64_t i = 0; i < r.w * r.c; ++i) out[i] = fill;
    return;
  }
  int64_t lo, hi;
  interior(r.w, r.k, false, lo, hi);
  for (int64_t x = 0; x < r.w; ++x) {
    if (x == lo) x = hi;
    if (x >= r.w) break;
    const int64_t s = r.col0[x];
    for (int64_t ch = 0; ch < r.c; ++ch) out[x * r.c + ch] = s < 0 ? fill : row[s * r.c + ch];
  }
  if (hi > lo) __builtin_memcpy(out + lo * r.c, row + (lo - r.k) * r.c, size_t((hi - lo) * r.c) * sizeof(T));
}

// Scratch layout: col0[w], col1[w] (int32), then three rows of w·c 4-byte values.
struct Scratch {
  int32_t* col0;
  int32_t* col1;
  void* row_a;
  void* row_b;
};

inline Scratch carve(void* scratch, int64_t w, int64_t c) {
  char* p = static_cast<char*>(scratch);
  Scratch s;
  s.col0 = reinterpret_cast<int32_t*>(p);
  s.col1 = s.col0 + w;
  s.row_a = p + 2 * w * sizeof(int32_t);
  s.row_b = static_cast<char*>(s.row_a) + w * c * 4;
  return s;
}

// An integer shift of a whole plane. Rows whose source is inside the image
// form one band; their interiors are contiguous in both planes apart from
// the edge columns in between, so the band is ONE block copy (edges included,
// wrongly), then the edge columns are rewritten through the column map.
// Rows outside the band go through the row map one at a time.
template <class T>
void copy_plane(const T* src, T* dst, const ShiftParams& p, const Row& r, int64_t ky) {
  const int64_t h = p.h, row_len = r.w * r.c;
  int64_t lo, hi;
  interior(r.w, r.k, false, lo, hi);
  const int64_t ylo = ky > 0 ? (ky < h ? ky : h) : 0;
  const int64_t yhi = h + ky < h ? (h + ky > 0 ? h + ky : 0) : h;
  const T fill = T(r.fill_value);
  for (int64_t y = 0; y < h; ++y) {
    if (y >= ylo && y < yhi && hi > lo) continue;
    const int64_t m = map_index(y - ky, h, p.fill);
    copy_row<T>(r, m < 0 ? nullptr : src + m * row_len, dst + y * row_len);
  }
  if (ylo >= yhi || hi <= lo) return;
  const int64_t length = (yhi - ylo - 1) * row_len + (hi - lo) * r.c;
  __builtin_memcpy(dst + ylo * row_len + lo * r.c, src + (ylo - ky) * row_len + (lo - r.k) * r.c, size_t(length) * sizeof(T));
  for (int64_t y = ylo; y < yhi; ++y) {
    const T* row = src + (y - ky) * row_len;
    T* out = dst + y * row_len;
    for (int64_t x = 0; x < lo; ++x) {
      const int64_t s = r.col0[x];
      for (int64_t ch = 0; ch < r.c; ++ch) out[x * r.c + ch] = s < 0 ? fill : row[s * r.c + ch];
    }
    for (int64_t x = hi; x < r.w; ++x) {
      const int64_t s = r.col0[x];
      for (int64_t ch = 0; ch < r.c; ++ch) out[x * r.c + ch] = s < 0 ? fill : row[s * r.c + ch];
    }
  }
}

template <class T, class Acc>
void shift_plane(const T* src, T* dst, const ShiftParams& p, int64_t c, size_t image, const Scratch& s) {
  const int64_t h = p.h, w = p.w, row_len = w * c;
  const int64_t kx = p.kx[image], ky = p.ky[image];
  for (int64_t x = 0; x < w; ++x) {
    s.col0[x] = int32_t(map_index(x - kx, w, p.fill));
    s.col1[x] = int32_t(map_index(x - kx - 1, w, p.fill));
  }
  const Row r{s.col0, s.col1, w, c, kx, p.wx1[image], p.wx0[image], p.fill_value};
  const float wy1 = p.wy1[image], wy0 = p.wy0[image];
  if (r.w1 == 0.0f && wy1 == 0.0f) {
    copy_plane<T>(src, dst, p, r, ky);
    return;
  }
  Acc* a = static_cast<Acc*>(s.row_a);
  Acc* b = static_cast<Acc*>(s.row_b);
  auto source_row = [&](int64_t y) -> const T* {
    const int64_t m = map_index(y, h, p.fill);
    return m < 0 ? nullptr : src + m * row_len;
  };
  for (int64_t y = 0; y < h; ++y) {
    T* out = dst + y * row_len;
    const T* r0 = source_row(y - ky);
    if constexpr (sizeof(T) == 1) {
      horizontal_u8(r, r0, a);
      if (wy1 == 0.0f) {
        for (int64_t i = 0; i < row_len; ++i) out[i] = round_q2(kOneQ * a[i]);
        continue;
      }
      horizontal_u8(r, source_row(y - ky - 1), b);
      const uint32_t q1 = uint32_t(wy1), q0 = uint32_t(wy0);
      for (int64_t i = 0; i < row_len; ++i) out[i] = round_q2(q1 * b[i] + q0 * a[i]);
    } else {
      horizontal_f32(r, r0, a);
      if (wy1 == 0.0f) {
        for (int64_t i = 0; i < row_len; ++i) out[i] = a[i];
        continue;
      }
      horizontal_f32(r, source_row(y - ky - 1), b);
      for (int64_t i = 0; i < row_len; ++i) out[i] = wy1 * b[i] + wy0 * a[i];
    }
  }
}

template <class T, class Acc>
void shift_images(const T* src, T* dst, const ShiftParams& p, size_t first, size_t count, void* scratch) {
  const int64_t plane = p.h * p.w;
  const int64_t c = p.nchw ? 1 : p.c;
  const Scratch s = carve(scratch, p.w, c);
  for (size_t i = first; i < first + count; ++i) {
    if (!p.nchw) {
      shift_plane<T, Acc>(src + int64_t(i) * plane * p.c, dst + int64_t(i) * plane * p.c, p, p.c, i, s);
    } else {
      for (int64_t ch = 0; ch < p.c; ++ch) {
        const int64_t at = (int64_t(i) * p.c + ch) * plane;
        shift_plane<T, Acc>(src + at, dst + at, p, 1, i, s);
      }
    }
  }
}

}  // namespace shift_detail

inline void shift_u8(const uint8_t* src, uint8_t* dst, const ShiftParams& p, size_t first, size_t count, void* scratch) {
  shift_detail::shift_images<uint8_t, uint32_t>(src, dst, p, first, count, scratch);
}

inline void shift_f32(const float* src, float* dst, const ShiftParams& p, size_t first, size_t count, void* scratch) {
  shift_detail::shift_images<float, float>(src, dst, p, first, count, scratch);
}
