// uint8 maps as 256-byte tables applied with AVX-512 VBMI (issue 19): the
// colour maps (color.h) and gamma (gamma.h) of the avx512vbmi file only.
// Included per ISA inside namespace fastaug::FASTAUG_ISA_NS (no include
// guard, no standard headers); empty unless the including file is built
// with -mavx512vbmi (native/isa/avx512vbmi.cc, chosen at run time by
// native/isa/dispatch.cc when the CPU has VBMI).
//
// A per-image uint8 map is a table T of 256 bytes (one per channel when the
// channels differ). With T in four 64-byte registers, `vpermi2b` looks 64
// elements up in T[0…127] and another in T[128…255] (each uses the low 7
// bits of the index), and the index's top bit picks one of the two
// (`vpmovb2m`, a masked blend): 4 instructions per 64 bytes, where the
// arithmetic map of color.h takes about 28 per 32 (Zen 4: ~3 bytes per
// cycle, compute-bound even with the batch in L3). The bytes are the
// table's, and the table is built by the rule it replaces, so the output
// cannot change.

#if defined(__AVX512VBMI__)
namespace byte_table {

// T in four registers: q[j] holds T[64·j … 64·j + 63].
struct Table {
  __m512i q[4];
};

inline Table load_table(const uint8_t* t) {
  Table r;
  for (int j = 0; j < 4; ++j) r.q[j] = _mm512_loadu_si512(t + 64 * j);
  return r;
}

// T[x] for each of the 64 bytes of x.
inline __m512i lookup(const Table& t, __m512i x) {
  const __m512i low = _mm512_permutex2var_epi8(t.q[0], x, t.q[1]);
  const __m512i high = _mm512_permutex2var_epi8(t.q[2], x, t.q[3]);
  return _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), low, high);
}

// Bytes i of a 64-byte vector with i ≡ j (mod c), for c = 1…4.
inline uint64_t residue_mask(int64_t c, int64_t j) {
  uint64_t m = 0;
  for (int64_t i = j; i < 64; i += c) m |= uint64_t(1) << i;
  return m;
}

// dst[k] = tables[k mod C][src[k]] for k < count, channels interleaved from a
// channel-0 element on (C = 1 for one table over everything); dst may be
// src. As color.h's map: elements one at a time up to a 64-byte boundary
// of dst (no store across two cache lines), then 64-byte steps, then the
// rest one at a time. A step starting at element k has its first byte in
// channel r = k mod C (64 mod 3 = 1: for C = 3 the phase turns by one per
// step); byte i is channel (r + i) mod C, which the masks pick. Unlike
// color.h's map, no prefetch of contrast's next image: this loop streams
// memory itself, and the prefetches competed with it (Zen 4, contrast of
// the batch from L3 in a harness, alternated: 0.53–0.69 ms with them,
// 0.43–0.56 without).
template <int C>
inline void map_interleaved(const uint8_t* src, uint8_t* dst, int64_t count, const uint8_t (*tables)[256]) {
  Table t[C];
  for (int ch = 0; ch < C; ++ch) t[ch] = load_table(tables[ch]);
  // masks[r][ch]: bytes of channel ch in a step whose first byte is channel r
  __mmask64 masks[C][C];
  for (int r = 0; r < C; ++r) {
    for (int ch = 0; ch < C; ++ch) masks[r][ch] = residue_mask(C, (ch - r + C) % C);
  }
  const int64_t head = int64_t(-reinterpret_cast<uintptr_t>(dst) & uintptr_t(63));
  int64_t k = 0;
  int r = 0;
  for (; k < head && k < count; ++k, r = r + 1 < C ? r + 1 : 0) dst[k] = tables[r][src[k]];
  for (; k + 64 <= count; k += 64, r = (r + 64 % C) % C) {
    const __m512i x = _mm512_loadu_si512(src + k);
    __m512i y = lookup(t[0], x);
    for (int ch = 1; ch < C; ++ch) y = _mm512_mask_blend_epi8(masks[r][ch], y, lookup(t[ch], x));
    _mm512_store_si512(dst + k, y);
  }
  for (; k < count; ++k, r = r + 1 < C ? r + 1 : 0) dst[k] = tables[r][src[k]];
}

// The same with c known only at run time (1…4): tables that are all equal
// (a per-image factor, the same mean for every channel) take the one-table
// loop, 4 instructions per step against 14 for three tables.
inline void map_channels(const uint8_t* src, uint8_t* dst, int64_t count, int64_t c, const uint8_t (*tables)[256]) {
  bool same = true;
  for (int64_t ch = 1; ch < c; ++ch) same = same && __builtin_memcmp(tables[ch], tables[0], 256) == 0;
  if (same) return map_interleaved<1>(src, dst, count, tables);
  switch (c) {
    case 2: return map_interleaved<2>(src, dst, count, tables);
    case 3: return map_interleaved<3>(src, dst, count, tables);
    default: return map_interleaved<4>(src, dst, count, tables);
  }
}

}  // namespace byte_table
#endif
