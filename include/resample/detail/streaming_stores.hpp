// SPDX-License-Identifier: MIT
// Copies with non-temporal (streaming) stores, for outputs larger than the caches: they skip
// the read of each output cache line that an ordinary store first makes (write-allocate) and
// leave the caches to the input (execution::streaming_output_bytes decides when).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define RESAMPLE_HAVE_STREAMING_STORES 1
#endif

namespace resample::detail {

/// memcpy with non-temporal stores for the 16-byte aligned part of `dst`; stream_fence must
/// follow before the copy is read by another thread.
inline void stream_copy(void* dst, const void* src, std::size_t bytes) {
#if defined(RESAMPLE_HAVE_STREAMING_STORES)
  auto* out = static_cast<unsigned char*>(dst);
  const auto* in = static_cast<const unsigned char*>(src);
  const std::size_t head = std::min(bytes, (16 - reinterpret_cast<std::uintptr_t>(out) % 16) % 16);
  std::memcpy(out, in, head);
  std::size_t i = head;
  for (; i + 16 <= bytes; i += 16) {
    _mm_stream_si128(reinterpret_cast<__m128i*>(out + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i)));
  }
  std::memcpy(out + i, in + i, bytes - i);
#else
  std::memcpy(dst, src, bytes);
#endif
}

/// Orders the streaming stores before any later store (the end of a task included).
inline void stream_fence() {
#if defined(RESAMPLE_HAVE_STREAMING_STORES)
  _mm_sfence();
#endif
}

}  // namespace resample::detail
