// AVX-512 F/BW/VL/DQ: eight Philox blocks per U64 vector, sixteen 32-bit
// lanes. pack_low_words gives [a0..a7, b0..b7]; order_pairs interleaves back.

struct Simd {
  static constexpr int kBlocks = 8;
  static constexpr int kLanes = 16;
  static constexpr bool kPackedWords = false;  // Philox words in 64-bit lanes (random.h)
  static constexpr int kStoreAlign = 64;  // where noise.h starts its whole runs: a 64-byte store across a cache line costs more (Zen 4)
  using U64 = __m512i;
  using U32 = __m512i;
  using F32 = __m512;

  static U64 blocks_from(uint64_t b) {
    return _mm512_add_epi64(_mm512_set1_epi64(int64_t(b)), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
  }
  static U64 set64(uint64_t x) { return _mm512_set1_epi64(int64_t(x)); }
  static U64 shr32(U64 a) { return _mm512_srli_epi64(a, 32); }
  static U64 mul_wide(U64 a, U64 m) { return _mm512_mul_epu32(a, m); }
  static U64 xor64(U64 a, U64 b) { return _mm512_xor_si512(a, b); }
  static U32 pack_low_words(U64 a, U64 b) {
    const __m512i idx = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    return _mm512_permutex2var_epi32(a, idx, b);
  }
  // block j gets [x_j, y_j, x_{8+j}, y_{8+j}]; y lanes are indices 16..31
  static void order_pairs(F32 x, F32 y, F32& first, F32& second) {
    const __m512i lo = _mm512_set_epi32(27, 11, 19, 3, 26, 10, 18, 2, 25, 9, 17, 1, 24, 8, 16, 0);
    const __m512i hi = _mm512_set_epi32(31, 15, 23, 7, 30, 14, 22, 6, 29, 13, 21, 5, 28, 12, 20, 4);
    first = _mm512_permutex2var_ps(x, lo, y);
    second = _mm512_permutex2var_ps(x, hi, y);
  }

  static U32 set32(uint32_t x) { return _mm512_set1_epi32(int32_t(x)); }
  template <int N> static U32 srli(U32 a) { return _mm512_srli_epi32(a, N); }
  template <int N> static U32 slli(U32 a) { return _mm512_slli_epi32(a, N); }
  static U32 band(U32 a, U32 b) { return _mm512_and_si512(a, b); }
  static U32 bor(U32 a, U32 b) { return _mm512_or_si512(a, b); }
  static U32 bxor(U32 a, U32 b) { return _mm512_xor_si512(a, b); }
  static U32 add32(U32 a, U32 b) { return _mm512_add_epi32(a, b); }
  static U32 sub32(U32 a, U32 b) { return _mm512_sub_epi32(a, b); }
  // lanes where bit kBit of w is set: a, and x ^ c; elsewhere b, and x
  template <int kBit> static __mmask16 bit_set(U32 w) { return _mm512_test_epi32_mask(w, _mm512_set1_epi32(int32_t(1u << kBit))); }
  template <int kBit> static U32 select_bit(U32 w, U32 a, U32 b) { return _mm512_mask_blend_epi32(bit_set<kBit>(w), b, a); }
  template <int kBit> static U32 xor_bit(U32 w, U32 x, U32 c) { return _mm512_mask_xor_epi32(x, bit_set<kBit>(w), x, c); }

  static F32 setf(float x) { return _mm512_set1_ps(x); }
  static F32 add(F32 a, F32 b) { return _mm512_add_ps(a, b); }
  static F32 sub(F32 a, F32 b) { return _mm512_sub_ps(a, b); }
  static F32 mul(F32 a, F32 b) { return _mm512_mul_ps(a, b); }
  static F32 div(F32 a, F32 b) { return _mm512_div_ps(a, b); }
  static F32 sqrt(F32 a) { return _mm512_sqrt_ps(a); }
  static F32 cvt_i32(U32 a) { return _mm512_cvtepi32_ps(a); }
  // floor(log2 x) as a float, for x positive and normal
  static F32 exponent(F32 x) { return _mm512_getexp_ps(x); }
  static F32 as_float(U32 a) { return _mm512_castsi512_ps(a); }
  static U32 as_int(F32 a) { return _mm512_castps_si512(a); }


  // --- uint8 noise: float clamps and rounding, and the narrowing sum
  // out[i] = saturate(x[i] + m[i] + (x[i] odd ? t[i] : 0)) over 4 · kLanes
  // bytes, element i in lane i % kLanes of m[i / kLanes] and t[i / kLanes];
  // t in {-1, 0, 1}. In 16-bit lanes with saturating adds (saturating m to
  // 16 bits first leaves the result as it is). packs / packus interleave
  // their sources per 128-bit lane, so x is first put in that order (a 4 × 4
  // transpose of dwords, its own inverse) and the bytes put back after.
  // Whether any lane of v[0..3] is a multiple of 1/2 (a tie, or an
  // integer): there, and nowhere else, v rounded to one fraction bit is v
  // (in any rounding mode). noise.h's uint8 rule skips the tie fix-up
  // (add_odd_ties_u8's t) for 4 vectors without one, nearly all of them.
  static bool any_half_multiple(const F32 (&v)[4]) {
    __mmask16 any = 0;
    for (int i = 0; i < 4; ++i) any |= _mm512_cmp_ps_mask(_mm512_roundscale_ps(v[i], (1 << 4) | _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), v[i], _CMP_EQ_OQ);
    return any != 0;
  }
  // out[i] = saturate(x[i] + m[i]) over 4 · kLanes bytes: add_odd_ties_u8 with t = 0
  static void add_u8(const uint8_t* x, uint8_t* out, const U32 (&m)[4]) {
    const __m512i transpose = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
    const __m512i xs = _mm512_permutexvar_epi32(transpose, _mm512_loadu_si512(x));
    const __m512i zero = _mm512_setzero_si512();
    const __m512i r01 = _mm512_adds_epi16(_mm512_unpacklo_epi8(xs, zero), _mm512_packs_epi32(m[0], m[1]));
    const __m512i r23 = _mm512_adds_epi16(_mm512_unpackhi_epi8(xs, zero), _mm512_packs_epi32(m[2], m[3]));
    _mm512_storeu_si512(out, _mm512_permutexvar_epi32(transpose, _mm512_packus_epi16(r01, r23)));
  }
  static void add_odd_ties_u8(const uint8_t* x, uint8_t* out, const U32 (&m)[4], const U32 (&t)[4]) {
    const __m512i transpose = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
    const __m512i xs = _mm512_permutexvar_epi32(transpose, _mm512_loadu_si512(x));
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi16(1);
    const __m512i x01 = _mm512_unpacklo_epi8(xs, zero), x23 = _mm512_unpackhi_epi8(xs, zero);
    __m512i r01 = _mm512_adds_epi16(x01, _mm512_packs_epi32(m[0], m[1]));
    __m512i r23 = _mm512_adds_epi16(x23, _mm512_packs_epi32(m[2], m[3]));
    r01 = _mm512_mask_adds_epi16(r01, _mm512_test_epi16_mask(x01, one), r01, _mm512_packs_epi32(t[0], t[1]));
    r23 = _mm512_mask_adds_epi16(r23, _mm512_test_epi16_mask(x23, one), r23, _mm512_packs_epi32(t[2], t[3]));
    _mm512_storeu_si512(out, _mm512_permutexvar_epi32(transpose, _mm512_packus_epi16(r01, r23)));
  }
  // --- salt and pepper, NHWC per pixel with 3 channels: out = (x & keep) | set
  // over 4 · kLanes pixels (3 · 64 bytes), each pixel's keep and set byte
  // repeated over its channels by pshufb (repeat3_index.h). pshufb stays in
  // its 128-bit lane, and 16-byte output piece j takes keep's lane j / 3:
  // outputs 0, 1, 2 take lanes (0, 0, 0, 1), (1, 1, 2, 2), (2, 3, 3, 3).
  static void keep_or_set_3ch(const uint8_t* x, uint8_t* out, const uint8_t* keep, const uint8_t* set) {
    const __m512i k = _mm512_loadu_si512(keep), s = _mm512_loadu_si512(set);
    const __m512i ks[3] = {_mm512_shuffle_i32x4(k, k, 0x40), _mm512_shuffle_i32x4(k, k, 0xA5), _mm512_shuffle_i32x4(k, k, 0xFE)};
    const __m512i ss[3] = {_mm512_shuffle_i32x4(s, s, 0x40), _mm512_shuffle_i32x4(s, s, 0xA5), _mm512_shuffle_i32x4(s, s, 0xFE)};
    for (int j = 0; j < 3; ++j) {
      const __m512i idx = _mm512_load_si512(kRepeat3.byte + 64 * j);
      const __m512i xs = _mm512_loadu_si512(x + 64 * j);
      // (x & keep) | set: ternary-logic truth table 0xEA
      const __m512i r = _mm512_ternarylogic_epi32(xs, _mm512_shuffle_epi8(ks[j], idx), _mm512_shuffle_epi8(ss[j], idx), 0xEA);
      _mm512_storeu_si512(out + 64 * j, r);
    }
  }
  // --- float32 noise, one value per pixel of 3 channels: each lane of v
  // three times over out[0..2], lane i in lane i % kLanes of out[i / kLanes]
  // after repetition (v0 v0 v0 v1 v1 v1 ...).
  static void repeat3(F32 v, F32 (&out)[3]) {
    out[0] = _mm512_permutexvar_ps(_mm512_set_epi32(5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0), v);
    out[1] = _mm512_permutexvar_ps(_mm512_set_epi32(10, 10, 9, 9, 9, 8, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5), v);
    out[2] = _mm512_permutexvar_ps(_mm512_set_epi32(15, 15, 15, 14, 14, 14, 13, 13, 13, 12, 12, 12, 11, 11, 11, 10), v);
  }
  // --- float32 noise per channel in NCHW, 3 channels: a, b, c hold 3 · kLanes
  // consecutive values e, interleaved by channel (RGB RGB ...); out[ch] lane
  // i gets e[3i + ch].
  // Two-source permutes: the first takes the values below e[32] from a and
  // b, the second the rest from c.
  static void deinterleave3(F32 a, F32 b, F32 c, F32 (&out)[3]) {
    const __m512i from_ab[3] = {_mm512_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0),
                                _mm512_setr_epi32(1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0),
                                _mm512_setr_epi32(2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0)};
    const __m512i from_c[3] = {_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29),
                               _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30),
                               _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31)};
    for (int ch = 0; ch < 3; ++ch) out[ch] = _mm512_permutex2var_ps(_mm512_permutex2var_ps(a, from_ab[ch], b), from_c[ch], c);
  }
  static U32 cvt_nearest_i32(F32 a) { return _mm512_cvt_roundps_epi32(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static U32 cvtt_i32(F32 a) { return _mm512_cvttps_epi32(a); }  // toward zero
  // a < b ? a : b and a > b ? a : b, exactly (b where either is NaN; -0 vs +0 gives b)
  static F32 minf(F32 a, F32 b) { return _mm512_min_ps(a, b); }
  static F32 maxf(F32 a, F32 b) { return _mm512_max_ps(a, b); }
  static F32 loadf(const float* p) { return _mm512_loadu_ps(p); }
  static void storef(float* p, F32 a) { _mm512_storeu_ps(p, a); }
  // a non-temporal store of one whole 64-byte line (p 64-byte aligned): no
  // read for ownership (noise.h streams large per-pixel outputs); after
  // them, stream_fence before another thread may read the output
  static constexpr bool kStreamStores = true;
  static void streamf(float* p, F32 a) { _mm512_stream_si512(reinterpret_cast<__m512i*>(p), _mm512_castps_si512(a)); }
  static void stream_fence() { _mm_sfence(); }
};

// float64 lanes for gamma's pow64 (native/kernels/gamma.h): eight doubles
// per vector, widened from and narrowed to eight floats. IEEE operations
// only (the file is built with -mno-fma -ffp-contract=off), so each lane
// rounds as the scalar double code does.
struct SimdF64 {
  static constexpr int kLanes = 8;
  using F64 = __m512d;
  using Mask = __mmask8;

  static F64 set(double x) { return _mm512_set1_pd(x); }
  static F64 load_f32(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
  static void store(double* p, F64 a) { _mm512_storeu_pd(p, a); }
  // nearest-even float32 (NaN quieted), as the scalar float(double)
  static void store_f32(float* p, F64 a) { _mm256_storeu_ps(p, _mm512_cvtpd_ps(a)); }
  static F64 round_f32(F64 a) { return _mm512_cvtps_pd(_mm512_cvtpd_ps(a)); }
  static F64 add(F64 a, F64 b) { return _mm512_add_pd(a, b); }
  static F64 sub(F64 a, F64 b) { return _mm512_sub_pd(a, b); }
  static F64 mul(F64 a, F64 b) { return _mm512_mul_pd(a, b); }
  static F64 div(F64 a, F64 b) { return _mm512_div_pd(a, b); }
  static F64 floor(F64 a) { return _mm512_roundscale_pd(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
  // the C comparisons (false where either is NaN); select: m ? a : b per lane
  static Mask gt(F64 a, F64 b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  static Mask lt(F64 a, F64 b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static Mask le(F64 a, F64 b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
  static Mask both(Mask a, Mask b) { return Mask(a & b); }
  static F64 select(Mask m, F64 a, F64 b) { return _mm512_mask_blend_pd(m, b, a); }
  // bits of a: (a & mask) | set, and a >> n (logical)
  static F64 and_or_bits(F64 a, uint64_t mask, uint64_t set) {
    const __m512i r = _mm512_or_si512(_mm512_and_si512(_mm512_castpd_si512(a), _mm512_set1_epi64(int64_t(mask))), _mm512_set1_epi64(int64_t(set)));
    return _mm512_castsi512_pd(r);
  }
  template <int N> static F64 shr_bits(F64 a) { return _mm512_castsi512_pd(_mm512_srli_epi64(_mm512_castpd_si512(a), N)); }
  template <int N> static F64 shl_bits(F64 a) { return _mm512_castsi512_pd(_mm512_slli_epi64(_mm512_castpd_si512(a), N)); }
};
