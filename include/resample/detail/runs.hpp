// SPDX-License-Identifier: MIT
// Weighted sums of whole runs of values: out[x] = in_0[x]*w_0 + in_1[x]*w_1 + ... evaluated
// left to right in T, for x along a run. Every pass that resamples an axis other than the
// innermost one reduces to this, with the run along the contiguous axis. Each out[x] sees
// exactly the scalar sequence acc = in_0*w_0; acc += in_j*w_j, so the results are those of the
// per-element formula whatever the vector width.
#pragma once

#include <algorithm>
#include <cstdint>

#include "config.hpp"
#include "kernels.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// out[x*out_stride] = sum_j base[index[j]*step + x*in_stride] * weight[j], j in [0, count).
/// Unit strides go to the vectorised loop of the selected instruction set.
template <class T>
void weighted_run(const kernel_set<T>& kernels, T* out, std::int64_t out_stride, const T* base, std::int64_t step,
                  const std::int64_t* index, const T* weight, int count, std::int64_t length, std::int64_t in_stride) {
  if (out_stride == 1 && in_stride == 1) {
    kernels.weighted_run(out, base, step, index, weight, count, length);
    return;
  }
  for (std::int64_t x = 0; x < length; ++x) {
    T acc = base[index[0] * step + x * in_stride] * weight[0];
    for (int j = 1; j < count; ++j) acc += base[index[j] * step + x * in_stride] * weight[j];
    out[x * out_stride] = acc;
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
