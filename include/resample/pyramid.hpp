// SPDX-License-Identifier: MIT
// Image pyramids on N, C, H, W views: OpenCV's pyrDown / pyrUp (5-tap binomial, reflect-101),
// Gaussian and Laplacian pyramids built from them or from any interpolate mode, and collapse.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "detail/identity.hpp"
#include "detail/pyramid_driver.hpp"
#include "detail/validate_views.hpp"
#include "error.hpp"
#include "options.hpp"
#include "parallel.hpp"
#include "plan.hpp"
#include "tensor.hpp"
#include "view.hpp"

namespace resample {

namespace detail {

template <class T>
void check_image(const tensor_view<T>& v, const std::string& what) {
  if (v.rank() != 4) {
    throw error(error_code::invalid_rank,
                what + " needs a 4-D view (N, C, H, W), but got shape " + format_dims(v.extents()));
  }
  if (v.empty()) {
    throw error(error_code::empty_tensor, what + " needs a non-empty view, but got shape " + format_dims(v.extents()));
  }
  if (v.data_handle() == nullptr) {
    throw error(error_code::null_data, what + ": the view of shape " + format_dims(v.extents()) + " has a null data pointer");
  }
}

/// The element type of Laplacian levels and fusion arithmetic for images of T: T for float and
/// double, float for uint8 (it holds every uint8 value exactly).
template <class T>
using widened_t = std::conditional_t<std::is_same_v<T, std::uint8_t>, float, T>;

/// Laplacian pyramids and fusion take float, double or uint8 images.
template <class T>
constexpr void check_pyramid_type() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::uint8_t>,
                "resample: Laplacian pyramids and fusion need float, double or uint8 elements");
}

/// Laplacian levels (what collapse reads) are float or double.
template <class T>
constexpr void check_level_type() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "resample: collapse needs a pyramid of float or double levels (a Laplacian pyramid)");
}

/// pyr_down, pyr_up and Gaussian pyramids also take uint8 (OpenCV's fixed-point rounding).
template <class T>
constexpr void check_filter_type() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::uint8_t>,
                "resample: pyr_down, pyr_up and Gaussian pyramids need float, double or uint8 elements");
}

inline bool pyr_down_extent_ok(index_t in, index_t out) { return out > 0 && std::abs(2 * out - in) <= 2; }
inline bool pyr_up_extent_ok(index_t in, index_t out) { return out > 0 && std::abs(out - 2 * in) == out % 2; }

}  // namespace detail

/// pyr_down's default output shape: N, C, (H + 1) / 2, (W + 1) / 2 (cv::pyrDown's).
inline dims pyr_down_shape(const dims& input_shape) {
  if (input_shape.size() != 4) {
    throw error(error_code::invalid_rank, "pyr_down needs 4-D shapes (N, C, H, W), but got " + detail::format_dims(input_shape));
  }
  return {input_shape[0], input_shape[1], (input_shape[2] + 1) / 2, (input_shape[3] + 1) / 2};
}

/// pyr_up's default output shape: N, C, 2 H, 2 W (cv::pyrUp's).
inline dims pyr_up_shape(const dims& input_shape) {
  if (input_shape.size() != 4) {
    throw error(error_code::invalid_rank, "pyr_up needs 4-D shapes (N, C, H, W), but got " + detail::format_dims(input_shape));
  }
  return {input_shape[0], input_shape[1], 2 * input_shape[2], 2 * input_shape[3]};
}

/// Blurs every plane with the 5x5 binomial kernel [1 4 6 4 1]^T [1 4 6 4 1] / 256 (reflect-101
/// borders) and keeps every second row and column: cv::pyrDown on each plane, with its values
/// (its bits for float and double, for an OpenCV built for the x86-64 baseline). `output` is
/// N, C, (H + 1) / 2, (W + 1) / 2, or any size OpenCV accepts (|2 out - in| <= 2 per axis).
template <class T>
void pyr_down(tensor_view<const detail::identity_t<T>> input, tensor_view<T> output, const execution& exec = {}) {
  detail::check_filter_type<T>();
  detail::check_image(input, "pyr_down");
  detail::check_image(output, "pyr_down");
  const dims in = input.extents(), out = output.extents();
  if (out[0] != in[0] || out[1] != in[1] || !detail::pyr_down_extent_ok(in[2], out[2]) ||
      !detail::pyr_down_extent_ok(in[3], out[3])) {
    throw error(error_code::shape_mismatch,
                "pyr_down: the output view has shape " + detail::format_dims(out) + " but the input of shape " +
                    detail::format_dims(in) + " gives " + detail::format_dims(pyr_down_shape(in)) +
                    " (or H and W with |2 out - in| <= 2)");
  }
  detail::check_target_memory(input, output, "input", "output");
  detail::pyr_down_views(input, output, exec);
}

/// pyr_down into a new contiguous tensor of shape pyr_down_shape(input.extents()).
template <class T>
tensor<std::remove_const_t<T>> pyr_down(tensor_view<T> input, const execution& exec = {}) {
  using value_type = std::remove_const_t<T>;
  detail::check_image(input, "pyr_down");
  tensor<value_type> result(pyr_down_shape(input.extents()));
  pyr_down<value_type>(input, result.view(), exec);
  return result;
}

/// Doubles every plane (zeros between the samples) and blurs it with the binomial kernel times
/// 4, reflect-101 borders: cv::pyrUp on each plane, with its values. `output` is N, C, 2 H, 2 W,
/// or, per axis, 2 n - 1 or 2 n + 1 (as cv::pyrUp's explicit size; 2 n + 1 repeats the last
/// column or the second-to-last row, as OpenCV does).
template <class T>
void pyr_up(tensor_view<const detail::identity_t<T>> input, tensor_view<T> output, const execution& exec = {}) {
  detail::check_filter_type<T>();
  detail::check_image(input, "pyr_up");
  detail::check_image(output, "pyr_up");
  const dims in = input.extents(), out = output.extents();
  if (out[0] != in[0] || out[1] != in[1] || !detail::pyr_up_extent_ok(in[2], out[2]) ||
      !detail::pyr_up_extent_ok(in[3], out[3])) {
    throw error(error_code::shape_mismatch,
                "pyr_up: the output view has shape " + detail::format_dims(out) + " but the input of shape " +
                    detail::format_dims(in) + " gives " + detail::format_dims(pyr_up_shape(in)) +
                    " (or H and W of 2 in - 1 or 2 in + 1)");
  }
  detail::check_target_memory(input, output, "input", "output");
  detail::pyr_up_views<T, T, T>(input, detail::row_sink<T>{output}, nullptr, detail::up_epilogue::store, exec);
}

/// pyr_up into a new contiguous tensor of shape pyr_up_shape(input.extents()).
template <class T>
tensor<std::remove_const_t<T>> pyr_up(tensor_view<T> input, const execution& exec = {}) {
  using value_type = std::remove_const_t<T>;
  detail::check_image(input, "pyr_up");
  tensor<value_type> result(pyr_up_shape(input.extents()));
  pyr_up<value_type>(input, result.view(), exec);
  return result;
}

/// How the levels of a pyramid are made from each other. Unset filters are pyr_down / pyr_up
/// (OpenCV's pyramids); set ones are interpolate calls with those options, the way PyTorch users
/// build pyramids (e.g. `area` or antialiased `bilinear` down, `bilinear` up). Their size and
/// scale_factor must stay empty: each level is (H + 1) / 2 x (W + 1) / 2 of the one below, and
/// up goes back to exactly that finer shape.
struct pyramid_options {
  /// Number of levels, the input included; 0 means as many as halving allows (until the
  /// smaller side is 1).
  int levels = 0;
  std::optional<options> down;  ///< unset: pyr_down
  std::optional<options> up;    ///< unset: pyr_up
};

/// The most levels (input included) a Gaussian pyramid of an H x W image can have: halving
/// (n + 1) / 2 until the smaller side is 1.
inline int max_pyramid_levels(index_t height, index_t width) {
  index_t side = std::min(height, width);
  int levels = 1;
  while (side > 1) {
    side = (side + 1) / 2;
    ++levels;
  }
  return levels;
}

/// The levels of a pyramid, finest first. Levels it made itself are contiguous and live in one
/// allocation; a Gaussian pyramid's level 0 is the caller's input view (not copied: keep the
/// input alive and unchanged while the pyramid is used).
template <class T>
class pyramid {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::uint8_t>,
                "resample::pyramid<T>: T must be float or double (or uint8 for Gaussian pyramids)");

 public:
  pyramid() = default;

  /// Zero-filled storage for levels of the given shapes; level 0 is `base` when one is given.
  pyramid(const std::vector<dims>& shapes, const pyramid_options& filters, std::optional<tensor_view<const T>> base = {})
      : pyramid(shapes, filters, base, true) {}

  /// Storage for levels of the given shapes, left uninitialised unless `zero_fill`: for
  /// builders that write every element anyway.
  pyramid(const std::vector<dims>& shapes, const pyramid_options& filters, std::optional<tensor_view<const T>> base,
          bool zero_fill)
      : shapes_(shapes), filters_(filters), base_(base) {
    for (std::size_t l = 0; l < shapes_.size(); ++l) {
      offsets_.push_back(size_);
      if (l == 0 && base_) continue;
      size_ += static_cast<std::size_t>(shapes_[l][0] * shapes_[l][1] * shapes_[l][2] * shapes_[l][3]);
    }
    storage_.reset(new T[size_]);
    if (zero_fill) std::fill(storage_.get(), storage_.get() + size_, T(0));
  }

  pyramid(const pyramid& other)
      : shapes_(other.shapes_), offsets_(other.offsets_), filters_(other.filters_), base_(other.base_),
        size_(other.size_), storage_(new T[other.size_]) {
    std::copy(other.storage_.get(), other.storage_.get() + size_, storage_.get());
  }
  pyramid(pyramid&&) noexcept = default;
  pyramid& operator=(const pyramid& other) {
    if (this != &other) *this = pyramid(other);
    return *this;
  }
  pyramid& operator=(pyramid&&) noexcept = default;

  int levels() const noexcept { return static_cast<int>(shapes_.size()); }
  const dims& shape(int level) const { return shapes_.at(static_cast<std::size_t>(level)); }
  /// The filters the pyramid was built with (collapse uses the same `up`).
  const pyramid_options& filters() const noexcept { return filters_; }
  /// True when level 0 is the caller's input rather than a copy.
  bool borrows_base() const noexcept { return base_.has_value(); }

  tensor_view<const T> level(int l) const {
    if (l == 0 && base_) return *base_;
    return tensor_view<const T>(storage_.get() + offsets_.at(static_cast<std::size_t>(l)), shape(l));
  }

  /// A writable view of a level the pyramid owns (every level but a borrowed level 0).
  tensor_view<T> mutable_level(int l) {
    if (l == 0 && base_) {
      throw error(error_code::unsupported, "level 0 of this pyramid is the caller's input view (shape " +
                                               detail::format_dims(shape(0)) + "); it is not writable through the pyramid");
    }
    return tensor_view<T>(storage_.get() + offsets_.at(static_cast<std::size_t>(l)), shape(l));
  }

 private:
  std::vector<dims> shapes_;
  std::vector<std::size_t> offsets_;
  pyramid_options filters_;
  std::optional<tensor_view<const T>> base_;
  std::size_t size_ = 0;
  std::unique_ptr<T[]> storage_;
};

namespace detail {

inline options level_options(const options& filter, const dims& target_shape, const char* which) {
  if (!filter.size.empty() || !filter.scale_factor.empty()) {
    throw error(error_code::invalid_option,
                std::string("pyramid_options::") + which +
                    " must leave size and scale_factor empty: every level's size is set by the pyramid");
  }
  options o = filter;
  o.size = {target_shape[2], target_shape[3]};
  return o;
}

/// The shapes of a pyramid over `shape` with `popts.levels` levels (checked).
inline std::vector<dims> pyramid_shapes(const dims& shape, const pyramid_options& popts, const std::string& what) {
  const int most = max_pyramid_levels(shape[2], shape[3]);
  if (popts.levels < 0 || popts.levels > most) {
    throw error(error_code::invalid_size, what + ": " + std::to_string(popts.levels) + " levels asked for, but an input of shape " +
                                              format_dims(shape) + " allows 1 to " + std::to_string(most) +
                                              " (0 means as many as it allows)");
  }
  const int levels = popts.levels == 0 ? most : popts.levels;
  std::vector<dims> shapes{shape};
  for (int l = 1; l < levels; ++l) shapes.push_back(pyr_down_shape(shapes.back()));
  return shapes;
}

/// Checks the interpolate filters once, before anything is computed.
template <class T>
void check_filters(const pyramid_options& popts, const std::vector<dims>& shapes) {
  if (shapes.size() < 2) return;
  if (popts.down) (void)plan<T>(shapes[0], level_options(*popts.down, shapes[1], "down"));
  if (popts.up && !std::is_integral_v<T>) (void)plan<T>(shapes[1], level_options(*popts.up, shapes[0], "up"));
}

/// A float copy of a uint8 image, times `scale`: what interpolate-built pyramids of it read.
inline tensor<float> widened_copy(const tensor_view<const std::uint8_t>& image, float scale) {
  tensor<float> copy(image.extents());
  const row_source<float, std::uint8_t> source{image, scale};
  const tensor_view<float> out = copy.view();
  for (index_t n = 0; n < out.extent(0); ++n) {
    for (index_t c = 0; c < out.extent(1); ++c) {
      for (index_t y = 0; y < out.extent(2); ++y) (void)source.row(n, c, y, row_pointer(out, n, c, y));
    }
  }
  return copy;
}

/// Copies every row of `from` to `to` (one shape).
template <class T, class S, class Out>
void copy_rows(const row_source<T, S>& from, const row_sink<T, Out>& to) {
  const index_t width = from.view.extent(3);
  std::vector<T> scratch(static_cast<std::size_t>(2 * width));
  for (index_t n = 0; n < from.view.extent(0); ++n) {
    for (index_t c = 0; c < from.view.extent(1); ++c) {
      for (index_t y = 0; y < from.view.extent(2); ++y) {
        T* out = to.target(n, c, y, scratch.data() + width);
        const T* in = from.row(n, c, y, scratch.data());
        std::copy(in, in + width, out);
        if (!to.direct()) to.commit(n, c, y, out);
      }
    }
  }
}

/// coarser = down(finer): pyr_down, or the `down` interpolate filter (which reads views of T:
/// callers widen uint8 images first when they use one).
template <class T, class S>
void down_level(const row_source<T, S>& finer, const tensor_view<T>& coarser, const pyramid_options& popts,
                const execution& exec) {
  if (!popts.down) {
    pyr_down_views(finer, coarser, exec);
    return;
  }
  if constexpr (std::is_same_v<S, T>) {
    const plan<T> p(finer.view.extents(), level_options(*popts.down, coarser.extents(), "down"));
    p.execute(finer.view, coarser, exec);
  } else {
    throw error(error_code::unsupported, "an interpolate down filter needs a widened copy of a uint8 image");
  }
}

/// Gaussian levels of a batch of images of one shape: levels[i][l] is down of levels[i][l - 1]
/// (of bases[i] for l = 0). pyr_down runs every level of every image in one parallel_steps.
template <class T, class S>
void gaussian_levels(const std::vector<row_source<T, S>>& bases,
                     const std::vector<std::vector<tensor_view<T>>>& levels, const pyramid_options& popts,
                     const execution& exec) {
  if (levels.empty() || levels[0].empty()) return;
  if (!popts.down) {
    pyr_down_cascade(bases, levels, exec);
    return;
  }
  for (std::size_t i = 0; i < bases.size(); ++i) {
    down_level(bases[i], levels[i][0], popts, exec);
    for (std::size_t l = 1; l < levels[i].size(); ++l) {
      down_level(row_source<T>{levels[i][l - 1]}, levels[i][l], popts, exec);
    }
  }
}

/// The owned levels first .. of a pyramid, for gaussian_levels.
template <class T>
std::vector<tensor_view<T>> levels_from(pyramid<T>& p, int first) {
  std::vector<tensor_view<T>> views;
  for (int l = first; l < p.levels(); ++l) views.push_back(p.mutable_level(l));
  return views;
}

/// Elementwise out = a op b over 4-D views of one shape (out may alias a).
template <class T, class Op>
void combine_views(const tensor_view<const T>& a, const tensor_view<const T>& b, const tensor_view<T>& out, Op op) {
  for (index_t n = 0; n < out.extent(0); ++n) {
    for (index_t c = 0; c < out.extent(1); ++c) {
      for (index_t y = 0; y < out.extent(2); ++y) {
        const T* pa = a.data_handle() + n * a.stride(0) + c * a.stride(1) + y * a.stride(2);
        const T* pb = b.data_handle() + n * b.stride(0) + c * b.stride(1) + y * b.stride(2);
        T* po = out.data_handle() + n * out.stride(0) + c * out.stride(1) + y * out.stride(2);
        const index_t sa = a.stride(3), sb = b.stride(3), so = out.stride(3);
        if (sa == 1 && sb == 1 && so == 1) {
          for (index_t x = 0; x < out.extent(3); ++x) po[x] = op(pa[x], pb[x]);
        } else {
          for (index_t x = 0; x < out.extent(3); ++x) po[x * so] = op(pa[x * sa], pb[x * sb]);
        }
      }
    }
  }
}

/// out = base - up(coarser) (subtract) or base + up(coarser); out may be base.
template <class T, class B, class Out>
void up_level(const tensor_view<const T>& coarser, const row_source<T, B>& base, const row_sink<T, Out>& out,
              up_epilogue op, const pyramid_options& popts, const execution& exec) {
  if (!popts.up) {
    pyr_up_views(coarser, out, &base, op, exec);
    return;
  }
  const dims shape = out.view.extents();
  const plan<T> p(coarser.extents(), level_options(*popts.up, shape, "up"));
  tensor<T> up(shape);
  p.execute(coarser, up.view(), exec);
  const index_t width = shape[3];
  std::vector<T> scratch(static_cast<std::size_t>(2 * width));
  for (index_t n = 0; n < shape[0]; ++n) {
    for (index_t c = 0; c < shape[1]; ++c) {
      for (index_t y = 0; y < shape[2]; ++y) {
        const T* b = base.row(n, c, y, scratch.data());
        const T* u = row_pointer(up.view(), n, c, y);
        T* o = out.target(n, c, y, scratch.data() + width);
        if (op == up_epilogue::subtract_from_base) {
          for (index_t x = 0; x < width; ++x) o[x] = b[x] - u[x];
        } else {
          for (index_t x = 0; x < width; ++x) o[x] = b[x] + u[x];
        }
        if (!out.direct()) out.commit(n, c, y, o);
      }
    }
  }
}

/// Fills levels 1.. of `g` with the Gaussian levels of `base` (level 0, read through a source).
template <class T, class S>
void fill_gaussian(pyramid<T>& g, const row_source<T, S>& base, const pyramid_options& popts, const execution& exec) {
  gaussian_levels(std::vector<row_source<T, S>>{base}, {levels_from(g, 1)}, popts, exec);
}

template <class T>
void fill_gaussian(pyramid<T>& g, const tensor_view<const T>& base, const pyramid_options& popts, const execution& exec) {
  fill_gaussian(g, row_source<T>{base}, popts, exec);
}

/// Fills every level of `lap` (owned, of base's shapes) with the Laplacian levels of `base`:
/// Gaussian levels 1.. in place, then each level minus the upsampled next one, finest first
/// (level l + 1 is still Gaussian when level l is made).
template <class T, class S>
void fill_laplacian(pyramid<T>& lap, const row_source<T, S>& base, const pyramid_options& popts,
                    const execution& exec) {
  fill_gaussian(lap, base, popts, exec);
  if (lap.levels() == 1) {
    copy_rows(base, row_sink<T>{lap.mutable_level(0)});
    return;
  }
  up_level(lap.level(1), base, row_sink<T>{lap.mutable_level(0)}, up_epilogue::subtract_from_base, popts, exec);
  for (int l = 1; l + 1 < lap.levels(); ++l) {
    up_level(lap.level(l + 1), row_source<T>{lap.level(l)}, row_sink<T>{lap.mutable_level(l)},
             up_epilogue::subtract_from_base, popts, exec);
  }
}

template <class T>
void fill_laplacian(pyramid<T>& lap, const tensor_view<const T>& base, const pyramid_options& popts,
                    const execution& exec) {
  fill_laplacian(lap, row_source<T>{base}, popts, exec);
}

/// Collapses `lap` into `output`, the partial sums of levels 1 .. top - 1 going to `sums` (of
/// lap's shapes; `sums` may be `lap` itself, whose levels are then overwritten).
template <class T, class Out>
void collapse_into(const pyramid<T>& lap, pyramid<T>& sums, const row_sink<T, Out>& output, const execution& exec) {
  const int top = lap.levels() - 1;
  if (top == 0) {
    copy_rows(row_source<T>{lap.level(0)}, output);
    return;
  }
  tensor_view<const T> above = lap.level(top);
  for (int l = top - 1; l >= 1; --l) {
    const tensor_view<T> target = sums.mutable_level(l);
    up_level(above, row_source<T>{lap.level(l)}, row_sink<T>{target}, up_epilogue::add_to_base, lap.filters(), exec);
    above = target;
  }
  up_level(above, row_source<T>{lap.level(0)}, output, up_epilogue::add_to_base, lap.filters(), exec);
}

/// Collapses `lap` into `output`, using the pyramid's own levels 1.. for the partial sums
/// (they are overwritten).
template <class T, class Out>
void collapse_in_place(pyramid<T>& lap, const row_sink<T, Out>& output, const execution& exec) {
  collapse_into(lap, lap, output, exec);
}

/// Checks an output view of collapse (any element type) against the pyramid's level 0.
template <class T, class Out>
void check_collapse_output(const pyramid<T>& laplacian, const tensor_view<Out>& output) {
  if (laplacian.levels() == 0) {
    throw error(error_code::empty_tensor, "collapse: the pyramid has no levels");
  }
  check_image(output, "collapse");
  if (output.extents() != laplacian.shape(0)) {
    throw error(error_code::shape_mismatch, "collapse: the output view has shape " + format_dims(output.extents()) +
                                                " but the pyramid's level 0 has shape " +
                                                format_dims(laplacian.shape(0)));
  }
}

/// collapse into `output` through a scratch pyramid of partial sums (the pyramid is unchanged).
template <class T, class Out>
void collapse_checked(const pyramid<T>& laplacian, const row_sink<T, Out>& output, const execution& exec) {
  std::vector<dims> shapes;
  for (int l = 0; l < laplacian.levels(); ++l) shapes.push_back(laplacian.shape(l));
  // Level 0 goes to the output: the scratch pyramid borrows it instead of allocating it.
  pyramid<T> sums(shapes, laplacian.filters(), laplacian.level(0), false);
  collapse_into(laplacian, sums, output, exec);
}

}  // namespace detail

/// The Gaussian pyramid of `input`: level 0 is `input` itself (borrowed, not copied), level l + 1
/// is pyr_down (or `popts.down`) of level l. OpenCV's cv::buildPyramid(input, levels - 1).
template <class T>
pyramid<std::remove_const_t<T>> gaussian_pyramid(tensor_view<T> input, const pyramid_options& popts = {},
                                                 const execution& exec = {}) {
  using value_type = std::remove_const_t<T>;
  detail::check_filter_type<value_type>();
  detail::check_image(input, "gaussian_pyramid");
  const std::vector<dims> shapes = detail::pyramid_shapes(input.extents(), popts, "gaussian_pyramid");
  detail::check_filters<value_type>(popts, shapes);
  const tensor_view<const value_type> base = input;
  pyramid<value_type> result(shapes, popts, base, false);
  detail::fill_gaussian(result, base, popts, exec);
  return result;
}

/// The Laplacian pyramid of `input`: level l is G_l - up(G_{l+1}) for the Gaussian levels G, the
/// last level is the last Gaussian level. With the default filters, OpenCV's construction
/// (G_l - cv::pyrUp(G_{l+1}, size of G_l)), value for value. All levels are owned.
/// A uint8 image gives a pyramid<float>: the Laplacian pyramid of its values widened to float
/// (exactly, no 1/255 scaling), the same bits as laplacian_pyramid of that float image; its
/// details are signed. collapse<std::uint8_t> (or collapse into a uint8 view) gives the image back.
template <class T>
pyramid<detail::widened_t<std::remove_const_t<T>>> laplacian_pyramid(tensor_view<T> input,
                                                                     const pyramid_options& popts = {},
                                                                     const execution& exec = {}) {
  using value_type = std::remove_const_t<T>;
  using level_type = detail::widened_t<value_type>;
  detail::check_pyramid_type<value_type>();
  detail::check_image(input, "laplacian_pyramid");
  const std::vector<dims> shapes = detail::pyramid_shapes(input.extents(), popts, "laplacian_pyramid");
  detail::check_filters<level_type>(popts, shapes);
  if constexpr (!std::is_same_v<value_type, level_type>) {
    if (popts.down) {  // interpolate reads float views
      const tensor<float> widened = detail::widened_copy(input, 1.0f);
      return laplacian_pyramid(widened.view(), popts, exec);
    }
  }
  pyramid<level_type> result(shapes, popts, {}, false);
  detail::fill_laplacian(result, detail::row_source<level_type, value_type>{input}, popts, exec);
  return result;
}

/// Collapses a Laplacian pyramid into `output` (level 0's shape): from the top, each level plus
/// the upsampled sum above it, with the pyramid's own `up` filter. Gives back the input of
/// laplacian_pyramid within float rounding.
template <class T>
void collapse(const pyramid<T>& laplacian, tensor_view<T> output, const execution& exec = {}) {
  detail::check_level_type<T>();
  detail::check_collapse_output(laplacian, output);
  detail::check_target_memory(laplacian.level(0), output, "pyramid level 0", "output");
  detail::collapse_checked(laplacian, detail::row_sink<T>{output}, exec);
}

/// Collapses a Laplacian pyramid into a uint8 view: the sum is rounded to nearest (ties to even,
/// as cvRound) and saturated to [0, 255]. The Laplacian pyramid of a uint8 image collapses back
/// to that image exactly.
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
void collapse(const pyramid<T>& laplacian, tensor_view<std::uint8_t> output, const execution& exec = {}) {
  detail::check_collapse_output(laplacian, output);
  if (!detail::has_no_internal_overlap(output)) {
    throw error(error_code::overlapping_memory, "collapse: the output view overlaps itself: extents " +
                                                    detail::format_dims(output.extents()) + ", strides " +
                                                    detail::format_dims(output.strides()));
  }
  detail::collapse_checked(laplacian, detail::row_sink<T, std::uint8_t>{output}, exec);
}

/// Collapses a Laplacian pyramid into a new contiguous tensor.
template <class T>
tensor<T> collapse(const pyramid<T>& laplacian, const execution& exec = {}) {
  if (laplacian.levels() == 0) {
    throw error(error_code::empty_tensor, "collapse: the pyramid has no levels");
  }
  tensor<T> result(laplacian.shape(0));
  collapse(laplacian, result.view(), exec);
  return result;
}

/// Collapses a Laplacian pyramid into a new contiguous uint8 tensor (rounded and saturated):
/// `collapse<std::uint8_t>(laplacian_pyramid(image_u8))` is the image again.
template <class Out, class T,
          std::enable_if_t<std::is_same_v<Out, std::uint8_t> && std::is_floating_point_v<T>, int> = 0>
tensor<Out> collapse(const pyramid<T>& laplacian, const execution& exec = {}) {
  if (laplacian.levels() == 0) {
    throw error(error_code::empty_tensor, "collapse: the pyramid has no levels");
  }
  tensor<Out> result(laplacian.shape(0));
  collapse(laplacian, result.view(), exec);
  return result;
}

}  // namespace resample
