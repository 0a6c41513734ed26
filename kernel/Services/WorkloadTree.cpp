// tracefs side: the rows of `workloads/` and their file ops.
#include "Services/WorkloadTree.h"

#include "Services/ServiceBridge.h"

namespace tg::vfs {
namespace {

constexpr int kEagain = 11;
// Room for `available` and `last`; both are a few short lines.
constexpr usize kTextMax = 1024;

Result<bool> show_text(String& out, unsigned long (*render)(char*, unsigned long)) {
  char text[kTextMax];
  usize length = render(text, sizeof(text));
  TRY(out.append(StringView(text, min(length, sizeof(text)))));
  return false;
}

Result<bool> show_available(OpenFile&, String& out) {
  return show_text(out, workload_files_available);
}

Result<bool> show_last(OpenFile&, String& out) {
  return show_text(out, workload_files_last);
}

// What a writer of `run` waits for: the run it started and how many bytes it wrote.
struct RunWrite {
  u64 run = 0;
  usize length = 0;
  bool pending = false;
};

void free_run_write(void* state) {
  destroy(static_cast<RunWrite*>(state));
}

Result<RunWrite*> run_write_of(OpenFile& file) {
  if (file.private_data) return static_cast<RunWrite*>(file.private_data);
  RunWrite* state = create<RunWrite>();
  if (!state) return Errno::kNoMem;
  file.private_data = state;
  file.free_private = free_run_write;
  return state;
}

// Starts the workload and parks the write (EAGAIN after accepting) until it finishes.
Result<usize> write_run(OpenFile& file, StringView command) {
  RunWrite* state = TRY(run_write_of(file));
  if (state->pending) return Errno::kBusy;
  int error = workload_files_start(command.data(), command.size(), &state->run);
  if (error) return static_cast<Errno>(error);
  state->pending = true;
  state->length = command.size();
  return Errno::kAgain;
}

Result<usize> run_done(OpenFile& file) {
  auto* state = static_cast<RunWrite*>(file.private_data);
  if (!state || !state->pending) return Errno::kInval;
  int outcome = workload_files_outcome(state->run);
  if (outcome == kEagain) return Errno::kAgain;
  state->pending = false;
  if (outcome) return static_cast<Errno>(outcome);
  return state->length;
}

constexpr FileOps kAvailableOps = {.show = show_available};
constexpr FileOps kLastOps = {.show = show_last};
constexpr FileOps kRunOps = {.write = write_run, .write_done = run_done};

constexpr Node kWorkloadFiles[] = {
    file_node("available", 0444, &kAvailableOps),
    file_node("last", 0444, &kLastOps),
    file_node("run", 0200, &kRunOps),
};

constexpr Node kWorkloadsDirectory = directory_node("workloads", 0755, kWorkloadFiles);

}  // namespace

Status mount_workloads(NodeTable& table) {
  NodeTable::Mount mount;
  mount.name = "workloads";
  mount.root = &kWorkloadsDirectory;
  return table.mount(mount);
}

}  // namespace tg::vfs
