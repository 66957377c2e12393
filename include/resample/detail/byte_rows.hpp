// SPDX-License-Identifier: MIT
// uint8 rows to float or double rows and back, for the pyramids and fusions of uint8 images,
// which compute on the widened values: widening is exact (times a scale, 1/255 for the [0, 1]
// range OpenCV's Mertens fusion works in), and the way back rounds to nearest, ties to even
// (cvRound, std::nearbyint in the default rounding mode) and saturates to [0, 255] (NaN gives 0),
// as cv::saturate_cast does.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "../instruction_set.hpp"
#include "../view.hpp"
#include "config.hpp"

#if defined(RESAMPLE_X86_DISPATCH)
#include <immintrin.h>
#endif

namespace resample::detail {

RESAMPLE_BEGIN_EXACT_MATH

/// out[x] = in[x * Step] * scale. A constant step lets the compiler vectorise interleaved
/// (channels-last) rows too.
template <index_t Step, class T>
void widen_row_step(const std::uint8_t* __restrict in, index_t count, T scale, T* __restrict out) {
  for (index_t x = 0; x < count; ++x) out[x] = static_cast<T>(in[x * Step]) * scale;
}

#if defined(RESAMPLE_X86_DISPATCH)
// The same loop compiled for AVX2: the compiler inlines widen_row_step here and vectorises it
// with 32-byte registers, which makes an interleaved row about ten times faster than SSE2 does.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
template <index_t Step, class T>
void widen_row_step_avx2(const std::uint8_t* __restrict in, index_t count, T scale, T* __restrict out) {
  widen_row_step<Step>(in, count, scale, out);
}
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

/// widen_row_step for a step known at compile time, with AVX2 when the CPU has it.
template <index_t Step, class T>
void widen_row_dispatch(const std::uint8_t* in, index_t count, T scale, T* out) {
#if defined(RESAMPLE_X86_DISPATCH)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return widen_row_step_avx2<Step>(in, count, scale, out);
#endif
  widen_row_step<Step>(in, count, scale, out);
}

/// out[x] = in[x * step] * scale (exact for scale 1).
template <class T>
void widen_row(const std::uint8_t* __restrict in, index_t count, index_t step, T scale, T* __restrict out) {
  switch (step) {
    case 1:
      return widen_row_dispatch<1>(in, count, scale, out);
    case 3:
      return widen_row_dispatch<3>(in, count, scale, out);
    case 4:
      return widen_row_dispatch<4>(in, count, scale, out);
    default:
      for (index_t x = 0; x < count; ++x) out[x] = static_cast<T>(in[x * step]) * scale;
  }
}

/// saturate(round(v)) for one value already multiplied by its scale.
template <class T>
std::uint8_t round_to_byte(T v) {
  v = v > T(0) ? v : T(0);
  v = v < T(255) ? v : T(255);
  return static_cast<std::uint8_t>(std::nearbyint(v));
}

/// out = saturate(round(in * scale)). On x86-64, SSE2 (the baseline) clamps and converts four
/// floats at a time: cvtps2dq rounds in the current rounding mode, as nearbyint does, and
/// maxps(v, 0) turns NaN into 0, as the scalar clamp does.
template <class T>
void round_row_to_bytes(const T* __restrict in, index_t count, T scale, std::uint8_t* __restrict out) {
  index_t x = 0;
#if defined(RESAMPLE_X86_DISPATCH)
  if constexpr (std::is_same_v<T, float>) {
    const __m128 factor = _mm_set1_ps(scale), low = _mm_setzero_ps(), high = _mm_set1_ps(255.0f);
    const auto convert = [&](index_t at) {
      const __m128 v = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(in + at), factor), low), high);
      return _mm_cvtps_epi32(v);
    };
    for (; x + 16 <= count; x += 16) {
      const __m128i lo = _mm_packs_epi32(convert(x), convert(x + 4));
      const __m128i hi = _mm_packs_epi32(convert(x + 8), convert(x + 12));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x), _mm_packus_epi16(lo, hi));
    }
  }
#endif
  for (; x < count; ++x) out[x] = round_to_byte(in[x] * scale);
}

RESAMPLE_END_EXACT_MATH

}  // namespace resample::detail
