// SPDX-License-Identifier: MIT
// Bit-level conversions between float and the 16-bit floating formats, usable on any compiler
// and CPU. float -> 16 bits rounds to nearest, ties to even; NaNs stay NaNs (quieted, top
// payload bits kept), which is what x86's F16C instructions do, so the scalar and vector paths
// give the same bits for every input.
#pragma once

#include <cstdint>
#include <cstring>

namespace resample::detail {

inline std::uint32_t float_bits(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

inline float float_from_bits(std::uint32_t u) {
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

/// IEEE binary16 -> float (exact).
inline float float16_bits_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1Fu;
  const std::uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0x1F) {  // inf, or NaN made quiet
    return float_from_bits(sign | 0x7F800000u | (mantissa << 13) | (mantissa != 0 ? 0x00400000u : 0u));
  }
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in float
    const float magnitude = static_cast<float>(mantissa) * float_from_bits(0x33800000u);
    return float_from_bits(sign | float_bits(magnitude));
  }
  return float_from_bits(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

/// float -> IEEE binary16, round to nearest even; overflow gives infinity.
inline std::uint16_t float_to_float16_bits(float x) {
  std::uint32_t u = float_bits(x);
  const auto sign = static_cast<std::uint16_t>((u >> 16) & 0x8000u);
  u &= 0x7FFFFFFFu;
  if (u >= 0x7F800000u) {  // inf or NaN
    return static_cast<std::uint16_t>(sign | 0x7C00u | (u > 0x7F800000u ? 0x0200u | ((u >> 13) & 0x3FFu) : 0u));
  }
  if (u >= 0x477FF000u) return static_cast<std::uint16_t>(sign | 0x7C00u);  // rounds to >= 2^16
  if (u < 0x38800000u) {
    // Below 2^-14 the result is subnormal: adding 0.5 lines the half's last mantissa bit up
    // with float's, and the float addition itself rounds to nearest even.
    const float shifted = float_from_bits(u) + 0.5f;
    return static_cast<std::uint16_t>(sign | (float_bits(shifted) - 0x3F000000u));
  }
  const std::uint32_t odd = (u >> 13) & 1u;
  u += 0xC8000FFFu + odd;  // rebias the exponent (-112 << 23, mod 2^32) and round
  return static_cast<std::uint16_t>(sign | (u >> 13));
}

/// bfloat16 -> float (exact: bfloat16 is float's upper half).
inline float bfloat16_bits_to_float(std::uint16_t b) { return float_from_bits(static_cast<std::uint32_t>(b) << 16); }

/// float -> bfloat16, round to nearest even; NaNs stay NaNs.
inline std::uint16_t float_to_bfloat16_bits(float x) {
  const std::uint32_t u = float_bits(x);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<std::uint16_t>((u >> 16) | 0x0040u);
  return static_cast<std::uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

}  // namespace resample::detail
