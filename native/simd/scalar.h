// Portable "vector" of plain arrays: the scalar baseline, and the reference
// lane order the intrinsic wrappers reproduce. Two Philox blocks per U64.
// Included inside namespace fastaug::FASTAUG_ISA_NS by an ISA file.

struct Simd {
  static constexpr int kBlocks = 2;   // Philox blocks per U64 vector
  static constexpr int kLanes = 4;    // 32-bit lanes per U32 / F32
  static constexpr bool kPackedWords = false;  // Philox words in 64-bit lanes (random.h)
  static constexpr int kStoreAlign = 4;  // where noise.h starts its whole runs: anywhere (only AVX-512 gained from aligning them)
  struct U64 { uint64_t v[2]; };
  struct U32 { uint32_t v[4]; };
  struct F32 { float v[4]; };

  // --- 64-bit lanes holding one 32-bit Philox word each (upper half ignored)
  static U64 blocks_from(uint64_t b) { return {{b, b + 1}}; }
  static U64 set64(uint64_t x) { return {{x, x}}; }
  static U64 shr32(U64 a) { return {{a.v[0] >> 32, a.v[1] >> 32}}; }
  static U64 mul_wide(U64 a, U64 m) {  // low 32 bits × low 32 bits → 64 bits
    return {{(a.v[0] & 0xFFFFFFFFu) * (m.v[0] & 0xFFFFFFFFu),
             (a.v[1] & 0xFFFFFFFFu) * (m.v[1] & 0xFFFFFFFFu)}};
  }
  static U64 xor64(U64 a, U64 b) { return {{a.v[0] ^ b.v[0], a.v[1] ^ b.v[1]}}; }
  // Low words of a's lanes, then of b's: [a0, a1, b0, b1].
  static U32 pack_low_words(U64 a, U64 b) {
    return {{uint32_t(a.v[0]), uint32_t(a.v[1]), uint32_t(b.v[0]), uint32_t(b.v[1])}};
  }
  // Inverse of pack_low_words for two packed vectors x (words 0, 2 of each
  // block) and y (words 1, 3): 4 floats per block in block order, the first
  // kLanes of them in `first`, the rest in `second`.
  static void order_pairs(F32 x, F32 y, F32& first, F32& second) {
    float dst[2 * kLanes];
    for (int j = 0; j < kBlocks; ++j) {
      dst[4 * j + 0] = x.v[j];
      dst[4 * j + 1] = y.v[j];
      dst[4 * j + 2] = x.v[j + kBlocks];
      dst[4 * j + 3] = y.v[j + kBlocks];
    }
    for (int i = 0; i < kLanes; ++i) {
      first.v[i] = dst[i];
      second.v[i] = dst[kLanes + i];
    }
  }

#define FASTAUG_LANEWISE(T, expr) T r; for (int i = 0; i < kLanes; ++i) r.v[i] = (expr); return r
  // --- 32-bit integer lanes
  static U32 set32(uint32_t x) { FASTAUG_LANEWISE(U32, x); }
  template <int N> static U32 srli(U32 a) { FASTAUG_LANEWISE(U32, a.v[i] >> N); }
  template <int N> static U32 slli(U32 a) { FASTAUG_LANEWISE(U32, a.v[i] << N); }
  static U32 band(U32 a, U32 b) { FASTAUG_LANEWISE(U32, a.v[i] & b.v[i]); }
  static U32 bor(U32 a, U32 b) { FASTAUG_LANEWISE(U32, a.v[i] | b.v[i]); }
  static U32 bxor(U32 a, U32 b) { FASTAUG_LANEWISE(U32, a.v[i] ^ b.v[i]); }
  static U32 add32(U32 a, U32 b) { FASTAUG_LANEWISE(U32, a.v[i] + b.v[i]); }
  static U32 sub32(U32 a, U32 b) { FASTAUG_LANEWISE(U32, a.v[i] - b.v[i]); }
  // lanes where bit kBit of w is set: a, and x ^ c; elsewhere b, and x
  template <int kBit> static U32 select_bit(U32 w, U32 a, U32 b) { FASTAUG_LANEWISE(U32, (w.v[i] >> kBit) & 1u ? a.v[i] : b.v[i]); }
  template <int kBit> static U32 xor_bit(U32 w, U32 x, U32 c) { FASTAUG_LANEWISE(U32, (w.v[i] >> kBit) & 1u ? x.v[i] ^ c.v[i] : x.v[i]); }

  // --- float32 lanes (IEEE, no contraction: built with -ffp-contract=off)
  static F32 setf(float x) { FASTAUG_LANEWISE(F32, x); }
  static F32 add(F32 a, F32 b) { FASTAUG_LANEWISE(F32, a.v[i] + b.v[i]); }
  static F32 sub(F32 a, F32 b) { FASTAUG_LANEWISE(F32, a.v[i] - b.v[i]); }
  static F32 mul(F32 a, F32 b) { FASTAUG_LANEWISE(F32, a.v[i] * b.v[i]); }
  static F32 div(F32 a, F32 b) { FASTAUG_LANEWISE(F32, a.v[i] / b.v[i]); }
  static F32 sqrt(F32 a) { FASTAUG_LANEWISE(F32, __builtin_sqrtf(a.v[i])); }
  static F32 cvt_i32(U32 a) { FASTAUG_LANEWISE(F32, float(int32_t(a.v[i]))); }
  // floor(log2 x) as a float, for x positive and normal: its exponent field
  static F32 exponent(F32 x) { return cvt_i32(sub32(srli<23>(as_int(x)), set32(127))); }
  static F32 as_float(U32 a) { FASTAUG_LANEWISE(F32, __builtin_bit_cast(float, a.v[i])); }
  static U32 as_int(F32 a) { FASTAUG_LANEWISE(U32, __builtin_bit_cast(uint32_t, a.v[i])); }
  // --- uint8 noise: float clamps and rounding, and the narrowing sum
  // nearest, ties to even, by the 1.5 · 2^23 trick: for |a| < 2^22 (the kernels clamp first)
  static U32 cvt_nearest_i32(F32 a) { FASTAUG_LANEWISE(U32, uint32_t(int32_t((a.v[i] + 12582912.0f) - 12582912.0f))); }
  static U32 cvtt_i32(F32 a) { FASTAUG_LANEWISE(U32, uint32_t(int32_t(a.v[i]))); }  // toward zero, |a| < 2^31
  // a < b ? a : b and a > b ? a : b, as x86 minps / maxps
  static F32 minf(F32 a, F32 b) { FASTAUG_LANEWISE(F32, a.v[i] < b.v[i] ? a.v[i] : b.v[i]); }
  static F32 maxf(F32 a, F32 b) { FASTAUG_LANEWISE(F32, a.v[i] > b.v[i] ? a.v[i] : b.v[i]); }
#undef FASTAUG_LANEWISE
  // out[i] = saturate(x[i] + m[i] + (x[i] odd ? t[i] : 0)) over 4 · kLanes
  // bytes, element i in lane i % kLanes of m[i / kLanes] and t[i / kLanes].
  static void add_odd_ties_u8(const uint8_t* x, uint8_t* out, const U32 (&m)[4], const U32 (&t)[4]) {
    for (int i = 0; i < 4 * kLanes; ++i) {
      const int64_t tie = (x[i] & 1) ? int64_t(int32_t(t[i / kLanes].v[i % kLanes])) : 0;
      const int64_t v = int64_t(x[i]) + int64_t(int32_t(m[i / kLanes].v[i % kLanes])) + tie;
      out[i] = uint8_t(v < 0 ? 0 : (v > 255 ? 255 : v));
    }
  }
  // out = (x & keep) | set over 4 · kLanes pixels of 3 channels, pixel q's
  // keep[q] and set[q] for each of its channels (salt and pepper per pixel)
  static void keep_or_set_3ch(const uint8_t* x, uint8_t* out, const uint8_t* keep, const uint8_t* set) {
    for (int i = 0; i < 3 * 4 * kLanes; ++i) out[i] = uint8_t((x[i] & keep[i / 3]) | set[i / 3]);
  }
  // --- float32 noise, one value per pixel of 3 channels: each lane of v
  // three times over out[0..2], lane i in lane i % kLanes of out[i / kLanes]
  // after repetition (v0 v0 v0 v1 v1 v1 ...).
  static void repeat3(F32 v, F32 (&out)[3]) {
    for (int i = 0; i < 3 * kLanes; ++i) out[i / kLanes].v[i % kLanes] = v.v[i / 3];
  }
  // --- float32 noise per channel in NCHW, 3 channels: a, b, c hold 3 · kLanes
  // consecutive values e, interleaved by channel (RGB RGB ...); out[ch] lane
  // i gets e[3i + ch].
  static void deinterleave3(F32 a, F32 b, F32 c, F32 (&out)[3]) {
    const F32 in[3] = {a, b, c};
    for (int e = 0; e < 3 * kLanes; ++e) out[e % 3].v[e / 3] = in[e / kLanes].v[e % kLanes];
  }
  static F32 loadf(const float* p) {
    F32 r;
    for (int i = 0; i < kLanes; ++i) r.v[i] = p[i];
    return r;
  }
  // no non-temporal float stores here (noise.h's large per-pixel outputs stream on AVX-512 only)
  static constexpr bool kStreamStores = false;
  static void streamf(float* p, F32 a) { storef(p, a); }
  static void stream_fence() {}
  static void storef(float* p, F32 a) {
    for (int i = 0; i < kLanes; ++i) p[i] = a.v[i];
  }
};

// float64 "lanes" for gamma's pow64 (native/kernels/gamma.h): two doubles
// in an array, each operation the plain C++ one (-ffp-contract=off).
struct SimdF64 {
  static constexpr int kLanes = 2;
  struct F64 { double v[2]; };
  struct Mask { bool v[2]; };

#define FASTAUG_LANEWISE64(T, expr) T r; for (int i = 0; i < kLanes; ++i) r.v[i] = (expr); return r
  static F64 set(double x) { FASTAUG_LANEWISE64(F64, x); }
  static F64 load_f32(const float* p) { FASTAUG_LANEWISE64(F64, double(p[i])); }
  static void store(double* p, F64 a) { for (int i = 0; i < kLanes; ++i) p[i] = a.v[i]; }
  static void store_f32(float* p, F64 a) { for (int i = 0; i < kLanes; ++i) p[i] = float(a.v[i]); }
  static F64 round_f32(F64 a) { FASTAUG_LANEWISE64(F64, double(float(a.v[i]))); }
  static F64 add(F64 a, F64 b) { FASTAUG_LANEWISE64(F64, a.v[i] + b.v[i]); }
  static F64 sub(F64 a, F64 b) { FASTAUG_LANEWISE64(F64, a.v[i] - b.v[i]); }
  static F64 mul(F64 a, F64 b) { FASTAUG_LANEWISE64(F64, a.v[i] * b.v[i]); }
  static F64 div(F64 a, F64 b) { FASTAUG_LANEWISE64(F64, a.v[i] / b.v[i]); }
  static F64 floor(F64 a) { FASTAUG_LANEWISE64(F64, __builtin_floor(a.v[i])); }
  // the C comparisons (false where either is NaN); select: m ? a : b per lane
  static Mask gt(F64 a, F64 b) { FASTAUG_LANEWISE64(Mask, a.v[i] > b.v[i]); }
  static Mask lt(F64 a, F64 b) { FASTAUG_LANEWISE64(Mask, a.v[i] < b.v[i]); }
  static Mask le(F64 a, F64 b) { FASTAUG_LANEWISE64(Mask, a.v[i] <= b.v[i]); }
  static Mask both(Mask a, Mask b) { FASTAUG_LANEWISE64(Mask, a.v[i] && b.v[i]); }
  static F64 select(Mask m, F64 a, F64 b) { FASTAUG_LANEWISE64(F64, m.v[i] ? a.v[i] : b.v[i]); }
  // bits of a: (a & mask) | set, and a >> n (logical)
  static F64 and_or_bits(F64 a, uint64_t mask, uint64_t set) {
    FASTAUG_LANEWISE64(F64, __builtin_bit_cast(double, (__builtin_bit_cast(uint64_t, a.v[i]) & mask) | set));
  }
  template <int N> static F64 shr_bits(F64 a) { FASTAUG_LANEWISE64(F64, __builtin_bit_cast(double, __builtin_bit_cast(uint64_t, a.v[i]) >> N)); }
  template <int N> static F64 shl_bits(F64 a) { FASTAUG_LANEWISE64(F64, __builtin_bit_cast(double, __builtin_bit_cast(uint64_t, a.v[i]) << N)); }
#undef FASTAUG_LANEWISE64
};
