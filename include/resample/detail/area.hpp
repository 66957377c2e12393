// SPDX-License-Identifier: MIT
// mode='area', i.e. adaptive average pooling (ATen's adaptive_avg_pool{1,2,3}d, contiguous
// kernels): each output is the sequential sum of its window in (d, h, w) order, started from 0
// in T, divided by each window extent in turn. The sum is not separable bit for bit, so the
// window is summed directly. An output of one element per plane is ATen's `mean()` instead,
// whose cascade summation is reproduced by `cascade_mean`.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "axis_table.hpp"
#include "box.hpp"
#include "config.hpp"
#include "transpose.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// ATen's CeilLog2 for the cascade sum's level size.
inline std::int64_t cascade_ceil_log2(std::int64_t x) {
  if (x <= 2) return 1;
  std::int64_t bits = 0;
  for (std::uint64_t v = static_cast<std::uint64_t>(x - 1); v != 0; v >>= 1) ++bits;
  return bits;
}

/// ATen's multi_row_sum: `rows` rows of `Lanes` values (element (i, k) at load(i, k)) summed
/// column-wise through four levels of partial sums, which bounds rounding error growth.
template <class T, int Lanes, class Load>
std::array<T, Lanes> multi_row_sum(std::int64_t rows, Load load) {
  constexpr int levels = 4;
  const std::int64_t level_power = std::max<std::int64_t>(4, cascade_ceil_log2(rows) / levels);
  const std::int64_t level_step = std::int64_t(1) << level_power;
  const std::int64_t level_mask = level_step - 1;
  std::array<std::array<T, Lanes>, levels> acc{};
  std::int64_t i = 0;
  while (i + level_step <= rows) {
    for (std::int64_t j = 0; j < level_step; ++j, ++i) {
      for (int k = 0; k < Lanes; ++k) acc[0][k] += load(i, k);
    }
    for (int j = 1; j < levels; ++j) {
      for (int k = 0; k < Lanes; ++k) {
        acc[j][k] += acc[j - 1][k];
        acc[j - 1][k] = T(0);
      }
      if ((i & (level_mask << (j * level_power))) != 0) break;
    }
  }
  for (; i < rows; ++i) {
    for (int k = 0; k < Lanes; ++k) acc[0][k] += load(i, k);
  }
  for (int j = 1; j < levels; ++j) {
    for (int k = 0; k < Lanes; ++k) acc[0][k] += acc[j][k];
  }
  return acc[0];
}

/// ATen's row_sum: a row of `size` items (item i at load(i, lane)), viewed as rows of four,
/// reduced by multi_row_sum, the remainder added to the first partial, then the partials folded.
template <class T, int Lanes, class Load>
std::array<T, Lanes> row_sum(std::int64_t size, Load load) {
  constexpr int ilp = 4;
  const std::int64_t rows = size / ilp;
  std::array<std::array<T, Lanes>, ilp> partial{};
  // multi_row_sum over a (rows, ilp) matrix whose entries are Lanes-wide items.
  const auto sums = multi_row_sum<T, ilp * Lanes>(rows, [&](std::int64_t i, int k) {
    return load(i * ilp + k / Lanes, k % Lanes);
  });
  for (int p = 0; p < ilp; ++p)
    for (int l = 0; l < Lanes; ++l) partial[p][l] = sums[p * Lanes + l];
  for (std::int64_t i = rows * ilp; i < size; ++i) {
    for (int l = 0; l < Lanes; ++l) partial[0][l] += load(i, l);
  }
  for (int p = 1; p < ilp; ++p) {
    for (int l = 0; l < Lanes; ++l) partial[0][l] += partial[p][l];
  }
  return partial[0];
}

/// `input.mean()` over a contiguous run of n values, as ATen's CPU sum kernel reduces it
/// (vectors of 32 bytes, the scalar tail first, then the lanes in order) divided by n.
template <class T>
T cascade_mean(const T* x, std::int64_t n) {
  constexpr int lanes = static_cast<int>(32 / sizeof(T));
  T total = T(0);
  if (n >= lanes) {
    const std::int64_t vectors = n / lanes;
    const auto lane_sums = row_sum<T, lanes>(vectors, [&](std::int64_t v, int l) { return x[v * lanes + l]; });
    T tail = T(0);
    for (std::int64_t k = vectors * lanes; k < n; ++k) tail += x[k];
    for (int l = 0; l < lanes; ++l) tail += lane_sums[l];
    total = tail;
  } else {
    total = row_sum<T, 1>(n, [&](std::int64_t i, int) { return x[i]; })[0];
  }
  // The sum lands in a zero-filled output (`out += sum`), then div_(numel).
  total = T(0) + total;
  return total / static_cast<T>(n);
}

/// A window sum divided by each window extent in turn, as ATen divides: D, then H, then W.
/// adaptive_avg_pool1d runs the 2-D kernel with a height-1 window, a division by 1 that is exact.
template <class T>
T pool_divide(T sum, T kd, T kh, T kw, int spatial_rank) {
  if (spatial_rank == 3) sum = sum / kd;
  if (spatial_rank >= 2) sum = sum / kh;
  return sum / kw;
}

/// sums[i] += base[i*spacing + k] for k in [0, taps), i in [0, 8): eight window sums advanced
/// in named locals, which the compiler keeps in registers.
template <class T>
void add_evenly_spaced_taps(T* sums, const T* base, std::int64_t spacing, std::int64_t taps) {
#if defined(RESAMPLE_HAVE_SSE2)
  if constexpr (sizeof(T) == 4) {
    // Integer factors 2 and 4 (adjacent windows of 2 or 4): de-interleave the row in registers
    // so that each vector holds tap k of four outputs, then add the taps in order.
    if (spacing == taps && (taps == 2 || taps == 4)) {
      const float* x = reinterpret_cast<const float*>(base);
      float* out = reinterpret_cast<float*>(sums);
      for (int half = 0; half < 2; ++half, x += 4 * taps) {
        __m128 acc = _mm_loadu_ps(out + 4 * half);
        if (taps == 2) {
          const __m128 a = _mm_loadu_ps(x), b = _mm_loadu_ps(x + 4);
          acc = _mm_add_ps(acc, _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
          acc = _mm_add_ps(acc, _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        } else {
          __m128 a = _mm_loadu_ps(x), b = _mm_loadu_ps(x + 4), c = _mm_loadu_ps(x + 8), d = _mm_loadu_ps(x + 12);
          _MM_TRANSPOSE4_PS(a, b, c, d);
          acc = _mm_add_ps(_mm_add_ps(_mm_add_ps(_mm_add_ps(acc, a), b), c), d);
        }
        _mm_storeu_ps(out + 4 * half, acc);
      }
      return;
    }
  }
#endif
  T s0 = sums[0], s1 = sums[1], s2 = sums[2], s3 = sums[3], s4 = sums[4], s5 = sums[5], s6 = sums[6], s7 = sums[7];
  for (std::int64_t k = 0; k < taps; ++k) {
    const T* p = base + k;
    s0 += p[0];
    s1 += p[spacing];
    s2 += p[2 * spacing];
    s3 += p[3 * spacing];
    s4 += p[4 * spacing];
    s5 += p[5 * spacing];
    s6 += p[6 * spacing];
    s7 += p[7 * spacing];
  }
  sums[0] = s0, sums[1] = s1, sums[2] = s2, sums[3] = s3, sums[4] = s4, sums[5] = s5, sums[6] = s6, sums[7] = s7;
}

/// Planar pooling of the outputs in `range`. Outputs are taken in blocks whose window sums
/// advance together, one window tap at a time, in registers: the additions of different
/// outputs are independent (no serial dependency chain) while each output still adds its taps
/// in (d, h, w) order, as ATen does.
template <class T>
void area_planar(const box<const T>& src, const box<T>& dst, const std::array<area_windows, 3>& windows,
                 int spatial_rank, const std::array<std::array<std::int64_t, 2>, 3>& range) {
  constexpr std::int64_t block = 8;
  const std::int64_t sw = src.stride[2];
  // What a block of W outputs needs, worked out once for all its rows.
  struct block_shape {
    std::int64_t first, count, widest, narrowest, spacing;
    bool evenly_spaced;
  };
  std::vector<block_shape> blocks;
  for (std::int64_t w_first = range[2][0]; w_first < range[2][1]; w_first += block) {
    block_shape b{w_first, std::min(block, range[2][1] - w_first), 0, 0, 0, false};
    const std::int64_t* start = windows[2].start.data() + w_first;
    const std::int64_t* end = windows[2].end.data() + w_first;
    b.narrowest = end[0] - start[0];
    for (std::int64_t i = 0; i < b.count; ++i) {
      b.widest = std::max(b.widest, end[i] - start[i]);
      b.narrowest = std::min(b.narrowest, end[i] - start[i]);
    }
    // Integer factors give equally spaced windows: address taps as base + i * spacing.
    b.spacing = b.count > 1 ? start[1] - start[0] : 0;
    b.evenly_spaced = b.count == block && b.narrowest == b.widest && sw == 1;
    for (std::int64_t i = 1; b.evenly_spaced && i < b.count; ++i) b.evenly_spaced = start[i] - start[i - 1] == b.spacing;
    blocks.push_back(b);
  }
  for (std::int64_t od = range[0][0]; od < range[0][1]; ++od) {
    const std::int64_t d0 = windows[0].start[od], d1 = windows[0].end[od];
    for (std::int64_t oh = range[1][0]; oh < range[1][1]; ++oh) {
      const std::int64_t h0 = windows[1].start[oh], h1 = windows[1].end[oh];
      const T kd = static_cast<T>(d1 - d0), kh = static_cast<T>(h1 - h0);
      T* out = dst.at(od, oh, 0);
      for (const block_shape& b : blocks) {
        const std::int64_t* start = windows[2].start.data() + b.first;
        const std::int64_t* end = windows[2].end.data() + b.first;
        T sums[block] = {};
        for (std::int64_t d = d0; d < d1; ++d) {
          for (std::int64_t h = h0; h < h1; ++h) {
            const T* row = src.at(d, h, 0);
            if (b.evenly_spaced) {
              add_evenly_spaced_taps(sums, row + start[0], b.spacing, b.widest);
              continue;
            }
            for (std::int64_t k = 0; k < b.widest; ++k) {
              if (b.count == block && k < b.narrowest) {
                for (std::int64_t i = 0; i < block; ++i) sums[i] += row[(start[i] + k) * sw];
              } else {
                for (std::int64_t i = 0; i < b.count; ++i)
                  if (k < end[i] - start[i]) sums[i] += row[(start[i] + k) * sw];
              }
            }
          }
        }
        for (std::int64_t i = 0; i < b.count; ++i) {
          out[(b.first + i) * dst.stride[2]] =
              pool_divide(sums[i], kd, kh, static_cast<T>(end[i] - start[i]), spatial_rank);
        }
      }
    }
  }
}

/// Average pooling of one box over per-axis windows (D, H, W); only outputs whose index along
/// box axis `outer` lies in `outer_range` are written. Packed channels (K) are pooled side by
/// side, each with the same sequential sum.
template <class T>
void area_box(const box<const T>& src, const box<T>& dst, const std::array<area_windows, 3>& windows,
              int spatial_rank, int outer, std::array<std::int64_t, 2> outer_range, std::vector<T>& scratch) {
  const std::int64_t channels = src.extent[3];
  if (dst.extent[0] * dst.extent[1] * dst.extent[2] == 1) {
    const std::int64_t n = src.extent[0] * src.extent[1] * src.extent[2];
    scratch.resize(static_cast<std::size_t>(n));
    for (std::int64_t k = 0; k < channels; ++k) {
      std::int64_t i = 0;
      for (std::int64_t d = 0; d < src.extent[0]; ++d)
        for (std::int64_t h = 0; h < src.extent[1]; ++h)
          for (std::int64_t w = 0; w < src.extent[2]; ++w) scratch[i++] = src.at(d, h, w)[k * src.stride[3]];
      dst.at(0, 0, 0)[k * dst.stride[3]] = cascade_mean(scratch.data(), n);
    }
    return;
  }
  std::array<std::array<std::int64_t, 2>, 3> range{{{0, dst.extent[0]}, {0, dst.extent[1]}, {0, dst.extent[2]}}};
  range[outer] = outer_range;
  if (channels == 1) {
    area_planar(src, dst, windows, spatial_rank, range);
    return;
  }
  scratch.resize(static_cast<std::size_t>(channels));
  T* sum = scratch.data();
  const std::int64_t sk = src.stride[3], dk = dst.stride[3];
  for (std::int64_t od = range[0][0]; od < range[0][1]; ++od) {
    const std::int64_t d0 = windows[0].start[od], d1 = windows[0].end[od];
    for (std::int64_t oh = range[1][0]; oh < range[1][1]; ++oh) {
      const std::int64_t h0 = windows[1].start[oh], h1 = windows[1].end[oh];
      for (std::int64_t ow = range[2][0]; ow < range[2][1]; ++ow) {
        const std::int64_t w0 = windows[2].start[ow], w1 = windows[2].end[ow];
        const T kd = static_cast<T>(d1 - d0), kh = static_cast<T>(h1 - h0), kw = static_cast<T>(w1 - w0);
        T* out = dst.at(od, oh, ow);
        for (std::int64_t k = 0; k < channels; ++k) sum[k] = T(0);
        for (std::int64_t d = d0; d < d1; ++d)
          for (std::int64_t h = h0; h < h1; ++h)
            for (std::int64_t w = w0; w < w1; ++w) {
              const T* pixel = src.at(d, h, w);
              for (std::int64_t k = 0; k < channels; ++k) sum[k] += pixel[k * sk];
            }
        for (std::int64_t k = 0; k < channels; ++k) out[k * dk] = pool_divide(sum[k], kd, kh, kw, spatial_rank);
      }
    }
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
