// SPDX-License-Identifier: MIT
// The area (adaptive average pooling) loops of area.hpp, compiled once per instruction set
// through isa_variants.inl. An output row's window sums are built one input row at a time: each
// call adds a row's taps into the sums, each sum taking its window's taps from left to right,
// and a last call divides. Called for the rows of the D and H windows in (d, h) order from sums
// of 0, every sum is ATen's sequential sum; a vector lane holds one output's sum and lanes never
// mix, so every set gives the bits of the scalar loop.
// No include guard: included once per set, with RESAMPLE_ISA_NAMESPACE and RESAMPLE_ISA_LEVEL
// defined; vec<T> of the same set comes from kernels_isa.inl.

namespace resample::detail::RESAMPLE_ISA_NAMESPACE::area {

template <class T>
vec<T> divide(vec<T> a, vec<T> b) {
#if RESAMPLE_ISA_LEVEL == 2
  if constexpr (std::is_same_v<T, float>) {
    return {_mm256_div_ps(a.value, b.value)};
  } else {
    return {_mm256_div_pd(a.value, b.value)};
  }
#elif RESAMPLE_ISA_LEVEL == 1
  if constexpr (std::is_same_v<T, float>) {
    return {_mm_div_ps(a.value, b.value)};
  } else {
    return {_mm_div_pd(a.value, b.value)};
  }
#else
  return {a.value / b.value};
#endif
}

/// sum / divisors[0] / ... / divisors[count - 1] / kw: ATen's divisions, in its order (a
/// scalar or a vec of sums).
template <class T, class X>
X mean_of(X sum, const T* divisors, int count, X kw) {
  if constexpr (std::is_same_v<X, T>) {
    for (int d = 0; d < count; ++d) sum = sum / divisors[d];
    return sum / kw;
  } else {
    for (int d = 0; d < count; ++d) sum = divide(sum, X::broadcast(divisors[d]));
    return divide(sum, kw);
  }
}

/// rows[i] lane j becomes rows[j] lane i (a square transpose of `lanes` registers).
template <class T>
void transpose(vec<T>* rows) {
#if RESAMPLE_ISA_LEVEL == 2
  if constexpr (std::is_same_v<T, float>) {
    __m256 t[8], s[8];
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(rows[i].value, rows[i + 1].value);
      t[i + 1] = _mm256_unpackhi_ps(rows[i].value, rows[i + 1].value);
    }
    for (int i = 0; i < 8; i += 4) {
      s[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
      s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
      s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
      s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; ++i) {
      rows[i].value = _mm256_permute2f128_ps(s[i], s[i + 4], 0x20);
      rows[i + 4].value = _mm256_permute2f128_ps(s[i], s[i + 4], 0x31);
    }
  } else {
    const __m256d t0 = _mm256_unpacklo_pd(rows[0].value, rows[1].value);
    const __m256d t1 = _mm256_unpackhi_pd(rows[0].value, rows[1].value);
    const __m256d t2 = _mm256_unpacklo_pd(rows[2].value, rows[3].value);
    const __m256d t3 = _mm256_unpackhi_pd(rows[2].value, rows[3].value);
    rows[0].value = _mm256_permute2f128_pd(t0, t2, 0x20);
    rows[1].value = _mm256_permute2f128_pd(t1, t3, 0x20);
    rows[2].value = _mm256_permute2f128_pd(t0, t2, 0x31);
    rows[3].value = _mm256_permute2f128_pd(t1, t3, 0x31);
  }
#elif RESAMPLE_ISA_LEVEL == 1
  if constexpr (std::is_same_v<T, float>) {
    _MM_TRANSPOSE4_PS(rows[0].value, rows[1].value, rows[2].value, rows[3].value);
  } else {
    const __m128d t0 = _mm_unpacklo_pd(rows[0].value, rows[1].value);
    rows[1].value = _mm_unpackhi_pd(rows[0].value, rows[1].value);
    rows[0].value = t0;
  }
#else
  (void)rows;  // one lane: nothing moves
#endif
}

#if RESAMPLE_ISA_LEVEL >= 1
template <int Imm>
__m128 shuffle(__m128 a, __m128 b) {
  return _mm_shuffle_ps(a, b, Imm);
}
#if RESAMPLE_ISA_LEVEL == 2
template <int Imm>
__m256 shuffle(__m256 a, __m256 b) {
  return _mm256_shuffle_ps(a, b, Imm);
}
#endif

/// The taps of windows of 3 floats, 4 windows per 128 bits: a, b, c hold x[0..3], x[4..7],
/// x[8..11] of each half, and tap j of window i is x[3i + j].
template <class R>
void threes(R a, R b, R c, R* taps) {
  taps[0] = shuffle<_MM_SHUFFLE(2, 0, 3, 0)>(a, shuffle<_MM_SHUFFLE(1, 1, 2, 2)>(b, c));
  taps[1] = shuffle<_MM_SHUFFLE(2, 0, 2, 0)>(shuffle<_MM_SHUFFLE(0, 0, 1, 1)>(a, b),
                                             shuffle<_MM_SHUFFLE(2, 2, 3, 3)>(b, c));
  taps[2] = shuffle<_MM_SHUFFLE(2, 0, 2, 0)>(shuffle<_MM_SHUFFLE(1, 1, 2, 2)>(a, b),
                                             shuffle<_MM_SHUFFLE(3, 3, 0, 0)>(c, c));
}
#endif

/// acc += tap 0, tap 1, ..., tap K-1 of `lanes` adjacent windows of K values from x (lane i
/// adds x[i*K + j] in order of j), up to a lane order that in_order restores. Windows of a
/// multiple of the lane count transpose square blocks; others shuffle.
template <class T, int K>
void add_taps(const T* x, vec<T>& acc) {
  using V = vec<T>;
  constexpr int lanes = V::lanes;
  if constexpr (K == 1) {
    acc = V::add(acc, V::load(x));
  } else if constexpr (K % lanes == 0) {
    for (int g = 0; g < K / lanes; ++g) {
      V block[lanes];
      for (int i = 0; i < lanes; ++i) block[i] = V::load(x + i * K + g * lanes);
      transpose<T>(block);
      for (int j = 0; j < lanes; ++j) acc = V::add(acc, block[j]);
    }
  } else {
#if RESAMPLE_ISA_LEVEL == 2
    if constexpr (std::is_same_v<T, float> && K == 3) {
      // Windows 0-3 in the low halves, 4-7 in the high halves.
      const auto halves = [x](int i) {
        return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(x + 4 * i)), _mm_loadu_ps(x + 12 + 4 * i), 1);
      };
      __m256 taps[3];
      threes(halves(0), halves(1), halves(2), taps);
      for (const __m256& tap : taps) acc = V::add(acc, V{tap});
    } else if constexpr (std::is_same_v<T, double> && K == 3) {
      // Windows 0, 1 in the low halves, 2, 3 in the high halves.
      const auto halves = [x](int i) {
        return _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(x + 2 * i)), _mm_loadu_pd(x + 6 + 2 * i), 1);
      };
      const __m256d a = halves(0), b = halves(1), c = halves(2);
      acc = V::add(acc, V{_mm256_shuffle_pd(a, b, 0xA)});
      acc = V::add(acc, V{_mm256_shuffle_pd(a, c, 0x5)});
      acc = V::add(acc, V{_mm256_shuffle_pd(b, c, 0xA)});
    } else if constexpr (std::is_same_v<T, float> && K == 2) {
      // Lanes hold windows 0, 1, 4, 5, 2, 3, 6, 7.
      const __m256 a = _mm256_loadu_ps(x), b = _mm256_loadu_ps(x + 8);
      acc = V::add(V::add(acc, V{_mm256_shuffle_ps(a, b, 0x88)}), V{_mm256_shuffle_ps(a, b, 0xDD)});
    } else if constexpr (std::is_same_v<T, float> && K == 4) {
      // A 4x4 transpose within each 128-bit half: lanes hold windows 0, 2, 4, 6, 1, 3, 5, 7.
      const __m256 a = _mm256_loadu_ps(x), b = _mm256_loadu_ps(x + 8), c = _mm256_loadu_ps(x + 16),
                   d = _mm256_loadu_ps(x + 24);
      const __m256 ab = _mm256_unpacklo_ps(a, b), cd = _mm256_unpacklo_ps(c, d);
      const __m256 ab_high = _mm256_unpackhi_ps(a, b), cd_high = _mm256_unpackhi_ps(c, d);
      acc = V::add(acc, V{_mm256_shuffle_ps(ab, cd, 0x44)});
      acc = V::add(acc, V{_mm256_shuffle_ps(ab, cd, 0xEE)});
      acc = V::add(acc, V{_mm256_shuffle_ps(ab_high, cd_high, 0x44)});
      acc = V::add(acc, V{_mm256_shuffle_ps(ab_high, cd_high, 0xEE)});
    } else {
      static_assert(std::is_same_v<T, double> && K == 2, "no tap shuffle for this width");
      // Lanes hold windows 0, 2, 1, 3.
      const __m256d a = _mm256_loadu_pd(x), b = _mm256_loadu_pd(x + 4);
      acc = V::add(V::add(acc, V{_mm256_unpacklo_pd(a, b)}), V{_mm256_unpackhi_pd(a, b)});
    }
#elif RESAMPLE_ISA_LEVEL == 1
    if constexpr (std::is_same_v<T, float> && K == 3) {
      __m128 taps[3];
      threes(_mm_loadu_ps(x), _mm_loadu_ps(x + 4), _mm_loadu_ps(x + 8), taps);
      for (const __m128& tap : taps) acc = V::add(acc, V{tap});
    } else if constexpr (std::is_same_v<T, double> && K == 3) {
      const __m128d a = _mm_loadu_pd(x), b = _mm_loadu_pd(x + 2), c = _mm_loadu_pd(x + 4);
      acc = V::add(acc, V{_mm_shuffle_pd(a, b, 0x2)});
      acc = V::add(acc, V{_mm_shuffle_pd(a, c, 0x1)});
      acc = V::add(acc, V{_mm_shuffle_pd(b, c, 0x2)});
    } else {
      static_assert(std::is_same_v<T, float> && K == 2, "no tap shuffle for this width");
      const __m128 a = _mm_loadu_ps(x), b = _mm_loadu_ps(x + 4);
      acc = V::add(V::add(acc, V{_mm_shuffle_ps(a, b, 0x88)}), V{_mm_shuffle_ps(a, b, 0xDD)});
    }
#endif
  }
}

/// Puts the lanes of a vector summed by add_taps<T, K> back in window order.
template <class T, int K>
vec<T> in_order(vec<T> v) {
#if RESAMPLE_ISA_LEVEL == 2
  if constexpr ((K == 2 || K == 4) && K < vec<T>::lanes) {
    if constexpr (std::is_same_v<T, float> && K == 2) {
      return {_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v.value), 0xD8))};
    } else if constexpr (std::is_same_v<T, float> && K == 4) {
      return {_mm256_permutevar8x32_ps(v.value, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7))};
    } else {
      return {_mm256_permute4x64_pd(v.value, 0xD8)};
    }
  }
#endif
  return v;
}

/// Calls f(std::integral_constant<int, k>) for k one of is_uniform_width.
template <class F>
void with_uniform_width(int k, F f) {
  switch (k) {
    case 1: f(std::integral_constant<int, 1>{}); break;
    case 2: f(std::integral_constant<int, 2>{}); break;
    case 3: f(std::integral_constant<int, 3>{}); break;
    case 4: f(std::integral_constant<int, 4>{}); break;
    case 8: f(std::integral_constant<int, 8>{}); break;
    default: f(std::integral_constant<int, 16>{}); break;
  }
}

/// sums[i] += row[k*i], row[k*i + 1], ..., row[k*i + k - 1] in turn, for i < count, with k one
/// of is_uniform_width. Whole registers of sums are kept in the lane order of add_taps, which
/// uniform_finish (called with the same k and count) undoes.
template <class T>
void uniform_add(T* sums, const T* row, int k, std::int64_t count) {
  with_uniform_width(k, [&](auto width) {
    constexpr int K = decltype(width)::value;
    using V = vec<T>;
    constexpr int lanes = V::lanes;
    // Independent sums in flight, to hide the latency of the additions.
    constexpr int unroll = K >= 8 ? 1 : 4;
    std::int64_t i = 0;
    for (; i + unroll * lanes <= count; i += unroll * lanes) {
      V acc[unroll];
      for (int u = 0; u < unroll; ++u) acc[u] = V::load(sums + i + u * lanes);
      for (int u = 0; u < unroll; ++u) add_taps<T, K>(row + (i + u * lanes) * K, acc[u]);
      for (int u = 0; u < unroll; ++u) acc[u].store(sums + i + u * lanes);
    }
    for (; i + lanes <= count; i += lanes) {
      V acc = V::load(sums + i);
      add_taps<T, K>(row + i * K, acc);
      acc.store(sums + i);
    }
    for (; i < count; ++i) {
      T sum = sums[i];
      for (int j = 0; j < K; ++j) sum += row[i * K + j];
      sums[i] = sum;
    }
  });
}

/// out[i] = sums[i] / divisors[0] / ... / k, for i < count, from sums made by uniform_add.
template <class T>
void uniform_finish(const T* sums, T* out, int k, std::int64_t count, const T* divisors, int divisor_count) {
  with_uniform_width(k, [&](auto width) {
    constexpr int K = decltype(width)::value;
    using V = vec<T>;
    constexpr int lanes = V::lanes;
    const V kw = V::broadcast(static_cast<T>(K));
    std::int64_t i = 0;
    for (; i + lanes <= count; i += lanes) {
      in_order<T, K>(mean_of(V::load(sums + i), divisors, divisor_count, kw)).store(out + i);
    }
    for (; i < count; ++i) out[i] = mean_of(sums[i], divisors, divisor_count, static_cast<T>(K));
  });
}

/// sums[i*channels + c] += row[w*pixel_stride + c] for w = start[i], ..., stop[i] - 1 in turn,
/// for i < count and c < channels: any windows, of planar rows (one channel, any stride) or
/// of packed channels (vectors along c).
template <class T>
void windows_add(T* sums, const T* row, const std::int64_t* start, const std::int64_t* stop, std::int64_t count,
                 std::int64_t pixel_stride, std::int64_t channels) {
  using V = vec<T>;
  constexpr int lanes = V::lanes;
  constexpr int unroll = 4;
  if (channels == 1) {
    for (std::int64_t i = 0; i < count; ++i) {
      T sum = sums[i];
      for (std::int64_t w = start[i]; w < stop[i]; ++w) sum += row[w * pixel_stride];
      sums[i] = sum;
    }
    return;
  }
  for (std::int64_t i = 0; i < count; ++i) {
    T* acc = sums + i * channels;
    const T* x = row + start[i] * pixel_stride;
    const std::int64_t taps = stop[i] - start[i];
    std::int64_t c = 0;
    for (; c + unroll * lanes <= channels; c += unroll * lanes) {
      V v[unroll];
      for (int u = 0; u < unroll; ++u) v[u] = V::load(acc + c + u * lanes);
      for (std::int64_t t = 0; t < taps; ++t)
        for (int u = 0; u < unroll; ++u) v[u] = V::add(v[u], V::load(x + t * pixel_stride + c + u * lanes));
      for (int u = 0; u < unroll; ++u) v[u].store(acc + c + u * lanes);
    }
    for (; c + lanes <= channels; c += lanes) {
      V v = V::load(acc + c);
      for (std::int64_t t = 0; t < taps; ++t) v = V::add(v, V::load(x + t * pixel_stride + c));
      v.store(acc + c);
    }
    for (; c < channels; ++c) {
      T sum = acc[c];
      for (std::int64_t t = 0; t < taps; ++t) sum += x[t * pixel_stride + c];
      acc[c] = sum;
    }
  }
}

/// out[i*channels + c] = sums[i*channels + c] / divisors[0] / ... / extent[i], for i < count
/// and c < channels, extent[i] being the W extent of window i (in T).
template <class T>
void windows_finish(const T* sums, T* out, const T* extent, std::int64_t count, std::int64_t channels,
                    const T* divisors, int divisor_count) {
  using V = vec<T>;
  constexpr int lanes = V::lanes;
  if (channels == 1) {
    std::int64_t i = 0;
    for (; i + lanes <= count; i += lanes) {
      mean_of(V::load(sums + i), divisors, divisor_count, V::load(extent + i)).store(out + i);
    }
    for (; i < count; ++i) out[i] = mean_of(sums[i], divisors, divisor_count, extent[i]);
    return;
  }
  for (std::int64_t p = 0; p < count; ++p) {
    const V kw = V::broadcast(extent[p]);
    std::int64_t i = p * channels;
    const std::int64_t end = i + channels;
    for (; i + lanes <= end; i += lanes) mean_of(V::load(sums + i), divisors, divisor_count, kw).store(out + i);
    for (; i < end; ++i) out[i] = mean_of(sums[i], divisors, divisor_count, extent[p]);
  }
}

}  // namespace resample::detail::RESAMPLE_ISA_NAMESPACE::area
