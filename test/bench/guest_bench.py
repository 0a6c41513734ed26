#!/usr/bin/env python3
"""In-guest function tracing cost: boots the instrumented kernel and the one built without
-pg (tracegate-kernel-noinstr), runs the ftrace_bench self-test in each, and prints cycles
per call of the same call-heavy loop as ratios against the uninstrumented build.

Usage: guest_bench.py [BUILD_DIR]   (both kernels built: cmake --build BUILD_DIR --target
       tracegate-kernel tracegate-kernel-noinstr). Not part of ctest.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKLOAD = re.compile(r"ftrace_bench: workload=(\S+) iterations=(\d+) cycles=(\d+)")
LINE = re.compile(r"ftrace_bench: mode=(\S+) cycles_per_call=([\d.]+) entries=(\d+) bytes=(\d+) "
                  r"bytes_per_entry=([\d.]+) calls=(\d+)")


def run(kernel, accel):
    with tempfile.TemporaryDirectory(prefix="tracegate-bench-") as rundir:
        subprocess.run([os.path.join(ROOT, "scripts", "guest"), "--kernel", kernel, "--smp", "2",
                        "--accel", accel, "--rundir", rundir, "--timeout", "300",
                        "--append", "tracing_selftest=ftrace_bench"],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(rundir, "serial.log"), errors="replace") as f:
            log = f.read()
    modes = {m.group(1): m for m in LINE.finditer(log)}
    workloads = {m.group(1): int(m.group(3)) for m in WORKLOAD.finditer(log)}
    return modes, workloads


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    accel = os.environ.get("TRACEGATE_ACCEL", "tcg")
    traced, traced_workloads = run(os.path.join(build, "kernel", "tracegate-kernel"), accel)
    baseline, base_workloads = run(os.path.join(build, "kernel", "tracegate-kernel-noinstr"), accel)
    base = float(baseline["nop"].group(2))
    print(f"ftrace_bench: {traced['nop'].group(6)} calls of a small leaf, best of 5, "
          f"accelerator {accel.upper()}, 2 vCPUs")
    print(f"{'configuration':<40} {'cycles/call':>12} {'ratio':>8} {'bytes/event':>12}")
    print(f"{'(a) no instrumentation (-pg off)':<40} {base:>12.2f} {1.0:>8.2f} {'-':>12}")
    labels = {"nop": "(b) instrumented, tracing off (NOPs)", "function": "(c) function",
              "function_graph": "(d) function_graph", "function_duration": "(e) function_duration"}
    for mode, label in labels.items():
        m = traced[mode]
        cycles = float(m.group(2))
        per_event = m.group(5) if int(m.group(3)) else "-"
        print(f"{label:<40} {cycles:>12.2f} {cycles / base:>8.2f} {per_event:>12}")
    if "kprobe" in traced:
        m = traced["kprobe"]
        cycles = float(m.group(2))
        per_event = m.group(5) if int(m.group(3)) else "-"
        print(f"{'(f) kprobe, 2 fetch args (nop tracer)':<40} {cycles:>12.2f} "
              f"{cycles / base:>8.2f} {per_event:>12}")
        nop = float(traced["nop"].group(2))
        function = float(traced["function"].group(2))
        print(f"per hit, tracing-off loop subtracted: kprobe {cycles - nop:.2f}, function "
              f"{function - nop:.2f} cycles; kprobe / function = "
              f"{(cycles - nop) / (function - nop):.2f}")
    print()
    print("whole workloads, tracing off (best of 5 runs, TSC cycles):")
    print(f"{'workload':<16} {'no -pg':>14} {'instrumented':>14} {'ratio':>8}")
    for name, cycles in traced_workloads.items():
        plain = base_workloads.get(name)
        if plain:
            print(f"{name:<16} {plain:>14} {cycles:>14} {cycles / plain:>8.3f}")


if __name__ == "__main__":
    main()
