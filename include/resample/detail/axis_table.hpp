// SPDX-License-Identifier: MIT
// Per-axis resampling tables: for every output index, the source indices it reads and the
// weight of each. Built once per plan, in the precision PyTorch 1.13 uses for each step, so
// that a pass "acc = x[i0]*w0; acc += x[i1]*w1; ..." in T reproduces ATen's CPU kernels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "config.hpp"
#include "geometry.hpp"
#include "permuted_taps.hpp"
#include "source_index.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// Taps of one axis: output o reads `count[o]` source indices `index[o*width + j]` with
/// weights `weight[o*width + j]` (j < count[o]); slots past count[o] are unused.
template <class T>
struct axis_table {
  std::int64_t in = 0;
  std::int64_t out = 0;
  int width = 0;
  std::vector<std::int64_t> index;
  std::vector<T> weight;
  std::vector<int> count;

  axis_table(std::int64_t in_size, std::int64_t out_size, int taps)
      : in(in_size), out(out_size), width(taps), index(static_cast<std::size_t>(out_size) * taps, 0),
        weight(static_cast<std::size_t>(out_size) * taps, T(0)), count(static_cast<std::size_t>(out_size), taps) {}

  /// Set by finish(): every output uses all `width` taps (linear, cubic), so kernels may unroll.
  bool full_width = false;
  /// Set by finish(): consecutive outputs never read lower source indices than their predecessors.
  bool monotone = false;
  /// Set by finish(): every output reads evenly spaced source indices, index(o)[j] = index(o)[0] +
  /// j * tap_step (1 for antialias tables, the channel count for their interleaved form); 0 if not.
  std::int64_t tap_step = 0;
  /// Set by finish(): the lowest and highest source index each output reads.
  std::vector<std::int64_t> lowest;
  std::vector<std::int64_t> highest;
  /// Set by finish(): consecutive outputs read every source index between the lowest and the
  /// highest, so a chunk needs all the slices of its span.
  bool gapless = false;
  /// Built by permute() for the innermost axis: the block tables of the permuting W pass.
  permuted_taps<T> permuted;

  /// Builds the block tables of the permuting W pass, unless packed rows (transpose.hpp) do the
  /// pass with fewer instructions: beyond two taps spread over two loads each (downscaling), a
  /// permuted tap costs two loads, two permutes and a blend, a packed one a multiply-add.
  void permute() {
    permuted = permute_taps(in, out, width, index.data(), weight.data(), count.data());
    if (permuted.two_loads && width > 2) permuted = permuted_taps<T>{};
  }

  /// Derives the summary fields once the taps are filled in.
  void finish() {
    full_width = true;
    lowest.assign(static_cast<std::size_t>(out), 0);
    highest.assign(static_cast<std::size_t>(out), -1);
    for (std::int64_t o = 0; o < out; ++o) {
      full_width = full_width && count[o] == width;
      if (count[o] == 0) continue;
      lowest[o] = *std::min_element(indices(o), indices(o) + count[o]);
      highest[o] = *std::max_element(indices(o), indices(o) + count[o]);
    }
    tap_step = 0;
    for (std::int64_t o = 0; o < out && tap_step == 0; ++o) {
      if (count[o] > 1) tap_step = std::max<std::int64_t>(indices(o)[1] - indices(o)[0], 0);
    }
    for (std::int64_t o = 0; o < out && tap_step > 0; ++o) {
      for (int j = 1; j < count[o]; ++j) {
        if (indices(o)[j] != indices(o)[0] + j * tap_step) tap_step = 0;
      }
    }
    monotone = true;
    for (std::int64_t o = 1; o < out; ++o) {
      monotone = monotone && count[o] > 0 && lowest[o] >= lowest[o - 1] && highest[o] >= highest[o - 1];
    }
    // Every table's outputs read runs of consecutive indices; monotone runs that overlap or
    // touch leave no source index of a span unread. A hint only: either way is correct.
    gapless = monotone && out > 0 && count[0] > 0;
    for (std::int64_t o = 1; gapless && o < out; ++o) gapless = lowest[o] <= highest[o - 1] + 1;
  }

  std::int64_t* indices(std::int64_t o) { return index.data() + o * width; }
  T* weights(std::int64_t o) { return weight.data() + o * width; }
  const std::int64_t* indices(std::int64_t o) const { return index.data() + o * width; }
  const T* weights(std::int64_t o) const { return weight.data() + o * width; }
};

/// The taps of `table` over rows of pixels of `channels` interleaved values (channels-last):
/// value o * channels + c reads values index * channels + c with pixel o's weights, so a row of
/// pixels resamples as one planar row.
template <class T>
axis_table<T> interleaved_table(const axis_table<T>& table, int channels) {
  axis_table<T> t(table.in * channels, table.out * channels, table.width);
  for (std::int64_t o = 0; o < table.out; ++o) {
    for (int c = 0; c < channels; ++c) {
      const std::int64_t v = o * channels + c;
      t.count[v] = table.count[o];
      for (int j = 0; j < table.width; ++j) {
        t.indices(v)[j] = table.indices(o)[j] * channels + c;
        t.weights(v)[j] = table.weights(o)[j];
      }
    }
  }
  t.finish();
  t.permute();
  return t;
}

/// mode='nearest' source indices (ATen's generic kernel): floor(scale * o) with the scale in T,
/// the product in T, and floorf's float argument (so double products are rounded to float).
template <class T>
std::vector<std::int64_t> nearest_indices(const axis_geometry& axis) {
  const T scale = area_pixel_compute_scale<T>(axis.in, axis.out, false, axis.scale);
  std::vector<std::int64_t> index(static_cast<std::size_t>(axis.out));
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const T real = scale * static_cast<T>(o);
    index[o] = std::min(static_cast<std::int64_t>(std::floor(static_cast<float>(real))), axis.in - 1);
  }
  return index;
}

/// mode='nearest-exact' source indices: round half up of the pixel-centre coordinate,
/// (scale*(o+0.5)-0.5 in T, clamped at 0) + 0.5 in double, floored as a float.
template <class T>
std::vector<std::int64_t> nearest_exact_indices(const axis_geometry& axis) {
  const T scale = area_pixel_compute_scale<T>(axis.in, axis.out, false, axis.scale);
  std::vector<std::int64_t> index(static_cast<std::size_t>(axis.out));
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const T real = area_pixel_compute_source_index<T>(scale, o, false, false);
    const float rounded = static_cast<float>(static_cast<double>(real) + 0.5);
    index[o] = std::min(static_cast<std::int64_t>(std::floor(rounded)), axis.in - 1);
  }
  return index;
}

/// Linear interpolation (compute_source_index_and_lambda): the index in double, lambdas in T.
/// An unchanged extent copies (weights 1 and 0), ignoring scale and align_corners (#70559).
template <class T>
axis_table<T> linear_table(const axis_geometry& axis, bool align_corners) {
  axis_table<T> table(axis.in, axis.out, 2);
  const T ratio = area_pixel_compute_scale<T>(axis.in, axis.out, align_corners, axis.scale);
  for (std::int64_t o = 0; o < axis.out; ++o) {
    std::int64_t* index = table.indices(o);
    T* weight = table.weights(o);
    if (axis.out == axis.in) {
      index[0] = index[1] = o;
      weight[0] = T(1);
      weight[1] = T(0);
      continue;
    }
    const double real = area_pixel_compute_source_index<double>(static_cast<double>(ratio), o, align_corners, false);
    const std::int64_t i0 = static_cast<std::int64_t>(real);
    index[0] = i0;
    index[1] = i0 + (i0 < axis.in - 1 ? 1 : 0);
    const T lambda1 = static_cast<T>(real - static_cast<double>(i0));
    weight[0] = T(1) - lambda1;
    weight[1] = lambda1;
  }
  table.finish();
  return table;
}

/// Keys' cubic convolution pieces (UpSample.h), in T.
template <class T>
T cubic_convolution1(T x, T a) {
  return ((a + T(2)) * x - (a + T(3))) * x * x + T(1);
}
template <class T>
T cubic_convolution2(T x, T a) {
  return ((a * x - T(5) * a) * x + T(8) * a) * x - T(4) * a;
}

/// Bicubic (upsample_bicubic2d, a = -0.75): the index in double floored as a float, the
/// fraction rounded to T, four taps clamped to the border (edge replication).
template <class T>
axis_table<T> cubic_table(const axis_geometry& axis, bool align_corners) {
  axis_table<T> table(axis.in, axis.out, 4);
  const T scale = area_pixel_compute_scale<T>(axis.in, axis.out, align_corners, axis.scale);
  const T a = static_cast<T>(-0.75);
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const double real = area_pixel_compute_source_index<double>(static_cast<double>(scale), o, align_corners, true);
    const std::int64_t i = static_cast<std::int64_t>(std::floor(static_cast<float>(real)));
    const T t = static_cast<T>(real - static_cast<double>(i));
    std::int64_t* index = table.indices(o);
    T* weight = table.weights(o);
    for (int j = 0; j < 4; ++j) index[j] = std::clamp<std::int64_t>(i - 1 + j, 0, axis.in - 1);
    const T x2 = static_cast<T>(1.0 - static_cast<double>(t));
    weight[0] = cubic_convolution2<T>(static_cast<T>(static_cast<double>(t) + 1.0), a);
    weight[1] = cubic_convolution1<T>(t, a);
    weight[2] = cubic_convolution1<T>(x2, a);
    weight[3] = cubic_convolution2<T>(static_cast<T>(static_cast<double>(x2) + 1.0), a);
  }
  table.finish();
  return table;
}

/// Adaptive-average-pooling windows [start, end) of one axis: floor(o*in/out) to ceil((o+1)*in/out).
struct area_windows {
  std::vector<std::int64_t> start;
  std::vector<std::int64_t> end;
};

inline area_windows area_table(const axis_geometry& axis) {
  area_windows w;
  w.start.resize(static_cast<std::size_t>(axis.out));
  w.end.resize(static_cast<std::size_t>(axis.out));
  const std::int64_t in = axis.in;
  const std::int64_t out = axis.out;
  for (std::int64_t o = 0; o < out; ++o) {
    // Written to avoid overflowing o * in (ATen's start_index / end_index).
    w.start[o] = (o / out) * in + ((o % out) * in) / out;
    w.end[o] = 1 + ((o + 1) * in - 1) / out;
  }
  return w;
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
