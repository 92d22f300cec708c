// AVX2: four Philox blocks per U64 vector, eight 32-bit lanes. Packing works
// within 128-bit halves (as SSE4.1 does per half); order_pairs undoes it.

struct Simd {
  static constexpr int kBlocks = 4;
  static constexpr int kLanes = 8;
  using U64 = __m256i;
  using U32 = __m256i;
  using F32 = __m256;

  static U64 blocks_from(uint64_t b) {
    return _mm256_add_epi64(_mm256_set1_epi64x(int64_t(b)), _mm256_set_epi64x(3, 2, 1, 0));
  }
  static U64 set64(uint64_t x) { return _mm256_set1_epi64x(int64_t(x)); }
  static U64 shr32(U64 a) { return _mm256_srli_epi64(a, 32); }
  static U64 mul_wide(U64 a, U64 m) { return _mm256_mul_epu32(a, m); }
  static U64 xor64(U64 a, U64 b) { return _mm256_xor_si256(a, b); }
  // per half h: [a(2h), a(2h+1), b(2h), b(2h+1)]
  static U32 pack_low_words(U64 a, U64 b) {
    return _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), _MM_SHUFFLE(2, 0, 2, 0)));
  }
  static void order_pairs(F32 x, F32 y, F32& first, F32& second) {
    const __m256 lo = _mm256_unpacklo_ps(x, y);
    const __m256 hi = _mm256_unpackhi_ps(x, y);
    const __m256 even = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(1, 0, 1, 0));  // blocks 0 | 2
    const __m256 odd = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 2, 3, 2));   // blocks 1 | 3
    first = _mm256_permute2f128_ps(even, odd, 0x20);                         // blocks 0, 1
    second = _mm256_permute2f128_ps(even, odd, 0x31);                        // blocks 2, 3
  }

  static U32 set32(uint32_t x) { return _mm256_set1_epi32(int32_t(x)); }
  template <int N> static U32 srli(U32 a) { return _mm256_srli_epi32(a, N); }
  template <int N> static U32 slli(U32 a) { return _mm256_slli_epi32(a, N); }
  template <int N> static U32 srai(U32 a) { return _mm256_srai_epi32(a, N); }
  static U32 band(U32 a, U32 b) { return _mm256_and_si256(a, b); }
  static U32 bor(U32 a, U32 b) { return _mm256_or_si256(a, b); }
  static U32 bxor(U32 a, U32 b) { return _mm256_xor_si256(a, b); }
  static U32 add32(U32 a, U32 b) { return _mm256_add_epi32(a, b); }
  static U32 sub32(U32 a, U32 b) { return _mm256_sub_epi32(a, b); }
  static U32 select(U32 mask, U32 a, U32 b) { return _mm256_blendv_epi8(b, a, mask); }

  static F32 setf(float x) { return _mm256_set1_ps(x); }
  static F32 add(F32 a, F32 b) { return _mm256_add_ps(a, b); }
  static F32 sub(F32 a, F32 b) { return _mm256_sub_ps(a, b); }
  static F32 mul(F32 a, F32 b) { return _mm256_mul_ps(a, b); }
  static F32 div(F32 a, F32 b) { return _mm256_div_ps(a, b); }
  static F32 sqrt(F32 a) { return _mm256_sqrt_ps(a); }
  static F32 cvt_i32(U32 a) { return _mm256_cvtepi32_ps(a); }
  static F32 as_float(U32 a) { return _mm256_castsi256_ps(a); }
  static U32 as_int(F32 a) { return _mm256_castps_si256(a); }


  // --- uint8 noise: kLanes bytes in and out, float clamps and rounding
  static U32 load_u8(const uint8_t* p) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))); }
  // int32 lanes saturated to [0, 255] (|a| < 2^15); the packs work per 128-bit half
  static void store_u8(uint8_t* p, U32 a) {
    const __m256i w = _mm256_packus_epi32(a, a);  // u16: a0..3 a0..3 | a4..7 a4..7
    const __m256i b = _mm256_packus_epi16(w, w);  // u8: first dword of each half = a0..3 | a4..7
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0))));
  }
  static U32 cvt_nearest_i32(F32 a) { return _mm256_cvtps_epi32(a); }  // MXCSR default: nearest, ties to even
  static U32 cvtt_i32(F32 a) { return _mm256_cvttps_epi32(a); }  // toward zero
  // a < b ? a : b and a > b ? a : b, exactly (b where either is NaN; -0 vs +0 gives b)
  static F32 minf(F32 a, F32 b) { return _mm256_min_ps(a, b); }
  static F32 maxf(F32 a, F32 b) { return _mm256_max_ps(a, b); }
  static F32 loadf(const float* p) { return _mm256_loadu_ps(p); }
  static void storef(float* p, F32 a) { _mm256_storeu_ps(p, a); }
};
