// AArch64 Advanced SIMD: two Philox blocks per U64 vector, four 32-bit
// lanes. Lane order matches simd/scalar.h exactly.

struct Simd {
  static constexpr int kBlocks = 2;
  static constexpr int kLanes = 4;
  static constexpr bool kPackedWords = false;  // Philox words in 64-bit lanes (random.h)
  static constexpr int kStoreAlign = 4;  // where noise.h starts its whole runs: anywhere (only AVX-512 gained from aligning them)
  using U64 = uint64x2_t;
  using U32 = uint32x4_t;
  using F32 = float32x4_t;

  static U64 blocks_from(uint64_t b) {
    const uint64_t lanes[2] = {0, 1};
    return vaddq_u64(vdupq_n_u64(b), vld1q_u64(lanes));
  }
  static U64 set64(uint64_t x) { return vdupq_n_u64(x); }
  static U64 shr32(U64 a) { return vshrq_n_u64(a, 32); }
  static U64 mul_wide(U64 a, U64 m) { return vmull_u32(vmovn_u64(a), vmovn_u64(m)); }
  static U64 xor64(U64 a, U64 b) { return veorq_u64(a, b); }
  static U32 pack_low_words(U64 a, U64 b) { return vcombine_u32(vmovn_u64(a), vmovn_u64(b)); }  // [a0, a1, b0, b1]
  static void order_pairs(F32 x, F32 y, F32& first, F32& second) {
    const float32x4_t lo = vzip1q_f32(x, y);                       // x0 y0 x1 y1
    const float32x4_t hi = vzip2q_f32(x, y);                       // x2 y2 x3 y3
    first = vcombine_f32(vget_low_f32(lo), vget_low_f32(hi));      // x0 y0 x2 y2
    second = vcombine_f32(vget_high_f32(lo), vget_high_f32(hi));   // x1 y1 x3 y3
  }

  static U32 set32(uint32_t x) { return vdupq_n_u32(x); }
  template <int N> static U32 srli(U32 a) { return vshrq_n_u32(a, N); }
  template <int N> static U32 slli(U32 a) { return vshlq_n_u32(a, N); }
  static U32 band(U32 a, U32 b) { return vandq_u32(a, b); }
  static U32 bor(U32 a, U32 b) { return vorrq_u32(a, b); }
  static U32 bxor(U32 a, U32 b) { return veorq_u32(a, b); }
  static U32 add32(U32 a, U32 b) { return vaddq_u32(a, b); }
  static U32 sub32(U32 a, U32 b) { return vsubq_u32(a, b); }
  // lanes where bit kBit of w is set: a, and x ^ c; elsewhere b, and x
  template <int kBit> static U32 bit_set(U32 w) { return vtstq_u32(w, vdupq_n_u32(1u << kBit)); }
  template <int kBit> static U32 select_bit(U32 w, U32 a, U32 b) { return vbslq_u32(bit_set<kBit>(w), a, b); }
  template <int kBit> static U32 xor_bit(U32 w, U32 x, U32 c) { return veorq_u32(x, vandq_u32(bit_set<kBit>(w), c)); }

  static F32 setf(float x) { return vdupq_n_f32(x); }
  static F32 add(F32 a, F32 b) { return vaddq_f32(a, b); }
  static F32 sub(F32 a, F32 b) { return vsubq_f32(a, b); }
  static F32 mul(F32 a, F32 b) { return vmulq_f32(a, b); }
  static F32 div(F32 a, F32 b) { return vdivq_f32(a, b); }
  static F32 sqrt(F32 a) { return vsqrtq_f32(a); }
  static F32 cvt_i32(U32 a) { return vcvtq_f32_s32(vreinterpretq_s32_u32(a)); }
  // floor(log2 x) as a float, for x positive and normal: its exponent field
  static F32 exponent(F32 x) { return cvt_i32(sub32(srli<23>(as_int(x)), set32(127))); }
  static F32 as_float(U32 a) { return vreinterpretq_f32_u32(a); }
  static U32 as_int(F32 a) { return vreinterpretq_u32_f32(a); }


  // --- uint8 noise: float clamps and rounding, and the narrowing sum
  // out[i] = saturate(x[i] + m[i] + (x[i] odd ? t[i] : 0)) over 4 · kLanes
  // bytes (see simd/avx512.h): 16-bit saturating adds, t times x & 1.
  static int16x8_t narrow_pair(U32 a, U32 b) {
    return vcombine_s16(vqmovn_s32(vreinterpretq_s32_u32(a)), vqmovn_s32(vreinterpretq_s32_u32(b)));
  }
  static void add_odd_ties_u8(const uint8_t* x, uint8_t* out, const U32 (&m)[4], const U32 (&t)[4]) {
    const uint8x16_t xs = vld1q_u8(x);
    const int16x8_t x01 = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(xs)));
    const int16x8_t x23 = vreinterpretq_s16_u16(vmovl_u8(vget_high_u8(xs)));
    const int16x8_t one = vdupq_n_s16(1);
    const int16x8_t t01 = vmulq_s16(narrow_pair(t[0], t[1]), vandq_s16(x01, one));
    const int16x8_t t23 = vmulq_s16(narrow_pair(t[2], t[3]), vandq_s16(x23, one));
    const int16x8_t r01 = vqaddq_s16(vqaddq_s16(x01, narrow_pair(m[0], m[1])), t01);
    const int16x8_t r23 = vqaddq_s16(vqaddq_s16(x23, narrow_pair(m[2], m[3])), t23);
    vst1q_u8(out, vcombine_u8(vqmovun_s16(r01), vqmovun_s16(r23)));
  }
  // --- salt and pepper, NHWC per pixel with 3 channels: out = (x & keep) | set
  // over 4 · kLanes pixels (3 · 16 bytes); vld3 / vst3 split the channels
  // apart and back, so each channel takes keep and set as they are.
  static void keep_or_set_3ch(const uint8_t* x, uint8_t* out, const uint8_t* keep, const uint8_t* set) {
    const uint8x16_t k = vld1q_u8(keep), s = vld1q_u8(set);
    uint8x16x3_t v = vld3q_u8(x);
    for (int ch = 0; ch < 3; ++ch) v.val[ch] = vorrq_u8(vandq_u8(v.val[ch], k), s);
    vst3q_u8(out, v);
  }
  // --- float32 noise, one value per pixel of 3 channels: each lane of v
  // three times over out[0..2], lane i in lane i % kLanes of out[i / kLanes]
  // after repetition (v0 v0 v0 v1 v1 v1 ...).
  static void repeat3(F32 v, F32 (&out)[3]) {
    out[0] = vcopyq_laneq_f32(vdupq_laneq_f32(v, 0), 3, v, 1);  // v0 v0 v0 v1
    const float32x4_t rotated = vextq_f32(v, v, 1);              // v1 v2 v3 v0
    out[1] = vzip1q_f32(rotated, rotated);                       // v1 v1 v2 v2
    out[2] = vcopyq_laneq_f32(vdupq_laneq_f32(v, 3), 0, v, 2);  // v2 v3 v3 v3
  }
  // --- float32 noise per channel in NCHW, 3 channels: a, b, c hold 3 · kLanes
  // consecutive values e, interleaved by channel (RGB RGB ...); out[ch] lane
  // i gets e[3i + ch].
  // uzp1 / uzp2 split a and b into even and odd lanes; lane moves fill in
  // the rest.
  static void deinterleave3(F32 a, F32 b, F32 c, F32 (&out)[3]) {
    const float32x4_t even = vuzp1q_f32(a, b), odd = vuzp2q_f32(a, b);  // e0 e2 e4 e6, e1 e3 e5 e7
    // e0 e3 e6 e9 from even: lane 1 from odd, 2 from b, 3 from c
    out[0] = vcopyq_laneq_f32(vcopyq_laneq_f32(vcopyq_laneq_f32(even, 1, odd, 1), 2, b, 2), 3, c, 1);
    // e1 e4 e7 e10 from odd: lane 1 from even, 2 from b, 3 from c
    out[1] = vcopyq_laneq_f32(vcopyq_laneq_f32(vcopyq_laneq_f32(odd, 1, even, 2), 2, b, 3), 3, c, 2);
    // e2 e5 e8 e11: e2 from a, e5 from odd, e8 and e11 from c
    const float32x4_t r2 = vcopyq_laneq_f32(vcopyq_laneq_f32(a, 0, a, 2), 1, odd, 2);
    out[2] = vcopyq_laneq_f32(vcopyq_laneq_f32(r2, 2, c, 0), 3, c, 3);
  }
  static U32 cvt_nearest_i32(F32 a) { return vreinterpretq_u32_s32(vcvtnq_s32_f32(a)); }
  static U32 cvtt_i32(F32 a) { return vreinterpretq_u32_s32(vcvtq_s32_f32(a)); }  // toward zero
  // a < b ? a : b and a > b ? a : b, exactly as x86 minps / maxps (vminq and
  // vmaxq differ on NaN and on ±0)
  static F32 minf(F32 a, F32 b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
  static F32 maxf(F32 a, F32 b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
  static F32 loadf(const float* p) { return vld1q_f32(p); }
  // no non-temporal float stores here (noise.h's large per-pixel outputs stream on AVX-512 only)
  static constexpr bool kStreamStores = false;
  static void streamf(float* p, F32 a) { storef(p, a); }
  static void stream_fence() {}
  static void storef(float* p, F32 a) { vst1q_f32(p, a); }
};

// float64 lanes for gamma's pow64 (native/kernels/gamma.h): two doubles
// per vector, widened from and narrowed to two floats. IEEE operations
// only (-ffp-contract=off: no fmla), so each lane rounds as the scalar
// double code does.
struct SimdF64 {
  static constexpr int kLanes = 2;
  using F64 = float64x2_t;
  using Mask = uint64x2_t;  // all-ones lanes

  static F64 set(double x) { return vdupq_n_f64(x); }
  static F64 load_f32(const float* p) { return vcvt_f64_f32(vld1_f32(p)); }
  static void store(double* p, F64 a) { vst1q_f64(p, a); }
  // nearest-even float32 (NaN quieted), as the scalar float(double)
  static void store_f32(float* p, F64 a) { vst1_f32(p, vcvt_f32_f64(a)); }
  static F64 round_f32(F64 a) { return vcvt_f64_f32(vcvt_f32_f64(a)); }
  static F64 add(F64 a, F64 b) { return vaddq_f64(a, b); }
  static F64 sub(F64 a, F64 b) { return vsubq_f64(a, b); }
  static F64 mul(F64 a, F64 b) { return vmulq_f64(a, b); }
  static F64 div(F64 a, F64 b) { return vdivq_f64(a, b); }
  static F64 floor(F64 a) { return vrndmq_f64(a); }
  // the C comparisons (false where either is NaN); select: m ? a : b per lane
  static Mask gt(F64 a, F64 b) { return vcgtq_f64(a, b); }
  static Mask lt(F64 a, F64 b) { return vcltq_f64(a, b); }
  static Mask le(F64 a, F64 b) { return vcleq_f64(a, b); }
  static Mask both(Mask a, Mask b) { return vandq_u64(a, b); }
  static F64 select(Mask m, F64 a, F64 b) { return vbslq_f64(m, a, b); }
  // bits of a: (a & mask) | set, and a >> n (logical)
  static F64 and_or_bits(F64 a, uint64_t mask, uint64_t set) {
    return vreinterpretq_f64_u64(vorrq_u64(vandq_u64(vreinterpretq_u64_f64(a), vdupq_n_u64(mask)), vdupq_n_u64(set)));
  }
  template <int N> static F64 shr_bits(F64 a) { return vreinterpretq_f64_u64(vshrq_n_u64(vreinterpretq_u64_f64(a), N)); }
  template <int N> static F64 shl_bits(F64 a) { return vreinterpretq_f64_u64(vshlq_n_u64(vreinterpretq_u64_f64(a), N)); }
};
