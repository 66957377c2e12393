// SPDX-License-Identifier: MIT
// A value built on first use, once, by whichever thread asks first; later calls from any
// thread return the same value. Copies of its owner share it (it never changes once built).
#pragma once

#include <memory>
#include <mutex>
#include <optional>

namespace resample::detail {

template <class V>
class built_once {
 public:
  /// The value, made by make() on the first call.
  template <class Make>
  const V& get(Make&& make) const {
    std::call_once(state_->flag, [&] { state_->value.emplace(make()); });
    return *state_->value;
  }

 private:
  struct state {
    std::once_flag flag;
    std::optional<V> value;
  };
  std::shared_ptr<state> state_ = std::make_shared<state>();
};

}  // namespace resample::detail
