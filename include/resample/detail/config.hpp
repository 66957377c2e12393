// SPDX-License-Identifier: MIT
// Compiler settings every kernel header relies on.
//
// Determinism policy: results are defined by plain IEEE-754 operations in PyTorch's source order.
// A fused multiply-add rounds once instead of twice and changes last bits, so floating-point
// contraction is switched off for the library's own code whatever flags the including program
// uses (GCC contracts a*b+c by default whenever FMA instructions are enabled, e.g. -march=native).
// Never compile resample with -ffast-math: it licenses reassociation, which breaks exactness.
#pragma once

#if defined(__FAST_MATH__)
#error "resample needs IEEE arithmetic: do not compile it with -ffast-math"
#endif

#if defined(__clang__)
#define RESAMPLE_BEGIN_EXACT_MATH _Pragma("clang fp contract(off)")
#define RESAMPLE_END_EXACT_MATH
#elif defined(__GNUC__)
#define RESAMPLE_BEGIN_EXACT_MATH _Pragma("GCC push_options") _Pragma("GCC optimize(\"fp-contract=off\")")
#define RESAMPLE_END_EXACT_MATH _Pragma("GCC pop_options")
#else
// MSVC contracts only under /fp:fast (its default /fp:precise does not).
#define RESAMPLE_BEGIN_EXACT_MATH
#define RESAMPLE_END_EXACT_MATH
#endif

#ifndef RESAMPLE_ASSERT
#include <cassert>
/// Internal invariant check; define RESAMPLE_ASSERT before including resample to override.
#define RESAMPLE_ASSERT(condition) assert(condition)
#endif
