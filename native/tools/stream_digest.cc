// Prints a digest of the random streams and of the noise kernels for every
// ISA this build has, so an emulated or foreign build can be compared with
// the addon's bytes (scripts/cross-check-arm64.sh runs it under qemu-aarch64
// and compares with the x86 build). Not part of the addon.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "../isa/dispatch.h"

namespace {

// FNV-1a over the bytes: a digest, not a security property.
template <class T>
uint64_t digest(const std::vector<T>& values, uint64_t h = 1469598103934665603ull) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
  for (size_t i = 0; i < values.size() * sizeof(T); ++i) h = (h ^ bytes[i]) * 1099511628211ull;
  return h;
}

// float32 outputs with every NaN as one pattern: which NaN an operation
// returns (an input's, or the default one of ∞ − ∞) depends on operand order,
// which compilers may swap; the contract compares values, and NaN is NaN.
std::vector<float> canonical_nans(std::vector<float> values) {
  for (float& v : values) {
    if (v != v) v = __builtin_bit_cast(float, 0x7FC00000u);
  }
  return values;
}

// Every noise kind, both layouts, per channel and per pixel, with clip and
// special float inputs: the uint8 rounding, clamps and salt-and-pepper masks.
uint64_t noise_digest(const fastaug::Kernels& k) {
  const int64_t n = 4, h = 7, w = 9, c = 3, size = n * h * w * c;
  std::vector<uint8_t> u8(size), u8_out(size);
  std::vector<float> f32(size), f32_out(size);
  const float specials[] = {NAN, -0.0f, 0.0f, INFINITY, -INFINITY, 0.5f, -1e-30f, 1e30f};
  for (int64_t i = 0; i < size; ++i) {
    u8[i] = uint8_t(i * 37);
    f32[i] = i % 5 == 0 ? specials[(i / 5) % 8] : float(i % 13) / 13.0f;
  }
  // image 2's noise passes 2^21, where the uint8 rule clamps first; image
  // 3's is ±∞ or NaN (∞ − ∞), which uint8 results turn into 255 or 0
  const float offset[4] = {0.0f, 0.25f, -3e6f, INFINITY}, scale[4] = {10.5f, 0.5f, 4e6f, INFINITY};
  const float one[4] = {1.0f, 1.0f, 1.0f, 1.0f};
  const uint32_t pepper[4] = {1000, 20000, 0, 30000}, salt[4] = {3000, 65536, 65536, 40000};
  uint64_t h64 = 1469598103934665603ull;
  for (int kind = 0; kind < 4; ++kind) {
    for (int layout = 0; layout < 4; ++layout) {
      fastaug::NoiseParams p{};
      p.h = h, p.w = w, p.c = c, p.nchw = layout & 1, p.per_channel = layout & 2, p.kind = kind;
      p.key0 = 7, p.key1 = 9, p.epoch = 1, p.stream = 32 + kind, p.first_sample = 41;
      p.offset = kind == 2 ? one : offset, p.scale = scale;
      p.clip = kind == 2, p.clip_lo = 0.0f, p.clip_hi = 0.75f;  // -0 inputs meet a +0 bound
      p.pepper_below = pepper, p.salt_below = salt, p.pepper_value = -0.0f, p.salt_value = 2.0f;
      // float32 in two position ranges split inside an image (whole pixels), uint8 in one
      const uint64_t end = uint64_t(n * fastaug::noise_positions(p)), mid = (end / 2 / c) * c + c;
      k.noise_f32(f32.data(), f32_out.data(), p, 0, mid);
      k.noise_f32(f32.data(), f32_out.data(), p, mid, end);
      p.pepper_value = 0.0f, p.salt_value = 255.0f;
      k.noise_u8(u8.data(), u8_out.data(), p, 0, end);
      h64 = digest(u8_out, digest(canonical_nans(f32_out), h64));
    }
  }
  return h64;
}

}  // namespace

int main() {
  const fastaug::StreamParams sp{12345u, 678u, 4294967296ull * 4 - 13, 3u, 2u};
  const fastaug::AffineParams identity{0.0f, 1.0f}, scaled{0.25f, 3.0f}, scale_only{0.0f, 0.1f};
  std::vector<float> out(100003);
  for (const fastaug::Kernels* k : fastaug::supported_kernels()) {
    k->random_normal(out.data(), out.size(), sp, identity);
    uint64_t normal = digest(out);
    k->random_normal(out.data(), out.size(), sp, scale_only);
    normal = digest(out, normal);
    k->random_uniform(out.data(), out.size(), sp, scaled);
    const uint64_t uniform = digest(out);
    std::printf("%s %016llx %016llx %016llx\n", k->name, (unsigned long long)normal, (unsigned long long)uniform,
                (unsigned long long)noise_digest(*k));
  }
  return 0;
}
