// SPDX-License-Identifier: MIT
// Validation of options against an input shape, and the per-axis geometry that follows:
// output extents and the scale handed to the kernels (torch/nn/functional.py and
// aten/src/ATen/native/UpSample.cpp: upsample::compute_output_size).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "../error.hpp"
#include "../options.hpp"
#include "../view.hpp"
#include "checked.hpp"
#include "format.hpp"

namespace resample::detail {

/// One spatial axis after option handling.
struct axis_geometry {
  index_t in = 0;
  index_t out = 0;
  /// The `scales_*` argument the ATen kernel receives: the user's scale factor, or a value
  /// <= 0 for "absent" (size given, or recompute_scale_factor, or area).
  double scale = -1.0;
};

struct geometry {
  resample::mode mode = resample::mode::nearest;
  bool align_corners = false;
  bool antialias = false;
  dims input_shape;
  dims output_shape;
  std::vector<axis_geometry> axes;  ///< spatial axes, outermost (D) first
};

inline std::string rank_error_text(std::size_t rank, resample::mode m) {
  return "Input Error: Only 3D, 4D and 5D input Tensors supported (got " + std::to_string(rank) +
         "D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got " +
         std::string(to_string(m)) + ")";
}

/// The one rank a linear-family or bicubic mode accepts; 0 for modes that take 3, 4 and 5.
inline std::size_t required_rank(resample::mode m) {
  switch (m) {
    case resample::mode::linear: return 3;
    case resample::mode::bilinear: return 4;
    case resample::mode::bicubic: return 4;
    case resample::mode::trilinear: return 5;
    default: return 0;
  }
}

/// Validates `opts` for an input of `input_shape` in PyTorch's order, then computes the output
/// shape and the kernel scales. Throws `resample::error`.
inline geometry resolve_geometry(const dims& input_shape, const options& opts) {
  const std::size_t rank = input_shape.size();
  const std::string shape_text = format_dims(input_shape);
  if (rank < static_cast<std::size_t>(min_rank) || rank > static_cast<std::size_t>(max_rank)) {
    throw error(error_code::invalid_rank, rank_error_text(rank, opts.mode) + "; input shape " + shape_text);
  }
  const std::size_t spatial = rank - 2;

  if (opts.align_corners.has_value() && !takes_align_corners(opts.mode)) {
    throw error(error_code::invalid_option,
                "align_corners option can only be set with the interpolating modes: linear | bilinear | "
                "bicubic | trilinear (got mode " + std::string(to_string(opts.mode)) + ", input shape " + shape_text +
                    ")");
  }
  const bool has_size = !opts.size.empty();
  const bool has_scale = !opts.scale_factor.empty();
  if (has_size && has_scale) {
    throw error(error_code::invalid_size, "only one of size or scale_factor should be defined (got size " +
                                              format_dims(opts.size) + " and scale_factor " +
                                              format_dims(opts.scale_factor) + " for input shape " + shape_text + ")");
  }
  if (!has_size && !has_scale) {
    throw error(error_code::invalid_size,
                "either size or scale_factor should be defined (input shape " + shape_text + ")");
  }
  if (has_size && opts.size.size() != 1 && opts.size.size() != spatial) {
    throw error(error_code::invalid_size,
                "Input and output must have the same number of spatial dimensions, but got input with "
                "shape " + shape_text + " (" + std::to_string(spatial) + " spatial dimensions) and output size " +
                    format_dims(opts.size));
  }
  if (has_scale && opts.scale_factor.size() != 1 && opts.scale_factor.size() != spatial) {
    throw error(error_code::invalid_scale,
                "Input and scale_factor must have the same number of spatial dimensions, but got input "
                "with shape " + shape_text + " (" + std::to_string(spatial) +
                    " spatial dimensions) and scale_factor " + format_dims(opts.scale_factor));
  }
  if (has_size && opts.recompute_scale_factor) {
    throw error(error_code::invalid_option, "recompute_scale_factor is not meaningful with an explicit size (size " +
                                                format_dims(opts.size) + ", input shape " + shape_text + ")");
  }
  if (opts.antialias && !((opts.mode == resample::mode::bilinear || opts.mode == resample::mode::bicubic) &&
                          rank == 4)) {
    throw error(error_code::invalid_option,
                "Anti-alias option is only supported for bilinear and bicubic modes on 4-D input (got mode " +
                    std::string(to_string(opts.mode)) + " and input shape " + shape_text + ")");
  }
  const std::size_t needed = required_rank(opts.mode);
  if (needed != 0 && needed != rank) {
    if (opts.mode == resample::mode::bicubic) {
      throw error(error_code::invalid_rank, rank_error_text(rank, opts.mode) + "; bicubic needs 4D input, got shape " +
                                                shape_text);
    }
    throw error(error_code::invalid_rank, "Got " + std::to_string(rank) + "D input, but " +
                                              std::string(to_string(opts.mode)) + " mode needs " +
                                              std::to_string(needed) + "D input; input shape " + shape_text);
  }
  for (std::size_t r = 0; r < rank; ++r) {
    if (input_shape[r] <= 0) {
      throw error(error_code::empty_tensor,
                  "Non-empty " + std::to_string(rank) + "D data tensor expected but got a tensor with sizes " +
                      shape_text);
    }
  }

  index_t input_count = 1;
  for (index_t extent : input_shape) {
    if (!checked_multiply(input_count, extent, input_count) ||
        input_count > std::numeric_limits<index_t>::max() / 16) {
      throw error(error_code::overflow, "the input shape " + shape_text + " has more elements than fit in memory");
    }
  }

  geometry g;
  g.mode = opts.mode;
  g.align_corners = opts.align_corners.value_or(false);
  g.antialias = opts.antialias;
  g.input_shape = input_shape;
  g.output_shape = input_shape;
  // Area always works from an explicit size: PyTorch forces recompute_scale_factor for it.
  const bool recompute = opts.recompute_scale_factor || opts.mode == resample::mode::area;
  for (std::size_t a = 0; a < spatial; ++a) {
    axis_geometry axis;
    axis.in = input_shape[2 + a];
    if (has_size) {
      axis.out = opts.size.size() == 1 ? opts.size[0] : opts.size[a];
    } else {
      const double s = opts.scale_factor.size() == 1 ? opts.scale_factor[0] : opts.scale_factor[a];
      if (!(std::isfinite(s) && s > 0.0)) {
        throw error(error_code::invalid_scale, "scale_factor must be finite and greater than 0, but got " +
                                                   format_dims(opts.scale_factor) + " for input shape " +
                                                   shape_text);
      }
      // floor of a double product: Python's int(math.floor(in * s)) and C++'s (int64)(in * s).
      const double product = std::floor(static_cast<double>(axis.in) * s);
      if (!(product < 9.2e18)) {
        throw error(error_code::overflow, "scale_factor " + format_dims(opts.scale_factor) +
                                              " gives an output extent that does not fit in 64 bits for input "
                                              "shape " + shape_text);
      }
      axis.out = static_cast<index_t>(product);
      if (!recompute) axis.scale = s;
    }
    if (axis.out <= 0) {
      throw error(error_code::invalid_size,
                  "Input and output sizes should be greater than 0, but got input shape " + shape_text +
                      " and output spatial size " + std::to_string(axis.out) + " on spatial axis " +
                      std::to_string(a) + (has_scale ? " (from scale_factor " + format_dims(opts.scale_factor) + ")"
                                                     : std::string()));
    }
    // An antialias filter spans about 2 * (in / out) input pixels each side; its tap count must
    // stay countable (the bound covers align_corners' (in-1)/(out-1) scale too).
    if (g.antialias && 4.0 * static_cast<double>(axis.in) / static_cast<double>(std::max<index_t>(axis.out - 1, 1)) + 3.0 >
                           static_cast<double>(std::numeric_limits<int>::max() / 2)) {
      throw error(error_code::overflow, "the antialias filter for input shape " + shape_text + " and output extent " +
                                            std::to_string(axis.out) + " on spatial axis " + std::to_string(a) +
                                            " would need more taps than can be counted");
    }
    g.output_shape[2 + a] = axis.out;
    g.axes.push_back(axis);
  }
  index_t count = 1;
  for (index_t extent : g.output_shape) {
    if (!checked_multiply(count, extent, count) || count > std::numeric_limits<index_t>::max() / 16) {
      throw error(error_code::overflow, "the output shape " + format_dims(g.output_shape) +
                                            " has more elements than fit in memory (input shape " + shape_text + ")");
    }
  }
  return g;
}

}  // namespace resample::detail
