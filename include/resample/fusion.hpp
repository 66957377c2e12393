// SPDX-License-Identifier: MIT
// Multi-image fusion through Laplacian pyramids: weighted average (global weights, or per-pixel
// weight maps blended level by level through their Gaussian pyramids: Burt and Adelson's
// multiband blending), maximum absolute detail, a caller-supplied rule, and Mertens exposure
// fusion as OpenCV's cv::createMergeMertens()->process computes it.
//
// Images are float, double or uint8. uint8 images are fused as their values widened to float
// (exactly; Mertens fusion first divides by 255, as OpenCV does with 8-bit input) and the result
// comes back as uint8, rounded to nearest (ties to even) and saturated, as cv::saturate_cast does
// (Mertens: OpenCV's float result times 255). Each uint8 result is the rounding of the float
// result on the widened images, bit for bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "detail/fusion_blend.hpp"
#include "detail/fusion_kernels.hpp"
#include "pyramid.hpp"

namespace resample {

/// A fusion rule: fills `fused` (level `level` of `levels`, zero-initialised, contiguous) from the
/// same level of every input's Laplacian pyramid. The last level (level == levels - 1) holds the
/// coarse Gaussian images rather than details. (uint8 images have float levels: fusion_rule<float>.)
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
  check_pyramid_type<T>();
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

/// The images as row sources of their widened type (uint8 values times `scale`).
template <class T>
std::vector<row_source<widened_t<T>, T>> image_sources(const std::vector<tensor_view<const T>>& images,
                                                      widened_t<T> scale = 1) {
  std::vector<row_source<widened_t<T>, T>> sources;
  for (const tensor_view<const T>& image : images) sources.push_back({image, scale});
  return sources;
}

/// The pyramid shapes of a fusion and its options with the level count made exact.
struct fusion_levels {
  std::vector<dims> shapes;
  pyramid_options popts;
};

template <class W>
fusion_levels fusion_levels_of(const dims& shape, const pyramid_options& popts, const char* what) {
  fusion_levels f{pyramid_shapes(shape, popts, what), popts};
  f.popts.levels = static_cast<int>(f.shapes.size());
  check_filters<W>(f.popts, f.shapes);
  return f;
}

/// Fuses `images` with `fold` (see fuse_pyramids) into a new tensor of their type; uint8 results
/// are the float results times `output_scale`, rounded and saturated.
template <class T, class Fold>
tensor<T> fuse_into_tensor(const std::vector<tensor_view<const T>>& images, const fusion_levels& levels,
                           const Fold& fold, const execution& exec, widened_t<T> input_scale = 1,
                           widened_t<T> output_scale = 1) {
  using W = widened_t<T>;
  tensor<T> result(images[0].extents());
  fuse_pyramids(image_sources(images, input_scale), levels.shapes, levels.popts,
                row_sink<W, T>{result.view(), output_scale}, fold, exec);
  return result;
}

/// Weight pyramids of one shape, level 0 filled by the caller, for weighted_fold.
template <class W>
std::vector<pyramid<W>> weight_pyramids(std::size_t count, const dims& weight_shape, const pyramid_options& popts) {
  const std::vector<dims> shapes = pyramid_shapes(weight_shape, popts, "fusion");
  std::vector<pyramid<W>> pyramids;
  for (std::size_t i = 0; i < count; ++i) pyramids.emplace_back(shapes, popts, std::nullopt, false);
  return pyramids;
}

/// Levels 1.. of the weight pyramids from their level 0, every level of every pyramid at once.
template <class W>
void fill_weight_pyramids(std::vector<pyramid<W>>& pyramids, const pyramid_options& popts, const execution& exec) {
  std::vector<row_source<W>> bases;
  std::vector<std::vector<tensor_view<W>>> levels;
  for (pyramid<W>& p : pyramids) {
    bases.push_back(row_source<W>{p.level(0)});
    levels.push_back(levels_from(p, 1));
  }
  gaussian_levels(bases, levels, popts, exec);
}

/// Level 0 of every image's weight pyramid from its Mertens weight: w_i / sum_j w_j (OpenCV's
/// weights[i] /= weight_sum, with weight_sum = 0 + w_0 + w_1 ...), for a band of rows at a time
/// and every image at once. Each image keeps its gray rows y - 1 .. y + 1 in a ring of three,
/// and the channel rows of y and y + 1 (copies when they are widened or gathered) in a ring of two.
template <class W, class S>
void mertens_weights(const std::vector<row_source<W, S>>& images, const mertens_options& mopts,
                     std::vector<pyramid<W>>& weights, const execution& exec) {
  const tensor_view<const S>& first = images[0].view;
  const int channels = static_cast<int>(first.extent(1));
  const index_t height = first.extent(2), width = first.extent(3);
  const std::size_t count = images.size(), row = static_cast<std::size_t>(width);
  std::vector<tensor_view<W>> out;
  for (pyramid<W>& p : weights) out.push_back(p.mutable_level(0));
  const row_power<W> contrast(mopts.contrast_weight), saturation(mopts.saturation_weight),
      exposure(mopts.exposure_weight);
  const fusion_loops<W> loops = fusion_loops_for<W>(exec.isa);
  const band_split split =
      split_bands(exec, first.extent(0), height, width * channels * static_cast<index_t>(count), 1);
  for_each_band(exec, split, 1, height, [&](index_t n, index_t, index_t y0, index_t y1) {
    thread_local std::vector<W> scratch;
    thread_local std::vector<const W*> channel_rows;
    scratch.resize((9 * count + 3) * row);
    channel_rows.resize(6 * count);
    W* const gray_rings = scratch.data();                  // 3 rows per image
    W* const channel_copies = gray_rings + 3 * count * row;  // 2 x 3 rows per image
    W* const work = channel_copies + 6 * count * row;       // 2 rows
    W* const sum = work + 2 * row;
    const auto gray = [&](std::size_t i, index_t y) { return gray_rings + (3 * i + ring_slot(y, 3)) * row; };
    const auto channels_of = [&](std::size_t i, index_t y) {
      return channel_rows.data() + 6 * i + 3 * ring_slot(y, 2);
    };
    // Reads (and widens) the channel rows of row y (reflected) and makes its gray row.
    const auto load = [&](std::size_t i, index_t y) {
      const W** rows = channels_of(i, y);
      for (int c = 0; c < channels; ++c) {
        rows[c] = images[i].row(n, c, reflect101(y, height), channel_copies + (6 * i + 3 * ring_slot(y, 2) + c) * row);
      }
      gray_row(rows, channels, width, gray(i, y));
    };
    for (std::size_t i = 0; i < count; ++i) {
      load(i, y0 - 1);
      load(i, y0);
    }
    for (index_t y = y0; y < y1; ++y) {
      std::fill(sum, sum + width, W(0));
      for (std::size_t i = 0; i < count; ++i) {
        load(i, y + 1);
        W* weight = row_pointer(out[i], n, 0, y);
        loops.mertens_weight(channels_of(i, y), channels, gray(i, y - 1), gray(i, y), gray(i, y + 1), width,
                             contrast, saturation, exposure, weight, work);
        loops.add(sum, weight, width);
      }
      for (std::size_t i = 0; i < count; ++i) loops.divide(row_pointer(out[i], n, 0, y), sum, width);
    }
  });
}

}  // namespace detail

/// Fuses `images` (one shape, N x C x H x W) with a caller's rule: builds every image's
/// Laplacian pyramid, lets `rule` make each level of the result, collapses it.
template <class T>
tensor<T> fuse(const std::vector<tensor_view<const T>>& images, const fusion_rule<detail::widened_t<T>>& rule,
               const pyramid_options& popts = {}, const execution& exec = {}) {
  using W = detail::widened_t<T>;
  detail::check_stack(images, "fuse");
  if (!rule) throw error(error_code::invalid_option, "fuse: the fusion rule is empty");
  const detail::fusion_levels levels = detail::fusion_levels_of<W>(images[0].extents(), popts, "fuse");
  std::vector<pyramid<W>> laps;
  for (const tensor_view<const T>& image : images) laps.push_back(laplacian_pyramid(image, levels.popts, exec));
  pyramid<W> fused(levels.shapes, levels.popts);
  std::vector<tensor_view<const W>> inputs(images.size());
  for (int l = 0; l < fused.levels(); ++l) {
    for (std::size_t i = 0; i < laps.size(); ++i) inputs[i] = laps[i].level(l);
    rule(l, fused.levels(), inputs, fused.mutable_level(l));
  }
  tensor<T> result(levels.shapes[0]);
  detail::collapse_in_place(fused, detail::row_sink<W, T>{result.view()}, exec);
  return result;
}

/// Weighted average through the pyramids with one global weight per image (empty: equal
/// weights). Weights must be finite and non-negative with a positive sum; they are normalised.
/// Linear, so it equals the plain weighted average of the images within rounding.
template <class T>
tensor<T> fuse_average(const std::vector<tensor_view<const T>>& images, const std::vector<double>& weights = {},
                       const pyramid_options& popts = {}, const execution& exec = {}) {
  using W = detail::widened_t<T>;
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
  std::vector<W> scales;
  for (double v : w) scales.push_back(static_cast<W>(v / sum));
  const detail::fusion_loops<W> loops = detail::fusion_loops_for<W>(exec.isa);
  const auto fold = [&](int, std::size_t i, index_t, index_t, index_t, const W* detail, W* fused, index_t width) {
    if (i == 0) {
      loops.scaled(fused, detail, scales[i], width);
    } else {
      loops.accumulate_scaled(fused, detail, scales[i], width);
    }
  };
  return detail::fuse_into_tensor(images, detail::fusion_levels_of<W>(images[0].extents(), popts, "fuse_average"), fold,
                                  exec);
}

/// Burt-Adelson multiband blending: image i's per-pixel weights `weight_maps[i]` (N x 1 x H x W,
/// shared by the channels, or N x C x H x W) are normalised to sum to 1 at every pixel (equal
/// weights where all are 0), and each Laplacian level is averaged with the Gaussian pyramid
/// of the weights at that level. A 0/1 mask and its complement give a seamless mask blend.
/// uint8 images take float weight maps.
template <class T>
tensor<T> fuse_weighted(const std::vector<tensor_view<const T>>& images,
                        const std::vector<tensor_view<const detail::widened_t<T>>>& weight_maps,
                        const pyramid_options& popts = {}, const execution& exec = {}) {
  using W = detail::widened_t<T>;
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
    const tensor_view<const W>& m = weight_maps[i];
    for (index_t n = 0; n < wshape[0]; ++n) {
      for (index_t c = 0; c < wshape[1]; ++c) {
        for (index_t y = 0; y < wshape[2]; ++y) {
          const W* row = detail::row_pointer(m, n, c, y);
          for (index_t x = 0; x < wshape[3]; ++x) {
            const W v = row[x * m.stride(3)];
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
  const detail::fusion_levels levels = detail::fusion_levels_of<W>(shape, popts, "fuse_weighted");
  // Level 0 of the weight pyramids: each map over the sum of all maps (0 + m_0 + m_1 ...).
  std::vector<pyramid<W>> weights = detail::weight_pyramids<W>(images.size(), wshape, levels.popts);
  const W equal = W(1) / static_cast<W>(images.size());
  std::vector<tensor_view<W>> normalised;
  for (pyramid<W>& p : weights) normalised.push_back(p.mutable_level(0));
  detail::for_each_row(exec, wshape[0], wshape[1], wshape[2], wshape[3] * static_cast<index_t>(images.size()),
                       [&](index_t n, index_t c, index_t y) {
                         thread_local std::vector<W> scratch;
                         const index_t width = wshape[3];
                         scratch.resize(static_cast<std::size_t>(2 * width));
                         W* sum = scratch.data();
                         std::fill(sum, sum + width, W(0));
                         for (const tensor_view<const W>& m : weight_maps) {
                           detail::add_row(sum, detail::row_source<W>{m}.row(n, c, y, sum + width), width);
                         }
                         for (std::size_t i = 0; i < weight_maps.size(); ++i) {
                           const W* v = detail::row_source<W>{weight_maps[i]}.row(n, c, y, sum + width);
                           W* out = detail::row_pointer(normalised[i], n, c, y);
                           for (index_t x = 0; x < width; ++x) out[x] = sum[x] > 0 ? v[x] / sum[x] : equal;
                         }
                       });
  detail::fill_weight_pyramids(weights, levels.popts, exec);
  return detail::fuse_into_tensor(images, levels, detail::weighted_fold<W>(weights, exec.isa), exec);
}

/// Keeps, at every detail level and element, the detail of largest magnitude (the first image on
/// ties), and averages the coarsest level: the classic multi-focus fusion rule.
template <class T>
tensor<T> fuse_max_abs(const std::vector<tensor_view<const T>>& images, const pyramid_options& popts = {},
                       const execution& exec = {}) {
  using W = detail::widened_t<T>;
  detail::check_stack(images, "fuse_max_abs");
  const detail::fusion_levels levels = detail::fusion_levels_of<W>(images[0].extents(), popts, "fuse_max_abs");
  const int top = static_cast<int>(levels.shapes.size()) - 1;
  const W scale = W(1) / static_cast<W>(images.size());
  const detail::fusion_loops<W> loops = detail::fusion_loops_for<W>(exec.isa);
  const auto fold = [&](int level, std::size_t i, index_t, index_t, index_t, const W* detail, W* fused,
                        index_t width) {
    if (level == top) {
      if (i == 0) {
        loops.scaled(fused, detail, scale, width);
      } else {
        loops.accumulate_scaled(fused, detail, scale, width);
      }
    } else if (i == 0) {
      std::copy(detail, detail + width, fused);
    } else {
      loops.max_abs(fused, detail, width);
    }
  };
  return detail::fuse_into_tensor(images, levels, fold, exec);
}

/// The number of pyramid levels cv::MergeMertens uses for an H x W image:
/// int(logf(min(H, W)) / logf(2)) + 1, computed in float as OpenCV does.
inline int mertens_levels(index_t height, index_t width) {
  const float side = static_cast<float>(std::min(height, width));
  return static_cast<int>(std::log(side) / std::log(2.0f)) + 1;
}

/// Mertens, Kautz and Van Reeth's exposure fusion: per-pixel weights from contrast, saturation
/// and well-exposedness, normalised over the images, blended through the pyramids
/// (mertens_levels of them). Images have 1 or 3 channels (channel 0 red). Float images have
/// values in [0, 1] and the result is on the same scale, as OpenCV's
/// cv::createMergeMertens(contrast, saturation, exposure)->process gives it. uint8 images are
/// OpenCV's 8-bit input: divided by 255 (v * (1.0f / 255)), fused, and the result times 255
/// rounded and saturated to uint8, which is what the float path gives on those values.
template <class T>
tensor<T> merge_mertens(const std::vector<tensor_view<const T>>& images, const mertens_options& mopts = {},
                        const execution& exec = {}) {
  using W = detail::widened_t<T>;
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
  constexpr bool bytes = std::is_same_v<T, std::uint8_t>;
  const W input_scale = bytes ? W(1.0f / 255.0f) : W(1), output_scale = bytes ? W(255) : W(1);
  pyramid_options popts;
  popts.levels = std::min(mertens_levels(shape[2], shape[3]), max_pyramid_levels(shape[2], shape[3]));
  const detail::fusion_levels levels = detail::fusion_levels_of<W>(shape, popts, "merge_mertens");
  std::vector<pyramid<W>> weights =
      detail::weight_pyramids<W>(images.size(), {shape[0], 1, shape[2], shape[3]}, levels.popts);
  detail::mertens_weights(detail::image_sources(images, input_scale), mopts, weights, exec);
  detail::fill_weight_pyramids(weights, levels.popts, exec);
  return detail::fuse_into_tensor(images, levels, detail::weighted_fold<W>(weights, exec.isa), exec, input_scale,
                                  output_scale);
}

}  // namespace resample
