// SPDX-License-Identifier: MIT
// Multi-image fusion through Laplacian pyramids: weighted average (global weights, or per-pixel
// weight maps blended level by level through their Gaussian pyramids: Burt and Adelson's
// multiband blending), maximum absolute detail, a caller-supplied rule, and Mertens exposure
// fusion as OpenCV's cv::createMergeMertens()->process computes it.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "detail/fusion_kernels.hpp"
#include "pyramid.hpp"

namespace resample {

/// A fusion rule: fills `fused` (level `level` of `levels`, zero-initialised, contiguous) from the
/// same level of every input's Laplacian pyramid. The last level (level == levels - 1) holds the
/// coarse Gaussian images rather than details.
template <class T>
using fusion_rule =
    std::function<void(int level, int levels, const std::vector<tensor_view<const T>>& inputs, tensor_view<T> fused)>;

/// The weights of Mertens exposure fusion: each measure is raised to its weight (0 switches it
/// off). The defaults are OpenCV's createMergeMertens(1, 1, 0).
struct mertens_options {
  double contrast_weight = 1.0;
  double saturation_weight = 1.0;
  double exposure_weight = 0.0;
};

namespace detail {

template <class T>
void check_stack(const std::vector<tensor_view<const T>>& images, const std::string& what) {
  if (images.empty()) {
    throw error(error_code::empty_tensor, what + ": the stack of images is empty");
  }
  for (std::size_t i = 0; i < images.size(); ++i) {
    check_image(images[i], what + ": image " + std::to_string(i));
    if (images[i].extents() != images[0].extents()) {
      throw error(error_code::shape_mismatch, what + ": image " + std::to_string(i) + " has shape " +
                                                  format_dims(images[i].extents()) + " but image 0 has shape " +
                                                  format_dims(images[0].extents()) + "; all images must have one shape");
    }
  }
}

/// acc[l] (+)= lap[l] * weight[l] for every level (the first image assigns); weight levels have
/// 1 or C channels.
template <class T>
void accumulate_levels(pyramid<T>& acc, const pyramid<T>& lap, const pyramid<T>& weight, bool first,
                       const execution& exec) {
  for (int l = 0; l < acc.levels(); ++l) {
    const tensor_view<T> a = acc.mutable_level(l);
    const tensor_view<const T> d = lap.level(l), w = weight.level(l);
    const bool shared = w.extent(1) == 1;
    for_each_row(exec, a.extent(0), a.extent(1), a.extent(2), a.extent(3), [&](index_t n, index_t c, index_t y) {
      T* out = row_pointer(a, n, c, y);
      const T* wr = row_of(w, n, shared ? 0 : c, y);
      if (first) {
        weighted_row(out, row_of(d, n, c, y), wr, a.extent(3));
      } else {
        accumulate_weighted_row(out, row_of(d, n, c, y), wr, a.extent(3));
      }
    });
  }
}

/// Pyramids reused from image to image: one Laplacian pyramid and the running result.
template <class T>
struct fusion_buffers {
  std::vector<dims> shapes;
  pyramid_options popts;
  pyramid<T> lap;
  pyramid<T> acc;
  fusion_buffers(const dims& shape, const pyramid_options& options, const char* what)
      : shapes(pyramid_shapes(shape, options, what)), popts(options) {
    popts.levels = static_cast<int>(shapes.size());
    check_filters<T>(popts, shapes);
    lap = pyramid<T>(shapes, popts, {}, false);
    acc = pyramid<T>(shapes, popts, {}, false);
  }
  tensor<T> result(const execution& exec) {
    tensor<T> out(shapes[0]);
    collapse_in_place(acc, out.view(), exec);
    return out;
  }
};

/// Blends `images` with per-pixel weights normalised to sum to 1: weights(i, out) writes image
/// i's weight map into `out` (shape `weight_shape`: N x 1 or N x C x H x W, contiguous).
template <class T, class Weights>
tensor<T> blend_weight_maps(const std::vector<tensor_view<const T>>& images, const dims& weight_shape,
                            const Weights& weights, const pyramid_options& popts, const execution& exec) {
  fusion_buffers<T> b(images[0].extents(), popts, "fusion");
  pyramid<T> gw(pyramid_shapes(weight_shape, b.popts, "fusion"), b.popts, {}, false);
  for (std::size_t i = 0; i < images.size(); ++i) {
    fill_laplacian(b.lap, images[i], b.popts, exec);
    weights(i, gw.mutable_level(0));
    fill_gaussian(gw, gw.level(0), b.popts, exec);
    accumulate_levels(b.acc, b.lap, gw, i == 0, exec);
  }
  return b.result(exec);
}

template <class T>
tensor_view<const T> contiguous_rows(const tensor_view<const T>& v, std::optional<tensor<T>>& keep) {
  if (v.stride(3) == 1) return v;
  keep.emplace(v.extents());
  combine_views<T>(v, v, keep->view(), [](T x, T) { return x; });
  return keep->view();
}

}  // namespace detail

/// Fuses `images` (one shape, N x C x H x W) with a caller's rule: builds every image's
/// Laplacian pyramid, lets `rule` make each level of the result, collapses it.
template <class T>
tensor<T> fuse(const std::vector<tensor_view<const T>>& images, const fusion_rule<T>& rule,
               const pyramid_options& popts = {}, const execution& exec = {}) {
  detail::check_pyramid_type<T>();
  detail::check_stack(images, "fuse");
  if (!rule) throw error(error_code::invalid_option, "fuse: the fusion rule is empty");
  const std::vector<dims> shapes = detail::pyramid_shapes(images[0].extents(), popts, "fuse");
  pyramid_options exact_levels = popts;
  exact_levels.levels = static_cast<int>(shapes.size());
  std::vector<pyramid<T>> laps;
  for (const tensor_view<const T>& image : images) laps.push_back(laplacian_pyramid(image, exact_levels, exec));
  pyramid<T> fused(shapes, exact_levels);
  std::vector<tensor_view<const T>> inputs(images.size());
  for (int l = 0; l < fused.levels(); ++l) {
    for (std::size_t i = 0; i < laps.size(); ++i) inputs[i] = laps[i].level(l);
    rule(l, fused.levels(), inputs, fused.mutable_level(l));
  }
  tensor<T> result(shapes[0]);
  detail::collapse_in_place(fused, result.view(), exec);
  return result;
}

/// Weighted average through the pyramids with one global weight per image (empty: equal
/// weights). Weights must be finite and non-negative with a positive sum; they are normalised.
/// Linear, so it equals the plain weighted average of the images within rounding.
template <class T>
tensor<T> fuse_average(const std::vector<tensor_view<const T>>& images, const std::vector<double>& weights = {},
                       const pyramid_options& popts = {}, const execution& exec = {}) {
  detail::check_pyramid_type<T>();
  detail::check_stack(images, "fuse_average");
  std::vector<double> w = weights.empty() ? std::vector<double>(images.size(), 1.0) : weights;
  if (w.size() != images.size()) {
    throw error(error_code::shape_mismatch, "fuse_average: " + std::to_string(w.size()) + " weights for " +
                                                std::to_string(images.size()) + " images of shape " +
                                                detail::format_dims(images[0].extents()));
  }
  double sum = 0;
  for (double v : w) {
    if (!std::isfinite(v) || v < 0) {
      throw error(error_code::invalid_option, "fuse_average: weights must be finite and non-negative, got " + detail::format_dims(w));
    }
    sum += v;
  }
  if (!(sum > 0)) throw error(error_code::invalid_option, "fuse_average: the weights sum to 0: " + detail::format_dims(w));
  detail::fusion_buffers<T> b(images[0].extents(), popts, "fuse_average");
  for (std::size_t i = 0; i < images.size(); ++i) {
    detail::fill_laplacian(b.lap, images[i], b.popts, exec);
    const T scale = static_cast<T>(w[i] / sum);
    for (int l = 0; l < b.acc.levels(); ++l) {
      const tensor_view<T> a = b.acc.mutable_level(l);
      const tensor_view<const T> d = b.lap.level(l);
      detail::for_each_row(exec, a.extent(0), a.extent(1), a.extent(2), a.extent(3), [&](index_t n, index_t c, index_t y) {
        if (i == 0) {
          detail::scaled_row(detail::row_pointer(a, n, c, y), detail::row_of(d, n, c, y), scale, a.extent(3));
        } else {
          detail::accumulate_scaled_row(detail::row_pointer(a, n, c, y), detail::row_of(d, n, c, y), scale, a.extent(3));
        }
      });
    }
  }
  return b.result(exec);
}

/// Burt-Adelson multiband blending: image i's per-pixel weights `weight_maps[i]` (N x 1 x H x W,
/// shared by the channels, or N x C x H x W) are normalised to sum to 1 at every pixel (equal
/// weights where all are 0), and each Laplacian level is averaged with the Gaussian pyramid
/// of the weights at that level. A 0/1 mask and its complement give a seamless mask blend.
template <class T>
tensor<T> fuse_weighted(const std::vector<tensor_view<const T>>& images,
                        const std::vector<tensor_view<const T>>& weight_maps, const pyramid_options& popts = {},
                        const execution& exec = {}) {
  detail::check_pyramid_type<T>();
  detail::check_stack(images, "fuse_weighted");
  const dims shape = images[0].extents();
  if (weight_maps.size() != images.size()) {
    throw error(error_code::shape_mismatch, "fuse_weighted: " + std::to_string(weight_maps.size()) + " weight maps for " +
                                                std::to_string(images.size()) + " images of shape " + detail::format_dims(shape));
  }
  const dims shared{shape[0], 1, shape[2], shape[3]};
  for (std::size_t i = 0; i < weight_maps.size(); ++i) {
    detail::check_image(weight_maps[i], "fuse_weighted: weight map " + std::to_string(i));
    const dims& ws = weight_maps[i].extents();
    if (ws != weight_maps[0].extents() || (ws != shape && ws != shared)) {
      throw error(error_code::shape_mismatch, "fuse_weighted: weight map " + std::to_string(i) + " has shape " +
                                                  detail::format_dims(ws) + "; the images of shape " + detail::format_dims(shape) +
                                                  " need weight maps of shape " + detail::format_dims(shared) + " or " +
                                                  detail::format_dims(shape) + ", all alike");
    }
  }
  const dims wshape = weight_maps[0].extents();
  // Checked before anything is computed: NaN, infinite or negative weights.
  for (std::size_t i = 0; i < weight_maps.size(); ++i) {
    const tensor_view<const T>& m = weight_maps[i];
    for (index_t n = 0; n < wshape[0]; ++n) {
      for (index_t c = 0; c < wshape[1]; ++c) {
        for (index_t y = 0; y < wshape[2]; ++y) {
          const T* row = detail::row_of(m, n, c, y);
          for (index_t x = 0; x < wshape[3]; ++x) {
            const T v = row[x * m.stride(3)];
            if (!std::isfinite(v) || v < 0) {
              throw error(error_code::invalid_option,
                          "fuse_weighted: weight map " + std::to_string(i) + " (shape " + detail::format_dims(wshape) +
                              ") holds " + std::to_string(v) + " at " + detail::format_dims(dims{n, c, y, x}) +
                              "; weights must be finite and non-negative");
            }
          }
        }
      }
    }
  }
  (void)detail::pyramid_shapes(shape, popts, "fuse_weighted");
  tensor<T> sum(wshape);
  for (const tensor_view<const T>& m : weight_maps) {
    detail::combine_views<T>(sum.view(), m, sum.view(), [](T a, T b) { return a + b; });
  }
  const T equal = T(1) / static_cast<T>(images.size());
  const auto weights = [&](std::size_t i, const tensor_view<T>& out) {
    detail::combine_views<T>(weight_maps[i], sum.view(), out, [equal](T v, T s) { return s > 0 ? v / s : equal; });
  };
  return detail::blend_weight_maps(images, wshape, weights, popts, exec);
}

/// Keeps, at every detail level and element, the detail of largest magnitude (the first image on
/// ties), and averages the coarsest level: the classic multi-focus fusion rule.
template <class T>
tensor<T> fuse_max_abs(const std::vector<tensor_view<const T>>& images, const pyramid_options& popts = {},
                       const execution& exec = {}) {
  detail::check_pyramid_type<T>();
  detail::check_stack(images, "fuse_max_abs");
  detail::fusion_buffers<T> b(images[0].extents(), popts, "fuse_max_abs");
  const int top = b.acc.levels() - 1;
  const T scale = T(1) / static_cast<T>(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    detail::fill_laplacian(b.lap, images[i], b.popts, exec);
    for (int l = 0; l <= top; ++l) {
      const tensor_view<T> a = b.acc.mutable_level(l);
      const tensor_view<const T> d = b.lap.level(l);
      detail::for_each_row(exec, a.extent(0), a.extent(1), a.extent(2), a.extent(3), [&](index_t n, index_t c, index_t y) {
        T* out = detail::row_pointer(a, n, c, y);
        const T* in = detail::row_of(d, n, c, y);
        if (l == top) {
          if (i == 0) {
            detail::scaled_row(out, in, scale, a.extent(3));
          } else {
            detail::accumulate_scaled_row(out, in, scale, a.extent(3));
          }
        } else if (i == 0) {
          std::copy(in, in + a.extent(3), out);
        } else {
          detail::max_abs_row(out, in, a.extent(3));
        }
      });
    }
  }
  return b.result(exec);
}

/// The number of pyramid levels cv::MergeMertens uses for an H x W image:
/// int(logf(min(H, W)) / logf(2)) + 1, computed in float as OpenCV does.
inline int mertens_levels(index_t height, index_t width) {
  const float side = static_cast<float>(std::min(height, width));
  return static_cast<int>(std::log(side) / std::log(2.0f)) + 1;
}

/// Mertens, Kautz and Van Reeth's exposure fusion: per-pixel weights from contrast, saturation
/// and well-exposedness, normalised over the images, blended through the pyramids
/// (mertens_levels of them). Images have 1 or 3 channels (channel 0 red) with values in [0, 1]
/// (OpenCV's 8-bit input divided by 255); the result is on the same scale, as OpenCV's
/// cv::createMergeMertens(contrast, saturation, exposure)->process gives it.
template <class T>
tensor<T> merge_mertens(const std::vector<tensor_view<const T>>& images, const mertens_options& mopts = {},
                        const execution& exec = {}) {
  detail::check_pyramid_type<T>();
  detail::check_stack(images, "merge_mertens");
  const dims shape = images[0].extents();
  if (shape[1] != 1 && shape[1] != 3) {
    throw error(error_code::unsupported,
                "merge_mertens needs images of 1 or 3 channels, but got shape " + detail::format_dims(shape));
  }
  for (double v : {mopts.contrast_weight, mopts.saturation_weight, mopts.exposure_weight}) {
    if (!std::isfinite(v)) {
      throw error(error_code::invalid_option, "merge_mertens: the measure weights must be finite, got " +
                                                  detail::format_dims(std::vector<double>{mopts.contrast_weight,
                                                                                          mopts.saturation_weight,
                                                                                          mopts.exposure_weight}));
    }
  }
  const int channels = static_cast<int>(shape[1]);
  const index_t height = shape[2], width = shape[3];
  std::vector<std::optional<tensor<T>>> copies(images.size());
  std::vector<tensor_view<const T>> rows_ok;
  for (std::size_t i = 0; i < images.size(); ++i) rows_ok.push_back(detail::contiguous_rows(images[i], copies[i]));

  const dims wshape{shape[0], 1, height, width};
  const detail::row_power<T> contrast_power(mopts.contrast_weight), saturation_power(mopts.saturation_weight),
      exposure_power(mopts.exposure_weight);
  std::vector<tensor<T>> weights;
  for (const tensor_view<const T>& image : rows_ok) {
    tensor<T> gray(wshape);
    const tensor_view<T> g = gray.view();
    detail::for_each_row(exec, shape[0], 1, height, width, [&](index_t n, index_t, index_t y) {
      const T* ch[3];
      for (int c = 0; c < channels; ++c) ch[c] = detail::row_of(image, n, c, y);
      detail::gray_row(ch, channels, width, detail::row_pointer(g, n, 0, y));
    });
    tensor<T> w(wshape);
    const tensor_view<T> wv = w.view();
    const tensor_view<const T> gc = gray.view();
    detail::for_each_row(exec, shape[0], 1, height, width, [&](index_t n, index_t, index_t y) {
      const T* ch[3];
      for (int c = 0; c < channels; ++c) ch[c] = detail::row_of(image, n, c, y);
      thread_local std::vector<T> scratch;
      scratch.resize(static_cast<std::size_t>(2 * width));
      detail::mertens_weight_row(ch, channels, detail::row_of(gc, n, 0, detail::reflect101(y - 1, height)),
                                 detail::row_of(gc, n, 0, y), detail::row_of(gc, n, 0, detail::reflect101(y + 1, height)),
                                 width, contrast_power, saturation_power, exposure_power, detail::row_pointer(wv, n, 0, y),
                                 scratch.data());
    });
    weights.push_back(std::move(w));
  }
  tensor<T> sum(wshape);
  for (const tensor<T>& w : weights) {
    detail::combine_views<T>(sum.view(), w.view(), sum.view(), [](T a, T b) { return a + b; });
  }
  pyramid_options popts;
  popts.levels = std::min(mertens_levels(height, width), max_pyramid_levels(height, width));
  const auto normalised = [&](std::size_t i, const tensor_view<T>& out) {
    detail::combine_views<T>(weights[i].view(), sum.view(), out, [](T a, T b) { return a / b; });
  };
  return detail::blend_weight_maps(rows_ok, wshape, normalised, popts, exec);
}

}  // namespace resample
