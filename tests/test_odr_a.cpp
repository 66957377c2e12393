// SPDX-License-Identifier: MIT
// One-definition-rule check, first translation unit. test_odr_b.cpp includes the same headers and
// both are linked into one executable: a non-inline function defined in a header would be
// defined twice and fail the link. The two files also compare results across the boundary.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <resample/eigen.hpp>
#include <resample/resample.hpp>

namespace odr_check {

// Called from test_odr_b.cpp, which computes the same thing with its own copy of the code.
std::vector<float> resize_in_a(const std::vector<float>& values, const resample::dims& shape,
                               const std::string& mode_name) {
  resample::options opts;
  opts.mode = resample::parse_mode(mode_name);
  opts.scale_factor = {2.0};
  if (resample::takes_align_corners(opts.mode)) opts.align_corners = false;
  const resample::tensor_view<const float> input(values.data(), shape);
  return resample::interpolate(input, opts).values();
}

resample::dims shape_in_a(const resample::dims& shape, const std::string& mode_name) {
  resample::options opts;
  opts.mode = resample::parse_mode(mode_name);
  opts.size = {3};
  return resample::output_shape(shape, opts);
}

}  // namespace odr_check

TEST_CASE("ODR translation unit a uses every public header", "[odr]") {
  CHECK(std::string(resample::version_string) == "0.1.0");
  CHECK(resample::to_string(resample::mode::nearest_exact) == "nearest-exact");
  CHECK(resample::contiguous_strides({2, 3, 4, 5}) == resample::dims{60, 20, 5, 1});
  CHECK(resample::channels_last_strides({2, 3, 4, 5}) == resample::dims{60, 1, 15, 3});

  resample::tensor<double> t(resample::dims{1, 1, 2, 2});
  auto map = resample::as_tensor_map<4>(t);
  map.setConstant(1.0);
  resample::options opts;
  opts.mode = resample::mode::bicubic;
  opts.size = {4, 4};
  const resample::plan<double> p(t.extents(), opts);
  resample::tensor<double> out(p.output_shape());
  p.execute(t.view(), out.view());
  for (double v : out.values()) CHECK(v == Approx(1.0));

  try {
    (void)resample::parse_mode("bogus");
    FAIL("expected resample::error");
  } catch (const resample::error& e) {
    CHECK(e.code() == resample::error_code::invalid_option);
  }
}
