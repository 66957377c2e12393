// SPDX-License-Identifier: MIT
// Separable resampling of one plane: a 1-D pass along W, then H, then D, each output computed
// as acc = x[i0]*w0; acc += x[i1]*w1; ... in T. That is the order and precision of ATen's
// generic upsample kernel (whose recursion combines the innermost axis first) and of its
// antialias kernel (W pass, then H pass through a T intermediate), so the passes reproduce
// both bit for bit, while reading each input row once per pass instead of once per output.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "axis_table.hpp"
#include "box.hpp"
#include "config.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// One pass along the innermost axis (W): every row of `src` to the same row of `dst`.
template <class T>
void resample_rows(const box<const T>& src, const box<T>& dst, const axis_table<T>& table) {
  const std::int64_t sw = src.stride[2];
  for (std::int64_t d = 0; d < src.extent[0]; ++d) {
    for (std::int64_t h = 0; h < src.extent[1]; ++h) {
      const T* row = &src.at(d, h, 0);
      T* out = &dst.at(d, h, 0);
      for (std::int64_t o = 0; o < table.out; ++o) {
        const std::int64_t* index = table.indices(o);
        const T* weight = table.weights(o);
        T acc = row[index[0] * sw] * weight[0];
        for (int j = 1; j < table.count[o]; ++j) acc += row[index[j] * sw] * weight[j];
        out[o * dst.stride[2]] = acc;
      }
    }
  }
}

/// One pass along an outer axis (0 = D or 1 = H): whole lines of the inner axes are combined
/// with one weight each, which keeps the innermost loop contiguous and vectorisable.
template <class T>
void resample_lines(const box<const T>& src, const box<T>& dst, const axis_table<T>& table, int axis) {
  // The axis being resampled, the other outer axis, and W (always innermost).
  const int other = axis == 0 ? 1 : 0;
  const std::int64_t width = src.extent[2];
  const std::int64_t sw = src.stride[2];
  const std::int64_t dw = dst.stride[2];
  for (std::int64_t p = 0; p < src.extent[other]; ++p) {
    for (std::int64_t o = 0; o < table.out; ++o) {
      const std::int64_t* index = table.indices(o);
      const T* weight = table.weights(o);
      std::array<std::int64_t, 3> at{0, 0, 0};
      at[other] = p;
      at[axis] = o;
      T* out = &dst.at(at[0], at[1], 0);
      at[axis] = index[0];
      const T* line = &src.at(at[0], at[1], 0);
      const T w0 = weight[0];
      if (sw == 1 && dw == 1) {
        for (std::int64_t x = 0; x < width; ++x) out[x] = line[x] * w0;
      } else {
        for (std::int64_t x = 0; x < width; ++x) out[x * dw] = line[x * sw] * w0;
      }
      for (int j = 1; j < table.count[o]; ++j) {
        at[axis] = index[j];
        line = &src.at(at[0], at[1], 0);
        const T wj = weight[j];
        if (sw == 1 && dw == 1) {
          for (std::int64_t x = 0; x < width; ++x) out[x] += line[x] * wj;
        } else {
          for (std::int64_t x = 0; x < width; ++x) out[x * dw] += line[x * sw] * wj;
        }
      }
    }
  }
}

/// Scratch space for the intermediates of one plane, reused across planes.
template <class T>
struct separable_scratch {
  std::vector<T> first;
  std::vector<T> second;
};

/// Resamples one plane. `tables` holds one table per spatial axis, outermost first, for the
/// last `tables.size()` axes of the box. Passes run W, H, D; the last one writes `dst`.
template <class T>
void resample_separable(const box<const T>& src, const box<T>& dst, const std::vector<axis_table<T>>& tables,
                        separable_scratch<T>& scratch) {
  const int spatial = static_cast<int>(tables.size());
  box<const T> current = src;
  std::array<std::int64_t, 3> extent = src.extent;
  for (int pass = 0; pass < spatial; ++pass) {
    const int axis = 2 - pass;                      // box axis: W, then H, then D
    const axis_table<T>& table = tables[spatial - 1 - pass];
    extent[axis] = table.out;
    box<T> target;
    if (pass == spatial - 1) {
      target = dst;
    } else {
      std::vector<T>& buffer = pass % 2 == 0 ? scratch.first : scratch.second;
      buffer.resize(static_cast<std::size_t>(extent[0] * extent[1] * extent[2]));
      target = contiguous_box(buffer.data(), extent);
    }
    if (axis == 2) {
      resample_rows(current, target, table);
    } else {
      resample_lines(current, target, table, axis);
    }
    current = box<const T>{target.data, target.extent, target.stride};
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
