// SPDX-License-Identifier: MIT
// Runs the pyramid kernels over N, C, H, W views: one task per (plane, band of output rows),
// each streaming a ring of filtered source rows (five for pyr_down, three for pyr_up). A band
// refilters the few source rows it shares with its neighbours, so every output value is computed
// the same way whatever the split: the results do not depend on the thread count.
// Views are validated by the callers (pyramid.hpp). Rows reach the kernels through a row_source
// (the row itself, or a contiguous copy: strided columns gathered, uint8 widened to float) and
// leave through a row_sink (in place, or staged and then scattered or rounded to uint8).
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "../parallel.hpp"
#include "../view.hpp"
#include "byte_rows.hpp"
#include "pyramid_kernels.hpp"

namespace resample::detail {

inline std::int64_t ring_slot(std::int64_t row, std::int64_t size) { return ((row % size) + size) % size; }

template <class T>
T* row_pointer(const tensor_view<T>& v, index_t n, index_t c, index_t y) {
  return v.data_handle() + n * v.stride(0) + c * v.stride(1) + y * v.stride(2);
}

/// The rows of a 4-D view of S as contiguous rows of T: the rows themselves when S is T and the
/// columns are contiguous; otherwise copies in a caller's scratch row (strided columns gathered,
/// uint8 values widened and multiplied by `scale`: 1 keeps them exact, 1/255 maps them to [0, 1]).
template <class T, class S = T>
struct row_source {
  static_assert(std::is_same_v<S, T> || (std::is_same_v<S, std::uint8_t> && std::is_floating_point_v<T>),
                "row_source reads rows of its own type, or uint8 rows as float or double");
  tensor_view<const S> view;
  T scale = T(1);

  /// True when rows are read in place (no scratch row needed).
  bool direct() const { return std::is_same_v<S, T> && view.stride(3) == 1; }

  /// Row y of plane (n, c); `scratch` has room for a row unless direct().
  const T* row(index_t n, index_t c, index_t y, T* scratch) const {
    const S* p = row_pointer(view, n, c, y);
    const index_t step = view.stride(3), count = view.extent(3);
    if constexpr (std::is_same_v<S, T>) {
      if (step == 1) return p;
      for (index_t x = 0; x < count; ++x) scratch[x] = p[x * step];
    } else {
      widen_row(p, count, step, scale, scratch);
    }
    return scratch;
  }
};

/// Where computed rows of T go in a 4-D view of Out: written in place when Out is T and the
/// columns are contiguous; otherwise computed into a staging row and then scattered, or (uint8)
/// multiplied by `scale`, rounded to nearest (ties to even) and saturated.
template <class T, class Out = T>
struct row_sink {
  static_assert(std::is_same_v<Out, T> || (std::is_same_v<Out, std::uint8_t> && std::is_floating_point_v<T>),
                "row_sink writes rows of its own type, or float or double rows as uint8");
  tensor_view<Out> view;
  T scale = T(1);

  bool direct() const { return std::is_same_v<Out, T> && view.stride(3) == 1; }

  /// Where to compute row y of plane (n, c): the row itself when direct(), else `staging`.
  T* target(index_t n, index_t c, index_t y, T* staging) const {
    if constexpr (std::is_same_v<Out, T>) {
      if (view.stride(3) == 1) return row_pointer(view, n, c, y);
    }
    (void)n, (void)c, (void)y;
    return staging;
  }

  /// Stores a row computed into target()'s staging row (nothing to do when direct()).
  void commit(index_t n, index_t c, index_t y, const T* staged) const {
    Out* p = row_pointer(view, n, c, y);
    const index_t step = view.stride(3), count = view.extent(3);
    if constexpr (std::is_same_v<Out, T>) {
      if (step == 1) return;
      for (index_t x = 0; x < count; ++x) p[x * step] = staged[x];
    } else if (step == 1) {
      round_row_to_bytes(staged, count, scale, p);
    } else {
      thread_local std::vector<std::uint8_t> bytes;
      bytes.resize(static_cast<std::size_t>(count));
      round_row_to_bytes(staged, count, scale, bytes.data());
      for (index_t x = 0; x < count; ++x) p[x * step] = bytes[static_cast<std::size_t>(x)];
    }
  }
};

/// Splits N * C planes of `rows` output rows into bands of about exec.grain_elements outputs.
/// When the work goes to several threads, every plane gets enough bands for at least two tasks
/// per thread: three planes of a small level then still split evenly over two threads.
struct band_split {
  std::int64_t per_band = 1;
  std::int64_t bands = 1;
  std::int64_t tasks = 1;
  int threads = 1;
};

inline band_split split_bands(const execution& exec, std::int64_t planes, std::int64_t rows, std::int64_t row_elements,
                              std::int64_t min_rows) {
  band_split s;
  const std::int64_t total = planes * rows * row_elements;
  s.threads = total < exec.min_parallel_elements ? 1 : resolve_threads(exec);
  s.per_band = std::clamp<std::int64_t>(exec.grain_elements / std::max<std::int64_t>(row_elements, 1), min_rows,
                                        std::max<std::int64_t>(rows, 1));
  if (s.threads > 1) {
    const std::int64_t bands_wanted = (2 * std::int64_t{s.threads} + planes - 1) / planes;
    const std::int64_t even_band = (rows + bands_wanted - 1) / bands_wanted;
    s.per_band = std::clamp<std::int64_t>(std::min(s.per_band, even_band), 1, std::max<std::int64_t>(rows, 1));
  }
  s.bands = (rows + s.per_band - 1) / s.per_band;
  s.tasks = planes * s.bands;
  return s;
}

/// Runs body(n, c, y0, y1) for every band of a split of `planes` = N * C planes (C = `channels`).
template <class Body>
void for_each_band(const execution& exec, const band_split& split, index_t channels, index_t rows, const Body& body) {
  parallel_for(exec, split.threads, split.tasks, [&](std::int64_t task) {
    const std::int64_t plane = task / split.bands;
    const index_t y0 = (task % split.bands) * split.per_band;
    body(plane / channels, plane % channels, y0, std::min(y0 + split.per_band, rows));
  });
}

/// Runs steps 0 .. count - 1 in order, step s being split_of(s).tasks independent tasks
/// run(s, task). With OpenMP, the steps up to the last one worth threads run in one parallel
/// region, its threads meeting at a barrier between steps rather than forking and joining once
/// per step, and the small steps after it on the calling thread; with an executor, one
/// parallel_for per step.
template <class SplitOf, class Run>
void parallel_steps(const execution& exec, int count, const SplitOf& split_of, const Run& run) {
  int threads = 1;
  [[maybe_unused]] int parallel_count = 0;  // the steps the OpenMP region runs
  for (int s = 0; s < count; ++s) {
    if (split_of(s).threads > 1) parallel_count = s + 1;
    threads = std::max(threads, split_of(s).threads);
  }
  int s = 0;
#if defined(_OPENMP)
  if (!exec.pool && threads > 1) {
#pragma omp parallel num_threads(threads)
    for (int step = 0; step < parallel_count; ++step) {
      const std::int64_t tasks = split_of(step).tasks;
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t t = 0; t < tasks; ++t) run(step, t);
    }
    s = parallel_count;
  }
#endif
  for (; s < count; ++s) {
    parallel_for(exec, split_of(s).threads, split_of(s).tasks, [&](std::int64_t t) { run(s, t); });
  }
}

/// One pyr_down step over a batch of images of one shape: every plane of in[i] into out[i],
/// split into tasks of (image, plane, band of output rows).
template <class T, class S>
class down_pass {
 public:
  down_pass(std::vector<row_source<T, S>> in, std::vector<tensor_view<T>> out, const execution& exec)
      : in_(std::move(in)), out_(std::move(out)), k_(pyramid_kernels_for<T>(exec.isa)) {
    const tensor_view<const S>& first = in_[0].view;
    batch_ = first.extent(0);
    channels_ = first.extent(1);
    split_ = split_bands(exec, static_cast<index_t>(in_.size()) * batch_ * channels_, out_[0].extent(2),
                         out_[0].extent(3), 8);
  }

  const band_split& split() const { return split_; }

  void run(std::int64_t task) const {
    const std::int64_t plane = task / split_.bands;
    const std::size_t image = static_cast<std::size_t>(plane / (batch_ * channels_));
    const index_t n = (plane / channels_) % batch_, c = plane % channels_;
    const row_source<T, S>& source = in_[image];
    const tensor_view<T>& target = out_[image];
    const index_t sh = source.view.extent(2), sw = source.view.extent(3);
    const index_t dh = target.extent(2), dw = target.extent(3);
    const index_t y0 = (task % split_.bands) * split_.per_band, y1 = std::min(y0 + split_.per_band, dh);
    thread_local std::vector<work_type<T>> rows;
    thread_local std::vector<T> scratch;
    rows.resize(static_cast<std::size_t>(5 * dw));
    scratch.resize(static_cast<std::size_t>(sw + dw));
    work_type<T>* ring = rows.data();
    T* gathered = scratch.data();
    T* staged = gathered + sw;
    const bool direct = target.stride(3) == 1;
    index_t next = 2 * y0 - 2;  // next source row to filter into the ring
    for (index_t y = y0; y < y1; ++y) {
      for (; next <= 2 * y + 2; ++next) {
        k_.down_row(source.row(n, c, reflect101(next, sh), gathered), sw, ring + ring_slot(next, 5) * dw, dw,
                    opencv_lanes<T>::horizontal);
      }
      const work_type<T>* r[5];
      for (int t = 0; t < 5; ++t) r[t] = ring + ring_slot(2 * y - 2 + t, 5) * dw;
      T* dst = row_pointer(target, n, c, y);
      k_.down_column(r[0], r[1], r[2], r[3], r[4], direct ? dst : staged, dw, opencv_lanes<T>::vertical);
      if (!direct) {
        for (index_t x = 0; x < dw; ++x) dst[x * target.stride(3)] = staged[x];
      }
    }
  }

 private:
  std::vector<row_source<T, S>> in_;
  std::vector<tensor_view<T>> out_;
  pyramid_kernel_set<T> k_;
  index_t batch_ = 1, channels_ = 1;
  band_split split_;
};

/// Gaussian levels of a batch of images of one shape: levels[i][l] receives pyr_down of
/// levels[i][l - 1] (of in[i] for l = 0), every level of every image in one parallel_steps.
template <class T, class S>
void pyr_down_cascade(const std::vector<row_source<T, S>>& in, const std::vector<std::vector<tensor_view<T>>>& levels,
                      const execution& exec) {
  const std::size_t count = levels[0].size();
  if (count == 0) return;
  std::vector<tensor_view<T>> targets;
  for (const auto& image : levels) targets.push_back(image[0]);
  const down_pass<T, S> first(in, targets, exec);
  std::vector<down_pass<T, T>> rest;
  for (std::size_t l = 1; l < count; ++l) {
    std::vector<row_source<T>> sources;
    targets.clear();
    for (const auto& image : levels) {
      sources.push_back(row_source<T>{image[l - 1]});
      targets.push_back(image[l]);
    }
    rest.emplace_back(std::move(sources), targets, exec);
  }
  const auto split_of = [&](int step) -> const band_split& {
    return step == 0 ? first.split() : rest[static_cast<std::size_t>(step - 1)].split();
  };
  parallel_steps(exec, static_cast<int>(count), split_of, [&](int step, std::int64_t task) {
    if (step == 0) {
      first.run(task);
    } else {
      rest[static_cast<std::size_t>(step - 1)].run(task);
    }
  });
}

/// pyr_down of every plane of `in` into `out` (shapes already checked).
template <class T, class S>
void pyr_down_views(const row_source<T, S>& in, const tensor_view<T>& out, const execution& exec) {
  const down_pass<T, S> pass({in}, {out}, exec);
  parallel_for(exec, pass.split().threads, pass.split().tasks, [&](std::int64_t task) { pass.run(task); });
}

template <class T>
void pyr_down_views(const tensor_view<const T>& in, const tensor_view<T>& out, const execution& exec) {
  pyr_down_views(row_source<T>{in}, out, exec);
}

/// The three rows of pyr_up's horizontal pass (source rows y - 1, y, y + 1, reflected) that the
/// output rows 2y and 2y + 1 need, in a ring refilled as the output moves down a plane.
template <class T>
struct up_ring {
  using W = work_type<T>;
  W* rows = nullptr;
  index_t room = 0;  // values per ring row: the output width, and 2 sw + 1 for up_row's borders
  index_t next = 0;  // next source row to filter

  /// Room per ring row for a source of width sw and an output of width dw.
  static index_t row_room(index_t sw, index_t dw) { return std::max<index_t>(dw, 2 * sw) + 1; }

  /// Starts a band at source row y0 (its rings hold rows from y0 - 1 on).
  void start(W* storage, index_t room_per_row, index_t y0) {
    rows = storage;
    room = room_per_row;
    next = y0 - 1;
  }

  /// Filters the source rows up to y + 1; source_row(r) gives source row r (already reflected).
  template <class SourceRow>
  void advance(index_t y, index_t sh, index_t sw, index_t dw, const pyramid_kernel_set<T>& k,
               const SourceRow& source_row) {
    for (; next <= y + 1; ++next) k.up_row(source_row(reflect101(2 * next, 2 * sh) / 2), sw, row(next), dw);
  }

  W* row(index_t y) const { return rows + ring_slot(y, 3) * room; }
};

/// Calls emit(y, even_row, odd_row) for the output rows pyr_up makes from source row y, for the
/// rows y of [y0, y1): 2y and 2y + 1 (odd_row -1 past the output's end), and row 2 sh of an output
/// one taller than 2 sh, from the last source row (it repeats row 2 sh - 2, as OpenCV does).
template <class Emit>
void for_each_up_row_pair(index_t y0, index_t y1, index_t sh, index_t dh, const Emit& emit) {
  for (index_t y = y0; y < y1; ++y) {
    emit(y, 2 * y, 2 * y + 1 < dh ? 2 * y + 1 : -1);
    if (y == sh - 1 && dh > 2 * sh) emit(y, 2 * sh, index_t{-1});
  }
}

/// pyr_up of every plane of `in` into `out`; with a `base` (out's shape), stores base - up or
/// base + up instead (`out` may be `base` itself).
template <class T, class Out = T, class B = T>
void pyr_up_views(const tensor_view<const T>& in, const row_sink<T, Out>& out, const row_source<T, B>* base,
                  up_epilogue op, const execution& exec) {
  const index_t channels = in.extent(1), sh = in.extent(2), sw = in.extent(3);
  const index_t dh = out.view.extent(2), dw = out.view.extent(3);
  const pyramid_kernel_set<T> k = pyramid_kernels_for<T>(exec.isa);
  const band_split split = split_bands(exec, in.extent(0) * channels, sh, 2 * dw, 4);
  const row_source<T> source{in};
  for_each_band(exec, split, channels, sh, [&](index_t n, index_t c, index_t y0, index_t y1) {
    const index_t room = up_ring<T>::row_room(sw, dw);
    thread_local std::vector<work_type<T>> rows;
    thread_local std::vector<T> scratch;
    rows.resize(static_cast<std::size_t>(3 * room));
    scratch.resize(static_cast<std::size_t>(sw + 4 * dw));
    up_ring<T> ring;
    ring.start(rows.data(), room, y0);
    T* gathered = scratch.data();
    T* staged_even = gathered + sw;
    T* staged_odd = staged_even + dw;
    T* base_even = staged_odd + dw;
    T* base_odd = base_even + dw;
    for_each_up_row_pair(y0, y1, sh, dh, [&](index_t y, index_t even_row, index_t odd_row) {
      ring.advance(y, sh, sw, dw, k, [&](index_t r) { return source.row(n, c, r, gathered); });
      T* even = out.target(n, c, even_row, staged_even);
      T* odd = odd_row >= 0 ? out.target(n, c, odd_row, staged_odd) : nullptr;
      const T* even_base = nullptr;
      const T* odd_base = nullptr;
      if (base != nullptr) {
        even_base = base->row(n, c, even_row, base_even);
        if (odd != nullptr) odd_base = base->row(n, c, odd_row, base_odd);
      }
      k.up_column(ring.row(y - 1), ring.row(y), ring.row(y + 1), even, odd, even_base, odd_base, dw, op);
      if (!out.direct()) {
        out.commit(n, c, even_row, even);
        if (odd != nullptr) out.commit(n, c, odd_row, odd);
      }
    });
  });
}

}  // namespace resample::detail
