// Byte copies the kernels share (shift's runs, erase's images and box rows,
// flip's unmirrored rows and images, mix's pasted images, crop's interiors).
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS before the
// kernels that use it (no include guard, no standard headers). Bytes are
// bytes: float32 NaN payloads are kept.

// Ops whose whole output (every image, however threads cut it into calls)
// is at least this many bytes write it with non-temporal stores, where a
// kernel does (shift.h, affine.h, noise.h): input and output together (32
// MiB and more) then overflow a 32 MB L3, so a memcpy of them runs from
// memory anyway, while smaller outputs (a 64x224x224x3 uint8 batch is 9.6
// MB, an MNIST batch 0.8 MB) stay in the L3 for the op that reads them next.
// The line was 4 MiB (chosen on a busy Zen 5, whose L3 the other tenants
// filled); on a quiet Zen 4 streaming the 9.6 MB uint8 batch cost 1.2-1.6x
// the time of ordinary stores (shift_ab, AVX-512 and AVX2, 2026-12-07), and
// on Zen 3 it was no faster than the in-L3 memcpy.
constexpr int64_t kStreamMinBytes = int64_t(16) << 20;

namespace copy_detail {

// --- short copies, inline ---------------------------------------------------
//
// Rows are short (28 bytes for MNIST, a few hundred for ImageNet crops),
// where a call to memcpy per run costs as much as the copy: below 64 bytes,
// two overlapping moves of the largest power of two that fits; above,
// 64-byte pieces, the last one overlapping the one before. The 32- and
// 64-byte moves are the target's widest vector loads and stores: GCC's
// generic tuning lowered the constant-size memcpy to 16-byte moves in the
// AVX2 build (perf, issue 20 round 3), half the width a memcpy of the same
// rows uses. A 64-byte piece is two 32-byte moves in the AVX-512 build
// too: rows start at any byte (offsets of c-byte pixels), so nearly every
// unaligned 64-byte move crosses a cache line, and on Zen 5 (full-width
// AVX-512) a 64-byte move that does cost more than two 32-byte ones, of
// which only one crosses. With 64-byte moves the uint8 integer shifts took
// 1.16-1.34x the AVX2 build's time (W1, H2; buffers at 0, 8, 16 or 48 mod
// 64), with 32-byte ones 0.95-1.08x (native/tools/isa_pair_ab.cc, one
// process, ABBA, CPU time, load 14-16, 2026-12-07, round 7). Zen 4 runs a
// 64-byte move as two 32-byte halves anyway, and lost on line-crossing
// 64-byte accesses in round 5 (blend8, copy_span), so this form is no
// worse there.
template <size_t N, bool kWide>
inline void move_bytes(char* to, const char* from) {
#if defined(__AVX2__)  // and AVX-512 (above)
  if constexpr (kWide && (N == 32 || N == 64)) {
    for (size_t i = 0; i < N; i += 32)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(to + i), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from + i)));
    return;
  }
#endif
  __builtin_memcpy(to, from, N);
}

template <size_t N, bool kWide>
inline void copy_two_overlapping(char* to, const char* from, size_t n) {
  move_bytes<N, kWide>(to, from);
  move_bytes<N, kWide>(to + n - N, from + n - N);
}

}  // namespace copy_detail

// n bytes from `from` to `to` (not overlapping), short: inline moves.
// kWide = false keeps them to the compiler's choice (16 bytes), for the
// partial lines around streamed stores (shift.h).
template <bool kWide = true>
inline void copy_bytes(void* __restrict to_, const void* __restrict from_, size_t n) {
  using copy_detail::copy_two_overlapping;
  using copy_detail::move_bytes;
  char* to = static_cast<char*>(to_);
  const char* from = static_cast<const char*>(from_);
  if (n >= 64) {
    for (size_t i = 0; i + 64 < n; i += 64) move_bytes<64, kWide>(to + i, from + i);
    move_bytes<64, kWide>(to + n - 64, from + n - 64);
  } else if (n >= 32) {
    copy_two_overlapping<32, kWide>(to, from, n);
  } else if (n >= 16) {
    copy_two_overlapping<16, kWide>(to, from, n);
  } else if (n >= 8) {
    copy_two_overlapping<8, kWide>(to, from, n);
  } else if (n >= 4) {
    copy_two_overlapping<4, kWide>(to, from, n);
  } else if (n > 0) {  // 1 to 3 bytes: first, middle, last
    to[0] = from[0];
    to[n / 2] = from[n / 2];
    to[n - 1] = from[n - 1];
  }
}

// --- long copies: stores aligned to the output, loads a step ahead ---------
//
// glibc copies 2 KiB-1 MiB (an image: 150 KB for 224x224x3 uint8) with `rep
// movsb`, whose speed on Zen 4 depends on where the destination sits against
// the source modulo 64: at dst - src = +1, +4 or +8 bytes a 64-image batch
// took 2.8 ms against 0.29 ms for glibc's own 9.6 MB copy, at +16 (two Node
// buffers can sit so) 0.5-0.7 ms; so did a loop of unaligned 64-byte loads
// and stores (scratch microbenchmark, 2026-12-07, round 3; likely a load
// waiting on the store just before it, whose address matches in the low 12
// bits). Stores aligned to the destination, with the loads of the next step
// issued before the stores of this one, ran 0.27-0.30 ms at every offset
// tried. The same stall hit shift's wrap rows (the output and source rows of
// an image keep one offset, so some images lose on every row).
#if defined(__AVX2__)  // and AVX-512: 32-byte vectors (below)
struct CopyLane {
  typedef __m256i V;
  static constexpr size_t kBytes = 32;
  static V load(const char* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(char* p, V v) { _mm256_store_si256(reinterpret_cast<__m256i*>(p), v); }
  static void store_unaligned(char* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
};
#elif defined(__SSE4_1__)
struct CopyLane {
  typedef __m128i V;
  static constexpr size_t kBytes = 16;
  static V load(const char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static void store(char* p, V v) { _mm_store_si128(reinterpret_cast<__m128i*>(p), v); }
  static void store_unaligned(char* p, V v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
};
#endif

#if defined(__AVX2__) || defined(__SSE4_1__)
// n bytes, not overlapping, any length. From 5 vectors on: the head stored
// unaligned up to the first aligned vector, then aligned blocks of 4, each
// block's stores after the loads of the next block, then an overlapping
// tail. 32-byte vectors in the AVX-512 build too. Alternated in one process
// (erase_ab, shift_ab; Zen 4, 2026-12-07, round 4, load 5-7), 64-byte pairs
// (shift's own form before) took 3-8 % longer on erase's images and box
// rows and 0-4 % on shift's wrap rows; 32-byte pairs and 64-byte blocks of
// 4 were within ±4 % of this form, either way from run to run.
[[gnu::always_inline]] inline void copy_span(void* to_, const void* from_, size_t n) {
  typedef CopyLane L;
  typedef typename L::V V;
  constexpr size_t kV = L::kBytes, kBlock = 4 * kV;
  char* to = static_cast<char*>(to_);
  const char* from = static_cast<const char*>(from_);
  if (n < kBlock + kV) {
    copy_bytes(to, from, n);
    return;
  }
  L::store_unaligned(to, L::load(from));  // the head, up to the first aligned vector
  size_t i = kV - (reinterpret_cast<uintptr_t>(to) & (kV - 1));
  V a = L::load(from + i), b = L::load(from + i + kV), c = L::load(from + i + 2 * kV), d = L::load(from + i + 3 * kV);
  for (; i + 2 * kBlock <= n; i += kBlock) {
    const V a2 = L::load(from + i + kBlock), b2 = L::load(from + i + kBlock + kV);
    const V c2 = L::load(from + i + kBlock + 2 * kV), d2 = L::load(from + i + kBlock + 3 * kV);
    L::store(to + i, a), L::store(to + i + kV, b), L::store(to + i + 2 * kV, c), L::store(to + i + 3 * kV, d);
    a = a2, b = b2, c = c2, d = d2;
  }
  L::store(to + i, a), L::store(to + i + kV, b), L::store(to + i + 2 * kV, c), L::store(to + i + 3 * kV, d);
  for (i += kBlock; i + kV <= n; i += kV) L::store(to + i, L::load(from + i));
  if (i < n) L::store_unaligned(to + n - kV, L::load(from + n - kV));  // the tail, overlapping
}
#else
// Scalar (the fallback) and NEON builds: memcpy for long copies, whose
// offset stall was seen only with x86 `rep movsb`.
inline void copy_span(void* to, const void* from, size_t n) {
  if (n < 256) copy_bytes(to, from, n);
  else __builtin_memcpy(to, from, n);
}
#endif
