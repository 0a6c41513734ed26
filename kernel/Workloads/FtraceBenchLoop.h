#pragma once

#include "Lib/Types.h"

// The fixed call-heavy loop of the ftrace_bench self-test: `calls` calls of a small
// instrumented leaf. Compiled like the rest of the kernel (with or without fentry sites),
// so the same loop measures every tracer against a build without instrumentation.
u64 ftrace_bench_loop(u64 calls);
