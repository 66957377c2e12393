// SPDX-License-Identifier: MIT
// Every case of the PyTorch golden data (tests/golden, made by make_goldens.py) through
// resample, once with contiguous views and once with a padded channels-last input and a
// permuted, flipped, padded output, compared with PyTorch's output bit for bit.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include "golden_data.hpp"

namespace {

// The only tolerance: area with an output of one element per plane is ATen's mean(), whose
// summation order depends on its vectorisation; agreement within these bounds is accepted.
constexpr double mean_tolerance_float = 2e-6;
constexpr double mean_tolerance_double = 1e-13;

resample::options options_of(const golden::golden_case& c) {
  resample::options opts;
  opts.mode = resample::parse_mode(c.mode);
  opts.size = c.size;
  opts.scale_factor = c.scale_factor;
  if (c.align_corners != golden::tristate::none) opts.align_corners = c.align_corners == golden::tristate::yes;
  opts.recompute_scale_factor = c.recompute_scale_factor == golden::tristate::yes;
  opts.antialias = c.antialias;
  return opts;
}

bool is_mean_case(const golden::golden_case& c) {
  if (c.mode != "area") return false;
  return std::all_of(c.output_shape.begin() + 2, c.output_shape.end(), [](std::int64_t e) { return e == 1; });
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::ostringstream s;
  for (std::size_t i = 0; i < shape.size(); ++i) s << (i ? "x" : "") << shape[i];
  return s.str();
}

std::string describe(const golden::golden_case& c) {
  std::ostringstream s;
  s << "case " << c.id << " (" << c.group << "): " << c.mode << ' ' << (c.dtype == golden::element_type::f32 ? "f32" : "f64")
    << ' ' << shape_text(c.input_shape) << " -> " << shape_text(c.output_shape);
  if (!c.size.empty()) s << ", size " << (c.per_axis ? "list " : "") << shape_text(c.size);
  if (!c.scale_factor.empty()) {
    s << ", scale_factor " << (c.per_axis ? "list " : "") << std::setprecision(17);
    for (std::size_t i = 0; i < c.scale_factor.size(); ++i) s << (i ? "," : "") << c.scale_factor[i];
  }
  const char* names[] = {"None", "False", "True"};
  s << ", align_corners " << names[static_cast<int>(c.align_corners)] << ", recompute_scale_factor "
    << names[static_cast<int>(c.recompute_scale_factor)] << ", antialias " << (c.antialias ? "True" : "False");
  return s.str();
}

template <class T>
bool same_bits(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

/// |got - expected| relative to |expected| (floored at the smallest normal); 0 for equal
/// non-finite values and NaN against NaN, infinity when only one side is NaN or infinite.
template <class T>
double relative_error(T got, T expected) {
  if (same_bits(got, expected) || (got == expected)) return 0.0;
  if (!std::isfinite(got) || !std::isfinite(expected)) return std::numeric_limits<double>::infinity();
  const double diff = std::fabs(static_cast<double>(got) - static_cast<double>(expected));
  return diff / std::max(std::fabs(static_cast<double>(expected)), static_cast<double>(std::numeric_limits<T>::min()));
}

/// A strided layout of `extents`: axes listed innermost first, `pad` unused elements after the
/// innermost axis, and optionally the last spatial axis flipped (negative stride).
struct layout {
  resample::dims strides;
  std::int64_t origin = 0;  // offset of element (0, ..., 0) in the storage
  std::int64_t span = 0;    // storage elements needed
};

layout make_layout(const resample::dims& extents, const std::vector<int>& innermost_first, std::int64_t pad,
                   bool flip_last) {
  layout l;
  l.strides.assign(extents.size(), 0);
  std::int64_t step = 1;
  for (std::size_t k = 0; k < innermost_first.size(); ++k) {
    const int axis = innermost_first[k];
    l.strides[axis] = step;
    step *= extents[axis] + (k == 0 ? pad : 0);
  }
  l.span = step;
  if (flip_last) {
    const std::size_t axis = extents.size() - 1;
    l.origin = (extents[axis] - 1) * l.strides[axis];
    l.strides[axis] = -l.strides[axis];
  }
  return l;
}

/// Calls f(offset, linear index) for every element in row-major order.
template <class F>
void for_each_element(const resample::dims& extents, const resample::dims& strides, std::int64_t origin, F f) {
  const std::size_t rank = extents.size();
  std::vector<std::int64_t> index(rank, 0);
  const std::int64_t count = golden::element_count(extents);
  for (std::int64_t linear = 0; linear < count; ++linear) {
    std::int64_t offset = origin;
    for (std::size_t r = 0; r < rank; ++r) offset += index[r] * strides[r];
    f(offset, linear);
    for (std::size_t r = rank; r-- > 0;) {
      if (++index[r] < extents[r]) break;
      index[r] = 0;
    }
  }
}

struct comparison {
  bool exact = true;
  double max_error = 0.0;
  std::string first_difference;
};

template <class T>
void compare(const std::vector<T>& got, const std::vector<T>& expected, const char* variant, comparison& result) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (same_bits(got[i], expected[i])) continue;
    result.max_error = std::max(result.max_error, relative_error(got[i], expected[i]));
    if (result.exact) {
      std::ostringstream s;
      s << std::setprecision(std::numeric_limits<T>::max_digits10) << variant << " output differs first at flat index "
        << i << ": expected " << expected[i] << ", got " << got[i];
      result.first_difference = s.str();
    }
    result.exact = false;
  }
}

template <class T>
comparison run_case(const golden::golden_set& set, const golden::golden_case& c) {
  const resample::options opts = options_of(c);
  const resample::dims in_shape = c.input_shape;
  const resample::dims out_shape = c.output_shape;
  const std::vector<T> input = set.input<T>(c);
  const std::vector<T> expected = set.output<T>(c);
  comparison result;

  const resample::dims computed_shape = resample::output_shape(in_shape, opts);
  if (computed_shape != out_shape) {
    result.exact = false;
    result.max_error = std::numeric_limits<double>::infinity();
    result.first_difference = "output_shape gives " + shape_text(computed_shape);
    return result;
  }

  // 1. Contiguous input, library-allocated output.
  const resample::tensor<T> contiguous = resample::interpolate(resample::tensor_view<const T>(input.data(), in_shape), opts);
  compare(contiguous.values(), expected, "contiguous", result);

  // 2. Channels-last input with a padding element after every pixel (read as NaN if touched);
  //    output with N and C swapped in memory, the last axis flipped and padded rows.
  const int rank = static_cast<int>(in_shape.size());
  std::vector<int> in_order{1};
  for (int r = rank - 1; r >= 2; --r) in_order.push_back(r);
  in_order.push_back(0);
  const layout in_layout = make_layout(in_shape, in_order, 1, false);
  std::vector<T> in_storage(static_cast<std::size_t>(in_layout.span), std::numeric_limits<T>::quiet_NaN());
  for_each_element(in_shape, in_layout.strides, in_layout.origin,
                   [&](std::int64_t offset, std::int64_t i) { in_storage[offset] = input[i]; });

  std::vector<int> out_order;
  for (int r = rank - 1; r >= 2; --r) out_order.push_back(r);
  out_order.push_back(0);
  out_order.push_back(1);
  const layout out_layout = make_layout(out_shape, out_order, 2, true);
  const T sentinel = T(-12345.5);
  std::vector<T> out_storage(static_cast<std::size_t>(out_layout.span), sentinel);

  const resample::plan<T> plan(in_shape, opts);
  plan.execute(resample::tensor_view<const T>(in_storage.data() + in_layout.origin, in_shape, in_layout.strides),
               resample::tensor_view<T>(out_storage.data() + out_layout.origin, out_shape, out_layout.strides));
  std::vector<T> strided(expected.size());
  std::vector<char> written(out_storage.size(), 0);
  for_each_element(out_shape, out_layout.strides, out_layout.origin, [&](std::int64_t offset, std::int64_t i) {
    strided[i] = out_storage[offset];
    written[offset] = 1;
  });
  compare(strided, expected, "strided", result);
  for (std::size_t k = 0; k < out_storage.size(); ++k) {
    if (!written[k] && !same_bits(out_storage[k], sentinel)) {
      result.exact = false;
      result.max_error = std::numeric_limits<double>::infinity();
      result.first_difference = "the strided run wrote outside its output view";
      break;
    }
  }
  return result;
}

struct mode_stats {
  int cases = 0;
  int exact = 0;
  double max_error = 0.0;
};

}  // namespace

TEST_CASE("interpolate reproduces PyTorch 1.13 on the golden data", "[golden]") {
  const golden::golden_set set = golden::golden_set::load(RESAMPLE_GOLDEN_DIR);
  REQUIRE(set.cases.size() >= 1000);

  const std::vector<std::string> rows{"nearest", "nearest-exact", "linear", "bilinear", "bicubic",
                                      "trilinear", "area", "area (mean)"};
  std::map<std::string, mode_stats> stats;
  std::vector<std::string> failures;
  for (const golden::golden_case& c : set.cases) {
    const bool mean = is_mean_case(c);
    comparison result;
    try {
      result = c.dtype == golden::element_type::f32 ? run_case<float>(set, c) : run_case<double>(set, c);
    } catch (const std::exception& e) {
      result.exact = false;
      result.max_error = std::numeric_limits<double>::infinity();
      result.first_difference = std::string("threw: ") + e.what();
    }
    mode_stats& s = stats[mean ? "area (mean)" : c.mode];
    ++s.cases;
    s.exact += result.exact ? 1 : 0;
    s.max_error = std::max(s.max_error, result.max_error);
    const double tolerance = c.dtype == golden::element_type::f32 ? mean_tolerance_float : mean_tolerance_double;
    if (!result.exact && !(mean && result.max_error <= tolerance)) {
      failures.push_back(describe(c) + ": " + result.first_difference);
    }
  }

  std::ostringstream table;
  table << "resample vs PyTorch golden data (" << set.cases.size() << " cases, each run contiguous and strided)\n"
        << std::left << std::setw(14) << "mode" << std::right << std::setw(7) << "cases" << std::setw(11)
        << "bit-exact" << std::setw(16) << "max rel error" << '\n';
  int total = 0, total_exact = 0;
  for (const std::string& row : rows) {
    const mode_stats& s = stats[row];
    total += s.cases;
    total_exact += s.exact;
    table << std::left << std::setw(14) << row << std::right << std::setw(7) << s.cases << std::setw(11) << s.exact
          << std::setw(16) << std::setprecision(3) << s.max_error << '\n';
  }
  table << std::left << std::setw(14) << "total" << std::right << std::setw(7) << total << std::setw(11) << total_exact
        << '\n';
  std::cout << table.str() << std::flush;
  CHECK(total == static_cast<int>(set.cases.size()));

  constexpr std::size_t shown = 30;
  for (std::size_t i = 0; i < failures.size() && i < shown; ++i) FAIL_CHECK(failures[i]);
  if (failures.size() > shown) FAIL_CHECK("... and " << failures.size() - shown << " more failing cases");
  CHECK(failures.empty());
}

TEST_CASE("the golden data covers every mode and dtype", "[golden]") {
  const golden::golden_set set = golden::golden_set::load(RESAMPLE_GOLDEN_DIR);
  std::map<std::string, int> per_mode_dtype;
  for (const golden::golden_case& c : set.cases) {
    ++per_mode_dtype[c.mode + (c.dtype == golden::element_type::f32 ? " f32" : " f64")];
  }
  for (const char* m : {"nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area"}) {
    for (const char* t : {" f32", " f64"}) {
      INFO(m << t);
      CHECK(per_mode_dtype[std::string(m) + t] >= 50);
    }
  }
}
