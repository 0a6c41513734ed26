"""The max-stack tracer (Linux's stack_trace, stack_max_size, stack_trace_filter and the
proc/sys/kernel/stack_tracer_enabled switch) against a booted guest.

    test_stack_tracer.py KERNEL run    enabled while workloads run: stack_trace's rows are
                                       kernel functions (proc/kallsyms), depths fall row by
                                       row, each size is the gap to the next depth and the
                                       sizes sum to stack_max_size; stack_max_size=0 resets;
                                       stack_trace_filter decides entry 0's function; under
                                       function_graph no row is return_to_handler (nor a
                                       `stacktrace` probe's line); bad
                                       numbers and globs matching nothing are EINVAL
    test_stack_tracer.py KERNEL boot   `stacktrace_filter=kfree` on the command line: the
                                       switch reads 1, the filter lists kfree, entry 0 is kfree
"""

import errno
import re
import sys

import os

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import ninep  # noqa: E402
from guestlib import Guest, expect, run  # noqa: E402
from test_ninep import expect_errno, session  # noqa: E402

SWITCH = "proc/sys/kernel/stack_tracer_enabled"
HEADER = re.compile(r"^        Depth    Size   Location    \((\d+) entries\)\n"
                    r"        -----    ----   --------\n")
ROW = re.compile(r"^ {0,2}(\d+)\) +(\d+) +(\d+)   (\S+)\+0x([0-9a-f]+)/0x([0-9a-f]+)$")


def write(client, root, path, text):
    client.write_file(root, path, text.encode(), ninep.O_WRONLY | ninep.O_TRUNC)


def read(client, root, path):
    return client.read_file(root, path)


def run_workload(client, root, command):
    client.write_file(root, "workloads/run", command + "\n")


def rows(client, root):
    """stack_trace as (depth, size, function, offset, length) rows, checked against its
    header's entry count."""
    text = read(client, root, "tracing/stack_trace")
    header = HEADER.match(text)
    expect(header, f"stack_trace header: {text[:200]!r}")
    found = []
    for index, line in enumerate(text[header.end():].splitlines()):
        match = ROW.match(line)
        expect(match, f"stack_trace row {index}: {line!r}")
        expect(int(match.group(1)) == index, f"row {index} numbered {match.group(1)}")
        found.append((int(match.group(2)), int(match.group(3)), match.group(4),
                      int(match.group(5), 16), int(match.group(6), 16)))
    expect(len(found) == int(header.group(1)), f"{len(found)} rows, header says {header.group(1)}")
    return found


def kernel_functions(client, root):
    return {line.split(" ", 2)[2] for line in read(client, root, "proc/kallsyms").splitlines()}


def record(client, root, workload):
    """One workload run with the tracer on, from a fresh maximum."""
    write(client, root, "tracing/stack_max_size", "0")
    write(client, root, SWITCH, "1")
    run_workload(client, root, workload)
    write(client, root, SWITCH, "0")


def check_rows(found, functions, max_size, least=3):
    expect(len(found) >= least, f"only {len(found)} frames: {found}")
    for depth, size, function, offset, length in found:
        expect(function in functions, f"{function} is not a kernel function")
        expect(offset < length, f"{function}+{offset:#x} is past its end ({length:#x})")
    depths = [row[0] for row in found]
    expect(all(a > b for a, b in zip(depths, depths[1:])), f"depths do not fall: {depths}")
    for i, (depth, size, *_rest) in enumerate(found):
        following = found[i + 1][0] if i + 1 < len(found) else 0
        expect(size == depth - following, f"row {i}: size {size}, depth gap {depth - following}")
    expect(sum(row[1] for row in found) == depths[0], "sizes do not sum to the deepest depth")
    expect(depths[0] == max_size, f"row 0's depth {depths[0]}, stack_max_size {max_size}")
    # Entry 0 is the traced function itself, at the return from its fentry call.
    expect(found[0][3] == 5, f"entry 0 is {found[0][2]}+{found[0][3]:#x}, not at +0x5")


def test_run(kernel, guests):
    guest = Guest(kernel, timeout=300)
    guests.append(guest)
    client, root = session(guest)
    expect(read(client, root, SWITCH) == "0\n", "the switch starts at 0")
    expect("Stack tracer disabled" in read(client, root, "tracing/stack_trace"),
           "no 'disabled' note before any run")
    functions = kernel_functions(client, root)

    record(client, root, "ramfs 50")
    max_size = int(read(client, root, "tracing/stack_max_size"))
    check_rows(rows(client, root), functions, max_size)
    # Off: the maximum stays until reset.
    run_workload(client, root, "alloc 50")
    expect(int(read(client, root, "tracing/stack_max_size")) == max_size, "moved while off")

    write(client, root, "tracing/stack_max_size", "0")
    expect(read(client, root, "tracing/stack_max_size") == "0\n", "stack_max_size=0 did not reset")

    # The filter decides which functions measure: entry 0 is always one of them.
    for function in ("kmalloc", "kfree"):
        write(client, root, "tracing/stack_trace_filter", function)
        expect(read(client, root, "tracing/stack_trace_filter") == function + "\n",
               "stack_trace_filter lists " + read(client, root, "tracing/stack_trace_filter"))
        record(client, root, "alloc 50")
        found = rows(client, root)
        check_rows(found, functions, int(read(client, root, "tracing/stack_max_size")))
        expect(found[0][2] == function, f"filter {function}: entry 0 is {found[0][2]}")
    write(client, root, "tracing/stack_trace_filter", "")

    # Under function_graph the walk gives the hooked returns' real addresses (from the
    # shadow stack), which the stack does not hold: those frames drop out, as in Linux, and
    # return_to_handler is never a row.
    write(client, root, "tracing/current_tracer", "function_graph")
    record(client, root, "alloc 20")
    write(client, root, "tracing/current_tracer", "nop")
    found = rows(client, root)
    expect(all(row[2] != "return_to_handler" for row in found), f"hooked frames shown: {found}")
    check_rows(found, functions, int(read(client, root, "tracing/stack_max_size")), least=2)

    # The same walk serves a `stacktrace` probe: under function_graph it names the hooked
    # callers, not return_to_handler.
    write(client, root, "tracing/set_ftrace_filter", "kmalloc:stacktrace:1")
    write(client, root, "tracing/current_tracer", "function_graph")
    run_workload(client, root, "alloc 5")
    write(client, root, "tracing/tracing_on", "0")
    trace = read(client, root, "tracing/trace")
    write(client, root, "tracing/current_tracer", "nop")
    write(client, root, "tracing/tracing_on", "1")
    expect("=> workload_alloc\n" in trace and "=> return_to_handler" not in trace,
           "stacktrace under function_graph: " + trace[trace.find("<stack trace>"):][:400])
    write(client, root, "tracing/set_ftrace_filter", "!kmalloc:stacktrace:1")

    expect_errno(errno.EINVAL, lambda: write(client, root, "tracing/stack_max_size", "abc"),
                 "stack_max_size abc")
    expect_errno(errno.EINVAL,
                 lambda: write(client, root, "tracing/stack_trace_filter", "no_such_function_*"),
                 "stack_trace_filter matching nothing")
    expect_errno(errno.EINVAL, lambda: write(client, root, SWITCH, "on"), "stack_tracer_enabled on")
    expect(guest.process.poll() is None, "the guest exited")
    client.close()


def test_boot(kernel, guests):
    guest = Guest(kernel, append="stacktrace_filter=kfree", timeout=300)
    guests.append(guest)
    client, root = session(guest)
    expect(read(client, root, SWITCH) == "1\n", "stacktrace_filter= did not switch it on")
    expect(read(client, root, "tracing/stack_trace_filter") == "kfree\n", "filter not set at boot")
    run_workload(client, root, "alloc 20")
    found = rows(client, root)
    expect(found and found[0][2] == "kfree", f"entry 0 is not kfree: {found[:1]}")
    client.close()


if __name__ == "__main__":
    run(test_boot if len(sys.argv) > 2 and sys.argv[2] == "boot" else test_run, sys.argv[1])
