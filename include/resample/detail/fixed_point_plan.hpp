// SPDX-License-Identifier: MIT
// uint8 resampling for the modes that weigh several inputs (linear, bilinear, bicubic,
// trilinear, area): fixed-point weights and integer passes.
#pragma once

#include <cstdint>
#include <string>

#include "../error.hpp"
#include "../options.hpp"
#include "../parallel.hpp"
#include "../view.hpp"
#include "format.hpp"
#include "geometry.hpp"

namespace resample::detail {

/// The tables of a uint8 resampling of one geometry; `run` is const and thread-safe.
class fixed_point_plan {
 public:
  fixed_point_plan() = default;
  explicit fixed_point_plan(const geometry& g) {
    throw error(error_code::unsupported, "mode " + std::string(to_string(g.mode)) +
                                             " is not implemented for uint8 yet (input shape " +
                                             format_dims(g.input_shape) + ")");
  }
  void run(const tensor_view<const std::uint8_t>&, const tensor_view<std::uint8_t>&, const execution&) const {}
};

}  // namespace resample::detail
