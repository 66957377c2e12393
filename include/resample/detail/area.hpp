// SPDX-License-Identifier: MIT
// mode='area', i.e. adaptive average pooling (ATen's adaptive_avg_pool{1,2,3}d, contiguous
// kernels): each output is the sequential sum of its window in (d, h, w) order, started from 0
// in T, divided by each window extent in turn (kd, kh, kw: those the rank has; the 1-D pool's
// division by a height of 1 is exact and skipped). The sum is not separable bit for bit, so the
// windows are summed directly, by the streaming loops of area_box and area_kernels_isa.inl.
// An output of one element per plane is ATen's `mean()` instead, whose cascade summation is
// reproduced by `cascade_mean`.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "area_kernels.hpp"
#include "axis_table.hpp"
#include "box.hpp"
#include "config.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// ATen's CeilLog2 for the cascade sum's level size.
inline std::int64_t cascade_ceil_log2(std::int64_t x) {
  if (x <= 2) return 1;
  std::int64_t bits = 0;
  for (std::uint64_t v = static_cast<std::uint64_t>(x - 1); v != 0; v >>= 1) ++bits;
  return bits;
}

/// ATen's multi_row_sum: `rows` rows of `Lanes` values (element (i, k) at load(i, k)) summed
/// column-wise through four levels of partial sums, which bounds rounding error growth.
template <class T, int Lanes, class Load>
std::array<T, Lanes> multi_row_sum(std::int64_t rows, Load load) {
  constexpr int levels = 4;
  const std::int64_t level_power = std::max<std::int64_t>(4, cascade_ceil_log2(rows) / levels);
  const std::int64_t level_step = std::int64_t(1) << level_power;
  const std::int64_t level_mask = level_step - 1;
  std::array<std::array<T, Lanes>, levels> acc{};
  std::int64_t i = 0;
  while (i + level_step <= rows) {
    for (std::int64_t j = 0; j < level_step; ++j, ++i) {
      for (int k = 0; k < Lanes; ++k) acc[0][k] += load(i, k);
    }
    for (int j = 1; j < levels; ++j) {
      for (int k = 0; k < Lanes; ++k) {
        acc[j][k] += acc[j - 1][k];
        acc[j - 1][k] = T(0);
      }
      if ((i & (level_mask << (j * level_power))) != 0) break;
    }
  }
  for (; i < rows; ++i) {
    for (int k = 0; k < Lanes; ++k) acc[0][k] += load(i, k);
  }
  for (int j = 1; j < levels; ++j) {
    for (int k = 0; k < Lanes; ++k) acc[0][k] += acc[j][k];
  }
  return acc[0];
}

/// ATen's row_sum: a row of `size` items (item i at load(i, lane)), viewed as rows of four,
/// reduced by multi_row_sum, the remainder added to the first partial, then the partials folded.
template <class T, int Lanes, class Load>
std::array<T, Lanes> row_sum(std::int64_t size, Load load) {
  constexpr int ilp = 4;
  const std::int64_t rows = size / ilp;
  std::array<std::array<T, Lanes>, ilp> partial{};
  // multi_row_sum over a (rows, ilp) matrix whose entries are Lanes-wide items.
  const auto sums = multi_row_sum<T, ilp * Lanes>(rows, [&](std::int64_t i, int k) {
    return load(i * ilp + k / Lanes, k % Lanes);
  });
  for (int p = 0; p < ilp; ++p)
    for (int l = 0; l < Lanes; ++l) partial[p][l] = sums[p * Lanes + l];
  for (std::int64_t i = rows * ilp; i < size; ++i) {
    for (int l = 0; l < Lanes; ++l) partial[0][l] += load(i, l);
  }
  for (int p = 1; p < ilp; ++p) {
    for (int l = 0; l < Lanes; ++l) partial[0][l] += partial[p][l];
  }
  return partial[0];
}

/// `input.mean()` over a contiguous run of n values, as ATen's CPU sum kernel reduces it
/// (vectors of 32 bytes, the scalar tail first, then the lanes in order) divided by n.
template <class T>
T cascade_mean(const T* x, std::int64_t n) {
  constexpr int lanes = static_cast<int>(32 / sizeof(T));
  T total = T(0);
  if (n >= lanes) {
    const std::int64_t vectors = n / lanes;
    const auto lane_sums = row_sum<T, lanes>(vectors, [&](std::int64_t v, int l) { return x[v * lanes + l]; });
    T tail = T(0);
    for (std::int64_t k = vectors * lanes; k < n; ++k) tail += x[k];
    for (int l = 0; l < lanes; ++l) tail += lane_sums[l];
    total = tail;
  } else {
    total = row_sum<T, 1>(n, [&](std::int64_t i, int) { return x[i]; })[0];
  }
  // The sum lands in a zero-filled output (`out += sum`), then div_(numel).
  total = T(0) + total;
  return total / static_cast<T>(n);
}

/// Scratch space of one thread, reused from call to call.
template <class T>
struct area_scratch {
  std::vector<T> sums;    ///< the window sums of a stretch of one output row
  std::vector<T> extent;  ///< the W extent of each window, in T
  std::vector<T> values;  ///< one plane (mean), or a stretch of an output row that is not dense
};

/// The window extent k when the W windows of outputs [begin, end) are [k*o, k*o + k) with
/// is_uniform_width(k) (integer-factor downscales), 0 otherwise.
inline std::int64_t uniform_width(const area_windows& w, std::int64_t begin, std::int64_t end) {
  if (begin >= end) return 0;
  const std::int64_t k = w.end[begin] - w.start[begin];
  if (!is_uniform_width(k)) return 0;
  for (std::int64_t o = begin; o < end; ++o) {
    if (w.start[o] != o * k || w.end[o] != o * k + k) return 0;
  }
  return k;
}

/// Average pooling of one box over per-axis windows (D, H, W); only outputs whose index along
/// box axis `outer` lies in `outer_range` are written.
///
/// The outputs are made as a stream, a slab of output rows (od, oh) at a time: their window
/// sums start at 0, the input rows of their D and H windows are added into them in (d, h)
/// order, each read once from left to right, and the sums are divided by kd and kh (those the
/// rank has) and by each window's kw. Every sum sees ATen's sequence of additions, and the
/// input is read in long sequential runs, which the hardware prefetchers follow (short runs
/// from several rows at once, as a window-by-window loop reads them, are several times
/// slower). Planar rows with integer-factor windows take the vector loops that sum a register
/// of windows at a time; packed channels are vectors.
template <class T>
void area_box(const area_kernel_set<T>& kernels, const box<const T>& src, const box<T>& dst,
              const std::array<area_windows, 3>& windows, int spatial_rank, int outer,
              std::array<std::int64_t, 2> outer_range, area_scratch<T>& scratch) {
  const std::int64_t channels = src.extent[3];
  if (dst.extent[0] * dst.extent[1] * dst.extent[2] == 1) {
    const std::int64_t n = src.extent[0] * src.extent[1] * src.extent[2];
    scratch.values.resize(static_cast<std::size_t>(n));
    for (std::int64_t k = 0; k < channels; ++k) {
      std::int64_t i = 0;
      for (std::int64_t d = 0; d < src.extent[0]; ++d)
        for (std::int64_t h = 0; h < src.extent[1]; ++h)
          for (std::int64_t w = 0; w < src.extent[2]; ++w) scratch.values[i++] = src.at(d, h, w)[k * src.stride[3]];
      dst.at(0, 0, 0)[k * dst.stride[3]] = cascade_mean(scratch.values.data(), n);
    }
    return;
  }
  std::array<std::array<std::int64_t, 2>, 3> range{{{0, dst.extent[0]}, {0, dst.extent[1]}, {0, dst.extent[2]}}};
  range[outer] = outer_range;
  RESAMPLE_ASSERT(channels == 1 || src.stride[3] == 1);  // packed channels are contiguous
  const bool unit_rows = channels == 1 && src.stride[2] == 1;
  const area_windows& dw = windows[0];
  const area_windows& hw = windows[1];
  const area_windows& ww = windows[2];
  const std::int64_t w_begin = range[2][0], w_end = range[2][1];
  const int k = static_cast<int>(unit_rows ? uniform_width(ww, w_begin, w_end) : 0);
  scratch.extent.resize(static_cast<std::size_t>(w_end));
  for (std::int64_t ow = w_begin; ow < w_end; ++ow) scratch.extent[ow] = static_cast<T>(ww.end[ow] - ww.start[ow]);
  // A slab of output rows, each a stretch of `stretch` outputs, whose sums stay in cache.
  constexpr std::int64_t sum_elements = 4096;
  const std::int64_t stretch = std::clamp<std::int64_t>(sum_elements / channels, 1, w_end - w_begin);
  const std::int64_t slab = std::clamp<std::int64_t>(sum_elements / (stretch * channels), 1, range[1][1] - range[1][0]);
  const std::int64_t row_sums = stretch * channels;
  scratch.sums.resize(static_cast<std::size_t>(slab * row_sums));
  const bool dense_out = channels == 1 ? dst.stride[2] == 1 : dst.dense_rows();
  if (!dense_out) scratch.values.resize(static_cast<std::size_t>(row_sums));
  T* sums = scratch.sums.data();
  for (std::int64_t od = range[0][0]; od < range[0][1]; ++od) {
    for (std::int64_t oh_first = range[1][0]; oh_first < range[1][1]; oh_first += slab) {
      const std::int64_t oh_end = std::min(oh_first + slab, range[1][1]);
      for (std::int64_t first = w_begin; first < w_end; first += stretch) {
        const std::int64_t count = std::min(stretch, w_end - first);
        std::fill(sums, sums + (oh_end - oh_first) * row_sums, T(0));
        for (std::int64_t d = dw.start[od]; d < dw.end[od]; ++d)
          for (std::int64_t oh = oh_first; oh < oh_end; ++oh)
            for (std::int64_t h = hw.start[oh]; h < hw.end[oh]; ++h) {
              T* target = sums + (oh - oh_first) * row_sums;
              const T* row = src.at(d, h, 0);
              if (k > 0) {
                kernels.uniform_add(target, row + first * k, k, count);
              } else {
                kernels.windows_add(target, row, ww.start.data() + first, ww.end.data() + first, count,
                                    src.stride[2], channels);
              }
            }
        for (std::int64_t oh = oh_first; oh < oh_end; ++oh) {
          T divisors[2];
          int divisor_count = 0;
          if (spatial_rank == 3) divisors[divisor_count++] = static_cast<T>(dw.end[od] - dw.start[od]);
          if (spatial_rank >= 2) divisors[divisor_count++] = static_cast<T>(hw.end[oh] - hw.start[oh]);
          const T* row_sum = sums + (oh - oh_first) * row_sums;
          T* out = dense_out ? dst.at(od, oh, first) : scratch.values.data();
          if (k > 0) {
            kernels.uniform_finish(row_sum, out, k, count, divisors, divisor_count);
          } else {
            kernels.windows_finish(row_sum, out, scratch.extent.data() + first, count, channels, divisors,
                                   divisor_count);
          }
          if (dense_out) continue;
          for (std::int64_t i = 0; i < count; ++i)
            for (std::int64_t c = 0; c < channels; ++c) {
              dst.at(od, oh, first + i)[c * dst.stride[3]] = out[i * channels + c];
            }
        }
      }
    }
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
