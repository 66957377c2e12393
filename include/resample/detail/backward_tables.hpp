// SPDX-License-Identifier: MIT
// Per-axis tables for the backward pass (the gradient of F.interpolate with respect to its input).
//
// ATen's backward kernels scatter: they zero grad_input, then walk grad_output in row-major order
// and add each value, times its weights, into the input elements the forward pass read. resample
// gathers instead: every grad_input element sums its own contributions, which makes the result
// independent of how the work is split over threads. The sum is bit-identical to ATen's scatter
// as long as each element receives the same terms in the same order, so the tables below list,
// for every input index of one axis, the output indices that read it in ascending order (a
// "group" per output index), and within a group the taps in the forward's tap order. A tap index
// can appear several times in one group where the forward clamps taps to the border.
//
// Where ATen's backward computes indices or weights differently from its forward (nearest and
// nearest-exact use the float helpers with their special cases; bicubic computes its index in T),
// the per-output taps are built here; otherwise the forward's tables are reused as they are.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "axis_table.hpp"
#include "config.hpp"
#include "geometry.hpp"
#include "source_index.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// The transpose of one axis's forward taps. Input index i is read by the groups
/// [group_begin[i], group_begin[i+1]); group g belongs to output index group_output[g] and holds
/// the tap weights weight[tap_begin[g] .. tap_begin[g+1]).
template <class T>
struct backward_axis {
  std::int64_t in = 1;
  std::int64_t out = 1;
  std::vector<std::int64_t> group_begin{0, 1};
  std::vector<std::int64_t> group_output{0};
  std::vector<std::int64_t> tap_begin{0, 1};
  std::vector<T> weight{T(1)};
};

/// Transposes forward taps (output o reads table.indices(o)[j] with table.weights(o)[j],
/// j < table.count[o]) into the gather form, keeping ATen's order: outputs ascending, then taps.
template <class T>
backward_axis<T> transpose_taps(const axis_table<T>& table) {
  const std::int64_t in = table.in;
  const std::int64_t out = table.out;
  std::vector<std::int64_t> groups(static_cast<std::size_t>(in), 0);
  std::vector<std::int64_t> taps(static_cast<std::size_t>(in), 0);
  std::vector<std::int64_t> last(static_cast<std::size_t>(in), -1);
  for (std::int64_t o = 0; o < out; ++o) {
    const std::int64_t* index = table.indices(o);
    for (int j = 0; j < table.count[o]; ++j) {
      const std::int64_t i = index[j];
      ++taps[i];
      if (last[i] != o) {
        ++groups[i];
        last[i] = o;
      }
    }
  }
  backward_axis<T> b;
  b.in = in;
  b.out = out;
  b.group_begin.assign(static_cast<std::size_t>(in) + 1, 0);
  std::vector<std::int64_t> group_next(static_cast<std::size_t>(in));
  std::vector<std::int64_t> tap_next(static_cast<std::size_t>(in));
  std::int64_t total_taps = 0;
  for (std::int64_t i = 0; i < in; ++i) {
    b.group_begin[i + 1] = b.group_begin[i] + groups[i];
    group_next[i] = b.group_begin[i];
    tap_next[i] = total_taps;
    total_taps += taps[i];
  }
  const std::int64_t total_groups = b.group_begin[in];
  b.group_output.assign(static_cast<std::size_t>(total_groups), 0);
  b.tap_begin.assign(static_cast<std::size_t>(total_groups) + 1, total_taps);
  b.weight.assign(static_cast<std::size_t>(total_taps), T(0));
  std::fill(last.begin(), last.end(), -1);
  for (std::int64_t o = 0; o < out; ++o) {
    const std::int64_t* index = table.indices(o);
    const T* weight = table.weights(o);
    for (int j = 0; j < table.count[o]; ++j) {
      const std::int64_t i = index[j];
      if (last[i] != o) {
        const std::int64_t g = group_next[i]++;
        b.group_output[g] = o;
        b.tap_begin[g] = tap_next[i];
        last[i] = o;
      }
      b.weight[tap_next[i]++] = weight[j];
    }
  }
  // Groups of one input are contiguous and inputs follow each other, so each group ends where the
  // next begins; tap_begin[total_groups] already holds the total.
  return b;
}

/// nearest_idx (UpSample.h), the index every nearest backward kernel uses whatever T is: an
/// unchanged extent copies and a doubled one halves, ignoring any user scale; otherwise
/// floor(o * scale) with the scale and the product in float.
inline std::int64_t backward_nearest_index(std::int64_t o, const axis_geometry& axis) {
  if (axis.out == axis.in) return o;
  if (axis.out == 2 * axis.in) return o >> 1;
  const float scale = compute_scales_value<float>(axis.scale, axis.in, axis.out);
  return std::min(static_cast<std::int64_t>(std::floor(static_cast<float>(o) * scale)), axis.in - 1);
}

/// nearest_exact_idx: floor((o + 0.5) * scale) with a float scale, the product in double, rounded
/// to float by floorf's parameter. No special cases.
inline std::int64_t backward_nearest_exact_index(std::int64_t o, const axis_geometry& axis) {
  const float scale = compute_scales_value<float>(axis.scale, axis.in, axis.out);
  const float real = static_cast<float>((static_cast<double>(o) + 0.5) * static_cast<double>(scale));
  return std::min(static_cast<std::int64_t>(std::floor(real)), axis.in - 1);
}

/// One tap of weight 1 per output, at the backward nearest index.
template <class T>
axis_table<T> nearest_backward_table(const axis_geometry& axis, bool exact) {
  axis_table<T> table(axis.in, axis.out, 1);
  for (std::int64_t o = 0; o < axis.out; ++o) {
    table.indices(o)[0] = exact ? backward_nearest_exact_index(o, axis) : backward_nearest_index(o, axis);
    table.weights(o)[0] = T(1);
  }
  return table;
}

/// Bicubic backward (UpSampleBicubic2d.cpp): unlike the forward, the source coordinate and the
/// fraction t are computed in T; the index is floorf of it (so a double coordinate is rounded to
/// float first). Coefficients and clamped taps as in the forward.
template <class T>
axis_table<T> cubic_backward_table(const axis_geometry& axis, bool align_corners) {
  axis_table<T> table(axis.in, axis.out, 4);
  const T scale = area_pixel_compute_scale<T>(axis.in, axis.out, align_corners, axis.scale);
  const T a = static_cast<T>(-0.75);
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const T real = area_pixel_compute_source_index<T>(scale, o, align_corners, true);
    // ATen stores floorf's result in an int before subtracting it.
    const int i = static_cast<int>(std::floor(static_cast<float>(real)));
    const T t = real - static_cast<T>(i);
    std::int64_t* index = table.indices(o);
    T* weight = table.weights(o);
    for (int j = 0; j < 4; ++j) index[j] = std::clamp<std::int64_t>(std::int64_t{i} - 1 + j, 0, axis.in - 1);
    const T x2 = static_cast<T>(1.0 - static_cast<double>(t));
    weight[0] = cubic_convolution2<T>(static_cast<T>(static_cast<double>(t) + 1.0), a);
    weight[1] = cubic_convolution1<T>(t, a);
    weight[2] = cubic_convolution1<T>(x2, a);
    weight[3] = cubic_convolution2<T>(static_cast<T>(static_cast<double>(x2) + 1.0), a);
  }
  return table;
}

/// Area backward: output o spreads g / k over its window of k inputs. The "weight" stored for
/// every tap is the divisor k in T, since ATen divides (once per axis) rather than multiplies.
template <class T>
axis_table<T> area_backward_table(const axis_geometry& axis) {
  const area_windows windows = area_table(axis);
  std::int64_t widest = 1;
  for (std::int64_t o = 0; o < axis.out; ++o) widest = std::max(widest, windows.end[o] - windows.start[o]);
  axis_table<T> table(axis.in, axis.out, static_cast<int>(widest));
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const std::int64_t k = windows.end[o] - windows.start[o];
    table.count[o] = static_cast<int>(k);
    for (std::int64_t j = 0; j < k; ++j) {
      table.indices(o)[j] = windows.start[o] + j;
      table.weights(o)[j] = static_cast<T>(k);
    }
  }
  return table;
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
