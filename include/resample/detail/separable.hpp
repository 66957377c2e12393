// SPDX-License-Identifier: MIT
// Separable resampling of one box: a 1-D pass along W, then H, then D, each output computed as
// acc = x[i0]*w0; acc += x[i1]*w1; ... in T. That is the order and precision of ATen's generic
// upsample kernel (whose recursion combines the innermost axis first) and of its antialias
// kernel (W pass, then H pass through a T intermediate), so the passes reproduce both bit for
// bit, while reading each input line once per pass instead of once per output.
//
// A box is processed in chunks of the outermost output axis: a chunk runs the inner passes only
// over the input slices its outputs read, into a small scratch buffer, and the last pass writes
// the chunk. Chunks are independent, which is what threads split, and the arithmetic of every
// output is the same whatever the chunking.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "axis_table.hpp"
#include "box.hpp"
#include "config.hpp"
#include "kernels.hpp"
#include "runs.hpp"
#include "transpose.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// A half-open range of output indices of one axis, and the source index the source box
/// starts at (subtracted from the table's indices).
struct output_range {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t source_shift = 0;
};

/// The source slices [first, last] that outputs [begin, end) of `table` read.
template <class T>
std::array<std::int64_t, 2> source_span(const axis_table<T>& table, std::int64_t begin, std::int64_t end) {
  // Monotone tables read from their first output's lowest index to their last output's highest.
  if (table.monotone && begin < end && table.count[begin] > 0) return {table.lowest[begin], table.highest[end - 1]};
  std::int64_t first = table.in, last = -1;
  for (std::int64_t o = begin; o < end; ++o) {
    if (table.highest[o] < table.lowest[o]) continue;  // an output with no taps
    first = std::min(first, table.lowest[o]);
    last = std::max(last, table.highest[o]);
  }
  if (last < first) first = last = 0;  // no taps at all: nothing is read
  return {first, last};
}

/// Scratch space of one thread: the intermediates of a chunk and the packed row blocks.
template <class T>
struct separable_scratch {
  std::vector<T> first;
  std::vector<T> second;
  std::vector<T> packed_in;
  std::vector<T> packed_out;
  std::vector<std::int64_t> rows;
  std::vector<char> marks;
  std::vector<std::int64_t> slots;
  std::vector<std::int64_t> positions;
  std::vector<const T*> taps;
};

/// The distinct source indices outputs [begin, end) of `table` read, relative to `first`,
/// ascending. `marks` is scratch for one flag per source index of the span.
template <class T>
void needed_rows(const axis_table<T>& table, std::int64_t begin, std::int64_t end, std::int64_t first,
                 std::vector<std::int64_t>& rows, std::vector<char>& marks) {
  rows.clear();
  if (begin >= end) return;
  const std::int64_t last = table.highest[static_cast<std::size_t>(end - 1)];
  marks.assign(static_cast<std::size_t>(std::max<std::int64_t>(last - first + 1, 0)), 0);
  for (std::int64_t o = begin; o < end; ++o) {
    const std::int64_t* index = table.indices(o);
    for (int j = 0; j < table.count[o]; ++j) {
      const std::int64_t r = index[j] - first;
      if (r >= static_cast<std::int64_t>(marks.size())) marks.resize(static_cast<std::size_t>(r + 1), 0);
      marks[static_cast<std::size_t>(r)] = 1;
    }
  }
  for (std::size_t r = 0; r < marks.size(); ++r)
    if (marks[r]) rows.push_back(static_cast<std::int64_t>(r));
}

/// One row of a planar W pass: out[o] = sum_j row[index_j(o)] * weight_j(o), unit strides.
/// Fixed tap counts are unrolled so the loop body is a handful of loads and multiplies.
template <class T>
void resample_planar_row(const T* row, T* out, const axis_table<T>& table, output_range range, bool full_width) {
  const std::int64_t* index = table.index.data();
  const T* weight = table.weight.data();
  if (full_width && table.width == 2) {
    for (std::int64_t o = range.begin; o < range.end; ++o) {
      const std::int64_t* i = index + 2 * o;
      const T* w = weight + 2 * o;
      out[o - range.begin] = row[i[0]] * w[0] + row[i[1]] * w[1];
    }
  } else if (full_width && table.width == 4) {
    for (std::int64_t o = range.begin; o < range.end; ++o) {
      const std::int64_t* i = index + 4 * o;
      const T* w = weight + 4 * o;
      out[o - range.begin] = ((row[i[0]] * w[0] + row[i[1]] * w[1]) + row[i[2]] * w[2]) + row[i[3]] * w[3];
    }
  } else {
    for (std::int64_t o = range.begin; o < range.end; ++o) {
      const std::int64_t* i = table.indices(o);
      const T* w = table.weights(o);
      T acc = row[i[0]] * w[0];
      for (int j = 1; j < table.count[o]; ++j) acc += row[i[j]] * w[j];
      out[o - range.begin] = acc;
    }
  }
}

/// The W pass of `rows` planar rows (unit strides): row i reads source_row(i) (already shifted
/// by range.source_shift) and writes target_row(i). Whole rows go through lane permutations
/// where the set has them; otherwise blocks of rows are packed so that the taps are vectors
/// across rows; the few rows left over go through the scalar row.
template <class T, class SourceRow, class TargetRow>
void resample_planar_rows(const kernel_set<T>& kernels, std::int64_t rows, const SourceRow& source_row,
                          const TargetRow& target_row, const axis_table<T>& table, output_range range,
                          separable_scratch<T>& scratch) {
  constexpr int L = pack_lanes<T>;
  std::int64_t r = 0;
  const permuted_taps<T>& permuted = table.permuted;
  if (kernels.permuted_row && permuted.blocks > 0 && range.begin == 0 && range.end == table.out) {
    // Whole registers of outputs by lane permutations; the few outputs past the last block by the scalar row.
    const output_range tail{permuted.blocks * permuted_taps<T>::lanes, range.end, range.source_shift};
    for (; r < rows; ++r) {
      const T* row = source_row(r);
      T* out = target_row(r);
      kernels.permuted_row(row, out, permuted);
      if (tail.begin < tail.end) resample_planar_row(row, out + tail.begin, table, tail, table.full_width);
    }
    return;
  }
  if (rows >= L) {
    // Pack only the input columns these outputs read.
    const auto span = source_span(table, range.begin, range.end);
    const std::int64_t columns = span[1] - span[0] + 1;
    scratch.packed_in.resize(static_cast<std::size_t>(columns * L));
    scratch.packed_out.resize(static_cast<std::size_t>((range.end - range.begin) * L));
    for (; r + L <= rows; r += L) {
      const T* in_rows[L];
      T* out_rows[L];
      for (int k = 0; k < L; ++k) {
        in_rows[k] = source_row(r + k) + span[0];
        out_rows[k] = target_row(r + k);
      }
      kernels.pack_rows(in_rows, columns, scratch.packed_in.data());
      kernels.packed_rows(scratch.packed_in.data() - span[0] * L, scratch.packed_out.data(), table.index.data(),
                          table.weight.data(), table.count.data(), table.width, table.tap_step, range.begin,
                          range.end);
      kernels.unpack_rows(scratch.packed_out.data(), range.end - range.begin, out_rows);
    }
  }
  for (; r < rows; ++r) resample_planar_row(source_row(r), target_row(r), table, range, table.full_width);
}

/// Pass along W: outputs [range.begin, range.end) of every (d, h) row. With packed channels
/// each tap is a whole channel vector; planar rows go through resample_planar_rows.
template <class T>
void resample_rows(const kernel_set<T>& kernels, const box<const T>& src, const box<T>& dst, const axis_table<T>& table,
                   output_range range, separable_scratch<T>& scratch,
                   const std::vector<std::int64_t>* only_rows = nullptr) {
  const std::int64_t sw = src.stride[2], dw = dst.stride[2];
  const std::int64_t channels = src.extent[3];
  // The (d, h) rows to resample, numbered d * H + h: all of them, or only those a later pass reads.
  const std::int64_t rows = only_rows ? static_cast<std::int64_t>(only_rows->size()) : src.extent[0] * src.extent[1];
  const auto row_number = [&](std::int64_t i) { return only_rows ? (*only_rows)[static_cast<std::size_t>(i)] : i; };
  const auto source_row = [&](std::int64_t i) {
    const std::int64_t r = row_number(i);
    return src.at(r / src.extent[1], r % src.extent[1], 0) - range.source_shift * sw;
  };
  const auto target_row = [&](std::int64_t i) {
    const std::int64_t r = row_number(i);
    return dst.at(r / src.extent[1], r % src.extent[1], 0);
  };
  if (channels == 1 && sw == 1 && dw == 1) {
    resample_planar_rows(kernels, rows, source_row, target_row, table, range, scratch);
    return;
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    const T* row = source_row(r);
    T* out = target_row(r);
    for (std::int64_t o = range.begin; o < range.end; ++o) {
      weighted_run(kernels, out + (o - range.begin) * dw, dst.stride[3], row, sw, table.indices(o), table.weights(o),
                   table.count[o], channels, src.stride[3]);
    }
  }
}

/// Pass along an outer axis (0 = D or 1 = H): each output line is a weighted sum of whole input
/// lines, one weight per line, over a run that spans W and K when both boxes are dense.
template <class T>
void resample_lines(const kernel_set<T>& kernels, const box<const T>& src, const box<T>& dst,
                    const axis_table<T>& table, int axis, output_range range) {
  const int other = axis == 0 ? 1 : 0;
  const std::int64_t step = src.stride[axis];
  const bool dense = src.dense_rows() && dst.dense_rows();
  for (std::int64_t p = 0; p < src.extent[other]; ++p) {
    for (std::int64_t o = range.begin; o < range.end; ++o) {
      std::array<std::int64_t, 2> out_at{0, 0}, in_at{0, 0};
      out_at[other] = in_at[other] = p;
      out_at[axis] = o - range.begin;
      in_at[axis] = -range.source_shift;
      T* out = dst.at(out_at[0], out_at[1], 0);
      const T* base = src.at(in_at[0], in_at[1], 0);
      if (dense) {
        weighted_run(kernels, out, 1, base, step, table.indices(o), table.weights(o), table.count[o],
                     src.extent[2] * src.extent[3], 1);
        continue;
      }
      for (std::int64_t w = 0; w < src.extent[2]; ++w) {
        weighted_run(kernels, out + w * dst.stride[2], dst.stride[3], base + w * src.stride[2], step, table.indices(o),
                     table.weights(o), table.count[o], src.extent[3], src.stride[3]);
      }
    }
  }
}

/// 2-D resampling of a box with packed channels, streamed: output rows are made in order, each
/// from W-resampled input rows kept in a small ring, so every input row is resampled once and
/// the intermediate stays in cache (channels-last rows are large). Needs a monotone H table.
template <class T>
void resample_packed_streaming(const kernel_set<T>& kernels, const box<const T>& src, const box<T>& dst,
                               const axis_table<T>& h_table, const axis_table<T>& w_table, std::int64_t begin,
                               std::int64_t end, separable_scratch<T>& scratch) {
  const std::int64_t row_length = w_table.out * src.extent[3];
  std::int64_t capacity = 1;
  for (std::int64_t o = begin; o < end; ++o) capacity = std::max(capacity, h_table.highest[o] - h_table.lowest[o] + 1);
  scratch.first.resize(static_cast<std::size_t>(capacity * row_length));
  T* ring = scratch.first.data();
  scratch.slots.resize(static_cast<std::size_t>(h_table.width));
  std::int64_t made = -1;  // highest input row resampled so far
  for (std::int64_t o = begin; o < end; ++o) {
    for (std::int64_t r = std::max(made + 1, h_table.lowest[o]); r <= h_table.highest[o]; ++r) {
      box<const T> line = src;
      line.data = src.at(0, r, 0);
      line.extent[1] = 1;
      const box<T> slot = contiguous_box(ring + (r % capacity) * row_length, {1, 1, w_table.out, src.extent[3]});
      resample_rows(kernels, line, slot, w_table, output_range{0, w_table.out, 0}, scratch);
      made = r;
    }
    const std::int64_t* index = h_table.indices(o);
    for (int j = 0; j < h_table.count[o]; ++j) scratch.slots[static_cast<std::size_t>(j)] = index[j] % capacity;
    box<T> target = dst;
    target.data = dst.at(0, o, 0);
    if (target.dense_rows()) {
      kernels.weighted_run(target.data, ring, row_length, scratch.slots.data(), h_table.weights(o), h_table.count[o],
                           row_length);
    } else {
      for (std::int64_t w = 0; w < w_table.out; ++w) {
        weighted_run(kernels, target.data + w * target.stride[2], target.stride[3], ring + w * src.extent[3],
                     row_length, scratch.slots.data(), h_table.weights(o), h_table.count[o], src.extent[3], 1);
      }
    }
  }
}

/// 2-D resampling of a planar box, streamed: output rows are made in order, each from the
/// W-resampled input rows it reads, kept in a small ring (in cache) that every input row the chunk
/// needs enters once. Rows are resampled one at a time where the W pass permutes lanes, in blocks
/// of pack_lanes rows otherwise. Needs a monotone H table whose outputs all have taps, and unit W strides.
template <class T>
void resample_planar_streaming(const kernel_set<T>& kernels, const box<const T>& src, const box<T>& dst,
                               const axis_table<T>& h_table, const axis_table<T>& w_table, std::int64_t begin,
                               std::int64_t end, separable_scratch<T>& scratch, bool stream_output) {
  constexpr int L = pack_lanes<T>;
  const auto span = source_span(h_table, begin, end);
  // The input rows the chunk reads, relative to span[0], and each one's position in that list.
  const bool every_row = h_table.gapless;
  std::vector<std::int64_t>& positions = scratch.positions;
  std::int64_t total = span[1] - span[0] + 1;
  if (!every_row) {
    needed_rows(h_table, begin, end, span[0], scratch.rows, scratch.marks);
    total = static_cast<std::int64_t>(scratch.rows.size());
    positions.resize(static_cast<std::size_t>(span[1] - span[0] + 1));
    for (std::int64_t p = 0; p < total; ++p) positions[static_cast<std::size_t>(scratch.rows[p])] = p;
  }
  // Position and source row lookups, with the gapless case known at compile time.
  const auto stream = [&](auto gapless) {
    constexpr bool every = decltype(gapless)::value;
    const auto position = [&](std::int64_t row) {
      return every ? row - span[0] : positions[static_cast<std::size_t>(row - span[0])];
    };
    const auto source_of = [&](std::int64_t p) { return every ? p : scratch.rows[static_cast<std::size_t>(p)]; };
    const bool permuting = kernels.permuted_row && w_table.permuted.blocks > 0;
    const int batch = permuting ? 1 : L;
    std::int64_t reach = 1;  // positions one output spans
    for (std::int64_t o = begin; o < end; ++o)
      reach = std::max(reach, position(h_table.highest[o]) - position(h_table.lowest[o]) + 1);
    // A power of two of at least reach + batch - 1 slots: batches start at multiples of `batch`,
    // so a batch lands in consecutive slots and never overwrites a row an output still reads.
    std::int64_t capacity = 1;
    while (capacity < reach + batch - 1) capacity *= 2;
    const std::int64_t row_length = w_table.out;
    scratch.first.resize(static_cast<std::size_t>(capacity * row_length));
    T* const ring = scratch.first.data();
    const auto slot = [&](std::int64_t p) { return ring + (p & (capacity - 1)) * row_length; };
    scratch.taps.resize(static_cast<std::size_t>(h_table.width));
    const T** taps = scratch.taps.data();
    std::int64_t made = 0;  // positions resampled so far
    for (std::int64_t o = begin; o < end; ++o) {
      const std::int64_t needed = position(h_table.highest[o]);
      for (; made <= needed; made += batch) {
        // A short last batch repeats its last row so that the block path still applies.
        const std::int64_t first = made, last = std::min(made + batch, total) - 1;
        const auto source_row = [&](std::int64_t i) {
          return src.at(0, span[0] + source_of(std::min(first + i, last)), 0);
        };
        const auto target_row = [&](std::int64_t i) { return slot(first + i); };
        resample_planar_rows(kernels, batch, source_row, target_row, w_table, output_range{0, w_table.out, 0},
                             scratch);
      }
      const int count = h_table.count[o];
      const std::int64_t* index = h_table.indices(o);
      for (int j = 0; j < count; ++j) taps[j] = slot(position(index[j]));
      kernels.combine_rows(dst.at(0, o, 0), taps, h_table.weights(o), count, row_length, stream_output);
    }
  };
  if (every_row) {
    stream(std::true_type{});
  } else {
    stream(std::false_type{});
  }
}

/// 3-D resampling streamed along D: output slices are made in order, each from W- and
/// H-resampled input slices kept in a small ring, so every input slice is resampled once per
/// chunk and the intermediates stay in cache. Needs a monotone D table.
template <class T>
void resample_volume_streaming(const kernel_set<T>& kernels, const box<const T>& src, const box<T>& dst,
                               const std::vector<axis_table<T>>& tables, std::int64_t begin, std::int64_t end,
                               separable_scratch<T>& scratch, bool stream_output) {
  const axis_table<T>& d_table = tables[0];
  const axis_table<T>& h_table = tables[1];
  const axis_table<T>& w_table = tables[2];
  const std::int64_t channels = src.extent[3];
  const std::int64_t row_length = w_table.out * channels;
  const std::int64_t slice_length = h_table.out * row_length;
  std::int64_t capacity = 1;
  for (std::int64_t o = begin; o < end; ++o) capacity = std::max(capacity, d_table.highest[o] - d_table.lowest[o] + 1);
  scratch.first.resize(static_cast<std::size_t>(capacity * slice_length));
  scratch.second.resize(static_cast<std::size_t>(h_table.in * row_length));
  T* ring = scratch.first.data();
  const box<T> across = contiguous_box(scratch.second.data(), {1, h_table.in, w_table.out, channels});
  scratch.slots.resize(static_cast<std::size_t>(d_table.width));
  scratch.taps.resize(static_cast<std::size_t>(d_table.width));
  std::int64_t made = -1;  // highest input slice resampled so far
  for (std::int64_t o = begin; o < end; ++o) {
    for (std::int64_t r = std::max(made + 1, d_table.lowest[o]); r <= d_table.highest[o]; ++r) {
      box<const T> slice = src;
      slice.data = src.at(r, 0, 0);
      slice.extent[0] = 1;
      resample_rows(kernels, slice, across, w_table, output_range{0, w_table.out, 0}, scratch);
      const box<T> slot = contiguous_box(ring + (r % capacity) * slice_length, {1, h_table.out, w_table.out, channels});
      resample_lines(kernels, box<const T>{across.data, across.extent, across.stride}, slot, h_table, 1,
                     output_range{0, h_table.out, 0});
      made = r;
    }
    const std::int64_t* index = d_table.indices(o);
    for (int j = 0; j < std::max(d_table.count[o], 1); ++j) {
      scratch.slots[static_cast<std::size_t>(j)] = index[j] % capacity;
    }
    const bool whole_slice = dst.dense_rows() && dst.stride[1] == row_length;
    for (std::int64_t h = 0; h < (whole_slice ? 1 : h_table.out); ++h) {
      T* target = dst.at(o, h, 0);
      const T* rows = ring + h * row_length;
      if (dst.dense_rows()) {
        for (int j = 0; j < std::max(d_table.count[o], 1); ++j) {
          scratch.taps[static_cast<std::size_t>(j)] = rows + scratch.slots[static_cast<std::size_t>(j)] * slice_length;
        }
        kernels.combine_rows(target, scratch.taps.data(), d_table.weights(o), d_table.count[o],
                             whole_slice ? slice_length : row_length, stream_output);
        continue;
      }
      for (std::int64_t w = 0; w < w_table.out; ++w) {
        weighted_run(kernels, target + w * dst.stride[2], dst.stride[3], rows + w * channels, slice_length,
                     scratch.slots.data(), d_table.weights(o), d_table.count[o], channels, 1);
      }
    }
  }
}

/// 2-D resampling of a box with packed channels by 2-tap tables on both axes (bilinear), in one
/// pass: each output pixel combines its four input pixels as the W pass then the H pass would.
/// Needs dense rows; cheaper than streaming W-resampled rows through memory.
template <class T>
void resample_packed_bilinear(const kernel_set<T>& kernels, const box<const T>& src, const box<T>& dst,
                              const axis_table<T>& h_table, const axis_table<T>& w_table, std::int64_t begin,
                              std::int64_t end) {
  for (std::int64_t o = begin; o < end;) {
    const std::int64_t* rows = h_table.indices(o);
    // Upscaling gives runs of output rows that read the same two input rows: pair them up.
    const bool pair = o + 1 < end && h_table.indices(o + 1)[0] == rows[0] && h_table.indices(o + 1)[1] == rows[1];
    T* const targets[2] = {dst.at(0, o, 0), pair ? dst.at(0, o + 1, 0) : nullptr};
    kernels.bilinear_channels_rows(targets, pair ? 2 : 1, src.at(0, rows[0], 0), src.at(0, rows[1], 0),
                                   h_table.weights(o), w_table.index.data(), w_table.weight.data(), w_table.out,
                                   src.extent[3]);
    o += pair ? 2 : 1;
  }
}

/// Resamples outputs [begin, end) of the outermost resampled axis of one box. `tables` holds
/// one table per spatial axis, outermost first, for the last tables.size() spatial axes of the
/// box; `dst` is the whole output box.
/// What a plan decides once for the separable passes of all its boxes.
template <class T>
struct separable_choices {
  /// The W table over rows of interleaved channel values (interleaved_table), for boxes with
  /// that many channels; null if none.
  const axis_table<T>* interleaved = nullptr;
  /// The streaming passes write the output with non-temporal stores (an output larger than the
  /// caches would otherwise be read in, line by line, before being written).
  bool stream_output = false;
};

template <class T>
void resample_separable_chunk(const kernel_set<T>& kernels, const box<const T>& src, const box<T>& dst,
                              const std::vector<axis_table<T>>& tables, std::int64_t begin, std::int64_t end,
                              separable_scratch<T>& scratch, const separable_choices<T>& choices = {}) {
  const int spatial = static_cast<int>(tables.size());
  const int outer = 3 - spatial;  // box axis of the outermost resampled axis
  const bool streams_rows = spatial == 2 && tables[0].monotone && tables[0].count[0] > 0;
  const axis_table<T>* interleaved = choices.interleaved;
  const bool stream = choices.stream_output;
  if (streams_rows && interleaved && src.extent[3] > 1 && interleaved->in == tables[1].in * src.extent[3] &&
      src.dense_rows() && dst.dense_rows()) {
    // A few interleaved channels: each row of pixels is one planar row of values.
    const auto planar = [](auto b) {
      b.extent[2] *= b.extent[3];
      b.extent[3] = 1;
      b.stride[2] = 1;
      return b;
    };
    resample_planar_streaming(kernels, planar(src), planar(dst), tables[0], *interleaved, begin, end, scratch, stream);
    if (stream) kernels.stream_fence();
    return;
  }
  const auto two_taps = [](const axis_table<T>& t) { return t.full_width && t.width == 2; };
  if (spatial == 2 && src.extent[3] > 1 && two_taps(tables[0]) && two_taps(tables[1]) && src.dense_rows() &&
      dst.dense_rows()) {
    resample_packed_bilinear(kernels, src, dst, tables[0], tables[1], begin, end);
    return;
  }
  if (streams_rows && src.extent[3] == 1 && src.stride[2] == 1 && dst.stride[2] == 1) {
    resample_planar_streaming(kernels, src, dst, tables[0], tables[1], begin, end, scratch, stream);
    if (stream) kernels.stream_fence();
    return;
  }
  if (spatial == 3 && tables[0].monotone) {
    resample_volume_streaming(kernels, src, dst, tables, begin, end, scratch, stream);
    if (stream) kernels.stream_fence();
    return;
  }
  if (spatial == 2 && src.extent[3] > 1 && tables[0].monotone) {
    resample_packed_streaming(kernels, src, dst, tables[0], tables[1], begin, end, scratch);
    return;
  }
  // With one spatial axis there are no inner passes to save work on: read the whole row.
  const std::array<std::int64_t, 2> span =
      spatial == 1 ? std::array<std::int64_t, 2>{0, tables[0].in - 1} : source_span(tables[0], begin, end);

  // The input slices this chunk reads, as a box of their own.
  box<const T> current = src;
  current.data = src.data + span[0] * src.stride[outer];
  current.extent[outer] = span[1] - span[0] + 1;
  std::array<std::int64_t, 4> extent = current.extent;

  for (int pass = 0; pass < spatial; ++pass) {
    const int axis = 2 - pass;  // W, then H, then D
    const axis_table<T>& table = tables[spatial - 1 - pass];
    output_range range{0, table.out, 0};
    box<T> target;
    const bool last = pass == spatial - 1;
    if (last) {
      range = {begin, end, span[0]};
      target = dst;
      target.data = dst.data + begin * dst.stride[outer];
      target.extent[outer] = end - begin;
    } else {
      extent[axis] = table.out;
      std::vector<T>& buffer = pass % 2 == 0 ? scratch.first : scratch.second;
      buffer.resize(static_cast<std::size_t>(extent[0] * extent[1] * extent[2] * extent[3]));
      target = contiguous_box(buffer.data(), extent);
    }
    if (axis == 2) {
      // Downscaling in H reads only some input rows: run the W pass on just those.
      const std::vector<std::int64_t>* only_rows = nullptr;
      if (spatial == 2 && !last && !tables[0].gapless) {
        needed_rows(tables[0], begin, end, span[0], scratch.rows, scratch.marks);
        if (static_cast<std::int64_t>(scratch.rows.size()) < current.extent[1]) only_rows = &scratch.rows;
      }
      resample_rows(kernels, current, target, table, range, scratch, only_rows);
    } else {
      resample_lines(kernels, current, target, table, axis, range);
    }
    current = box<const T>{target.data, target.extent, target.stride};
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
