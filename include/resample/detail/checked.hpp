// SPDX-License-Identifier: MIT
// Overflow-checked integer arithmetic for extents, element counts and byte spans.
#pragma once

#include <cstdint>
#include <limits>

namespace resample::detail {

/// a * b for non-negative a, b; false when the product does not fit in int64.
inline bool checked_multiply(std::int64_t a, std::int64_t b, std::int64_t& result) {
  if (a != 0 && b > std::numeric_limits<std::int64_t>::max() / a) return false;
  result = a * b;
  return true;
}

/// a + b for non-negative a, b; false when the sum does not fit in int64.
inline bool checked_add(std::int64_t a, std::int64_t b, std::int64_t& result) {
  if (b > std::numeric_limits<std::int64_t>::max() - a) return false;
  result = a + b;
  return true;
}

}  // namespace resample::detail
