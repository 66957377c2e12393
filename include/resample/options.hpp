// SPDX-License-Identifier: MIT
// options: the arguments of torch.nn.functional.interpolate, in C++.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "view.hpp"

namespace resample {

/// The `mode` argument. Spelled as in PyTorch, with '-' as '_'.
enum class mode {
  nearest,        ///< 'nearest': floor(o * in / out), OpenCV's legacy INTER_NEAREST (3, 4, 5-D)
  nearest_exact,  ///< 'nearest-exact': pixel centres, as Pillow and scikit-image (3, 4, 5-D)
  linear,         ///< 'linear' (3-D only)
  bilinear,       ///< 'bilinear' (4-D only); antialias allowed
  bicubic,        ///< 'bicubic' (4-D only), Keys a = -0.75 (a = -0.5 with antialias); antialias allowed
  trilinear,      ///< 'trilinear' (5-D only)
  area,           ///< 'area': adaptive average pooling (3, 4, 5-D)
};

/// PyTorch's spelling of a mode: "nearest-exact", "bilinear", ...
inline std::string_view to_string(mode m) {
  switch (m) {
    case mode::nearest: return "nearest";
    case mode::nearest_exact: return "nearest-exact";
    case mode::linear: return "linear";
    case mode::bilinear: return "bilinear";
    case mode::bicubic: return "bicubic";
    case mode::trilinear: return "trilinear";
    case mode::area: return "area";
  }
  return "unknown";
}

/// The mode PyTorch spells `name` ("nearest-exact"; "nearest_exact" is accepted too).
inline mode parse_mode(std::string_view name) {
  for (mode m : {mode::nearest, mode::nearest_exact, mode::linear, mode::bilinear, mode::bicubic,
                 mode::trilinear, mode::area}) {
    if (name == to_string(m)) return m;
  }
  if (name == "nearest_exact") return mode::nearest_exact;
  throw error(error_code::invalid_option,
              "unknown mode '" + std::string(name) +
                  "'; expected one of nearest | nearest-exact | linear | bilinear | bicubic | trilinear | area");
}

/// True for the modes that take align_corners (PyTorch's "interpolating modes").
inline bool takes_align_corners(mode m) {
  return m == mode::linear || m == mode::bilinear || m == mode::bicubic || m == mode::trilinear;
}

/// The arguments of `F.interpolate` after `input`. Exactly one of `size` and `scale_factor`
/// is given; each holds one value (repeated over the spatial axes, as PyTorch repeats a scalar)
/// or one value per spatial axis, outermost first (D, H, W).
struct options {
  resample::mode mode = resample::mode::nearest;  ///< `mode`
  std::vector<index_t> size;                      ///< `size`; empty means None
  std::vector<double> scale_factor;               ///< `scale_factor`; empty means None
  /// `align_corners`. Unset is PyTorch's None (False for the modes that take it); setting it,
  /// even to false, on nearest, nearest-exact or area is an error, as in PyTorch.
  std::optional<bool> align_corners;
  /// `recompute_scale_factor`: derive the output size from scale_factor, then forget the scale
  /// and let the kernel use in/out. Unset or false: the kernel uses 1/scale_factor (PyTorch's default).
  bool recompute_scale_factor = false;
  /// `antialias`: bilinear and bicubic on 4-D input only. Widens the filter when downscaling.
  bool antialias = false;
};

}  // namespace resample
