// SPDX-License-Identifier: MIT
// The memory floor: memcpy of (input bytes + output bytes) / 2, i.e. the same traffic a
// resize that reads its input once and writes its output once generates. With more than one
// thread the copy is split into equal contiguous pieces, one per thread, unless it is small
// enough that waking a second thread costs more than it saves (a floor should be the fastest
// copy, not a penalised one).
#include <algorithm>
#include <cstring>

#include "harness.hpp"

namespace bench {
namespace {

class memcpy_runner final : public runner {
 public:
  explicit memcpy_runner(const case_data& data)
      : bytes_((data.input_bytes() + data.output_bytes()) / 2), source_(bytes_), destination_(bytes_) {
    std::memset(source_.bytes(), 0x3c, bytes_);
  }

  void set_threads(int threads) override { threads_ = std::max(1, threads); }

  void run() override {
    unsigned char* dst = destination_.bytes();
    const unsigned char* src = source_.bytes();
    if (threads_ == 1 || bytes_ < parallel_bytes) {
      std::memcpy(dst, src, bytes_);
      return;
    }
    // Pieces are whole cache lines so that no two threads write the same line.
    const std::size_t lines = (bytes_ + 63) / 64;
    const std::size_t per_thread = (lines + threads_ - 1) / threads_ * 64;
#if defined(_OPENMP)
#pragma omp parallel for schedule(static, 1) num_threads(threads_)
#endif
    for (int t = 0; t < threads_; ++t) {
      const std::size_t begin = std::min(bytes_, static_cast<std::size_t>(t) * per_thread);
      const std::size_t end = std::min(bytes_, begin + per_thread);
      if (end > begin) std::memcpy(dst + begin, src + begin, end - begin);
    }
  }

  const void* output() const override { return nullptr; }

 private:
  static constexpr std::size_t parallel_bytes = std::size_t{1} << 20;

  std::size_t bytes_;
  aligned_buffer source_;
  aligned_buffer destination_;
  int threads_ = 1;
};

}  // namespace

runner_ptr make_memcpy_runner(const case_data& data) { return std::make_unique<memcpy_runner>(data); }

}  // namespace bench
