// tracectl: trace-cmd's verbs, with trace-cmd's option letters, against tracegate's gateway.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "Extract.h"
#include "GatewayClient.h"
#include "Report.h"
#include "TraceDat.h"
#include "trace/Glob.h"

namespace tg::tracectl {

namespace {

namespace tracedat = tracegate::tracedat;
using tracegate::GatewayClient;
using Response = GatewayClient::Response;

constexpr const char* kDefaultUrl = "http://127.0.0.1:9090";
constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;

// A bad option or argument: printed with the verb's usage hint, exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The gateway refused a request: its body ("EINVAL: Invalid argument") says why.
struct RequestFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Verb {
  const char* name;
  const char* usage;
};

constexpr Verb kVerbs[] = {
    {"list",
     "tracectl list [-t] [-e] [-f [GLOB]] [-o]\n"
     "  -t tracers, -e events, -f filterable functions (matching GLOB), -o options;\n"
     "  none of them: tracers, events and options.\n"},
    {"start",
     "tracectl start -p TRACER [-l FUNC]... [-n FUNC]... [-g FUNC]... [-e EVENT]...\n"
     "               [-P PID]... [-b KB] [-O OPTION]... [-B INSTANCE]\n"
     "               [--max-graph-depth N] [--thresh US]\n"
     "  -l set_ftrace_filter, -n set_ftrace_notrace, -g set_graph_function,\n"
     "  -e set_event (\"sched\", \"sched:sched_switch\"), -P set_ftrace_pid,\n"
     "  -b buffer_size_kb, -O OPTION or noOPTION, -B an instance (created if missing).\n"
     "  Clears the buffer, then turns tracing on.\n"},
    {"stop", "tracectl stop [-B INSTANCE]\n  tracing_on = 0.\n"},
    {"restart", "tracectl restart [-B INSTANCE]\n  tracing_on = 1.\n"},
    {"reset",
     "tracectl reset\n"
     "  Back to the boot state: nop, empty filters, events, pids and graph lists,\n"
     "  depth and threshold 0, the options tracectl itself sets off, the buffer\n"
     "  cleared, tracing on, every instance removed.\n"},
    {"show",
     "tracectl show [--pipe] [-B INSTANCE]\n"
     "  Prints `trace` (or streams `trace_pipe`, consuming, until Ctrl-C).\n"},
    {"stat",
     "tracectl stat [-B INSTANCE]\n"
     "  What is set (tracer, filters, events, buffer), per-CPU buffer statistics and\n"
     "  lost events.\n"},
    {"record",
     "tracectl record [start's options] (-w 'WORKLOAD [N]' | --duration SECONDS)\n"
     "                [-o FILE]\n"
     "  Sets up as `start` does, turns tracing on, and reads every CPU's raw pages\n"
     "  (per_cpu/cpuN/trace_pipe_raw) while the workload runs through /workloads/run\n"
     "  or for SECONDS; then stops tracing, takes what is left and writes FILE\n"
     "  (default trace.dat), a trace-cmd trace.dat (version 6). On a terminal it shows\n"
     "  events, bytes and lost events as they come; a one-line summary at the end.\n"
     "  Ctrl-C stops early and keeps what was recorded.\n"},
    {"report",
     "tracectl report [-i FILE] [--cpu N] [--comm NAME] [--pid PID] [-F FUNC-GLOB]\n"
     "                [--profile [--sort KEY] [--min-count N] [--min-duration US]]\n"
     "                [--csv FILE] [--folded FILE] [--flamegraph FILE.svg]\n"
     "                [--chrome FILE.json] [--summary]\n"
     "  FILE (default trace.dat; - is standard input) is a trace.dat (told by its\n"
     "  magic; its events are printed by the guest's own formatter) or a text trace:\n"
     "  `trace` or `trace_pipe` output of any tracer. Without an output option, prints\n"
     "  the lines the filters keep. --profile prints per-function count, total, self,\n"
     "  average, min and max (KEY: total self count avg min max name).\n"},
    {"extract",
     "tracectl extract [-o FILE]\n"
     "  Saves the buffers as they are now (consuming them; instances included) to FILE\n"
     "  (default trace.dat), a trace-cmd trace.dat. Recording pauses while they are read.\n"},
};

const Verb* find_verb(const std::string& name) {
  for (const Verb& verb : kVerbs)
    if (name == verb.name) return &verb;
  return nullptr;
}

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: tracectl [--url URL] VERB [OPTIONS]\n"
               "  URL defaults to $TRACEGATE_URL, else %s; $TRACEGATE_TOKEN is sent on writes.\n"
               "verbs:\n",
               kDefaultUrl);
  for (const Verb& verb : kVerbs) std::fprintf(out, "  %s", verb.usage);
  std::fprintf(out, "`tracectl VERB --help` prints one verb's usage.\n");
}

// The arguments of one verb, consumed front to back.
class Args {
 public:
  Args(std::vector<std::string> args) : args_(std::move(args)) {}
  bool done() const { return next_ >= args_.size(); }
  const std::string& peek() const { return args_[next_]; }
  std::string take() { return args_[next_++]; }
  std::string value(const std::string& option) {
    if (done()) throw UsageError(option + " needs a value");
    return take();
  }
  bool has_value_next() const { return !done() && !peek().empty() && peek()[0] != '-'; }

 private:
  std::vector<std::string> args_;
  size_t next_ = 0;
};

long parse_number(const std::string& option, const std::string& text) {
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0)
    throw UsageError(option + " needs a number, not '" + text + "'");
  return value;
}

std::string join(const std::vector<std::string>& words, const char* separator = " ") {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

// The gateway, with the instance a verb works in.
class Session {
 public:
  Session(GatewayClient& client, std::string instance)
      : client_(client), instance_(std::move(instance)) {}

  std::string path(const std::string& file) const {
    if (instance_.empty()) return "/tracing/" + file;
    return "/tracing/instances/" + instance_ + "/" + file;
  }
  std::string read(const std::string& file) const { return checked(client_.get(path(file)), file); }
  void write(const std::string& file, const std::string& body) const {
    checked(client_.put(path(file), body), file + " = '" + body + "'");
  }
  std::string get_raw(const std::string& full_path) const {
    return checked(client_.get(full_path), full_path);
  }
  GatewayClient& client() const { return client_; }
  const std::string& instance() const { return instance_; }

  static std::string checked(const Response& response, const std::string& what) {
    if (response.ok()) return response.body;
    std::string body = response.body;
    while (!body.empty() && body.back() == '\n') body.pop_back();
    throw RequestFailed(what + ": " +
                        (body.empty() ? "HTTP " + std::to_string(response.status) : body));
  }

 private:
  GatewayClient& client_;
  std::string instance_;
};

// ---- list ----

int cmd_list(GatewayClient& client, Args& args) {
  std::ostringstream out;
  bool tracers = false, events = false, functions = false, options = false;
  std::string glob;
  while (!args.done()) {
    std::string arg = args.take();
    if (arg == "-t")
      tracers = true;
    else if (arg == "-e")
      events = true;
    else if (arg == "-o")
      options = true;
    else if (arg == "-f") {
      functions = true;
      if (args.has_value_next()) glob = args.take();
    } else
      throw UsageError("unknown option " + arg);
  }
  if (!tracers && !events && !functions && !options) tracers = events = options = true;
  Session session(client, "");
  auto words = [](const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string word; in >> word;) out.push_back(word);
    return out;
  };
  if (tracers) out << "tracers:\n  " << join(words(session.read("available_tracers")), " ") << "\n";
  if (events) {
    out << "events:\n";
    for (const auto& event : words(session.read("available_events"))) out << "  " << event << "\n";
  }
  if (options) {
    out << "options:\n";
    for (const auto& option : words(session.read("trace_options"))) out << "  " << option << "\n";
  }
  if (functions) {
    std::istringstream in(session.read("available_filter_functions"));
    for (std::string line; std::getline(in, line);) {
      if (!glob.empty() && !trace::glob_match(StringView(glob.data(), glob.size()),
                                              StringView(line.data(), line.size())))
        continue;
      out << line << "\n";
    }
  }
  // Printed whole, so a request that fails part-way prints nothing but the error.
  std::cout << out.str();
  return 0;
}

// ---- start / record's set-up ----

struct StartOptions {
  std::string tracer;
  std::vector<std::string> filter, notrace, graph, events, pids, options;
  std::optional<long> buffer_kb, max_graph_depth, thresh_us;
  std::string instance;
};

// Takes one of start's options off `args`; false if `arg` is not one.
bool take_start_option(const std::string& arg, Args& args, StartOptions& start) {
  if (arg == "-p")
    start.tracer = args.value(arg);
  else if (arg == "-l")
    start.filter.push_back(args.value(arg));
  else if (arg == "-n")
    start.notrace.push_back(args.value(arg));
  else if (arg == "-g")
    start.graph.push_back(args.value(arg));
  else if (arg == "-e")
    start.events.push_back(args.value(arg));
  else if (arg == "-P")
    start.pids.push_back(std::to_string(parse_number(arg, args.value(arg))));
  else if (arg == "-O")
    start.options.push_back(args.value(arg));
  else if (arg == "-b")
    start.buffer_kb = parse_number(arg, args.value(arg));
  else if (arg == "-B")
    start.instance = args.value(arg);
  else if (arg == "--max-graph-depth")
    start.max_graph_depth = parse_number(arg, args.value(arg));
  else if (arg == "--thresh")
    start.thresh_us = parse_number(arg, args.value(arg));
  else
    return false;
  return true;
}

// trace-cmd's event words: "sched" is every sched event, "sched:x" or "x" one event, "all"
// every event. set_event itself matches a word without a colon against systems and
// events alike, as Linux does.
std::string event_word(const std::string& event) {
  return event == "all" ? "*:*" : event;
}

void ensure_instance(GatewayClient& client, const std::string& instance) {
  if (instance.empty()) return;
  Response listing = client.get("/tracing/instances/" + instance + "/");
  if (listing.ok()) return;
  Session::checked(client.put("/tracing/instances/" + instance + "/", ""),
                   "creating instance " + instance);
}

void set_option(const Session& session, const std::string& option) {
  bool off = option.compare(0, 2, "no") == 0;
  std::string name = off ? option.substr(2) : option;
  Response response = session.client().put(session.path("options/" + name), off ? "0" : "1");
  if (response.status == 404) {
    // A name that really starts with "no" (none today, but Linux has some).
    session.write("trace_options", option);
    return;
  }
  Session::checked(response, "option " + option);
}

// Applies everything but tracing_on: the tracer last, as trace-cmd does, so the filters
// are in place when its sites go live.
void apply_start(const Session& session, const StartOptions& start, bool tracing_on) {
  session.write("tracing_on", "0");
  session.write("current_tracer", "nop");
  session.write("set_ftrace_filter", join(start.filter));
  session.write("set_ftrace_notrace", join(start.notrace));
  if (session.instance().empty()) session.write("set_graph_function", join(start.graph));
  std::vector<std::string> events;
  for (const auto& event : start.events) events.push_back(event_word(event));
  session.write("set_event", join(events));
  session.write("set_ftrace_pid", join(start.pids));
  if (start.buffer_kb) session.write("buffer_size_kb", std::to_string(*start.buffer_kb));
  if (session.instance().empty()) {
    session.write("max_graph_depth", std::to_string(start.max_graph_depth.value_or(0)));
    session.write("tracing_thresh", std::to_string(start.thresh_us.value_or(0)));
  }
  for (const auto& option : start.options) set_option(session, option);
  session.write("trace", "");
  session.write("current_tracer", start.tracer);
  if (tracing_on) session.write("tracing_on", "1");
}

int cmd_start(GatewayClient& client, Args& args) {
  StartOptions start;
  while (!args.done()) {
    std::string arg = args.take();
    if (!take_start_option(arg, args, start)) throw UsageError("unknown option " + arg);
  }
  if (start.tracer.empty()) {
    if (start.events.empty()) throw UsageError("-p TRACER (or -e EVENT) is required");
    start.tracer = "nop";
  }
  ensure_instance(client, start.instance);
  apply_start(Session(client, start.instance), start, true);
  return 0;
}

std::string instance_only(Args& args) {
  std::string instance;
  while (!args.done()) {
    std::string arg = args.take();
    if (arg == "-B")
      instance = args.value(arg);
    else
      throw UsageError("unknown option " + arg);
  }
  return instance;
}

int cmd_tracing_on(GatewayClient& client, Args& args, const char* value) {
  Session(client, instance_only(args)).write("tracing_on", value);
  return 0;
}

// ---- reset ----

constexpr const char* kOwnOptions[] = {"funcgraph-proc", "funcgraph-abstime", "duration-proc"};

int cmd_reset(GatewayClient& client, Args& args) {
  if (!args.done()) throw UsageError("unknown option " + args.take());
  Session session(client, "");
  StartOptions boot;
  boot.tracer = "nop";
  apply_start(session, boot, true);
  session.write("set_graph_notrace", "");
  session.write("set_event_pid", "");
  for (const char* option : kOwnOptions) session.write(std::string("options/") + option, "0");
  std::istringstream instances(session.read("instances/"));
  for (std::string line; std::getline(instances, line);) {
    if (line.empty()) continue;
    Session::checked(client.del("/tracing/instances/" + line + (line.back() == '/' ? "" : "/")),
                     "removing instance " + line);
  }
  return 0;
}

// ---- show / stat ----

int cmd_show(GatewayClient& client, Args& args) {
  bool pipe = false;
  std::string instance;
  while (!args.done()) {
    std::string arg = args.take();
    if (arg == "--pipe")
      pipe = true;
    else if (arg == "-B")
      instance = args.value(arg);
    else
      throw UsageError("unknown option " + arg);
  }
  Session session(client, instance);
  if (!pipe) {
    std::cout << session.read("trace");
    return 0;
  }
  int status = client.stream(session.path("trace_pipe"), [](std::string_view chunk) {
    std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    std::fflush(stdout);
    return true;
  });
  return status < 300 ? 0 : kExitFailure;
}

std::string first_lines(const std::string& text, size_t count) {
  std::istringstream in(text);
  std::string out;
  size_t shown = 0, total = 0;
  for (std::string line; std::getline(in, line); ++total)
    if (shown < count) {
      out += (shown ? ", " : "") + line;
      ++shown;
    }
  if (total > count) out += ", ... (" + std::to_string(total) + ")";
  return out.empty() ? "-" : out;
}

int cmd_stat(GatewayClient& client, Args& args) {
  std::ostringstream out;
  Session session(client, instance_only(args));
  auto line = [](const std::string& text) {
    std::string out = text;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  };
  out << "tracer:          " << line(session.read("current_tracer")) << "\n";
  out << "tracing_on:      " << line(session.read("tracing_on")) << "\n";
  out << "buffer_size_kb:  " << line(session.read("buffer_size_kb")) << "\n";
  out << "trace_clock:     " << line(session.read("trace_clock")) << "\n";
  out << "filter:          " << first_lines(session.read("set_ftrace_filter"), 8) << "\n";
  out << "notrace:         " << first_lines(session.read("set_ftrace_notrace"), 8) << "\n";
  if (session.instance().empty()) {
    out << "graph functions: " << first_lines(session.read("set_graph_function"), 8) << "\n";
    out << "max_graph_depth: " << line(session.read("max_graph_depth")) << "\n";
    out << "tracing_thresh:  " << line(session.read("tracing_thresh")) << "\n";
  }
  out << "events:          " << first_lines(session.read("set_event"), 8) << "\n";
  out << "pids:            " << first_lines(session.read("set_ftrace_pid"), 8) << "\n";
  std::istringstream cpus(session.read("per_cpu/"));
  std::uint64_t lost = 0;
  for (std::string cpu; std::getline(cpus, cpu);) {
    if (cpu.empty()) continue;
    if (cpu.back() == '/') cpu.pop_back();
    std::string stats = session.read("per_cpu/" + cpu + "/stats");
    out << cpu << ":\n";
    std::istringstream in(stats);
    for (std::string field; std::getline(in, field);) {
      out << "  " << field << "\n";
      for (const char* key : {"overrun: ", "dropped events: "})
        if (field.compare(0, std::strlen(key), key) == 0)
          lost += std::strtoull(field.c_str() + std::strlen(key), nullptr, 10);
    }
  }
  out << "lost events:     " << lost << "\n";
  // Printed whole, so a request that fails part-way prints nothing but the error.
  std::cout << out.str();
  return 0;
}

// ---- record / extract ----

std::atomic<bool> g_interrupted{false};

void on_interrupt(int) {
  g_interrupted = true;
}

// What per_cpu/cpuN/stats says has been consumed and lost, summed over the CPUs.
struct BufferCounts {
  std::uint64_t read = 0, lost = 0;
};

std::uint64_t stats_field(const std::string& stats, const char* key) {
  size_t at = stats.find(key);
  if (at == std::string::npos || (at > 0 && stats[at - 1] != '\n')) return 0;
  return std::strtoull(stats.c_str() + at + std::strlen(key), nullptr, 10);
}

BufferCounts counts_of(const std::vector<std::string>& stats) {
  BufferCounts counts;
  for (const std::string& cpu : stats) {
    counts.read += stats_field(cpu, "read events: ");
    counts.lost += stats_field(cpu, "overrun: ") + stats_field(cpu, "dropped events: ");
  }
  return counts;
}

std::uint64_t bytes_of(const tracedat::BufferData& buffer) {
  std::uint64_t bytes = 0;
  for (const auto& pages : buffer.pages) bytes += pages.size();
  return bytes;
}

// The buffer `root` names, read on the gateway's raw pages while it records.
class PageRecorder {
 public:
  PageRecorder(GatewayClient& gateway, std::string root)
      : gateway_(gateway), root_(std::move(root)), cpus_(tracedat::cpu_numbers(gateway_, root_)) {
    if (cpus_.empty()) throw RequestFailed(root_ + "per_cpu/: no CPUs");
    buffer_.pages.resize(cpus_.back() + 1);
    buffer_.stats.resize(cpus_.back() + 1);
  }

  // Takes what every CPU holds now.
  void drain() {
    for (unsigned cpu : cpus_) buffer_.pages[cpu] += tracedat::read_cpu_pages(gateway_, root_, cpu);
  }
  BufferCounts counts() {
    for (unsigned cpu : cpus_) buffer_.stats[cpu] = tracedat::read_cpu_stats(gateway_, root_, cpu);
    return counts_of(buffer_.stats);
  }
  tracedat::BufferData& buffer() { return buffer_; }

 private:
  GatewayClient& gateway_;
  std::string root_;
  std::vector<unsigned> cpus_;
  tracedat::BufferData buffer_;
};

void write_trace_dat(const tracedat::TraceDat& dat, const std::string& output) {
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  if (!file) throw RequestFailed(output + ": " + std::strerror(errno));
  tracedat::write_v6(dat, file);
  file.close();
  if (!file) throw RequestFailed(output + ": write failed");
}

std::string seconds_since(std::chrono::steady_clock::time_point began) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  return text;
}

std::string progress_line(const std::string& output, const BufferCounts& counts,
                          std::uint64_t bytes, const std::string& elapsed) {
  return output + ": " + std::to_string(counts.read) + " events, " + std::to_string(bytes) +
         " bytes, " + std::to_string(counts.lost) + " lost, " + elapsed;
}

// How often the recorder takes the pages (and shows progress) while the run goes on.
constexpr auto kRecordPoll = std::chrono::milliseconds(200);

int cmd_record(GatewayClient& client, Args& args) {
  StartOptions start;
  std::string workload, output = "trace.dat";
  std::optional<long> duration;
  while (!args.done()) {
    std::string arg = args.take();
    if (take_start_option(arg, args, start)) continue;
    if (arg == "-w")
      workload = args.value(arg);
    else if (arg == "--duration")
      duration = parse_number(arg, args.value(arg));
    else if (arg == "-o")
      output = args.value(arg);
    else
      throw UsageError("unknown option " + arg);
  }
  if (start.tracer.empty()) {
    if (start.events.empty()) throw UsageError("-p TRACER (or -e EVENT) is required");
    start.tracer = "nop";
  }
  if (workload.empty() && !duration) throw UsageError("-w 'WORKLOAD [N]' or --duration SECONDS");
  // Fail on an unwritable file before the guest is touched.
  if (!std::ofstream(output, std::ios::binary | std::ios::trunc))
    throw RequestFailed(output + ": " + std::strerror(errno));

  ensure_instance(client, start.instance);
  Session session(client, start.instance);
  apply_start(session, start, false);
  tracedat::TraceDat dat;
  tracedat::read_metadata(client, dat);
  // The pages come from the session's buffer: its page size and header_page describe them.
  dat.page_size = tracedat::read_page_size(client, session.path(""));
  dat.header_page = client.read(session.path("events/header_page"));
  PageRecorder recorder(client, session.path(""));

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  auto began = std::chrono::steady_clock::now();
  std::thread runner;
  session.write("tracing_on", "1");
  // The workload and the stop go over connections of their own: a client is one connection,
  // and the pages are read meanwhile.
  // The run's state is shared with its thread: an interrupted record leaves it running.
  struct WorkloadRun {
    WorkloadRun(const std::string& url, const std::string& token) : client(url, token) {}
    GatewayClient client;
    std::atomic<bool> done{false};
    std::string error;  // written before `done`
  };
  auto run = std::make_shared<WorkloadRun>(client.url(), client.token());
  GatewayClient stopper_client(client.url(), client.token());
  Session stopper_session(stopper_client, start.instance);
  if (!workload.empty()) {
    runner = std::thread([run, workload] {
      try {
        Session::checked(run->client.put("/workloads/run", workload),
                         "workload '" + workload + "'");
      } catch (const std::exception& error) {
        run->error = error.what();
      }
      run->done = true;
    });
  }
  // The stop comes from its own thread: reading the pages is traced work in the guest too,
  // so with a busy tracer a read may last until tracing is off, and only then do the
  // buffers drain.
  std::atomic<bool> stopped{false}, failed{false};
  std::string stop_error;
  std::thread stopper([&] {
    auto over = [&] {
      return g_interrupted || failed || (runner.joinable() && run->done) ||
             (duration &&
              std::chrono::steady_clock::now() - began >= std::chrono::seconds(*duration));
    };
    while (!over()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    try {
      stopper_session.write("tracing_on", "0");
    } catch (const std::exception& error) {
      stop_error = error.what();
    }
    stopped = true;
  });
  bool terminal = ::isatty(STDERR_FILENO);
  int status = 0;
  try {
    while (!stopped) {
      std::this_thread::sleep_for(kRecordPoll);
      recorder.drain();
      if (terminal)
        std::fprintf(stderr, "\r%s",
                     progress_line(output, recorder.counts(), bytes_of(recorder.buffer()),
                                   seconds_since(began))
                         .c_str());
    }
    stopper.join();
    // Tracing is off: this read takes what is left and ends with the buffers empty.
    recorder.drain();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%stracectl record: %s\n", terminal ? "\n" : "", error.what());
    status = kExitFailure;
    failed = true;  // ends the stopper, which turns tracing off
    if (stopper.joinable()) stopper.join();
  }
  if (!stop_error.empty()) {
    std::fprintf(stderr, "tracectl record: %s\n", stop_error.c_str());
    status = kExitFailure;
  }
  std::string elapsed = seconds_since(began);
  BufferCounts counts;
  try {
    counts = recorder.counts();
    // After the pages, so that every task they mention has had its comm saved.
    dat.cmdlines = client.read("/tracing/saved_cmdlines");
  } catch (const std::exception& error) {
    if (status == 0) std::fprintf(stderr, "tracectl record: %s\n", error.what());
    status = kExitFailure;
  }
  dat.top = std::move(recorder.buffer());
  write_trace_dat(dat, output);
  if (runner.joinable()) {
    if (run->done || !(g_interrupted || failed))
      runner.join();
    else
      runner.detach();  // the run goes on in the guest; we keep what was recorded
  }
  // On a terminal the summary replaces the progress line.
  if (terminal) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s%s\n", progress_line(output, counts, bytes_of(dat.top), elapsed).c_str(),
               g_interrupted ? " (interrupted)" : "");
  if (run->done && !run->error.empty()) {
    std::fprintf(stderr, "tracectl record: %s\n", run->error.c_str());
    status = kExitFailure;
  }
  return status;
}

int cmd_extract(GatewayClient& client, Args& args) {
  std::string output = "trace.dat";
  while (!args.done()) {
    std::string arg = args.take();
    if (arg == "-o")
      output = args.value(arg);
    else
      throw UsageError("unknown option " + arg);
  }
  Session::checked(client.get("/healthz"), "the gateway's guest");
  tracedat::TraceDat dat = tracedat::extract(client);
  write_trace_dat(dat, output);
  std::uint64_t bytes = bytes_of(dat.top);
  for (const auto& instance : dat.instances) bytes += bytes_of(instance);
  std::fprintf(stderr, "%s: %zu CPUs, %llu bytes of pages, %zu instances\n", output.c_str(),
               dat.top.pages.size(), static_cast<unsigned long long>(bytes), dat.instances.size());
  return 0;
}

// ---- report ----

int cmd_report(Args& args) {
  analysis::ReportRequest request;
  request.input = "trace.dat";
  while (!args.done()) {
    std::string arg = args.take();
    if (arg == "-i")
      request.input = args.value(arg);
    else if (arg == "--cpu")
      request.filter.cpu = static_cast<int>(parse_number(arg, args.value(arg)));
    else if (arg == "--pid")
      request.filter.pid = static_cast<int>(parse_number(arg, args.value(arg)));
    else if (arg == "--comm")
      request.filter.comm = args.value(arg);
    else if (arg == "-F")
      request.filter.function_glob = args.value(arg);
    else if (arg == "--profile")
      request.profile = true;
    else if (arg == "--sort") {
      std::string key = args.value(arg);
      if (!analysis::Profile::parse_sort_key(key, request.sort))
        throw UsageError("--sort takes total, self, count, avg, min, max or name, not " + key);
    } else if (arg == "--min-count")
      request.min_count = parse_number(arg, args.value(arg));
    else if (arg == "--min-duration")
      request.filter.min_duration_ns =
          static_cast<std::uint64_t>(parse_number(arg, args.value(arg))) * 1000;
    else if (arg == "--csv")
      request.csv_path = args.value(arg);
    else if (arg == "--folded")
      request.folded_path = args.value(arg);
    else if (arg == "--flamegraph")
      request.flamegraph_path = args.value(arg);
    else if (arg == "--chrome")
      request.chrome_path = args.value(arg);
    else if (arg == "--summary")
      request.summary = true;
    else if (!arg.empty() && arg[0] != '-')
      request.input = arg;
    else
      throw UsageError("unknown option " + arg);
  }
  std::string error;
  if (!analysis::run_report(request, stdout, error)) throw RequestFailed(error);
  return 0;
}

int run(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  const char* env_url = std::getenv("TRACEGATE_URL");
  std::string url = env_url && *env_url ? env_url : kDefaultUrl;
  size_t at = 0;
  while (at < words.size() && words[at].compare(0, 1, "-") == 0) {
    if (words[at] == "--url" && at + 1 < words.size()) {
      url = words[at + 1];
      at += 2;
    } else if (words[at].compare(0, 6, "--url=") == 0) {
      url = words[at].substr(6);
      ++at;
    } else if (words[at] == "-h" || words[at] == "--help") {
      print_usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "tracectl: unknown option %s\n", words[at].c_str());
      print_usage(stderr);
      return kExitUsage;
    }
  }
  if (at >= words.size()) {
    print_usage(stderr);
    return kExitUsage;
  }
  std::string verb_name = words[at];
  const Verb* verb = find_verb(verb_name);
  if (!verb) {
    std::fprintf(stderr, "tracectl: unknown verb '%s'\n", verb_name.c_str());
    print_usage(stderr);
    return kExitUsage;
  }
  Args args(std::vector<std::string>(words.begin() + at + 1, words.end()));
  for (size_t i = at + 1; i < words.size(); ++i)
    if (words[i] == "--help" || words[i] == "-h") {
      std::fputs(verb->usage, stdout);
      return 0;
    }
  const char* env_token = std::getenv("TRACEGATE_TOKEN");
  try {
    if (verb_name == "report") return cmd_report(args);
    GatewayClient client(url, env_token ? env_token : "");
    if (verb_name == "list") return cmd_list(client, args);
    if (verb_name == "start") return cmd_start(client, args);
    if (verb_name == "stop") return cmd_tracing_on(client, args, "0");
    if (verb_name == "restart") return cmd_tracing_on(client, args, "1");
    if (verb_name == "reset") return cmd_reset(client, args);
    if (verb_name == "show") return cmd_show(client, args);
    if (verb_name == "stat") return cmd_stat(client, args);
    if (verb_name == "record") return cmd_record(client, args);
    if (verb_name == "extract") return cmd_extract(client, args);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "tracectl %s: %s\n%s", verb_name.c_str(), error.what(), verb->usage);
    return kExitUsage;
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "tracectl %s: %s\n", verb_name.c_str(), error.what());
    return kExitUsage;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tracectl %s: %s\n", verb_name.c_str(), error.what());
    return kExitFailure;
  }
  return 0;
}

}  // namespace

}  // namespace tg::tracectl

int main(int argc, char** argv) {
  return tg::tracectl::run(argc, argv);
}
