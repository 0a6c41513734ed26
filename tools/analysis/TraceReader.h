#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "TraceItem.h"

namespace tg::analysis {

// A source of trace items: text traces (`trace`, `trace_pipe` output) here, trace.dat
// files in TraceDatTextReader.
class TraceReader {
 public:
  virtual ~TraceReader() = default;
  // Calls `line_fn` for every raw line and `item_fn` for its decoded item, in order, until
  // the input ends. Returns false with `error` set if the input could not be read.
  virtual bool read(const std::function<void(std::string_view line, const TraceItem&)>& fn,
                    std::string& error) = 0;
};

// Streams lines from a file descriptor in large chunks: memory is one chunk, whatever the
// input's size.
class TextTraceReader : public TraceReader {
 public:
  // Reads `fd` (closed at the end unless it is standard input), after `prefix`: bytes
  // already taken from it.
  explicit TextTraceReader(int fd, std::string prefix = {}) : fd_(fd), prefix_(std::move(prefix)) {}
  ~TextTraceReader() override;
  TextTraceReader(const TextTraceReader&) = delete;
  TextTraceReader& operator=(const TextTraceReader&) = delete;
  bool read(const std::function<void(std::string_view, const TraceItem&)>& fn,
            std::string& error) override;

 private:
  int fd_;
  std::string prefix_;
};

// Opens FILE ("-" is standard input) with the reader its contents need: a trace.dat is
// recognised by its magic, anything else is read as text.
std::unique_ptr<TraceReader> open_trace(const std::string& path, std::string& error);

// Splits `text` into lines and decodes each (for tests and small inputs).
void for_each_line(std::string_view text,
                   const std::function<void(std::string_view, const TraceItem&)>& fn);

}  // namespace tg::analysis
