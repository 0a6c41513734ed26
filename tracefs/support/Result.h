#pragma once
#include "support/Errno.h"
#include "support/Memory.h"

namespace tg {

// Either a value or a Linux errno. The core never throws; callers propagate with TRY.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : has_value_(true) { new (&storage_) T(value); }
  Result(T&& value) : has_value_(true) { new (&storage_) T(move(value)); }
  Result(Errno error) : has_value_(false), error_(error) {}
  Result(const Result& other) : has_value_(other.has_value_), error_(other.error_) {
    if (has_value_) new (&storage_) T(other.value());
  }
  Result(Result&& other) : has_value_(other.has_value_), error_(other.error_) {
    if (has_value_) new (&storage_) T(move(other.value()));
  }
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&& other) {
    if (this != &other) {
      this->~Result();
      new (this) Result(move(other));
    }
    return *this;
  }
  ~Result() {
    if (has_value_) value().~T();
  }

  bool ok() const { return has_value_; }
  explicit operator bool() const { return has_value_; }
  Errno error() const { return has_value_ ? Errno::kOk : error_; }

  T& value() { return *reinterpret_cast<T*>(&storage_); }
  const T& value() const { return *reinterpret_cast<const T*>(&storage_); }
  T release_value() { return move(value()); }
  T value_or(const T& fallback) const { return has_value_ ? value() : fallback; }

 private:
  bool has_value_;
  Errno error_ = Errno::kOk;
  alignas(T) unsigned char storage_[sizeof(T)];
};

// Result<void>: success or an errno.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Errno error) : error_(error) {}
  static Status success() { return {}; }
  bool ok() const { return error_ == Errno::kOk; }
  explicit operator bool() const { return ok(); }
  Errno error() const { return error_; }
  void release_value() const {}

 private:
  Errno error_ = Errno::kOk;
};

}  // namespace tg

// Evaluates a Result/Status; on error returns the errno from the enclosing function.
#define TRY(expression)                                \
  ({                                                   \
    auto _try_result = (expression);                   \
    if (!_try_result.ok()) return _try_result.error(); \
    _try_result.release_value();                       \
  })
