// SPDX-License-Identifier: MIT
// How a plan spreads its work over threads: OpenMP when the including program is compiled with
// it, a caller-supplied executor (e.g. resample::thread_pool or the program's own pool)
// otherwise, or serially. Results never depend on the thread count: the work is split into
// independent pieces whose arithmetic does not change with the split.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <thread>

#include "instruction_set.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace resample {

/// Runs task(0) ... task(count - 1), possibly concurrently, and returns when all have finished.
/// Any callable with this signature works as a thread pool adapter, for example
/// `[&pool](std::int64_t n, const std::function<void(std::int64_t)>& f) { pool.parallel_for(n, f); }`.
using executor = std::function<void(std::int64_t count, const std::function<void(std::int64_t)>& task)>;

/// Per-call threading controls, passed to plan::execute and interpolate.
struct execution {
  /// Upper bound on OpenMP threads. 0 means "all": omp_get_max_threads() when compiled with
  /// OpenMP, and 1 otherwise. With an executor (`pool`), 1 keeps the work on the calling thread
  /// and any other value hands it to the executor, which decides how many threads run it.
  int max_threads = 0;
  /// Optional executor used instead of OpenMP (or when OpenMP is off).
  executor pool;
  /// Work below this many output elements stays on the calling thread.
  std::int64_t min_parallel_elements = 1 << 15;
  /// Target number of output elements per task (the grain); smaller grains balance better and
  /// cost more scheduling. Any value gives the same results.
  std::int64_t grain_elements = 1 << 16;
  /// The vector instruction set; `best` picks the widest the CPU supports at run time.
  instruction_set isa = instruction_set::best;
  /// Outputs of at least this many bytes are written with streaming stores (by the last pass
  /// of the separable modes and by nearest on channels-last pixels), which bypass the caches:
  /// faster once the output no longer fits the last-level cache beside the input, slower
  /// before. 0 picks half the running core's last-level cache (32 MB when unknown). Any value
  /// gives the same results.
  std::int64_t streaming_output_bytes = 0;
};

namespace detail {

inline int resolve_threads(const execution& exec) {
  if (exec.max_threads > 0) return exec.max_threads;
  if (exec.pool) return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

/// Runs body(i) for i in [0, count) on up to `threads` threads.
template <class Body>
void parallel_for(const execution& exec, int threads, std::int64_t count, const Body& body) {
  if (threads <= 1 || count <= 1) {
    for (std::int64_t i = 0; i < count; ++i) body(i);
    return;
  }
  if (exec.pool) {
    exec.pool(count, std::function<void(std::int64_t)>(std::cref(body)));
    return;
  }
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::int64_t i = 0; i < count; ++i) body(i);
#else
  for (std::int64_t i = 0; i < count; ++i) body(i);
#endif
}

}  // namespace detail
}  // namespace resample
