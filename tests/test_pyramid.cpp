// SPDX-License-Identifier: MIT
// Pyramids: pyr_down / pyr_up against a direct 5x5 convolution in double, Laplacian round trips
// for every level count and odd sizes, interpolate-built pyramids, layouts, threads and
// instruction sets, and the errors. (The comparisons with OpenCV itself are in tests/opencv/.)
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace pyramid_tests {

namespace {

using resample::dims;
using resample::index_t;

template <class T>
std::vector<T> random_values(std::size_t count, std::uint32_t seed, double low = -1.0, double high = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(low, high);
  std::vector<T> v(count);
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

std::size_t count_of(const dims& shape) {
  std::size_t n = 1;
  for (index_t e : shape) n *= static_cast<std::size_t>(e);
  return n;
}

index_t reflect(index_t p, index_t n) {
  if (n == 1) return 0;
  while (p < 0 || p >= n) p = p < 0 ? -p : 2 * n - 2 - p;
  return p;
}

const double binomial[5] = {1, 4, 6, 4, 1};

/// pyr_down as the textbook 5x5 convolution (reflect-101) and decimation, in double.
template <class T>
std::vector<double> direct_down(const std::vector<T>& src, index_t h, index_t w, index_t dh, index_t dw) {
  std::vector<double> out(static_cast<std::size_t>(dh * dw));
  for (index_t y = 0; y < dh; ++y) {
    for (index_t x = 0; x < dw; ++x) {
      double sum = 0;
      for (int i = 0; i < 5; ++i) {
        for (int j = 0; j < 5; ++j) {
          sum += binomial[i] * binomial[j] *
                 static_cast<double>(src[static_cast<std::size_t>(reflect(2 * y + i - 2, h) * w + reflect(2 * x + j - 2, w))]);
        }
      }
      out[static_cast<std::size_t>(y * dw + x)] = sum / 256;
    }
  }
  return out;
}

/// pyr_up as zero insertion into 2h x 2w, the 5x5 convolution times 4 (reflect-101 in the
/// doubled grid), in double.
template <class T>
std::vector<double> direct_up(const std::vector<T>& src, index_t h, index_t w) {
  const index_t dh = 2 * h, dw = 2 * w;
  std::vector<double> out(static_cast<std::size_t>(dh * dw));
  for (index_t y = 0; y < dh; ++y) {
    for (index_t x = 0; x < dw; ++x) {
      double sum = 0;
      for (int i = 0; i < 5; ++i) {
        for (int j = 0; j < 5; ++j) {
          const index_t p = reflect(y + i - 2, dh), q = reflect(x + j - 2, dw);
          if (p % 2 == 0 && q % 2 == 0) {
            sum += binomial[i] * binomial[j] * static_cast<double>(src[static_cast<std::size_t>((p / 2) * w + q / 2)]);
          }
        }
      }
      out[static_cast<std::size_t>(y * dw + x)] = sum / 64;
    }
  }
  return out;
}

template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 1e-6 : 1e-14;
}

template <class T>
void check_close(const T* got, const std::vector<double>& expected, double relative) {
  double scale = 0;
  for (double e : expected) scale = std::max(scale, std::abs(e));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i);
    REQUIRE(std::abs(static_cast<double>(got[i]) - expected[i]) <= relative * std::max(1.0, scale));
  }
}

template <class T>
std::vector<T> to_vector(const resample::tensor<T>& t) {
  return t.values();
}

}  // namespace

TEMPLATE_TEST_CASE("pyr_down and pyr_up equal the direct 5x5 convolution", "[pyramid]", float, double) {
  const auto [h, w] = GENERATE(std::pair<index_t, index_t>{1, 1}, std::pair<index_t, index_t>{1, 7},
                               std::pair<index_t, index_t>{2, 2}, std::pair<index_t, index_t>{3, 5},
                               std::pair<index_t, index_t>{7, 4}, std::pair<index_t, index_t>{16, 16},
                               std::pair<index_t, index_t>{33, 19}, std::pair<index_t, index_t>{64, 97});
  const std::vector<TestType> src = random_values<TestType>(static_cast<std::size_t>(2 * 3 * h * w), 7);
  const resample::tensor_view<const TestType> in(src.data(), {2, 3, h, w});
  const resample::tensor<TestType> down = resample::pyr_down(in);
  const resample::tensor<TestType> up = resample::pyr_up(in);
  REQUIRE(down.extents() == dims{2, 3, (h + 1) / 2, (w + 1) / 2});
  REQUIRE(up.extents() == dims{2, 3, 2 * h, 2 * w});
  for (index_t p = 0; p < 6; ++p) {
    const std::vector<TestType> plane(src.begin() + p * h * w, src.begin() + (p + 1) * h * w);
    const index_t dh = (h + 1) / 2, dw = (w + 1) / 2;
    check_close(down.data() + p * dh * dw, direct_down(plane, h, w, dh, dw), tolerance<TestType>());
    check_close(up.data() + p * 4 * h * w, direct_up(plane, h, w), tolerance<TestType>());
  }
}

TEST_CASE("uint8 pyr_down and pyr_up round the integer convolution as OpenCV does", "[pyramid]") {
  const index_t h = 13, w = 18;
  std::mt19937 rng(21);
  std::vector<std::uint8_t> src(static_cast<std::size_t>(2 * h * w));
  for (std::uint8_t& v : src) v = static_cast<std::uint8_t>(rng() % 256);
  const resample::tensor_view<const std::uint8_t> in(src.data(), {1, 2, h, w});
  const resample::tensor<std::uint8_t> down = resample::pyr_down(in);
  const resample::tensor<std::uint8_t> up = resample::pyr_up(in);
  for (index_t p = 0; p < 2; ++p) {
    const std::vector<std::uint8_t> plane(src.begin() + p * h * w, src.begin() + (p + 1) * h * w);
    // The double convolutions are integers times 1/256 and 1/64: round half up.
    const std::vector<double> d = direct_down(plane, h, w, 7, 9);
    for (std::size_t i = 0; i < d.size(); ++i) {
      REQUIRE(down.data()[static_cast<std::size_t>(p) * d.size() + i] == static_cast<int>(std::floor(d[i] + 0.5)));
    }
    const std::vector<double> u = direct_up(plane, h, w);
    for (std::size_t i = 0; i < u.size(); ++i) {
      REQUIRE(up.data()[static_cast<std::size_t>(p) * u.size() + i] == static_cast<int>(std::floor(u[i] + 0.5)));
    }
  }
}

TEMPLATE_TEST_CASE("pyr_down accepts OpenCV's other output sizes; pyr_up 2n - 1 and 2n + 1", "[pyramid]", float, double) {
  const std::vector<TestType> src = random_values<TestType>(9 * 11, 3);
  const resample::tensor_view<const TestType> in(src.data(), {1, 1, 9, 11});
  for (index_t dh : {4, 5}) {
    for (index_t dw : {5, 6}) {
      resample::tensor<TestType> out({1, 1, dh, dw});
      resample::pyr_down<TestType>(in, out.view());
      check_close(out.data(), direct_down(src, 9, 11, dh, dw), tolerance<TestType>());
    }
  }
  // 2n - 1 drops the last row / column of 2n; 2n + 1 repeats the last column and row 2n - 2.
  const resample::tensor<TestType> full = resample::pyr_up(in);
  resample::tensor<TestType> shorter({1, 1, 17, 21});
  resample::pyr_up<TestType>(in, shorter.view());
  resample::tensor<TestType> longer({1, 1, 19, 23});
  resample::pyr_up<TestType>(in, longer.view());
  for (index_t y = 0; y < 19; ++y) {
    for (index_t x = 0; x < 23; ++x) {
      const index_t fy = y == 18 ? 16 : y, fx = x == 22 ? 21 : x;
      REQUIRE(longer.view()(0, 0, y, x) == full.view()(0, 0, fy, fx));
      if (y < 17 && x < 21) REQUIRE(shorter.view()(0, 0, y, x) == full.view()(0, 0, y, x));
    }
  }
}

TEMPLATE_TEST_CASE("a Laplacian pyramid collapses back to its input, every level count", "[pyramid]", float, double) {
  const auto [h, w] = GENERATE(std::pair<index_t, index_t>{1, 1}, std::pair<index_t, index_t>{5, 3},
                               std::pair<index_t, index_t>{31, 45}, std::pair<index_t, index_t>{64, 64},
                               std::pair<index_t, index_t>{100, 37});
  const dims shape{1, 3, h, w};
  const std::vector<TestType> src = random_values<TestType>(count_of(shape), 11, 0.0, 1.0);
  const resample::tensor_view<const TestType> in(src.data(), shape);
  const int most = resample::max_pyramid_levels(h, w);
  for (int levels = 0; levels <= most; ++levels) {
    resample::pyramid_options popts;
    popts.levels = levels;
    const resample::pyramid<TestType> lap = resample::laplacian_pyramid(in, popts);
    REQUIRE(lap.levels() == (levels == 0 ? most : levels));
    REQUIRE(lap.shape(lap.levels() - 1)[2] >= 1);
    if (levels == 0) REQUIRE(std::min(lap.shape(lap.levels() - 1)[2], lap.shape(lap.levels() - 1)[3]) == 1);
    const resample::tensor<TestType> back = resample::collapse(lap);
    std::vector<double> expected(src.begin(), src.end());
    check_close(back.data(), expected, std::is_same_v<TestType, float> ? 4e-6 : 1e-14);
  }
}

TEST_CASE("Gaussian pyramid levels are pyr_down of the level below; level 0 is the input itself", "[pyramid]") {
  const dims shape{2, 2, 50, 37};
  const std::vector<float> src = random_values<float>(count_of(shape), 5);
  const resample::tensor_view<const float> in(src.data(), shape);
  const resample::pyramid<float> g = resample::gaussian_pyramid(in);
  REQUIRE(g.borrows_base());
  REQUIRE(g.level(0).data_handle() == src.data());
  REQUIRE(g.levels() == resample::max_pyramid_levels(50, 37));
  for (int l = 1; l < g.levels(); ++l) {
    const resample::tensor<float> expected = resample::pyr_down(g.level(l - 1));
    REQUIRE(g.shape(l) == expected.extents());
    REQUIRE(std::equal(expected.values().begin(), expected.values().end(), g.level(l).data_handle()));
  }
  resample::pyramid<float> copy = g;
  REQUIRE_THROWS_AS(copy.mutable_level(0), resample::error);
}

TEST_CASE("pyramids from interpolate modes: area down, bilinear up", "[pyramid]") {
  const dims shape{1, 3, 45, 64};
  const std::vector<float> src = random_values<float>(count_of(shape), 9, 0.0, 1.0);
  const resample::tensor_view<const float> in(src.data(), shape);
  resample::pyramid_options popts;
  popts.levels = 4;
  popts.down = resample::options{};
  popts.down->mode = resample::mode::area;
  popts.up = resample::options{};
  popts.up->mode = resample::mode::bilinear;
  const resample::pyramid<float> g = resample::gaussian_pyramid(in, popts);
  resample::options area;
  area.mode = resample::mode::area;
  area.size = {23, 32};
  const resample::tensor<float> level1 = resample::interpolate(in, area);
  REQUIRE(std::equal(level1.values().begin(), level1.values().end(), g.level(1).data_handle()));

  const resample::pyramid<float> lap = resample::laplacian_pyramid(in, popts);
  resample::options bilinear;
  bilinear.mode = resample::mode::bilinear;
  bilinear.size = {45, 64};
  const resample::tensor<float> up = resample::interpolate(g.level(1), bilinear);
  for (std::size_t i = 0; i < src.size(); ++i) REQUIRE(lap.level(0).data_handle()[i] == src[i] - up.values()[i]);
  const resample::tensor<float> back = resample::collapse(lap);
  check_close(back.data(), std::vector<double>(src.begin(), src.end()), 4e-6);

  // Antialiased bilinear down works too and differs from area.
  popts.down->mode = resample::mode::bilinear;
  popts.down->antialias = true;
  const resample::pyramid<float> aa = resample::gaussian_pyramid(in, popts);
  REQUIRE(aa.shape(1) == g.shape(1));
  REQUIRE_FALSE(std::equal(aa.level(1).data_handle(), aa.level(1).data_handle() + 3 * 23 * 32, g.level(1).data_handle()));
}

TEMPLATE_TEST_CASE("strided inputs and outputs give the contiguous bits", "[pyramid]", float, double) {
  const dims shape{2, 3, 21, 30};
  const std::vector<TestType> src = random_values<TestType>(count_of(shape), 13);
  const resample::tensor_view<const TestType> in(src.data(), shape);
  // The same values stored channels-last.
  std::vector<TestType> hwc(src.size());
  const resample::tensor_view<TestType> cl = resample::channels_last_view(hwc.data(), shape);
  for (index_t n = 0; n < 2; ++n)
    for (index_t c = 0; c < 3; ++c)
      for (index_t y = 0; y < 21; ++y)
        for (index_t x = 0; x < 30; ++x) cl(n, c, y, x) = in(n, c, y, x);
  const resample::tensor_view<const TestType> cl_in = cl;
  for (bool down : {true, false}) {
    const resample::tensor<TestType> expected = down ? resample::pyr_down(in) : resample::pyr_up(in);
    const dims out_shape = expected.extents();
    std::vector<TestType> out_memory(count_of(out_shape));
    const resample::tensor_view<TestType> out = resample::channels_last_view(out_memory.data(), out_shape);
    if (down) {
      resample::pyr_down<TestType>(cl_in, out);
    } else {
      resample::pyr_up<TestType>(cl_in, out);
    }
    for (index_t n = 0; n < out_shape[0]; ++n)
      for (index_t c = 0; c < out_shape[1]; ++c)
        for (index_t y = 0; y < out_shape[2]; ++y)
          for (index_t x = 0; x < out_shape[3]; ++x) REQUIRE(out(n, c, y, x) == expected.view()(n, c, y, x));
  }
  const resample::tensor<TestType> a = resample::collapse(resample::laplacian_pyramid(in));
  const resample::tensor<TestType> b = resample::collapse(resample::laplacian_pyramid(cl_in));
  REQUIRE(a.values() == b.values());
}

TEST_CASE("pyramids are the same bits for any thread count, split and instruction set", "[pyramid]") {
  const dims shape{1, 3, 300, 257};
  const std::vector<float> src = random_values<float>(count_of(shape), 17);
  const resample::tensor_view<const float> in(src.data(), shape);
  resample::execution one;
  one.max_threads = 1;
  one.isa = resample::instruction_set::portable;
  const resample::tensor<float> reference = resample::collapse(resample::laplacian_pyramid(in, {}, one), one);
  const resample::pyramid<float> reference_lap = resample::laplacian_pyramid(in, {}, one);
  resample::thread_pool pool(3);
  std::vector<resample::execution> variants(4);
  variants[0].max_threads = 2;
  variants[1].max_threads = 4;
  variants[1].grain_elements = 300;
  variants[1].min_parallel_elements = 1;
  variants[2].pool = [&pool](std::int64_t n, const std::function<void(std::int64_t)>& task) { pool(n, task); };
  variants[2].grain_elements = 1000;
  variants[2].min_parallel_elements = 1;
  variants[3].max_threads = 1;
  variants[3].isa = resample::instruction_set::best;
  const resample::pyramid<float> reference_gauss = resample::gaussian_pyramid(in, {}, one);
  for (const resample::execution& exec : variants) {
    const resample::pyramid<float> gauss = resample::gaussian_pyramid(in, {}, exec);
    for (int l = 1; l < gauss.levels(); ++l) {
      REQUIRE(std::equal(gauss.level(l).data_handle(), gauss.level(l).data_handle() + count_of(gauss.shape(l)),
                         reference_gauss.level(l).data_handle()));
    }
    const resample::pyramid<float> lap = resample::laplacian_pyramid(in, {}, exec);
    for (int l = 0; l < lap.levels(); ++l) {
      REQUIRE(std::equal(lap.level(l).data_handle(), lap.level(l).data_handle() + count_of(lap.shape(l)),
                         reference_lap.level(l).data_handle()));
    }
    REQUIRE(resample::collapse(lap, exec).values() == reference.values());
  }
}

TEST_CASE("pyramid errors name the problem and the shapes, and write nothing", "[pyramid][errors]") {
  std::vector<float> src(2 * 3 * 8 * 8, 1.0f);
  const resample::tensor_view<const float> in(src.data(), {2, 3, 8, 8});
  const auto code_of = [](auto&& call) {
    try {
      call();
    } catch (const resample::error& e) {
      return e.code();
    }
    FAIL("no resample::error thrown");
    return resample::error_code::unsupported;
  };
  std::vector<float> out(2 * 3 * 8 * 8, -7.0f);
  // Wrong output shapes.
  REQUIRE(code_of([&] { resample::pyr_down<float>(in, resample::tensor_view<float>(out.data(), {2, 3, 2, 4})); }) ==
          resample::error_code::shape_mismatch);
  REQUIRE(code_of([&] { resample::pyr_down<float>(in, resample::tensor_view<float>(out.data(), {2, 2, 4, 4})); }) ==
          resample::error_code::shape_mismatch);
  REQUIRE(code_of([&] { resample::pyr_up<float>(in, resample::tensor_view<float>(out.data(), {1, 3, 16, 18})); }) ==
          resample::error_code::shape_mismatch);
  REQUIRE(std::all_of(out.begin(), out.end(), [](float v) { return v == -7.0f; }));
  try {
    resample::pyr_down<float>(in, resample::tensor_view<float>(out.data(), {2, 3, 2, 4}));
  } catch (const resample::error& e) {
    REQUIRE_THAT(e.what(), Catch::Contains("[2, 3, 2, 4]") && Catch::Contains("[2, 3, 8, 8]") &&
                               Catch::Contains("[2, 3, 4, 4]"));
  }
  // Wrong rank, empty input, overlapping output.
  const resample::tensor_view<const float> rank3(src.data(), {2, 3, 64});
  REQUIRE(code_of([&] { (void)resample::pyr_down(rank3); }) == resample::error_code::invalid_rank);
  REQUIRE(code_of([&] { (void)resample::gaussian_pyramid(rank3); }) == resample::error_code::invalid_rank);
  const resample::tensor_view<const float> empty(src.data(), {1, 3, 0, 8});
  REQUIRE(code_of([&] { (void)resample::laplacian_pyramid(empty); }) == resample::error_code::empty_tensor);
  REQUIRE(code_of([&] { resample::pyr_down<float>(in, resample::tensor_view<float>(src.data(), {2, 3, 4, 4})); }) ==
          resample::error_code::overlapping_memory);
  // Level counts and filters.
  resample::pyramid_options popts;
  popts.levels = 5;
  REQUIRE(code_of([&] { (void)resample::laplacian_pyramid(in, popts); }) == resample::error_code::invalid_size);
  popts.levels = -1;
  REQUIRE(code_of([&] { (void)resample::gaussian_pyramid(in, popts); }) == resample::error_code::invalid_size);
  popts.levels = 0;
  popts.down = resample::options{};
  popts.down->mode = resample::mode::area;
  popts.down->size = {4, 4};
  REQUIRE(code_of([&] { (void)resample::gaussian_pyramid(in, popts); }) == resample::error_code::invalid_option);
  popts.down->size.clear();
  popts.down->mode = resample::mode::trilinear;
  REQUIRE(code_of([&] { (void)resample::gaussian_pyramid(in, popts); }) == resample::error_code::invalid_rank);
  // collapse into the wrong shape.
  const resample::pyramid<float> lap = resample::laplacian_pyramid(in);
  REQUIRE(code_of([&] { resample::collapse(lap, resample::tensor_view<float>(out.data(), {2, 3, 8, 7})); }) ==
          resample::error_code::shape_mismatch);
  REQUIRE(std::all_of(out.begin(), out.end(), [](float v) { return v == -7.0f; }));
}

namespace {

std::vector<std::uint8_t> random_bytes(std::size_t count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> v(count);
  for (std::uint8_t& x : v) x = static_cast<std::uint8_t>(rng() % 256);
  return v;
}

/// A uint8 image's values as floats (the exact widening).
resample::tensor<float> widened(const resample::tensor_view<const std::uint8_t>& v) {
  resample::tensor<float> t(v.extents());
  for (index_t n = 0; n < v.extent(0); ++n)
    for (index_t c = 0; c < v.extent(1); ++c)
      for (index_t y = 0; y < v.extent(2); ++y)
        for (index_t x = 0; x < v.extent(3); ++x) t.view()(n, c, y, x) = static_cast<float>(v(n, c, y, x));
  return t;
}

template <class T>
bool same_levels(const resample::pyramid<T>& a, const resample::pyramid<T>& b) {
  if (a.levels() != b.levels()) return false;
  for (int l = 0; l < a.levels(); ++l) {
    if (a.shape(l) != b.shape(l)) return false;
    const resample::tensor_view<const T> va = a.level(l), vb = b.level(l);
    for (index_t n = 0; n < va.extent(0); ++n)
      for (index_t c = 0; c < va.extent(1); ++c)
        for (index_t y = 0; y < va.extent(2); ++y)
          for (index_t x = 0; x < va.extent(3); ++x) {
            if (va(n, c, y, x) != vb(n, c, y, x)) return false;
          }
  }
  return true;
}

/// round to nearest, ties to even, and saturate to [0, 255] (NaN gives 0): cv::saturate_cast<uchar>.
std::uint8_t saturate_round(double v) {
  if (!(v > 0)) return 0;
  if (v >= 255) return 255;
  return static_cast<std::uint8_t>(std::nearbyint(v));
}

}  // namespace

TEST_CASE("uint8 Laplacian pyramids are the widened image's; collapse gives the image back exactly",
          "[pyramid][uint8]") {
  const auto [h, w] = GENERATE(std::pair<index_t, index_t>{1, 1}, std::pair<index_t, index_t>{2, 5},
                               std::pair<index_t, index_t>{7, 4}, std::pair<index_t, index_t>{31, 45},
                               std::pair<index_t, index_t>{64, 64}, std::pair<index_t, index_t>{100, 37});
  const dims shape{2, 3, h, w};
  const std::vector<std::uint8_t> src = random_bytes(count_of(shape), static_cast<std::uint32_t>(h * 100 + w));
  const resample::tensor_view<const std::uint8_t> in(src.data(), shape);
  const resample::tensor<float> wide = widened(in);
  // The same bytes stored channels-last.
  std::vector<std::uint8_t> hwc(src.size());
  const resample::tensor_view<std::uint8_t> cl = resample::channels_last_view(hwc.data(), shape);
  for (index_t n = 0; n < 2; ++n)
    for (index_t c = 0; c < 3; ++c)
      for (index_t y = 0; y < h; ++y)
        for (index_t x = 0; x < w; ++x) cl(n, c, y, x) = in(n, c, y, x);
  const resample::tensor_view<const std::uint8_t> cl_in = cl;
  for (int levels = 0; levels <= resample::max_pyramid_levels(h, w); ++levels) {
    INFO(h << " x " << w << ", " << levels << " levels");
    resample::pyramid_options popts;
    popts.levels = levels;
    const resample::pyramid<float> lap = resample::laplacian_pyramid(in, popts);
    REQUIRE(same_levels(lap, resample::laplacian_pyramid(wide.view(), popts)));
    REQUIRE(same_levels(lap, resample::laplacian_pyramid(cl_in, popts)));
    REQUIRE(resample::collapse<std::uint8_t>(lap).values() == src);
    // Into a channels-last uint8 view.
    std::vector<std::uint8_t> out_memory(src.size(), 7);
    resample::collapse(lap, resample::channels_last_view(out_memory.data(), shape));
    REQUIRE(out_memory == hwc);
  }
  // Interpolate-built pyramids read a widened copy: the same bits as the float image's.
  resample::pyramid_options popts;
  popts.down = resample::options{};
  popts.down->mode = resample::mode::area;
  popts.up = resample::options{};
  popts.up->mode = resample::mode::bilinear;
  const resample::pyramid<float> lap = resample::laplacian_pyramid(in, popts);
  REQUIRE(same_levels(lap, resample::laplacian_pyramid(wide.view(), popts)));
  REQUIRE(resample::collapse<std::uint8_t>(lap).values() == src);
  popts.down.reset();
  const resample::pyramid<float> up_only = resample::laplacian_pyramid(in, popts);
  REQUIRE(same_levels(up_only, resample::laplacian_pyramid(wide.view(), popts)));
  REQUIRE(resample::collapse<std::uint8_t>(up_only).values() == src);
}

TEST_CASE("collapse into uint8 rounds the float sum to nearest even and saturates", "[pyramid][uint8]") {
  // One level: collapse is the level itself, rounded.
  const std::vector<float> values = {-3.2f, -0.0f, 0.5f, 1.5f, 2.5f, 2.4999f, 127.5f, 254.5f, 255.4f, 255.6f, 300.0f,
                                     std::numeric_limits<float>::quiet_NaN()};
  const std::vector<std::uint8_t> expected = {0, 0, 0, 2, 2, 2, 128, 254, 255, 255, 255, 0};
  const index_t count = static_cast<index_t>(values.size());
  resample::pyramid<float> one({dims{1, 1, 1, count}}, {});
  std::copy(values.begin(), values.end(), one.mutable_level(0).data_handle());
  REQUIRE(resample::collapse<std::uint8_t>(one).values() == expected);
  // Several levels: the uint8 result is the rounding of the float collapse, element for element,
  // for strided views too.
  const dims shape{1, 2, 37, 29};
  const std::vector<float> src = random_values<float>(count_of(shape), 23, -40.0, 300.0);
  resample::pyramid_options popts;
  popts.levels = 4;
  const resample::tensor_view<const float> in(src.data(), shape);
  const resample::pyramid<float> lap = resample::laplacian_pyramid(in, popts);
  const resample::tensor<float> sum = resample::collapse(lap);
  const resample::tensor<std::uint8_t> bytes = resample::collapse<std::uint8_t>(lap);
  std::vector<std::uint8_t> flipped(src.size());
  const resample::tensor_view<std::uint8_t> flipped_view(flipped.data() + 28, shape, {2 * 37 * 29, 37 * 29, 29, -1});
  resample::collapse(lap, flipped_view);
  for (index_t c = 0; c < 2; ++c)
    for (index_t y = 0; y < 37; ++y)
      for (index_t x = 0; x < 29; ++x) {
        const std::uint8_t want = saturate_round(sum.view()(0, c, y, x));
        REQUIRE(bytes.view()(0, c, y, x) == want);
        REQUIRE(flipped_view(0, c, y, x) == want);
      }
  // Double levels too.
  const std::vector<double> src64(src.begin(), src.end());
  const resample::pyramid<double> lap64 =
      resample::laplacian_pyramid(resample::tensor_view<const double>(src64.data(), shape), popts);
  const resample::tensor<double> sum64 = resample::collapse(lap64);
  const resample::tensor<std::uint8_t> bytes64 = resample::collapse<std::uint8_t>(lap64);
  for (std::size_t i = 0; i < sum64.size(); ++i) REQUIRE(bytes64.data()[i] == saturate_round(sum64.data()[i]));
}

TEST_CASE("uint8 Laplacian pyramid and collapse errors", "[pyramid][uint8][errors]") {
  const auto code_of = [](auto&& call) {
    try {
      call();
    } catch (const resample::error& e) {
      return e.code();
    }
    FAIL("no resample::error thrown");
    return resample::error_code::unsupported;
  };
  std::vector<std::uint8_t> src(3 * 8 * 8, 9);
  const resample::tensor_view<const std::uint8_t> in(src.data(), {1, 3, 8, 8});
  resample::pyramid_options popts;
  popts.levels = 5;
  REQUIRE(code_of([&] { (void)resample::laplacian_pyramid(in, popts); }) == resample::error_code::invalid_size);
  const resample::tensor_view<const std::uint8_t> rank3(src.data(), {3, 8, 8});
  REQUIRE(code_of([&] { (void)resample::laplacian_pyramid(rank3); }) == resample::error_code::invalid_rank);
  const resample::tensor_view<const std::uint8_t> empty(src.data(), {1, 3, 0, 8});
  REQUIRE(code_of([&] { (void)resample::laplacian_pyramid(empty); }) == resample::error_code::empty_tensor);
  const resample::pyramid<float> lap = resample::laplacian_pyramid(in);
  std::vector<std::uint8_t> out(3 * 8 * 8, 7);
  REQUIRE(code_of([&] { resample::collapse(lap, resample::tensor_view<std::uint8_t>(out.data(), {1, 3, 8, 7})); }) ==
          resample::error_code::shape_mismatch);
  // A view whose rows overlap (stride 0 along H).
  REQUIRE(code_of([&] {
            resample::collapse(lap, resample::tensor_view<std::uint8_t>(out.data(), {1, 3, 8, 8}, {192, 64, 0, 1}));
          }) == resample::error_code::overlapping_memory);
  REQUIRE(std::all_of(out.begin(), out.end(), [](std::uint8_t v) { return v == 7; }));
  REQUIRE(code_of([&] { (void)resample::collapse<std::uint8_t>(resample::pyramid<float>{}); }) ==
          resample::error_code::empty_tensor);
}

}  // namespace pyramid_tests
