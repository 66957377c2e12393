// SPDX-License-Identifier: MIT
// Weighted sums of whole runs of values: out[x] = in_0[x]*w_0 + in_1[x]*w_1 + ... evaluated
// left to right in T, for x along a run. Every pass that resamples an axis other than the
// innermost one reduces to this, with the run along the contiguous axis, so these loops are
// where vectorisation happens. Each out[x] sees exactly the scalar sequence
// acc = in_0*w_0; acc += in_j*w_j, so the results are those of the per-element formula.
#pragma once

#include <algorithm>
#include <cstdint>

#include "config.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// out[x*out_stride] = sum_j base[index[j]*step + x*in_stride] * weight[j], j in [0, count).
template <class T>
void weighted_run(T* out, std::int64_t out_stride, const T* base, std::int64_t step, const std::int64_t* index,
                  const T* weight, int count, std::int64_t length, std::int64_t in_stride) {
  if (out_stride != 1 || in_stride != 1) {
    for (std::int64_t x = 0; x < length; ++x) {
      T acc = base[index[0] * step + x * in_stride] * weight[0];
      for (int j = 1; j < count; ++j) acc += base[index[j] * step + x * in_stride] * weight[j];
      out[x * out_stride] = acc;
    }
    return;
  }
  const T* l0 = base + index[0] * step;
  const T w0 = weight[0];
  if (count == 1) {
    for (std::int64_t x = 0; x < length; ++x) out[x] = l0[x] * w0;
    return;
  }
  const T* l1 = base + index[1] * step;
  const T w1 = weight[1];
  if (count == 2) {
    for (std::int64_t x = 0; x < length; ++x) out[x] = l0[x] * w0 + l1[x] * w1;
    return;
  }
  if (count == 4) {
    const T* l2 = base + index[2] * step;
    const T* l3 = base + index[3] * step;
    const T w2 = weight[2], w3 = weight[3];
    for (std::int64_t x = 0; x < length; ++x) out[x] = ((l0[x] * w0 + l1[x] * w1) + l2[x] * w2) + l3[x] * w3;
    return;
  }
  // Any other tap count: accumulate a register-sized block over all taps before storing.
  constexpr std::int64_t block = 32;
  for (std::int64_t x0 = 0; x0 < length; x0 += block) {
    const std::int64_t n = std::min(block, length - x0);
    T acc[block];
    for (std::int64_t k = 0; k < n; ++k) acc[k] = l0[x0 + k] * w0;
    for (int j = 1; j < count; ++j) {
      const T* lj = base + index[j] * step + x0;
      const T wj = weight[j];
      for (std::int64_t k = 0; k < n; ++k) acc[k] += lj[k] * wj;
    }
    for (std::int64_t k = 0; k < n; ++k) out[x0 + k] = acc[k];
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
