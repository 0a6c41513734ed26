// The x86-64 instruction-length decoder behind kprobes inside a function: lengths, what may
// run out of line, and the boundary walk from a function's entry. The byte sequences are the
// kernel's own (objdump of kmalloc and friends).
#include <gtest/gtest.h>

#include <vector>

#include "Arch/x86_64/InstructionDecoder.h"

namespace {

DecodedInstruction decode(std::vector<tg::u8> bytes) {
  return decode_instruction(bytes.data(), bytes.size());
}

struct LengthCase {
  std::vector<tg::u8> bytes;
  int length;
  InstructionKind kind;
};

const LengthCase kCases[] = {
    {{0x0f, 0x1f, 0x44, 0x00, 0x00}, 5, InstructionKind::kSteppable},  // the fentry nop
    {{0x55}, 1, InstructionKind::kSteppable},                          // push %rbp
    {{0x48, 0x89, 0xfa}, 3, InstructionKind::kSteppable},              // mov %rdi,%rdx
    {{0x41, 0x57}, 2, InstructionKind::kSteppable},                    // push %r15
    {{0x48, 0x83, 0xec, 0x18}, 4, InstructionKind::kSteppable},        // sub $0x18,%rsp
    {{0x0f, 0x92, 0xc0}, 3, InstructionKind::kSteppable},              // setb %al
    {{0x0f, 0xb6, 0xc0}, 3, InstructionKind::kSteppable},              // movzbl %al,%eax
    {{0xbe, 0x01, 0x00, 0x00, 0x00}, 5, InstructionKind::kSteppable},  // mov $1,%esi
    {{0x8d, 0x48, 0x05}, 3, InstructionKind::kSteppable},              // lea 5(%rax),%ecx
    {{0x4c, 0x8b, 0x7d, 0x08}, 4, InstructionKind::kSteppable},        // mov 8(%rbp),%r15
    // mov -0x7fe75e20(,%rax,8),%rdi: SIB without base, disp32
    {{0x48, 0x8b, 0x3c, 0xc5, 0xe0, 0xa1, 0x18, 0x80}, 8, InstructionKind::kSteppable},
    {{0xc7, 0x00, 0x6c, 0x61, 0x6d, 0x6b}, 6, InstructionKind::kSteppable},  // movl $imm,(%rax)
    {{0x48, 0xc7, 0x40, 0xf8, 0, 0, 0, 0}, 8, InstructionKind::kSteppable},  // movq $0,-8(%rax)
    {{0x48, 0xbf, 0x6c, 0x61, 0x6d, 0x6b, 0xff, 0xff, 0xff, 0xff},
     10,
     InstructionKind::kSteppable},                                     // movabs
    {{0x66, 0xb8, 0x34, 0x12}, 4, InstructionKind::kSteppable},        // mov $0x1234,%ax
    {{0xf6, 0xc2, 0x01}, 3, InstructionKind::kSteppable},              // test $1,%dl
    {{0xf7, 0xc2, 1, 0, 0, 0}, 6, InstructionKind::kSteppable},        // test $1,%edx
    {{0xf7, 0xda}, 2, InstructionKind::kSteppable},                    // neg %edx
    {{0xf3, 0x0f, 0x1e, 0xfa}, 4, InstructionKind::kSteppable},        // endbr64
    {{0xf0, 0x48, 0x0f, 0xc1, 0x07}, 5, InstructionKind::kSteppable},  // lock xadd %rax,(%rdi)
    {{0x0f, 0xb6, 0x15, 0x8b, 0x5b, 0x14, 0x00}, 7, InstructionKind::kRipRelative},
    {{0x48, 0x8d, 0x05, 0, 0, 0, 0}, 7, InstructionKind::kRipRelative},        // lea 0(%rip),%rax
    {{0x0f, 0x82, 0xf5, 0x00, 0x00, 0x00}, 6, InstructionKind::kControlFlow},  // jb rel32
    {{0x72, 0xeb}, 2, InstructionKind::kControlFlow},                          // jb rel8
    {{0xe8, 0x21, 0x04, 0x00, 0x00}, 5, InstructionKind::kControlFlow},        // call rel32
    {{0xc3}, 1, InstructionKind::kControlFlow},                                // ret
    {{0xff, 0xd0}, 2, InstructionKind::kControlFlow},                          // call *%rax
    {{0xff, 0xe0}, 2, InstructionKind::kControlFlow},                          // jmp *%rax
    {{0xff, 0xc0}, 2, InstructionKind::kSteppable},                            // inc %eax
    {{0xcc}, 1, InstructionKind::kControlFlow},                                // int3
    {{0x9c}, 1, InstructionKind::kUnsupported},                                // pushf
    {{0xfa}, 1, InstructionKind::kUnsupported},                                // cli
    {{0xf4}, 1, InstructionKind::kUnsupported},                                // hlt
    {{0xf3, 0xa4}, 2, InstructionKind::kUnsupported},                          // rep movsb
    {{0xa4}, 1, InstructionKind::kSteppable},                                  // movsb
    {{0x0f, 0x0b}, 2, InstructionKind::kUnsupported},                          // ud2
};

TEST(InstructionDecoder, LengthsAndKindsOfKernelInstructions) {
  for (const LengthCase& c : kCases) {
    DecodedInstruction insn = decode(c.bytes);
    EXPECT_EQ(insn.length, c.length) << "first byte " << std::hex << int(c.bytes[0]);
    EXPECT_EQ(insn.kind, c.kind) << "first byte " << std::hex << int(c.bytes[0]);
  }
}

TEST(InstructionDecoder, TruncatedInstructionIsNotDecoded) {
  EXPECT_EQ(decode({0x48, 0x8b, 0x3c, 0xc5, 0xe0}).length, 0);
  EXPECT_EQ(decode({0x0f}).length, 0);
  EXPECT_EQ(decode({0x66}).length, 0);
}

TEST(InstructionDecoder, UnknownOpcodeIsNotDecoded) {
  EXPECT_EQ(decode({0x06}).length, 0);              // push %es: invalid in 64-bit mode
  EXPECT_EQ(decode({0xc5, 0xf8, 0x77}).length, 0);  // VEX
  EXPECT_EQ(decode({0x0f, 0x04}).length, 0);
}

// kmalloc's first instructions: nop5, push %rbp, mov %rdi,%rdx, mov %rsp,%rbp,
// add $0x10,%rdx, jb rel32, movzbl 0x10(%rip),%edx.
const std::vector<tg::u8> kFunction = {
    0x0f, 0x1f, 0x44, 0x00, 0x00,              // +0
    0x55,                                      // +5
    0x48, 0x89, 0xfa,                          // +6
    0x48, 0x89, 0xe5,                          // +9
    0x48, 0x83, 0xc2, 0x10,                    // +12
    0x0f, 0x82, 0xf5, 0x00, 0x00, 0x00,        // +16
    0x0f, 0xb6, 0x15, 0x10, 0x00, 0x00, 0x00,  // +22
    0xc3,                                      // +29
};

ProbePointVerdict check(size_t offset) {
  return check_probe_point(kFunction.data(), kFunction.size(), offset);
}

TEST(ProbePoint, InstructionStartsThatStepAreAccepted) {
  for (size_t offset : {5, 6, 9, 12}) EXPECT_EQ(check(offset), ProbePointVerdict::kOk) << offset;
}

TEST(ProbePoint, OffsetInsideAnInstructionIsNoBoundary) {
  for (size_t offset : {1, 4, 7, 8, 10, 13, 17, 28})
    EXPECT_EQ(check(offset), ProbePointVerdict::kNotBoundary) << offset;
}

TEST(ProbePoint, OffsetAtOrPastTheEndIsNoBoundary) {
  EXPECT_EQ(check(kFunction.size()), ProbePointVerdict::kNotBoundary);
  EXPECT_EQ(check(kFunction.size() + 3), ProbePointVerdict::kNotBoundary);
}

TEST(ProbePoint, BranchRipRelativeAndReturnCannotStep) {
  DecodedInstruction found;
  EXPECT_EQ(check_probe_point(kFunction.data(), kFunction.size(), 16, &found),
            ProbePointVerdict::kCannotStep);
  EXPECT_EQ(found.kind, InstructionKind::kControlFlow);
  EXPECT_EQ(check(22), ProbePointVerdict::kCannotStep);
  EXPECT_EQ(check(29), ProbePointVerdict::kCannotStep);
}

TEST(ProbePoint, UnknownOpcodeBeforeThePointStopsTheWalk) {
  std::vector<tg::u8> text = {0x55, 0x06, 0x55, 0x55};
  EXPECT_EQ(check_probe_point(text.data(), text.size(), 2), ProbePointVerdict::kNotBoundary);
  EXPECT_EQ(check_probe_point(text.data(), text.size(), 1), ProbePointVerdict::kCannotStep);
}

}  // namespace
