// SPDX-License-Identifier: MIT
// Optional adapter between Eigen's Tensor module and resample views (CMake target resample::eigen).
//
//   Eigen::Tensor<float, 4, Eigen::RowMajor> x(1, 3, 32, 32);
//   resample::tensor_view<float> v = resample::as_view(x);             // no copy
//   auto m = resample::as_tensor_map<4>(v);                            // Eigen::TensorMap, no copy
//   Eigen::Tensor<float, 4, Eigen::RowMajor> y = resample::interpolate(x, opts);
//
// resample views are logical N, C, spatial... with strides; Eigen's RowMajor layout is exactly the
// contiguous (C-order) case, so both directions are zero-copy. ColMajor tensors would read their
// axes in the opposite order and are rejected at compile time.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

#include <unsupported/Eigen/CXX11/Tensor>

#include "detail/format.hpp"
#include "error.hpp"
#include "options.hpp"
#include "plan.hpp"
#include "tensor.hpp"
#include "view.hpp"

namespace resample {

/// The Eigen tensor type whose memory matches a contiguous resample view of rank `Rank`.
template <class T, int Rank>
using eigen_tensor = Eigen::Tensor<T, Rank, Eigen::RowMajor>;

/// The Eigen map of a contiguous view of `T` (`T` may be const): `TensorMap<Tensor<T, ...>>` or
/// `TensorMap<const Tensor<U, ...>>`, Eigen's spelling of a read-only map.
template <class T, int Rank>
using eigen_map = Eigen::TensorMap<std::conditional_t<std::is_const_v<T>,
                                                      const eigen_tensor<std::remove_const_t<T>, Rank>,
                                                      eigen_tensor<T, Rank>>>;

namespace detail {

template <int Layout, int Rank>
constexpr void check_eigen_layout() {
  static_assert(Layout == Eigen::RowMajor,
                "resample views are row-major (N, C, spatial...): declare the Eigen tensor with "
                "Eigen::RowMajor, or convert a ColMajor one with .swap_layout().shuffle(reversed axes)");
  static_assert(Rank >= min_rank && Rank <= max_rank,
                "resample views have rank 3, 4 or 5 (N, C, spatial...): reshape the Eigen tensor "
                "to that form (a batch or channel axis of extent 1 is fine) before viewing it");
}

/// A contiguous row-major view of `data` with Eigen's dimensions.
template <class T, class Dimensions>
tensor_view<T> eigen_view(T* data, const Dimensions& eigen_dims, int rank) {
  dims extents(static_cast<std::size_t>(rank));
  for (int r = 0; r < rank; ++r) extents[static_cast<std::size_t>(r)] = static_cast<index_t>(eigen_dims[r]);
  return tensor_view<T>(data, extents);
}

/// True when `view` is laid out as a row-major array: every axis of extent > 1 has the stride a
/// contiguous tensor of these extents would have (axes of extent 1 never step, so any stride fits).
template <class T>
bool is_row_major_contiguous(const tensor_view<T>& view) {
  if (view.empty()) return true;
  index_t step = 1;
  for (int r = view.rank(); r-- > 0;) {
    if (view.extent(r) != 1 && view.stride(r) != step) return false;
    step *= view.extent(r);
  }
  return true;
}

}  // namespace detail

/// A view of a row-major Eigen tensor's memory (no copy). The tensor must outlive the view.
template <class Scalar, int Rank, int Options, class IndexType>
tensor_view<Scalar> as_view(Eigen::Tensor<Scalar, Rank, Options, IndexType>& tensor) {
  detail::check_eigen_layout<(Options & Eigen::RowMajor) ? Eigen::RowMajor : Eigen::ColMajor, Rank>();
  return detail::eigen_view(tensor.data(), tensor.dimensions(), Rank);
}

/// A read-only view of a row-major Eigen tensor's memory (no copy).
template <class Scalar, int Rank, int Options, class IndexType>
tensor_view<const Scalar> as_view(const Eigen::Tensor<Scalar, Rank, Options, IndexType>& tensor) {
  detail::check_eigen_layout<(Options & Eigen::RowMajor) ? Eigen::RowMajor : Eigen::ColMajor, Rank>();
  return detail::eigen_view(tensor.data(), tensor.dimensions(), Rank);
}

/// A view of a temporary would dangle as soon as the statement ends: keep the tensor in a variable.
template <class Scalar, int Rank, int Options, class IndexType>
void as_view(Eigen::Tensor<Scalar, Rank, Options, IndexType>&& tensor) = delete;

/// A view of the memory an Eigen TensorMap refers to; `const` when the map is over a const tensor.
template <class PlainObject, int MapOptions>
auto as_view(const Eigen::TensorMap<PlainObject, MapOptions>& map) {
  using map_type = Eigen::TensorMap<PlainObject, MapOptions>;
  constexpr int rank = static_cast<int>(map_type::NumIndices);
  detail::check_eigen_layout<static_cast<int>(map_type::Layout), rank>();
  using element = std::remove_pointer_t<decltype(map.data())>;
  return detail::eigen_view<element>(map.data(), map.dimensions(), rank);
}

/// An Eigen TensorMap over a contiguous view of rank `Rank` (no copy). Throws `resample::error`
/// (`invalid_rank`) when the view's rank is not `Rank` and (`unsupported`) when the view is not
/// contiguous: Eigen maps have no strides, so copy a strided view into a `resample::tensor` first.
template <int Rank, class T>
eigen_map<T, Rank> as_tensor_map(const tensor_view<T>& view) {
  static_assert(Rank >= min_rank && Rank <= max_rank,
                "resample views have rank 3, 4 or 5 (N, C, spatial...): ask as_tensor_map for one of those ranks");
  if (view.rank() != Rank) {
    throw error(error_code::invalid_rank, "as_tensor_map<" + std::to_string(Rank) + "> needs a view of rank " +
                                              std::to_string(Rank) + ", but got extents " +
                                              detail::format_dims(view.extents()));
  }
  if (!detail::is_row_major_contiguous(view)) {
    throw error(error_code::unsupported,
                "an Eigen::TensorMap needs a contiguous row-major view, but got extents " +
                    detail::format_dims(view.extents()) + " and strides " + detail::format_dims(view.strides()) +
                    "; copy the view into a resample::tensor first");
  }
  using map_type = eigen_map<T, Rank>;
  std::array<typename map_type::Index, Rank> dimensions{};
  for (int r = 0; r < Rank; ++r) {
    dimensions[static_cast<std::size_t>(r)] = static_cast<typename map_type::Index>(view.extent(r));
  }
  return map_type(view.data_handle(), dimensions);
}

/// An Eigen TensorMap over a `resample::tensor` (always contiguous); throws `invalid_rank` when
/// the tensor's rank is not `Rank`.
template <int Rank, class T>
eigen_map<T, Rank> as_tensor_map(tensor<T>& t) {
  return as_tensor_map<Rank>(t.view());
}

/// A read-only Eigen TensorMap over a `resample::tensor`.
template <int Rank, class T>
eigen_map<const T, Rank> as_tensor_map(const tensor<T>& t) {
  return as_tensor_map<Rank>(t.view());
}

/// A map of a temporary would dangle as soon as the statement ends: keep the tensor in a variable.
template <int Rank, class T>
void as_tensor_map(tensor<T>&& t) = delete;

namespace detail {

template <class Scalar, int Rank>
eigen_tensor<Scalar, Rank> interpolate_to_eigen(const tensor_view<const Scalar>& input, const options& opts) {
  const plan<Scalar> p(input.extents(), opts);
  std::array<typename eigen_tensor<Scalar, Rank>::Index, Rank> dimensions{};
  for (int r = 0; r < Rank; ++r) {
    dimensions[static_cast<std::size_t>(r)] =
        static_cast<typename eigen_tensor<Scalar, Rank>::Index>(p.output_shape()[static_cast<std::size_t>(r)]);
  }
  eigen_tensor<Scalar, Rank> result(dimensions);
  p.execute(input, as_view(result));
  return result;
}

}  // namespace detail

/// `F.interpolate` on a row-major Eigen tensor, returning a new row-major Eigen tensor of the
/// output shape. Same options, element types and errors as the view overloads.
template <class Scalar, int Rank, int Options, class IndexType>
eigen_tensor<Scalar, Rank> interpolate(const Eigen::Tensor<Scalar, Rank, Options, IndexType>& input,
                                       const options& opts) {
  detail::check_eigen_layout<(Options & Eigen::RowMajor) ? Eigen::RowMajor : Eigen::ColMajor, Rank>();
  return detail::interpolate_to_eigen<Scalar, Rank>(as_view(input), opts);
}

/// `F.interpolate` on the memory of a row-major Eigen TensorMap, returning a new Eigen tensor.
template <class PlainObject, int MapOptions>
auto interpolate(const Eigen::TensorMap<PlainObject, MapOptions>& input, const options& opts) {
  using map_type = Eigen::TensorMap<PlainObject, MapOptions>;
  constexpr int rank = static_cast<int>(map_type::NumIndices);
  detail::check_eigen_layout<static_cast<int>(map_type::Layout), rank>();
  using scalar = std::remove_const_t<typename map_type::Scalar>;  // TensorMap<Tensor<const T, ...>> too
  return detail::interpolate_to_eigen<scalar, rank>(as_view(input), opts);
}

}  // namespace resample
