// SPDX-License-Identifier: MIT
// float16 and bfloat16: 16-bit floating element types (torch.float16 and torch.bfloat16).
// Resampling loads them to float, computes exactly as the float path does and rounds to
// nearest even on store. The types are plain 16-bit storage with conversions; where the
// compiler has a native type (_Float16, __bf16) plans accept that type as well.
#pragma once

#include <cstdint>
#include <type_traits>

#include "detail/half_bits.hpp"

// The compiler's native 16-bit types, where C++ code may name them (GCC defines __FLT16_MAX__ on
// targets whose C++ front end lacks _Float16, such as aarch64 before GCC 13).
#if defined(__FLT16_MAX__) && (defined(__clang__) || defined(__x86_64__) || defined(__i386__))
#define RESAMPLE_HAS_FLOAT16 1
#endif
#if defined(__BFLT16_MAX__) && (defined(__clang__) || defined(__x86_64__) || defined(__i386__))
#define RESAMPLE_HAS_BF16 1
#endif

namespace resample {

/// IEEE 754 binary16 (torch.float16): 1 sign, 5 exponent, 10 mantissa bits.
class float16 {
 public:
  float16() = default;
  /// Rounds to nearest even; overflow gives infinity.
  explicit float16(float x) noexcept : bits_(detail::float_to_float16_bits(x)) {}
  explicit operator float() const noexcept { return detail::float16_bits_to_float(bits_); }
  static float16 from_bits(std::uint16_t bits) noexcept {
    float16 h;
    h.bits_ = bits;
    return h;
  }
  std::uint16_t bits() const noexcept { return bits_; }
  friend bool operator==(float16 a, float16 b) noexcept { return a.bits_ == b.bits_; }
  friend bool operator!=(float16 a, float16 b) noexcept { return a.bits_ != b.bits_; }

 private:
  std::uint16_t bits_;
};

/// bfloat16 (torch.bfloat16): the upper 16 bits of a float (8 exponent, 7 mantissa bits).
class bfloat16 {
 public:
  bfloat16() = default;
  /// Rounds to nearest even.
  explicit bfloat16(float x) noexcept : bits_(detail::float_to_bfloat16_bits(x)) {}
  explicit operator float() const noexcept { return detail::bfloat16_bits_to_float(bits_); }
  static bfloat16 from_bits(std::uint16_t bits) noexcept {
    bfloat16 b;
    b.bits_ = bits;
    return b;
  }
  std::uint16_t bits() const noexcept { return bits_; }
  friend bool operator==(bfloat16 a, bfloat16 b) noexcept { return a.bits_ == b.bits_; }
  friend bool operator!=(bfloat16 a, bfloat16 b) noexcept { return a.bits_ != b.bits_; }

 private:
  std::uint16_t bits_;
};

static_assert(sizeof(float16) == 2 && std::is_trivially_copyable_v<float16>, "float16 must be 16-bit storage");
static_assert(sizeof(bfloat16) == 2 && std::is_trivially_copyable_v<bfloat16>, "bfloat16 must be 16-bit storage");

namespace detail {

enum class half_format { none, float16, bfloat16 };

/// Which 16-bit format an element type stores, if any: resample's own types, and the
/// compiler's native ones where it has them (same bits, so they share every kernel).
template <class T>
inline constexpr half_format half_format_of = half_format::none;
template <>
inline constexpr half_format half_format_of<float16> = half_format::float16;
template <>
inline constexpr half_format half_format_of<bfloat16> = half_format::bfloat16;
#if defined(RESAMPLE_HAS_FLOAT16)
template <>
inline constexpr half_format half_format_of<_Float16> = half_format::float16;
#endif
#if defined(RESAMPLE_HAS_BF16)
template <>
inline constexpr half_format half_format_of<__bf16> = half_format::bfloat16;
#endif

template <class T>
inline constexpr bool is_half_v = half_format_of<std::remove_const_t<T>> != half_format::none;

}  // namespace detail
}  // namespace resample
