// The kprobe_events / dynamic_events definition parser: every accepted form, and every error
// with Linux's errno, error_log message and caret column.
#include <gtest/gtest.h>

#include <string>

#include "../vfs/FakeSymbols.h"
#include "trace/EventCatalog.h"
#include "trace/ProbeDefinition.h"

using namespace tg;
using namespace tg::trace;

namespace {

class ProbeParser : public testing::Test {
 protected:
  Status parse(const std::string& line, ProbeSyntax syntax = ProbeSyntax::kDynamicEvents) {
    probe_ = ProbeDefinition{};
    return parse_probe_definition(StringView(line.data(), line.size()), syntax, probe_, error_);
  }
  // The error_log lines Linux writes after its "[ts] where: error: message" line.
  std::string logged() const {
    std::string text =
        std::string(error_.where.data(), error_.where.size()) + ": " +
        std::string(probe_error_text(error_.code).data(), probe_error_text(error_.code).size()) +
        "\n  Command: " + std::string(error_.command.view().data(), error_.command.size()) + "\n" +
        std::string(11 + error_.caret, ' ') + "^";
    return text;
  }
  std::string arg_name(usize i) const {
    return std::string(probe_.args[i].name.view().data(), probe_.args[i].name.size());
  }
  std::string event() const { return std::string(probe_.event.view().data(), probe_.event.size()); }
  std::string group() const { return std::string(probe_.group.view().data(), probe_.group.size()); }
  std::string shown() const {
    String out;
    EXPECT_TRUE(format_probe_definition(probe_, out).ok());
    return std::string(out.view().data(), out.size());
  }

  test::ScopedFakeSymbols symbols_;
  ProbeDefinition probe_;
  ProbeParseError error_;
};

// ---- accepted forms ----

TEST_F(ProbeParser, NamedEntryProbeInTheKprobesGroup) {
  ASSERT_TRUE(parse("p:my_probe kmalloc").ok());
  EXPECT_EQ(probe_.kind, ProbeKind::kKprobe);
  EXPECT_EQ(group(), "kprobes");
  EXPECT_EQ(event(), "my_probe");
  EXPECT_EQ(probe_.address, 0x1000u);
  EXPECT_EQ(shown(), "p:kprobes/my_probe kmalloc");
}

TEST_F(ProbeParser, UnnamedProbesAreNamedAfterSymbolAndOffset) {
  ASSERT_TRUE(parse("p kmalloc").ok());
  EXPECT_EQ(event(), "p_kmalloc_0");
  ASSERT_TRUE(parse("r kfree").ok());
  EXPECT_EQ(event(), "r_kfree_0");
  ASSERT_TRUE(parse("p Scheduler::pick_next").ok());
  EXPECT_EQ(event(), "p_Scheduler__pick_next_0");
}

// "GROUP/" without an event: the default name, in that group (Linux 6.12).
TEST_F(ProbeParser, GroupWithoutEventTakesTheDefaultName) {
  ASSERT_TRUE(parse("p:mygroup/ kmalloc").ok());
  EXPECT_EQ(group(), "mygroup");
  EXPECT_EQ(event(), "p_kmalloc_0");
  ASSERT_TRUE(parse("f:fgroup/ kfree%return").ok());
  EXPECT_EQ(group(), "fgroup");
  EXPECT_EQ(event(), "kfree__exit");
}

TEST_F(ProbeParser, RemovalOfAWholeGroup) {
  ProbeRemoval group;
  ASSERT_TRUE(parse_probe_removal("-:mygroup/", group).ok());
  EXPECT_EQ(std::string(group.group.view().data(), group.group.size()), "mygroup");
  EXPECT_TRUE(group.event.empty());
}

// Without BTF, `$arg*` and bare names are refused as Linux refuses them then.
TEST_F(ProbeParser, BtfArgumentsAreNotSupported) {
  EXPECT_EQ(parse("f kmalloc $arg*").error(), Errno::kNotSup);
  EXPECT_EQ(logged(),
            "trace_fprobe: BTF is not available or not supported\n  Command: f kmalloc $arg*\n"
            "                     ^");
  EXPECT_EQ(parse("p kmalloc x=$arg1 $arg*").error(), Errno::kNotSup);
  EXPECT_EQ(parse("f kmalloc size").error(), Errno::kNotSup);
  EXPECT_EQ(logged(),
            "trace_fprobe: BTF is not available or not supported\n  Command: f kmalloc size\n"
            "                     ^");
}

// `t`: a probe on a tracepoint, in group "tracepoints", named after it by default.
TEST_F(ProbeParser, TracepointProbe) {
  ASSERT_TRUE(parse("t kfree ptr=$arg2").ok());
  EXPECT_EQ(probe_.kind, ProbeKind::kTprobe);
  EXPECT_EQ(group(), "tracepoints");
  EXPECT_EQ(event(), "kfree");
  EXPECT_EQ(probe_.tracepoint, kEventKfree);
  EXPECT_EQ(probe_.args[0].op, FetchOp::kArgument);
  EXPECT_EQ(shown(), "t:tracepoints/kfree kfree ptr=$arg2");
  ASSERT_TRUE(parse("t:mine/alloc kmem_cache_alloc").ok());
  EXPECT_EQ(group(), "mine");
  EXPECT_EQ(probe_.tracepoint, kEventKmemCacheAlloc);
  // kprobe_events takes no `t`, as Linux's (not its command: EINVAL, nothing logged).
  EXPECT_EQ(parse("t kfree", ProbeSyntax::kKprobeEvents).error(), Errno::kInval);
}

TEST_F(ProbeParser, FprobesReadNoRegisters) {
  EXPECT_EQ(parse("f kmalloc %ax").error(), Errno::kInval);
  EXPECT_EQ(logged(),
            "trace_fprobe: Invalid $-variable specified\n  Command: f kmalloc %ax\n"
            "                     ^");
}

TEST_F(ProbeParser, GroupSlashEventAndGroupDotEvent) {
  ASSERT_TRUE(parse("p:mygrp/ev kmalloc").ok());
  EXPECT_EQ(group(), "mygrp");
  EXPECT_EQ(event(), "ev");
  ASSERT_TRUE(parse("p:g2.ev2 kmalloc").ok());
  EXPECT_EQ(group(), "g2");
  EXPECT_EQ(event(), "ev2");
}

TEST_F(ProbeParser, ReturnProbeWithMaxactiveAndRetval) {
  ASSERT_TRUE(parse("r5:ret kmalloc $retval").ok());
  EXPECT_EQ(probe_.kind, ProbeKind::kKretprobe);
  EXPECT_EQ(probe_.maxactive, 5u);
  EXPECT_EQ(probe_.args[0].op, FetchOp::kReturnValue);
  EXPECT_EQ(shown(), "r5:kprobes/ret kmalloc arg1=$retval");
}

TEST_F(ProbeParser, PercentReturnMakesAReturnProbe) {
  ASSERT_TRUE(parse("p:ret kmalloc%return $retval:s32").ok());
  EXPECT_EQ(probe_.kind, ProbeKind::kKretprobe);
  EXPECT_EQ(probe_.args[0].type, FetchType::kS32);
}

TEST_F(ProbeParser, PlusZeroIsTheEntry) {
  ASSERT_TRUE(parse("r kmalloc+0").ok());
  ASSERT_TRUE(parse("p kmalloc+0 $arg1").ok());
  EXPECT_EQ(probe_.args[0].op, FetchOp::kArgument);
}

TEST_F(ProbeParser, AddressProbe) {
  ASSERT_TRUE(parse("p 0x2000").ok());
  EXPECT_EQ(probe_.address, 0x2000u);
  EXPECT_EQ(event(), "p_0x0000000000002000");
  EXPECT_EQ(shown(), "p:kprobes/p_0x0000000000002000 0x0000000000002000");
}

TEST_F(ProbeParser, RegistersArgumentsAndStack) {
  ASSERT_TRUE(parse("p kmalloc %di %ax %r15 %sp %ip $arg1 $arg7 $stack $stack3").ok());
  ASSERT_EQ(probe_.args.size(), 9u);
  EXPECT_EQ(probe_.args[0].op, FetchOp::kRegister);
  EXPECT_EQ(probe_register_name(probe_.args[0].param), StringView("di"));
  EXPECT_EQ(probe_.args[5].op, FetchOp::kArgument);
  EXPECT_EQ(probe_.args[6].param, 6u);
  EXPECT_EQ(probe_.args[7].op, FetchOp::kStackPointer);
  EXPECT_EQ(probe_.args[8].op, FetchOp::kStack);
  EXPECT_EQ(probe_.args[8].param, 3u);
  EXPECT_EQ(arg_name(0), "arg1");
  EXPECT_EQ(arg_name(8), "arg9");
}

TEST_F(ProbeParser, DefaultTypeIsX64AndFieldsArePacked) {
  ASSERT_TRUE(parse("p kmalloc a=%di:u8 b=%si c=%dx:s16").ok());
  EXPECT_EQ(probe_.args[0].type, FetchType::kU8);
  EXPECT_EQ(probe_.args[1].type, FetchType::kX64);
  EXPECT_EQ(probe_.args[0].field_offset, 0u);
  EXPECT_EQ(probe_.args[1].field_offset, 1u);
  EXPECT_EQ(probe_.args[2].field_offset, 9u);
  EXPECT_EQ(probe_.args_size, 11u);
}

TEST_F(ProbeParser, EveryType) {
  for (const char* type : {"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "x8", "x16", "x32",
                           "x64", "symbol"}) {
    EXPECT_TRUE(parse(std::string("p kmalloc %di:") + type).ok()) << type;
  }
  ASSERT_TRUE(parse("p kmalloc +0(%di):string").ok());
  EXPECT_EQ(probe_.args[0].type, FetchType::kString);
}

TEST_F(ProbeParser, DereferencesNestInnermostFirst) {
  ASSERT_TRUE(parse("p kmalloc -8(+16(%di)):u32").ok());
  const FetchArg& arg = probe_.args[0];
  ASSERT_EQ(arg.derefs, 2u);
  EXPECT_EQ(arg.offsets[0], 16);
  EXPECT_EQ(arg.offsets[1], -8);
}

TEST_F(ProbeParser, MemoryAtSymbolOrAddress) {
  ASSERT_TRUE(parse("p kmalloc @kfree @kfree+8 @kfree-0x10 @0x1234").ok());
  EXPECT_EQ(probe_.args[0].op, FetchOp::kImmediate);
  EXPECT_EQ(probe_.args[0].immediate, 0x3000u);
  EXPECT_EQ(probe_.args[0].derefs, 1u);
  EXPECT_EQ(probe_.args[1].immediate, 0x3008u);
  EXPECT_EQ(probe_.args[2].immediate, 0x2ff0u);
  EXPECT_EQ(probe_.args[3].immediate, 0x1234u);
}

TEST_F(ProbeParser, CommIsAString) {
  ASSERT_TRUE(parse("p kmalloc $comm who=$comm:string").ok());
  EXPECT_EQ(probe_.args[0].type, FetchType::kString);
  EXPECT_EQ(probe_.args[1].op, FetchOp::kComm);
}

TEST_F(ProbeParser, Bitfield) {
  ASSERT_TRUE(parse("p kmalloc +0(%di):b4@2/8").ok());
  EXPECT_EQ(probe_.args[0].type, FetchType::kU8);
  EXPECT_EQ(probe_.args[0].bit_width, 4u);
  EXPECT_EQ(probe_.args[0].bit_offset, 2u);
}

TEST_F(ProbeParser, NamedArgumentsReadBackAsWritten) {
  ASSERT_TRUE(parse("p:my_probe kmalloc size=$arg1 +8(%di):u32").ok());
  EXPECT_EQ(shown(), "p:kprobes/my_probe kmalloc size=$arg1 arg2=+8(%di):u32");
}

TEST_F(ProbeParser, FprobeEntryAndExit) {
  ASSERT_TRUE(parse("f kmalloc $arg1").ok());
  EXPECT_EQ(probe_.kind, ProbeKind::kFprobe);
  EXPECT_EQ(group(), "fprobes");
  EXPECT_EQ(event(), "kmalloc__entry");
  ASSERT_TRUE(parse("f:mine/done kmalloc%return $retval").ok());
  EXPECT_EQ(probe_.kind, ProbeKind::kFprobeReturn);
  EXPECT_EQ(shown(), "f:mine/done kmalloc%return arg1=$retval");
  ASSERT_TRUE(parse("f kmalloc%return").ok());
  EXPECT_EQ(event(), "kmalloc__exit");
}

// ---- errors: no error_log entry ----

TEST_F(ProbeParser, NotADefinitionIsEinvalUnlogged) {
  EXPECT_EQ(parse("x:foo kmalloc").error(), Errno::kInval);
  EXPECT_EQ(error_.code, ProbeError::kNone);
  EXPECT_EQ(parse("p:only_a_name").error(), Errno::kInval);
  EXPECT_EQ(error_.code, ProbeError::kNone);
  EXPECT_EQ(parse("f kmalloc", ProbeSyntax::kKprobeEvents).error(), Errno::kInval);
  EXPECT_EQ(error_.code, ProbeError::kNone);
}

TEST_F(ProbeParser, CommWithAnotherTypeIsEinvalUnlogged) {
  EXPECT_EQ(parse("p kmalloc $comm:u8").error(), Errno::kInval);
  EXPECT_EQ(error_.code, ProbeError::kNone);
}

// ---- errors with Linux's error_log text ----

struct ErrorCase {
  const char* line;
  Errno error;
  const char* log;
};

TEST_F(ProbeParser, CharAndArrayTypes) {
  ASSERT_TRUE(parse("p:x kmalloc c=+0(%di):char a=+0(%di):char[4] w=+8(%si):x16[3]").ok());
  ASSERT_EQ(probe_.args.size(), 3u);
  EXPECT_EQ(probe_.args[0].type, FetchType::kChar);
  EXPECT_EQ(probe_.args[0].count, 0u);
  EXPECT_EQ(probe_.args[1].type, FetchType::kChar);
  EXPECT_EQ(probe_.args[1].count, 4u);
  EXPECT_EQ(probe_.args[1].field_offset, 1u);
  EXPECT_EQ(probe_.args[2].type, FetchType::kX16);
  EXPECT_EQ(probe_.args[2].count, 3u);
  EXPECT_EQ(probe_.args[2].field_offset, 5u);
  EXPECT_EQ(probe_.args_size, 11u);
  EXPECT_EQ(shown(), "p:kprobes/x kmalloc c=+0(%di):char a=+0(%di):char[4] w=+8(%si):x16[3]");
  EXPECT_TRUE(parse("p kmalloc +0(%di):u64[64]").ok());
}

// Each refused line, and what Linux writes to error_log for it (after the timestamp).
const ErrorCase kErrors[] = {
    {"p kmalloc +0(%di):u8[4", Errno::kInval,
     "trace_kprobe: Array is not closed\n  Command: p kmalloc +0(%di):u8[4\n"
     "                                 ^"},
    {"p kmalloc +0(%di):u8[4]x", Errno::kInval,
     "trace_kprobe: Array has wrong suffix\n  Command: p kmalloc +0(%di):u8[4]x\n"
     "                                  ^"},
    {"p kmalloc +0(%di):u8[0]", Errno::kInval,
     "trace_kprobe: Invalid array size\n  Command: p kmalloc +0(%di):u8[0]\n"
     "                                ^"},
    {"p kmalloc +0(%di):u8[65]", Errno::kInval,
     "trace_kprobe: Array number is too big\n  Command: p kmalloc +0(%di):u8[65]\n"
     "                                ^"},
    {"p kmalloc %di:u8[2]", Errno::kInval,
     "trace_kprobe: String accepts only memory argument\n  Command: p kmalloc %di:u8[2]\n"
     "                         ^"},
    {"p kmalloc +0(%di):chr", Errno::kInval,
     "trace_kprobe: Unknown type is specified\n  Command: p kmalloc +0(%di):chr\n"
     "                             ^"},
    {"p kmalloc a=+0(%di):u64[64] b=+0(%di):u64[64]", Errno::kTooBig,
     "trace_kprobe: Event too big (too many fields?)\n"
     "  Command: p kmalloc a=+0(%di):u64[64] b=+0(%di):u64[64]\n"
     "                                       ^"},
    {"p5 kmalloc", Errno::kInval,
     "trace_kprobe: Maxactive is not for kprobe\n  Command: p5 kmalloc\n            ^"},
    {"r0 kmalloc", Errno::kInval,
     "trace_kprobe: Invalid maxactive number\n  Command: r0 kmalloc\n            ^"},
    {"r5000 kmalloc", Errno::kInval,
     "trace_kprobe: Maxactive is too big\n  Command: r5000 kmalloc\n            ^"},
    {"p kmalloc%ret", Errno::kInval,
     "trace_kprobe: Invalid probed address suffix\n  Command: p kmalloc%ret\n"
     "                    ^"},
    {"p no_such_function", Errno::kNoEnt,
     "trace_kprobe: Invalid probed address or symbol\n  Command: p no_such_function\n"
     "             ^"},
    {"p kmalloc+x", Errno::kInval,
     "trace_kprobe: Invalid probed address or symbol\n  Command: p kmalloc+x\n             ^"},
    {"r kmalloc+4", Errno::kInval,
     "trace_kprobe: Retprobe address must be an function entry\n  Command: r kmalloc+4\n"
     "             ^"},
    // Without the platform's probe-point check (the kernel's decoder) no point inside a
    // function can be probed.
    {"p kmalloc+4", Errno::kInval,
     "trace_kprobe: Failed to register probe event\n  Command: p kmalloc+4\n             ^"},
    {"p:/ev kmalloc", Errno::kInval,
     "trace_kprobe: Group name is not specified\n  Command: p:/ev kmalloc\n             ^"},
    {"p:1g/ev kmalloc", Errno::kInval,
     "trace_kprobe: Group name must follow the same rules as C identifiers\n"
     "  Command: p:1g/ev kmalloc\n             ^"},
    {"p: kmalloc", Errno::kInval,
     "trace_kprobe: Event name is not specified\n  Command: p: kmalloc\n             ^"},
    {"p:g/1ev kmalloc", Errno::kInval,
     "trace_kprobe: Event name must follow the same rules as C identifiers\n"
     "  Command: p:g/1ev kmalloc\n               ^"},
    {"p:ev-x kmalloc", Errno::kInval,
     "trace_kprobe: Event name must follow the same rules as C identifiers\n"
     "  Command: p:ev-x kmalloc\n             ^"},
    {"p kmalloc $retval", Errno::kInval,
     "trace_kprobe: $retval is not available on probe\n  Command: p kmalloc $retval\n"
     "                     ^"},
    {"p kmalloc $stackx", Errno::kInval,
     "trace_kprobe: Invalid $-variable specified\n  Command: p kmalloc $stackx\n"
     "                     ^"},
    {"p kmalloc $stack99999", Errno::kInval,
     "trace_kprobe: Invalid stack number\n  Command: p kmalloc $stack99999\n"
     "                     ^"},
    {"p kmalloc $arg0", Errno::kInval,
     "trace_kprobe: Invalid argument number\n  Command: p kmalloc $arg0\n"
     "                     ^"},
    {"r kmalloc $argx", Errno::kInval,
     "trace_kprobe: Invalid $-variable specified\n  Command: r kmalloc $argx\n"
     "                     ^"},
    {"p kmalloc %xx", Errno::kInval,
     "trace_kprobe: Invalid register name\n  Command: p kmalloc %xx\n                     ^"},
    {"p kmalloc @no_such", Errno::kInval,
     "trace_kprobe: Invalid memory address\n  Command: p kmalloc @no_such\n"
     "                     ^"},
    {"p kmalloc @+4", Errno::kInval,
     "trace_kprobe: File offset is not available with kprobe\n  Command: p kmalloc @+4\n"
     "                     ^"},
    {"p kmalloc 8(%di)", Errno::kInval,
     "trace_kprobe: Invalid fetch argument\n  Command: p kmalloc 8(%di)\n"
     "                     ^"},
    {"p kmalloc +8%di", Errno::kInval,
     "trace_kprobe: Dereference needs a brace\n  Command: p kmalloc +8%di\n"
     "                     ^"},
    {"p kmalloc +x(%di)", Errno::kInval,
     "trace_kprobe: Invalid dereference offset\n  Command: p kmalloc +x(%di)\n"
     "                     ^"},
    {"p kmalloc +8(%di", Errno::kInval,
     "trace_kprobe: Dereference brace is not closed\n  Command: p kmalloc +8(%di\n"
     "                           ^"},
    {"p kmalloc +0($comm)", Errno::kInval,
     "trace_kprobe: $comm can not be dereferenced\n  Command: p kmalloc +0($comm)\n"
     "                        ^"},
    {"p kmalloc %di:u128", Errno::kInval,
     "trace_kprobe: Unknown type is specified\n  Command: p kmalloc %di:u128\n"
     "                         ^"},
    {"p kmalloc %di:string", Errno::kInval,
     "trace_kprobe: String accepts only memory argument\n  Command: p kmalloc %di:string\n"
     "                         ^"},
    {"p kmalloc %di:b9@0/8", Errno::kInval,
     "trace_kprobe: Invalid bitfield\n  Command: p kmalloc %di:b9@0/8\n"
     "                         ^"},
    {"p kmalloc 1a=%di", Errno::kInval,
     "trace_kprobe: Argument name must follow the same rules as C identifiers\n"
     "  Command: p kmalloc 1a=%di\n                     ^"},
    {"p kmalloc =%di", Errno::kInval,
     "trace_kprobe: Argument name is not specified\n  Command: p kmalloc =%di\n"
     "                     ^"},
    {"p kmalloc a=", Errno::kInval,
     "trace_kprobe: No argument expression\n  Command: p kmalloc a=\n"
     "                       ^"},
    {"p kmalloc a=%di a=%si", Errno::kInval,
     "trace_kprobe: This argument name is already used\n  Command: p kmalloc a=%di a=%si\n"
     "                           ^"},
    {"p kmalloc __probe_ip=%di", Errno::kInval,
     "trace_kprobe: This argument name is already used\n  Command: p kmalloc __probe_ip=%di\n"
     "                     ^"},
    {"p kmalloc abcdefghijabcdefghijabcdefghijabc=%di", Errno::kInval,
     "trace_kprobe: Argument name is too long\n"
     "  Command: p kmalloc abcdefghijabcdefghijabcdefghijabc=%di\n                     ^"},
    {"f kmalloc+4", Errno::kInval,
     "trace_fprobe: Invalid probed address or symbol\n  Command: f kmalloc+4\n             ^"},
    {"f kmalloc $retval", Errno::kInval,
     "trace_fprobe: $retval is not available on probe\n  Command: f kmalloc $retval\n"
     "                     ^"},
    {"f no_such_function", Errno::kNoEnt,
     "trace_fprobe: Invalid probed address or symbol\n  Command: f no_such_function\n"
     "             ^"},
};

TEST_F(ProbeParser, EveryErrorWithLinuxErrnoAndErrorLogText) {
  for (const ErrorCase& c : kErrors) {
    EXPECT_EQ(parse(c.line).error(), c.error) << c.line;
    EXPECT_EQ(logged(), c.log) << c.line;
  }
}

TEST_F(ProbeParser, FifteenDereferencesAreTooMuchNested) {
  // Linux's fetch program has 16 slots, the last ending it: 14 dereferences of a register
  // fit, the fifteenth does not (63 characters, still within the length limit).
  std::string arg = "%di";
  for (int i = 0; i < 14; ++i) arg = "+0(" + arg + ")";
  EXPECT_TRUE(parse("p kmalloc " + arg).ok());
  arg = "+0(" + arg + ")";
  EXPECT_EQ(parse("p kmalloc " + arg).error(), Errno::kInval);
  EXPECT_EQ(error_.code, ProbeError::kTooManyOps);
}

TEST_F(ProbeParser, LongEventNameIsTooLong) {
  std::string name(65, 'e');
  EXPECT_EQ(parse("p:" + name + " kmalloc").error(), Errno::kInval);
  EXPECT_EQ(error_.code, ProbeError::kEventTooLong);
  EXPECT_TRUE(parse("p:" + std::string(64, 'e') + " kmalloc").ok());
}

TEST_F(ProbeParser, LongArgumentExpressionIsTooLong) {
  EXPECT_EQ(parse("p kmalloc @kfree+" + std::string(60, '1')).error(), Errno::kInval);
  EXPECT_EQ(error_.code, ProbeError::kArgTooLong);
}

TEST_F(ProbeParser, RemovalSyntax) {
  ProbeRemoval removal;
  ASSERT_TRUE(parse_probe_removal("-:kprobes/my_probe", removal).ok());
  EXPECT_EQ(removal.group.view(), StringView("kprobes"));
  EXPECT_EQ(removal.event.view(), StringView("my_probe"));
  ProbeRemoval bare;
  ASSERT_TRUE(parse_probe_removal("-:my_probe", bare).ok());
  EXPECT_TRUE(bare.group.empty());
  ProbeRemoval bad;
  EXPECT_EQ(parse_probe_removal("-my_probe", bad).error(), Errno::kInval);
  EXPECT_EQ(parse_probe_removal("-:", bad).error(), Errno::kInval);
}

// ---- probes inside a function ----

// The kernel's decoder, as far as these tests need it: in every fake function, instructions
// start at +0 (a 5-byte fentry nop), +5, +6 and +9; the one at +9 cannot run out of line.
Errno fake_probe_point(u64 function, u32 size, u64 address) {
  u64 offset = address - function;
  if (offset >= size) return Errno::kIlSeq;
  if (offset == 5 || offset == 6) return Errno::kOk;
  return offset == 9 ? Errno::kInval : Errno::kIlSeq;
}

class ProbeInsideFunction : public ProbeParser {
 protected:
  ProbeInsideFunction() : saved_(platform()) {
    Platform with_check = saved_;
    with_check.check_probe_point = fake_probe_point;
    install_platform(with_check);
  }
  ~ProbeInsideFunction() override { install_platform(saved_); }

  Platform saved_;
};

TEST_F(ProbeInsideFunction, InstructionBoundaryIsAccepted) {
  ASSERT_TRUE(parse("p:inside kmalloc+6 size=%di:u64 $stack0 %sp").ok());
  EXPECT_EQ(probe_.kind, ProbeKind::kKprobe);
  EXPECT_EQ(probe_.address, 0x1006u);
  EXPECT_EQ(probe_.offset, 6u);
  EXPECT_EQ(shown(), "p:kprobes/inside kmalloc+6 size=%di:u64 arg2=$stack0 arg3=%sp");
}

TEST_F(ProbeInsideFunction, UnnamedProbeIsNamedWithItsOffset) {
  ASSERT_TRUE(parse("p kmalloc+5").ok());
  EXPECT_EQ(event(), "p_kmalloc_5");
}

TEST_F(ProbeInsideFunction, HexOffsetIsAccepted) {
  ASSERT_TRUE(parse("p kfree+0x6").ok());
  EXPECT_EQ(probe_.address, 0x3006u);
}

const ErrorCase kInsideErrors[] = {
    {"p kmalloc+4", Errno::kIlSeq,
     "trace_kprobe: Probe point is not an instruction boundary\n  Command: p kmalloc+4\n"
     "             ^"},
    {"p:x kmalloc+0x100", Errno::kIlSeq,
     "trace_kprobe: Probe point is not an instruction boundary\n  Command: p:x kmalloc+0x100\n"
     "               ^"},
    {"p kmalloc+9", Errno::kInval,
     "trace_kprobe: Failed to register probe event\n  Command: p kmalloc+9\n             ^"},
    // $argN is an entry's, or a return's (the entry's value).
    {"p kmalloc+6 $arg1", Errno::kInval,
     "trace_kprobe: $arg* can be used only on function entry or exit\n  Command: p kmalloc+6 "
     "$arg1\n"
     "                       ^"},
    {"r kmalloc+6", Errno::kInval,
     "trace_kprobe: Retprobe address must be an function entry\n  Command: r kmalloc+6\n"
     "             ^"},
    // notrace code (the breakpoint's own handling may run it) is refused as Linux refuses a
    // blacklisted function.
    {"p trace_entry_stub+6", Errno::kInval,
     "trace_kprobe: Failed to register probe event\n  Command: p trace_entry_stub+6\n"
     "             ^"},
    {"f kmalloc+6", Errno::kInval,
     "trace_fprobe: Invalid probed address or symbol\n  Command: f kmalloc+6\n             ^"},
};

// An offset past the function's end names whatever is there, as Linux looks the address up
// afresh: the next function's entry (its fentry site) or an instruction inside it.
TEST_F(ProbeInsideFunction, OffsetPastTheEndProbesTheNextFunction) {
  ASSERT_TRUE(parse("p:next kmalloc+0x1000").ok());
  EXPECT_EQ(probe_.address, 0x2000u);
  EXPECT_TRUE(is_function_entry(probe_.address));
  EXPECT_EQ(shown(), "p:kprobes/next kmalloc+4096");
  ASSERT_TRUE(parse("p:inside kmalloc+0x1006").ok());
  EXPECT_EQ(probe_.address, 0x2006u);
  EXPECT_FALSE(is_function_entry(probe_.address));
  EXPECT_EQ(parse("p kmalloc+0x1004").error(), Errno::kIlSeq);
  // The entry of notrace code is no fentry site, and the code refuses breakpoints.
  EXPECT_EQ(parse("p kmalloc+0x8000").error(), Errno::kInval);
}

TEST_F(ProbeInsideFunction, RefusedPointsWithLinuxErrnoAndErrorLogText) {
  for (const ErrorCase& c : kInsideErrors) {
    EXPECT_EQ(parse(c.line).error(), c.error) << c.line;
    EXPECT_EQ(logged(), c.log) << c.line;
  }
}

const ErrorCase kTracepointErrors[] = {
    {"t100 kfree", Errno::kInval,
     "trace_fprobe: Maxactive is only for function exit\n  Command: t100 kfree\n            ^"},
    {"t kf-ree", Errno::kInval,
     "trace_fprobe: Invalid character in tracepoint name\n  Command: t kf-ree\n"
     "               ^"},
    {"t kfree%return", Errno::kInval,
     "trace_fprobe: Invalid probed address suffix\n  Command: t kfree%return\n"
     "                  ^"},
    {"t kfree $retval", Errno::kInval,
     "trace_fprobe: $retval is not available on probe\n  Command: t kfree $retval\n"
     "                   ^"},
    {"t no_such_event", Errno::kInval,
     "trace_fprobe: Tracepoint is not found\n  Command: t no_such_event\n             ^"},
    {"t kfree %ax", Errno::kInval,
     "trace_fprobe: Invalid $-variable specified\n  Command: t kfree %ax\n"
     "                   ^"},
};

TEST_F(ProbeParser, TracepointProbeErrorsWithLinuxTextAndCaret) {
  for (const ErrorCase& c : kTracepointErrors) {
    EXPECT_EQ(parse(c.line).error(), c.error) << c.line;
    EXPECT_EQ(logged(), c.log) << c.line;
  }
}

}  // namespace
