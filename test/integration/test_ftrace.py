"""Function tracing inside the kernel, checked through the self-test mode: the guest
configures tracing through its tracefs files, runs workloads, prints `trace` to the serial
log between marker lines and powers off. Each trace is parsed strictly (test/lib/tracecheck).

Usage: test_ftrace.py KERNEL MODE   (MODE: selftests, stress, boot, oops)
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import tracecheck  # noqa: E402
from guestlib import Guest, TestFailure, expect, run  # noqa: E402

KLOG_LINE = re.compile(r"^\[\s*\d+\.\d+\] cpu\d+: ")
IRQ_MARKER = re.compile(r"^ *\d+\)   (==========>|<==========) \|$")

SELFTESTS = ["function", "function_filter", "function_graph", "graph_filter", "graph_function",
             "graph_thresh", "function_duration", "sleep_time", "nosleep_time", "sched", "events"]


def serial_lines(guest):
    return guest.log().replace("\r", "").split("\n")


def block(lines, name):
    """The trace text a self-test printed, without kernel log lines from other CPUs."""
    begin = next((i for i, l in enumerate(lines) if l.endswith(f"tracing_selftest: {name} BEGIN")), None)
    end = next((i for i, l in enumerate(lines) if l.endswith(f"tracing_selftest: {name} END")), None)
    if begin is None or end is None or end < begin:
        raise TestFailure(f"no BEGIN/END block for self-test {name}")
    return "\n".join(l for l in lines[begin + 1:end] if not KLOG_LINE.match(l)) + "\n"


def without_irq_markers(text):
    return "\n".join(l for l in text.split("\n") if not IRQ_MARKER.match(l))


BANNER = re.compile(r"^ *(\d+)\) +(\S+) +=> +(\S+) *$")


def check_task_nesting(text):
    """Per task (context-switch banners say which one runs on a CPU), every '{' closes at
    the depth it opened; a CPU's nesting is interleaved across tasks, a task's is not."""
    running = {}
    stacks = {}
    for number, line in enumerate(text.split("\n"), start=1):
        banner = BANNER.match(line)
        if banner:
            running[banner.group(1)] = banner.group(3)
            continue
        match = tracecheck.GRAPH_LINE.match(line)
        if not match:
            continue
        cpu = match.group("cpu").strip()
        task = running.get(cpu, "?" + cpu)
        stack = stacks.setdefault(task, [])
        depth = len(match.group("indent")) // 2
        body = match.group("text")
        if body.endswith("() {"):
            if stack and depth != stack[-1] + 1:
                raise TestFailure(f"line {number}: {task} enters at depth {depth} inside {stack}")
            stack.append(depth)
        elif body.startswith("}") and stack:
            if depth != stack[-1]:
                raise TestFailure(f"line {number}: {task} returns at depth {depth}, open {stack}")
            stack.pop()


def functions_of(calls):
    return {name.lstrip("}") for _, _, name, _ in calls}


def check_function(text):
    records = tracecheck.parse_function_trace(text)
    expect(records, "function trace is empty")
    names = {r["function"] for r in records}
    expect(names <= {"kmalloc", "kfree", "wake_up_process"}, f"filter leaked: {names}")
    expect({r["cpu"] for r in records} == {0, 1}, "function trace does not show both CPUs")
    comms = {r["comm"] for r in records}
    expect({"ping", "pong", "init"} <= comms, f"tasks missing from the trace: {comms}")


def check_function_filter(text):
    records = tracecheck.parse_function_trace(text)
    names = {r["function"] for r in records}
    expect(names and all(n.startswith("kmem_cache_") for n in names),
           f"set_ftrace_filter kmem_cache_* let through {names}")


def check_graph(text, roots=None, allowed=None, per_task=False):
    calls, open_depths = tracecheck.parse_graph_trace(without_irq_markers(text),
                                                      check_balance=not per_task)
    if per_task:
        check_task_nesting(without_irq_markers(text))
    expect(calls, "function_graph trace is empty")
    if roots is not None:
        top = {name for _, depth, name, _ in calls if depth == 0 and not name.startswith("}")}
        expect(top and top <= roots, f"graph rooted at {top}, want only {roots}")
    if allowed is not None:
        expect(functions_of(calls) <= allowed, f"graph shows {functions_of(calls) - allowed}")
    return calls, open_depths


def check_graph_filter(text):
    check_graph(text, allowed={"kmalloc", "kfree"})
    # The interrupt handlers are filtered out, so Linux draws no arrows around them.
    arrows = [line for line in text.split("\n") if IRQ_MARKER.match(line)]
    expect(not arrows, f"irq arrows around untraced handlers: {arrows[:2]}")


def check_function_graph(text):
    calls, _ = check_graph(text, roots={"ping", "pong"}, per_task=True)
    expect({cpu for cpu, _, _, _ in calls} == {0, 1}, "graph does not show both CPUs")
    expect(any(depth >= 2 for _, depth, _, _ in calls), "graph never nests")
    expect(" ping-2 " in text or "ping-" in text, "no context-switch banner names ping")


def check_graph_thresh(text):
    text = without_irq_markers(text)
    tracecheck.parse_graph_trace(text, check_balance=False)
    timed = []
    for line in text.split("\n"):
        match = tracecheck.GRAPH_LINE.match(line)
        if not match:
            continue
        expect(not match.group("text").endswith("() {"), f"entry printed with thresh: {line!r}")
        usecs = tracecheck.check_graph_duration(match.group("duration"), 0, line)
        if usecs is not None:
            timed.append(usecs)
    expect(timed, "tracing_thresh left nothing")
    expect(all(u >= 200 for u in timed), f"tracing_thresh=200 kept shorter calls: {timed}")


def check_duration(text):
    rows = tracecheck.parse_duration_trace(text)
    expect(rows, "function_duration trace is empty")
    expect("workload_alloc" in {name for _, _, _, name in rows}, "root call missing")


# The sleep_time self-tests: the test's task calls sleep_ns(SLEEP_MS ms) SLEEPS times.
SLEEP_MS = 10
SLEEPS = 3


def sleep_durations(text):
    """The duration of each sleep_ns call, in us. max_graph_depth is 1: a call prints as a
    leaf, or as '{' and '}' when the task came back on the other CPU."""
    text = without_irq_markers(text)
    tracecheck.parse_graph_trace(text, check_balance=False)
    durations = []
    for line in text.split("\n"):
        match = tracecheck.GRAPH_LINE.match(line)
        if match and (match.group("text") == "sleep_ns();" or match.group("text").startswith("}")):
            durations.append(tracecheck.check_graph_duration(match.group("duration"), 0, line))
    expect(len(durations) == SLEEPS, f"{len(durations)} sleep_ns calls traced, want {SLEEPS}")
    return durations


def check_sleep_time(text):
    durations = sleep_durations(text)
    expect(all(u >= SLEEP_MS * 1000 for u in durations),
           f"sleep-time on: a call reports less than its {SLEEP_MS} ms sleep: {durations} us")


def check_nosleep_time(text):
    durations = sleep_durations(text)
    # Only the time the task ran inside sleep_ns is left (timer set-up and the switch), far
    # below the sleep itself; a call that kept its sleep lasts at least SLEEP_MS. (Under a
    # loaded TCG host the running part alone has taken over 1 ms, so no tighter bound.)
    expect(all(u < SLEEP_MS * 1000 for u in durations),
           f"nosleep-time: calls still include their {SLEEP_MS} ms sleep: {durations} us")


def check_sched(text):
    _, _, _, records = tracecheck.parse_context_trace(text, "nop")
    switches = [r["message"] for r in records if r["message"].startswith("sched_switch: ")]
    expect(switches, "no sched_switch lines")
    expect(any("next_comm=ping" in m for m in switches), "sched_switch never names ping")
    expect(any("next_comm=pong" in m for m in switches), "sched_switch never names pong")
    # Normal tasks print 120; the RT ones (9p-rx, FIFO 50) Linux's 99 - rt_priority.
    pattern = re.compile(r"^sched_switch: prev_comm=\S+ prev_pid=\d+ prev_prio=(120|\d\d?) "
                         r"prev_state=\S+ ==> next_comm=\S+ next_pid=\d+ next_prio=(120|\d\d?)$")
    for message in switches:
        expect(pattern.match(message), f"sched_switch line not in Linux's format: {message!r}")
    expect(any(r["message"].startswith("sched_wakeup: comm=") for r in records), "no sched_wakeup")
    # Every wakeup begins with a sched_waking of the same task, recorded first by the waker.
    woken = re.compile(r"^(sched_waking|sched_wakeup): comm=\S+ pid=(\d+) prio=(?:120|\d\d?) target_cpu=\d{3}$")
    pending = {}
    for record in records:
        match = woken.match(record["message"])
        if not match:
            continue
        pid = match.group(2)
        if match.group(1) == "sched_waking":
            pending[pid] = pending.get(pid, 0) + 1
            continue
        expect(pending.get(pid, 0) > 0, f"sched_wakeup of {pid} with no sched_waking before it")
        pending[pid] -= 1
    expect(any(r["message"].startswith("sched_waking: ") for r in records), "no sched_waking")


def check_events(text):
    _, _, _, records = tracecheck.parse_context_trace(text, "nop")
    kinds = {r["message"].split(":", 1)[0] for r in records}
    for want in ("kmalloc", "kfree", "timer_expire_entry", "timer_expire_exit",
                 "irq_handler_entry", "irq_handler_exit", "sched_wakeup_new"):
        expect(want in kinds, f"no {want} event (saw {sorted(kinds)})")


def check_functions(text, sites):
    names = text.split("\n")[:-1]
    for name in names:
        expect(re.match(r"^\S+$", name), f"not one word: {name!r}")
        expect("(" not in name and "<" not in name, f"parameters or template in {name!r}")
    expect(len(names) == sites, f"{len(names)} functions listed, {sites} fentry sites")
    for want in ("kmalloc", "kfree", "schedule", "WaitQueue::wake_up", "workload_alloc"):
        expect(want in names, f"available_filter_functions lacks {want}")
    expect("ftrace_dispatch" not in names, "the tracer's own code is listed as traceable")


CHECKS = {
    "function": check_function,
    "function_filter": check_function_filter,
    "function_graph": check_function_graph,
    "graph_filter": check_graph_filter,
    "graph_function": lambda t: check_graph(t, roots={"kmem_cache_destroy"}),
    "graph_thresh": check_graph_thresh,
    "function_duration": check_duration,
    "sleep_time": check_sleep_time,
    "nosleep_time": check_nosleep_time,
    "sched": check_sched,
    "events": check_events,
}
SITES = re.compile(r"tracing: \d+ CPUs, (\d+) fentry sites")


def boot(kernel, guests, append, timeout=120):
    guest = Guest(kernel, append=append, smp=2, timeout=timeout)
    guests.append(guest)
    status = guest.wait()
    return guest, status


def test_selftests(kernel, guests):
    guest, status = boot(kernel, guests, "tracing_selftest=functions," + ",".join(SELFTESTS))
    expect(status == 0, f"guest exited {status}, want 0")
    lines = serial_lines(guest)
    sites = SITES.search(guest.log())
    expect(sites, "no 'tracing: N CPUs, M fentry sites' line")
    check_functions(block(lines, "functions"), int(sites.group(1)))
    for name in SELFTESTS:
        try:
            CHECKS[name](block(lines, name))
        except tracecheck.TraceFormatError as error:
            raise TestFailure(f"{name}: {error}")
        except TestFailure as failure:
            raise TestFailure(f"{name}: {failure}")


def test_stress(kernel, guests):
    guest, status = boot(kernel, guests, "tracing_selftest=stress", timeout=240)
    log = guest.log()
    expect(status == 0, f"guest exited {status}, want 0")
    match = re.search(r"stress: (\d+) tracer switches, (\d+) tracing_on toggles", log)
    expect(match and int(match.group(1)) + int(match.group(2)) == 1000, "not 1000 switches")
    match = re.search(r"stress: (\d+) workload runs, (\d+) checksum mismatches", log)
    expect(match and int(match.group(1)) > 0, "workloads did not run during the stress")
    expect(int(match.group(2)) == 0, "workload checksums went wrong under the stress")


def test_boot(kernel, guests):
    guest, status = boot(kernel, guests, "ftrace=function_graph trace_buf_size=2M "
                         "ftrace_graph_filter=smp_boot,scheduler_init_cpu tracing_selftest=boot")
    expect(status == 0, f"guest exited {status}, want 0")
    calls, _ = check_graph(block(serial_lines(guest), "boot"), per_task=True)
    names = functions_of(calls)
    expect("smp_boot" in names, "ftrace=function_graph did not trace smp_boot")


def test_oops(kernel, guests):
    # The second fault panics inside the page allocator with its lock held: the dump must
    # not need that lock.
    for kind, last in (("pagefault", "fault_pagefault"),
                       ("double-free-page", "fault_double_free_page")):
        guest, status = boot(kernel, guests, "ftrace=function ftrace_filter=fault_*,kmalloc "
                             f"trace_buf_size=16k ftrace_dump_on_oops fault={kind}", timeout=30)
        expect(status == 3, f"fault={kind}: guest exited {status}, want 3 (fault)")
        lines = serial_lines(guest)
        start = next((i for i, l in enumerate(lines) if l == "Dumping ftrace buffer:"), None)
        end = next((i for i, l in enumerate(lines) if l == "ftrace dump done"), None)
        expect(start is not None and end is not None, f"fault={kind}: no ftrace dump in the log")
        text = "\n".join(l for l in lines[start + 2:end - 1] if not KLOG_LINE.match(l)) + "\n"
        records = tracecheck.parse_function_trace(text)
        names = [r["function"] for r in records]
        expect(last in names, f"fault={kind}: the dump lacks {last}: {names[-5:]}")
        expect(names[-1] == last, f"fault={kind}: the last event before the fault is not {last}")


MODES = {"selftests": test_selftests, "stress": test_stress, "boot": test_boot, "oops": test_oops}

if __name__ == "__main__":
    run(MODES[sys.argv[2]], sys.argv[1])
