// SPDX-License-Identifier: MIT
// nearest and nearest-exact: every output copies one input element; only the indices
// (axis_table.hpp) differ between the modes. No arithmetic touches the values.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "box.hpp"
#include "permuted_taps.hpp"

namespace resample::detail {

/// A W pass that copies whole blocks of a planar row by lane permutations (from the kernel set
/// of float or double), with the table it runs on.
template <class T>
struct permuted_gather {
  void (*copy)(const T*, T*, const permuted_taps<T>&, std::int64_t, std::int64_t) = nullptr;
  const permuted_taps<T>* table = nullptr;
};

/// `indices[a]` maps output to input positions along box axis a (D, H, W). Only outputs whose
/// index along box axis `outer` lies in `outer_range` are written. Packed channels (K) are
/// copied as whole vectors.
template <class T>
void gather_box(const box<const T>& src, const box<T>& dst, const std::array<std::vector<std::int64_t>, 3>& indices,
                int outer, std::array<std::int64_t, 2> outer_range, const permuted_gather<T>& permuted = {}) {
  std::array<std::array<std::int64_t, 2>, 3> range{{{0, dst.extent[0]}, {0, dst.extent[1]}, {0, dst.extent[2]}}};
  range[outer] = outer_range;
  const std::vector<std::int64_t>& iw = indices[2];
  const std::int64_t sw = src.stride[2], dw = dst.stride[2];
  const std::int64_t channels = src.extent[3];
  const bool packed_copy = src.stride[3] == 1 && dst.stride[3] == 1;
  // Output rows whose W and K form one contiguous run can be copied whole.
  const bool dense_out = (channels == 1 && dw == 1) || dst.dense_rows();
  const std::int64_t w_begin = range[2][0], w_end = range[2][1];
  const T* previous_source = nullptr;
  T* previous_out = nullptr;
  for (std::int64_t d = range[0][0]; d < range[0][1]; ++d) {
    for (std::int64_t h = range[1][0]; h < range[1][1]; ++h) {
      const T* row = src.at(indices[0][d], indices[1][h], 0);
      T* out = dst.at(d, h, 0);
      if (row == previous_source && dense_out) {
        // Upscaling repeats source rows: copy the output row just made.
        std::memcpy(out + w_begin * dw, previous_out + w_begin * dw,
                    static_cast<std::size_t>((w_end - w_begin) * channels) * sizeof(T));
        continue;
      }
      previous_source = row;
      previous_out = out;
      if (channels == 1 && sw == 1 && dw == 1) {
        // Whole blocks of the range by permutations, the outputs around them one by one.
        constexpr std::int64_t lanes = permuted_taps<T>::lanes;
        const std::int64_t first_block = (w_begin + lanes - 1) / lanes;
        const std::int64_t end_block = permuted.copy ? std::min(w_end / lanes, permuted.table->blocks) : 0;
        std::int64_t w = w_begin;
        if (first_block < end_block) {
          for (; w < first_block * lanes; ++w) out[w] = row[iw[w]];
          permuted.copy(row, out, *permuted.table, first_block, end_block);
          w = end_block * lanes;
        }
        for (; w < w_end; ++w) out[w] = row[iw[w]];
      } else if (channels == 1) {
        for (std::int64_t w = w_begin; w < w_end; ++w) out[w * dw] = row[iw[w] * sw];
      } else if (packed_copy) {
        for (std::int64_t w = w_begin; w < w_end; ++w)
          std::memcpy(out + w * dw, row + iw[w] * sw, static_cast<std::size_t>(channels) * sizeof(T));
      } else {
        for (std::int64_t w = w_begin; w < w_end; ++w)
          for (std::int64_t k = 0; k < channels; ++k) out[w * dw + k * dst.stride[3]] = row[iw[w] * sw + k * src.stride[3]];
      }
    }
  }
}

}  // namespace resample::detail
