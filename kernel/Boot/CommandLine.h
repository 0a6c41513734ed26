#pragma once

#include "Lib/Types.h"

// The kernel command line: space-separated `key=value` words and bare `flag` words.
void cmdline_init(const char* text);
const char* cmdline_text();

// Copies the value of the first `key=` word into `value`; false when absent.
bool cmdline_value(const char* key, char* value, size_t size);
bool cmdline_flag(const char* flag);

// Calls `visit` with the value of every `key=` word, in order.
void cmdline_for_each(const char* key,
                      void (*visit)(const char* value, size_t length, void* context),
                      void* context);

// Parses a decimal or 0x-prefixed unsigned number; false on anything else.
bool parse_u64(const char* text, size_t length, u64& out);
