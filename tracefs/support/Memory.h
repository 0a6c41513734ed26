#pragma once
#include "support/Types.h"

// Placement new and the four memory primitives. Hosted builds take placement new from the
// library; freestanding builds (the kernel, whose own code uses these too) define it here.
#if __STDC_HOSTED__
#include <new>
#else
inline void* operator new(tg::usize, void* where) noexcept {
  return where;
}
inline void* operator new[](tg::usize, void* where) noexcept {
  return where;
}
#endif

extern "C" {
void* memcpy(void* dst, const void* src, tg::usize n);
void* memmove(void* dst, const void* src, tg::usize n);
void* memset(void* dst, int value, tg::usize n);
int memcmp(const void* a, const void* b, tg::usize n);
}

namespace tg {

// The platform (kernel heap, or malloc on the host) installs the allocator once at start-up;
// hooks rather than extern functions keep the freestanding link free of unresolved symbols.
struct AllocatorHooks {
  void* (*allocate)(usize size, usize align);
  void (*deallocate)(void* pointer);
};
void install_allocator(const AllocatorHooks& hooks);

// nullptr when out of memory; the core turns that into ENOMEM.
void* allocate(usize size, usize align = 16);
void deallocate(void* pointer);

template <typename T, typename... Args>
T* create(Args&&... args) {
  void* memory = allocate(sizeof(T), alignof(T) > 16 ? alignof(T) : 16);
  if (!memory) return nullptr;
  return new (memory) T(forward<Args>(args)...);
}

template <typename T>
void destroy(T* object) {
  if (!object) return;
  object->~T();
  deallocate(object);
}

// Owns one heap object; freed when it goes out of scope.
template <typename T>
class OwnPtr {
 public:
  OwnPtr() = default;
  explicit OwnPtr(T* p) : p_(p) {}
  OwnPtr(OwnPtr&& o) : p_(o.p_) { o.p_ = nullptr; }
  OwnPtr& operator=(OwnPtr&& o) {
    if (this != &o) {
      destroy(p_);
      p_ = o.p_;
      o.p_ = nullptr;
    }
    return *this;
  }
  OwnPtr(const OwnPtr&) = delete;
  OwnPtr& operator=(const OwnPtr&) = delete;
  ~OwnPtr() { destroy(p_); }

  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  // Exchanges the pointers with single stores, so a reader of either never sees null.
  void swap(OwnPtr& o) {
    T* mine = p_;
    __atomic_store_n(&p_, o.p_, __ATOMIC_RELEASE);
    __atomic_store_n(&o.p_, mine, __ATOMIC_RELEASE);
  }
  T* leak() {
    T* p = p_;
    p_ = nullptr;
    return p;
  }

 private:
  T* p_ = nullptr;
};

}  // namespace tg
