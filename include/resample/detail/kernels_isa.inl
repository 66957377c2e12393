// SPDX-License-Identifier: MIT
// The vectorised inner loops, written once and compiled once per instruction set: kernels.hpp
// includes this file in namespaces `portable` (one lane, any CPU), `sse2` and `avx2` (the
// latter under a target pragma, chosen at run time). Every lane performs the same IEEE
// multiplies and adds, in the same order, as the scalar formula: the sets give identical bits.
// No include guard: included once per set, with RESAMPLE_ISA_NAMESPACE and RESAMPLE_ISA_LEVEL
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

}  // namespace resample::detail::RESAMPLE_ISA_NAMESPACE
