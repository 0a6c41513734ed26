#pragma once

#include "Lib/Types.h"

// COM1, polled. QEMU's 16550 accepts a byte at once, so polling costs nothing and the log
// survives a wedged interrupt controller, which is when it matters most.
void serial_init();
void serial_write(const char* text, size_t length);
