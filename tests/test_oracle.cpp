// SPDX-License-Identifier: MIT
// resample against the independent dense-matrix oracle (oracle.hpp) on thousands of random cases.
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "oracle.hpp"
#include "random_cases.hpp"

namespace oracle_tests {

namespace {

using resample::index_t;

// How close resample must be to the oracle, per element:
//
//   |resample - oracle| <= rounding * sum_taps |w| |x|
//                          + weight * sum_{taps near the support} |x| (one factor per axis)
//                          + tiny
//
// `rounding` covers the arithmetic: a few passes of sums of at most ~40 products in T, each adding
// a relative error of about 2^-24 (float) or 2^-53 (double). 1e-5 is ~80 float ulps; 1e-12 leaves
// double a wide margin. `weight` is an absolute error per tap weight: PyTorch derives weights from
// source coordinates (below ~40 here) formed in T, so a float weight can be off by 40 * 2^-23,
// ~5e-6, whatever its size; a tap with an exact weight of 0 next to the support (a neighbour chosen
// by a rounded floor) may be read with such a small weight too, hence the footprint. `tiny`
// absorbs results that are zero up to underflow.
template <class T>
struct tolerance;
template <>
struct tolerance<float> {
  static constexpr double rounding = 1e-5;
  static constexpr double weight = 1e-5;
  static constexpr double tiny = 1e-30;
};
template <>
struct tolerance<double> {
  static constexpr double rounding = 1e-12;
  static constexpr double weight = 1e-13;
  static constexpr double tiny = 1e-300;
};

template <class T>
const char* type_name() {
  return std::is_same_v<T, float> ? "float" : "double";
}

// The modes as the oracle distinguishes them: antialias changes the filter, so it is its own family.
enum class family { nearest, nearest_exact, linear, bilinear, bicubic, trilinear, area, aa_bilinear, aa_bicubic };
constexpr std::array<family, 9> all_families = {family::nearest,   family::nearest_exact, family::linear,
                                                family::bilinear,  family::bicubic,       family::trilinear,
                                                family::area,      family::aa_bilinear,   family::aa_bicubic};

const char* family_name(family f) {
  switch (f) {
    case family::nearest: return "nearest";
    case family::nearest_exact: return "nearest-exact";
    case family::linear: return "linear";
    case family::bilinear: return "bilinear";
    case family::bicubic: return "bicubic";
    case family::trilinear: return "trilinear";
    case family::area: return "area";
    case family::aa_bilinear: return "bilinear+antialias";
    case family::aa_bicubic: return "bicubic+antialias";
  }
  return "?";
}

resample::mode mode_of(family f) {
  switch (f) {
    case family::nearest: return resample::mode::nearest;
    case family::nearest_exact: return resample::mode::nearest_exact;
    case family::linear: return resample::mode::linear;
    case family::bilinear: case family::aa_bilinear: return resample::mode::bilinear;
    case family::bicubic: case family::aa_bicubic: return resample::mode::bicubic;
    case family::trilinear: return resample::mode::trilinear;
    case family::area: return resample::mode::area;
  }
  return resample::mode::nearest;
}

bool is_nearest(family f) { return f == family::nearest || f == family::nearest_exact; }
bool takes_align_corners(family f) { return !is_nearest(f) && f != family::area; }

template <class Number>
std::string to_text(const std::vector<Number>& values) {
  return resample::detail::format_dims(values);
}

struct random_case {
  family kind = family::nearest;
  resample::options opts;
  resample::dims input_shape;
  resample::dims output_shape;    // computed here, independently of the library
  std::vector<oracle::axis> axes;  // spatial axes, outermost first

  std::string describe() const {
    std::ostringstream out;
    out << family_name(kind) << " input " << to_text(input_shape);
    if (!opts.size.empty()) out << " size " << to_text(opts.size);
    if (!opts.scale_factor.empty()) out << " scale_factor " << to_text(opts.scale_factor);
    if (opts.recompute_scale_factor) out << " recompute_scale_factor";
    if (opts.align_corners) out << " align_corners=" << (*opts.align_corners ? "True" : "False");
    out << " -> " << to_text(output_shape);
    return out.str();
  }
};

// Ranks each family takes, drawn uniformly.
int draw_rank(family f, std::mt19937& rng) {
  switch (f) {
    case family::linear: return 3;
    case family::trilinear: return 5;
    case family::bilinear: case family::bicubic: case family::aa_bilinear: case family::aa_bicubic: return 4;
    default: return std::uniform_int_distribution<int>(3, 5)(rng);
  }
}

index_t draw_in_extent(std::mt19937& rng) {
  // Mostly small (borders matter most), sometimes up to 40.
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  if (u < 0.65) return std::uniform_int_distribution<index_t>(1, 10)(rng);
  return std::uniform_int_distribution<index_t>(11, 40)(rng);
}

// A scale factor for an axis of extent `in`, yielding an output extent of at least 1: simple
// ratios, ratios that keep or double the extent (the special cases), random up and down, and
// occasionally huge ratios either way.
double draw_scale(index_t in, std::mt19937& rng) {
  static constexpr std::array<double, 10> simple = {0.5, 2.0, 3.0, 1.5, 1.05, 0.999, 1.0 / 3.0, 2.05, 1.0, 0.75};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (;;) {
    const double u = unit(rng);
    double s = 0.0;
    if (u < 0.25) {
      s = simple[std::uniform_int_distribution<std::size_t>(0, simple.size() - 1)(rng)];
    } else if (u < 0.31) {
      s = std::exp(std::uniform_real_distribution<double>(std::log(20.0), std::log(150.0))(rng));
    } else if (u < 0.37) {
      s = std::exp(std::uniform_real_distribution<double>(std::log(0.02), std::log(0.1))(rng));
    } else {
      s = std::exp(std::uniform_real_distribution<double>(std::log(0.125), std::log(8.0))(rng));
    }
    if (oracle::output_extent(in, s) >= 1) return s;
  }
}

// An output extent for an explicit size: unchanged, random up or down, or a huge ratio.
index_t draw_out_extent(index_t in, std::mt19937& rng) {
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  if (u < 0.1) return in;
  if (u < 0.15) return std::uniform_int_distribution<index_t>(100, 300)(rng);
  if (u < 0.2) return std::uniform_int_distribution<index_t>(1, 2)(rng);
  return std::uniform_int_distribution<index_t>(1, 40)(rng);
}

index_t product(const resample::dims& d) {
  index_t p = 1;
  for (index_t v : d) p *= v;
  return p;
}

// Draws a case whose input and output each have at most `budget` elements.
random_case draw_case(family f, std::mt19937& rng) {
  constexpr index_t budget = 6000;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (;;) {
    random_case c;
    c.kind = f;
    c.opts.mode = mode_of(f);
    c.opts.antialias = f == family::aa_bilinear || f == family::aa_bicubic;
    const int rank = draw_rank(f, rng);
    const std::size_t spatial = static_cast<std::size_t>(rank - 2);
    c.input_shape = {std::uniform_int_distribution<index_t>(1, 3)(rng), std::uniform_int_distribution<index_t>(1, 3)(rng)};
    for (std::size_t a = 0; a < spatial; ++a) c.input_shape.push_back(draw_in_extent(rng));
    c.output_shape = c.input_shape;

    if (takes_align_corners(f)) {
      const double u = unit(rng);
      if (u < 0.35) c.opts.align_corners = false;
      else if (u < 0.7) c.opts.align_corners = true;
    }
    const bool by_scale = unit(rng) < 0.5;
    const bool repeated = unit(rng) < 0.25;  // one value for every axis, as PyTorch repeats a scalar
    if (by_scale) {
      c.opts.recompute_scale_factor = unit(rng) < 0.3;
      if (repeated) {
        // One scale must give every axis an output extent of at least 1.
        const index_t smallest = *std::min_element(c.input_shape.begin() + 2, c.input_shape.end());
        c.opts.scale_factor = {draw_scale(smallest, rng)};
      } else {
        for (std::size_t a = 0; a < spatial; ++a) c.opts.scale_factor.push_back(draw_scale(c.input_shape[2 + a], rng));
      }
    } else if (repeated) {
      c.opts.size = {draw_out_extent(c.input_shape[2], rng)};
    } else {
      for (std::size_t a = 0; a < spatial; ++a) c.opts.size.push_back(draw_out_extent(c.input_shape[2 + a], rng));
    }
    // Area always recomputes the scale from the sizes (PyTorch forces recompute_scale_factor).
    const bool kernel_sees_scale = by_scale && !c.opts.recompute_scale_factor && f != family::area;
    for (std::size_t a = 0; a < spatial; ++a) {
      oracle::axis axis;
      axis.in = c.input_shape[2 + a];
      if (by_scale) {
        const double s = c.opts.scale_factor[repeated ? 0 : a];
        axis.out = oracle::output_extent(axis.in, s);
        axis.scale = kernel_sees_scale ? s : 0.0;
      } else {
        axis.out = c.opts.size[repeated ? 0 : a];
      }
      c.output_shape[2 + a] = axis.out;
      c.axes.push_back(axis);
    }
    if (product(c.input_shape) <= budget && product(c.output_shape) <= budget) return c;
  }
}

// Per-axis oracle matrices (D, H, W; absent axes are 1 x 1 identities) and, for the interpolating
// families, the footprint radius (how far from the support a rounded floor may reach).
struct axis_maps {
  std::array<oracle::matrix, 3> weights;
  std::array<std::vector<std::vector<index_t>>, 3> accepted;  // nearest families only
  index_t radius = 0;
};

axis_maps build_maps(const random_case& c) {
  axis_maps maps;
  const bool ac = c.opts.align_corners.value_or(false);
  const std::size_t spatial = c.axes.size();
  for (std::size_t b = 0; b < 3; ++b) {
    maps.weights[b] = oracle::matrix::Identity(1, 1);
    maps.accepted[b] = {{0}};
  }
  // Cubic kernels have zero crossings one and two pixels from the centre; a rounded coordinate
  // reads those taps with weights of a few ulps instead of 0. Area windows are exact integers.
  maps.radius = (c.kind == family::bicubic || c.kind == family::aa_bicubic) ? 2 : (c.kind == family::area ? 0 : 1);
  for (std::size_t a = 0; a < spatial; ++a) {
    const std::size_t b = 3 - spatial + a;
    const oracle::axis& axis = c.axes[a];
    switch (c.kind) {
      case family::nearest: {
        oracle::selection s = oracle::nearest_selection(axis);
        maps.weights[b] = s.weights;
        maps.accepted[b] = s.accepted;
        break;
      }
      case family::nearest_exact: {
        oracle::selection s = oracle::nearest_exact_selection(axis);
        maps.weights[b] = s.weights;
        maps.accepted[b] = s.accepted;
        break;
      }
      case family::linear: case family::bilinear: case family::trilinear:
        maps.weights[b] = oracle::linear_matrix(axis, ac);
        break;
      case family::bicubic: maps.weights[b] = oracle::cubic_matrix(axis, ac); break;
      case family::aa_bilinear: maps.weights[b] = oracle::antialias_matrix(axis, ac, false); break;
      case family::aa_bicubic: maps.weights[b] = oracle::antialias_matrix(axis, ac, true); break;
      case family::area: maps.weights[b] = oracle::area_matrix(axis); break;
    }
  }
  return maps;
}

oracle::field as_field(const resample::dims& shape, std::vector<double> values) {
  oracle::field f;
  f.planes = shape[0] * shape[1];
  const std::size_t spatial = shape.size() - 2;
  for (std::size_t a = 0; a < spatial; ++a) f.extent[3 - spatial + a] = shape[2 + a];
  f.values = std::move(values);
  return f;
}

// Outcome of one family's run, for the summary line.
struct family_stats {
  int cases = 0;
  int failures = 0;
  index_t boundary_choices = 0;  // nearest outputs that took the other side of a rounding boundary
  double worst_fraction = 0.0;   // largest |error| / allowance seen
};

// One interpolating case: resample against oracle within the allowance above.
template <class T>
bool check_linear_map(const random_case& c, std::mt19937& rng, family_stats& stats) {
  const index_t count = product(c.input_shape);
  std::vector<T> x(static_cast<std::size_t>(count));
  std::vector<double> xd(x.size()), xa(x.size());
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0), exponent(-2.0, 2.0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    // Magnitudes spread over four decades, so that the allowance really is per tap.
    x[i] = static_cast<T>(mantissa(rng) * std::pow(10.0, exponent(rng)));
    xd[i] = static_cast<double>(x[i]);
    xa[i] = std::abs(xd[i]);
  }
  const resample::tensor<T> y = resample::interpolate(resample::tensor_view<const T>(x.data(), c.input_shape), c.opts);
  REQUIRE(y.extents() == c.output_shape);

  const axis_maps maps = build_maps(c);
  std::array<oracle::matrix, 3> magnitude, envelope;
  for (std::size_t b = 0; b < 3; ++b) {
    magnitude[b] = maps.weights[b].cwiseAbs();
    envelope[b] = magnitude[b] + tolerance<T>::weight * oracle::footprint(maps.weights[b], maps.radius);
  }
  const oracle::field expected = oracle::apply(as_field(c.input_shape, xd), maps.weights);
  const oracle::field size = oracle::apply(as_field(c.input_shape, xa), magnitude);
  const oracle::field reach = oracle::apply(as_field(c.input_shape, xa), envelope);

  index_t bad = 0;
  std::size_t first_bad = 0;
  for (std::size_t i = 0; i < expected.values.size(); ++i) {
    const double error = std::abs(static_cast<double>(y.values()[i]) - expected.values[i]);
    const double allowance =
        tolerance<T>::rounding * size.values[i] + (reach.values[i] - size.values[i]) + tolerance<T>::tiny;
    stats.worst_fraction = std::max(stats.worst_fraction, error / allowance);
    if (!(error <= allowance)) {
      if (bad++ == 0) first_bad = i;
    }
  }
  if (bad != 0) {
    INFO(type_name<T>() << ' ' << c.describe());
    INFO(bad << " of " << expected.values.size() << " outputs out of tolerance; first at flat output index "
              << first_bad << ": resample " << static_cast<double>(y.values()[first_bad]) << ", oracle "
              << expected.values[first_bad] << ", allowance "
              << tolerance<T>::rounding * size.values[first_bad] + (reach.values[first_bad] - size.values[first_bad]));
    CHECK(bad == 0);
  }
  return bad == 0;
}

// One nearest case: the input holds each element's flat index, so every output names the input
// element it copied; it must be the oracle's choice, or its neighbour across a rounding boundary.
template <class T>
bool check_selection(const random_case& c, family_stats& stats) {
  const index_t count = product(c.input_shape);
  std::vector<T> x(static_cast<std::size_t>(count));
  std::vector<double> xd(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<T>(i);  // exact: counts stay far below 2^24
    xd[i] = static_cast<double>(i);
  }
  const resample::tensor<T> y = resample::interpolate(resample::tensor_view<const T>(x.data(), c.input_shape), c.opts);
  REQUIRE(y.extents() == c.output_shape);

  const axis_maps maps = build_maps(c);
  const oracle::field expected = oracle::apply(as_field(c.input_shape, xd), maps.weights);
  const oracle::field in_field = as_field(c.input_shape, {});
  const std::array<index_t, 3> in_extent = in_field.extent;
  const std::array<index_t, 3> out_extent = expected.extent;
  const index_t in_plane = in_extent[0] * in_extent[1] * in_extent[2];
  const index_t out_plane = out_extent[0] * out_extent[1] * out_extent[2];

  const auto accepted = [&](std::size_t b, index_t o, index_t i) {
    const std::vector<index_t>& ok = maps.accepted[b][static_cast<std::size_t>(o)];
    return std::find(ok.begin(), ok.end(), i) != ok.end();
  };
  index_t bad = 0;
  std::size_t first_bad = 0;
  for (std::size_t i = 0; i < expected.values.size(); ++i) {
    const double got = static_cast<double>(y.values()[i]);
    if (got == expected.values[i]) continue;
    // Decode both positions: output (plane, od, oh, ow) and the input element actually copied.
    const index_t flat_out = static_cast<index_t>(i);
    const index_t p = flat_out / out_plane, r = flat_out % out_plane;
    const index_t od = r / (out_extent[1] * out_extent[2]), oh = (r / out_extent[2]) % out_extent[1],
                  ow = r % out_extent[2];
    const index_t flat_in = static_cast<index_t>(got);
    const index_t q = flat_in / in_plane, s = flat_in % in_plane;
    const index_t id = s / (in_extent[1] * in_extent[2]), ih = (s / in_extent[2]) % in_extent[1],
                  iw = s % in_extent[2];
    const bool ok = got >= 0.0 && got == std::floor(got) && flat_in < count && q == p && accepted(0, od, id) &&
                    accepted(1, oh, ih) && accepted(2, ow, iw);
    if (ok) {
      ++stats.boundary_choices;
    } else if (bad++ == 0) {
      first_bad = i;
    }
  }
  if (bad != 0) {
    INFO(type_name<T>() << ' ' << c.describe());
    INFO(bad << " outputs copied the wrong element; first at flat output index " << first_bad << ": resample copied "
              << static_cast<double>(y.values()[first_bad]) << ", oracle " << expected.values[first_bad]);
    CHECK(bad == 0);
  }
  return bad == 0;
}

}  // namespace

TEMPLATE_TEST_CASE("resample agrees with the dense-matrix oracle on random cases", "[oracle]", float, double) {
  using T = TestType;
  // Per family and type: enough to reach the borders, special cases and rare ratios many times.
  constexpr int cases_per_family = 400;
  constexpr int max_reported_failures = 10;
  std::ostringstream summary;
  summary << "[oracle] " << type_name<T>() << ": random cases checked per mode:";
  for (family f : all_families) {
    // Each family has its own fixed stream, so adding a family leaves the others' cases unchanged.
    std::mt19937 rng(20240611u + 7919u * static_cast<unsigned>(f) + (std::is_same_v<T, float> ? 0u : 104729u));
    family_stats stats;
    for (int k = 0; k < test_support::random_case_count(cases_per_family) && stats.failures < max_reported_failures; ++k) {
      const random_case c = draw_case(f, rng);
      const bool ok = is_nearest(f) ? check_selection<T>(c, stats) : check_linear_map<T>(c, rng, stats);
      ++stats.cases;
      if (!ok) ++stats.failures;
    }
    summary << ' ' << family_name(f) << ' ' << stats.cases;
    if (is_nearest(f)) {
      summary << " (" << stats.boundary_choices << " at a rounding boundary)";
    } else {
      summary << " (worst error " << std::setprecision(2) << stats.worst_fraction << " of allowance)";
    }
    summary << ';';
  }
  std::cout << summary.str() << '\n';
}

TEST_CASE("oracle: successive per-axis products equal the Kronecker product", "[oracle]") {
  std::mt19937 rng(12345u);
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  std::uniform_int_distribution<oracle::index_t> extent(1, 5);
  for (int k = 0; k < 200; ++k) {
    oracle::field x;
    x.planes = 2;
    std::array<oracle::matrix, 3> m;
    for (std::size_t b = 0; b < 3; ++b) {
      x.extent[b] = extent(rng);
      m[b] = oracle::matrix::NullaryExpr(extent(rng), x.extent[b], [&] { return value(rng); });
    }
    x.values.resize(static_cast<std::size_t>(x.planes * x.extent[0] * x.extent[1] * x.extent[2]));
    for (double& v : x.values) v = value(rng);
    const oracle::field a = oracle::apply(x, m);
    const oracle::field b = oracle::apply_kronecker(x, m);
    REQUIRE(a.extent == b.extent);
    REQUIRE(a.values.size() == b.values.size());
    for (std::size_t i = 0; i < a.values.size(); ++i) REQUIRE(a.values[i] == Approx(b.values[i]).margin(1e-12));
  }
}

TEST_CASE("oracle: matrices reproduce documented PyTorch values", "[oracle]") {
  using oracle::axis;
  SECTION("every interpolating row sums to one") {
    for (oracle::index_t in = 1; in <= 9; ++in) {
      for (oracle::index_t out = 1; out <= 9; ++out) {
        const axis a{in, out, 0.0};
        for (bool ac : {false, true}) {
          for (const oracle::matrix& m : {oracle::linear_matrix(a, ac), oracle::cubic_matrix(a, ac),
                                          oracle::antialias_matrix(a, ac, false), oracle::antialias_matrix(a, ac, true)}) {
            for (oracle::index_t o = 0; o < out; ++o) REQUIRE(m.row(o).sum() == Approx(1.0).margin(1e-14));
          }
        }
        const oracle::matrix m = oracle::area_matrix(a);
        for (oracle::index_t o = 0; o < out; ++o) REQUIRE(m.row(o).sum() == Approx(1.0).margin(1e-14));
      }
    }
  }
  SECTION("linear 2 -> 4: quarter steps, clamped borders") {
    const oracle::matrix m = oracle::linear_matrix(axis{2, 4, 0.0}, false);
    const double expected[4][2] = {{1, 0}, {0.75, 0.25}, {0.25, 0.75}, {0, 1}};
    for (int o = 0; o < 4; ++o)
      for (int i = 0; i < 2; ++i) CHECK(m(o, i) == Approx(expected[o][i]).margin(1e-15));
  }
  SECTION("output size 1 samples the centre (2 x 2 -> 1 gives 2.5 for 1, 2, 3, 4)") {
    const oracle::matrix m = oracle::linear_matrix(axis{2, 1, 0.0}, false);
    CHECK(m(0, 0) == Approx(0.5));
    CHECK(m(0, 1) == Approx(0.5));
    const oracle::matrix corner = oracle::linear_matrix(axis{2, 1, 0.0}, true);
    CHECK(corner(0, 0) == 1.0);
  }
  SECTION("an unchanged extent copies even with a user scale (issue #70559)") {
    CHECK(oracle::linear_matrix(axis{10, 10, 1.05}, false) == oracle::matrix::Identity(10, 10));
  }
  SECTION("bicubic midpoint weights for a = -0.75") {
    const oracle::matrix m = oracle::cubic_matrix(axis{8, 4, 0.0}, false);
    // 8 -> 4 at o = 1: coordinate 2.5, taps 1..4 at distances 1.5, 0.5, 0.5, 1.5.
    CHECK(m(1, 1) == Approx(-0.09375));
    CHECK(m(1, 2) == Approx(0.59375));
    CHECK(m(1, 3) == Approx(0.59375));
    CHECK(m(1, 4) == Approx(-0.09375));
  }
  SECTION("area windows overlap when out does not divide in") {
    const oracle::matrix m = oracle::area_matrix(axis{5, 3, 0.0});
    // Windows [0, 2), [1, 4), [3, 5).
    CHECK(m(0, 0) == 0.5);
    CHECK(m(0, 1) == 0.5);
    CHECK(m(1, 1) == Approx(1.0 / 3.0));
    CHECK(m(1, 3) == Approx(1.0 / 3.0));
    CHECK(m(2, 3) == 0.5);
    CHECK(m(2, 4) == 0.5);
  }
  SECTION("nearest 14 -> 46 at o = 23 is exactly on a boundary; both sides are accepted") {
    const oracle::selection s = oracle::nearest_selection(axis{14, 46, 0.0});
    CHECK(s.weights(23, 7) == 1.0);
    CHECK(s.accepted[23] == std::vector<oracle::index_t>{7, 6});
  }
  SECTION("nearest-exact rounds half up") {
    // 2 -> 4: centres 0.25, 0.75, 1.25, 1.75 in units of the input: pixels 0, 0, 1, 1.
    const oracle::selection s = oracle::nearest_exact_selection(axis{2, 4, 0.0});
    for (int o = 0; o < 4; ++o) CHECK(s.weights(o, o / 2) == 1.0);
  }
}

namespace {

// The separable passes as ATen's kernels define them, one output at a time and in T: the W pass
// into an intermediate, then the H pass, each output acc = x0 * w0; acc += xj * wj.
template <class T>
std::vector<T> separable_reference(const std::vector<T>& input, const resample::dims& shape,
                                   const resample::options& opts) {
  namespace detail = resample::detail;
  const detail::geometry geometry = detail::resolve_geometry(shape, opts);
  const auto table = [&](const detail::axis_geometry& axis) {
    const bool cubic = opts.mode == resample::mode::bicubic;
    if (geometry.antialias) return detail::antialias_table<T>(axis, geometry.align_corners, cubic);
    return cubic ? detail::cubic_table<T>(axis, geometry.align_corners)
                 : detail::linear_table<T>(axis, geometry.align_corners);
  };
  const detail::axis_table<T> h = table(geometry.axes[0]);
  const detail::axis_table<T> w = table(geometry.axes[1]);
  const index_t planes = shape[0] * shape[1];
  std::vector<T> across(static_cast<std::size_t>(h.in * w.out));
  std::vector<T> out(static_cast<std::size_t>(planes * h.out * w.out));
  for (index_t p = 0; p < planes; ++p) {
    const T* plane = input.data() + p * h.in * w.in;
    for (index_t y = 0; y < h.in; ++y) {
      for (index_t o = 0; o < w.out; ++o) {
        T acc = plane[y * w.in + w.indices(o)[0]] * w.weights(o)[0];
        for (int j = 1; j < w.count[o]; ++j) acc += plane[y * w.in + w.indices(o)[j]] * w.weights(o)[j];
        across[static_cast<std::size_t>(y * w.out + o)] = acc;
      }
    }
    for (index_t o = 0; o < h.out; ++o) {
      for (index_t x = 0; x < w.out; ++x) {
        const auto row = [&](int j) { return across[static_cast<std::size_t>(h.indices(o)[j] * w.out + x)]; };
        T acc = row(0) * h.weights(o)[0];
        for (int j = 1; j < h.count[o]; ++j) acc += row(j) * h.weights(o)[j];
        out[static_cast<std::size_t>((p * h.out + o) * w.out + x)] = acc;
      }
    }
  }
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("large images: every pass, instruction set and thread count gives the scalar separable bits",
                   "[oracle][paths]", float, double) {
  // Images wide enough for the lane-permuting and packed-row W passes and for several chunks per
  // plane, resampled up and down with and without antialias; planar and channels-last with few
  // channels (rows of interleaved values) and many (channel vectors).
  using T = TestType;
  using resample::mode;
  struct shape_case {
    resample::dims input;
    mode m;
    bool antialias;
    std::optional<bool> align_corners;
    std::vector<index_t> size;
    std::vector<double> scale;
  };
  const std::vector<shape_case> cases = {
      {{1, 2, 37, 45}, mode::bilinear, false, {}, {}, {2.0}},
      {{1, 2, 29, 52}, mode::bilinear, false, true, {57, 103}, {}},
      {{1, 2, 31, 40}, mode::bicubic, false, {}, {}, {2.0}},
      {{1, 2, 23, 41}, mode::bicubic, false, {}, {40, 70}, {}},
      {{1, 2, 120, 90}, mode::bilinear, false, {}, {37, 41}, {}},
      {{1, 2, 96, 100}, mode::bilinear, true, {}, {}, {0.5}},
      {{1, 2, 150, 131}, mode::bilinear, true, {}, {47, 115}, {}},
      {{1, 2, 160, 140}, mode::bicubic, true, {}, {50, 44}, {}},
      {{1, 2, 40, 36}, mode::bicubic, true, {}, {71, 64}, {}},
  };
  std::mt19937 rng(31337u);
  std::uniform_real_distribution<double> value(-4.0, 4.0);
  resample::thread_pool pool(2);
  const resample::executor pool_executor = [&pool](std::int64_t count, const std::function<void(std::int64_t)>& task) {
    pool(count, task);
  };
  for (const shape_case& sc : cases) {
    for (index_t channels : {index_t{1}, index_t{3}, index_t{2}, index_t{4}, index_t{11}}) {
      resample::dims shape = sc.input;
      shape[1] = channels;
      resample::options opts;
      opts.mode = sc.m;
      opts.antialias = sc.antialias;
      opts.align_corners = sc.align_corners;
      opts.size = sc.size;
      opts.scale_factor = sc.scale;
      std::vector<T> logical(static_cast<std::size_t>(shape[0] * shape[1] * shape[2] * shape[3]));
      for (T& v : logical) v = static_cast<T>(value(rng));
      const std::vector<T> expected = separable_reference(logical, shape, opts);
      // The same values stored channels-last.
      std::vector<T> interleaved(logical.size());
      const resample::tensor_view<T> cl = resample::channels_last_view(interleaved.data(), shape);
      for (index_t c = 0; c < shape[1]; ++c)
        for (index_t y = 0; y < shape[2]; ++y)
          for (index_t x = 0; x < shape[3]; ++x)
            cl(0, c, y, x) = logical[static_cast<std::size_t>((c * shape[2] + y) * shape[3] + x)];
      const resample::plan<T> plan(shape, opts);
      for (bool channels_last : {false, true}) {
        const resample::tensor_view<const T> input =
            channels_last ? resample::channels_last_view<const T>(interleaved.data(), shape)
                          : resample::tensor_view<const T>(logical.data(), shape);
        for (resample::instruction_set isa : {resample::instruction_set::portable, resample::instruction_set::sse2,
                                              resample::instruction_set::avx2}) {
          if (!resample::is_supported(isa)) continue;
          for (int threads : {1, 3}) {
            resample::execution exec;
            exec.isa = isa;
            exec.max_threads = threads;
            if (threads > 1) {
              exec.pool = pool_executor;
              exec.min_parallel_elements = 0;
              exec.grain_elements = 997;
            }
            // Channels-last in, channels-last out (the output read back in logical order).
            const resample::dims out_shape = plan.output_shape();
            std::vector<T> stored(expected.size());
            const resample::tensor_view<T> output = channels_last
                                                        ? resample::channels_last_view(stored.data(), out_shape)
                                                        : resample::tensor_view<T>(stored.data(), out_shape);
            plan.execute(input, output, exec);
            std::vector<T> got;
            for (index_t c = 0; c < out_shape[1]; ++c)
              for (index_t y = 0; y < out_shape[2]; ++y)
                for (index_t x = 0; x < out_shape[3]; ++x) got.push_back(output(0, c, y, x));
            INFO(type_name<T>() << ' ' << resample::to_string(sc.m) << (sc.antialias ? "+antialias" : "") << " input "
                                << resample::detail::format_dims(shape) << " -> "
                                << resample::detail::format_dims(plan.output_shape())
                                << (channels_last ? " channels-last" : " contiguous") << ", instruction set "
                                << static_cast<int>(isa) << ", threads " << threads);
            REQUIRE(got.size() == expected.size());
            CHECK(std::memcmp(got.data(), expected.data(), expected.size() * sizeof(T)) == 0);
          }
        }
      }
    }
  }
}

}  // namespace oracle_tests
