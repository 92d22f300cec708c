// Rounding in plain double arithmetic, shared by every ISA's kernels and the
// addon's glue (whose baseline build draws shift offsets). Included once per
// namespace by its users, like the kernel headers (no include guard, no
// standard headers): by noise.h inside each ISA's noise_detail, by addon.cc
// inside its anonymous namespace, so that no inline function is shared
// between translation units built with different target flags.

// Round half to even for |v| < 2^51: adding and removing 1.5 · 2^52 leaves no
// fraction bits, and the default rounding mode breaks ties to even. (Without
// -ffast-math the compiler may not fold (v + C) − C: it is not an identity.)
inline double round_half_even(double v) {
  const double magic = 6755399441055744.0;
  return (v + magic) - magic;
}
