// SPDX-License-Identifier: MIT
// resample as a contender: a plan built once and executed in the timed loop, or (for the
// overhead-bound case) the whole resample::interpolate call. The backward contender executes a
// backward_plan built once, in every case.
#include <cstdint>
#include <optional>

#include <resample/backward.hpp>

#include "harness.hpp"

namespace bench {
namespace {

template <class T>
class resample_runner final : public runner {
 public:
  resample_runner(const case_data& data, bool reuse_plan)
      : data_(data),
        reuse_plan_(reuse_plan),
        output_(data.output_bytes()),
        input_view_(data.input.as<const T>(), data.spec.input_shape, data.input_strides),
        output_view_(output_.as<T>(), data.output_shape, data.output_strides) {
    if (reuse_plan_) plan_.emplace(data.spec.input_shape, data.spec.opts);
  }

  void set_threads(int threads) override { exec_.max_threads = threads; }

  void run() override {
    if (reuse_plan_) {
      plan_->execute(input_view_, output_view_, exec_);
    } else {
      resample::interpolate<T>(input_view_, output_view_, data_.spec.opts, exec_);
    }
  }

  const void* output() const override { return output_.bytes(); }

 private:
  const case_data& data_;
  bool reuse_plan_;
  aligned_buffer output_;
  resample::tensor_view<const T> input_view_;
  resample::tensor_view<T> output_view_;
  std::optional<resample::plan<T>> plan_;
  resample::execution exec_;
};

template <class T>
class resample_backward_runner final : public runner {
 public:
  explicit resample_backward_runner(const case_data& data)
      : grad_input_(data.input_bytes()),
        grad_output_view_(data.grad_output.as<const T>(), data.output_shape, data.output_strides),
        grad_input_view_(grad_input_.as<T>(), data.spec.input_shape, data.input_strides),
        plan_(data.spec.input_shape, data.spec.opts) {}

  void set_threads(int threads) override { exec_.max_threads = threads; }

  void run() override { plan_.execute(grad_output_view_, grad_input_view_, exec_); }

  const void* output() const override { return grad_input_.bytes(); }

 private:
  aligned_buffer grad_input_;
  resample::tensor_view<const T> grad_output_view_;
  resample::tensor_view<T> grad_input_view_;
  resample::backward_plan<T> plan_;
  resample::execution exec_;
};

}  // namespace

runner_ptr make_resample_backward_runner(const case_data& data) {
  if (data.spec.type != dtype::f32 && data.spec.type != dtype::f64) return nullptr;  // gradients: float, double
  if (data.spec.type == dtype::f64) return std::make_unique<resample_backward_runner<double>>(data);
  return std::make_unique<resample_backward_runner<float>>(data);
}

runner_ptr make_resample_runner(const case_data& data, bool reuse_plan) {
  if (data.spec.type == dtype::f64) return std::make_unique<resample_runner<double>>(data, reuse_plan);
  if (data.spec.type == dtype::u8) return std::make_unique<resample_runner<std::uint8_t>>(data, reuse_plan);
  if (data.spec.type == dtype::f16) return std::make_unique<resample_runner<resample::float16>>(data, reuse_plan);
  if (data.spec.type == dtype::bf16) return std::make_unique<resample_runner<resample::bfloat16>>(data, reuse_plan);
  return std::make_unique<resample_runner<float>>(data, reuse_plan);
}

}  // namespace bench
