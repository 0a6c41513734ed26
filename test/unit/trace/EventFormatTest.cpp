#include <gtest/gtest.h>

#include <string>

#include "trace/EventCatalog.h"

namespace tg::trace {
namespace {

std::string format_of(StringView system, StringView name) {
  const EventDefinition* event = find_event(system, name);
  if (!event) return "(missing)";
  String text;
  TextWriter out(text);
  print_event_format(*event, out);
  return std::string(text.data(), text.size());
}

constexpr const char* kCommon =
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n";

TEST(EventFormat, SchedSwitchMatchesLinux) {
  std::string expected =
      std::string("name: sched_switch\nID: 372\nformat:\n") + kCommon +
      "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
      "\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
      "\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
      "\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
      "\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
      "\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
      "\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n"
      "\nprint fmt: \"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s "
      "next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
      "(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | "
      "0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & "
      "((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | "
      "0x00000020 | 0x00000040) + 1) << 1) - 1), \"|\", { 0x00000001, \"S\" }, { 0x00000002, "
      "\"D\" }, { 0x00000004, \"T\" }, { 0x00000008, \"t\" }, { 0x00000010, \"X\" }, { "
      "0x00000020, \"Z\" }, { 0x00000040, \"P\" }, { 0x00000080, \"I\" }) : \"R\", "
      "REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | "
      "0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? \"+\" : \"\", REC->next_comm, "
      "REC->next_pid, REC->next_prio\n";
  EXPECT_EQ(format_of("sched", "sched_switch"), expected);
}

TEST(EventFormat, PrintMatchesLinux) {
  EXPECT_EQ(format_of("ftrace", "print"),
            std::string("name: print\nID: 5\nformat:\n") + kCommon +
                "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
                "\tfield:char buf[];\toffset:16;\tsize:0;\tsigned:0;\n"
                "\nprint fmt: \"%ps: %s\", (void *)REC->ip, REC->buf\n");
}

TEST(EventFormat, FunctionMatchesLinux) {
  EXPECT_EQ(format_of("ftrace", "function"),
            std::string("name: function\nID: 1\nformat:\n") + kCommon +
                "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
                "\tfield:unsigned long parent_ip;\toffset:16;\tsize:8;\tsigned:0;\n"
                "\tfield:unsigned long args[];\toffset:24;\tsize:0;\tsigned:0;\n"
                "\nprint fmt: \" %ps <-- %ps\", (void *)REC->ip, (void *)REC->parent_ip\n");
}

TEST(EventFormat, SchedProcessForkMatchesLinux) {
  EXPECT_EQ(format_of("sched", "sched_process_fork"),
            std::string("name: sched_process_fork\nID: 376\nformat:\n") + kCommon +
                "\tfield:char parent_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
                "\tfield:pid_t parent_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
                "\tfield:char child_comm[16];\toffset:28;\tsize:16;\tsigned:0;\n"
                "\tfield:pid_t child_pid;\toffset:44;\tsize:4;\tsigned:1;\n"
                "\nprint fmt: \"comm=%s pid=%d child_comm=%s child_pid=%d\", REC->parent_comm, "
                "REC->parent_pid, REC->child_comm, REC->child_pid\n");
}

TEST(EventFormat, SchedProcessExitAndFreeShareLinuxsTemplate) {
  const char* fields =
      "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
      "\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
      "\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n"
      "\nprint fmt: \"comm=%s pid=%d prio=%d\", REC->comm, REC->pid, REC->prio\n";
  EXPECT_EQ(format_of("sched", "sched_process_exit"),
            std::string("name: sched_process_exit\nID: 375\nformat:\n") + kCommon + fields);
  EXPECT_EQ(format_of("sched", "sched_process_free"),
            std::string("name: sched_process_free\nID: 374\nformat:\n") + kCommon + fields);
}

TEST(EventFormat, SchedProcessExecIsAbsent) {
  EXPECT_EQ(find_event("sched", "sched_process_exec"), nullptr);
}

TEST(EventFormat, KmemCacheAllocFieldsMatchLinux) {
  std::string format = format_of("kmem", "kmem_cache_alloc");
  std::string head = std::string("name: kmem_cache_alloc\nID: 452\nformat:\n") + kCommon +
                     "\tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;\n"
                     "\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;\n"
                     "\tfield:size_t bytes_req;\toffset:24;\tsize:8;\tsigned:0;\n"
                     "\tfield:size_t bytes_alloc;\toffset:32;\tsize:8;\tsigned:0;\n"
                     "\tfield:unsigned long gfp_flags;\toffset:40;\tsize:8;\tsigned:0;\n"
                     "\tfield:int node;\toffset:48;\tsize:4;\tsigned:1;\n"
                     "\tfield:bool accounted;\toffset:52;\tsize:1;\tsigned:0;\n"
                     "\nprint fmt: \"call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu "
                     "gfp_flags=%s node=%d accounted=%s\", (void *)REC->call_site, REC->ptr, "
                     "REC->bytes_req, REC->bytes_alloc, (REC->gfp_flags) ? "
                     "__print_flags(REC->gfp_flags, \"|\", ";
  EXPECT_EQ(format.substr(0, head.size()), head);
  std::string tail = ") : \"none\", REC->node, REC->accounted ? \"true\" : \"false\"\n";
  ASSERT_GE(format.size(), tail.size());
  EXPECT_EQ(format.substr(format.size() - tail.size()), tail);
}

TEST(EventFormat, KmemCacheFreeMatchesLinux) {
  EXPECT_EQ(format_of("kmem", "kmem_cache_free"),
            std::string("name: kmem_cache_free\nID: 453\nformat:\n") + kCommon +
                "\tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;\n"
                "\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;\n"
                "\tfield:__data_loc char[] name;\toffset:24;\tsize:4;\tsigned:0;\n"
                "\nprint fmt: \"call_site=%pS ptr=%p name=%s\", (void *)REC->call_site, "
                "REC->ptr, __get_str(name)\n");
}

TEST(EventCatalog, FindsByIdAndName) {
  const EventDefinition* by_name = find_event("irq", "irq_handler_entry");
  ASSERT_NE(by_name, nullptr);
  EXPECT_EQ(find_event(by_name->id), by_name);
  EXPECT_EQ(find_event("irq", "nope"), nullptr);
}

TEST(EventCatalog, IdsAreUnique) {
  for (const auto& a : all_events())
    for (const auto& b : all_events())
      if (&a != &b) EXPECT_NE(a.id, b.id) << a.name.data();
}

}  // namespace
}  // namespace tg::trace
