// SPDX-License-Identifier: MIT
// merge_mertens against OpenCV's cv::createMergeMertens(...)->process on the same 8-bit stacks:
// random images (1 and 3 channels, odd sizes, several measure weights) and the committed exposure
// stack. OpenCV's exp and pow are its own approximations, so the results agree within 1e-4. The
// uint8 entry point reads OpenCV's interleaved bytes in place and matches its result times 255.
#include <catch2/catch.hpp>
#include <opencv2/photo.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "cv_helpers.hpp"

namespace opencv_fusion_tests {

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

namespace {

/// The bytes of an 8-bit matrix as a 1 x C x H x W channels-last view (no copy).
resample::tensor_view<const std::uint8_t> byte_view(const cv::Mat& m) {
  const auto c = static_cast<resample::index_t>(m.channels());
  return resample::tensor_view<const std::uint8_t>(m.data, {1, c, m.rows, m.cols},
                                                   {0, 1, static_cast<resample::index_t>(m.step), c});
}

/// uint8 merge_mertens against cv::saturate_cast<uchar>(255 * OpenCV's float result): the worst
/// difference and the fraction of values that differ (a float difference within 1e-5 moves a
/// rounding only next to a half).
std::pair<int, double> mertens_byte_difference(const std::vector<cv::Mat>& stack, const resample::mertens_options& mo) {
  cv::Mat expected, bytes;
  cv::createMergeMertens(static_cast<float>(mo.contrast_weight), static_cast<float>(mo.saturation_weight),
                         static_cast<float>(mo.exposure_weight))
      ->process(stack, expected);
  expected.convertTo(bytes, CV_8U, 255.0);
  std::vector<resample::tensor_view<const std::uint8_t>> views;
  for (const cv::Mat& m : stack) views.push_back(byte_view(m));
  const resample::tensor<std::uint8_t> got = resample::merge_mertens(views, mo);
  int worst = 0;
  std::size_t differing = 0;
  const int channels = bytes.channels();
  for (int y = 0; y < bytes.rows; ++y) {
    for (int x = 0; x < bytes.cols; ++x) {
      for (int c = 0; c < channels; ++c) {
        const int d = std::abs(int(bytes.ptr<std::uint8_t>(y)[x * channels + c]) - int(got.view()(0, c, y, x)));
        worst = std::max(worst, d);
        differing += d != 0;
      }
    }
  }
  return {worst, double(differing) / double(got.size())};
}

}  // namespace

TEST_CASE("uint8 merge_mertens is 255 times cv::MergeMertens's result, rounded", "[opencv][fusion][uint8]") {
  for (const auto& [h, w, channels, count] :
       std::vector<std::array<int, 4>>{{64, 64, 3, 3}, {257, 300, 3, 3}, {45, 61, 1, 2}, {33, 200, 1, 4}}) {
    std::vector<cv::Mat> stack;
    for (int i = 0; i < count; ++i) {
      stack.push_back(
          cvtest::random_u8(h, w, channels, static_cast<std::uint32_t>(i * 17 + w), 40 * i % 200, 55 + 40 * i % 200));
    }
    for (const auto& wt : std::vector<std::array<double, 3>>{{1, 1, 0}, {1, 1, 1}, {0.5, 1, 2}}) {
      resample::mertens_options mo;
      mo.contrast_weight = wt[0];
      mo.saturation_weight = wt[1];
      mo.exposure_weight = wt[2];
      INFO(h << " x " << w << " x " << channels << ", " << count << " images, weights " << wt[0] << " " << wt[1] << " "
             << wt[2]);
      const auto [worst, fraction] = mertens_byte_difference(stack, mo);
      CHECK(worst <= 1);
      CHECK(fraction <= 0.01);
    }
  }
#if defined(RESAMPLE_HAVE_STB)
  std::vector<cv::Mat> photos;
  for (const char* name : {"exposure_dark.png", "exposure_mid.png", "exposure_bright.png"}) {
    photos.push_back(cvtest::read_photo(name));
    REQUIRE_FALSE(photos.back().empty());
  }
  const auto [worst, fraction] = mertens_byte_difference(photos, {});
  CHECK(worst <= 1);
  CHECK(fraction <= 0.001);
#endif
}

}  // namespace opencv_fusion_tests
