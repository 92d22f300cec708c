// Which kernel tables this build has and which of them this CPU can run.
#pragma once
#include <vector>

#include "../kernels/params.h"

namespace fastaug {

// The tables the CPU supports, best first (e.g. avx512, avx2, sse4, scalar).
// Detected once; the list is immutable afterwards.
const std::vector<const Kernels*>& supported_kernels();

}  // namespace fastaug
