// SPDX-License-Identifier: MIT
// The W pass of planar rows as whole-register work: for a block of `lanes` consecutive
// outputs, tap j of every output lies within 2 * lanes consecutive inputs, so one or two
// unaligned loads and a lane permutation bring x[index_j(o)] for all of them into one register,
// which is multiplied by the block's tap-j weights and added in tap order. Each output lane sees
// exactly the scalar sequence acc = x0*w0; acc += x1*w1; ..., so the results are bit-identical;
// only the data movement changes (no transposes, no per-element gathers).
//
// This file builds the per-block tables once per plan. Tables that do not fit (a tap spreading
// over more than 2 * lanes inputs, as strong downscaling does, or rows too short to load from)
// are not built and the W pass uses the packed-rows path instead.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace resample::detail {

template <class T>
struct permuted_taps {
  /// Outputs per block: one 256-bit register of T.
  static constexpr int lanes = static_cast<int>(32 / sizeof(T));
  /// Blocks of `lanes` outputs covered, from output 0; 0 when the table was not built. The
  /// remaining outputs (fewer than `lanes`) go through the scalar row.
  std::int64_t blocks = 0;
  int width = 0;
  /// Some tap spreads over more than `lanes` inputs: a second load covers the next `lanes`.
  bool two_loads = false;
  /// Every block's taps together lie within `lanes` inputs: one load per block serves them all
  /// (every tap of a block has the same base).
  bool shared = false;
  /// Every output of every block uses all `width` taps (no masking needed).
  bool full = true;
  /// Per (block, tap): the first source index loaded.
  std::vector<std::int64_t> base;
  /// Per (block, tap): 8 int32 permutation controls for a 256-bit float permute (for double,
  /// lane p becomes the pair 2p, 2p + 1), taken from the first load.
  std::vector<std::int32_t> control;
  /// Per (block, tap), with two_loads: 8 int32 masks, all ones where the lane comes from the second load.
  std::vector<std::int32_t> from_second;
  /// Per (block, tap), unless full: 8 int32 masks, all ones where the output uses the tap.
  std::vector<std::int32_t> active;
  /// Per (block, tap): `lanes` weights, zero where the output does not use the tap.
  std::vector<T> weight;
  /// Blocks [periodic_begin, periodic_end) repeat block periodic_begin's controls, masks and
  /// weights, each loading `period_shift` inputs further on than the one before (upscaling by an
  /// integer factor): the kernel keeps them in registers. Empty when no long run repeats.
  std::int64_t periodic_begin = 0;
  std::int64_t periodic_end = 0;
  std::int64_t period_shift = 0;
};

/// Finds the longest run of blocks in which each block repeats its predecessor shifted by the
/// same number of inputs (see permuted_taps::periodic_begin).
template <class T>
void find_period(permuted_taps<T>& p) {
  constexpr int lanes = permuted_taps<T>::lanes;
  constexpr std::int64_t shortest = 4;   // shorter runs are not worth the registers
  constexpr int most_taps = 8;           // the kernel's register copies
  if (p.width > most_taps) return;
  const auto width = static_cast<std::size_t>(p.width);
  const auto repeats = [&](std::int64_t b, std::int64_t shift) {
    const std::size_t at = static_cast<std::size_t>(b) * width, before = at - width;
    for (std::size_t j = 0; j < width; ++j) {
      if (p.base[at + j] - p.base[before + j] != shift) return false;
    }
    const auto same = [&](const auto& v, std::size_t per_slot) {
      return std::equal(v.begin() + at * per_slot, v.begin() + (at + width) * per_slot, v.begin() + before * per_slot);
    };
    return same(p.control, 8) && same(p.from_second, 8) && same(p.active, 8) && same(p.weight, lanes);
  };
  for (std::int64_t b = 1; b < p.blocks;) {
    const std::int64_t shift = p.base[static_cast<std::size_t>(b) * width] - p.base[static_cast<std::size_t>(b - 1) * width];
    std::int64_t end = b;
    while (end < p.blocks && repeats(end, shift)) ++end;
    if (end - (b - 1) >= shortest && end - (b - 1) > p.periodic_end - p.periodic_begin) {
      p.periodic_begin = b - 1;
      p.periodic_end = end;
      p.period_shift = shift;
    }
    b = end + 1;
  }
}

/// Builds the block tables of an axis with `out` outputs over `in` inputs, output o reading
/// `count[o]` taps `index[o*width + j]` with weights `weight[o*width + j]`.
template <class T>
permuted_taps<T> permute_taps(std::int64_t in, std::int64_t out, int width, const std::int64_t* index,
                              const T* weight, const int* count) {
  constexpr int lanes = permuted_taps<T>::lanes;
  constexpr int words = 8 / lanes;  // int32 permutation words per lane of T
  permuted_taps<T> p;
  const std::int64_t blocks = out / lanes;
  if (blocks == 0 || in < 2 * lanes || width < 1) return p;
  for (std::int64_t o = 0; o < blocks * lanes; ++o) {
    if (count[o] < 1) return p;
  }
  // The lowest and highest source index of each (block, tap), unused taps aside.
  std::vector<std::int64_t> low(static_cast<std::size_t>(blocks * width)), high(low.size());
  p.shared = true;
  for (std::int64_t b = 0; b < blocks; ++b) {
    std::int64_t block_low = in, block_high = -1;
    for (int j = 0; j < width; ++j) {
      const std::size_t slot = static_cast<std::size_t>(b * width + j);
      low[slot] = in;
      high[slot] = -1;
      for (int l = 0; l < lanes; ++l) {
        const std::int64_t o = b * lanes + l;
        if (j >= count[o]) continue;
        low[slot] = std::min(low[slot], index[o * width + j]);
        high[slot] = std::max(high[slot], index[o * width + j]);
      }
      if (high[slot] < 0) {
        low[slot] = high[slot] = 0;  // no output of the block uses the tap
        continue;
      }
      if (high[slot] - low[slot] >= 2 * lanes) return p;
      p.two_loads = p.two_loads || high[slot] - low[slot] >= lanes;
      block_low = std::min(block_low, low[slot]);
      block_high = std::max(block_high, high[slot]);
    }
    p.shared = p.shared && block_high - block_low < lanes;
    if (p.shared) std::fill(low.begin() + b * width, low.begin() + (b + 1) * width, block_low);
  }
  if (p.shared) p.two_loads = false;
  const std::int64_t loaded = p.two_loads ? 2 * lanes : lanes;
  p.width = width;
  p.base.resize(low.size());
  p.control.resize(low.size() * 8);
  p.from_second.resize(low.size() * 8);
  p.active.resize(low.size() * 8);
  p.weight.resize(low.size() * lanes);
  for (std::int64_t b = 0; b < blocks; ++b) {
    for (int j = 0; j < width; ++j) {
      const std::size_t slot = static_cast<std::size_t>(b * width + j);
      // Load from the lowest index, moved back where needed so that the loads stay in the row.
      const std::int64_t start = std::min(low[slot], in - loaded);
      p.base[slot] = start;
      for (int l = 0; l < lanes; ++l) {
        const std::int64_t o = b * lanes + l;
        const bool used = j < count[o];
        const auto offset = static_cast<std::int32_t>(used ? index[o * width + j] - start : 0);
        for (int w = 0; w < words; ++w) {
          const std::size_t word = slot * 8 + static_cast<std::size_t>(l * words + w);
          p.control[word] = (offset % lanes) * words + w;
          p.from_second[word] = offset >= lanes ? -1 : 0;
          p.active[word] = used ? -1 : 0;
        }
        p.weight[slot * lanes + static_cast<std::size_t>(l)] = used ? weight[o * width + j] : T(0);
        p.full = p.full && used;
      }
    }
  }
  p.blocks = blocks;
  find_period(p);
  return p;
}

}  // namespace resample::detail
