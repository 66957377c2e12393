// SPDX-License-Identifier: MIT
// The smallest SIMD shim the packed kernels need: a register of T with load, store, broadcast,
// multiply and add, each one IEEE operation per lane (no fused multiply-add, so lanes compute
// exactly what the scalar code computes). SSE2 on x86-64 (always present there); elsewhere a
// one-lane scalar type with the same names, so every platform compiles the same kernels.
#pragma once

#include <cstddef>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define RESAMPLE_SIMD_SSE2 1
#endif

namespace resample::detail {

template <class T>
struct simd_register {  // portable fallback: one lane
  static constexpr int lanes = 1;
  T value;
  static simd_register load(const T* p) { return {*p}; }
  static simd_register broadcast(T x) { return {x}; }
  void store(T* p) const { *p = value; }
  friend simd_register operator*(simd_register a, simd_register b) { return {a.value * b.value}; }
  friend simd_register operator+(simd_register a, simd_register b) { return {a.value + b.value}; }
};

#if defined(RESAMPLE_SIMD_SSE2)
template <>
struct simd_register<float> {
  static constexpr int lanes = 4;
  __m128 value;
  static simd_register load(const float* p) { return {_mm_loadu_ps(p)}; }
  static simd_register broadcast(float x) { return {_mm_set1_ps(x)}; }
  void store(float* p) const { _mm_storeu_ps(p, value); }
  friend simd_register operator*(simd_register a, simd_register b) { return {_mm_mul_ps(a.value, b.value)}; }
  friend simd_register operator+(simd_register a, simd_register b) { return {_mm_add_ps(a.value, b.value)}; }
};

template <>
struct simd_register<double> {
  static constexpr int lanes = 2;
  __m128d value;
  static simd_register load(const double* p) { return {_mm_loadu_pd(p)}; }
  static simd_register broadcast(double x) { return {_mm_set1_pd(x)}; }
  void store(double* p) const { _mm_storeu_pd(p, value); }
  friend simd_register operator*(simd_register a, simd_register b) { return {_mm_mul_pd(a.value, b.value)}; }
  friend simd_register operator+(simd_register a, simd_register b) { return {_mm_add_pd(a.value, b.value)}; }
};
#endif

}  // namespace resample::detail
