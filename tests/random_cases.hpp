// SPDX-License-Identifier: MIT
// How many cases the randomized tests draw. All of them by default; RESAMPLE_TEST_SCALE, a
// fraction in (0, 1], asks for fewer: CI's sanitizer build, whose instrumented code runs many
// times slower, checks a quarter of them for memory and undefined-behaviour errors, while its
// Release build runs every case. The cases drawn are the first ones of the full run.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace test_support {

inline double random_case_scale() {
  static const double scale = [] {
    const char* text = std::getenv("RESAMPLE_TEST_SCALE");
    if (text == nullptr) return 1.0;
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    return end != text && value > 0.0 && value <= 1.0 ? value : 1.0;
  }();
  return scale;
}

/// `full` scaled by RESAMPLE_TEST_SCALE, at least 1.
inline int random_case_count(int full) {
  return std::max(1, static_cast<int>(std::lround(full * random_case_scale())));
}

}  // namespace test_support
