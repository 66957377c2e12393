// SPDX-License-Identifier: MIT
// interpolate_backward: PyTorch's gradients (tests/golden_backward, made by
// make_backward_goldens.py), the transpose of the independent dense oracle on random shapes, a
// finite-difference check of the linear modes, the vectorised paths against the scalar gather on
// larger shapes, and layout, thread-count, instruction-set and error checks.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include "oracle.hpp"
#include "random_cases.hpp"

namespace backward_tests {

namespace {

using resample::dims;
using resample::index_t;

// The one tolerance of this file: |got - expected| <= tolerance<T> * scale, where scale is
// max(|expected|, sum over the element's terms of |weight * grad_output|). That bounds the
// rounding of any summation order over those terms, so it accepts an exact reordering of
// PyTorch's sums while a wrong index or weight (an error of the order of one term) fails.
template <class T>
constexpr double tolerance = 1e-5;
template <>
constexpr double tolerance<double> = 1e-12;

// grad_output values of a golden case, the same integer formula as make_backward_goldens.py.
std::vector<double> grad_output_values(index_t count, std::uint64_t seed) {
  std::vector<double> v(static_cast<std::size_t>(count));
  for (index_t k = 0; k < count; ++k) {
    const std::uint64_t u = (static_cast<std::uint64_t>(k) * 2654435761ull + seed * 97531ull + 12345ull) % (1ull << 32);
    v[static_cast<std::size_t>(k)] = (static_cast<double>(u) - 2147483648.0) / 1073741824.0;
  }
  return v;
}

index_t count_of(const dims& shape) {
  index_t n = 1;
  for (index_t e : shape) n *= e;
  return n;
}

std::string text_of(const dims& shape) {
  std::ostringstream s;
  for (std::size_t i = 0; i < shape.size(); ++i) s << (i ? "x" : "") << shape[i];
  return s.str();
}

// ---------------------------------------------------------------------------------------------
// Golden data

struct golden_case {
  std::string line;
  std::string group;
  resample::options opts;
  bool is_float = true;
  dims input_shape;
  dims output_shape;
  std::uint64_t seed = 0;
  std::size_t offset = 0;
};

dims parse_shape(const std::string& text) {
  dims d;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, 'x')) d.push_back(std::stoll(item));
  return d;
}

template <class Number>
std::vector<Number> parse_list(const std::string& text) {
  std::vector<Number> values;
  if (text == "-") return values;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) values.push_back(static_cast<Number>(std::stod(item)));
  return values;
}

struct golden_set {
  std::vector<golden_case> cases;
  std::vector<char> bytes;
};

golden_set load_goldens() {
  const std::string dir = RESAMPLE_BACKWARD_GOLDEN_DIR;
  golden_set set;
  std::ifstream blob(dir + "/grads.bin", std::ios::binary);
  REQUIRE(blob);
  set.bytes.assign(std::istreambuf_iterator<char>(blob), std::istreambuf_iterator<char>());
  std::ifstream manifest(dir + "/cases.txt");
  REQUIRE(manifest);
  std::string line;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string id, group, mode, dtype, in_shape, size, scale, align, recompute, antialias, out_shape;
    golden_case c;
    fields >> id >> group >> mode >> dtype >> in_shape >> size >> scale >> align >> recompute >> antialias >> out_shape >>
        c.seed >> c.offset;
    REQUIRE(fields);
    c.line = line;
    c.group = group;
    c.opts.mode = resample::parse_mode(mode);
    c.opts.size = parse_list<index_t>(size);
    c.opts.scale_factor = parse_list<double>(scale);
    if (align != "-") c.opts.align_corners = align == "1";
    c.opts.recompute_scale_factor = recompute == "1";
    c.opts.antialias = antialias == "1";
    c.is_float = dtype == "f32";
    c.input_shape = parse_shape(in_shape);
    c.output_shape = parse_shape(out_shape);
    REQUIRE(c.offset + static_cast<std::size_t>(count_of(c.input_shape)) * (c.is_float ? 4 : 8) <= set.bytes.size());
    set.cases.push_back(c);
  }
  return set;
}

const golden_set& goldens() {
  static const golden_set set = load_goldens();
  return set;
}

// ---------------------------------------------------------------------------------------------
// The oracle: the transpose of the dense per-axis matrices of tests/oracle.hpp.

std::array<oracle::matrix, 3> oracle_matrices(const dims& input_shape, const resample::options& opts) {
  const resample::dims out_shape = resample::output_shape(input_shape, opts);
  const int spatial = static_cast<int>(input_shape.size()) - 2;
  const bool recompute = opts.recompute_scale_factor || opts.mode == resample::mode::area;
  const bool align = opts.align_corners.value_or(false);
  std::array<oracle::matrix, 3> m{oracle::matrix::Identity(1, 1), oracle::matrix::Identity(1, 1),
                                  oracle::matrix::Identity(1, 1)};
  // PyTorch's bicubic backward copies when no extent changes, even where a user scale makes the
  // forward interpolate; the gradient is then the identity.
  bool unchanged = opts.mode == resample::mode::bicubic && !opts.antialias;
  for (std::size_t r = 2; r < input_shape.size(); ++r) unchanged = unchanged && out_shape[r] == input_shape[r];
  for (int a = 0; a < spatial && unchanged; ++a) {
    const index_t in = input_shape[static_cast<std::size_t>(2 + a)];
    m[static_cast<std::size_t>(3 - spatial + a)] = oracle::matrix::Identity(in, in);
  }
  if (unchanged) return m;
  for (int a = 0; a < spatial; ++a) {
    oracle::axis ax;
    ax.in = input_shape[static_cast<std::size_t>(2 + a)];
    ax.out = out_shape[static_cast<std::size_t>(2 + a)];
    if (!opts.scale_factor.empty() && !recompute) {
      ax.scale = opts.scale_factor.size() == 1 ? opts.scale_factor[0] : opts.scale_factor[static_cast<std::size_t>(a)];
    }
    oracle::matrix w;
    switch (opts.mode) {
      case resample::mode::nearest: w = oracle::nearest_selection(ax).weights; break;
      case resample::mode::nearest_exact: w = oracle::nearest_exact_selection(ax).weights; break;
      case resample::mode::area: w = oracle::area_matrix(ax); break;
      case resample::mode::bicubic:
        w = opts.antialias ? oracle::antialias_matrix(ax, align, true) : oracle::cubic_matrix(ax, align);
        break;
      default:
        w = opts.antialias ? oracle::antialias_matrix(ax, align, false) : oracle::linear_matrix(ax, align);
        break;
    }
    m[static_cast<std::size_t>(3 - spatial + a)] = w.transpose();
  }
  return m;
}

oracle::field field_of(const dims& shape, const std::vector<double>& values) {
  oracle::field f;
  const int spatial = static_cast<int>(shape.size()) - 2;
  f.planes = shape[0] * shape[1];
  for (int a = 0; a < spatial; ++a) f.extent[static_cast<std::size_t>(3 - spatial + a)] = shape[static_cast<std::size_t>(2 + a)];
  f.values = values;
  return f;
}

// The transposed map applied to grad_output, and to |grad_output| through |matrices|: the
// reference gradient and the per-element scale of the tolerance.
struct reference {
  std::vector<double> value;
  std::vector<double> scale;
};

reference oracle_gradient(const dims& input_shape, const resample::options& opts, const std::vector<double>& g) {
  const dims out_shape = resample::output_shape(input_shape, opts);
  std::array<oracle::matrix, 3> m = oracle_matrices(input_shape, opts);
  reference r;
  r.value = oracle::apply(field_of(out_shape, g), m).values;
  std::vector<double> magnitude(g.size());
  std::transform(g.begin(), g.end(), magnitude.begin(), [](double v) { return std::abs(v); });
  for (auto& matrix : m) matrix = matrix.cwiseAbs();
  r.scale = oracle::apply(field_of(out_shape, magnitude), m).values;
  return r;
}

// A view of fresh memory with the given extents, padded by one element per axis, optionally
// channels-last and with the last axis flipped: an awkward layout for the same logical tensor.
template <class T>
struct awkward {
  std::vector<T> storage;
  resample::tensor_view<T> view;

  awkward(const dims& extents, bool channels_last, bool flip_last) {
    dims padded = extents;
    for (auto& e : padded) e += 1;
    const dims strides = channels_last ? resample::channels_last_strides(padded) : resample::contiguous_strides(padded);
    storage.assign(static_cast<std::size_t>(count_of(padded)), T(-77));
    dims s = strides;
    T* base = storage.data();
    if (flip_last) {
      const std::size_t last = extents.size() - 1;
      base += (extents[last] - 1) * strides[last];
      s[last] = -strides[last];
    }
    view = resample::tensor_view<T>(base, extents, s);
  }
};

template <class T>
std::vector<T> contiguous_copy(const resample::tensor_view<T>& v) {
  std::vector<T> out;
  const dims e = v.extents();
  const int rank = v.rank();
  std::array<index_t, 5> ext{1, 1, 1, 1, 1};
  for (int r = 0; r < rank; ++r) ext[static_cast<std::size_t>(5 - rank + r)] = e[static_cast<std::size_t>(r)];
  std::array<index_t, 5> st{0, 0, 0, 0, 0};
  for (int r = 0; r < rank; ++r) st[static_cast<std::size_t>(5 - rank + r)] = v.stride(r);
  for (index_t a = 0; a < ext[0]; ++a)
    for (index_t b = 0; b < ext[1]; ++b)
      for (index_t c = 0; c < ext[2]; ++c)
        for (index_t d = 0; d < ext[3]; ++d)
          for (index_t f = 0; f < ext[4]; ++f)
            out.push_back(v.data_handle()[a * st[0] + b * st[1] + c * st[2] + d * st[3] + f * st[4]]);
  return out;
}

template <class T>
void fill_view(const resample::tensor_view<T>& v, const std::vector<T>& values) {
  const dims e = v.extents();
  const int rank = v.rank();
  std::array<index_t, 5> ext{1, 1, 1, 1, 1};
  std::array<index_t, 5> st{0, 0, 0, 0, 0};
  for (int r = 0; r < rank; ++r) {
    ext[static_cast<std::size_t>(5 - rank + r)] = e[static_cast<std::size_t>(r)];
    st[static_cast<std::size_t>(5 - rank + r)] = v.stride(r);
  }
  std::size_t k = 0;
  for (index_t a = 0; a < ext[0]; ++a)
    for (index_t b = 0; b < ext[1]; ++b)
      for (index_t c = 0; c < ext[2]; ++c)
        for (index_t d = 0; d < ext[3]; ++d)
          for (index_t f = 0; f < ext[4]; ++f)
            v.data_handle()[a * st[0] + b * st[1] + c * st[2] + d * st[3] + f * st[4]] = values[k++];
}

struct golden_stats {
  int cases = 0;
  int exact = 0;
  double worst = 0.0;
};

template <class T>
void check_golden(const golden_set& set, const golden_case& c, std::map<std::string, golden_stats>& stats) {
  INFO(c.line);
  const std::vector<double> g64 = grad_output_values(count_of(c.output_shape), c.seed);
  std::vector<T> g(g64.begin(), g64.end());
  const std::size_t n = static_cast<std::size_t>(count_of(c.input_shape));
  std::vector<T> expected(n);
  std::memcpy(expected.data(), set.bytes.data() + c.offset, n * sizeof(T));

  const resample::backward_plan<T> plan(c.input_shape, c.opts);
  REQUIRE(plan.output_shape() == c.output_shape);
  resample::tensor<T> got(c.input_shape);
  plan.execute(resample::tensor_view<const T>(g.data(), c.output_shape), got.view());

  // The same through a channels-last grad_output and a padded, flipped grad_input: same bits.
  awkward<T> go(c.output_shape, true, false);
  fill_view(go.view, g);
  awkward<T> gi(c.input_shape, false, true);
  plan.execute(go.view, gi.view);
  REQUIRE(contiguous_copy(gi.view) == got.values());
  // A flipped grad_output (negative W stride) takes the scalar gather: same bits.
  awkward<T> flipped(c.output_shape, false, true);
  fill_view(flipped.view, g);
  resample::tensor<T> gathered(c.input_shape);
  plan.execute(flipped.view, gathered.view());
  REQUIRE(gathered.values() == got.values());

  std::vector<double> g_as_t(g.begin(), g.end());
  const reference ref = oracle_gradient(c.input_shape, c.opts, g_as_t);
  double worst = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = static_cast<double>(expected[i]);
    const double scale = std::max({std::abs(e), ref.scale[i], 1e-300});
    worst = std::max(worst, std::abs(static_cast<double>(got.values()[i]) - e) / scale);
  }
  CHECK(worst <= tolerance<T>);
  std::string key = std::string(resample::to_string(c.opts.mode)) + (c.opts.antialias ? "+aa" : "") +
                    (c.is_float ? " f32" : " f64");
  golden_stats& s = stats[key];
  ++s.cases;
  s.exact += std::memcmp(got.data(), expected.data(), n * sizeof(T)) == 0 ? 1 : 0;
  s.worst = std::max(s.worst, worst);
}

}  // namespace

TEST_CASE("backward matches PyTorch's autograd on every golden case", "[backward][golden]") {
  const golden_set& set = goldens();
  REQUIRE(set.cases.size() > 300);
  std::map<std::string, golden_stats> stats;
  for (const golden_case& c : set.cases) {
    if (c.is_float) {
      check_golden<float>(set, c, stats);
    } else {
      check_golden<double>(set, c, stats);
    }
  }
  int exact = 0;
  std::ostringstream report;
  for (const auto& [key, s] : stats) {
    exact += s.exact;
    report << key << ": " << s.exact << "/" << s.cases << " bit-exact, max rel error " << s.worst << "\n";
  }
  INFO(report.str());
  // Every case is expected to be bit-exact: every path adds ATen's terms in ATen's order. The
  // goldens run the row path (unit-stride and strided gradients) and the scalar gather; the
  // paths test below holds the channel path and full vectors to the gather's bits.
  CHECK(exact == static_cast<int>(set.cases.size()));
}

namespace {

struct random_case {
  dims shape;
  resample::options opts;
};

// `large` gives extents up to a few dozen, so that the vectorised paths have full vectors,
// affine interiors (exact factors 2 and 1/2 are drawn often) and border columns.
random_case make_random_case(std::mt19937& rng, bool large = false) {
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  random_case c;
  const resample::mode modes[] = {resample::mode::nearest,  resample::mode::nearest_exact, resample::mode::linear,
                                  resample::mode::bilinear, resample::mode::bicubic,       resample::mode::trilinear,
                                  resample::mode::area};
  c.opts.mode = modes[pick(0, 6)];
  const std::size_t needed = resample::detail::required_rank(c.opts.mode);
  const int rank = needed != 0 ? static_cast<int>(needed) : pick(3, 5);
  const int spatial = rank - 2;
  if (large) {
    // 70 channels reach the channels-last loop that streams long runs of channels.
    const int channels[] = {1, 3, 9, 17, 70};
    c.shape = {pick(1, 2), channels[pick(0, 4)]};
    const int widest[] = {90, 40, 12};
    const int cap = c.shape[1] == 70 ? 10 : 1000;
    for (int a = 0; a < spatial; ++a)
      c.shape.push_back(std::min(cap, pick(1, a + 1 == spatial ? widest[spatial - 1] + 30 : widest[spatial - 1])));
  } else {
    c.shape = {pick(1, 2), pick(1, 3)};
    for (int a = 0; a < spatial; ++a) c.shape.push_back(pick(1, spatial == 3 ? 7 : 14));
  }
  if (resample::takes_align_corners(c.opts.mode) && pick(0, 2) > 0) c.opts.align_corners = pick(0, 1) == 1;
  if ((c.opts.mode == resample::mode::bilinear || c.opts.mode == resample::mode::bicubic) && pick(0, 2) == 0) {
    c.opts.antialias = true;
  }
  const bool nearest = c.opts.mode == resample::mode::nearest || c.opts.mode == resample::mode::nearest_exact;
  if (large && pick(0, 2) == 0) {
    c.opts.scale_factor = {pick(0, 1) == 0 ? 2.0 : 0.5};
    for (int a = 2; a < rank; ++a) c.shape[static_cast<std::size_t>(a)] = std::max<index_t>(c.shape[static_cast<std::size_t>(a)], 2);
  } else if (nearest || pick(0, 1) == 0) {
    // Nearest backward uses its own float index with special cases that ignore a user scale;
    // the oracle is compared on sizes, where both agree away from rounding boundaries.
    for (int a = 0; a < spatial; ++a) {
      const index_t in = c.shape[static_cast<std::size_t>(2 + a)];
      c.opts.size.push_back(large ? std::max<index_t>(1, static_cast<index_t>(std::uniform_real_distribution<double>(0.2, 3.5)(rng) * static_cast<double>(in)))
                                  : pick(1, spatial == 3 ? 9 : 20));
    }
  } else {
    for (int a = 0; a < spatial; ++a) {
      const double s = std::uniform_real_distribution<double>(0.3, 3.2)(rng);
      const double in = static_cast<double>(c.shape[static_cast<std::size_t>(2 + a)]);
      c.opts.scale_factor.push_back(std::floor(in * s) >= 1.0 ? s : 1.0 / in + 0.01);
    }
    c.opts.recompute_scale_factor = pick(0, 1) == 1;
  }
  return c;
}

// True when an exact nearest coordinate lies near a rounding boundary, where a float index may
// legitimately land on either side.
bool nearest_is_ambiguous(const random_case& c) {
  const dims out = resample::output_shape(c.shape, c.opts);
  for (std::size_t a = 2; a < c.shape.size(); ++a) {
    oracle::axis ax{c.shape[a], out[a], 0.0};
    const oracle::selection s = c.opts.mode == resample::mode::nearest ? oracle::nearest_selection(ax)
                                                                       : oracle::nearest_exact_selection(ax);
    for (const auto& ok : s.accepted) {
      if (ok.size() > 1) return true;
    }
  }
  return false;
}

template <class T>
std::vector<T> random_values(std::mt19937& rng, index_t count) {
  std::uniform_real_distribution<double> uniform(-2.0, 2.0);
  std::vector<T> v(static_cast<std::size_t>(count));
  for (auto& x : v) x = static_cast<T>(uniform(rng));
  return v;
}

}  // namespace

TEMPLATE_TEST_CASE("backward is the transpose of the dense oracle on random shapes", "[backward][oracle]", float,
                   double) {
  std::mt19937 rng(424242);
  int compared = 0;
  for (int iteration = 0; iteration < test_support::random_case_count(400); ++iteration) {
    const random_case c = make_random_case(rng);
    const bool nearest = c.opts.mode == resample::mode::nearest || c.opts.mode == resample::mode::nearest_exact;
    if (nearest && nearest_is_ambiguous(c)) continue;
    const dims out = resample::output_shape(c.shape, c.opts);
    const std::vector<TestType> g = random_values<TestType>(rng, count_of(out));
    const resample::tensor<TestType> got =
        resample::interpolate_backward(resample::tensor_view<const TestType>(g.data(), out), c.shape, c.opts);
    const reference ref = oracle_gradient(c.shape, c.opts, std::vector<double>(g.begin(), g.end()));
    INFO("mode " << resample::to_string(c.opts.mode) << (c.opts.antialias ? " antialias" : "") << ", input "
                 << text_of(c.shape) << ", output " << text_of(out) << ", align_corners "
                 << (c.opts.align_corners ? (*c.opts.align_corners ? "True" : "False") : "None")
                 << ", scale_factor " << c.opts.scale_factor.size());
    // A weight the oracle has as exactly 0 can be a few ulps in PyTorch (its coordinate is
    // rounded), so the scale also has a floor of the largest |grad_output|.
    double largest = 1e-300;
    for (TestType v : g) largest = std::max(largest, std::abs(static_cast<double>(v)));
    double worst = 0.0;
    for (std::size_t i = 0; i < ref.value.size(); ++i) {
      const double scale = std::max({std::abs(ref.value[i]), ref.scale[i], largest});
      worst = std::max(worst, std::abs(static_cast<double>(got.values()[i]) - ref.value[i]) / scale);
    }
    CHECK(worst <= tolerance<TestType>);
    ++compared;
  }
  CHECK(compared > test_support::random_case_count(400) * 3 / 4);
}

TEST_CASE("backward of the linear modes agrees with central differences of the forward", "[backward][fd]") {
  std::mt19937 rng(77);
  const resample::mode modes[] = {resample::mode::linear, resample::mode::bilinear, resample::mode::trilinear,
                                  resample::mode::bilinear};
  for (int iteration = 0; iteration < 24; ++iteration) {
    resample::options opts;
    opts.mode = modes[iteration % 4];
    opts.antialias = iteration % 4 == 3;
    if (iteration % 3 == 0) opts.align_corners = true;
    const int spatial = static_cast<int>(resample::detail::required_rank(opts.mode)) - 2;
    dims shape{1, 2};
    for (int a = 0; a < spatial; ++a) shape.push_back(std::uniform_int_distribution<int>(1, 5)(rng));
    for (int a = 0; a < spatial; ++a) opts.size.push_back(std::uniform_int_distribution<int>(1, 7)(rng));
    const dims out = resample::output_shape(shape, opts);
    std::vector<double> x = random_values<double>(rng, count_of(shape));
    const std::vector<double> g = random_values<double>(rng, count_of(out));
    const resample::plan<double> forward(shape, opts);
    const auto loss = [&](const std::vector<double>& input) {
      resample::tensor<double> y(out);
      forward.execute(resample::tensor_view<const double>(input.data(), shape), y.view());
      double sum = 0.0;
      for (std::size_t i = 0; i < g.size(); ++i) sum += g[i] * y.values()[i];
      return sum;
    };
    const resample::tensor<double> grad =
        resample::interpolate_backward(resample::tensor_view<const double>(g.data(), out), shape, opts);
    INFO("mode " << resample::to_string(opts.mode) << ", input " << text_of(shape) << ", output " << text_of(out));
    constexpr double h = 1e-3;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double saved = x[i];
      x[i] = saved + h;
      const double up = loss(x);
      x[i] = saved - h;
      const double down = loss(x);
      x[i] = saved;
      // The loss is linear in x, so the central difference is exact up to rounding.
      CHECK(std::abs((up - down) / (2 * h) - grad.values()[i]) <= 1e-9);
    }
  }
}

TEMPLATE_TEST_CASE("backward gives the same bits for any thread count and layout", "[backward][threads]", float,
                   double) {
  std::mt19937 rng(9001);
  resample::thread_pool pool(3);
  resample::execution threaded;
  threaded.pool = [&pool](std::int64_t count, const std::function<void(std::int64_t)>& task) { pool(count, task); };
  threaded.max_threads = 3;
  threaded.min_parallel_elements = 0;
  resample::execution serial;
  serial.max_threads = 1;
  const resample::instruction_set sets[] = {resample::instruction_set::portable, resample::instruction_set::sse2,
                                            resample::instruction_set::avx2};
  for (int iteration = 0; iteration < test_support::random_case_count(300); ++iteration) {
    const random_case c = make_random_case(rng, iteration % 2 == 1);
    const dims out = resample::output_shape(c.shape, c.opts);
    const std::vector<TestType> g = random_values<TestType>(rng, count_of(out));
    const resample::backward_plan<TestType> plan(c.shape, c.opts);
    resample::tensor<TestType> expected(c.shape);
    plan.execute(resample::tensor_view<const TestType>(g.data(), out), expected.view(), serial);

    threaded.grain_elements = 1 + static_cast<std::int64_t>(rng() % 13);
    threaded.isa = sets[iteration % 3];
    if (!resample::is_supported(threaded.isa)) threaded.isa = resample::instruction_set::portable;
    // Layouts reach the three paths: unit-stride W, unit-stride C, and neither (flipped W).
    const bool channels_last = iteration % 2 == 0;
    const bool flip = iteration % 4 == 1;
    awkward<TestType> go(out, channels_last, flip);
    fill_view(go.view, g);
    awkward<TestType> gi(c.shape, !channels_last, !flip);
    plan.execute(go.view, gi.view, threaded);
    INFO("mode " << resample::to_string(c.opts.mode) << ", input " << text_of(c.shape) << ", grain "
                 << threaded.grain_elements << ", instruction set " << static_cast<int>(threaded.isa));
    const std::vector<TestType> got = contiguous_copy(gi.view);
    REQUIRE(std::memcmp(got.data(), expected.data(), got.size() * sizeof(TestType)) == 0);
  }
}

TEMPLATE_TEST_CASE("backward's vectorised paths give the scalar gather's bits", "[backward][paths]", float, double) {
  // The scalar gather (reached through a grad_output with a negative W stride) adds each
  // element's terms in PyTorch's order, as the goldens show on small shapes; the row and
  // channel paths must give its bits on shapes large enough to use full vectors.
  std::mt19937 rng(31337);
  resample::execution serial;
  serial.max_threads = 1;
  serial.isa = resample::instruction_set::portable;
  const resample::instruction_set sets[] = {resample::instruction_set::portable, resample::instruction_set::sse2,
                                            resample::instruction_set::avx2};
  for (int iteration = 0; iteration < test_support::random_case_count(240); ++iteration) {
    const random_case c = make_random_case(rng, true);
    const dims out = resample::output_shape(c.shape, c.opts);
    const std::vector<TestType> g = random_values<TestType>(rng, count_of(out));
    const resample::backward_plan<TestType> plan(c.shape, c.opts);
    awkward<TestType> flipped(out, false, true);
    fill_view(flipped.view, g);
    resample::tensor<TestType> expected(c.shape);
    plan.execute(flipped.view, expected.view(), serial);
    INFO("mode " << resample::to_string(c.opts.mode) << (c.opts.antialias ? " antialias" : "") << ", input "
                 << text_of(c.shape) << ", output " << text_of(out));
    for (resample::instruction_set isa : sets) {
      if (!resample::is_supported(isa)) continue;
      resample::execution exec = serial;
      exec.isa = isa;
      INFO("instruction set " << static_cast<int>(isa));
      resample::tensor<TestType> contiguous(c.shape);
      plan.execute(resample::tensor_view<const TestType>(g.data(), out), contiguous.view(), exec);
      REQUIRE(std::memcmp(contiguous.data(), expected.data(), expected.values().size() * sizeof(TestType)) == 0);
      for (int variant = 0; variant < 2; ++variant) {
        awkward<TestType> go(out, variant == 0, false);
        fill_view(go.view, g);
        awkward<TestType> gi(c.shape, variant == 1, variant == 0);
        plan.execute(go.view, gi.view, exec);
        const std::vector<TestType> got = contiguous_copy(gi.view);
        REQUIRE(std::memcmp(got.data(), expected.data(), got.size() * sizeof(TestType)) == 0);
      }
    }
  }
}

TEST_CASE("backward validates its arguments before writing", "[backward][errors]") {
  resample::options opts;
  opts.mode = resample::mode::bilinear;
  opts.size = {6, 8};
  std::vector<float> g(1 * 2 * 6 * 8, 1.0f);
  std::vector<float> gi(1 * 2 * 3 * 4, 5.0f);
  const resample::tensor_view<const float> go_view(g.data(), {1, 2, 6, 8});

  SECTION("grad_output of the wrong shape names both shapes") {
    const resample::tensor_view<const float> wrong(g.data(), {1, 2, 8, 6});
    try {
      resample::interpolate_backward(wrong, resample::tensor_view<float>(gi.data(), {1, 2, 3, 4}), opts);
      FAIL("no error");
    } catch (const resample::error& e) {
      CHECK(e.code() == resample::error_code::shape_mismatch);
      CHECK(std::string(e.what()).find("[1, 2, 8, 6]") != std::string::npos);
      CHECK(std::string(e.what()).find("[1, 2, 6, 8]") != std::string::npos);
    }
    CHECK(std::all_of(gi.begin(), gi.end(), [](float v) { return v == 5.0f; }));
  }
  SECTION("grad_input overlapping grad_output") {
    std::vector<float> shared(200, 0.0f);
    const resample::tensor_view<const float> go(shared.data(), {1, 2, 6, 8});
    const resample::tensor_view<float> in(shared.data() + 90, {1, 2, 3, 4});
    CHECK_THROWS_MATCHES(resample::interpolate_backward(go, in, opts), resample::error,
                         Catch::Predicate<resample::error>([](const resample::error& e) {
                           return e.code() == resample::error_code::overlapping_memory;
                         }));
  }
  SECTION("grad_input overlapping itself") {
    const resample::tensor_view<float> in(gi.data(), {1, 2, 3, 4}, {24, 1, 4, 1});
    CHECK_THROWS_AS(resample::interpolate_backward(go_view, in, opts), resample::error);
  }
  SECTION("rank and option errors as in the forward") {
    resample::options bad = opts;
    bad.mode = resample::mode::trilinear;
    CHECK_THROWS_AS(resample::backward_plan<float>({1, 2, 3, 4}, bad), resample::error);
    bad = opts;
    bad.mode = resample::mode::nearest;
    bad.align_corners = false;
    CHECK_THROWS_AS(resample::backward_plan<double>({1, 2, 3, 4}, bad), resample::error);
    bad = opts;
    bad.mode = resample::mode::area;
    bad.antialias = true;
    CHECK_THROWS_AS(resample::backward_plan<double>({1, 2, 3, 4}, bad), resample::error);
  }
}

}  // namespace backward_tests
