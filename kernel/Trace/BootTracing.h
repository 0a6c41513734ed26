#pragma once

// Linux's boot-time tracing parameters, applied through the tracing files as a user would
// write them: trace_buf_size=N[k|M] (bytes per CPU), ftrace_filter=, ftrace_notrace=,
// ftrace_graph_filter=, ftrace_graph_notrace= (comma-separated globs), trace_event=
// (comma-separated sys:event), tracing_thresh=US, then ftrace=TRACER last.
// ftrace_dump_on_oops makes a fatal fault print the trace to the serial log.
void boot_tracing_apply();

bool ftrace_dump_on_oops_enabled();
// Called on the way to a fatal exit (exception, panic): prints `trace` between marker
// lines if ftrace_dump_on_oops was given. Runs at most once.
void ftrace_dump_on_oops();
