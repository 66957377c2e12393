// SPDX-License-Identifier: MIT
// instruction_set: which compiled variant of the vector loops runs. Every variant gives the
// same bits; the choice only changes speed.
#pragma once

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define RESAMPLE_X86_DISPATCH 1
#endif

#if defined(RESAMPLE_X86_DISPATCH)
#include <cpuid.h>
#endif

#include "error.hpp"

namespace resample {

namespace detail {
#if defined(RESAMPLE_X86_DISPATCH)
/// F16C (CPUID leaf 1, ECX bit 29): asked directly, as not every compiler's
/// __builtin_cpu_supports knows the name; asked once, as CPUID is slow in virtual machines.
inline bool cpu_has_f16c() {
  static const bool has = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & (1u << 29)) != 0;
  }();
  return has;
}
#endif
}  // namespace detail

/// Which compiled variant of the vector loops runs (execution::isa). `best` picks the widest
/// the CPU supports; the others exist to compare variants and must be supported by the CPU.
enum class instruction_set { best, portable, sse2, avx2 };

/// True when this build and this CPU can run `isa`.
inline bool is_supported(instruction_set isa) {
  switch (isa) {
    case instruction_set::best:
    case instruction_set::portable:
      return true;
#if defined(RESAMPLE_X86_DISPATCH)
    case instruction_set::sse2:
      return true;
    case instruction_set::avx2:
      // The AVX2 set also converts float16 with F16C (present on AVX2 CPUs in practice).
      return __builtin_cpu_supports("avx2") && detail::cpu_has_f16c();
#else
    default:
      return false;
#endif
  }
  return false;
}

namespace detail {

/// The set a request runs on: `best` becomes the widest the CPU supports. Every kernel
/// dispatcher asks here, so they all agree.
inline instruction_set resolve_isa(instruction_set isa) {
  if (!is_supported(isa)) {
    throw error(error_code::unsupported, "the requested instruction set is not supported by this build or CPU");
  }
  if (isa != instruction_set::best) return isa;
#if defined(RESAMPLE_X86_DISPATCH)
  return is_supported(instruction_set::avx2) ? instruction_set::avx2 : instruction_set::sse2;
#else
  return instruction_set::portable;
#endif
}

}  // namespace detail
}  // namespace resample
