// SPDX-License-Identifier: MIT
// thread_pool: a small persistent pool usable as a resample::executor, for programs built
// without OpenMP. The calling thread works too, so a pool of n threads runs n + 1 workers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace resample {

class thread_pool {
 public:
  /// Starts `helpers` background threads (the caller of run() is an extra worker).
  explicit thread_pool(unsigned helpers) {
    for (unsigned i = 0; i < helpers; ++i) workers_.emplace_back([this] { work(); });
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  ~thread_pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  /// Number of threads that run tasks, the caller included.
  int concurrency() const noexcept { return static_cast<int>(workers_.size()) + 1; }

  /// The executor interface: runs task(0..count-1) and returns when all are done. One call at
  /// a time per pool; the first exception a task throws is rethrown here.
  void operator()(std::int64_t count, const std::function<void(std::int64_t)>& task) {
    std::unique_lock<std::mutex> lock(mutex_);
    task_ = &task;
    count_ = count;
    next_.store(0);
    pending_ = count;
    error_ = nullptr;
    ++generation_;
    lock.unlock();
    wake_.notify_all();
    drain();
    lock.lock();
    done_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void drain() {
    for (;;) {
      const std::int64_t i = next_.fetch_add(1);
      if (i >= count_) return;
      try {
        (*task_)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_all();
    }
  }

  void work() {
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || (generation_ != seen && task_ != nullptr); });
        if (stopping_) return;
        seen = generation_;
      }
      drain();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(std::int64_t)>* task_ = nullptr;
  std::int64_t count_ = 0;
  std::atomic<std::int64_t> next_{0};
  std::int64_t pending_ = 0;
  std::exception_ptr error_;
  std::uint64_t generation_ = 0;
  bool stopping_ = false;
};

}  // namespace resample
