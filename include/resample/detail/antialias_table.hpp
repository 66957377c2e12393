// SPDX-License-Identifier: MIT
// Antialiased (Pillow-style) per-axis weights, as ATen 1.13's _compute_weights_aa builds them:
// when downscaling the filter is stretched by the scale so every input pixel contributes; taps
// that fall outside the image are dropped and the rest renormalised. The mix of T and double
// below follows the C++ promotions in the ATen source, which decide the last bits.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "axis_table.hpp"
#include "config.hpp"
#include "geometry.hpp"
#include "source_index.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// Triangle filter: 1 - |x| on (-1, 1), subtracted in double.
template <class T>
T antialias_triangle(T x) {
  if (x < T(0)) x = -x;
  return x < T(1) ? static_cast<T>(1.0 - static_cast<double>(x)) : T(0);
}

/// Keys cubic with a = -0.5 (Pillow's), as 1.13 writes it with a double literal `a`: the inner
/// piece is evaluated in double, the outer piece's polynomial in T and its product in double.
template <class T>
T antialias_cubic(T x) {
  constexpr double a = -0.5;
  if (x < T(0)) x = -x;
  if (x < T(1)) {
    const double xd = static_cast<double>(x);
    return static_cast<T>(((a + 2.0) * xd - (a + 3.0)) * xd * xd + 1.0);
  }
  if (x < T(2)) return static_cast<T>(static_cast<double>(((x - T(5)) * x + T(8)) * x - T(4)) * a);
  return T(0);
}

/// Support of the filter in input pixels (1 for the triangle, 2 for the cubic) before scaling.
template <class T>
axis_table<T> antialias_table(const axis_geometry& axis, bool align_corners, bool cubic) {
  const double interp_size = cubic ? 4.0 : 2.0;
  const T scale = area_pixel_compute_scale<T>(axis.in, axis.out, align_corners, axis.scale);
  const T support = scale >= T(1) ? static_cast<T>((interp_size * 0.5) * static_cast<double>(scale))
                                  : static_cast<T>(interp_size * 0.5);
  const T invscale = scale >= T(1) ? static_cast<T>(1.0 / static_cast<double>(scale)) : T(1);
  // ATen sizes its tap buffer as 2 * ceil(support) + 1; no output can use more taps than the
  // input has, and a wider filter than an int can count is refused rather than overflowed.
  const double wanted_taps = std::min(std::ceil(static_cast<double>(static_cast<float>(support))) * 2.0 + 1.0,
                                      static_cast<double>(axis.in));
  if (!(wanted_taps <= static_cast<double>(std::numeric_limits<int>::max() / 2))) {
    throw error(error_code::overflow, "an antialias filter of " + std::to_string(wanted_taps) +
                                          " taps (input extent " + std::to_string(axis.in) + ", output extent " +
                                          std::to_string(axis.out) + ") is too wide");
  }
  const int max_taps = static_cast<int>(wanted_taps);
  axis_table<T> table(axis.in, axis.out, max_taps);
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const T center = static_cast<T>(static_cast<double>(scale) * (static_cast<double>(o) + 0.5));
    const std::int64_t xmin =
        std::max<std::int64_t>(static_cast<std::int64_t>(static_cast<double>(static_cast<T>(center - support)) + 0.5), 0);
    const std::int64_t xmax = std::min<std::int64_t>(
        static_cast<std::int64_t>(static_cast<double>(static_cast<T>(center + support)) + 0.5), axis.in);
    const int taps = static_cast<int>(std::clamp<std::int64_t>(xmax - xmin, 0, max_taps));
    std::int64_t* index = table.indices(o);
    T* weight = table.weights(o);
    T total = T(0);
    for (int j = 0; j < taps; ++j) {
      const T offset = static_cast<T>(static_cast<T>(j + xmin) - center);
      const T arg = static_cast<T>((static_cast<double>(offset) + 0.5) * static_cast<double>(invscale));
      weight[j] = cubic ? antialias_cubic<T>(arg) : antialias_triangle<T>(arg);
      index[j] = xmin + j;
      total += weight[j];
    }
    if (total != T(0)) {
      for (int j = 0; j < taps; ++j) weight[j] = weight[j] / total;
    }
    table.count[o] = taps;
  }
  table.finish();
  return table;
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
