// SPDX-License-Identifier: MIT
// float16 and bfloat16: the conversions round to nearest even (checked against an arithmetic
// oracle and the compiler's _Float16), every instruction set converts alike, and resampling a
// 16-bit tensor gives exactly the float result of the widened input, rounded to the type (its
// gradient likewise).
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "random_cases.hpp"

namespace half_tests {

namespace {

using resample::bfloat16;
using resample::float16;

/// The format's parameters: mantissa bits with the implicit one, smallest normal exponent.
struct format {
  int precision;
  int min_exponent;
  int exponent_bits;
};
constexpr format binary16{11, -14, 5};
constexpr format bfloat{8, -126, 8};

/// The value of a 16-bit pattern, decoded from the definition of the format.
double decode(std::uint16_t bits, format f) {
  const int mantissa_bits = f.precision - 1;
  const int exponent = (bits >> mantissa_bits) & ((1 << f.exponent_bits) - 1);
  const int mantissa = bits & ((1 << mantissa_bits) - 1);
  const double sign = (bits & 0x8000) ? -1.0 : 1.0;
  const int max_exponent = (1 << f.exponent_bits) - 1;
  if (exponent == max_exponent) return mantissa ? std::numeric_limits<double>::quiet_NaN() : sign * HUGE_VAL;
  if (exponent == 0) return sign * std::ldexp(mantissa, f.min_exponent - mantissa_bits);
  return sign * std::ldexp(mantissa + (1 << mantissa_bits), exponent + f.min_exponent - 1 - mantissa_bits);
}

/// x rounded to the format, ties to even, in double arithmetic (exact for a float x).
double round_to(float x, format f) {
  if (std::isnan(x) || std::isinf(x) || x == 0.0f) return x;
  const double magnitude = std::fabs(static_cast<double>(x));
  const int exponent = std::max(std::ilogb(magnitude), f.min_exponent);
  const double quantum = std::ldexp(1.0, exponent - (f.precision - 1));
  const double rounded = std::nearbyint(magnitude / quantum) * quantum;  // the default mode: ties to even
  const int max_exponent = (1 << (f.exponent_bits - 1)) - 1;
  const double largest = std::ldexp(2.0 - std::ldexp(1.0, 1 - f.precision), max_exponent);
  const double value = rounded > largest ? HUGE_VAL : rounded;
  return std::signbit(x) ? -value : value;
}

bool same_value(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

std::vector<resample::instruction_set> supported_sets() {
  std::vector<resample::instruction_set> sets;
  for (auto isa : {resample::instruction_set::portable, resample::instruction_set::sse2, resample::instruction_set::avx2})
    if (resample::is_supported(isa)) sets.push_back(isa);
  return sets;
}

/// Floats that probe every rounding case: each 16-bit value, the midpoints between neighbours
/// and the floats either side of them, plus random floats of every exponent.
std::vector<float> probe_floats(format f) {
  std::vector<float> probes;
  for (std::uint32_t bits = 0; bits < 0x10000; ++bits) {
    const double a = decode(static_cast<std::uint16_t>(bits), f);
    const double b = decode(static_cast<std::uint16_t>(bits + 1 == 0x10000 ? bits : bits + 1), f);
    if (std::isnan(a) || std::isinf(a)) continue;
    probes.push_back(static_cast<float>(a));
    if (std::isfinite(b) && std::signbit(a) == std::signbit(b)) {
      const auto mid = static_cast<float>((a + b) / 2);  // exact: the midpoint needs one more bit
      probes.push_back(mid);
      probes.push_back(std::nextafter(mid, 0.0f));
      probes.push_back(std::nextafter(mid, HUGE_VALF));
    }
  }
  std::mt19937 rng(16);
  for (int i = 0; i < 200000; ++i) {
    std::uint32_t u = static_cast<std::uint32_t>(rng());
    float x;
    std::memcpy(&x, &u, sizeof x);
    probes.push_back(x);
  }
  for (float special : {HUGE_VALF, -HUGE_VALF, std::numeric_limits<float>::quiet_NaN(), 65504.0f, 65519.99f, 65520.0f,
                        std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min(), -0.0f})
    probes.push_back(special);
  return probes;
}

}  // namespace

TEST_CASE("16-bit conversions round to nearest even, alike on every instruction set", "[half]") {
  SECTION("float16 -> float is exact for all 65536 patterns") {
    std::vector<std::uint16_t> all(0x10000);
    for (std::uint32_t i = 0; i < 0x10000; ++i) all[i] = static_cast<std::uint16_t>(i);
    for (auto isa : supported_sets()) {
      const auto convert = resample::detail::conversions_for(isa);
      std::vector<float> wide(all.size()), wide_bf(all.size());
      convert.widen_float16(all.data(), wide.data(), static_cast<std::int64_t>(all.size()));
      convert.widen_bfloat16(all.data(), wide_bf.data(), static_cast<std::int64_t>(all.size()));
      std::size_t wrong = 0;
      for (std::uint32_t i = 0; i < 0x10000; ++i) {
        const auto h = static_cast<std::uint16_t>(i);
        if (!same_value(wide[i], decode(h, binary16))) ++wrong;
        if (!same_value(static_cast<float>(float16::from_bits(h)), decode(h, binary16))) ++wrong;
        if (!same_value(wide_bf[i], decode(h, bfloat))) ++wrong;
        if (!same_value(static_cast<float>(bfloat16::from_bits(h)), decode(h, bfloat))) ++wrong;
      }
      CAPTURE(static_cast<int>(isa));
      CHECK(wrong == 0);
    }
  }
  for (const bool brain : {false, true}) {
    const format f = brain ? bfloat : binary16;
    DYNAMIC_SECTION((brain ? "float -> bfloat16" : "float -> float16") << " matches the rounding oracle") {
      const std::vector<float> probes = probe_floats(f);
      std::vector<std::vector<std::uint16_t>> by_set;
      for (auto isa : supported_sets()) {
        const auto convert = resample::detail::conversions_for(isa);
        const auto narrow_values = brain ? convert.narrow_bfloat16 : convert.narrow_float16;
        std::vector<std::uint16_t> narrow(probes.size());
        narrow_values(probes.data(), narrow.data(), static_cast<std::int64_t>(probes.size()));
        by_set.push_back(narrow);
        // Again in pieces of 37: most hold no NaN, so the vector loops (and their tails) round
        // them, while pieces with a NaN take the way NaNs need.
        for (std::size_t at = 0; at < probes.size(); at += 37) {
          const auto count = static_cast<std::int64_t>(std::min<std::size_t>(37, probes.size() - at));
          narrow_values(probes.data() + at, narrow.data() + at, count);
        }
        by_set.push_back(narrow);
      }
      std::size_t wrong = 0, differs = 0;
      for (std::size_t i = 0; i < probes.size(); ++i) {
        const std::uint16_t scalar = brain ? bfloat16(probes[i]).bits() : float16(probes[i]).bits();
        if (!same_value(decode(scalar, f), round_to(probes[i], f))) ++wrong;
        for (const auto& narrow : by_set) differs += narrow[i] != scalar;  // NaN payloads included
      }
      CHECK(wrong == 0);
      CHECK(differs == 0);
    }
  }
#if defined(RESAMPLE_HAS_FLOAT16)
  SECTION("the compiler's _Float16 rounds the same way") {
    std::size_t wrong = 0;
    for (float x : probe_floats(binary16)) {
      if (std::isnan(x)) continue;
      const auto native = static_cast<_Float16>(x);
      std::uint16_t bits;
      std::memcpy(&bits, &native, sizeof bits);
      wrong += bits != float16(x).bits();
    }
    CHECK(wrong == 0);
  }
#endif
}

namespace {

struct half_case {
  resample::dims shape;
  resample::options opts;
  int layout = 0;  // 0 contiguous, 1 channels-last, 2 strided and flipped
};

half_case make_half_case(std::mt19937& rng) {
  using resample::mode;
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  half_case c;
  const int rank = 3 + pick(3);
  const mode separable[] = {mode::linear, mode::bilinear, mode::trilinear};
  const mode by_rank[] = {separable[rank - 3], mode::nearest, mode::nearest_exact, mode::area, mode::bicubic};
  c.opts.mode = by_rank[pick(rank == 4 ? 5 : 4)];
  if (c.opts.mode == mode::bilinear || c.opts.mode == mode::bicubic) c.opts.antialias = pick(2) == 1;
  if (resample::takes_align_corners(c.opts.mode) && pick(2) == 1) c.opts.align_corners = true;
  c.shape = {1 + pick(2), 1 + pick(6)};
  const bool by_scale = pick(2) == 1;
  for (int a = 2; a < rank; ++a) {
    c.shape.push_back(1 + pick(rank == 5 ? 10 : 40));
    if (by_scale) {
      c.opts.scale_factor.push_back(0.3 + 0.1 * pick(30));
    } else {
      c.opts.size.push_back(1 + pick(rank == 5 ? 14 : 60));
    }
  }
  c.layout = pick(3);
  return c;
}

/// A view of `storage` with the logical shape `shape` in the case's layout; `storage` is sized
/// to hold it (twice the elements for the strided layout).
template <class T>
resample::tensor_view<T> layout_view(std::vector<std::remove_const_t<T>>& storage, const resample::dims& shape,
                                     int layout) {
  std::int64_t count = 1;
  for (auto e : shape) count *= e;
  if (layout == 1) {
    storage.resize(static_cast<std::size_t>(count));
    return resample::tensor_view<T>(storage.data(), shape, resample::channels_last_strides(shape));
  }
  if (layout == 2) {
    // Every other element, the last axis flipped.
    storage.resize(static_cast<std::size_t>(2 * count));
    resample::dims strides = resample::contiguous_strides(shape);
    for (auto& s : strides) s *= 2;
    strides.back() = -strides.back();
    const std::int64_t last = shape.back() - 1;
    return resample::tensor_view<T>(storage.data() + 2 * last, shape, strides);
  }
  storage.resize(static_cast<std::size_t>(count));
  return resample::tensor_view<T>(storage.data(), shape);
}

/// The memory offset of every element of `view`, in logical (contiguous) order.
template <class T>
std::vector<std::int64_t> logical_offsets(const resample::tensor_view<T>& view) {
  std::vector<std::int64_t> offsets{0};
  for (int r = 0; r < view.rank(); ++r) {
    std::vector<std::int64_t> next;
    next.reserve(offsets.size() * static_cast<std::size_t>(view.extent(r)));
    for (std::int64_t base : offsets)
      for (std::int64_t i = 0; i < view.extent(r); ++i) next.push_back(base + i * view.stride(r));
    offsets.swap(next);
  }
  return offsets;
}

/// The logical values of a 16-bit view, widened, in a contiguous float tensor: the reference's input.
template <class T>
resample::tensor<float> widened_copy(const resample::tensor_view<T>& view) {
  resample::tensor<float> wide(view.extents());
  const std::vector<std::int64_t> offsets = logical_offsets(view);
  for (std::size_t i = 0; i < offsets.size(); ++i) wide.data()[i] = static_cast<float>(view.data_handle()[offsets[i]]);
  return wide;
}

/// The case's output shape, or nothing when a scale makes it empty (such cases are skipped).
std::optional<resample::dims> output_shape_of(const half_case& c) {
  try {
    return resample::output_shape(c.shape, c.opts);
  } catch (const resample::error&) {
    return std::nullopt;
  }
}

}  // namespace

TEMPLATE_TEST_CASE("16-bit resampling is the float result rounded to the type", "[half]", float16, bfloat16) {
  std::mt19937 rng(20261125);
  std::uniform_real_distribution<float> uniform(-6, 6);
  const auto sets = supported_sets();
  std::size_t checked = 0, wrong = 0;
  for (int iteration = 0; iteration < test_support::random_case_count(400); ++iteration) {
    const half_case c = make_half_case(rng);
    CAPTURE(iteration, resample::detail::format_dims(c.shape), resample::to_string(c.opts.mode), c.opts.antialias,
            c.opts.align_corners, c.layout);
    const std::optional<resample::dims> maybe_out = output_shape_of(c);
    if (!maybe_out) continue;
    const resample::dims& out_shape = *maybe_out;

    std::vector<TestType> x_storage;
    const auto x = layout_view<TestType>(x_storage, c.shape, c.layout);
    for (auto& v : x_storage) v = TestType(uniform(rng));
    // The float reference: the same logical values, widened, in a contiguous tensor.
    const resample::tensor<float> widened = widened_copy(x);
    const resample::tensor<float> expected = resample::interpolate(widened.view(), c.opts);

    const resample::plan<TestType> p(c.shape, c.opts);
    for (std::size_t s = 0; s < sets.size(); ++s) {
      for (int threads : {1, 2}) {
        std::vector<TestType> y_storage;
        const auto y = layout_view<TestType>(y_storage, out_shape, c.layout);
        resample::execution exec;
        exec.max_threads = threads;
        exec.isa = sets[s];
        exec.min_parallel_elements = 0;
        exec.grain_elements = 512;
        exec.streaming_output_bytes = iteration % 2 == 1 ? 1 : 0;  // every other case streams its output
        p.execute(resample::tensor_view<const TestType>(x.data_handle(), c.shape, x.strides()), y, exec);
        const std::vector<std::int64_t> y_offsets = logical_offsets(y);
        for (std::size_t k = 0; k < y_offsets.size(); ++k) {
          ++checked;
          if (y.data_handle()[y_offsets[k]] != TestType(expected.data()[k])) ++wrong;
        }
      }
    }
  }
  INFO("elements checked: " << checked);
  CHECK(checked > std::size_t{250} * static_cast<std::size_t>(test_support::random_case_count(400)));
  CHECK(wrong == 0);
}

TEMPLATE_TEST_CASE("16-bit gradients are the float gradients rounded to the type", "[half][backward]", float16,
                   bfloat16) {
  std::mt19937 rng(20261126);
  std::uniform_real_distribution<float> uniform(-6, 6);
  std::size_t checked = 0, wrong = 0;
  for (int iteration = 0; iteration < test_support::random_case_count(150); ++iteration) {
    const half_case c = make_half_case(rng);
    CAPTURE(iteration, resample::detail::format_dims(c.shape), resample::to_string(c.opts.mode), c.opts.antialias,
            c.opts.align_corners, c.layout);
    const std::optional<resample::dims> maybe_out = output_shape_of(c);
    if (!maybe_out) continue;
    const resample::dims& out_shape = *maybe_out;
    std::vector<TestType> g_storage;
    const auto g = layout_view<TestType>(g_storage, out_shape, c.layout);
    for (auto& v : g_storage) v = TestType(uniform(rng));
    const resample::tensor<float> widened = widened_copy(g);
    const resample::tensor<float> expected = resample::interpolate_backward(widened.view(), c.shape, c.opts);

    const resample::backward_plan<TestType> p(c.shape, c.opts);
    for (int threads : {1, 2}) {
      std::vector<TestType> gi_storage;
      const auto gi = layout_view<TestType>(gi_storage, c.shape, c.layout);
      resample::execution exec;
      exec.max_threads = threads;
      exec.min_parallel_elements = 0;
      exec.grain_elements = 256;
      p.execute(resample::tensor_view<const TestType>(g.data_handle(), out_shape, g.strides()), gi, exec);
      const std::vector<std::int64_t> gi_offsets = logical_offsets(gi);
      for (std::size_t k = 0; k < gi_offsets.size(); ++k) {
        ++checked;
        if (gi.data_handle()[gi_offsets[k]] != TestType(expected.data()[k])) ++wrong;
      }
    }
  }
  INFO("elements checked: " << checked);
  CHECK(checked > std::size_t{60} * static_cast<std::size_t>(test_support::random_case_count(150)));
  CHECK(wrong == 0);
}

#if defined(RESAMPLE_HAS_FLOAT16)
TEST_CASE("the compiler's _Float16 is an element type too", "[half]") {
  const resample::dims shape{1, 2, 5, 7};
  std::vector<_Float16> x(70);
  std::vector<float16> same(70);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<_Float16>(static_cast<float>(i) * 0.37f - 9.0f);
    std::uint16_t bits;
    std::memcpy(&bits, &x[i], sizeof bits);
    same[i] = float16::from_bits(bits);
  }
  resample::options opts;
  opts.mode = resample::mode::bicubic;
  opts.size = {9, 4};
  const auto native = resample::interpolate(resample::tensor_view<const _Float16>(x.data(), shape), opts);
  const auto ours = resample::interpolate(resample::tensor_view<const float16>(same.data(), shape), opts);
  REQUIRE(native.size() == ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    std::uint16_t bits;
    std::memcpy(&bits, &native.data()[i], sizeof bits);
    CHECK(bits == ours.data()[i].bits());
  }
}
#endif

}  // namespace half_tests
