// SPDX-License-Identifier: MIT
// plan<T>: everything that depends only on (input shape, options), computed once.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "detail/antialias_table.hpp"
#include "detail/area.hpp"
#include "detail/axis_table.hpp"
#include "detail/box.hpp"
#include "detail/gather.hpp"
#include "detail/geometry.hpp"
#include "detail/separable.hpp"
#include "detail/validate_views.hpp"
#include "options.hpp"
#include "view.hpp"

namespace resample {

/// A resampling of inputs of one shape with one set of options: the validated geometry and the
/// per-axis index and weight tables. Build it once, run it on any number of input/output view
/// pairs of the planned shapes (any strides). Running is const and thread-safe.
template <class T>
class plan {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "resample::plan<T>: T must be float or double");

 public:
  /// Validates `opts` against `input_shape` (N, C, spatial...) and builds the tables.
  /// Throws `resample::error` for invalid options.
  plan(const dims& input_shape, const options& opts) : geometry_(detail::resolve_geometry(input_shape, opts)) {
    const int spatial = static_cast<int>(geometry_.axes.size());
    for (int a = 0; a < spatial; ++a) {
      const detail::axis_geometry& axis = geometry_.axes[a];
      const int box_axis = 3 - spatial + a;
      switch (geometry_.mode) {
        case mode::nearest:
          gather_indices_[box_axis] = detail::nearest_indices<T>(axis);
          break;
        case mode::nearest_exact:
          gather_indices_[box_axis] = detail::nearest_exact_indices<T>(axis);
          break;
        case mode::area:
          area_windows_[box_axis] = detail::area_table(axis);
          break;
        case mode::bicubic:
          tables_.push_back(geometry_.antialias ? detail::antialias_table<T>(axis, geometry_.align_corners, true)
                                                : detail::cubic_table<T>(axis, geometry_.align_corners));
          break;
        default:  // linear, bilinear, trilinear
          tables_.push_back(geometry_.antialias ? detail::antialias_table<T>(axis, geometry_.align_corners, false)
                                                : detail::linear_table<T>(axis, geometry_.align_corners));
          break;
      }
    }
    // Axes a lower rank does not have read index 0 (box extents there are 1).
    for (int a = 0; a < 3 - spatial; ++a) {
      gather_indices_[a] = {0};
      area_windows_[a] = detail::area_windows{{0}, {1}};
    }
  }

  const dims& input_shape() const noexcept { return geometry_.input_shape; }
  const dims& output_shape() const noexcept { return geometry_.output_shape; }
  resample::mode mode() const noexcept { return geometry_.mode; }

  /// Resamples `input` into `output`. Both views must have the planned shapes; the output must
  /// not overlap itself or the input. Throws `resample::error` before writing anything.
  void execute(tensor_view<const T> input, tensor_view<T> output) const {
    detail::validate_views(input, output, geometry_.input_shape, geometry_.output_shape);
    run(input, output);
  }

 private:
  void run(const tensor_view<const T>& input, const tensor_view<T>& output) const {
    detail::separable_scratch<T> scratch;
    const int spatial = static_cast<int>(geometry_.axes.size());
    for (index_t n = 0; n < input.extent(0); ++n) {
      for (index_t c = 0; c < input.extent(1); ++c) {
        const detail::box<const T> src = detail::plane_of(input, n, c);
        const detail::box<T> dst = detail::plane_of(output, n, c);
        switch (geometry_.mode) {
          case mode::nearest:
          case mode::nearest_exact:
            detail::gather_plane(src, dst, gather_indices_);
            break;
          case mode::area:
            detail::area_plane(src, dst, area_windows_, spatial, scratch.first);
            break;
          default:
            detail::resample_separable(src, dst, tables_, scratch);
            break;
        }
      }
    }
  }

  detail::geometry geometry_;
  std::vector<detail::axis_table<T>> tables_;                 // separable modes, outermost first
  std::array<std::vector<std::int64_t>, 3> gather_indices_;   // nearest modes, box axes D, H, W
  std::array<detail::area_windows, 3> area_windows_;          // area, box axes D, H, W
};

}  // namespace resample
