// Per-image colour transforms (issue 19: brightness, contrast), bit-identical
// to src/backends/js/color.ts. Included per ISA inside namespace
// fastaug::FASTAUG_ISA_NS (no include guard, no standard headers): plain
// loops the compiler vectorizes for the including file's target, built with
// -ffp-contract=off (and -mno-fma): no fused multiply-add.
//
// Element x of channel ch of image i becomes y = float32(float32(x · a) + b),
// a = scale[i·c + ch], b = offset[i·c + ch]; float32 data then clips if
// asked; uint8 data becomes saturate(roundHalfEven(y)) (NaN: 0), the rule of
// the noise ops applied to the float32 value.

namespace color_detail {

// GCC if-converts the clamps below into vector max / min only when it may
// assume that comparisons do not trap (as in affine.h: the same values,
// only floating-point exception flags, which nothing reads, could differ).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

inline float clip_value(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

// roundHalfEven (rint in the default rounding mode) then saturate; NaN gives
// 0, as storing NaN in a Uint8Array does. Clamping to [0, 255] first gives
// the same value (rint is monotonic and keeps 0 and 255; NaN fails y > 0),
// and then t + 1.5·2^23 is 1.5·2^23 + rint(t) exactly (float32 spacing 1
// there), an integer whose low byte is rint(t) (1.5·2^23 = 0xC00000).
// Checked against rint-then-saturate for all 2^32 float bit patterns. x86
// builds map whole vectors with map_u8_step below (the same rule); this is
// their tail, and every element of the scalar and NEON builds.
inline uint8_t saturate_u8(float y) {
  const float low = y > 0.0f ? y : 0.0f;
  const float t = low < 255.0f ? low : 255.0f;
  return uint8_t(int32_t(t + 12582912.0f));
}

// --- uint8 maps: vector steps of 4 · L::kLanes elements ---
//
// MapLanes is the vector width of this build: 8 int32 / float lanes
// (AVX2, and AVX-512 builds, where __AVX2__ is defined too: the same 256-bit
// code, so that no lane order is new on AVX-512 hosts) or 4 (SSE4.1). The
// steps below are written once against it. Scalar and NEON builds have no
// vector step: every element goes through saturate_u8.
#if defined(__AVX2__)
struct MapLanes {
  static constexpr int64_t kLanes = 8;
  using I = __m256i;
  using F = __m256;
  static I widen(const uint8_t* at) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(at))); }
  static I load(const int32_t* at) { return _mm256_loadu_si256(reinterpret_cast<const I*>(at)); }
  static F load(const float* at) { return _mm256_loadu_ps(at); }
  static F to_float(I x) { return _mm256_cvtepi32_ps(x); }
  static F mul(F x, F y) { return _mm256_mul_ps(x, y); }
  static F add(F x, F y) { return _mm256_add_ps(x, y); }
  static F min(F x, F y) { return _mm256_min_ps(x, y); }
  static F set(float v) { return _mm256_set1_ps(v); }
  static I round(F x) { return _mm256_cvtps_epi32(x); }
  static I mul(I x, I y) { return _mm256_mullo_epi32(x, y); }
  static I add(I x, I y) { return _mm256_add_epi32(x, y); }
  static I shift_right(I x, __m128i count) { return _mm256_sra_epi32(x, count); }
  // Four vectors of int32 as saturated bytes, in order. The packs work per
  // 128-bit half: their dwords are elements 0–3, 8–11, 16–19, 24–27 |
  // 4–7, 12–15, 20–23, 28–31, and the permute puts them back in order.
  static void store_bytes(uint8_t* at, const I (&q)[4]) {
    const I bytes = _mm256_packus_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    _mm256_storeu_si256(reinterpret_cast<I*>(at), _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
  }
  // The 16-bit form (map_u8_narrow_step): 16 uint16 lanes per vector.
  static I load_bytes(const uint8_t* at) { return _mm256_loadu_si256(reinterpret_cast<const I*>(at)); }
  static I load(const uint16_t* at) { return _mm256_loadu_si256(reinterpret_cast<const I*>(at)); }
  static I low_words(I v) { return _mm256_unpacklo_epi8(v, _mm256_setzero_si256()); }
  static I high_words(I v) { return _mm256_unpackhi_epi8(v, _mm256_setzero_si256()); }
  // x·256 per word (the byte as the high half, zero below it): the
  // one-multiply form's input, at the cost of the plain unpacks
  static I low_words_x256(I v) { return _mm256_unpacklo_epi8(_mm256_setzero_si256(), v); }
  static I high_words_x256(I v) { return _mm256_unpackhi_epi8(_mm256_setzero_si256(), v); }
  static I mul_low16(I x, I y) { return _mm256_mullo_epi16(x, y); }
  static I mul_high16(I x, I y) { return _mm256_mulhi_epu16(x, y); }
  static I add16(I x, I y) { return _mm256_add_epi16(x, y); }
  static I adds16(I x, I y) { return _mm256_adds_epu16(x, y); }
  static I subs16(I x, I y) { return _mm256_subs_epu16(x, y); }
  static I shift_right16(I x, __m128i count) { return _mm256_srl_epi16(x, count); }
  // the unpacks and the pack work per 128-bit half, so the pack puts the
  // bytes back in order: no permute
  static void store_words(uint8_t* at, I low, I high) { _mm256_storeu_si256(reinterpret_cast<I*>(at), _mm256_packus_epi16(low, high)); }
};
#define FASTAUG_COLOR_MAP_LANES 1
#elif defined(__SSE4_1__)
struct MapLanes {
  static constexpr int64_t kLanes = 4;
  using I = __m128i;
  using F = __m128;
  static I widen(const uint8_t* at) {
    int32_t four;
    __builtin_memcpy(&four, at, 4);
    return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(four));
  }
  static I load(const int32_t* at) { return _mm_loadu_si128(reinterpret_cast<const I*>(at)); }
  static F load(const float* at) { return _mm_loadu_ps(at); }
  static F to_float(I x) { return _mm_cvtepi32_ps(x); }
  static F mul(F x, F y) { return _mm_mul_ps(x, y); }
  static F add(F x, F y) { return _mm_add_ps(x, y); }
  static F min(F x, F y) { return _mm_min_ps(x, y); }
  static F set(float v) { return _mm_set1_ps(v); }
  static I round(F x) { return _mm_cvtps_epi32(x); }
  static I mul(I x, I y) { return _mm_mullo_epi32(x, y); }
  static I add(I x, I y) { return _mm_add_epi32(x, y); }
  static I shift_right(I x, __m128i count) { return _mm_sra_epi32(x, count); }
  static void store_bytes(uint8_t* at, const I (&q)[4]) {
    _mm_storeu_si128(reinterpret_cast<I*>(at), _mm_packus_epi16(_mm_packs_epi32(q[0], q[1]), _mm_packs_epi32(q[2], q[3])));
  }
  static I load_bytes(const uint8_t* at) { return _mm_loadu_si128(reinterpret_cast<const I*>(at)); }
  static I load(const uint16_t* at) { return _mm_loadu_si128(reinterpret_cast<const I*>(at)); }
  static I low_words(I v) { return _mm_unpacklo_epi8(v, _mm_setzero_si128()); }
  static I high_words(I v) { return _mm_unpackhi_epi8(v, _mm_setzero_si128()); }
  static I low_words_x256(I v) { return _mm_unpacklo_epi8(_mm_setzero_si128(), v); }
  static I high_words_x256(I v) { return _mm_unpackhi_epi8(_mm_setzero_si128(), v); }
  static I mul_low16(I x, I y) { return _mm_mullo_epi16(x, y); }
  static I mul_high16(I x, I y) { return _mm_mulhi_epu16(x, y); }
  static I add16(I x, I y) { return _mm_add_epi16(x, y); }
  static I adds16(I x, I y) { return _mm_adds_epu16(x, y); }
  static I subs16(I x, I y) { return _mm_subs_epu16(x, y); }
  static I shift_right16(I x, __m128i count) { return _mm_srl_epi16(x, count); }
  static void store_words(uint8_t* at, I low, I high) { _mm_storeu_si128(reinterpret_cast<I*>(at), _mm_packus_epi16(low, high)); }
};
#define FASTAUG_COLOR_MAP_LANES 1
#endif

constexpr int kNarrowParams = 4;  // Ah, Al, Bp, Bn (the 16-bit form below)

#if defined(FASTAUG_COLOR_MAP_LANES)
constexpr int64_t kMapStep = 4 * MapLanes::kLanes;

// The float rule, dst[0…kMapStep−1] from src[…] against a[…], b[…].
// Written as plain loops, GCC sinks the clamps past the conversion into
// byte selects (compare masks packed to bytes and two blends per vector,
// about three times the instructions). Here, per element, the value of
// saturate_u8: t = min(255, y) (minps returns its second operand y when y
// is NaN, and 255 for y ≥ 255 and +inf), then cvtps2dq, which rounds half
// to even in the default MXCSR mode (as the float add in saturate_u8
// does) and gives 0x80000000 for NaN and −inf; the packs saturate every
// negative int32 to 0 (packssdw to a negative int16, packuswb to 0), so no
// max(·, 0) is needed. Checked against rint-then-saturate for all 2^32
// float bit patterns of y.
template <class L>
inline void map_u8_step(const uint8_t* src, uint8_t* dst, const float* a, const float* b) {
  const typename L::F top = L::set(255.0f);
  typename L::I q[4];
  for (int64_t j = 0; j < 4; ++j) {
    const int64_t at = j * L::kLanes;
    const typename L::F y = L::add(L::mul(L::to_float(L::widen(src + at)), L::load(a + at)), L::load(b + at));
    q[j] = L::round(L::min(top, y));
  }
  L::store_bytes(dst, q);
}

// The integer form (below): dst[k] = clamp((src[k] · ia[k] + ib[k]) >> shift,
// 0, 255) in int32, the shift rounding toward −∞, the packs clamping.
template <class L>
inline void map_u8_integer_step(const uint8_t* src, uint8_t* dst, const int32_t* ia, const int32_t* ib, __m128i shift) {
  typename L::I q[4];
  for (int64_t j = 0; j < 4; ++j) {
    const int64_t at = j * L::kLanes;
    q[j] = L::shift_right(L::add(L::mul(L::widen(src + at), L::load(ia + at)), L::load(ib + at)), shift);
  }
  L::store_bytes(dst, q);
}

// --- the same map in integer arithmetic, where it gives the same bytes ---
//
// A uint8 element has 256 values, so the float rule for one channel's
// (a, b) is a table T of 256 bytes. Where integers A, B and a shift S
// reproduce the whole table as clamp((x·A + B) >> S, 0, 255), the vector
// steps compute that instead: a multiply, an add and a shift on integer
// pipes, where the float rule takes a convert, a multiply, an add, a min
// and a convert, four of the five on the two pipes Zen 3 has for float
// adds and conversions. All 256 inputs are checked when A and B are
// chosen, so the bytes are the float rule's by construction. Where no B
// fits (an exact tie that rounds to even, as x·0.5, or a float rounding
// that lands right at a half), or a or b is not finite or too large, the
// float steps run.
constexpr int kMaxShift = 22;                     // T·2^S < 2^30
constexpr int kMinShift = 8;                      // coarser is not worth a try
constexpr int32_t kLineBound = int32_t(1) << 28;  // bound on |x·A| and |B|

// The largest S ≤ kMaxShift with (255·|a| + |b| + 2)·2^S ≤ 2^28 (A ≈ a·2^S,
// B ≈ (b + 0.5)·2^S), so that every bound in fit_integer_map and every
// x·A + B stays inside int32; -1 when a or b is not finite.
inline int integer_shift(float a, float b) {
  if (!__builtin_isfinite(a) || !__builtin_isfinite(b)) return -1;
  const double bound = 255.0 * __builtin_fabs(double(a)) + __builtin_fabs(double(b)) + 2.0;
  int s = kMaxShift;
  while (s >= 0 && bound * double(int32_t(1) << s) > double(kLineBound)) --s;
  return s;
}

// One channel's table T[x], x = 0…255, by the float vector step.
inline void build_table_u8(float a, float b, uint8_t* table) {
  uint8_t x[256];
  float pa[kMapStep], pb[kMapStep];
  for (int j = 0; j < 256; ++j) x[j] = uint8_t(j);
  for (int64_t j = 0; j < kMapStep; ++j) {
    pa[j] = a;
    pb[j] = b;
  }
  for (int64_t j = 0; j < 256; j += kMapStep) map_u8_step<MapLanes>(x + j, table + j, pa, pb);
}

// A (a·2^S rounded) and B with clamp((x·A + B) >> S, 0, 255) == T[x] =
// saturate_u8(x·a + b) for every x in 0…255, or false. Each x allows
// T[x]·2^S ≤ x·A + B < (T[x] + 1)·2^S (only the upper side where T[x] is
// 0, only the lower where it is 255); B is the largest lower bound if that
// is within every upper one.
inline bool fit_integer_map(float a, float b, int shift, int32_t* ia, int32_t* ib) {
  uint8_t table[256];
  build_table_u8(a, b, table);
  const int32_t one = int32_t(1) << shift;
  const int32_t scale = int32_t(__builtin_lrint(double(a) * double(one)));
  // The missing side of a 0 or 255 is a bound 2^29 away, beyond the line's
  // values (about 2^28 at most, by the choice of S): arithmetic rather than
  // a branch, so that GCC vectorizes the loop. Extra bounds only narrow the
  // interval (at worst a fit is missed, never a wrong B). Every term fits
  // int32 (T·2^S < 2^30, |x·A| ≤ 2^28 + 128).
  constexpr int32_t kAway = int32_t(1) << 29;
  int32_t lo = INT32_MIN, hi = INT32_MAX;
  for (int32_t k = 0; k < 256; ++k) {
    const int32_t t = table[k], base = t * one - k * scale;
    const int32_t low = base - (t == 0) * kAway;
    const int32_t high = base + (one - 1) + (t == 255) * kAway;
    lo = lo > low ? lo : low;
    hi = hi < high ? hi : high;
  }
  if (lo > hi) return false;
  *ia = scale;
  *ib = lo;
  return true;
}

// --- the same map in 16-bit lanes, where it gives the same bytes ---
//
// The 32-bit form above takes four multiplies, four widenings, three
// packs and a lane permute per 32 elements: on Zen 4 (AVX2) about 10
// cycles, 4.4x a memcpy with the data in L2. In uint16 lanes a step
// widens with two unpacks and packs once, in order (no permute), and the
// product x·A of a 24-bit A = Ah·2^16 + Al (Ah ≤ 255) is exact in two
// 16-bit multiplies: floor(x·A / 2^16) = x·Ah + mulhi(x, Al) (x·Ah has no
// low half), at most 255·255 + 254 < 2^16. Then, per element,
// saturating adds of B ≥ 0 (Bp) and subtractions of −B > 0 (Bn), and a
// shift by F (8 where every channel's a < 1, else 7):
//   T[x] = clamp(floor((x·A + B·2^16) / 2^(16 + F)), 0, 255),
// since floor((floor(u) + B) / 2^F) = floor((u + B) / 2^F) for integer B;
// a sum past 65535 saturates to ≥ 256 after the shift (packus: 255), one
// below 0 to 0. The slope's grain is fine (2^-24), the intercept's is
// 2^-F: about 4 channels in 5 fit at A = rint(a·2^(16+F)), nearly all the
// rest with another A (fit_narrow_map). Every candidate is run through the
// step itself on x = 0…255 and compared with T, so the bytes are the
// float rule's by construction; a channel that does not fit keeps the
// 32-bit form (the image's channels take one form together).

// One step of kMapStep elements; q holds each parameter's kMapStep values
// in word-lane order (the low words' lanes, then the high words').
template <class L>
inline void map_u8_narrow_step(const uint8_t* src, uint8_t* dst, const uint16_t* q, __m128i shift) {
  const typename L::I v = L::load_bytes(src);
  typename L::I w[2] = {L::low_words(v), L::high_words(v)};
  for (int64_t h = 0; h < 2; ++h) {
    const uint16_t* at = q + h * (kMapStep / 2);
    const typename L::I x = w[h];
    const typename L::I t = L::add16(L::mul_low16(x, L::load(at)), L::mul_high16(x, L::load(at + kMapStep)));
    w[h] = L::shift_right16(L::subs16(L::adds16(t, L::load(at + 2 * kMapStep)), L::load(at + 3 * kMapStep)), shift);
  }
  L::store_words(dst, w[0], w[1]);
}

// --- the same map with one 16-bit multiply, where it gives the same bytes ---
//
// The unpacks can put the byte x in the high half of a word (zero below
// it) as cheaply as in the low one, and then one `vpmulhuw` by a 16-bit A
// gives floor(x·256·A / 2^16) = floor(x·A / 2^8) ≤ 65280. One saturating
// add of B ≥ 0 or subtraction of −B ≥ 0 and a shift by S (8 where every
// channel's a < 1, else 7) give, as in the form above with 2^8 for 2^16,
//   T[x] = clamp(floor((x·A + B·2^8) / 2^(8 + S)), 0, 255):
// three operations per 16 lanes where the form above takes six. The
// grains are coarser (slope 2^-16 or 2^-15, intercept 2^-S), but nearly
// as many images fit (B1- and K1-like draws, 20 000 images each: 99.2 %
// and 96.7 % take this form, against 99.8-100 % for the two-multiply one).
// One vector step either adds or subtracts, so an image whose channels' B
// differ in sign keeps the two-multiply form (about 1 contrast image in
// 100; brightness has one B per image). As for the other integer forms,
// every candidate is run through the step on x = 0…255 and compared with
// T, so the bytes are the float rule's by construction.
template <class L, bool kSubtract>
inline void map_u8_one_multiply_step(const uint8_t* src, uint8_t* dst, const uint16_t* q, __m128i shift) {
  const typename L::I v = L::load_bytes(src);
  typename L::I w[2] = {L::low_words_x256(v), L::high_words_x256(v)};
  for (int64_t h = 0; h < 2; ++h) {
    const uint16_t* at = q + h * (kMapStep / 2);
    const typename L::I t = L::mul_high16(w[h], L::load(at));
    const typename L::I b = L::load(at + kMapStep);
    w[h] = L::shift_right16(kSubtract ? L::subs16(t, b) : L::adds16(t, b), shift);
  }
  L::store_words(dst, w[0], w[1]);
}

// The element of a step held by lane l of the low (h = 0) or high (h = 1)
// words: the unpacks take bytes 0–7 and 8–15 of each 128-bit half.
constexpr int64_t word_element(int64_t h, int64_t l) { return (l / 8) * 16 + h * 8 + l % 8; }

// Both 16-bit forms fit T[x] = clamp(floor((x·A + B·2^low) / 2^bits), 0,
// 255), with low = 16 and bits = 16 + F (two multiplies), or low = 8 and
// bits = 8 + S (one multiply).
struct NarrowGrain {
  int low, bits;
};

struct NarrowMap {
  int64_t a, b;  // A and B, within the bounds of the form
};

// The interval [lo, hi] of B·2^low within every level's interval for A (as
// fit_integer_map); empty when lo > hi. Int is int64_t where x·A reaches
// 2^32 (the two-multiply form), int32_t where every term stays below 2^24
// (the one-multiply form, bits ≤ 16, A < 2^16): 8 lanes per AVX2 vector
// instead of 4, and no 64-bit multiply to emulate.
template <class Int>
inline void narrow_bounds(const uint8_t* table, NarrowGrain g, int64_t a, int64_t* lo, int64_t* hi) {
  // The missing side of a 0 or 255 is a bound far beyond the line's values
  // (as kAway in fit_integer_map: arithmetic, not a branch, so that GCC
  // vectorizes).
  const Int one = Int(1) << g.bits, slope = Int(a);
  constexpr Int kFar = Int(1) << (sizeof(Int) == 8 ? 40 : 28);
  Int l = -kFar, h = kFar;
  for (Int x = 0; x < 256; ++x) {
    const Int t = table[x], base = (t << g.bits) - x * slope;
    const Int low = base - (t == 0) * kFar, high = base + one - 1 + (t == 255) * kFar;
    l = l > low ? l : low;
    h = h < high ? h : high;
  }
  *lo = l, *hi = h;
}

inline void narrow_bounds(const uint8_t* table, NarrowGrain g, int64_t a, int64_t* lo, int64_t* hi) {
  if (g.bits <= 16 && a >= 0 && a < 65536) return narrow_bounds<int32_t>(table, g, a, lo, hi);
  narrow_bounds<int64_t>(table, g, a, lo, hi);
}

// floor(v / 2^low)
inline int64_t floor_shifted(int64_t v, int low) { return v >= 0 ? v >> low : -((-v + (int64_t(1) << low) - 1) >> low); }

// Where B = k fits no A near a·2^bits: the slopes that B allows, from
// each level's interval divided by x (doubles: a candidate only, checked
// exactly by the caller).
struct Reciprocals {
  double r[256];
  constexpr Reciprocals() : r() {
    for (int x = 1; x < 256; ++x) r[x] = 1.0 / x;
  }
};
constexpr Reciprocals kReciprocals;  // 1/x: a multiply instead of a division per level

inline int64_t narrow_slope_for(const uint8_t* table, NarrowGrain g, int64_t k) {
  const double one = double(int64_t(1) << g.bits), bias = double(k) * double(int64_t(1) << g.low);
  double lo = 0, hi = 1e30;
  for (int x = 1; x < 256; ++x) {
    const double t = table[x];
    const double low = table[x] != 0 ? (t * one - bias) * kReciprocals.r[x] : 0;
    const double high = table[x] != 255 ? ((t + 1) * one - 1 - bias) * kReciprocals.r[x] : 1e30;
    lo = lo > low ? lo : low;
    hi = hi < high ? hi : high;
  }
  const double a = __builtin_ceil(lo);
  return a <= hi ? int64_t(a) : -1;
}

// A and B for one channel's table: B the first multiple of 2^low in A's
// interval, A = rint(a·2^bits) first, else the slopes that the four
// values of B around that interval allow. The caller checks them. (Four
// rather than two: with the one-multiply form's coarse grains, 99.1 % of
// K1-like channels fit against 97.8 %; eight: 99.4 %, but the fit of a
// K1-like image took 1.38 µs against 0.97, Zen 5.)
inline bool fit_narrow_map(const uint8_t* table, float a, NarrowGrain g, NarrowMap* m) {
  const int64_t a0 = int64_t(__builtin_llrint(double(a) * double(int64_t(1) << g.bits)));
  const int64_t unit = int64_t(1) << g.low;
  int64_t lo, hi;
  narrow_bounds(table, g, a0, &lo, &hi);
  const int64_t k0 = floor_shifted(lo - 1, g.low) + 1;  // ceil(lo / 2^low)
  if (lo <= hi && k0 * unit <= hi) {
    *m = NarrowMap{a0, k0};
    return true;
  }
  for (int64_t k = k0 - 2; k <= k0 + 1; ++k) {
    const int64_t slope = narrow_slope_for(table, g, k);
    if (slope <= 0) continue;
    narrow_bounds(table, g, slope, &lo, &hi);
    if (lo <= k * unit && k * unit <= hi) {
      *m = NarrowMap{slope, k};
      return true;
    }
  }
  return false;
}
#else
constexpr int64_t kMapStep = 0;
#endif

// One uint8 map of interleaved channels (c = 1…4; 1 for a plane): a and b
// for each element from the first of a pixel on, and, when every channel
// has one, an integer form (MapForm) with one shift for all (a vector
// shifts all lanes alike). A vector step reads kMapStep entries from any
// offset below c, so kPattern ≥ 3 + kMapStep.
constexpr int64_t kPattern = 64;

constexpr int64_t kNarrowStep = kMapStep > 0 ? kMapStep : 1;

// Which vector step maps a pattern's elements: the float rule
// (map_u8_step), the 32-bit integer form (map_u8_integer_step), the
// 16-bit one (map_u8_narrow_step) or the one-multiply 16-bit one
// (map_u8_one_multiply_step, adding B or subtracting −B). The tails take
// the float rule always.
enum class MapForm { kFloat, kInteger32, kNarrow16, kOneMultiplyAdd16, kOneMultiplySubtract16 };

struct PatternU8 {
  float a[kPattern], b[kPattern];
  // the 32-bit form
  int32_t ia[kPattern], ib[kPattern];
  int shift;
  // the 16-bit forms: per phase o (a step's first element in channel o),
  // Ah, Al, Bp, Bn of its kMapStep elements in word-lane order, or for the
  // one-multiply form A, |B|
  alignas(32) uint16_t narrow[4][kNarrowParams * kNarrowStep];
  int narrow_shift;
  MapForm form;
};

// out[j] = v[j mod c] for j < count: the first c, then doubling copies
// (cheaper than a division per element).
template <class T>
inline void repeat_channels(const T* v, int64_t c, T* out, int64_t count) {
  for (int64_t j = 0; j < c; ++j) out[j] = v[j];
  for (int64_t len = c; len < count; len *= 2) __builtin_memcpy(out + len, out, sizeof(T) * size_t(len < count - len ? len : count - len));
}

// A fit costs about 300 cycles (Zen 3) and saves about 4 per vector step:
// worth it from a few thousand elements per channel on (224×224 images, not
// CIFAR's 32×32).
constexpr int64_t kMinPlaneForInteger = 4096;

#if defined(FASTAUG_COLOR_MAP_LANES)
// The channel of each word lane of a step from phase o on (lane l of the
// low words at [l], of the high words at [kMapStep / 2 + l]).
inline void lane_channels(int64_t c, int64_t o, int64_t* lane) {
  int64_t channel[kMapStep];  // of element e: (o + e) mod c, without a division each
  for (int64_t e = 0, ch = o; e < kMapStep; ++e, ch = ch + 1 < c ? ch + 1 : 0) channel[e] = ch;
  for (int64_t h = 0; h < 2; ++h) {
    for (int64_t l = 0; l < kMapStep / 2; ++l) lane[h * (kMapStep / 2) + l] = channel[word_element(h, l)];
  }
}

// Phase o's block of the 16-bit form from each channel's (A, B).
inline void fill_narrow_phase(const NarrowMap* m, int64_t c, int64_t o, uint16_t* q) {
  int64_t lane[kMapStep];
  lane_channels(c, o, lane);
  for (int64_t j = 0; j < kMapStep; ++j) {
    const NarrowMap& ch = m[lane[j]];
    q[j] = uint16_t(ch.a >> 16);
    q[kMapStep + j] = uint16_t(ch.a & 0xFFFF);
    q[2 * kMapStep + j] = uint16_t(ch.b > 0 ? ch.b : 0);
    q[3 * kMapStep + j] = uint16_t(ch.b < 0 ? -ch.b : 0);
  }
}

// Phase o's block of the one-multiply form: A, then |B|.
inline void fill_one_multiply_phase(const NarrowMap* m, int64_t c, int64_t o, uint16_t* q) {
  int64_t lane[kMapStep];
  lane_channels(c, o, lane);
  for (int64_t j = 0; j < kMapStep; ++j) {
    const NarrowMap& ch = m[lane[j]];
    q[j] = uint16_t(ch.a);
    q[kMapStep + j] = uint16_t(ch.b < 0 ? -ch.b : ch.b);
  }
}

using NarrowStep = void (*)(const uint8_t*, uint8_t*, const uint16_t*, __m128i);

// x = 0…255 through `step` with one channel's parameters q: true only
// where every byte is the table's (the float rule's).
inline bool step_gives_table(NarrowStep step, const uint16_t* q, int shift, const uint8_t* table) {
  uint8_t x[256], y[256];
  for (int j = 0; j < 256; ++j) x[j] = uint8_t(j);
  const __m128i count = _mm_cvtsi32_si128(shift);
  for (int64_t j = 0; j < 256; j += kMapStep) step(x + j, y + j, q, count);
  return __builtin_memcmp(y, table, 256) == 0;
}

// How one channel's (A, B) is fitted and checked for one of the 16-bit
// forms: the grain of A, the largest A its multiply takes, how its
// parameters are laid out, and the step that runs them.
struct NarrowForm {
  NarrowGrain grain;
  int64_t max_a;
  void (*fill_phase)(const NarrowMap*, int64_t, int64_t, uint16_t*);
  NarrowStep (*step_for)(const NarrowMap&);
};

// One channel's (A, B) at `shift` for `form`: fitted to the float rule's
// table, then checked by running the form's step over x = 0…255.
inline bool fit_channel(float a, float b, int shift, const NarrowForm& form, NarrowMap* m) {
  if (!(a > 0.0f && a < 2.0f) || !__builtin_isfinite(b)) return false;
  uint8_t table[256];
  build_table_u8(a, b, table);
  if (!fit_narrow_map(table, a, form.grain, m)) return false;
  if (m->a <= 0 || m->a > form.max_a || m->b < -65535 || m->b > 65535) return false;
  alignas(32) uint16_t q[kNarrowParams * kMapStep];
  form.fill_phase(m, 1, 0, q);
  return step_gives_table(form.step_for(*m), q, shift, table);
}

// The two-multiply form at shift F: A below 2^24.
inline NarrowForm narrow_form(int f) {
  return {NarrowGrain{16, 16 + f}, (int64_t(1) << 24) - 1, fill_narrow_phase,
          [](const NarrowMap&) -> NarrowStep { return map_u8_narrow_step<MapLanes>; }};
}

// The one-multiply form at shift S: A in 16 bits; the adding step for
// B ≥ 0, else the subtracting one.
inline NarrowForm one_multiply_form(int s) {
  return {NarrowGrain{8, 8 + s}, 65535, fill_one_multiply_phase, [](const NarrowMap& m) -> NarrowStep {
            return m.b < 0 ? map_u8_one_multiply_step<MapLanes, true> : map_u8_one_multiply_step<MapLanes, false>;
          }};
}

// Each of channels a[0…c−1], b[0…c−1] (c ≤ 4) fitted by `form` at `shift`
// into m; equal channels (a brightness factor, a mean shared by the
// channels) are fitted once. False where one does not fit.
inline bool fit_channels(const float* a, const float* b, int64_t c, int shift, const NarrowForm& form, NarrowMap* m) {
  for (int64_t ch = 0; ch < c; ++ch) {
    if (ch > 0 && a[ch] == a[ch - 1] && b[ch] == b[ch - 1]) {
      m[ch] = m[ch - 1];
    } else if (!fit_channel(a[ch], b[ch], shift, form, &m[ch])) {
      return false;
    }
  }
  return true;
}

// The one-multiply form for channels a[0…c−1], b[0…c−1] (c ≤ 4), one shift
// for all (8 where every channel's a·2^16 < 65535, else 7) and one sign of
// B for all (a vector step adds or subtracts).
inline bool build_one_multiply_u8(const float* a, const float* b, int64_t c, PatternU8& pat) {
  NarrowMap m[4];
  int s = 8;
  for (int64_t ch = 0; ch < c; ++ch) s = double(a[ch]) * 65536.0 < 65535.0 ? s : 7;
  if (!fit_channels(a, b, c, s, one_multiply_form(s), m)) return false;
  bool adds = false, subtracts = false;
  for (int64_t ch = 0; ch < c; ++ch) {
    adds = adds || m[ch].b > 0;
    subtracts = subtracts || m[ch].b < 0;
  }
  if (adds && subtracts) return false;
  for (int64_t o = 0; o < c; ++o) fill_one_multiply_phase(m, c, o, pat.narrow[o]);
  pat.narrow_shift = s;
  pat.form = subtracts ? MapForm::kOneMultiplySubtract16 : MapForm::kOneMultiplyAdd16;
  return true;
}

// The 16-bit form for channels a[0…c−1], b[0…c−1] (c ≤ 4), one shift for
// all: 8 where every channel fits at 8, else 7.
inline bool build_narrow_u8(const float* a, const float* b, int64_t c, PatternU8& pat) {
  NarrowMap m[4];
  int f = 8;
  for (int64_t ch = 0; ch < c; ++ch) f = double(a[ch]) * double(1 << 24) < double((1 << 24) - 1) ? f : 7;
  if (!fit_channels(a, b, c, f, narrow_form(f), m)) return false;
  for (int64_t o = 0; o < c; ++o) fill_narrow_phase(m, c, o, pat.narrow[o]);
  pat.narrow_shift = f;
  pat.form = MapForm::kNarrow16;
  return true;
}
#endif

// The pattern of channels a[0…c−1], b[0…c−1] for an image of `plane` pixels:
// the one-multiply 16-bit form where it fits, else the two-multiply one
// (if `narrow`), else the 32-bit one, else the float rule.
// `narrow`: the two-multiply form may be used. Not for contrast's batches
// (a next image to prefetch, see map_run_u8): there it took 1.2-1.3x the
// 32-bit form's time (Zen 4, AVX2, 64 × 224×224×3 from memory, in
// bench/color-cache-ab.mjs and a harness; 1.08-1.12x with one prefetch
// per 64 bytes; Zen 5: 1.075x): its stores, which miss, leave the next
// image's prefetches behind, and the next sums wait. The one-multiply
// form, with half its operations, is faster there too (Zen 5, K1's batch
// in color_ab: 0.78-0.86x main's time), so contrast takes it.
inline void build_pattern_u8(const float* a, const float* b, int64_t c, [[maybe_unused]] int64_t plane, PatternU8& pat, [[maybe_unused]] bool narrow = true) {
  repeat_channels(a, c, pat.a, kPattern);
  repeat_channels(b, c, pat.b, kPattern);
  pat.form = MapForm::kFloat;
#if defined(FASTAUG_COLOR_MAP_LANES)
  if (plane < kMinPlaneForInteger) return;
  if (build_one_multiply_u8(a, b, c, pat) || (narrow && build_narrow_u8(a, b, c, pat))) return;
  int shift = kMaxShift;
  for (int64_t ch = 0; ch < c; ++ch) {
    const int s = integer_shift(a[ch], b[ch]);
    shift = s < shift ? s : shift;
  }
  if (shift < kMinShift) return;
  int32_t ia[4], ib[4];
  for (int64_t ch = 0; ch < c; ++ch) {
    if (!fit_integer_map(a[ch], b[ch], shift, &ia[ch], &ib[ch])) return;
  }
  repeat_channels(ia, c, pat.ia, kPattern);
  repeat_channels(ib, c, pat.ib, kPattern);
  pat.shift = shift;
  pat.form = MapForm::kInteger32;
#endif
}

// The 16-bit form maps a batch from memory faster than the hardware
// prefetcher brought the source in: without a prefetch it took 1.04-1.22x
// the 32-bit form's time there (while 0.7-0.8x with the data in L2); one
// prefetch per step, 1 KiB on, made it 0.82x (Zen 4, AVX2, brightness of
// 64 × 224×224×3 in a harness, alternated; 2 and 4 KiB: 0.89, 0.94).
constexpr int64_t kNarrowReadAhead = 1024;

#if defined(FASTAUG_COLOR_MAP_LANES)
// The vector steps from element k (pattern offset o) on: step(j, q) maps
// the kMapStep elements from j, whose pattern offset is q. Returns the
// first element not mapped and leaves o at its pattern offset.
template <typename Step>
inline int64_t map_steps(int64_t k, int64_t count, int64_t c, int64_t& o, Step step) {
  const int64_t advance = kMapStep % c;
  for (; k + kMapStep <= count; k += kMapStep, o = o + advance < c ? o + advance : o + advance - c) step(k, o);
  return k;
}

// The one-multiply form's vector steps, prefetching as the 16-bit form.
template <bool kSubtract>
inline int64_t map_one_multiply_steps(const uint8_t* src, uint8_t* dst, int64_t k, int64_t count, int64_t c, int64_t& o, const PatternU8& pat, const uint8_t* ahead) {
  const __m128i shift = _mm_cvtsi32_si128(pat.narrow_shift);
  return map_steps(k, count, c, o, [&](int64_t j, int64_t q) {
    __builtin_prefetch(ahead != nullptr ? ahead + j : src + kNarrowReadAhead + j);
    map_u8_one_multiply_step<MapLanes, kSubtract>(src + j, dst + j, pat.narrow[q], shift);
  });
}
#endif

// `count` elements of interleaved channels from a channel-0 element on;
// dst may be src. Elements one at a time up to a kMapStep boundary of dst,
// so that no vector store straddles two cache lines (on Zen 3, the integer
// map of 64 × 224×224×3 bytes into memory took 1.4 ms with every other
// store across two lines, 0.93 ms aligned), then vector steps, each from
// pattern offset o = its first element's channel, then the rest one at a
// time.
//
// `ahead`, when given, is the same run of the next image, which contrast
// sums next: one prefetch per step brings it into L2 while this run's
// vector steps (compute-bound) leave memory idle.
inline void map_run_u8(const uint8_t* src, uint8_t* dst, int64_t count, int64_t c, const PatternU8& pat, const uint8_t* ahead) {
  int64_t k = 0, o = 0;
#if defined(FASTAUG_COLOR_MAP_LANES)
  const int64_t head = int64_t(-reinterpret_cast<uintptr_t>(dst) & uintptr_t(kMapStep - 1));
  for (; k < head && k < count; ++k) dst[k] = saturate_u8(float(src[k]) * pat.a[k] + pat.b[k]);
  o = k % c;
  if (pat.form == MapForm::kOneMultiplyAdd16) {
    k = map_one_multiply_steps<false>(src, dst, k, count, c, o, pat, ahead);
  } else if (pat.form == MapForm::kOneMultiplySubtract16) {
    k = map_one_multiply_steps<true>(src, dst, k, count, c, o, pat, ahead);
  } else if (pat.form == MapForm::kNarrow16) {
    // (never with `ahead`: see build_pattern_u8)
    const __m128i shift = _mm_cvtsi32_si128(pat.narrow_shift);
    k = map_steps(k, count, c, o, [&](int64_t j, int64_t q) {
      __builtin_prefetch(src + kNarrowReadAhead + j);
      map_u8_narrow_step<MapLanes>(src + j, dst + j, pat.narrow[q], shift);
    });
  } else if (pat.form == MapForm::kInteger32) {
    const __m128i shift = _mm_cvtsi32_si128(pat.shift);
    k = map_steps(k, count, c, o, [&](int64_t j, int64_t q) {
      if (ahead != nullptr) __builtin_prefetch(ahead + j);
      map_u8_integer_step<MapLanes>(src + j, dst + j, pat.ia + q, pat.ib + q, shift);
    });
  } else {
    k = map_steps(k, count, c, o, [&](int64_t j, int64_t q) {
      if (ahead != nullptr) __builtin_prefetch(ahead + j);
      map_u8_step<MapLanes>(src + j, dst + j, pat.a + q, pat.b + q);
    });
  }
#else
  (void)ahead;
#endif
  for (; k < count; ++k, o = o + 1 < c ? o + 1 : 0) dst[k] = saturate_u8(float(src[k]) * pat.a[o] + pat.b[o]);
}

#if defined(__AVX512VBMI__)
// Runs shorter than this keep the arithmetic map: building a table costs
// about as much as mapping 256 elements with it.
constexpr int64_t kMinRunForTables = 512;

// The VBMI build (byte_table.h): each channel's table by build_table_u8,
// then table look-ups; false where the runs are too short or c > 4.
inline bool map_image_tables_u8(const uint8_t* src, uint8_t* dst, const float* a, const float* b, const ColorParams& p) {
  const int64_t plane = p.h * p.w;
  uint8_t tables[4][256];
  if (p.nchw || p.c == 1) {
    if (plane < kMinRunForTables) return false;
    for (int64_t ch = 0; ch < p.c; ++ch) {
      build_table_u8(a[ch], b[ch], tables[0]);
      byte_table::map_channels(src + ch * plane, dst + ch * plane, plane, 1, tables);
    }
    return true;
  }
  if (p.c > 4 || plane * p.c < kMinRunForTables) return false;
  for (int64_t ch = 0; ch < p.c; ++ch) build_table_u8(a[ch], b[ch], tables[ch]);
  byte_table::map_channels(src, dst, plane * p.c, p.c, tables);
  return true;
}
#endif

// `ahead`: the next image to prefetch, or nullptr (see map_run_u8).
inline void map_image_u8(const uint8_t* src, uint8_t* dst, const float* a, const float* b, const ColorParams& p, const uint8_t* ahead) {
#if defined(__AVX512VBMI__)
  if (map_image_tables_u8(src, dst, a, b, p)) return;  // no prefetch: see byte_table.h
#endif
  const int64_t plane = p.h * p.w;
  PatternU8 pat;
  if (p.nchw || p.c == 1) {
    for (int64_t ch = 0; ch < p.c; ++ch) {
      build_pattern_u8(a + ch, b + ch, 1, plane, pat, ahead == nullptr);
      map_run_u8(src + ch * plane, dst + ch * plane, plane, 1, pat, ahead == nullptr ? nullptr : ahead + ch * plane);
    }
    return;
  }
  if (p.c <= 4) {
    build_pattern_u8(a, b, p.c, plane, pat, ahead == nullptr);
    map_run_u8(src, dst, plane * p.c, p.c, pat, ahead);
    return;
  }
  for (int64_t k = 0; k < plane; ++k) {
    for (int64_t ch = 0; ch < p.c; ++ch) dst[k * p.c + ch] = saturate_u8(float(src[k * p.c + ch]) * a[ch] + b[ch]);
  }
}

// --- float32 maps ---

inline float map_f32(float x, float a, float b, const ColorParams& p) {
  const float y = x * a + b;
  return p.clip ? clip_value(y, p.clip_lo, p.clip_hi) : y;
}

// `count` elements against per-element a[k], b[k] (one contiguous loop the
// compiler vectorizes); dst may be src.
inline void map_pattern_f32(const float* src, float* dst, int64_t count, const float* a, const float* b, const ColorParams& p) {
  for (int64_t k = 0; k < count; ++k) dst[k] = map_f32(src[k], a[k], b[k], p);
}

// kPixels pixels of interleaved channels at a time (c ≤ 4), against copies
// of the channels' a and b.
constexpr int64_t kPixels = 64;

// AVX-512 builds only (color_ab F32=1, 15-21 rounds, load 9-12, new/old:
// B2 0.904-0.912, K2 0.932-0.948, control 1.020 / 0.980): the split 64-byte
// stores of the compiler's loop on buffers 16 bytes into a line cost there;
// the AVX2 build gained nothing (0.986 / 0.993) and keeps its loop.
#if defined(__AVX512F__)
// Outside the no-trapping-math region: GCC does not inline the Simd
// wrappers (other optimize options) into functions inside it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif
// An image of c ≤ 4 interleaved channels as one run: elements one at a time
// until dst sits on a Simd::F32 boundary, then whole periods of c vectors
// (c · kLanes elements hold whole pixels) against the pattern held in
// registers, then the rest one at a time. The same a·x + b and clip per
// element as map_f32 (min(hi, y) then max(lo, ·) is clip_value when
// lo ≤ hi, NaN kept); the caller keeps lo > hi on map_f32.
template <int64_t c, bool kClip>
inline void map_run_f32(const float* src, float* dst, int64_t count, const float* a, const float* b, const ColorParams& p) {
  using S = Simd;
  constexpr int64_t kLanes = S::kLanes;
  const int64_t misaligned = (reinterpret_cast<uintptr_t>(dst) / sizeof(float)) % kLanes;
  int64_t k = reinterpret_cast<uintptr_t>(dst) % sizeof(float) != 0 || misaligned == 0 ? 0 : kLanes - misaligned;
  if (k > count) k = count;
  for (int64_t j = 0; j < k; ++j) dst[j] = map_f32(src[j], a[j % c], b[j % c], p);
  float pa[kLanes * 4], pb[kLanes * 4];
  for (int64_t j = 0; j < kLanes * c; ++j) pa[j] = a[(k + j) % c], pb[j] = b[(k + j) % c];
  S::F32 va[c], vb[c];
  for (int64_t v = 0; v < c; ++v) va[v] = S::loadf(pa + v * kLanes), vb[v] = S::loadf(pb + v * kLanes);
  const S::F32 lo = S::setf(p.clip_lo), hi = S::setf(p.clip_hi);
  for (; k + kLanes * c <= count; k += kLanes * c) {
    for (int64_t v = 0; v < c; ++v) {
      S::F32 y = S::add(S::mul(S::loadf(src + k + v * kLanes), va[v]), vb[v]);
      if (kClip) y = S::maxf(lo, S::minf(hi, y));
      S::storef(dst + k + v * kLanes, y);
    }
  }
  for (; k < count; ++k) dst[k] = map_f32(src[k], a[k % c], b[k % c], p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif
#endif

inline void map_image_f32(const float* src, float* dst, const float* a, const float* b, const ColorParams& p) {
  const int64_t plane = p.h * p.w;
  if (p.nchw || p.c == 1) {
    for (int64_t ch = 0; ch < p.c; ++ch) {
      const float* from = src + ch * plane;
      float* to = dst + ch * plane;
      for (int64_t k = 0; k < plane; ++k) to[k] = map_f32(from[k], a[ch], b[ch], p);
    }
    return;
  }
#if defined(__AVX512F__)
  if (p.c <= 4 && !(p.clip && !(p.clip_lo <= p.clip_hi))) {
    const int64_t n = plane * p.c;
    switch (p.c * 2 + (p.clip ? 1 : 0)) {
      case 2: map_run_f32<1, false>(src, dst, n, a, b, p); break;
      case 3: map_run_f32<1, true>(src, dst, n, a, b, p); break;
      case 4: map_run_f32<2, false>(src, dst, n, a, b, p); break;
      case 5: map_run_f32<2, true>(src, dst, n, a, b, p); break;
      case 6: map_run_f32<3, false>(src, dst, n, a, b, p); break;
      case 7: map_run_f32<3, true>(src, dst, n, a, b, p); break;
      case 8: map_run_f32<4, false>(src, dst, n, a, b, p); break;
      default: map_run_f32<4, true>(src, dst, n, a, b, p); break;
    }
    return;
  }
#endif
  if (p.c <= 4) {
    float pa[kPixels * 4], pb[kPixels * 4];
    repeat_channels(a, p.c, pa, kPixels * p.c);
    repeat_channels(b, p.c, pb, kPixels * p.c);
    int64_t k = 0;
    for (; k + kPixels <= plane; k += kPixels) map_pattern_f32(src + k * p.c, dst + k * p.c, kPixels * p.c, pa, pb, p);
    map_pattern_f32(src + k * p.c, dst + k * p.c, (plane - k) * p.c, pa, pb, p);
    return;
  }
  for (int64_t k = 0; k < plane; ++k) {
    for (int64_t ch = 0; ch < p.c; ++ch) dst[k * p.c + ch] = map_f32(src[k * p.c + ch], a[ch], b[ch], p);
  }
}

template <class T>
void affine_images(const T* src, T* dst, const ColorParams& p, size_t first, size_t count) {
  const int64_t image = p.h * p.w * p.c;
  for (size_t i = first; i < first + count; ++i) {
    const int64_t at = int64_t(i) * image;
    const float* a = p.scale + int64_t(i) * p.c;
    const float* b = p.offset + int64_t(i) * p.c;
    if constexpr (sizeof(T) == 1) {
      map_image_u8(src + at, dst + at, a, b, p, nullptr);
    } else {
      map_image_f32(src + at, dst + at, a, b, p);
    }
  }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

}  // namespace color_detail

inline void color_affine_u8(const uint8_t* src, uint8_t* dst, const ColorParams& p, size_t first, size_t count) {
  color_detail::affine_images<uint8_t>(src, dst, p, first, count);
}

inline void color_affine_f32(const float* src, float* dst, const ColorParams& p, size_t first, size_t count) {
  color_detail::affine_images<float>(src, dst, p, first, count);
}

// Per-image, per-channel sums for contrast's means (src/ops/color.ts), in
// float64, channel ch of image i into sums[i·c + ch]. uint8: the exact
// integer sum (any order gives it). float32: pixel p is added to partial sum
// p mod 8 of its channel, pixel after pixel, and the channel's sum is
// ((p0 + p1) + p2) + … + p7 (the same in either layout, and in
// src/backends/js/color.ts): eight independent chains, which vectorize.
namespace color_detail {

// uint8, interleaved channels (c = 1…4; c = 1 for each plane of NCHW
// images): integer sums are exact in any
// order, so elements are summed against a repeating lane pattern (one
// contiguous, vectorizable loop), each lane folded into its channel after.
// The lanes are uint16 (16 to an AVX2 vector, against 4 for uint64 lanes),
// emptied into uint64 totals every kBlocksPerFlush blocks, before
// 257 · 255 could pass 65535.
constexpr int64_t kBlocksPerFlush = 256;

inline void channel_sums_interleaved_u8(const uint8_t* image, int64_t pixels, int64_t c, double* sums) {
  uint64_t total[kPixels * 4] = {};
  uint16_t acc[kPixels * 4];
  const int64_t lanes = kPixels * c;
  int64_t k = 0;
  while (k < pixels) {
    for (int64_t j = 0; j < lanes; ++j) acc[j] = 0;
    for (int64_t blocks = 0; blocks < kBlocksPerFlush && k + kPixels <= pixels; ++blocks, k += kPixels) {
      const uint8_t* at = image + k * c;
      for (int64_t j = 0; j < lanes; ++j) acc[j] = uint16_t(acc[j] + at[j]);
    }
    if (k + kPixels > pixels) {
      // the last, partial block (at most one more add per lane)
      for (int64_t j = 0; j < (pixels - k) * c; ++j) acc[j] = uint16_t(acc[j] + image[k * c + j]);
      k = pixels;
    }
    for (int64_t j = 0; j < lanes; ++j) total[j] += acc[j];
  }
  for (int64_t ch = 0; ch < c; ++ch) {
    uint64_t sum = 0;
    for (int64_t j = ch; j < lanes; j += c) sum += total[j];
    sums[ch] = double(sum);
  }
}

constexpr int64_t kPartials = 8;

// The whole blocks of kPartials pixels of `lanes` interleaved channels, into
// acc (zero on entry; partial j of lane l at acc[j·lanes + l]); returns the
// pixels summed. Element j of every block adds to acc[j] in block order, as
// in the plain loop below, but with acc in vector registers: GCC kept that
// loop's acc in memory (its length is not a constant), a load and a store
// per vector per block, which put a store-to-load forward in every chain.
template <int64_t lanes>
inline int64_t partial_sums_f32(const float* at, int64_t plane, double* acc) {
  using V = SimdF64;
  constexpr int64_t kBlock = kPartials * lanes, kVectors = kBlock / V::kLanes;
  static_assert(kBlock % V::kLanes == 0, "a block is whole vectors");
  V::F64 sum[kVectors];
  for (int64_t v = 0; v < kVectors; ++v) sum[v] = V::set(0.0);
  int64_t p = 0;
  for (; p + kPartials <= plane; p += kPartials) {
    const float* block = at + p * lanes;
    for (int64_t v = 0; v < kVectors; ++v) sum[v] = V::add(sum[v], V::load_f32(block + v * V::kLanes));
  }
  for (int64_t v = 0; v < kVectors; ++v) V::store(acc + v * V::kLanes, sum[v]);
  return p;
}

// float32: the eight partial sums of each channel (partial j of channel ch
// at acc[j·c + ch]); blocks of eight pixels are contiguous in NHWC, so
// element j of a block adds to acc[j].
inline void channel_sums_f32_image(const float* image, int64_t plane, int64_t c, bool nchw, double* sums) {
  for (int64_t ch0 = 0; ch0 < (nchw ? c : 1); ++ch0) {
    const int64_t lanes = nchw ? 1 : c;  // channels interleaved in one pass
    const float* at = nchw ? image + ch0 * plane : image;
    double acc[kPartials * 64] = {};
    if (lanes > 64) {
      // very many channels: one channel at a time, strided
      for (int64_t ch = 0; ch < c; ++ch) {
        double part[kPartials] = {};
        for (int64_t p = 0; p < plane; ++p) part[p % kPartials] += double(at[p * c + ch]);
        double total = part[0];
        for (int64_t j = 1; j < kPartials; ++j) total += part[j];
        sums[ch] = total;
      }
      return;
    }
    int64_t p = 0;
    switch (lanes) {
      case 1: p = partial_sums_f32<1>(at, plane, acc); break;
      case 2: p = partial_sums_f32<2>(at, plane, acc); break;
      case 3: p = partial_sums_f32<3>(at, plane, acc); break;
      case 4: p = partial_sums_f32<4>(at, plane, acc); break;
      default:
        for (; p + kPartials <= plane; p += kPartials) {
          const float* block = at + p * lanes;
          for (int64_t j = 0; j < kPartials * lanes; ++j) acc[j] += double(block[j]);
        }
    }
    for (int64_t j = 0; j < (plane - p) * lanes; ++j) acc[j] += double(at[p * lanes + j]);
    for (int64_t l = 0; l < lanes; ++l) {
      double total = acc[l];
      for (int64_t j = 1; j < kPartials; ++j) total += acc[j * lanes + l];
      sums[nchw ? ch0 : l] = total;
    }
  }
}

template <class T, class Acc>
void channel_sums_images(const T* src, const ColorParams& p, size_t first, size_t count, double* sums) {
  const int64_t plane = p.h * p.w;
  for (size_t i = first; i < first + count; ++i) {
    const T* image = src + int64_t(i) * plane * p.c;
    if constexpr (sizeof(T) == 1) {
      if (p.nchw || p.c == 1) {
        // each channel's plane is one contiguous run: one lane pattern of c = 1
        for (int64_t ch = 0; ch < p.c; ++ch) channel_sums_interleaved_u8(image + ch * plane, plane, 1, sums + int64_t(i) * p.c + ch);
        continue;
      }
      if (p.c <= 4) {
        channel_sums_interleaved_u8(image, plane, p.c, sums + int64_t(i) * p.c);
        continue;
      }
    } else {
      channel_sums_f32_image(image, plane, p.c, p.nchw, sums + int64_t(i) * p.c);
      continue;
    }
    for (int64_t ch = 0; ch < p.c; ++ch) {
      Acc acc = 0;
      if (p.nchw) {
        const T* at = image + ch * plane;
        for (int64_t k = 0; k < plane; ++k) acc += Acc(at[k]);
      } else {
        for (int64_t k = 0; k < plane; ++k) acc += Acc(image[k * p.c + ch]);
      }
      sums[int64_t(i) * p.c + ch] = double(acc);
    }
  }
}

}  // namespace color_detail

inline void channel_sums_u8(const uint8_t* src, const ColorParams& p, size_t first, size_t count, double* sums) {
  color_detail::channel_sums_images<uint8_t, uint64_t>(src, p, first, count, sums);
}

inline void channel_sums_f32(const float* src, const ColorParams& p, size_t first, size_t count, double* sums) {
  color_detail::channel_sums_images<float, double>(src, p, first, count, sums);
}

// --- contrast: per image, the sums, the offsets, the map ---
//
// Two passes over the batch (all sums, then all maps) read each image twice
// from memory; here image i is summed and then mapped while it is in L2,
// and uint8 maps prefetch image i + 1 for its sums, so that those reads
// overlap the map's compute. Zen 3, 64 × 224×224×3 uint8 in a harness:
// 1.89 ms in 13-image steps of sums then maps, 1.61 ms per image with the
// prefetch (2.18 ms without it).
namespace color_detail {

// Image i's offsets from its sums (ContrastParams), in float64 before each
// rounding to float32, as contrastOffsets in src/backends/js/color.ts.
inline void contrast_offsets(const ContrastParams& p, size_t i) {
  const int64_t c = p.color.c, plane = p.color.h * p.color.w;
  const double* sums = p.sums + int64_t(i) * c;
  double total = 0;
  for (int64_t ch = 0; ch < c; ++ch) total += sums[ch];
  for (int64_t ch = 0; ch < c; ++ch) {
    const float m = p.per_channel ? float(sums[ch] / double(plane)) : float(total / double(plane * c));
    const float scaled = float(double(m) * double(p.color.scale[int64_t(i) * c + ch]));
    p.offset[int64_t(i) * c + ch] = float(double(m) - double(scaled));
  }
}

template <class T, class Acc>
void contrast_images(const T* src, T* dst, const ContrastParams& p, size_t first, size_t count) {
  const ColorParams& cp = p.color;
  const int64_t image = cp.h * cp.w * cp.c;
  for (size_t i = first; i < first + count; ++i) {
    channel_sums_images<T, Acc>(src, cp, i, 1, p.sums);
    contrast_offsets(p, i);
    const int64_t at = int64_t(i) * image;
    const float* a = cp.scale + int64_t(i) * cp.c;
    const float* b = p.offset + int64_t(i) * cp.c;
    if constexpr (sizeof(T) == 1) {
      map_image_u8(src + at, dst + at, a, b, cp, int64_t(i) + 1 < p.images ? src + at + image : nullptr);
    } else {
      map_image_f32(src + at, dst + at, a, b, cp);
    }
  }
}

}  // namespace color_detail

inline void contrast_u8(const uint8_t* src, uint8_t* dst, const ContrastParams& p, size_t first, size_t count) {
  color_detail::contrast_images<uint8_t, uint64_t>(src, dst, p, first, count);
}

inline void contrast_f32(const float* src, float* dst, const ContrastParams& p, size_t first, size_t count) {
  color_detail::contrast_images<float, double>(src, dst, p, first, count);
}

#undef FASTAUG_COLOR_MAP_LANES
