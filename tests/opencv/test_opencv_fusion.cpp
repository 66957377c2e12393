// SPDX-License-Identifier: MIT
// merge_mertens against OpenCV's cv::createMergeMertens(...)->process on the same 8-bit stacks:
// random images (1 and 3 channels, odd sizes, several measure weights) and the committed exposure
// stack. OpenCV's exp and pow are its own approximations, so the results agree within 1e-4.
#include <catch2/catch.hpp>
#include <opencv2/photo.hpp>

#include "cv_helpers.hpp"

namespace {

double mertens_difference(const std::vector<cv::Mat>& stack, const resample::mertens_options& mo) {
  cv::Mat expected;
  cv::createMergeMertens(static_cast<float>(mo.contrast_weight), static_cast<float>(mo.saturation_weight),
                         static_cast<float>(mo.exposure_weight))
      ->process(stack, expected);
  std::vector<resample::tensor<float>> images;
  for (const cv::Mat& m : stack) images.push_back(cvtest::unit_float(m));
  std::vector<resample::tensor_view<const float>> views;
  for (const auto& t : images) views.push_back(t.view());
  const resample::tensor<float> got = resample::merge_mertens(views, mo);
  return cvtest::compare<float>(expected, got.view()).max_absolute;
}

}  // namespace

TEST_CASE("merge_mertens is within 1e-4 of cv::MergeMertens on random stacks", "[opencv][fusion]") {
  const std::vector<std::array<double, 3>> weights = {{1, 1, 0}, {1, 1, 1}, {1, 0.5, 0}, {0.5, 1, 2}, {2, 0, 1}};
  for (const auto& [h, w, channels, count] : std::vector<std::array<int, 4>>{
           {64, 64, 3, 3}, {257, 300, 3, 3}, {45, 61, 1, 2}, {128, 96, 3, 5}, {33, 200, 1, 4}}) {
    std::vector<cv::Mat> stack;
    for (int i = 0; i < count; ++i) {
      // Each image a different exposure: its values in a different band.
      stack.push_back(cvtest::random_u8(h, w, channels, static_cast<std::uint32_t>(i * 31 + h), 40 * i % 200, 55 + 40 * i % 200));
    }
    for (const auto& wt : weights) {
      resample::mertens_options mo;
      mo.contrast_weight = wt[0];
      mo.saturation_weight = wt[1];
      mo.exposure_weight = wt[2];
      INFO(h << " x " << w << " x " << channels << ", " << count << " images, weights " << wt[0] << " " << wt[1] << " "
             << wt[2]);
      CHECK(mertens_difference(stack, mo) <= 1e-4);
    }
  }
}

#if defined(RESAMPLE_HAVE_STB)
TEST_CASE("merge_mertens is within 1e-4 of cv::MergeMertens on the committed exposure stack", "[opencv][fusion]") {
  std::vector<cv::Mat> stack;
  for (const char* name : {"exposure_dark.png", "exposure_mid.png", "exposure_bright.png"}) {
    stack.push_back(cvtest::read_photo(name));
    REQUIRE_FALSE(stack.back().empty());
  }
  CHECK(mertens_difference(stack, {}) <= 1e-4);
  resample::mertens_options all;
  all.exposure_weight = 1;
  CHECK(mertens_difference(stack, all) <= 1e-4);
}
#endif
