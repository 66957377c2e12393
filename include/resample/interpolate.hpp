// SPDX-License-Identifier: MIT
// interpolate(): the one-call form of torch.nn.functional.interpolate.
#pragma once

#include <type_traits>

#include "detail/identity.hpp"
#include "options.hpp"
#include "parallel.hpp"
#include "plan.hpp"
#include "tensor.hpp"
#include "view.hpp"

namespace resample {

/// Resamples `input` into the caller's `output` view, which must have shape
/// `output_shape(input.extents(), opts)` and must not overlap itself or the input.
/// Throws `resample::error` (and writes nothing) for invalid options or views.
template <class T>
void interpolate(tensor_view<const detail::identity_t<T>> input, tensor_view<T> output, const options& opts,
                 const execution& exec = {}) {
  plan<T>(input.extents(), opts).execute(input, output, exec);
}

/// Mixed element types are refused: the library never converts between types implicitly.
template <class In, class Out,
          std::enable_if_t<!std::is_same_v<std::remove_const_t<In>, std::remove_const_t<Out>>, int> = 0>
void interpolate(tensor_view<In>, tensor_view<Out>, const options&, const execution& = {}) {
  static_assert(!std::is_same_v<In, In>,
                "resample::interpolate: the input and output views must have the same element type; "
                "convert the input first (for example into a resample::tensor of the output's type)");
}

/// Resamples `input` into a newly allocated contiguous tensor.
template <class T>
tensor<std::remove_const_t<T>> interpolate(tensor_view<T> input, const options& opts, const execution& exec = {}) {
  using value_type = std::remove_const_t<T>;
  const plan<value_type> p(input.extents(), opts);
  tensor<value_type> result(p.output_shape());
  p.execute(input, result.view(), exec);
  return result;
}

}  // namespace resample
