// SPDX-License-Identifier: MIT
// Memory layout never changes a result: every strided input or output gives the contiguous bits.
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace layouts_tests {

namespace {

using resample::dims;
using resample::index_t;

template <class Number>
std::string to_text(const std::vector<Number>& values) {
  std::ostringstream out;
  out << '[';
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  out << ']';
  return out.str();
}

template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, float>) return "float";
  if constexpr (std::is_same_v<T, double>) return "double";
  return "uint8";
}

// How a view lays its elements out in a buffer. Axes are placed innermost first (`order`); each
// axis may skip elements (`step`, a slice), leave a gap after its span (`pad`), run backwards
// (`flip`, a negative stride) or repeat one element (`expand`, stride 0; inputs only).
struct layout {
  std::string name;
  std::vector<int> order;
  std::vector<index_t> step;
  std::vector<index_t> pad;
  std::vector<bool> flip;
  std::vector<bool> expand;
  index_t offset = 0;  // elements before the view's lowest element
};

layout plain(const std::string& name, int rank) {
  layout l;
  l.name = name;
  for (int r = rank - 1; r >= 0; --r) l.order.push_back(r);
  l.step.assign(static_cast<std::size_t>(rank), 1);
  l.pad.assign(static_cast<std::size_t>(rank), 0);
  l.flip.assign(static_cast<std::size_t>(rank), false);
  l.expand.assign(static_cast<std::size_t>(rank), false);
  return l;
}

// Channels innermost: N, spatial..., C in memory (torch.channels_last and its 3-D and 5-D kin).
std::vector<int> channels_last_order(int rank) {
  std::vector<int> order{1};
  for (int r = rank - 1; r >= 2; --r) order.push_back(r);
  order.push_back(0);
  return order;
}

// Layouts an output may take (no stride 0: outputs must not overlap themselves).
std::vector<layout> output_layouts(int rank) {
  std::vector<layout> all;
  all.push_back(plain("contiguous", rank));
  layout cl = plain("channels-last", rank);
  cl.order = channels_last_order(rank);
  all.push_back(cl);
  layout padded = plain("padded rows and planes", rank);
  for (int r = 0; r < rank; ++r) padded.pad[static_cast<std::size_t>(r)] = 1 + 2 * r;
  all.push_back(padded);
  layout sliced = plain("slice of a bigger buffer", rank);
  for (int r = 1; r < rank; ++r) sliced.step[static_cast<std::size_t>(r)] = r == rank - 1 ? 3 : 2;
  sliced.offset = 5;
  all.push_back(sliced);
  layout flipped = plain("flipped (negative strides)", rank);
  for (int r = 1; r < rank; ++r) flipped.flip[static_cast<std::size_t>(r)] = true;
  all.push_back(flipped);
  layout reversed = plain("reversed axis order (column-major)", rank);
  for (int r = 0; r < rank; ++r) reversed.order[static_cast<std::size_t>(r)] = r;
  all.push_back(reversed);
  layout cl_padded = plain("channels-last with padded pixels", rank);
  cl_padded.order = channels_last_order(rank);
  cl_padded.pad[1] = 2;  // e.g. RGB stored as RGBx
  cl_padded.flip[static_cast<std::size_t>(rank - 1)] = true;
  all.push_back(cl_padded);
  return all;
}

// Layouts an input may take: every output layout plus expanded (stride-0) axes.
std::vector<layout> input_layouts(int rank) {
  std::vector<layout> all = output_layouts(rank);
  const std::array<std::pair<const char*, int>, 4> expansions = {
      {{"expanded N (stride 0)", 0}, {"expanded C (stride 0)", 1}, {"expanded first spatial axis (stride 0)", 2},
       {"expanded W (stride 0)", rank - 1}}};
  for (const auto& [name, axis] : expansions) {
    layout e = plain(name, rank);
    e.expand[static_cast<std::size_t>(axis)] = true;
    all.push_back(e);
  }
  layout both = plain("channels-last, expanded C, flipped H", rank);
  both.order = channels_last_order(rank);
  both.expand[1] = true;
  both.flip[2] = true;
  all.push_back(both);
  return all;
}

// A view of `extents` laid out as `l` in its own buffer, the rest of which holds a sentinel.
template <class T>
struct placed {
  std::vector<T> buffer;
  index_t origin = 0;  // buffer offset of element (0, 0, ...)
  dims extents;
  dims strides;

  resample::tensor_view<T> view() { return resample::tensor_view<T>(buffer.data() + origin, extents, strides); }
  resample::tensor_view<const T> const_view() const {
    return resample::tensor_view<const T>(buffer.data() + origin, extents, strides);
  }
};

template <class T>
T sentinel() {
  // NaN makes any read of padding visible in the floating-point results.
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::quiet_NaN();
  return T(0xAB);
}

template <class T>
placed<T> place(const layout& l, const dims& extents) {
  placed<T> p;
  p.extents = extents;
  p.strides.assign(extents.size(), 0);
  index_t span = 1;  // elements covered by the axes placed so far
  for (int axis : l.order) {
    const std::size_t a = static_cast<std::size_t>(axis);
    if (l.expand[a]) continue;
    p.strides[a] = span * l.step[a];
    span = p.strides[a] * extents[a] + l.pad[a];
  }
  p.origin = l.offset;
  for (std::size_t a = 0; a < extents.size(); ++a) {
    if (l.flip[a]) {
      p.origin += (extents[a] - 1) * p.strides[a];
      p.strides[a] = -p.strides[a];
    }
  }
  p.buffer.assign(static_cast<std::size_t>(l.offset + span + 3), sentinel<T>());
  return p;
}

// Calls f(multi_index, flat) for every element of `extents` in row-major order.
template <class F>
void for_each_index(const dims& extents, F f) {
  index_t count = 1;
  for (index_t e : extents) count *= e;
  std::array<index_t, 5> idx{};
  for (index_t flat = 0; flat < count; ++flat) {
    index_t rest = flat;
    for (std::size_t r = extents.size(); r-- > 0;) {
      idx[r] = rest % extents[r];
      rest /= extents[r];
    }
    f(idx, flat);
  }
}

template <class T>
index_t offset_of(const placed<T>& p, const std::array<index_t, 5>& idx) {
  index_t offset = p.origin;
  for (std::size_t r = 0; r < p.extents.size(); ++r) offset += idx[r] * p.strides[r];
  return offset;
}

// The view's values in row-major order (what .contiguous() would give).
template <class T>
std::vector<T> materialize(const placed<T>& p) {
  std::vector<T> values;
  for_each_index(p.extents, [&](const std::array<index_t, 5>& idx, index_t) {
    values.push_back(p.buffer[static_cast<std::size_t>(offset_of(p, idx))]);
  });
  return values;
}

// Bit-for-bit equality, except that any NaN matches any NaN: which NaN payload survives an
// operation between two NaNs depends on the operand order the compiler picks, not on the library.
template <class T>
bool same_bits(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) && std::isnan(b)) return true;
  }
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <class T>
index_t count_differences(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return -1;
  index_t n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) n += same_bits(a[i], b[i]) ? 0 : 1;
  return n;
}

// Offsets of `p.buffer` that lie outside the view and no longer hold the sentinel.
template <class T>
index_t count_stray_writes(const placed<T>& p) {
  std::vector<bool> inside(p.buffer.size(), false);
  for_each_index(p.extents, [&](const std::array<index_t, 5>& idx, index_t) {
    inside[static_cast<std::size_t>(offset_of(p, idx))] = true;
  });
  index_t n = 0;
  const T s = sentinel<T>();
  for (std::size_t i = 0; i < p.buffer.size(); ++i) n += (!inside[i] && !same_bits(p.buffer[i], s)) ? 1 : 0;
  return n;
}

struct config {
  resample::mode mode;
  bool antialias = false;
  std::optional<bool> align_corners;
  std::vector<int> ranks;

  std::string describe() const {
    std::string s(resample::to_string(mode));
    if (antialias) s += "+antialias";
    if (align_corners) s += *align_corners ? " align_corners=True" : " align_corners=False";
    return s;
  }
};

std::vector<config> all_configs() {
  using resample::mode;
  std::vector<config> all;
  for (mode m : {mode::nearest, mode::nearest_exact, mode::area}) all.push_back({m, false, std::nullopt, {3, 4, 5}});
  for (std::optional<bool> ac : {std::optional<bool>{}, std::optional<bool>{true}}) {
    all.push_back({mode::linear, false, ac, {3}});
    all.push_back({mode::trilinear, false, ac, {5}});
    for (bool aa : {false, true}) {
      all.push_back({mode::bilinear, aa, ac, {4}});
      all.push_back({mode::bicubic, aa, ac, {4}});
    }
  }
  all.push_back({mode::bilinear, false, false, {4}});
  return all;
}

// An input shape and the size or scale that resamples it. Between them they scale up, down and
// both ways, cover single-pixel axes, one plane (N = C = 1) and many (N * C = 12), and, with
// C = 11 and wider rows, both the full SIMD vectors and the scalar tails of the packed kernels.
struct shape_case {
  dims input;
  std::vector<index_t> size;
  std::vector<double> scale;
};

std::vector<shape_case> shape_cases(int rank, std::mt19937& rng) {
  std::vector<shape_case> all;
  switch (rank) {
    case 3:
      all = {{{1, 1, 7}, {13}, {}},
             {{3, 4, 9}, {4}, {}},
             {{2, 3, 5}, {}, {2.5}},
             {{2, 2, 1}, {5}, {}},
             {{1, 11, 19}, {40}, {}}};
      break;
    case 4:
      all = {{{1, 1, 5, 7}, {9, 4}, {}},
             {{3, 4, 6, 5}, {3, 11}, {}},
             {{2, 3, 8, 9}, {}, {0.6, 1.7}},
             {{2, 3, 1, 6}, {3, 1}, {}},
             {{1, 11, 5, 13}, {3, 20}, {}},
             {{1, 19, 4, 6}, {9, 11}, {}}};  // upscaled rows and vector-plus-tail channels
      break;
    default:
      all = {{{1, 1, 3, 4, 5}, {5, 3, 7}, {}},
             {{3, 4, 4, 3, 5}, {2, 6, 3}, {}},
             {{2, 2, 3, 5, 4}, {}, {1.5, 0.7, 2.0}},
             {{1, 2, 1, 1, 4}, {2, 3, 1}, {}},
             {{1, 11, 2, 3, 9}, {3, 2, 13}, {}}};
      break;
  }
  // Plus one random shape per rank, different on every run of the generator but fixed by its seed.
  shape_case extra;
  std::uniform_int_distribution<index_t> planes(1, 3), extent(1, 9);
  extra.input = {planes(rng), planes(rng)};
  for (int r = 2; r < rank; ++r) {
    extra.input.push_back(extent(rng));
    extra.size.push_back(extent(rng));
  }
  all.push_back(extra);
  return all;
}

// Random values; with `specials`, about one in twenty is +-inf or NaN, so that their propagation
// (through zero weights too) must also be layout independent.
template <class T>
T random_value(std::mt19937& rng, bool specials) {
  if constexpr (std::is_floating_point_v<T>) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    if (specials) {
      const double u = unit(rng);
      if (u < 0.02) return std::numeric_limits<T>::infinity();
      if (u < 0.04) return -std::numeric_limits<T>::infinity();
      if (u < 0.05) return std::numeric_limits<T>::quiet_NaN();
    }
    return static_cast<T>(std::uniform_real_distribution<double>(-100.0, 100.0)(rng));
  } else {
    return static_cast<T>(std::uniform_int_distribution<int>(0, 255)(rng));
  }
}

}  // namespace

TEMPLATE_TEST_CASE("strided, permuted, sliced, expanded and flipped views give the contiguous bits", "[layout]",
                   float, double, std::uint8_t) {
  using T = TestType;
  std::mt19937 rng(777u);
  int executions = 0;
  for (const config& cfg : all_configs()) {
    for (int rank : cfg.ranks) {
      for (const shape_case& shape : shape_cases(rank, rng)) {
        resample::options opts;
        opts.mode = cfg.mode;
        opts.antialias = cfg.antialias;
        opts.align_corners = cfg.align_corners;
        opts.size = shape.size;
        opts.scale_factor = shape.scale;
        const resample::plan<T> plan(shape.input, opts);
        const dims out_shape = plan.output_shape();
        for (bool specials : {false, true}) {
          if (specials && !std::is_floating_point_v<T>) continue;
          INFO(type_name<T>() << ' ' << cfg.describe() << " input " << to_text(shape.input) << " -> "
                              << to_text(out_shape) << (specials ? " with inf and NaN values" : ""));

          // Runs one (input layout, output layout) pair against the contiguous computation of the
          // input's logical values.
          const auto check_pair = [&](const layout& in_layout, const layout& out_layout) {
            INFO("input layout: " << in_layout.name << "; output layout: " << out_layout.name);
            placed<T> in = place<T>(in_layout, shape.input);
            for_each_index(shape.input, [&](const std::array<index_t, 5>& idx, index_t) {
              in.buffer[static_cast<std::size_t>(offset_of(in, idx))] = random_value<T>(rng, specials);
            });
            const std::vector<T> logical = materialize(in);
            const std::vector<T> in_before = in.buffer;

            resample::tensor<T> expected(out_shape);
            plan.execute(resample::tensor_view<const T>(logical.data(), shape.input), expected.view());

            placed<T> out = place<T>(out_layout, out_shape);
            plan.execute(in.const_view(), out.view());
            ++executions;
            CHECK(count_differences(materialize(out), expected.values()) == 0);
            CHECK(count_stray_writes(out) == 0);
            CHECK(count_differences(in.buffer, in_before) == 0);  // the input is never written
          };

          const layout contiguous = plain("contiguous", rank);
          for (const layout& l : input_layouts(rank)) check_pair(l, contiguous);
          for (const layout& l : output_layouts(rank)) check_pair(contiguous, l);
          // A few mixed pairs: both sides strided at once.
          const std::vector<layout> outs = output_layouts(rank);
          const std::vector<layout> ins = input_layouts(rank);
          check_pair(outs[1], outs[1]);            // channels-last to channels-last
          check_pair(outs[4], outs[3]);            // flipped into a slice
          check_pair(ins[ins.size() - 1], outs[6]);  // expanded and flipped into padded channels-last
        }
      }
    }
  }
  CHECK(executions > 0);
}

TEMPLATE_TEST_CASE("one plane and many planes give the same bits per plane", "[layout]", float, double) {
  // Each (n, c) plane is resampled on its own: a plane computed alone (N = C = 1) must equal the
  // same plane inside a batch of N * C = 12, whatever the batch's layout.
  using T = TestType;
  std::mt19937 rng(4242u);
  for (const config& cfg : all_configs()) {
    for (int rank : cfg.ranks) {
      dims batch_shape = {3, 4};
      dims plane_shape = {1, 1};
      std::vector<index_t> size;
      for (int r = 2; r < rank; ++r) {
        const index_t e = 3 + r;
        batch_shape.push_back(e);
        plane_shape.push_back(e);
        size.push_back(2 * e - 3);
      }
      resample::options opts;
      opts.mode = cfg.mode;
      opts.antialias = cfg.antialias;
      opts.align_corners = cfg.align_corners;
      opts.size = size;
      INFO(type_name<T>() << ' ' << cfg.describe() << " batch " << to_text(batch_shape));

      layout cl = plain("channels-last", rank);
      cl.order = channels_last_order(rank);
      placed<T> batch = place<T>(cl, batch_shape);
      for_each_index(batch_shape, [&](const std::array<index_t, 5>& idx, index_t) {
        batch.buffer[static_cast<std::size_t>(offset_of(batch, idx))] = random_value<T>(rng, false);
      });
      const resample::tensor<T> batch_out = resample::interpolate(batch.const_view(), opts);
      const std::vector<T> batch_in = materialize(batch);

      const index_t in_plane = static_cast<index_t>(batch_in.size()) / 12;
      const index_t out_plane = static_cast<index_t>(batch_out.size()) / 12;
      for (index_t p = 0; p < 12; ++p) {
        const std::vector<T> one(batch_in.begin() + p * in_plane, batch_in.begin() + (p + 1) * in_plane);
        const resample::tensor<T> alone =
            resample::interpolate(resample::tensor_view<const T>(one.data(), plane_shape), opts);
        const std::vector<T> slice(batch_out.values().begin() + p * out_plane,
                                   batch_out.values().begin() + (p + 1) * out_plane);
        CHECK(count_differences(alone.values(), slice) == 0);
      }
    }
  }
}

TEMPLATE_TEST_CASE("outputs written with streaming stores give the bits of ordinary stores", "[layout]", float, double) {
  // Every pass that can stream, forced to stream (threshold 1 byte) and forced not to; rows of
  // odd lengths start at every vector alignment.
  using T = TestType;
  using resample::mode;
  std::mt19937 rng(2718u);
  struct stream_case {
    mode m;
    bool channels_last;
    dims shape;
    double scale;
  };
  resample::thread_pool pool(1);
  const resample::executor pool_executor = [&pool](std::int64_t count, const std::function<void(std::int64_t)>& task) {
    pool(count, task);
  };
  const std::vector<stream_case> cases = {
      {mode::bilinear, false, {2, 3, 37, 41}, 2.0},        // planar H pass
      {mode::bilinear, true, {2, 3, 37, 41}, 1.7},         // interleaved RGB rows
      {mode::bicubic, true, {1, 19, 23, 29}, 2.0},         // channels-last pixels
      {mode::trilinear, false, {1, 2, 9, 17, 19}, 2.0},    // D pass
      {mode::nearest, true, {2, 67, 13, 11}, 2.0},         // copied channels-last pixels
      {mode::nearest_exact, true, {1, 5, 31, 33}, 0.7},
  };
  for (const stream_case& sc : cases) {
    resample::options opts;
    opts.mode = sc.m;
    opts.scale_factor = {sc.scale};
    const int rank = static_cast<int>(sc.shape.size());
    layout l = plain(sc.channels_last ? "channels-last" : "contiguous", rank);
    if (sc.channels_last) l.order = channels_last_order(rank);
    placed<T> in = place<T>(l, sc.shape);
    for_each_index(sc.shape, [&](const std::array<index_t, 5>& idx, index_t) {
      in.buffer[static_cast<std::size_t>(offset_of(in, idx))] = random_value<T>(rng, false);
    });
    const resample::plan<T> p(sc.shape, opts);
    INFO(type_name<T>() << ' ' << resample::to_string(sc.m) << ' ' << to_text(sc.shape) << ' ' << l.name);
    std::vector<std::vector<T>> results;
    for (const std::int64_t from : {std::int64_t{1}, std::numeric_limits<std::int64_t>::max()}) {
      for (const int threads : {1, 2}) {
        resample::execution exec;
        exec.streaming_output_bytes = from;
        exec.max_threads = threads;
        exec.pool = threads > 1 ? pool_executor : resample::executor{};
        exec.min_parallel_elements = 0;
        exec.grain_elements = 512;
        placed<T> out = place<T>(l, p.output_shape());
        p.execute(in.const_view(), out.view(), exec);
        results.push_back(materialize(out));
      }
    }
    for (std::size_t i = 1; i < results.size(); ++i) CHECK(count_differences(results[i], results[0]) == 0);
  }
}

}  // namespace layouts_tests
