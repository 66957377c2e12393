// SPDX-License-Identifier: MIT
// box: one N, C plane of a view seen as a 3-D (D, H, W) block; lower ranks have D = H = 1.
// Every kernel works plane by plane on boxes, so ranks 3, 4 and 5 share one code path.
#pragma once

#include <array>
#include <cstdint>

#include "../view.hpp"

namespace resample::detail {

template <class T>
struct box {
  T* data = nullptr;
  std::array<std::int64_t, 3> extent{1, 1, 1};  ///< D, H, W
  std::array<std::int64_t, 3> stride{0, 0, 0};  ///< in elements

  T& at(std::int64_t d, std::int64_t h, std::int64_t w) const {
    return data[d * stride[0] + h * stride[1] + w * stride[2]];
  }
};

/// The (n, c) plane of `view` as a box.
template <class T>
box<T> plane_of(const tensor_view<T>& view, std::int64_t n, std::int64_t c) {
  box<T> b;
  b.data = view.data_handle() + n * view.stride(0) + c * view.stride(1);
  const int spatial = view.rank() - 2;
  for (int a = 0; a < spatial; ++a) {
    b.extent[3 - spatial + a] = view.extent(2 + a);
    b.stride[3 - spatial + a] = view.stride(2 + a);
  }
  return b;
}

/// A contiguous box of the given extents over `data`.
template <class T>
box<T> contiguous_box(T* data, std::array<std::int64_t, 3> extent) {
  box<T> b;
  b.data = data;
  b.extent = extent;
  b.stride = {extent[1] * extent[2], extent[2], 1};
  return b;
}

}  // namespace resample::detail
