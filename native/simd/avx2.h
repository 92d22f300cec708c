// AVX2: four Philox blocks per U64 vector, eight 32-bit lanes. The blocks
// sit in the 64-bit lanes in the order 0, 2, 1, 3, and pack_low_words puts
// the two words of a block side by side, so that order_pairs is one unpack
// per output vector (two shuffles for 16 values where a 128-bit-lane shuffle
// pack and a full transpose took eight; shuffles have two of Zen 3's four
// vector pipes, blends and shifts more).

struct Simd {
  static constexpr int kBlocks = 4;
  static constexpr int kLanes = 8;
  static constexpr bool kPackedWords = true;  // Philox state in 32-bit lanes (random.h, visit_blocks_packed)
  static constexpr int kStoreAlign = 4;  // where noise.h starts its whole runs: anywhere (AVX2 on Zen 4: no gain from 32)
  using U64 = __m256i;
  using U32 = __m256i;
  using F32 = __m256;

  static U64 blocks_from(uint64_t b) {  // lanes 0..3: blocks b, b + 2, b + 1, b + 3
    return _mm256_add_epi64(_mm256_set1_epi64x(int64_t(b)), _mm256_set_epi64x(3, 1, 2, 0));
  }
  static U64 set64(uint64_t x) { return _mm256_set1_epi64x(int64_t(x)); }
  static U64 shr32(U64 a) { return _mm256_srli_epi64(a, 32); }
  static U64 mul_wide(U64 a, U64 m) { return _mm256_mul_epu32(a, m); }
  static U64 xor64(U64 a, U64 b) { return _mm256_xor_si256(a, b); }
  // per 64-bit lane: [a, b] (their low words): [a(0), b(0), a(2), b(2) | a(1), b(1), a(3), b(3)]
  // by block
  static U32 pack_low_words(U64 a, U64 b) { return _mm256_blend_epi32(a, _mm256_slli_epi64(b, 32), 0xAA); }
  // x holds words 0 and 2 of the blocks in the order above, y words 1 and 3:
  // the low unpack gives blocks 0 | 1, the high one blocks 2 | 3
  static void order_pairs(F32 x, F32 y, F32& first, F32& second) {
    first = _mm256_unpacklo_ps(x, y);
    second = _mm256_unpackhi_ps(x, y);
  }

  // --- packed Philox state (random.h): one word of 8 blocks per vector,
  // blocks b, b + 4, b + 2, b + 6, b + 1, b + 5, b + 3, b + 7 in lanes 0..7:
  // lanes i and i + 4 hold blocks 2j and 2j + 1, so order_quads needs only
  // in-lane unpacks, and the packing of two blocks_from groups (lanes 0, 2,
  // 1, 3 each) into the even and odd lanes gives this order too.
  static U32 packed_blocks_from(uint64_t b) {
    return _mm256_add_epi32(_mm256_set1_epi32(int32_t(uint32_t(b))), _mm256_setr_epi32(0, 4, 2, 6, 1, 5, 3, 7));
  }
  static U64 shl32(U64 a) { return _mm256_slli_epi64(a, 32); }
  static U32 swap_pairs(U32 a) { return _mm256_shuffle_epi32(a, 0xB1); }  // lanes 2i and 2i + 1 swapped
  static U32 blend_odd(U32 even, U32 odd) { return _mm256_blend_epi32(even, odd, 0xAA); }  // even lanes of `even`, odd of `odd`
  // a, b, c, d: values 0..3 of the 8 blocks in the lane order above; out:
  // 4 values of blocks 0, 1 | 2, 3 | 4, 5 | 6, 7
  static void order_quads(F32 a, F32 b, F32 c, F32 d, F32 (&out)[4]) {
    const __m256d ab_lo = _mm256_castps_pd(_mm256_unpacklo_ps(a, b)), ab_hi = _mm256_castps_pd(_mm256_unpackhi_ps(a, b));
    const __m256d cd_lo = _mm256_castps_pd(_mm256_unpacklo_ps(c, d)), cd_hi = _mm256_castps_pd(_mm256_unpackhi_ps(c, d));
    out[0] = _mm256_castpd_ps(_mm256_unpacklo_pd(ab_lo, cd_lo));  // lanes 0 | 4
    out[1] = _mm256_castpd_ps(_mm256_unpacklo_pd(ab_hi, cd_hi));  // lanes 2 | 6
    out[2] = _mm256_castpd_ps(_mm256_unpackhi_pd(ab_lo, cd_lo));  // lanes 1 | 5
    out[3] = _mm256_castpd_ps(_mm256_unpackhi_pd(ab_hi, cd_hi));  // lanes 3 | 7
  }

  static U32 set32(uint32_t x) { return _mm256_set1_epi32(int32_t(x)); }
  template <int N> static U32 srli(U32 a) { return _mm256_srli_epi32(a, N); }
  template <int N> static U32 slli(U32 a) { return _mm256_slli_epi32(a, N); }
  static U32 band(U32 a, U32 b) { return _mm256_and_si256(a, b); }
  static U32 bor(U32 a, U32 b) { return _mm256_or_si256(a, b); }
  static U32 bxor(U32 a, U32 b) { return _mm256_xor_si256(a, b); }
  static U32 add32(U32 a, U32 b) { return _mm256_add_epi32(a, b); }
  static U32 sub32(U32 a, U32 b) { return _mm256_sub_epi32(a, b); }
  // lanes where bit kBit of w is set: a, and x ^ c; elsewhere b, and x.
  // blendv_ps reads only bit 31 of each lane, so the bit is shifted there.
  template <int kBit> static U32 select_bit(U32 w, U32 a, U32 b) {
    const __m256 m = _mm256_castsi256_ps(slli<31 - kBit>(w));
    return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(b), _mm256_castsi256_ps(a), m));
  }
  template <int kBit> static U32 xor_bit(U32 w, U32 x, U32 c) { return select_bit<kBit>(w, bxor(x, c), x); }

  static F32 setf(float x) { return _mm256_set1_ps(x); }
  static F32 add(F32 a, F32 b) { return _mm256_add_ps(a, b); }
  static F32 sub(F32 a, F32 b) { return _mm256_sub_ps(a, b); }
  static F32 mul(F32 a, F32 b) { return _mm256_mul_ps(a, b); }
  static F32 div(F32 a, F32 b) { return _mm256_div_ps(a, b); }
  static F32 sqrt(F32 a) { return _mm256_sqrt_ps(a); }
  static F32 cvt_i32(U32 a) { return _mm256_cvtepi32_ps(a); }
  // floor(log2 x) as a float, for x positive and normal: its exponent field
  static F32 exponent(F32 x) { return cvt_i32(sub32(srli<23>(as_int(x)), set32(127))); }
  static F32 as_float(U32 a) { return _mm256_castsi256_ps(a); }
  static U32 as_int(F32 a) { return _mm256_castps_si256(a); }


  // --- uint8 noise: float clamps and rounding, and the narrowing sum
  // out[i] = saturate(x[i] + m[i] + (x[i] odd ? t[i] : 0)) over 4 · kLanes
  // bytes (see simd/avx512.h): 16-bit saturating adds; sign_epi16 keeps t
  // where x & 1 is 1. packs / packus interleave per 128-bit half, so the
  // dwords of x go into that order first and back after.
  static void add_odd_ties_u8(const uint8_t* x, uint8_t* out, const U32 (&m)[4], const U32 (&t)[4]) {
    const __m256i xs = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)), _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
    const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi16(1);
    const __m256i x01 = _mm256_unpacklo_epi8(xs, zero), x23 = _mm256_unpackhi_epi8(xs, zero);
    const __m256i t01 = _mm256_sign_epi16(_mm256_packs_epi32(t[0], t[1]), _mm256_and_si256(x01, one));
    const __m256i t23 = _mm256_sign_epi16(_mm256_packs_epi32(t[2], t[3]), _mm256_and_si256(x23, one));
    const __m256i r01 = _mm256_adds_epi16(_mm256_adds_epi16(x01, _mm256_packs_epi32(m[0], m[1])), t01);
    const __m256i r23 = _mm256_adds_epi16(_mm256_adds_epi16(x23, _mm256_packs_epi32(m[2], m[3])), t23);
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(r01, r23), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), bytes);
  }
  // --- salt and pepper, NHWC per pixel with 3 channels: out = (x & keep) | set
  // over 4 · kLanes pixels (3 · 32 bytes), each pixel's keep and set byte
  // repeated over its channels by pshufb (repeat3_index.h). pshufb stays in
  // its 128-bit half, and 16-byte output piece j takes keep's half j / 3:
  // outputs 0, 1, 2 take halves (0, 0), (0, 1), (1, 1).
  static void keep_or_set_3ch(const uint8_t* x, uint8_t* out, const uint8_t* keep, const uint8_t* set) {
    const __m256i k = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(keep));
    const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(set));
    const __m256i ks[3] = {_mm256_permute2x128_si256(k, k, 0x00), k, _mm256_permute2x128_si256(k, k, 0x11)};
    const __m256i ss[3] = {_mm256_permute2x128_si256(s, s, 0x00), s, _mm256_permute2x128_si256(s, s, 0x11)};
    for (int j = 0; j < 3; ++j) {
      const __m256i idx = _mm256_load_si256(reinterpret_cast<const __m256i*>(kRepeat3.byte + 32 * j));
      const __m256i xs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 32 * j));
      const __m256i r = _mm256_or_si256(_mm256_and_si256(xs, _mm256_shuffle_epi8(ks[j], idx)), _mm256_shuffle_epi8(ss[j], idx));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 32 * j), r);
    }
  }
  // --- float32 noise, one value per pixel of 3 channels: each lane of v
  // three times over out[0..2], lane i in lane i % kLanes of out[i / kLanes]
  // after repetition (v0 v0 v0 v1 v1 v1 ...).
  static void repeat3(F32 v, F32 (&out)[3]) {  // vpermps crosses the 128-bit halves
    out[0] = _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(0, 0, 0, 1, 1, 1, 2, 2));
    out[1] = _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(2, 3, 3, 3, 4, 4, 4, 5));
    out[2] = _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(5, 5, 6, 6, 6, 7, 7, 7));
  }
  // --- float32 noise per channel in NCHW, 3 channels: a, b, c hold 3 · kLanes
  // consecutive values e, interleaved by channel (RGB RGB ...); out[ch] lane
  // i gets e[3i + ch].
  // A channel's 8 values sit in 8 different lanes (3 is odd), so two blends
  // gather them into one vector and vpermps orders them.
  static void deinterleave3(F32 a, F32 b, F32 c, F32 (&out)[3]) {
    out[0] = _mm256_permutevar8x32_ps(_mm256_blend_ps(_mm256_blend_ps(a, b, 0x92), c, 0x24), _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5));
    out[1] = _mm256_permutevar8x32_ps(_mm256_blend_ps(_mm256_blend_ps(a, b, 0x24), c, 0x49), _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6));
    out[2] = _mm256_permutevar8x32_ps(_mm256_blend_ps(_mm256_blend_ps(a, b, 0x49), c, 0x92), _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7));
  }
  static U32 cvt_nearest_i32(F32 a) { return _mm256_cvtps_epi32(a); }  // MXCSR default: nearest, ties to even
  static U32 cvtt_i32(F32 a) { return _mm256_cvttps_epi32(a); }  // toward zero
  // a < b ? a : b and a > b ? a : b, exactly (b where either is NaN; -0 vs +0 gives b)
  static F32 minf(F32 a, F32 b) { return _mm256_min_ps(a, b); }
  static F32 maxf(F32 a, F32 b) { return _mm256_max_ps(a, b); }
  static F32 loadf(const float* p) { return _mm256_loadu_ps(p); }
  // no non-temporal float stores here (noise.h's large per-pixel outputs stream on AVX-512 only)
  static constexpr bool kStreamStores = false;
  static void streamf(float* p, F32 a) { storef(p, a); }
  static void stream_fence() {}
  static void storef(float* p, F32 a) { _mm256_storeu_ps(p, a); }
};

// float64 lanes for gamma's pow64 (native/kernels/gamma.h): four doubles
// per vector, widened from and narrowed to four floats. IEEE operations
// only (the file is built with -mno-fma -ffp-contract=off), so each lane
// rounds as the scalar double code does.
struct SimdF64 {
  static constexpr int kLanes = 4;
  using F64 = __m256d;
  using Mask = __m256d;  // all-ones lanes

  static F64 set(double x) { return _mm256_set1_pd(x); }
  static F64 load_f32(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
  static void store(double* p, F64 a) { _mm256_storeu_pd(p, a); }
  // nearest-even float32 (NaN quieted), as the scalar float(double)
  static void store_f32(float* p, F64 a) { _mm_storeu_ps(p, _mm256_cvtpd_ps(a)); }
  static F64 round_f32(F64 a) { return _mm256_cvtps_pd(_mm256_cvtpd_ps(a)); }
  static F64 add(F64 a, F64 b) { return _mm256_add_pd(a, b); }
  static F64 sub(F64 a, F64 b) { return _mm256_sub_pd(a, b); }
  static F64 mul(F64 a, F64 b) { return _mm256_mul_pd(a, b); }
  static F64 div(F64 a, F64 b) { return _mm256_div_pd(a, b); }
  static F64 floor(F64 a) { return _mm256_floor_pd(a); }
  // the C comparisons (false where either is NaN); select: m ? a : b per lane
  static Mask gt(F64 a, F64 b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
  static Mask lt(F64 a, F64 b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static Mask le(F64 a, F64 b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
  static Mask both(Mask a, Mask b) { return _mm256_and_pd(a, b); }
  static F64 select(Mask m, F64 a, F64 b) { return _mm256_blendv_pd(b, a, m); }
  // bits of a: (a & mask) | set, and a >> n (logical)
  static F64 and_or_bits(F64 a, uint64_t mask, uint64_t set) {
    const __m256i r = _mm256_or_si256(_mm256_and_si256(_mm256_castpd_si256(a), _mm256_set1_epi64x(int64_t(mask))), _mm256_set1_epi64x(int64_t(set)));
    return _mm256_castsi256_pd(r);
  }
  template <int N> static F64 shr_bits(F64 a) { return _mm256_castsi256_pd(_mm256_srli_epi64(_mm256_castpd_si256(a), N)); }
  template <int N> static F64 shl_bits(F64 a) { return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(a), N)); }
};
