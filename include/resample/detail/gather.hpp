// SPDX-License-Identifier: MIT
// nearest and nearest-exact: every output copies one input element; only the indices
// (axis_table.hpp) differ between the modes. No arithmetic touches the values.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "box.hpp"

namespace resample::detail {

/// `indices[a]` maps output to input positions along box axis a (D, H, W).
template <class T>
void gather_plane(const box<const T>& src, const box<T>& dst,
                  const std::array<std::vector<std::int64_t>, 3>& indices) {
  const std::vector<std::int64_t>& id = indices[0];
  const std::vector<std::int64_t>& ih = indices[1];
  const std::vector<std::int64_t>& iw = indices[2];
  for (std::int64_t d = 0; d < dst.extent[0]; ++d) {
    for (std::int64_t h = 0; h < dst.extent[1]; ++h) {
      const T* row = &src.at(id[d], ih[h], 0);
      T* out = &dst.at(d, h, 0);
      const std::int64_t sw = src.stride[2];
      const std::int64_t dw = dst.stride[2];
      for (std::int64_t w = 0; w < dst.extent[2]; ++w) out[w * dw] = row[iw[w] * sw];
    }
  }
}

}  // namespace resample::detail
