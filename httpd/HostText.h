#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tracegate {

// What formatting trace text needs from the guest, as the text of its files.
struct GuestFacts {
  std::string kallsyms;  // proc/kallsyms
  unsigned cpus = 0;     // entries of tracing/per_cpu/
  std::string tracer;    // tracing/current_tracer
  std::string options;   // tracing/trace_options
  std::string clock;     // tracing/trace_clock
  std::string cmdlines;  // tracing/saved_cmdlines
  std::string tgids;     // tracing/saved_tgids
  // tracing/buffer_subbuf_size_kb, in bytes: the size of every raw page.
  size_t page_size = 4096;
};

// trace_pipe formatted on the host: the guest ships raw pages (per_cpu/cpuN/trace_pipe_raw,
// cheap to produce) and the host turns them back into the kernel's records and prints them
// with the same tracefs formatter, options, comms and symbols the guest would use, so the
// text is byte for byte the guest's own. The formatter's state (symbols, comms) is
// process-wide: one HostText at a time.
class HostText {
 public:
  // Whether text for these settings comes out here exactly as in the guest: the function
  // and nop tracers (function_graph's interrupt arrows have no raw event), and no option
  // that prints symbol sizes, which proc/kallsyms does not carry.
  static bool supports(const GuestFacts& facts);
  // nullptr (with `error` saying why) when the facts cannot be used.
  static std::unique_ptr<HostText> create(const GuestFacts& facts, std::string& error);
  ~HostText();

  // Raw pages of `cpu` (of the facts' page size) as read, back to back (a page may be split
  // across two calls); false when one does not decode.
  bool add_pages(unsigned cpu, const uint8_t* data, size_t size);
  // Learns comms and tgids of tasks that started since (saved_cmdlines, saved_tgids).
  void update_tasks(std::string_view cmdlines, std::string_view tgids);
  // False when a page added since the last update_tasks holds an event of a pid the guest's
  // saved_cmdlines did not name then: its comm must be read again before the text is taken.
  bool knows_every_task() const;
  // Appends the text of everything added so far and not yet taken, as trace_pipe prints it.
  void take_text(std::string& out);
  // The same, for the entries stamped before `time` only: a reader that adds pages CPU by
  // CPU (a trace.dat) passes the earliest time a page it has yet to add may hold, so the
  // CPUs still come out merged by time.
  void take_text_before(uint64_t time, std::string& out);

  struct State;

 private:
  explicit HostText(std::unique_ptr<State> state);
  void note_unknown_tasks(const uint8_t* page);
  void format_into(std::string& out, uint64_t before);
  std::unique_ptr<State> state_;
};

}  // namespace tracegate
