#pragma once

#include "Lib/Errno.h"
#include "Lib/Utility.h"

namespace klib {

// Errors are values: a Result holds either a T or the errno that explains its absence.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value), error_(static_cast<Errno>(0)) {}
  Result(T&& value) : value_(move(value)), error_(static_cast<Errno>(0)) {}
  Result(Errno error) : value_(), error_(error) {}

  bool is_error() const { return static_cast<int>(error_) != 0; }
  Errno error() const { return error_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T release_value() { return move(value_); }

 private:
  T value_;
  Errno error_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() : error_(static_cast<Errno>(0)) {}
  Result(Errno error) : error_(error) {}

  bool is_error() const { return static_cast<int>(error_) != 0; }
  Errno error() const { return error_; }
  void release_value() {}

 private:
  Errno error_;
};

}  // namespace klib

// Returns early with the error of a failed Result, else yields its value.
#define TRY(expression)                             \
  ({                                                \
    auto _result = (expression);                    \
    if (_result.is_error()) return _result.error(); \
    _result.release_value();                        \
  })
