// SPDX-License-Identifier: MIT
// nearest and nearest-exact: every output copies one input element; only the indices
// (axis_table.hpp) differ between the modes. No arithmetic touches the values.
//
// Output rows are made from their input row (a planar row in registers: by whole registers
// without index loads when the W indices keep, halve or double the width, else by lane
// permutations or one by one; packed channels as whole pixel vectors). Upscaling repeats input
// rows: a run of output rows that read the same input row is made from it while it is in
// cache. Outputs of packed channels larger than the caches are written with streaming stores,
// which save the read of every output cache line that an ordinary store first makes
// (write-allocate), most of the traffic of an upscale, and leave the caches to the input;
// planar rows measured faster with ordinary stores even then.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "box.hpp"
#include "permuted_taps.hpp"
#include "streaming_stores.hpp"
#include "transpose.hpp"

namespace resample::detail {

/// A W pass that copies whole blocks of a planar row by lane permutations (from the kernel set
/// of float or double), with the table it runs on.
template <class T>
struct permuted_gather {
  void (*copy)(const T*, T*, const permuted_taps<T>&, std::int64_t, std::int64_t) = nullptr;
  const permuted_taps<T>* table = nullptr;
};

/// The W indices of planar rows over outputs [begin, end), when they follow a rule that a
/// register copy can apply: out[w] = row[first + (w - begin) * step] with step 1 (a plain copy)
/// or 2 (halving), or out[w] = row[w / 2] (doubling).
struct index_rule {
  enum kind_type { none, copy, halve, twice } kind = none;
  std::int64_t first = 0;
};

inline index_rule find_index_rule(const std::vector<std::int64_t>& iw, std::int64_t begin, std::int64_t end) {
  index_rule rule;
  if (end - begin < 2) return rule;
  const std::int64_t step = iw[begin + 1] - iw[begin];
  bool regular = step == 1 || step == 2;
  for (std::int64_t w = begin + 2; regular && w < end; ++w) regular = iw[w] - iw[w - 1] == step;
  if (regular) return {step == 1 ? index_rule::copy : index_rule::halve, iw[begin]};
  for (std::int64_t w = begin; w < end; ++w) {
    if (iw[w] != w / 2) return rule;
  }
  rule.kind = index_rule::twice;
  return rule;
}

/// out[w] = row[iw[w]] for w in [begin, end) by `rule` (not none), with unit strides and
/// `row_extent` elements in the row.
template <class T>
void copy_by_rule(const T* row, std::int64_t row_extent, T* out, const index_rule& rule,
                  const std::vector<std::int64_t>& iw, std::int64_t begin, std::int64_t end) {
  if (rule.kind == index_rule::copy) {
    std::memcpy(out + begin, row + rule.first, static_cast<std::size_t>(end - begin) * sizeof(T));
    return;
  }
  std::int64_t w = begin;
#if defined(RESAMPLE_HAVE_SSE2)
  // Register shuffles move bits unchanged (signalling NaNs included), 4 or 8 bytes per element.
  if constexpr (sizeof(T) == 4 || sizeof(T) == 8) {
    constexpr std::int64_t lanes = 16 / sizeof(T);
    const auto load = [](const T* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    const auto store = [](T* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); };
    if (rule.kind == index_rule::halve) {
      // Each register pair reads one element past the last output's: stop inside the row.
      const T* x = row + rule.first;
      const std::int64_t whole = std::min(end - begin, (row_extent - rule.first) / 2) / lanes * lanes;
      for (; w < begin + whole; w += lanes, x += 2 * lanes) {
        const __m128i a = load(x), b = load(x + lanes);
        if constexpr (sizeof(T) == 4) {
          store(out + w, _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), 0x88)));
        } else {
          store(out + w, _mm_unpacklo_epi64(a, b));
        }
      }
    } else {
      if (w % 2 != 0) {
        out[w] = row[iw[w]];
        ++w;
      }
      for (; w + 2 * lanes <= end; w += 2 * lanes) {
        const __m128i a = load(row + w / 2);
        if constexpr (sizeof(T) == 4) {
          store(out + w, _mm_unpacklo_epi32(a, a));
          store(out + w + lanes, _mm_unpackhi_epi32(a, a));
        } else {
          store(out + w, _mm_unpacklo_epi64(a, a));
          store(out + w + lanes, _mm_unpackhi_epi64(a, a));
        }
      }
    }
  }
#endif
  for (; w < end; ++w) out[w] = row[iw[w]];
}

/// Outputs [w_begin, w_end) of output row `out` (W and K of one (d, h), with the strides of
/// `dst`) from input row `row`.
template <class T>
void gather_row(const T* row, T* out, const box<const T>& src, const box<T>& dst, const std::vector<std::int64_t>& iw,
                std::int64_t w_begin, std::int64_t w_end, const index_rule& rule, const permuted_gather<T>& permuted) {
  const std::int64_t sw = src.stride[2], dw = dst.stride[2];
  const std::int64_t channels = src.extent[3];
  if (channels == 1 && sw == 1 && dw == 1 && rule.kind != index_rule::none) {
    copy_by_rule(row, src.extent[2], out, rule, iw, w_begin, w_end);
  } else if (channels == 1 && sw == 1 && dw == 1) {
    // Whole blocks of the range by permutations, the outputs around them one by one.
    constexpr std::int64_t lanes = permuted_taps<T>::lanes;
    const std::int64_t first_block = (w_begin + lanes - 1) / lanes;
    const std::int64_t end_block = permuted.copy ? std::min(w_end / lanes, permuted.table->blocks) : 0;
    std::int64_t w = w_begin;
    if (first_block < end_block) {
      for (; w < first_block * lanes; ++w) out[w] = row[iw[w]];
      permuted.copy(row, out, *permuted.table, first_block, end_block);
      w = end_block * lanes;
    }
    for (; w < w_end; ++w) out[w] = row[iw[w]];
  } else if (channels == 1) {
    for (std::int64_t w = w_begin; w < w_end; ++w) out[w * dw] = row[iw[w] * sw];
  } else if (src.stride[3] == 1 && dst.stride[3] == 1) {
    for (std::int64_t w = w_begin; w < w_end; ++w)
      std::memcpy(out + w * dw, row + iw[w] * sw, static_cast<std::size_t>(channels) * sizeof(T));
  } else {
    for (std::int64_t w = w_begin; w < w_end; ++w)
      for (std::int64_t k = 0; k < channels; ++k) out[w * dw + k * dst.stride[3]] = row[iw[w] * sw + k * src.stride[3]];
  }
}

/// `indices[a]` maps output to input positions along box axis a (D, H, W). Only outputs whose
/// index along box axis `outer` lies in `outer_range` are written. Packed channels (K) are
/// copied as whole vectors. `stream` asks for streaming stores (execution::streaming_output_bytes).
template <class T>
void gather_box(const box<const T>& src, const box<T>& dst, const std::array<std::vector<std::int64_t>, 3>& indices,
                int outer, std::array<std::int64_t, 2> outer_range, const permuted_gather<T>& permuted = {},
                bool stream = false) {
  std::array<std::array<std::int64_t, 2>, 3> range{{{0, dst.extent[0]}, {0, dst.extent[1]}, {0, dst.extent[2]}}};
  range[outer] = outer_range;
  const std::vector<std::int64_t>& iw = indices[2];
  const std::int64_t channels = src.extent[3];
  const std::int64_t w_begin = range[2][0], w_end = range[2][1];
  const index_rule rule = channels == 1 ? find_index_rule(iw, w_begin, w_end) : index_rule{};
  // Output rows whose W and K form one contiguous run: `run_bytes` from element `first` on.
  const bool dense_out = (channels == 1 && dst.stride[2] == 1) || dst.dense_rows();
  const bool packed = channels > 1 && src.stride[3] == 1 && dense_out;
  const bool streamed = stream && packed;
  const std::int64_t first = w_begin * channels;
  const std::size_t run_bytes = static_cast<std::size_t>((w_end - w_begin) * channels) * sizeof(T);
  const std::size_t pixel_bytes = static_cast<std::size_t>(channels) * sizeof(T);
  for (std::int64_t d = range[0][0]; d < range[0][1]; ++d) {
    // Runs [h, h_end) of output rows that read the same input row.
    for (std::int64_t h = range[1][0], h_end = h; h < range[1][1]; h = h_end) {
      const T* row = src.at(indices[0][d], indices[1][h], 0);
      for (h_end = h + 1; h_end < range[1][1] && indices[1][h_end] == indices[1][h];) ++h_end;
      const auto target = [&](std::int64_t r) { return dst.at(d, r, 0); };
      if (streamed) {
        // Each pixel from the input, into every row of the run.
        for (std::int64_t w = w_begin; w < w_end; ++w) {
          const T* pixel = row + iw[w] * src.stride[2];
          for (std::int64_t r = h; r < h_end; ++r) stream_copy(target(r) + w * channels, pixel, pixel_bytes);
        }
      } else if (packed) {
        // Long rows of whole pixels: copy the row just made.
        gather_row(row, target(h), src, dst, iw, w_begin, w_end, rule, permuted);
        for (std::int64_t r = h + 1; r < h_end; ++r) std::memcpy(target(r) + first, target(h) + first, run_bytes);
      } else {
        // Planar rows are made again, from the input row in cache: cheaper than reading back
        // the stores just made, which a copy would do before they have settled.
        for (std::int64_t r = h; r < h_end; ++r) {
          gather_row(row, target(r), src, dst, iw, w_begin, w_end, rule, permuted);
        }
      }
    }
  }
  if (streamed) stream_fence();
}

}  // namespace resample::detail
