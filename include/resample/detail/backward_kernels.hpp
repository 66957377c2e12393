// SPDX-License-Identifier: MIT
// Instruction-set dispatch for the backward's inner loops (backward_kernels_isa.inl), the same
// scheme as the forward's kernels.hpp: compiled for portable scalar everywhere, SSE2 and AVX2 on
// x86-64 with GCC or Clang (AVX2 through a target pragma, so default flags suffice), picked at
// run time. Every set gives the same bits.
#pragma once

#include <cstdint>

#include "../error.hpp"
#include "../instruction_set.hpp"
#include "backward_tables.hpp"
#include "config.hpp"

#if defined(RESAMPLE_X86_DISPATCH)
#include <immintrin.h>
#endif

namespace resample::detail {

/// What cl_row needs for one grad_input row (fixed n, d, h) of a channels-last gradient: the
/// output rows (d, h) that reach it, ascending, each with its row weights (linear: wd * wh per
/// tap pair; bicubic: wh per tap) or, for area, its divisors; and the W axis's groups.
template <class T>
struct cl_row_args {
  const T* go = nullptr;                 // grad_output at (n, 0, 0, 0, c = 0)
  std::int64_t go_stride_w = 0;
  const std::int64_t* row_offsets = nullptr;  // per group: od * stride_d + oh * stride_h
  const T* row_weights = nullptr;        // concatenated, row_counts[g] per group
  const int* row_counts = nullptr;
  const T* area_d = nullptr;             // per group (area only)
  const T* area_h = nullptr;
  int groups = 0;
  const backward_axis<T>* w = nullptr;
  std::int64_t w_begin = 0;  // cl_row's input columns
  std::int64_t w_end = 0;
  std::int64_t channels = 0;
};

}  // namespace resample::detail

// The per-vector loops must be unrolled for the accumulators to stay in registers.
#if defined(__clang__)
#define RESAMPLE_BWD_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define RESAMPLE_BWD_UNROLL _Pragma("GCC unroll 8")
#else
#define RESAMPLE_BWD_UNROLL
#endif

#define RESAMPLE_ISA_FILE "backward_kernels_isa.inl"
#include "isa_variants.inl"
#undef RESAMPLE_BWD_UNROLL

namespace resample::detail {

/// The backward's inner loops of one instruction set, called per row, never per element.
/// Terms: 0 plain sum, 1 (w_row * w_col) * g, 2 (g * w_row) * w_col, 3 and 4 the same as 1 and 2
/// with each slot's w_col constant along the segment. cl rules: 0-2 and 3, area's
/// ((g / kd) / kh) / kw.
template <class T>
struct backward_kernel_set {
  using accumulate_fn = void (*)(T*, std::int64_t, int, int, const T* const* const*, int, const T* const*, const T*,
                                 const int*);
  using cl_row_fn = void (*)(const cl_row_args<T>&, T*, std::int64_t);
  accumulate_fn accumulate[5];
  void (*gather_evens)(T*, const T*, std::int64_t, std::int64_t);
  void (*gather_slot)(T*, const T*, const std::int32_t*, const std::int32_t*, const std::int32_t*, std::int64_t);
  void (*spread_row)(T*, const T*, std::int64_t, int);
  void (*divide_row)(T*, const T*, std::int64_t, T, T, const T*);
  cl_row_fn cl_row[4];
  void (*cl_columns[4])(const cl_row_args<T>&, T*, std::int64_t, std::int64_t, std::int64_t);
};

#define RESAMPLE_BWD_KERNEL_SET(ns)                                                                      \
  backward_kernel_set<T> {                                                                               \
    {&ns::backward::accumulate_row<0, T>, &ns::backward::accumulate_row<1, T>,                          \
     &ns::backward::accumulate_row<2, T>, &ns::backward::accumulate_row<3, T>,                          \
     &ns::backward::accumulate_row<4, T>},                                                               \
        &ns::backward::gather_evens<T>, &ns::backward::gather_slot<T>, &ns::backward::spread_row<T>,      \
        &ns::backward::divide_row<T>,                                                                     \
        {&ns::backward::cl_row<0, T>, &ns::backward::cl_row<1, T>, &ns::backward::cl_row<2, T>,         \
         &ns::backward::cl_row<3, T>},                                                                   \
        {&ns::backward::cl_columns<0, T>, &ns::backward::cl_columns<1, T>, &ns::backward::cl_columns<2, T>, \
         &ns::backward::cl_columns<3, T>},                                                               \
  }

template <class T>
backward_kernel_set<T> backward_kernels_for(instruction_set isa) {
  isa = resolve_isa(isa);
#if defined(RESAMPLE_X86_DISPATCH)
  if (isa == instruction_set::avx2) return RESAMPLE_BWD_KERNEL_SET(avx2);
  if (isa == instruction_set::sse2) return RESAMPLE_BWD_KERNEL_SET(sse2);
#endif
  return RESAMPLE_BWD_KERNEL_SET(portable);
}

#undef RESAMPLE_BWD_KERNEL_SET

}  // namespace resample::detail
