// SPDX-License-Identifier: MIT
// The fast backward: grad_input row by row, each element summing its terms in ATen's scatter
// order, so the result is ATen's bits (backward_gather.hpp lists the per-mode terms), with the
// work arranged so that the inner loops are contiguous vector loads and registers hold the sums.
//
// A grad_input row (fixed plane, id, ih) receives contributions from a few grad_output rows, its
// "groups": the output rows (od, oh) whose taps reach it, ascending, each with its row weights
// (wd * wh per tap pair for the linear family, wh per tap for bicubic). Within a row, input
// column iw receives the output columns whose W taps reach it, ascending: its "slots".
//
// - Rows along W (any positive W stride; NCHW): the W axis is cut into segments. Slot k of
//   column iw is its k-th W tap (outputs ascending, then tap order). For each segment and slot,
//   a slot array E_k[iw] = g[ow_k(iw)] is made once per grad_output row and cached while the
//   input rows that need it are computed; slot weights W_k[iw] are per-plan arrays. A row is
//   then out[iw] = sum over groups, slots and row weights of term(E_k[iw], W_k[iw]), a few
//   vectors of columns at a time, accumulated in registers. Slot arrays of an affine piece
//   (ow_k = iw + c: same size) point into the gradient row; stride 2 (x2 upsampling) is a
//   deinterleave shared by slots of one parity; factor-2 downsampling interleaves with zeros;
//   other ratios use a masked vector gather. Where one output reaches a column through two
//   clamped taps, ATen's linear order puts the row weights outside the column taps, so rows
//   with several row weights run the single-lane channel loop below on such segments.
// - Rows along C (channels-last with at least 8 channels): every lane is a channel; the same
//   loops run per (iw, channel vector) with broadcast weights.
// - Anything else (negative W strides): the scalar gather of backward_gather.hpp.
//
// Work is split over (plane or batch element, range of rows); a row's arithmetic does not
// depend on the split, the cache or the instruction set, so all give the same bits.
#pragma once

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstring>
#include <vector>

#include "backward_gather.hpp"
#include "backward_kernels.hpp"
#include "backward_tables.hpp"
#include "config.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// The groups of every grad_input row (id, ih), flattened as id * in_h + ih.
template <class T>
struct row_groups {
  std::vector<std::int64_t> begin{0};   // per row, into the per-group arrays
  std::vector<std::int64_t> out_d, out_h;
  std::vector<std::int64_t> weight_begin{0};
  std::vector<int> count;               // row weights per group
  std::vector<T> weight;
  std::vector<T> area_d, area_h;        // area divisors per group
  int widest = 0;                       // most groups of one row
  int widest_d = 1, widest_h = 1;       // most groups of one input index per axis
  std::vector<char> several;            // per row: some group has several row weights
};

/// Row weights per rule: linear wd * wh for every (td, th) tap pair, bicubic wh per tap (its D
/// axis is absent), nearest and area a single placeholder (area keeps its divisors apart).
template <class T>
row_groups<T> build_row_groups(backward_rule rule, const backward_axis<T>& ad, const backward_axis<T>& ah) {
  row_groups<T> t;
  for (std::int64_t i = 0; i < ad.in; ++i)
    t.widest_d = std::max(t.widest_d, static_cast<int>(ad.group_begin[i + 1] - ad.group_begin[i]));
  for (std::int64_t i = 0; i < ah.in; ++i)
    t.widest_h = std::max(t.widest_h, static_cast<int>(ah.group_begin[i + 1] - ah.group_begin[i]));
  for (std::int64_t id = 0; id < ad.in; ++id) {
    for (std::int64_t ih = 0; ih < ah.in; ++ih) {
      int groups = 0;
      for (std::int64_t gd = ad.group_begin[id]; gd < ad.group_begin[id + 1]; ++gd) {
        for (std::int64_t gh = ah.group_begin[ih]; gh < ah.group_begin[ih + 1]; ++gh) {
          ++groups;
          t.out_d.push_back(ad.group_output[gd]);
          t.out_h.push_back(ah.group_output[gh]);
          t.area_d.push_back(ad.weight[ad.tap_begin[gd]]);
          t.area_h.push_back(ah.weight[ah.tap_begin[gh]]);
          int n = 0;
          if (rule == backward_rule::linear || rule == backward_rule::antialias) {
            for (std::int64_t td = ad.tap_begin[gd]; td < ad.tap_begin[gd + 1]; ++td) {
              for (std::int64_t th = ah.tap_begin[gh]; th < ah.tap_begin[gh + 1]; ++th) {
                t.weight.push_back(ad.weight[td] * ah.weight[th]);
                ++n;
              }
            }
          } else if (rule == backward_rule::cubic) {
            for (std::int64_t th = ah.tap_begin[gh]; th < ah.tap_begin[gh + 1]; ++th) {
              t.weight.push_back(ah.weight[th]);
              ++n;
            }
          } else {
            t.weight.push_back(T(1));
            n = 1;
          }
          t.count.push_back(n);
          t.weight_begin.push_back(t.weight_begin.back() + n);
        }
      }
      t.widest = std::max(t.widest, groups);
      t.begin.push_back(t.begin.back() + groups);
      bool several = false;
      for (std::int64_t g = t.begin[t.begin.size() - 2]; g < t.begin.back(); ++g) several = several || t.count[g] > 1;
      t.several.push_back(several ? 1 : 0);
    }
  }
  return t;
}

/// Input columns [lo, hi) of the W axis as slot arrays. Slot k of column iw is its k-th W tap
/// (outputs ascending, then the forward's tap order); columns with fewer than `slots` taps are
/// padded with index -1 and weight 0, which add +0 and change nothing.
template <class T>
struct column_segment {
  enum kind_t { gathered = 0, direct = 1, evens = 2, spread = 3 };
  std::int64_t lo = 0, hi = 0;
  int slots = 0;
  kind_t kind = gathered;             // direct, evens: ow_k(iw) = stride * iw + offset[k];
                                      // spread: one slot every other column, offset[0] the first
  std::vector<std::int64_t> offset;
  std::vector<std::int64_t> index;    // [k * (hi - lo) + iw - lo], -1 for padding
  std::vector<std::int32_t> index32;  // the same, for vector gathers (empty past 2^31 columns)
  // Per slot and block of 32 bytes of columns: where one vector load covers the block's
  // indices, its start (else -1), and the lanes' positions in it (two 32-bit halves per double).
  std::vector<std::int32_t> block_base;
  std::vector<std::int32_t> block_permute;
  std::int64_t blocks = 0;
  std::vector<T> weight;              // [k * (hi - lo) + iw - lo]
  // evens: slot k reads the deinterleaved array P[m] = g[2m + parity[k]] at x + shift[k]
  // (x = iw - lo), so slots two output columns apart share one array.
  std::vector<int> parity;
  std::vector<std::int64_t> shift;
  std::array<std::int64_t, 2> first{0, 0}, length{0, 0};
  bool constant = false;              // every slot's weight is the same in all columns
  // Some output reaches some column through two taps (a clamped border). Slots are taps, which
  // is ATen's order unless a linear row weight list has several entries (then its taps of one
  // output come row weight first): such rows take the single-lane loop on this segment.
  bool repeated = false;
  std::int64_t values_at = 0;         // where the segment's cached values start in an entry
  int slots_at = 0;                   // where its slot pointers start in an entry
  std::int64_t values() const {
    return (kind == gathered || kind == spread ? slots * (hi - lo) : 0) + length[0] + length[1];
  }
};

/// The W axis as segments covering every column.
template <class T>
struct column_slots {
  std::vector<column_segment<T>> segments;
  std::vector<T> divisor;                           // area: per output column, its W window extent
  std::int64_t values = 0;                          // per cache entry
  int slots = 0;                                    // per cache entry
};

/// The taps of each input column in order (output ascending, then the forward's tap order),
/// flattened over groups: slot k of column iw is tap taps(iw)[k].
template <class T>
struct column_taps {
  const backward_axis<T>& axis;
  std::vector<std::int64_t> output;  // per tap
  explicit column_taps(const backward_axis<T>& a) : axis(a), output(static_cast<std::size_t>(a.tap_begin.back())) {
    for (std::int64_t g = 0; g < a.group_begin[a.in]; ++g)
      for (std::int64_t t = a.tap_begin[g]; t < a.tap_begin[g + 1]; ++t) output[static_cast<std::size_t>(t)] = a.group_output[g];
  }
  std::int64_t first(std::int64_t iw) const { return axis.tap_begin[axis.group_begin[iw]]; }
  std::int64_t count(std::int64_t iw) const { return axis.tap_begin[axis.group_begin[iw + 1]] - first(iw); }
  std::int64_t out(std::int64_t iw, std::int64_t k) const { return output[static_cast<std::size_t>(first(iw) + k)]; }
  T weight(std::int64_t iw, std::int64_t k) const { return axis.weight[first(iw) + k]; }
  bool repeated(std::int64_t iw) const { return count(iw) != axis.group_begin[iw + 1] - axis.group_begin[iw]; }
};

template <class T>
column_segment<T> make_segment(const column_taps<T>& taps, std::int64_t a, std::int64_t b, int stride) {
  column_segment<T> s;
  auto count = [&](std::int64_t iw) { return taps.count(iw); };
  std::int64_t widest = 0;
  for (std::int64_t iw = a; iw < b; ++iw) {
    widest = std::max(widest, count(iw));
    s.repeated = s.repeated || taps.repeated(iw);
  }
  s.lo = a;
  s.hi = b;
  s.slots = static_cast<int>(std::max<std::int64_t>(widest, 1));  // columns nobody reads: one zero slot
  const std::int64_t n = b - a;
  s.index.assign(static_cast<std::size_t>(s.slots * n), -1);
  s.weight.assign(static_cast<std::size_t>(s.slots * n), T(0));
  for (std::int64_t iw = a; iw < b; ++iw) {
    for (std::int64_t k = 0; k < count(iw); ++k) {
      s.index[static_cast<std::size_t>(k * n + iw - a)] = taps.out(iw, k);
      s.weight[static_cast<std::size_t>(k * n + iw - a)] = taps.weight(iw, k);
    }
  }
  if (taps.axis.out <= INT32_MAX) {
    s.index32.assign(s.index.begin(), s.index.end());
    constexpr std::int64_t lanes = 32 / sizeof(T);
    constexpr std::int64_t halves = sizeof(T) / 4;
    const std::int64_t out = taps.axis.out;
    s.blocks = n / lanes;
    s.block_base.assign(static_cast<std::size_t>(s.slots * s.blocks), -1);
    s.block_permute.assign(static_cast<std::size_t>(s.slots * n * halves), 0);
    for (int k = 0; k < s.slots; ++k) {
      for (std::int64_t block = 0; block < s.blocks; ++block) {
        const std::int32_t* idx = s.index32.data() + k * n + block * lanes;
        std::int64_t low = out, high = -1;
        for (std::int64_t l = 0; l < lanes; ++l) {
          if (idx[l] < 0) continue;
          low = std::min<std::int64_t>(low, idx[l]);
          high = std::max<std::int64_t>(high, idx[l]);
        }
        if (high < 0) low = high = 0;
        const std::int64_t start = std::min(low, out - lanes);  // the load stays inside the row
        if (start < 0 || high - start >= lanes) continue;
        s.block_base[static_cast<std::size_t>(k * s.blocks + block)] = static_cast<std::int32_t>(start);
        for (std::int64_t l = 0; l < lanes; ++l) {
          const std::int64_t r = idx[l] >= 0 ? idx[l] - start : 0;
          for (std::int64_t h = 0; h < halves; ++h)
            s.block_permute[static_cast<std::size_t>((k * n + block * lanes + l) * halves + h)] =
                static_cast<std::int32_t>(r * halves + h);
        }
      }
    }
  }
  s.constant = true;
  for (int k = 0; k < s.slots; ++k)
    for (std::int64_t x = 1; x < n; ++x)
      s.constant = s.constant && std::memcmp(&s.weight[static_cast<std::size_t>(k * n + x)],
                                             &s.weight[static_cast<std::size_t>(k * n)], sizeof(T)) == 0;
  if (stride == 0) return s;
  if (stride < 0) {
    s.kind = column_segment<T>::spread;
    const int parity = s.index[0] >= 0 ? 0 : 1;
    s.parity.push_back(parity);
    s.offset.push_back(s.index[static_cast<std::size_t>(parity)]);
    return s;
  }
  s.kind = stride == 1 ? column_segment<T>::direct : column_segment<T>::evens;
  for (int k = 0; k < s.slots; ++k) s.offset.push_back(s.index[static_cast<std::size_t>(k * n)] - stride * a);
  if (stride == 2) {
    std::array<std::int64_t, 2> low{0, 0}, high{0, 0};
    std::array<bool, 2> used{false, false};
    for (int k = 0; k < s.slots; ++k) {
      const std::int64_t c = s.offset[static_cast<std::size_t>(k)];
      const int q = static_cast<int>(((c % 2) + 2) % 2);
      const std::int64_t d = (c - q) / 2;
      s.parity.push_back(q);
      low[q] = used[q] ? std::min(low[q], d) : d;
      high[q] = used[q] ? std::max(high[q], d) : d;
      used[q] = true;
    }
    for (int q = 0; q < 2; ++q) {
      if (!used[q]) continue;
      s.first[q] = a + low[q];
      s.length[q] = n + high[q] - low[q];
    }
    for (int k = 0; k < s.slots; ++k) {
      const std::int64_t c = s.offset[static_cast<std::size_t>(k)];
      const int q = s.parity[static_cast<std::size_t>(k)];
      s.shift.push_back(a + (c - q) / 2 - s.first[q]);
    }
  }
  return s;
}

template <class T>
column_slots<T> build_column_slots(const backward_axis<T>& aw, std::int64_t out_w) {
  column_slots<T> cs;
  const std::int64_t in = aw.in;
  cs.divisor.assign(static_cast<std::size_t>(out_w), T(1));
  for (std::int64_t g = 0; g < aw.group_begin[in]; ++g) cs.divisor[aw.group_output[g]] = aw.weight[aw.tap_begin[g]];
  const column_taps<T> taps(aw);
  auto count = [&](std::int64_t iw) { return taps.count(iw); };
  auto out_of = [&](std::int64_t iw, std::int64_t k) { return taps.out(iw, k); };
  const std::int64_t a = 0, b = in;
  // Affine pieces, ow_k(iw) = stride * iw + offset_k with stride 1 or 2, need no index table
  // (align_corners and other near-rational ratios give several); the columns between them
  // are gathered.
  std::vector<std::array<std::int64_t, 3>> pieces;  // lo, hi, stride (0: gathered)
  std::int64_t gathered_from = a;
  for (std::int64_t p = a; p < b;) {
    const std::int64_t k0 = count(p);
    std::int64_t q = p + 1;
    const std::int64_t stride = p + 1 < b && k0 > 0 && count(p + 1) == k0 ? out_of(p + 1, 0) - out_of(p, 0) : 0;
    if ((stride == 1 || stride == 2)) {
      auto fits = [&](std::int64_t iw) {
        if (count(iw) != k0) return false;
        for (std::int64_t k = 0; k < k0; ++k)
          if (out_of(iw, k) != out_of(p, k) + stride * (iw - p)) return false;
        return true;
      };
      while (q < b && fits(q)) ++q;
    }
    if ((stride == 1 || stride == 2) && q - p >= 16) {
      if (gathered_from < p) pieces.push_back({gathered_from, p, 0});
      pieces.push_back({p, q, stride});
      gathered_from = p = q;
      continue;
    }
    // Factor-2 downsampling: one output column every other input column.
    if (p + 1 < b && count(p) + count(p + 1) == 1 && count(p) <= 1) {
      const std::int64_t first = count(p) == 1 ? p : p + 1;
      const std::int64_t ow0 = out_of(first, 0);
      auto fits = [&](std::int64_t iw) {
        const bool used = (iw - first) % 2 == 0;
        return count(iw) == (used ? 1 : 0) && (!used || out_of(iw, 0) == ow0 + (iw - first) / 2);
      };
      q = p;
      while (q < b && fits(q)) ++q;
      if (q - p >= 16) {
        if (gathered_from < p) pieces.push_back({gathered_from, p, 0});
        pieces.push_back({p, q, -1});
        gathered_from = p = q;
        continue;
      }
    }
    ++p;
  }
  if (gathered_from < b) pieces.push_back({gathered_from, b, 0});
  for (const auto& piece : pieces) cs.segments.push_back(make_segment(taps, piece[0], piece[1], static_cast<int>(piece[2])));
  for (column_segment<T>& seg : cs.segments) {
    seg.values_at = cs.values;
    seg.slots_at = cs.slots;
    cs.values += seg.values();
    cs.slots += seg.slots;
  }
  return cs;
}

/// Per-thread buffers, reused across calls.
template <class T>
struct backward_scratch {
  std::vector<std::int64_t> tags;      // the grad_output row (od * out_h + oh) each cache entry holds
  std::vector<T> values;               // entries x column_slots::values
  std::vector<T> divided;              // entries x out_w (area)
  std::vector<const T*> entry_slots;   // entries x slots (all segments')
  std::vector<const T* const*> row_slots;  // the cached slot pointers of each group of the current row
  std::vector<const T*> weights;       // slots
  std::vector<T> row;                  // a grad_input row when it is not unit-stride
  std::vector<std::int64_t> offsets;
};

template <class T>
backward_scratch<T>& thread_backward_scratch() {
  thread_local backward_scratch<T> s;
  return s;
}

/// Everything a plan holds for the fast paths.
template <class T>
struct backward_layout {
  backward_rule rule = backward_rule::sum;
  std::array<backward_axis<T>, 3> axes;  // D, H, W
  row_groups<T> rows;
  column_slots<T> columns;
  T count = T(1);
  bool rows_fit = false;     // the W-row path's per-thread cache fits its budget
  bool cache_all_h = false;  // with a D axis, keep every H row of the last few od

  /// Builds the tables of every rule but mean and copy, which take the scalar gather.
  void build() {
    rows = build_row_groups(rule, axes[0], axes[1]);
    columns = build_column_slots(axes[2], axes[2].out);
    // Per-thread cache: entries x (slot arrays + a row for area or strided gradients). Extreme
    // upsampling (hundreds of outputs per input on both axes) would need more; it gathers.
    const double entry = static_cast<double>(columns.values + axes[2].out) * sizeof(T);
    const double widest = static_cast<double>(rows.widest_d) * rows.widest_h;
    constexpr double budget = 64.0 * 1024 * 1024;
    rows_fit = widest * entry <= budget;
    cache_all_h = axes[0].in > 1 && static_cast<double>(rows.widest_d) * static_cast<double>(axes[1].out) * entry <= budget / 8;
  }
};

/// One plane (W-contiguous path) or one batch element (channels-last path) of a call.
template <class T>
struct backward_call {
  const T* go = nullptr;
  T* gi = nullptr;
  std::array<std::int64_t, 3> go_stride{0, 0, 0};  // D, H, W
  std::array<std::int64_t, 3> gi_stride{0, 0, 0};
};

/// accumulate_row's term for a rule (area's divisions are done while caching a row).
inline int backward_term(backward_rule rule) {
  switch (rule) {
    case backward_rule::linear:
    case backward_rule::antialias: return 1;
    case backward_rule::cubic: return 2;
    default: return 0;
  }
}

/// cl_row's rule index.
inline int backward_cl_rule(backward_rule rule) {
  switch (rule) {
    case backward_rule::linear:
    case backward_rule::antialias: return 1;
    case backward_rule::cubic: return 2;
    case backward_rule::area: return 3;
    default: return 0;
  }
}

/// The arguments of cl_row / cl_columns for grad_input row r; offsets go to s.offsets.
template <class T>
cl_row_args<T> row_args(const backward_layout<T>& L, const backward_call<T>& c, std::int64_t r,
                        std::vector<std::int64_t>& offsets) {
  const row_groups<T>& rg = L.rows;
  const std::int64_t g0 = rg.begin[r], g1 = rg.begin[r + 1];
  offsets.resize(static_cast<std::size_t>(g1 - g0));
  for (std::int64_t g = g0; g < g1; ++g)
    offsets[static_cast<std::size_t>(g - g0)] = rg.out_d[g] * c.go_stride[0] + rg.out_h[g] * c.go_stride[1];
  cl_row_args<T> a;
  a.go = c.go;
  a.go_stride_w = c.go_stride[2];
  a.row_offsets = offsets.data();
  a.row_weights = rg.weight.data() + rg.weight_begin[g0];
  a.row_counts = rg.count.data() + g0;
  a.area_d = rg.area_d.data() + g0;
  a.area_h = rg.area_h.data() + g0;
  a.groups = static_cast<int>(g1 - g0);
  a.w = &L.axes[2];
  a.w_end = L.axes[2].in;
  a.channels = 1;
  return a;
}

/// Fills the slot arrays of grad_output row (od, oh), starting at `src` with W stride `step`,
/// into cache entry `e`.
template <class T>
void cache_row(const backward_layout<T>& L, const backward_kernel_set<T>& k, backward_scratch<T>& s, std::size_t e,
               const T* src, std::int64_t step, T kd, T kh) {
  const column_slots<T>& cs = L.columns;
  const std::int64_t out_w = L.axes[2].out;
  if (step != 1) {
    // A strided row (channels-last with few channels, or a padded W): gather it once.
    T* d = s.divided.data() + e * static_cast<std::size_t>(out_w);
    for (std::int64_t o = 0; o < out_w; ++o) d[o] = src[o * step];
    src = d;
  }
  if (L.rule == backward_rule::area) {
    T* d = s.divided.data() + e * static_cast<std::size_t>(out_w);
    k.divide_row(d, src, out_w, kd, kh, cs.divisor.data());
    src = d;
  }
  T* values = s.values.data() + e * static_cast<std::size_t>(cs.values);
  const T** slot = s.entry_slots.data() + e * static_cast<std::size_t>(cs.slots);
  for (const column_segment<T>& seg : cs.segments) {
    const std::int64_t n = seg.hi - seg.lo;
    T* data = values + seg.values_at;
    const T** seg_slot = slot + seg.slots_at;
    switch (seg.kind) {
      case column_segment<T>::direct:
        for (int j = 0; j < seg.slots; ++j) seg_slot[j] = src + seg.lo + seg.offset[static_cast<std::size_t>(j)];
        break;
      case column_segment<T>::evens: {
        T* parity_data[2] = {data, data + seg.length[0]};
        for (int q = 0; q < 2; ++q) {
          if (seg.length[q] == 0) continue;
          const std::int64_t first = 2 * seg.first[q] + q;
          k.gather_evens(parity_data[q], src + first, seg.length[q], out_w - first);
        }
        for (int j = 0; j < seg.slots; ++j) {
          seg_slot[j] = parity_data[seg.parity[static_cast<std::size_t>(j)]] + seg.shift[static_cast<std::size_t>(j)];
        }
        break;
      }
      case column_segment<T>::spread:
        k.spread_row(data, src + seg.offset[0], n, seg.parity[0]);
        seg_slot[0] = data;
        break;
      default:
        for (int j = 0; j < seg.slots; ++j) {
          T* dst = data + j * n;
          if (!seg.index32.empty()) {
            k.gather_slot(dst, src, seg.index32.data() + j * n, seg.block_base.data() + j * seg.blocks,
                          seg.block_permute.data() + j * n * static_cast<std::int64_t>(sizeof(T) / 4), n);
          } else {
            const std::int64_t* idx = seg.index.data() + j * n;
            for (std::int64_t x = 0; x < n; ++x) dst[x] = idx[x] >= 0 ? src[idx[x]] : T(0);
          }
          seg_slot[j] = dst;
        }
    }
  }
}

/// grad_input rows [r0, r1) of one plane, vectorised along W.
template <class T>
void rows_along_w(const backward_layout<T>& L, const backward_kernel_set<T>& k, const backward_call<T>& c,
                  std::int64_t r0, std::int64_t r1) {
  const column_slots<T>& cs = L.columns;
  const row_groups<T>& rg = L.rows;
  const std::int64_t in_h = L.axes[1].in, in_w = L.axes[2].in, out_h = L.axes[1].out, out_w = L.axes[2].out;
  const bool vector = !cs.segments.empty();
  backward_scratch<T>& s = thread_backward_scratch<T>();
  // Direct-mapped: the output rows of one input row have distinct (od mod widest_d, oh mod
  // widest_h), and consecutive input rows share most of theirs.
  // With a D axis, every H row of the last few od is kept, so moving to the next id reuses them.
  const std::size_t ways_h = L.cache_all_h ? static_cast<std::size_t>(out_h) : static_cast<std::size_t>(rg.widest_h);
  const std::size_t capacity = static_cast<std::size_t>(rg.widest_d) * ways_h;
  if (vector) {
    s.tags.assign(capacity, -1);
    s.values.resize(capacity * static_cast<std::size_t>(cs.values));
    if (L.rule == backward_rule::area || c.go_stride[2] != 1) s.divided.resize(capacity * static_cast<std::size_t>(out_w));
    s.entry_slots.resize(capacity * static_cast<std::size_t>(cs.slots));
    s.row_slots.resize(static_cast<std::size_t>(std::max(rg.widest, 1)));
    s.weights.resize(static_cast<std::size_t>(cs.slots));
    for (const column_segment<T>& seg : cs.segments)
      for (int j = 0; j < seg.slots; ++j)
        s.weights[static_cast<std::size_t>(seg.slots_at + j)] = seg.weight.data() + j * (seg.hi - seg.lo);
  }
  if (c.gi_stride[2] != 1) s.row.resize(static_cast<std::size_t>(in_w));
  const int term = backward_term(L.rule);
  const int cl_rule = backward_cl_rule(L.rule);

  for (std::int64_t r = r0; r < r1; ++r) {
    const std::int64_t id = r / in_h, ih = r % in_h;
    T* gi_row = c.gi + id * c.gi_stride[0] + ih * c.gi_stride[1];
    const std::int64_t g0 = rg.begin[r], g1 = rg.begin[r + 1];
    const int groups = static_cast<int>(g1 - g0);
    if (vector) {
      for (int g = 0; g < groups; ++g) {
        const std::int64_t od = rg.out_d[g0 + g], oh = rg.out_h[g0 + g];
        const std::int64_t tag = od * out_h + oh;
        const std::size_t e = static_cast<std::size_t>(od % rg.widest_d) * ways_h + static_cast<std::size_t>(oh) % ways_h;
        if (s.tags[e] != tag) {
          s.tags[e] = tag;
          cache_row(L, k, s, e, c.go + od * c.go_stride[0] + oh * c.go_stride[1], c.go_stride[2], rg.area_d[g0 + g],
                    rg.area_h[g0 + g]);
        }
        s.row_slots[static_cast<std::size_t>(g)] = s.entry_slots.data() + e * static_cast<std::size_t>(cs.slots);
      }
      T* out = c.gi_stride[2] == 1 ? gi_row : s.row.data();
      const bool in_order = term != 1 || !rg.several[static_cast<std::size_t>(r)];
      cl_row_args<T> args;
      bool have_args = false;
      for (const column_segment<T>& seg : cs.segments) {
        if (seg.repeated && !in_order) {
          if (!have_args) args = row_args(L, c, r, s.offsets);
          have_args = true;
          k.cl_columns[cl_rule](args, out, 1, seg.lo, seg.hi);
          continue;
        }
        k.accumulate[seg.constant && term != 0 ? term + 2 : term](
            out + seg.lo, seg.hi - seg.lo, groups, seg.slots, s.row_slots.data(), seg.slots_at,
            s.weights.data() + seg.slots_at, rg.weight.data() + rg.weight_begin[g0], rg.count.data() + g0);
      }
      if (c.gi_stride[2] != 1) {
        for (std::int64_t iw = 0; iw < in_w; ++iw) gi_row[iw * c.gi_stride[2]] = s.row[static_cast<std::size_t>(iw)];
      }
    } else {
      k.cl_columns[cl_rule](row_args(L, c, r, s.offsets), gi_row, c.gi_stride[2], 0, in_w);
    }
  }
}

/// grad_input rows [r0, r1) of one batch element of a grad_output whose channels are
/// unit-stride; `channels` values per column.
template <class T>
void rows_along_c(const backward_layout<T>& L, const backward_kernel_set<T>& k, const backward_call<T>& c,
                  std::int64_t channels, std::int64_t gi_stride_c, std::int64_t r0, std::int64_t r1) {
  const std::int64_t in_h = L.axes[1].in, in_w = L.axes[2].in;
  backward_scratch<T>& s = thread_backward_scratch<T>();
  if (gi_stride_c != 1) s.row.resize(static_cast<std::size_t>(in_w * channels));
  const int rule = backward_cl_rule(L.rule);
  for (std::int64_t r = r0; r < r1; ++r) {
    const std::int64_t id = r / in_h, ih = r % in_h;
    cl_row_args<T> a = row_args(L, c, r, s.offsets);
    a.channels = channels;
    T* gi_row = c.gi + id * c.gi_stride[0] + ih * c.gi_stride[1];
    if (gi_stride_c == 1) {
      k.cl_row[rule](a, gi_row, c.gi_stride[2]);
    } else {
      k.cl_row[rule](a, s.row.data(), channels);
      for (std::int64_t iw = 0; iw < in_w; ++iw)
        for (std::int64_t ch = 0; ch < channels; ++ch)
          gi_row[iw * c.gi_stride[2] + ch * gi_stride_c] = s.row[static_cast<std::size_t>(iw * channels + ch)];
    }
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
