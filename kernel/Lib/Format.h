#pragma once

#include "Lib/Types.h"

using va_list = __builtin_va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_end(ap) __builtin_va_end(ap)
#define va_arg(ap, type) __builtin_va_arg(ap, type)

// A printf subset for the serial log: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a
// width, and the length modifiers l, ll, z. Integers only: the kernel has no floating point.
// Always terminates `buffer` and returns the number of characters written (not counting NUL).
size_t vformat(char* buffer, size_t size, const char* format, va_list args);
size_t format(char* buffer, size_t size, const char* format, ...)
    __attribute__((format(printf, 3, 4)));
