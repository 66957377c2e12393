// SPDX-License-Identifier: MIT
// uint8 area (adaptive average pooling): each output is the mean of its window (PyTorch's
// adaptive_avg_pool windows, area_table in axis_table.hpp), computed exactly from an integer
// sum and rounded half up: (2 * sum + count) / (2 * count). The float result is the same mean
// up to float rounding, so the two differ by at most 1 after rounding.
// Per output row (od, oh): the input rows of its D and H windows are added column by column
// into 16-bit sums (at most 128 rows, so every column sum stays below 2^15), the W windows of
// those sums give the window sums, and a vector loop divides (fixed_point_kernels_isa.inl).
// Larger windows take a scalar loop with 64-bit sums. Both give the exact quotient.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "axis_table.hpp"
#include "box.hpp"
#include "fixed_point_kernels.hpp"

namespace resample::detail {

/// Scratch space of one thread, reused from call to call.
struct fixed_point_area_scratch {
  std::vector<std::uint16_t> columns;  ///< column sums of one output row's input rows
  std::vector<std::uint32_t> sums;     ///< window sums of one output row
  std::vector<std::uint32_t> counts;   ///< window sizes of one output row
  std::vector<std::uint8_t> row;       ///< one output row, when the output rows are not dense
  std::vector<std::uint64_t> wide;     ///< the scalar loop's sums
};

/// Outputs [begin, end) of box axis `outer` (the outermost resampled axis) of one box.
/// `windows` holds the D, H, W windows (an absent axis has the single window [0, 1)).
inline void fixed_point_area_box(const fixed_point_kernels& kernels, const box<const std::uint8_t>& src,
                                 const box<std::uint8_t>& dst, const std::array<area_windows, 3>& windows, int outer,
                                 std::int64_t begin, std::int64_t end, fixed_point_area_scratch& s) {
  const std::int64_t channels = src.extent[3];
  std::array<std::int64_t, 3> lo{0, 0, 0}, hi{dst.extent[0], dst.extent[1], dst.extent[2]};
  lo[outer] = begin;
  hi[outer] = end;
  // Outputs [ow0, ow1) of each row read columns [first_column, last_column) (windows ascend).
  const area_windows& ww = windows[2];
  const std::int64_t ow0 = lo[2], ow1 = hi[2];
  const std::int64_t first_column = ww.start[ow0], last_column = ww.end[ow1 - 1];
  const std::int64_t in_row = (last_column - first_column) * channels, out_row = (ow1 - ow0) * channels;
  std::int64_t widest = 0;
  for (std::int64_t ow = ow0; ow < ow1; ++ow) widest = std::max(widest, ww.end[ow] - ww.start[ow]);
  // Planar rows cut into windows of 2 or 4 columns (integer-factor downscales) sum in registers.
  int uniform = channels == 1 && (widest == 2 || widest == 4) ? static_cast<int>(widest) : 0;
  for (std::int64_t ow = ow0; ow < ow1 && uniform; ++ow) {
    if (ww.start[ow] != ow * uniform || ww.end[ow] != ow * uniform + uniform) uniform = 0;
  }
  const bool dense_in = src.dense_rows(), dense_out = dst.dense_rows();
  s.columns.resize(static_cast<std::size_t>(in_row));
  s.sums.resize(static_cast<std::size_t>(out_row));
  s.counts.resize(static_cast<std::size_t>(out_row));
  s.row.resize(static_cast<std::size_t>(out_row));
  s.wide.resize(static_cast<std::size_t>(channels));
  std::int64_t counted_rows = -1;  // the row count `counts` was filled for
  for (std::int64_t od = lo[0]; od < hi[0]; ++od)
    for (std::int64_t oh = lo[1]; oh < hi[1]; ++oh) {
      const std::int64_t d0 = windows[0].start[od], d1 = windows[0].end[od];
      const std::int64_t h0 = windows[1].start[oh], h1 = windows[1].end[oh];
      const std::int64_t rows = (d1 - d0) * (h1 - h0);
      std::uint8_t* out = dst.at(od, oh, ow0);
      if (rows > 128 || rows * widest > 16384) {
        for (std::int64_t ow = ow0; ow < ow1; ++ow) {
          const std::int64_t w0 = ww.start[ow], w1 = ww.end[ow];
          std::fill(s.wide.begin(), s.wide.end(), 0);
          for (std::int64_t d = d0; d < d1; ++d)
            for (std::int64_t h = h0; h < h1; ++h)
              for (std::int64_t w = w0; w < w1; ++w) {
                const std::uint8_t* x = src.at(d, h, w);
                for (std::int64_t c = 0; c < channels; ++c) s.wide[static_cast<std::size_t>(c)] += x[c * src.stride[3]];
              }
          const std::uint64_t count = static_cast<std::uint64_t>(rows * (w1 - w0));
          for (std::int64_t c = 0; c < channels; ++c) {
            out[(ow - ow0) * dst.stride[2] + c * dst.stride[3]] =
                static_cast<std::uint8_t>((2 * s.wide[static_cast<std::size_t>(c)] + count) / (2 * count));
          }
        }
        continue;
      }
      std::uint16_t* columns = s.columns.data();
      std::fill(s.columns.begin(), s.columns.end(), std::uint16_t{0});
      for (std::int64_t d = d0; d < d1; ++d)
        for (std::int64_t h = h0; h < h1; ++h) {
          const std::uint8_t* x = src.at(d, h, first_column);
          if (dense_in) {
            kernels.area_add_row(columns, x, in_row);
            continue;
          }
          for (std::int64_t w = 0; w < last_column - first_column; ++w)
            for (std::int64_t c = 0; c < channels; ++c) {
              columns[w * channels + c] = static_cast<std::uint16_t>(columns[w * channels + c] + x[w * src.stride[2] + c * src.stride[3]]);
            }
        }
      std::uint32_t* sums = s.sums.data();
      if (uniform) {
        kernels.area_sum_uniform(columns, uniform, sums, ow1 - ow0);
      } else {
        std::fill(s.sums.begin(), s.sums.end(), 0u);
        for (std::int64_t ow = ow0; ow < ow1; ++ow) {
          std::uint32_t* target = sums + (ow - ow0) * channels;
          for (std::int64_t w = ww.start[ow]; w < ww.end[ow]; ++w) {
            const std::uint16_t* column = columns + (w - first_column) * channels;
            for (std::int64_t c = 0; c < channels; ++c) target[c] += column[c];
          }
        }
      }
      if (rows != counted_rows) {
        counted_rows = rows;
        for (std::int64_t ow = ow0; ow < ow1; ++ow) {
          const auto count = static_cast<std::uint32_t>(rows * (ww.end[ow] - ww.start[ow]));
          std::fill(s.counts.begin() + (ow - ow0) * channels, s.counts.begin() + (ow - ow0 + 1) * channels, count);
        }
      }
      if (dense_out) {
        kernels.area_finish(sums, s.counts.data(), out, out_row);
        continue;
      }
      kernels.area_finish(sums, s.counts.data(), s.row.data(), out_row);
      for (std::int64_t ow = 0; ow < ow1 - ow0; ++ow)
        for (std::int64_t c = 0; c < channels; ++c) {
          out[ow * dst.stride[2] + c * dst.stride[3]] = s.row[static_cast<std::size_t>(ow * channels + c)];
        }
    }
}

}  // namespace resample::detail
