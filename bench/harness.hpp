// SPDX-License-Identifier: MIT
// What every contender shares: aligned buffers, one case's input data, and the runner interface
// the timing loop and the correctness check drive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cases.hpp"

namespace bench {

/// A zero-initialised, 64-byte aligned byte buffer (the alignment ATen and OpenCV allocate with).
class aligned_buffer {
 public:
  aligned_buffer() = default;
  explicit aligned_buffer(std::size_t bytes) : bytes_(bytes) {
    const std::size_t rounded = (bytes + 63) / 64 * 64;
    data_.reset(static_cast<unsigned char*>(std::aligned_alloc(64, rounded == 0 ? 64 : rounded)));
    if (!data_) throw std::bad_alloc();
    std::memset(data_.get(), 0, rounded == 0 ? 64 : rounded);  // also commits the pages
  }

  unsigned char* bytes() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return bytes_; }
  template <class T>
  T* as() const noexcept {
    return reinterpret_cast<T*>(data_.get());
  }

 private:
  struct release {
    void operator()(unsigned char* p) const noexcept { std::free(p); }
  };
  std::unique_ptr<unsigned char, release> data_;
  std::size_t bytes_ = 0;
};

inline std::int64_t element_count(const resample::dims& shape) {
  std::int64_t n = 1;
  for (resample::index_t e : shape) n *= e;
  return n;
}

/// One case's input (uniform random values in [0, 1), fixed seed) and the shapes and strides
/// every contender reads and writes with. For the backward benchmarks it also holds a gradient
/// of the output's shape and layout (uniform random values in [0, 1), another seed).
struct case_data {
  explicit case_data(const bench_case& c, bool with_grad_output = false)
      : spec(c),
        output_shape(resample::output_shape(c.input_shape, c.opts)),
        input_strides(strides_for(c.input_shape, c.memory)),
        output_strides(strides_for(output_shape, c.memory)),
        input(static_cast<std::size_t>(element_count(c.input_shape)) * element_size(c.type)) {
    fill_uniform(input, element_count(c.input_shape), 0x5eed0000u + static_cast<unsigned>(c.id));
    if (with_grad_output) {
      grad_output = aligned_buffer(output_bytes());
      fill_uniform(grad_output, element_count(output_shape), 0x9a3d0000u + static_cast<unsigned>(c.id));
    }
  }

  std::size_t input_bytes() const noexcept { return input.size(); }
  std::size_t output_bytes() const noexcept {
    return static_cast<std::size_t>(element_count(output_shape)) * element_size(spec.type);
  }

  const bench_case& spec;
  resample::dims output_shape;
  resample::dims input_strides;   // elements
  resample::dims output_strides;  // elements
  aligned_buffer input;           // stored with `spec.memory`, shared read-only by all contenders
  aligned_buffer grad_output;     // output_shape with output_strides; empty unless asked for

 private:
  void fill_uniform(aligned_buffer& buffer, std::int64_t n, unsigned seed) const {
    std::mt19937_64 engine(seed);
    if (spec.type == dtype::u8) {
      // The same values as the float32 case of the same shape would hold, in [0, 1), scaled to bytes.
      std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
      for (std::int64_t i = 0; i < n; ++i) buffer.as<std::uint8_t>()[i] = static_cast<std::uint8_t>(uniform(engine) * 256.0f);
    } else if (spec.type == dtype::f16 || spec.type == dtype::bf16) {
      // The float32 case's values, rounded to the type.
      std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
      for (std::int64_t i = 0; i < n; ++i) {
        const float x = uniform(engine);
        if (spec.type == dtype::f16) {
          buffer.as<resample::float16>()[i] = resample::float16(x);
        } else {
          buffer.as<resample::bfloat16>()[i] = resample::bfloat16(x);
        }
      }
    } else if (spec.type == dtype::f64) {
      std::uniform_real_distribution<double> uniform(0.0, 1.0);
      for (std::int64_t i = 0; i < n; ++i) buffer.as<double>()[i] = uniform(engine);
    } else {
      std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
      for (std::int64_t i = 0; i < n; ++i) buffer.as<float>()[i] = uniform(engine);
    }
  }
};

/// One contender prepared for one case: buffers allocated, tables built, ready to be timed.
class runner {
 public:
  virtual ~runner() = default;
  /// Called before a timed run, outside the timing loop.
  virtual void set_threads(int threads) = 0;
  /// The timed operation.
  virtual void run() = 0;
  /// The last output, dense and laid out with case_data::output_strides (a backward runner's
  /// grad_input: with case_data::input_strides), so that contenders compare element by element;
  /// nullptr when the contender computes no such tensor (memcpy).
  virtual const void* output() const = 0;
};

using runner_ptr = std::unique_ptr<runner>;

// Contender factories. Each returns nullptr when the contender cannot compute the case.
runner_ptr make_resample_runner(const case_data& data, bool reuse_plan);
runner_ptr make_memcpy_runner(const case_data& data);
/// The backward contenders read case_data::grad_output and write a grad_input of the input's
/// shape and layout.
runner_ptr make_resample_backward_runner(const case_data& data);

#if defined(RESAMPLE_BENCH_HAVE_ATEN)
bool aten_supports(const bench_case& c);
runner_ptr make_aten_runner(const case_data& data);
bool aten_backward_supports(const bench_case& c);
runner_ptr make_aten_backward_runner(const case_data& data);
/// Key/value facts about the ATen build (version, CPU capability, parallel backend).
std::vector<std::pair<std::string, std::string>> aten_context();
#endif

#if defined(RESAMPLE_BENCH_HAVE_OPENCV)
bool opencv_supports(const bench_case& c);
runner_ptr make_opencv_runner(const case_data& data);
std::vector<std::pair<std::string, std::string>> opencv_context();
#endif

/// What follows `key` on the first line of a multi-line report that contains it, trimmed (for
/// reading version and configuration facts out of the libraries' info strings).
inline std::string text_after(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t at = line.find(key);
    if (at == std::string::npos) continue;
    const std::size_t first = line.find_first_not_of(" \t", at + key.size());
    return first == std::string::npos ? std::string() : line.substr(first);
  }
  return {};
}

}  // namespace bench
