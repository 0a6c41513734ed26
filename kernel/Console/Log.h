#pragma once

#include "Lib/Format.h"
#include "Lib/Types.h"

// The kernel log: one line per call, prefixed like Linux's dmesg with the trace clock's
// seconds.microseconds and the CPU that wrote it. Lines from several CPUs never interleave.
void klog(const char* format, ...) __attribute__((format(printf, 1, 2)));
void vklog(const char* format, va_list args);

// Owns the console while a line goes out, under Linux's names; interrupts stay masked
// between the two. klog takes it; a caller may take it around several writes.
extern "C" void console_lock();
extern "C" void console_unlock();

// For the panic path: writes without taking the log lock, which a dying CPU may hold.
void klog_emergency(const char* format, ...) __attribute__((format(printf, 1, 2)));

noreturn_fn void panic(const char* format, ...) __attribute__((format(printf, 1, 2)));

#define KASSERT(condition)                                                    \
  do {                                                                        \
    if (unlikely(!(condition)))                                               \
      panic("assertion failed: %s at %s:%d", #condition, __FILE__, __LINE__); \
  } while (0)
