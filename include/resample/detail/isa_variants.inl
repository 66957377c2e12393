// SPDX-License-Identifier: MIT
// Compiles the kernel file named by RESAMPLE_ISA_FILE once per instruction set this compiler can
// target, each copy in its own namespace detail::<set> with RESAMPLE_ISA_LEVEL telling the file
// which intrinsics it may use:
//
//   portable (level 0)  everywhere: plain C++, no intrinsics;
//   sse2     (level 1)  x86-64 with GCC or Clang: the x86-64 baseline;
//   avx2     (level 2)  x86-64 with GCC or Clang, through a target pragma (AVX2 and F16C), so
//                       that default compiler flags suffice.
//
// The dispatchers pick a copy at run time (resolve_isa). Exact-math pragmas surround every copy:
// no contraction to FMA, no reassociation, so each set gives the same bits.
//
// No include guard: include it with RESAMPLE_ISA_FILE defined as a quoted file name; it
// undefines RESAMPLE_ISA_FILE afterwards.
#if !defined(RESAMPLE_ISA_FILE)
#error "define RESAMPLE_ISA_FILE before including isa_variants.inl"
#endif

RESAMPLE_BEGIN_EXACT_MATH
#define RESAMPLE_ISA_NAMESPACE portable
#define RESAMPLE_ISA_LEVEL 0
#include RESAMPLE_ISA_FILE
#undef RESAMPLE_ISA_NAMESPACE
#undef RESAMPLE_ISA_LEVEL

#if defined(RESAMPLE_X86_DISPATCH)
#define RESAMPLE_ISA_NAMESPACE sse2
#define RESAMPLE_ISA_LEVEL 1
#include RESAMPLE_ISA_FILE
#undef RESAMPLE_ISA_NAMESPACE
#undef RESAMPLE_ISA_LEVEL

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,f16c")
// Passing 32-byte vectors between these inline functions is internal to the library.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
#define RESAMPLE_ISA_NAMESPACE avx2
#define RESAMPLE_ISA_LEVEL 2
#include RESAMPLE_ISA_FILE
#undef RESAMPLE_ISA_NAMESPACE
#undef RESAMPLE_ISA_LEVEL
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC diagnostic pop
#pragma GCC pop_options
#endif
#endif  // RESAMPLE_X86_DISPATCH
RESAMPLE_END_EXACT_MATH

#undef RESAMPLE_ISA_FILE
