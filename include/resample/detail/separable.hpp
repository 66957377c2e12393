// SPDX-License-Identifier: MIT
// Separable resampling of one plane: a 1-D pass along W, then H, then D, each output computed
// as acc = x[i0]*w0; acc += x[i1]*w1; ... in T. That is the order and precision of ATen's
// generic upsample kernel (whose recursion combines the innermost axis first) and of its
// antialias kernel (W pass, then H pass through a T intermediate), so the passes reproduce
// both bit for bit, while reading each input line once per pass instead of once per output.
//
// A plane is processed in chunks of the outermost output axis: a chunk runs the inner passes
// only over the input slices its outputs read, into a small scratch buffer, and the last pass
// writes the chunk. Chunks are independent, which is what threads split, and the arithmetic of
// every output is the same whatever the chunking.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "axis_table.hpp"
#include "box.hpp"
#include "config.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// A half-open range of output indices of one axis, and the shift applied to the table's
/// source indices (the first input slice the source box starts at).
struct output_range {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t source_shift = 0;
};

/// Pass along the innermost axis (W): outputs [range.begin, range.end) of every row.
template <class T>
void resample_rows(const box<const T>& src, const box<T>& dst, const axis_table<T>& table, output_range range) {
  const std::int64_t sw = src.stride[2];
  const std::int64_t dw = dst.stride[2];
  for (std::int64_t d = 0; d < src.extent[0]; ++d) {
    for (std::int64_t h = 0; h < src.extent[1]; ++h) {
      const T* row = &src.at(d, h, 0) - range.source_shift * sw;
      T* out = &dst.at(d, h, 0);
      for (std::int64_t o = range.begin; o < range.end; ++o) {
        const std::int64_t* index = table.indices(o);
        const T* weight = table.weights(o);
        T acc = row[index[0] * sw] * weight[0];
        for (int j = 1; j < table.count[o]; ++j) acc += row[index[j] * sw] * weight[j];
        out[(o - range.begin) * dw] = acc;
      }
    }
  }
}

/// Pass along an outer axis (0 = D or 1 = H): whole W lines are combined with one weight each,
/// which keeps the innermost loop contiguous and vectorisable.
template <class T>
void resample_lines(const box<const T>& src, const box<T>& dst, const axis_table<T>& table, int axis,
                    output_range range) {
  const int other = axis == 0 ? 1 : 0;
  const std::int64_t width = src.extent[2];
  const std::int64_t sw = src.stride[2];
  const std::int64_t dw = dst.stride[2];
  for (std::int64_t p = 0; p < src.extent[other]; ++p) {
    for (std::int64_t o = range.begin; o < range.end; ++o) {
      const std::int64_t* index = table.indices(o);
      const T* weight = table.weights(o);
      std::array<std::int64_t, 3> at{0, 0, 0};
      at[other] = p;
      at[axis] = o - range.begin;
      T* out = &dst.at(at[0], at[1], 0);
      for (int j = 0; j < table.count[o]; ++j) {
        at[axis] = index[j] - range.source_shift;
        const T* line = &src.at(at[0], at[1], 0);
        const T wj = weight[j];
        if (sw == 1 && dw == 1) {
          if (j == 0) {
            for (std::int64_t x = 0; x < width; ++x) out[x] = line[x] * wj;
          } else {
            for (std::int64_t x = 0; x < width; ++x) out[x] += line[x] * wj;
          }
        } else if (j == 0) {
          for (std::int64_t x = 0; x < width; ++x) out[x * dw] = line[x * sw] * wj;
        } else {
          for (std::int64_t x = 0; x < width; ++x) out[x * dw] += line[x * sw] * wj;
        }
      }
    }
  }
}

/// Scratch space for the intermediates of one chunk; reused from chunk to chunk.
template <class T>
struct separable_scratch {
  std::vector<T> first;
  std::vector<T> second;
};

/// The source slices [first, last] that outputs [begin, end) of `table` read.
template <class T>
std::array<std::int64_t, 2> source_span(const axis_table<T>& table, std::int64_t begin, std::int64_t end) {
  std::int64_t first = table.in, last = -1;
  for (std::int64_t o = begin; o < end; ++o) {
    const std::int64_t* index = table.indices(o);
    for (int j = 0; j < table.count[o]; ++j) {
      first = std::min(first, index[j]);
      last = std::max(last, index[j]);
    }
  }
  if (last < first) first = last = 0;  // no taps at all: nothing is read
  return {first, last};
}

/// Resamples outputs [begin, end) of the outermost resampled axis of one plane. `tables` holds
/// one table per spatial axis, outermost first, for the last tables.size() axes of the box;
/// `dst` is the whole output plane.
template <class T>
void resample_separable_chunk(const box<const T>& src, const box<T>& dst, const std::vector<axis_table<T>>& tables,
                              std::int64_t begin, std::int64_t end, separable_scratch<T>& scratch) {
  const int spatial = static_cast<int>(tables.size());
  const int outer = 3 - spatial;  // box axis of the outermost resampled axis
  const axis_table<T>& outer_table = tables[0];
  const auto span = source_span(outer_table, begin, end);

  // The input slices this chunk reads, as a box of their own.
  box<const T> current = src;
  current.data = src.data + span[0] * src.stride[outer];
  current.extent[outer] = span[1] - span[0] + 1;
  std::array<std::int64_t, 3> extent = current.extent;

  for (int pass = 0; pass < spatial; ++pass) {
    const int axis = 2 - pass;  // W, then H, then D
    const axis_table<T>& table = tables[spatial - 1 - pass];
    const bool last = pass == spatial - 1;
    output_range range{0, table.out, 0};
    box<T> target;
    if (last) {
      range = {begin, end, span[0]};
      target = dst;
      target.data = dst.data + begin * dst.stride[outer];
      target.extent[outer] = end - begin;
    } else {
      extent[axis] = table.out;
      std::vector<T>& buffer = pass % 2 == 0 ? scratch.first : scratch.second;
      buffer.resize(static_cast<std::size_t>(extent[0] * extent[1] * extent[2]));
      target = contiguous_box(buffer.data(), extent);
    }
    if (axis == 2) {
      resample_rows(current, target, table, range);
    } else {
      resample_lines(current, target, table, axis, range);
    }
    current = box<const T>{target.data, target.extent, target.stride};
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
