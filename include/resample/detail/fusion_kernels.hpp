// SPDX-License-Identifier: MIT
// Per-pixel loops of the fusion functions: weighted accumulation of Laplacian levels, the
// max-abs rule, and Mertens, Kautz and Van Reeth's exposure-fusion weights computed as
// OpenCV's cv::MergeMertens::process computes them (photo/src/merge.cpp), in its operation order:
// contrast = |3x3 Laplacian of the gray image| (reflect-101), saturation = standard deviation over the three
// channels (times sqrt 3, as OpenCV), well-exposedness = prod_c exp(-(v - 0.5)^2 / 0.08), each
// raised to its weight, multiplied, plus 1e-12.
// All loops run over whole contiguous rows; work is split over rows, so results never depend on
// the thread count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "../parallel.hpp"
#include "../view.hpp"
#include "config.hpp"
#include "pyramid_kernels.hpp"

namespace resample::detail {

/// Runs body(n, c, y) for every row of an N x C x H image, split over threads.
template <class Body>
void for_each_row(const execution& exec, index_t n_count, index_t c_count, index_t rows, index_t row_elements,
                  const Body& body) {
  const std::int64_t total_rows = n_count * c_count * rows;
  const std::int64_t per_task = std::max<std::int64_t>(1, exec.grain_elements / std::max<index_t>(row_elements, 1));
  const std::int64_t tasks = (total_rows + per_task - 1) / per_task;
  const int threads = total_rows * row_elements < exec.min_parallel_elements ? 1 : resolve_threads(exec);
  parallel_for(exec, threads, tasks, [&](std::int64_t task) {
    const std::int64_t end = std::min(total_rows, (task + 1) * per_task);
    for (std::int64_t r = task * per_task; r < end; ++r) {
      const index_t y = r % rows;
      const index_t c = (r / rows) % c_count;
      const index_t n = r / rows / c_count;
      body(n, c, y);
    }
  });
}

template <class T>
const T* row_of(const tensor_view<const T>& v, index_t n, index_t c, index_t y) {
  return v.data_handle() + n * v.stride(0) + c * v.stride(1) + y * v.stride(2);
}

RESAMPLE_BEGIN_EXACT_MATH

/// out = detail * weight over one row (contiguous rows).
template <class T>
void weighted_row(T* __restrict out, const T* __restrict detail, const T* __restrict weight, index_t count) {
  for (index_t x = 0; x < count; ++x) out[x] = detail[x] * weight[x];
}

/// out = detail * weight with one weight for the row.
template <class T>
void scaled_row(T* __restrict out, const T* __restrict detail, T weight, index_t count) {
  for (index_t x = 0; x < count; ++x) out[x] = detail[x] * weight;
}

/// acc += detail * weight over one row (contiguous rows).
template <class T>
void accumulate_weighted_row(T* __restrict acc, const T* __restrict detail, const T* __restrict weight, index_t count) {
  for (index_t x = 0; x < count; ++x) acc[x] = acc[x] + detail[x] * weight[x];
}

/// acc += detail * weight with one weight for the row.
template <class T>
void accumulate_scaled_row(T* __restrict acc, const T* __restrict detail, T weight, index_t count) {
  for (index_t x = 0; x < count; ++x) acc[x] = acc[x] + detail[x] * weight;
}

/// Keeps, per element, the value of larger magnitude (the earlier image on ties).
template <class T>
void max_abs_row(T* __restrict acc, const T* __restrict detail, index_t count) {
  for (index_t x = 0; x < count; ++x) acc[x] = std::abs(detail[x]) > std::abs(acc[x]) ? detail[x] : acc[x];
}

/// x^p over a row the way cv::pow computes it: p = 0 gives 1, p = 1 the value, p = 0.5 a
/// square root, other integers repeated squaring, anything else std::pow.
template <class T>
struct row_power {
  enum class kind { zero, one, half, integer, general };
  kind k = kind::one;
  long n = 1;
  T p = T(1);

  explicit row_power(double power) : p(static_cast<T>(power)) {
    const double rounded = std::nearbyint(power);
    if (power == 0) {
      k = kind::zero;
    } else if (power == 1) {
      k = kind::one;
    } else if (power == 0.5) {
      k = kind::half;
    } else if (rounded == power && std::abs(rounded) < 1e9) {
      k = kind::integer;
      n = static_cast<long>(rounded);
    } else {
      k = kind::general;
    }
  }

  void apply(T* v, index_t count) const {
    switch (k) {
      case kind::zero:
        for (index_t x = 0; x < count; ++x) v[x] = T(1);
        break;
      case kind::one:
        break;
      case kind::half:
        for (index_t x = 0; x < count; ++x) v[x] = std::sqrt(v[x]);
        break;
      case kind::integer:
        for (index_t x = 0; x < count; ++x) {
          T a = T(1), b = v[x];
          for (long e = n < 0 ? -n : n; e > 1; e >>= 1) {
            if (e & 1) a *= b;
            b *= b;
          }
          a *= b;
          v[x] = n < 0 ? T(1) / a : a;
        }
        break;
      case kind::general:
        for (index_t x = 0; x < count; ++x) v[x] = std::pow(v[x], p);
        break;
    }
  }
};

/// Mertens weight of one row of an image with 1 or 3 channels (`channel[c]` are its rows),
/// `gray_above`, `gray`, `gray_below` the rows of its gray image around it; `scratch` holds
/// 2 * width values. Each measure is a pass over the row, multiplied in OpenCV's order.
template <class T>
void mertens_weight_row(const T* const* channel, int channels, const T* gray_above, const T* gray, const T* gray_below,
                        index_t width, const row_power<T>& contrast_power, const row_power<T>& saturation_power,
                        const row_power<T>& exposure_power, T* __restrict weight, T* __restrict scratch) {
  // cv::Laplacian(ksize 1) is filter2D with the kernel's non-zero taps summed in row-major order.
  const auto laplacian = [&](index_t x, index_t left, index_t right) {
    return std::abs((((gray_above[x] + gray[left]) + gray[x] * T(-4)) + gray[right]) + gray_below[x]);
  };
  weight[0] = laplacian(0, reflect101(-1, width), reflect101(1, width));
  for (index_t x = 1; x < width - 1; ++x) weight[x] = laplacian(x, x - 1, x + 1);
  if (width > 1) weight[width - 1] = laplacian(width - 1, width - 2, reflect101(width, width));
  contrast_power.apply(weight, width);
  if (channels == 3) {
    const T* c0 = channel[0];
    const T* c1 = channel[1];
    const T* c2 = channel[2];
    T* saturation = scratch;
    for (index_t x = 0; x < width; ++x) {
      // OpenCV divides a matrix by a scalar as a multiplication by the float reciprocal.
      const T mean = ((c0[x] + c1[x]) + c2[x]) * T(1.0 / 3);
      const T d0 = c0[x] - mean, d1 = c1[x] - mean, d2 = c2[x] - mean;
      saturation[x] = std::sqrt(((d0 * d0) + (d1 * d1)) + (d2 * d2));
    }
    saturation_power.apply(saturation, width);
    for (index_t x = 0; x < width; ++x) weight[x] *= saturation[x];
  }
  if (exposure_power.k != row_power<T>::kind::zero) {
    T* exposedness = scratch;
    T* term = scratch + width;
    for (index_t x = 0; x < width; ++x) exposedness[x] = T(1);
    for (int c = 0; c < channels; ++c) {
      for (index_t x = 0; x < width; ++x) {
        const T e = channel[c][x] - T(0.5);
        term[x] = -(e * e) * T(1.0 / double(0.08f));
      }
      for (index_t x = 0; x < width; ++x) exposedness[x] *= std::exp(term[x]);
    }
    exposure_power.apply(exposedness, width);
    for (index_t x = 0; x < width; ++x) weight[x] *= exposedness[x];
  }
  for (index_t x = 0; x < width; ++x) weight[x] += T(1e-12);
}

/// Gray value of one row: 0.299 c0 + 0.587 c1 + 0.114 c2 (OpenCV's RGB2GRAY weights) or c0.
/// OpenCV's vectorised cvtColor fuses the two multiply-adds (its AVX2 build); the contrast is a
/// difference of gray values, so a last-bit difference here shows after normalisation. A fused
/// multiply-add rounds once on every machine (std::fma in software where the CPU has none), so
/// this stays deterministic.
template <class T>
void gray_row_fused(const T* const* channel, index_t width, T* gray) {
  for (index_t x = 0; x < width; ++x) {
    gray[x] = std::fma(channel[2][x], T(0.114), std::fma(channel[1][x], T(0.587), channel[0][x] * T(0.299)));
  }
}

RESAMPLE_END_EXACT_MATH

#if defined(RESAMPLE_X86_DISPATCH)
// The same loop with the FMA instruction (same bits as std::fma, much faster than its call).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
template <class T>
void gray_row_fused_fma(const T* const* channel, index_t width, T* gray) {
  for (index_t x = 0; x < width; ++x) {
    gray[x] = std::fma(channel[2][x], T(0.114), std::fma(channel[1][x], T(0.587), channel[0][x] * T(0.299)));
  }
}
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

/// gray_row_fused, with the FMA instruction when the CPU has it; c0 itself for one channel.
template <class T>
void gray_row(const T* const* channel, int channels, index_t width, T* gray) {
  if (channels == 1) {
    std::copy(channel[0], channel[0] + width, gray);
    return;
  }
#if defined(RESAMPLE_X86_DISPATCH)
  static const bool has_fma = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
  if (has_fma) {
    gray_row_fused_fma(channel, width, gray);
    return;
  }
#endif
  gray_row_fused(channel, width, gray);
}

}  // namespace resample::detail
