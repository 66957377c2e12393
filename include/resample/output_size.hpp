// SPDX-License-Identifier: MIT
// output_shape(): the shape F.interpolate returns, with PyTorch's validation.
#pragma once

#include "detail/geometry.hpp"

namespace resample {

/// The output shape (N, C, spatial...) that `F.interpolate(input, ...)` returns for an input of
/// `input_shape`. Throws `resample::error` for everything PyTorch rejects, plus output extents
/// of 0, empty inputs and element counts that overflow.
inline dims output_shape(const dims& input_shape, const options& opts) {
  return detail::resolve_geometry(input_shape, opts).output_shape;
}

}  // namespace resample
