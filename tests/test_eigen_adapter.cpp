// SPDX-License-Identifier: MIT
// Tests of resample/eigen.hpp: zero-copy views of Eigen tensors, TensorMaps of resample views,
// and the interpolate overloads that take and return Eigen tensors.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <resample/eigen.hpp>
#include <resample/resample.hpp>

namespace eigen_adapter_tests {

namespace {

using resample::dims;
using resample::index_t;

template <class T>
T pattern_value(index_t i) {
  // Distinct, exactly representable values in every element type the tests use.
  return static_cast<T>((i * 37) % 251);
}

// Fills any Eigen tensor or map (row-major) with pattern_value in memory order.
template <class EigenObject>
void fill_pattern(EigenObject& x) {
  using scalar = std::remove_cv_t<std::remove_pointer_t<decltype(x.data())>>;
  for (index_t i = 0; i < static_cast<index_t>(x.size()); ++i) x.data()[i] = pattern_value<scalar>(i);
}

bool message_contains(const resample::error& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("as_view of a row-major Eigen tensor shares its memory", "[eigen]") {
  Eigen::Tensor<float, 4, Eigen::RowMajor> x(2, 3, 4, 5);
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 3; ++c)
      for (int h = 0; h < 4; ++h)
        for (int w = 0; w < 5; ++w) x(n, c, h, w) = static_cast<float>(n * 1000 + c * 100 + h * 10 + w);

  resample::tensor_view<float> v = resample::as_view(x);
  static_assert(std::is_same_v<decltype(resample::as_view(x)), resample::tensor_view<float>>);
  CHECK(v.rank() == 4);
  CHECK(v.extents() == dims{2, 3, 4, 5});
  CHECK(v.strides() == dims{60, 20, 5, 1});
  CHECK(v.data_handle() == x.data());
  CHECK(v(1, 2, 3, 4) == x(1, 2, 3, 4));
  CHECK(v(0, 1, 2, 3) == 123.0f);

  v(1, 0, 2, 1) = -7.0f;
  CHECK(x(1, 0, 2, 1) == -7.0f);

  const auto& cx = x;
  static_assert(std::is_same_v<decltype(resample::as_view(cx)), resample::tensor_view<const float>>);
  CHECK(resample::as_view(cx).data_handle() == x.data());
}

TEST_CASE("as_view covers ranks 3 and 5", "[eigen]") {
  Eigen::Tensor<double, 3, Eigen::RowMajor> x3(2, 3, 4);
  const resample::tensor_view<double> v3 = resample::as_view(x3);
  CHECK(v3.extents() == dims{2, 3, 4});
  CHECK(v3.strides() == dims{12, 4, 1});

  Eigen::Tensor<std::uint8_t, 5, Eigen::RowMajor> x5(1, 2, 3, 4, 5);
  const resample::tensor_view<std::uint8_t> v5 = resample::as_view(x5);
  CHECK(v5.extents() == dims{1, 2, 3, 4, 5});
  CHECK(v5.strides() == dims{120, 60, 20, 5, 1});
  CHECK(v5.data_handle() == x5.data());
}

TEST_CASE("as_view of an Eigen TensorMap keeps the map's constness", "[eigen]") {
  std::vector<double> buffer(1 * 2 * 6, 0.0);
  Eigen::TensorMap<Eigen::Tensor<double, 3, Eigen::RowMajor>> map(buffer.data(), 1, 2, 6);
  const auto v = resample::as_view(map);
  static_assert(std::is_same_v<std::remove_const_t<decltype(v)>, resample::tensor_view<double>>);
  CHECK(v.extents() == dims{1, 2, 6});
  CHECK(v.strides() == dims{12, 6, 1});
  v(0, 1, 4) = 2.5;
  CHECK(buffer[10] == 2.5);

  Eigen::TensorMap<const Eigen::Tensor<double, 3, Eigen::RowMajor>> const_map(buffer.data(), 1, 2, 6);
  const auto cv = resample::as_view(const_map);
  static_assert(std::is_same_v<std::remove_const_t<decltype(cv)>, resample::tensor_view<const double>>);
  CHECK(cv.data_handle() == buffer.data());
  CHECK(cv(0, 1, 4) == 2.5);
}

TEST_CASE("as_tensor_map maps a contiguous view without copying", "[eigen]") {
  std::vector<float> buffer(2 * 3 * 4 * 5);
  const resample::tensor_view<float> v(buffer.data(), {2, 3, 4, 5});

  resample::eigen_map<float, 4> map = resample::as_tensor_map<4>(v);
  CHECK(map.data() == buffer.data());
  CHECK(map.dimension(0) == 2);
  CHECK(map.dimension(1) == 3);
  CHECK(map.dimension(2) == 4);
  CHECK(map.dimension(3) == 5);
  map(1, 2, 3, 4) = 9.0f;
  CHECK(v(1, 2, 3, 4) == 9.0f);
  CHECK(buffer.back() == 9.0f);

  const resample::tensor_view<const float> cv = v;
  const auto const_map = resample::as_tensor_map<4>(cv);
  static_assert(std::is_same_v<std::remove_const_t<decltype(const_map)>,
                               Eigen::TensorMap<const Eigen::Tensor<float, 4, Eigen::RowMajor>>>);
  CHECK(const_map(1, 2, 3, 4) == 9.0f);

  // Eigen expressions work on the map as on any tensor.
  map.setConstant(1.5f);
  const Eigen::Tensor<float, 0, Eigen::RowMajor> total = map.sum();
  CHECK(total() == Approx(1.5 * 120));
}

TEST_CASE("as_tensor_map accepts views whose unit axes have any stride", "[eigen]") {
  std::vector<float> buffer(12);
  // Axes of extent 1 never step, so their strides do not matter for contiguity.
  const resample::tensor_view<float> v(buffer.data(), {1, 1, 3, 4}, {999, -5, 4, 1});
  const auto map = resample::as_tensor_map<4>(v);
  CHECK(map.dimension(2) == 3);
  CHECK(map.data() == buffer.data());

  // An empty view maps to an empty map.
  const resample::tensor_view<float> empty(buffer.data(), {0, 3, 2}, {7, 100, 3});
  CHECK(resample::as_tensor_map<3>(empty).size() == 0);
}

TEST_CASE("as_tensor_map rejects strided views and the wrong rank", "[eigen]") {
  std::vector<float> buffer(2 * 3 * 4 * 5);

  SECTION("channels-last") {
    const auto v = resample::channels_last_view(buffer.data(), {2, 3, 4, 5});
    try {
      (void)resample::as_tensor_map<4>(v);
      FAIL("expected resample::error");
    } catch (const resample::error& e) {
      CHECK(e.code() == resample::error_code::unsupported);
      CHECK(message_contains(e, "[2, 3, 4, 5]"));
      CHECK(message_contains(e, "strides"));
    }
  }
  SECTION("sliced") {
    const resample::tensor_view<float> v(buffer.data(), {2, 3, 4, 2}, {60, 20, 5, 2});
    CHECK_THROWS_AS(resample::as_tensor_map<4>(v), resample::error);
  }
  SECTION("expanded") {
    const resample::tensor_view<const float> v(buffer.data(), {2, 3, 4, 5}, {0, 20, 5, 1});
    CHECK_THROWS_AS(resample::as_tensor_map<4>(v), resample::error);
  }
  SECTION("wrong rank") {
    const resample::tensor_view<float> v(buffer.data(), {2, 3, 20});
    try {
      (void)resample::as_tensor_map<4>(v);
      FAIL("expected resample::error");
    } catch (const resample::error& e) {
      CHECK(e.code() == resample::error_code::invalid_rank);
      CHECK(message_contains(e, "[2, 3, 20]"));
    }
  }
}

TEST_CASE("as_tensor_map maps a resample::tensor", "[eigen]") {
  resample::tensor<double> t(dims{1, 2, 3, 4, 5});
  auto map = resample::as_tensor_map<5>(t);
  static_assert(std::is_same_v<decltype(map), resample::eigen_map<double, 5>>);
  CHECK(map.data() == t.data());
  CHECK(map.dimension(4) == 5);
  map(0, 1, 2, 3, 4) = 4.0;
  CHECK(t.view()(0, 1, 2, 3, 4) == 4.0);
  CHECK(t.values().back() == 4.0);

  const resample::tensor<double>& ct = t;
  const auto const_map = resample::as_tensor_map<5>(ct);
  static_assert(std::is_same_v<std::remove_const_t<decltype(const_map)>, resample::eigen_map<const double, 5>>);
  CHECK(const_map.data() == t.data());

  CHECK_THROWS_AS(resample::as_tensor_map<4>(t), resample::error);
}

TEST_CASE("interpolate on an Eigen tensor returns an Eigen tensor", "[eigen]") {
  Eigen::Tensor<float, 3, Eigen::RowMajor> x(1, 1, 2);
  x(0, 0, 0) = 0.0f;
  x(0, 0, 1) = 3.0f;
  resample::options opts;
  opts.mode = resample::mode::linear;
  opts.size = {4};
  opts.align_corners = true;

  const Eigen::Tensor<float, 3, Eigen::RowMajor> y = resample::interpolate(x, opts);
  REQUIRE(y.dimension(0) == 1);
  REQUIRE(y.dimension(1) == 1);
  REQUIRE(y.dimension(2) == 4);
  CHECK(y(0, 0, 0) == Approx(0.0));
  CHECK(y(0, 0, 1) == Approx(1.0));
  CHECK(y(0, 0, 2) == Approx(2.0));
  CHECK(y(0, 0, 3) == Approx(3.0));
}

TEMPLATE_TEST_CASE("the Eigen interpolate overloads match the view overload", "[eigen]", float, double) {
  Eigen::Tensor<TestType, 4, Eigen::RowMajor> x(2, 3, 5, 7);
  fill_pattern(x);
  resample::options opts;
  opts.mode = resample::mode::bilinear;
  opts.size = {8, 4};

  const resample::tensor<TestType> expected = resample::interpolate(resample::as_view(std::as_const(x)), opts);
  REQUIRE(expected.extents() == dims{2, 3, 8, 4});

  const auto check_same = [&](const Eigen::Tensor<TestType, 4, Eigen::RowMajor>& y) {
    REQUIRE(y.dimension(0) == 2);
    REQUIRE(y.dimension(1) == 3);
    REQUIRE(y.dimension(2) == 8);
    REQUIRE(y.dimension(3) == 4);
    for (std::size_t i = 0; i < expected.size(); ++i) CHECK(y.data()[i] == expected.values()[i]);
  };

  SECTION("tensor") { check_same(resample::interpolate(x, opts)); }
  SECTION("map") {
    Eigen::TensorMap<Eigen::Tensor<TestType, 4, Eigen::RowMajor>> map(x.data(), 2, 3, 5, 7);
    check_same(resample::interpolate(map, opts));
  }
  SECTION("const map") {
    Eigen::TensorMap<const Eigen::Tensor<TestType, 4, Eigen::RowMajor>> map(x.data(), 2, 3, 5, 7);
    check_same(resample::interpolate(map, opts));
  }
  SECTION("map of const elements") {
    Eigen::TensorMap<Eigen::Tensor<const TestType, 4, Eigen::RowMajor>> map(x.data(), 2, 3, 5, 7);
    static_assert(std::is_same_v<decltype(resample::as_view(map)), resample::tensor_view<const TestType>>);
    check_same(resample::interpolate(map, opts));
  }
}

TEST_CASE("the Eigen interpolate overload handles uint8 nearest in 5-D", "[eigen]") {
  Eigen::Tensor<std::uint8_t, 5, Eigen::RowMajor> x(1, 2, 2, 3, 2);
  fill_pattern(x);
  resample::options opts;
  opts.mode = resample::mode::nearest;
  opts.scale_factor = {2.0};

  const Eigen::Tensor<std::uint8_t, 5, Eigen::RowMajor> y = resample::interpolate(x, opts);
  REQUIRE(y.dimension(2) == 4);
  REQUIRE(y.dimension(3) == 6);
  REQUIRE(y.dimension(4) == 4);
  for (int c = 0; c < 2; ++c)
    for (int d = 0; d < 4; ++d)
      for (int h = 0; h < 6; ++h)
        for (int w = 0; w < 4; ++w) CHECK(y(0, c, d, h, w) == x(0, c, d / 2, h / 2, w / 2));
}

TEST_CASE("the Eigen interpolate overload reports invalid options", "[eigen]") {
  Eigen::Tensor<float, 3, Eigen::RowMajor> x(1, 1, 4);
  x.setZero();
  resample::options opts;
  opts.mode = resample::mode::bilinear;  // 4-D only
  opts.scale_factor = {2.0};
  CHECK_THROWS_AS(resample::interpolate(x, opts), resample::error);
}

TEST_CASE("Eigen and resample results chain without copies", "[eigen]") {
  resample::tensor<float> t(dims{1, 2, 3, 3});
  auto map = resample::as_tensor_map<4>(t);
  map.setConstant(2.0f);
  map = map * map;  // an Eigen expression written back into resample's storage

  resample::options opts;
  opts.mode = resample::mode::area;
  opts.size = {1, 1};
  const resample::tensor<float> pooled = resample::interpolate(t.view(), opts);
  const auto pooled_map = resample::as_tensor_map<4>(pooled);
  CHECK(pooled_map.dimension(2) == 1);
  CHECK(pooled_map(0, 0, 0, 0) == Approx(4.0));
  CHECK(pooled_map(0, 1, 0, 0) == Approx(4.0));
}

}  // namespace eigen_adapter_tests
