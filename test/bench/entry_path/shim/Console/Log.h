#pragma once
// Host stand-in for the kernel's panic.
[[noreturn]] void panic(const char* message);
