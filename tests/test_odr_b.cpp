// SPDX-License-Identifier: MIT
// One-definition-rule check, second translation unit (see test_odr_a.cpp).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <resample/eigen.hpp>
#include <resample/resample.hpp>

namespace odr_check {

// Defined in test_odr_a.cpp.
std::vector<float> resize_in_a(const std::vector<float>& values, const resample::dims& shape,
                               const std::string& mode_name);
resample::dims shape_in_a(const resample::dims& shape, const std::string& mode_name);

}  // namespace odr_check

TEST_CASE("ODR translation units a and b agree", "[odr]") {
  const resample::dims shape{1, 2, 3, 4};
  std::vector<float> values(24);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 7) * 0.5f;

  for (const std::string mode_name : {"nearest", "nearest-exact", "bilinear", "bicubic", "area"}) {
    CAPTURE(mode_name);
    resample::options opts;
    opts.mode = resample::parse_mode(mode_name);
    opts.scale_factor = {2.0};
    if (resample::takes_align_corners(opts.mode)) opts.align_corners = false;
    Eigen::TensorMap<const Eigen::Tensor<float, 4, Eigen::RowMajor>> input(values.data(), 1, 2, 3, 4);
    const Eigen::Tensor<float, 4, Eigen::RowMajor> here = resample::interpolate(input, opts);
    const std::vector<float> there = odr_check::resize_in_a(values, shape, mode_name);
    REQUIRE(static_cast<std::size_t>(here.size()) == there.size());
    for (std::size_t i = 0; i < there.size(); ++i) CHECK(here.data()[i] == there[i]);

    opts.scale_factor.clear();
    opts.size = {3};
    CHECK(resample::output_shape(shape, opts) == odr_check::shape_in_a(shape, mode_name));
  }
}

TEST_CASE("ODR translation unit b uses every public header", "[odr]") {
  std::vector<std::uint8_t> bytes{1, 2, 3, 4, 5, 6};
  const auto view = resample::channels_last_view(bytes.data(), {1, 2, 3});
  CHECK(view.strides() == resample::dims{6, 1, 2});
  resample::options opts;
  opts.mode = resample::mode::nearest;
  opts.size = {6};
  const resample::tensor<std::uint8_t> out = resample::interpolate(resample::tensor_view<const std::uint8_t>(view), opts);
  CHECK(out.extents() == resample::dims{1, 2, 6});
  CHECK(out.values() == std::vector<std::uint8_t>{1, 1, 3, 3, 5, 5, 2, 2, 4, 4, 6, 6});
  CHECK_THROWS_AS(resample::tensor_view<float>(nullptr, {1, 2}), resample::error);
}
