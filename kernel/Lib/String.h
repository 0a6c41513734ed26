#pragma once

#include "Lib/Types.h"

// GCC emits calls to these four even in freestanding code, so they must exist with C linkage.
extern "C" {
void* memcpy(void* dest, const void* src, size_t count);
void* memmove(void* dest, const void* src, size_t count);
void* memset(void* dest, int value, size_t count);
int memcmp(const void* a, const void* b, size_t count);
size_t strlen(const char* text);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t count);
}

// Copies at most size-1 bytes and always terminates; returns the length of src.
size_t strlcpy(char* dest, const char* src, size_t size);
