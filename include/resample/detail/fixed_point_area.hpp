// SPDX-License-Identifier: MIT
// uint8 area (adaptive average pooling): each output is the mean of its window (PyTorch's
// adaptive_avg_pool windows, area_table in axis_table.hpp), computed exactly from an integer
// sum and rounded half up: (2 * sum + count) / (2 * count). The float result is the same mean
// up to float rounding, so the two differ by at most 1 after rounding. Windows are summed
// directly: a downscale reads every input once, an upscale reads 1 or 2 inputs per axis.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "axis_table.hpp"
#include "box.hpp"

namespace resample::detail {

/// Outputs [begin, end) of box axis `outer` (the outermost resampled axis) of one box.
/// `windows` holds the D, H, W windows (an absent axis has the single window [0, 1)).
/// The sum is at most 255 * (window volume) <= 255 * input elements: far inside uint64.
inline void fixed_point_area_box(const box<const std::uint8_t>& src, const box<std::uint8_t>& dst,
                                 const std::array<area_windows, 3>& windows, int outer, std::int64_t begin,
                                 std::int64_t end, std::vector<std::uint64_t>& sums) {
  const std::int64_t channels = src.extent[3];
  sums.resize(static_cast<std::size_t>(channels));
  std::array<std::int64_t, 3> lo{0, 0, 0}, hi{dst.extent[0], dst.extent[1], dst.extent[2]};
  lo[outer] = begin;
  hi[outer] = end;
  for (std::int64_t od = lo[0]; od < hi[0]; ++od)
    for (std::int64_t oh = lo[1]; oh < hi[1]; ++oh)
      for (std::int64_t ow = lo[2]; ow < hi[2]; ++ow) {
        const std::int64_t d0 = windows[0].start[od], d1 = windows[0].end[od];
        const std::int64_t h0 = windows[1].start[oh], h1 = windows[1].end[oh];
        const std::int64_t w0 = windows[2].start[ow], w1 = windows[2].end[ow];
        std::fill(sums.begin(), sums.end(), 0);
        for (std::int64_t d = d0; d < d1; ++d)
          for (std::int64_t h = h0; h < h1; ++h)
            for (std::int64_t w = w0; w < w1; ++w) {
              const std::uint8_t* x = src.at(d, h, w);
              for (std::int64_t c = 0; c < channels; ++c) sums[static_cast<std::size_t>(c)] += x[c * src.stride[3]];
            }
        const std::uint64_t count = static_cast<std::uint64_t>((d1 - d0) * (h1 - h0) * (w1 - w0));
        std::uint8_t* out = dst.at(od, oh, ow);
        for (std::int64_t c = 0; c < channels; ++c) {
          out[c * dst.stride[3]] = static_cast<std::uint8_t>((2 * sums[static_cast<std::size_t>(c)] + count) / (2 * count));
        }
      }
}

}  // namespace resample::detail
