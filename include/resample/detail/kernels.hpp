// SPDX-License-Identifier: MIT
// Instruction-set dispatch. The inner loops in kernels_isa.inl are compiled for every set this
// compiler can target (portable scalar everywhere; SSE2 and AVX2 on x86-64 with GCC or Clang,
// AVX2 through a target pragma so that default compiler flags suffice) and the best set the
// CPU supports is picked at run time. All sets give the same bits.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

#include "../error.hpp"
#include "../instruction_set.hpp"
#include "config.hpp"
#include "half_bits.hpp"
#include "permuted_taps.hpp"
#include "transpose.hpp"

#if defined(RESAMPLE_X86_DISPATCH)
#include <immintrin.h>
#endif

#define RESAMPLE_ISA_FILE "kernels_isa.inl"
#include "isa_variants.inl"

namespace resample::detail {

/// The inner loops of one instruction set, as function pointers (called per run or per row,
/// never per element).
template <class T>
struct kernel_set {
  void (*weighted_run)(T*, const T*, std::int64_t, const std::int64_t*, const T*, int, std::int64_t);
  void (*packed_rows)(const T*, T*, const std::int64_t*, const T*, const int*, int, std::int64_t, std::int64_t,
                      std::int64_t);
  /// The W pass of a planar row by lane permutations; null where the set has no permute.
  void (*permuted_row)(const T*, T*, const permuted_taps<T>&);
  /// The nearest W pass of a planar row by lane permutations; null where the set has no permute.
  void (*permuted_copy)(const T*, T*, const permuted_taps<T>&, std::int64_t, std::int64_t);
  void (*bilinear_channels_rows)(T* const*, int, const T*, const T*, const T*, const std::int64_t*, const T*,
                                 std::int64_t, std::int64_t);
  /// One output row as the weighted sum of whole rows (the pass along H of planar rows), with
  /// non-temporal stores if asked; stream_fence orders them.
  void (*combine_rows)(T*, const T* const*, const T*, int, std::int64_t, bool);
  void (*stream_fence)();
  /// Planar rows to packed columns and back (transpose.hpp).
  void (*pack_rows)(const T* const*, std::int64_t, T*);
  void (*unpack_rows)(const T*, std::int64_t, T* const*);
};

template <class T>
kernel_set<T> kernels_for(instruction_set isa) {
  isa = resolve_isa(isa);
#if defined(RESAMPLE_X86_DISPATCH)
  if (isa == instruction_set::avx2) {
    return {&avx2::weighted_run_contiguous<T>, &avx2::packed_rows<T>, &avx2::permuted_row<T>, &avx2::permuted_copy<T>,
            &avx2::bilinear_channels_rows<T>, &avx2::combine_rows<T>, &avx2::stream_fence, &avx2::pack_rows<T>,
            &avx2::unpack_rows<T>};
  }
  if (isa == instruction_set::sse2) {
    return {&sse2::weighted_run_contiguous<T>, &sse2::packed_rows<T>, nullptr, nullptr,
            &sse2::bilinear_channels_rows<T>, &sse2::combine_rows<T>, &sse2::stream_fence, &sse2::pack_rows<T>,
            &sse2::unpack_rows<T>};
  }
#endif
  return {&portable::weighted_run_contiguous<T>, &portable::packed_rows<T>, nullptr, nullptr,
          &portable::bilinear_channels_rows<T>, &portable::combine_rows<T>, &portable::stream_fence,
          &portable::pack_rows<T>, &portable::unpack_rows<T>};
}

}  // namespace resample::detail

namespace resample::detail {

/// 16-bit float <-> float conversion loops of one instruction set.
struct conversion_set {
  void (*widen_float16)(const std::uint16_t*, float*, std::int64_t);
  void (*narrow_float16)(const float*, std::uint16_t*, std::int64_t);
  void (*widen_bfloat16)(const std::uint16_t*, float*, std::int64_t);
  void (*narrow_bfloat16)(const float*, std::uint16_t*, std::int64_t);
};

inline conversion_set conversions_for(instruction_set isa) {
  isa = resolve_isa(isa);
#if defined(RESAMPLE_X86_DISPATCH)
  if (isa == instruction_set::avx2) {
    return {&avx2::widen_float16, &avx2::narrow_float16, &avx2::widen_bfloat16, &avx2::narrow_bfloat16};
  }
  if (isa == instruction_set::sse2) {
    return {&sse2::widen_float16, &sse2::narrow_float16, &sse2::widen_bfloat16, &sse2::narrow_bfloat16};
  }
#endif
  return {&portable::widen_float16, &portable::narrow_float16, &portable::widen_bfloat16, &portable::narrow_bfloat16};
}

}  // namespace resample::detail
