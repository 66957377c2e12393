// SPDX-License-Identifier: MIT
// The 5-tap binomial pyramid kernels behind pyr_down / pyr_up, following OpenCV's
// modules/imgproc/src/pyramids.cpp (cv::pyrDown, cv::pyrUp) for one-channel planes:
//
// - pyr_down filters each source row horizontally with [1 4 6 4 1] keeping every second column
//   (reflect-101 borders), keeps a ring of the five filtered rows an output row needs, and
//   filters them vertically, scaling by 1/256 at the end.
// - pyr_up filters each source row into 2w values (taps [1 6 1] on even and [4 4] on odd
//   columns, the zero-inserted signal's reflect-101 border), keeps a ring of three, and makes two
//   output rows from them, scaling by 1/64.
//
// Float sums are not associative, so the kernels add in OpenCV's order. OpenCV's vector loops
// (SSE2 baseline: 4 floats or 2 doubles per register) add in a different order from its scalar
// loops, so which columns count as "vector" depends on that lane count; `opencv_lanes` fixes it,
// which gives OpenCV's bits for an OpenCV built with the x86-64 baseline (Debian's, for one).
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "../error.hpp"
#include "../instruction_set.hpp"
#include "config.hpp"

namespace resample::detail {

/// OpenCV's BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba); a length of 1 always reads index 0.
inline std::int64_t reflect101(std::int64_t p, std::int64_t n) {
  if (n == 1) return 0;
  while (p < 0 || p >= n) p = p < 0 ? -p : 2 * n - 2 - p;
  return p;
}

/// The type of the filtered rows: T for float and double, int for uint8 (OpenCV's fixed point:
/// the sums are exact).
template <class T>
using work_type = std::conditional_t<std::is_integral_v<T>, int, T>;

/// What pyr_up's vertical pass does with each value: store it, or store base - value (a
/// Laplacian level) or base + value (collapsing one).
enum class up_epilogue { store, subtract_from_base, add_to_base };

/// Lanes of OpenCV's float / double vector loops in pyrDown (horizontal, vertical pass).
template <class T>
struct opencv_lanes;
template <>
struct opencv_lanes<float> {
  static constexpr int horizontal = 4;
  static constexpr int vertical = 4;
};
template <>
struct opencv_lanes<std::uint8_t> {  // integer sums: the order does not matter
  static constexpr int horizontal = 0;
  static constexpr int vertical = 0;
};
template <>
struct opencv_lanes<double> {
  static constexpr int horizontal = 2;
  static constexpr int vertical = 0;  // OpenCV has no double vertical loop: all scalar order
};

}  // namespace resample::detail

#if defined(RESAMPLE_X86_DISPATCH)
#include <immintrin.h>
#endif

#define RESAMPLE_ISA_FILE "pyramid_kernels_isa.inl"
#include "isa_variants.inl"

namespace resample::detail {

/// The pyramid loops of one instruction set.
template <class T, class W = work_type<T>>
struct pyramid_kernel_set {
  void (*down_row)(const T*, std::int64_t, W*, std::int64_t, int);
  void (*down_column)(const W*, const W*, const W*, const W*, const W*, T*, std::int64_t, int);
  void (*up_row)(const T*, std::int64_t, W*, std::int64_t);
  void (*up_column)(const W*, const W*, const W*, T*, T*, const T*, const T*, std::int64_t, up_epilogue);
};

// The table of one set's loops.
#define RESAMPLE_PYRAMID_KERNEL_SET(ns) \
  { &ns::pyramid::down_row<T>, &ns::pyramid::down_column<T>, &ns::pyramid::up_row<T>, &ns::pyramid::up_column<T> }

template <class T>
pyramid_kernel_set<T> pyramid_kernels_for(instruction_set isa) {
  isa = resolve_isa(isa);
#if defined(RESAMPLE_X86_DISPATCH)
  if (isa == instruction_set::avx2) return RESAMPLE_PYRAMID_KERNEL_SET(avx2);
  if (isa == instruction_set::sse2) return RESAMPLE_PYRAMID_KERNEL_SET(sse2);
#endif
  return RESAMPLE_PYRAMID_KERNEL_SET(portable);
}

#undef RESAMPLE_PYRAMID_KERNEL_SET

}  // namespace resample::detail
