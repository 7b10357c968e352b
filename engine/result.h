// Result<T>: a value or the diagnostics that explain why there is none.
//
/// The expected-style return type used across capstan (C++20 has no std::expected).
/// A Result with a value may still carry warnings. `Status` is Result without a value:
/// an empty Diagnostics means success.
#pragma once

#include <optional>
#include <utility>

#include "engine/diagnostics.h"

namespace capstan {

using Status = Diagnostics;

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Diagnostics diags) : diags_(std::move(diags)) {}  // NOLINT
  Result(Diagnostic d) { diags_.Add(std::move(d)); }       // NOLINT

  /// A failed result with one error.
  static Result Fail(std::string summary, std::string detail = {}) {
    Diagnostics d;
    d.Error(std::move(summary), std::move(detail));
    return Result(std::move(d));
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

  const Diagnostics& diags() const { return diags_; }
  Diagnostics& diags() { return diags_; }

 private:
  std::optional<T> value_;
  Diagnostics diags_;
};

}  // namespace capstan
