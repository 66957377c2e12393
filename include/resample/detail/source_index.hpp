// SPDX-License-Identifier: MIT
// PyTorch's index helpers (aten/src/ATen/native/UpSample.h, 1.13), operation for operation:
// the precision each step is done in decides the last bit, so the casts below are the point.
#pragma once

#include <cstdint>

#include "config.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// compute_scales_value<T>: 1/scale (in double, rounded to T) when the user gave a scale,
/// else in/out divided in T.
template <class T>
T compute_scales_value(double scale, std::int64_t in, std::int64_t out) {
  return scale > 0.0 ? static_cast<T>(1.0 / scale) : static_cast<T>(in) / static_cast<T>(out);
}

/// area_pixel_compute_scale<T>: align_corners maps corner centres onto each other, ignoring
/// the user's scale; an output of 1 then samples pixel 0.
template <class T>
T area_pixel_compute_scale(std::int64_t in, std::int64_t out, bool align_corners, double scale) {
  if (align_corners) {
    return out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0);
  }
  return compute_scales_value<T>(scale, in, out);
}

/// area_pixel_compute_source_index<S>: the source coordinate of output index `i`, in S.
/// Linear modes clamp negative coordinates to 0; cubic keeps them.
template <class S>
S area_pixel_compute_source_index(S scale, std::int64_t i, bool align_corners, bool cubic) {
  if (align_corners) return scale * static_cast<S>(i);
  const S r = scale * (static_cast<S>(i) + static_cast<S>(0.5)) - static_cast<S>(0.5);
  return (!cubic && r < S(0)) ? S(0) : r;
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
