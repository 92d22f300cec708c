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

// A 32-bit word in every lane where the ISA keeps a Philox word: the low
// half of each 64-bit lane, or every 32-bit lane where the state is packed
// (S::kPackedWords, see visit_blocks_packed).
template <class S>
inline typename S::U64 broadcast_word(uint32_t w) {
  if constexpr (S::kPackedWords) return S::set32(w);
  else return S::set64(w);
}

// Ten broadcast round keys, computed once per call.
template <class S>
struct PhiloxRoundKeys {
  typename S::U64 k0[kPhiloxRounds];
  typename S::U64 k1[kPhiloxRounds];
  PhiloxRoundKeys(uint32_t key0, uint32_t key1) {
    for (int r = 0; r < kPhiloxRounds; ++r) {
      k0[r] = broadcast_word<S>(uint32_t(key0 + uint32_t(r) * kPhiloxW0));
      k1[r] = broadcast_word<S>(uint32_t(key1 + uint32_t(r) * kPhiloxW1));
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

// Rounds 0 to 2 of Philox with what every block of a call shares folded
// into constants. Counter words 2 (epoch) and 3 (stream) are the same in
// every block, and so is word 1 (the block's upper half, xor the sample)
// while the blocks share their upper half, which visit_stream arranges. So
// round 0 has one varying product (M0 · word 0) and round 1 one (M1 · word
// 2); the other two, and most xors, are computed once per call in scalar
// code, and round 2 has a constant x3: 15 vector operations for the three
// rounds of a group of blocks instead of 26 (Zen 3, AVX2, 9.6 M values into 1 MiB: normals 11.5 -> 10.8 ms,
// uniforms 7.0 -> 6.2 ms). Integer operations, so the words are the same bits.
template <class S>
struct PhiloxHead {
  typename S::U64 x2_xor_0;  // round 0: x2 = hi(M0 · x0) ^ x2_xor_0
  typename S::U64 x0_xor_1;  // round 1: x0 = hi(M1 · x2) ^ x0_xor_1
  typename S::U64 x2_xor_1;  // round 1: x2 = lo(M0 · x0 of round 0) ^ x2_xor_1
  typename S::U64 x3_1;      // round 1: x3, the same for every block
  typename S::U64 x2_xor_2;  // round 2: x2 = hi(M0 · x0) ^ x2_xor_2 (x3_1 ^ its key)
  PhiloxHead(const StreamParams& sp, uint32_t block_upper) {
    // round 0: x0 and x1 are the same in every block
    const uint64_t p1 = uint64_t(kPhiloxM1) * sp.epoch;
    const uint32_t x0 = uint32_t(p1 >> 32) ^ block_upper ^ sp.sample ^ sp.key0, x1 = uint32_t(p1);
    x2_xor_0 = broadcast_word<S>(sp.stream ^ sp.key1);
    // round 1: so is M0 · x0
    const uint64_t p0 = uint64_t(kPhiloxM0) * x0;
    x0_xor_1 = broadcast_word<S>(x1 ^ uint32_t(sp.key0 + kPhiloxW0));
    x2_xor_1 = broadcast_word<S>(uint32_t(p0 >> 32) ^ uint32_t(sp.key1 + kPhiloxW1));
    x3_1 = broadcast_word<S>(uint32_t(p0));
    x2_xor_2 = broadcast_word<S>(uint32_t(p0) ^ uint32_t(sp.key1 + 2 * kPhiloxW1));
  }
};

// The state after rounds 0, 1 and 2 of G groups of S::kBlocks consecutive
// blocks from `block` on (upper half as in `head`).
template <class S, int G>
inline void philox_rounds_0_2(typename S::U64 (&x)[G][4], uint64_t block, const PhiloxHead<S>& head, const PhiloxRoundKeys<S>& keys) {
  const typename S::U64 m0 = S::set64(kPhiloxM0), m1 = S::set64(kPhiloxM1);
#pragma GCC unroll 16
  for (int g = 0; g < G; ++g) {
    // rounds 0 and 1
    const typename S::U64 p0 = S::mul_wide(S::blocks_from(block + uint64_t(g) * S::kBlocks), m0);
    const typename S::U64 x2 = S::xor64(S::shr32(p0), head.x2_xor_0);
    const typename S::U64 p1 = S::mul_wide(x2, m1);
    const typename S::U64 x0 = S::xor64(S::shr32(p1), head.x0_xor_1);
    const typename S::U64 x1 = p1;
    const typename S::U64 x2_1 = S::xor64(p0, head.x2_xor_1);  // upper halves: garbage, never read
    // round 2, where x3 is still the same in every block
    const typename S::U64 q0 = S::mul_wide(x0, m0);
    const typename S::U64 q1 = S::mul_wide(x2_1, m1);
    x[g][0] = S::xor64(S::xor64(S::shr32(q1), x1), keys.k0[2]);
    x[g][1] = q1;
    x[g][2] = S::xor64(S::shr32(q0), head.x2_xor_2);
    x[g][3] = q0;
  }
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

// A U64 vector from one value per block of a group of S::kBlocks blocks,
// given in block order: each lane gets the value of the block that
// blocks_from puts there (AVX2 holds blocks 0, 2, 1, 3 in its lanes, the
// other ISAs 0, 1, 2, ...). For counters put together lane by lane.
template <class S>
[[gnu::always_inline]] inline typename S::U64 lanes_from_blocks(const uint64_t (&by_block)[S::kBlocks]) {
  static_assert(sizeof(typename S::U64) == sizeof(uint64_t) * S::kBlocks, "a U64 vector holds S::kBlocks 64-bit lanes");
  const typename S::U64 order = S::blocks_from(0);
  uint64_t block_of_lane[S::kBlocks], lanes[S::kBlocks];
  __builtin_memcpy(block_of_lane, &order, sizeof block_of_lane);
  for (int l = 0; l < S::kBlocks; ++l) lanes[l] = by_block[block_of_lane[l]];
  typename S::U64 v;
  __builtin_memcpy(&v, lanes, sizeof v);
  return v;
}

// The counters of one sample's stream (DESIGN §3): blocks block, block + 1, ...
// of the sample `sample`. visit_counters asks a counters object for G groups
// of S::kBlocks consecutive blocks at a time; noise.h has one whose blocks run
// on over the images of a batch. (visit_counters sends this one to
// visit_stream, which folds rounds 0 to 2: see below.)
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

// --- Packed Philox state (S::kPackedWords: AVX2). Above, each Philox word
// sits in the low half of a 64-bit lane, so 16 blocks' state takes 16 AVX2
// registers, which with the emitters' working set is more than the 16 the
// ISA has: GCC spilled ~260 of the loop's 916 instructions. Here a vector
// holds one word of 2 · S::kBlocks blocks in its 32-bit lanes (8 registers
// for 16 blocks). A multiply then takes two widening products, of the even
// lanes and of the odd ones (moved down), and the halves go back into 32-bit
// lanes by blends. Putting both halves back in lane order takes two shifts;
// one pair swap (pshufd) puts back one half in order and leaves the other
// with the two blocks of each lane pair swapped. The rounds take the cheap
// form and let the pair order alternate: a word is xored only with a word
// of the same pair order, and round 9 puts every word in one order. So a
// round costs what it costs unpacked (16 operations per 8 blocks), plus 2
// in round 9, and packing the words for the emitters is no longer needed.
// Integer operations only: the same words, in other lanes.

// The 64-bit products m · x of the even lanes of x and of its odd lanes,
// each in its 64-bit lane (low word in the even half).
template <class S>
struct LaneProducts {
  typename S::U32 even, odd;
};
template <class S>
[[gnu::always_inline]] inline LaneProducts<S> mul_lanes(typename S::U32 x, typename S::U32 m) {
  return {S::mul_wide(x, m), S::mul_wide(S::shr32(x), m)};
}

// Which halves of the products come back in x's pair order: kLoKept (hi
// has each pair swapped), kHiKept (lo swapped), or neither (kBothSwapped,
// two shifts instead of one swap).
enum class PairOrder { kLoKept, kHiKept, kBothSwapped };

template <class S, PairOrder kOrder>
[[gnu::always_inline]] inline void split_products(LaneProducts<S> p, typename S::U32& hi, typename S::U32& lo) {
  if constexpr (kOrder == PairOrder::kLoKept) {
    const typename S::U32 t = S::swap_pairs(p.odd);  // [hi odd, lo odd]
    lo = S::blend_odd(p.even, t);
    hi = S::blend_odd(t, p.even);
  } else if constexpr (kOrder == PairOrder::kHiKept) {
    const typename S::U32 t = S::swap_pairs(p.even);  // [hi even, lo even]
    hi = S::blend_odd(t, p.odd);
    lo = S::blend_odd(p.odd, t);
  } else {
    hi = S::blend_odd(S::shr32(p.odd), p.even);
    lo = S::blend_odd(p.odd, S::shl32(p.even));
  }
}

// Round R of G packed groups. The pair order: words 0 and 2 of the state
// share one, words 1 and 3 the other, before rounds 1 to 9 (round 0 starts
// from one order for all four); so each xor meets words of one order, and
// after round 9 (both halves swapped) all four words share one order.
template <class S, int G, int R>
[[gnu::always_inline]] inline void packed_round(typename S::U32 (&x)[G][4], const PhiloxRoundKeys<S>& keys) {
  constexpr PairOrder kOrder = R == 0 ? PairOrder::kHiKept : (R == kPhiloxRounds - 1 ? PairOrder::kBothSwapped : PairOrder::kLoKept);
  const typename S::U32 m0 = S::set64(kPhiloxM0), m1 = S::set64(kPhiloxM1);
#pragma GCC unroll 16
  for (int g = 0; g < G; ++g) {
    typename S::U32 hi0, lo0, hi1, lo1;
    split_products<S, kOrder>(mul_lanes<S>(x[g][0], m0), hi0, lo0);
    split_products<S, kOrder>(mul_lanes<S>(x[g][2], m1), hi1, lo1);
    x[g][0] = S::bxor(S::bxor(hi1, x[g][1]), keys.k0[R]);
    x[g][1] = lo1;
    x[g][2] = S::bxor(S::bxor(hi0, x[g][3]), keys.k1[R]);
    x[g][3] = lo0;
  }
}

// Rounds [R, R1) of G packed groups, unrolled at compile time.
template <class S, int G, int R, int R1>
[[gnu::always_inline]] inline void packed_round_range(typename S::U32 (&x)[G][4], const PhiloxRoundKeys<S>& keys) {
  if constexpr (R < R1) {
    packed_round<S, G, R>(x, keys);
    packed_round_range<S, G, R + 1, R1>(x, keys);
  }
}

// philox_rounds_0_2 on packed groups from `block` on (S::packed_blocks_from
// puts 2 · S::kBlocks blocks in lanes in the order that round 9 returns
// them in). The product forms leave words 0 and 2 in swapped pair order and
// 1 and 3 in the counter's, as packed_round expects before round 3.
template <class S, int G>
inline void packed_rounds_0_2(typename S::U32 (&x)[G][4], uint64_t block, const PhiloxHead<S>& head, const PhiloxRoundKeys<S>& keys) {
  using U32 = typename S::U32;
  const U32 m0 = S::set64(kPhiloxM0), m1 = S::set64(kPhiloxM1);
#pragma GCC unroll 16
  for (int g = 0; g < G; ++g) {
    // rounds 0 and 1: x2 = hi(M0 · counter) ^ c, then one product M1 · x2
    U32 hi_p, lo_p, hi_q, lo_q;
    split_products<S, PairOrder::kHiKept>(mul_lanes<S>(S::packed_blocks_from(block + uint64_t(g) * 2 * S::kBlocks), m0), hi_p, lo_p);
    split_products<S, PairOrder::kHiKept>(mul_lanes<S>(S::bxor(hi_p, head.x2_xor_0), m1), hi_q, lo_q);
    const U32 x0 = S::bxor(hi_q, head.x0_xor_1);  // counter's order
    const U32 x1 = lo_q;                           // swapped
    const U32 x2 = S::bxor(lo_p, head.x2_xor_1);  // swapped
    // round 2, where x3 is still the same in every block
    U32 hi0, lo0, hi1, lo1;
    split_products<S, PairOrder::kLoKept>(mul_lanes<S>(x0, m0), hi0, lo0);
    split_products<S, PairOrder::kHiKept>(mul_lanes<S>(x2, m1), hi1, lo1);
    x[g][0] = S::bxor(S::bxor(hi1, x1), keys.k0[2]);
    x[g][1] = lo1;
    x[g][2] = S::bxor(hi0, head.x2_xor_2);
    x[g][3] = lo0;
  }
}

// How visit_blocks starts G groups of blocks: start(x, block, keys) leaves
// the Philox state after rounds [0, kRoundsDone) in x.
//
// From a counters object (rounds from 0): any run of counters, e.g. the
// blocks of consecutive images (noise.h).
template <class S, class Counters>
struct CountersStart {
  static constexpr int kRoundsDone = 0;
  Counters counters;  // may keep state between calls
  template <int G>
  [[gnu::always_inline]] void operator()(typename S::U64 (&x)[G][4], uint64_t block, const PhiloxRoundKeys<S>&) {
    counters(x, block);
  }
  // G packed groups: the counters of 2G groups, each pair of them packed
  // with the pairs of lanes swapped, as packed_round expects before round 0
  template <int G>
  [[gnu::always_inline]] void packed(typename S::U32 (&x)[G][4], uint64_t block, const PhiloxRoundKeys<S>&) {
    typename S::U64 wide[2 * G][4];
    counters(wide, block);
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g) {
#pragma GCC unroll 4
      for (int w = 0; w < 4; ++w) x[g][w] = S::blend_odd(wide[2 * g + 1][w], S::shl32(wide[2 * g][w]));
    }
  }
};

// One sample's blocks, all with the upper half of `head`: rounds 0 to 2
// folded (philox_rounds_0_2).
template <class S>
struct FoldedStart {
  static constexpr int kRoundsDone = 3;
  PhiloxHead<S> head;
  template <int G>
  [[gnu::always_inline]] void operator()(typename S::U64 (&x)[G][4], uint64_t block, const PhiloxRoundKeys<S>& keys) const {
    philox_rounds_0_2<S, G>(x, block, head, keys);
  }
  template <int G>
  [[gnu::always_inline]] void packed(typename S::U32 (&x)[G][4], uint64_t block, const PhiloxRoundKeys<S>& keys) const {
    packed_rounds_0_2<S, G>(x, block, head, keys);
  }
};

// A visit that takes 4 vectors of consecutive values at once, f(k, v0, v1,
// v2, v3) for positions k ... k + 4 · kLanes − 1, rather than one: for a
// rule that works on 4 vectors at a time (noise.h's uint8 rule), which
// then runs straight from the generator's registers. Every whole iteration
// holds whole quads (visit_blocks_wide: 2, visit_blocks_packed: 1 per group).
template <class F>
struct QuadVisit {
  F f;
};
template <class V>
struct IsQuadVisit {
  static constexpr bool value = false;
};
template <class F>
struct IsQuadVisit<QuadVisit<F>> {
  static constexpr bool value = true;
};
template <class F>
inline QuadVisit<F> quad_visit(F f) {
  return QuadVisit<F>{f};
}

// visit_blocks for S::kPackedWords: the same pipeline over 2 packed groups
// (4 · S::kBlocks blocks, as there) per iteration. A group's words 0 and 1
// and its words 2 and 3 each go through `emit` lane by lane, and
// S::order_quads puts the four results in position order.
// An empty volatile asm: GCC's instruction scheduler does not move code
// across it (registers and memory alike), so code on either side stays
// apart. What it changes is register pressure, not the bits.
[[gnu::always_inline]] inline void scheduling_barrier() { asm volatile(""); }

// noinline: see visit_blocks_wide.
template <class S, class Start, class Emit, class Visit, class VisitTail>
[[gnu::noinline]] void visit_blocks_packed(size_t n, const StreamParams& sp, size_t base, Start start, Emit emit, Visit visit, VisitTail visit_tail) {
  constexpr int kGroups = 2;
  constexpr size_t kBlocksPerIter = size_t(kGroups) * 2 * S::kBlocks;
  constexpr size_t kFloatsPerIter = 4 * kBlocksPerIter;
  static_assert(Start::kRoundsDone <= 3, "the first slice below runs rounds [kRoundsDone, 3)");
  using U32 = typename S::U32;
  using F32 = typename S::F32;
  const PhiloxRoundKeys<S> keys(sp.key0, sp.key1);
  alignas(64) float partial[kFloatsPerIter];
  uint64_t block = sp.first / 4;
  size_t skip = size_t(sp.first % 4);
  size_t done = 0;
  U32 x[kGroups][4];
  if (n == 0) return;
  start.packed(x, block, keys);
  packed_round_range<S, kGroups, Start::kRoundsDone, kPhiloxRounds>(x, keys);
  while (true) {
    const size_t take = (kFloatsPerIter - skip < n - done) ? kFloatsPerIter - skip : n - done;
    const bool whole = skip == 0 && take == kFloatsPerIter;
    const bool more = done + take < n;
    U32 w[kGroups][4];
#pragma GCC unroll 16
    for (int g = 0; g < kGroups; ++g) {
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) w[g][j] = x[g][j];
    }
    F32 z[kGroups][4], out[kGroups][4];
    // emitter e: words 0, 1 (e even) or 2, 3 (e odd) of group e / 2
    const auto emit_half = [&](int e) __attribute__((always_inline)) {
      const int g = e / 2, j = 2 * (e % 2);
      emit(w[g][j], w[g][j + 1], z[g][j], z[g][j + 1]);
      if (e % 2 == 1) S::order_quads(z[g][0], z[g][1], z[g][2], z[g][3], out[g]);
    };
    if (more) {
      static_assert(kGroups == 2 && kPhiloxRounds == 10, "the slices below cover 10 rounds around 4 emitters");
      start.packed(x, block + kBlocksPerIter, keys);
      packed_round_range<S, kGroups, Start::kRoundsDone, 3>(x, keys);
      emit_half(0);
      packed_round_range<S, kGroups, 3, 5>(x, keys);
      emit_half(1);
      // Left to itself, GCC's scheduler runs the four emitters in lock
      // step (their four divisions side by side), and their temporaries
      // spill; apart in pairs, G3 took 0.92-0.94 of the time (Zen 3), against
      // 0.97-1.11 with no barrier or one after each emitter (docs/performance.md).
      scheduling_barrier();
      packed_round_range<S, kGroups, 5, 8>(x, keys);
      emit_half(2);
      packed_round_range<S, kGroups, 8, 10>(x, keys);
      emit_half(3);
    } else {
      [&]() __attribute__((noinline)) {
#pragma GCC unroll 16
        for (int e = 0; e < 2 * kGroups; ++e) emit_half(e);
      }();
    }
#pragma GCC unroll 16
    for (int g = 0; g < kGroups; ++g) {
#pragma GCC unroll 4
      for (int q = 0; q < 4; ++q) {
        const size_t k = size_t(4 * g + q) * S::kLanes;
        if constexpr (IsQuadVisit<Visit>::value) {
          if (whole && q == 0) visit.f(base + done + k, out[g][0], out[g][1], out[g][2], out[g][3]);
        } else if (whole) {
          visit(base + done + k, out[g][q]);
        }
        if (!whole) S::storef(partial + k, out[g][q]);
      }
    }
    if (!whole) visit_tail(base + done, partial + skip, take);
    done += take;
    skip = 0;
    block += kBlocksPerIter;
    if (!more) return;
  }
}

// Visits the stream positions [first, first + n) in order, their blocks
// started by `start`. `emit` turns the packed words (x: words 0 and 2 of each
// block, y: words 1 and 3) into two float vectors in the same lane order;
// visit(base + k, v) then gets the values of positions first + k ... first +
// k + kLanes − 1 as one vector. Only the first and last iterations can be
// partial: they go through a stack buffer and visit_tail(base + k, values,
// count).
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
// noinline (here and on visit_blocks_packed): the loop is a function of its
// own whatever its caller holds, so it compiles alike in every translation
// unit. With the AVX-512 file's raised inlining limits (binding.gyp) GCC
// inlined a noise rule's loop into its caller, where the emitters' outputs
// (first, second: the out-of-line last iteration takes their addresses)
// stayed on the stack, copied slot to slot and reloaded every iteration:
// float32 noise on one image's stream (W3) took 1.03-1.17x the time of the
// same headers compiled alone in 7 of 8 runs (noise_ab.cc -DOBJ_KERNELS,
// Zen 4); out of line 0.94-1.0x. One call per run (an image, or a whole
// request), so the call itself costs nothing measurable.
template <class S, class Start, class Emit, class Visit, class VisitTail>
[[gnu::noinline]] void visit_blocks_wide(size_t n, const StreamParams& sp, size_t base, Start start, Emit emit, Visit visit, VisitTail visit_tail) {
  constexpr int kGroups = 4;
  constexpr size_t kBlocksPerIter = size_t(kGroups) * S::kBlocks;
  constexpr size_t kFloatsPerIter = 4 * kBlocksPerIter;
  static_assert(Start::kRoundsDone <= 3, "the first slice below runs rounds [kRoundsDone, 3)");
  using U32 = typename S::U32;
  using F32 = typename S::F32;
  const PhiloxRoundKeys<S> keys(sp.key0, sp.key1);
  alignas(64) float partial[kFloatsPerIter];
  uint64_t block = sp.first / 4;
  size_t skip = size_t(sp.first % 4);
  size_t done = 0;
  typename S::U64 x[kGroups][4];
  if (n == 0) return;
  start(x, block, keys);
  philox_round_range<S, kGroups, Start::kRoundsDone, kPhiloxRounds>(x, keys);
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
      start(x, block + kBlocksPerIter, keys);
      philox_round_range<S, kGroups, Start::kRoundsDone, 3>(x, keys);
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
        if constexpr (IsQuadVisit<Visit>::value) {
          if (g % 2 == 0) visit.f(base + done + k, first[g], second[g], first[g | 1], second[g | 1]);  // g | 1 = g + 1 (kGroups is even)
        } else {
          visit(base + done + k, first[g]);
          visit(base + done + k + S::kLanes, second[g]);
        }
      } else {
        S::storef(partial + k, first[g]);
        S::storef(partial + k + S::kLanes, second[g]);
      }
    }
    if (!whole) visit_tail(base + done, partial + skip, take);
    done += take;
    skip = 0;
    block += kBlocksPerIter;
    if (!more) return;
  }
}

// The Philox state in 64-bit lanes (visit_blocks_wide) or packed (visit_blocks_packed).
template <class S, class Start, class Emit, class Visit, class VisitTail>
inline void visit_blocks(size_t n, const StreamParams& sp, size_t base, Start start, Emit emit, Visit visit, VisitTail visit_tail) {
  if constexpr (S::kPackedWords) visit_blocks_packed<S>(n, sp, base, start, emit, visit, visit_tail);
  else visit_blocks_wide<S>(n, sp, base, start, emit, visit, visit_tail);
}

// The stream of one sample, sp.sample. Its blocks rarely span two upper
// halves (2^34 positions apart); when they do, each part goes on its own, as
// the folded rounds (PhiloxHead) need.
template <class S, class Emit, class Visit, class VisitTail>
inline void visit_stream(size_t n, const StreamParams& sp, Emit emit, Visit visit, VisitTail visit_tail) {
  StreamParams part = sp;
  size_t base = 0;
  while (n > 0) {
    const uint64_t upper = part.first / 4 >> 32;
    const uint64_t upper_end = (upper + 1) << 34;  // first position of the next upper half
    const size_t count = (upper_end - part.first < n) ? size_t(upper_end - part.first) : n;
    const FoldedStart<S> start{PhiloxHead<S>(part, uint32_t(upper))};
    visit_blocks<S>(count, part, base, start, emit, visit, visit_tail);
    part.first += count;
    base += count;
    n -= count;
  }
}

// The blocks' counters from `counters` (a copy of it, which may keep state:
// counters(x, b) fills G groups from block b on, for b = sp.first / 4 and
// then on by G · S::kBlocks each call). sp.sample, sp.epoch and sp.stream
// are not read: the counters hold them.
template <class S, class Counters, class Emit, class Visit, class VisitTail>
inline void visit_counters(size_t n, const StreamParams& sp, Counters counters, Emit emit, Visit visit, VisitTail visit_tail) {
  visit_blocks<S>(n, sp, 0, CountersStart<S, Counters>{counters}, emit, visit, visit_tail);
}

// One sample's counters: visit_stream of that sample, with rounds 0 to 2
// folded (more specialized than the template above, so chosen for them).
template <class S, class Emit, class Visit, class VisitTail>
inline void visit_counters(size_t n, const StreamParams& sp, SampleCounters<S> counters, Emit emit, Visit visit, VisitTail visit_tail) {
  const auto lane0 = [](typename S::U64 v) {
    uint64_t lanes[S::kBlocks];
    __builtin_memcpy(lanes, &v, sizeof lanes);
    return uint32_t(lanes[0]);
  };
  StreamParams one = sp;
  one.sample = lane0(counters.sample);
  one.epoch = lane0(counters.epoch);
  one.stream = lane0(counters.stream);
  visit_stream<S>(n, one, emit, visit, visit_tail);
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
