// Philox4x32-10 element streams and the float32 Box–Muller of DESIGN §3,
// written once against the Simd wrapper of the including ISA file.
//
// Included by native/isa/<isa>.cc inside namespace fastaug::FASTAUG_ISA_NS,
// after simd/<isa>.h, so every ISA gets its own copy under its own namespace
// (no include guard on purpose). Must not include standard headers.
//
// Bit-exactness with src/backends/js/random.ts rests on: the same sequence of
// IEEE float32 +, -, *, /, sqrt (no FMA: -ffp-contract=off), the same
// constants given as bit patterns, and integer tricks that are exact.

namespace philox_detail {

// Bit patterns of the float32 constants, shared verbatim with the TS backend.
constexpr uint32_t kOneMinusHalfUlp = 0x3F7FFFFFu;  // 1 - 2^-24
constexpr uint32_t kInv3 = 0x3EAAAAABu, kInv5 = 0x3E4CCCCDu, kInv7 = 0x3E124925u;
constexpr uint32_t kLn2Hi = 0x3F318000u;  // 0.693359375: k * hi is exact for |k| <= 24
constexpr uint32_t kLn2Lo = 0xB95E8083u;  // ln 2 - hi
constexpr uint32_t kPiOver2Pow23 = 0x34C90FDBu;
constexpr uint32_t kSin3 = 0xBE2AAAABu, kSin5 = 0x3C088889u, kSin7 = 0xB9500D01u, kSin9 = 0x3638EF1Du;  // ±1/n!
constexpr uint32_t kCos2 = 0xBF000000u, kCos4 = 0x3D2AAAABu, kCos6 = 0xBAB60B61u, kCos8 = 0x37D00D01u;

inline float bits(uint32_t b) { return __builtin_bit_cast(float, b); }

}  // namespace philox_detail

// Ten broadcast round keys, computed once per call.
template <class S>
struct PhiloxRoundKeys {
  typename S::U64 k0[kPhiloxRounds];
  typename S::U64 k1[kPhiloxRounds];
  PhiloxRoundKeys(uint32_t key0, uint32_t key1) {
    for (int r = 0; r < kPhiloxRounds; ++r) {
      k0[r] = S::set64(uint32_t(key0 + uint32_t(r) * kPhiloxW0));
      k1[r] = S::set64(uint32_t(key1 + uint32_t(r) * kPhiloxW1));
    }
  }
};

// U(w) = ((w >>> 9) + 0.5) * 2^-23: put the 23 bits under exponent 0 to get
// 1 + m*2^-23, then subtract 1 - 2^-24; exact, as the result is representable.
template <class S>
inline typename S::F32 uniform_from_words(typename S::U32 w) {
  using namespace philox_detail;
  const typename S::F32 one_plus = S::as_float(S::bor(S::template srli<9>(w), S::set32(0x3F800000u)));
  return S::sub(one_plus, S::setf(bits(kOneMinusHalfUlp)));
}

// r = sqrt(-2 ln U(w)). U = v * 2^-24 with v = (w >>> 8) | 1, an odd 24-bit
// integer. U = 2^k m with m in [sqrt(1/2), sqrt(2)): adding 0x004AFB0D to the
// bits of float(v) carries into the exponent exactly when the mantissa is
// >= sqrt 2, and subtracting 24 from the exponent field makes it U's (as the
// js backend's k = exponent - 127 - 24). ln U = k ln 2 + ln m, ln m =
// 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.1716, by its series to s^9
// (truncation < 3e-9 relative).
template <class S>
[[gnu::always_inline]] inline typename S::F32 box_muller_radius(typename S::U32 w) {
  using namespace philox_detail;
  using F = typename S::F32;
  const typename S::U32 v = S::bor(S::template srli<8>(w), S::set32(1));
  const typename S::U32 iu = S::add32(S::as_int(S::cvt_i32(v)), S::set32(0x004AFB0Du - (24u << 23)));
  const F kf = S::exponent(S::as_float(iu));  // k: 2^k <= iu's float < 2^(k+1)
  const F m = S::as_float(S::add32(S::band(iu, S::set32(0x007FFFFFu)), S::set32(0x3F3504F3u)));
  const F f = S::sub(m, S::setf(1.0f));
  const F s = S::div(f, S::add(S::setf(2.0f), f));
  const F z = S::mul(s, s);
  F p = S::mul(z, S::setf(bits(kInv7)));
  p = S::mul(z, S::add(S::setf(bits(kInv5)), p));
  p = S::add(S::setf(bits(kInv3)), p);
  // ln m = 2s + 2s · z · p and ln U = k · ln2hi + (k · ln2lo + ln m), then
  // r² = ln U · (−2), as the js backend computes them; here each of these
  // steps is carried times −2 instead, with the constants scaled. Scaling
  // by a power of two commutes with float32 rounding away from overflow and
  // the subnormals (the smallest nonzero s is ~2^-25, s³ ~2^-75), so the
  // bits are the same and the final multiply is saved (a one-off
  // comparison with the unscaled form over all 2^24 inputs, on every ISA).
  const F minus_4s = S::mul(s, S::setf(-4.0f));
  const F minus_2_ln_m = S::add(minus_4s, S::mul(S::mul(minus_4s, z), p));
  const F r_squared = S::add(S::mul(kf, S::setf(-2.0f * bits(kLn2Hi))), S::add(S::mul(kf, S::setf(-2.0f * bits(kLn2Lo))), minus_2_ln_m));
  return S::sqrt(r_squared);
}

// sin and cos of 2π U(w) from one reduction. The top 3 bits of w are the
// octant o of θ; the next 20 give y = (2k + 1) π / 2^23 in (0, π/4), with k
// mirrored in odd octants so that θ = Q π/2 ± y, Q = (o + 1) >> 1. sin y, cos y
// by Taylor series to y^9 / y^8 (truncation < 3e-8). The octant then only
// swaps and negates, which is exact: sin y and cos y trade places where Q is
// odd (o1 xor o0), sin θ < 0 in octants 4–7 (bit 31 of w) and cos θ < 0 in
// octants 2–5 (bit 31 xor bit 30).
template <class S>
[[gnu::always_inline]] inline void sincos_2pi_uniform(typename S::U32 w, typename S::F32& sin_out, typename S::F32& cos_out) {
  using namespace philox_detail;
  using U = typename S::U32;
  using F = typename S::F32;
  const U sign_bit = S::set32(0x80000000u), k_bits = S::set32(0x001FFFFEu);
  // 2k + 1 straight from bits 8..28: (w >>> 8) holds 2·(the 20 bits) + bit 8;
  // mirrored (k → 2^20 − 1 − k, flipping its bits) where bit 29 (o0) is set
  const U two_k_1 = S::bor(S::band(S::template srli<8>(w), k_bits), S::set32(1));
  const F y = S::mul(S::cvt_i32(S::template xor_bit<29>(w, two_k_1, k_bits)), S::setf(bits(kPiOver2Pow23)));
  const F y2 = S::mul(y, y);
  F ps = S::add(S::setf(bits(kSin7)), S::mul(y2, S::setf(bits(kSin9))));
  ps = S::add(S::setf(bits(kSin5)), S::mul(y2, ps));
  ps = S::add(S::setf(bits(kSin3)), S::mul(y2, ps));
  const F sin_y = S::add(y, S::mul(S::mul(y, y2), ps));
  F pc = S::add(S::setf(bits(kCos6)), S::mul(y2, S::setf(bits(kCos8))));
  pc = S::add(S::setf(bits(kCos4)), S::mul(y2, pc));
  pc = S::add(S::setf(bits(kCos2)), S::mul(y2, pc));
  const F cos_y = S::add(S::setf(1.0f), S::mul(y2, pc));

  // Bit tests rather than masks made from them by shifts: AVX-512 and NEON
  // test a bit in one instruction, and AVX2 / SSE4.1 blend on bit 31 alone
  // (a one-off comparison with the mask form over all 2^32 words).
  const U pairs = S::bxor(w, S::template slli<1>(w));  // bit 31: w31^w30, bit 30: w30^w29
  const U sin_mag = S::template select_bit<30>(pairs, S::as_int(cos_y), S::as_int(sin_y));
  const U cos_mag = S::template select_bit<30>(pairs, S::as_int(sin_y), S::as_int(cos_y));
  sin_out = S::as_float(S::bxor(sin_mag, S::band(w, sign_bit)));
  cos_out = S::as_float(S::bxor(cos_mag, S::band(pairs, sign_bit)));
}

// The counters of G groups of S::kBlocks consecutive blocks from `block` on.
template <class S, int G>
inline void philox_start(typename S::U64 (&x)[G][4], uint64_t block, typename S::U64 sample, typename S::U64 epoch, typename S::U64 stream) {
#pragma GCC unroll 16
  for (int g = 0; g < G; ++g) {
    x[g][0] = S::blocks_from(block + uint64_t(g) * S::kBlocks);
    x[g][1] = S::xor64(S::shr32(x[g][0]), sample);
    x[g][2] = epoch;
    x[g][3] = stream;
  }
}

// The counters of one sample's stream (DESIGN §3): blocks block, block + 1, ...
// of the sample `sample`. visit_counters asks a counters object for G groups
// of S::kBlocks consecutive blocks at a time; noise.h has one whose blocks run
// on over the images of a batch.
template <class S>
struct SampleCounters {
  typename S::U64 sample, epoch, stream;
  template <int G>
  void operator()(typename S::U64 (&x)[G][4], uint64_t block) const { philox_start<S, G>(x, block, sample, epoch, stream); }
};

// Rounds [R0, R1) of G independent groups of S::kBlocks blocks in lock step:
// the interleaving hides the multiply latency. Each 32-bit word lives in the
// low half of a 64-bit lane, so one widening multiply yields both product
// halves; the garbage left in upper halves is never read (mul_wide reads low
// halves). Fully unrolled, so the state stays in registers (GCC keeps these
// loops rolled otherwise and spills x[][] to the stack every round).
template <class S, int G, int R0, int R1>
inline void philox_round_range(typename S::U64 (&x)[G][4], const PhiloxRoundKeys<S>& keys) {
  const typename S::U64 m0 = S::set64(kPhiloxM0), m1 = S::set64(kPhiloxM1);
#pragma GCC unroll 16
  for (int r = R0; r < R1; ++r) {
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g) {
      const typename S::U64 p0 = S::mul_wide(x[g][0], m0);
      const typename S::U64 p1 = S::mul_wide(x[g][2], m1);
      x[g][0] = S::xor64(S::xor64(S::shr32(p1), x[g][1]), keys.k0[r]);
      x[g][1] = p1;
      x[g][2] = S::xor64(S::xor64(S::shr32(p0), x[g][3]), keys.k1[r]);
      x[g][3] = p0;
    }
  }
}

// Visits the stream positions [first, first + n) in order. `emit` turns the
// packed words (x: words 0 and 2 of each block, y: words 1 and 3) into two
// float vectors in the same lane order; visit(k, v) then gets the values of
// positions first + k ... first + k + kLanes − 1 as one vector. Only the
// first and last iterations can be partial: they go through a stack buffer
// and visit_tail(k, values, count).
//
// Software-pipelined: while one iteration's words go through `emit`, the
// next iteration's Philox rounds run, in slices placed between the groups'
// emitters. Philox keeps the multipliers busy and Box–Muller the adders and
// the divider, and neither depends on the other, so together they fill the
// core's pipes; one after the other, each stalled on its own latency chains
// (16.7 M normals in L1, AVX-512: 8.3 -> 6.9 ms, min of 5 interleaved runs;
// the ISA files are also compiled with -fschedule-insns -fsched-pressure,
// without which GCC keeps the slices apart and the gain mostly vanishes).
//
// visit_counters takes the blocks' counters from `counters` (a copy of it,
// which may keep state: counters(x, b) fills G groups from block b on, for
// b = sp.first / 4 and then on by G · S::kBlocks each call); visit_stream is
// the stream of one sample, sp.sample.
template <class S, class Counters, class Emit, class Visit, class VisitTail>
inline void visit_counters(size_t n, const StreamParams& sp, Counters counters, Emit emit, Visit visit, VisitTail visit_tail) {
  constexpr int kGroups = 4;
  constexpr size_t kBlocksPerIter = size_t(kGroups) * S::kBlocks;
  constexpr size_t kFloatsPerIter = 4 * kBlocksPerIter;
  using U32 = typename S::U32;
  using F32 = typename S::F32;
  const PhiloxRoundKeys<S> keys(sp.key0, sp.key1);
  alignas(64) float partial[kFloatsPerIter];
  uint64_t block = sp.first / 4;
  size_t skip = size_t(sp.first % 4);
  size_t done = 0;
  typename S::U64 x[kGroups][4];
  if (n == 0) return;
  counters(x, block);
  philox_round_range<S, kGroups, 0, kPhiloxRounds>(x, keys);
  while (true) {
    const size_t take = (kFloatsPerIter - skip < n - done) ? kFloatsPerIter - skip : n - done;
    const bool whole = skip == 0 && take == kFloatsPerIter;
    const bool more = done + take < n;
    U32 wx[kGroups], wy[kGroups];
#pragma GCC unroll 16
    for (int g = 0; g < kGroups; ++g) {
      wx[g] = S::pack_low_words(x[g][0], x[g][2]);
      wy[g] = S::pack_low_words(x[g][1], x[g][3]);
    }
    F32 first[kGroups], second[kGroups];
    // always_inline here and on the Box–Muller parts: left to GCC, whether they
    // are inlined depends on how much else the translation unit holds, and
    // an out-of-line emitter cost 30 % (16.7 M normals: 6.7 -> 9.0 ms).
    const auto emit_group = [&](int g) __attribute__((always_inline)) {
      F32 a, b;
      emit(wx[g], wy[g], a, b);
      S::order_pairs(a, b, first[g], second[g]);
    };
    if (more) {
      static_assert(kGroups == 4 && kPhiloxRounds == 10, "the slices below cover 10 rounds around 4 emitters");
      counters(x, block + kBlocksPerIter);
      philox_round_range<S, kGroups, 0, 3>(x, keys);
      emit_group(0);
      philox_round_range<S, kGroups, 3, 5>(x, keys);
      emit_group(1);
      philox_round_range<S, kGroups, 5, 8>(x, keys);
      emit_group(2);
      philox_round_range<S, kGroups, 8, 10>(x, keys);
      emit_group(3);
    } else {
      // Out of line: inlined twice, the emitters made short calls (512
      // normals) up to 35 % slower on AVX2 and SSE4.1.
      [&]() __attribute__((noinline)) {
#pragma GCC unroll 16
        for (int g = 0; g < kGroups; ++g) emit_group(g);
      }();
    }
#pragma GCC unroll 16
    for (int g = 0; g < kGroups; ++g) {
      const size_t k = size_t(g) * 2 * S::kLanes;
      if (whole) {
        visit(done + k, first[g]);
        visit(done + k + S::kLanes, second[g]);
      } else {
        S::storef(partial + k, first[g]);
        S::storef(partial + k + S::kLanes, second[g]);
      }
    }
    if (!whole) visit_tail(done, partial + skip, take);
    done += take;
    skip = 0;
    block += kBlocksPerIter;
    if (!more) return;
  }
}

template <class S, class Emit, class Visit, class VisitTail>
inline void visit_stream(size_t n, const StreamParams& sp, Emit emit, Visit visit, VisitTail visit_tail) {
  const SampleCounters<S> counters{S::set64(sp.sample), S::set64(sp.epoch), S::set64(sp.stream)};
  visit_counters<S>(n, sp, counters, emit, visit, visit_tail);
}

// Fills out[0, n) with the stream positions [first, first + n).
template <class S, class Emit>
inline void fill_stream(float* out, size_t n, const StreamParams& sp, Emit emit) {
  visit_stream<S>(
      n, sp, emit, [out](size_t k, typename S::F32 v) { S::storef(out + k, v); },
      [out](size_t k, const float* values, size_t count) { __builtin_memcpy(out + k, values, count * sizeof(float)); });
}

// offset + scale · v in the cheapest form that gives the same bits for every
// value v of the streams here: v is never ±0 and |v| > 2^-34 (a normal's
// smallest radius is 2.4e-4, its smallest |sin| or |cos| 3.7e-7; a uniform's
// smallest value 2^-24). kScale, scale · v, where offset is ±0: 0 + y is y
// for every y but −0, and scale · v is never ±0 for |scale| >= 2^-60. It
// saves an add per value: randomNormal(2^24, std 0.1) 12.0 -> 11.7 ms on a
// Zen 4 host (median of 5 interleaved runs' medians), 10 % of the generator
// in a Zen 5 microbenchmark. kIdentity, v itself, for offset 0 and scale 1.
enum class Affine { kFull, kScale, kIdentity };
template <Affine kForm>
struct AffineForm {
  static constexpr Affine value = kForm;
};

template <Affine kForm, class S>
inline typename S::F32 affine(typename S::F32 v, typename S::F32 offset, typename S::F32 scale) {
  if constexpr (kForm == Affine::kIdentity) return v;
  else if constexpr (kForm == Affine::kScale) return S::mul(scale, v);
  else return S::add(offset, S::mul(scale, v));
}

inline bool affine_is_scale_only(float offset, float scale) {
  return offset == 0.0f && !(__builtin_fabsf(scale) < 0x1p-60f);
}

// f(AffineForm<form>{}) with the cheapest form for (offset, scale).
template <class F>
inline void with_affine_form(float offset, float scale, F f) {
  if (offset == 0.0f && scale == 1.0f) f(AffineForm<Affine::kIdentity>{});
  else if (affine_is_scale_only(offset, scale)) f(AffineForm<Affine::kScale>{});
  else f(AffineForm<Affine::kFull>{});
}

// The emitters: uniforms U(w) of every word, and Box–Muller pairs (w0, w1)
// and (w2, w3): x holds the radius words, y the angle words, so a = r cos θ
// lands on words 0 and 2, b = r sin θ on 1 and 3. Both then apply the affine
// map. always_inline: GCC otherwise calls the affine Box–Muller out of line,
// four calls per iteration, and the pipelining above is lost (W4 6.3 -> 5.3 ms).
template <class S, Affine kForm>
struct UniformEmit {
  typename S::F32 offset, scale;
  [[gnu::always_inline]] void operator()(typename S::U32 x, typename S::U32 y, typename S::F32& a, typename S::F32& b) const {
    a = affine<kForm, S>(uniform_from_words<S>(x), offset, scale);
    b = affine<kForm, S>(uniform_from_words<S>(y), offset, scale);
  }
};

template <class S, Affine kForm>
struct NormalEmit {
  typename S::F32 offset, scale;
  [[gnu::always_inline]] void operator()(typename S::U32 x, typename S::U32 y, typename S::F32& a, typename S::F32& b) const {
    const typename S::F32 r = box_muller_radius<S>(x);
    typename S::F32 sin_t, cos_t;
    sincos_2pi_uniform<S>(y, sin_t, cos_t);
    a = affine<kForm, S>(S::mul(r, cos_t), offset, scale);
    b = affine<kForm, S>(S::mul(r, sin_t), offset, scale);
  }
};

inline void random_uniform(float* out, size_t n, const StreamParams& sp, const AffineParams& ap) {
  using S = Simd;
  with_affine_form(ap.offset, ap.scale, [&](auto form) {
    fill_stream<S>(out, n, sp, UniformEmit<S, decltype(form)::value>{S::setf(ap.offset), S::setf(ap.scale)});
  });
}

// The raw words, bit for bit (carried in float lanes: no arithmetic).
template <class S>
struct WordsEmit {
  [[gnu::always_inline]] void operator()(typename S::U32 x, typename S::U32 y, typename S::F32& a, typename S::F32& b) const {
    a = S::as_float(x);
    b = S::as_float(y);
  }
};

inline void random_words(uint32_t* out, size_t n, const StreamParams& sp) {
  fill_stream<Simd>(reinterpret_cast<float*>(out), n, sp, WordsEmit<Simd>{});
}

inline void random_normal(float* out, size_t n, const StreamParams& sp, const AffineParams& ap) {
  using S = Simd;
  with_affine_form(ap.offset, ap.scale, [&](auto form) {
    fill_stream<S>(out, n, sp, NormalEmit<S, decltype(form)::value>{S::setf(ap.offset), S::setf(ap.scale)});
  });
}
