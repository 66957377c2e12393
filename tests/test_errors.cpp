// SPDX-License-Identifier: MIT
// Every invalid request is rejected with the right error code, a message naming the shapes, and
// nothing written; valid edge cases are accepted.
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace errors_tests {

namespace {

using resample::dims;
using resample::error_code;
using resample::index_t;
using resample::mode;

const char* code_name(error_code code) {
  switch (code) {
    case error_code::invalid_rank: return "invalid_rank";
    case error_code::invalid_option: return "invalid_option";
    case error_code::invalid_size: return "invalid_size";
    case error_code::invalid_scale: return "invalid_scale";
    case error_code::empty_tensor: return "empty_tensor";
    case error_code::shape_mismatch: return "shape_mismatch";
    case error_code::overlapping_memory: return "overlapping_memory";
    case error_code::overflow: return "overflow";
    case error_code::unsupported: return "unsupported";
    case error_code::null_data: return "null_data";
  }
  return "unknown code";
}

// Runs `f`, which must throw resample::error with `code` and a message containing every string
// of `mentions` (shapes as PyTorch prints them, "[1, 3, 5, 5]", or the offending option).
template <class F>
void require_error(F&& f, error_code code, std::initializer_list<std::string> mentions) {
  bool thrown = false;
  try {
    f();
  } catch (const resample::error& e) {
    thrown = true;
    INFO("message: " << e.what());
    CHECK(std::string(code_name(e.code())) == code_name(code));
    for (const std::string& m : mentions) CHECK_THAT(e.what(), Catch::Contains(m));
    // Every error is a std::invalid_argument, so generic handlers catch it too.
    CHECK(dynamic_cast<const std::invalid_argument*>(&e) != nullptr);
  }
  CHECK(thrown);
}

// A float buffer for an output view, pre-filled with a sentinel, to prove a rejection writes
// nothing.
struct sentinel_buffer {
  static constexpr float mark = -12345.5f;
  std::vector<float> data;

  explicit sentinel_buffer(std::size_t n) : data(n, mark) {}
  bool untouched() const {
    for (float v : data)
      if (std::memcmp(&v, &mark, sizeof v) != 0) return false;
    return true;
  }
};

// Shapes as PyTorch prints them: "[1, 3, 5, 5]".
std::string to_text(const dims& d) {
  std::string s = "[";
  for (std::size_t r = 0; r < d.size(); ++r) s += (r ? ", " : "") + std::to_string(d[r]);
  return s + "]";
}

index_t count_of(const dims& d) {
  index_t n = 1;
  for (index_t e : d) n *= e;
  return n;
}

// Input data for shapes up to this many elements; contents do not matter for rejections.
std::vector<float> input_data(index_t n) { return std::vector<float>(static_cast<std::size_t>(n), 1.0f); }

// interpolate(input, output, opts) on a contiguous input of `in_shape` and a contiguous output of
// `out_shape` in a sentinel buffer: requires the rejection and an untouched output.
void require_rejected(const dims& in_shape, const dims& out_shape, const resample::options& opts, error_code code,
                      std::initializer_list<std::string> mentions) {
  std::vector<float> x = input_data(count_of(in_shape));
  sentinel_buffer out(static_cast<std::size_t>(count_of(out_shape)) + 1);
  require_error(
      [&] {
        resample::interpolate<float>(resample::tensor_view<const float>(x.data(), in_shape),
                                     resample::tensor_view<float>(out.data.data(), out_shape), opts);
      },
      code, mentions);
  CHECK(out.untouched());
}

resample::options with_size(mode m, std::vector<index_t> size) {
  resample::options o;
  o.mode = m;
  o.size = std::move(size);
  return o;
}

resample::options with_scale(mode m, std::vector<double> scale) {
  resample::options o;
  o.mode = m;
  o.scale_factor = std::move(scale);
  return o;
}

}  // namespace

TEST_CASE("wrong rank for the mode", "[errors]") {
  SECTION("linear needs 3-D") {
    require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, with_size(mode::linear, {10}), error_code::invalid_rank,
                     {"[1, 3, 5, 5]", "linear"});
    require_rejected({1, 3, 5, 5, 5}, {1, 3, 10, 10, 10}, with_size(mode::linear, {10}), error_code::invalid_rank,
                     {"[1, 3, 5, 5, 5]"});
  }
  SECTION("bilinear needs 4-D") {
    require_rejected({1, 3, 5}, {1, 3, 10}, with_size(mode::bilinear, {10}), error_code::invalid_rank,
                     {"[1, 3, 5]", "bilinear"});
    require_rejected({1, 3, 5, 5, 5}, {1, 3, 10, 10, 10}, with_size(mode::bilinear, {10}), error_code::invalid_rank,
                     {"[1, 3, 5, 5, 5]"});
  }
  SECTION("bicubic needs 4-D") {
    require_rejected({1, 3, 5, 5, 5}, {1, 3, 10, 10, 10}, with_size(mode::bicubic, {10}), error_code::invalid_rank,
                     {"[1, 3, 5, 5, 5]", "bicubic"});
    require_rejected({1, 3, 5}, {1, 3, 10}, with_size(mode::bicubic, {10}), error_code::invalid_rank, {"[1, 3, 5]"});
  }
  SECTION("trilinear needs 5-D") {
    require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, with_size(mode::trilinear, {10}), error_code::invalid_rank,
                     {"[1, 3, 5, 5]", "trilinear"});
    require_rejected({1, 3, 5}, {1, 3, 10}, with_size(mode::trilinear, {10}), error_code::invalid_rank, {"[1, 3, 5]"});
  }
  SECTION("rank 2 and rank 6 are no tensors of any mode") {
    for (mode m : {mode::nearest, mode::area, mode::bilinear}) {
      require_error([&] { resample::output_shape({1, 3}, with_size(m, {4})); }, error_code::invalid_rank, {"[1, 3]"});
      require_error([&] { resample::plan<float>({1, 3, 4, 4, 4, 4}, with_size(m, {4})); }, error_code::invalid_rank,
                    {"[1, 3, 4, 4, 4, 4]"});
    }
    float x[64] = {};
    require_error([&] { resample::tensor_view<float>(x, {1, 3}); }, error_code::invalid_rank, {"[1, 3]"});
    require_error([&] { resample::tensor_view<float>(x, {1, 1, 2, 2, 2, 2}); }, error_code::invalid_rank,
                  {"[1, 1, 2, 2, 2, 2]"});
    require_error([&] { resample::tensor_view<float>(x, {1, 3, 4}, {12, 4}); }, error_code::invalid_rank,
                  {"[1, 3, 4]", "[12, 4]"});
  }
}

TEST_CASE("align_corners is rejected by the modes that do not interpolate, even when false", "[errors]") {
  for (mode m : {mode::nearest, mode::nearest_exact, mode::area}) {
    for (bool value : {false, true}) {
      resample::options o = with_size(m, {10, 10});
      o.align_corners = value;
      INFO(resample::to_string(m) << " align_corners=" << value);
      require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, o, error_code::invalid_option,
                       {"align_corners", std::string(resample::to_string(m))});
    }
  }
}

TEST_CASE("antialias is rejected outside bilinear and bicubic on 4-D input", "[errors]") {
  SECTION("other modes") {
    for (mode m : {mode::nearest, mode::nearest_exact, mode::area}) {
      resample::options o = with_size(m, {10, 10});
      o.antialias = true;
      require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, o, error_code::invalid_option,
                       {"[1, 3, 5, 5]", std::string(resample::to_string(m))});
    }
    resample::options linear = with_size(mode::linear, {10});
    linear.antialias = true;
    require_rejected({1, 3, 5}, {1, 3, 10}, linear, error_code::invalid_option, {"[1, 3, 5]", "linear"});
    resample::options trilinear = with_size(mode::trilinear, {10});
    trilinear.antialias = true;
    require_rejected({1, 3, 5, 5, 5}, {1, 3, 10, 10, 10}, trilinear, error_code::invalid_option,
                     {"[1, 3, 5, 5, 5]", "trilinear"});
  }
  SECTION("other ranks") {
    // PyTorch checks antialias before the rank, so this is an option error, not a rank error.
    for (mode m : {mode::bilinear, mode::bicubic}) {
      resample::options o = with_size(m, {10});
      o.antialias = true;
      require_rejected({1, 3, 5}, {1, 3, 10}, o, error_code::invalid_option, {"[1, 3, 5]"});
      require_rejected({1, 3, 5, 5, 5}, {1, 3, 10, 10, 10}, o, error_code::invalid_option, {"[1, 3, 5, 5, 5]"});
    }
  }
}

TEST_CASE("exactly one of size and scale_factor", "[errors]") {
  resample::options both = with_size(mode::bilinear, {10, 10});
  both.scale_factor = {2.0};
  require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, both, error_code::invalid_size, {"only one of size or scale_factor"});
  resample::options neither;
  neither.mode = mode::bilinear;
  require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, neither, error_code::invalid_size,
                   {"either size or scale_factor"});
}

TEST_CASE("the number of sizes or scales must match the spatial rank (or be one)", "[errors]") {
  require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, with_size(mode::bilinear, {10, 10, 10}), error_code::invalid_size,
                   {"[1, 3, 5, 5]", "[10, 10, 10]"});
  require_rejected({1, 3, 5}, {1, 3, 10}, with_size(mode::nearest, {10, 10}), error_code::invalid_size,
                   {"[1, 3, 5]", "[10, 10]"});
  require_rejected({1, 3, 5, 5, 5}, {1, 3, 10, 10, 10}, with_size(mode::area, {10, 10}), error_code::invalid_size,
                   {"[1, 3, 5, 5, 5]"});
  require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, with_scale(mode::bilinear, {2.0, 2.0, 2.0}),
                   error_code::invalid_scale, {"[1, 3, 5, 5]", "[2, 2, 2]"});
  require_rejected({1, 3, 5, 5, 5}, {1, 3, 10, 10, 10}, with_scale(mode::trilinear, {2.0, 2.0}),
                   error_code::invalid_scale, {"[1, 3, 5, 5, 5]", "[2, 2]"});
}

TEST_CASE("sizes must be positive", "[errors]") {
  for (mode m : {mode::nearest, mode::nearest_exact, mode::bilinear, mode::bicubic, mode::area}) {
    for (const std::vector<index_t>& size :
         {std::vector<index_t>{0, 4}, std::vector<index_t>{4, 0}, std::vector<index_t>{0}, std::vector<index_t>{-3, 4},
          std::vector<index_t>{4, -1}, std::vector<index_t>{std::numeric_limits<index_t>::min()}}) {
      INFO(resample::to_string(m) << " size " << size.size());
      require_rejected({1, 3, 5, 5}, {1, 3, 4, 4}, with_size(m, size), error_code::invalid_size, {"[1, 3, 5, 5]"});
    }
  }
}

TEST_CASE("scale factors must be finite and positive", "[errors]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (mode m : {mode::nearest, mode::bilinear, mode::area}) {
    for (const std::vector<double>& scale :
         {std::vector<double>{0.0}, std::vector<double>{-0.0}, std::vector<double>{-2.0}, std::vector<double>{2.0, -2.0},
          std::vector<double>{nan}, std::vector<double>{2.0, nan}, std::vector<double>{inf}, std::vector<double>{-inf},
          std::vector<double>{inf, 2.0}}) {
      INFO(resample::to_string(m) << " scale_factor with " << scale.size() << " values");
      require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, with_scale(m, scale), error_code::invalid_scale,
                       {"[1, 3, 5, 5]"});
    }
  }
}

TEST_CASE("a scale factor that gives an output extent of 0 is rejected", "[errors]") {
  // 5 * 0.1 = 0.5 floors to 0. PyTorch rejects it too ("Input and output sizes should be greater
  // than 0"); area, which PyTorch would let return an empty tensor, is rejected as well.
  for (mode m : {mode::nearest, mode::bilinear, mode::area}) {
    require_rejected({1, 3, 5, 5}, {1, 3, 1, 1}, with_scale(m, {0.1}), error_code::invalid_size, {"[1, 3, 5, 5]"});
    require_rejected({1, 3, 5, 5}, {1, 3, 10, 1}, with_scale(m, {2.0, 0.19}), error_code::invalid_size,
                     {"[1, 3, 5, 5]"});
  }
  resample::options recompute = with_scale(mode::bilinear, {0.199});
  recompute.recompute_scale_factor = true;
  require_rejected({1, 3, 5, 5}, {1, 3, 1, 1}, recompute, error_code::invalid_size, {"[1, 3, 5, 5]"});
}

TEST_CASE("a huge scale factor overflows instead of wrapping", "[errors]") {
  // The output extent itself does not fit in 64 bits.
  require_rejected({1, 3, 5, 5}, {1, 3, 1, 1}, with_scale(mode::nearest, {1e30}), error_code::overflow,
                   {"[1, 3, 5, 5]"});
  require_rejected({1, 3, 5, 5}, {1, 3, 1, 1}, with_scale(mode::bilinear, {1.0, 1e300}), error_code::overflow,
                   {"[1, 3, 5, 5]"});
  // Each extent fits, but the element count does not.
  require_rejected({1, 3, 5, 5}, {1, 3, 1, 1}, with_scale(mode::nearest, {1e9}), error_code::overflow,
                   {"[1, 3, 5, 5]"});
  require_rejected({1, 3, 5}, {1, 3, 1}, with_scale(mode::linear, {1e18}), error_code::overflow, {"[1, 3, 5]"});
}

TEST_CASE("recompute_scale_factor with an explicit size", "[errors]") {
  resample::options o = with_size(mode::bilinear, {10, 10});
  o.recompute_scale_factor = true;
  require_rejected({1, 3, 5, 5}, {1, 3, 10, 10}, o, error_code::invalid_option, {"recompute_scale_factor"});
}

TEST_CASE("empty inputs are rejected", "[errors]") {
  for (std::size_t zero = 0; zero < 4; ++zero) {
    dims shape = {1, 3, 5, 5};
    shape[zero] = 0;
    const std::string text = to_text(shape);
    INFO("input shape " << text);
    for (mode m : {mode::nearest, mode::bilinear, mode::area}) {
      require_rejected(shape, {1, 3, 10, 10}, with_size(m, {10, 10}), error_code::empty_tensor, {text});
      require_error([&] { resample::output_shape(shape, with_size(m, {10, 10})); }, error_code::empty_tensor, {text});
    }
  }
  require_rejected({1, 3, 0}, {1, 3, 4}, with_scale(mode::linear, {2.0}), error_code::empty_tensor, {"[1, 3, 0]"});
  require_rejected({1, 3, 2, 0, 2}, {1, 3, 4, 4, 4}, with_size(mode::trilinear, {4}), error_code::empty_tensor,
                   {"[1, 3, 2, 0, 2]"});
}

TEST_CASE("views of the wrong shape", "[errors]") {
  const resample::options o = with_size(mode::bilinear, {10, 10});
  SECTION("output") {
    for (const dims& wrong : {dims{1, 3, 10, 9}, dims{1, 3, 9, 10}, dims{1, 2, 10, 10}, dims{2, 3, 10, 10},
                              dims{1, 3, 5, 5}, dims{1, 3, 10}, dims{1, 3, 10, 10, 1}}) {
      require_rejected({1, 3, 5, 5}, wrong, o, error_code::shape_mismatch, {"[1, 3, 10, 10]", "[1, 3, 5, 5]"});
    }
  }
  SECTION("input handed to a plan made for another shape") {
    const resample::plan<float> p({1, 3, 5, 5}, o);
    std::vector<float> x = input_data(3 * 5 * 6);
    sentinel_buffer out(300);
    require_error(
        [&] {
          p.execute(resample::tensor_view<const float>(x.data(), {1, 3, 5, 6}),
                    resample::tensor_view<float>(out.data.data(), {1, 3, 10, 10}));
        },
        error_code::shape_mismatch, {"[1, 3, 5, 6]", "[1, 3, 5, 5]"});
    CHECK(out.untouched());
  }
}

TEST_CASE("an output that overlaps itself", "[errors]") {
  const resample::options o = with_size(mode::bilinear, {10, 10});
  std::vector<float> x = input_data(75);
  const resample::tensor_view<const float> in(x.data(), {1, 3, 5, 5});
  sentinel_buffer out(400);
  // `origin`: offset in the buffer of element (0, 0, 0, 0), so negative strides stay inside it.
  const auto require_overlap = [&](index_t origin, const dims& strides) {
    INFO("output strides " << to_text(strides));
    require_error(
        [&] {
          resample::interpolate<float>(
              in, resample::tensor_view<float>(out.data.data() + origin, {1, 3, 10, 10}, strides), o);
        },
        error_code::overlapping_memory, {"[1, 3, 10, 10]", to_text(strides)});
    CHECK(out.untouched());
  };
  require_overlap(0, {300, 0, 10, 1});    // stride 0 on C: all channels on one plane
  require_overlap(0, {300, 100, 0, 1});   // stride 0 on H
  require_overlap(0, {300, 100, 10, 0});  // stride 0 on W
  require_overlap(0, {30, 1, 3, 2});      // C and W interleaved: c + 2w collides
  require_overlap(0, {300, 100, 9, 1});   // rows of 10 on a pitch of 9
  require_overlap(45, {300, 100, -5, 1});  // a negative pitch that is too short
}

TEST_CASE("an output that overlaps the input", "[errors]") {
  const resample::options o = with_size(mode::bilinear, {10, 10});
  std::vector<float> shared(75 + 300 + 75, 1.0f);
  const std::vector<float> before = shared;
  const resample::tensor_view<const float> in(shared.data() + 75, {1, 3, 5, 5});
  const auto require_overlap = [&](float* start, const dims& strides) {
    require_error(
        [&] { resample::interpolate<float>(in, resample::tensor_view<float>(start, {1, 3, 10, 10}, strides), o); },
        error_code::overlapping_memory, {"[1, 3, 10, 10]", "[1, 3, 5, 5]"});
    CHECK(shared == before);
  };
  const dims contiguous = {300, 100, 10, 1};
  require_overlap(shared.data() + 75, contiguous);    // the same buffer
  require_overlap(shared.data() + 76, contiguous);    // shifted by one element
  require_overlap(shared.data() + 149, contiguous);   // sharing only the input's last element
  require_overlap(shared.data() + 1, contiguous);     // ending inside the input
  require_overlap(shared.data() + 374, {-300, -100, -10, -1});  // a flipped view over the input
  // Just outside the input on either side is fine (the valid cases are in the last test case).
}

TEST_CASE("element counts and spans that overflow 64 bits", "[errors]") {
  const index_t big = index_t(1) << 40;
  SECTION("output shape") {
    require_error([&] { resample::output_shape({1, 3, 5, 5}, with_size(mode::nearest, {big, big})); },
                  error_code::overflow, {"[1, 3, 5, 5]"});
    require_error([&] { resample::plan<float>({1 << 20, 1 << 20, 5, 5}, with_size(mode::bilinear, {big, 1})); },
                  error_code::overflow, {"[1048576, 1048576, 5, 5]"});
  }
  SECTION("input shape") {
    // An input of 2^80 elements cannot exist, whatever the output.
    for (mode m : {mode::nearest, mode::area, mode::bilinear}) {
      INFO(resample::to_string(m));
      require_error([&] { resample::output_shape({1, 1, big, big}, with_size(m, {1, 1})); }, error_code::overflow,
                    {"[1, 1, 1099511627776, 1099511627776]"});
    }
  }
  SECTION("the antialias tap count of a huge downscale") {
    // One output pixel from 2^33 input pixels needs more than 2^31 taps per output.
    resample::options o = with_size(mode::bilinear, {1, 1});
    o.antialias = true;
    require_error([&] { resample::plan<float>({1, 1, 1, index_t(1) << 33}, o); }, error_code::overflow,
                  {"[1, 1, 1, 8589934592]"});
  }
  SECTION("view spans") {
    const resample::options o = with_size(mode::nearest, {1, 1});
    std::vector<float> x = input_data(4);
    sentinel_buffer out(4);
    const index_t huge = index_t(1) << 62;
    require_error(
        [&] {
          resample::interpolate<float>(resample::tensor_view<const float>(x.data(), {1, 1, 5, 5}, {1, 1, huge, 1}),
                                       resample::tensor_view<float>(out.data.data(), {1, 1, 1, 1}), o);
        },
        error_code::overflow, {"[1, 1, 5, 5]"});
    require_error(
        [&] {
          resample::interpolate<float>(
              resample::tensor_view<const float>(x.data(), {1, 1, 5, 5}, {1, 1, std::numeric_limits<index_t>::min(), 1}),
              resample::tensor_view<float>(out.data.data(), {1, 1, 1, 1}), o);
        },
        error_code::overflow, {"[1, 1, 5, 5]"});
    CHECK(out.untouched());
  }
}

TEST_CASE("null data pointers", "[errors]") {
  const resample::options o = with_size(mode::bilinear, {10, 10});
  std::vector<float> x = input_data(75);
  sentinel_buffer out(300);
  require_error(
      [&] {
        resample::interpolate<float>(resample::tensor_view<const float>(nullptr, {1, 3, 5, 5}),
                                     resample::tensor_view<float>(out.data.data(), {1, 3, 10, 10}), o);
      },
      error_code::null_data, {"null", "[1, 3, 5, 5]"});
  CHECK(out.untouched());
  require_error(
      [&] {
        resample::interpolate<float>(resample::tensor_view<const float>(x.data(), {1, 3, 5, 5}),
                                     resample::tensor_view<float>(nullptr, {1, 3, 10, 10}), o);
      },
      error_code::null_data, {"null", "[1, 3, 10, 10]"});
  require_error([&] { resample::interpolate(resample::tensor_view<const float>(nullptr, {1, 3, 5, 5}), o); },
                error_code::null_data, {"null", "[1, 3, 5, 5]"});
}

TEST_CASE("uint8 views are checked before anything is written, in every mode", "[errors][uint8]") {
  std::vector<std::uint8_t> x(75, 7);
  std::vector<std::uint8_t> out(300, 0xAB);
  const std::vector<std::uint8_t> before = out;
  struct request {
    mode m;
    dims in;
    dims out;
    bool antialias;
  };
  for (const request& r : {request{mode::linear, {1, 3, 25}, {1, 3, 100}, false},
                           request{mode::bilinear, {1, 3, 5, 5}, {1, 3, 10, 10}, false},
                           request{mode::bilinear, {1, 3, 5, 5}, {1, 3, 10, 10}, true},
                           request{mode::bicubic, {1, 3, 5, 5}, {1, 3, 10, 10}, false},
                           request{mode::bicubic, {1, 3, 5, 5}, {1, 3, 10, 10}, true},
                           request{mode::trilinear, {1, 3, 1, 5, 5}, {1, 3, 1, 10, 10}, false},
                           request{mode::area, {1, 3, 5, 5}, {1, 3, 10, 10}, false}}) {
    resample::options o;
    o.mode = r.m;
    o.antialias = r.antialias;
    o.size.assign(r.out.begin() + 2, r.out.end());
    INFO(resample::to_string(r.m) << (r.antialias ? "+antialias" : ""));
    const resample::tensor_view<const std::uint8_t> in(x.data(), r.in);
    // An output of the wrong shape.
    dims wrong = r.out;
    wrong.back() += 1;
    require_error([&] { resample::interpolate<std::uint8_t>(in, resample::tensor_view<std::uint8_t>(out.data(), wrong), o); },
                  error_code::shape_mismatch, {to_text(wrong)});
    CHECK(out == before);
    // An output whose channels overlap (stride 0 on C).
    dims strides = resample::contiguous_strides(r.out);
    strides[1] = 0;
    require_error(
        [&] { resample::interpolate<std::uint8_t>(in, resample::tensor_view<std::uint8_t>(out.data(), r.out, strides), o); },
        error_code::overlapping_memory, {to_text(r.out)});
    CHECK(out == before);
    // And the valid call writes every element.
    resample::interpolate<std::uint8_t>(in, resample::tensor_view<std::uint8_t>(out.data(), r.out), o);
    std::int64_t count = 1;
    for (auto e : r.out) count *= e;
    for (std::int64_t i = 0; i < count; ++i) CHECK(out[static_cast<std::size_t>(i)] == 7);
    out = before;
  }
}

TEST_CASE("unknown mode names", "[errors]") {
  for (const char* name : {"", "Bilinear", "bilinear ", "cubic", "nearest-exact2", "antialias", "area\n"}) {
    INFO("name '" << name << "'");
    require_error([&] { resample::parse_mode(name); }, error_code::invalid_option, {"'" + std::string(name) + "'"});
  }
  CHECK(resample::parse_mode("nearest") == mode::nearest);
  CHECK(resample::parse_mode("nearest-exact") == mode::nearest_exact);
  CHECK(resample::parse_mode("nearest_exact") == mode::nearest_exact);
  CHECK(resample::parse_mode("linear") == mode::linear);
  CHECK(resample::parse_mode("bilinear") == mode::bilinear);
  CHECK(resample::parse_mode("bicubic") == mode::bicubic);
  CHECK(resample::parse_mode("trilinear") == mode::trilinear);
  CHECK(resample::parse_mode("area") == mode::area);
}

TEST_CASE("valid edge cases are accepted", "[errors]") {
  struct request {
    mode m;
    dims in;
    bool antialias;
  };
  const std::vector<request> requests = {
      {mode::nearest, {1, 1, 1}, false},        {mode::nearest, {1, 1, 1, 1}, false},
      {mode::nearest, {1, 1, 1, 1, 1}, false},  {mode::nearest_exact, {1, 1, 1, 3}, false},
      {mode::area, {1, 1, 4, 1}, false},        {mode::area, {1, 1, 1, 1, 1}, false},
      {mode::linear, {1, 1, 1}, false},         {mode::bilinear, {1, 1, 1, 1}, false},
      {mode::bilinear, {1, 1, 6, 1}, true},     {mode::bicubic, {1, 1, 1, 1}, false},
      {mode::bicubic, {1, 1, 1, 5}, true},      {mode::trilinear, {1, 1, 1, 1, 1}, false},
      {mode::trilinear, {1, 1, 2, 1, 3}, false}};
  SECTION("single pixels, identity sizes and output extent 1 in every mode") {
    for (const request& r : requests) {
      const std::size_t spatial = r.in.size() - 2;
      std::vector<float> x(static_cast<std::size_t>(count_of(r.in)), 2.5f);
      const resample::tensor_view<const float> in(x.data(), r.in);
      INFO(resample::to_string(r.m) << (r.antialias ? "+antialias" : "") << " input " << to_text(r.in));
      // Output extent 1, the identity, and upscaling from single pixels; size and scale forms;
      // align_corners on the modes that take it (out = 1 makes its scale 0).
      std::vector<resample::options> variants;
      for (index_t extent : {index_t(1), index_t(3)}) variants.push_back(with_size(r.m, {extent}));
      variants.push_back(with_size(r.m, std::vector<index_t>(r.in.begin() + 2, r.in.end())));
      variants.push_back(with_scale(r.m, {1.0}));
      variants.push_back(with_scale(r.m, std::vector<double>(spatial, 2.0)));
      resample::options recompute = with_scale(r.m, {3.0});
      recompute.recompute_scale_factor = true;
      variants.push_back(recompute);
      for (resample::options o : variants) {
        o.antialias = r.antialias;
        for (int ac = 0; ac < (resample::takes_align_corners(r.m) ? 3 : 1); ++ac) {
          if (ac > 0) o.align_corners = ac == 2;
          CHECK_NOTHROW(resample::output_shape(r.in, o));
          resample::tensor<float> y;
          CHECK_NOTHROW(y = resample::interpolate(in, o));
          // Constant input stays constant in every mode (weights sum to one).
          for (float v : y.values()) CHECK(v == Approx(2.5f));
        }
      }
    }
  }

  SECTION("uint8 nearest and nearest-exact") {
    std::vector<std::uint8_t> x(12, 200);
    for (mode m : {mode::nearest, mode::nearest_exact}) {
      const resample::tensor<std::uint8_t> y =
          resample::interpolate(resample::tensor_view<const std::uint8_t>(x.data(), {1, 3, 2, 2}), with_size(m, {5, 3}));
      CHECK(y.extents() == dims{1, 3, 5, 3});
      for (std::uint8_t v : y.values()) CHECK(v == 200);
    }
  }

  SECTION("outputs next to the input, or flipped in their own buffer") {
    const resample::options o = with_size(mode::bilinear, {10, 10});
    std::vector<float> shared(75 + 300 + 75, 1.0f);
    const resample::tensor_view<const float> in(shared.data() + 75, {1, 3, 5, 5});
    // Right after the input, and (for the identity size) right before it.
    CHECK_NOTHROW(resample::interpolate<float>(in, resample::tensor_view<float>(shared.data() + 150, {1, 3, 10, 10}), o));
    CHECK_NOTHROW(resample::interpolate<float>(in, resample::tensor_view<float>(shared.data(), {1, 3, 5, 5}),
                                               with_size(mode::bilinear, {5, 5})));
    std::vector<float> own(300);
    CHECK_NOTHROW(resample::interpolate<float>(
        in, resample::tensor_view<float>(own.data() + 299, {1, 3, 10, 10}, {-300, -100, -10, -1}), o));
    CHECK(own[0] == Approx(1.0f));
  }
}

}  // namespace errors_tests
