// What the A/B tools (generator_ab.cc, affine_ab.cc, shift_ab.cc) share.
// Each tool compiles the kernels of two source trees into one process, those
// of OLD_ROOT in namespace fastaug::old_isa and those of NEW_ROOT in
// fastaug::new_isa, compares their output bit for bit and times them in
// turn. A tool includes this header, then names the kernel headers it
// compares, once per tree:
//   namespace fastaug {
//   namespace old_isa {
//   #include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
//   #include AB_TREE_FILE(OLD_ROOT, kernels/random.h)
//   }
//   namespace new_isa { … the same from NEW_ROOT … }
//   }
// ISA, OLD_ROOT and NEW_ROOT come from the command line (-DISA=avx2 …);
// each tool's first comment gives its build line. Not part of the addon.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>
#include <immintrin.h>

// The ISA-independent headers, included once, outside both trees' namespaces
// (as native/isa/*.cc do): the parameter structs are the tools' own interface.
#include "../kernels/params.h"
#include "../kernels/philox_constants.h"
#include "../simd/repeat3_index.h"

// AB_TREE_FILE(OLD_ROOT, kernels/random.h): "<old root>/native/kernels/random.h",
// with the macros in it (OLD_ROOT, ISA) expanded first.
#define AB_STRING(x) #x
#define AB_EXPANDED_STRING(x) AB_STRING(x)
#define AB_TREE_FILE(root, file) AB_EXPANDED_STRING(root/native/file)

// The copies the kernels share (kernels/copy.h) come from OLD_COPY_ROOT in
// the old tree's namespace, OLD_ROOT unless given. A tree from before
// copy.h (main before 2026-12-07, round 4) has none: build with
// -DOLD_COPY_ROOT=<the new root>; its kernels' own copies hide the shared
// ones. (GCC 12 does not expand macros inside __has_include.)
#ifndef OLD_COPY_ROOT
#define OLD_COPY_ROOT OLD_ROOT
#endif

// CPU time of this process, in seconds: the host is shared, so wall-clock
// time would count the other processes too.
inline double cpu_now() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

// FNV-1a over n bytes, continuing from h: one hash of many outputs.
inline uint64_t fnv(const void* p, size_t n, uint64_t h = 1469598103934665603ull) {
  const auto* bytes = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ bytes[i]) * 1099511628211ull;
  return h;
}

// The upper median (the middle one of an odd count).
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

inline double minimum(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// A uniform draw in [0, 1) from a 64-bit LCG (Knuth's MMIX constants),
// advancing `state`: the tools' random cases, not the library's Philox
// stream, so any fixed sequence will do.
inline double ab_uniform(uint64_t& state) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return double(state >> 11) * (1.0 / 9007199254740992.0);
}

// Runs each of `measures` (one timed measurement each) once per round, in the
// order given on even rounds and in reverse on odd ones, so that none always
// runs first or right after the same one; returns each one's times, in the
// order given.
inline std::vector<std::vector<double>> alternate(int rounds, const std::vector<std::function<double()>>& measures) {
  std::vector<std::vector<double>> times(measures.size());
  for (int r = 0; r < rounds; ++r) {
    for (size_t k = 0; k < measures.size(); ++k) {
      const size_t i = r % 2 == 0 ? k : measures.size() - 1 - k;
      times[i].push_back(measures[i]());
    }
  }
  return times;
}
