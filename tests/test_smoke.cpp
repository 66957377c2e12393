// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

TEST_CASE("output_shape follows size and scale_factor", "[output_size]") {
  resample::options opts;
  opts.mode = resample::mode::bilinear;
  opts.scale_factor = {2.0};
  CHECK(resample::output_shape({1, 3, 5, 7}, opts) == resample::dims{1, 3, 10, 14});
}
