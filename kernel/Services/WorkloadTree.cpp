// The rows of `workloads/` and their file ops; the runs themselves belong to the runner
// task (WorkloadRunner.cpp).
#include "Services/WorkloadTree.h"

#include "Lib/Format.h"
#include "Services/WorkloadRunner.h"
#include "Workloads/Workload.h"

namespace tg::vfs {
namespace {

// Room for one line of `available` or all of `last`.
constexpr usize kLineMax = 256;

Result<bool> show_available(OpenFile&, String& out) {
  for (usize i = 0; i < workload_count(); ++i) {
    TRY(out.append(workload_at(i).name));
    TRY(out.append('\n'));
  }
  return false;
}

Result<bool> show_last(OpenFile&, String& out) {
  WorkloadResult last = workload_last();
  char text[kLineMax];
  usize length = ::format(
      text, sizeof(text),
      "name: %s\nstatus: %s\niterations: %lu\nduration_ns: %lu\nchecksum: 0x%016lx\n", last.name,
      workload_status_name(last.status), last.iterations, last.duration_ns, last.checksum);
  TRY(out.append(StringView(text, length)));
  return false;
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
  state->run = TRY(workload_runner_submit(command.data(), command.size()));
  state->pending = true;
  state->length = command.size();
  return Errno::kAgain;
}

Result<usize> run_done(OpenFile& file) {
  auto* state = static_cast<RunWrite*>(file.private_data);
  if (!state || !state->pending) return Errno::kInval;
  Status outcome = workload_runner_outcome(state->run);
  if (outcome.error() == Errno::kAgain) return Errno::kAgain;
  state->pending = false;
  TRY(outcome);
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
