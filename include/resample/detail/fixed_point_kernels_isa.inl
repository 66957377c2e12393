// SPDX-License-Identifier: MIT
// The uint8 fixed-point inner loops, compiled once per instruction set through isa_variants.inl
// (namespaces portable::fixed_point, sse2::fixed_point and avx2::fixed_point).
// Every variant computes acc = 2^(p-1) + sum_j x_j * w_j exactly and stores clamp(acc >> p, 0,
// 255), so all give the same bits. The vector variants multiply pairs of taps with 16-bit
// multiply-adds (pmaddwd) on the weights split as w = lo + hi * 2^16 (fixed_point_axis::
// lo_pairs / hi_pairs): sum x*w = sum x*lo + 2^16 * sum x*hi, taken modulo 2^32, is the exact
// sum because the exact sum fits in int32 (check_fixed_point_range). PyTorch's int16 weights
// have hi = 0 and skip the second multiply-add; Pillow's 22-bit weights need both, or, when
// the hi halves fit signed bytes, a u8 x s8 multiply-add (pmaddubsw) on bytes. The loops
// that gather bytes with byte shuffles (pshufb), and the W pass by column pairs, are
// AVX2-only; SSE2 packs planar rows instead. The AVX2 loops keep their sums in GNU vector types
// (fp_v8si), whose += GCC compiles without a register copy per step.
// No include guard: included by isa_variants.inl once per set, with RESAMPLE_ISA_NAMESPACE and
// RESAMPLE_ISA_LEVEL (0 portable, 1 SSE2, 2 AVX2) defined.

namespace resample::detail::RESAMPLE_ISA_NAMESPACE::fixed_point {

/// clamp(acc >> precision, 0, 255) without shifting a negative number.
inline std::uint8_t fp_finish(std::int32_t acc, int precision) {
  if (acc <= 0) return 0;
  const std::int32_t v = acc >> precision;
  return static_cast<std::uint8_t>(v > 255 ? 255 : v);
}

/// One output of a pass, scalar: taps x[0], x[step], ... (a channel of interleaved pixels).
inline std::uint8_t fp_dot(const std::uint8_t* x, std::int64_t step, const std::int32_t* w, int n, int precision) {
  std::int32_t acc = std::int32_t{1} << (precision - 1);
  for (int j = 0; j < n; ++j) acc += static_cast<std::int32_t>(x[j * step]) * w[j];
  return fp_finish(acc, precision);
}

#if RESAMPLE_ISA_LEVEL == 2
// GNU vector types for loop-carried sums: `acc += x` adds in place, where GCC compiles
// _mm256_add_epi32 on an accumulator into an add and a register copy per step.
typedef std::int32_t fp_v8si __attribute__((vector_size(32)));
typedef std::int16_t fp_v16hi __attribute__((vector_size(32)));
#endif

#if RESAMPLE_ISA_LEVEL >= 1
inline __m128i fp_finish_4(__m128i acc, __m128i bias, int precision) {
  return _mm_sra_epi32(_mm_add_epi32(acc, bias), _mm_cvtsi32_si128(precision));
}
#endif

#if RESAMPLE_ISA_LEVEL == 2
/// a >> bits, saturated to 16 bits, for 16 int32 sums (a_lo: 0-3 and 8-11, a_hi: 4-7 and
/// 12-15), in 16-bit units 0-15.
inline __m256i fp_shift_pack(__m256i a_lo, __m256i a_hi, __m128i bits) {
  return _mm256_packs_epi32(_mm256_sra_epi32(a_lo, bits), _mm256_sra_epi32(a_hi, bits));
}

/// clamp((a + h * 2^16) >> precision) to 16 bits for 16 sums over `pairs` tap pairs: a in int32
/// (a_lo: sums 0-3 and 8-11, a_hi: 4-7 and 12-15), h in 16 bits (sums 0-15), the result in
/// 16-bit units 0-15. With precision >= 16 this is ((a >> 16) + h) >> (precision - 16): the
/// floors nest, and every term fits 16 bits. The exact sum fits 32, so h's wrapped 16-bit sum
/// still gives it; a (the bias plus products of bytes and lo halves below 2^15) does not wrap
/// with at most 128 pairs.
inline __m256i fp_finish_split(__m256i a_lo, __m256i a_hi, __m256i h, int precision, int pairs) {
  if (precision >= 16 && pairs <= 128) {
    const __m256i high = _mm256_packs_epi32(_mm256_srai_epi32(a_lo, 16), _mm256_srai_epi32(a_hi, 16));
    return _mm256_sra_epi16(_mm256_add_epi16(high, h), _mm_cvtsi32_si128(precision - 16));
  }
  const __m256i zero = _mm256_setzero_si256();
  return fp_shift_pack(_mm256_add_epi32(a_lo, _mm256_unpacklo_epi16(zero, h)),
                       _mm256_add_epi32(a_hi, _mm256_unpackhi_epi16(zero, h)), _mm_cvtsi32_si128(precision));
}
#endif

/// How a vector loop weighs the hi halves of the weights: not at all (PyTorch's int16 weights),
/// as signed bytes with u8 x s8 multiply-adds summed in 16 bits (fixed_point_axis::hi_bytes), or
/// as int16 with a second 16-bit multiply-add (hi_pairs).
enum class fp_hi { none, bytes, words };

#if RESAMPLE_ISA_LEVEL == 2
/// fp_vertical_impl's 32-byte loop over [0, length - length % 32); N > 0 fixes the number of
/// row pairs at compile time (their pointers and weights then stay in registers).
template <fp_hi Hi, int N>
inline __attribute__((always_inline)) std::int64_t fp_vertical_32(std::uint8_t* out, const std::uint8_t* const* rows,
                                                                  const std::int32_t* lo_pairs,
                                                                  const std::int32_t* hi_pairs,
                                                                  const std::int32_t* hi_bytes, int pairs,
                                                                  std::int64_t length, int precision) {
  if constexpr (N > 0) pairs = N;
  std::int64_t x = 0;
  const __m256i zero = _mm256_setzero_si256();
  const __m256i bias = _mm256_set1_epi32(std::int32_t{1} << (precision - 1));
  const __m128i shift = _mm_cvtsi32_si128(precision);
  for (; x + 32 <= length; x += 32) {
    // a0..a3 hold bytes 0-3 | 16-19, 4-7 | 20-23, 8-11 | 24-27, 12-15 | 28-31; h0..h3 the hi
    // sums in the same order (16-bit sums of bytes 0-7 | 16-23 and 8-15 | 24-31 in h0, h1 for
    // Hi == bytes).
    fp_v8si a0 = fp_v8si(bias), a1 = a0, a2 = a0, a3 = a0;
    fp_v8si h0 = fp_v8si(zero), h1 = h0, h2 = h0, h3 = h0;
    for (int p = 0; p < pairs; ++p) {
      const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[2 * p] + x));
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[2 * p + 1] + x));
      const __m256i ab_lo = _mm256_unpacklo_epi8(a, b);
      const __m256i ab_hi = _mm256_unpackhi_epi8(a, b);
      const __m256i v0 = _mm256_unpacklo_epi8(ab_lo, zero), v1 = _mm256_unpackhi_epi8(ab_lo, zero);
      const __m256i v2 = _mm256_unpacklo_epi8(ab_hi, zero), v3 = _mm256_unpackhi_epi8(ab_hi, zero);
      const __m256i wl = _mm256_set1_epi32(lo_pairs[p]);
      a0 += fp_v8si(_mm256_madd_epi16(v0, wl));
      a1 += fp_v8si(_mm256_madd_epi16(v1, wl));
      a2 += fp_v8si(_mm256_madd_epi16(v2, wl));
      a3 += fp_v8si(_mm256_madd_epi16(v3, wl));
      if constexpr (Hi == fp_hi::bytes) {
        const __m256i wh = _mm256_set1_epi32(hi_bytes[p]);
        h0 = fp_v8si(fp_v16hi(h0) + fp_v16hi(_mm256_maddubs_epi16(ab_lo, wh)));
        h1 = fp_v8si(fp_v16hi(h1) + fp_v16hi(_mm256_maddubs_epi16(ab_hi, wh)));
      } else if constexpr (Hi == fp_hi::words) {
        const __m256i wh = _mm256_set1_epi32(hi_pairs[p]);
        h0 += fp_v8si(_mm256_madd_epi16(v0, wh));
        h1 += fp_v8si(_mm256_madd_epi16(v1, wh));
        h2 += fp_v8si(_mm256_madd_epi16(v2, wh));
        h3 += fp_v8si(_mm256_madd_epi16(v3, wh));
      }
    }
    if constexpr (Hi == fp_hi::bytes) {
      const __m256i packed = _mm256_packus_epi16(fp_finish_split(__m256i(a0), __m256i(a1), __m256i(h0), precision, pairs),
                                                 fp_finish_split(__m256i(a2), __m256i(a3), __m256i(h1), precision, pairs));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + x), packed);
      continue;
    } else if constexpr (Hi == fp_hi::words) {
      a0 += h0 << 16;
      a1 += h1 << 16;
      a2 += h2 << 16;
      a3 += h3 << 16;
    }
    // unpack and pack both work per 128-bit lane, so the bytes come back in order.
    const __m256i packed = _mm256_packus_epi16(fp_shift_pack(__m256i(a0), __m256i(a1), shift),
                                               fp_shift_pack(__m256i(a2), __m256i(a3), shift));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + x), packed);
  }
  return x;
}
#endif

/// The H (or D) pass over one output row: out[x] = finish(sum_j rows[j][x] * w_j), x < length.
/// `rows` holds count rounded up to even pointers (an odd count repeats its last row, whose
/// weight in lo/hi pairs is 0). Hi == bytes reads `hi_bytes` on AVX2 and `hi_pairs` on SSE2,
/// which has no u8 x s8 multiply-add.
template <fp_hi Hi>
void fp_vertical_impl(std::uint8_t* out, const std::uint8_t* const* rows, const std::int32_t* w,
                      const std::int32_t* lo_pairs, const std::int32_t* hi_pairs, const std::int32_t* hi_bytes,
                      int count, std::int64_t length, int precision) {
  std::int64_t x = 0;
#if RESAMPLE_ISA_LEVEL >= 1
  const int pairs = (count + 1) / 2;
#if RESAMPLE_ISA_LEVEL == 2
  switch (pairs) {  // the common counts unrolled
    case 1:
      x = fp_vertical_32<Hi, 1>(out, rows, lo_pairs, hi_pairs, hi_bytes, pairs, length, precision);
      break;
    case 2:
      x = fp_vertical_32<Hi, 2>(out, rows, lo_pairs, hi_pairs, hi_bytes, pairs, length, precision);
      break;
    default:
      x = fp_vertical_32<Hi, 0>(out, rows, lo_pairs, hi_pairs, hi_bytes, pairs, length, precision);
  }
#endif
  {
    const __m128i zero = _mm_setzero_si128();
    const __m128i bias = _mm_set1_epi32(std::int32_t{1} << (precision - 1));
    const __m128i shift = _mm_cvtsi32_si128(precision);
    for (; x + 16 <= length; x += 16) {
      __m128i lo[4] = {bias, bias, bias, bias};
      __m128i hi[4] = {zero, zero, zero, zero};
      for (int p = 0; p < pairs; ++p) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[2 * p] + x));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[2 * p + 1] + x));
        const __m128i ab_lo = _mm_unpacklo_epi8(a, b);
        const __m128i ab_hi = _mm_unpackhi_epi8(a, b);
        const __m128i v[4] = {_mm_unpacklo_epi8(ab_lo, zero), _mm_unpackhi_epi8(ab_lo, zero),
                              _mm_unpacklo_epi8(ab_hi, zero), _mm_unpackhi_epi8(ab_hi, zero)};
        const __m128i wl = _mm_set1_epi32(lo_pairs[p]);
        for (int i = 0; i < 4; ++i) lo[i] = _mm_add_epi32(lo[i], _mm_madd_epi16(v[i], wl));
        if constexpr (Hi != fp_hi::none) {
          const __m128i wh = _mm_set1_epi32(hi_pairs[p]);
          for (int i = 0; i < 4; ++i) hi[i] = _mm_add_epi32(hi[i], _mm_madd_epi16(v[i], wh));
        }
      }
      __m128i acc[4];
      for (int i = 0; i < 4; ++i) {
        acc[i] = Hi == fp_hi::none ? lo[i] : _mm_add_epi32(lo[i], _mm_slli_epi32(hi[i], 16));
        acc[i] = _mm_sra_epi32(acc[i], shift);
      }
      const __m128i packed = _mm_packus_epi16(_mm_packs_epi32(acc[0], acc[1]), _mm_packs_epi32(acc[2], acc[3]));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x), packed);
    }
  }
#else
  (void)lo_pairs;
  (void)hi_pairs;
#endif
  (void)hi_bytes;
  for (; x < length; ++x) {
    std::int32_t acc = std::int32_t{1} << (precision - 1);
    for (int j = 0; j < count; ++j) acc += static_cast<std::int32_t>(rows[j][x]) * w[j];
    out[x] = fp_finish(acc, precision);
  }
}

/// fp_vertical_impl for the weights of one output: `hi_bytes` is null unless the hi halves fit
/// signed bytes.
inline void fp_vertical(std::uint8_t* out, const std::uint8_t* const* rows, const std::int32_t* w,
                        const std::int32_t* lo_pairs, const std::int32_t* hi_pairs, const std::int32_t* hi_bytes,
                        bool fits_int16, int count, std::int64_t length, int precision) {
  if (fits_int16) {
    fp_vertical_impl<fp_hi::none>(out, rows, w, lo_pairs, hi_pairs, hi_bytes, count, length, precision);
  } else if (hi_bytes) {
    fp_vertical_impl<fp_hi::bytes>(out, rows, w, lo_pairs, hi_pairs, hi_bytes, count, length, precision);
  } else {
    fp_vertical_impl<fp_hi::words>(out, rows, w, lo_pairs, hi_pairs, hi_bytes, count, length, precision);
  }
}

#if RESAMPLE_ISA_LEVEL == 2
/// a + round((b - a) * w / 2^15) with pmulhrsw's rounding: one output of the blend loops below
/// outside their vectors.
inline std::uint8_t fp_blend_one(std::uint8_t a, std::uint8_t b, std::int16_t w) {
  const std::int32_t d = static_cast<std::int32_t>(b) - a;
  return static_cast<std::uint8_t>(a + ((d * w + 16384) >> 15));
}

/// The H (or W) pass of two-tap outputs by blends (fixed_point_axis::blend): out0[x] = a[x] +
/// round((b[x] - a[x]) * w0 / 2^15), and the same into out1 with w1 unless out1 is null (an
/// upscale's neighbours read the same rows), for x < n.
inline void fp_blend_rows(std::uint8_t* out0, std::uint8_t* out1, const std::uint8_t* a, const std::uint8_t* b,
                          std::int16_t w0, std::int16_t w1, std::int64_t n) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i v0 = _mm256_set1_epi16(w0), v1 = _mm256_set1_epi16(w1);
  std::int64_t x = 0;
  for (; x + 32 <= n; x += 32) {
    const __m256i pa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + x));
    const __m256i pb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + x));
    const __m256i a_lo = _mm256_unpacklo_epi8(pa, zero), a_hi = _mm256_unpackhi_epi8(pa, zero);
    const __m256i d_lo = _mm256_sub_epi16(_mm256_unpacklo_epi8(pb, zero), a_lo);
    const __m256i d_hi = _mm256_sub_epi16(_mm256_unpackhi_epi8(pb, zero), a_hi);
    // unpack and pack both work per 128-bit lane, so the bytes come back in order.
    const auto blend = [&](const __m256i& w) {
      return _mm256_packus_epi16(_mm256_add_epi16(a_lo, _mm256_mulhrs_epi16(d_lo, w)),
                                 _mm256_add_epi16(a_hi, _mm256_mulhrs_epi16(d_hi, w)));
    };
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out0 + x), blend(v0));
    if (out1) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out1 + x), blend(v1));
  }
  for (; x < n; ++x) {
    out0[x] = fp_blend_one(a[x], b[x], w0);
    if (out1) out1[x] = fp_blend_one(a[x], b[x], w1);
  }
}

/// The W pass of one planar row by blends (fixed_point_axis::blend_masks): 32 outputs per step
/// from blocks of 16 whose halves each load the 16 bytes from their first output's first index.
/// `in` is a row padded with 16 readable bytes whose pixel 0 is source index `shift`.
inline void fp_blend_row(const std::uint8_t* in, std::uint8_t* out, const std::int64_t* first, const int* count,
                         const std::int16_t* blend, const char* block_fits, const std::uint8_t* masks,
                         std::int64_t out_extent, std::int64_t shift) {
  const auto one_by_one = [&](std::int64_t from, std::int64_t to) {
    for (std::int64_t k = from; k < to; ++k) {
      const std::uint8_t* x = in + first[k] - shift;
      out[k] = fp_blend_one(x[0], x[count[k] > 1 ? 1 : 0], blend[k]);
    }
  };
  const auto block = [&](std::int64_t b) {  // 16 outputs as 16-bit values, in order
    const __m256i pixels = _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + first[b * 16] - shift))),
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + first[b * 16 + 8] - shift)), 1);
    const __m256i x0 = _mm256_shuffle_epi8(pixels, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks + b * 64)));
    const __m256i x1 =
        _mm256_shuffle_epi8(pixels, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks + b * 64 + 32)));
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blend + b * 16));
    return _mm256_add_epi16(x0, _mm256_mulhrs_epi16(_mm256_sub_epi16(x1, x0), w));
  };
  std::int64_t o = 0;
  for (; o + 32 <= out_extent; o += 32) {
    const std::int64_t b = o / 16;
    if (!(block_fits[b] & block_fits[b + 1])) {
      one_by_one(o, o + 32);
      continue;
    }
    // The pack interleaves the two blocks by lane; the permute puts the quarters in order.
    const __m256i packed = _mm256_packus_epi16(block(b), block(b + 1));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + o), _mm256_permute4x64_epi64(packed, 0xD8));
  }
  one_by_one(o, out_extent);
}
#endif

/// Two H-pass output rows that read the same input rows with different weights (an upscale's
/// neighbours): the rows are loaded and widened once for both. `rows` as for fp_vertical_impl.
inline void fp_vertical_two(std::uint8_t* out0, std::uint8_t* out1, const std::uint8_t* const* rows,
                            const std::int32_t* w0, const std::int32_t* w1, const std::int32_t* lo0,
                            const std::int32_t* hi0, const std::int32_t* lo1, const std::int32_t* hi1, bool fits_int16,
                            int count, std::int64_t length, int precision) {
  std::int64_t x = 0;
#if RESAMPLE_ISA_LEVEL == 2
  if (fits_int16) {
    const int pairs = (count + 1) / 2;
    const __m256i zero = _mm256_setzero_si256();
    const __m256i bias = _mm256_set1_epi32(std::int32_t{1} << (precision - 1));
    const __m128i shift = _mm_cvtsi32_si128(precision);
    for (; x + 32 <= length; x += 32) {
      __m256i a0[4] = {bias, bias, bias, bias};
      __m256i a1[4] = {bias, bias, bias, bias};
      for (int p = 0; p < pairs; ++p) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[2 * p] + x));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[2 * p + 1] + x));
        const __m256i ab_lo = _mm256_unpacklo_epi8(a, b);
        const __m256i ab_hi = _mm256_unpackhi_epi8(a, b);
        const __m256i v[4] = {_mm256_unpacklo_epi8(ab_lo, zero), _mm256_unpackhi_epi8(ab_lo, zero),
                              _mm256_unpacklo_epi8(ab_hi, zero), _mm256_unpackhi_epi8(ab_hi, zero)};
        const __m256i wa = _mm256_set1_epi32(lo0[p]);
        const __m256i wb = _mm256_set1_epi32(lo1[p]);
        for (int i = 0; i < 4; ++i) {
          a0[i] = _mm256_add_epi32(a0[i], _mm256_madd_epi16(v[i], wa));
          a1[i] = _mm256_add_epi32(a1[i], _mm256_madd_epi16(v[i], wb));
        }
      }
      for (int i = 0; i < 4; ++i) {
        a0[i] = _mm256_sra_epi32(a0[i], shift);
        a1[i] = _mm256_sra_epi32(a1[i], shift);
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out0 + x),
                          _mm256_packus_epi16(_mm256_packs_epi32(a0[0], a0[1]), _mm256_packs_epi32(a0[2], a0[3])));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out1 + x),
                          _mm256_packus_epi16(_mm256_packs_epi32(a1[0], a1[1]), _mm256_packs_epi32(a1[2], a1[3])));
    }
  }
#endif
  const std::uint8_t* shifted[64];
  if (x < length && count < 64) {
    for (int j = 0; j < (count + 1) / 2 * 2; ++j) shifted[j] = rows[j] + x;
    fp_vertical(out0 + x, shifted, w0, lo0, hi0, nullptr, fits_int16, count, length - x, precision);
    fp_vertical(out1 + x, shifted, w1, lo1, hi1, nullptr, fits_int16, count, length - x, precision);
  } else if (x < length) {
    // Many taps: no offset copy of the row pointers; both rows from the start.
    fp_vertical(out0, rows, w0, lo0, hi0, nullptr, fits_int16, count, length, precision);
    fp_vertical(out1, rows, w1, lo1, hi1, nullptr, fits_int16, count, length, precision);
  }
}

/// The W pass over pixels of 8 bytes (8 packed planar rows, or 8 channels of channels-last
/// pixels): for o in [begin, end), the 8 bytes at out + (o - begin) * out_step are the sums over
/// the pixels at in + (first[o] - shift + j) * in_step.
template <bool Fits16>
void fp_horizontal_8_impl(const std::uint8_t* in, std::int64_t in_step, std::uint8_t* out, std::int64_t out_step,
                          const std::int64_t* first, const int* count, const std::int32_t* weight, int width,
                          const std::int32_t* lo_pairs, const std::int32_t* hi_pairs, int pairs, int precision,
                          std::int64_t begin, std::int64_t end, std::int64_t shift) {
  for (std::int64_t o = begin; o < end; ++o) {
    const std::uint8_t* base = in + (first[o] - shift) * in_step;
    std::uint8_t* target = out + (o - begin) * out_step;
    const int n = count[o];
#if RESAMPLE_ISA_LEVEL >= 1
    const std::int32_t* wl = lo_pairs + o * pairs;
    const std::int32_t* wh = hi_pairs + o * pairs;
    const int used = (n + 1) / 2;
    const __m128i bias = _mm_set1_epi32(std::int32_t{1} << (precision - 1));
#if RESAMPLE_ISA_LEVEL == 2
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    for (int p = 0; p < used; ++p) {
      const std::uint8_t* a = base + 2 * p * in_step;
      const std::uint8_t* b = 2 * p + 1 < n ? a + in_step : a;  // weight 0
      const __m256i v = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a)),
                                                               _mm_loadl_epi64(reinterpret_cast<const __m128i*>(b))));
      lo = _mm256_add_epi32(lo, _mm256_madd_epi16(v, _mm256_set1_epi32(wl[p])));
      if (!Fits16) hi = _mm256_add_epi32(hi, _mm256_madd_epi16(v, _mm256_set1_epi32(wh[p])));
    }
    const __m256i sum = Fits16 ? lo : _mm256_add_epi32(lo, _mm256_slli_epi32(hi, 16));
    const __m128i r0 = fp_finish_4(_mm256_castsi256_si128(sum), bias, precision);
    const __m128i r1 = fp_finish_4(_mm256_extracti128_si256(sum, 1), bias, precision);
#else
    const __m128i zero = _mm_setzero_si128();
    __m128i lo0 = zero, lo1 = zero, hi0 = zero, hi1 = zero;
    for (int p = 0; p < used; ++p) {
      const std::uint8_t* a = base + 2 * p * in_step;
      const std::uint8_t* b = 2 * p + 1 < n ? a + in_step : a;
      const __m128i t = _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a)),
                                          _mm_loadl_epi64(reinterpret_cast<const __m128i*>(b)));
      const __m128i v0 = _mm_unpacklo_epi8(t, zero), v1 = _mm_unpackhi_epi8(t, zero);
      const __m128i l = _mm_set1_epi32(wl[p]);
      lo0 = _mm_add_epi32(lo0, _mm_madd_epi16(v0, l));
      lo1 = _mm_add_epi32(lo1, _mm_madd_epi16(v1, l));
      if (!Fits16) {
        const __m128i h = _mm_set1_epi32(wh[p]);
        hi0 = _mm_add_epi32(hi0, _mm_madd_epi16(v0, h));
        hi1 = _mm_add_epi32(hi1, _mm_madd_epi16(v1, h));
      }
    }
    const __m128i r0 = fp_finish_4(Fits16 ? lo0 : _mm_add_epi32(lo0, _mm_slli_epi32(hi0, 16)), bias, precision);
    const __m128i r1 = fp_finish_4(Fits16 ? lo1 : _mm_add_epi32(lo1, _mm_slli_epi32(hi1, 16)), bias, precision);
#endif
    const __m128i packed = _mm_packs_epi32(r0, r1);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(target), _mm_packus_epi16(packed, packed));
    (void)weight;
    (void)width;
#else
    (void)lo_pairs;
    (void)hi_pairs;
    (void)pairs;
    const std::int32_t* w = weight + o * width;
    for (int c = 0; c < 8; ++c) target[c] = fp_dot(base + c, in_step, w, n, precision);
#endif
  }
}

inline void fp_horizontal_8(const std::uint8_t* in, std::int64_t in_step, std::uint8_t* out, std::int64_t out_step,
                            const std::int64_t* first, const int* count, const std::int32_t* weight, int width,
                            const std::int32_t* lo_pairs, const std::int32_t* hi_pairs, int pairs, bool fits_int16,
                            int precision, std::int64_t begin, std::int64_t end, std::int64_t shift) {
  if (fits_int16) {
    fp_horizontal_8_impl<true>(in, in_step, out, out_step, first, count, weight, width, lo_pairs, hi_pairs, pairs,
                               precision, begin, end, shift);
  } else {
    fp_horizontal_8_impl<false>(in, in_step, out, out_step, first, count, weight, width, lo_pairs, hi_pairs, pairs,
                                precision, begin, end, shift);
  }
}

/// The same over pixels of 16 bytes (16 packed planar rows): twice the rows per multiply-add
/// of fp_horizontal_8 on AVX2; other sets run fp_horizontal_8 on each half.
template <bool Fits16>
void fp_horizontal_16_impl(const std::uint8_t* in, std::uint8_t* out, const std::int64_t* first, const int* count,
                           const std::int32_t* weight, int width, const std::int32_t* lo_pairs,
                           const std::int32_t* hi_pairs, int pairs, int precision, std::int64_t begin,
                           std::int64_t end, std::int64_t shift) {
#if RESAMPLE_ISA_LEVEL == 2
  (void)weight;
  (void)width;
  const __m256i bias = _mm256_set1_epi32(std::int32_t{1} << (precision - 1));
  const __m128i shift_bits = _mm_cvtsi32_si128(precision);
  for (std::int64_t o = begin; o < end; ++o) {
    const std::uint8_t* base = in + (first[o] - shift) * 16;
    const int n = count[o];
    const std::int32_t* wl = lo_pairs + o * pairs;
    const std::int32_t* wh = hi_pairs + o * pairs;
    const int used = (n + 1) / 2;
    __m256i lo0 = bias, lo1 = bias, hi0 = _mm256_setzero_si256(), hi1 = _mm256_setzero_si256();
    for (int p = 0; p < used; ++p) {
      const std::uint8_t* a = base + 2 * p * 16;
      const std::uint8_t* b = 2 * p + 1 < n ? a + 16 : a;  // weight 0
      const __m128i pa = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
      const __m128i pb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
      const __m256i v0 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(pa, pb));  // rows 0-7 as (tap, next tap)
      const __m256i v1 = _mm256_cvtepu8_epi16(_mm_unpackhi_epi8(pa, pb));  // rows 8-15
      const __m256i l = _mm256_set1_epi32(wl[p]);
      lo0 = _mm256_add_epi32(lo0, _mm256_madd_epi16(v0, l));
      lo1 = _mm256_add_epi32(lo1, _mm256_madd_epi16(v1, l));
      if (!Fits16) {
        const __m256i h = _mm256_set1_epi32(wh[p]);
        hi0 = _mm256_add_epi32(hi0, _mm256_madd_epi16(v0, h));
        hi1 = _mm256_add_epi32(hi1, _mm256_madd_epi16(v1, h));
      }
    }
    const __m256i r0 = _mm256_sra_epi32(Fits16 ? lo0 : _mm256_add_epi32(lo0, _mm256_slli_epi32(hi0, 16)), shift_bits);
    const __m256i r1 = _mm256_sra_epi32(Fits16 ? lo1 : _mm256_add_epi32(lo1, _mm256_slli_epi32(hi1, 16)), shift_bits);
    const __m128i rows07 = _mm_packs_epi32(_mm256_castsi256_si128(r0), _mm256_extracti128_si256(r0, 1));
    const __m128i rows8f = _mm_packs_epi32(_mm256_castsi256_si128(r1), _mm256_extracti128_si256(r1, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (o - begin) * 16), _mm_packus_epi16(rows07, rows8f));
  }
#else
  for (int half = 0; half < 2; ++half) {
    fp_horizontal_8_impl<Fits16>(in + 8 * half, 16, out + 8 * half, 16, first, count, weight, width, lo_pairs, hi_pairs,
                                 pairs, precision, begin, end, shift);
  }
#endif
}

inline void fp_horizontal_16(const std::uint8_t* in, std::uint8_t* out, const std::int64_t* first, const int* count,
                             const std::int32_t* weight, int width, const std::int32_t* lo_pairs,
                             const std::int32_t* hi_pairs, int pairs, bool fits_int16, int precision,
                             std::int64_t begin, std::int64_t end, std::int64_t shift) {
  if (fits_int16) {
    fp_horizontal_16_impl<true>(in, out, first, count, weight, width, lo_pairs, hi_pairs, pairs, precision, begin, end,
                                shift);
  } else {
    fp_horizontal_16_impl<false>(in, out, first, count, weight, width, lo_pairs, hi_pairs, pairs, precision, begin, end,
                                 shift);
  }
}

#if RESAMPLE_ISA_LEVEL == 2
// The W pass of planar rows by column pairs (AVX2). 32 rows (or 16) are packed so that each
// pair of adjacent columns (2k, 2k+1) is one or two registers of 16-bit units (byte of column
// 2k, byte of column 2k+1), one unit per row: every output's taps are then read in pairs that
// start at an even column (fixed_point_axis::even_first), and a column pair is packed once for
// all the outputs that read it, ready for 16-bit and u8 x s8 multiply-adds without byte
// interleaving. Registers hold rows 0-7 | 16-23 and 8-15 | 24-31 (32 rows) or 0-7 | 8-15 (16
// rows), the order in which the lane-wise packs of the results come out as rows 0 .. lanes-1.

/// Packs column pairs [0, pairs) of `lanes` (16 or 32) rows into 2 * lanes bytes per pair at
/// `packed` (which has room for 2 pairs more). Rows of planar bytes (channels = 1): pair k is
/// columns 2k, 2k+1 of each row. Rows of interleaved pixels of 2 to 4 channels: pair k is
/// channel k % channels of pixels 2q and 2q+1, q = k / channels, so that each channel of each
/// pixel pair is a column pair. Bytes of a row from `available` on are not read and count as 0.
inline void fp_pack_pairs(const std::uint8_t* const* rows, int lanes, int channels, std::int64_t available,
                          std::int64_t pairs, std::uint8_t* packed) {
  const std::int64_t pair_bytes = 2 * lanes;
  // A block reads 16 bytes of each row: 8 column pairs, or for RGB two pixel pairs (12 bytes,
  // 6 column pairs; the last two packed pairs are then overwritten by the next block). A byte
  // shuffle regroups interleaved pixels in each load.
  const int block_pairs = channels == 3 ? 6 : 8;
  alignas(16) std::int8_t order[16];
  for (int j = 0; j < 16; ++j) {
    const int unit = j / 2, c = unit % channels, q = unit / channels, pixel = 2 * q + j % 2;
    order[j] = static_cast<std::int8_t>(channels == 1 ? j : j < 2 * block_pairs ? pixel * channels + c : j);
  }
  const __m256i regroup = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(order)));
  // Pairs k .. k+7 of rows r0 .. r0+7 (low lanes) and r1 .. r1+7 (high lanes): an 8x8
  // transpose of 16-bit units in each lane.
  const auto block = [&](std::int64_t at, int r0, int r1, std::uint8_t* to) {
    __m256i x[8], t[8];
    for (int i = 0; i < 8; ++i) {
      x[i] = _mm256_inserti128_si256(
          _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[r0 + i] + at))),
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[r1 + i] + at)), 1);
      if (channels > 1) x[i] = _mm256_shuffle_epi8(x[i], regroup);
    }
    for (int i = 0; i < 4; ++i) {  // rows 2i, 2i+1: units 0-3, 4-7
      t[i] = _mm256_unpacklo_epi16(x[2 * i], x[2 * i + 1]);
      t[i + 4] = _mm256_unpackhi_epi16(x[2 * i], x[2 * i + 1]);
    }
    for (int h = 0; h < 8; h += 4) {  // units h, h+1 and h+2, h+3 of rows 0-3, then of rows 4-7
      x[h + 0] = _mm256_unpacklo_epi32(t[h + 0], t[h + 1]);
      x[h + 1] = _mm256_unpackhi_epi32(t[h + 0], t[h + 1]);
      x[h + 2] = _mm256_unpacklo_epi32(t[h + 2], t[h + 3]);
      x[h + 3] = _mm256_unpackhi_epi32(t[h + 2], t[h + 3]);
    }
    for (int u = 0; u < 4; ++u) {  // rows 0-7 of units 2u, 2u+1
      const int from = (u & 1) + (u & 2) * 2;
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(to + 2 * u * pair_bytes), _mm256_unpacklo_epi64(x[from], x[from + 2]));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(to + (2 * u + 1) * pair_bytes),
                          _mm256_unpackhi_epi64(x[from], x[from + 2]));
    }
  };
  const auto blocks = [&](std::int64_t k, std::int64_t at) {
    std::uint8_t* to = packed + k * pair_bytes;
    if (lanes == 32) {
      block(at, 0, 16, to);
      block(at, 8, 24, to + 32);
    } else {
      block(at, 0, 8, to);
    }
  };
  std::int64_t k = 0;
  for (; k + block_pairs <= pairs && 2 * k + 16 <= available; k += block_pairs) blocks(k, 2 * k);
  const std::int64_t whole = std::min(pairs, available / 2);  // planar pairs inside every row
  if (channels == 1 && k < whole && whole >= 8) {  // the last whole pairs, as a block that ends with them
    blocks(whole - 8, 2 * (whole - 8));
    k = whole;
  }
  for (; k < pairs; ++k) {
    const std::int64_t q = k / channels, c = k % channels;
    const std::int64_t first = 2 * q * channels + c, second = first + channels;
    std::uint8_t* to = packed + k * pair_bytes;
    for (int r = 0; r < lanes; ++r) {
      // Row r's unit: register (r / 8) % 2 (32 rows), lane r / 16, or lane r / 8 (16 rows).
      std::uint8_t* unit = to + (lanes == 32 ? ((r >> 3) & 1) * 32 + (r >> 4) * 16 + (r & 7) * 2 : r * 2);
      unit[0] = first < available ? rows[r][first] : 0;
      unit[1] = second < available ? rows[r][second] : 0;
    }
  }
}

/// One output of the W pass over column pairs packed by fp_pack_pairs (Lanes rows) of pixels of
/// `channels` bytes (1 for planar rows): for c < channels, the Lanes bytes at out + c * Lanes are
/// rows 0 .. Lanes-1 of channel c, the sums over the column pairs at pixel_pair + p * step (p <
/// n, or N when N > 0 fixes the count at compile time) with lo halves wl[p] and hi halves as
/// signed bytes wh[p].
template <bool Fits16, int Lanes, int N>
inline __attribute__((always_inline)) void fp_pairs_output(const std::uint8_t* pixel_pair, std::int64_t step,
                                                           int channels, std::uint8_t* out, const std::int32_t* wl,
                                                           const std::int32_t* wh, int n, int precision) {
  const __m256i bias = _mm256_set1_epi32(std::int32_t{1} << (precision - 1));
  const __m256i zero = _mm256_setzero_si256();
  const int count = N > 0 ? N : n;
  // The weights of a fixed count, broadcast once for all channels.
  __m256i lo[N > 0 ? N : 1], hi[N > 0 ? N : 1];
  if constexpr (N > 0) {
    for (int p = 0; p < N; ++p) {
      lo[p] = _mm256_set1_epi32(wl[p]);
      hi[p] = _mm256_set1_epi32(wh[p]);
    }
  }
  for (int c = 0; c < channels; ++c, out += Lanes) {
    // a0, a1: rows 0-3 | 16-19 and 4-7 | 20-23 (32 lanes) or 0-3 | 8-11 and 4-7 | 12-15 (16);
    // a2, a3: rows 8-11 | 24-27 and 12-15 | 28-31. h0, h1: the hi sums of the two registers.
    fp_v8si a0 = fp_v8si(bias), a1 = a0, a2 = a0, a3 = a0;
    fp_v16hi h0 = fp_v16hi(zero), h1 = h0;
    const std::uint8_t* pair = pixel_pair + c * 2 * Lanes;
    for (int p = 0; p < count; ++p, pair += step) {
      const __m256i l = N > 0 ? lo[p] : _mm256_set1_epi32(wl[p]);
      const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pair));
      a0 += fp_v8si(_mm256_madd_epi16(_mm256_unpacklo_epi8(x0, zero), l));
      a1 += fp_v8si(_mm256_madd_epi16(_mm256_unpackhi_epi8(x0, zero), l));
      const __m256i h = Fits16 ? zero : N > 0 ? hi[p] : _mm256_set1_epi32(wh[p]);
      if (!Fits16) h0 += fp_v16hi(_mm256_maddubs_epi16(x0, h));
      if (Lanes == 32) {
        const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pair + 32));
        a2 += fp_v8si(_mm256_madd_epi16(_mm256_unpacklo_epi8(x1, zero), l));
        a3 += fp_v8si(_mm256_madd_epi16(_mm256_unpackhi_epi8(x1, zero), l));
        if (!Fits16) h1 += fp_v16hi(_mm256_maddubs_epi16(x1, h));
      }
    }
    const __m128i bits = _mm_cvtsi32_si128(precision);
    const __m256i r01 = Fits16 ? fp_shift_pack(__m256i(a0), __m256i(a1), bits)
                               : fp_finish_split(__m256i(a0), __m256i(a1), __m256i(h0), precision, count);
    if (Lanes == 32) {
      const __m256i r23 = Fits16 ? fp_shift_pack(__m256i(a2), __m256i(a3), bits)
                                 : fp_finish_split(__m256i(a2), __m256i(a3), __m256i(h1), precision, count);
      // rows 0-7 | 16-23 and 8-15 | 24-31: the byte pack puts them in order.
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_packus_epi16(r01, r23));
    } else {
      const __m128i rows = _mm_packus_epi16(_mm256_castsi256_si128(r01), _mm256_extracti128_si256(r01, 1));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), rows);
    }
  }
}

/// The W pass over column pairs packed by fp_pack_pairs (Lanes rows) of pixels of `channels`
/// bytes: for o in [begin, end), fp_pairs_output of output o into out + (o - begin) * channels
/// * Lanes, from its count[o] pixel pairs from pixel first[o] (even; the packing starts at pixel
/// `shift`, even) with lo halves lo[o * width + p] and hi halves hi[o * width + p].
template <bool Fits16, int Lanes>
void fp_horizontal_pairs_impl(const std::uint8_t* packed, int channels, std::uint8_t* out, const std::int64_t* first,
                              const int* count, const std::int32_t* lo, const std::int32_t* hi, int width,
                              int precision, std::int64_t begin, std::int64_t end, std::int64_t shift) {
  const std::int64_t step = channels * 2 * Lanes;  // bytes from a pixel pair to the next
  for (std::int64_t o = begin; o < end; ++o) {
    const std::uint8_t* pixel_pair = packed + ((first[o] - shift) >> 1) * step;
    std::uint8_t* target = out + (o - begin) * channels * Lanes;
    const std::int32_t* wl = lo + o * width;
    const std::int32_t* wh = hi + o * width;
    switch (count[o]) {  // the common counts unrolled
      case 1:
        fp_pairs_output<Fits16, Lanes, 1>(pixel_pair, step, channels, target, wl, wh, 1, precision);
        break;
      case 2:
        fp_pairs_output<Fits16, Lanes, 2>(pixel_pair, step, channels, target, wl, wh, 2, precision);
        break;
      case 3:
        fp_pairs_output<Fits16, Lanes, 3>(pixel_pair, step, channels, target, wl, wh, 3, precision);
        break;
      default:
        fp_pairs_output<Fits16, Lanes, 0>(pixel_pair, step, channels, target, wl, wh, count[o], precision);
    }
  }
}

inline void fp_horizontal_pairs(const std::uint8_t* packed, int lanes, int channels, std::uint8_t* out,
                                const std::int64_t* first, const int* count, const std::int32_t* lo,
                                const std::int32_t* hi, int width, bool fits_int16, int precision, std::int64_t begin,
                                std::int64_t end, std::int64_t shift) {
  const auto run = [&](auto fits, auto lanes_constant) {
    fp_horizontal_pairs_impl<decltype(fits)::value, decltype(lanes_constant)::value>(
        packed, channels, out, first, count, lo, hi, width, precision, begin, end, shift);
  };
  if (lanes == 32) {
    fits_int16 ? run(std::true_type{}, std::integral_constant<int, 32>{})
               : run(std::false_type{}, std::integral_constant<int, 32>{});
  } else {
    fits_int16 ? run(std::true_type{}, std::integral_constant<int, 16>{})
               : run(std::false_type{}, std::integral_constant<int, 16>{});
  }
}
#endif

/// The W pass over interleaved pixels of K <= 4 bytes (RGB, RGBA...), from a row padded with at
/// least 16 readable bytes past its last pixel, whose pixel 0 is source index `shift`; writes K
/// bytes per output at out + (o - begin) * K (as 4 bytes while the extra ones fall on outputs
/// written later).
template <bool Fits16>
void fp_horizontal_small_impl(const std::uint8_t* in, int channels, std::uint8_t* out, const std::int64_t* first,
                              const int* count, const std::int32_t* weight, int width, const std::int32_t* lo_pairs,
                              const std::int32_t* hi_pairs, int pairs, int precision, std::int64_t begin,
                              std::int64_t end, std::int64_t shift) {
#if RESAMPLE_ISA_LEVEL == 2
  // Byte shuffles that turn pixels 0, 1 (low lane) and 2, 3 (high lane) of a 16-byte load into
  // 16-bit pairs per channel: (c of pixel 0, c of pixel 1), ...
  alignas(32) std::int8_t pattern[32];
  for (int lane = 0; lane < 2; ++lane)
    for (int c = 0; c < 4; ++c) {
      const bool used = c < channels;
      pattern[lane * 16 + c * 4 + 0] = static_cast<std::int8_t>(used ? (2 * lane) * channels + c : -1);
      pattern[lane * 16 + c * 4 + 1] = -1;
      pattern[lane * 16 + c * 4 + 2] = static_cast<std::int8_t>(used ? (2 * lane + 1) * channels + c : -1);
      pattern[lane * 16 + c * 4 + 3] = -1;
    }
  const __m256i shuffle = _mm256_load_si256(reinterpret_cast<const __m256i*>(pattern));
  const __m256i spread = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1);
#elif RESAMPLE_ISA_LEVEL == 1
  const __m128i zero = _mm_setzero_si128();
#endif
  for (std::int64_t o = begin; o < end; ++o) {
    const std::uint8_t* base = in + (first[o] - shift) * channels;
    std::uint8_t* target = out + (o - begin) * channels;
    const int n = count[o];
#if RESAMPLE_ISA_LEVEL >= 1
    const std::int32_t* wl = lo_pairs + o * pairs;
    const std::int32_t* wh = hi_pairs + o * pairs;
    const int used = (n + 1) / 2;
#if RESAMPLE_ISA_LEVEL == 2
    // Four taps per step: pairs p and p + 1 in the two lanes (pairs is even, so p + 1 exists).
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    for (int p = 0; p < used; p += 2) {
      const __m256i pixels = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + 2 * p * channels)));
      const __m256i v = _mm256_shuffle_epi8(pixels, shuffle);
      const __m256i l = _mm256_permutevar8x32_epi32(_mm256_castsi128_si256(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(wl + p))), spread);
      lo = _mm256_add_epi32(lo, _mm256_madd_epi16(v, l));
      if (!Fits16) {
        const __m256i h = _mm256_permutevar8x32_epi32(_mm256_castsi128_si256(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(wh + p))), spread);
        hi = _mm256_add_epi32(hi, _mm256_madd_epi16(v, h));
      }
    }
    __m256i sum256 = Fits16 ? lo : _mm256_add_epi32(lo, _mm256_slli_epi32(hi, 16));
    const __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(sum256), _mm256_extracti128_si256(sum256, 1));
    const __m128i r = fp_finish_4(sum, _mm_set1_epi32(std::int32_t{1} << (precision - 1)), precision);
    const __m128i packed = _mm_packus_epi16(_mm_packs_epi32(r, r), r);
#else
    __m128i lo = zero, hi = zero;
    for (int p = 0; p < used; ++p) {
      // Pixels 2p and 2p+1 as 16-bit pairs per channel; with an odd count the second pixel is
      // padding, weighed 0.
      const __m128i v = _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(base + 2 * p * channels)), zero);
      const __m128i second = channels == 3 ? _mm_srli_si128(v, 6) : channels == 4 ? _mm_srli_si128(v, 8)
                                           : channels == 2 ? _mm_srli_si128(v, 4) : _mm_srli_si128(v, 2);
      const __m128i pair = _mm_unpacklo_epi16(v, second);
      lo = _mm_add_epi32(lo, _mm_madd_epi16(pair, _mm_set1_epi32(wl[p])));
      if (!Fits16) hi = _mm_add_epi32(hi, _mm_madd_epi16(pair, _mm_set1_epi32(wh[p])));
    }
    const __m128i r = fp_finish_4(Fits16 ? lo : _mm_add_epi32(lo, _mm_slli_epi32(hi, 16)),
                                  _mm_set1_epi32(std::int32_t{1} << (precision - 1)), precision);
    const __m128i packed = _mm_packus_epi16(_mm_packs_epi32(r, r), zero);
#endif
    const std::int32_t bytes = _mm_cvtsi128_si32(packed);
    if ((o - begin) * channels + 4 <= (end - begin) * channels) {
      std::memcpy(target, &bytes, 4);
    } else {
      for (int c = 0; c < channels; ++c) target[c] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(bytes) >> (8 * c));
    }
    (void)weight;
    (void)width;
#else
    (void)lo_pairs;
    (void)hi_pairs;
    (void)pairs;
    const std::int32_t* w = weight + o * width;
    for (int c = 0; c < channels; ++c) target[c] = fp_dot(base + c, channels, w, n, precision);
#endif
  }
}

inline void fp_horizontal_small(const std::uint8_t* in, int channels, std::uint8_t* out, const std::int64_t* first,
                                const int* count, const std::int32_t* weight, int width, const std::int32_t* lo_pairs,
                                const std::int32_t* hi_pairs, int pairs, bool fits_int16, int precision,
                                std::int64_t begin, std::int64_t end, std::int64_t shift) {
  if (fits_int16) {
    fp_horizontal_small_impl<true>(in, channels, out, first, count, weight, width, lo_pairs, hi_pairs, pairs, precision,
                                   begin, end, shift);
  } else {
    fp_horizontal_small_impl<false>(in, channels, out, first, count, weight, width, lo_pairs, hi_pairs, pairs, precision,
                                    begin, end, shift);
  }
}

/// The W pass along one planar row (K = 1) in blocks of 8 outputs whose taps lie within 16
/// bytes (fixed_point_axis::row_masks): one 16-byte load, a byte shuffle per pair of taps into
/// 16-bit pairs, multiply-adds; four blocks are packed and stored together. Other blocks and
/// the tail go one output at a time. `in` is a row padded with 16 readable bytes, whose pixel 0
/// is source index `shift`. Returns false when this instruction set has no such loop (the
/// caller then packs rows instead).
#if RESAMPLE_ISA_LEVEL == 2
/// Pairs > 0 fixes the number of tap pairs at compile time (1 and 2 are the common ones).
template <bool Fits16, int Pairs>
void fp_horizontal_row_impl(const std::uint8_t* in, std::uint8_t* out, const std::int64_t* first, const int* count,
                            const std::int32_t* weight, int width, const char* block_fits, const std::uint8_t* masks,
                            const std::int32_t* row_lo, const std::int32_t* row_hi, int row_pairs, int precision,
                            std::int64_t out_extent, std::int64_t shift) {
  const int pairs = Pairs > 0 ? Pairs : row_pairs;
  const __m256i bias = _mm256_set1_epi32(std::int32_t{1} << (precision - 1));
  const __m128i shift_bits = _mm_cvtsi32_si128(precision);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  const auto one_by_one = [&](std::int64_t from, std::int64_t to) {
    for (std::int64_t k = from; k < to; ++k) out[k] = fp_dot(in + first[k] - shift, 1, weight + k * width, count[k], precision);
  };
  const auto block = [&](std::int64_t b) {
    const __m256i pixels = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + first[b * 8] - shift)));
    __m256i lo = bias, hi = _mm256_setzero_si256();
    for (int p = 0; p < pairs; ++p) {
      const std::int64_t at = b * pairs + p;
      const __m256i v = _mm256_shuffle_epi8(pixels, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks + at * 32)));
      lo = _mm256_add_epi32(lo, _mm256_madd_epi16(v, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row_lo + at * 8))));
      if (!Fits16) {
        hi = _mm256_add_epi32(hi, _mm256_madd_epi16(v, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row_hi + at * 8))));
      }
    }
    return _mm256_sra_epi32(Fits16 ? lo : _mm256_add_epi32(lo, _mm256_slli_epi32(hi, 16)), shift_bits);
  };
  std::int64_t o = 0;
  for (; o + 32 <= out_extent; o += 32) {
    const std::int64_t b = o / 8;
    if (!(block_fits[b] & block_fits[b + 1] & block_fits[b + 2] & block_fits[b + 3])) {
      one_by_one(o, o + 32);
      continue;
    }
    const __m256i a0 = block(b), a1 = block(b + 1), a2 = block(b + 2), a3 = block(b + 3);
    // Per lane, block k holds outputs 0-3 | 4-7; packing interleaves the blocks by lane.
    const __m256i packed = _mm256_packus_epi16(_mm256_packs_epi32(a0, a1), _mm256_packs_epi32(a2, a3));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + o), _mm256_permutevar8x32_epi32(packed, order));
  }
  for (; o + 8 <= out_extent; o += 8) {
    if (!block_fits[o / 8]) {
      one_by_one(o, o + 8);
      continue;
    }
    const __m256i acc = block(o / 8);
    const __m256i packed = _mm256_packus_epi16(_mm256_packs_epi32(acc, acc), acc);  // bytes 0-3 of each lane
    const __m128i eight = _mm_unpacklo_epi32(_mm256_castsi256_si128(packed), _mm256_extracti128_si256(packed, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + o), eight);
  }
  one_by_one(o, out_extent);
}

template <bool Fits16>
void fp_horizontal_row_pairs(const std::uint8_t* in, std::uint8_t* out, const std::int64_t* first, const int* count,
                             const std::int32_t* weight, int width, const char* block_fits, const std::uint8_t* masks,
                             const std::int32_t* row_lo, const std::int32_t* row_hi, int row_pairs, int precision,
                             std::int64_t out_extent, std::int64_t shift) {
  if (row_pairs == 1) {
    fp_horizontal_row_impl<Fits16, 1>(in, out, first, count, weight, width, block_fits, masks, row_lo, row_hi, row_pairs,
                                      precision, out_extent, shift);
  } else if (row_pairs == 2) {
    fp_horizontal_row_impl<Fits16, 2>(in, out, first, count, weight, width, block_fits, masks, row_lo, row_hi, row_pairs,
                                      precision, out_extent, shift);
  } else {
    fp_horizontal_row_impl<Fits16, 0>(in, out, first, count, weight, width, block_fits, masks, row_lo, row_hi, row_pairs,
                                      precision, out_extent, shift);
  }
}
#endif

inline bool fp_horizontal_row(const std::uint8_t* in, std::uint8_t* out, const std::int64_t* first, const int* count,
                              const std::int32_t* weight, int width, const char* block_fits,
                              const std::uint8_t* masks, const std::int32_t* row_lo, const std::int32_t* row_hi,
                              int row_pairs, bool fits_int16, int precision, std::int64_t out_extent,
                              std::int64_t shift) {
#if RESAMPLE_ISA_LEVEL == 2
  if (fits_int16) {
    fp_horizontal_row_pairs<true>(in, out, first, count, weight, width, block_fits, masks, row_lo, row_hi, row_pairs,
                                  precision, out_extent, shift);
  } else {
    fp_horizontal_row_pairs<false>(in, out, first, count, weight, width, block_fits, masks, row_lo, row_hi, row_pairs,
                                   precision, out_extent, shift);
  }
  return true;
#else
  (void)in, (void)out, (void)first, (void)count, (void)weight, (void)width, (void)block_fits, (void)masks;
  (void)row_lo, (void)row_hi, (void)row_pairs, (void)fits_int16, (void)precision, (void)out_extent, (void)shift;
  return false;
#endif
}

/// Transposes an 8x8 block of bytes: row i of the result (at out + i*out_step) is byte i of the
/// eight input rows (at in + r*in_step). Packs 8 planar rows into 8-byte pixels and back.
inline void fp_transpose_8x8(const std::uint8_t* in, std::int64_t in_step, std::uint8_t* out, std::int64_t out_step) {
#if RESAMPLE_ISA_LEVEL >= 1
  const auto load = [&](int r) { return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + r * in_step)); };
  const __m128i x0 = _mm_unpacklo_epi8(load(0), load(1));
  const __m128i x1 = _mm_unpacklo_epi8(load(2), load(3));
  const __m128i x2 = _mm_unpacklo_epi8(load(4), load(5));
  const __m128i x3 = _mm_unpacklo_epi8(load(6), load(7));
  const __m128i y0 = _mm_unpacklo_epi16(x0, x1), y1 = _mm_unpackhi_epi16(x0, x1);
  const __m128i y2 = _mm_unpacklo_epi16(x2, x3), y3 = _mm_unpackhi_epi16(x2, x3);
  const __m128i z[4] = {_mm_unpacklo_epi32(y0, y2), _mm_unpackhi_epi32(y0, y2), _mm_unpacklo_epi32(y1, y3),
                        _mm_unpackhi_epi32(y1, y3)};
  for (int i = 0; i < 4; ++i) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + (2 * i) * out_step), z[i]);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + (2 * i + 1) * out_step), _mm_srli_si128(z[i], 8));
  }
#else
  for (int i = 0; i < 8; ++i)
    for (int r = 0; r < 8; ++r) out[i * out_step + r] = in[r * in_step + i];
#endif
}


// Trilinear's passes (see fixed_point_plan.hpp): 2 taps of non-negative 14-bit weights.

/// W pass into 16 bits: x[i] holds a tap pair as 16-bit halves (bytes), w[i] its two int16
/// weights; out[i] = clamp((2^(down-1) + x0*w0 + x1*w1) >> down, 0, 65535).
inline void fp_wide_pairs(const std::uint32_t* x, const std::uint32_t* w, std::uint16_t* out, std::int64_t n,
                          int down) {
  const std::int32_t bias = std::int32_t{1} << (down - 1);
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  {
    const __m256i b = _mm256_set1_epi32(bias);
    const __m128i s = _mm_cvtsi32_si128(down);
    for (; i + 16 <= n; i += 16) {
      const auto acc = [&](std::int64_t k) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + k));
        const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + k));
        return _mm256_sra_epi32(_mm256_add_epi32(b, _mm256_madd_epi16(v, c)), s);
      };
      // packus works per 128-bit lane: 64-bit quarters come out as 0, 2, 1, 3.
      const __m256i packed = _mm256_packus_epi32(acc(i), acc(i + 8));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_permute4x64_epi64(packed, 0xD8));
    }
  }
#endif
#if RESAMPLE_ISA_LEVEL >= 1
  {
    // No packus_epi32 in SSE2: clamp to [0, 65535] as a signed pack of value - 32768.
    const __m128i b = _mm_set1_epi32(bias - 32768 * (std::int32_t{1} << down));
    const __m128i s = _mm_cvtsi32_si128(down);
    const __m128i flip = _mm_set1_epi16(static_cast<std::int16_t>(-32768));
    for (; i + 8 <= n; i += 8) {
      const auto acc = [&](std::int64_t k) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + k));
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + k));
        return _mm_sra_epi32(_mm_add_epi32(b, _mm_madd_epi16(v, c)), s);
      };
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_xor_si128(_mm_packs_epi32(acc(i), acc(i + 4)), flip));
    }
  }
#endif
  for (; i < n; ++i) {
    const std::int32_t acc = bias + static_cast<std::int32_t>(x[i] & 0xFFFFu) * static_cast<std::int16_t>(w[i] & 0xFFFFu) +
                             static_cast<std::int32_t>(x[i] >> 16) * static_cast<std::int16_t>(w[i] >> 16);
    out[i] = static_cast<std::uint16_t>(acc <= 0 ? 0 : std::min<std::int32_t>(acc >> down, 65535));
  }
}

/// W pass of one planar row into 16 bits: out[o] = clamp((2^(down-1) + x[first[o]] * lo16(w[o])
/// + x[first[o] + 1] * hi16(w[o])) >> down, 0, 65535), from a row padded with 4 readable bytes
/// (a single tap has the second weight 0).
inline void fp_wide_row(const std::uint8_t* x, const std::int32_t* first, const std::uint32_t* w, std::uint16_t* out,
                        std::int64_t n, int down) {
  const std::int32_t bias = std::int32_t{1} << (down - 1);
  std::int64_t o = 0;
#if RESAMPLE_ISA_LEVEL == 2
  {
    const __m256i b = _mm256_set1_epi32(bias);
    const __m128i s = _mm_cvtsi32_si128(down);
    // Bytes 0 and 1 of each gathered int32 as its 16-bit halves.
    const __m256i spread = _mm256_setr_epi8(0, -128, 1, -128, 4, -128, 5, -128, 8, -128, 9, -128, 12, -128, 13, -128,
                                            0, -128, 1, -128, 4, -128, 5, -128, 8, -128, 9, -128, 12, -128, 13, -128);
    for (; o + 16 <= n; o += 16) {
      const auto acc = [&](std::int64_t k) {
        const __m256i at = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(first + k));
        const __m256i v = _mm256_shuffle_epi8(_mm256_i32gather_epi32(reinterpret_cast<const int*>(x), at, 1), spread);
        const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + k));
        return _mm256_sra_epi32(_mm256_add_epi32(b, _mm256_madd_epi16(v, c)), s);
      };
      const __m256i packed = _mm256_packus_epi32(acc(o), acc(o + 8));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + o), _mm256_permute4x64_epi64(packed, 0xD8));
    }
  }
#endif
  for (; o < n; ++o) {
    const std::int32_t acc = bias + static_cast<std::int32_t>(x[first[o]]) * static_cast<std::int16_t>(w[o] & 0xFFFFu) +
                             static_cast<std::int32_t>(x[first[o] + 1]) * static_cast<std::int16_t>(w[o] >> 16);
    out[o] = static_cast<std::uint16_t>(acc <= 0 ? 0 : std::min<std::int32_t>(acc >> down, 65535));
  }
}

/// H or D pass over 16-bit rows: out[i] = clamp((2^(down-1) + a[i]*w0 + b[i]*w1) >> down) to
/// 65535 (Out = uint16_t) or 255 (uint8_t). The vector loops multiply-add a - 32768 and
/// b - 32768 as int16 and add 32768 * (w0 + w1) back: exact, as w0, w1 < 2^15.
template <class Out>
void fp_wide_vertical(Out* out, const std::uint16_t* a, const std::uint16_t* b, std::int32_t w0, std::int32_t w1,
                      std::int64_t n, int down) {
  constexpr bool bytes = sizeof(Out) == 1;
  const std::int32_t bias = std::int32_t{1} << (down - 1);
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL >= 1
  const std::int32_t pair = static_cast<std::int32_t>((static_cast<std::uint32_t>(w1) << 16) | static_cast<std::uint32_t>(w0));
  const std::int32_t base = bias + 32768 * (w0 + w1);
#endif
#if RESAMPLE_ISA_LEVEL == 2
  {
    const __m256i flip = _mm256_set1_epi16(static_cast<std::int16_t>(-32768));
    const __m256i weights = _mm256_set1_epi32(pair);
    const __m256i c = _mm256_set1_epi32(base);
    const __m128i s = _mm_cvtsi32_si128(down);
    // 16 values: unpacklo / unpackhi hold 0-3 | 8-11 and 4-7 | 12-15; a lane-wise pack
    // restores the order.
    const auto sixteen = [&](std::int64_t k, bool signed_pack) {
      const __m256i va = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + k)), flip);
      const __m256i vb = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + k)), flip);
      const __m256i lo = _mm256_sra_epi32(_mm256_add_epi32(c, _mm256_madd_epi16(_mm256_unpacklo_epi16(va, vb), weights)), s);
      const __m256i hi = _mm256_sra_epi32(_mm256_add_epi32(c, _mm256_madd_epi16(_mm256_unpackhi_epi16(va, vb), weights)), s);
      return signed_pack ? _mm256_packs_epi32(lo, hi) : _mm256_packus_epi32(lo, hi);
    };
    if (bytes) {
      for (; i + 32 <= n; i += 32) {
        const __m256i packed = _mm256_packus_epi16(sixteen(i, true), sixteen(i + 16, true));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_permute4x64_epi64(packed, 0xD8));
      }
    } else {
      for (; i + 16 <= n; i += 16) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), sixteen(i, false));
    }
  }
#endif
#if RESAMPLE_ISA_LEVEL >= 1
  {
    const __m128i flip = _mm_set1_epi16(static_cast<std::int16_t>(-32768));
    const __m128i weights = _mm_set1_epi32(pair);
    const __m128i s = _mm_cvtsi32_si128(down);
    // uint16 results: packed signed as value - 32768 (see fp_wide_pairs).
    const __m128i c = _mm_set1_epi32(bytes ? base : base - 32768 * (std::int32_t{1} << down));
    const auto eight = [&](std::int64_t k) {
      const __m128i va = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + k)), flip);
      const __m128i vb = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + k)), flip);
      const __m128i lo = _mm_sra_epi32(_mm_add_epi32(c, _mm_madd_epi16(_mm_unpacklo_epi16(va, vb), weights)), s);
      const __m128i hi = _mm_sra_epi32(_mm_add_epi32(c, _mm_madd_epi16(_mm_unpackhi_epi16(va, vb), weights)), s);
      return _mm_packs_epi32(lo, hi);
    };
    if (bytes) {
      for (; i + 16 <= n; i += 16) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packus_epi16(eight(i), eight(i + 8)));
      }
    } else {
      for (; i + 8 <= n; i += 8) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_xor_si128(eight(i), flip));
    }
  }
#endif
  const std::int32_t max_out = bytes ? 255 : 65535;
  for (; i < n; ++i) {
    const std::int32_t acc = bias + static_cast<std::int32_t>(a[i]) * w0 + static_cast<std::int32_t>(b[i]) * w1;
    out[i] = static_cast<Out>(acc <= 0 ? 0 : std::min<std::int32_t>(acc >> down, max_out));
  }
}

inline void fp_wide_vertical_16(std::uint16_t* out, const std::uint16_t* a, const std::uint16_t* b, std::int32_t w0,
                                std::int32_t w1, std::int64_t n, int down) {
  fp_wide_vertical<std::uint16_t>(out, a, b, w0, w1, n, down);
}
inline void fp_wide_vertical_8(std::uint8_t* out, const std::uint16_t* a, const std::uint16_t* b, std::int32_t w0,
                               std::int32_t w1, std::int64_t n, int down) {
  fp_wide_vertical<std::uint8_t>(out, a, b, w0, w1, n, down);
}

// Area (fixed_point_area.hpp).

/// acc[i] += row[i] for i < n (16-bit column sums of at most 128 rows).
inline void fp_area_add_row(std::uint16_t* acc, const std::uint8_t* row, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + i));
    __m256i* p0 = reinterpret_cast<__m256i*>(acc + i);
    __m256i* p1 = reinterpret_cast<__m256i*>(acc + i + 16);
    _mm256_storeu_si256(p0, _mm256_add_epi16(_mm256_loadu_si256(p0), _mm256_cvtepu8_epi16(_mm256_castsi256_si128(v))));
    _mm256_storeu_si256(p1, _mm256_add_epi16(_mm256_loadu_si256(p1), _mm256_cvtepu8_epi16(_mm256_extracti128_si256(v, 1))));
  }
#endif
#if RESAMPLE_ISA_LEVEL >= 1
  const __m128i zero = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i));
    __m128i* p0 = reinterpret_cast<__m128i*>(acc + i);
    __m128i* p1 = reinterpret_cast<__m128i*>(acc + i + 8);
    _mm_storeu_si128(p0, _mm_add_epi16(_mm_loadu_si128(p0), _mm_unpacklo_epi8(v, zero)));
    _mm_storeu_si128(p1, _mm_add_epi16(_mm_loadu_si128(p1), _mm_unpackhi_epi8(v, zero)));
  }
#endif
  for (; i < n; ++i) acc[i] = static_cast<std::uint16_t>(acc[i] + row[i]);
}

/// Window sums of one planar row whose windows are [k*o, k*o + k), k = 2 or 4: sums[o] for
/// o < n, from column sums acc (each < 2^15, so int16 multiply-adds by 1 are exact).
inline void fp_area_sum_uniform(const std::uint16_t* acc, int k, std::uint32_t* sums, std::int64_t n) {
  std::int64_t o = 0;
#if RESAMPLE_ISA_LEVEL == 2
  const __m256i ones = _mm256_set1_epi16(1);
  if (k == 2) {
    for (; o + 8 <= n; o += 8) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + 2 * o));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(sums + o), _mm256_madd_epi16(v, ones));
    }
  } else if (k == 4) {
    for (; o + 8 <= n; o += 8) {
      const __m256i p0 = _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + 4 * o)), ones);
      const __m256i p1 = _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + 4 * o + 16)), ones);
      // hadd pairs within lanes: quarters come out as 0, 2, 1, 3.
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(sums + o), _mm256_permute4x64_epi64(_mm256_hadd_epi32(p0, p1), 0xD8));
    }
  }
#elif RESAMPLE_ISA_LEVEL == 1
  const __m128i ones = _mm_set1_epi16(1);
  if (k == 2) {
    for (; o + 4 <= n; o += 4) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + 2 * o));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(sums + o), _mm_madd_epi16(v, ones));
    }
  } else if (k == 4) {
    for (; o + 4 <= n; o += 4) {
      const __m128i p0 = _mm_madd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + 4 * o)), ones);
      const __m128i p1 = _mm_madd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + 4 * o + 8)), ones);
      const __m128i q0 = _mm_add_epi32(p0, _mm_srli_epi64(p0, 32));  // sums in 32-bit slots 0, 2
      const __m128i q1 = _mm_add_epi32(p1, _mm_srli_epi64(p1, 32));
      const __m128i even = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(q0), _mm_castsi128_ps(q1), 0x88));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(sums + o), even);
    }
  }
#endif
  for (; o < n; ++o) {
    std::uint32_t s = 0;
    for (int j = 0; j < k; ++j) s += acc[o * k + j];
    sums[o] = s;
  }
}

/// out[i] = (2 * sums[i] + count[i]) / (2 * count[i]), the window mean rounded half up, for
/// counts <= 2^15. Vector loops estimate the quotient in float and correct it by the exact
/// remainder (every value below 2^24, so float holds it exactly); the bits are the division's.
inline void fp_area_finish(const std::uint32_t* sums, const std::uint32_t* count, std::uint8_t* out, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL >= 1
  const auto four = [](__m128i s, __m128i c) {
    const __m128 num = _mm_cvtepi32_ps(_mm_add_epi32(_mm_add_epi32(s, s), c));
    const __m128 den = _mm_cvtepi32_ps(_mm_add_epi32(c, c));
    __m128 q = _mm_cvtepi32_ps(_mm_cvttps_epi32(_mm_div_ps(num, den)));
    const __m128 r = _mm_sub_ps(num, _mm_mul_ps(q, den));
    const __m128 one = _mm_set1_ps(1.0f);
    q = _mm_add_ps(q, _mm_and_ps(_mm_cmpge_ps(r, den), one));
    q = _mm_sub_ps(q, _mm_and_ps(_mm_cmplt_ps(r, _mm_setzero_ps()), one));
    return _mm_cvttps_epi32(q);
  };
  for (; i + 16 <= n; i += 16) {
    __m128i q[4];
    for (int k = 0; k < 4; ++k) {
      q[k] = four(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sums + i + 4 * k)),
                  _mm_loadu_si128(reinterpret_cast<const __m128i*>(count + i + 4 * k)));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm_packus_epi16(_mm_packs_epi32(q[0], q[1]), _mm_packs_epi32(q[2], q[3])));
  }
#endif
  for (; i < n; ++i) out[i] = static_cast<std::uint8_t>((2 * sums[i] + count[i]) / (2 * count[i]));
}

/// Two 16x16 byte transposes: byte c of row k of block b (16 bytes at in_b + k * in_step)
/// goes to byte k of row c (at out_b + c * out_step), b = 0, 1. Packs 32 planar rows into
/// 32-byte pixels (and back) in the two lanes of AVX2 registers.
inline void fp_transpose_16x16x2(const std::uint8_t* in0, const std::uint8_t* in1, std::int64_t in_step,
                                 std::uint8_t* out0, std::uint8_t* out1, std::int64_t out_step) {
#if RESAMPLE_ISA_LEVEL == 2
  __m256i x[16], t[16];
  for (int k = 0; k < 16; ++k) {
    x[k] = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in0 + k * in_step))),
                                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(in1 + k * in_step)), 1);
  }
  for (int i = 0; i < 8; ++i) {  // rows 2i, 2i+1 as 16-bit units: columns 0-7, 8-15
    t[i] = _mm256_unpacklo_epi8(x[2 * i], x[2 * i + 1]);
    t[i + 8] = _mm256_unpackhi_epi8(x[2 * i], x[2 * i + 1]);
  }
  for (int h = 0; h < 16; h += 8)
    for (int i = 0; i < 4; ++i) {  // rows 4i .. 4i+3 as 32-bit units: columns h + 0-3, h + 4-7
      x[h + i] = _mm256_unpacklo_epi16(t[h + 2 * i], t[h + 2 * i + 1]);
      x[h + i + 4] = _mm256_unpackhi_epi16(t[h + 2 * i], t[h + 2 * i + 1]);
    }
  for (int g = 0; g < 16; g += 4)
    for (int j = 0; j < 2; ++j) {  // rows 8j .. 8j+7 as 64-bit units: columns g, g+1 and g+2, g+3
      t[g + j] = _mm256_unpacklo_epi32(x[g + 2 * j], x[g + 2 * j + 1]);
      t[g + j + 2] = _mm256_unpackhi_epi32(x[g + 2 * j], x[g + 2 * j + 1]);
    }
  for (int g = 0; g < 16; g += 2) {  // columns g and g+1, rows 0-15
    x[g] = _mm256_unpacklo_epi64(t[g], t[g + 1]);
    x[g + 1] = _mm256_unpackhi_epi64(t[g], t[g + 1]);
  }
  for (int c = 0; c < 16; ++c) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out0 + c * out_step), _mm256_castsi256_si128(x[c]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out1 + c * out_step), _mm256_extracti128_si256(x[c], 1));
  }
#else
  for (int k = 0; k < 16; ++k)
    for (int c = 0; c < 16; ++c) {
      out0[c * out_step + k] = in0[k * in_step + c];
      out1[c * out_step + k] = in1[k * in_step + c];
    }
#endif
}

}  // namespace resample::detail::RESAMPLE_ISA_NAMESPACE::fixed_point
