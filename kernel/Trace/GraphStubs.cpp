#include "Trace/GraphStubs.h"

#include "Lib/String.h"

extern "C" u8 ftrace_graph_stubs[];
extern "C" u8 ftrace_graph_stubs_end[];
extern "C" void ftrace_stub_caller();
extern "C" void ftrace_stub_return();

namespace {
// The stub's layout (ftrace_entry.S): call ftrace_stub_caller; jnz +17; call function+5;
// jmp ftrace_stub_return; jmp function+5.
constexpr u32 kCallerCall = 0;
constexpr u32 kNotHookedBranch = 5;
constexpr u32 kFunctionCall = 7;
constexpr u32 kReturnJump = 12;  // also where the function returns to
constexpr u32 kPlainJump = 17;
constexpr u32 kStubBytes = 22;
constexpr u32 kFentrySize = 5;

// `opcode rel32` at stub + offset, to `target`.
void put_branch(u8* stub, u32 offset, u8 opcode, u64 target) {
  u64 next = reinterpret_cast<u64>(stub) + offset + 5;
  i32 rel = static_cast<i32>(static_cast<i64>(target) - static_cast<i64>(next));
  stub[offset] = opcode;
  memcpy(stub + offset + 1, &rel, sizeof rel);
}

u64 stubs_begin() {
  return reinterpret_cast<u64>(ftrace_graph_stubs);
}
}  // namespace

static_assert(kStubBytes <= kGraphStubSize);

u64 graph_stub_write(u32 index, u64 function) {
  if (index >= kGraphStubs ||
      (index + 1) * kGraphStubSize > static_cast<u64>(ftrace_graph_stubs_end - ftrace_graph_stubs))
    return 0;
  u8* stub = ftrace_graph_stubs + index * kGraphStubSize;
  constexpr u8 kCall = 0xe8, kJmp = 0xe9, kJnzShort = 0x75;
  put_branch(stub, kCallerCall, kCall, reinterpret_cast<u64>(&ftrace_stub_caller));
  stub[kNotHookedBranch] = kJnzShort;
  stub[kNotHookedBranch + 1] = kPlainJump - kFunctionCall;
  put_branch(stub, kFunctionCall, kCall, function + kFentrySize);
  put_branch(stub, kReturnJump, kJmp, reinterpret_cast<u64>(&ftrace_stub_return));
  put_branch(stub, kPlainJump, kJmp, function + kFentrySize);
  return reinterpret_cast<u64>(stub);
}

bool graph_stub_is_return(u64 address) {
  u64 offset = address - stubs_begin();
  return offset < kGraphStubs * kGraphStubSize && offset % kGraphStubSize == kReturnJump;
}

u64 graph_stub_site_return(u64 address) {
  u64 offset = address - stubs_begin();
  if (offset >= kGraphStubs * kGraphStubSize || offset % kGraphStubSize != kNotHookedBranch)
    return address;
  const u8* call = reinterpret_cast<const u8*>(address - kNotHookedBranch + kFunctionCall);
  i32 rel;
  memcpy(&rel, call + 1, sizeof rel);
  return reinterpret_cast<u64>(call) + 5 + static_cast<i64>(rel);  // function + 5
}
