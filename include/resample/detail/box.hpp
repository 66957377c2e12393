// SPDX-License-Identifier: MIT
// box: the unit every kernel works on, a 4-axis block (D, H, W, K) of one tensor. For planar
// layouts (NCHW and friends) a box is one (n, c) plane and K has extent 1; when channels are
// contiguous (channels-last) a box is one image n with the channels as K, so every pass can
// run over contiguous channel vectors. Lower ranks have D = H = 1.
#pragma once

#include <array>
#include <cstdint>

#include "../view.hpp"

namespace resample::detail {

template <class T>
struct box {
  T* data = nullptr;
  std::array<std::int64_t, 4> extent{1, 1, 1, 1};  ///< D, H, W, K
  std::array<std::int64_t, 4> stride{0, 0, 0, 0};  ///< in elements

  T* at(std::int64_t d, std::int64_t h, std::int64_t w) const {
    return data + d * stride[0] + h * stride[1] + w * stride[2];
  }
  /// True when W and K together form one contiguous run (K innermost, dense).
  bool dense_rows() const { return stride[3] == 1 && stride[2] == extent[3]; }
};

/// Fills D, H, W of `b` from the spatial axes of `view`.
template <class T, class U>
void set_spatial(box<T>& b, const tensor_view<U>& view) {
  const int spatial = view.rank() - 2;
  for (int a = 0; a < spatial; ++a) {
    b.extent[3 - spatial + a] = view.extent(2 + a);
    b.stride[3 - spatial + a] = view.stride(2 + a);
  }
}

/// The (n, c) plane of `view`, with K of extent 1.
template <class T>
box<T> plane_of(const tensor_view<T>& view, std::int64_t n, std::int64_t c) {
  box<T> b;
  b.data = view.data_handle() + n * view.stride(0) + c * view.stride(1);
  b.stride[3] = 1;
  set_spatial(b, view);
  return b;
}

/// Image n of `view`, with the channels as K.
template <class T>
box<T> image_of(const tensor_view<T>& view, std::int64_t n) {
  box<T> b;
  b.data = view.data_handle() + n * view.stride(0);
  b.extent[3] = view.extent(1);
  b.stride[3] = view.stride(1);
  set_spatial(b, view);
  return b;
}

/// Channels [first, first + count) of image n of a 3-D (N, C, W) view, as the rows (H) of a
/// box: a 1-D resampling then treats many rows at once.
template <class T>
box<T> channel_rows_of(const tensor_view<T>& view, std::int64_t n, std::int64_t first, std::int64_t count) {
  box<T> b;
  b.data = view.data_handle() + n * view.stride(0) + first * view.stride(1);
  b.extent = {1, count, view.extent(2), 1};
  b.stride = {0, view.stride(1), view.stride(2), 1};
  return b;
}

/// A dense box (K innermost) of the given extents over `data`.
template <class T>
box<T> contiguous_box(T* data, std::array<std::int64_t, 4> extent) {
  box<T> b;
  b.data = data;
  b.extent = extent;
  b.stride = {extent[1] * extent[2] * extent[3], extent[2] * extent[3], extent[3], 1};
  return b;
}

}  // namespace resample::detail
