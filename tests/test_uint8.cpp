// SPDX-License-Identifier: MIT
// uint8 in the weighing modes. Antialias: Pillow's goldens (golden_uint8/, made by
// make_goldens_uint8.py) bit for bit, in every layout and instruction set. Without antialias:
// an oracle written here from the formulas of PyTorch 2.1's uint8 path (semantics section 8.6),
// bit for bit. Every mode with non-negative weights: within 1 of the float result rounded.
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "random_cases.hpp"

namespace uint8_tests {

namespace {

using resample::dims;
using resample::mode;
using bytes = std::vector<std::uint8_t>;

/// make_goldens_uint8.py's image generator: top bytes of a 64-bit LCG, planes one after another.
bytes lcg_image(std::int64_t channels, std::int64_t height, std::int64_t width, int kind, std::uint64_t seed) {
  std::uint64_t state = seed;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint8_t>(state >> 56);
  };
  bytes x(static_cast<std::size_t>(channels * height * width));
  if (kind == 0) {
    for (auto& v : x) v = next();
    return x;
  }
  const std::int64_t bh = (height + 4) / 5, bw = (width + 4) / 5;
  bytes blocks(static_cast<std::size_t>(channels * bh * bw));
  for (auto& v : blocks) v = next();
  for (std::int64_t c = 0; c < channels; ++c)
    for (std::int64_t y = 0; y < height; ++y)
      for (std::int64_t z = 0; z < width; ++z)
        x[static_cast<std::size_t>((c * height + y) * width + z)] = blocks[static_cast<std::size_t>((c * bh + y / 5) * bw + z / 5)];
  return x;
}

/// Runs `opts` on a contiguous NCHW input in the given layout ("nchw", "channels_last", or
/// "strided": flipped H, padded W, channels far apart) and returns the result as NCHW.
bytes run_in_layout(const bytes& x, const dims& shape, const resample::options& opts, const std::string& layout,
                    const resample::execution& exec = {}) {
  const dims out_shape = resample::output_shape(shape, opts);
  const resample::plan<std::uint8_t> plan(shape, opts);
  std::int64_t out_count = 1;
  for (auto e : out_shape) out_count *= e;
  bytes result(static_cast<std::size_t>(out_count));
  const resample::tensor_view<std::uint8_t> result_view(result.data(), out_shape);
  if (layout == "nchw") {
    plan.execute(resample::tensor_view<const std::uint8_t>(x.data(), shape), result_view, exec);
    return result;
  }
  const int rank = static_cast<int>(shape.size());
  dims in_strides, out_strides;
  bytes in_storage, out_storage;
  std::int64_t in_offset = 0;
  if (layout == "channels_last") {
    in_strides = resample::channels_last_strides(shape);
    out_strides = resample::channels_last_strides(out_shape);
    std::int64_t count = 1;
    for (auto e : shape) count *= e;
    in_storage.resize(static_cast<std::size_t>(count));
    out_storage.resize(result.size());
  } else {
    // Padded rows (+3), channels 7 bytes apart beyond the plane, H flipped.
    dims padded = shape;
    padded.back() += 3;
    in_strides = resample::contiguous_strides(padded);
    in_strides[0] = in_strides[1] * (shape[1] + 1);
    in_strides[1] += 7;
    in_strides[0] += 7 * shape[1];
    in_storage.assign(static_cast<std::size_t>(in_strides[0] * shape[0]), 0xEE);
    if (rank >= 4) {
      in_offset = (shape[static_cast<std::size_t>(rank - 2)] - 1) * in_strides[static_cast<std::size_t>(rank - 2)];
      in_strides[static_cast<std::size_t>(rank - 2)] = -in_strides[static_cast<std::size_t>(rank - 2)];
    }
    dims out_padded = out_shape;
    out_padded.back() += 2;
    out_strides = resample::contiguous_strides(out_padded);
    out_storage.assign(static_cast<std::size_t>(out_strides[0] * out_shape[0]), 0xEE);
  }
  const resample::tensor_view<std::uint8_t> in_view(in_storage.data() + in_offset, shape, in_strides);
  // Copy x into the strided view element by element.
  const auto for_each = [&](const dims& extents, auto&& f) {
    std::vector<std::int64_t> i(extents.size(), 0);
    std::int64_t total = 1;
    for (auto e : extents) total *= e;
    for (std::int64_t flat = 0; flat < total; ++flat) {
      std::int64_t rest = flat;
      for (int r = static_cast<int>(extents.size()) - 1; r >= 0; --r) {
        i[static_cast<std::size_t>(r)] = rest % extents[static_cast<std::size_t>(r)];
        rest /= extents[static_cast<std::size_t>(r)];
      }
      f(i, flat);
    }
  };
  const auto offset = [](const std::vector<std::int64_t>& i, const dims& strides) {
    std::int64_t o = 0;
    for (std::size_t r = 0; r < i.size(); ++r) o += i[r] * strides[r];
    return o;
  };
  for_each(shape, [&](const std::vector<std::int64_t>& i, std::int64_t flat) {
    in_view.data_handle()[offset(i, in_strides)] = x[static_cast<std::size_t>(flat)];
  });
  const resample::tensor_view<std::uint8_t> out_view(out_storage.data(), out_shape, out_strides);
  plan.execute(resample::tensor_view<const std::uint8_t>(in_view.data_handle(), shape, in_strides), out_view, exec);
  for_each(out_shape, [&](const std::vector<std::int64_t>& i, std::int64_t flat) {
    result[static_cast<std::size_t>(flat)] = out_view.data_handle()[offset(i, out_strides)];
  });
  return result;
}

std::string first_difference(const bytes& got, const bytes& want, const dims& shape) {
  if (got.size() != want.size()) return "sizes differ";
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] != want[i]) {
      std::ostringstream s;
      s << "element " << i << " of shape [" << shape[0] << ", " << shape[1] << ", " << shape[2] << ", " << shape[3]
        << "]: got " << int(got[i]) << ", want " << int(want[i]);
      return s.str();
    }
  }
  return "";
}

struct golden_case {
  std::string name, filter;
  std::int64_t channels, height, width, out_height, out_width;
  int kind;
  std::uint64_t seed;
  std::int64_t offset;
};

std::vector<golden_case> golden_cases() {
  std::ifstream index(std::string(RESAMPLE_UINT8_GOLDEN_DIR) + "/cases.txt");
  REQUIRE(index.good());
  std::vector<golden_case> cases;
  std::string line;
  while (std::getline(index, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    golden_case c;
    s >> c.name >> c.filter >> c.channels >> c.height >> c.width >> c.out_height >> c.out_width >> c.kind >> c.seed >> c.offset;
    cases.push_back(c);
  }
  return cases;
}

bytes golden_outputs() {
  std::ifstream file(std::string(RESAMPLE_UINT8_GOLDEN_DIR) + "/outputs.bin", std::ios::binary);
  REQUIRE(file.good());
  return bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// ---- An independent oracle: the two-pass scheme written directly from its definitions ----------

struct oracle_axis {
  std::vector<std::int64_t> xmin;
  std::vector<std::vector<std::int32_t>> w;
  int bits = 0;
  bool skip = false;
};

double oracle_scale(std::int64_t in, std::int64_t out, bool align_corners, double scale_factor) {
  if (align_corners) return out > 1 ? double(in - 1) / double(out - 1) : 0.0;
  return scale_factor > 0 ? 1.0 / scale_factor : double(in) / double(out);
}

/// Pillow's Resample.c (precompute_coeffs + normalize_coeffs_8bpc), 22 bits.
oracle_axis pillow_oracle(std::int64_t in, std::int64_t out, bool cubic, double scale) {
  oracle_axis a;
  a.bits = 22;
  a.skip = in == out;
  const double filterscale = std::max(scale, 1.0);
  const double support = (cubic ? 2.0 : 1.0) * filterscale;
  for (std::int64_t i = 0; i < out; ++i) {
    const double center = (double(i) + 0.5) * scale;
    const std::int64_t lo = std::max<std::int64_t>(std::int64_t(center - support + 0.5), 0);
    const std::int64_t hi = std::min<std::int64_t>(std::int64_t(center + support + 0.5), in);
    std::vector<double> k;
    double sum = 0;
    for (std::int64_t x = lo; x < hi; ++x) {
      double t = std::fabs((double(x) - center + 0.5) / filterscale);
      double v;
      if (cubic) {
        v = t < 1 ? (1.5 * t - 2.5) * t * t + 1 : t < 2 ? (((t - 5) * t + 8) * t - 4) * -0.5 : 0.0;
      } else {
        v = t < 1 ? 1 - t : 0.0;
      }
      k.push_back(v);
      sum += v;
    }
    std::vector<std::int32_t> q;
    for (double v : k) {
      if (sum != 0) v /= sum;
      q.push_back(std::int32_t(v < 0 ? v * 4194304.0 - 0.5 : v * 4194304.0 + 0.5));
    }
    a.xmin.push_back(lo);
    a.w.push_back(q);
  }
  return a;
}

/// PyTorch 2.1's uint8 weights without antialias (semantics section 8.6).
oracle_axis torch_oracle(std::int64_t in, std::int64_t out, bool cubic, bool align_corners, double scale) {
  oracle_axis a;
  a.skip = in == out;
  const double support = cubic ? 2.0 : 1.0, delta = align_corners ? 0.5 : 0.0, A = -0.75;
  std::vector<std::vector<double>> ws;
  double wmax = 0;
  for (std::int64_t i = 0; i < out; ++i) {
    const double center = scale * (double(i) + 0.5 - delta);
    const std::int64_t lo = std::max<std::int64_t>(std::int64_t(center - support + 0.5 + delta), 0);
    std::int64_t n = std::min<std::int64_t>(std::int64_t(center + support + 0.5 + delta), in) - lo;
    n = std::clamp<std::int64_t>(n, 0, cubic ? 4 : 2);
    std::vector<double> k;
    double sum = 0;
    for (std::int64_t j = 0; j < n; ++j) {
      const double t = std::fabs(double(j + lo) - center + 0.5 - delta);
      double v;
      if (cubic) {
        v = t < 1 ? ((A + 2) * t - (A + 3)) * t * t + 1 : t < 2 ? ((A * t - 5 * A) * t + 8 * A) * t - 4 * A : 0.0;
      } else {
        v = t < 1 ? 1 - t : 0.0;
      }
      k.push_back(v);
      sum += v;
    }
    if (sum != 0)
      for (double& v : k) {
        v /= sum;
        wmax = std::max(wmax, v);
      }
    a.xmin.push_back(lo);
    ws.push_back(k);
  }
  while (a.bits < 22 && int(0.5 + wmax * double(1 << (a.bits + 1))) < (1 << 15)) ++a.bits;
  for (const auto& k : ws) {
    std::vector<std::int32_t> q;
    for (double v : k) {
      const double s = v * double(1 << a.bits);
      q.push_back(std::int16_t(int(s < 0 ? s - 0.5 : s + 0.5)));
    }
    a.w.push_back(q);
  }
  return a;
}

std::uint8_t oracle_clip(std::int64_t acc, int bits) { return std::uint8_t(std::clamp<std::int64_t>(acc >> bits, 0, 255)); }

/// Both passes on one plane: W first into uint8, then H; unchanged axes skipped.
bytes oracle_plane(const std::uint8_t* x, std::int64_t h, std::int64_t w, const oracle_axis& ah, const oracle_axis& aw) {
  const std::int64_t ow = std::int64_t(aw.xmin.size()), oh = std::int64_t(ah.xmin.size());
  bytes mid(x, x + h * w);
  std::int64_t width = w;
  if (!aw.skip) {
    bytes next(static_cast<std::size_t>(h * ow));
    for (std::int64_t y = 0; y < h; ++y)
      for (std::int64_t i = 0; i < ow; ++i) {
        std::int64_t acc = std::int64_t(1) << (aw.bits - 1);
        for (std::size_t j = 0; j < aw.w[i].size(); ++j) acc += mid[y * w + aw.xmin[i] + std::int64_t(j)] * aw.w[i][j];
        next[y * ow + i] = oracle_clip(acc, aw.bits);
      }
    mid = next;
    width = ow;
  }
  if (ah.skip) return mid;
  bytes out(static_cast<std::size_t>(oh * width));
  for (std::int64_t i = 0; i < oh; ++i)
    for (std::int64_t z = 0; z < width; ++z) {
      std::int64_t acc = std::int64_t(1) << (ah.bits - 1);
      for (std::size_t j = 0; j < ah.w[i].size(); ++j) acc += mid[(ah.xmin[i] + std::int64_t(j)) * width + z] * ah.w[i][j];
      out[i * width + z] = oracle_clip(acc, ah.bits);
    }
  return out;
}

bytes oracle(const bytes& x, const dims& shape, const resample::options& o) {
  const dims out_shape = resample::output_shape(shape, o);
  const bool ac = o.align_corners.value_or(false);
  const bool cubic = o.mode == mode::bicubic;
  const auto sf = [&](int a) { return o.scale_factor.empty() || o.recompute_scale_factor ? -1.0 : o.scale_factor[o.scale_factor.size() == 1 ? 0 : a]; };
  oracle_axis axes[2];
  for (int a = 0; a < 2; ++a) {
    const std::int64_t in = shape[2 + a], out = out_shape[2 + a];
    const double scale = oracle_scale(in, out, ac, sf(a));
    axes[a] = o.antialias ? pillow_oracle(in, out, cubic, scale) : torch_oracle(in, out, cubic, ac, scale);
  }
  bytes result;
  const std::int64_t plane = shape[2] * shape[3];
  for (std::int64_t p = 0; p < shape[0] * shape[1]; ++p) {
    const bytes y = oracle_plane(x.data() + p * plane, shape[2], shape[3], axes[0], axes[1]);
    result.insert(result.end(), y.begin(), y.end());
  }
  return result;
}

std::vector<resample::execution> executions() {
  std::vector<resample::execution> list;
  for (auto isa : {resample::instruction_set::portable, resample::instruction_set::sse2, resample::instruction_set::avx2}) {
    if (!resample::is_supported(isa)) continue;
    resample::execution e;
    e.isa = isa;
    e.max_threads = 1;
    list.push_back(e);
  }
  resample::execution threaded;
  threaded.max_threads = 3;
  threaded.min_parallel_elements = 1;
  threaded.grain_elements = 97;
  list.push_back(threaded);
  return list;
}

}  // namespace

TEST_CASE("uint8 antialias matches Pillow bit for bit", "[uint8][golden]") {
  const bytes outputs = golden_outputs();
  const auto cases = golden_cases();
  REQUIRE(cases.size() > 50);
  for (const golden_case& c : cases) {
    INFO(c.name);
    const dims shape{1, c.channels, c.height, c.width};
    const bytes x = lcg_image(c.channels, c.height, c.width, c.kind, c.seed);
    resample::options o;
    o.mode = c.filter == "bicubic" ? mode::bicubic : mode::bilinear;
    o.antialias = true;
    o.size = {c.out_height, c.out_width};
    const auto begin = outputs.begin() + c.offset;
    const bytes want(begin, begin + c.channels * c.out_height * c.out_width);
    const dims out_shape{1, c.channels, c.out_height, c.out_width};
    for (const char* layout : {"nchw", "channels_last", "strided"}) {
      INFO(layout);
      CHECK(first_difference(run_in_layout(x, shape, o, layout), want, out_shape) == "");
    }
    if (c.height * c.width <= 100000) {
      for (const resample::execution& e : executions()) {
        INFO("instruction set " << static_cast<int>(e.isa) << ", threads " << e.max_threads);
        CHECK(first_difference(run_in_layout(x, shape, o, "nchw", e), want, out_shape) == "");
        CHECK(first_difference(run_in_layout(x, shape, o, "channels_last", e), want, out_shape) == "");
      }
    }
  }
}

TEST_CASE("uint8 bilinear and bicubic match the independent oracle bit for bit", "[uint8][oracle]") {
  std::mt19937 rng(20261125);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  for (int trial = 0; trial < test_support::random_case_count(400); ++trial) {
    resample::options o;
    o.mode = pick(2) ? mode::bicubic : mode::bilinear;
    o.antialias = pick(2) == 1;
    if (pick(3) == 0) o.align_corners = true;
    const dims shape{1 + pick(2), 1 + pick(4), 1 + pick(pick(4) == 0 ? 300 : 40), 1 + pick(40)};
    if (pick(3) == 0 && !o.align_corners) {
      o.scale_factor = {0.2 + pick(40) * 0.1, 0.15 + pick(30) * 0.13};
    } else {
      o.size = {1 + pick(pick(4) == 0 ? 200 : 50), 1 + pick(60)};
    }
    if (!o.scale_factor.empty()) {
      bool empty = false;
      for (int a = 0; a < 2; ++a) empty = empty || std::floor(double(shape[2 + a]) * o.scale_factor[a]) < 1;
      if (empty) continue;
    }
    const bytes x = lcg_image(shape[0] * shape[1], shape[2], shape[3], pick(2), static_cast<std::uint64_t>(trial));
    INFO("trial " << trial << ": " << resample::to_string(o.mode) << (o.antialias ? " antialias" : "")
                  << (o.align_corners ? " align_corners" : "") << ", shape [" << shape[0] << ", " << shape[1] << ", "
                  << shape[2] << ", " << shape[3] << "]");
    const bytes want = oracle(x, shape, o);
    const dims out_shape = resample::output_shape(shape, o);
    const char* layout = trial % 3 == 0 ? "nchw" : trial % 3 == 1 ? "channels_last" : "strided";
    INFO(layout);
    CHECK(first_difference(run_in_layout(x, shape, o, layout), want, out_shape) == "");
  }
}

TEST_CASE("uint8 antialias with hundreds of taps per output matches the independent oracle", "[uint8][oracle]") {
  // Wide filters: the vector loops' split sums take another route past 128 tap pairs.
  struct wide_case {
    dims shape;
    std::vector<resample::index_t> size;
    mode m;
  };
  const std::vector<wide_case> cases = {{{1, 3, 700, 650}, {2, 1}, mode::bilinear},
                                        {{1, 4, 330, 900}, {3, 2}, mode::bicubic},
                                        {{2, 1, 600, 40}, {1, 40}, mode::bilinear},
                                        {{1, 3, 40, 800}, {40, 3}, mode::bicubic}};
  int trial = 0;
  for (const wide_case& c : cases) {
    resample::options o;
    o.mode = c.m;
    o.antialias = true;
    o.size = c.size;
    const bytes x = lcg_image(c.shape[0] * c.shape[1], c.shape[2], c.shape[3], 1, static_cast<std::uint64_t>(trial));
    const bytes want = oracle(x, c.shape, o);
    const dims out_shape = resample::output_shape(c.shape, o);
    for (const char* layout : {"nchw", "channels_last"}) {
      INFO(resample::to_string(c.m) << " [" << c.shape[0] << ", " << c.shape[1] << ", " << c.shape[2] << ", "
                                    << c.shape[3] << "] " << layout);
      CHECK(first_difference(run_in_layout(x, c.shape, o, layout), want, out_shape) == "");
    }
    ++trial;
  }
}

TEST_CASE("uint8 results are within 1 of the float result rounded, for non-negative weights", "[uint8][property]") {
  std::mt19937 rng(7);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  int checked = 0;
  for (int trial = 0; trial < test_support::random_case_count(500); ++trial) {
    resample::options o;
    const int rank = 3 + pick(3);
    const std::vector<mode> modes = rank == 3 ? std::vector<mode>{mode::linear, mode::area}
                                    : rank == 4 ? std::vector<mode>{mode::bilinear, mode::area}
                                                : std::vector<mode>{mode::trilinear, mode::area};
    o.mode = modes[static_cast<std::size_t>(pick(2))];
    if (o.mode == mode::bilinear) o.antialias = pick(2) == 1;
    if (o.mode != mode::area && pick(3) == 0) o.align_corners = true;
    dims shape{1 + pick(2), 1 + pick(5)};
    for (int a = 2; a < rank; ++a) {
      shape.push_back(1 + pick(rank == 5 ? 12 : 60));
      o.size.push_back(1 + pick(rank == 5 ? 16 : 80));
    }
    std::int64_t count = 1;
    for (auto e : shape) count *= e;
    bytes x(static_cast<std::size_t>(count));
    const int kind = pick(3);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = kind == 0 ? std::uint8_t(rng()) : kind == 1 ? std::uint8_t((i / 7) % 2 ? 255 : 0) : std::uint8_t(i * 37 / 11);
    std::vector<float> xf(x.begin(), x.end());
    const resample::tensor<float> want = resample::interpolate(resample::tensor_view<const float>(xf.data(), shape), o);
    const bytes got = run_in_layout(x, shape, o, pick(2) ? "nchw" : "channels_last");
    INFO("trial " << trial << ": " << resample::to_string(o.mode) << (o.antialias ? " antialias" : "")
                  << (o.align_corners ? " align_corners" : "") << ", rank " << rank);
    REQUIRE(got.size() == want.values().size());
    int worst = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      const float f = std::nearbyint(std::clamp(want.values()[i], 0.0f, 255.0f));
      worst = std::max(worst, std::abs(int(got[i]) - int(f)));
    }
    CHECK(worst <= 1);
    ++checked;
  }
  CHECK(checked == test_support::random_case_count(500));
}

TEST_CASE("uint8 linear, trilinear and area reproduce constants and copy unchanged extents", "[uint8]") {
  for (mode m : {mode::linear, mode::bilinear, mode::bicubic, mode::trilinear, mode::area}) {
    for (bool antialias : {false, true}) {
      if (antialias && m != mode::bilinear && m != mode::bicubic) continue;
      const int rank = m == mode::linear ? 3 : m == mode::trilinear ? 5 : 4;
      dims shape{2, 3};
      resample::options o;
      o.mode = m;
      o.antialias = antialias;
      for (int a = 2; a < rank; ++a) {
        shape.push_back(5 + a);
        o.size.push_back(3 + 4 * a);
      }
      std::int64_t count = 1;
      for (auto e : shape) count *= e;
      for (int value : {0, 1, 128, 254, 255}) {
        const bytes x(static_cast<std::size_t>(count), std::uint8_t(value));
        const resample::tensor<std::uint8_t> y = resample::interpolate(resample::tensor_view<const std::uint8_t>(x.data(), shape), o);
        for (std::uint8_t v : y.values()) REQUIRE(int(v) == value);
      }
      // Same size: a copy.
      o.size.assign(shape.begin() + 2, shape.end());
      bytes x(static_cast<std::size_t>(count));
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::uint8_t(i * 97);
      const resample::tensor<std::uint8_t> y = resample::interpolate(resample::tensor_view<const std::uint8_t>(x.data(), shape), o);
      CHECK(bytes(y.values().begin(), y.values().end()) == x);
    }
  }
}

TEST_CASE("uint8 results do not depend on the layout, for any channel count", "[uint8][layouts]") {
  std::mt19937 rng(99);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  for (int trial = 0; trial < test_support::random_case_count(120); ++trial) {
    resample::options o;
    const int rank = 3 + pick(3);
    const std::vector<std::vector<mode>> modes = {{mode::linear, mode::area},
                                                  {mode::bilinear, mode::bicubic, mode::area},
                                                  {mode::trilinear, mode::area}};
    const auto& choices = modes[static_cast<std::size_t>(rank - 3)];
    o.mode = choices[static_cast<std::size_t>(pick(static_cast<int>(choices.size())))];
    if (o.mode == mode::bilinear || o.mode == mode::bicubic) o.antialias = pick(2) == 1;
    if (o.mode != mode::area && pick(3) == 0) o.align_corners = true;
    const std::int64_t channels = std::vector<std::int64_t>{1, 3, 4, 5, 8, 16, 19}[static_cast<std::size_t>(pick(7))];
    dims shape{1 + pick(2), channels};
    for (int a = 2; a < rank; ++a) {
      shape.push_back(1 + pick(rank == 5 ? 9 : 45));
      o.size.push_back(1 + pick(rank == 5 ? 11 : 50));
    }
    std::int64_t count = 1;
    for (auto e : shape) count *= e;
    bytes x(static_cast<std::size_t>(count));
    for (auto& v : x) v = static_cast<std::uint8_t>(rng());
    INFO("trial " << trial << ": " << resample::to_string(o.mode) << (o.antialias ? " antialias" : "") << ", C "
                  << channels << ", rank " << rank);
    const bytes reference = run_in_layout(x, shape, o, "nchw");
    CHECK(run_in_layout(x, shape, o, "channels_last") == reference);
    CHECK(run_in_layout(x, shape, o, "strided") == reference);
    resample::execution portable;
    portable.isa = resample::instruction_set::portable;
    CHECK(run_in_layout(x, shape, o, "channels_last", portable) == reference);
  }
}

TEST_CASE("uint8 area is the exact window mean rounded half up, in every layout and instruction set", "[uint8][area]") {
  // PyTorch's adaptive windows: [floor(o * in / out), ceil((o + 1) * in / out)).
  const auto window = [](std::int64_t o, std::int64_t in, std::int64_t out) {
    return std::pair<std::int64_t, std::int64_t>{o * in / out, ((o + 1) * in + out - 1) / out};
  };
  struct area_case {
    dims shape;
    dims size;
  };
  // Integer factors 2 and 4 (with row tails), odd ratios, upscales, windows of more than 128
  // rows or 2^14 elements (the scalar loop), 1-D and 3-D, many channels.
  const std::vector<area_case> cases = {
      {{1, 2, 64, 200}, {32, 100}},   {{2, 3, 48, 92}, {12, 23}},    {{1, 1, 256, 256}, {100, 70}},
      {{1, 4, 33, 35}, {50, 61}},     {{1, 2, 300, 90}, {2, 3}},     {{1, 1, 200, 200}, {1, 1}},
      {{1, 19, 40, 36}, {10, 9}},     {{1, 5, 77}, {19}},            {{1, 8, 300}, {7}},
      {{1, 3, 9, 40, 44}, {4, 10, 11}}, {{1, 2, 5, 12, 70}, {8, 7, 35}}, {{2, 16, 8, 8}, {2, 4}},
  };
  std::mt19937 rng(5);
  for (const area_case& c : cases) {
    resample::options o;
    o.mode = mode::area;
    o.size = c.size;
    const int spatial = static_cast<int>(c.size.size());
    dims full_in{1, 1, 1}, full_out{1, 1, 1};
    for (int a = 0; a < spatial; ++a) {
      full_in[static_cast<std::size_t>(3 - spatial + a)] = c.shape[static_cast<std::size_t>(2 + a)];
      full_out[static_cast<std::size_t>(3 - spatial + a)] = c.size[static_cast<std::size_t>(a)];
    }
    const std::int64_t planes = c.shape[0] * c.shape[1];
    const std::int64_t in_plane = full_in[0] * full_in[1] * full_in[2];
    const std::int64_t out_plane = full_out[0] * full_out[1] * full_out[2];
    bytes x(static_cast<std::size_t>(planes * in_plane));
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = i % 5 == 0 ? std::uint8_t(255) : std::uint8_t(rng());
    bytes want(static_cast<std::size_t>(planes * out_plane));
    for (std::int64_t p = 0; p < planes; ++p)
      for (std::int64_t od = 0; od < full_out[0]; ++od)
        for (std::int64_t oh = 0; oh < full_out[1]; ++oh)
          for (std::int64_t ow = 0; ow < full_out[2]; ++ow) {
            const auto [d0, d1] = window(od, full_in[0], full_out[0]);
            const auto [h0, h1] = window(oh, full_in[1], full_out[1]);
            const auto [w0, w1] = window(ow, full_in[2], full_out[2]);
            std::uint64_t sum = 0;
            for (std::int64_t d = d0; d < d1; ++d)
              for (std::int64_t h = h0; h < h1; ++h)
                for (std::int64_t w = w0; w < w1; ++w) sum += x[static_cast<std::size_t>(p * in_plane + (d * full_in[1] + h) * full_in[2] + w)];
            const std::uint64_t count = static_cast<std::uint64_t>((d1 - d0) * (h1 - h0) * (w1 - w0));
            want[static_cast<std::size_t>(p * out_plane + (od * full_out[1] + oh) * full_out[2] + ow)] =
                static_cast<std::uint8_t>((2 * sum + count) / (2 * count));
          }
    INFO("area of " << c.shape.size() << "-d shape with " << c.shape[1] << " channels, " << full_in[1] << "x"
                    << full_in[2] << " to " << full_out[1] << "x" << full_out[2]);
    for (const char* layout : {"nchw", "channels_last", "strided"}) {
      INFO(layout);
      CHECK(run_in_layout(x, c.shape, o, layout) == want);
    }
    for (const resample::execution& e : executions()) {
      INFO("instruction set " << static_cast<int>(e.isa) << ", threads " << e.max_threads);
      CHECK(run_in_layout(x, c.shape, o, "nchw", e) == want);
      CHECK(run_in_layout(x, c.shape, o, "channels_last", e) == want);
    }
  }
}

TEST_CASE("uint8 trilinear and bicubic give the same bits in every layout, instruction set and thread count",
          "[uint8][simd]") {
  // Rows long enough for every vector loop and its tail; channel counts for each W-pass path.
  struct wide_case {
    dims shape;
    dims size;
    mode m;
    bool antialias;
    bool align_corners;
  };
  const std::vector<wide_case> cases = {
      {{1, 2, 6, 21, 75}, {11, 40, 151}, mode::trilinear, false, false},
      {{1, 3, 5, 17, 40}, {3, 9, 19}, mode::trilinear, false, true},
      {{2, 16, 3, 9, 20}, {5, 10, 41}, mode::trilinear, false, false},
      {{1, 1, 2, 70, 33}, {1, 35, 70}, mode::trilinear, false, false},
      {{1, 3, 200, 150}, {61, 47}, mode::bicubic, true, false},
      {{1, 2, 90, 300}, {37, 64}, mode::bilinear, true, false},
      {{1, 1, 75, 120}, {150, 40}, mode::bicubic, true, false},
  };
  for (const wide_case& c : cases) {
    resample::options o;
    o.mode = c.m;
    o.antialias = c.antialias;
    o.align_corners = c.align_corners;
    o.size = c.size;
    std::int64_t count = 1;
    for (auto e : c.shape) count *= e;
    const bytes x = lcg_image(1, 1, count, 1, 42);
    INFO(resample::to_string(c.m) << ", " << c.shape.size() << "-d, " << c.shape[1] << " channels");
    const bytes reference = run_in_layout(x, c.shape, o, "nchw");
    CHECK(run_in_layout(x, c.shape, o, "strided") == reference);
    for (const resample::execution& e : executions()) {
      INFO("instruction set " << static_cast<int>(e.isa) << ", threads " << e.max_threads);
      CHECK(run_in_layout(x, c.shape, o, "nchw", e) == reference);
      CHECK(run_in_layout(x, c.shape, o, "channels_last", e) == reference);
    }
  }
}

TEST_CASE("uint8 downscaled rows give the oracle's bits for any width, row count, channel count and edge",
          "[uint8][simd]") {
  // Downscales along W (planar upscales take the in-row loop): widths around the packing's
  // blocks of 16 columns, odd widths whose last output reads the last column, row counts around
  // the groups of 16 and 32 rows, planar rows and interleaved pixels of 2 to 4 channels; H
  // unchanged (the W pass writes the output) or resampled (through the intermediate); Pillow's
  // weights and PyTorch's int16 ones.
  std::mt19937 rng(32);
  for (const std::int64_t width : {5, 15, 16, 17, 31, 33, 49, 64, 97, 255}) {
    for (const std::int64_t height : {1, 3, 16, 17, 31, 32, 33, 48, 70}) {
      resample::options o;
      o.mode = rng() % 2 ? mode::bicubic : mode::bilinear;
      o.antialias = rng() % 3 != 0;
      const std::int64_t out_width = std::max<std::int64_t>(1, width * static_cast<std::int64_t>(1 + rng() % 5) / 10);
      const std::int64_t out_height = rng() % 2 ? height : std::max<std::int64_t>(1, height * 2 / 3);
      o.size = dims{out_height, out_width};
      const std::int64_t channels = 1 + static_cast<std::int64_t>(rng() % 4);
      const dims shape{1, channels, height, width};
      const bytes x = lcg_image(channels, height, width, static_cast<int>(rng() % 2), rng());
      INFO(resample::to_string(o.mode) << (o.antialias ? " antialias" : "") << ", " << channels << " channels, "
                                       << height << "x" << width << " to " << out_height << "x" << out_width);
      const bytes want = oracle(x, shape, o);
      const dims out_shape = resample::output_shape(shape, o);
      CHECK(first_difference(run_in_layout(x, shape, o, "strided"), want, out_shape) == "");
      for (const resample::execution& e : executions()) {
        INFO("instruction set " << static_cast<int>(e.isa) << ", threads " << e.max_threads);
        CHECK(first_difference(run_in_layout(x, shape, o, "nchw", e), want, out_shape) == "");
        CHECK(first_difference(run_in_layout(x, shape, o, "channels_last", e), want, out_shape) == "");
      }
    }
  }
}

}  // namespace uint8_tests
