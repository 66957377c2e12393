// SPDX-License-Identifier: MIT
// resample::error: the one exception type for bad user input.
#pragma once

#include <stdexcept>
#include <string>

namespace resample {

/// What kind of mistake an `error` reports. Stable: new codes are only ever appended.
enum class error_code {
  invalid_rank,        ///< tensor rank not 3, 4 or 5, or not the rank the mode needs
  invalid_option,      ///< an option the mode does not take (align_corners, antialias), or an unknown name
  invalid_size,        ///< size missing, zero, negative, or the wrong count
  invalid_scale,       ///< scale_factor missing, zero, negative, NaN, infinite, or the wrong count
  empty_tensor,        ///< an input with a zero extent
  shape_mismatch,      ///< an output view whose shape is not the computed output shape
  overlapping_memory,  ///< an output that overlaps itself or the input
  overflow,            ///< an extent, element count or byte span that does not fit in 64 bits
  unsupported,         ///< a request the library does not implement (e.g. an element type)
  null_data,           ///< a non-empty view whose data pointer is null
};

/// Thrown for every invalid argument. The message names the problem and the shapes involved;
/// when it is thrown, nothing has been written to any output.
class error : public std::invalid_argument {
 public:
  error(error_code code, const std::string& message)
      : std::invalid_argument("resample: " + message), code_(code) {}

  error_code code() const noexcept { return code_; }

 private:
  error_code code_;
};

}  // namespace resample
