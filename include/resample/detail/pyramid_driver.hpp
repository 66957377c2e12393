// SPDX-License-Identifier: MIT
// Runs the pyramid kernels over N, C, H, W views: one task per (plane, band of output rows),
// each streaming a ring of filtered source rows (five for pyr_down, three for pyr_up). A band
// refilters the few source rows it shares with its neighbours, so every output value is computed
// the same way whatever the split: the results do not depend on the thread count.
// Views are validated by the callers (pyramid.hpp); rows with a column stride other than 1 are
// gathered into (or scattered from) a contiguous scratch row.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "../parallel.hpp"
#include "../view.hpp"
#include "pyramid_kernels.hpp"

namespace resample::detail {

inline std::int64_t ring_slot(std::int64_t row, std::int64_t size) { return ((row % size) + size) % size; }

/// A contiguous copy of row `y` of plane (n, c) when its columns are strided, else the row itself.
template <class T>
const T* contiguous_row(const tensor_view<const T>& v, index_t n, index_t c, index_t y, T* scratch) {
  const T* p = v.data_handle() + n * v.stride(0) + c * v.stride(1) + y * v.stride(2);
  const index_t step = v.stride(3);
  if (step == 1) return p;
  for (index_t x = 0; x < v.extent(3); ++x) scratch[x] = p[x * step];
  return scratch;
}

template <class T>
T* row_pointer(const tensor_view<T>& v, index_t n, index_t c, index_t y) {
  return v.data_handle() + n * v.stride(0) + c * v.stride(1) + y * v.stride(2);
}

template <class T>
void scatter_row(const T* values, T* p, index_t step, index_t count) {
  for (index_t x = 0; x < count; ++x) p[x * step] = values[x];
}

/// Splits N * C planes of `rows` output rows into tasks of about exec.grain_elements outputs.
struct band_split {
  std::int64_t per_band = 1;
  std::int64_t bands = 1;
  std::int64_t tasks = 1;
  int threads = 1;
};

inline band_split split_bands(const execution& exec, std::int64_t planes, std::int64_t rows, std::int64_t row_elements,
                              std::int64_t min_rows) {
  band_split s;
  s.per_band = std::clamp<std::int64_t>(exec.grain_elements / std::max<std::int64_t>(row_elements, 1), min_rows,
                                        std::max<std::int64_t>(rows, 1));
  s.bands = (rows + s.per_band - 1) / s.per_band;
  s.tasks = planes * s.bands;
  const std::int64_t total = planes * rows * row_elements;
  s.threads = total < exec.min_parallel_elements ? 1 : resolve_threads(exec);
  return s;
}

/// pyr_down of every plane of `in` into `out` (shapes already checked).
template <class T>
void pyr_down_views(const tensor_view<const T>& in, const tensor_view<T>& out, const execution& exec) {
  const index_t channels = in.extent(1), sh = in.extent(2), sw = in.extent(3);
  const index_t dh = out.extent(2), dw = out.extent(3);
  const pyramid_kernel_set<T> k = pyramid_kernels_for<T>(exec.isa);
  const band_split split = split_bands(exec, in.extent(0) * channels, dh, dw, 8);
  parallel_for(exec, split.threads, split.tasks, [&](std::int64_t task) {
    const std::int64_t plane = task / split.bands;
    const index_t n = plane / channels, c = plane % channels;
    const index_t y0 = (task % split.bands) * split.per_band;
    const index_t y1 = std::min(y0 + split.per_band, dh);
    thread_local std::vector<work_type<T>> rows;
    thread_local std::vector<T> scratch;
    rows.resize(static_cast<std::size_t>(5 * dw));
    scratch.resize(static_cast<std::size_t>(sw + dw));
    work_type<T>* ring = rows.data();
    T* gathered = scratch.data();
    T* staged = gathered + sw;
    T* const dst_plane = row_pointer(out, n, c, 0);
    index_t next = 2 * y0 - 2;  // next source row to filter into the ring
    for (index_t y = y0; y < y1; ++y) {
      for (; next <= 2 * y + 2; ++next) {
        const T* src = contiguous_row(in, n, c, reflect101(next, sh), gathered);
        k.down_row(src, sw, ring + ring_slot(next, 5) * dw, dw, opencv_lanes<T>::horizontal);
      }
      const work_type<T>* r[5];
      for (int t = 0; t < 5; ++t) r[t] = ring + ring_slot(2 * y - 2 + t, 5) * dw;
      T* dst = dst_plane + y * out.stride(2);
      const bool direct = out.stride(3) == 1;
      k.down_column(r[0], r[1], r[2], r[3], r[4], direct ? dst : staged, dw, opencv_lanes<T>::vertical);
      if (!direct) scatter_row(staged, dst, out.stride(3), dw);
    }
  });
}

/// pyr_up of every plane of `in` into `out`; with a `base` (out's shape), stores base - up or
/// base + up instead (`out` may be `base` itself).
template <class T>
void pyr_up_views(const tensor_view<const T>& in, const tensor_view<T>& out, const tensor_view<const T>* base,
                  up_epilogue op, const execution& exec) {
  const index_t channels = in.extent(1), sh = in.extent(2), sw = in.extent(3);
  const index_t dh = out.extent(2), dw = out.extent(3);
  const pyramid_kernel_set<T> k = pyramid_kernels_for<T>(exec.isa);
  const band_split split = split_bands(exec, in.extent(0) * channels, sh, 2 * dw, 4);
  parallel_for(exec, split.threads, split.tasks, [&](std::int64_t task) {
    const std::int64_t plane = task / split.bands;
    const index_t n = plane / channels, c = plane % channels;
    const index_t y0 = (task % split.bands) * split.per_band;
    const index_t y1 = std::min(y0 + split.per_band, sh);
    const index_t row_room = std::max<index_t>(dw, 2 * sw) + 1;
    thread_local std::vector<work_type<T>> rows;
    thread_local std::vector<T> scratch;
    rows.resize(static_cast<std::size_t>(3 * row_room));
    scratch.resize(static_cast<std::size_t>(sw + 4 * dw));
    work_type<T>* ring = rows.data();
    T* gathered = scratch.data();
    T* staged_even = gathered + sw;
    T* staged_odd = staged_even + dw;
    T* base_even = staged_odd + dw;
    T* base_odd = base_even + dw;
    const bool direct = out.stride(3) == 1;
    // Writes output row `y_out` (even formula when `odd_row` is negative) from the three rows.
    using W = work_type<T>;
    const auto emit = [&](const W* r0, const W* r1, const W* r2, index_t even_row, index_t odd_row) {
      T* even = row_pointer(out, n, c, even_row);
      T* odd = odd_row >= 0 ? row_pointer(out, n, c, odd_row) : nullptr;
      const T* even_base = nullptr;
      const T* odd_base = nullptr;
      if (base != nullptr) {
        even_base = contiguous_row(*base, n, c, even_row, base_even);
        if (odd != nullptr) odd_base = contiguous_row(*base, n, c, odd_row, base_odd);
      }
      k.up_column(r0, r1, r2, direct ? even : staged_even, odd == nullptr ? nullptr : direct ? odd : staged_odd,
                  even_base, odd_base, dw, op);
      if (!direct) {
        scatter_row(staged_even, even, out.stride(3), dw);
        if (odd != nullptr) scatter_row(staged_odd, odd, out.stride(3), dw);
      }
    };
    index_t next = y0 - 1;
    for (index_t y = y0; y < y1; ++y) {
      for (; next <= y + 1; ++next) {
        const T* src = contiguous_row(in, n, c, reflect101(2 * next, 2 * sh) / 2, gathered);
        k.up_row(src, sw, ring + ring_slot(next, 3) * row_room, dw);
      }
      const W* r0 = ring + ring_slot(y - 1, 3) * row_room;
      const W* r1 = ring + ring_slot(y, 3) * row_room;
      const W* r2 = ring + ring_slot(y + 1, 3) * row_room;
      emit(r0, r1, r2, 2 * y, 2 * y + 1 < dh ? 2 * y + 1 : -1);
      // An odd height one more than 2 sh repeats row 2 sh - 2 (OpenCV does the same).
      if (y == sh - 1 && dh > 2 * sh) emit(r0, r1, r2, 2 * sh, -1);
    }
  });
}

}  // namespace resample::detail
