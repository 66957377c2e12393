// SPDX-License-Identifier: MIT
// Packing a block of rows into column-interleaved form and back. The horizontal (W) pass of a
// planar image is a gather along each row, which does not vectorise; after packing `lanes`
// rows as packed[w * lanes + r] = row_r[w], each tap becomes one contiguous vector of `lanes`
// values and the pass is the same weighted sum of runs as every other pass. Transposition
// moves values without arithmetic, so results are unchanged.
#pragma once

#include <cstdint>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define RESAMPLE_HAVE_SSE2 1
#endif

namespace resample::detail {

/// Values packed per column: 32 bytes, i.e. two SSE registers.
template <class T>
inline constexpr int pack_lanes = static_cast<int>(32 / sizeof(T));

/// packed[w * L + r] = rows[r][w] for w in [0, count), r in [0, L); rows have unit stride.
template <class T>
void pack_rows(const T* const* rows, std::int64_t count, T* packed) {
  constexpr int L = pack_lanes<T>;
  std::int64_t w = 0;
#if defined(RESAMPLE_HAVE_SSE2)
  if constexpr (sizeof(T) == 4) {
    for (; w + 4 <= count; w += 4) {
      for (int half = 0; half < 2; ++half) {
        const float* const* r = reinterpret_cast<const float* const*>(rows) + 4 * half;
        __m128 a = _mm_loadu_ps(r[0] + w), b = _mm_loadu_ps(r[1] + w), c = _mm_loadu_ps(r[2] + w),
               d = _mm_loadu_ps(r[3] + w);
        _MM_TRANSPOSE4_PS(a, b, c, d);
        float* out = reinterpret_cast<float*>(packed) + w * L + 4 * half;
        _mm_storeu_ps(out, a);
        _mm_storeu_ps(out + L, b);
        _mm_storeu_ps(out + 2 * L, c);
        _mm_storeu_ps(out + 3 * L, d);
      }
    }
  } else {
    for (; w + 2 <= count; w += 2) {
      for (int half = 0; half < 2; ++half) {
        const double* const* r = reinterpret_cast<const double* const*>(rows) + 2 * half;
        const __m128d a = _mm_loadu_pd(r[0] + w), b = _mm_loadu_pd(r[1] + w);
        double* out = reinterpret_cast<double*>(packed) + w * L + 2 * half;
        _mm_storeu_pd(out, _mm_unpacklo_pd(a, b));
        _mm_storeu_pd(out + L, _mm_unpackhi_pd(a, b));
      }
    }
  }
#endif
  for (; w < count; ++w)
    for (int r = 0; r < L; ++r) packed[w * L + r] = rows[r][w];
}

/// rows[r][w] = packed[w * L + r]: the inverse of pack_rows.
template <class T>
void unpack_rows(const T* packed, std::int64_t count, T* const* rows) {
  constexpr int L = pack_lanes<T>;
  std::int64_t w = 0;
#if defined(RESAMPLE_HAVE_SSE2)
  if constexpr (sizeof(T) == 4) {
    for (; w + 4 <= count; w += 4) {
      for (int half = 0; half < 2; ++half) {
        const float* in = reinterpret_cast<const float*>(packed) + w * L + 4 * half;
        __m128 a = _mm_loadu_ps(in), b = _mm_loadu_ps(in + L), c = _mm_loadu_ps(in + 2 * L),
               d = _mm_loadu_ps(in + 3 * L);
        _MM_TRANSPOSE4_PS(a, b, c, d);
        float* const* r = reinterpret_cast<float* const*>(rows) + 4 * half;
        _mm_storeu_ps(r[0] + w, a);
        _mm_storeu_ps(r[1] + w, b);
        _mm_storeu_ps(r[2] + w, c);
        _mm_storeu_ps(r[3] + w, d);
      }
    }
  } else {
    for (; w + 2 <= count; w += 2) {
      for (int half = 0; half < 2; ++half) {
        const double* in = reinterpret_cast<const double*>(packed) + w * L + 2 * half;
        const __m128d a = _mm_loadu_pd(in), b = _mm_loadu_pd(in + L);
        double* const* r = reinterpret_cast<double* const*>(rows) + 2 * half;
        _mm_storeu_pd(r[0] + w, _mm_unpacklo_pd(a, b));
        _mm_storeu_pd(r[1] + w, _mm_unpackhi_pd(a, b));
      }
    }
  }
#endif
  for (; w < count; ++w)
    for (int r = 0; r < L; ++r) rows[r][w] = packed[w * L + r];
}

}  // namespace resample::detail
