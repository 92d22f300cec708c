// SSE4.1: two Philox blocks per U64 vector, four 32-bit lanes.
// Lane order matches simd/scalar.h exactly.

struct Simd {
  static constexpr int kBlocks = 2;
  static constexpr int kLanes = 4;
  static constexpr bool kPackedWords = false;  // Philox words in 64-bit lanes (random.h)
  static constexpr int kStoreAlign = 4;  // where noise.h starts its whole runs: anywhere (only AVX-512 gained from aligning them)
  using U64 = __m128i;
  using U32 = __m128i;
  using F32 = __m128;

  static U64 blocks_from(uint64_t b) {
    return _mm_add_epi64(_mm_set1_epi64x(int64_t(b)), _mm_set_epi64x(1, 0));
  }
  static U64 set64(uint64_t x) { return _mm_set1_epi64x(int64_t(x)); }
  static U64 shr32(U64 a) { return _mm_srli_epi64(a, 32); }
  static U64 mul_wide(U64 a, U64 m) { return _mm_mul_epu32(a, m); }
  static U64 xor64(U64 a, U64 b) { return _mm_xor_si128(a, b); }
  static U32 pack_low_words(U64 a, U64 b) {  // [a0, a1, b0, b1]
    return _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), _MM_SHUFFLE(2, 0, 2, 0)));
  }
  static void order_pairs(F32 x, F32 y, F32& first, F32& second) {
    const __m128 lo = _mm_unpacklo_ps(x, y);                 // x0 y0 x1 y1
    const __m128 hi = _mm_unpackhi_ps(x, y);                 // x2 y2 x3 y3
    first = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(1, 0, 1, 0));   // x0 y0 x2 y2
    second = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 2, 3, 2));  // x1 y1 x3 y3
  }

  static U32 set32(uint32_t x) { return _mm_set1_epi32(int32_t(x)); }
  template <int N> static U32 srli(U32 a) { return _mm_srli_epi32(a, N); }
  template <int N> static U32 slli(U32 a) { return _mm_slli_epi32(a, N); }
  static U32 band(U32 a, U32 b) { return _mm_and_si128(a, b); }
  static U32 bor(U32 a, U32 b) { return _mm_or_si128(a, b); }
  static U32 bxor(U32 a, U32 b) { return _mm_xor_si128(a, b); }
  static U32 add32(U32 a, U32 b) { return _mm_add_epi32(a, b); }
  static U32 sub32(U32 a, U32 b) { return _mm_sub_epi32(a, b); }
  // lanes where bit kBit of w is set: a, and x ^ c; elsewhere b, and x.
  // blendv_ps reads only bit 31 of each lane, so the bit is shifted there.
  template <int kBit> static U32 select_bit(U32 w, U32 a, U32 b) {
    const __m128 m = _mm_castsi128_ps(slli<31 - kBit>(w));
    return _mm_castps_si128(_mm_blendv_ps(_mm_castsi128_ps(b), _mm_castsi128_ps(a), m));
  }
  template <int kBit> static U32 xor_bit(U32 w, U32 x, U32 c) { return select_bit<kBit>(w, bxor(x, c), x); }

  static F32 setf(float x) { return _mm_set1_ps(x); }
  static F32 add(F32 a, F32 b) { return _mm_add_ps(a, b); }
  static F32 sub(F32 a, F32 b) { return _mm_sub_ps(a, b); }
  static F32 mul(F32 a, F32 b) { return _mm_mul_ps(a, b); }
  static F32 div(F32 a, F32 b) { return _mm_div_ps(a, b); }
  static F32 sqrt(F32 a) { return _mm_sqrt_ps(a); }
  static F32 cvt_i32(U32 a) { return _mm_cvtepi32_ps(a); }
  // floor(log2 x) as a float, for x positive and normal: its exponent field
  static F32 exponent(F32 x) { return cvt_i32(sub32(srli<23>(as_int(x)), set32(127))); }
  static F32 as_float(U32 a) { return _mm_castsi128_ps(a); }
  static U32 as_int(F32 a) { return _mm_castps_si128(a); }


  // --- uint8 noise: float clamps and rounding, and the narrowing sum
  // out[i] = saturate(x[i] + m[i] + (x[i] odd ? t[i] : 0)) over 4 · kLanes
  // bytes (see simd/avx512.h): 16-bit saturating adds; sign_epi16 keeps t
  // where x & 1 is 1. One 128-bit lane: the packs keep element order.
  static void add_odd_ties_u8(const uint8_t* x, uint8_t* out, const U32 (&m)[4], const U32 (&t)[4]) {
    const __m128i xs = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x));
    const __m128i zero = _mm_setzero_si128(), one = _mm_set1_epi16(1);
    const __m128i x01 = _mm_unpacklo_epi8(xs, zero), x23 = _mm_unpackhi_epi8(xs, zero);
    const __m128i t01 = _mm_sign_epi16(_mm_packs_epi32(t[0], t[1]), _mm_and_si128(x01, one));
    const __m128i t23 = _mm_sign_epi16(_mm_packs_epi32(t[2], t[3]), _mm_and_si128(x23, one));
    const __m128i r01 = _mm_adds_epi16(_mm_adds_epi16(x01, _mm_packs_epi32(m[0], m[1])), t01);
    const __m128i r23 = _mm_adds_epi16(_mm_adds_epi16(x23, _mm_packs_epi32(m[2], m[3])), t23);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(r01, r23));
  }
  // --- salt and pepper, NHWC per pixel with 3 channels: out = (x & keep) | set
  // over 4 · kLanes pixels (3 · 16 bytes), each pixel's keep and set byte
  // repeated over its channels by pshufb (repeat3_index.h)
  static void keep_or_set_3ch(const uint8_t* x, uint8_t* out, const uint8_t* keep, const uint8_t* set) {
    const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(keep));
    const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(set));
    for (int j = 0; j < 3; ++j) {
      const __m128i idx = _mm_load_si128(reinterpret_cast<const __m128i*>(kRepeat3.byte + 16 * j));
      const __m128i xs = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + 16 * j));
      const __m128i r = _mm_or_si128(_mm_and_si128(xs, _mm_shuffle_epi8(k, idx)), _mm_shuffle_epi8(s, idx));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * j), r);
    }
  }
  // --- float32 noise, one value per pixel of 3 channels: each lane of v
  // three times over out[0..2], lane i in lane i % kLanes of out[i / kLanes]
  // after repetition (v0 v0 v0 v1 v1 v1 ...).
  static void repeat3(F32 v, F32 (&out)[3]) {
    out[0] = _mm_shuffle_ps(v, v, _MM_SHUFFLE(1, 0, 0, 0));
    out[1] = _mm_shuffle_ps(v, v, _MM_SHUFFLE(2, 2, 1, 1));
    out[2] = _mm_shuffle_ps(v, v, _MM_SHUFFLE(3, 3, 3, 2));
  }
  // --- float32 noise per channel in NCHW, 3 channels: a, b, c hold 3 · kLanes
  // consecutive values e, interleaved by channel (RGB RGB ...); out[ch] lane
  // i gets e[3i + ch].
  // A channel's 4 values sit in 4 different lanes (3 is odd), so two blends
  // gather them into one vector and shufps orders them.
  static void deinterleave3(F32 a, F32 b, F32 c, F32 (&out)[3]) {
    const __m128 t0 = _mm_blend_ps(_mm_blend_ps(a, b, 0x4), c, 0x2);  // e0 e9 e6 e3
    const __m128 t1 = _mm_blend_ps(_mm_blend_ps(a, b, 0x9), c, 0x4);  // e4 e1 e10 e7
    const __m128 t2 = _mm_blend_ps(_mm_blend_ps(a, b, 0x2), c, 0x9);  // e8 e5 e2 e11
    out[0] = _mm_shuffle_ps(t0, t0, _MM_SHUFFLE(1, 2, 3, 0));
    out[1] = _mm_shuffle_ps(t1, t1, _MM_SHUFFLE(2, 3, 0, 1));
    out[2] = _mm_shuffle_ps(t2, t2, _MM_SHUFFLE(3, 0, 1, 2));
  }
  static U32 cvt_nearest_i32(F32 a) { return _mm_cvtps_epi32(a); }  // MXCSR default: nearest, ties to even
  static U32 cvtt_i32(F32 a) { return _mm_cvttps_epi32(a); }  // toward zero
  // a < b ? a : b and a > b ? a : b, exactly (b where either is NaN; -0 vs +0 gives b)
  static F32 minf(F32 a, F32 b) { return _mm_min_ps(a, b); }
  static F32 maxf(F32 a, F32 b) { return _mm_max_ps(a, b); }
  static F32 loadf(const float* p) { return _mm_loadu_ps(p); }
  // no non-temporal float stores here (noise.h's large per-pixel outputs stream on AVX-512 only)
  static constexpr bool kStreamStores = false;
  static void streamf(float* p, F32 a) { storef(p, a); }
  static void stream_fence() {}
  static void storef(float* p, F32 a) { _mm_storeu_ps(p, a); }
};

// float64 lanes for gamma's pow64 (native/kernels/gamma.h): two doubles
// per vector, widened from and narrowed to two floats. IEEE operations
// only (-ffp-contract=off), so each lane rounds as the scalar double code does.
struct SimdF64 {
  static constexpr int kLanes = 2;
  using F64 = __m128d;
  using Mask = __m128d;  // all-ones lanes

  static F64 set(double x) { return _mm_set1_pd(x); }
  static F64 load_f32(const float* p) { return _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))); }
  static void store(double* p, F64 a) { _mm_storeu_pd(p, a); }
  // nearest-even float32 (NaN quieted), as the scalar float(double)
  static void store_f32(float* p, F64 a) { _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_castps_si128(_mm_cvtpd_ps(a))); }
  static F64 round_f32(F64 a) { return _mm_cvtps_pd(_mm_cvtpd_ps(a)); }
  static F64 add(F64 a, F64 b) { return _mm_add_pd(a, b); }
  static F64 sub(F64 a, F64 b) { return _mm_sub_pd(a, b); }
  static F64 mul(F64 a, F64 b) { return _mm_mul_pd(a, b); }
  static F64 div(F64 a, F64 b) { return _mm_div_pd(a, b); }
  static F64 floor(F64 a) { return _mm_floor_pd(a); }
  // the C comparisons (false where either is NaN); select: m ? a : b per lane
  static Mask gt(F64 a, F64 b) { return _mm_cmpgt_pd(a, b); }
  static Mask lt(F64 a, F64 b) { return _mm_cmplt_pd(a, b); }
  static Mask le(F64 a, F64 b) { return _mm_cmple_pd(a, b); }
  static Mask both(Mask a, Mask b) { return _mm_and_pd(a, b); }
  static F64 select(Mask m, F64 a, F64 b) { return _mm_blendv_pd(b, a, m); }
  // bits of a: (a & mask) | set, and a >> n (logical)
  static F64 and_or_bits(F64 a, uint64_t mask, uint64_t set) {
    const __m128i r = _mm_or_si128(_mm_and_si128(_mm_castpd_si128(a), _mm_set1_epi64x(int64_t(mask))), _mm_set1_epi64x(int64_t(set)));
    return _mm_castsi128_pd(r);
  }
  template <int N> static F64 shr_bits(F64 a) { return _mm_castsi128_pd(_mm_srli_epi64(_mm_castpd_si128(a), N)); }
  template <int N> static F64 shl_bits(F64 a) { return _mm_castsi128_pd(_mm_slli_epi64(_mm_castpd_si128(a), N)); }
};
