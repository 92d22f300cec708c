// SSE4.1: two Philox blocks per U64 vector, four 32-bit lanes.
// Lane order matches simd/scalar.h exactly.

struct Simd {
  static constexpr int kBlocks = 2;
  static constexpr int kLanes = 4;
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
  template <int N> static U32 srai(U32 a) { return _mm_srai_epi32(a, N); }
  static U32 band(U32 a, U32 b) { return _mm_and_si128(a, b); }
  static U32 bor(U32 a, U32 b) { return _mm_or_si128(a, b); }
  static U32 bxor(U32 a, U32 b) { return _mm_xor_si128(a, b); }
  static U32 add32(U32 a, U32 b) { return _mm_add_epi32(a, b); }
  static U32 sub32(U32 a, U32 b) { return _mm_sub_epi32(a, b); }
  static U32 select(U32 mask, U32 a, U32 b) { return _mm_blendv_epi8(b, a, mask); }

  static F32 setf(float x) { return _mm_set1_ps(x); }
  static F32 add(F32 a, F32 b) { return _mm_add_ps(a, b); }
  static F32 sub(F32 a, F32 b) { return _mm_sub_ps(a, b); }
  static F32 mul(F32 a, F32 b) { return _mm_mul_ps(a, b); }
  static F32 div(F32 a, F32 b) { return _mm_div_ps(a, b); }
  static F32 sqrt(F32 a) { return _mm_sqrt_ps(a); }
  static F32 cvt_i32(U32 a) { return _mm_cvtepi32_ps(a); }
  static F32 as_float(U32 a) { return _mm_castsi128_ps(a); }
  static U32 as_int(F32 a) { return _mm_castps_si128(a); }


  // --- uint8 noise: kLanes bytes in and out, float clamps and rounding
  static U32 load_u8(const uint8_t* p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(v));
  }
  // int32 lanes saturated to [0, 255] (|a| < 2^15)
  static void store_u8(uint8_t* p, U32 a) {
    const __m128i w = _mm_packus_epi32(a, a);
    const int32_t v = _mm_cvtsi128_si32(_mm_packus_epi16(w, w));
    __builtin_memcpy(p, &v, 4);
  }
  static U32 cvt_nearest_i32(F32 a) { return _mm_cvtps_epi32(a); }  // MXCSR default: nearest, ties to even
  static U32 cvtt_i32(F32 a) { return _mm_cvttps_epi32(a); }  // toward zero
  // a < b ? a : b and a > b ? a : b, exactly (b where either is NaN; -0 vs +0 gives b)
  static F32 minf(F32 a, F32 b) { return _mm_min_ps(a, b); }
  static F32 maxf(F32 a, F32 b) { return _mm_max_ps(a, b); }
  static F32 loadf(const float* p) { return _mm_loadu_ps(p); }
  static void storef(float* p, F32 a) { _mm_storeu_ps(p, a); }
};
