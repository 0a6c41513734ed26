#pragma once

// `tracing_selftest=NAME[,NAME...]` on the command line: like Linux's ftrace start-up
// self-tests, each named test configures tracing through the tracing files (the node table,
// as a 9P client would), runs a workload, and prints the resulting `trace` to the serial
// log between "tracing_selftest: NAME BEGIN" and "tracing_selftest: NAME END" lines; then
// QEMU exits (success unless a step failed). Names: see kSelfTests in SelfTest.cpp.
void tracing_selftest_run(const char* names);
