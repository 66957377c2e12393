// SPDX-License-Identifier: MIT
// Instruction-set dispatch of the area loops (area_kernels_isa.inl, driven by area.hpp),
// compiled for every set this compiler targets and picked at run time, as kernels.hpp does for
// the separable passes. Every set gives the same bits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "../instruction_set.hpp"
#include "config.hpp"
#include "kernels.hpp"

#define RESAMPLE_ISA_FILE "area_kernels_isa.inl"
#include "isa_variants.inl"

namespace resample::detail {

/// Window widths whose adjacent, equal windows (integer-factor downscales) uniform_add sums a
/// register of windows at a time, by de-interleaving the row.
inline bool is_uniform_width(std::int64_t k) { return k == 1 || k == 2 || k == 3 || k == 4 || k == 8 || k == 16; }

/// The area loops of one instruction set, called once per input row (adding it into the window
/// sums of an output row) and once per output row (dividing the sums), never per element.
template <class T>
struct area_kernel_set {
  /// Unit-stride planar rows whose windows are [k*i, k*i + k), i < count, is_uniform_width(k).
  void (*uniform_add)(T* sums, const T* row, int k, std::int64_t count);
  void (*uniform_finish)(const T* sums, T* out, int k, std::int64_t count, const T* divisors, int divisor_count);
  /// Any windows, planar rows (channels = 1) or packed channels.
  void (*windows_add)(T* sums, const T* row, const std::int64_t* start, const std::int64_t* stop, std::int64_t count,
                      std::int64_t pixel_stride, std::int64_t channels);
  void (*windows_finish)(const T* sums, T* out, const T* extent, std::int64_t count, std::int64_t channels,
                         const T* divisors, int divisor_count);
};

// The table of one set's loops.
#define RESAMPLE_AREA_KERNEL_SET(ns) \
  { &ns::area::uniform_add<T>, &ns::area::uniform_finish<T>, &ns::area::windows_add<T>, &ns::area::windows_finish<T> }

template <class T>
area_kernel_set<T> area_kernels_for(instruction_set isa) {
  isa = resolve_isa(isa);
#if defined(RESAMPLE_X86_DISPATCH)
  if (isa == instruction_set::avx2) return RESAMPLE_AREA_KERNEL_SET(avx2);
  if (isa == instruction_set::sse2) return RESAMPLE_AREA_KERNEL_SET(sse2);
#endif
  return RESAMPLE_AREA_KERNEL_SET(portable);
}

#undef RESAMPLE_AREA_KERNEL_SET

}  // namespace resample::detail
