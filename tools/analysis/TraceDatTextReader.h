#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "TraceReader.h"

namespace tg::analysis {

// A trace.dat (trace-cmd's file, as `tracectl record` and `extract` write it) read as the
// text the guest would have printed for it: its raw pages go back into records through
// tracefs's RawPages and are printed by tracefs's formatter (httpd's HostText, the gateway's
// own host-side formatter), with the file's symbols, comms and clock, and each line is then
// decoded by the one text parser. The tracer is told by the records (function_graph entries,
// function hits, or returns alone for function_duration); function_graph prints with
// funcgraph-proc and funcgraph-abstime, function_duration with duration-proc, so every
// line names its task and time. Linux's raw pages have no interrupt arrows, so none appear.
// Only the top-level buffer is read. Memory: the file is mapped, and a few pages per CPU
// are held in records at a time.
class TraceDatTextReader : public TraceReader {
 public:
  // `contents` is the whole file (mapped or read); `path` names it in errors.
  TraceDatTextReader(std::string path, std::shared_ptr<const void> owner, std::string_view contents)
      : path_(std::move(path)), owner_(std::move(owner)), contents_(contents) {}

  bool read(const std::function<void(std::string_view, const TraceItem&)>& fn,
            std::string& error) override;

  // The tracer the file's records come from ("nop" when it holds events alone); empty
  // until read() has looked.
  const std::string& tracer() const { return tracer_; }

 private:
  std::string path_;
  std::shared_ptr<const void> owner_;
  std::string_view contents_;
  std::string tracer_;
};

// Maps `fd` (closed here) whole, or reads it whole when it cannot be mapped (a pipe);
// `head` is what was already read from it.
std::unique_ptr<TraceDatTextReader> open_trace_dat(const std::string& path, int fd,
                                                   std::string head, std::string& error);

}  // namespace tg::analysis
