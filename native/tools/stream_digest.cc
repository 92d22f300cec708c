// Prints a digest of the random streams for every ISA this build has, so an
// emulated or foreign build can be compared with the addon's bytes
// (scripts/cross-check-arm64.sh runs it under qemu-aarch64 and compares with
// the x86 addon). Not part of the addon.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "../isa/dispatch.h"

namespace {

// FNV-1a over the bytes: a digest, not a security property.
uint64_t digest(const std::vector<float>& values) {
  uint64_t h = 1469598103934665603ull;
  const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
  for (size_t i = 0; i < values.size() * sizeof(float); ++i) h = (h ^ bytes[i]) * 1099511628211ull;
  return h;
}

}  // namespace

int main() {
  const fastaug::StreamParams sp{12345u, 678u, 4294967296ull * 4 - 13, 3u, 2u};
  const fastaug::AffineParams identity{0.0f, 1.0f}, scaled{0.25f, 3.0f};
  std::vector<float> out(100003);
  for (const fastaug::Kernels* k : fastaug::supported_kernels()) {
    k->random_normal(out.data(), out.size(), sp, identity);
    const uint64_t normal = digest(out);
    k->random_uniform(out.data(), out.size(), sp, scaled);
    std::printf("%s %016llx %016llx\n", k->name, (unsigned long long)normal, (unsigned long long)digest(out));
  }
  return 0;
}
