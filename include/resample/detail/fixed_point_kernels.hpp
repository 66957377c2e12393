// SPDX-License-Identifier: MIT
// Instruction-set dispatch of the uint8 fixed-point inner loops (fixed_point_kernels_isa.inl):
// compiled for portable scalar code everywhere, SSE2 and AVX2 (through a target pragma, so
// default compiler flags suffice) on x86-64 with GCC or Clang, picked at run time. Integer
// sums are exact, so every set gives the same bits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "../error.hpp"
#include "../instruction_set.hpp"
#include "config.hpp"

#if defined(RESAMPLE_X86_DISPATCH)
#include <immintrin.h>
#endif

#define RESAMPLE_ISA_FILE "fixed_point_kernels_isa.inl"
#include "isa_variants.inl"

namespace resample::detail {

/// The uint8 inner loops of one instruction set (called per row or per output, never per byte).
struct fixed_point_kernels {
  decltype(&portable::fixed_point::fp_vertical) vertical;
  decltype(&portable::fixed_point::fp_vertical_two) vertical_two;
  decltype(&portable::fixed_point::fp_horizontal_8) horizontal_8;
  decltype(&portable::fixed_point::fp_horizontal_16) horizontal_16;
  decltype(&portable::fixed_point::fp_horizontal_small) horizontal_small;
  decltype(&portable::fixed_point::fp_transpose_8x8) transpose_8x8;
  decltype(&portable::fixed_point::fp_transpose_16x16x2) transpose_16x16x2;
  decltype(&portable::fixed_point::fp_horizontal_row) horizontal_row;
  decltype(&portable::fixed_point::fp_wide_pairs) wide_pairs;
  decltype(&portable::fixed_point::fp_wide_row) wide_row;
  decltype(&portable::fixed_point::fp_wide_vertical_16) wide_vertical_16;
  decltype(&portable::fixed_point::fp_wide_vertical_8) wide_vertical_8;
  decltype(&portable::fixed_point::fp_area_add_row) area_add_row;
  decltype(&portable::fixed_point::fp_area_sum_uniform) area_sum_uniform;
  decltype(&portable::fixed_point::fp_area_finish) area_finish;
  bool has_row_loop;  ///< horizontal_row has a vector loop (byte shuffles) and horizontal_16 a
                      ///< 16-row one: AVX2 here
  /// The W pass of rows of planar or interleaved pixels by column pairs (fp_pack_pairs,
  /// fp_horizontal_pairs); null where the set has no such loop.
  void (*pack_pairs)(const std::uint8_t* const*, int, int, std::int64_t, std::int64_t, std::uint8_t*);
  void (*horizontal_pairs)(const std::uint8_t*, int, int, std::uint8_t*, const std::int64_t*, const int*,
                           const std::int32_t*, const std::int32_t*, int, bool, int, std::int64_t, std::int64_t,
                           std::int64_t);
  /// The H and W passes of two-tap outputs by blends (fp_blend_rows, fp_blend_row); null where the
  /// set has no such loop.
  void (*blend_rows)(std::uint8_t*, std::uint8_t*, const std::uint8_t*, const std::uint8_t*, std::int16_t,
                     std::int16_t, std::int64_t);
  void (*blend_row)(const std::uint8_t*, std::uint8_t*, const std::int64_t*, const int*, const std::int16_t*,
                    const char*, const std::uint8_t*, std::int64_t, std::int64_t);
};

// The table of one set's loops, in the member order above; the last arguments are the two
// loops by column pairs and the blends.
#define RESAMPLE_FP_KERNEL_SET(ns, has_row_loop, ...)                          \
  fixed_point_kernels {                                                        \
    &ns::fixed_point::fp_vertical, &ns::fixed_point::fp_vertical_two,          \
    &ns::fixed_point::fp_horizontal_8, &ns::fixed_point::fp_horizontal_16,     \
    &ns::fixed_point::fp_horizontal_small,                                     \
    &ns::fixed_point::fp_transpose_8x8, &ns::fixed_point::fp_transpose_16x16x2,\
    &ns::fixed_point::fp_horizontal_row, &ns::fixed_point::fp_wide_pairs,      \
    &ns::fixed_point::fp_wide_row, &ns::fixed_point::fp_wide_vertical_16,      \
    &ns::fixed_point::fp_wide_vertical_8, &ns::fixed_point::fp_area_add_row,   \
    &ns::fixed_point::fp_area_sum_uniform, &ns::fixed_point::fp_area_finish,   \
        has_row_loop, __VA_ARGS__                                              \
  }

inline fixed_point_kernels fixed_point_kernels_for(instruction_set isa) {
  isa = resolve_isa(isa);
#if defined(RESAMPLE_X86_DISPATCH)
  namespace avx2_fp = avx2::fixed_point;
  if (isa == instruction_set::avx2) {
    return RESAMPLE_FP_KERNEL_SET(avx2, true, &avx2_fp::fp_pack_pairs, &avx2_fp::fp_horizontal_pairs,
                                  &avx2_fp::fp_blend_rows, &avx2_fp::fp_blend_row);
  }
  if (isa == instruction_set::sse2) {
    return RESAMPLE_FP_KERNEL_SET(sse2, false, nullptr, nullptr, nullptr, nullptr);
  }
#endif
  return RESAMPLE_FP_KERNEL_SET(portable, false, nullptr, nullptr, nullptr, nullptr);
}

#undef RESAMPLE_FP_KERNEL_SET

}  // namespace resample::detail
