#pragma once

#include "Lib/Types.h"
#include "support/Memory.h"

// The kernel heap: power-of-two size classes served by object caches, larger requests by
// whole pages. Every block carries a 16-byte header naming its class, so kfree needs no
// size. Returns nullptr on exhaustion (ENOMEM); the memory is 16-byte aligned.
void heap_init();
void* kmalloc(size_t size);
void* kzalloc(size_t size);
void kfree(void* pointer);

// Constructs a T on the heap; nullptr when memory ran out.
template <typename T, typename... Args>
T* make(Args&&... args) {
  void* memory = kmalloc(sizeof(T));
  if (!memory) return nullptr;
  return new (memory) T(tg::forward<Args>(args)...);
}

template <typename T>
void destroy(T* object) {
  if (!object) return;
  object->~T();
  kfree(object);
}
