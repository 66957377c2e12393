// SPDX-License-Identifier: MIT
// Formatting of shapes and numbers for error messages.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace resample::detail {

/// "[2, 3, 64, 64]", PyTorch's way of printing sizes.
template <class Number>
std::string format_dims(const std::vector<Number>& values) {
  std::ostringstream out;
  out.precision(17);
  out << '[';
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  out << ']';
  return out.str();
}

}  // namespace resample::detail
