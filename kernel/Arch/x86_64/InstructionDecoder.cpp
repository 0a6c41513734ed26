#include "Arch/x86_64/InstructionDecoder.h"

using tg::u8;
using tg::usize;

namespace {
// One byte per opcode: the immediate that follows (bits 0-2), whether a ModRM byte follows
// (bit 3), and what the instruction is when run elsewhere (bits 4-5).
enum Immediate : u8 {
  kNone,
  kByte,
  kWord,
  kWordOrDword,  // iz: 2 bytes with an operand-size prefix, else 4
  kFull,         // iv (mov r64, imm64): 8 with REX.W, 2 with 0x66, else 4
  kMoffs,        // a moffs address: 8, or 4 with an address-size prefix
  kEnter,        // iw then ib
  kDword,        // rel32 of call/jmp/jcc: 4 whatever the prefixes
};
constexpr u8 kImmediateMask = 0x07;
constexpr u8 kModRm = 0x08;
constexpr u8 kControl = 1 << 4;
constexpr u8 kUnsafe = 2 << 4;
constexpr u8 kInvalid = 3 << 4;
constexpr u8 kKindMask = 3 << 4;

struct OpcodeTable {
  u8 entry[256];
};

constexpr void fill(OpcodeTable& table, unsigned first, unsigned last, u8 value) {
  for (unsigned op = first; op <= last; ++op) table.entry[op] = value;
}

// The one-byte opcode map in 64-bit mode (prefixes and REX are consumed before it is read).
constexpr OpcodeTable make_one_byte_map() {
  OpcodeTable t{};
  // add or adc sbb and sub xor cmp: r/m forms, then AL/eAX with an immediate.
  for (unsigned row = 0; row < 0x40; row += 8) {
    fill(t, row, row + 3, kModRm);
    t.entry[row + 4] = kByte;
    t.entry[row + 5] = kWordOrDword;
    t.entry[row + 6] = kInvalid;  // push/pop segment, daa, das, aaa, aas: gone in 64-bit
    t.entry[row + 7] = kInvalid;
  }
  t.entry[0x0f] = kInvalid;       // the two-byte escape is handled before the table
  fill(t, 0x40, 0x4f, kInvalid);  // REX, consumed as a prefix
  fill(t, 0x50, 0x5f, kNone);     // push/pop register
  fill(t, 0x60, 0x62, kInvalid);
  t.entry[0x63] = kModRm;  // movsxd
  fill(t, 0x64, 0x67, kInvalid);
  t.entry[0x68] = kWordOrDword;
  t.entry[0x69] = kModRm | kWordOrDword;
  t.entry[0x6a] = kByte;
  t.entry[0x6b] = kModRm | kByte;
  fill(t, 0x6c, 0x6f, kUnsafe);  // ins/outs
  fill(t, 0x70, 0x7f, kControl | kByte);
  t.entry[0x80] = kModRm | kByte;
  t.entry[0x81] = kModRm | kWordOrDword;
  t.entry[0x82] = kInvalid;
  t.entry[0x83] = kModRm | kByte;
  fill(t, 0x84, 0x8d, kModRm);
  t.entry[0x8e] = kModRm | kUnsafe;  // mov to a segment register
  t.entry[0x8f] = kModRm;
  fill(t, 0x90, 0x99, kNone);
  t.entry[0x9a] = kInvalid;
  t.entry[0x9b] = kUnsafe;  // fwait
  // pushf would push the trap flag the single step sets; popf may change IF and TF.
  t.entry[0x9c] = kUnsafe;
  t.entry[0x9d] = kUnsafe;
  t.entry[0x9e] = kNone;
  t.entry[0x9f] = kNone;
  fill(t, 0xa0, 0xa3, kMoffs);
  fill(t, 0xa4, 0xa7, kNone);  // string operations (rep forms are refused below)
  t.entry[0xa8] = kByte;
  t.entry[0xa9] = kWordOrDword;
  fill(t, 0xaa, 0xaf, kNone);
  fill(t, 0xb0, 0xb7, kByte);
  fill(t, 0xb8, 0xbf, kFull);
  t.entry[0xc0] = kModRm | kByte;
  t.entry[0xc1] = kModRm | kByte;
  t.entry[0xc2] = kControl | kWord;
  t.entry[0xc3] = kControl;
  t.entry[0xc4] = kInvalid;  // VEX: not decoded
  t.entry[0xc5] = kInvalid;
  t.entry[0xc6] = kModRm | kByte;
  t.entry[0xc7] = kModRm | kWordOrDword;
  t.entry[0xc8] = kEnter;
  t.entry[0xc9] = kNone;
  t.entry[0xca] = kControl | kWord;
  t.entry[0xcb] = kControl;
  t.entry[0xcc] = kControl;
  t.entry[0xcd] = kControl | kByte;
  t.entry[0xce] = kInvalid;
  t.entry[0xcf] = kControl;
  fill(t, 0xd0, 0xd3, kModRm);
  fill(t, 0xd4, 0xd6, kInvalid);
  t.entry[0xd7] = kNone;
  fill(t, 0xd8, 0xdf, kModRm | kUnsafe);  // x87
  fill(t, 0xe0, 0xe3, kControl | kByte);  // loop, jrcxz
  fill(t, 0xe4, 0xe7, kUnsafe | kByte);   // in/out
  t.entry[0xe8] = kControl | kDword;
  t.entry[0xe9] = kControl | kDword;
  t.entry[0xea] = kInvalid;
  t.entry[0xeb] = kControl | kByte;
  fill(t, 0xec, 0xef, kUnsafe);
  t.entry[0xf0] = kInvalid;  // lock, repne, rep: prefixes
  t.entry[0xf1] = kControl;  // int1
  t.entry[0xf2] = kInvalid;
  t.entry[0xf3] = kInvalid;
  t.entry[0xf4] = kUnsafe;  // hlt
  t.entry[0xf5] = kNone;
  t.entry[0xf6] = kModRm;  // test r/m8, ib carries its immediate only for /0 and /1
  t.entry[0xf7] = kModRm;
  fill(t, 0xf8, 0xf9, kNone);
  fill(t, 0xfa, 0xfb, kUnsafe);  // cli, sti
  fill(t, 0xfc, 0xfd, kNone);
  t.entry[0xfe] = kModRm;
  t.entry[0xff] = kModRm;  // /2../5 are indirect calls and jumps (checked below)
  return t;
}

// The 0x0f map: general-purpose instructions step; SSE, MMX, system instructions and the
// three-byte maps (0x38, 0x3a) are known by length only and refused.
constexpr OpcodeTable make_two_byte_map() {
  OpcodeTable t{};
  fill(t, 0x00, 0xff, kInvalid);
  fill(t, 0x00, 0x03, kModRm | kUnsafe);
  fill(t, 0x05, 0x09, kUnsafe);  // syscall, clts, sysret, invd, wbinvd
  t.entry[0x0b] = kUnsafe;       // ud2
  t.entry[0x0d] = kModRm;        // prefetch
  fill(t, 0x10, 0x17, kModRm | kUnsafe);
  fill(t, 0x18, 0x1f, kModRm);  // hint nops, endbr64
  fill(t, 0x20, 0x23, kModRm | kUnsafe);
  fill(t, 0x28, 0x2f, kModRm | kUnsafe);
  fill(t, 0x30, 0x35, kUnsafe);
  t.entry[0x31] = kNone;  // rdtsc
  t.entry[0x37] = kUnsafe;
  t.entry[0x38] = kModRm | kUnsafe;          // three-byte map 0x38: one more opcode byte
  t.entry[0x3a] = kModRm | kUnsafe | kByte;  // three-byte map 0x3a
  fill(t, 0x40, 0x4f, kModRm);               // cmov
  fill(t, 0x50, 0x6f, kModRm | kUnsafe);
  fill(t, 0x70, 0x73, kModRm | kUnsafe | kByte);
  fill(t, 0x74, 0x76, kModRm | kUnsafe);
  t.entry[0x77] = kUnsafe;
  fill(t, 0x78, 0x7f, kModRm | kUnsafe);
  fill(t, 0x80, 0x8f, kControl | kDword);  // jcc rel32
  fill(t, 0x90, 0x9f, kModRm);             // setcc
  t.entry[0xa0] = kUnsafe;                 // push/pop fs, cpuid
  t.entry[0xa1] = kUnsafe;
  t.entry[0xa2] = kUnsafe;
  t.entry[0xa3] = kModRm;  // bt
  t.entry[0xa4] = kModRm | kByte;
  t.entry[0xa5] = kModRm;
  t.entry[0xa8] = kUnsafe;
  t.entry[0xa9] = kUnsafe;
  t.entry[0xaa] = kUnsafe;
  t.entry[0xab] = kModRm;
  t.entry[0xac] = kModRm | kByte;
  t.entry[0xad] = kModRm;
  t.entry[0xae] = kModRm | kUnsafe;  // fences, fxsave...
  t.entry[0xaf] = kModRm;            // imul
  fill(t, 0xb0, 0xb1, kModRm);       // cmpxchg
  t.entry[0xb2] = kModRm | kUnsafe;
  t.entry[0xb3] = kModRm;
  fill(t, 0xb4, 0xb5, kModRm | kUnsafe);
  fill(t, 0xb6, 0xb8, kModRm);  // movzx, popcnt
  t.entry[0xb9] = kModRm | kUnsafe;
  t.entry[0xba] = kModRm | kByte;
  fill(t, 0xbb, 0xbf, kModRm);  // btc, bsf/tzcnt, bsr/lzcnt, movsx
  fill(t, 0xc0, 0xc1, kModRm);  // xadd
  t.entry[0xc2] = kModRm | kUnsafe | kByte;
  t.entry[0xc3] = kModRm | kUnsafe;
  fill(t, 0xc4, 0xc6, kModRm | kUnsafe | kByte);
  t.entry[0xc7] = kModRm | kUnsafe;
  fill(t, 0xc8, 0xcf, kNone);  // bswap
  fill(t, 0xd0, 0xff, kModRm | kUnsafe);
  return t;
}

constexpr OpcodeTable kOneByte = make_one_byte_map();
constexpr OpcodeTable kTwoByte = make_two_byte_map();
constexpr usize kMaxLength = 15;

constexpr bool is_legacy_prefix(u8 byte) {
  return byte == 0x66 || byte == 0x67 || byte == 0xf0 || byte == 0xf2 || byte == 0xf3 ||
         byte == 0x2e || byte == 0x36 || byte == 0x3e || byte == 0x26 || byte == 0x64 ||
         byte == 0x65;
}

constexpr bool is_string_operation(u8 opcode) {
  return (opcode >= 0xa4 && opcode <= 0xa7) || (opcode >= 0xaa && opcode <= 0xaf);
}

struct Prefixes {
  bool operand_size = false;
  bool address_size = false;
  bool repeat = false;
  bool rex_w = false;
};

usize immediate_size(u8 kind, const Prefixes& p) {
  switch (kind) {
    case kByte:
      return 1;
    case kWord:
      return 2;
    case kWordOrDword:
      return p.operand_size ? 2 : 4;
    case kFull:
      return p.rex_w ? 8 : p.operand_size ? 2 : 4;
    case kMoffs:
      return p.address_size ? 4 : 8;
    case kEnter:
      return 3;
    case kDword:
      return 4;
    default:
      return 0;
  }
}

// The ModRM byte and what follows it (SIB, displacement): their size, and whether the
// operand is %rip-relative (mod 00, r/m 101 without SIB).
usize modrm_size(u8 modrm, const u8* next, usize available, bool& rip_relative) {
  u8 mod = modrm >> 6;
  u8 rm = modrm & 7;
  rip_relative = false;
  if (mod == 3) return 1;
  usize size = 1;
  if (rm == 4) {
    if (available < 1) return 0;
    ++size;
    if (mod == 0 && (next[0] & 7) == 5) size += 4;  // SIB without base: disp32
  } else if (mod == 0 && rm == 5) {
    rip_relative = true;
    size += 4;
  }
  if (mod == 1) size += 1;
  if (mod == 2) size += 4;
  return size;
}

InstructionKind kind_of(u8 entry) {
  switch (entry & kKindMask) {
    case kControl:
      return InstructionKind::kControlFlow;
    case kUnsafe:
      return InstructionKind::kUnsupported;
    default:
      return InstructionKind::kSteppable;
  }
}
}  // namespace

DecodedInstruction decode_instruction(const u8* bytes, usize size) {
  if (size > kMaxLength) size = kMaxLength;
  usize at = 0;
  Prefixes prefixes;
  while (at < size && is_legacy_prefix(bytes[at])) {
    if (bytes[at] == 0x66) prefixes.operand_size = true;
    if (bytes[at] == 0x67) prefixes.address_size = true;
    if (bytes[at] == 0xf2 || bytes[at] == 0xf3) prefixes.repeat = true;
    ++at;
  }
  if (at < size && (bytes[at] & 0xf0) == 0x40) {
    prefixes.rex_w = (bytes[at] & 0x08) != 0;
    ++at;
  }
  if (at >= size) return {};
  u8 opcode = bytes[at++];
  u8 entry = kOneByte.entry[opcode];
  bool two_byte = opcode == 0x0f;
  if (two_byte) {
    if (at >= size) return {};
    opcode = bytes[at++];
    entry = kTwoByte.entry[opcode];
    // The three-byte maps: one more opcode byte before the ModRM.
    if (opcode == 0x38 || opcode == 0x3a) {
      if (at >= size) return {};
      ++at;
    }
  }
  if ((entry & kKindMask) == kInvalid) return {};
  InstructionKind kind = kind_of(entry);
  bool rip_relative = false;
  u8 immediate = entry & kImmediateMask;
  if (entry & kModRm) {
    if (at >= size) return {};
    u8 modrm = bytes[at];
    u8 reg = (modrm >> 3) & 7;
    usize used = modrm_size(modrm, bytes + at + 1, size - at - 1, rip_relative);
    if (!used) return {};
    at += used;
    if (!two_byte && (opcode == 0xf6 || opcode == 0xf7) && reg < 2)
      immediate = opcode == 0xf6 ? kByte : kWordOrDword;
    if (!two_byte && opcode == 0xff && reg >= 2 && reg <= 5) kind = InstructionKind::kControlFlow;
  }
  at += immediate_size(immediate, prefixes);
  if (at > size) return {};
  if (!two_byte && prefixes.repeat && is_string_operation(opcode))
    kind = InstructionKind::kUnsupported;  // each iteration would trap
  if (kind == InstructionKind::kSteppable && rip_relative) kind = InstructionKind::kRipRelative;
  return {static_cast<u8>(at), kind};
}

ProbePointVerdict check_probe_point(const u8* text, usize size, usize offset,
                                    DecodedInstruction* found) {
  usize at = 0;
  while (at < offset) {
    DecodedInstruction insn = decode_instruction(text + at, size - at);
    if (!insn.length) return ProbePointVerdict::kNotBoundary;
    at += insn.length;
  }
  if (at != offset || offset >= size) return ProbePointVerdict::kNotBoundary;
  DecodedInstruction insn = decode_instruction(text + offset, size - offset);
  if (found) *found = insn;
  if (!insn.length || insn.kind != InstructionKind::kSteppable)
    return ProbePointVerdict::kCannotStep;
  return ProbePointVerdict::kOk;
}
