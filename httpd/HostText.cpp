#include "HostText.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "Platform.h"
#include "support/Memory.h"
#include "support/TextWriter.h"
#include "trace/CommCache.h"
#include "trace/EventCatalog.h"
#include "trace/RawPages.h"
#include "trace/TraceOutput.h"
#include "trace/Tracing.h"
#include "vfs/NodeTable.h"
#include "vfs/OpenFile.h"
#include "vfs/TracingTree.h"

namespace tracegate {

namespace {

void* host_allocate(tg::usize size, tg::usize align) {
  if (align < sizeof(void*)) align = sizeof(void*);
  return std::aligned_alloc(align, (size + align - 1) / align * align);
}

// Nothing is recorded on the host: its clock is never read for a record.
tg::u64 no_clock(tg::TraceClock) {
  return 0;
}

// Writes a file of the mirror's tree as `echo TEXT > FILE` would.
bool write_file(tg::vfs::NodeTable& table, std::string_view path, std::string_view text) {
  auto ref = table.lookup(tg::StringView(path.data(), path.size()));
  if (!ref.ok()) return false;
  auto file = table.open(ref.value(), tg::vfs::kOpenWriteOnly | tg::vfs::kOpenTruncate);
  if (!file.ok()) return false;
  auto written = table.write(*file.value(), 0, tg::StringView(text.data(), text.size()));
  table.release(file.release_value());
  return written.ok();
}

// The options that print what the host does not have (symbol sizes) or records Linux's
// raw pages do not carry (return values).
bool option_on(std::string_view options, std::string_view name) {
  std::istringstream lines{std::string(options)};
  for (std::string line; std::getline(lines, line);)
    if (line == name) return true;
  return false;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return text;
}

// trace_clock reads "[local] global ...": the one in brackets.
std::string current_clock(std::string_view text) {
  size_t open = text.find('[');
  size_t close = text.find(']', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return "";
  return std::string(text.substr(open + 1, close - open - 1));
}

}  // namespace

struct HostText::State {
  std::vector<std::string> names;  // storage the symbols point into
  std::vector<tg::Symbol> symbols;
  tg::OwnPtr<tg::trace::Tracing> tracing;
  tg::vfs::NodeTable table;
  tg::OwnPtr<tg::trace::OutputState> output;
  std::string pending;                // formatted early, before a page that says events were lost
  tg::String scratch;                 // the formatter\'s output, reused
  std::vector<std::string> partial;   // per CPU: the start of a page the next read completes
  uint64_t before = UINT64_MAX;       // take_text_before's bound, kept for lost-event marks
  std::unordered_set<int32_t> tasks;  // pids saved_cmdlines named when last read
  size_t page_size = 0;               // of the raw pages, and of the mirror's ring pages
  bool unknown_task = false;          // a page added since holds an event of another pid
};

bool HostText::supports(const GuestFacts& facts) {
  std::string_view tracer = trimmed(facts.tracer);
  if (tracer != "function" && tracer != "nop") return false;
  return !option_on(facts.options, "sym-offset") && !option_on(facts.options, "sym-addr");
}

std::unique_ptr<HostText> HostText::create(const GuestFacts& facts, std::string& error) {
  auto state = std::make_unique<State>();
  // proc/kallsyms: "%016lx %c %s", in address order; a symbol ends where the next begins.
  std::istringstream lines(facts.kallsyms);
  std::vector<std::pair<uint64_t, bool>> entries;
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 20 || line[16] != ' ' || line[18] != ' ') continue;
    entries.emplace_back(std::strtoull(line.substr(0, 16).c_str(), nullptr, 16), line[17] == 't');
    state->names.push_back(line.substr(19));
  }
  if (entries.empty() || facts.cpus == 0) {
    error = "the guest gave no symbols or no CPUs";
    return nullptr;
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    uint64_t end = i + 1 < entries.size() ? entries[i + 1].first : entries[i].first + 1;
    state->symbols.push_back({entries[i].first, static_cast<tg::u32>(end - entries[i].first),
                              state->names[i].c_str(), entries[i].second});
  }
  tg::install_allocator({host_allocate, std::free});
  tg::Platform platform;
  platform.cpu_count = facts.cpus;
  platform.text_base = state->symbols.front().address;
  platform.symbols = tg::Span<const tg::Symbol>(state->symbols.data(), state->symbols.size());
  platform.clock = no_clock;
  tg::install_platform(platform);
  tg::trace::clear_comms();

  auto tracing = tg::trace::Tracing::create();
  if (!tracing.ok() || !tg::vfs::mount_tracing(state->table, *tracing.value()).ok()) {
    error = "no memory for the host's mirror of the trace";
    return nullptr;
  }
  state->tracing = tracing.release_value();
  std::string clock = current_clock(facts.clock);
  // The mirror's pages are as large as the guest's, so that each event fits as it did there.
  state->page_size = facts.page_size;
  std::string subbuf_kb = std::to_string(facts.page_size / 1024);
  bool applied = write_file(state->table, "tracing/buffer_subbuf_size_kb", subbuf_kb) &&
                 state->tracing->top().buffer().page_size() == facts.page_size &&
                 write_file(state->table, "tracing/current_tracer", trimmed(facts.tracer)) &&
                 (clock.empty() || write_file(state->table, "tracing/trace_clock", clock));
  std::istringstream options(facts.options);
  for (std::string option; applied && std::getline(options, option);)
    applied = write_file(state->table, "tracing/trace_options", option);
  if (!applied) {
    error = "the guest's page size, tracer, clock or options do not apply on the host";
    return nullptr;
  }
  auto output = tg::trace::OutputState::create(state->tracing->top(), true);
  if (!output.ok()) {
    error = "no memory for the host's formatter";
    return nullptr;
  }
  state->output = output.release_value();
  state->partial.resize(facts.cpus);
  auto text = std::unique_ptr<HostText>(new HostText(std::move(state)));
  text->update_tasks(facts.cmdlines, facts.tgids);
  return text;
}

HostText::HostText(std::unique_ptr<State> state) : state_(std::move(state)) {}

HostText::~HostText() {
  // The formatter's state goes before the tracing it reads.
  state_->output = tg::OwnPtr<tg::trace::OutputState>();
}

bool HostText::add_pages(unsigned cpu, const uint8_t* data, size_t size) {
  auto& buffer = state_->tracing->top().buffer();
  if (cpu >= buffer.cpu_count()) return false;
  const size_t page_size = state_->page_size;
  std::string& partial = state_->partial[cpu];
  if (!partial.empty()) {
    size_t needed = std::min(size, page_size - partial.size());
    partial.append(reinterpret_cast<const char*>(data), needed);
    data += needed;
    size -= needed;
    if (partial.size() < page_size) return true;
    std::string page = std::move(partial);
    partial.clear();
    if (!add_pages(cpu, reinterpret_cast<const uint8_t*>(page.data()), page.size())) return false;
  }
  size_t whole = size / page_size * page_size;
  partial.assign(reinterpret_cast<const char*>(data) + whole, size - whole);
  for (size_t at = 0; at < whole; at += page_size) {
    const uint8_t* page = data + at;
    // Lost events come right before the page's own: what came before them is printed first,
    // so the formatter marks them where the guest's trace_pipe would.
    if (tg::u64 lost = tg::trace::raw_page_lost(page, page_size)) {
      format_into(state_->pending, state_->before);
      buffer.cpu(cpu).note_lost(lost);
    }
    if (!tg::trace::import_raw_page(buffer.cpu(cpu), page, page_size).ok()) return false;
    if (!state_->unknown_task) note_unknown_tasks(page);
  }
  return true;
}

void HostText::note_unknown_tasks(const uint8_t* page) {
  (void)tg::trace::for_each_raw_event(
      page, state_->page_size,
      [](void* context, tg::u64, const tg::u8* payload, tg::usize size) {
        auto& state = *static_cast<State*>(context);
        tg::trace::EventCommon common;
        if (size < sizeof common) return false;
        std::memcpy(&common, payload, sizeof common);
        // pid 0 prints as <idle>, whatever saved_cmdlines says.
        if (common.pid != 0 && !state.tasks.count(common.pid)) state.unknown_task = true;
        return false;
      },
      state_.get());
}

bool HostText::knows_every_task() const {
  return !state_->unknown_task;
}

void HostText::update_tasks(std::string_view cmdlines, std::string_view tgids) {
  state_->unknown_task = false;
  std::istringstream comms{std::string(cmdlines)};
  for (std::string line; std::getline(comms, line);) {
    size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    std::string comm = line.substr(space + 1);
    state_->tasks.insert(std::atoi(line.c_str()));
    tg::trace::save_comm(std::atoi(line.c_str()), tg::StringView(comm.data(), comm.size()));
  }
  std::istringstream pairs{std::string(tgids)};
  bool started = false;
  for (std::string line; std::getline(pairs, line);) {
    size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    if (!started) tg::trace::start_saving_tgids();
    started = true;
    tg::trace::save_tgid(std::atoi(line.c_str()), std::atoi(line.c_str() + space + 1));
  }
}

void HostText::format_into(std::string& out, uint64_t before) {
  // The scratch string keeps its capacity from one batch to the next: no fresh pages to
  // fault in for every batch of text.
  tg::String& text = state_->scratch;
  text.clear();
  tg::TextWriter writer(text);
  tg::ring::Entry next;
  auto& entries = state_->output->iterator();
  bool bounded = before != UINT64_MAX;
  while ((!bounded || (entries.peek(next) && next.timestamp < before)) &&
         state_->output->print_next(writer)) {
  }
  out.append(text.data(), text.size());
}

void HostText::take_text(std::string& out) {
  take_text_before(UINT64_MAX, out);
}

void HostText::take_text_before(uint64_t time, std::string& out) {
  state_->before = time;
  out += state_->pending;
  state_->pending.clear();
  format_into(out, time);
}

}  // namespace tracegate
