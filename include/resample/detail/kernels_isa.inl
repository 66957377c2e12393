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
  void stream(T* p) const { *p = value; }
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
  void stream(float* p) const { _mm_stream_ps(p, value); }
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
  void stream(double* p) const { _mm_stream_pd(p, value); }
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
  void stream(float* p) const { _mm256_stream_ps(p, value); }
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
  void stream(double* p) const { _mm256_stream_pd(p, value); }
  static vec mul(vec a, vec b) { return {_mm256_mul_pd(a.value, b.value)}; }
  static vec add(vec a, vec b) { return {_mm256_add_pd(a.value, b.value)}; }
};
#endif

/// out[x] = sum_j rows[j][x] * weight[j] over x in [0, length), the sum taken left to right:
/// a pass along an outer axis from rows already resampled along the inner ones. Taps > 0
/// unrolls the tap loop. The last partial vector is redone as the vector ending at `length`
/// (the output never aliases the inputs, so recomputed values are the same bits). Stream: the
/// aligned vectors go out with non-temporal stores (outputs larger than the caches), the few
/// values before and after them with ordinary ones; stream_fence must follow.
template <class T, int Taps, bool Stream>
void combine_rows_of(T* out, const T* const* rows, const T* weight, int count, std::int64_t length) {
  using V = vec<T>;
  constexpr std::int64_t lanes = V::lanes;
  // Local copies: the stores below could otherwise alias the pointer and weight arrays.
  constexpr int held = Taps > 0 ? Taps : 1;
  const T* in[held];
  V w[held];
  for (int j = 0; j < held; ++j) {
    in[j] = rows[j];
    w[j] = V::broadcast(weight[j]);
  }
  const int taps = Taps > 0 ? Taps : count;
  const auto one = [&](std::int64_t x) {
    T acc = rows[0][x] * weight[0];
    for (int j = 1; j < taps; ++j) acc += rows[j][x] * weight[j];
    out[x] = acc;
  };
  // `Unroll` vectors per step; without a fixed tap count, each tap's pointer and weight are
  // loaded once per step.
  const auto step = [&](std::int64_t x, auto unroll) {
    constexpr int U = decltype(unroll)::value;
    V acc[U];
    for (int u = 0; u < U; ++u) acc[u] = V::mul(V::load(in[0] + x + u * lanes), w[0]);
    if constexpr (Taps > 0) {
      for (int j = 1; j < Taps; ++j)
        for (int u = 0; u < U; ++u) acc[u] = V::add(acc[u], V::mul(V::load(in[j] + x + u * lanes), w[j]));
    } else {
      for (int j = 1; j < taps; ++j) {
        const T* row = rows[j] + x;
        const V wj = V::broadcast(weight[j]);
        for (int u = 0; u < U; ++u) acc[u] = V::add(acc[u], V::mul(V::load(row + u * lanes), wj));
      }
    }
    for (int u = 0; u < U; ++u) {
      if constexpr (Stream) {
        acc[u].stream(out + x + u * lanes);
      } else {
        acc[u].store(out + x + u * lanes);
      }
    }
  };
  const auto block = [&](std::int64_t x) { step(x, std::integral_constant<int, 1>{}); };
  std::int64_t x = 0;
  if constexpr (Stream) {
    constexpr auto bytes = static_cast<std::uintptr_t>(sizeof(V));
    if (reinterpret_cast<std::uintptr_t>(out) % sizeof(T) != 0) {
      combine_rows_of<T, Taps, false>(out, rows, weight, count, length);  // never reaches alignment
      return;
    }
    for (; x < length && reinterpret_cast<std::uintptr_t>(out + x) % bytes != 0; ++x) one(x);
  }
  for (; x + 4 * lanes <= length; x += 4 * lanes) step(x, std::integral_constant<int, 4>{});
  for (; x + lanes <= length; x += lanes) block(x);
  if (x == length) return;
  if (!Stream && length >= lanes) {
    block(length - lanes);
    return;
  }
  for (; x < length; ++x) one(x);
}

template <class T>
void combine_rows(T* out, const T* const* rows, const T* weight, int taps, std::int64_t length, bool stream) {
  const auto run = [&](auto streaming) {
    constexpr bool S = decltype(streaming)::value;
    if (taps == 2) return combine_rows_of<T, 2, S>(out, rows, weight, taps, length);
    if (taps == 4) return combine_rows_of<T, 4, S>(out, rows, weight, taps, length);
    combine_rows_of<T, 0, S>(out, rows, weight, taps, length);
  };
  stream ? run(std::true_type{}) : run(std::false_type{});
}

/// Orders the non-temporal stores of combine_rows before whatever the thread does next (the end
/// of its task included), so that other threads see them.
inline void stream_fence() {
#if RESAMPLE_ISA_LEVEL >= 1
  _mm_sfence();
#endif
}

/// out[x] = sum_j line_j[x] * weight[j] over x in [0, length), with line_j = base + index[j]*step,
/// unit strides, the sum taken left to right. Up to `listed` lines go through combine_rows.
template <class T>
void weighted_run_contiguous(T* out, const T* base, std::int64_t step, const std::int64_t* index, const T* weight,
                             int count, std::int64_t length) {
  constexpr int listed = 16;
  if (count <= listed) {
    const T* lines[listed];
    for (int j = 0; j < std::max(count, 1); ++j) lines[j] = base + index[j] * step;
    combine_rows(out, lines, weight, count, length, false);
    return;
  }
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

/// The W pass over packed columns (see transpose.hpp: 32 bytes of values per column, one value
/// per row): column o of `out` is the weighted sum of the input columns output o reads.
/// Outputs are made four at a time, so that four independent sums hide the latency of the
/// additions, each sum still in tap order. Taps > 0: all four outputs have that many taps,
/// unrolled; Taps == 0: the taps all four have first, then each one's remaining taps.
/// Spaced (step > 0): output o reads columns i[0], i[0] + step, ... (antialias tables), so no index
/// is loaded per tap.
template <class T, int Taps, bool Spaced>
void packed_group(const T* base, T* out, const std::int64_t* indices, const T* weights, const int* counts, int width,
                  std::int64_t step) {
  using V = vec<T>;
  constexpr int packed = 32 / static_cast<int>(sizeof(T));
  constexpr int registers = packed / V::lanes;
  constexpr int group = 4;
  int taps[group];
  const T* first[group];
  const std::int64_t stride = step * packed;
  for (int g = 0; g < group; ++g) {
    taps[g] = Taps > 0 ? Taps : counts[g];
    first[g] = base + indices[g * width] * packed;
  }
  V acc[group][registers];
  for (int g = 0; g < group; ++g) {
    const V w0 = V::broadcast(weights[g * width]);
    for (int v = 0; v < registers; ++v) acc[g][v] = V::mul(V::load(first[g] + v * V::lanes), w0);
  }
  const auto add_tap = [&](int g, int j) {
    const T* b = Spaced ? first[g] + j * stride : base + indices[g * width + j] * packed;
    const V wj = V::broadcast(weights[g * width + j]);
    for (int v = 0; v < registers; ++v) acc[g][v] = V::add(acc[g][v], V::mul(V::load(b + v * V::lanes), wj));
  };
  const int common = Taps > 0 ? Taps : std::min(std::min(taps[0], taps[1]), std::min(taps[2], taps[3]));
  for (int j = 1; j < common; ++j)
    for (int g = 0; g < group; ++g) add_tap(g, j);
  if constexpr (Taps == 0) {
    for (int g = 0; g < group; ++g)
      for (int j = std::max(common, 1); j < taps[g]; ++j) add_tap(g, j);
  }
  for (int g = 0; g < group; ++g)
    for (int v = 0; v < registers; ++v) acc[g][v].store(out + g * packed + v * V::lanes);
}

/// Output o alone (the outputs past the last group of four).
template <class T>
void packed_column(const T* base, T* out, const std::int64_t* i, const T* w, int taps) {
  using V = vec<T>;
  constexpr int packed = 32 / static_cast<int>(sizeof(T));
  constexpr int registers = packed / V::lanes;
  V acc[registers];
  const T* a = base + i[0] * packed;
  const V w0 = V::broadcast(w[0]);
  for (int v = 0; v < registers; ++v) acc[v] = V::mul(V::load(a + v * V::lanes), w0);
  for (int j = 1; j < taps; ++j) {
    const T* b = base + i[j] * packed;
    const V wj = V::broadcast(w[j]);
    for (int v = 0; v < registers; ++v) acc[v] = V::add(acc[v], V::mul(V::load(b + v * V::lanes), wj));
  }
  for (int v = 0; v < registers; ++v) acc[v].store(out + v * V::lanes);
}

/// Outputs [begin, end) by groups of four; groups whose outputs all have the same small tap
/// count (the interior of a table) take the unrolled group.
template <class T, bool Spaced>
void packed_groups(const T* base, T* out, const std::int64_t* indices, const T* weights, const int* counts, int width,
                   std::int64_t step, std::int64_t begin, std::int64_t end) {
  constexpr int packed = 32 / static_cast<int>(sizeof(T));
  for (std::int64_t o = begin; o + 4 <= end; o += 4) {
    const int* c = counts + o;
    const int taps = c[1] == c[0] && c[2] == c[0] && c[3] == c[0] ? c[0] : 0;
    T* const column = out + (o - begin) * packed;
    const std::int64_t* const i = indices + o * width;
    const T* const w = weights + o * width;
    switch (taps) {
      case 2: packed_group<T, 2, Spaced>(base, column, i, w, c, width, step); break;
      case 3: packed_group<T, 3, Spaced>(base, column, i, w, c, width, step); break;
      case 4: packed_group<T, 4, Spaced>(base, column, i, w, c, width, step); break;
      case 5: packed_group<T, 5, Spaced>(base, column, i, w, c, width, step); break;
      case 6: packed_group<T, 6, Spaced>(base, column, i, w, c, width, step); break;
      default: packed_group<T, 0, Spaced>(base, column, i, w, c, width, step); break;
    }
  }
}

/// The W pass of outputs [begin, end) over packed rows: `base` holds the packed input columns,
/// `out` receives output column o at (o - begin).
template <class T>
void packed_rows(const T* base, T* out, const std::int64_t* indices, const T* weights, const int* counts, int width,
                 std::int64_t step, std::int64_t begin, std::int64_t end) {
  constexpr int packed = 32 / static_cast<int>(sizeof(T));
  if (step > 0) {
    packed_groups<T, true>(base, out, indices, weights, counts, width, step, begin, end);
  } else {
    packed_groups<T, false>(base, out, indices, weights, counts, width, step, begin, end);
  }
  for (std::int64_t o = begin + (end - begin) / 4 * 4; o < end; ++o) {
    packed_column<T>(base, out + (o - begin) * packed, indices + o * width, weights + o * width, counts[o]);
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

/// Packing rows for the W pass and back (see transpose.hpp): the baseline loops, except with
/// AVX2, which transposes whole 8 x 8 (float) or 4 x 4 (double) tiles in registers.
#if RESAMPLE_ISA_LEVEL == 2
/// Transposes the 8 x 8 floats of r[0..7] in place.
inline void transpose_tile(__m256* r) {
  __m256 t[8], u[8];
  for (int k = 0; k < 8; k += 2) {
    t[k] = _mm256_unpacklo_ps(r[k], r[k + 1]);
    t[k + 1] = _mm256_unpackhi_ps(r[k], r[k + 1]);
  }
  for (int k = 0; k < 8; k += 4) {
    u[k] = _mm256_shuffle_ps(t[k], t[k + 2], 0x44);
    u[k + 1] = _mm256_shuffle_ps(t[k], t[k + 2], 0xEE);
    u[k + 2] = _mm256_shuffle_ps(t[k + 1], t[k + 3], 0x44);
    u[k + 3] = _mm256_shuffle_ps(t[k + 1], t[k + 3], 0xEE);
  }
  for (int k = 0; k < 4; ++k) {
    r[k] = _mm256_permute2f128_ps(u[k], u[k + 4], 0x20);
    r[k + 4] = _mm256_permute2f128_ps(u[k], u[k + 4], 0x31);
  }
}

/// Transposes the 4 x 4 doubles of r[0..3] in place.
inline void transpose_tile(__m256d* r) {
  const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
  const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
  r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
  r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
  r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
  r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

template <class T>
void pack_rows(const T* const* rows, std::int64_t count, T* packed) {
  constexpr int L = pack_lanes<T>;
  using V = vec<T>;
  std::int64_t w = 0;
  for (; w + L <= count; w += L) {
    decltype(V::value) tile[L];
    for (int r = 0; r < L; ++r) tile[r] = V::load(rows[r] + w).value;
    transpose_tile(tile);
    for (int c = 0; c < L; ++c) V{tile[c]}.store(packed + (w + c) * L);
  }
  const T* rest[L];
  for (int r = 0; r < L; ++r) rest[r] = rows[r] + w;
  detail::pack_rows(rest, count - w, packed + w * L);
}

template <class T>
void unpack_rows(const T* packed, std::int64_t count, T* const* rows) {
  constexpr int L = pack_lanes<T>;
  using V = vec<T>;
  std::int64_t w = 0;
  for (; w + L <= count; w += L) {
    decltype(V::value) tile[L];
    for (int c = 0; c < L; ++c) tile[c] = V::load(packed + (w + c) * L).value;
    transpose_tile(tile);
    for (int r = 0; r < L; ++r) V{tile[r]}.store(rows[r] + w);
  }
  T* rest[L];
  for (int r = 0; r < L; ++r) rest[r] = rows[r] + w;
  detail::unpack_rows(packed + w * L, count - w, rest);
}
#else
template <class T>
void pack_rows(const T* const* rows, std::int64_t count, T* packed) {
  detail::pack_rows(rows, count, packed);
}

template <class T>
void unpack_rows(const T* packed, std::int64_t count, T* const* rows) {
  detail::unpack_rows(packed, count, rows);
}
#endif

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
/// FixedTaps > 0 unrolls; Loads (1 shared by the block's taps, 1 or 2 per tap) and Full select
/// the table's variant once per row.
enum class tap_loads { shared, one, two };

template <class T, int FixedTaps, tap_loads Loads, bool Full>
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
  const auto words = [](const std::int32_t* w) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w)); };
  const auto mask = [](const std::int32_t* w) { return _mm256_loadu_ps(reinterpret_cast<const float*>(w)); };
  // Block b: tap j loads from row + source(j), with the lane controls, masks and weights of slot(j)
  // of the tables, or, for repeating blocks, copies of them kept in registers.
  const auto block = [&](std::int64_t b, const auto& source, const auto& lane_of, const auto& second_of,
                         const auto& used_of, const auto& weight_of) {
    __m256 shared{};
    if constexpr (Loads == tap_loads::shared) shared = load_bits(row + source(0));
    V acc{};
    for (int j = 0; j < taps; ++j) {
      __m256 x;
      if constexpr (Loads == tap_loads::shared) {
        x = _mm256_permutevar8x32_ps(shared, lane_of(j));
      } else {
        const T* from = row + source(j);
        x = _mm256_permutevar8x32_ps(load_bits(from), lane_of(j));
        if constexpr (Loads == tap_loads::two) {
          x = _mm256_blendv_ps(x, _mm256_permutevar8x32_ps(load_bits(from + lanes), lane_of(j)), second_of(j));
        }
      }
      const V term = V::mul(from_bits<T>(x), weight_of(j));
      if (j == 0) {
        acc = term;
      } else if constexpr (Full) {
        acc = V::add(acc, term);
      } else {
        // Outputs with fewer taps keep their sum: adding x*0 could turn -0 into +0 or leak NaN.
        acc = from_bits<T>(_mm256_blendv_ps(to_bits(acc), to_bits(V::add(acc, term)), used_of(j)));
      }
    }
    acc.store(out + b * lanes);
  };
  const auto from_tables = [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t b = first; b < last; ++b) {
      const std::int64_t slot = b * width;
      block(
          b, [&](int j) { return base[slot + j]; }, [&](int j) { return words(control + (slot + j) * 8); },
          [&](int j) { return mask(from_second + (slot + j) * 8); },
          [&](int j) { return mask(active + (slot + j) * 8); },
          [&](int j) { return V::load(weight + (slot + j) * lanes); });
    }
  };
  constexpr int kept = 8;
  if (p.periodic_end == p.periodic_begin || taps > kept) {
    from_tables(0, p.blocks);
    return;
  }
  from_tables(0, p.periodic_begin);
  __m256i lane[kept];
  __m256 second[kept], used[kept];
  V w[kept];
  std::int64_t at[kept];
  for (int j = 0; j < taps; ++j) {
    const std::int64_t slot = p.periodic_begin * width + j;
    lane[j] = words(control + slot * 8);
    second[j] = mask(from_second + slot * 8);
    used[j] = mask(active + slot * 8);
    w[j] = V::load(weight + slot * lanes);
    at[j] = base[slot];
  }
  const std::int64_t stop = p.periodic_end, shift = p.period_shift;  // locals: `out` may alias `p`
  for (std::int64_t b = p.periodic_begin; b < stop; ++b) {
    block(
        b, [&](int j) { return at[j]; }, [&](int j) { return lane[j]; }, [&](int j) { return second[j]; },
        [&](int j) { return used[j]; }, [&](int j) { return w[j]; });
    for (int j = 0; j < taps; ++j) at[j] += shift;
  }
  from_tables(p.periodic_end, p.blocks);
}

template <class T, int FixedTaps, tap_loads Loads>
void permuted_blocks_with(const T* row, T* out, const permuted_taps<T>& p) {
  p.full ? permuted_blocks<T, FixedTaps, Loads, true>(row, out, p)
         : permuted_blocks<T, FixedTaps, Loads, false>(row, out, p);
}

template <class T, int FixedTaps>
void permuted_blocks_of(const T* row, T* out, const permuted_taps<T>& p) {
  if (p.shared) {
    permuted_blocks_with<T, FixedTaps, tap_loads::shared>(row, out, p);
  } else if (p.two_loads) {
    permuted_blocks_with<T, FixedTaps, tap_loads::two>(row, out, p);
  } else {
    permuted_blocks_with<T, FixedTaps, tap_loads::one>(row, out, p);
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
/// AVX2 builds use F16C for float16 and integer lanes for bfloat16, four registers per step (the
/// loop's own instructions are a fair share of such short bodies); the tails and the portable
/// set call the scalar conversions, which give the same bits.
inline void widen_float16(const std::uint16_t* in, float* out, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  const auto eight = [&](std::int64_t k) {
    _mm256_storeu_ps(out + k, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + k))));
  };
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 32; k += 8) eight(i + k);
  }
  for (; i + 8 <= n; i += 8) eight(i);
#endif
  for (; i < n; ++i) out[i] = float16_bits_to_float(in[i]);
}

inline void narrow_float16(const float* in, std::uint16_t* out, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  const auto eight = [&](std::int64_t k) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(in + k), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), h);
  };
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 32; k += 8) eight(i + k);
  }
  for (; i + 8 <= n; i += 8) eight(i);
#endif
  for (; i < n; ++i) out[i] = float_to_float16_bits(in[i]);
}

inline void widen_bfloat16(const std::uint16_t* in, float* out, std::int64_t n) {
  std::int64_t i = 0;
#if RESAMPLE_ISA_LEVEL == 2
  const auto eight = [&](std::int64_t k) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + k)));
    _mm256_storeu_ps(out + k, _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16)));
  };
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 32; k += 8) eight(i + k);
  }
  for (; i + 8 <= n; i += 8) eight(i);
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

// float -> bfloat16 of NaN-free floats in 16-bit lanes (see float_to_bfloat16_bits): the high
// halves plus the carry out of lo + 0x7FFF + (hi & 1), which is the top bit of the average
// (lo + (0x7FFE + odd) + 1) / 2.
#if RESAMPLE_ISA_LEVEL == 1
inline __m128i bfloat16_round(__m128 a, __m128 b) {
  const __m128i ua = _mm_castps_si128(a), ub = _mm_castps_si128(b);
  // Halves sign-extended to 32 bits, so that the signed pack keeps their bits.
  const __m128i hi = _mm_packs_epi32(_mm_srai_epi32(ua, 16), _mm_srai_epi32(ub, 16));
  const __m128i lo = _mm_packs_epi32(_mm_srai_epi32(_mm_slli_epi32(ua, 16), 16), _mm_srai_epi32(_mm_slli_epi32(ub, 16), 16));
  const __m128i odd = _mm_and_si128(hi, _mm_set1_epi16(1));
  const __m128i carry = _mm_srli_epi16(_mm_avg_epu16(lo, _mm_add_epi16(odd, _mm_set1_epi16(0x7FFE))), 15);
  return _mm_add_epi16(hi, carry);
}
#elif RESAMPLE_ISA_LEVEL == 2
inline __m256i bfloat16_round(__m256 a, __m256 b) {
  // Per 128-bit lane: the four low halves, then the four high halves.
  const __m256i split = _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15,
                                         0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15);
  const __m256i sa = _mm256_shuffle_epi8(_mm256_castps_si256(a), split);
  const __m256i sb = _mm256_shuffle_epi8(_mm256_castps_si256(b), split);
  const __m256i lo = _mm256_unpacklo_epi64(sa, sb), hi = _mm256_unpackhi_epi64(sa, sb);  // 0-3, 8-11 | 4-7, 12-15
  const __m256i odd = _mm256_and_si256(hi, _mm256_set1_epi16(1));
  const __m256i carry = _mm256_srli_epi16(_mm256_avg_epu16(lo, _mm256_add_epi16(odd, _mm256_set1_epi16(0x7FFE))), 15);
  return _mm256_permute4x64_epi64(_mm256_add_epi16(hi, carry), 0xD8);
}
#endif

inline void narrow_bfloat16(const float* in, std::uint16_t* out, std::int64_t n) {
  std::int64_t i = 0;
  // The vector loops note NaNs, which round their own way: a call that meets one converts
  // everything again one value at a time.
#if RESAMPLE_ISA_LEVEL == 2
  __m256 nan = _mm256_setzero_ps();
  const auto sixteen = [&](std::int64_t k) {
    const __m256 a = _mm256_loadu_ps(in + k), b = _mm256_loadu_ps(in + k + 8);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + k), bfloat16_round(a, b));
  };
  for (; i + 32 <= n; i += 32) {
    sixteen(i);
    sixteen(i + 16);
  }
  for (; i + 16 <= n; i += 16) sixteen(i);
  if (_mm256_movemask_ps(nan) != 0) i = 0;
#elif RESAMPLE_ISA_LEVEL == 1
  __m128 nan = _mm_setzero_ps();
  for (; i + 8 <= n; i += 8) {
    const __m128 a = _mm_loadu_ps(in + i), b = _mm_loadu_ps(in + i + 4);
    nan = _mm_or_ps(nan, _mm_cmpunord_ps(a, b));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), bfloat16_round(a, b));
  }
  if (_mm_movemask_ps(nan) != 0) i = 0;
#endif
  for (; i < n; ++i) out[i] = float_to_bfloat16_bits(in[i]);
}

}  // namespace resample::detail::RESAMPLE_ISA_NAMESPACE
