#pragma once

#include "Lib/Types.h"

// The tracing files as a shell user reaches them, for kernel code that must not see
// tracefs's types (its Result/TRY would clash with the kernel's Lib/Result.h). Paths are
// relative to tracing/. Return 0 or a Linux errno.
int trace_echo(const char* path, const char* text, bool append = false);
int trace_cat_to_serial(const char* path);
// Reads the file into `buffer` (NUL-terminated, cut at size-1); the bytes read.
size_t trace_cat_to_buffer(const char* path, char* buffer, size_t size);
