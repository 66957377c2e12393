// SPDX-License-Identifier: MIT
// Checks on the views handed to a plan: shapes, byte spans that fit in memory, and outputs
// that neither overlap themselves nor the input. All run before anything is written.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../error.hpp"
#include "../view.hpp"
#include "checked.hpp"
#include "format.hpp"

namespace resample::detail {

/// Lowest and highest element offset a view touches (relative to its data pointer).
struct offset_range {
  std::int64_t low = 0;
  std::int64_t high = 0;
};

template <class T>
offset_range touched_offsets(const tensor_view<T>& view, const char* role) {
  offset_range range;
  for (int r = 0; r < view.rank(); ++r) {
    const std::int64_t stride = view.stride(r);
    std::int64_t reach = 0;
    const std::int64_t magnitude = stride == std::numeric_limits<std::int64_t>::min()
                                       ? std::numeric_limits<std::int64_t>::max()
                                       : (stride < 0 ? -stride : stride);
    if (!checked_multiply(view.extent(r) - 1, magnitude, reach) ||
        !checked_add(stride < 0 ? -range.low : range.high, reach, reach)) {
      throw error(error_code::overflow, std::string("the ") + role + " view spans more memory than fits in 64 bits: extents " +
                                            format_dims(view.extents()) + ", strides " + format_dims(view.strides()));
    }
    if (stride < 0) {
      range.low = -reach;
    } else {
      range.high = reach;
    }
  }
  std::int64_t bytes = 0;
  if (!checked_multiply(range.high - range.low + 1, static_cast<std::int64_t>(sizeof(T)), bytes)) {
    throw error(error_code::overflow, std::string("the ") + role + " view spans more bytes than fit in 64 bits: extents " +
                                          format_dims(view.extents()) + ", strides " + format_dims(view.strides()));
  }
  return range;
}

/// True when no two distinct indices of `view` reach the same element. Sufficient test:
/// sorted by stride magnitude, each axis must step past everything the smaller axes span.
template <class T>
bool has_no_internal_overlap(const tensor_view<T>& view) {
  std::vector<std::pair<std::int64_t, std::int64_t>> axes;  // |stride|, extent
  for (int r = 0; r < view.rank(); ++r) {
    if (view.extent(r) <= 1) continue;
    const std::int64_t stride = view.stride(r);
    axes.emplace_back(stride < 0 ? -stride : stride, view.extent(r));
  }
  std::sort(axes.begin(), axes.end());
  std::int64_t span = 0;  // largest offset reachable with the axes so far
  for (const auto& [stride, extent] : axes) {
    if (stride <= span) return false;
    span += stride * (extent - 1);
  }
  return true;
}

template <class T>
void check_view_shape(const tensor_view<T>& view, const dims& expected, const char* role, const dims& input_shape) {
  if (view.extents() != expected) {
    throw error(error_code::shape_mismatch, std::string("the ") + role + " view has shape " + format_dims(view.extents()) +
                                                " but " + format_dims(expected) + " is expected (input shape " +
                                                format_dims(input_shape) + ")");
  }
  if (view.data_handle() == nullptr) {
    throw error(error_code::null_data, std::string("the ") + role + " view of shape " + format_dims(view.extents()) +
                                              " has a null data pointer");
  }
}

/// Checks that the memory `target` writes fits in 64 bits, overlaps neither itself nor the
/// memory `source` reads. The roles name the views in the messages.
template <class T>
void check_target_memory(const tensor_view<const T>& source, const tensor_view<T>& target, const char* source_role,
                         const char* target_role) {
  const offset_range in = touched_offsets(source, source_role);
  const offset_range out = touched_offsets(target, target_role);
  if (!has_no_internal_overlap(target)) {
    throw error(error_code::overlapping_memory, std::string("the ") + target_role + " view overlaps itself: extents " +
                                                    format_dims(target.extents()) + ", strides " +
                                                    format_dims(target.strides()));
  }
  // Compare addresses as integers: the views may come from unrelated allocations.
  const auto address = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p); };
  const std::uintptr_t in_low = address(source.data_handle() + in.low);
  const std::uintptr_t in_high = address(source.data_handle() + in.high) + sizeof(T);
  const std::uintptr_t out_low = address(target.data_handle() + out.low);
  const std::uintptr_t out_high = address(target.data_handle() + out.high) + sizeof(T);
  if (out_low < in_high && in_low < out_high) {
    throw error(error_code::overlapping_memory,
                std::string("the ") + target_role + " view (shape " + format_dims(target.extents()) + ", strides " +
                    format_dims(target.strides()) + ") overlaps the memory of the " + source_role + " view (shape " +
                    format_dims(source.extents()) + ", strides " + format_dims(source.strides()) + ")");
  }
}

/// Validates an (input, output) pair against the shapes a plan expects.
template <class T>
void validate_views(const tensor_view<const T>& input, const tensor_view<T>& output, const dims& input_shape,
                    const dims& output_shape) {
  check_view_shape(input, input_shape, "input", input_shape);
  check_view_shape(output, output_shape, "output", input_shape);
  check_target_memory(input, output, "input", "output");
}

}  // namespace resample::detail
