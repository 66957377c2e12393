// SPDX-License-Identifier: MIT
// Fusion through Laplacian pyramids: properties that follow from linearity (average of the
// images, constant weight maps, 0/1 masks), the max-abs and custom rules, Mertens' invariances,
// threads, and the errors. (Mertens against OpenCV is in tests/opencv/.)
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace fusion_tests {

namespace {

using resample::dims;
using resample::index_t;
using view = resample::tensor_view<const float>;

std::vector<float> random_values(std::size_t count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(count);
  for (float& x : v) x = dist(rng);
  return v;
}

struct stack {
  dims shape;
  std::vector<std::vector<float>> images;
  std::vector<view> views() const {
    std::vector<view> v;
    for (const auto& image : images) v.emplace_back(image.data(), shape);
    return v;
  }
};

stack make_stack(dims shape, int count, std::uint32_t seed) {
  stack s{shape, {}};
  std::size_t n = 1;
  for (index_t e : shape) n *= static_cast<std::size_t>(e);
  for (int i = 0; i < count; ++i) s.images.push_back(random_values(n, seed + static_cast<std::uint32_t>(i)));
  return s;
}

double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
  return m;
}

}  // namespace

TEST_CASE("fuse_average is the weighted average of the images (the pyramids are linear)", "[fusion]") {
  const stack s = make_stack({1, 3, 37, 50}, 3, 1);
  const std::vector<double> weights{1.0, 2.0, 5.0};
  const resample::tensor<float> fused = resample::fuse_average(s.views(), weights);
  std::vector<float> expected(s.images[0].size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expected[i] = static_cast<float>((1.0 * s.images[0][i] + 2.0 * s.images[1][i] + 5.0 * s.images[2][i]) / 8.0);
  }
  REQUIRE(max_difference(fused.values(), expected) < 1e-5);
}

TEST_CASE("fuse_weighted: constant maps are global weights, 0/1 masks pick an image", "[fusion]") {
  const stack s = make_stack({1, 3, 40, 33}, 2, 3);
  std::vector<float> a(40 * 33, 3.0f), b(40 * 33, 1.0f);
  const resample::tensor<float> constant =
      resample::fuse_weighted(s.views(), {view(a.data(), {1, 1, 40, 33}), view(b.data(), {1, 1, 40, 33})});
  const resample::tensor<float> global = resample::fuse_average(s.views(), {3.0, 1.0});
  REQUIRE(max_difference(constant.values(), global.values()) < 1e-5);

  std::vector<float> ones(40 * 33, 1.0f), zeros(40 * 33, 0.0f);
  const resample::tensor<float> first =
      resample::fuse_weighted(s.views(), {view(ones.data(), {1, 1, 40, 33}), view(zeros.data(), {1, 1, 40, 33})});
  REQUIRE(max_difference(first.values(), s.images[0]) < 1e-5);
  // All-zero weights fall back to equal weights.
  const resample::tensor<float> equal =
      resample::fuse_weighted(s.views(), {view(zeros.data(), {1, 1, 40, 33}), view(zeros.data(), {1, 1, 40, 33})});
  REQUIRE(max_difference(equal.values(), resample::fuse_average(s.views()).values()) < 1e-5);

  // A left/right mask: far from the seam each side is its image; near it, a smooth blend.
  std::vector<float> left(40 * 33), right(40 * 33);
  for (index_t y = 0; y < 40; ++y) {
    for (index_t x = 0; x < 33; ++x) {
      left[static_cast<std::size_t>(y * 33 + x)] = x < 16 ? 1.0f : 0.0f;
      right[static_cast<std::size_t>(y * 33 + x)] = x < 16 ? 0.0f : 1.0f;
    }
  }
  // Per-channel maps (N x C x H x W) work too.
  std::vector<float> left3, right3;
  for (int c = 0; c < 3; ++c) {
    left3.insert(left3.end(), left.begin(), left.end());
    right3.insert(right3.end(), right.begin(), right.end());
  }
  const resample::tensor<float> blended =
      resample::fuse_weighted(s.views(), {view(left.data(), {1, 1, 40, 33}), view(right.data(), {1, 1, 40, 33})});
  const resample::tensor<float> blended3 =
      resample::fuse_weighted(s.views(), {view(left3.data(), {1, 3, 40, 33}), view(right3.data(), {1, 3, 40, 33})});
  REQUIRE(blended.values() == blended3.values());
  for (std::size_t i = 0; i < blended.size(); ++i) {
    const float lo = std::min(s.images[0][i], s.images[1][i]) - 0.5f;
    const float hi = std::max(s.images[0][i], s.images[1][i]) + 0.5f;
    REQUIRE(blended.values()[i] >= lo);
    REQUIRE(blended.values()[i] <= hi);
  }
}

TEST_CASE("fuse_max_abs keeps the sharper detail; identical inputs give the input", "[fusion]") {
  const stack s = make_stack({1, 1, 64, 64}, 1, 5);
  const resample::tensor<float> same = resample::fuse_max_abs(std::vector<view>{s.views()[0], s.views()[0]});
  REQUIRE(max_difference(same.values(), s.images[0]) < 1e-5);
  // A flat image has no detail: max-abs of (image, flat) keeps image's details and averages the
  // coarsest level, which matches fusing the image's pyramid with a rule written by hand.
  std::vector<float> flat(64 * 64, 0.5f);
  const std::vector<view> pair{s.views()[0], view(flat.data(), s.shape)};
  const resample::tensor<float> fused = resample::fuse_max_abs(pair);
  const resample::fusion_rule<float> rule = [](int level, int levels, const std::vector<view>& in,
                                               resample::tensor_view<float> out) {
    const float* a = in[0].data_handle();
    const float* b = in[1].data_handle();
    for (index_t i = 0; i < out.size(); ++i) {
      out.data_handle()[i] = level == levels - 1 ? a[i] * 0.5f + b[i] * 0.5f : (std::abs(b[i]) > std::abs(a[i]) ? b[i] : a[i]);
    }
  };
  const resample::tensor<float> custom = resample::fuse(pair, rule);
  REQUIRE(max_difference(fused.values(), custom.values()) < 1e-6);
}

TEST_CASE("fusion is the same bits for any thread count", "[fusion]") {
  const stack s = make_stack({1, 3, 130, 97}, 3, 7);
  resample::execution one;
  one.max_threads = 1;
  resample::execution many;
  many.max_threads = 4;
  many.grain_elements = 500;
  many.min_parallel_elements = 1;
  REQUIRE(resample::merge_mertens(s.views(), {}, one).values() == resample::merge_mertens(s.views(), {}, many).values());
  REQUIRE(resample::fuse_max_abs(s.views(), {}, one).values() == resample::fuse_max_abs(s.views(), {}, many).values());
  REQUIRE(resample::fuse_average(s.views(), {}, {}, one).values() ==
          resample::fuse_average(s.views(), {}, {}, many).values());
}

TEST_CASE("merge_mertens: one image gives itself back; the order of the images does not matter", "[fusion]") {
  const stack s = make_stack({1, 3, 48, 64}, 3, 9);
  const resample::tensor<float> single = resample::merge_mertens(std::vector<view>{s.views()[0]});
  REQUIRE(max_difference(single.values(), s.images[0]) < 1e-5);
  const std::vector<view> v = s.views();
  const resample::tensor<float> forward = resample::merge_mertens(v);
  const resample::tensor<float> backward = resample::merge_mertens(std::vector<view>{v[2], v[1], v[0]});
  REQUIRE(max_difference(forward.values(), backward.values()) < 1e-5);
  REQUIRE(resample::mertens_levels(1024, 1024) == 11);
  REQUIRE(resample::mertens_levels(48, 64) == 6);
}

TEST_CASE("fusion errors: empty stacks, mismatched shapes, wrong or NaN weights", "[fusion][errors]") {
  const stack s = make_stack({1, 3, 16, 16}, 2, 11);
  const auto code_of = [](auto&& call) {
    try {
      call();
    } catch (const resample::error& e) {
      return e.code();
    }
    FAIL("no resample::error thrown");
    return resample::error_code::unsupported;
  };
  using resample::error_code;
  const std::vector<view> none;
  REQUIRE(code_of([&] { (void)resample::fuse_average(none); }) == error_code::empty_tensor);
  REQUIRE(code_of([&] { (void)resample::merge_mertens(none); }) == error_code::empty_tensor);
  REQUIRE(code_of([&] { (void)resample::fuse_max_abs(none); }) == error_code::empty_tensor);

  std::vector<float> other(3 * 16 * 15, 0.5f);
  const std::vector<view> mismatched{s.views()[0], view(other.data(), {1, 3, 16, 15})};
  REQUIRE(code_of([&] { (void)resample::fuse_average(mismatched); }) == error_code::shape_mismatch);
  try {
    (void)resample::fuse_max_abs(mismatched);
  } catch (const resample::error& e) {
    REQUIRE_THAT(e.what(), Catch::Contains("image 1 has shape [1, 3, 16, 15]") && Catch::Contains("[1, 3, 16, 16]"));
  }
  const std::vector<view> rank3{view(other.data(), {1, 3, 240})};
  REQUIRE(code_of([&] { (void)resample::fuse_average(rank3); }) == error_code::invalid_rank);

  REQUIRE(code_of([&] { (void)resample::fuse_average(s.views(), {1.0}); }) == error_code::shape_mismatch);
  REQUIRE(code_of([&] { (void)resample::fuse_average(s.views(), {1.0, std::nan("")}); }) == error_code::invalid_option);
  REQUIRE(code_of([&] { (void)resample::fuse_average(s.views(), {1.0, -1.0}); }) == error_code::invalid_option);
  REQUIRE(code_of([&] { (void)resample::fuse_average(s.views(), {0.0, 0.0}); }) == error_code::invalid_option);

  std::vector<float> w(16 * 16, 1.0f), bad(16 * 16, 1.0f), small(15 * 16, 1.0f);
  bad[37] = std::numeric_limits<float>::quiet_NaN();
  const view wv(w.data(), {1, 1, 16, 16});
  REQUIRE(code_of([&] { (void)resample::fuse_weighted(s.views(), {wv}); }) == error_code::shape_mismatch);
  REQUIRE(code_of([&] { (void)resample::fuse_weighted(s.views(), {wv, view(small.data(), {1, 1, 15, 16})}); }) ==
          error_code::shape_mismatch);
  REQUIRE(code_of([&] { (void)resample::fuse_weighted(s.views(), {wv, view(bad.data(), {1, 1, 16, 16})}); }) ==
          error_code::invalid_option);
  try {
    (void)resample::fuse_weighted(s.views(), {wv, view(bad.data(), {1, 1, 16, 16})});
  } catch (const resample::error& e) {
    REQUIRE_THAT(e.what(), Catch::Contains("weight map 1") && Catch::Contains("nan") && Catch::Contains("[0, 0, 2, 5]"));
  }
  std::vector<float> two(2 * 16 * 16, 0.5f);
  const std::vector<view> two_channels{view(two.data(), {1, 2, 16, 16})};
  REQUIRE(code_of([&] { (void)resample::merge_mertens(two_channels); }) == error_code::unsupported);
  resample::mertens_options mo;
  mo.exposure_weight = std::nan("");
  REQUIRE(code_of([&] { (void)resample::merge_mertens(s.views(), mo); }) == error_code::invalid_option);
  REQUIRE(code_of([&] { (void)resample::fuse(s.views(), resample::fusion_rule<float>{}); }) == error_code::invalid_option);
}

namespace {

using bytes_view = resample::tensor_view<const std::uint8_t>;

/// cv::saturate_cast<uchar>(v * scale): round to nearest even, saturate, NaN to 0.
std::vector<std::uint8_t> rounded(const resample::tensor<float>& t, float scale) {
  std::vector<std::uint8_t> r(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const float v = t.data()[i] * scale;
    r[i] = !(v > 0) ? 0 : v >= 255 ? 255 : static_cast<std::uint8_t>(std::nearbyint(v));
  }
  return r;
}

/// A stack of random uint8 images (stored channels-last when asked), and its values as floats
/// times `scale`.
struct byte_stack {
  dims shape;
  std::vector<std::vector<std::uint8_t>> memory;
  std::vector<bytes_view> views;
  std::vector<std::vector<float>> floats;
  std::vector<view> float_views;
  byte_stack(dims s, int count, std::uint32_t seed, float scale, bool channels_last) : shape(s) {
    std::mt19937 rng(seed);
    std::size_t n = 1;
    for (index_t e : shape) n *= static_cast<std::size_t>(e);
    for (int i = 0; i < count; ++i) {
      memory.emplace_back(n);
      floats.emplace_back(n);
    }
    for (int i = 0; i < count; ++i) {
      const resample::tensor_view<std::uint8_t> v =
          channels_last ? resample::channels_last_view(memory[i].data(), shape)
                        : resample::tensor_view<std::uint8_t>(memory[i].data(), shape);
      const resample::tensor_view<float> f(floats[i].data(), shape);
      // Each image in its own band of values, as exposures are.
      const int low = 40 * i % 200;
      for (index_t a = 0; a < shape[0]; ++a)
        for (index_t c = 0; c < shape[1]; ++c)
          for (index_t y = 0; y < shape[2]; ++y)
            for (index_t x = 0; x < shape[3]; ++x) {
              const auto b = static_cast<std::uint8_t>(low + static_cast<int>(rng() % 56));
              v(a, c, y, x) = b;
              f(a, c, y, x) = static_cast<float>(b) * scale;
            }
      views.push_back(v);
      float_views.emplace_back(floats[i].data(), shape);
    }
  }
};

}  // namespace

TEST_CASE("uint8 fusion is the float fusion of the widened images, rounded and saturated", "[fusion][uint8]") {
  for (const bool channels_last : {false, true}) {
    INFO("channels_last " << channels_last);
    const byte_stack s({1, 3, 45, 67}, 3, 31, 1.0f, channels_last);
    REQUIRE(resample::fuse_average(s.views).values() == rounded(resample::fuse_average(s.float_views), 1));
    REQUIRE(resample::fuse_average(s.views, {1.0, 3.0, 0.5}).values() ==
            rounded(resample::fuse_average(s.float_views, {1.0, 3.0, 0.5}), 1));
    REQUIRE(resample::fuse_max_abs(s.views).values() == rounded(resample::fuse_max_abs(s.float_views), 1));
    std::vector<float> left(45 * 67), right(45 * 67);
    for (std::size_t i = 0; i < left.size(); ++i) {
      left[i] = i % 67 < 30 ? 1.0f : 0.0f;
      right[i] = 1.0f - left[i];
    }
    const std::vector<view> masks{view(left.data(), {1, 1, 45, 67}), view(right.data(), {1, 1, 45, 67}),
                                  view(right.data(), {1, 1, 45, 67})};
    REQUIRE(resample::fuse_weighted(s.views, masks).values() ==
            rounded(resample::fuse_weighted(s.float_views, masks), 1));
    // A caller's rule sees float levels.
    const resample::fusion_rule<float> first = [](int, int, const std::vector<view>& in,
                                                  resample::tensor_view<float> out) {
      std::copy(in[0].data_handle(), in[0].data_handle() + out.size(), out.data_handle());
    };
    REQUIRE(resample::fuse(s.views, first).values() == rounded(resample::fuse(s.float_views, first), 1));
    // The widened values come back: fusing an image with itself gives it back.
    const std::vector<std::uint8_t> image1(s.floats[1].begin(), s.floats[1].end());
    REQUIRE(resample::fuse_average(std::vector<bytes_view>{s.views[1], s.views[1]}).values() == image1);
    // Interpolate filters (a widened copy for the down filter).
    resample::pyramid_options popts;
    popts.levels = 4;
    popts.down = resample::options{};
    popts.down->mode = resample::mode::area;
    REQUIRE(resample::fuse_max_abs(s.views, popts).values() ==
            rounded(resample::fuse_max_abs(s.float_views, popts), 1));
    popts.up = resample::options{};
    popts.up->mode = resample::mode::bilinear;
    REQUIRE(resample::fuse_average(s.views, {}, popts).values() ==
            rounded(resample::fuse_average(s.float_views, {}, popts), 1));
    popts.down.reset();
    REQUIRE(resample::fuse_weighted(s.views, masks, popts).values() ==
            rounded(resample::fuse_weighted(s.float_views, masks, popts), 1));
  }
}

TEST_CASE("uint8 merge_mertens divides by 255 as OpenCV does and returns the result times 255", "[fusion][uint8]") {
  for (const auto& [shape, count] : std::vector<std::pair<dims, int>>{{{1, 3, 48, 64}, 3}, {{2, 1, 33, 20}, 2}}) {
    for (const bool channels_last : {false, true}) {
      INFO(shape[1] << " channels, channels_last " << channels_last);
      const byte_stack s(shape, count, 37, 1.0f / 255.0f, channels_last);
      REQUIRE(resample::merge_mertens(s.views).values() == rounded(resample::merge_mertens(s.float_views), 255));
      resample::mertens_options mo;
      mo.exposure_weight = 1;
      mo.saturation_weight = 0.5;
      REQUIRE(resample::merge_mertens(s.views, mo).values() ==
              rounded(resample::merge_mertens(s.float_views, mo), 255));
    }
  }
  // One image gives itself back.
  const byte_stack one({1, 3, 30, 41}, 1, 41, 1.0f, false);
  REQUIRE(resample::merge_mertens(one.views).values() == one.memory[0]);
}

TEST_CASE("uint8 fusion errors", "[fusion][uint8][errors]") {
  const auto code_of = [](auto&& call) {
    try {
      call();
    } catch (const resample::error& e) {
      return e.code();
    }
    FAIL("no resample::error thrown");
    return resample::error_code::unsupported;
  };
  using resample::error_code;
  const std::vector<bytes_view> none;
  REQUIRE(code_of([&] { (void)resample::fuse_average(none); }) == error_code::empty_tensor);
  REQUIRE(code_of([&] { (void)resample::merge_mertens(none); }) == error_code::empty_tensor);
  std::vector<std::uint8_t> a(3 * 16 * 16, 10), b(3 * 16 * 15, 20), two(2 * 16 * 16, 30);
  const std::vector<bytes_view> mismatched{bytes_view(a.data(), {1, 3, 16, 16}), bytes_view(b.data(), {1, 3, 16, 15})};
  REQUIRE(code_of([&] { (void)resample::fuse_max_abs(mismatched); }) == error_code::shape_mismatch);
  REQUIRE(code_of([&] { (void)resample::merge_mertens(mismatched); }) == error_code::shape_mismatch);
  const std::vector<bytes_view> pair{bytes_view(a.data(), {1, 3, 16, 16}), bytes_view(a.data(), {1, 3, 16, 16})};
  std::vector<float> w(16 * 16, 1.0f);
  REQUIRE(code_of([&] { (void)resample::fuse_weighted(pair, {view(w.data(), {1, 1, 16, 16})}); }) ==
          error_code::shape_mismatch);
  w[3] = -1.0f;
  REQUIRE(code_of([&] {
            (void)resample::fuse_weighted(pair, {view(w.data(), {1, 1, 16, 16}), view(w.data(), {1, 1, 16, 16})});
          }) == error_code::invalid_option);
  REQUIRE(code_of([&] { (void)resample::fuse_average(pair, {1.0, -2.0}); }) == error_code::invalid_option);
  resample::pyramid_options popts;
  popts.levels = 9;
  REQUIRE(code_of([&] { (void)resample::fuse_max_abs(pair, popts); }) == error_code::invalid_size);
  const std::vector<bytes_view> two_channels{bytes_view(two.data(), {1, 2, 16, 16})};
  REQUIRE(code_of([&] { (void)resample::merge_mertens(two_channels); }) == error_code::unsupported);
  REQUIRE(code_of([&] { (void)resample::fuse(pair, resample::fusion_rule<float>{}); }) == error_code::invalid_option);
}

}  // namespace fusion_tests
