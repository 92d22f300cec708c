// Byte shuffle indices that repeat each of 16 bytes three times, for the x86
// salt and pepper path (NHWC, one draw per pixel, 3 channels). Byte i is
// (i mod 48) / 3: the 16 bytes at offset 16j pick, from one 16-byte lane of
// pixels, the bytes of output piece j mod 3 of that lane's 48. Data only:
// safe to include from every ISA's translation unit.
#pragma once
#include <cstdint>

namespace fastaug {

struct Repeat3Index {
  alignas(64) uint8_t byte[192];
};
constexpr Repeat3Index make_repeat3_index() {
  Repeat3Index t{};
  for (int i = 0; i < 192; ++i) t.byte[i] = uint8_t((i % 48) / 3);
  return t;
}
inline constexpr Repeat3Index kRepeat3 = make_repeat3_index();

}  // namespace fastaug
