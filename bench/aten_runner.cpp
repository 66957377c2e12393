// SPDX-License-Identifier: MIT
// ATen as a contender: the kernels torch.nn.functional.interpolate dispatches to, called through
// their _out variants on a preallocated output, over the shared input buffer (from_blob, with the
// case's layout, so a channels-last case reaches ATen's channels-last kernels). The backward
// contender calls the kernels autograd runs for F.interpolate's gradient the same way.
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/_adaptive_avg_pool2d_backward.h>
#include <ATen/ops/_upsample_bicubic2d_aa.h>
#include <ATen/ops/_upsample_bicubic2d_aa_backward.h>
#include <ATen/ops/_upsample_bilinear2d_aa.h>
#include <ATen/ops/_upsample_bilinear2d_aa_backward.h>
#include <ATen/ops/_upsample_nearest_exact1d.h>
#include <ATen/ops/_upsample_nearest_exact1d_backward.h>
#include <ATen/ops/_upsample_nearest_exact2d.h>
#include <ATen/ops/_upsample_nearest_exact2d_backward.h>
#include <ATen/ops/_upsample_nearest_exact3d.h>
#include <ATen/ops/_upsample_nearest_exact3d_backward.h>
#include <ATen/ops/adaptive_avg_pool1d.h>
#include <ATen/ops/adaptive_avg_pool2d.h>
#include <ATen/ops/adaptive_avg_pool3d.h>
#include <ATen/ops/adaptive_avg_pool3d_backward.h>
#include <ATen/ops/empty_strided.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/upsample_bicubic2d.h>
#include <ATen/ops/upsample_bicubic2d_backward.h>
#include <ATen/ops/upsample_bilinear2d.h>
#include <ATen/ops/upsample_bilinear2d_backward.h>
#include <ATen/ops/upsample_linear1d.h>
#include <ATen/ops/upsample_linear1d_backward.h>
#include <ATen/ops/upsample_nearest1d.h>
#include <ATen/ops/upsample_nearest1d_backward.h>
#include <ATen/ops/upsample_nearest2d.h>
#include <ATen/ops/upsample_nearest2d_backward.h>
#include <ATen/ops/upsample_nearest3d.h>
#include <ATen/ops/upsample_nearest3d_backward.h>
#include <ATen/ops/upsample_trilinear3d.h>
#include <ATen/ops/upsample_trilinear3d_backward.h>

#include <functional>
#include <sstream>
#include <stdexcept>

#if __has_include(<torch/csrc/api/include/torch/version.h>)
#include <torch/csrc/api/include/torch/version.h>
#endif

#include "harness.hpp"

namespace bench {
namespace {

using resample::mode;

class aten_runner final : public runner {
 public:
  explicit aten_runner(const case_data& data) {
    const c10::ScalarType type = data.spec.type == dtype::f64 ? at::kDouble : data.spec.type == dtype::u8 ? at::kByte : at::kFloat;
    const at::TensorOptions options = at::TensorOptions().dtype(type).device(at::kCPU);
    // ATen only reads the input; from_blob needs a mutable pointer all the same.
    input_ = at::from_blob(const_cast<unsigned char*>(data.input.bytes()), data.spec.input_shape,
                           data.input_strides, options);
    output_ = at::empty_strided(data.output_shape, data.output_strides, options);
    operation_ = bind(data.spec, std::vector<std::int64_t>(data.output_shape.begin() + 2, data.output_shape.end()));
  }

  void set_threads(int threads) override { at::set_num_threads(threads); }

  void run() override { operation_(); }

  // The _out kernels keep the strides of an output of the right size, so this is the layout
  // the case asked for; make_aten_runner checks it.
  const void* output() const override { return output_.data_ptr(); }

  bool kept_layout(const resample::dims& strides) const {
    return output_.strides().vec() == std::vector<std::int64_t>(strides.begin(), strides.end());
  }

 private:
  // The call F.interpolate makes for the case, with the output written in place.
  std::function<void()> bind(const bench_case& c, std::vector<std::int64_t> size) {
    std::vector<c10::optional<double>> s;
    for (const std::optional<double>& scale : kernel_scales(c)) {
      s.push_back(scale ? c10::optional<double>(*scale) : c10::nullopt);
    }
    const bool align = c.opts.align_corners.value_or(false);
    const std::size_t spatial = size.size();
    at::Tensor& out = output_;
    const at::Tensor& in = input_;
    switch (c.opts.mode) {
      case mode::nearest:
        if (spatial == 1) return [&out, &in, size, s] { at::upsample_nearest1d_out(out, in, size, s[0]); };
        if (spatial == 2) return [&out, &in, size, s] { at::upsample_nearest2d_out(out, in, size, s[0], s[1]); };
        return [&out, &in, size, s] { at::upsample_nearest3d_out(out, in, size, s[0], s[1], s[2]); };
      case mode::nearest_exact:
        if (spatial == 1) return [&out, &in, size, s] { at::_upsample_nearest_exact1d_out(out, in, size, s[0]); };
        if (spatial == 2) {
          return [&out, &in, size, s] { at::_upsample_nearest_exact2d_out(out, in, size, s[0], s[1]); };
        }
        return [&out, &in, size, s] { at::_upsample_nearest_exact3d_out(out, in, size, s[0], s[1], s[2]); };
      case mode::linear:
        return [&out, &in, size, s, align] { at::upsample_linear1d_out(out, in, size, align, s[0]); };
      case mode::bilinear:
        if (c.opts.antialias) {
          return [&out, &in, size, s, align] { at::_upsample_bilinear2d_aa_out(out, in, size, align, s[0], s[1]); };
        }
        return [&out, &in, size, s, align] { at::upsample_bilinear2d_out(out, in, size, align, s[0], s[1]); };
      case mode::bicubic:
        if (c.opts.antialias) {
          return [&out, &in, size, s, align] { at::_upsample_bicubic2d_aa_out(out, in, size, align, s[0], s[1]); };
        }
        return [&out, &in, size, s, align] { at::upsample_bicubic2d_out(out, in, size, align, s[0], s[1]); };
      case mode::trilinear:
        return [&out, &in, size, s, align] {
          at::upsample_trilinear3d_out(out, in, size, align, s[0], s[1], s[2]);
        };
      case mode::area:
        // F.interpolate's 'area' is adaptive average pooling to the output size. The 1-D pool
        // has no _out variant, so it allocates (and copies) on every call.
        if (spatial == 1) return [&out, &in, size] { out.copy_(at::adaptive_avg_pool1d(in, size)); };
        if (spatial == 2) return [&out, &in, size] { at::adaptive_avg_pool2d_out(out, in, size); };
        return [&out, &in, size] { at::adaptive_avg_pool3d_out(out, in, size); };
    }
    return {};
  }

  at::Tensor input_;
  at::Tensor output_;
  std::function<void()> operation_;
};

std::vector<c10::optional<double>> aten_scales(const bench_case& c) {
  std::vector<c10::optional<double>> s;
  for (const std::optional<double>& scale : kernel_scales(c)) {
    s.push_back(scale ? c10::optional<double>(*scale) : c10::nullopt);
  }
  return s;
}

/// The backward kernels autograd calls for F.interpolate's gradient, writing grad_input (the
/// input's shape and layout) from grad_output (the output's), with the sizes and scales the
/// forward was called with.
class aten_backward_runner final : public runner {
 public:
  explicit aten_backward_runner(const case_data& data) {
    const c10::ScalarType type = data.spec.type == dtype::f64 ? at::kDouble : at::kFloat;
    const at::TensorOptions options = at::TensorOptions().dtype(type).device(at::kCPU);
    // ATen only reads these two; from_blob needs mutable pointers all the same.
    input_ = at::from_blob(const_cast<unsigned char*>(data.input.bytes()), data.spec.input_shape,
                           data.input_strides, options);
    grad_output_ = at::from_blob(const_cast<unsigned char*>(data.grad_output.bytes()), data.output_shape,
                                 data.output_strides, options);
    grad_input_ = at::empty_strided(data.spec.input_shape, data.input_strides, options);
    operation_ = bind(data.spec, std::vector<std::int64_t>(data.output_shape.begin() + 2, data.output_shape.end()),
                      std::vector<std::int64_t>(data.spec.input_shape.begin(), data.spec.input_shape.end()));
  }

  void set_threads(int threads) override { at::set_num_threads(threads); }

  void run() override { operation_(); }

  const void* output() const override { return grad_input_.data_ptr(); }

  bool kept_layout(const resample::dims& strides) const {
    return grad_input_.strides().vec() == std::vector<std::int64_t>(strides.begin(), strides.end());
  }

 private:
  std::function<void()> bind(const bench_case& c, std::vector<std::int64_t> size, std::vector<std::int64_t> in_size) {
    const std::vector<c10::optional<double>> s = aten_scales(c);
    const bool align = c.opts.align_corners.value_or(false);
    const std::size_t spatial = size.size();
    at::Tensor& gi = grad_input_;
    const at::Tensor& go = grad_output_;
    const at::Tensor& in = input_;
    switch (c.opts.mode) {
      case mode::nearest:
        if (spatial == 1) {
          return [&gi, &go, size, in_size, s] { at::upsample_nearest1d_backward_out(gi, go, size, in_size, s[0]); };
        }
        if (spatial == 2) {
          return [&gi, &go, size, in_size, s] {
            at::upsample_nearest2d_backward_out(gi, go, size, in_size, s[0], s[1]);
          };
        }
        return [&gi, &go, size, in_size, s] {
          at::upsample_nearest3d_backward_out(gi, go, size, in_size, s[0], s[1], s[2]);
        };
      case mode::nearest_exact:
        if (spatial == 1) {
          return [&gi, &go, size, in_size, s] {
            at::_upsample_nearest_exact1d_backward_out(gi, go, size, in_size, s[0]);
          };
        }
        if (spatial == 2) {
          return [&gi, &go, size, in_size, s] {
            at::_upsample_nearest_exact2d_backward_out(gi, go, size, in_size, s[0], s[1]);
          };
        }
        return [&gi, &go, size, in_size, s] {
          at::_upsample_nearest_exact3d_backward_out(gi, go, size, in_size, s[0], s[1], s[2]);
        };
      case mode::linear:
        return [&gi, &go, size, in_size, s, align] {
          at::upsample_linear1d_backward_out(gi, go, size, in_size, align, s[0]);
        };
      case mode::bilinear:
        if (c.opts.antialias) {
          return [&gi, &go, size, in_size, s, align] {
            at::_upsample_bilinear2d_aa_backward_out(gi, go, size, in_size, align, s[0], s[1]);
          };
        }
        return [&gi, &go, size, in_size, s, align] {
          at::upsample_bilinear2d_backward_out(gi, go, size, in_size, align, s[0], s[1]);
        };
      case mode::bicubic:
        if (c.opts.antialias) {
          return [&gi, &go, size, in_size, s, align] {
            at::_upsample_bicubic2d_aa_backward_out(gi, go, size, in_size, align, s[0], s[1]);
          };
        }
        return [&gi, &go, size, in_size, s, align] {
          at::upsample_bicubic2d_backward_out(gi, go, size, in_size, align, s[0], s[1]);
        };
      case mode::trilinear:
        return [&gi, &go, size, in_size, s, align] {
          at::upsample_trilinear3d_backward_out(gi, go, size, in_size, align, s[0], s[1], s[2]);
        };
      case mode::area:
        // The 2-D pool's backward _out variant computes into a new tensor and copies it into
        // grad_input, so it allocates on every call.
        if (spatial == 2) return [&gi, &go, &in] { at::_adaptive_avg_pool2d_backward_out(gi, go, in); };
        return [&gi, &go, &in] { at::adaptive_avg_pool3d_backward_out(gi, go, in); };
    }
    return {};
  }

  at::Tensor input_;
  at::Tensor grad_output_;
  at::Tensor grad_input_;
  std::function<void()> operation_;
};


}  // namespace

bool aten_supports(const bench_case& c) {
  // Every mode F.interpolate accepts maps to an ATen kernel; PyTorch 1.13 has uint8 only for the
  // nearest modes.
  if (c.type == dtype::u8) return c.opts.mode == resample::mode::nearest || c.opts.mode == resample::mode::nearest_exact;
  if (c.type == dtype::f16 || c.type == dtype::bf16) return false;  // measured against resample's float32
  return !c.input_shape.empty();
}

runner_ptr make_aten_runner(const case_data& data) {
  auto r = std::make_unique<aten_runner>(data);
  r->set_threads(1);
  r->run();
  if (!r->kept_layout(data.output_strides)) throw std::runtime_error("ATen changed the output's strides");
  return r;
}

bool aten_backward_supports(const bench_case& c) {
  // The 1-D area pool has no backward kernel of its own (autograd goes through the 2-D one).
  return !c.input_shape.empty() && c.type != dtype::u8 && c.type != dtype::f16 && c.type != dtype::bf16 &&
         !(c.opts.mode == mode::area && c.input_shape.size() == 3);
}

runner_ptr make_aten_backward_runner(const case_data& data) {
  auto r = std::make_unique<aten_backward_runner>(data);
  r->set_threads(1);
  r->run();
  if (!r->kept_layout(data.input_strides)) throw std::runtime_error("ATen changed grad_input's strides");
  return r;
}

std::vector<std::pair<std::string, std::string>> aten_context() {
  std::vector<std::pair<std::string, std::string>> facts;
#if defined(TORCH_VERSION)
  facts.emplace_back("aten_version", TORCH_VERSION);
#else
  facts.emplace_back("aten_version", "unknown");
#endif
  facts.emplace_back("aten_cpu_capability", text_after(at::show_config(), "CPU capability usage:"));
  facts.emplace_back("aten_parallel_backend", text_after(at::get_parallel_info(), "ATen parallel backend:"));
  return facts;
}

}  // namespace bench
