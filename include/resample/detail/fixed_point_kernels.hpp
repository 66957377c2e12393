// SPDX-License-Identifier: MIT
// Instruction-set dispatch of the uint8 fixed-point inner loops (fixed_point_kernels_isa.inl):
// compiled for portable scalar code everywhere, SSE2 and AVX2 (through a target pragma, so
// default compiler flags suffice) on x86-64 with GCC or Clang, picked at run time. Integer
// sums are exact, so every set gives the same bits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "../error.hpp"
#include "../instruction_set.hpp"

#if defined(RESAMPLE_X86_DISPATCH)
#include <immintrin.h>
#endif

#define RESAMPLE_FP_ISA_NAMESPACE fixed_point_portable
#define RESAMPLE_FP_ISA_LEVEL 0
#include "fixed_point_kernels_isa.inl"
#undef RESAMPLE_FP_ISA_NAMESPACE
#undef RESAMPLE_FP_ISA_LEVEL

#if defined(RESAMPLE_X86_DISPATCH)
#define RESAMPLE_FP_ISA_NAMESPACE fixed_point_sse2
#define RESAMPLE_FP_ISA_LEVEL 1
#include "fixed_point_kernels_isa.inl"
#undef RESAMPLE_FP_ISA_NAMESPACE
#undef RESAMPLE_FP_ISA_LEVEL

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
#define RESAMPLE_FP_ISA_NAMESPACE fixed_point_avx2
#define RESAMPLE_FP_ISA_LEVEL 2
#include "fixed_point_kernels_isa.inl"
#undef RESAMPLE_FP_ISA_NAMESPACE
#undef RESAMPLE_FP_ISA_LEVEL
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC diagnostic pop
#pragma GCC pop_options
#endif
#endif

namespace resample::detail {

/// The uint8 inner loops of one instruction set (called per row or per output, never per byte).
struct fixed_point_kernels {
  decltype(&fixed_point_portable::fp_vertical) vertical;
  decltype(&fixed_point_portable::fp_vertical_two) vertical_two;
  decltype(&fixed_point_portable::fp_horizontal_8) horizontal_8;
  decltype(&fixed_point_portable::fp_horizontal_16) horizontal_16;
  decltype(&fixed_point_portable::fp_horizontal_32) horizontal_32;
  decltype(&fixed_point_portable::fp_horizontal_small) horizontal_small;
  decltype(&fixed_point_portable::fp_transpose_8x8) transpose_8x8;
  decltype(&fixed_point_portable::fp_transpose_16x16x2) transpose_16x16x2;
  decltype(&fixed_point_portable::fp_horizontal_row) horizontal_row;
  decltype(&fixed_point_portable::fp_wide_pairs) wide_pairs;
  decltype(&fixed_point_portable::fp_wide_row) wide_row;
  decltype(&fixed_point_portable::fp_wide_vertical_16) wide_vertical_16;
  decltype(&fixed_point_portable::fp_wide_vertical_8) wide_vertical_8;
  decltype(&fixed_point_portable::fp_area_add_row) area_add_row;
  decltype(&fixed_point_portable::fp_area_sum_uniform) area_sum_uniform;
  decltype(&fixed_point_portable::fp_area_finish) area_finish;
  bool has_row_loop;  ///< horizontal_row has a vector loop (byte shuffles) and horizontal_16 a
                      ///< 16-row one: AVX2 here
};

inline fixed_point_kernels fixed_point_kernels_for(instruction_set isa) {
  isa = resolve_isa(isa);
#if defined(RESAMPLE_X86_DISPATCH)
  namespace avx = fixed_point_avx2;
  namespace sse = fixed_point_sse2;
  if (isa == instruction_set::avx2) return {&avx::fp_vertical, &avx::fp_vertical_two, &avx::fp_horizontal_8, &avx::fp_horizontal_16, &avx::fp_horizontal_32, &avx::fp_horizontal_small, &avx::fp_transpose_8x8, &avx::fp_transpose_16x16x2,
            &avx::fp_horizontal_row, &avx::fp_wide_pairs, &avx::fp_wide_row, &avx::fp_wide_vertical_16, &avx::fp_wide_vertical_8, &avx::fp_area_add_row, &avx::fp_area_sum_uniform, &avx::fp_area_finish, true};
  if (isa == instruction_set::sse2) return {&sse::fp_vertical, &sse::fp_vertical_two, &sse::fp_horizontal_8, &sse::fp_horizontal_16, &sse::fp_horizontal_32, &sse::fp_horizontal_small, &sse::fp_transpose_8x8, &sse::fp_transpose_16x16x2,
            &sse::fp_horizontal_row, &sse::fp_wide_pairs, &sse::fp_wide_row, &sse::fp_wide_vertical_16, &sse::fp_wide_vertical_8, &sse::fp_area_add_row, &sse::fp_area_sum_uniform, &sse::fp_area_finish, false};
#endif
  namespace portable = fixed_point_portable;
  return {&portable::fp_vertical, &portable::fp_vertical_two, &portable::fp_horizontal_8, &portable::fp_horizontal_16, &portable::fp_horizontal_32, &portable::fp_horizontal_small,
          &portable::fp_transpose_8x8, &portable::fp_transpose_16x16x2, &portable::fp_horizontal_row, &portable::fp_wide_pairs, &portable::fp_wide_row, &portable::fp_wide_vertical_16, &portable::fp_wide_vertical_8, &portable::fp_area_add_row, &portable::fp_area_sum_uniform, &portable::fp_area_finish, false};
}

}  // namespace resample::detail
