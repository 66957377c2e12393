// SPDX-License-Identifier: MIT
// uint8 resampling for the modes that weigh several inputs (linear, bilinear, bicubic,
// trilinear, area): fixed-point weights (fixed_point_weights.hpp) and integer passes
// (fixed_point_passes.hpp), no float round trip.
//  - bilinear, bicubic: two passes through a uint8 intermediate, as Pillow (antialias) and
//    PyTorch 2.1 (without) compute them; an unchanged axis is skipped.
//  - linear: one pass, 14-bit weights.
//  - trilinear: three passes through 16-bit intermediates of 8 fractional bits, so the result
//    is within 1 of the float result rounded.
//  - area: exact integer window sums, rounded half up (fixed_point_area.hpp).
// Work is split like the float plan's: per (n, c) plane, or per image when channels are
// contiguous, and per chunk of the outermost output axis; every output's arithmetic is the same
// whatever the split, so the bits never depend on threads or instruction set.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../error.hpp"
#include "../options.hpp"
#include "../parallel.hpp"
#include "../view.hpp"
#include "axis_table.hpp"
#include "box.hpp"
#include "fixed_point_area.hpp"
#include "fixed_point_kernels.hpp"
#include "fixed_point_passes.hpp"
#include "fixed_point_weights.hpp"
#include "geometry.hpp"

namespace resample::detail {

/// The tables of a uint8 resampling of one geometry; `run` is const and thread-safe.
class fixed_point_plan {
 public:
  fixed_point_plan() = default;
  explicit fixed_point_plan(const geometry& g) : mode_(g.mode), spatial_(static_cast<int>(g.axes.size())) {
    if (mode_ == mode::area) {
      for (int a = 0; a < 3 - spatial_; ++a) windows_[static_cast<std::size_t>(a)] = area_windows{{0}, {1}};
      for (int a = 0; a < spatial_; ++a) windows_[static_cast<std::size_t>(3 - spatial_ + a)] = area_table(g.axes[static_cast<std::size_t>(a)]);
      return;
    }
    for (const axis_geometry& axis : g.axes) {
      fixed_point_axis t;
      if (mode_ == mode::bilinear || mode_ == mode::bicubic) {
        const bool cubic = mode_ == mode::bicubic;
        t = g.antialias ? pillow_axis(axis, g.align_corners, cubic) : torch_uint8_axis(axis, g.align_corners, cubic);
      } else {
        t = linear_fixed_axis(axis, g.align_corners, linear_precision);
      }
      // Trilinear's later passes read 16-bit intermediates.
      check_fixed_point_range(t, mode_ == mode::trilinear ? 65535 : 255);
      split_fixed_point_weights(t);
      prepare_hi_bytes(t);
      prepare_row_blocks(t);
      prepare_even_pairs(t);
      prepare_blends(t);
      axes_.push_back(std::move(t));
    }
    if (spatial_ == 2 && mode_ != mode::area) {
      const fixed_point_axis& th = axes_[0];
      rows_stream_ = true;
      for (std::int64_t o = 0; o < th.out; ++o) {
        rows_stream_ = rows_stream_ && th.count[o] > 0 &&
                       (o == 0 || (th.first[o] >= th.first[o - 1] &&
                                   th.first[o] + th.count[o] >= th.first[o - 1] + th.count[o - 1]));
      }
    }
  }

  void run(const tensor_view<const std::uint8_t>& input, const tensor_view<std::uint8_t>& output,
           const execution& exec) const {
    const fixed_point_kernels kernels = fixed_point_kernels_for(exec.isa);
    const std::int64_t batch = input.extent(0), channels = input.extent(1);
    const bool packed = input.stride(1) == 1 && channels > 1;  // channels contiguous: a box is an image
    std::int64_t plane_elements = 1;
    for (int a = 0; a < spatial_; ++a) plane_elements *= output.extent(2 + a);
    const std::int64_t total = batch * channels * plane_elements;
    const int threads = total < exec.min_parallel_elements ? 1 : resolve_threads(exec);

    if (spatial_ == 1 && mode_ != mode::area) {
      // linear: planar rows are grouped channels of one image, so the W pass packs 8 at a time.
      const fixed_point_axis& t = axes_[0];
      const std::int64_t group = packed ? channels : std::clamp<std::int64_t>((exec.grain_elements / t.out + 7) / 8 * 8, 8, channels);
      const std::int64_t groups = (channels + group - 1) / group;
      parallel_for(exec, threads, batch * groups, [&](std::int64_t task) {
        const std::int64_t n = task / groups, c = (task % groups) * group, count = std::min(group, channels - c);
        const box<const std::uint8_t> src = packed ? image_of(input, n) : channel_rows_of(input, n, c, count);
        const box<std::uint8_t> dst = packed ? image_of(output, n) : channel_rows_of(output, n, c, count);
        thread_local fixed_point_scratch scratch;
        if (t.skip) {
          fixed_point_copy(src, dst);
        } else {
          fixed_point_horizontal(kernels, src, dst, t, scratch);
        }
      });
      return;
    }

    const int outer = 3 - spatial_;
    const std::int64_t outer_extent = output.extent(2);
    const std::int64_t row_elements = plane_elements / outer_extent * (packed ? channels : 1);
    constexpr std::int64_t min_chunk_rows = 16;  // bounds the rows recomputed at chunk borders
    const std::int64_t boxes = batch * (packed ? 1 : channels);
    std::int64_t per_chunk =
        std::clamp<std::int64_t>(std::max(exec.grain_elements / row_elements, min_chunk_rows), 1, outer_extent);
    if (spatial_ == 2 && mode_ != mode::area && !axes_[0].skip && !axes_[1].skip) {
      // Both passes: each chunk runs the W pass again on the input rows it shares with its
      // neighbours, and that pass works on groups of 32 rows, a chunk's last group partly
      // empty. The fewest chunks that share the work evenly among the threads waste the least
      // (and keep their W-resampled rows in cache, when they do not stream through a buffer).
      std::int64_t chunks_wanted = 1;
      while ((boxes * chunks_wanted) % threads != 0 && boxes * chunks_wanted < 4 * threads) ++chunks_wanted;
      per_chunk = (outer_extent + chunks_wanted - 1) / chunks_wanted;
      if (!rows_stream_) {
        constexpr std::int64_t middle_bytes = std::int64_t(256) << 10;
        const fixed_point_axis& th = axes_[0];
        const std::int64_t middle_row = std::max<std::int64_t>(axes_[1].out * (packed ? channels : 1), 1);
        const std::int64_t rows_in_cache = middle_bytes / middle_row * th.out / std::max<std::int64_t>(th.in, 1);
        per_chunk = std::clamp<std::int64_t>(std::min(per_chunk, rows_in_cache), min_chunk_rows, outer_extent);
      }
    }
    const std::int64_t chunks = (outer_extent + per_chunk - 1) / per_chunk;
    parallel_for(exec, threads, boxes * chunks, [&](std::int64_t task) {
      const std::int64_t which = task / chunks;
      const std::int64_t begin = (task % chunks) * per_chunk;
      const std::int64_t end = std::min(begin + per_chunk, outer_extent);
      const std::int64_t n = packed ? which : which / channels, c = packed ? 0 : which % channels;
      const box<const std::uint8_t> src = packed ? image_of(input, n) : plane_of(input, n, c);
      const box<std::uint8_t> dst = packed ? image_of(output, n) : plane_of(output, n, c);
      thread_local fixed_point_scratch scratch;
      if (mode_ == mode::area) {
        thread_local fixed_point_area_scratch area_scratch;
        fixed_point_area_box(kernels, src, dst, windows_, outer, begin, end, area_scratch);
      } else if (spatial_ == 2) {
        run_2d(kernels, src, dst, begin, end, scratch);
      } else {
        run_3d(kernels, src, dst, begin, end, scratch);
      }
    });
  }

 private:
  static constexpr int linear_precision = 14;

  /// Rows [begin, end) of box axis `axis` of `b`, as a box of their own.
  template <class T>
  static box<T> slab(box<T> b, int axis, std::int64_t begin, std::int64_t end) {
    b.data += begin * b.stride[static_cast<std::size_t>(axis)];
    b.extent[static_cast<std::size_t>(axis)] = end - begin;
    return b;
  }

  /// Output rows [begin, end) of a bilinear or bicubic box: the W pass over the input rows they
  /// read, into a uint8 intermediate, then the H pass (Pillow's order).
  void run_2d(const fixed_point_kernels& kernels, const box<const std::uint8_t>& src, const box<std::uint8_t>& dst,
              std::int64_t begin, std::int64_t end, fixed_point_scratch& scratch) const {
    const fixed_point_axis& th = axes_[0];
    const fixed_point_axis& tw = axes_[1];
    const box<std::uint8_t> target = slab(dst, 1, begin, end);
    if (th.skip) {
      const box<const std::uint8_t> rows = slab(src, 1, begin, end);
      if (tw.skip) {
        fixed_point_copy(rows, target);
      } else {
        fixed_point_horizontal(kernels, rows, target, tw, scratch);
      }
      return;
    }
    if (tw.skip) {
      fixed_point_vertical(kernels, src, target, th, begin, end, 0, scratch);
      return;
    }
    const std::int64_t lo = th.span_begin(begin, end), hi = std::max(th.span_end(begin, end), lo);
    const std::int64_t channels = src.extent[3];
    const std::int64_t row_bytes = tw.out * channels;
    if (!rows_stream_) {
      std::uint8_t* const resampled = grown(scratch.middle, std::max<std::int64_t>(hi - lo, 1) * row_bytes);
      const box<std::uint8_t> middle = contiguous_box(resampled, {1, hi - lo, tw.out, channels});
      fixed_point_horizontal(kernels, slab(src, 1, lo, hi), middle, tw, scratch);
      const box<const std::uint8_t> rows{middle.data, middle.extent, middle.stride};
      fixed_point_vertical(kernels, rows, target, th, begin, end, lo, scratch);
      return;
    }
    // The W-resampled rows stream through a buffer that holds the rows of the next H output and
    // a group of 32 more: the W pass runs a group at a time (its vector width in rows), the H
    // pass on each output once its rows are in, and rows no later output reads leave from the
    // front. The rows stay in cache between the passes.
    constexpr std::int64_t group = 32;
    const std::int64_t capacity = std::min<std::int64_t>(hi - lo, th.width + group);
    std::uint8_t* const buffer = grown(scratch.middle, std::max<std::int64_t>(capacity, 1) * row_bytes);
    std::int64_t base = lo, filled = 0;  // buffer row r is input row base + r, for r < filled
    for (std::int64_t o = begin; o < end;) {
      std::int64_t ready = o;
      while (ready < end && th.first[ready] + th.count[ready] <= base + filled) ++ready;
      if (ready > o) {
        const box<std::uint8_t> in_buffer = contiguous_box(buffer, {1, filled, tw.out, channels});
        const box<const std::uint8_t> rows{in_buffer.data, in_buffer.extent, in_buffer.stride};
        fixed_point_vertical(kernels, rows, slab(dst, 1, o, ready), th, o, ready, base, scratch);
        o = ready;
        continue;
      }
      const std::int64_t drop = std::min(th.first[o] - base, filled);  // rows before output o's first
      if (drop > 0) {
        std::memmove(buffer, buffer + drop * row_bytes, static_cast<std::size_t>((filled - drop) * row_bytes));
        filled -= drop;
      }
      base = filled == 0 ? th.first[o] : base + drop;  // no rows kept: skip those no output reads
      const std::int64_t take = std::min({group, hi - (base + filled), capacity - filled});
      fixed_point_horizontal(kernels, slab(src, 1, base + filled, base + filled + take),
                             contiguous_box(buffer + filled * row_bytes, {1, take, tw.out, channels}), tw, scratch);
      filled += take;
    }
  }

  /// Output slices [begin, end) of a trilinear box: W, H, D passes through value * 2^8 in
  /// 16 bits (weights of 14 bits: shifts 6, 14, then 22 back to uint8).
  void run_3d(const fixed_point_kernels& kernels, const box<const std::uint8_t>& src, const box<std::uint8_t>& dst,
              std::int64_t begin, std::int64_t end, fixed_point_scratch& scratch) const {
    const fixed_point_axis& td = axes_[0];
    const fixed_point_axis& th = axes_[1];
    const fixed_point_axis& tw = axes_[2];
    const std::int64_t lo = td.span_begin(begin, end), hi = std::max(td.span_end(begin, end), lo);
    const std::int64_t channels = src.extent[3];
    const std::array<std::int64_t, 4> a_extent{hi - lo, th.in, tw.out, channels};
    const std::array<std::int64_t, 4> b_extent{hi - lo, th.out, tw.out, channels};
    const box<std::uint16_t> a =
        contiguous_box(grown(scratch.wide_a, a_extent[0] * a_extent[1] * a_extent[2] * a_extent[3]), a_extent);
    const box<std::uint16_t> b =
        contiguous_box(grown(scratch.wide_b, b_extent[0] * b_extent[1] * b_extent[2] * b_extent[3]), b_extent);
    constexpr int p = linear_precision;
    fixed_point_wide_horizontal(kernels, slab(src, 0, lo, hi), a, tw, p - 8, scratch);
    fixed_point_wide_vertical<std::uint16_t>(kernels, {a.data, a.extent, a.stride}, b, th, 1, 0, 0, p, scratch);
    fixed_point_wide_vertical<std::uint8_t>(kernels, {b.data, b.extent, b.stride}, slab(dst, 0, begin, end), td, 0,
                                            begin, lo, p + 8, scratch);
  }

  resample::mode mode_ = resample::mode::bilinear;
  int spatial_ = 0;
  bool rows_stream_ = false;  // 2-D: the H windows move forward (first and last never decrease)
  std::vector<fixed_point_axis> axes_;   // outermost first
  std::array<area_windows, 3> windows_;  // area: box axes D, H, W
};

}  // namespace resample::detail
