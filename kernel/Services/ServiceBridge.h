#pragma once

// The seam between the kernel's services and the tracefs core they host. The two sides'
// headers clash (both define placement new; the kernel's `notrace` macro is a field name in
// tracefs), so no file includes both: the kernel side (NinePService.cpp, WorkloadFiles.cpp,
// KernelPlatform.cpp) and the tracefs side (NinePSession.cpp, WorkloadTree.cpp,
// TracingSetup.cpp) talk through these plain functions, in built-in types only (sizes are
// `unsigned long`, as unsigned long and usize are on x86-64). Errors cross as Linux errno values
// (0 = success).

// --- implemented on the tracefs side ---

// Installs the allocator and platform for tracefs and creates the Tracing the tree
// serves. False when memory ran out.
bool tracing_setup();

// The 9P server over the tracefs node table (`tracing/` and `workloads/`). Replies leave
// through `send`, one whole frame per call, from inside receive/poll.
using NinePSend = void (*)(const unsigned char* frame, unsigned long length);
bool ninep_session_init(NinePSend send, unsigned max_msize);
// False when the stream is beyond repair (bad frame size); the session has reset itself.
bool ninep_session_receive(const unsigned char* bytes, unsigned long length);
// Retries parked requests (blocked reads, workloads/run writes); returns how many remain.
unsigned long ninep_session_poll();
// Drops every fid, parked request and partial frame; waits for Tversion.
void ninep_session_reset();

// --- implemented on the kernel side ---

// What tracefs needs of the kernel (KernelPlatform.cpp): the heap (16-byte aligned), the
// CPU count, the trace clock, and who is running.
void* kernel_allocate(unsigned long size);
void kernel_free(void* pointer);
unsigned kernel_cpu_count();
unsigned long kernel_clock_ns();
unsigned kernel_current_cpu();
int kernel_current_pid();

// Trace data a parked read may want arrived (the platform's wake_readers). Any context,
// even the tracer's record path: it only sets a flag that the service's 10 ms poll timer
// (armed while requests are parked) acts on.
void ninep_service_wake();
// A parked request can complete now (a workload finished): wakes the service at once.
// Task or interrupt context, no scheduler locks held.
void ninep_service_kick();

// workloads/: the text of `available` and `last` written into `out` (truncated to
// `capacity`); returns the length written.
unsigned long workload_files_available(char* out, unsigned long capacity);
unsigned long workload_files_last(char* out, unsigned long capacity);
// Hands "NAME [ARGS]" to the workload runner task. 0 and the run's id in `run`, or EBUSY
// while a run is in progress, EINVAL when the command is too long to be one.
int workload_files_start(const char* command, unsigned long length, unsigned long* run);
// EAGAIN while run `run` is in progress; then 0, or the errno workload_run_command gave
// (EINVAL: unknown name or bad arguments; EBUSY: a boot workload was running).
int workload_files_outcome(unsigned long run);
