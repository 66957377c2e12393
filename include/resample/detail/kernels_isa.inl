// SPDX-License-Identifier: MIT
// The vectorised inner loops, written once and compiled once per instruction set: kernels.hpp
// includes this file through isa_variants.inl in namespaces `portable` (one lane, any CPU), `sse2` and `avx2` (the
// latter under a target pragma, chosen at run time). Every lane performs the same IEEE
// multiplies and adds, in the same order, as the scalar formula: the sets give identical bits.
// No include guard: included by isa_variants.inl once per set, with RESAMPLE_ISA_NAMESPACE and RESAMPLE_ISA_LEVEL
// (0 portable, 1 SSE2, 2 AVX2) defined.

namespace resample::detail::RESAMPLE_ISA_NAMESPACE {

/// One SIMD register of T: load, store, broadcast, multiply, add (static members: functions
/// defined in the class pick up the target pragma of the including region).
template <class T>
struct vec {
  static constexpr int lanes = 1;
  T value;
  static vec load(const T* p) { return {*p}; }
  static vec broadcast(T x) { return {x}; }
  void store(T* p) const { *p = value; }
  static vec mul(vec a, vec b) { return {a.value * b.value}; }
  static vec add(vec a, vec b) { return {a.value + b.value}; }
};

#if RESAMPLE_ISA_LEVEL == 1
template <>
struct vec<float> {
  static constexpr int lanes = 4;
  __m128 value;
  static vec load(const float* p) { return {_mm_loadu_ps(p)}; }
  static vec broadcast(float x) { return {_mm_set1_ps(x)}; }
  void store(float* p) const { _mm_storeu_ps(p, value); }
  static vec mul(vec a, vec b) { return {_mm_mul_ps(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm_add_ps(a.value, b.value)}; }
};
template <>
struct vec<double> {
  static constexpr int lanes = 2;
  __m128d value;
  static vec load(const double* p) { return {_mm_loadu_pd(p)}; }
  static vec broadcast(double x) { return {_mm_set1_pd(x)}; }
  void store(double* p) const { _mm_storeu_pd(p, value); }
  static vec mul(vec a, vec b) { return {_mm_mul_pd(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm_add_pd(a.value, b.value)}; }
};
#elif RESAMPLE_ISA_LEVEL == 2
template <>
struct vec<float> {
  static constexpr int lanes = 8;
  __m256 value;
  static vec load(const float* p) { return {_mm256_loadu_ps(p)}; }
  static vec broadcast(float x) { return {_mm256_set1_ps(x)}; }
  void store(float* p) const { _mm256_storeu_ps(p, value); }
  static vec mul(vec a, vec b) { return {_mm256_mul_ps(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm256_add_ps(a.value, b.value)}; }
};
template <>
struct vec<double> {
  static constexpr int lanes = 4;
  __m256d value;
  static vec load(const double* p) { return {_mm256_loadu_pd(p)}; }
  static vec broadcast(double x) { return {_mm256_set1_pd(x)}; }
  void store(double* p) const { _mm256_storeu_pd(p, value); }
  static vec mul(vec a, vec b) { return {_mm256_mul_pd(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm256_add_pd(a.value, b.value)}; }
};
#endif

/// out[x] = sum_j line_j[x] * weight[j] over x in [0, length), with line_j = base + index[j]*step,
/// unit strides, the sum taken left to right.
template <class T>
void weighted_run_contiguous(T* out, const T* base, std::int64_t step, const std::int64_t* index, const T* weight,
                             int count, std::int64_t length) {
  using V = vec<T>;
  constexpr std::int64_t lanes = V::lanes;
  constexpr std::int64_t unroll = 4;
  std::int64_t x = 0;
  const T* l0 = base + index[0] * step;
  const V w0 = V::broadcast(weight[0]);
  for (; x + unroll * lanes <= length; x += unroll * lanes) {
    V acc[unroll];
    for (int u = 0; u < unroll; ++u) acc[u] = V::mul(V::load(l0 + x + u * lanes), w0);
    for (int j = 1; j < count; ++j) {
      const T* lj = base + index[j] * step + x;
      const V wj = V::broadcast(weight[j]);
      for (int u = 0; u < unroll; ++u) acc[u] = V::add(acc[u], V::mul(V::load(lj + u * lanes), wj));
    }
    for (int u = 0; u < unroll; ++u) acc[u].store(out + x + u * lanes);
  }
  for (; x < length; ++x) {
    T acc = l0[x] * weight[0];
    for (int j = 1; j < count; ++j) acc += base[index[j] * step + x] * weight[j];
    out[x] = acc;
  }
}

/// The W pass over packed columns of `packed_width` values (see transpose.hpp): column o of
/// `out` is the weighted sum of the input columns output o reads. FixedTaps > 0 unrolls.
template <class T, int FixedTaps>
void packed_columns(const T* base, T* out, std::int64_t packed_width, const std::int64_t* indices, const T* weights,
                    const int* counts, int width, std::int64_t begin, std::int64_t end) {
  using V = vec<T>;
  constexpr int registers = 32 / static_cast<int>(sizeof(T)) / V::lanes;
  for (std::int64_t o = begin; o < end; ++o) {
    const std::int64_t* i = indices + o * width;
    const T* w = weights + o * width;
    const int taps = FixedTaps > 0 ? FixedTaps : counts[o];
    V acc[registers];
    const T* a = base + i[0] * packed_width;
    const V w0 = V::broadcast(w[0]);
    for (int v = 0; v < registers; ++v) acc[v] = V::mul(V::load(a + v * V::lanes), w0);
    for (int j = 1; j < taps; ++j) {
      const T* b = base + i[j] * packed_width;
      const V wj = V::broadcast(w[j]);
      for (int v = 0; v < registers; ++v) acc[v] = V::add(acc[v], V::mul(V::load(b + v * V::lanes), wj));
    }
    T* column = out + (o - begin) * packed_width;
    for (int v = 0; v < registers; ++v) acc[v].store(column + v * V::lanes);
  }
}

template <class T>
void packed_rows(const T* base, T* out, std::int64_t packed_width, const std::int64_t* indices, const T* weights,
                 const int* counts, int width, bool full_width, std::int64_t begin, std::int64_t end) {
  if (full_width && width == 2) {
    packed_columns<T, 2>(base, out, packed_width, indices, weights, counts, width, begin, end);
  } else if (full_width && width == 4) {
    packed_columns<T, 4>(base, out, packed_width, indices, weights, counts, width, begin, end);
  } else {
    packed_columns<T, 0>(base, out, packed_width, indices, weights, counts, width, begin, end);
  }
}

/// Output rows of a 2-tap by 2-tap resampling of channel vectors (channels-last bilinear):
/// pixel o is (a[i0]*w0 + a[i1]*w1)*h0 + (b[i0]*w0 + b[i1]*w1)*h1 per channel, with a and b the
/// two input rows: the W pass then the H pass, in their order and precision, without storing
/// the W-resampled rows. `rows` (1 or 2) output rows read the same input rows, each with its
/// own H weights `h[2*r]`, `h[2*r+1]`: the W sums are shared.
template <class T>
void bilinear_channels_rows(T* const* out, int rows, const T* a, const T* b, const T* h, const std::int64_t* index,
                            const T* weight, std::int64_t pixels, std::int64_t channels) {
  using V = vec<T>;
  const V h00 = V::broadcast(h[0]), h01 = V::broadcast(h[1]);
  const V h10 = V::broadcast(rows > 1 ? h[2] : h[0]), h11 = V::broadcast(rows > 1 ? h[3] : h[1]);
  for (std::int64_t o = 0; o < pixels; ++o) {
    const T* a0 = a + index[2 * o] * channels;
    const T* a1 = a + index[2 * o + 1] * channels;
    const T* b0 = b + index[2 * o] * channels;
    const T* b1 = b + index[2 * o + 1] * channels;
    const T w0 = weight[2 * o], w1 = weight[2 * o + 1];
    const V vw0 = V::broadcast(w0), vw1 = V::broadcast(w1);
    T* first = out[0] + o * channels;
    T* second = rows > 1 ? out[1] + o * channels : nullptr;
    std::int64_t c = 0;
    for (; c + V::lanes <= channels; c += V::lanes) {
      const V r0 = V::add(V::mul(V::load(a0 + c), vw0), V::mul(V::load(a1 + c), vw1));
      const V r1 = V::add(V::mul(V::load(b0 + c), vw0), V::mul(V::load(b1 + c), vw1));
      V::add(V::mul(r0, h00), V::mul(r1, h01)).store(first + c);
      if (second) V::add(V::mul(r0, h10), V::mul(r1, h11)).store(second + c);
    }
    for (; c < channels; ++c) {
      const T r0 = a0[c] * w0 + a1[c] * w1;
      const T r1 = b0[c] * w0 + b1[c] * w1;
      first[c] = r0 * h[0] + r1 * h[1];
      if (second) second[c] = r0 * h[2] + r1 * h[3];
    }
  }
}

#if RESAMPLE_ISA_LEVEL == 2
inline __m256 load_bits(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load_bits(const double* p) { return _mm256_castpd_ps(_mm256_loadu_pd(p)); }
template <class T>
vec<T> from_bits(__m256 bits) {
  if constexpr (std::is_same_v<T, float>) {
    return {bits};
  } else {
    return {_mm256_castps_pd(bits)};
  }
}
template <class T>
__m256 to_bits(vec<T> v) {
  if constexpr (std::is_same_v<T, float>) {
    return v.value;
  } else {
    return _mm256_castpd_ps(v.value);
  }
}

/// The W pass of one planar row over whole blocks of outputs (see permuted_taps.hpp).
/// FixedTaps > 0 unrolls; TwoLoads and Full select the table's variant once per row.
template <class T, int FixedTaps, bool TwoLoads, bool Full>
void permuted_blocks(const T* row, T* out, const permuted_taps<T>& p) {
  using V = vec<T>;
  constexpr int lanes = permuted_taps<T>::lanes;
  const int width = p.width;
  const int taps = FixedTaps > 0 ? FixedTaps : width;
  const std::int64_t* base = p.base.data();
  const std::int32_t* control = p.control.data();
  const std::int32_t* from_second = p.from_second.data();
  const std::int32_t* active = p.active.data();
  const T* weight = p.weight.data();
  for (std::int64_t b = 0; b < p.blocks; ++b) {
    const std::int64_t first = b * width;
    V acc{};
    for (int j = 0; j < taps; ++j) {
      const std::int64_t slot = first + j;
      const T* source = row + base[slot];
      const __m256i lane = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(control + slot * 8));
      __m256 x = _mm256_permutevar8x32_ps(load_bits(source), lane);
      if constexpr (TwoLoads) {
        const __m256 y = _mm256_permutevar8x32_ps(load_bits(source + lanes), lane);
        const __m256 second = _mm256_loadu_ps(reinterpret_cast<const float*>(from_second + slot * 8));
        x = _mm256_blendv_ps(x, y, second);
      }
      const V term = V::mul(from_bits<T>(x), V::load(weight + slot * lanes));
      if (j == 0) {
        acc = term;
      } else if constexpr (Full) {
        acc = V::add(acc, term);
      } else {
        // Outputs with fewer taps keep their sum: adding x*0 could turn -0 into +0 or leak NaN.
        const __m256 used = _mm256_loadu_ps(reinterpret_cast<const float*>(active + slot * 8));
        acc = from_bits<T>(_mm256_blendv_ps(to_bits(acc), to_bits(V::add(acc, term)), used));
      }
    }
    acc.store(out + b * lanes);
  }
}

template <class T, int FixedTaps>
void permuted_blocks_of(const T* row, T* out, const permuted_taps<T>& p) {
  if (p.two_loads) {
    p.full ? permuted_blocks<T, FixedTaps, true, true>(row, out, p) : permuted_blocks<T, FixedTaps, true, false>(row, out, p);
  } else {
    p.full ? permuted_blocks<T, FixedTaps, false, true>(row, out, p)
           : permuted_blocks<T, FixedTaps, false, false>(row, out, p);
  }
}

/// The nearest-neighbour W pass of one planar row over blocks [first_block, end_block) (out is
/// the whole output row): the permuted loads are
/// stored as they are, so every bit pattern (signalling NaNs included) is copied unchanged.
template <class T>
void permuted_copy(const T* row, T* out, const permuted_taps<T>& p, std::int64_t first_block, std::int64_t end_block) {
  constexpr int lanes = permuted_taps<T>::lanes;
  for (std::int64_t b = first_block; b < end_block; ++b) {
    const T* source = row + p.base[b];
    const __m256i lane = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.control.data() + b * 8));
    __m256 x = _mm256_permutevar8x32_ps(load_bits(source), lane);
    if (p.two_loads) {
      const __m256 y = _mm256_permutevar8x32_ps(load_bits(source + lanes), lane);
      x = _mm256_blendv_ps(x, y, _mm256_loadu_ps(reinterpret_cast<const float*>(p.from_second.data() + b * 8)));
    }
    _mm256_storeu_ps(reinterpret_cast<float*>(out + b * lanes), x);
  }
}

template <class T>
void permuted_row(const T* row, T* out, const permuted_taps<T>& p) {
  if (p.full && p.width == 2) {
    permuted_blocks_of<T, 2>(row, out, p);
  } else if (p.full && p.width == 4) {
    permuted_blocks_of<T, 4>(row, out, p);
  } else {
    permuted_blocks_of<T, 0>(row, out, p);
  }
}
#endif

/// 16-bit floats <-> float over n contiguous values, with the rounding of half_bits.hpp.
/// AVX2 builds use F16C for float16 and integer lanes for bfloat16; the tails and the portable
/// set call the scalar conversions, which give the same bits.
inline void widen_float16(const std::uint16_t* in, float* out, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
  }
#endif
  for (; i < n; ++i) out[i] = float16_bits_to_float(in[i]);
}

inline void narrow_float16(const float* in, std::uint16_t* out, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
#endif
  for (; i < n; ++i) out[i] = float_to_float16_bits(in[i]);
}

inline void widen_bfloat16(const std::uint16_t* in, float* out, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  for (; i + 8 <= n; i += 8) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i)));
    _mm256_storeu_ps(out + i, _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16)));
  }
#elif RESAMPLE_ISA_LEVEL == 1
  const __m128i zero = _mm_setzero_si128();
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    _mm_storeu_ps(out + i, _mm_castsi128_ps(_mm_unpacklo_epi16(zero, h)));
    _mm_storeu_ps(out + i + 4, _mm_castsi128_ps(_mm_unpackhi_epi16(zero, h)));
  }
#endif
  for (; i < n; ++i) out[i] = bfloat16_bits_to_float(in[i]);
}

#if RESAMPLE_ISA_LEVEL == 1
/// float bits -> bfloat16 bits in the low half of each 32-bit lane (see float_to_bfloat16_bits).
inline __m128i bfloat16_round(__m128i u) {
  const __m128i magnitude = _mm_and_si128(u, _mm_set1_epi32(0x7FFFFFFF));
  const __m128i nan = _mm_cmpgt_epi32(magnitude, _mm_set1_epi32(0x7F800000));
  const __m128i odd = _mm_and_si128(_mm_srli_epi32(u, 16), _mm_set1_epi32(1));
  const __m128i rounded = _mm_srli_epi32(_mm_add_epi32(_mm_add_epi32(u, _mm_set1_epi32(0x7FFF)), odd), 16);
  const __m128i quiet = _mm_or_si128(_mm_srli_epi32(u, 16), _mm_set1_epi32(0x40));
  const __m128i bits = _mm_or_si128(_mm_and_si128(nan, quiet), _mm_andnot_si128(nan, rounded));
  return _mm_srai_epi32(_mm_slli_epi32(bits, 16), 16);  // sign-extend so the signed pack keeps the bits
}
#elif RESAMPLE_ISA_LEVEL == 2
inline __m256i bfloat16_round(__m256i u) {
  const __m256i magnitude = _mm256_and_si256(u, _mm256_set1_epi32(0x7FFFFFFF));
  const __m256i nan = _mm256_cmpgt_epi32(magnitude, _mm256_set1_epi32(0x7F800000));
  const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
  const __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(u, _mm256_set1_epi32(0x7FFF)), odd), 16);
  const __m256i quiet = _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(0x40));
  return _mm256_blendv_epi8(rounded, quiet, nan);
}
#endif

inline void narrow_bfloat16(const float* in, std::uint16_t* out, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  for (; i + 16 <= n; i += 16) {
    const __m256i a = bfloat16_round(_mm256_castps_si256(_mm256_loadu_ps(in + i)));
    const __m256i b = bfloat16_round(_mm256_castps_si256(_mm256_loadu_ps(in + i + 8)));
    // The pack works within 128-bit lanes; the permute puts the four quarters back in order.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), packed);
  }
#elif RESAMPLE_ISA_LEVEL == 1
  for (; i + 8 <= n; i += 8) {
    const __m128i a = bfloat16_round(_mm_castps_si128(_mm_loadu_ps(in + i)));
    const __m128i b = bfloat16_round(_mm_castps_si128(_mm_loadu_ps(in + i + 4)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packs_epi32(a, b));
  }
#endif
  for (; i < n; ++i) out[i] = float_to_bfloat16_bits(in[i]);
}

}  // namespace resample::detail::RESAMPLE_ISA_NAMESPACE
