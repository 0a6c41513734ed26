#include "support/Memory.h"

namespace tg {
namespace {

// Installed once by the platform before any allocation; null means "no memory yet".
AllocatorHooks g_allocator{};

}  // namespace

void install_allocator(const AllocatorHooks& hooks) { g_allocator = hooks; }

void* allocate(usize size, usize align) {
  if (!g_allocator.allocate) return nullptr;
  return g_allocator.allocate(size, align);
}

void deallocate(void* pointer) {
  if (pointer && g_allocator.deallocate) g_allocator.deallocate(pointer);
}

}  // namespace tg
