// SPDX-License-Identifier: MIT
// pyr_down, pyr_up, Gaussian and Laplacian pyramids against OpenCV's cv::pyrDown, cv::pyrUp and
// cv::buildPyramid, called here on the same data. One-channel planes are OpenCV's bits; OpenCV's
// interleaved 3-channel loops group their vector lanes differently, so those agree within 1e-6.
#include <catch2/catch.hpp>
#include <opencv2/imgproc.hpp>

#include "cv_helpers.hpp"

namespace opencv_pyramid_tests {

namespace {

using cvtest::dims;
using cvtest::index_t;

const std::vector<std::pair<int, int>> sizes = {{1, 1},   {1, 2},   {2, 1},    {2, 2},   {3, 3},   {4, 7},
                                                {5, 5},   {9, 12},  {16, 16},  {17, 33}, {31, 8},  {64, 64},
                                                {101, 203}, {255, 257}, {480, 640}};

}  // namespace

TEMPLATE_TEST_CASE("pyr_down and pyr_up give cv::pyrDown's and cv::pyrUp's bits on one-channel planes",
                   "[opencv][pyramid]", float, double) {
  for (const auto& [h, w] : sizes) {
    INFO(h << " x " << w);
    const cv::Mat src = cvtest::random_mat<TestType>(h, w, 1, static_cast<std::uint32_t>(h * 1000 + w));
    const resample::tensor<TestType> in = cvtest::from_mat<TestType>(src);
    cv::Mat down, up;
    cv::pyrDown(src, down);
    cv::pyrUp(src, up);
    CHECK(cvtest::compare<TestType>(down, resample::pyr_down(in.view()).view()).differing == 0);
    CHECK(cvtest::compare<TestType>(up, resample::pyr_up(in.view()).view()).differing == 0);
    // Explicit sizes OpenCV accepts.
    for (const cv::Size size : {cv::Size(2 * w + 1, 2 * h + 1), cv::Size(2 * w - 1, 2 * h), cv::Size(2 * w, 2 * h - 1)}) {
      if (w == 1 && size.width == 3) continue;  // OpenCV leaves that column uninitialised
      cv::Mat expected;
      cv::pyrUp(src, expected, size);
      resample::tensor<TestType> out({1, 1, size.height, size.width});
      resample::pyr_up<TestType>(in.view(), out.view());
      CHECK(cvtest::compare<TestType>(expected, out.view()).differing == 0);
    }
    if (h >= 3 && w >= 3) {
      const cv::Size size(w / 2, h / 2 + (h % 2 == 0 ? 1 : 0));
      cv::Mat expected;
      cv::pyrDown(src, expected, size);
      resample::tensor<TestType> out({1, 1, size.height, size.width});
      resample::pyr_down<TestType>(in.view(), out.view());
      CHECK(cvtest::compare<TestType>(expected, out.view()).differing == 0);
    }
  }
}

TEST_CASE("three-channel images agree with OpenCV's interleaved pyrDown / pyrUp within 1e-6", "[opencv][pyramid]") {
  for (const auto& [h, w] : sizes) {
    INFO(h << " x " << w);
    const cv::Mat src = cvtest::random_mat<float>(h, w, 3, static_cast<std::uint32_t>(h + w));
    const resample::tensor<float> in = cvtest::from_mat<float>(src);
    cv::Mat down, up;
    cv::pyrDown(src, down);
    cv::pyrUp(src, up);
    CHECK(cvtest::compare<float>(down, resample::pyr_down(in.view()).view()).max_relative <= 1e-6);
    CHECK(cvtest::compare<float>(up, resample::pyr_up(in.view()).view()).max_relative <= 1e-6);
  }
}

TEMPLATE_TEST_CASE("Gaussian and Laplacian pyramids and collapse equal OpenCV's construction", "[opencv][pyramid]",
                   float, double) {
  for (const auto& [h, w] : std::vector<std::pair<int, int>>{{64, 64}, {101, 203}, {255, 257}, {480, 640}}) {
    INFO(h << " x " << w);
    const cv::Mat src = cvtest::random_mat<TestType>(h, w, 1, static_cast<std::uint32_t>(h * 7 + w));
    const resample::tensor<TestType> in = cvtest::from_mat<TestType>(src);
    const int levels = resample::max_pyramid_levels(h, w);
    std::vector<cv::Mat> gauss;
    cv::buildPyramid(src, gauss, levels - 1);
    resample::pyramid_options popts;
    popts.levels = levels;
    const resample::pyramid<TestType> g = resample::gaussian_pyramid(in.view(), popts);
    const resample::pyramid<TestType> lap = resample::laplacian_pyramid(in.view(), popts);
    std::vector<cv::Mat> laplacian(gauss.size());
    for (int l = 0; l < levels; ++l) {
      CHECK(cvtest::compare<TestType>(gauss[l], g.level(l)).differing == 0);
      if (l + 1 < levels) {
        cv::Mat up;
        cv::pyrUp(gauss[l + 1], up, gauss[l].size());
        laplacian[l] = gauss[l] - up;
      } else {
        laplacian[l] = gauss[l].clone();
      }
      CHECK(cvtest::compare<TestType>(laplacian[l], lap.level(l)).differing == 0);
    }
    cv::Mat sum = laplacian.back().clone();
    for (int l = levels - 1; l > 0; --l) {
      cv::Mat up;
      cv::pyrUp(sum, up, laplacian[l - 1].size());
      sum = laplacian[l - 1] + up;
    }
    CHECK(cvtest::compare<TestType>(sum, resample::collapse(lap).view()).differing == 0);
  }
}

#if defined(RESAMPLE_HAVE_STB)
TEST_CASE("real photographs: pyramids match OpenCV and collapse gives the photograph back", "[opencv][pyramid]") {
  for (const char* name : {"focus_left.png", "exposure_mid.png", "exposure_bright.png"}) {
    INFO(name);
    const cv::Mat photo = cvtest::read_photo(name);
    REQUIRE_FALSE(photo.empty());
    const resample::tensor<float> in = cvtest::unit_float(photo);
    // Every plane is OpenCV's one-channel pyramid, bit for bit.
    std::vector<cv::Mat> planes;
    cv::Mat as_float;
    photo.convertTo(as_float, CV_32F, 1.0f / 255.0f);
    cv::split(as_float, planes);
    const resample::pyramid<float> g = resample::gaussian_pyramid(in.view());
    for (int c = 0; c < 3; ++c) {
      std::vector<cv::Mat> gauss;
      cv::buildPyramid(planes[static_cast<std::size_t>(c)], gauss, g.levels() - 1);
      for (int l = 0; l < g.levels(); ++l) {
        const resample::tensor_view<const float> level = g.level(l);
        const resample::tensor_view<const float> plane(level.data_handle() + c * level.stride(1),
                                                       {1, 1, level.extent(2), level.extent(3)},
                                                       {0, 0, level.stride(2), level.stride(3)});
        CHECK(cvtest::compare<float>(gauss[static_cast<std::size_t>(l)], plane).differing == 0);
      }
    }
    // Round trip for every level count.
    for (int levels = 1; levels <= resample::max_pyramid_levels(photo.rows, photo.cols); ++levels) {
      resample::pyramid_options popts;
      popts.levels = levels;
      const resample::tensor<float> back = resample::collapse(resample::laplacian_pyramid(in.view(), popts));
      double worst = 0;
      for (std::size_t i = 0; i < back.size(); ++i) worst = std::max(worst, double(std::abs(back.values()[i] - in.values()[i])));
      CHECK(worst <= 2e-6);
    }
  }
}
#endif

TEST_CASE("uint8 pyr_down, pyr_up and Gaussian pyramids give OpenCV's fixed-point bits", "[opencv][pyramid]") {
  for (const auto& [h, w] : sizes) {
    INFO(h << " x " << w);
    cv::Mat src(h, w, CV_8U);
    cv::randu(src, 0, 256);
    const resample::tensor_view<const std::uint8_t> in(src.data, {1, 1, h, w}, {0, 0, static_cast<index_t>(src.step), 1});
    cv::Mat down, up;
    cv::pyrDown(src, down);
    cv::pyrUp(src, up);
    CHECK(cvtest::compare<std::uint8_t>(down, resample::pyr_down(in).view()).differing == 0);
    CHECK(cvtest::compare<std::uint8_t>(up, resample::pyr_up(in).view()).differing == 0);
    const resample::pyramid<std::uint8_t> g = resample::gaussian_pyramid(in);
    std::vector<cv::Mat> gauss;
    cv::buildPyramid(src, gauss, g.levels() - 1);
    for (int l = 0; l < g.levels(); ++l) {
      CHECK(cvtest::compare<std::uint8_t>(gauss[static_cast<std::size_t>(l)], g.level(l)).differing == 0);
    }
  }
}

TEST_CASE("uint8 Laplacian pyramids are OpenCV's construction on the image converted to float",
          "[opencv][pyramid][uint8]") {
  for (const auto& [h, w] : std::vector<std::pair<int, int>>{{64, 64}, {101, 203}, {255, 257}}) {
    INFO(h << " x " << w);
    cv::Mat src(h, w, CV_8U);
    cv::randu(src, 0, 256);
    const resample::tensor_view<const std::uint8_t> in(src.data, {1, 1, h, w},
                                                       {0, 0, static_cast<index_t>(src.step), 1});
    const resample::pyramid<float> lap = resample::laplacian_pyramid(in);
    cv::Mat wide;
    src.convertTo(wide, CV_32F);
    std::vector<cv::Mat> gauss;
    cv::buildPyramid(wide, gauss, lap.levels() - 1);
    for (int l = 0; l < lap.levels(); ++l) {
      cv::Mat level = gauss[static_cast<std::size_t>(l)].clone();
      if (l + 1 < lap.levels()) {
        cv::Mat up;
        cv::pyrUp(gauss[static_cast<std::size_t>(l + 1)], up, level.size());
        level -= up;
      }
      CHECK(cvtest::compare<float>(level, lap.level(l)).differing == 0);
    }
    std::vector<std::uint8_t> expected(src.data, src.data + h * w);
    CHECK(resample::collapse<std::uint8_t>(lap).values() == expected);
  }
}

}  // namespace opencv_pyramid_tests
