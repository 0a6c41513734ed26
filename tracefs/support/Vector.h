#pragma once
#include "support/Memory.h"
#include "support/Result.h"
#include "support/Span.h"

namespace tg {

// A growable array on the platform allocator. Growth can fail: append returns a Status.
template <typename T>
class Vector {
 public:
  Vector() = default;
  Vector(Vector&& other) : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
  }
  Vector& operator=(Vector&& other) {
    if (this != &other) {
      free_all();
      data_ = other.data_;
      size_ = other.size_;
      capacity_ = other.capacity_;
      other.data_ = nullptr;
      other.size_ = other.capacity_ = 0;
    }
    return *this;
  }
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;
  ~Vector() { free_all(); }

  usize size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](usize i) { return data_[i]; }
  const T& operator[](usize i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& back() { return data_[size_ - 1]; }
  Span<T> span() { return {data_, size_}; }
  Span<const T> span() const { return {data_, size_}; }

  Status reserve(usize capacity) {
    if (capacity <= capacity_) return {};
    auto* fresh = static_cast<T*>(allocate(capacity * sizeof(T), alignof(T) > 16 ? alignof(T) : 16));
    if (!fresh) return Errno::kNoMem;
    for (usize i = 0; i < size_; ++i) {
      new (&fresh[i]) T(move(data_[i]));
      data_[i].~T();
    }
    deallocate(data_);
    data_ = fresh;
    capacity_ = capacity;
    return {};
  }
  Status append(T value) {
    if (size_ == capacity_) TRY(reserve(capacity_ ? capacity_ * 2 : 8));
    new (&data_[size_++]) T(move(value));
    return {};
  }
  void remove(usize index) {
    for (usize i = index; i + 1 < size_; ++i) data_[i] = move(data_[i + 1]);
    data_[--size_].~T();
  }
  void pop_back() { data_[--size_].~T(); }
  void clear() {
    for (usize i = 0; i < size_; ++i) data_[i].~T();
    size_ = 0;
  }

 private:
  void free_all() {
    clear();
    deallocate(data_);
    data_ = nullptr;
    capacity_ = 0;
  }

  T* data_ = nullptr;
  usize size_ = 0;
  usize capacity_ = 0;
};

}  // namespace tg
