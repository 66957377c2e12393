// SPDX-License-Identifier: MIT
// tensor<T>: a small owning, contiguous N, C, spatial... array, for results the library allocates.
#pragma once

#include <cstddef>
#include <vector>

#include "detail/checked.hpp"
#include "view.hpp"

namespace resample {

template <class T>
class tensor {
 public:
  tensor() = default;

  /// A zero-filled contiguous tensor of the given extents.
  explicit tensor(const dims& extents) : extents_(extents) {
    index_t count = 1;
    for (index_t e : extents) {
      if (e < 0 || !detail::checked_multiply(count, e, count)) {
        throw error(error_code::overflow, "cannot allocate a tensor of shape " + detail::format_dims(extents));
      }
    }
    data_.resize(static_cast<std::size_t>(count));
  }

  tensor_view<T> view() { return tensor_view<T>(data_.data(), extents_); }
  tensor_view<const T> view() const { return tensor_view<const T>(data_.data(), extents_); }

  const dims& extents() const noexcept { return extents_; }
  index_t extent(int r) const noexcept { return extents_[r]; }
  T* data() noexcept { return data_.data(); }
  const T* data() const noexcept { return data_.data(); }
  std::size_t size() const noexcept { return data_.size(); }
  std::vector<T>& values() noexcept { return data_; }
  const std::vector<T>& values() const noexcept { return data_; }

 private:
  dims extents_;
  std::vector<T> data_;
};

}  // namespace resample
