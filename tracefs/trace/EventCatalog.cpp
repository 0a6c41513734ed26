#include "trace/EventCatalog.h"

#include "trace/EventPayloads.h"
#include "trace/Symbols.h"

namespace tg::trace {

namespace {

constexpr EventField kCommonFields[] = {
    {"unsigned short common_type", 0, 2, false},
    {"unsigned char common_flags", 2, 1, false},
    {"unsigned char common_preempt_count", 3, 1, false},
    {"int common_pid", 4, 4, true},
};

template <typename T>
bool read_payload(const u8* payload, usize size, T& out) {
  if (size < sizeof(T)) return false;
  memcpy(&out, payload, sizeof(T));
  return true;
}

// A fixed char[16] field, up to its NUL.
StringView comm_view(const char (&comm)[16]) {
  usize n = 0;
  while (n < 16 && comm[n]) ++n;
  return {comm, n};
}

// Linux prints %p hashed; we have nothing to hide from the kernel's own developer.
void print_pointer(TextWriter& out, u64 value) {
  out.hex(value, 16);
}

// ---- sched ----

// The task state letters of prev_state, bit by bit (TASK_REPORT), and the preempted mark.
constexpr char kTaskStateLetters[] = {'S', 'D', 'T', 't', 'X', 'Z', 'P', 'I'};
constexpr i64 kTaskStateMask = 0xff;
constexpr i64 kTaskReportMax = 0x100;

void print_task_state(TextWriter& out, i64 state) {
  i64 bits = state & kTaskStateMask;
  if (bits == 0) {
    out.put('R');
  } else {
    bool first = true;
    for (u32 i = 0; i < sizeof kTaskStateLetters; ++i) {
      if (!(bits & (i64{1} << i))) continue;
      if (!first) out.put('|');
      out.put(kTaskStateLetters[i]);
      first = false;
    }
  }
  if (state & kTaskReportMax) out.put('+');
}

void print_sched_switch(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  SchedSwitchPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("prev_comm=").put(comm_view(p.prev_comm)).put(" prev_pid=").sdec(p.prev_pid);
  out.put(" prev_prio=").sdec(p.prev_prio).put(" prev_state=");
  print_task_state(out, p.prev_state);
  out.put(" ==> next_comm=").put(comm_view(p.next_comm)).put(" next_pid=").sdec(p.next_pid);
  out.put(" next_prio=").sdec(p.next_prio);
}

void print_sched_wakeup(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  SchedWakeupPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("comm=").put(comm_view(p.comm)).put(" pid=").sdec(p.pid).put(" prio=").sdec(p.prio);
  out.put(" target_cpu=").dec(static_cast<u32>(p.target_cpu), 3, '0');
}

void print_sched_migrate(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  SchedMigratePayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("comm=").put(comm_view(p.comm)).put(" pid=").sdec(p.pid).put(" prio=").sdec(p.prio);
  out.put(" orig_cpu=").sdec(p.orig_cpu).put(" dest_cpu=").sdec(p.dest_cpu);
}

// sched_process_exit and sched_process_free.
void print_sched_process(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  SchedProcessPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("comm=").put(comm_view(p.comm)).put(" pid=").sdec(p.pid).put(" prio=").sdec(p.prio);
}

void print_sched_process_fork(const u8* payload, usize size, const EventPrintContext&,
                              TextWriter& out) {
  SchedProcessForkPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("comm=").put(comm_view(p.parent_comm)).put(" pid=").sdec(p.parent_pid);
  out.put(" child_comm=").put(comm_view(p.child_comm)).put(" child_pid=").sdec(p.child_pid);
}

// A __data_loc string of the payload: (length << 16) | offset, NULs at its end dropped.
StringView data_loc_string(const u8* payload, usize size, u32 location) {
  u32 offset = location & 0xffff;
  u32 length = location >> 16;
  if (offset + length > size) return {};
  StringView text(reinterpret_cast<const char*>(payload) + offset, length);
  while (!text.empty() && text.back() == '\0') text = text.drop_back(1);
  return text;
}

// ---- irq ----

void print_irq_entry(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  IrqHandlerEntryPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("irq=").sdec(p.irq).put(" name=").put(data_loc_string(payload, size, p.name));
}

void print_irq_exit(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  IrqHandlerExitPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("irq=").sdec(p.irq).put(" ret=").put(p.ret ? "handled" : "unhandled");
}

// ---- timer ----

void print_timer_entry(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  TimerExpireEntryPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("timer=");
  print_pointer(out, p.timer);
  out.put(" function=");
  print_symbol(out, p.function);
  out.put(" now=").dec(p.now).put(" baseclk=").dec(p.baseclk);
}

void print_timer_exit(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  TimerExpireExitPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("timer=");
  print_pointer(out, p.timer);
}

// ---- kmem ----

void print_kmalloc(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  KmallocPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("call_site=");
  print_symbol(out, p.call_site, {.offset = true});
  out.put(" ptr=");
  print_pointer(out, p.ptr);
  out.put(" bytes_req=").dec(p.bytes_req).put(" bytes_alloc=").dec(p.bytes_alloc);
  out.put(" gfp_flags=0x").hex(p.gfp_flags).put(" node=").sdec(p.node);
}

// Linux's gfp names (show_gfp_flags), most bits first: a name is printed when all its bits
// are set, and its bits are then taken out; what remains is printed in hex.
struct GfpName {
  u64 mask;
  StringView name;
};
constexpr GfpName kGfpNames[] = {
    {0x1c24ca, "GFP_TRANSHUGE"},
    {0x1c20ca, "GFP_TRANSHUGE_LIGHT"},
    {0x100cca, "GFP_HIGHUSER_MOVABLE"},
    {0x100cc2, "GFP_HIGHUSER"},
    {0x100cc0, "GFP_USER"},
    {0x400cc0, "GFP_KERNEL_ACCOUNT"},
    {0xcc0, "GFP_KERNEL"},
    {0xc40, "GFP_NOFS"},
    {0x820, "GFP_ATOMIC"},
    {0xc00, "GFP_NOIO"},
    {0x2800, "GFP_NOWAIT"},
    {0x1, "GFP_DMA"},
    {0x2, "__GFP_HIGHMEM"},
    {0x4, "GFP_DMA32"},
    {0x20, "__GFP_HIGH"},
    {0x40, "__GFP_IO"},
    {0x80, "__GFP_FS"},
    {0x2000, "__GFP_NOWARN"},
    {0x4000, "__GFP_RETRY_MAYFAIL"},
    {0x8000, "__GFP_NOFAIL"},
    {0x10000, "__GFP_NORETRY"},
    {0x40000, "__GFP_COMP"},
    {0x100, "__GFP_ZERO"},
    {0x80000, "__GFP_NOMEMALLOC"},
    {0x20000, "__GFP_MEMALLOC"},
    {0x100000, "__GFP_HARDWALL"},
    {0x200000, "__GFP_THISNODE"},
    {0x10, "__GFP_RECLAIMABLE"},
    {0x8, "__GFP_MOVABLE"},
    {0x400000, "__GFP_ACCOUNT"},
    {0x1000, "__GFP_WRITE"},
    {0xc00, "__GFP_RECLAIM"},
    {0x400, "__GFP_DIRECT_RECLAIM"},
    {0x800, "__GFP_KSWAPD_RECLAIM"},
    {0x800000, "__GFP_ZEROTAGS"},
};

void print_gfp_flags(TextWriter& out, u64 flags) {
  if (flags == 0) {
    out.put("none");
    return;
  }
  bool first = true;
  for (const auto& gfp : kGfpNames) {
    if ((flags & gfp.mask) != gfp.mask) continue;
    if (!first) out.put('|');
    out.put(gfp.name);
    flags &= ~gfp.mask;
    first = false;
  }
  if (flags == 0) return;
  if (!first) out.put('|');
  out.put("0x").hex(flags);
}

void print_kmem_cache_alloc(const u8* payload, usize size, const EventPrintContext&,
                            TextWriter& out) {
  KmemCacheAllocPayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("call_site=");
  print_symbol(out, p.call_site, {.offset = true});
  out.put(" ptr=");
  print_pointer(out, p.ptr);
  out.put(" bytes_req=").dec(p.bytes_req).put(" bytes_alloc=").dec(p.bytes_alloc);
  out.put(" gfp_flags=");
  print_gfp_flags(out, p.gfp_flags);
  out.put(" node=").sdec(p.node).put(" accounted=").put(p.accounted ? "true" : "false");
}

void print_kmem_cache_free(const u8* payload, usize size, const EventPrintContext&,
                           TextWriter& out) {
  KmemCacheFreePayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("call_site=");
  print_symbol(out, p.call_site, {.offset = true});
  out.put(" ptr=");
  print_pointer(out, p.ptr);
  out.put(" name=").put(data_loc_string(payload, size, p.name));
}

void print_kfree(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  KfreePayload p;
  if (!read_payload(payload, size, p)) return;
  out.put("call_site=");
  print_symbol(out, p.call_site, {.offset = true});
  out.put(" ptr=");
  print_pointer(out, p.ptr);
}

// ---- ftrace ----

// The marker text, without the newline the record keeps (the line printer adds it back).
void print_print(const u8* payload, usize size, const EventPrintContext&, TextWriter& out) {
  if (size < sizeof(PrintPayload)) return;
  StringView text(reinterpret_cast<const char*>(payload) + sizeof(PrintPayload),
                  size - sizeof(PrintPayload));
  usize end = text.find('\0');
  if (end != StringView::npos) text = text.substr(0, end);
  out.put(text.strip_newline());
}

constexpr EventField kSchedSwitchFields[] = {
    {"char prev_comm[16]", 8, 16, false},  {"pid_t prev_pid", 24, 4, true},
    {"int prev_prio", 28, 4, true},        {"long prev_state", 32, 8, true},
    {"char next_comm[16]", 40, 16, false}, {"pid_t next_pid", 56, 4, true},
    {"int next_prio", 60, 4, true},
};
constexpr EventField kSchedWakeupFields[] = {
    {"char comm[16]", 8, 16, false},
    {"pid_t pid", 24, 4, true},
    {"int prio", 28, 4, true},
    {"int target_cpu", 32, 4, true},
};
constexpr EventField kSchedMigrateFields[] = {
    {"char comm[16]", 8, 16, false}, {"pid_t pid", 24, 4, true},    {"int prio", 28, 4, true},
    {"int orig_cpu", 32, 4, true},   {"int dest_cpu", 36, 4, true},
};
constexpr EventField kIrqEntryFields[] = {
    {"int irq", 8, 4, true},
    {"__data_loc char[] name", 12, 4, false},
};
constexpr EventField kIrqExitFields[] = {
    {"int irq", 8, 4, true},
    {"int ret", 12, 4, true},
};
constexpr EventField kTimerEntryFields[] = {
    {"void * timer", 8, 8, false},
    {"unsigned long now", 16, 8, false},
    {"void * function", 24, 8, false},
    {"unsigned long baseclk", 32, 8, false},
};
constexpr EventField kTimerExitFields[] = {
    {"void * timer", 8, 8, false},
};
constexpr EventField kKmallocFields[] = {
    {"unsigned long call_site", 8, 8, false},  {"const void * ptr", 16, 8, false},
    {"size_t bytes_req", 24, 8, false},        {"size_t bytes_alloc", 32, 8, false},
    {"unsigned long gfp_flags", 40, 8, false}, {"int node", 48, 4, true},
};
constexpr EventField kKfreeFields[] = {
    {"unsigned long call_site", 8, 8, false},
    {"const void * ptr", 16, 8, false},
};
constexpr EventField kSchedProcessFields[] = {
    {"char comm[16]", 8, 16, false},
    {"pid_t pid", 24, 4, true},
    {"int prio", 28, 4, true},
};
constexpr EventField kSchedProcessForkFields[] = {
    {"char parent_comm[16]", 8, 16, false},
    {"pid_t parent_pid", 24, 4, true},
    {"char child_comm[16]", 28, 16, false},
    {"pid_t child_pid", 44, 4, true},
};
constexpr EventField kKmemCacheAllocFields[] = {
    {"unsigned long call_site", 8, 8, false},  {"const void * ptr", 16, 8, false},
    {"size_t bytes_req", 24, 8, false},        {"size_t bytes_alloc", 32, 8, false},
    {"unsigned long gfp_flags", 40, 8, false}, {"int node", 48, 4, true},
    {"bool accounted", 52, 1, false},
};
constexpr EventField kKmemCacheFreeFields[] = {
    {"unsigned long call_site", 8, 8, false},
    {"const void * ptr", 16, 8, false},
    {"__data_loc char[] name", 24, 4, false},
};
constexpr EventField kKernelStackFields[] = {
    {"int size", 8, 4, true},
    {"unsigned long caller[8]", 16, 64, false},
};
constexpr EventField kCtxSwitchFields[] = {
    {"unsigned int prev_pid", 8, 4, false},     {"unsigned int next_pid", 12, 4, false},
    {"unsigned int next_cpu", 16, 4, false},    {"unsigned char prev_prio", 20, 1, false},
    {"unsigned char prev_state", 21, 1, false}, {"unsigned char next_prio", 22, 1, false},
    {"unsigned char next_state", 23, 1, false},
};
constexpr EventField kPrintFields[] = {
    {"unsigned long ip", 8, 8, false},
    {"char buf[]", 16, 0, false},
};
constexpr EventField kFunctionFields[] = {
    {"unsigned long ip", 8, 8, false},
    {"unsigned long parent_ip", 16, 8, false},
    {"unsigned long args[]", 24, 0, false},
};
constexpr EventField kFuncgraphEntryFields[] = {
    {"unsigned long func", 8, 8, false},
    {"int depth", 16, 4, true},
};
constexpr EventField kFuncgraphExitFields[] = {
    {"unsigned long func", 8, 8, false},          {"int depth", 16, 4, true},
    {"unsigned int overrun", 20, 4, false},       {"unsigned long long calltime", 24, 8, false},
    {"unsigned long long rettime", 32, 8, false},
};

// sched_waking, sched_wakeup and sched_wakeup_new share Linux's sched_wakeup_template.
constexpr StringView kSchedWakeupPrintFmt =
    "\"comm=%s pid=%d prio=%d target_cpu=%03d\", REC->comm, REC->pid, REC->prio, "
    "REC->target_cpu";
constexpr StringView kSchedSwitchPrintFmt =
    "\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d "
    "next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & "
    "((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | "
    "0x00000020 | 0x00000040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & ((((0x00000000 "
    "| 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | "
    "0x00000040) + 1) << 1) - 1), \"|\", { 0x00000001, \"S\" }, { 0x00000002, \"D\" }, { "
    "0x00000004, \"T\" }, { 0x00000008, \"t\" }, { 0x00000010, \"X\" }, { 0x00000020, \"Z\" }, "
    "{ 0x00000040, \"P\" }, { 0x00000080, \"I\" }) : \"R\", REC->prev_state & (((0x00000000 | "
    "0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) "
    "+ 1) << 1) ? \"+\" : \"\", REC->next_comm, REC->next_pid, REC->next_prio";

constexpr StringView kKmemCacheAllocPrintFmt =
    "\"call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s\", "
    "(void *)REC->call_site, REC->ptr, REC->bytes_req, REC->bytes_alloc, (REC->gfp_flags) ? "
    "__print_flags(REC->gfp_flags, \"|\", {(unsigned long)0x1c24ca, \"GFP_TRANSHUGE\"}, "
    "{(unsigned long)0x1c20ca, \"GFP_TRANSHUGE_LIGHT\"}, {(unsigned long)0x100cca, "
    "\"GFP_HIGHUSER_MOVABLE\"}, {(unsigned long)0x100cc2, \"GFP_HIGHUSER\"}, {(unsigned "
    "long)0x100cc0, \"GFP_USER\"}, {(unsigned long)0x400cc0, \"GFP_KERNEL_ACCOUNT\"}, "
    "{(unsigned long)0xcc0, \"GFP_KERNEL\"}, {(unsigned long)0xc40, \"GFP_NOFS\"}, {(unsigned "
    "long)0x820, \"GFP_ATOMIC\"}, {(unsigned long)0xc00, \"GFP_NOIO\"}, {(unsigned "
    "long)0x2800, \"GFP_NOWAIT\"}, {(unsigned long)0x1, \"GFP_DMA\"}, {(unsigned long)0x2, "
    "\"__GFP_HIGHMEM\"}, {(unsigned long)0x4, \"GFP_DMA32\"}, {(unsigned long)0x20, "
    "\"__GFP_HIGH\"}, {(unsigned long)0x40, \"__GFP_IO\"}, {(unsigned long)0x80, "
    "\"__GFP_FS\"}, {(unsigned long)0x2000, \"__GFP_NOWARN\"}, {(unsigned long)0x4000, "
    "\"__GFP_RETRY_MAYFAIL\"}, {(unsigned long)0x8000, \"__GFP_NOFAIL\"}, {(unsigned "
    "long)0x10000, \"__GFP_NORETRY\"}, {(unsigned long)0x40000, \"__GFP_COMP\"}, {(unsigned "
    "long)0x100, \"__GFP_ZERO\"}, {(unsigned long)0x80000, \"__GFP_NOMEMALLOC\"}, {(unsigned "
    "long)0x20000, \"__GFP_MEMALLOC\"}, {(unsigned long)0x100000, \"__GFP_HARDWALL\"}, "
    "{(unsigned long)0x200000, \"__GFP_THISNODE\"}, {(unsigned long)0x10, "
    "\"__GFP_RECLAIMABLE\"}, {(unsigned long)0x8, \"__GFP_MOVABLE\"}, {(unsigned "
    "long)0x400000, \"__GFP_ACCOUNT\"}, {(unsigned long)0x1000, \"__GFP_WRITE\"}, {(unsigned "
    "long)0xc00, \"__GFP_RECLAIM\"}, {(unsigned long)0x400, \"__GFP_DIRECT_RECLAIM\"}, "
    "{(unsigned long)0x800, \"__GFP_KSWAPD_RECLAIM\"}, {(unsigned long)0x800000, "
    "\"__GFP_ZEROTAGS\"}) : \"none\", REC->node, REC->accounted ? \"true\" : \"false\"";

// Grouped by system, in the order available_events lists them.
constexpr EventDefinition kEvents[] = {
    {"ftrace", "function", kEventFunction, kFunctionFields,
     "\" %ps <-- %ps\", (void *)REC->ip, (void *)REC->parent_ip", 24, true, nullptr},
    {"ftrace", "context_switch", kEventContextSwitch, kCtxSwitchFields,
     "\"%u:%u:%u  ==> %u:%u:%u [%03u]\", REC->prev_pid, REC->prev_prio, REC->prev_state, "
     "REC->next_pid, REC->next_prio, REC->next_state, REC->next_cpu",
     24, true, nullptr},
    {"ftrace", "wakeup", kEventWakeup, kCtxSwitchFields,
     "\"%u:%u:%u  ==+ %u:%u:%u [%03u]\", REC->prev_pid, REC->prev_prio, REC->prev_state, "
     "REC->next_pid, REC->next_prio, REC->next_state, REC->next_cpu",
     24, true, nullptr},
    {"ftrace", "kernel_stack", kEventKernelStack, kKernelStackFields,
     "\"\\t=> %ps\\n\\t=> %ps\\n\\t=> %ps\\n\\t=> %ps\\n\\t=> %ps\\n\\t=> %ps\\n\\t=> "
     "%ps\\n\\t=> %ps\\n\", (void *)REC->caller[0], (void *)REC->caller[1], (void "
     "*)REC->caller[2], (void *)REC->caller[3], (void *)REC->caller[4], (void *)REC->caller[5], "
     "(void *)REC->caller[6], (void *)REC->caller[7]",
     80, true, nullptr},
    {"ftrace", "print", kEventPrint, kPrintFields, "\"%ps: %s\", (void *)REC->ip, REC->buf",
     sizeof(PrintPayload), true, print_print},
    {"ftrace", "funcgraph_exit", kEventFuncgraphExit, kFuncgraphExitFields,
     "\"<-- %ps (%d) (start: %llx  end: %llx) over: %d\", (void *)REC->func, REC->depth, "
     "REC->calltime, REC->rettime, REC->depth",
     40, true, nullptr},
    {"ftrace", "funcgraph_entry", kEventFuncgraphEntry, kFuncgraphEntryFields,
     "\"--> %ps (%d)\", (void *)REC->func, REC->depth", 20, true, nullptr},
    {"irq", "irq_handler_entry", kEventIrqHandlerEntry, kIrqEntryFields,
     "\"irq=%d name=%s\", REC->irq, __get_str(name)", sizeof(IrqHandlerEntryPayload), false,
     print_irq_entry},
    {"irq", "irq_handler_exit", kEventIrqHandlerExit, kIrqExitFields,
     "\"irq=%d ret=%s\", REC->irq, REC->ret ? \"handled\" : \"unhandled\"",
     sizeof(IrqHandlerExitPayload), false, print_irq_exit},
    {"kmem", "kmem_cache_alloc", kEventKmemCacheAlloc, kKmemCacheAllocFields,
     kKmemCacheAllocPrintFmt, sizeof(KmemCacheAllocPayload), false, print_kmem_cache_alloc},
    {"kmem", "kmalloc", kEventKmalloc, kKmallocFields,
     "\"call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=0x%lx node=%d\", (void "
     "*)REC->call_site, REC->ptr, REC->bytes_req, REC->bytes_alloc, REC->gfp_flags, REC->node",
     sizeof(KmallocPayload), false, print_kmalloc},
    {"kmem", "kfree", kEventKfree, kKfreeFields,
     "\"call_site=%pS ptr=%p\", (void *)REC->call_site, REC->ptr", sizeof(KfreePayload), false,
     print_kfree},
    {"kmem", "kmem_cache_free", kEventKmemCacheFree, kKmemCacheFreeFields,
     "\"call_site=%pS ptr=%p name=%s\", (void *)REC->call_site, REC->ptr, __get_str(name)",
     sizeof(KmemCacheFreePayload), false, print_kmem_cache_free},
    {"sched", "sched_waking", kEventSchedWaking, kSchedWakeupFields, kSchedWakeupPrintFmt,
     sizeof(SchedWakeupPayload), false, print_sched_wakeup},
    {"sched", "sched_wakeup", kEventSchedWakeup, kSchedWakeupFields, kSchedWakeupPrintFmt,
     sizeof(SchedWakeupPayload), false, print_sched_wakeup},
    {"sched", "sched_wakeup_new", kEventSchedWakeupNew, kSchedWakeupFields, kSchedWakeupPrintFmt,
     sizeof(SchedWakeupPayload), false, print_sched_wakeup},
    {"sched", "sched_switch", kEventSchedSwitch, kSchedSwitchFields, kSchedSwitchPrintFmt,
     sizeof(SchedSwitchPayload), false, print_sched_switch},
    {"sched", "sched_migrate_task", kEventSchedMigrateTask, kSchedMigrateFields,
     "\"comm=%s pid=%d prio=%d orig_cpu=%d dest_cpu=%d\", REC->comm, REC->pid, REC->prio, "
     "REC->orig_cpu, REC->dest_cpu",
     sizeof(SchedMigratePayload), false, print_sched_migrate},
    {"sched", "sched_process_free", kEventSchedProcessFree, kSchedProcessFields,
     "\"comm=%s pid=%d prio=%d\", REC->comm, REC->pid, REC->prio", sizeof(SchedProcessPayload),
     false, print_sched_process},
    {"sched", "sched_process_exit", kEventSchedProcessExit, kSchedProcessFields,
     "\"comm=%s pid=%d prio=%d\", REC->comm, REC->pid, REC->prio", sizeof(SchedProcessPayload),
     false, print_sched_process},
    {"sched", "sched_process_fork", kEventSchedProcessFork, kSchedProcessForkFields,
     "\"comm=%s pid=%d child_comm=%s child_pid=%d\", REC->parent_comm, REC->parent_pid, "
     "REC->child_comm, REC->child_pid",
     sizeof(SchedProcessForkPayload), false, print_sched_process_fork},
    {"timer", "timer_expire_entry", kEventTimerExpireEntry, kTimerEntryFields,
     "\"timer=%p function=%ps now=%lu baseclk=%lu\", REC->timer, REC->function, REC->now, "
     "REC->baseclk",
     sizeof(TimerExpireEntryPayload), false, print_timer_entry},
    {"timer", "timer_expire_exit", kEventTimerExpireExit, kTimerExitFields,
     "\"timer=%p\", REC->timer", sizeof(TimerExpireExitPayload), false, print_timer_exit},
};

void print_field(const EventField& field, TextWriter& out) {
  out.put("\tfield:").put(field.declaration).put(";\toffset:").dec(field.offset);
  out.put(";\tsize:").dec(field.size).put(";\tsigned:").dec(field.is_signed ? 1 : 0).put(";\n");
}

}  // namespace

Span<const EventDefinition> all_events() {
  return kEvents;
}

const EventDefinition* find_event(StringView system, StringView name) {
  for (const auto& event : kEvents)
    if (event.system == system && event.name == name) return &event;
  return nullptr;
}

const EventDefinition* find_event(u16 id) {
  for (const auto& event : kEvents)
    if (event.id == id) return &event;
  return nullptr;
}

void print_event_format(const EventDefinition& event, TextWriter& out) {
  out.put("name: ").put(event.name).put("\nID: ").dec(event.id).put("\nformat:\n");
  for (const auto& field : kCommonFields) print_field(field, out);
  out.put('\n');
  for (const auto& field : event.fields) print_field(field, out);
  out.put("\nprint fmt: ").put(event.print_fmt).put('\n');
}

}  // namespace tg::trace
