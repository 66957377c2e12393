// SPDX-License-Identifier: MIT
// plan<T>: everything that depends only on (input shape, options), computed once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "detail/antialias_table.hpp"
#include "detail/area.hpp"
#include "detail/axis_table.hpp"
#include "detail/box.hpp"
#include "detail/built_once.hpp"
#include "detail/cache_size.hpp"
#include "detail/fixed_point_plan.hpp"
#include "detail/gather.hpp"
#include "detail/geometry.hpp"
#include "detail/half_staging.hpp"
#include "detail/separable.hpp"
#include "detail/validate_views.hpp"
#include "half.hpp"
#include "options.hpp"
#include "parallel.hpp"
#include "view.hpp"

namespace resample {

/// A resampling of inputs of one shape with one set of options: the validated geometry and the
/// per-axis index and weight tables. Build it once, run it on any number of input/output view
/// pairs of the planned shapes (any strides). `execute` is const and safe to call concurrently.
///
/// T is float, double, float16 or bfloat16 for every mode (the 16-bit types compute in float
/// and round to nearest even on store); std::uint8_t as described in the README.
template <class T>
class plan {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::uint8_t> ||
                    detail::is_half_v<T>,
                "resample::plan<T>: T must be float, double, resample::float16, resample::bfloat16 or std::uint8_t");
  static constexpr bool is_floating = std::is_floating_point_v<T> && !detail::is_half_v<T>;
  // float16 and bfloat16 are widened to float and computed on the float tables and kernels.
  static constexpr bool is_half = detail::is_half_v<T>;
  using compute_type = std::conditional_t<is_half, float, T>;
  // Precision of the nearest-index arithmetic: PyTorch computes uint8 indices in float.
  using index_math = std::conditional_t<std::is_same_v<T, double>, double, float>;

 public:
  /// Validates `opts` against `input_shape` (N, C, spatial...) and builds the tables.
  /// Throws `resample::error` for invalid options.
  plan(const dims& input_shape, const options& opts) : geometry_(detail::resolve_geometry(input_shape, opts)) {
    const bool gathers = geometry_.mode == mode::nearest || geometry_.mode == mode::nearest_exact;
    if (std::is_same_v<T, std::uint8_t> && !gathers) {
      fixed_point_ = detail::fixed_point_plan(geometry_);
      return;
    }
    const int spatial = static_cast<int>(geometry_.axes.size());
    // Axes a lower rank does not have are box axes of extent 1 that read index 0.
    for (int a = 0; a < 3 - spatial; ++a) {
      gather_indices_[a] = {0};
      area_windows_[a] = detail::area_windows{{0}, {1}};
    }
    for (int a = 0; a < spatial; ++a) {
      const detail::axis_geometry& axis = geometry_.axes[a];
      const int box_axis = 3 - spatial + a;
      if (geometry_.mode == mode::nearest) {
        gather_indices_[box_axis] = detail::nearest_indices<index_math>(axis);
      } else if (geometry_.mode == mode::nearest_exact) {
        gather_indices_[box_axis] = detail::nearest_exact_indices<index_math>(axis);
      } else if (geometry_.mode == mode::area) {
        area_windows_[box_axis] = detail::area_table(axis);
      } else if constexpr (is_floating || is_half) {
        tables_.push_back(separable_table(axis));
      }
    }
    if (!tables_.empty()) tables_.back().permute();  // the W pass of planar rows
    if constexpr (is_floating) {
      if (gathers) {
        const std::vector<std::int64_t>& w_index = gather_indices_[2];
        const std::vector<T> ones(w_index.size(), T(1));
        const std::vector<int> one_tap(w_index.size(), 1);
        gather_permuted_ = detail::permute_taps(geometry_.axes.back().in, geometry_.axes.back().out, 1, w_index.data(),
                                                ones.data(), one_tap.data());
      }
    }
  }

  const dims& input_shape() const noexcept { return geometry_.input_shape; }
  const dims& output_shape() const noexcept { return geometry_.output_shape; }
  resample::mode mode() const noexcept { return geometry_.mode; }

  /// Resamples `input` into `output`. Both views must have the planned shapes; the output must
  /// not overlap itself or the input. Throws `resample::error` before writing anything.
  /// `exec` bounds the threads; the result is the same bits for any thread count.
  void execute(tensor_view<const T> input, tensor_view<T> output, const execution& exec = {}) const {
    detail::validate_views(input, output, geometry_.input_shape, geometry_.output_shape);
    run(input, output, exec);
  }

 private:
  detail::axis_table<compute_type> separable_table(const detail::axis_geometry& axis) const {
    const bool cubic = geometry_.mode == mode::bicubic;
    if (geometry_.antialias) return detail::antialias_table<compute_type>(axis, geometry_.align_corners, cubic);
    return cubic ? detail::cubic_table<compute_type>(axis, geometry_.align_corners)
                 : detail::linear_table<compute_type>(axis, geometry_.align_corners);
  }

  // Work is split into (box, chunk of the outermost output axis) pieces of roughly
  // `exec.grain_elements` outputs, so that even N = C = 1 keeps every thread busy.
  void run(const tensor_view<const T>& input, const tensor_view<T>& output, const execution& exec) const {
    if constexpr (std::is_same_v<T, std::uint8_t>) {
      if (geometry_.mode != mode::nearest && geometry_.mode != mode::nearest_exact) {
        fixed_point_.run(input, output, exec);
        return;
      }
    }
    const int spatial = static_cast<int>(geometry_.axes.size());
    const int outer = 3 - spatial;
    const std::int64_t outer_extent = geometry_.axes[0].out;
    std::int64_t plane_elements = 1;
    for (const detail::axis_geometry& axis : geometry_.axes) plane_elements *= axis.out;
    // Channels contiguous in memory (channels-last): a box is a whole image and passes run over
    // channel vectors. 1-D separable modes: a box is a group of channels of one image, as the
    // rows of a 2-D block, so the W pass works on blocks of rows and a task streams along whole
    // rows. Otherwise a box is one (n, c) plane.
    const bool packed = input.stride(1) == 1 && input.extent(1) > 1;
    const bool rows_are_channels = !packed && spatial == 1 && tables_.size() == 1;
    const std::int64_t channels = input.extent(1);
    const std::int64_t group = rows_are_channels
                                   ? std::clamp<std::int64_t>((exec.grain_elements / outer_extent + 7) / 8 * 8, 8, channels)
                                   : 1;
    const std::int64_t groups_per_image = (channels + group - 1) / group;
    const std::int64_t channels_per_box = packed ? channels : rows_are_channels ? group : 1;
    const std::int64_t boxes = input.extent(0) * (packed ? 1 : rows_are_channels ? groups_per_image : channels);
    const std::int64_t row_elements = plane_elements / outer_extent * channels_per_box;
    // A chunk recomputes the inner passes for the input slices it shares with its neighbours;
    // at least min_chunk_rows output slices per chunk keeps that overhead small.
    constexpr std::int64_t min_chunk_rows = 16;
    const std::int64_t total = input.extent(0) * channels * plane_elements;
    const int threads = total < exec.min_parallel_elements ? 1 : detail::resolve_threads(exec);
    std::int64_t per_chunk =
        rows_are_channels ? outer_extent
                          : std::clamp<std::int64_t>(std::max(exec.grain_elements / row_elements, min_chunk_rows), 1,
                                                     outer_extent);
    if (!rows_are_channels && threads > 1) {
      // A few boxes (one RGB image) still give every thread several chunks to balance.
      constexpr std::int64_t chunks_per_thread = 4;
      const std::int64_t wanted = std::int64_t(threads) * chunks_per_thread;
      per_chunk = std::min(per_chunk, std::max((boxes * outer_extent + wanted - 1) / wanted, min_chunk_rows));
    }
    const std::int64_t chunks_per_box = (outer_extent + per_chunk - 1) / per_chunk;

    const auto kernels = detail::kernels_for<std::conditional_t<is_floating, T, float>>(exec.isa);
    const auto area_kernels = detail::area_kernels_for<std::conditional_t<is_floating, T, float>>(exec.isa);
    const auto conversions = detail::conversions_for(exec.isa);
    const std::int64_t stream_from =
        exec.streaming_output_bytes > 0 ? exec.streaming_output_bytes : detail::automatic_streaming_output_bytes();
    const bool stream_out = total * static_cast<std::int64_t>(sizeof(T)) >= stream_from;
    detail::parallel_for(exec, threads, boxes * chunks_per_box, [&](std::int64_t task) {
      const std::int64_t which = task / chunks_per_box;
      const std::int64_t begin = (task % chunks_per_box) * per_chunk;
      const std::int64_t end = std::min(begin + per_chunk, outer_extent);
      const std::int64_t per_n = packed ? 1 : rows_are_channels ? groups_per_image : channels;
      const index_t n = which / per_n;
      const index_t c = (which % per_n) * (rows_are_channels ? group : 1);
      const std::int64_t count = std::min(group, channels - c);
      const detail::box<const T> src = packed              ? detail::image_of(input, n)
                                       : rows_are_channels ? detail::channel_rows_of(input, n, c, count)
                                                           : detail::plane_of(input, n, c);
      const detail::box<T> dst = packed              ? detail::image_of(output, n)
                                 : rows_are_channels ? detail::channel_rows_of(output, n, c, count)
                                                     : detail::plane_of(output, n, c);
      if (geometry_.mode == mode::nearest || geometry_.mode == mode::nearest_exact) {
        if constexpr (is_floating) {
          detail::gather_box(src, dst, gather_indices_, outer, {begin, end},
                             detail::permuted_gather<T>{kernels.permuted_copy, &gather_permuted_}, stream_out);
        } else {
          detail::gather_box(src, dst, gather_indices_, outer, {begin, end}, {}, stream_out);
        }
      } else if constexpr (is_floating) {
        weigh_chunk(kernels, area_kernels, src, dst, begin, end, stream_out);
      } else if constexpr (is_half) {
        // Widen the input slices a part of the chunk reads, run the float passes, round the
        // outputs: parts of about 32 KB of float outputs, rounded while they are in the
        // first-level cache (a few input rows read twice cost less than staging the chunk).
        thread_local detail::half_scratch staging;
        const std::int64_t slice = dst.extent[0] * dst.extent[1] * dst.extent[2] * dst.extent[3] / dst.extent[outer];
        const std::int64_t part = std::max<std::int64_t>(1, (std::int64_t(8) << 10) / std::max<std::int64_t>(slice, 1));
        for (std::int64_t from = begin; from < end; from += part) {
          const std::int64_t to = std::min(end, from + part);
          const std::array<std::int64_t, 2> span = source_span(from, to);
          const detail::box<float> staged_src =
              detail::shifted_dense_box(staging.input, src, outer, span[0], span[1] - span[0] + 1);
          detail::widen_box(conversions, detail::slab_of(src, outer, span[0], span[1]), staging.input.data());
          const detail::box<float> staged_dst = detail::shifted_dense_box(staging.output, dst, outer, from, to - from);
          weigh_chunk(kernels, area_kernels,
                      detail::box<const float>{staged_src.data, staged_src.extent, staged_src.stride}, staged_dst,
                      from, to, false);
          detail::narrow_box(conversions, staging.output.data(), detail::slab_of(dst, outer, from, to - 1),
                             stream_out ? &staging.row : nullptr);
        }
        if (stream_out) detail::stream_fence();
      }
    });
  }

  // The separable or area passes over outputs [begin, end) of the outermost axis of one box.
  template <class U>
  void weigh_chunk(const detail::kernel_set<U>& kernels, const detail::area_kernel_set<U>& area_kernels,
                   const detail::box<const U>& src, const detail::box<U>& dst, std::int64_t begin,
                   std::int64_t end, bool stream_out) const {
    thread_local detail::separable_scratch<U> scratch;
    const int spatial = static_cast<int>(geometry_.axes.size());
    if (geometry_.mode == mode::area) {
      thread_local detail::area_scratch<U> area_scratch;
      detail::area_box(area_kernels, src, dst, area_windows_, spatial, 3 - spatial, {begin, end}, area_scratch);
    } else {
      const detail::separable_choices<U> choices{interleaved_w(src), stream_out};
      detail::resample_separable_chunk(kernels, src, dst, tables_, begin, end, scratch, choices);
    }
  }

  // The W table over rows of interleaved channel values for a box of a few packed channels of
  // a 2-D separable mode; null for any other box.
  template <class U>
  const detail::axis_table<compute_type>* interleaved_w(const detail::box<const U>& src) const {
    const index_t channels = src.extent[3];
    if (tables_.size() != 2 || channels < 2 || channels > max_interleaved_channels || src.stride[3] != 1) return nullptr;
    return &interleaved_w_.get([&] { return detail::interleaved_table(tables_.back(), static_cast<int>(channels)); });
  }

  // The input slices [first, last] of the outermost axis that outputs [begin, end) read.
  std::array<std::int64_t, 2> source_span(std::int64_t begin, std::int64_t end) const {
    if (geometry_.mode != mode::area) return detail::source_span(tables_[0], begin, end);
    const detail::area_windows& windows = area_windows_[3 - geometry_.axes.size()];
    std::int64_t first = windows.start[begin], last = windows.end[begin] - 1;
    for (std::int64_t o = begin; o < end; ++o) {
      first = std::min(first, windows.start[o]);
      last = std::max(last, windows.end[o] - 1);
    }
    return {first, last};
  }

  detail::geometry geometry_;
  std::vector<detail::axis_table<compute_type>> tables_;                // separable modes, outermost axis first
  // Channels-last images with up to this many channels resample rows of pixels as planar rows
  // of values (wider pixels are vectors of their own).
  static constexpr index_t max_interleaved_channels = 4;
  // That W table, built by the first execution that needs it: planar inputs never do, and its
  // lane permutations are a large part of planning a small image.
  detail::built_once<detail::axis_table<compute_type>> interleaved_w_;
  std::array<std::vector<std::int64_t>, 3> gather_indices_;  // nearest modes, box axes D, H, W
  detail::permuted_taps<compute_type> gather_permuted_;      // nearest modes, W of planar rows
  std::array<detail::area_windows, 3> area_windows_;         // area, box axes D, H, W
  detail::fixed_point_plan fixed_point_;                     // uint8 modes that weigh several inputs
};

}  // namespace resample
