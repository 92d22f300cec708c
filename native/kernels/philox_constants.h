// Philox4x32-10 constants (Salmon, Moraes, Dror, Shaw, SC'11). Constants
// only: safe to include from every ISA's translation unit.
#pragma once
#include <cstdint>

namespace fastaug {

constexpr uint32_t kPhiloxM0 = 0xD2511F53u;  // round multipliers from the paper
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;  // key bump: golden ratio
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;  // key bump: sqrt(3) - 1
constexpr int kPhiloxRounds = 10;

}  // namespace fastaug
