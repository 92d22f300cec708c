// Plain parameter structs shared by the addon glue and every ISA's kernels.
// No vector types and no Node types here: the kernels see only these.
#pragma once
#include <cstddef>
#include <cstdint>

namespace fastaug {

// One Philox4x32 element stream (DESIGN §3): the element at global position
// g = first + k uses block b = g / 4, word g % 4, counter (b lo, b hi, epoch,
// stream), key (key0, key1).
struct StreamParams {
  uint32_t key0;
  uint32_t key1;
  uint64_t first;   // global position of out[0]
  uint32_t epoch;
  uint32_t stream;
};

// out[k] = offset + scale * sample, in float32 (scale = high - low, or std).
struct AffineParams {
  float offset;
  float scale;
};

// Every kernel one ISA provides. dispatch.cc keeps one table per ISA; a new
// op adds a field here and one line per ISA file.
struct Kernels {
  const char* name;
  void (*random_uniform)(float* out, size_t n, const StreamParams& s, const AffineParams& a);
  void (*random_normal)(float* out, size_t n, const StreamParams& s, const AffineParams& a);
};

}  // namespace fastaug
