// Noise injection (DESIGN §5), bit-identical to src/backends/js/noise.ts.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS after random.h
// (no include guard, no standard headers).
//
// An image is processed in chunks of stream positions. A *noise* object
// (ValueNoise for gaussian / uniform / speckle, SaltPepperNoise) turns a
// chunk's draws into per-position data and applies it to contiguous elements;
// a *walker* (one per layout case) decides which elements a chunk covers.
// Where ValueNoise can, a walker instead hands it a whole run of positions
// and a *placement* (ToPixels, ToPlanes, SplitToPlanes) that says where each
// value goes.
//
// uint8 results are saturate(roundHalfEven(x + n)) (speckle: x · n), exactly:
// the sum through an exact float32 decomposition (add_round_saturate), the
// product in double (x has 8 bits and n 24: the product fits in 53).

namespace noise_detail {

#include "rounding.h"  // round_half_even

constexpr int64_t kChunk = 512;  // stream positions per chunk: whole generator iterations on every ISA

// The counters of a run of stream positions over consecutive images, each
// `blocks` whole Philox blocks long (DESIGN §3: block b of image i has the
// counter (b, first_sample + i, epoch, stream)), so that one pass of the
// generator covers a batch of small images: per image, the generator's
// software pipeline would fill and drain again, with the key schedule and
// a partial last iteration each time (1024×28×28 in 1024 passes: ~460 ns
// per uint8 image and ~180 per float32 one on top of the draws). Block B of
// the run is block B mod blocks of image B / blocks; a group of S::kBlocks
// blocks within one image is philox_start's, one that crosses an image end
// is put together lane by lane. blocks = UINT64_MAX: one image, any length
// (float32 only: with_counters).
template <class S>
struct ImageRunCounters {
  using U64 = typename S::U64;
  static_assert(sizeof(U64) == sizeof(uint64_t) * S::kBlocks, "a U64 vector holds S::kBlocks 64-bit lanes, lane 0 first");
  uint64_t blocks;  // per image
  uint32_t first_sample;
  U64 epoch, stream;
  uint64_t next = 0, image = 0, b = 0;  // the run's block `next` is block b of image `image`

  ImageRunCounters(uint64_t image_blocks, uint32_t sample, uint32_t ep, uint32_t st)
      : blocks(image_blocks), first_sample(sample), epoch(S::set64(ep)), stream(S::set64(st)) {}

  template <int G>
  [[gnu::always_inline]] void operator()(U64 (&x)[G][4], uint64_t block) {
    if (block != next) image = block / blocks, b = block % blocks;  // the first call (visit_counters then goes on in order)
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g) {
      if (b == blocks) b = 0, ++image;
      if (b + S::kBlocks <= blocks) {
        x[g][0] = S::blocks_from(b);
        x[g][1] = S::xor64(S::shr32(x[g][0]), S::set64(uint32_t(first_sample + image)));
        b += S::kBlocks;
      } else {
        straddle(x[g][0], x[g][1]);  // once per image end, so a branch rather than selects in every group
      }
      x[g][2] = epoch;
      x[g][3] = stream;
    }
    next = block + uint64_t(G) * S::kBlocks;
  }
  // words 0 and 1 of a group that reaches past the image's last block (here
  // blocks < 2^32, so word 1 is the sample alone), lane by lane through
  // memory. always_inline and through locals: GCC must not see x's address
  // escape, or it keeps the whole generator state on the stack.
  [[gnu::always_inline]] void straddle(U64& word0, U64& word1) {
    alignas(64) uint64_t w0[S::kBlocks], w1[S::kBlocks];
    for (int l = 0; l < S::kBlocks; ++l) {
      if (b == blocks) b = 0, ++image;
      w0[l] = b++;
      w1[l] = uint32_t(first_sample + image);
    }
    word0 = lanes_from_blocks<S>(w0);  // w0[l] is block l of the group, not lane l
    word1 = lanes_from_blocks<S>(w1);
  }
};

// saturate(roundHalfEven(v)), NaN (0 · ∞) giving 0 as in the js backend
// rather than an undefined conversion. Clamping first gives the same result
// as rounding first, since the bounds are integers.
inline uint8_t saturate_u8(double v) {
  const double c = v > 0.0 ? (v < 255.0 ? v : 255.0) : 0.0;
  return uint8_t(int32_t(round_half_even(c)));
}

// saturate(roundHalfEven(x + n)) for integer x, exactly, in float32: with
// m = roundHalfEven(n) and f = n − m (both exact), x + n rounds to x + m,
// except that a tie (f = ±0.5, so m is even) goes to the even one of
// x + m and x + m ± 1, i.e. moves by ±1 when x is odd. |n| is clamped to 512
// first: beyond that the result saturates either way.
inline uint8_t add_round_saturate(uint8_t x, float n) {
  const float magic = 12582912.0f;  // 1.5 · 2^23: (v + magic) − magic rounds half to even for |v| < 2^22
  const float nc = n > -512.0f ? (n < 512.0f ? n : 512.0f) : -512.0f;  // NaN (∞ − ∞) gives -512, so 0 as in js
  const float m = (nc + magic) - magic;
  const float f = nc - m;
  const int odd = x & 1;
  const int r = int(x) + int(m) + (f == 0.5f ? odd : 0) - (f == -0.5f ? odd : 0);
  return uint8_t(r < 0 ? 0 : (r > 255 ? 255 : r));
}

// v < lo ? lo : (v > hi ? hi : v), which is what min(hi, max(lo, v)) computes
// lane-wise with the Simd wrappers' x86 semantics (NaN passes through).
template <bool kClip>
inline float clip_f32(float v, float lo, float hi) {
  return kClip ? (v < lo ? lo : (v > hi ? hi : v)) : v;
}

// --- Apply rules: how one noise value n changes one element x, as a vector
// form block(x, out, n) over kStep contiguous elements and their values, and
// a scalar form one(x, n). kFused: the rule also has vec(x, out, v) for
// kLanes values in a register, and is applied straight from the generator's
// registers (ValueNoise::generate_apply) rather than through a chunk buffer;
// measured per rule, as it helps float32 (W3 6.4 -> 6.0 ms) but slows the
// uint8 rule (W4 6.5 -> 7.9 ms; with the pipelined generator still 5.3 -> 6.0
// ms), one vector at a time. kQuads: the rule also has quad(x, out, v[4])
// for 4 · kLanes values in registers, its block form, and that is applied
// straight from the generator's registers, 4 vectors at a time (random.h's
// QuadVisit): the uint8 add rule, which so saves the buffer's stores and
// loads and the out-of-line flush per 512 values (Zen 4 host, CPU time,
// old and new alternated in native/tools/noise_ab.cc: W4 on AVX-512 8.5 ->
// 7.7 ms, S1 0.72 -> 0.65 ms; AVX2 11.3 -> 10.6 ms, 0.95 -> 0.90 ms).
// kMultiplies: speckle's rules, whose draws are always normals, so
// that no uniform generator is compiled for them.

// out = clip(x + n) or clip(x · n). A fused rule runs over a whole image at
// once, so it asks for its source 1 KiB ahead itself (prefetches do not
// fault past the end); W3 5.6 -> 5.0 ms against 512-position chunks, each
// prefetched before its draws.
template <bool kMultiply, bool kClip>
struct CombineF32 {
  static constexpr bool kFused = true;
  static constexpr bool kQuads = false;
  static constexpr bool kMultiplies = kMultiply;
  static constexpr int kStep = Simd::kLanes;
  static constexpr int kPrefetchAhead = 256;  // floats
  float lo, hi;
  // the results for x[0, kLanes), for a placement that stores them itself
  Simd::F32 value(const float* x, Simd::F32 n) const {
    using S = Simd;
    __builtin_prefetch(x + kPrefetchAhead, 0);
    S::F32 v = kMultiply ? S::mul(S::loadf(x), n) : S::add(S::loadf(x), n);
    if (kClip) v = S::minf(S::setf(hi), S::maxf(S::setf(lo), v));
    return v;
  }
  void vec(const float* x, float* out, Simd::F32 n) const { Simd::storef(out, value(x, n)); }
  void block(const float* x, float* out, const float* n) const { vec(x, out, Simd::loadf(n)); }
  float one(float x, float n) const { return clip_f32<kClip>(kMultiply ? x * n : x + n, lo, hi); }
};

// add_round_saturate four vectors at a time (the compiler's own
// vectorization of it is branchy and slow): nearest-even m and fraction f;
// the tie fix-up as t = trunc(2f), which is ±1 exactly at the ties f = ±0.5
// and 0 otherwise; the ISA's add_odd_ties_u8 adds x, m and t where x is odd
// and narrows to bytes, 4 · kLanes at once (W4 rule alone 1.0 -> 0.6 ms
// against one vector at a time). kClamp: |n| may reach 2^21, where the
// conversions need the clamp to ±512; an image whose |mean| + 8 std is below
// that (every realistic one) skips it (W4 rule 0.8 -> 0.6 ms); one whose
// noise can be NaN (∞ − ∞) has an infinite bound and so clamps.
constexpr float kNoClampBelow = 2097152.0f;  // 2^21

// Whether the ISA has any_half_multiple and add_u8 (AVX-512).
template <class S, class = void>
struct HasTieTest {
  static constexpr bool value = false;
};
template <class S>
struct HasTieTest<S, decltype(void(&S::add_u8))> {
  static constexpr bool value = true;
};

// saturate(x + m) where no value of v is a tie and the ISA tests for them
// (a template, so that other ISAs compile no call to what they lack);
// false: out not written
template <class S>
[[gnu::always_inline]] inline bool add_u8_without_ties(const uint8_t* x, uint8_t* out, const typename S::F32 (&v)[4], const typename S::U32 (&m)[4]) {
  if constexpr (HasTieTest<S>::value) {
    if (__builtin_expect(!S::any_half_multiple(v), 1)) {
      S::add_u8(x, out, m);
      return true;
    }
  }
  return false;
}

template <bool kClamp>
struct AddU8 {
  static constexpr bool kFused = false;
  static constexpr bool kQuads = true;
  static constexpr bool kMultiplies = false;
  static constexpr int kStep = 4 * Simd::kLanes;
  // always_inline: GCC called it once per 64 bytes on AVX-512, reloading its
  // constants each time (W4 8.48 -> 8.42 ms, medians of 3 interleaved runs)
  [[gnu::always_inline]] void block(const uint8_t* x, uint8_t* out, const float* n) const {
    using S = Simd;
    quad(x, out, {S::loadf(n), S::loadf(n + S::kLanes), S::loadf(n + 2 * S::kLanes), S::loadf(n + 3 * S::kLanes)});
  }
  // the same from 4 vectors of values (n[i / kLanes] lane i % kLanes)
  [[gnu::always_inline]] void quad(const uint8_t* x, uint8_t* out, const Simd::F32 (&n)[4]) const {
    using S = Simd;
    S::U32 m[4], t[4];
    S::F32 v[4];
    for (int i = 0; i < 4; ++i) {
      v[i] = n[i];
      // maxf(v, -512) is -512 for NaN (an offset and scale both infinite),
      // so the result is 0 as in js; the conversions would differ by ISA
      if (kClamp) v[i] = S::minf(S::setf(512.0f), S::maxf(v[i], S::setf(-512.0f)));
      m[i] = S::cvt_nearest_i32(v[i]);
    }
    // no tie among the 4 vectors (nearly always: a tie is a value with at
    // most one fraction bit): x + m alone, where the ISA tests for them in
    // few operations (AVX-512: W4 0.95, S1 0.93 of the time on Zen 4,
    // noise_ab.cc; AVX2 0.99-1.03, so it keeps one path)
    if (add_u8_without_ties<S>(x, out, v, m)) return;
    for (int i = 0; i < 4; ++i) {
      const S::F32 f = S::sub(v[i], S::cvt_i32(m[i]));
      t[i] = S::cvtt_i32(S::add(f, f));
    }
    S::add_odd_ties_u8(x, out, m, t);
  }
  uint8_t one(uint8_t x, float n) const { return add_round_saturate(x, n); }
};

// x · n has up to 32 significant bits: exact only in double, lane by lane
// (the compiler vectorizes apply_rule's loop over it; 16 elements per block
// measured no faster)
struct MultiplyU8 {
  static constexpr bool kFused = false;
  static constexpr bool kQuads = false;
  static constexpr bool kMultiplies = true;
  static constexpr int kStep = 1;
  void block(const uint8_t* x, uint8_t* out, const float* n) const { *out = one(*x, *n); }
  uint8_t one(uint8_t x, float n) const { return saturate_u8(double(x) * double(n)); }
};

// Asks for a chunk's source lines before its draws are computed, so the
// memory latency overlaps the generator: a chunk is too short a burst for
// the hardware prefetchers to ramp up. (W6 1.9 -> 1.35 ms here; prefetching
// the destination for writing as well was slower.)
template <class T>
inline void prefetch_chunk(const T* src, int64_t count) {
  const char* s = reinterpret_cast<const char*>(src);
  for (int64_t b = 0; b < count * int64_t(sizeof(T)); b += 64) __builtin_prefetch(s + b, 0);
}

// m contiguous elements with their values n[0, m)
template <class Rule, class T>
inline void apply_rule(const Rule& rule, const T* x, T* out, const float* n, int64_t m) {
  int64_t k = 0;
  for (; k + Rule::kStep <= m; k += Rule::kStep) rule.block(x + k, out + k, n + k);
  for (; k < m; ++k) out[k] = rule.one(x[k], n[k]);
}

// Runs n stream values through emit into buf and hands them on in batches:
// drain(filled) whenever at least `batch` are buffered, and once at the end;
// it returns how many leading values it used, and the rest move to the
// front. One pass of the generator for the whole run, so its pipeline never
// drains (a generator call per 512 positions instead cost W4 6.0 vs 4.7 ms
// on Zen 5, and W6's words 0.96 vs 0.57 ms on Zen 4). buf holds batch plus
// one generator iteration.
//
// buf[i] holds the run's position base + i, and `filled` is worked out from
// the position a visit is given: visit_counters is out of line and a vector
// store may alias any variable whose address it was handed, so a counter
// kept there was reloaded, bumped and stored back after each store of 8
// values, a chain through memory 8 times per generator iteration. base only
// changes in flush. (1024×28×28×1 uint8: see "Small-image noise, round 2"
// in docs/performance.md.)
template <class Counters, class Emit, class Drain>
inline void buffered_counters(float* buf, int64_t batch, size_t n, const StreamParams& sp, const Counters& counters, Emit emit, Drain drain) {
  using S = Simd;
  int64_t base = 0;
  // out of line: the generator's loop keeps its registers
  const auto flush = [buf, &base, &drain](int64_t filled) __attribute__((noinline)) {
    const int64_t used = drain(filled);
    __builtin_memmove(buf, buf + used, size_t(filled - used) * sizeof(float));
    base += used;
  };
  visit_counters<S>(
      n, sp, counters, emit,
      [&base, &flush, buf, batch](size_t k, S::F32 v) {
        const int64_t at = int64_t(k) - base;
        S::storef(buf + at, v);
        if (at + S::kLanes >= batch) flush(at + S::kLanes);
      },
      [&base, &flush, buf, batch](size_t k, const float* v, size_t count) {
        const int64_t at = int64_t(k) - base;
        __builtin_memcpy(buf + at, v, count * sizeof(float));
        if (at + int64_t(count) >= batch) flush(at + int64_t(count));
      });
  const int64_t filled = int64_t(n) - base;
  if (filled > 0) flush(filled);
}

template <class Emit, class Drain>
inline void buffered_stream(float* buf, int64_t batch, size_t n, const StreamParams& sp, Emit emit, Drain drain) {
  buffered_counters(buf, batch, n, sp, SampleCounters<Simd>{Simd::set64(sp.sample), Simd::set64(sp.epoch), Simd::set64(sp.stream)}, emit, drain);
}

// --- Position order to element order

// Each of `pixels` values repeated over c channels; fixed small c vectorize.
template <int C, class V>
inline void repeat_fixed(const V* from, V* to, int64_t pixels) {
  for (int64_t q = 0; q < pixels; ++q) {
    for (int ch = 0; ch < C; ++ch) to[q * C + ch] = from[q];
  }
}
template <class V>
inline void repeat_per_pixel(const V* from, V* to, int64_t pixels, int64_t c) {
  switch (c) {
    case 1: repeat_fixed<1>(from, to, pixels); return;
    case 2: repeat_fixed<2>(from, to, pixels); return;
    case 3: repeat_fixed<3>(from, to, pixels); return;
    case 4: repeat_fixed<4>(from, to, pixels); return;
  }
  for (int64_t q = 0; q < pixels; ++q) {
    for (int64_t ch = 0; ch < c; ++ch) to[q * c + ch] = from[q];
  }
}
// Channel ch of `pixels` pixels whose values are interleaved by c.
template <int C, class V>
inline void one_channel_fixed(const V* from, V* to, int64_t pixels) {
  for (int64_t q = 0; q < pixels; ++q) to[q] = from[q * C];
}
template <class V>
inline void one_channel(const V* from, V* to, int64_t pixels, int64_t c, int64_t ch) {
  switch (c) {
    case 2: one_channel_fixed<2>(from + ch, to, pixels); return;
    case 3: one_channel_fixed<3>(from + ch, to, pixels); return;
    case 4: one_channel_fixed<4>(from + ch, to, pixels); return;
  }
  for (int64_t q = 0; q < pixels; ++q) to[q] = from[q * c + ch];
}

// Large per-pixel float32 outputs (ToPixels<3>, ToPlanes) are written with
// non-temporal stores where the ISA has them (Simd::kStreamStores: AVX-512):
// their three stores per value vector are what such a run waits for (P1
// and Q1 are memory bound: 1.9-2.4x the time of their normals with the
// buffers in memory, 1.3x in cache), and a streamed line skips the read for
// ownership. Zen 4, noise_ab.cc: P1 0.69-0.76, Q1 0.74 of the time. Not
// per channel (W3, L1: one store per value, generator bound): there the
// streamed stores cost 5-17 % more, as on Zen 5 before (docs/performance.md).
// Outputs of kStreamMinBytes or more (copy.h), as the shifts'.

template <class T>
inline bool streams_output(const NoiseParams& p) {
  return Simd::kStreamStores && sizeof(T) == 4 && p.out_elements * int64_t(sizeof(T)) >= kStreamMinBytes;
}

// out[0, kLanes) = v, streamed (kStream: out 64-byte aligned) or not
template <bool kStream>
inline void store_value(float* out, Simd::F32 v) {
  if constexpr (kStream) Simd::streamf(out, v);
  else Simd::storef(out, v);
}

// --- Placements: where ValueNoise::generate_apply puts the value of the
// k-th position of a run. x and out point at the run's first element; vec
// applies a fused rule to kLanes values in a register, one a rule to one
// value, flush any values it holds back before the k-th arrive one by one.
// Per channel (ToPixels<1>) also runs buffered rules: run applies one to m
// values n[0, m), prefetch asks for the source of m positions. Per pixel,
// and in NCHW per channel, only the fused (float32) rules walk whole runs: uint8 gained
// little from it (3.6 -> 3.5 ms on 64×224×224×3), and each placement adds a
// generator per rule to compile.

// NHWC: pixels of C interleaved channels, each value repeated over its
// pixel's channels (C = 3, RGB: in registers, Simd::repeat3). C = 1 is per
// channel: the positions are the elements. kStream: C = 3 only, the run
// starting where out is aligned (every store then is).
template <int C, bool kStream = false>
struct ToPixels {
  static_assert(C == 1 || C == 3, "a fused rule repeats values over 1 or 3 channels");
  static_assert(C == 3 || !kStream, "only per-pixel runs stream");
  // the scale-only affine form (W3) only where it was measured to help
  static constexpr bool kScaleForm = C == 1;
  // per channel, the run may go on over the following images (their
  // elements follow on, position for position)
  static constexpr bool kRunsOverImages = C == 1;
  template <class Rule, class T>
  void vec(const Rule& rule, const T* x, T* out, size_t k, Simd::F32 v) const {
    using S = Simd;
    if constexpr (C == 1) {
      rule.vec(x + k, out + k, v);
    } else {
      S::F32 repeated[3];
      S::repeat3(v, repeated);
      for (int i = 0; i < 3; ++i) store_value<kStream>(out + 3 * k + i * S::kLanes, rule.value(x + 3 * k + i * S::kLanes, repeated[i]));
    }
  }
  template <class Rule, class T>
  void one(const Rule& rule, const T* x, T* out, size_t k, float v) const {
    for (size_t e = C * k; e < C * k + C; ++e) out[e] = rule.one(x[e], v);
  }
  template <class Rule, class T>
  void run(const Rule& rule, const T* x, T* out, int64_t k, const float* n, int64_t m) const {
    static_assert(C == 1, "buffered rules walk whole runs per channel only");
    apply_rule(rule, x + k, out + k, n, m);
  }
  template <class T>
  void prefetch(const T* x, int64_t k, int64_t m) const {
    static_assert(C == 1, "buffered rules walk whole runs per channel only");
    prefetch_chunk(x + k, m);
  }
  // a quad rule (AddU8) on 4 vectors of values from position k on, its
  // source asked for kQuadPrefetchAhead elements ahead (prefetches do not
  // fault past the end)
  static constexpr int kQuadPrefetchAhead = 1024;
  template <class Rule, class T>
  void quad(const Rule& rule, const T* x, T* out, size_t k, const Simd::F32 (&v)[4]) const {
    static_assert(C == 1, "quad rules walk whole runs per channel only");
    __builtin_prefetch(x + k + kQuadPrefetchAhead, 0);
    rule.quad(x + k, out + k, v);
  }
  template <class Rule, class T>
  void flush(const Rule&, const T*, T*, size_t) const {}  // holds nothing back
};

// NCHW, one value per pixel: the same value in each of c planes. kStream:
// the run starting where out is aligned in every plane.
template <bool kStream = false>
struct ToPlanes {
  static constexpr bool kScaleForm = false;
  static constexpr bool kRunsOverImages = false;
  int64_t c, pixels;
  template <class Rule, class T>
  void vec(const Rule& rule, const T* x, T* out, size_t k, Simd::F32 v) const {
    for (int64_t ch = 0; ch < c; ++ch) store_value<kStream>(out + ch * pixels + k, rule.value(x + ch * pixels + k, v));
  }
  template <class Rule, class T>
  void one(const Rule& rule, const T* x, T* out, size_t k, float v) const {
    for (int64_t ch = 0; ch < c; ++ch) out[ch * pixels + k] = rule.one(x[ch * pixels + k], v);
  }
  template <class Rule, class T>
  void flush(const Rule&, const T*, T*, size_t) const {}  // holds nothing back
};

// NCHW per channel, 3 channels: positions are pixel-major (NHWC order, so
// that both layouts get the same noise), so every 3 vectors of values split
// into one vector per plane (Simd::deinterleave3). The run must start on
// whole pixels and whole Philox blocks (a multiple of 12 positions), so
// that the generator's vectors start there and every third one completes a
// group of whole pixels; the first two wait in `held`. x and out point at
// the run's first pixel in plane 0. (64×224×224×3 float32 on a Zen 4 host:
// 12.7 -> 9.0 ms, AVX2 15.7 -> 13.2 ms, against chunks of 504 positions
// gathered plane by plane, whose memory traffic did not overlap the
// generator; staging the three vectors in a buffer rather than in `held`
// cost ~1 ms.)
struct SplitToPlanes {
  // scale · v where the offset is 0: L1 (NCHW, 64×224×224×3) 0.965 of the
  // time on Zen 4 (noise_ab.cc; ~0.4 ms when first measured), for ~0.2-0.5 MB of addon
  static constexpr bool kScaleForm = true;
  static constexpr bool kRunsOverImages = false;
  int64_t pixels;
  mutable Simd::F32 held[2];
  template <class Rule, class T>
  void vec(const Rule& rule, const T* x, T* out, size_t k, Simd::F32 v) const {
    using S = Simd;
    const size_t part = (k / S::kLanes) % 3;
    if (part == 0) {  // constant indices: a variable one made GCC reload x and out after each store
      held[0] = v;
      return;
    }
    if (part == 1) {
      held[1] = v;
      return;
    }
    S::F32 planes[3];
    S::deinterleave3(held[0], held[1], v, planes);
    const size_t q = (k - 2 * S::kLanes) / 3;  // the group's first pixel
    for (int ch = 0; ch < 3; ++ch) rule.vec(x + ch * pixels + q, out + ch * pixels + q, planes[ch]);
  }
  template <class Rule, class T>
  void one(const Rule& rule, const T* x, T* out, size_t k, float v) const {
    const size_t e = (k % 3) * size_t(pixels) + k / 3;
    out[e] = rule.one(x[e], v);
  }
  // the held values of an unfinished group, before the values from k on
  // arrive one by one
  template <class Rule, class T>
  void flush(const Rule& rule, const T* x, T* out, size_t k) const {
    using S = Simd;
    alignas(64) float values[2 * S::kLanes];
    S::storef(values, held[0]);
    S::storef(values + S::kLanes, held[1]);
    const size_t count = k % (3 * S::kLanes);
    for (size_t i = 0; i < count; ++i) one(rule, x, out, k - count + i, values[i]);
  }
};

// --- The noise objects. Each holds one chunk: generate(j0, m) draws stream
// positions [j0, j0 + m); apply(x, out, m, spread) writes m contiguous
// elements from the chunk, or from the second buffer pick_channel fills with
// one channel's draws; apply_pixels writes m whole pixels of c channels, one
// draw each (NHWC per pixel); one(x, k) is the scalar rule.

template <class T>
struct ValueNoise {
  const NoiseParams& p;
  size_t image;
  // Blocks per image where a run goes on over the following images
  // (noise_images, placements with kRunsOverImages), else UINT64_MAX: the
  // run ends in this image (with_counters).
  uint64_t run_image_blocks = ~uint64_t(0);
  // generate() fills up to kChunk, or 2 · kChunk in NCHW per channel chunks
  // (plane_chunk); a buffered run fills kChunk plus under one generator iteration
  alignas(64) float values[2 * kChunk];
  alignas(64) float spread[kChunk * 4];

  ValueNoise(const NoiseParams& params, size_t i) : p(params), image(i) {}

  StreamParams stream_at(int64_t j0) const {
    return StreamParams{p.key0, p.key1, uint64_t(j0), p.epoch, p.stream, uint32_t(p.first_sample + image)};
  }
  // f(counters) for a run placed by Place: the streams of this image and
  // the following ones (ImageRunCounters) where run_image_blocks says so,
  // else this image's stream alone (SampleCounters, whose Philox rounds 0
  // to 2 fold into constants: random.h's visit_stream)
  template <class Place, class F>
  void with_counters(F f) const {
    using S = Simd;
    const StreamParams sp = stream_at(0);
    if constexpr (Place::kRunsOverImages) {
      if (run_image_blocks != ~uint64_t(0)) return f(ImageRunCounters<S>(run_image_blocks, sp.sample, sp.epoch, sp.stream));
    }
    f(SampleCounters<S>{S::set64(sp.sample), S::set64(sp.epoch), S::set64(sp.stream)});
  }
  void generate(int64_t j0, int64_t m) {
    const AffineParams ap{p.offset[image], p.scale[image]};
    if (p.kind == 1) random_uniform(values, size_t(m), stream_at(j0), ap);
    else random_normal(values, size_t(m), stream_at(j0), ap);
  }
  // Positions [jb, je) in chunks of at most kChunk: f(j0, m) after each
  // chunk's values are drawn.
  template <class F>
  void generate_chunks(int64_t jb, int64_t je, F f) {
    for (int64_t j0 = jb; j0 < je; j0 += kChunk) {
      const int64_t m = je - j0 < kChunk ? je - j0 : kChunk;
      generate(j0, m);
      f(j0, m);
    }
  }
  // NHWC per pixel: the chunk's m values onto m pixels of c channels
  void apply_pixels(const T* x, T* out, int64_t m, int64_t c) {
    repeat_per_pixel<float>(values, spread, m, c);
    apply(x, out, m * c, true);
  }
  void pick_channel(int64_t npix, int64_t c, int64_t ch) { one_channel<float>(values, spread, npix, c, ch); }
  // NCHW per channel: pixels per chunk of c positions each, as many as
  // values holds; a multiple of 64 up to 16 channels, so that the uint8
  // rule's blocks (kStep divides 64 on every ISA) cover each plane's part
  // with no element left to the scalar rule (64×224×224×3 uint8: 11.6 ->
  // 9.4 ms; chunks of 168 pixels left 40 of each plane's part to it), else
  // a multiple of 4 (whole Philox blocks) where possible.
  static int64_t plane_chunk(int64_t c) {
    const int64_t fit = 2 * kChunk / c;
    return fit >= 64 ? fit & ~int64_t(63) : (fit >= 4 ? fit & ~int64_t(3) : fit);
  }

  // f(rule) with this op's rule for T
  template <class F>
  void with_rule(F f) const {
    if constexpr (sizeof(T) == 1) {
      if (p.kind == 2) f(MultiplyU8{});
      else if (__builtin_fabsf(p.offset[image]) + 8.0f * __builtin_fabsf(p.scale[image]) < kNoClampBelow) f(AddU8<false>{});
      else f(AddU8<true>{});
    } else if (p.clip) {
      if (p.kind == 2) f(CombineF32<true, true>{p.clip_lo, p.clip_hi});
      else f(CombineF32<false, true>{p.clip_lo, p.clip_hi});
    } else {
      if (p.kind == 2) f(CombineF32<true, false>{0.0f, 0.0f});
      else f(CombineF32<false, false>{0.0f, 0.0f});
    }
  }
  void apply(const T* x, T* out, int64_t m, bool from_spread) const {
    const float* n = from_spread ? spread : values;
    with_rule([&](const auto& rule) { apply_rule(rule, x, out, n, m); });
  }
  T one(T x, int64_t k) const {
    T r{};
    with_rule([&](const auto& rule) { r = rule.one(x, values[k]); });
    return r;
  }
  // f(emit) with this op's emitter (uniform, or normal for gaussian and
  // speckle) in the affine form kForm; only the normal one for speckle's
  // rules (kMultiplies)
  template <Affine kForm, bool kMultiplies, class F>
  void with_emit(F f) const {
    using S = Simd;
    const S::F32 offset = S::setf(p.offset[image]), scale = S::setf(p.scale[image]);
    if (!kMultiplies && p.kind == 1) f(UniformEmit<S, kForm>{offset, scale});
    else f(NormalEmit<S, kForm>{offset, scale});
  }

  // Walkers hand generate_apply whole runs: NHWC per channel and 1-channel
  // images, float32 per pixel with 3 channels in NHWC or up to 4 in NCHW,
  // and float32 per channel with 3 channels in NCHW.
  static constexpr bool kWholeRuns = true;

  // Positions [j0, j0 + m) onto the elements `place` gives them from x on,
  // in one pass of the generator: a fused rule takes the values straight
  // from the generator's registers, a quad rule too, 4 vectors at a time,
  // any other rule from buffered_stream, kChunk at a time. (Per pixel, float32: one pass with the memory traffic
  // interleaved with the generator, rather than a generator call per 512
  // pixels followed by their apply, took 64×224×224×3 from 6.4 to 4.0 ms in
  // NHWC and from 6.9 to 4.6 ms in NCHW on a Zen 4 host.)
  template <class Place>
  void generate_apply(const T* x, T* out, int64_t j0, int64_t m, const Place& place) {
    using S = Simd;
    with_rule([&](auto rule) {  // by value: decltype(rule) names the rule type
      using Rule = decltype(rule);
      if constexpr (Rule::kFused) {
        // x, out and the rule by value: by reference, visit_counters (out of
        // line) was handed their addresses, and after each vector store
        // (which may alias them) it reloaded x and out
        const auto visit = [&place, rule, x, out](size_t k, S::F32 v) { place.vec(rule, x, out, k, v); };
        const auto tail = [&](size_t k, const float* v, size_t count) {
          place.flush(rule, x, out, k);
          for (size_t i = 0; i < count; ++i) place.one(rule, x, out, k + i, v[i]);
        };
        const auto run = [&](auto emit) {
          with_counters<Place>([&](auto counters) { visit_counters<S>(size_t(m), stream_at(j0), counters, emit, visit, tail); });
        };
        // scale · v where the offset is 0 (W3 7.54 -> 7.35 ms on a Zen 4
        // host, median of 5 interleaved runs' medians); the uint8 rule (W4),
        // when it ran from a buffer, 2 % slower with it (from registers, see
        // below).
        // No identity form for (0, 1), unlike with_affine_form: it saves 4 of
        // the generator's ~126 operations per 32 normals and, instantiated
        // for every fused rule, grew the addon from 2.8 to 3.3 MB.
        if constexpr (Place::kScaleForm) {
          if (affine_is_scale_only(p.offset[image], p.scale[image])) return with_emit<Affine::kScale, Rule::kMultiplies>(run);
        }
        with_emit<Affine::kFull, Rule::kMultiplies>(run);
      } else if constexpr (Rule::kQuads) {
        // the uint8 sum straight from the generator's registers, 4 vectors
        // at a time (as it runs from the buffer below), x, out and the rule
        // by value as above
        const auto visit = quad_visit([&place, rule, x, out](size_t k, S::F32 a, S::F32 b, S::F32 c, S::F32 d) {
          place.quad(rule, x, out, k, {a, b, c, d});
        });
        const auto tail = [&](size_t k, const float* v, size_t count) {
          for (size_t i = 0; i < count; ++i) place.one(rule, x, out, k + i, v[i]);
        };
        const auto run = [&](auto emit) {
          with_counters<Place>([&](auto counters) { visit_counters<S>(size_t(m), stream_at(j0), counters, emit, visit, tail); });
        };
        // scale · v where the offset is 0, on AVX-512 only: W4 0.95-0.96 of
        // the time, S1 0.96-0.97 (Zen 4, noise_ab.cc); on AVX2 0.99-1.01, so
        // the other ISAs keep one generator per rule
        if constexpr (S::kLanes >= 16) {
          if (affine_is_scale_only(p.offset[image], p.scale[image])) return with_emit<Affine::kScale, Rule::kMultiplies>(run);
        }
        with_emit<Affine::kFull, Rule::kMultiplies>(run);
      } else {
        static_assert(4 * 4 * S::kBlocks <= kChunk, "values holds kChunk plus one generator iteration");
        int64_t done = 0;  // positions applied
        place.prefetch(x, 0, m < kChunk ? m : kChunk);
        with_emit<Affine::kFull, Rule::kMultiplies>([&](auto emit) {
          with_counters<Place>([&](auto counters) {
            buffered_counters(values, kChunk, size_t(m), stream_at(j0), counters, emit, [&](int64_t filled) {
              const int64_t next = done + filled;
              place.prefetch(x, next, m - next < kChunk ? m - next : kChunk);  // the next chunk's source
              place.run(rule, x, out, done, values, filled);
              done = next;
              return filled;
            });
          });
        });
      }
    });
  }
};

// The bits of a uint8 or float32 element.
template <class T> struct BitsOf;
template <> struct BitsOf<uint8_t> { using Type = uint8_t; };
template <> struct BitsOf<float> { using Type = uint32_t; };

// Salt and pepper needs only 16 random bits per position: word q of the
// stream holds positions 2q (low half) and 2q + 1 (high half). Each position
// becomes a keep mask and a value to OR in, so that every element is
// (x & keep) | set: branch-free, whatever the hit rate.
template <class T>
struct SaltPepperNoise {
  using Bits = typename BitsOf<T>::Type;
  typedef uint16_t __attribute__((may_alias)) Half;  // the words are stored through float lanes

  const NoiseParams& p;
  size_t image;
  uint32_t pepper_below, salt_below;  // t < pepper_below: pepper; t < salt_below: salt
  Bits pepper_bits, salt_bits;
  // kChunk / 2 words, plus what one generator call may hand over past them
  alignas(64) uint32_t words[kChunk / 2 + 4 * 4 * Simd::kBlocks + 1];
  alignas(64) Bits keep[kChunk], set[kChunk];
  alignas(64) Bits keep_spread[kChunk * 4], set_spread[kChunk * 4];

  SaltPepperNoise(const NoiseParams& params, size_t i)
      : p(params), image(i), pepper_below(p.pepper_below[i]), salt_below(p.salt_below[i]),
        pepper_bits(__builtin_bit_cast(Bits, T(p.pepper_value))), salt_bits(__builtin_bit_cast(Bits, T(p.salt_value))) {}

  bool replaces_nothing() const { return salt_below == 0; }

  StreamParams words_at(int64_t q) const {
    return StreamParams{p.key0, p.key1, uint64_t(q), p.epoch, p.stream, uint32_t(p.first_sample + image)};
  }
  void generate(int64_t j0, int64_t m) {
    const int64_t odd = j0 & 1;  // a chunk may start on a high half
    random_words(words, size_t((m + odd + 1) / 2), words_at(j0 / 2));
    masks(reinterpret_cast<const Half*>(words) + odd, m);
  }
  // Positions [jb, je) in chunks of at most kChunk: f(j0, m) after each
  // chunk's masks are made, from words drawn in one pass (buffered_stream).
  template <class F>
  void generate_chunks(int64_t jb, int64_t je, F f) {
    if (jb >= je) return;
    constexpr int64_t kWords = kChunk / 2;
    int64_t q = jb / 2;  // the first buffered word
    buffered_stream(reinterpret_cast<float*>(words), kWords, size_t((je + 1) / 2 - q), words_at(q), WordsEmit<Simd>{},
                    [&](int64_t filled) {
                      int64_t used = 0;  // words[used, filled) are words q, q + 1, ...
                      while (filled - used >= kWords || (filled > used && 2 * (q + filled - used) >= je)) {
                        const int64_t take = filled - used < kWords ? filled - used : kWords;
                        const int64_t j0 = jb > 2 * q ? jb : 2 * q, j1 = je < 2 * (q + take) ? je : 2 * (q + take);
                        masks(reinterpret_cast<const Half*>(words + used) + (j0 - 2 * q), j1 - j0);
                        f(j0, j1 - j0);
                        used += take, q += take;
                      }
                      return used;
                    });
  }
  // keep and set of m positions from their 16-bit draws t[0, m)
  void masks(const Half* t, int64_t m) {
    static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "halves: low half first in memory");
    const Bits ones = Bits(~Bits(0));
    // 16-bit compares (twice the lanes of 32-bit ones): t < below as t <= below − 1,
    // salt_below >= 1 here; without pepper, t <= 0 is a salt hit anyway
    const uint16_t salt_max = uint16_t(salt_below - 1), pepper_max = uint16_t(pepper_below ? pepper_below - 1 : 0);
    const Bits pepper_or_salt = pepper_below ? pepper_bits : salt_bits;
    for (int64_t k = 0; k < m; ++k) {
      const uint16_t v = t[k];
      keep[k] = v <= salt_max ? Bits(0) : ones;
      set[k] = v <= pepper_max ? pepper_or_salt : (v <= salt_max ? salt_bits : Bits(0));
    }
  }
  // NHWC per pixel: the chunk's m masks onto m pixels of c channels. For
  // uint8 with 3 channels the ISA repeats them in registers
  // (keep_or_set_3ch) rather than through keep_spread and set_spread.
  void apply_pixels(const T* x, T* out, int64_t m, int64_t c) {
    if constexpr (sizeof(T) == 1) {
      if (c == 3) return apply_3ch(x, out, m);
    }
    repeat_per_pixel<Bits>(keep, keep_spread, m, c);
    repeat_per_pixel<Bits>(set, set_spread, m, c);
    apply(x, out, m * c, true);
  }
  void apply_3ch(const T* x, T* out, int64_t m) const {
    constexpr int64_t kPixels = 4 * Simd::kLanes;
    int64_t q = 0;
    for (; q + kPixels <= m; q += kPixels) Simd::keep_or_set_3ch(x + 3 * q, out + 3 * q, keep + q, set + q);
    for (; q < m; ++q) {
      for (int64_t e = 3 * q; e < 3 * q + 3; ++e) out[e] = one(x[e], q);
    }
  }
  // NCHW per channel: pixels per chunk of c positions each, a multiple of
  // 4 (whole Philox blocks) where possible
  static int64_t plane_chunk(int64_t c) {
    const int64_t fit = kChunk / c;
    return fit >= 4 ? fit & ~int64_t(3) : fit;
  }
  void pick_channel(int64_t npix, int64_t c, int64_t ch) {
    one_channel<Bits>(keep, keep_spread, npix, c, ch);
    one_channel<Bits>(set, set_spread, npix, c, ch);
  }
  void apply(const T* x, T* out, int64_t m, bool from_spread) const {
    const Bits* kp = from_spread ? keep_spread : keep;
    const Bits* st = from_spread ? set_spread : set;
    for (int64_t k = 0; k < m; ++k) out[k] = __builtin_bit_cast(T, Bits((__builtin_bit_cast(Bits, x[k]) & kp[k]) | st[k]));
  }
  T one(T x, int64_t k) const { return __builtin_bit_cast(T, Bits((__builtin_bit_cast(Bits, x) & keep[k]) | set[k])); }
  // Walkers go chunk by chunk (generate_chunks), never through generate_apply.
  static constexpr bool kWholeRuns = false;
};

// --- Walkers: which elements each chunk covers, one per layout case

// The walkers ask for the next chunk's source before its draws are made.
// A uint8 chunk (at most 2 KiB) is fetched during this chunk's apply (W6
// 2.05 -> 1.96 ms); a float32 chunk's 8 KiB next to this chunk's source,
// destination and masks would crowd L1 (W6 on float32 6.5 -> 7.5 ms), so
// it is fetched after the apply.
template <class T>
constexpr bool kPrefetchDuringApply = sizeof(T) == 1;

// NHWC per channel, and any image of one channel (per pixel or per channel,
// either layout): positions are the elements themselves, in one run where
// the noise takes whole runs.
template <class T, class N>
void walk_nhwc_elements(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  if constexpr (N::kWholeRuns) {
    noise.generate_apply(src + jb, dst + jb, jb, je - jb, ToPixels<1>{});
    return;
  }
  const auto prefetch_from = [&](int64_t j) { prefetch_chunk(src + j, je - j < kChunk ? je - j : kChunk); };
  prefetch_from(jb);
  noise.generate_chunks(jb, je, [&](int64_t j0, int64_t m) {
    if constexpr (kPrefetchDuringApply<T>) prefetch_from(j0 + m);
    noise.apply(src + j0, dst + j0, m, false);
    if constexpr (!kPrefetchDuringApply<T>) prefetch_from(j0 + m);
  });
}

// NHWC per pixel, chunk by chunk.
template <class T, class N>
void walk_nhwc_pixel_chunks(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  const int64_t c = p.c;
  const auto prefetch_from = [&](int64_t j) { prefetch_chunk(src + j * c, (je - j < kChunk ? je - j : kChunk) * c); };
  prefetch_from(jb);
  noise.generate_chunks(jb, je, [&](int64_t j0, int64_t m) {
    if constexpr (kPrefetchDuringApply<T>) prefetch_from(j0 + m);
    noise.apply_pixels(src + j0 * c, dst + j0 * c, m, c);
    if constexpr (!kPrefetchDuringApply<T>) prefetch_from(j0 + m);
  });
}

// Where a whole run of positions from jb on starts: the first position j >=
// jb, a multiple of `step` (whole Philox blocks, so that the generator
// visits vectors from j on; NCHW per channel: whole pixels too), whose
// element dst + j · num / den lies on the ISA's store alignment, so that
// every vector store of the run does (S::kStoreAlign). The positions
// before it go chunk by chunk (at most 12 pixels per image). A 64-byte
// store across a cache line costs more on Zen 4: at malloc's 16-byte offset
// P1 took 7.0 ms against 5.5 aligned, L1 8.4 against 7.8 (noise_ab.cc,
// docs/performance.md). The first multiple of step where no such j is near
// (dst not aligned to its elements' size).
template <class T>
inline int64_t aligned_run_start(const T* dst, int64_t jb, int64_t step, int64_t num, int64_t den) {
  const int64_t first = (jb + step - 1) / step * step;
  const uintptr_t at = reinterpret_cast<uintptr_t>(dst);  // j may lie past the image: no pointer there
  for (int64_t j = first; j < first + step * Simd::kStoreAlign; j += step) {
    if ((at + uintptr_t(j * num / den) * sizeof(T)) % Simd::kStoreAlign == 0) return j;
  }
  return first;
}

template <class T>
inline bool is_store_aligned(const T* at) {
  return reinterpret_cast<uintptr_t>(at) % Simd::kStoreAlign == 0;
}

// NHWC per pixel (2 <= c <= 4): each draw repeated over its pixel's
// channels; whole runs for float32 with 3 channels from an aligned start on
// (a generator per channel count for each rule: the others stay chunk by
// chunk rather than grow the addon further).
template <class T, class N>
void walk_nhwc_pixels(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  if constexpr (N::kWholeRuns && sizeof(T) == 4) {
    if (p.c == 3) {
      const int64_t start = aligned_run_start(dst, jb, 4, 3, 1), ja = start < je ? start : je;
      walk_nhwc_pixel_chunks<T>(src, dst, p, noise, jb, ja);  // nothing when jb == ja
      if (ja >= je) return;
      if constexpr (Simd::kStreamStores) {
        if (streams_output<T>(p) && is_store_aligned(dst + 3 * ja)) {
          noise.generate_apply(src + 3 * ja, dst + 3 * ja, ja, je - ja, ToPixels<3, true>{});
          Simd::stream_fence();
          return;
        }
      }
      noise.generate_apply(src + 3 * ja, dst + 3 * ja, ja, je - ja, ToPixels<3>{});
      return;
    }
  }
  walk_nhwc_pixel_chunks<T>(src, dst, p, noise, jb, je);
}

// NCHW per pixel, chunk by chunk.
template <class T, class N>
void walk_nchw_pixel_chunks(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  const int64_t pixels = p.h * p.w;
  noise.generate_chunks(jb, je, [&](int64_t j0, int64_t m) {
    for (int64_t ch = 0; ch < p.c; ++ch) noise.apply(src + ch * pixels + j0, dst + ch * pixels + j0, m, false);
  });
}

// NCHW per pixel: the same draws for every channel plane; whole runs for
// float32 up to 4 planes (with more, a fused rule would touch that many
// pages per vector). Not from an aligned start with ordinary stores:
// 64×224×224×3 took 1.03-1.08 of the time with one (Zen 4, noise_ab.cc
// Q1), aligned buffers or not. Streamed (streams_output), the run starts
// where plane 0 is aligned, so every plane is where planes are whole lines.
template <class T, class N>
void walk_nchw_pixels(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  const int64_t pixels = p.h * p.w;
  if constexpr (N::kWholeRuns && sizeof(T) == 4) {
    if (p.c <= 4) {
      if constexpr (Simd::kStreamStores) {
        if (streams_output<T>(p) && pixels * int64_t(sizeof(T)) % Simd::kStoreAlign == 0) {
          const int64_t start = aligned_run_start(dst, jb, 4, 1, 1), ja = start < je ? start : je;
          if (ja == je || is_store_aligned(dst + ja)) {
            walk_nchw_pixel_chunks<T>(src, dst, p, noise, jb, ja);  // nothing when jb == ja
            if (ja < je) noise.generate_apply(src + ja, dst + ja, ja, je - ja, ToPlanes<true>{p.c, pixels});
            Simd::stream_fence();
            return;
          }
        }
      }
      return noise.generate_apply(src + jb, dst + jb, jb, je - jb, ToPlanes<>{p.c, pixels});
    }
  }
  walk_nchw_pixel_chunks<T>(src, dst, p, noise, jb, je);
}

// NCHW per channel (c <= kChunk): chunks of whole pixels, one plane at a time
// (jb and je are whole pixels: multiples of c).
template <class T, class N>
void walk_nchw_element_chunks(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  const int64_t pixels = p.h * p.w, c = p.c, end = je / c;
  const int64_t step = noise.plane_chunk(c);
  for (int64_t pix0 = jb / c; pix0 < end; pix0 += step) {
    const int64_t npix = end - pix0 < step ? end - pix0 : step;
    noise.generate(pix0 * c, npix * c);
    for (int64_t ch = 0; ch < c; ++ch) {
      noise.pick_channel(npix, c, ch);
      noise.apply(src + ch * pixels + pix0, dst + ch * pixels + pix0, npix, true);
    }
  }
}

// NCHW per channel: float32 with 3 channels in one run (SplitToPlanes) from
// whole pixels and whole Philox blocks (a multiple of 12 positions) on whose
// pixel is aligned in plane 0, the pixels before it chunk by chunk;
// anything else chunk by chunk.
template <class T, class N>
void walk_nchw_elements(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  if constexpr (N::kWholeRuns && sizeof(T) == 4) {
    if (p.c == 3) {
      const int64_t start = aligned_run_start(dst, jb, 12, 1, 3), ja = start < je ? start : je;
      walk_nchw_element_chunks<T>(src, dst, p, noise, jb, ja);  // nothing when jb == ja
      if (ja < je) noise.generate_apply(src + ja / 3, dst + ja / 3, ja, je - ja, SplitToPlanes{p.h * p.w, {}});
      return;
    }
  }
  walk_nchw_element_chunks<T>(src, dst, p, noise, jb, je);
}

// Anything else (thousands of channels): element by element.
template <class T, class N>
void walk_any(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  const int64_t pixels = p.h * p.w, c = p.c, repeat = p.per_channel ? 1 : c;
  for (int64_t j0 = jb; j0 < je; j0 += kChunk) {
    const int64_t m = je - j0 < kChunk ? je - j0 : kChunk;
    noise.generate(j0, m);
    for (int64_t k = 0; k < m; ++k) {
      const int64_t j = j0 + k;
      for (int64_t ch = 0; ch < repeat; ++ch) {
        const int64_t e = p.per_channel ? (p.nchw ? (j % c) * pixels + j / c : j) : (p.nchw ? ch * pixels + j : j * c + ch);
        dst[e] = noise.one(src[e], k);
      }
    }
  }
}

// Whether an image's stream positions are its elements, in order (NHWC per
// channel, or one channel), so that the next image's positions follow on
// in memory.
inline bool positions_are_elements(const NoiseParams& p) { return (p.per_channel && !p.nchw) || p.c == 1; }

// Stream positions [jb, je) of one image.
template <class T, class N>
void walk(const T* src, T* dst, const NoiseParams& p, N& noise, int64_t jb, int64_t je) {
  if (positions_are_elements(p)) walk_nhwc_elements<T>(src, dst, p, noise, jb, je);
  else if (!p.per_channel && p.nchw) walk_nchw_pixels<T>(src, dst, p, noise, jb, je);
  else if (!p.per_channel && p.c <= 4) walk_nhwc_pixels<T>(src, dst, p, noise, jb, je);
  else if (p.per_channel && p.c <= kChunk) walk_nchw_elements<T>(src, dst, p, noise, jb, je);
  else walk_any<T>(src, dst, p, noise, jb, je);
}

// The elements of positions [jb, je) of one image, in either layout.
template <class T>
void copy_positions(const T* src, T* dst, const NoiseParams& p, int64_t jb, int64_t je) {
  const int64_t pixels = p.h * p.w, c = p.c;
  if (!p.nchw) {  // contiguous
    const int64_t e0 = p.per_channel ? jb : jb * c, e1 = p.per_channel ? je : je * c;
    copy_span(dst + e0, src + e0, size_t(e1 - e0) * sizeof(T));
    return;
  }
  const int64_t q0 = p.per_channel ? jb / c : jb, q1 = p.per_channel ? je / c : je;  // whole pixels
  for (int64_t ch = 0; ch < c; ++ch) copy_span(dst + ch * pixels + q0, src + ch * pixels + q0, size_t(q1 - q0) * sizeof(T));
}

template <class T>
void noise_image(const T* src, T* dst, const NoiseParams& p, size_t image, int64_t jb, int64_t je) {
  if (p.kind == 3) {
    SaltPepperNoise<T> noise(p, image);
    if (noise.replaces_nothing()) {
      if (dst != src) copy_positions<T>(src, dst, p, jb, je);
      return;
    }
    walk<T>(src, dst, p, noise, jb, je);
    return;
  }
  ValueNoise<T> noise(p, image);
  walk<T>(src, dst, p, noise, jb, je);
}

// Positions [begin, end) of the batch, counted image after image (image i
// holds [i·P, (i + 1)·P), P = noise_positions(p)), so that threads can share
// even a single large image.
// The images of positions [begin, end) can be one run of the generator
// (ImageRunCounters): value noise whose positions are the elements, each
// image whole Philox blocks (the blocks of consecutive images then line up
// with their elements), and the same offset and scale for all, hence the
// same rule and emitter (the bits compared: -0 and NaN too).
inline bool runs_over_images(const NoiseParams& p, uint64_t begin, uint64_t end) {
  const uint64_t positions = uint64_t(noise_positions(p));
  if (p.kind == 3 || !positions_are_elements(p) || positions % 4 != 0 || positions / 4 >= (uint64_t(1) << 32)) return false;
  const uint64_t first = begin / positions, last = (end - 1) / positions;
  if (end <= begin || first == last) return false;
  const auto bits = [](float v) { return __builtin_bit_cast(uint32_t, v); };
  for (uint64_t i = first + 1; i <= last; ++i) {
    if (bits(p.offset[i]) != bits(p.offset[first]) || bits(p.scale[i]) != bits(p.scale[first])) return false;
  }
  return true;
}

// Images of kFoldedImagePositions or more go one by one all the same: a
// run over images starts every block from its counter (Philox rounds 0 to
// 2 in full), where one image's stream folds them (visit_stream), and per
// image the generator's pipeline fill and drain (a few hundred ns) are
// small against what the folded rounds save (64×224×224×3, 150528
// positions an image: W4 0.95-0.96 of the time at AVX-512, 0.97 at AVX2 in
// noise_ab.cc, 0.90-0.95 in the addon; W3 0.94-1.0 in the addon; Zen 4
// host). W3 had lost 7-20 % in the addon until the generator's loops were
// made noinline (random.h's visit_blocks_wide). The second generator per
// rule (folded and not) costs ~0.8 MB of addon for float32.
constexpr uint64_t kFoldedImagePositions = uint64_t(1) << 16;

template <class T>
void noise_images(const T* src, T* dst, const NoiseParams& p, uint64_t begin, uint64_t end) {
  const int64_t size = p.h * p.w * p.c, positions = noise_positions(p);
  const bool folds = uint64_t(positions) >= kFoldedImagePositions;
  if (!folds && runs_over_images(p, begin, end)) {
    const int64_t first = int64_t(begin) / positions, jb = int64_t(begin) - first * positions;
    ValueNoise<T> noise(p, size_t(first));
    noise.run_image_blocks = uint64_t(positions) / 4;
    const int64_t e0 = first * size + jb;  // positions are elements: size == positions
    noise.generate_apply(src + e0, dst + e0, jb, int64_t(end - begin), ToPixels<1>{});
    return;
  }
  for (int64_t i = int64_t(begin) / positions; i * positions < int64_t(end); ++i) {
    const int64_t jb = int64_t(begin) > i * positions ? int64_t(begin) - i * positions : 0;
    const int64_t je = int64_t(end) - i * positions < positions ? int64_t(end) - i * positions : positions;
    noise_image<T>(src + i * size, dst + i * size, p, size_t(i), jb, je);
  }
}

}  // namespace noise_detail

inline void noise_u8(const uint8_t* src, uint8_t* dst, const NoiseParams& p, uint64_t begin, uint64_t end) {
  noise_detail::noise_images<uint8_t>(src, dst, p, begin, end);
}

inline void noise_f32(const float* src, float* dst, const NoiseParams& p, uint64_t begin, uint64_t end) {
  noise_detail::noise_images<float>(src, dst, p, begin, end);
}

// out = x · (offset + scale · z) on the element stream, straight from the generator.
inline void gaussian_dropout(const float* x, float* out, size_t n, const StreamParams& sp, const AffineParams& ap) {
  using S = Simd;
  const noise_detail::CombineF32<true, false> rule{0.0f, 0.0f};
  visit_stream<S>(
      n, sp, NormalEmit<S, Affine::kFull>{S::setf(ap.offset), S::setf(ap.scale)},
      [rule, x, out](size_t k, S::F32 v) { rule.vec(x + k, out + k, v); },  // by value, as in generate_apply
      [rule, x, out](size_t k, const float* v, size_t count) {
        for (size_t i = 0; i < count; ++i) out[k + i] = rule.one(x[k + i], v[i]);
      });
}

// out = U(w) < rate ? 0 : keep_value on the element stream.
inline void dropout_mask(float* out, size_t n, const StreamParams& sp, float rate, float keep_value) {
  random_uniform(out, n, sp, AffineParams{0.0f, 1.0f});
  for (size_t k = 0; k < n; ++k) out[k] = out[k] < rate ? 0.0f : keep_value;
}
