// SPDX-License-Identifier: MIT
#pragma once

namespace resample::detail {

/// std::type_identity (C++20): keeps a parameter out of template argument deduction, so a
/// non-const input view converts to a const one while T is deduced from the output.
template <class T>
struct identity {
  using type = T;
};
template <class T>
using identity_t = typename identity<T>::type;

}  // namespace resample::detail
