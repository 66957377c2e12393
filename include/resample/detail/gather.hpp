// SPDX-License-Identifier: MIT
// nearest and nearest-exact: every output copies one input element; only the indices
// (axis_table.hpp) differ between the modes. No arithmetic touches the values.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "box.hpp"

namespace resample::detail {

/// `indices[a]` maps output to input positions along box axis a (D, H, W). Only outputs whose
/// index along box axis `outer` lies in `outer_range` are written.
template <class T>
void gather_plane(const box<const T>& src, const box<T>& dst, const std::array<std::vector<std::int64_t>, 3>& indices,
                  int outer, std::array<std::int64_t, 2> outer_range) {
  const std::vector<std::int64_t>& id = indices[0];
  const std::vector<std::int64_t>& ih = indices[1];
  const std::vector<std::int64_t>& iw = indices[2];
  std::array<std::array<std::int64_t, 2>, 3> range{{{0, dst.extent[0]}, {0, dst.extent[1]}, {0, dst.extent[2]}}};
  range[outer] = outer_range;
  const std::int64_t w_begin = range[2][0], w_end = range[2][1];
  for (std::int64_t d = range[0][0]; d < range[0][1]; ++d) {
    for (std::int64_t h = range[1][0]; h < range[1][1]; ++h) {
      const T* row = &src.at(id[d], ih[h], 0);
      T* out = &dst.at(d, h, 0);
      const std::int64_t sw = src.stride[2];
      const std::int64_t dw = dst.stride[2];
      for (std::int64_t w = w_begin; w < w_end; ++w) out[w * dw] = row[iw[w] * sw];
    }
  }
}

}  // namespace resample::detail
