// SPDX-License-Identifier: MIT
// The size of the running core's last-level cache, for the choice between ordinary and
// streaming stores (execution::streaming_output_bytes). Read from CPUID's cache descriptors
// (leaf 4 on Intel, 0x8000001D on AMD), which give one instance's size: the L3 of one core
// complex on AMD, where the operating system may report the sum over the whole socket.
#pragma once

#include <cstdint>

#include "../instruction_set.hpp"

namespace resample::detail {

/// Bytes of the largest data or unified cache of one instance, or 0 when CPUID does not say.
inline std::int64_t last_level_cache_bytes() {
  static const std::int64_t bytes = [] {
    std::int64_t largest = 0;
#if defined(RESAMPLE_X86_DISPATCH)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    unsigned leaf = 0;
    if (__get_cpuid(0, &eax, &ebx, &ecx, &edx) == 0) return largest;
    const bool amd = ebx == 0x68747541u;  // "Auth" of "AuthenticAMD"
    if (amd) {
      // Leaf 0x8000001D exists with the topology extensions (leaf 0x80000001, ECX bit 22).
      if (__get_cpuid_max(0x80000000u, nullptr) >= 0x8000001Du && __get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) != 0 &&
          (ecx & (1u << 22)) != 0) {
        leaf = 0x8000001Du;
      }
    } else if (__get_cpuid_max(0, nullptr) >= 4u) {
      leaf = 4;
    }
    if (leaf == 0) return largest;
    int deepest = 0;
    for (unsigned index = 0; index < 16; ++index) {
      __cpuid_count(leaf, index, eax, ebx, ecx, edx);
      const unsigned type = eax & 0x1fu;  // 0: no more caches, 1: data, 2: instructions, 3: unified
      if (type == 0) break;
      if (type == 2) continue;
      const int level = static_cast<int>((eax >> 5) & 0x7u);
      const std::int64_t ways = ((ebx >> 22) & 0x3ffu) + 1, partitions = ((ebx >> 12) & 0x3ffu) + 1;
      const std::int64_t line = (ebx & 0xfffu) + 1, sets = std::int64_t{ecx} + 1;
      if (level >= deepest) {
        deepest = level;
        largest = ways * partitions * line * sets;
      }
    }
#endif
    return largest;
  }();
  return bytes;
}

/// The output size from which packed outputs stream (execution::streaming_output_bytes = 0):
/// half the last-level cache, where the input and the output's own lines start to evict each
/// other; 32 MB when the cache size is unknown.
inline std::int64_t automatic_streaming_output_bytes() {
  const std::int64_t cache = last_level_cache_bytes();
  return cache > 0 ? cache / 2 : std::int64_t(32) << 20;
}

}  // namespace resample::detail
