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
#include <type_traits>
#include <vector>

#include "../instruction_set.hpp"
#include "../parallel.hpp"
#include "../view.hpp"
#include "config.hpp"
#include "pyramid_driver.hpp"

#if defined(RESAMPLE_X86_DISPATCH)
#include <immintrin.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define RESAMPLE_FUSION_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define RESAMPLE_FUSION_ALWAYS_INLINE inline
#endif

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

/// |Laplacian| of the gray image at the inner columns 1 .. width - 2 of a row (the 4-neighbour
/// taps of cv::Laplacian(ksize 1), summed in its row-major order).
template <class T>
void contrast_row(const T* __restrict above, const T* __restrict gray, const T* __restrict below, index_t width,
                  T* __restrict out) {
  for (index_t x = 1; x < width - 1; ++x) {
    out[x] = std::abs((((above[x] + gray[x - 1]) + gray[x] * T(-4)) + gray[x + 1]) + below[x]);
  }
}

/// Sum of the squared deviations of three channels from their mean (OpenCV divides by 3 as a
/// multiplication by the reciprocal); the saturation is its square root.
template <class T>
void channel_deviation_row(const T* __restrict c0, const T* __restrict c1, const T* __restrict c2, index_t width,
                           T* __restrict out) {
  for (index_t x = 0; x < width; ++x) {
    const T mean = ((c0[x] + c1[x]) + c2[x]) * T(1.0 / 3);
    const T d0 = c0[x] - mean, d1 = c1[x] - mean, d2 = c2[x] - mean;
    out[x] = ((d0 * d0) + (d1 * d1)) + (d2 * d2);
  }
}

/// v *= factor over a row.
template <class T>
void multiply_row(T* __restrict v, const T* __restrict factor, index_t count) {
  for (index_t x = 0; x < count; ++x) v[x] *= factor[x];
}

/// acc = acc + v over a row.
template <class T>
void add_row(T* __restrict acc, const T* __restrict v, index_t count) {
  for (index_t x = 0; x < count; ++x) acc[x] = acc[x] + v[x];
}

/// v /= divisor over a row.
template <class T>
void divide_row(T* __restrict v, const T* __restrict divisor, index_t count) {
  for (index_t x = 0; x < count; ++x) v[x] /= divisor[x];
}

/// v = sqrt(v) over a row. std::sqrt may set errno, which keeps compilers from vectorising it;
/// the SSE2 instructions (x86-64's baseline) round square roots as IEEE does, so the bits are the same.
template <class T>
void sqrt_row(T* v, index_t count) {
  index_t x = 0;
#if defined(RESAMPLE_X86_DISPATCH)
  if constexpr (std::is_same_v<T, float>) {
    for (; x + 4 <= count; x += 4) _mm_storeu_ps(v + x, _mm_sqrt_ps(_mm_loadu_ps(v + x)));
  } else {
    for (; x + 2 <= count; x += 2) _mm_storeu_pd(v + x, _mm_sqrt_pd(_mm_loadu_pd(v + x)));
  }
#endif
  for (; x < count; ++x) v[x] = std::sqrt(v[x]);
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
        sqrt_row(v, count);
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
/// Always inlined, so that its AVX2 copy (avx2_copy) vectorises the passes with AVX2 too.
template <class T>
RESAMPLE_FUSION_ALWAYS_INLINE void mertens_weight_row(const T* const* channel, int channels, const T* gray_above,
                                                      const T* gray, const T* gray_below, index_t width,
                                                      const row_power<T>& contrast_power,
                                                      const row_power<T>& saturation_power,
                                                      const row_power<T>& exposure_power, T* __restrict weight,
                                                      T* __restrict scratch) {
  // cv::Laplacian(ksize 1) is filter2D with the kernel's non-zero taps summed in row-major order.
  const auto laplacian = [&](index_t x, index_t left, index_t right) {
    return std::abs((((gray_above[x] + gray[left]) + gray[x] * T(-4)) + gray[right]) + gray_below[x]);
  };
  weight[0] = laplacian(0, reflect101(-1, width), reflect101(1, width));
  contrast_row(gray_above, gray, gray_below, width, weight);
  if (width > 1) weight[width - 1] = laplacian(width - 1, width - 2, reflect101(width, width));
  contrast_power.apply(weight, width);
  if (channels == 3) {
    T* saturation = scratch;
    channel_deviation_row(channel[0], channel[1], channel[2], width, saturation);
    sqrt_row(saturation, width);
    saturation_power.apply(saturation, width);
    multiply_row(weight, saturation, width);
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
    multiply_row(weight, exposedness, width);
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

#if defined(RESAMPLE_X86_DISPATCH)
RESAMPLE_BEGIN_EXACT_MATH
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
/// `Loop` compiled for AVX2: the compiler inlines it into run() and vectorises it with 32-byte
/// registers (no FMA: the operations stay the same, so do the bits).
template <auto Loop>
struct avx2_copy;
template <class... Args, void (*Loop)(Args...)>
struct avx2_copy<Loop> {
  static void run(Args... args) { Loop(args...); }
};
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
RESAMPLE_END_EXACT_MATH
#endif

/// The per-row loops of the fusions in one instruction set.
template <class T>
struct fusion_loops {
  decltype(&weighted_row<T>) weighted;
  decltype(&accumulate_weighted_row<T>) accumulate_weighted;
  decltype(&scaled_row<T>) scaled;
  decltype(&accumulate_scaled_row<T>) accumulate_scaled;
  decltype(&max_abs_row<T>) max_abs;
  decltype(&add_row<T>) add;
  decltype(&divide_row<T>) divide;
  decltype(&mertens_weight_row<T>) mertens_weight;
};

// The table of one set's loops, `via(f)` giving each loop's function.
#define RESAMPLE_FUSION_LOOPS(via)                                                                              \
  fusion_loops<T> {                                                                                            \
    via(weighted_row<T>), via(accumulate_weighted_row<T>), via(scaled_row<T>), via(accumulate_scaled_row<T>), \
        via(max_abs_row<T>), via(add_row<T>), via(divide_row<T>), via(mertens_weight_row<T>)                   \
  }
#define RESAMPLE_FUSION_PLAIN(f) &f
#define RESAMPLE_FUSION_AVX2(f) &avx2_copy<&f>::run

/// The loops for `isa` (portable and SSE2 share the compiler's baseline build).
template <class T>
fusion_loops<T> fusion_loops_for(instruction_set isa) {
#if defined(RESAMPLE_X86_DISPATCH)
  if (resolve_isa(isa) == instruction_set::avx2) return RESAMPLE_FUSION_LOOPS(RESAMPLE_FUSION_AVX2);
#endif
  return RESAMPLE_FUSION_LOOPS(RESAMPLE_FUSION_PLAIN);
}

#undef RESAMPLE_FUSION_LOOPS
#undef RESAMPLE_FUSION_PLAIN
#undef RESAMPLE_FUSION_AVX2

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

#undef RESAMPLE_FUSION_ALWAYS_INLINE
