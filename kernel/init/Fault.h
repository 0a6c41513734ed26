#pragma once

// `fault=KIND` on the command line: provoke the named CPU exception on purpose, so tests
// can check that a fault ends QEMU with the failure code and a register dump.
// Kinds: pagefault, gpf, invalid-opcode, divide, panic. Returns if KIND is unknown.
void fault_inject(const char* kind);
