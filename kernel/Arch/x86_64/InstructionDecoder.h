#pragma once

#include "support/Types.h"

// A small x86-64 instruction-length decoder for kprobes inside a function: it finds the
// instruction boundaries of a function (walking from its first byte, as Linux's can_probe
// does) and tells whether the instruction at a probe point may run out of line, in a slot
// elsewhere, with the trap flag set. Pure: it reads only the bytes it is given (host-tested).

// What running an instruction somewhere else would do.
enum class InstructionKind : tg::u8 {
  kSteppable,    // the same effect at any address: safe to single-step out of line
  kRipRelative,  // an operand addresses memory relative to %rip
  kControlFlow,  // jumps, calls, returns, interrupts: the target depends on where it runs
  kUnsupported,  // changes IF/TF or privileged state, does I/O, repeats (rep), x87/SSE...
};

struct DecodedInstruction {
  tg::u8 length = 0;  // 0: not decodable (unknown opcode, or cut short by the end of the bytes)
  InstructionKind kind = InstructionKind::kUnsupported;
};

// Decodes the instruction that starts at bytes[0], reading no more than `size` bytes.
DecodedInstruction decode_instruction(const tg::u8* bytes, tg::usize size);

// Why a point inside a function can or cannot carry a breakpoint probe.
enum class ProbePointVerdict : tg::u8 {
  kOk,           // an instruction starts there and it can be stepped out of line
  kNotBoundary,  // no instruction starts there (or the walk met an unknown opcode)
  kCannotStep,   // an instruction starts there, but it cannot run out of line
};

// `text` holds the function's bytes from its entry; `offset` is the probe point in it.
ProbePointVerdict check_probe_point(const tg::u8* text, tg::usize size, tg::usize offset,
                                    DecodedInstruction* found = nullptr);
