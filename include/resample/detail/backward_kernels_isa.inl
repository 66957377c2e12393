// SPDX-License-Identifier: MIT
// The vectorised inner loops of the backward, written once and compiled once per instruction
// set: backward_kernels.hpp includes this file through isa_variants.inl in namespaces `portable`, `sse2` and `avx2` (the
// latter under a target pragma, chosen at run time), inside a nested `backward` namespace so
// that it never collides with the forward's loops. Each lane performs the IEEE operations of
// the scalar formula in the same order, so every set gives the same bits.
//
// Two kernels do the work (see backward_passes.hpp for how rows are prepared):
//   accumulate_row  one grad_input row, vectorised along W: for each lane, a sum over groups
//                   (output rows), slots (output columns, pre-gathered into contiguous "slot
//                   arrays") and row weights, in ATen's scatter order.
//   cl_row          one grad_input row of a channels-last tensor, vectorised along C: every
//                   lane of a vector is a channel, so weights are broadcast and loads contiguous;
//                   many channels stream term by term through sums kept in L1 (cl_row_wide).
// and the slot arrays are made by gather_evens (x2 upsampling), spread_row (factor-2
// downsampling), gather_slot (any ratio: lane permutes of one load where the indices of a
// vector are close, masked gathers elsewhere) and divide_row (area's divisions).
// No include guard: included by isa_variants.inl once per set with RESAMPLE_ISA_NAMESPACE and
// RESAMPLE_ISA_LEVEL (0 portable, 1 SSE2, 2 AVX2) defined.

namespace resample::detail::RESAMPLE_ISA_NAMESPACE::backward {

/// One lane of T; also the tail of every vector loop.
template <class T>
struct lane {
  static constexpr int lanes = 1;
  T value;
  static lane load(const T* p) { return {*p}; }
  static lane broadcast(T x) { return {x}; }
  static lane zero() { return {T(0)}; }
  void store(T* p) const { *p = value; }
  static lane mul(lane a, lane b) { return {a.value * b.value}; }
  static lane add(lane a, lane b) { return {a.value + b.value}; }
  static lane div(lane a, lane b) { return {a.value / b.value}; }
  /// p[0], p[2], ... p[2 * (lanes - 1)]; reads p[0 .. 2 * lanes).
  static lane evens(const T* p) { return {*p}; }
  /// out[2i] = p[i], out[2i + 1] = 0 for i < lanes.
  static void zip_zero(const T* p, T* out) {
    out[0] = *p;
    out[1] = T(0);
  }
};

template <class T>
struct vec {
  static constexpr int lanes = 1;
  T value;
  static vec load(const T* p) { return {*p}; }
  static vec broadcast(T x) { return {x}; }
  static vec zero() { return {T(0)}; }
  void store(T* p) const { *p = value; }
  static vec mul(vec a, vec b) { return {a.value * b.value}; }
  static vec add(vec a, vec b) { return {a.value + b.value}; }
  static vec div(vec a, vec b) { return {a.value / b.value}; }
  static vec evens(const T* p) { return {*p}; }
  /// out[2i] = p[i], out[2i + 1] = 0 for i < lanes.
  static void zip_zero(const T* p, T* out) {
    out[0] = *p;
    out[1] = T(0);
  }
};

#if RESAMPLE_ISA_LEVEL == 1
template <>
struct vec<float> {
  static constexpr int lanes = 4;
  __m128 value;
  static vec load(const float* p) { return {_mm_loadu_ps(p)}; }
  static vec broadcast(float x) { return {_mm_set1_ps(x)}; }
  static vec zero() { return {_mm_setzero_ps()}; }
  void store(float* p) const { _mm_storeu_ps(p, value); }
  static vec mul(vec a, vec b) { return {_mm_mul_ps(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm_add_ps(a.value, b.value)}; }
  static vec div(vec a, vec b) { return {_mm_div_ps(a.value, b.value)}; }
  static vec evens(const float* p) {
    return {_mm_shuffle_ps(_mm_loadu_ps(p), _mm_loadu_ps(p + 4), _MM_SHUFFLE(2, 0, 2, 0))};
  }
  static void zip_zero(const float* p, float* out) {
    const __m128 x = _mm_loadu_ps(p), z = _mm_setzero_ps();
    _mm_storeu_ps(out, _mm_unpacklo_ps(x, z));
    _mm_storeu_ps(out + 4, _mm_unpackhi_ps(x, z));
  }
};
template <>
struct vec<double> {
  static constexpr int lanes = 2;
  __m128d value;
  static vec load(const double* p) { return {_mm_loadu_pd(p)}; }
  static vec broadcast(double x) { return {_mm_set1_pd(x)}; }
  static vec zero() { return {_mm_setzero_pd()}; }
  void store(double* p) const { _mm_storeu_pd(p, value); }
  static vec mul(vec a, vec b) { return {_mm_mul_pd(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm_add_pd(a.value, b.value)}; }
  static vec div(vec a, vec b) { return {_mm_div_pd(a.value, b.value)}; }
  static vec evens(const double* p) { return {_mm_unpacklo_pd(_mm_loadu_pd(p), _mm_loadu_pd(p + 2))}; }
  static void zip_zero(const double* p, double* out) {
    const __m128d x = _mm_loadu_pd(p), z = _mm_setzero_pd();
    _mm_storeu_pd(out, _mm_unpacklo_pd(x, z));
    _mm_storeu_pd(out + 2, _mm_unpackhi_pd(x, z));
  }
};
#elif RESAMPLE_ISA_LEVEL == 2
template <>
struct vec<float> {
  static constexpr int lanes = 8;
  __m256 value;
  static vec load(const float* p) { return {_mm256_loadu_ps(p)}; }
  static vec broadcast(float x) { return {_mm256_set1_ps(x)}; }
  static vec zero() { return {_mm256_setzero_ps()}; }
  void store(float* p) const { _mm256_storeu_ps(p, value); }
  static vec mul(vec a, vec b) { return {_mm256_mul_ps(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm256_add_ps(a.value, b.value)}; }
  static vec div(vec a, vec b) { return {_mm256_div_ps(a.value, b.value)}; }
  static vec evens(const float* p) {
    // Within each 128-bit half: a0 a2 b0 b2; the 64-bit permute puts the halves in order.
    const __m256 mixed = _mm256_shuffle_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8), _MM_SHUFFLE(2, 0, 2, 0));
    return {_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)))};
  }
  static void zip_zero(const float* p, float* out) {
    const __m256 x = _mm256_loadu_ps(p), z = _mm256_setzero_ps();
    const __m256 lo = _mm256_unpacklo_ps(x, z), hi = _mm256_unpackhi_ps(x, z);
    _mm256_storeu_ps(out, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
  }
};
template <>
struct vec<double> {
  static constexpr int lanes = 4;
  __m256d value;
  static vec load(const double* p) { return {_mm256_loadu_pd(p)}; }
  static vec broadcast(double x) { return {_mm256_set1_pd(x)}; }
  static vec zero() { return {_mm256_setzero_pd()}; }
  void store(double* p) const { _mm256_storeu_pd(p, value); }
  static vec mul(vec a, vec b) { return {_mm256_mul_pd(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm256_add_pd(a.value, b.value)}; }
  static vec div(vec a, vec b) { return {_mm256_div_pd(a.value, b.value)}; }
  static vec evens(const double* p) {
    const __m256d mixed = _mm256_unpacklo_pd(_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4));  // a0 b0 a2 b2
    return {_mm256_permute4x64_pd(mixed, _MM_SHUFFLE(3, 1, 2, 0))};
  }
  static void zip_zero(const double* p, double* out) {
    const __m256d x = _mm256_loadu_pd(p), z = _mm256_setzero_pd();
    const __m256d lo = _mm256_unpacklo_pd(x, z), hi = _mm256_unpackhi_pd(x, z);
    _mm256_storeu_pd(out, _mm256_permute2f128_pd(lo, hi, 0x20));
    _mm256_storeu_pd(out + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
  }
};
#endif

/// The terms one lane accumulates, per backward_term.
template <int Term, class V>
V term(V acc, V g, V row_weight, V column_weight) {
  if constexpr (Term == 1) {
    // Linear family and antialias: (w_row * w_column) * g.
    return V::add(acc, V::mul(V::mul(row_weight, column_weight), g));
  } else if constexpr (Term == 2) {
    // Bicubic: (g * w_y) * w_x.
    return V::add(acc, V::mul(V::mul(g, row_weight), column_weight));
  } else {
    return V::add(acc, g);
  }
}

template <int Term, class V, int U, class T>
void accumulate_block(T* out, std::int64_t x, int groups, int slots, const T* const* const* e, int first_slot,
                      const T* const* w, const T* row_weights, const int* row_counts) {
  constexpr int L = V::lanes;
  V acc[U];
  RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u] = V::zero();
  const T* r = row_weights;
  for (int g = 0; g < groups; ++g) {
    const T* const* eg = e[g] + first_slot;
    const int rows = row_counts[g];
    for (int k = 0; k < slots; ++k) {
      const T* ek = eg[k] + x;
      if constexpr (Term == 0) {
        RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u] = V::add(acc[u], V::load(ek + u * L));
      } else if constexpr (Term == 3) {
        // Linear, the slot's weight constant along the segment: (w_row * w_column) once.
        for (int j = 0; j < rows; ++j) {
          const V b = V::broadcast(r[j] * w[k][0]);
          RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u] = V::add(acc[u], V::mul(b, V::load(ek + u * L)));
        }
      } else if constexpr (Term == 4) {
        // Bicubic, constant slot weight.
        const V wx = V::broadcast(w[k][0]);
        for (int j = 0; j < rows; ++j) {
          const V wy = V::broadcast(r[j]);
          RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u)
            acc[u] = V::add(acc[u], V::mul(V::mul(V::load(ek + u * L), wy), wx));
        }
      } else {
        const T* wk = w[k] + x;
        for (int j = 0; j < rows; ++j) {
          const V b = V::broadcast(r[j]);
          RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u] = term<Term>(acc[u], V::load(ek + u * L), b, V::load(wk + u * L));
        }
      }
    }
    r += rows;
  }
  RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u].store(out + x + u * L);
}

/// out[x] for x in [0, n): the sum over groups g (ascending), slots k (ascending) and the
/// group's row weights j of the Term, with g = e[g][first_slot + k][x] and the column weight
/// w[k][x]. Padding slots hold 0 in both, which adds +0 and changes nothing.
template <int Term, class T>
void accumulate_row(T* out, std::int64_t n, int groups, int slots, const T* const* const* e, int first_slot,
                    const T* const* w, const T* row_weights, const int* row_counts) {
  using V = vec<T>;
  constexpr int L = V::lanes;
  // Each lane is one long dependent chain of adds, so several vectors run side by side. A
  // remainder is done as one more block ending at n: overlapping columns are recomputed with
  // the same operations and written twice with the same value.
  if (n >= 4 * L) {
    std::int64_t x = 0;
    for (; x + 4 * L <= n; x += 4 * L) accumulate_block<Term, V, 4>(out, x, groups, slots, e, first_slot, w, row_weights, row_counts);
    if (x < n) accumulate_block<Term, V, 4>(out, n - 4 * L, groups, slots, e, first_slot, w, row_weights, row_counts);
  } else if (n >= 2 * L) {
    accumulate_block<Term, V, 2>(out, 0, groups, slots, e, first_slot, w, row_weights, row_counts);
    if (n > 2 * L) accumulate_block<Term, V, 2>(out, n - 2 * L, groups, slots, e, first_slot, w, row_weights, row_counts);
  } else if (n >= L) {
    accumulate_block<Term, V, 1>(out, 0, groups, slots, e, first_slot, w, row_weights, row_counts);
    if (n > L) accumulate_block<Term, V, 1>(out, n - L, groups, slots, e, first_slot, w, row_weights, row_counts);
  } else {
    for (std::int64_t x = 0; x < n; ++x) accumulate_block<Term, lane<T>, 1>(out, x, groups, slots, e, first_slot, w, row_weights, row_counts);
  }
}

/// dst[x] = src[2 * x] for x in [0, n); src holds `available` readable values.
template <class T>
void gather_evens(T* dst, const T* src, std::int64_t n, std::int64_t available) {
  using V = vec<T>;
  constexpr int L = V::lanes;
  std::int64_t x = 0;
  for (; x + L <= n && 2 * (x + L) <= available; x += L) V::evens(src + 2 * x).store(dst + x);
  for (; x < n; ++x) dst[x] = src[2 * x];
}

/// dst[x] = src[(x - parity) / 2] where x - parity is even, 0 elsewhere, for x in [0, n): the
/// slot array of a factor-2 downsampling, where every other input column has one slot.
template <class T>
void spread_row(T* dst, const T* src, std::int64_t n, int parity) {
  using V = vec<T>;
  constexpr int L = V::lanes;
  if (parity != 0 && n > 0) {
    *dst++ = T(0);
    --n;
  }
  std::int64_t m = 0;
  for (; 2 * (m + L) <= n; m += L) V::zip_zero(src + m, dst + 2 * m);
  for (std::int64_t x = 2 * m; x < n; ++x) dst[x] = x % 2 == 0 ? src[x / 2] : T(0);
}

/// dst[x] = index[x] >= 0 ? src[index[x]] : 0 for x in [0, n): a gathered slot array. With
/// AVX2, a block of 32 bytes of dst whose indices span less than a vector (downsampling, mild
/// upsampling) is one load at base[b] >= 0 and a lane permute by permute[]; others gather.
template <class T>
void gather_slot(T* dst, const T* src, const std::int32_t* index, const std::int32_t* base, const std::int32_t* permute,
                 std::int64_t n) {
  std::int64_t x = 0;
#if RESAMPLE_ISA_LEVEL == 2
  const __m256i none = _mm256_set1_epi32(-1);
  if constexpr (sizeof(T) == 4) {
    for (std::int64_t b = 0; x + 8 <= n; x += 8, ++b) {
      const __m256i i = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(index + x));
      const __m256 mask = _mm256_castsi256_ps(_mm256_cmpgt_epi32(i, none));
      const float* s = reinterpret_cast<const float*>(src);
      __m256 v;
      if (base[b] >= 0) {
        const __m256i p = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(permute + x));
        v = _mm256_and_ps(_mm256_permutevar8x32_ps(_mm256_loadu_ps(s + base[b]), p), mask);
      } else {
        v = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), s, i, mask, 4);
      }
      _mm256_storeu_ps(reinterpret_cast<float*>(dst) + x, v);
    }
  } else {
    for (std::int64_t b = 0; x + 4 <= n; x += 4, ++b) {
      const __m128i i = _mm_loadu_si128(reinterpret_cast<const __m128i*>(index + x));
      const __m256d mask = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_cmpgt_epi32(i, _mm_set1_epi32(-1))));
      const double* s = reinterpret_cast<const double*>(src);
      __m256d v;
      if (base[b] >= 0) {
        // Two 32-bit lanes per double: permute[2x .. 2x + 8) holds (2r, 2r + 1) per lane.
        const __m256i p = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(permute + 2 * x));
        v = _mm256_and_pd(_mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_loadu_pd(s + base[b])), p)),
                          mask);
      } else {
        v = _mm256_mask_i32gather_pd(_mm256_setzero_pd(), s, i, mask, 8);
      }
      _mm256_storeu_pd(reinterpret_cast<double*>(dst) + x, v);
    }
  }
  (void)none;
#endif
  (void)base;
  (void)permute;
  for (; x < n; ++x) dst[x] = index[x] >= 0 ? src[index[x]] : T(0);
}

/// dst[o] = ((src[o] / kd) / kh) / kw[o]: ATen's area gradient share, one division per axis.
template <class T>
void divide_row(T* dst, const T* src, std::int64_t n, T kd, T kh, const T* kw) {
  using V = vec<T>;
  constexpr int L = V::lanes;
  const V vd = V::broadcast(kd), vh = V::broadcast(kh);
  std::int64_t x = 0;
  for (; x + L <= n; x += L) V::div(V::div(V::div(V::load(src + x), vd), vh), V::load(kw + x)).store(dst + x);
  for (; x < n; ++x) dst[x] = ((src[x] / kd) / kh) / kw[x];
}

/// One input row of a channels-last gradient (see cl_row_args in backward_passes.hpp).
template <int Rule, class V, int U, class T>
void cl_block(const cl_row_args<T>& a, std::int64_t iw, std::int64_t c, T* out) {
  constexpr int L = V::lanes;
  V acc[U];
  RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u] = V::zero();
  const T* r = a.row_weights;
  for (int g = 0; g < a.groups; ++g) {
    const T* base = a.go + a.row_offsets[g] + c;
    const int rows = a.row_counts[g];
    for (std::int64_t gw = a.w->group_begin[iw]; gw < a.w->group_begin[iw + 1]; ++gw) {
      const T* p = base + a.w->group_output[gw] * a.go_stride_w;
      const std::int64_t t0 = a.w->tap_begin[gw], t1 = a.w->tap_begin[gw + 1];
      // Loads stay inside the lane loops so that U accumulators fit in registers.
      if constexpr (Rule == 0) {
        RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u] = V::add(acc[u], V::load(p + u * L));
      } else if constexpr (Rule == 3) {
        const V kd = V::broadcast(a.area_d[g]), kh = V::broadcast(a.area_h[g]), kw = V::broadcast(a.w->weight[t0]);
        RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u)
          acc[u] = V::add(acc[u], V::div(V::div(V::div(V::load(p + u * L), kd), kh), kw));
      } else if constexpr (Rule == 1) {
        for (int j = 0; j < rows; ++j) {
          for (std::int64_t t = t0; t < t1; ++t) {
            const V w = V::broadcast(r[j] * a.w->weight[t]);
            RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u] = V::add(acc[u], V::mul(w, V::load(p + u * L)));
          }
        }
      } else {
        for (std::int64_t t = t0; t < t1; ++t) {
          const V wx = V::broadcast(a.w->weight[t]);
          for (int j = 0; j < rows; ++j) {
            const V wy = V::broadcast(r[j]);
            RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u)
              acc[u] = V::add(acc[u], V::mul(V::mul(V::load(p + u * L), wy), wx));
          }
        }
      }
    }
    r += rows;
  }
  RESAMPLE_BWD_UNROLL for (int u = 0; u < U; ++u) acc[u].store(out + u * L);
}

/// o[c] = o[c] + term for c < channels: one term of every channel of a column.
template <int Rule, class T>
void cl_add(T* o, const T* p, std::int64_t channels, T w0, T w1, T w2) {
  using V = vec<T>;
  constexpr int L = V::lanes;
  std::int64_t c = 0;
  const V b0 = V::broadcast(w0), b1 = V::broadcast(w1), b2 = V::broadcast(w2);
  for (; c + L <= channels; c += L) {
    V v = V::load(p + c);
    if constexpr (Rule == 1) v = V::mul(b0, v);
    if constexpr (Rule == 2) v = V::mul(V::mul(v, b0), b1);
    if constexpr (Rule == 3) v = V::div(V::div(V::div(v, b0), b1), b2);
    V::add(V::load(o + c), v).store(o + c);
  }
  for (; c < channels; ++c) {
    T v = p[c];
    if constexpr (Rule == 1) v = w0 * v;
    if constexpr (Rule == 2) v = (v * w0) * w1;
    if constexpr (Rule == 3) v = ((v / w0) / w1) / w2;
    o[c] = o[c] + v;
  }
}

/// cl_row for many channels: the column's sums stay in L1 and each term streams over every
/// channel, so the gradient is read in long contiguous runs. Same terms in the same order.
template <int Rule, class T>
void cl_row_wide(const cl_row_args<T>& a, T* out, std::int64_t out_stride_w) {
  for (std::int64_t iw = a.w_begin; iw < a.w_end; ++iw) {
    T* o = out + iw * out_stride_w;
    for (std::int64_t c = 0; c < a.channels; ++c) o[c] = T(0);
    const T* r = a.row_weights;
    for (int g = 0; g < a.groups; ++g) {
      const T* base = a.go + a.row_offsets[g];
      const int rows = a.row_counts[g];
      for (std::int64_t gw = a.w->group_begin[iw]; gw < a.w->group_begin[iw + 1]; ++gw) {
        const T* p = base + a.w->group_output[gw] * a.go_stride_w;
        const std::int64_t t0 = a.w->tap_begin[gw], t1 = a.w->tap_begin[gw + 1];
        if constexpr (Rule == 0) {
          cl_add<0>(o, p, a.channels, T(0), T(0), T(0));
        } else if constexpr (Rule == 3) {
          cl_add<3>(o, p, a.channels, a.area_d[g], a.area_h[g], a.w->weight[t0]);
        } else if constexpr (Rule == 1) {
          for (int j = 0; j < rows; ++j)
            for (std::int64_t t = t0; t < t1; ++t) cl_add<1>(o, p, a.channels, r[j] * a.w->weight[t], T(0), T(0));
        } else {
          for (std::int64_t t = t0; t < t1; ++t)
            for (int j = 0; j < rows; ++j) cl_add<2>(o, p, a.channels, r[j], a.w->weight[t], T(0));
        }
      }
      r += rows;
    }
  }
}

/// out[iw * out_stride_w + c] for every input column iw and channel c < channels.
template <int Rule, class T>
void cl_row(const cl_row_args<T>& a, T* out, std::int64_t out_stride_w) {
  using V = vec<T>;
  constexpr int L = V::lanes;
  if (a.channels > 8 * L) {
    cl_row_wide<Rule>(a, out, out_stride_w);
    return;
  }
  for (std::int64_t iw = a.w_begin; iw < a.w_end; ++iw) {
    T* o = out + iw * out_stride_w;
    std::int64_t c = 0;
    for (; c + 8 * L <= a.channels; c += 8 * L) cl_block<Rule, V, 8>(a, iw, c, o + c);
    for (; c + 2 * L <= a.channels; c += 2 * L) cl_block<Rule, V, 2>(a, iw, c, o + c);
    for (; c + L <= a.channels; c += L) cl_block<Rule, V, 1>(a, iw, c, o + c);
    if (c < a.channels && a.channels >= L) {
      cl_block<Rule, V, 1>(a, iw, a.channels - L, o + a.channels - L);  // overlapping, same values
      continue;
    }
    for (; c < a.channels; ++c) cl_block<Rule, lane<T>, 1>(a, iw, c, o + c);
  }
}

/// Single-lane cl_row for input columns [begin, end) of a W-contiguous gradient (channels 1):
/// the border columns of accumulate_row's rows, whose taps may repeat.
template <int Rule, class T>
void cl_columns(const cl_row_args<T>& a, T* out, std::int64_t out_stride_w, std::int64_t begin, std::int64_t end) {
  for (std::int64_t iw = begin; iw < end; ++iw) cl_block<Rule, lane<T>, 1>(a, iw, 0, out + iw * out_stride_w);
}

}  // namespace resample::detail::RESAMPLE_ISA_NAMESPACE::backward
