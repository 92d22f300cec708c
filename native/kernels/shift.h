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
// With v = q · 2^24 + r, the result is q + 1 exactly when r + (q & 1) > 2^23,
// i.e. when v + (2^23 − 1) + (q & 1) reaches the next multiple of 2^24: no
// branch, so the loops vectorize (checked against the compare-and-branch
// form for every v up to 255 · 2^24; 255 · 2^24 + 2^23 still fits 32 bits).
inline uint8_t round_q2(uint32_t v) {
  return uint8_t((v + (kHalfQ2 - 1) + ((v >> 24) & 1u)) >> 24);
}

// Interior [lo, hi) of the output columns whose taps are all inside the image.
inline void interior(int64_t w, int64_t k, bool two_taps, int64_t& lo, int64_t& hi) {
  lo = k + (two_taps ? 1 : 0);
  hi = w + k;
  if (lo < 0) lo = 0;
  if (hi > w) hi = w;
  if (lo > hi) lo = hi;
}

// One plane of one image as the kernels see it: offsets, tap weights, fill.
struct Plane {
  int64_t h, w, c, kx, ky;
  int fill;
  float fill_value;
  float wx1, wx0, wy1, wy0;
};

// --- integer shifts: every output row is a few runs ----------------------
//
// Through any fill rule, the source columns of a row of output pixels form
// at most a handful of runs: the constant value, one source pixel repeated
// (nearest), source pixels in order (the interior, wrap, the forward halves
// of reflect and mirror) or in reverse order (their backward halves). Each
// run is written as a block: a memcpy, a broadcast or a reversed copy, with
// no per-element index map or branch (the map cost 2-8x a memcpy at offsets
// of ±10-20 % of the width).

enum class RunKind { kFill, kRepeat, kForward, kBackward };

// Output pixels [x, x + n) from source pixels s, s + 1, ... (kForward),
// s, s − 1, ... (kBackward), s again and again (kRepeat), or the fill value.
struct Run {
  RunKind kind;
  int64_t s, n;
};

inline int64_t floor_mod(int64_t a, int64_t m) {
  const int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// The run starting at output column x of a row shifted by k, at most
// end − x long. Unmapped source column t = x − k; the periodic fills take
// t modulo their period (wrap w, reflect 2w, mirror 2w − 2), as map_index.
inline Run next_run(int64_t x, int64_t end, int64_t w, int64_t k, int fill) {
  const int64_t t = x - k, room = end - x;
  auto clip = [room](int64_t n) { return n < room ? n : room; };
  if (t >= 0 && t < w) return {RunKind::kForward, t, clip(w - t)};
  switch (fill) {
    case 1:  // nearest: the edge pixel until the source re-enters the row
      return t < 0 ? Run{RunKind::kRepeat, 0, clip(-t)} : Run{RunKind::kRepeat, w - 1, room};
    case 2: {  // reflect: abcd dcba, period 2w
      const int64_t m = floor_mod(t, 2 * w);
      return m < w ? Run{RunKind::kForward, m, clip(w - m)} : Run{RunKind::kBackward, 2 * w - 1 - m, clip(2 * w - m)};
    }
    case 3: {  // mirror: abcd cb, period 2w − 2 (a single column repeats)
      if (w == 1) return {RunKind::kRepeat, 0, room};
      const int64_t m = floor_mod(t, 2 * w - 2);
      return m < w ? Run{RunKind::kForward, m, clip(w - m)} : Run{RunKind::kBackward, 2 * w - 2 - m, clip(2 * w - 2 - m)};
    }
    case 4: {  // wrap: abcd abcd, period w
      const int64_t m = floor_mod(t, w);
      return {RunKind::kForward, m, clip(w - m)};
    }
    default:  // constant until the source re-enters the row
      return t < 0 ? Run{RunKind::kFill, 0, clip(-t)} : Run{RunKind::kFill, 0, room};
  }
}

// Pixel loops with the channel count C known at compile time (1, 3, 4),
// or C = 0 for any other count c: the inner loop then unrolls, and the c = 1
// reversed copy and broadcast vectorize.
template <int C>
inline int64_t channels(int64_t c) { return C > 0 ? C : c; }

// Scalar forms of the two per-pixel runs (any channel count, short runs).
template <class T, int C>
inline void repeat_pixel_loop(T* __restrict out, const T* __restrict pixel, int64_t n, int64_t c_) {
  const int64_t c = channels<C>(c_);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t ch = 0; ch < c; ++ch) out[j * c + ch] = pixel[ch];
}

// out pixel j = row pixel s − j
template <class T, int C>
inline void copy_backward_loop(T* __restrict out, const T* __restrict row, int64_t s, int64_t n, int64_t c_) {
  const int64_t c = channels<C>(c_);
  const T* from = row + s * c;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t ch = 0; ch < c; ++ch) out[j * c + ch] = from[ch - j * c];
}

// --- broadcasts and reversed copies as 16-byte shuffles ------------------
//
// A repeated pixel (nearest) and a reversed run of pixels (reflect, mirror)
// are written K whole pixels at a time: one 16-byte load of the source
// pixels, one byte shuffle (pshufb) that puts them in output order, one
// 16-byte store (K = 5 for 3-byte RGB pixels, 15 of the 16 bytes). The
// element loops they replace cost ~1 store per byte. x86 builds with SSSE3
// or later only: elsewhere (scalar, NEON) the loops above.
#if defined(__SSSE3__)
constexpr bool kShufflePixels = true;
#else
constexpr bool kShufflePixels = false;
#endif

typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
// The vector of an element type the shuffles take (the copied types: uint8
// and the bits of float32); float runs of the bilinear edges use the loops.
template <class T> struct Vec16 { static constexpr bool kOk = false; typedef u8x16 type; };
template <> struct Vec16<uint8_t> { static constexpr bool kOk = true; typedef u8x16 type; };
template <> struct Vec16<uint32_t> { static constexpr bool kOk = true; typedef u32x4 type; };

// The shuffle of one group of K output pixels. The 16 bytes loaded end at
// the end of the group's highest source pixel (`top`: the load stays inside
// the row on the right) or start at its lowest pixel (near the row's start,
// where the top load would begin before the row). Output element i of the
// group is channel i mod C of its pixel i / C, whose source is pixel
// hi − i / C (reversed) or hi (repeated), hi the group's highest source pixel.
template <class T, int C, bool kReverse, bool kTop>
struct GroupIndex {
  static constexpr int kE = 16 / int(sizeof(T));  // elements in a vector
  static constexpr int kK = C > 0 ? kE / C : 0;   // whole pixels in a vector
  typedef typename Vec16<T>::type V;
  static V make() {
    V idx{};
    for (int i = 0; i < kE; ++i) {
      const int j = i < kK * C ? i / C : 0, ch = i < kK * C ? i % C : 0;
      const int below_hi = kReverse ? j : 0;  // source pixel = hi − below_hi
      // load start: (hi + 1)·C − E (top) or lo·C with lo = hi − (K − 1) (reversed) or hi
      idx[i] = kTop ? T(kE - (below_hi + 1) * C + ch) : T(((kReverse ? kK - 1 : 0) - below_hi) * C + ch);
    }
    return idx;
  }
};

// Writes K output pixels at `out` (E elements, the last E − K·C spare: the
// caller only stores them where the run continues, or stores K·C) whose
// highest source pixel is hi.
template <class T, int C, bool kReverse>
inline typename Vec16<T>::type pixel_group(const T* row, int64_t hi, const typename Vec16<T>::type& top_idx,
                                           const typename Vec16<T>::type& low_idx) {
  typedef typename Vec16<T>::type V;
  constexpr int64_t kE = GroupIndex<T, C, kReverse, true>::kE, kK = GroupIndex<T, C, kReverse, true>::kK;
  V v;
  const int64_t top_start = (hi + 1) * C - kE;
  if (top_start >= 0) {
    __builtin_memcpy(&v, row + top_start, 16);
    return __builtin_shuffle(v, top_idx);
  }
  __builtin_memcpy(&v, row + (kReverse ? hi - (kK - 1) : hi) * C, 16);
  return __builtin_shuffle(v, low_idx);
}

// Whole groups of K pixels with full 16-byte stores while the run goes on
// past the store, then the last K pixels (overlapping the group before)
// stored K·C elements exact; n >= K.
template <class T, int C, bool kReverse>
inline void pixel_run_groups(T* __restrict out, const T* __restrict row, int64_t s, int64_t n) {
  typedef GroupIndex<T, C, kReverse, true> Top;
  constexpr int64_t kE = Top::kE, kK = Top::kK;
  typedef typename Vec16<T>::type V;
  const V top_idx = Top::make(), low_idx = GroupIndex<T, C, kReverse, false>::make();
  int64_t g = 0;
  for (; g * C + kE <= n * C; g += kK) {
    const V v = pixel_group<T, C, kReverse>(row, kReverse ? s - g : s, top_idx, low_idx);
    __builtin_memcpy(out + g * C, &v, 16);
  }
  if (g < n) {
    g = n - kK;
    const V v = pixel_group<T, C, kReverse>(row, kReverse ? s - g : s, top_idx, low_idx);
    __builtin_memcpy(out + g * C, &v, size_t(kK * C) * sizeof(T));
  }
}

// n output pixels from source pixels s, s − 1, ... (kReverse) or s again
// and again, in a row of row_elems elements. Short runs, narrow rows (the
// low load must stay inside the row: two vectors) and pixels wider than
// half a vector go through the loops.
template <class T, int C, bool kReverse>
inline void pixel_run(T* __restrict out, const T* __restrict row, int64_t row_elems, int64_t s, int64_t n, int64_t c_) {
  typedef GroupIndex<T, C, kReverse, true> Top;
  constexpr int64_t kE = Top::kE, kK = Top::kK;
  if constexpr (!kShufflePixels || !Vec16<T>::kOk || kK < 2) {
    if (kReverse) copy_backward_loop<T, C>(out, row, s, n, c_);
    else repeat_pixel_loop<T, C>(out, row + s * c_, n, c_);
  } else {
    if (n < kK || row_elems < 2 * kE) {
      if (kReverse) copy_backward_loop<T, C>(out, row, s, n, c_);
      else repeat_pixel_loop<T, C>(out, row + s * c_, n, c_);
      return;
    }
    pixel_run_groups<T, C, kReverse>(out, row, s, n);
  }
}


template <class T>
inline void fill_elements(T* __restrict out, int64_t n, T value) {
  for (int64_t i = 0; i < n; ++i) out[i] = value;
}

// The runs of one output row: the same for every row of a plane, so they
// are found once per plane (next_run takes a division for the periodic
// fills). A row has at most 4 runs (a partial period, at most one whole
// segment, a partial period); `count` short of the row's end means the
// rest is found run by run.
struct RowRuns {
  static constexpr int kCapacity = 8;
  Run run[kCapacity];
  int count = 0;
  int64_t end = 0;  // first column not covered by run[0 .. count)
};

inline RowRuns plan_row(const Plane& q) {
  RowRuns p;
  while (p.end < q.w && p.count < RowRuns::kCapacity) {
    p.run[p.count] = next_run(p.end, q.w, q.w, q.kx, q.fill);
    p.end += p.run[p.count++].n;
  }
  return p;
}

// --- streaming the output of a large integer shift ----------------------
//
// A shift of a batch bigger than the caches writes lines that are not in
// cache: each first store to a line reads it from memory first (read for
// ownership), which cost 1.3-1.9x a memcpy of the same bytes (glibc's large
// copies avoid the read). So a large call writes the whole 64-byte lines of
// each long forward run (the interior of a row, the bulk of the bytes) with
// non-temporal stores, which skip the read; the short edge runs and the
// partial lines at a run's ends use ordinary stores. Staging whole rows in
// L1 and streaming them out measured slower than this (the extra pass over
// L1 costs more than the edges' reads). Builds without such stores (scalar,
// NEON) copy as usual. The bytes are the same either way.
#if defined(__AVX512F__)
inline void stream_line(char* to, const char* from) {
  _mm512_stream_si512(reinterpret_cast<__m512i*>(to), _mm512_loadu_si512(from));
}
#elif defined(__AVX2__)
inline void stream_line(char* to, const char* from) {
  for (int i = 0; i < 64; i += 32)
    _mm256_stream_si256(reinterpret_cast<__m256i*>(to + i), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from + i)));
}
#elif defined(__SSE4_1__)
inline void stream_line(char* to, const char* from) {
  for (int i = 0; i < 64; i += 16)
    _mm_stream_si128(reinterpret_cast<__m128i*>(to + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i)));
}
#endif

#if defined(__AVX512F__) || defined(__AVX2__) || defined(__SSE4_1__)
constexpr bool kCanStream = true;
// Orders the streamed stores before the call returns (another thread may
// read the output next: shiftAsync's workers).
inline void stream_fence() { _mm_sfence(); }
#else
constexpr bool kCanStream = false;
inline void stream_line(char* to, const char* from) { __builtin_memcpy(to, from, 64); }
inline void stream_fence() {}
#endif

// Outputs of kStreamMinBytes or more (copy.h) are streamed.
// Forward runs at least this long are streamed: shorter ones are mostly
// partial lines.
constexpr size_t kStreamMinRun = 256;

// n bytes (n >= 64): the partial lines at both ends with ordinary stores,
// the whole lines between them streamed. No byte is stored twice: an
// ordinary store to a line with streamed stores pending (or the reverse)
// flushes them and reads the line after all (3x slower, measured).
inline void stream_bytes(void* __restrict to_, const void* __restrict from_, size_t n) {
  char* to = static_cast<char*>(to_);
  const char* from = static_cast<const char*>(from_);
  const size_t head = (64 - (reinterpret_cast<uintptr_t>(to) & 63)) & 63;
  copy_bytes<false>(to, from, head);
  size_t i = head;
  for (; i + 64 <= n; i += 64) stream_line(to + i, from + i);
  copy_bytes<false>(to + i, from + i, n - i);
}

// One run of output pixels starting at `o`, from source row `row` (c
// channels per pixel). T is an unsigned integer type: float32 is copied as
// its bits, so a signalling NaN stays signalling.
template <class T, int C>
inline void write_run(const Run& r, const T* row, int64_t row_elems, T* o, T fill, int64_t c_, bool stream = false) {
  const int64_t c = channels<C>(c_);
  const size_t bytes = size_t(r.n * c) * sizeof(T);
  switch (r.kind) {
    case RunKind::kForward:
      if (stream && bytes >= kStreamMinRun) stream_bytes(o, row + r.s * c, bytes);
      else if (stream) copy_bytes<false>(o, row + r.s * c, bytes);
      else copy_bytes(o, row + r.s * c, bytes);
      break;
    case RunKind::kBackward: pixel_run<T, C, true>(o, row, row_elems, r.s, r.n, c); break;
    case RunKind::kRepeat: pixel_run<T, C, false>(o, row, row_elems, r.s, r.n, c); break;
    case RunKind::kFill: fill_elements<T>(o, r.n * c, fill); break;
  }
}

// The source pixel (or row) of element j of run r; not for kFill.
inline int64_t run_source(const Run& r, int64_t j) {
  return r.kind == RunKind::kForward ? r.s + j : r.kind == RunKind::kBackward ? r.s - j : r.s;
}

// One output row of an integer shift at `out` from source row `row`: its runs.
template <class T, int C>
inline void copy_row(const T* row, T* out, const Plane& q, const RowRuns& plan, T fill, bool stream) {
  const int64_t row_len = q.w * q.c;
  int64_t x = 0;
  for (int i = 0; i < plan.count; ++i) {
    write_run<T, C>(plan.run[i], row, row_len, out + x * q.c, fill, q.c, stream);
    x += plan.run[i].n;
  }
  while (x < q.w) {
    const Run r = next_run(x, q.w, q.w, q.kx, q.fill);
    write_run<T, C>(r, row, row_len, out + x * q.c, fill, q.c, stream);
    x += r.n;
  }
}

// --- rows made of forward runs only (wrap; any fill at kx = 0) ------------
//
// A wrap row is two forward runs (the source row's tail, then its head), so
// the plane is a memcpy in row-sized pieces. Through copy_row each run cost
// a call and the run switch, and copy_bytes' unaligned 64-byte moves stall
// where a load follows a store at the same address modulo 4 KiB (the
// output and source rows of an image keep one offset, so some images lose
// on every row; erase.h saw the same on whole images): uint8 wrap took
// 1.13-1.25x a memcpy. Here a row's runs are precomputed byte offsets, and
// a long run is stored aligned to the output with its loads a block ahead
// of the stores (copy_span, copy.h; a scratch model of the wrap rows:
// 1.03-1.04x a memcpy with copy_bytes, 1.01-1.03x so). Bytes as copy_row's.
#if defined(__AVX512F__) || defined(__AVX2__)
constexpr bool kForwardRows = true;
#else
constexpr bool kForwardRows = false;
#endif

// A row's forward runs as byte offsets: run i copies bytes[i] bytes from
// source byte from[i] of the row to output byte at[i].
struct ForwardRow {
  int count = 0;
  size_t from[RowRuns::kCapacity], at[RowRuns::kCapacity], bytes[RowRuns::kCapacity];
};

// The plan as a ForwardRow when it covers the row with forward runs only.
template <class T>
inline bool forward_row(const RowRuns& plan, const Plane& q, ForwardRow& f) {
  if (plan.end != q.w) return false;
  int64_t x = 0;
  for (int i = 0; i < plan.count; ++i) {
    const Run& r = plan.run[i];
    if (r.kind != RunKind::kForward) return false;
    f.from[i] = size_t(r.s * q.c) * sizeof(T), f.at[i] = size_t(x * q.c) * sizeof(T), f.bytes[i] = size_t(r.n * q.c) * sizeof(T);
    x += r.n;
  }
  f.count = plan.count;
  return true;
}

template <class T>
inline void copy_row_forward(const T* row, T* out, const ForwardRow& f) {
  const char* from = reinterpret_cast<const char*>(row);
  char* to = reinterpret_cast<char*>(out);
  for (int i = 0; i < f.count; ++i) copy_span(to + f.at[i], from + f.from[i], f.bytes[i]);
}

// An integer shift of a whole plane, row by row in one pass over the
// output: each row is its runs. One pass writes every output byte once; a
// block copy of all the rows followed by an edge fix-up pass measured slower
// (the fix-up revisits every row). The source rows come from the vertical
// runs (next_run over y: a division per run, not a map_index per row), and
// consecutive rows of the constant fill are one block. `stream`: long runs
// streamed (above).
template <class T, int C>
void copy_plane_runs(const T* src, T* dst, const Plane& q, T fill, bool stream) {
  const int64_t row_len = q.w * q.c;
  const RowRuns plan = plan_row(q);
  ForwardRow forward;
  const bool forward_only = kForwardRows && !stream && forward_row<T>(plan, q, forward);
  T* out = dst;
  for (int64_t y = 0; y < q.h;) {
    const Run r = next_run(y, q.h, q.h, q.ky, q.fill);
    if (r.kind == RunKind::kFill) {
      fill_elements<T>(out, r.n * row_len, fill);
    } else if (forward_only) {
      for (int64_t j = 0; j < r.n; ++j) copy_row_forward<T>(src + run_source(r, j) * row_len, out + j * row_len, forward);
    } else {
      for (int64_t j = 0; j < r.n; ++j) copy_row<T, C>(src + run_source(r, j) * row_len, out + j * row_len, q, plan, fill, stream);
    }
    out += r.n * row_len;
    y += r.n;
  }
}

template <class T>
void copy_plane(const T* src, T* dst, const Plane& q, T fill, bool stream) {
  switch (q.c) {
    case 1: copy_plane_runs<T, 1>(src, dst, q, fill, stream); break;
    case 3: copy_plane_runs<T, 3>(src, dst, q, fill, stream); break;
    case 4: copy_plane_runs<T, 4>(src, dst, q, fill, stream); break;
    default: copy_plane_runs<T, 0>(src, dst, q, fill, stream); break;
  }
}

// --- integer shifts of small planes (MNIST: 28 rows of 28 bytes) --------
//
// A 28-byte row is two or three runs, and the per-row work of the run path
// (the row's source through the fill rule, a switch per run, a copy sized at
// run time) cost ~300 ns per 28x28 image, several times the bytes' worth.
// A small plane is in L1 whatever we do, so here the rows whose source row
// is inside the image (the band) are ONE block copy of the interior columns
// (source and output rows have the same stride, so consecutive rows are
// contiguous in both), which also writes the bytes between one row's
// interior and the next: the edge columns, rewritten after it column by
// column from a per-plane table of their source columns. Rows outside the
// band copy their interior and edges row by row. The bytes are those of the run path:
// every output element still comes from map_index of its row and column.
constexpr int64_t kSmallRowBytes = 256;
constexpr int64_t kSmallPlaneBytes = 16 << 10;

inline bool is_small_plane(const Plane& q, size_t element_bytes) {
  const int64_t row_bytes = q.w * q.c * int64_t(element_bytes);
  return row_bytes <= kSmallRowBytes && q.h * row_bytes <= kSmallPlaneBytes;
}

// The edge columns of a small plane (outside the interior [x0, x1)) and
// their source columns through the fill rule (−1: the fill value).
struct SmallEdges {
  int32_t x[kSmallRowBytes], s[kSmallRowBytes];
  int count = 0;
  SmallEdges(const Plane& q, int64_t x0, int64_t x1) {
    for (int64_t col = 0; col < q.w; ++col) {
      if (col >= x0 && col < x1) continue;
      x[count] = int32_t(col);
      s[count++] = int32_t(map_index(col - q.kx, q.w, q.fill));
    }
  }
};

template <class T, int C>
inline void write_small_edges(const T* row, T* out, const SmallEdges& e, T fill, int64_t c_) {
  const int64_t c = channels<C>(c_);
  for (int i = 0; i < e.count; ++i) {
    T* o = out + int64_t(e.x[i]) * c;
    if (e.s[i] < 0) {
      for (int64_t ch = 0; ch < c; ++ch) o[ch] = fill;
    } else {
      const T* from = row + int64_t(e.s[i]) * c;
      for (int64_t ch = 0; ch < c; ++ch) o[ch] = from[ch];
    }
  }
}

// false: no interior or no band (shifted out of the image), left to the run path.
template <class T, int C>
bool copy_small_plane_as(const T* src, T* dst, const Plane& q, T fill) {
  const int64_t c = channels<C>(q.c), row_len = q.w * c;
  const int64_t x0 = q.kx > 0 ? q.kx : 0, x1 = q.kx < 0 ? q.w + q.kx : q.w;
  const int64_t y0 = q.ky > 0 ? q.ky : 0, y1 = q.ky < 0 ? q.h + q.ky : q.h;
  if (x0 >= x1 || y0 >= y1) return false;
  const SmallEdges edges(q, x0, x1);
  const int64_t band = (y1 - y0 - 1) * row_len + (x1 - x0) * c;
  __builtin_memcpy(dst + y0 * row_len + x0 * c, src + (y0 - q.ky) * row_len + (x0 - q.kx) * c, size_t(band) * sizeof(T));
  // the band's edge columns column by column: a strided loop per column
  // (rows of 28 bytes have 0-6 edge pixels: a loop over them per row cost
  // more than the copies)
  for (int i = 0; i < edges.count; ++i) {
    T* out = dst + y0 * row_len + int64_t(edges.x[i]) * c;
    if (edges.s[i] < 0) {
      for (int64_t y = y0; y < y1; ++y, out += row_len)
        for (int64_t ch = 0; ch < c; ++ch) out[ch] = fill;
    } else {
      const T* from = src + (y0 - q.ky) * row_len + int64_t(edges.s[i]) * c;
      for (int64_t y = y0; y < y1; ++y, out += row_len, from += row_len)
        for (int64_t ch = 0; ch < c; ++ch) out[ch] = from[ch];
    }
  }
  for (int64_t y = 0; y < q.h; ++y) {
    if (y == y0) y = y1;  // the band is done
    if (y >= q.h) break;
    T* out = dst + y * row_len;
    const int64_t m = map_index(y - q.ky, q.h, q.fill);
    if (m < 0) {
      fill_elements<T>(out, row_len, fill);
      continue;
    }
    const T* row = src + m * row_len;
    __builtin_memcpy(out + x0 * c, row + (x0 - q.kx) * c, size_t((x1 - x0) * c) * sizeof(T));
    write_small_edges<T, C>(row, out, edges, fill, c);
  }
  return true;
}

template <class T>
bool copy_small_plane(const T* src, T* dst, const Plane& q, T fill) {
  switch (q.c) {
    case 1: return copy_small_plane_as<T, 1>(src, dst, q, fill);
    case 3: return copy_small_plane_as<T, 3>(src, dst, q, fill);
    case 4: return copy_small_plane_as<T, 4>(src, dst, q, fill);
    default: return copy_small_plane_as<T, 0>(src, dst, q, fill);
  }
}

// --- rows of 16 to 32 bytes as byte shuffles (MNIST: 28-byte rows) -----
//
// The small-plane path above still costs ~130 ns per 28x28 image: a memcpy
// call for the band, a strided loop per edge column, row-by-row copies
// outside the band, and map_index (a division for reflect) per row and per
// edge column. A row of R bytes (16 <= R <= 32) is instead two 16-byte
// loads (its first and last 16 bytes), four pshufb and two 16-byte stores
// (output bytes [0, 16) and [R − 16, R), overlapping): which source byte
// goes where depends only on kx (and the fill), so the shuffles are made
// once per kx in a call and kept (a batch of 1024 MNIST images drawn at
// ±10 % has ~7 distinct kx). The source rows come from the vertical runs
// (next_run: a division per run, not per row). The bytes are those of the
// run path: every output byte comes from the same source pixel.
#if defined(__SSSE3__)
constexpr bool kShuffleRows = true;
#else
constexpr bool kShuffleRows = false;
#endif
constexpr int64_t kShuffleRowMin = 16, kShuffleRowMax = 32;

// Byte j of the copied element `fill` (uint8, or the bits of a float32;
// little-endian: x86 only, as the shuffles).
template <class T>
inline uint8_t fill_byte(T fill, int64_t j) {
  return uint8_t(uint64_t(fill) >> (8 * (j % int64_t(sizeof(T)))));
}

#if defined(__SSSE3__)
// The shuffles of one kx: output bytes [0, 16) (`lo`) and [R − 16, R) (`hi`)
// from source bytes [0, 16) (`*_from_first`) and [R − 16, R)
// (`*_from_last`); an index with the top bit set gives 0, and the fill
// value's bytes are OR-ed in where the source is outside the row.
struct RowShuffle {
  __m128i lo_from_first, lo_from_last, hi_from_first, hi_from_last, lo_fill, hi_fill;
  int32_t kx;
  bool made = false;
};

template <class T>
inline void make_row_shuffle(RowShuffle& t, const Plane& q, T fill) {
  const int64_t pixel_bytes = q.c * int64_t(sizeof(T)), row_bytes = q.w * pixel_bytes;
  // source byte of each output byte (−1: the fill value), from the row's runs
  int8_t from[kShuffleRowMax];
  for (int64_t x = 0; x < q.w;) {
    const Run r = next_run(x, q.w, q.w, q.kx, q.fill);
    for (int64_t j = 0; j < r.n; ++j) {
      const int64_t s = run_source(r, j);
      for (int64_t b = 0; b < pixel_bytes; ++b) from[(x + j) * pixel_bytes + b] = int8_t(r.kind == RunKind::kFill ? -1 : s * pixel_bytes + b);
    }
    x += r.n;
  }
  alignas(16) uint8_t idx[6][16];
  for (int64_t i = 0; i < 16; ++i) {
    for (int half = 0; half < 2; ++half) {
      const int64_t o = half == 0 ? i : row_bytes - 16 + i;  // output byte
      const int s = from[o];
      idx[half * 2][i] = s >= 0 && s < 16 ? uint8_t(s) : 0x80;
      idx[half * 2 + 1][i] = s >= 16 ? uint8_t(s - (row_bytes - 16)) : 0x80;
      idx[4 + half][i] = s < 0 ? fill_byte(fill, o) : 0;
    }
  }
  t.lo_from_first = _mm_load_si128(reinterpret_cast<const __m128i*>(idx[0]));
  t.lo_from_last = _mm_load_si128(reinterpret_cast<const __m128i*>(idx[1]));
  t.hi_from_first = _mm_load_si128(reinterpret_cast<const __m128i*>(idx[2]));
  t.hi_from_last = _mm_load_si128(reinterpret_cast<const __m128i*>(idx[3]));
  t.lo_fill = _mm_load_si128(reinterpret_cast<const __m128i*>(idx[4]));
  t.hi_fill = _mm_load_si128(reinterpret_cast<const __m128i*>(idx[5]));
  t.kx = int32_t(q.kx);
  t.made = true;
}

// The shuffles of each kx met so far in one call, by kx modulo the size.
struct RowShuffleCache {
  static constexpr int kSize = 32;
  RowShuffle slot[kSize];

  template <class T>
  const RowShuffle& get(const Plane& q, T fill) {
    RowShuffle& t = slot[uint32_t(q.kx) % kSize];
    if (!t.made || t.kx != q.kx) make_row_shuffle<T>(t, q, fill);
    return t;
  }
};

inline void shuffle_row(const char* row, char* out, int64_t row_bytes, const RowShuffle& t) {
  const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row));
  const __m128i last = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + row_bytes - 16));
  const __m128i lo = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(first, t.lo_from_first), _mm_shuffle_epi8(last, t.lo_from_last)), t.lo_fill);
  const __m128i hi = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(first, t.hi_from_first), _mm_shuffle_epi8(last, t.hi_from_last)), t.hi_fill);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), lo);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + row_bytes - 16), hi);
}

// An integer shift of a plane whose rows are 16 to 32 bytes: each output row
// is its source row (from the vertical runs) shuffled, or the fill row.
template <class T>
void shuffle_plane(const T* src, T* dst, const Plane& q, T fill, RowShuffleCache& cache) {
  const RowShuffle& t = cache.get<T>(q, fill);
  const int64_t row_bytes = q.w * q.c * int64_t(sizeof(T));
  const char* from = reinterpret_cast<const char*>(src);
  char* out = reinterpret_cast<char*>(dst);
  alignas(16) uint8_t fill_row[2][16];
  for (int64_t i = 0; i < 16; ++i) {
    fill_row[0][i] = fill_byte(fill, i);
    fill_row[1][i] = fill_byte(fill, row_bytes - 16 + i);
  }
  for (int64_t y = 0; y < q.h;) {
    const Run r = next_run(y, q.h, q.h, q.ky, q.fill);
    for (int64_t j = 0; j < r.n; ++j, out += row_bytes) {
      if (r.kind == RunKind::kFill) {
        __builtin_memcpy(out, fill_row[0], 16);
        __builtin_memcpy(out + row_bytes - 16, fill_row[1], 16);
        continue;
      }
      shuffle_row(from + run_source(r, j) * row_bytes, out, row_bytes, t);
    }
    y += r.n;
  }
}
#else
struct RowShuffleCache {};
template <class T>
void shuffle_plane(const T*, T*, const Plane&, T, RowShuffleCache&) {}
#endif

inline bool is_shuffle_row(const Plane& q, size_t element_bytes) {
  const int64_t row_bytes = q.w * q.c * int64_t(element_bytes);
  return kShuffleRows && row_bytes >= kShuffleRowMin && row_bytes <= kShuffleRowMax;
}

// The fill value as the copied type: a uint8, or the bits of a float32.
inline uint8_t fill_as_copied(const uint8_t*, float v) { return uint8_t(v); }
inline uint32_t fill_as_copied(const float*, float v) { return __builtin_bit_cast(uint32_t, v); }
inline const uint8_t* as_copied(const uint8_t* p) { return p; }
inline uint8_t* as_copied(uint8_t* p) { return p; }
inline const uint32_t* as_copied(const float* p) { return reinterpret_cast<const uint32_t*>(p); }
inline uint32_t* as_copied(float* p) { return reinterpret_cast<uint32_t*>(p); }

// The value of one output element from its four taps (a<row><column>: row
// r0 or r1, column s0 or s1), in the order of the two-pass definition: the
// horizontal blend of each source row, then the blend of the rows. float32
// rounds every product before the sum; uint8 is exact integer math in
// 1/4096ths per axis, rounded once at the end.
inline float blend(const Plane& q, float a00, float a01, float a10, float a11) {
  const bool two_x = q.wx1 != 0.0f;
  const float h0 = two_x ? q.wx1 * a01 + q.wx0 * a00 : a00;
  if (q.wy1 == 0.0f) return h0;
  const float h1 = two_x ? q.wx1 * a11 + q.wx0 * a10 : a10;
  return q.wy1 * h1 + q.wy0 * h0;
}

inline uint8_t blend(const Plane& q, uint8_t a00, uint8_t a01, uint8_t a10, uint8_t a11) {
  const bool two_x = q.wx1 != 0.0f;
  const uint32_t w1 = uint32_t(q.wx1), w0 = uint32_t(q.wx0);
  const uint32_t h0 = two_x ? w1 * a01 + w0 * a00 : kOneQ * a00;
  if (q.wy1 == 0.0f) return round_q2(kOneQ * h0);
  const uint32_t h1 = two_x ? w1 * a11 + w0 * a10 : kOneQ * a10;
  return round_q2(uint32_t(q.wy1) * h1 + uint32_t(q.wy0) * h0);
}

// Output columns [x0, x1) of one row through the fill rule, element by
// element; r0, r1 are the source rows (null: the constant row).
template <class T>
void blend_columns(const Plane& q, const T* r0, const T* r1, T* out, int64_t x0, int64_t x1) {
  const T fill = T(q.fill_value);
  for (int64_t x = x0; x < x1; ++x) {
    const int64_t s0 = map_index(x - q.kx, q.w, q.fill), s1 = map_index(x - q.kx - 1, q.w, q.fill);
    for (int64_t ch = 0; ch < q.c; ++ch) {
      const T a00 = (r0 == nullptr || s0 < 0) ? fill : r0[s0 * q.c + ch];
      const T a01 = (r0 == nullptr || s1 < 0) ? fill : r0[s1 * q.c + ch];
      const T a10 = (r1 == nullptr || s0 < 0) ? fill : r1[s0 * q.c + ch];
      const T a11 = (r1 == nullptr || s1 < 0) ? fill : r1[s1 * q.c + ch];
      out[x * q.c + ch] = blend(q, a00, a01, a10, a11);
    }
  }
}

// The interior [lo, hi) of one row, where every tap is inside both source
// rows: element i reads p0[i] (column s0 of r0), p0[i − c] (s1), and the same
// in p1 (r1). blend() written out once per tap pattern, with the weights in
// locals and a restrict output, so that each loop vectorizes (a uint8 store
// could otherwise alias the weights and force a reload per element).
// AVX-512 builds blend float32 in 256-bit vectors (blend8 below): GCC
// vectorized these loops with 512-bit loads at p[i - c] and p[i], which
// cross a cache line on every load (rows sit 4·c bytes apart), and W2
// (64x224x224x3, both axes) took 1.3-1.5x the AVX2 build's time, alternated
// in one process (round 5); at 256 bits half as many loads cross one. The
// same products and sums in the same order: the same bytes.
#if defined(__AVX512F__)
// Returns the index its vectors reached; blend_interior's loops finish the
// row from there (fewer than 8 elements), so each tap pattern's scalar form
// is written once.
inline int64_t blend8(const float* p0, const float* p1, float* __restrict out, int64_t n, int64_t c, float x1, float x0, float y1, float y0) {
  const __m256 vx1 = _mm256_set1_ps(x1), vx0 = _mm256_set1_ps(x0), vy1 = _mm256_set1_ps(y1), vy0 = _mm256_set1_ps(y0);
  auto taps = [&](const float* p, int64_t i) { return _mm256_add_ps(_mm256_mul_ps(vx1, _mm256_loadu_ps(p + i - c)), _mm256_mul_ps(vx0, _mm256_loadu_ps(p + i))); };
  int64_t i = 0;
  if (x1 != 0.0f && y1 != 0.0f) {
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _mm256_add_ps(_mm256_mul_ps(vy1, taps(p1, i)), _mm256_mul_ps(vy0, taps(p0, i))));
  } else if (x1 != 0.0f) {
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, taps(p0, i));
  } else {
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _mm256_add_ps(_mm256_mul_ps(vy1, _mm256_loadu_ps(p1 + i)), _mm256_mul_ps(vy0, _mm256_loadu_ps(p0 + i))));
  }
  return i;
}
#endif

inline void blend_interior(const Plane& q, const float* p0, const float* p1, float* __restrict out, int64_t n) {
  const int64_t c = q.c;
  const float x1 = q.wx1, x0 = q.wx0, y1 = q.wy1, y0 = q.wy0;
#if defined(__AVX512F__)
  const int64_t done = blend8(p0, p1, out, n, c, x1, x0, y1, y0);
#else
  const int64_t done = 0;
#endif
  if (x1 != 0.0f && y1 != 0.0f) {
    for (int64_t i = done; i < n; ++i) {
      const float h0 = x1 * p0[i - c] + x0 * p0[i];
      const float h1 = x1 * p1[i - c] + x0 * p1[i];
      out[i] = y1 * h1 + y0 * h0;
    }
  } else if (x1 != 0.0f) {
    for (int64_t i = done; i < n; ++i) out[i] = x1 * p0[i - c] + x0 * p0[i];
  } else {
    for (int64_t i = done; i < n; ++i) out[i] = y1 * p1[i] + y0 * p0[i];
  }
}

// --- uint8 blends, a vector of output bytes per step (SSE4.1 and later) --
//
// The compiler's vectorization of the element loops below widens each tap to
// 32 bits and multiplies with pmulld: 6 multiplies, 16 widenings and a
// 4-vector narrowing per 8 bytes out (perf, issue 20: the uint8 subpixel
// shift at 9x a memcpy). Here a blend of two taps, w1·a1 + w0·a0, is ONE
// pmaddwd of interleaved 16-bit pairs (a1, a0) with the pair (w1, w0): taps
// are bytes and weights at most 4096, so the sums are exact in 32 bits. The
// byte interleave (unpack with the other tap, then with zero) and the final
// packs both work within 128-bit halves, so the packs put the bytes back in
// order with no permute. uint8 math is exact integer math: the sums are the
// integers the loops compute, so the bytes are the same.
#if defined(__AVX2__)
struct BytesVec {
  typedef __m256i V;
  static constexpr int64_t kBytes = 32;
  static V load(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(uint8_t* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  static V set1(uint32_t x) { return _mm256_set1_epi32(int(x)); }
  static V zero() { return _mm256_setzero_si256(); }
  static V unpack_lo8(V a, V b) { return _mm256_unpacklo_epi8(a, b); }
  static V unpack_hi8(V a, V b) { return _mm256_unpackhi_epi8(a, b); }
  static V madd16(V a, V b) { return _mm256_madd_epi16(a, b); }
  static V mul32(V a, V b) { return _mm256_mullo_epi32(a, b); }
  static V add32(V a, V b) { return _mm256_add_epi32(a, b); }
  static V and_(V a, V b) { return _mm256_and_si256(a, b); }
  template <int N> static V shr32(V a) { return _mm256_srli_epi32(a, N); }
  template <int N> static V shl32(V a) { return _mm256_slli_epi32(a, N); }
  static V pack32(V a, V b) { return _mm256_packus_epi32(a, b); }
  static V pack16(V a, V b) { return _mm256_packus_epi16(a, b); }
  // round_q2 of each lane, left in the lane: (v + 2^23 − 1 + bit 24 of v) >> 24
  static V round_q2(V v) {
    return shr32<24>(add32(add32(v, set1(kHalfQ2 - 1)), and_(shr32<24>(v), set1(1))));
  }
};
#elif defined(__SSE4_1__)
struct BytesVec {
  typedef __m128i V;
  static constexpr int64_t kBytes = 16;
  static V load(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static void store(uint8_t* p, V v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
  static V set1(uint32_t x) { return _mm_set1_epi32(int(x)); }
  static V zero() { return _mm_setzero_si128(); }
  static V unpack_lo8(V a, V b) { return _mm_unpacklo_epi8(a, b); }
  static V unpack_hi8(V a, V b) { return _mm_unpackhi_epi8(a, b); }
  static V madd16(V a, V b) { return _mm_madd_epi16(a, b); }
  static V mul32(V a, V b) { return _mm_mullo_epi32(a, b); }
  static V add32(V a, V b) { return _mm_add_epi32(a, b); }
  static V and_(V a, V b) { return _mm_and_si128(a, b); }
  template <int N> static V shr32(V a) { return _mm_srli_epi32(a, N); }
  template <int N> static V shl32(V a) { return _mm_slli_epi32(a, N); }
  static V pack32(V a, V b) { return _mm_packus_epi32(a, b); }
  static V pack16(V a, V b) { return _mm_packus_epi16(a, b); }
  static V round_q2(V v) {
    return shr32<24>(add32(add32(v, set1(kHalfQ2 - 1)), and_(shr32<24>(v), set1(1))));
  }
};
#endif

#if defined(__AVX512BW__)
// 64 bytes a step, for the cached row sums below (rows of 64 bytes or more).
// The unpacks work within 128-bit lanes as the 256-bit ones do, so the
// layout and the sums are the same; its round_q2_bytes is its own (below).
struct BytesVec512 {
  typedef __m512i V;
  static constexpr int64_t kBytes = 64;
  static V load(const uint8_t* p) { return _mm512_loadu_si512(p); }
  static void store(uint8_t* p, V v) { _mm512_storeu_si512(p, v); }
  static V set1(uint32_t x) { return _mm512_set1_epi32(int(x)); }
  static V zero() { return _mm512_setzero_si512(); }
  static V unpack_lo8(V a, V b) { return _mm512_unpacklo_epi8(a, b); }
  static V unpack_hi8(V a, V b) { return _mm512_unpackhi_epi8(a, b); }
  static V madd16(V a, V b) { return _mm512_madd_epi16(a, b); }
  static V mul32(V a, V b) { return _mm512_mullo_epi32(a, b); }
  static V add32(V a, V b) { return _mm512_add_epi32(a, b); }
};
#endif

#if defined(__AVX2__) || defined(__SSE4_1__)
typedef BytesVec::V BytesV;

// The pair of 16-bit weights (w1 for the first tap, w0 for the second) as
// pmaddwd takes it.
template <class B = BytesVec>
inline typename B::V weight_pair(uint32_t w1, uint32_t w0) { return B::set1(w1 | (w0 << 16)); }

// a·w1 + b·w0 for every byte of a and b, as four vectors of 32-bit sums:
// sums[k] holds bytes 4k .. 4k + 3 of each 128-bit lane.
template <class B = BytesVec>
inline void blend_pairs(typename B::V a, typename B::V b, typename B::V weights, typename B::V sums[4]) {
  const typename B::V lo = B::unpack_lo8(a, b), hi = B::unpack_hi8(a, b), z = B::zero();
  sums[0] = B::madd16(B::unpack_lo8(lo, z), weights);
  sums[1] = B::madd16(B::unpack_hi8(lo, z), weights);
  sums[2] = B::madd16(B::unpack_lo8(hi, z), weights);
  sums[3] = B::madd16(B::unpack_hi8(hi, z), weights);
}

// round_q2 of each 32-bit lane of the four vectors of blend_pairs' layout,
// packed back into one vector of bytes in order.
template <class B = BytesVec>
inline typename B::V round_q2_bytes(const typename B::V v[4]) {
  return B::pack16(B::pack32(B::round_q2(v[0]), B::round_q2(v[1])), B::pack32(B::round_q2(v[2]), B::round_q2(v[3])));
}

#if defined(__AVX512BW__)
// The same for 64 bytes: the rounded value is byte 3 of t = v + 2^23 − 1 +
// (bit 24 of v), and v[k]'s lane j of each 128-bit lane is byte 4k + j of
// that lane, so one byte shuffle per vector, merged under a byte mask, puts
// the bytes in order (4 shuffles, for the 4 shifts and 3 packs).
template <>
inline __m512i round_q2_bytes<BytesVec512>(const __m512i v[4]) {
  typedef BytesVec512 B;
  // byte p of each lane from byte 4·(p mod 4) + 3: v[k] fills p = 4k .. 4k + 3
  const __m512i top_bytes = B::set1(0x0F0B0703u);
  __m512i out = B::zero();
  for (int k = 0; k < 4; ++k) {
    const __mmask16 odd = _mm512_test_epi32_mask(v[k], B::set1(1u << 24));
    __m512i t = B::add32(v[k], B::set1(kHalfQ2 - 1));
    t = _mm512_mask_add_epi32(t, odd, t, B::set1(1));
    out = k == 0 ? _mm512_shuffle_epi8(t, top_bytes) : _mm512_mask_shuffle_epi8(out, __mmask64(0x000F000F000F000Full << (4 * k)), t, top_bytes);
  }
  return out;
}
#endif

// Elements [0, returned) of blend_interior's three tap patterns, a vector of
// bytes per step: all n when n is at least a vector (the last step overlaps
// the one before and stores the same bytes again), else none; the caller's
// loops do the rest. The sums are those of the loops: h = x1·a1 + x0·a0 per
// row, y1·h1 + y0·h0 (mod 2^32, which holds them), and the one-axis forms
// 4096·(w1·a1 + w0·a0).
inline int64_t blend_bytes_vec(const uint8_t* p0, const uint8_t* p1, uint8_t* __restrict out, int64_t n, int64_t c,
                               uint32_t x1, uint32_t x0, uint32_t y1, uint32_t y0) {
  typedef BytesVec V;
  constexpr int64_t kB = V::kBytes;
  if (n < kB || (x1 == 0 && y1 == 0)) return 0;
  auto steps = [n](auto step) {
    int64_t i = 0;
    for (; i + kB <= n; i += kB) step(i);
    if (i < n) step(n - kB);
  };
  if (x1 != 0 && y1 != 0) {
    const BytesV wx = weight_pair(x1, x0), wy1 = V::set1(y1), wy0 = V::set1(y0);
    steps([&](int64_t i) {
      BytesV v[4], h1[4];
      blend_pairs(V::load(p0 + i - c), V::load(p0 + i), wx, v);
      blend_pairs(V::load(p1 + i - c), V::load(p1 + i), wx, h1);
      for (int k = 0; k < 4; ++k) v[k] = V::add32(V::mul32(wy1, h1[k]), V::mul32(wy0, v[k]));
      V::store(out + i, round_q2_bytes(v));
    });
  } else {
    // one axis: the taps (a1, a0) are p0[i − c], p0[i] (x) or p1[i], p0[i] (y)
    const bool x = x1 != 0;
    const BytesV w = x ? weight_pair(x1, x0) : weight_pair(y1, y0);
    const uint8_t* t1 = x ? p0 - c : p1;
    steps([&](int64_t i) {
      BytesV v[4];
      blend_pairs(V::load(t1 + i), V::load(p0 + i), w, v);
      for (int k = 0; k < 4; ++k) v[k] = V::shl32<12>(v[k]);
      V::store(out + i, round_q2_bytes(v));
    });
  }
  return n;
}
#else
inline int64_t blend_bytes_vec(const uint8_t*, const uint8_t*, uint8_t*, int64_t, int64_t, uint32_t, uint32_t, uint32_t, uint32_t) {
  return 0;
}
#endif

inline void blend_interior(const Plane& q, const uint8_t* p0, const uint8_t* p1, uint8_t* __restrict out, int64_t n) {
  const int64_t c = q.c;
  const uint32_t x1 = uint32_t(q.wx1), x0 = uint32_t(q.wx0), y1 = uint32_t(q.wy1), y0 = uint32_t(q.wy0);
  const int64_t done = blend_bytes_vec(p0, p1, out, n, c, x1, x0, y1, y0);
  p0 += done;
  p1 += done;
  out += done;
  n -= done;
  if (x1 != 0 && y1 != 0) {
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t h0 = x1 * p0[i - c] + x0 * p0[i];
      const uint32_t h1 = x1 * p1[i - c] + x0 * p1[i];
      out[i] = round_q2(y1 * h1 + y0 * h0);
    }
  } else if (x1 != 0) {
    for (int64_t i = 0; i < n; ++i) out[i] = round_q2(kOneQ * (x1 * p0[i - c] + x0 * p0[i]));
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = round_q2(y1 * (kOneQ * p1[i]) + y0 * (kOneQ * p0[i]));
  }
}

// The s0 source pixel of each output column [x0, x1) of one row, through the
// fill rule, written as runs into `ext` (c elements per pixel); a null row is
// the constant fill row.
template <class T>
void extend_columns(const Plane& q, const T* row, T* ext, int64_t x0, int64_t x1) {
  const T fill = T(q.fill_value);
  if (row == nullptr) {
    fill_elements<T>(ext, (x1 - x0) * q.c, fill);
    return;
  }
  for (int64_t x = x0; x < x1;) {
    const Run r = next_run(x, x1, q.w, q.kx, q.fill);
    write_run<T, 0>(r, row, q.w * q.c, ext + (x - x0) * q.c, fill, q.c);
    x += r.n;
  }
}

// Bilinear output columns [x0, x1) of one row where taps may fall outside
// the image, in tiles: each tile's taps are first laid out in two short
// extended rows (runs through the fill rule, as the integer shift writes
// them), then blended by the interior loop, so the edges cost about what the
// interior does (an index map and four branches per element cost more than
// the whole interior at offsets of ±10 %). The scratch is two tiles on the
// stack whatever the width; an image with more channels than a tile holds
// goes element by element.
constexpr int64_t kTileElements = 1024;

template <class T>
void blend_edge_columns(const Plane& q, const T* r0, const T* r1, T* out, int64_t x0, int64_t x1) {
  if (q.c > kTileElements / 4) {
    blend_columns<T>(q, r0, r1, out, x0, x1);
    return;
  }
  T ext0[kTileElements], ext1[kTileElements];
  const int64_t tile = kTileElements / q.c - 1;  // one more pixel: the s1 tap of the tile's first column
  for (int64_t x = x0; x < x1; x += tile) {
    const int64_t n = x1 - x < tile ? x1 - x : tile;
    extend_columns<T>(q, r0, ext0, x - 1, x + n);
    if (q.wy1 != 0.0f) extend_columns<T>(q, r1, ext1, x - 1, x + n);
    blend_interior(q, ext0 + q.c, ext1 + q.c, out + x * q.c, n * q.c);
  }
}

// --- bilinear rows from extended rows -----------------------------------
//
// A row that fits kExtRowBytes is blended in ONE vector pass from two
// extended rows on the stack: the s0 taps of output columns −1 .. w − 1 of
// its two source rows, laid out through the fill rule as runs (block copies,
// broadcasts, reversed copies: as the integer shift writes a row). Output
// column x reads s0 at ext[x + 1] and s1 = s0 of x − 1 at ext[x], edges
// included, so the row has no edge cases. (The edge tiles below, an extended
// run and a short blend per edge and source row, cost as much as the whole
// interior at offsets of ±10 %: perf, issue 20.) Row y's r1 is row y + 1's
// r0, so each source row is extended once. The values are blend()'s: the
// same taps through the same loop (blend_interior).
constexpr int64_t kExtRowBytes = 8 << 10;

template <class T>
constexpr int64_t ext_row_elements() { return kExtRowBytes / int64_t(sizeof(T)); }

template <class T>
inline bool fits_ext_row(const Plane& q) { return (q.w + 1) * q.c <= ext_row_elements<T>(); }

// Bilinear outputs of kStreamMinBytes or more (copy.h) are streamed: each
// row is blended into a row on the stack, then written with non-temporal
// stores (no read for ownership of the output lines). Zen 3, 64x224x224x3:
// float32 (38.5 MB) took 0.89-0.98x the time unstreamed; uint8 (9.6 MB: its
// input and output fit the L3, as a memcpy's do) 1.14-1.34x.

// The runs of the s0 taps of columns [−1, w): the same for every row of a plane.
inline RowRuns plan_taps(const Plane& q) {
  RowRuns p;
  p.end = -1;
  while (p.end < q.w && p.count < RowRuns::kCapacity) {
    p.run[p.count] = next_run(p.end, q.w, q.w, q.kx, q.fill);
    p.end += p.run[p.count++].n;
  }
  return p;
}

// One run of an extended row. AVX-512 builds copy a forward run (most of
// the row) with copy_span's aligned 32-byte stores: through copy_bytes'
// unaligned 64-byte moves, every store to ext + c crossed a line, and W2
// took 1.1-1.2x the time (alternated in one process, round 5).
template <class T, int C>
inline void extend_run(const Run& r, const T* row, int64_t row_len, T* ext, T fill, int64_t c) {
#if defined(__AVX512F__)
  if (r.kind == RunKind::kForward) {
    copy_span(ext, row + r.s * channels<C>(c), size_t(r.n * channels<C>(c)) * sizeof(T));
    return;
  }
#endif
  write_run<T, C>(r, row, row_len, ext, fill, c);
}

// The s0 taps of columns [−1, w) of source row `row` (null: the constant
// fill row) at ext, c elements a column.
template <class T, int C>
void extend_row(const Plane& q, const RowRuns& plan, const T* row, T* ext) {
  const int64_t c = channels<C>(q.c), row_len = q.w * c;
  const T fill = T(q.fill_value);
  if (row == nullptr) {
    fill_elements<T>(ext, row_len + c, fill);
    return;
  }
  int64_t x = -1;
  for (int i = 0; i < plan.count; ++i) {
    extend_run<T, C>(plan.run[i], row, row_len, ext + (x + 1) * c, fill, c);
    x += plan.run[i].n;
  }
  while (x < q.w) {
    const Run r = next_run(x, q.w, q.w, q.kx, q.fill);
    extend_run<T, C>(r, row, row_len, ext + (x + 1) * c, fill, c);
    x += r.n;
  }
}

// One output row of n elements at `out`, written by `blend(to)`: in place,
// or when `stream` into `line` (a row on the stack) and from there with
// non-temporal stores (stream_bytes: n·sizeof(T) >= 64).
template <class T, class Blend>
inline void write_row(T* out, T* line, int64_t n, bool stream, const Blend& blend) {
  if (stream) {
    blend(line);
    stream_bytes(out, line, size_t(n) * sizeof(T));
  } else {
    blend(out);
  }
}

// A plane whose rows fit (fits_ext_row), row by row from extended rows
// (above); `stream`: rows of at least kStreamMinRun bytes written with
// non-temporal stores (stream_bytes needs 64 bytes or more: given a shorter
// row it stores past the row's end and its tail length wraps, a segfault;
// and a short row is mostly partial lines anyway).
template <class T, int C>
void blend_plane_rows(const T* src, T* dst, const Plane& q, bool stream_if_long) {
  constexpr int64_t kN = ext_row_elements<T>();
  const int64_t c = channels<C>(q.c), row_len = q.w * c;
  const bool stream = stream_if_long && size_t(row_len) * sizeof(T) >= kStreamMinRun;
  const RowRuns plan = plan_taps(q);
  T ext_a[kN], ext_b[kN], line[kN];
  T* const ext[2] = {ext_a, ext_b};
  int64_t held[2] = {-2, -2};  // the source row each buffer holds (−1: the fill row; −2: none)
  // source row m (through the fill rule) extended, leaving the buffer that holds row `keep`
  auto extended = [&](int64_t m, int64_t keep) -> const T* {
    for (int i = 0; i < 2; ++i)
      if (held[i] == m) return ext[i];
    const int i = held[0] == keep ? 1 : 0;
    extend_row<T, C>(q, plan, m < 0 ? nullptr : src + m * row_len, ext[i]);
    held[i] = m;
    return ext[i];
  };
  const bool two_y = q.wy1 != 0.0f;
  for (int64_t y = 0; y < q.h; ++y) {
    const int64_t m0 = map_index(y - q.ky, q.h, q.fill);
    const int64_t m1 = two_y ? map_index(y - q.ky - 1, q.h, q.fill) : m0;
    const T* e0 = extended(m0, m1);
    const T* e1 = extended(m1, m0);
    write_row(dst + y * row_len, line, row_len, stream, [&](T* out) { blend_interior(q, e0 + c, e1 + c, out, row_len); });
  }
}

// --- uint8 rows of both axes from cached row sums -----------------------
//
// Output row y blends the horizontal sums h = x1·a[i − c] + x0·a[i] of its
// two source rows, and row y + 1 reads one of the same rows again: the
// vector blend above computed every row's sums twice (half of its
// shuffles and pmaddwd). Here each source row's sums are computed once, into
// a buffer of 32-bit sums on the stack (blend_pairs' layout, four vectors a
// step), and an output row is its two rows' buffers blended vertically and
// rounded. The sums are the integers of the loops, so the bytes are the same.
#if defined(__AVX2__) || defined(__SSE4_1__)
// Rows of at most this many elements, with the extended row's extra pixel
// (two buffers of 4 bytes an element: 16 KiB of stack; RGB rows up to 681 pixels).
constexpr int64_t kSumRowElements = 2048;

// The steps of a row of n >= B::kBytes elements: B::kBytes apart, the last
// one at n − B::kBytes (overlapping the one before), as blend_bytes_vec's.
template <class B>
inline int64_t sum_steps(int64_t n) { return (n + B::kBytes - 1) / B::kBytes; }
template <class B>
inline int64_t sum_step_at(int64_t k, int64_t n) {
  const int64_t i = k * B::kBytes;
  return i + B::kBytes <= n ? i : n - B::kBytes;
}

// x1·p[i − c] + x0·p[i] for the n elements from p (an extended row's s0
// taps; p[−c .. −1] the s1 tap of the first column), four vectors a step.
template <class B>
inline void row_sums(const uint8_t* p, int64_t n, int64_t c, typename B::V wx, typename B::V* sums) {
  const int64_t steps = sum_steps<B>(n);
  for (int64_t k = 0; k < steps; ++k) {
    const int64_t i = sum_step_at<B>(k, n);
    blend_pairs<B>(B::load(p + i - c), B::load(p + i), wx, sums + 4 * k);
  }
}

// round_q2(y1·h1 + y0·h0) of two rows' sums, n bytes out.
template <class B>
inline void blend_row_sums(const typename B::V* h0, const typename B::V* h1, int64_t n, typename B::V wy1, typename B::V wy0,
                           uint8_t* __restrict out) {
  const int64_t steps = sum_steps<B>(n);
  for (int64_t k = 0; k < steps; ++k) {
    typename B::V v[4];
    for (int j = 0; j < 4; ++j) v[j] = B::add32(B::mul32(wy1, h1[4 * k + j]), B::mul32(wy0, h0[4 * k + j]));
    B::store(out + sum_step_at<B>(k, n), round_q2_bytes<B>(v));
  }
}

inline bool fits_cached_sums(const Plane& q) {
  const int64_t row_len = q.w * q.c;
  return q.wx1 != 0.0f && q.wy1 != 0.0f && row_len >= BytesVec::kBytes && row_len + q.c <= kSumRowElements;
}

// A uint8 plane with weights on both axes whose rows fit (fits_cached_sums),
// row by row from the sums of its source rows, B::kBytes a step (rows of at
// least that many bytes); `stream` as blend_plane_rows.
template <int C, class B>
void blend_plane_sums(const uint8_t* src, uint8_t* dst, const Plane& q, bool stream_if_long) {
  typedef typename B::V V;
  const int64_t c = channels<C>(q.c), row_len = q.w * c;
  const bool stream = stream_if_long && size_t(row_len) >= kStreamMinRun;
  const RowRuns plan = plan_taps(q);
  const V wx = weight_pair<B>(uint32_t(q.wx1), uint32_t(q.wx0));
  const V wy1 = B::set1(uint32_t(q.wy1)), wy0 = B::set1(uint32_t(q.wy0));
  uint8_t ext[kSumRowElements], line[kSumRowElements];
  V sums_a[4 * kSumRowElements / B::kBytes], sums_b[4 * kSumRowElements / B::kBytes];
  V* const sums[2] = {sums_a, sums_b};
  int64_t held[2] = {-2, -2};  // the source row each buffer holds (−1: the fill row; −2: none)
  // the sums of source row m (through the fill rule), leaving the buffer that holds row `keep`
  auto row_sums_of = [&](int64_t m, int64_t keep) -> const V* {
    for (int i = 0; i < 2; ++i)
      if (held[i] == m) return sums[i];
    const int i = held[0] == keep ? 1 : 0;
    extend_row<uint8_t, C>(q, plan, m < 0 ? nullptr : src + m * row_len, ext);
    row_sums<B>(ext + c, row_len, c, wx, sums[i]);
    held[i] = m;
    return sums[i];
  };
  for (int64_t y = 0; y < q.h; ++y) {
    const int64_t m0 = map_index(y - q.ky, q.h, q.fill), m1 = map_index(y - q.ky - 1, q.h, q.fill);
    const V* h0 = row_sums_of(m0, m1);
    const V* h1 = row_sums_of(m1, m0);
    write_row(dst + y * row_len, line, row_len, stream, [&](uint8_t* out) { blend_row_sums<B>(h0, h1, row_len, wy1, wy0, out); });
  }
}

// The widest vectors a row fills: AVX-512 builds take 64 bytes a step for
// rows of 64 bytes or more, the 256-bit steps for shorter ones.
template <int C>
inline void blend_plane_sums_widest(const uint8_t* src, uint8_t* dst, const Plane& q, bool stream) {
#if defined(__AVX512BW__)
  if (q.w * q.c >= BytesVec512::kBytes) {
    blend_plane_sums<C, BytesVec512>(src, dst, q, stream);
    return;
  }
#endif
  blend_plane_sums<C, BytesVec>(src, dst, q, stream);
}

inline bool blend_plane_cached(const uint8_t* src, uint8_t* dst, const Plane& q, bool stream) {
  if (!fits_cached_sums(q)) return false;
  switch (q.c) {
    case 1: blend_plane_sums_widest<1>(src, dst, q, stream); break;
    case 3: blend_plane_sums_widest<3>(src, dst, q, stream); break;
    case 4: blend_plane_sums_widest<4>(src, dst, q, stream); break;
    default: blend_plane_sums_widest<0>(src, dst, q, stream); break;
  }
  return true;
}
#else
inline bool blend_plane_cached(const uint8_t*, uint8_t*, const Plane&, bool) { return false; }
#endif
inline bool blend_plane_cached(const float*, float*, const Plane&, bool) { return false; }

template <class T>
void blend_plane(const T* src, T* dst, const Plane& q, bool stream) {
  if (blend_plane_cached(src, dst, q, stream)) return;
  switch (q.c) {
    case 1: blend_plane_rows<T, 1>(src, dst, q, stream); break;
    case 3: blend_plane_rows<T, 3>(src, dst, q, stream); break;
    case 4: blend_plane_rows<T, 4>(src, dst, q, stream); break;
    default: blend_plane_rows<T, 0>(src, dst, q, stream); break;
  }
}

// A plane shifted by fractional offsets: rows that fit from extended rows
// (above); wider ones with the interior of each row straight from the source
// rows, the edges (and rows with a tap outside the image) through bounded
// tiles. Scratch is a few fixed-size rows on the stack, so the memory a call
// needs does not grow with the image (a 2^24-pixel-wide row once took 700 MB
// of scratch).
template <class T>
void shift_plane(const T* src, T* dst, const Plane& q, bool stream, bool stream_blend, RowShuffleCache& shuffles) {
  if (q.wx1 == 0.0f && q.wy1 == 0.0f) {
    const auto fill = fill_as_copied(src, q.fill_value);
    if (is_shuffle_row(q, sizeof(T))) {
      shuffle_plane(as_copied(src), as_copied(dst), q, fill, shuffles);
      return;
    }
    if (is_small_plane(q, sizeof(T)) && copy_small_plane(as_copied(src), as_copied(dst), q, fill)) return;
    copy_plane(as_copied(src), as_copied(dst), q, fill, stream);
    return;
  }
  const int64_t row_len = q.w * q.c;
  if (fits_ext_row<T>(q)) {
    blend_plane<T>(src, dst, q, stream_blend);
    return;
  }
  const bool two_y = q.wy1 != 0.0f;
  int64_t lo, hi;
  interior(q.w, q.kx, q.wx1 != 0.0f, lo, hi);
  if (hi < 0) lo = hi = 0;  // shifted out to the left: no interior, and the edge ranges below start at 0
  auto source_row = [&](int64_t y) -> const T* {
    const int64_t m = map_index(y, q.h, q.fill);
    return m < 0 ? nullptr : src + m * row_len;
  };
  for (int64_t y = 0; y < q.h; ++y) {
    T* out = dst + y * row_len;
    const T* r0 = source_row(y - q.ky);
    const T* r1 = two_y ? source_row(y - q.ky - 1) : r0;
    if (r0 == nullptr || r1 == nullptr) {
      blend_edge_columns<T>(q, r0, r1, out, 0, q.w);
      continue;
    }
    blend_edge_columns<T>(q, r0, r1, out, 0, lo);
    blend_edge_columns<T>(q, r0, r1, out, hi, q.w);
    if (hi > lo) blend_interior(q, r0 + (lo - q.kx) * q.c, r1 + (lo - q.kx) * q.c, out + lo * q.c, (hi - lo) * q.c);
  }
}

template <class T>
void shift_images(const T* src, T* dst, const ShiftParams& p, size_t first, size_t count) {
  const int64_t plane = p.h * p.w;
  // reflect and mirror measured slower streamed (1.6-1.7x -> 2.0-2.5x a memcpy
  // at ±20 %, uint8, busy host; constant 1.5 -> 1.0-1.1x, wrap 2.2 -> 1.5-1.7x)
  // the op's output, not this call's range (p.out_images): a piece of a large op streams as the whole op would
  const int64_t images = p.out_images > int64_t(count) ? p.out_images : int64_t(count);
  const int64_t bytes = images * plane * p.c * int64_t(sizeof(T));
  const bool stream = kCanStream && p.fill != 2 && p.fill != 3 && bytes >= kStreamMinBytes;
  const bool stream_blend = kCanStream && bytes >= kStreamMinBytes;
  RowShuffleCache shuffles;  // integer shifts of 16-32-byte rows: the shuffles of each kx met
  for (size_t i = first; i < first + count; ++i) {
    Plane q{p.h, p.w, p.nchw ? 1 : p.c, p.kx[i], p.ky[i], p.fill, p.fill_value, p.wx1[i], p.wx0[i], p.wy1[i], p.wy0[i]};
    if (!p.nchw) {
      shift_plane<T>(src + int64_t(i) * plane * p.c, dst + int64_t(i) * plane * p.c, q, stream, stream_blend, shuffles);
    } else {
      for (int64_t ch = 0; ch < p.c; ++ch) {
        const int64_t at = (int64_t(i) * p.c + ch) * plane;
        shift_plane<T>(src + at, dst + at, q, stream, stream_blend, shuffles);
      }
    }
  }
  if (stream || stream_blend) stream_fence();
}

}  // namespace shift_detail

inline void shift_u8(const uint8_t* src, uint8_t* dst, const ShiftParams& p, size_t first, size_t count) {
  shift_detail::shift_images<uint8_t>(src, dst, p, first, count);
}

inline void shift_f32(const float* src, float* dst, const ShiftParams& p, size_t first, size_t count) {
  shift_detail::shift_images<float>(src, dst, p, first, count);
}
