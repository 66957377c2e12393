// SPDX-License-Identifier: MIT
// tensor_view: a non-owning strided view of an N, C, spatial... tensor (rank 3 to 5).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <vector>

#include "error.hpp"
#include "detail/format.hpp"

namespace resample {

using index_t = std::int64_t;

/// Extents or strides, outermost first (PyTorch's `tensor.shape` / `tensor.stride()` order).
using dims = std::vector<index_t>;

/// Ranks a view may have: N, C and one to three spatial axes.
inline constexpr int min_rank = 3;
inline constexpr int max_rank = 5;

/// Row-major (C-order) strides for `extents`: what `torch.Tensor.contiguous()` has.
inline dims contiguous_strides(const dims& extents) {
  dims strides(extents.size());
  index_t step = 1;
  for (std::size_t r = extents.size(); r-- > 0;) {
    strides[r] = step;
    step *= extents[r] > 0 ? extents[r] : 1;
  }
  return strides;
}

/// Channels-last strides for N, C, spatial... extents: memory order N, spatial..., C
/// (torch.channels_last for 4-D, torch.channels_last_3d for 5-D, and the same idea for 3-D).
inline dims channels_last_strides(const dims& extents) {
  if (extents.size() < static_cast<std::size_t>(min_rank)) {
    throw error(error_code::invalid_rank, "channels-last strides need extents N, C, spatial... (rank 3 to 5), got " +
                                              detail::format_dims(extents));
  }
  dims strides(extents.size());
  index_t step = 1;
  strides[1] = step;
  step *= extents[1] > 0 ? extents[1] : 1;
  for (std::size_t r = extents.size(); r-- > 2;) {
    strides[r] = step;
    step *= extents[r] > 0 ? extents[r] : 1;
  }
  strides[0] = step;
  return strides;
}

/// A non-owning view: data pointer, extents and strides counted in elements (signed, so a
/// flipped view works; stride 0 is an expanded axis). Same vocabulary as std::mdspan.
/// `T` is the element type, `const`-qualified for inputs.
template <class T>
class tensor_view {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;

  tensor_view() = default;

  /// A contiguous (row-major) view.
  tensor_view(T* data, const dims& extents) : tensor_view(data, extents, contiguous_strides(extents)) {}

  /// A view with explicit strides, one per extent.
  tensor_view(T* data, const dims& extents, const dims& strides) : data_(data) {
    if (extents.size() < static_cast<std::size_t>(min_rank) ||
        extents.size() > static_cast<std::size_t>(max_rank)) {
      throw error(error_code::invalid_rank,
                  "a tensor_view has rank 3, 4 or 5 (N, C, spatial...), but got extents " +
                      detail::format_dims(extents));
    }
    if (strides.size() != extents.size()) {
      throw error(error_code::invalid_rank, "a tensor_view needs one stride per extent, but got extents " +
                                                detail::format_dims(extents) + " and strides " +
                                                detail::format_dims(strides));
    }
    rank_ = static_cast<int>(extents.size());
    for (int r = 0; r < rank_; ++r) {
      if (extents[r] < 0) {
        throw error(error_code::invalid_size, "a tensor_view extent is negative: extents " +
                                                  detail::format_dims(extents));
      }
      extents_[r] = extents[r];
      strides_[r] = strides[r];
    }
  }

  /// A const view of the same memory.
  template <class U = T, class = std::enable_if_t<!std::is_const_v<U>>>
  operator tensor_view<const U>() const {
    return tensor_view<const U>(data_, extents(), strides());
  }

  T* data_handle() const noexcept { return data_; }
  int rank() const noexcept { return rank_; }
  int spatial_rank() const noexcept { return rank_ - 2; }
  index_t extent(int r) const noexcept { return extents_[r]; }
  index_t stride(int r) const noexcept { return strides_[r]; }
  dims extents() const { return dims(extents_.begin(), extents_.begin() + rank_); }
  dims strides() const { return dims(strides_.begin(), strides_.begin() + rank_); }

  /// Number of elements (the product of the extents). Views built from valid memory cannot
  /// overflow it; the library checks before relying on it.
  index_t size() const noexcept {
    index_t n = 1;
    for (int r = 0; r < rank_; ++r) n *= extents_[r];
    return n;
  }
  bool empty() const noexcept { return size() == 0; }

  /// Element at a full multi-index (N, C, spatial...). No bounds check.
  template <class... I>
  T& operator()(I... i) const noexcept {
    static_assert(sizeof...(I) >= 3 && sizeof...(I) <= 5, "index a tensor_view with 3 to 5 indices");
    const index_t idx[] = {static_cast<index_t>(i)...};
    index_t offset = 0;
    for (std::size_t r = 0; r < sizeof...(I); ++r) offset += idx[r] * strides_[r];
    return data_[offset];
  }

 private:
  T* data_ = nullptr;
  int rank_ = 0;
  std::array<index_t, max_rank> extents_{};
  std::array<index_t, max_rank> strides_{};
};

/// A view of `data` stored channels-last (N, spatial..., C in memory) with logical extents
/// N, C, spatial... , as `tensor.to(memory_format=torch.channels_last)` gives.
template <class T>
tensor_view<T> channels_last_view(T* data, const dims& extents) {
  return tensor_view<T>(data, extents, channels_last_strides(extents));
}

}  // namespace resample
