// SPDX-License-Identifier: MIT
// Conversions between resample's planar N = 1 tensors and OpenCV's interleaved matrices, random
// 8-bit images, and the committed photographs (read with stb_image when available).
#pragma once

#include <opencv2/core.hpp>
#include <resample/resample.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#if defined(RESAMPLE_HAVE_STB)
// Each test file gets its own static copy of the decoder.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#endif

namespace cvtest {

using resample::dims;
using resample::index_t;

/// A 1 x C x H x W view as an H x W matrix of C interleaved channels (a copy).
template <class T>
cv::Mat to_mat(resample::tensor_view<const T> v) {
  const int channels = static_cast<int>(v.extent(1));
  cv::Mat m(static_cast<int>(v.extent(2)), static_cast<int>(v.extent(3)), CV_MAKETYPE(cv::DataType<T>::depth, channels));
  for (int y = 0; y < m.rows; ++y) {
    T* row = m.ptr<T>(y);
    for (int x = 0; x < m.cols; ++x) {
      for (int c = 0; c < channels; ++c) row[x * channels + c] = v(0, c, y, x);
    }
  }
  return m;
}

/// An H x W matrix of C channels as a 1 x C x H x W tensor.
template <class T>
resample::tensor<T> from_mat(const cv::Mat& m) {
  const int channels = m.channels();
  resample::tensor<T> t({1, channels, m.rows, m.cols});
  const resample::tensor_view<T> v = t.view();
  for (int y = 0; y < m.rows; ++y) {
    const T* row = m.ptr<T>(y);
    for (int x = 0; x < m.cols; ++x) {
      for (int c = 0; c < channels; ++c) v(0, c, y, x) = row[x * channels + c];
    }
  }
  return t;
}

/// Number of elements that differ and the largest difference relative to max(1, |expected|).
struct comparison {
  std::size_t differing = 0;
  double max_relative = 0;
  double max_absolute = 0;
};

template <class T>
comparison compare(const cv::Mat& expected, resample::tensor_view<const T> got) {
  comparison r;
  const int channels = expected.channels();
  for (int y = 0; y < expected.rows; ++y) {
    const T* row = expected.ptr<T>(y);
    for (int x = 0; x < expected.cols; ++x) {
      for (int c = 0; c < channels; ++c) {
        const double e = row[x * channels + c], g = got(0, c, y, x);
        if (e != g) ++r.differing;
        const double d = std::abs(e - g);
        r.max_absolute = std::max(r.max_absolute, d);
        r.max_relative = std::max(r.max_relative, d / std::max(1.0, std::abs(e)));
      }
    }
  }
  return r;
}

inline cv::Mat random_u8(int rows, int cols, int channels, std::uint32_t seed, int low = 0, int high = 255) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(low, high);
  cv::Mat m(rows, cols, CV_8UC(channels));
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols * channels; ++x) m.ptr<std::uint8_t>(y)[x] = static_cast<std::uint8_t>(dist(rng));
  }
  return m;
}

/// 8-bit values v as v * (1/255) in float: the conversion cv::MergeMertens applies.
inline resample::tensor<float> unit_float(const cv::Mat& u8) {
  cv::Mat f;
  u8.convertTo(f, CV_32F, 1.0f / 255.0f);
  return from_mat<float>(f);
}

template <class T>
cv::Mat random_mat(int rows, int cols, int channels, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  cv::Mat m(rows, cols, CV_MAKETYPE(cv::DataType<T>::depth, channels));
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols * channels; ++x) m.ptr<T>(y)[x] = static_cast<T>(dist(rng));
  }
  return m;
}

#if defined(RESAMPLE_HAVE_STB)
/// A committed photograph as an 8-bit RGB matrix (channel 0 red); empty when unreadable.
inline cv::Mat read_photo(const std::string& name) {
  const std::string path = std::string(RESAMPLE_FUSION_DATA_DIR) + "/" + name;
  int w = 0, h = 0, n = 0;
  stbi_uc* p = stbi_load(path.c_str(), &w, &h, &n, 3);
  if (p == nullptr) return {};
  cv::Mat m(h, w, CV_8UC3, p);
  cv::Mat copy = m.clone();
  stbi_image_free(p);
  return copy;
}
#endif

}  // namespace cvtest
