// SPDX-License-Identifier: MIT
// Every case of the PyTorch golden data (tests/golden, made by make_goldens.py) through
// resample, once with contiguous views and once with a padded channels-last input and a
// permuted, flipped, padded output, compared with PyTorch's output bit for bit.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include "golden_data.hpp"
#include "random_cases.hpp"

namespace goldens_tests {

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

namespace {

// ATen's loops for area and nearest, written out (reference/semantics.md, sections 4 and 7), as
// the reference for shapes too large for golden files: wide enough for every vector path of
// the library (integer-factor windows, packed channels) and its scalar tails.

// Adaptive pooling window [start, end) of output o (overflow-safe forms of floor and ceil).
std::int64_t window_start(std::int64_t o, std::int64_t out, std::int64_t in) {
  return (o / out) * in + ((o % out) * in) / out;
}
std::int64_t window_end(std::int64_t o, std::int64_t out, std::int64_t in) { return 1 + ((o + 1) * in - 1) / out; }

// The source index of output o along an axis resized from `in` to `out` (sizes given, no scale).
template <class T>
std::int64_t nearest_source(resample::mode mode, std::int64_t o, std::int64_t in, std::int64_t out) {
  const T scale = static_cast<T>(in) / static_cast<T>(out);
  float real = 0.0f;
  if (mode == resample::mode::nearest) {
    real = static_cast<float>(scale * static_cast<T>(o));
  } else {
    const T centre = std::max(scale * (static_cast<T>(o) + T(0.5)) - T(0.5), T(0));
    real = static_cast<float>(static_cast<double>(centre) + 0.5);
  }
  return std::min<std::int64_t>(static_cast<std::int64_t>(std::floor(real)), in - 1);
}

// The output of `mode` for a contiguous input `x` of shape `in` (N, C, spatial...) and output
// shape `out`: each plane's outputs in row-major order.
template <class T>
std::vector<T> aten_loops(resample::mode mode, const std::vector<T>& x, const resample::dims& in,
                          const resample::dims& out) {
  const int rank = static_cast<int>(in.size()) - 2;
  // D, H, W of input and output, absent axes of extent 1.
  std::array<std::int64_t, 3> i{1, 1, 1}, o{1, 1, 1};
  for (int a = 0; a < rank; ++a) {
    i[3 - rank + a] = in[2 + a];
    o[3 - rank + a] = out[2 + a];
  }
  std::vector<T> y;
  for (std::int64_t p = 0; p < in[0] * in[1]; ++p) {
    const T* plane = x.data() + p * i[0] * i[1] * i[2];
    const auto at = [&](std::int64_t d, std::int64_t h, std::int64_t w) { return plane[(d * i[1] + h) * i[2] + w]; };
    for (std::int64_t od = 0; od < o[0]; ++od)
      for (std::int64_t oh = 0; oh < o[1]; ++oh)
        for (std::int64_t ow = 0; ow < o[2]; ++ow) {
          if (mode != resample::mode::area) {
            y.push_back(at(nearest_source<T>(mode, od, i[0], o[0]), nearest_source<T>(mode, oh, i[1], o[1]),
                           nearest_source<T>(mode, ow, i[2], o[2])));
            continue;
          }
          const std::int64_t d0 = window_start(od, o[0], i[0]), d1 = window_end(od, o[0], i[0]);
          const std::int64_t h0 = window_start(oh, o[1], i[1]), h1 = window_end(oh, o[1], i[1]);
          const std::int64_t w0 = window_start(ow, o[2], i[2]), w1 = window_end(ow, o[2], i[2]);
          T sum = T(0);
          for (std::int64_t d = d0; d < d1; ++d)
            for (std::int64_t h = h0; h < h1; ++h)
              for (std::int64_t w = w0; w < w1; ++w) sum += at(d, h, w);
          if (rank == 3) sum = sum / static_cast<T>(d1 - d0);
          sum = sum / static_cast<T>(h1 - h0);  // 1-D pools are 2-D pools of height 1
          y.push_back(sum / static_cast<T>(w1 - w0));
        }
  }
  return y;
}

// Copies the row-major values of `shape` into a view of the same shape.
template <class T>
void fill_view(const resample::tensor_view<T>& v, const std::vector<T>& values) {
  const int rank = v.rank();
  std::vector<std::int64_t> index(static_cast<std::size_t>(rank), 0);
  for (const T& value : values) {
    std::int64_t offset = 0;
    for (int r = 0; r < rank; ++r) offset += index[r] * v.stride(r);
    v.data_handle()[offset] = value;
    for (int r = rank; r-- > 0;) {
      if (++index[r] < v.extent(r)) break;
      index[r] = 0;
    }
  }
}

// The row-major values of a view.
template <class T>
std::vector<T> read_view(const resample::tensor_view<T>& v) {
  std::vector<T> values(static_cast<std::size_t>(v.size()));
  const int rank = v.rank();
  std::vector<std::int64_t> index(static_cast<std::size_t>(rank), 0);
  for (T& value : values) {
    std::int64_t offset = 0;
    for (int r = 0; r < rank; ++r) offset += index[r] * v.stride(r);
    value = v.data_handle()[offset];
    for (int r = rank; r-- > 0;) {
      if (++index[r] < v.extent(r)) break;
      index[r] = 0;
    }
  }
  return values;
}

// A multiple of `extent` by an integer factor (the vector paths), or any larger extent.
std::int64_t scaled_extent(std::int64_t extent, std::mt19937& rng) {
  const std::int64_t factors[] = {1, 2, 3, 4, 8, 16};
  if (rng() % 4 == 0) return extent + static_cast<std::int64_t>(rng() % static_cast<unsigned>(3 * extent + 4));
  return extent * factors[rng() % 6];
}

}  // namespace

TEMPLATE_TEST_CASE("area and nearest reproduce ATen's loops on large shapes, in every instruction set, thread count "
                   "and layout",
                   "[golden][simd][threads]", float, double) {
  using T = TestType;
  using resample::mode;
  std::mt19937 rng(20261125u);
  resample::thread_pool pool(2);
  int cases = 0;
  while (cases < test_support::random_case_count(120)) {
    const mode m = cases % 3 == 0 ? mode::area : cases % 3 == 1 ? mode::nearest : mode::nearest_exact;
    const int rank = 1 + static_cast<int>(rng() % 3);
    // Few or many channels: many make channels-last rows of whole vectors and a tail.
    resample::dims in_shape{1 + static_cast<std::int64_t>(rng() % 2), 1 + static_cast<std::int64_t>(rng() % 4)};
    if (rng() % 2) in_shape[1] = 9 + static_cast<std::int64_t>(rng() % 32);
    std::vector<resample::index_t> size;
    std::int64_t count = in_shape[0] * in_shape[1];
    for (int a = 0; a < rank; ++a) {
      const std::int64_t small = 1 + static_cast<std::int64_t>(rng() % (a == rank - 1 ? 70u : 6u));
      const std::int64_t large = scaled_extent(small, rng);
      // Area downscales; nearest also upscales.
      const bool up = m != mode::area && rng() % 2;
      in_shape.push_back(up ? small : large);
      size.push_back(up ? large : small);
      count *= in_shape.back();
    }
    if (count > 150000) continue;
    ++cases;
    resample::options opts;
    opts.mode = m;
    opts.size = size;
    const resample::dims out_shape = resample::output_shape(in_shape, opts);
    std::vector<T> x(static_cast<std::size_t>(count));
    std::uniform_real_distribution<double> uniform(-4.0, 4.0);
    for (T& v : x) {
      const auto u = rng() % 200;
      v = u == 0 ? std::numeric_limits<T>::infinity()
          : u == 1 ? -std::numeric_limits<T>::infinity()
          : u == 2 ? T(-0.0)
                   : static_cast<T>(uniform(rng));
    }
    const std::vector<T> expected = aten_loops(m, x, in_shape, out_shape);
    INFO(resample::to_string(m) << ' ' << shape_text(in_shape) << " -> " << shape_text(out_shape));

    // Layouts of input and output: contiguous, channels-last, and W reversed (a negative stride).
    for (int layout = 0; layout < 3; ++layout) {
      std::vector<T> in_storage(x.size()), out_storage(expected.size());
      resample::dims in_strides = layout == 1 ? resample::channels_last_strides(in_shape)
                                              : resample::contiguous_strides(in_shape);
      const resample::dims out_strides = layout == 1 ? resample::channels_last_strides(out_shape)
                                                     : resample::contiguous_strides(out_shape);
      std::int64_t in_origin = 0;
      if (layout == 2) {
        in_origin = (in_shape.back() - 1) * in_strides.back();
        in_strides.back() = -in_strides.back();
      }
      fill_view(resample::tensor_view<T>(in_storage.data() + in_origin, in_shape, in_strides), x);
      const resample::tensor_view<const T> input(in_storage.data() + in_origin, in_shape, in_strides);
      const resample::tensor_view<T> output(out_storage.data(), out_shape, out_strides);
      for (resample::instruction_set isa : {resample::instruction_set::portable, resample::instruction_set::sse2,
                                            resample::instruction_set::avx2}) {
        if (!resample::is_supported(isa)) continue;
        for (bool threaded : {false, true}) {
          resample::execution exec;
          exec.isa = isa;
          exec.max_threads = threaded ? 3 : 1;
          if (threaded) {
            exec.pool = [&pool](std::int64_t n, const std::function<void(std::int64_t)>& task) { pool(n, task); };
            exec.min_parallel_elements = 0;
            exec.grain_elements = 1 + static_cast<std::int64_t>(rng() % 500);
          }
          std::fill(out_storage.begin(), out_storage.end(), T(-7));
          resample::interpolate(input, output, opts, exec);
          const std::vector<T> got = read_view(output);
          std::size_t differences = 0;
          for (std::size_t k = 0; k < expected.size(); ++k) differences += same_bits(got[k], expected[k]) ? 0 : 1;
          INFO("layout " << layout << ", instruction set " << static_cast<int>(isa) << ", threaded " << threaded);
          CHECK(differences == 0);
        }
      }
    }
  }
}

TEST_CASE("nearest outputs, streamed or not, reproduce ATen's loops", "[golden][threads]") {
  using resample::mode;
  struct large_case {
    resample::dims input;
    std::vector<resample::index_t> size;
    mode m;
    bool channels_last;
  };
  // Packed channels stream each pixel into a run of rows (whole 16-byte stores, or pixels of
  // 20 bytes that straddle them); planar rows halve, double or neither.
  const std::vector<large_case> cases = {{{1, 32, 96, 96}, {192, 192}, mode::nearest_exact, true},
                                         {{1, 5, 300, 270}, {450, 405}, mode::nearest, true},
                                         {{1, 2, 256, 500}, {512, 1000}, mode::nearest, false},
                                         {{1, 3, 750, 850}, {550, 650}, mode::nearest, false}};
  resample::thread_pool pool(2);
  std::mt19937 rng(7u);
  for (const large_case& c : cases) {
    resample::options opts;
    opts.mode = c.m;
    opts.size = c.size;
    const resample::dims out_shape = resample::output_shape(c.input, opts);
    std::int64_t count = 1;
    for (std::int64_t e : c.input) count *= e;
    std::vector<float> x(static_cast<std::size_t>(count));
    for (float& v : x) v = static_cast<float>(rng() % 1000) - 500.0f;
    const std::vector<float> expected = aten_loops(c.m, x, c.input, out_shape);
    const resample::dims in_strides = c.channels_last ? resample::channels_last_strides(c.input)
                                                      : resample::contiguous_strides(c.input);
    const resample::dims out_strides = c.channels_last ? resample::channels_last_strides(out_shape)
                                                       : resample::contiguous_strides(out_shape);
    std::vector<float> in_storage(x.size()), out_storage(expected.size());
    fill_view(resample::tensor_view<float>(in_storage.data(), c.input, in_strides), x);
    for (const bool streamed : {false, true})
      for (const bool threaded : {false, true}) {
        resample::execution exec;
        exec.max_threads = threaded ? 3 : 1;
        if (threaded) exec.pool = [&pool](std::int64_t n, const std::function<void(std::int64_t)>& task) { pool(n, task); };
        exec.streaming_output_bytes = streamed ? 1 : std::numeric_limits<std::int64_t>::max();
        std::fill(out_storage.begin(), out_storage.end(), -7.0f);
        const resample::tensor_view<float> output(out_storage.data(), out_shape, out_strides);
        resample::interpolate(resample::tensor_view<const float>(in_storage.data(), c.input, in_strides), output, opts,
                              exec);
        INFO(resample::to_string(c.m) << ' ' << shape_text(c.input) << " -> " << shape_text(out_shape)
                                      << (c.channels_last ? " channels-last" : "") << ", threaded " << threaded
                                      << ", streamed " << streamed);
        CHECK(read_view(output) == expected);
      }
  }
}

}  // namespace goldens_tests
