// Per-image flips (issue 19), bit-identical to src/backends/js/flip.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS (no include
// guard, no standard headers): pure data movement, one generic template the
// compiler vectorizes for the including file's target. float32 data moves
// as uint32 bits, so every NaN payload survives.
//
// Rows are handled in mirrored pairs (y, h − 1 − y) and, with a horizontal
// flip, columns in mirrored pairs (x, w − 1 − x): each step reads all the
// elements it writes before writing any, so dst may be src (in place).
// Images left as they are (and unmirrored rows of 2 KiB or more) go through
// copy_span (copy.h): with memcpy (glibc's `rep movsb`) an unflipped image
// took 2-5x a memcpy of the same bytes at some output offsets (Zen 4,
// 2026-12-07, round 4).

namespace flip_detail {

// An unmirrored row of a vertical flip. The source rows are read bottom to
// top; rows under 2 KiB (glibc copies those with vector loops, not `rep
// movsb`) ran 1.1-1.3x longer through copy_span than through memcpy at
// output offsets +1, +4, +16 (224x3 uint8 rows, 672 bytes), while float32
// rows (2688 bytes) ran 0.78-0.91x memcpy's time through copy_span
// (bench/ab-ops.mjs flip-v, flip-v-f32; Zen 4, round 4).
inline void copy_unmirrored_row(void* to, const void* from, size_t n) {
  if (n < 2048) __builtin_memcpy(to, from, n);
  else copy_span(to, from, n);
}

// --- mirrored pixel groups as 16-byte shuffles (x86 with SSSE3 or later) ---
//
// A mirrored row moves whole pixels of P = C · sizeof(T) bytes: K = 16 / P
// of them fit one 16-byte vector (5 RGB uint8 pixels, 15 bytes; one RGB or
// RGBA float32 pixel, K = 1), so one load, one byte shuffle (pshufb) and
// one store move K pixels, where the element loop below costs about one
// load and one store per element. Elsewhere (scalar, NEON builds), and for
// channel counts without a compile-time C (2, 5, …), the element loop.
// These are GCC vector extensions on 16-byte vectors, the same source for
// the SSE4.1, AVX2 and AVX-512 builds (no AVX-512-only code).
#if defined(__SSSE3__)
constexpr bool kShuffleMirror = true;
#else
constexpr bool kShuffleMirror = false;
#endif

typedef uint8_t bytes16 __attribute__((vector_size(16)));

// The shuffles of one step. Pixels x … x + K − 1 (the left group) and their
// mirrors w − x − K … w − x − 1 (the right group) are read as 16-byte windows:
// the left window starts at pixel x and ends E = 16 − K·P bytes into pixel
// x + K; the right window ends at the end of pixel w − x − 1 and starts E
// bytes before pixel w − x − K. An output window takes its K pixels from
// the other group's window, reversed; its E spare bytes take index 16 + j
// (the second operand: the destination's own bytes, kept) in place, and
// anything when the output is another array (a later step or the element
// loop writes those bytes).
template <int P>
struct MirrorIndex {
  static constexpr int kK = 16 / P;
  static constexpr int kE = 16 - kK * P;
  // output left window: byte j < K·P is byte r of pixel q = j / P, from
  // pixel K − 1 − q of the right window (after its E spare bytes)
  static bytes16 left() {
    bytes16 idx{};
    for (int j = 0; j < 16; ++j) idx[j] = uint8_t(j < kK * P ? kE + (kK - 1 - j / P) * P + j % P : 16 + j);
    return idx;
  }
  // output right window: its E spare bytes first, then pixel q from pixel
  // K − 1 − q of the left window
  static bytes16 right() {
    bytes16 idx{};
    for (int j = 0; j < 16; ++j) idx[j] = uint8_t(j < kE ? 16 + j : (kK - 1 - (j - kE) / P) * P + (j - kE) % P);
    return idx;
  }
};

inline bytes16 load16(const uint8_t* at) {
  bytes16 v;
  __builtin_memcpy(&v, at, 16);
  return v;
}

inline void store16(uint8_t* at, bytes16 v) { __builtin_memcpy(at, &v, 16); }

// Mirrors source row `row` into output row `out`, group by group from both
// ends while at least one pixel separates the two groups (so that neither
// window's spare bytes lie in the other group). Returns the first pixel x
// the element loop still has to do (x … (w + 1) / 2 − 1 and mirrors).
// Another array: one load, shuffle and store per window, the spare bytes
// written with anything (16-byte stores that overlap the next ones).
template <int P>
inline int64_t mirror_groups_to(const uint8_t* __restrict row, uint8_t* __restrict out, int64_t w) {
  constexpr int64_t kK = MirrorIndex<P>::kK, kE = MirrorIndex<P>::kE;
  const bytes16 left_idx = MirrorIndex<P>::left() & 15, right_idx = MirrorIndex<P>::right() & 15;
  int64_t x = 0;
  for (; 2 * (x + kK) < w; x += kK) {
    const int64_t l = x * P, r = (w - x - kK) * P - kE;
    const bytes16 from_l = load16(row + l), from_r = load16(row + r);
    store16(out + l, __builtin_shuffle(from_r, left_idx));
    store16(out + r, __builtin_shuffle(from_l, right_idx));
  }
  return x;
}

// In place, rows a and b (a == b for one row) swapped and mirrored: every
// window is read before any is written, and the spare bytes keep the
// values read (which later steps or the element loop still read).
template <int P>
inline int64_t mirror_groups_in_place(uint8_t* a, uint8_t* b, int64_t w) {
  constexpr int64_t kK = MirrorIndex<P>::kK, kE = MirrorIndex<P>::kE;
  const bytes16 left_idx = MirrorIndex<P>::left(), right_idx = MirrorIndex<P>::right();
  int64_t x = 0;
  for (; 2 * (x + kK) < w; x += kK) {
    const int64_t l = x * P, r = (w - x - kK) * P - kE;
    const bytes16 a_l = load16(a + l), a_r = load16(a + r), b_l = load16(b + l), b_r = load16(b + r);
    store16(b + l, __builtin_shuffle(a_r, b_l, left_idx));
    store16(b + r, __builtin_shuffle(a_l, b_r, right_idx));
    if (a == b) continue;
    store16(a + l, __builtin_shuffle(b_r, a_l, left_idx));
    store16(a + r, __builtin_shuffle(b_l, a_r, right_idx));
  }
  return x;
}

// The shuffled part of a mirrored row pair (see flip_row_pair): output row
// out_b takes source row a, out_a takes b.
template <int P>
inline int64_t mirror_groups(const uint8_t* a, const uint8_t* b, uint8_t* out_a, uint8_t* out_b, int64_t w) {
  if (out_a == a) return mirror_groups_in_place<P>(out_a, out_b, w);
  if (a != b) mirror_groups_to<P>(b, out_a, w);
  return mirror_groups_to<P>(a, out_b, w);
}

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
      copy_unmirrored_row(out_b, a, size_t(row) * sizeof(T));
      if (ya != yb) copy_unmirrored_row(out_a, b, size_t(row) * sizeof(T));
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
  int64_t x0 = 0;
  if constexpr (kShuffleMirror && C > 0 && C * sizeof(T) <= 16) {
    x0 = mirror_groups<C * int(sizeof(T))>(reinterpret_cast<const uint8_t*>(a), reinterpret_cast<const uint8_t*>(b),
                                             reinterpret_cast<uint8_t*>(out_a), reinterpret_cast<uint8_t*>(out_b), w);
  }
  if (ya == yb) {
    for (int64_t x = x0; x < half; ++x) {
      const int64_t xa = x * c, xb = (w - 1 - x) * c;
      for (int64_t ch = 0; ch < c; ++ch) {
        const T v0 = a[xa + ch], v1 = a[xb + ch];
        out_a[xb + ch] = v0;
        out_a[xa + ch] = v1;
      }
    }
    return;
  }
  for (int64_t x = x0; x < half; ++x) {
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

#if defined(__AVX512VBMI__)
// --- mirrored rows in 64-byte output steps (AVX-512 VBMI, out of place) ---
//
// Output bytes o0 … o0 + 63 of a mirrored row of P-byte pixels come from a
// window of at most 64 + 2P − 2 source bytes starting at the mirror of the
// step's last pixel: one `vpermi2b` over two 64-byte loads (the second
// masked to the bytes used, so nothing past the row's last needed byte is
// read) and one 64-byte store, where the 16-byte shuffles above store 15
// bytes (P = 3) per shuffle. The index depends only on r = o0 mod P.
template <int P>
struct MirrorSteps {
  __m512i idx[P];
  __mmask64 high[P];  // the second load's bytes
  MirrorSteps() {
    for (int r = 0; r < P; ++r) {
      alignas(64) uint8_t v[64];
      const int last = (r + 63) / P;  // the step's last pixel, from the step's first pixel's pixel
      int top = 0;
      for (int i = 0; i < 64; ++i) {
        const int rel = (last - (r + i) / P) * P + (r + i) % P;
        v[i] = uint8_t(rel);
        top = rel > top ? rel : top;
      }
      idx[r] = _mm512_load_si512(v);
      high[r] = top < 64 ? __mmask64(0) : (~uint64_t(0) >> (63 - (top - 64)));
    }
  }
};

// Output bytes o0 … o0 + 63 of row `out` (w pixels) from row `in`.
template <int P>
inline void mirror_step(const uint8_t* in, uint8_t* out, int64_t w, int64_t o0, const MirrorSteps<P>& m) {
  const int r = int(o0 % P);
  const int64_t start = (w - 1 - (o0 + 63) / P) * P;  // the window's first byte
  const __m512i low = _mm512_loadu_si512(in + start);
  const __m512i high = _mm512_maskz_loadu_epi8(m.high[r], in + start + 64);
  _mm512_storeu_si512(out + o0, _mm512_permutex2var_epi8(low, m.idx[r], high));
}

// A whole mirrored row of at least 64 bytes: the first step, then steps
// from the first 64-byte boundary of `out` on (aligned stores), then a last
// step ending at the row's end; steps overlap where they must (out of
// place, the overlapped bytes are written twice with the same values).
// The aligned steps go in groups of P (64 pixels), whose indices, masks and
// window offsets are fixed for the row: no division per step.
//
// The row is read backwards, which the hardware prefetchers do not follow
// from L3 (without a prefetch the batch took 1.6x a memcpy against 1.25x
// with one, Zen 4; 1.29x the time, Zen 5, round 7), so the row first
// prefetches the whole of `next`, the source row the next call reads. One
// prefetch per step of the same bytes of the next row, as before, took
// 1.23-1.33x the time of this from L3 on Zen 5 (F1's batch, color_ab.cc;
// F1's op through the addon 1.10-1.29x; round 8); in L2 the two tie.
template <int P>
inline void mirror_row_steps(const uint8_t* __restrict in, uint8_t* __restrict out, int64_t w, const uint8_t* next, const MirrorSteps<P>& m) {
  const int64_t bytes = w * P;
  for (int64_t j = 0; j < bytes; j += 64) __builtin_prefetch(next + j);
  __builtin_prefetch(next + bytes - 1);
  mirror_step<P>(in, out, w, 0, m);
  int64_t o0 = int64_t(-reinterpret_cast<uintptr_t>(out) & uintptr_t(63));
  o0 = o0 == 0 ? 64 : o0;
  // step k of a group starting at byte o0 = q·P + r0 (pixel q): phase
  // (r0 + 64k) mod P, window from `back` bytes before the mirror of pixel q
  const int r0 = int(o0 % P);
  __m512i idx[P];
  __mmask64 high[P];
  int64_t back[P];
  for (int k = 0; k < P; ++k) {
    const int r = (r0 + 64 * k) % P;
    idx[k] = m.idx[r];
    high[k] = m.high[r];
    back[k] = int64_t((r0 + 64 * k + 63) / P) * P;
  }
  for (int64_t q = o0 / P; o0 + 64 * P <= bytes; o0 += 64 * P, q += 64) {
    const uint8_t* mirror = in + (w - 1 - q) * P;
#pragma GCC unroll 4
    for (int k = 0; k < P; ++k) {
      const __m512i low = _mm512_loadu_si512(mirror - back[k]);
      const __m512i top = _mm512_maskz_loadu_epi8(high[k], mirror - back[k] + 64);
      _mm512_storeu_si512(out + o0 + 64 * k, _mm512_permutex2var_epi8(low, idx[k], top));
    }
  }
  for (; o0 + 64 <= bytes; o0 += 64) mirror_step<P>(in, out, w, o0, m);
  mirror_step<P>(in, out, w, bytes - 64, m);
}

// The mirrored rows of a plane, out of place (source rows bottom to top
// when `vertical`), each prefetching the source row read after it (for the
// plane's last row, the row past it in memory: a prefetch never faults).
template <int P>
[[gnu::noinline]] void mirror_rows_steps(const uint8_t* src, uint8_t* dst, int64_t h, int64_t w, bool vertical) {
  static const MirrorSteps<P> steps;
  const int64_t row = w * P, step = vertical ? -row : row;
  const uint8_t* in = src + (vertical ? h - 1 : 0) * row;
  for (int64_t y = 0; y < h; ++y, in += step) mirror_row_steps<P>(in, dst + y * row, w, in + step, steps);
}
#endif

#if defined(__AVX2__) && !defined(__AVX512VBMI__)
// --- RGB uint8 rows in 30-byte output steps from both ends (AVX2, out of place) ---
//
// 10 pixels (30 bytes) from one 32-byte load: its lanes swapped (vpermq),
// a byte shuffle of each (vpshufb; bytes from the other lane zeroed by
// index bit 7), an OR, one 32-byte store with 2 spare bytes: one load and
// one store per 30 bytes where the 16-byte shuffles take two of each.
// Steps from the left end of the output take the source's right end with
// the spare bytes last; steps from the right end take the source's left
// end with the spare bytes first (a later step, or the element loop in the
// middle, overwrites them), so that the source is read from both ends:
// steps from the left end only (the source read backwards) took 2.1x the
// 16-byte shuffles' time from memory, 1.16x with a prefetch of the next
// row (harness, Zen 4, 2026-12-07 round 6). Both ends: 0.80x in L2, 0.84-
// 0.92x from memory (harness); F1's op 0.77-0.89x through the addon
// (bench/ab-ops.mjs flip-h, AVX2, either build loaded first; 0.89-0.93x
// with the output 16 bytes on).
// Not in the AVX-512 VBMI build, which keeps its 64-byte steps
// (mirror_row_steps) and the 16-byte shuffles for rows under 64 bytes:
// with this code beside them (reached only for 21-pixel rows there), its
// F1 took 1.01-1.24x the time (bench/ab-ops.mjs flip-h, both orders), the
// same code placed differently.
struct MirrorRgb32 {
  __m256i same[2], other[2];  // [0]: window at +2, spare bytes last; [1]: window at 0, spare bytes first
  MirrorRgb32() {
    for (int form = 0; form < 2; ++form) {
      alignas(32) uint8_t s[32], o[32];
      for (int j = 0; j < 32; ++j) {
        const int e = form == 0 ? j : j - 2;  // output byte of the 10 pixels
        const int from = e >= 0 && e < 30 ? (form == 0 ? 2 : 0) + (9 - e / 3) * 3 + e % 3 : -1;
        const bool here = from >= 0 && from / 16 == j / 16;
        s[j] = here ? uint8_t(from % 16) : 0x80;
        o[j] = from >= 0 && !here ? uint8_t(from % 16) : 0x80;
      }
      same[form] = _mm256_load_si256(reinterpret_cast<const __m256i*>(s));
      other[form] = _mm256_load_si256(reinterpret_cast<const __m256i*>(o));
    }
  }
};

inline __m256i mirror_rgb_window(const uint8_t* at, __m256i same, __m256i other) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
  return _mm256_or_si256(_mm256_shuffle_epi8(v, same), _mm256_shuffle_epi8(_mm256_permute4x64_epi64(v, 0x4E), other));
}

// Steps from both ends while they leave a pixel between them; returns the
// first output pixel q not written (q … w − 1 − q are left).
inline int64_t mirror_rgb_steps(const uint8_t* __restrict in, uint8_t* __restrict out, int64_t w, const MirrorRgb32& m) {
  int64_t q = 0;
  for (; 2 * q + 21 <= w; q += 10) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + q * 3), mirror_rgb_window(in + (w - 10 - q) * 3 - 2, m.same[0], m.other[0]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + (w - 10 - q) * 3 - 2), mirror_rgb_window(in + q * 3, m.same[1], m.other[1]));
  }
  return q;
}

// A mirrored row: the steps, then the pixels they leave in the middle (at
// most 20; 4 for w = 224).
inline void mirror_rgb_row(const uint8_t* __restrict in, uint8_t* __restrict out, int64_t w, const MirrorRgb32& m) {
  const int64_t q = mirror_rgb_steps(in, out, w, m);
  for (int64_t x = q; x < w - q; ++x) {
    for (int64_t ch = 0; ch < 3; ++ch) out[x * 3 + ch] = in[(w - 1 - x) * 3 + ch];
  }
}

// The mirrored RGB rows (w ≥ 21) of a plane, out of place (source rows
// bottom to top when `vertical`), in one non-inlined loop: through
// flip_row_to, inlined into flip_images with every other path, F1's batch
// took 1.12-1.30x the time (color_ab.cc, Zen 5, round 8: new/old 0.77-0.89
// from L3 in five runs, 0.93 in L2). Prefetching the next source row at
// each row's start, as the VBMI rows do, did not help here (new/old 1.12
// and 0.96 against the loop without it): the rows are read from both ends.
[[gnu::noinline]] inline void mirror_rgb_rows(const uint8_t* src, uint8_t* dst, int64_t h, int64_t w, bool vertical) {
  static const MirrorRgb32 m;
  const int64_t row = w * 3;
  for (int64_t y = 0; y < h; ++y) mirror_rgb_row(src + (vertical ? h - 1 - y : y) * row, dst + y * row, w, m);
}
#endif

// Out of place: one output row from one source row, mirrored or copied.
template <class T, int C>
inline void flip_row_to(const T* __restrict in, T* __restrict out, int64_t w, int64_t c_runtime, bool mirror) {
  const int64_t c = C > 0 ? C : c_runtime;
  if (!mirror) {
    copy_unmirrored_row(out, in, size_t(w * c) * sizeof(T));
    return;
  }
  int64_t x0 = 0;
  if constexpr (kShuffleMirror && C > 0 && C * sizeof(T) <= 16) {
    x0 = mirror_groups_to<C * int(sizeof(T))>(reinterpret_cast<const uint8_t*>(in), reinterpret_cast<uint8_t*>(out), w);
  }
  for (int64_t x = x0; x < (w + 1) / 2; ++x) {
    const int64_t xa = x * c, xb = (w - 1 - x) * c;
    for (int64_t ch = 0; ch < c; ++ch) {
      out[xb + ch] = in[xa + ch];
      out[xa + ch] = in[xb + ch];
    }
  }
}

template <class T, int C>
void flip_plane(const T* src, T* dst, int64_t h, int64_t w, int64_t c, bool horizontal, bool vertical) {
  // Out of place, the output is written top to bottom, one stream: the
  // mirrored pairs (below, which in place needs) wrote from both ends at
  // once, and a vertical flip cost ~2x a memcpy that way (Zen 4, uint8).
#if defined(__AVX512VBMI__)
  if constexpr (C > 0 && C * sizeof(T) <= 4) {
    constexpr int P = C * int(sizeof(T));
    if (src != dst && horizontal && w * P >= 64) {
      mirror_rows_steps<P>(reinterpret_cast<const uint8_t*>(src), reinterpret_cast<uint8_t*>(dst), h, w, vertical);
      return;
    }
  }
#endif
#if defined(__AVX2__) && !defined(__AVX512VBMI__)
  if constexpr (C * sizeof(T) == 3) {
    if (src != dst && horizontal && w >= 21) {
      mirror_rgb_rows(reinterpret_cast<const uint8_t*>(src), reinterpret_cast<uint8_t*>(dst), h, w, vertical);
      return;
    }
  }
#endif
  if (src != dst) {
    const int64_t row = w * c;
    for (int64_t y = 0; y < h; ++y) flip_row_to<T, C>(src + (vertical ? h - 1 - y : y) * row, dst + y * row, w, c, horizontal);
    return;
  }
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
        if (src != dst) copy_span(dst + at, src + at, size_t(plane * c) * sizeof(T));
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
