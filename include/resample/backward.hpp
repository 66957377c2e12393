// SPDX-License-Identifier: MIT
// interpolate_backward() and backward_plan<T>: the gradient of F.interpolate with respect to its
// input, as PyTorch 1.13's CPU backward kernels compute it (x.grad after y.backward(grad_output)).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "detail/antialias_table.hpp"
#include "detail/axis_table.hpp"
#include "detail/backward_gather.hpp"
#include "detail/backward_kernels.hpp"
#include "detail/backward_passes.hpp"
#include "detail/backward_tables.hpp"
#include "detail/format.hpp"
#include "detail/geometry.hpp"
#include "detail/half_staging.hpp"
#include "detail/identity.hpp"
#include "detail/validate_views.hpp"
#include "error.hpp"
#include "options.hpp"
#include "parallel.hpp"
#include "tensor.hpp"
#include "view.hpp"

namespace resample {

/// The backward of one resampling: inputs of `input_shape` with `opts`, as `plan<T>` plans the
/// forward. `execute` turns a grad_output of the forward's output shape into the grad_input of
/// `input_shape`, with the bits PyTorch 1.13's CPU backward kernels give (DEFAULT build). Each
/// grad_input element gathers its terms in a fixed order, so any thread count gives the same
/// bits. Build once, execute concurrently from any number of threads.
///
/// T is float or double; float16 and bfloat16 accumulate in float and round once.
template <class T>
class backward_plan {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || detail::is_half_v<T>,
                "resample::backward_plan<T>: T must be float, double, float16 or bfloat16 (gradients of uint8 do "
                "not exist)");
  // float16 and bfloat16 gradients accumulate in float and are rounded once.
  using compute_type = std::conditional_t<detail::is_half_v<T>, float, T>;

 public:
  /// Validates `opts` against `input_shape` exactly as the forward does and builds the tables.
  backward_plan(const dims& input_shape, const options& opts) : geometry_(detail::resolve_geometry(input_shape, opts)) {
    const int spatial = static_cast<int>(geometry_.axes.size());
    const resample::mode m = geometry_.mode;
    bool all_same = true;
    bool all_one = true;
    for (const detail::axis_geometry& axis : geometry_.axes) {
      all_same = all_same && axis.in == axis.out;
      all_one = all_one && axis.out == 1;
    }
    if (m == mode::nearest || m == mode::nearest_exact) {
      rule_ = detail::backward_rule::sum;
    } else if (m == mode::area) {
      // ATen pools to a single value with mean(), whose backward divides once by the count.
      rule_ = all_one ? detail::backward_rule::mean : detail::backward_rule::area;
    } else if (geometry_.antialias) {
      rule_ = detail::backward_rule::antialias;
    } else if (m == mode::bicubic) {
      // ATen's bicubic backward copies when both extents are unchanged, whatever the scale.
      rule_ = all_same ? detail::backward_rule::copy : detail::backward_rule::cubic;
    } else {
      rule_ = detail::backward_rule::linear;
    }
    count_ = compute_type(1);
    for (int a = 0; a < spatial; ++a) {
      const detail::axis_geometry& axis = geometry_.axes[a];
      const int box_axis = 3 - spatial + a;
      switch (rule_) {
        case detail::backward_rule::sum:
          layout_.axes[box_axis] =
              detail::transpose_taps(detail::nearest_backward_table<compute_type>(axis, m == mode::nearest_exact));
          break;
        case detail::backward_rule::copy:
          layout_.axes[box_axis] = detail::transpose_taps(detail::nearest_backward_table<compute_type>(axis, false));
          break;
        case detail::backward_rule::area:
        case detail::backward_rule::mean:
          layout_.axes[box_axis] = detail::transpose_taps(detail::area_backward_table<compute_type>(axis));
          break;
        case detail::backward_rule::antialias:
          // The same weights as the forward (ATen recomputes them per output with the same code).
          layout_.axes[box_axis] = detail::transpose_taps(
              detail::antialias_table<compute_type>(axis, geometry_.align_corners, m == mode::bicubic));
          break;
        case detail::backward_rule::cubic:
          layout_.axes[box_axis] =
              detail::transpose_taps(detail::cubic_backward_table<compute_type>(axis, geometry_.align_corners));
          break;
        case detail::backward_rule::linear:
          // Same indices and lambdas as the forward, including the unchanged-extent copy.
          layout_.axes[box_axis] =
              detail::transpose_taps(detail::linear_table<compute_type>(axis, geometry_.align_corners));
          break;
      }
    }
    layout_.rule = rule_;
    if (rule_ != detail::backward_rule::mean && rule_ != detail::backward_rule::copy) {
      layout_.build();
    }
    if (rule_ == detail::backward_rule::mean) {
      // ATen divides by the element count converted once (an int64 scalar promoted to T).
      std::int64_t n = 1;
      for (const detail::axis_geometry& axis : geometry_.axes) n *= axis.in;
      count_ = static_cast<compute_type>(n);
    }
    layout_.count = count_;
  }

  /// The forward's input shape: the shape of grad_input.
  const dims& input_shape() const noexcept { return geometry_.input_shape; }
  /// The forward's output shape: the shape of grad_output.
  const dims& output_shape() const noexcept { return geometry_.output_shape; }
  resample::mode mode() const noexcept { return geometry_.mode; }

  /// Writes the gradient with respect to the input into `grad_input` (every element is written;
  /// it need not be zeroed). `grad_output` must have output_shape(), `grad_input` input_shape();
  /// grad_input must not overlap itself or grad_output. Throws `resample::error` before writing.
  void execute(tensor_view<const T> grad_output, tensor_view<T> grad_input, const execution& exec = {}) const {
    validate(grad_output, grad_input);
    if constexpr (detail::is_half_v<T>) {
      const tensor<float> wide = detail::widened(grad_output);
      tensor<float> sums(geometry_.input_shape);
      run(wide.view(), sums.view(), exec);
      detail::narrow_into(sums, grad_input);
    } else {
      run(grad_output, grad_input, exec);
    }
  }

 private:
  void validate(const tensor_view<const T>& grad_output, const tensor_view<T>& grad_input) const {
    const std::string expected = " (input shape " + detail::format_dims(geometry_.input_shape) + ", output shape " +
                                 detail::format_dims(geometry_.output_shape) + ")";
    if (grad_output.extents() != geometry_.output_shape) {
      throw error(error_code::shape_mismatch, "grad_output has shape " + detail::format_dims(grad_output.extents()) +
                                                  " but the forward output shape for grad_input shape " +
                                                  detail::format_dims(geometry_.input_shape) + " is " +
                                                  detail::format_dims(geometry_.output_shape));
    }
    if (grad_input.extents() != geometry_.input_shape) {
      throw error(error_code::shape_mismatch, "grad_input has shape " + detail::format_dims(grad_input.extents()) +
                                                  " but " + detail::format_dims(geometry_.input_shape) +
                                                  " is expected" + expected);
    }
    if (grad_output.data_handle() == nullptr || grad_input.data_handle() == nullptr) {
      throw error(error_code::null_data,
                  std::string(grad_output.data_handle() == nullptr ? "grad_output" : "grad_input") +
                      " has a null data pointer" + expected);
    }
    detail::check_target_memory(grad_output, grad_input, "grad_output", "grad_input");
  }

  // The fast paths (backward_passes.hpp) split the work into (plane or batch element, range of
  // grad_input rows); the scalar gather into (plane, range of elements). Every element is
  // computed the same way whatever the split.
  void run(const tensor_view<const compute_type>& grad_output, const tensor_view<compute_type>& grad_input,
           const execution& exec) const {
    const int spatial = grad_input.rank() - 2;
    std::int64_t plane_elements = 1;
    std::int64_t plane_outputs = 1;
    for (const detail::axis_geometry& axis : geometry_.axes) {
      plane_elements *= axis.in;
      plane_outputs *= axis.out;
    }
    const std::int64_t batch = grad_input.extent(0);
    const std::int64_t channels = grad_input.extent(1);
    const std::int64_t planes = batch * channels;
    const std::int64_t total = planes * (plane_elements + plane_outputs);
    const int threads = total < exec.min_parallel_elements ? 1 : detail::resolve_threads(exec);
    const detail::backward_kernel_set<compute_type> kernels = detail::backward_kernels_for<compute_type>(exec.isa);
    detail::backward_call<compute_type> call;
    for (int a = 0; a < spatial; ++a) {
      call.go_stride[3 - spatial + a] = grad_output.stride(2 + a);
      call.gi_stride[3 - spatial + a] = grad_input.stride(2 + a);
    }
    const std::int64_t in_w = layout_.axes[2].in;
    const std::int64_t rows = layout_.axes[0].in * layout_.axes[1].in;
    const bool fast = rule_ != detail::backward_rule::mean && rule_ != detail::backward_rule::copy;
    const bool rows_fit = fast && layout_.rows_fit;
    const compute_type* go0 = grad_output.data_handle();
    compute_type* gi0 = grad_input.data_handle();

    // Unit-stride W rows first; then unit-stride channels when there are enough for a vector;
    // then other positive W strides (rows gathered once each). Negative W strides (a flipped
    // view) take the scalar gather.
    const bool along_w = call.go_stride[2] == 1 || layout_.axes[2].out == 1;
    const bool along_c = channels >= 8 && grad_output.stride(1) == 1;
    if (rows_fit && (along_w || (!along_c && call.go_stride[2] > 0))) {
      const std::int64_t per_task =
          std::clamp<std::int64_t>(exec.grain_elements / std::max<std::int64_t>(in_w, 1), 1, rows);
      const std::int64_t chunks = (rows + per_task - 1) / per_task;
      detail::parallel_for(exec, threads, planes * chunks, [&](std::int64_t task) {
        const std::int64_t plane = task / chunks;
        const std::int64_t r0 = (task % chunks) * per_task;
        detail::backward_call<compute_type> c = call;
        c.go = go0 + (plane / channels) * grad_output.stride(0) + (plane % channels) * grad_output.stride(1);
        c.gi = gi0 + (plane / channels) * grad_input.stride(0) + (plane % channels) * grad_input.stride(1);
        detail::rows_along_w(layout_, kernels, c, r0, std::min(r0 + per_task, rows));
      });
      return;
    }
    if (fast && along_c) {
      const std::int64_t row_elements = std::max<std::int64_t>(in_w * channels, 1);
      const std::int64_t per_task = std::clamp<std::int64_t>(exec.grain_elements / row_elements, 1, rows);
      const std::int64_t chunks = (rows + per_task - 1) / per_task;
      detail::parallel_for(exec, threads, batch * chunks, [&](std::int64_t task) {
        const std::int64_t n = task / chunks;
        const std::int64_t r0 = (task % chunks) * per_task;
        detail::backward_call<compute_type> c = call;
        c.go = go0 + n * grad_output.stride(0);
        c.gi = gi0 + n * grad_input.stride(0);
        detail::rows_along_c(layout_, kernels, c, channels, grad_input.stride(1), r0, std::min(r0 + per_task, rows));
      });
      return;
    }

    const std::int64_t per_task = std::clamp<std::int64_t>(exec.grain_elements, 1, plane_elements);
    const std::int64_t tasks_per_plane = (plane_elements + per_task - 1) / per_task;
    const std::array<const detail::backward_axis<compute_type>*, 3> axes{&layout_.axes[0], &layout_.axes[1],
                                                                         &layout_.axes[2]};
    detail::parallel_for(exec, threads, planes * tasks_per_plane, [&](std::int64_t task) {
      const std::int64_t plane = task / tasks_per_plane;
      const std::int64_t begin = (task % tasks_per_plane) * per_task;
      const std::int64_t end = std::min(begin + per_task, plane_elements);
      detail::plane_ref<const compute_type> go;
      detail::plane_ref<compute_type> gi;
      go.data = go0 + (plane / channels) * grad_output.stride(0) + (plane % channels) * grad_output.stride(1);
      gi.data = gi0 + (plane / channels) * grad_input.stride(0) + (plane % channels) * grad_input.stride(1);
      go.stride = call.go_stride;
      gi.stride = call.gi_stride;
      detail::gather_range(rule_, axes, go, gi, begin, end, count_);
    });
  }

  detail::geometry geometry_;
  detail::backward_rule rule_ = detail::backward_rule::sum;
  detail::backward_layout<compute_type>
      layout_;  // box axes D, H, W (absent axes are 1 -> 1 identities) and fast-path tables
  compute_type count_ = compute_type(1);
};

/// The gradient of `F.interpolate(input, **opts)` with respect to `input`, written into
/// `grad_input`, whose shape is the forward input's shape. `grad_output` must have
/// `output_shape(grad_input.extents(), opts)`. Throws `resample::error` (and writes nothing)
/// for invalid options or views.
template <class T>
void interpolate_backward(tensor_view<const detail::identity_t<T>> grad_output, tensor_view<T> grad_input,
                          const options& opts, const execution& exec = {}) {
  backward_plan<T>(grad_input.extents(), opts).execute(grad_output, grad_input, exec);
}

/// The gradient with respect to an input of `input_shape`, as a new contiguous tensor.
template <class T>
tensor<std::remove_const_t<T>> interpolate_backward(tensor_view<T> grad_output, const dims& input_shape,
                                                    const options& opts, const execution& exec = {}) {
  using value_type = std::remove_const_t<T>;
  const backward_plan<value_type> p(input_shape, opts);
  tensor<value_type> result(p.input_shape());
  p.execute(grad_output, result.view(), exec);
  return result;
}

}  // namespace resample
