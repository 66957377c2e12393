// SPDX-License-Identifier: MIT
// float16 and bfloat16 run on the float kernels: a chunk's input slices are widened into a
// dense float box, the float passes run on it, and the chunk's outputs are rounded back. The
// staging buffers are per chunk, so they stay in cache and the 16-bit tensors are read and
// written once.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../half.hpp"
#include "../tensor.hpp"
#include "../view.hpp"
#include "box.hpp"
#include "kernels.hpp"
#include "streaming_stores.hpp"

namespace resample::detail {

/// A box's (d, h) rows are single runs of W * K values when the box is dense along them.
template <class T>
bool rows_are_runs(const box<T>& b) {
  return b.dense_rows() || (b.extent[3] == 1 && b.stride[2] == 1);
}

/// The whole box is one run (rows that follow each other): converted in one call.
template <class T>
bool box_is_run(const box<T>& b) {
  const std::int64_t run = b.extent[2] * b.extent[3];
  return rows_are_runs(b) && (b.extent[1] == 1 || b.stride[1] == run) &&
         (b.extent[0] == 1 || b.stride[0] == b.extent[1] * run);
}

/// Copies `src` (any strides) into the dense float box `out` of the same extents.
template <class S>
void widen_box(const conversion_set& convert, const box<const S>& src, float* out) {
  constexpr bool is_float16 = half_format_of<S> == half_format::float16;
  const auto widen = is_float16 ? convert.widen_float16 : convert.widen_bfloat16;
  const std::int64_t run = src.extent[2] * src.extent[3];
  if (box_is_run(src)) {
    widen(reinterpret_cast<const std::uint16_t*>(src.data), out, src.extent[0] * src.extent[1] * run);
    return;
  }
  const bool runs = rows_are_runs(src);
  for (std::int64_t d = 0; d < src.extent[0]; ++d) {
    for (std::int64_t h = 0; h < src.extent[1]; ++h, out += run) {
      const S* row = src.at(d, h, 0);
      if (runs) {
        widen(reinterpret_cast<const std::uint16_t*>(row), out, run);
        continue;
      }
      for (std::int64_t w = 0; w < src.extent[2]; ++w) {
        for (std::int64_t k = 0; k < src.extent[3]; ++k) {
          std::uint16_t bits;
          std::memcpy(&bits, row + w * src.stride[2] + k * src.stride[3], sizeof bits);
          widen(&bits, out + w * src.extent[3] + k, 1);
        }
      }
    }
  }
}

/// Rounds the dense float box `in` into `dst` (any strides) of the same extents. With
/// `streamed_row`, rows of `dst` that are runs are rounded into it (in cache) and copied out with
/// streaming stores (execution::streaming_output_bytes); stream_fence must follow.
template <class S>
void narrow_box(const conversion_set& convert, const float* in, const box<S>& dst,
                std::vector<std::uint16_t>* streamed_row = nullptr) {
  constexpr bool is_float16 = half_format_of<S> == half_format::float16;
  const auto narrow = is_float16 ? convert.narrow_float16 : convert.narrow_bfloat16;
  const std::int64_t run = dst.extent[2] * dst.extent[3];
  if (box_is_run(dst) && !streamed_row) {
    narrow(in, reinterpret_cast<std::uint16_t*>(dst.data), dst.extent[0] * dst.extent[1] * run);
    return;
  }
  const bool runs = rows_are_runs(dst);
  if (runs && streamed_row) streamed_row->resize(static_cast<std::size_t>(run));
  for (std::int64_t d = 0; d < dst.extent[0]; ++d) {
    for (std::int64_t h = 0; h < dst.extent[1]; ++h, in += run) {
      S* row = dst.at(d, h, 0);
      if (runs && streamed_row) {
        narrow(in, streamed_row->data(), run);
        stream_copy(row, streamed_row->data(), static_cast<std::size_t>(run) * sizeof(S));
        continue;
      }
      if (runs) {
        narrow(in, reinterpret_cast<std::uint16_t*>(row), run);
        continue;
      }
      for (std::int64_t w = 0; w < dst.extent[2]; ++w) {
        for (std::int64_t k = 0; k < dst.extent[3]; ++k) {
          std::uint16_t bits;
          narrow(in + w * dst.extent[3] + k, &bits, 1);
          std::memcpy(static_cast<void*>(row + w * dst.stride[2] + k * dst.stride[3]), &bits, sizeof bits);
        }
      }
    }
  }
}

/// Slices [first, last] of box axis `axis` of `b`.
template <class T>
box<T> slab_of(const box<T>& b, int axis, std::int64_t first, std::int64_t last) {
  box<T> slab = b;
  slab.data = b.data + first * b.stride[axis];
  slab.extent[axis] = last - first + 1;
  return slab;
}

/// A dense float box with the extents of `like` except `count` slices along `axis`, addressed
/// so that slice `first` of the original box is its first slice: kernels index it as they
/// index the original. Only slices [first, first + count) may be touched.
template <class T>
box<float> shifted_dense_box(std::vector<float>& buffer, const box<T>& like, int axis, std::int64_t first,
                             std::int64_t count) {
  std::array<std::int64_t, 4> extent = like.extent;
  extent[axis] = count;
  buffer.resize(static_cast<std::size_t>(extent[0] * extent[1] * extent[2] * extent[3]));
  box<float> b = contiguous_box(buffer.data(), extent);
  b.extent[axis] = like.extent[axis];
  b.data -= first * b.stride[axis];
  return b;
}

/// Calls f(offset, i) for the i-th element of `view` in logical (C) order, offset in elements.
template <class T, class F>
void for_each_element(const tensor_view<T>& view, F&& f) {
  std::array<index_t, max_rank> at{};
  const int rank = view.rank();
  index_t count = 1;
  for (int r = 0; r < rank; ++r) count *= view.extent(r);
  for (index_t i = 0; i < count; ++i) {
    index_t offset = 0;
    for (int r = 0; r < rank; ++r) offset += at[static_cast<std::size_t>(r)] * view.stride(r);
    f(offset, i);
    for (int r = rank; r-- > 0;) {  // the next index, last axis fastest
      if (++at[static_cast<std::size_t>(r)] < view.extent(r)) break;
      at[static_cast<std::size_t>(r)] = 0;
    }
  }
}

/// A contiguous float copy of a 16-bit view (exact).
template <class S>
tensor<float> widened(const tensor_view<const S>& view) {
  tensor<float> wide(view.extents());
  for_each_element(view,
                   [&](index_t offset, index_t i) { wide.data()[i] = static_cast<float>(view.data_handle()[offset]); });
  return wide;
}

/// Rounds a contiguous float tensor into a 16-bit view of the same extents, to nearest even.
template <class S>
void narrow_into(const tensor<float>& values, const tensor_view<S>& view) {
  for_each_element(view, [&](index_t offset, index_t i) { view.data_handle()[offset] = S(values.data()[i]); });
}

/// The staging buffers of one thread.
struct half_scratch {
  std::vector<float> input;
  std::vector<float> output;
  std::vector<std::uint16_t> row;  ///< a rounded row on its way to a streamed output
};

}  // namespace resample::detail
