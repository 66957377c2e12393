// SPDX-License-Identifier: MIT
// The row and column loops of pyr_down / pyr_up, written once and compiled once per instruction
// set through isa_variants.inl (namespaces portable::pyramid, sse2::pyramid, avx2::pyramid). The
// loops are plain contiguous loops that the compiler vectorises for each set; each lane does the
// same IEEE operations in the same order, so every set gives the same bits.
// No include guard: included by isa_variants.inl once per set, with RESAMPLE_ISA_NAMESPACE defined.

namespace resample::detail::RESAMPLE_ISA_NAMESPACE::pyramid {

#if RESAMPLE_ISA_LEVEL >= 1
/// Float columns x .. x + lanes - 1 of down_row's vector loop from whole-register loads: the
/// 2 * lanes values from source elements 2x - 2, 2x and 2x + 2 on are split into even and odd
/// elements by one shuffle each, which gives every tap of the columns (instead of a gather per
/// tap). `s` points at source element 2x; reads s[-2] to s[2 * lanes + 1]. The sum is the vector
/// loop's, lane by lane.
inline void down_columns(const float* s, float* row) {
#if RESAMPLE_ISA_LEVEL == 2
  // 256-bit shuffles work within 128-bit halves: the lanes hold columns 0, 1, 4, 5, 2, 3, 6, 7
  // until the final permutation.
  using R = __m256;
  const auto load = [](const float* p) { return _mm256_loadu_ps(p); };
  const auto evens = [](R a, R b) { return _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); };
  const auto odds = [](R a, R b) { return _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)); };
  constexpr int lanes = 8;
#else
  using R = __m128;
  const auto load = [](const float* p) { return _mm_loadu_ps(p); };
  const auto evens = [](R a, R b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); };
  const auto odds = [](R a, R b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)); };
  constexpr int lanes = 4;
#endif
  const R before_a = load(s - 2), before_b = load(s - 2 + lanes);
  const R center_a = load(s), center_b = load(s + lanes);
  const R after_a = load(s + 2), after_b = load(s + 2 + lanes);
  const R l2 = evens(before_a, before_b), l1 = odds(before_a, before_b);
  const R c = evens(center_a, center_b), r1 = odds(center_a, center_b);
  const R r2 = evens(after_a, after_b);
#if RESAMPLE_ISA_LEVEL == 2
  const R sum = _mm256_add_ps(_mm256_mul_ps(c, _mm256_set1_ps(6.0f)),
                              _mm256_add_ps(_mm256_mul_ps(_mm256_add_ps(l1, r1), _mm256_set1_ps(4.0f)),
                                            _mm256_add_ps(l2, r2)));
  _mm256_storeu_ps(row, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(sum), _MM_SHUFFLE(3, 1, 2, 0))));
#else
  const R sum = _mm_add_ps(_mm_mul_ps(c, _mm_set1_ps(6.0f)),
                           _mm_add_ps(_mm_mul_ps(_mm_add_ps(l1, r1), _mm_set1_ps(4.0f)), _mm_add_ps(l2, r2)));
  _mm_storeu_ps(row, sum);
#endif
}
#endif

/// Horizontal 5-tap pass and decimation of one contiguous source row of `sw` elements into
/// `dw` outputs, in OpenCV's operation order: columns its vector loop covers sum
/// c*6 + ((l1 + r1)*4 + (l2 + r2)), the others ((c*6 + (l1 + r1)*4) + l2) + r2.
template <class T, class W = work_type<T>>
void down_row(const T* __restrict s, std::int64_t sw, W* __restrict row, std::int64_t dw, int lanes) {
  const W six = W(6), four = W(4);
  const auto at = [&](std::int64_t i) { return W(s[reflect101(i, sw)]); };
  const auto scalar = [&](std::int64_t x) {
    const std::int64_t c = 2 * x;
    return ((at(c) * six + (at(c - 1) + at(c + 1)) * four) + at(c - 2)) + at(c + 2);
  };
  // Columns whose five taps lie inside the row (OpenCV's width0).
  const std::int64_t inner_end = std::min((sw - 3) / 2 + 1, dw);
  row[0] = scalar(0);
  std::int64_t x = 1;
  if (inner_end > 1) {
    const std::int64_t vector_end = lanes > 0 ? 1 + (inner_end - 1) / lanes * lanes : 1;
#if RESAMPLE_ISA_LEVEL >= 1
    if constexpr (std::is_same_v<T, float> && std::is_same_v<W, float>) {
      constexpr std::int64_t block = RESAMPLE_ISA_LEVEL == 2 ? 8 : 4;
      // Whole blocks whose loads stay inside the row (they read up to element 2x + 2 block + 1).
      for (; x + block <= vector_end && 2 * x + 2 * block + 1 < sw; x += block) down_columns(s + 2 * x, row + x);
    }
#endif
    for (; x < vector_end; ++x) {
      const T* p = s + 2 * x;
      row[x] = W(p[0]) * six + ((W(p[-1]) + W(p[1])) * four + (W(p[-2]) + W(p[2])));
    }
    for (; x < inner_end; ++x) {
      const T* p = s + 2 * x;
      row[x] = ((W(p[0]) * six + (W(p[-1]) + W(p[1])) * four) + W(p[-2])) + W(p[2]);
    }
  }
  for (; x < dw; ++x) row[x] = scalar(x);
}

/// Vertical 5-tap pass of five filtered rows into one output row, times 1/256 (for uint8, OpenCV's
/// fixed point: (sum + 128) >> 8, exact in int).
template <class T, class W = work_type<T>>
void down_column(const W* __restrict r0, const W* __restrict r1, const W* __restrict r2, const W* __restrict r3,
                 const W* __restrict r4, T* __restrict out, std::int64_t dw, int lanes) {
  if constexpr (std::is_integral_v<W>) {
    for (std::int64_t x = 0; x < dw; ++x) {
      out[x] = static_cast<T>((r2[x] * 6 + (r1[x] + r3[x]) * 4 + r0[x] + r4[x] + 128) >> 8);
    }
    return;
  }
  const T six = T(6), four = T(4), scale = T(1.0 / 256);
  const std::int64_t vector_end = lanes > 0 ? dw / lanes * lanes : 0;
  std::int64_t x = 0;
  for (; x < vector_end; ++x) {
    out[x] = (((r1[x] + r3[x]) + r2[x]) * four + ((r0[x] + r4[x]) + (r2[x] + r2[x]))) * scale;
  }
  for (; x < dw; ++x) out[x] = ((((r2[x] * six + (r1[x] + r3[x]) * four) + r0[x]) + r4[x])) * scale;
}

/// Horizontal pass of pyr_up: one contiguous source row of `sw` elements to `dw` (2 sw or
/// 2 sw +- 1) filtered values, 8 times the interpolated ones; row has room for 2 sw + 1.
template <class T, class W = work_type<T>>
void up_row(const T* __restrict s, std::int64_t sw, W* __restrict row, std::int64_t dw) {
  const W two = W(2), four = W(4), six = W(6), seven = W(7), eight = W(8);
  if (sw == 1) {
    row[0] = row[1] = W(s[0]) * eight;
  } else {
    row[0] = W(s[0]) * six + W(s[1]) * two;
    row[1] = (W(s[0]) + W(s[1])) * four;
    for (std::int64_t x = 1; x < sw - 1; ++x) {
      row[2 * x] = (W(s[x - 1]) + W(s[x]) * six) + W(s[x + 1]);
      row[2 * x + 1] = (W(s[x]) + W(s[x + 1])) * four;
    }
    row[2 * sw - 2] = W(s[sw - 2]) + W(s[sw - 1]) * seven;
    row[2 * sw - 1] = W(s[sw - 1]) * eight;
  }
  // An odd width one more than 2 sw repeats the last column (OpenCV does the same).
  if (dw > 2 * sw) row[dw - 1] = row[2 * sw - 1];
}

/// Vertical pass of pyr_up: three filtered rows give the even output row (and the odd one when
/// `odd` is not null), times 1/64; `op` adds to or subtracts from `base` rows on the way out.
/// uint8 (store only): OpenCV's fixed point, (sum + 32) >> 6.
template <class T, class W = work_type<T>>
void up_column(const W* __restrict r0, const W* __restrict r1, const W* __restrict r2, T* even, T* odd,
               const T* even_base, const T* odd_base, std::int64_t dw, up_epilogue op) {
  if constexpr (std::is_integral_v<W>) {
    for (std::int64_t x = 0; x < dw; ++x) even[x] = static_cast<T>((r0[x] + r1[x] * 6 + r2[x] + 32) >> 6);
    if (odd != nullptr) {
      for (std::int64_t x = 0; x < dw; ++x) odd[x] = static_cast<T>(((r1[x] + r2[x]) * 4 + 32) >> 6);
    }
    (void)even_base;
    (void)odd_base;
    (void)op;
    return;
  }
  const T four = T(4), six = T(6), scale = T(1.0 / 64);
  switch (op) {
    case up_epilogue::store:
      for (std::int64_t x = 0; x < dw; ++x) even[x] = ((r0[x] + r1[x] * six) + r2[x]) * scale;
      if (odd != nullptr) {
        for (std::int64_t x = 0; x < dw; ++x) odd[x] = ((r1[x] + r2[x]) * four) * scale;
      }
      break;
    case up_epilogue::subtract_from_base:
      for (std::int64_t x = 0; x < dw; ++x) even[x] = even_base[x] - ((r0[x] + r1[x] * six) + r2[x]) * scale;
      if (odd != nullptr) {
        for (std::int64_t x = 0; x < dw; ++x) odd[x] = odd_base[x] - ((r1[x] + r2[x]) * four) * scale;
      }
      break;
    case up_epilogue::add_to_base:
      for (std::int64_t x = 0; x < dw; ++x) even[x] = even_base[x] + ((r0[x] + r1[x] * six) + r2[x]) * scale;
      if (odd != nullptr) {
        for (std::int64_t x = 0; x < dw; ++x) odd[x] = odd_base[x] + ((r1[x] + r2[x]) * four) * scale;
      }
      break;
  }
}

}  // namespace resample::detail::RESAMPLE_ISA_NAMESPACE::pyramid
