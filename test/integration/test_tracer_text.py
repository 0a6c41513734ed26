"""Every tracer's text on a fixed workload, byte for byte against a golden capture.

One CPU, the counter clock (each clock read is the next integer) and a filter that keeps the
allocator calls of `alloc 3` make the trace the same on every boot, so a change to how the
kernel dispatches into tracers (or how they record or print) that alters one byte shows
here. With funcgraph-retval, kmalloc's return value must be the pointer its own kmem:kmalloc
event reports, in hex with or without funcgraph-retval-hex. The goldens were captured from the kernel before the tracer seam moved into the
Tracer table; `--update DIR` writes new ones when the text is meant to change.

    test_tracer_text.py KERNEL GOLDEN_DIR [--update]
"""

import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import ninep  # noqa: E402
from guestlib import Guest, expect, run  # noqa: E402
from test_ninep import session  # noqa: E402

FILTER = "workload_alloc kmalloc kfree kmem_cache_alloc kmem_cache_free KmemCache::*"
# (tracer, options/ switched on for the capture)
CASES = [
    ("function", []),
    ("function_graph", []),
    ("function_graph", ["funcgraph-proc", "funcgraph-abstime", "funcgraph-tail"]),
    ("function_duration", []),
    ("nop", []),
]


def tracing_session(kernel, guests):
    """A booted two-CPU guest's 9P session, and `write(path, text)`: `echo text > path` under
    tracing/."""
    guest = Guest(kernel, smp=2, timeout=300)
    guests.append(guest)
    client, root = session(guest)

    def write(path, text):
        client.write_file(root, "tracing/" + path, text.encode(), ninep.O_WRONLY | ninep.O_TRUNC)

    return client, root, write


def case_name(tracer, options):
    return "-".join([tracer] + options) + ".txt"


def capture(client, root, tracer, options):
    def write(path, text, flags=ninep.O_WRONLY | ninep.O_TRUNC):
        client.write_file(root, "tracing/" + path, text.encode(), flags)

    write("current_tracer", "nop")
    write("trace_clock", "counter")
    write("set_ftrace_filter", "")
    for word in FILTER.split():
        write("set_ftrace_filter", word, ninep.O_WRONLY | ninep.O_APPEND)
    for option in options:
        write("options/" + option, "1")
    write("trace", "")
    write("current_tracer", tracer)
    write("tracing_on", "1")
    client.write_file(root, "workloads/run", b"alloc 3")
    write("tracing_on", "0")
    text = client.read_file(root, "tracing/trace")
    for option in options:
        write("options/" + option, "0")
    write("current_tracer", "nop")
    return text


KMALLOC_EVENT = re.compile(r"/\* kmalloc: call_site=\S+ ptr=([0-9a-f]+) ")
KMALLOC_RETURN = re.compile(r"\} /\* kmalloc = (\S+) \*/$")


def retval_trace(client, root, hex_option):
    def write(path, text, flags=ninep.O_WRONLY | ninep.O_TRUNC):
        client.write_file(root, "tracing/" + path, text.encode(), flags)

    write("current_tracer", "nop")
    write("set_ftrace_filter", "kmalloc")
    write("events/kmem/kmalloc/enable", "1")
    write("options/funcgraph-retval", "1")
    write("trace", "")
    write("current_tracer", "function_graph")
    write("tracing_on", "1")
    client.write_file(root, "workloads/run", b"alloc 3")
    write("tracing_on", "0")
    write("options/funcgraph-retval-hex", "1" if hex_option else "0")
    text = client.read_file(root, "tracing/trace")
    write("options/funcgraph-retval-hex", "0")
    write("options/funcgraph-retval", "0")
    write("events/kmem/kmalloc/enable", "0")
    write("set_ftrace_filter", "")
    write("current_tracer", "nop")
    return text


# function_graph on the local clock, with funcgraph-abstime: a block's closing line carries the
# return's time and the duration since its opening line's, so their difference must be the
# printed duration (to the abstime's microsecond). The return hook reads its time apart from
# the entry (the TSC, scaled in the dispatch): a different time base shows here.
ABSTIME_LINE = re.compile(r"^\s*(\d+)\.(\d{6}) \|[^|]*?(?:(\d+\.\d+) us)?\s*\|\s+(.*)$")


def check_time_base(client, root):
    def write(path, text, flags=ninep.O_WRONLY | ninep.O_TRUNC):
        client.write_file(root, "tracing/" + path, text.encode(), flags)

    write("current_tracer", "nop")
    write("trace_clock", "local")
    write("set_ftrace_filter", "")
    for word in FILTER.split():
        write("set_ftrace_filter", word, ninep.O_WRONLY | ninep.O_APPEND)
    write("options/funcgraph-abstime", "1")
    write("trace", "")
    write("current_tracer", "function_graph")
    write("tracing_on", "1")
    client.write_file(root, "workloads/run", b"alloc 3")
    write("tracing_on", "0")
    text = client.read_file(root, "tracing/trace")
    write("options/funcgraph-abstime", "0")
    write("current_tracer", "nop")
    write("set_ftrace_filter", "")
    opened = []
    blocks = 0
    for line in text.split("\n"):
        match = ABSTIME_LINE.match(line)
        if not match:
            continue
        at_us = int(match.group(1)) * 1000000 + int(match.group(2))
        call = match.group(4).strip()
        if call.endswith("{"):
            opened.append(at_us)
        elif call.startswith("}") and opened:
            start = opened.pop()
            duration = float(match.group(3))
            expect(abs((at_us - start) - duration) <= 1.0,
                   f"a block's return time {at_us} us minus its entry's {start} us is not its "
                   f"duration {duration} us: {line}")
            blocks += 1
    expect(blocks >= 3, f"function_graph on the local clock: {blocks} closed blocks:\n{text[:2000]}")


# The alloc workload's kmalloc blocks: each return names kmalloc and carries the pointer the
# kmem:kmalloc event inside the call reported.
def check_retval(client, root):
    for hex_option in (False, True):
        lines = retval_trace(client, root, hex_option).split("\n")
        pairs = 0
        pointer = None
        for line in lines:
            event = KMALLOC_EVENT.search(line)
            if event:
                pointer = int(event.group(1), 16)
                continue
            ret = KMALLOC_RETURN.search(line)
            if not ret:
                continue
            expect(pointer is not None, f"a kmalloc return without its event: {line}")
            expect(ret.group(1) == "0x%x" % pointer,
                   f"kmalloc returned {ret.group(1)}, its event said ptr={pointer:x}: {line}")
            pairs += 1
            pointer = None
        expect(pairs >= 3, f"funcgraph-retval (hex={hex_option}): {pairs} kmalloc returns "
               f"with a value, want one per iteration:\n" + "\n".join(lines[:40]))


def test(kernel, golden_dir, update, guests):
    guest = Guest(kernel, smp=1, timeout=300)
    guests.append(guest)
    client, root = session(guest)
    for tracer, options in CASES:
        text = capture(client, root, tracer, options)
        path = os.path.join(golden_dir, case_name(tracer, options))
        if update:
            os.makedirs(golden_dir, exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
            continue
        with open(path) as f:
            want = f.read()
        if text != want:
            got_lines, want_lines = text.split("\n"), want.split("\n")
            first = next((i for i, (a, b) in enumerate(zip(got_lines, want_lines)) if a != b),
                         min(len(got_lines), len(want_lines)))
            expect(False, f"{case_name(tracer, options)}: line {first + 1} differs:\n"
                   f"  got:  {got_lines[first] if first < len(got_lines) else '<end>'}\n"
                   f"  want: {want_lines[first] if first < len(want_lines) else '<end>'}")
        expect(tracer == "nop" or text.count("\n") > 20,
               f"{tracer}: only {text.count(chr(10))} lines; the filter caught nothing")
    if not update:
        check_retval(client, root)
        check_time_base(client, root)


# The task and object-cache events, with the values the workloads know: pingpong clones
# "ping" and "pong", which exit and are reclaimed by kthread_join; alloc churns 200-byte
# objects (208 with the cache's 16-byte alignment) through the "workload_alloc" cache.
PROCESS_EVENTS = ["sched:sched_process_fork", "sched:sched_process_exit",
                  "sched:sched_process_free", "kmem:kmem_cache_alloc", "kmem:kmem_cache_free"]
FORK = re.compile(r"sched_process_fork: comm=(\S+) pid=(\d+) child_comm=(\S+) child_pid=(\d+)$")
EXIT_OR_FREE = re.compile(r"(sched_process_exit|sched_process_free): comm=(\S+) pid=(\d+) "
                          r"prio=120$")
CACHE_ALLOC = re.compile(r"kmem_cache_alloc: call_site=\S*alloc\S* ptr=([0-9a-f]{16}) "
                         r"bytes_req=200 bytes_alloc=208 gfp_flags=none node=0 accounted=false$")
CACHE_FREE = re.compile(r"kmem_cache_free: call_site=\S+ ptr=([0-9a-f]{16}) name=workload_alloc$")


def test_process_events(kernel, guests):
    client, root, write = tracing_session(kernel, guests)

    write("set_event", "")
    for event in PROCESS_EVENTS:
        client.write_file(root, "tracing/set_event", event.encode(),
                          ninep.O_WRONLY | ninep.O_APPEND)
    write("trace", "")
    client.write_file(root, "workloads/run", b"pingpong 4")
    client.write_file(root, "workloads/run", b"alloc 3")
    write("tracing_on", "0")
    lines = client.read_file(root, "tracing/trace").splitlines()
    write("set_event", "")
    write("tracing_on", "1")

    forks = {m.group(3): (m, line) for line in lines for m in [FORK.search(line)] if m}
    expect({"ping", "pong"} <= forks.keys(), f"no fork of ping and pong: {sorted(forks)}")
    pids = {name: forks[name][0].group(4) for name in ("ping", "pong")}
    expect(pids["ping"] != pids["pong"], "ping and pong have the same pid")
    for name, (m, line) in forks.items():
        parent_pid = m.group(2)
        # The fork is recorded by the parent, as in Linux: the line's task is the parent.
        expect(f"-{parent_pid} " in line.split("sched_process_fork")[0],
               f"fork of {name} not recorded by its parent: {line}")
    ends = [(m.group(1), m.group(2), m.group(3)) for m in map(EXIT_OR_FREE.search, lines) if m]
    for name, pid in pids.items():
        expect(("sched_process_exit", name, pid) in ends, f"{name} ({pid}) has no exit event")
        expect(("sched_process_free", name, pid) in ends, f"{name} ({pid}) has no free event")
        exit_at = ends.index(("sched_process_exit", name, pid))
        expect(exit_at < ends.index(("sched_process_free", name, pid)),
               f"{name} was freed before it exited")

    allocs = [m.group(1) for m in map(CACHE_ALLOC.search, lines) if m]
    frees = [m.group(1) for m in map(CACHE_FREE.search, lines) if m]
    expect(len(allocs) > 0, "no kmem_cache_alloc from the alloc workload")
    expect(sorted(allocs) == sorted(frees),
           f"{len(allocs)} objects allocated, {len(frees)} freed, or the pointers differ")
    expect(not any("kmalloc" in l for l in lines), "kmalloc recorded though not enabled")


LOCK_CALL = re.compile(r"^ +\S+-\d+ +\[\d{3}\] \S+ +\d+\.\d+: (\w+) <-(\S+)$")
LOCK_FUNCTIONS = ("_raw_spin_lock", "_raw_spin_lock_irqsave", "_raw_spin_unlock",
                  "_raw_spin_unlock_irqrestore", "_raw_spin_trylock", "mutex_lock",
                  "mutex_trylock", "mutex_unlock", "console_lock", "console_unlock")


def test_lock_functions(kernel, guests):
    """The kernel's locks are functions of their own under Linux's names: listed, filtered
    by a glob, and traced where they are taken (ramfs's directory mutex: create, two
    lookups, rename and unlink per iteration)."""
    client, root, write = tracing_session(kernel, guests)

    available = client.read_file(root, "tracing/available_filter_functions").split()
    for name in LOCK_FUNCTIONS:
        expect(name in available, f"{name} is not a traceable function")
    write("set_ftrace_filter", "mutex_*")
    expect(sorted(client.read_file(root, "tracing/set_ftrace_filter").split())
           == ["mutex_lock", "mutex_trylock", "mutex_unlock"], "mutex_* matched other functions")
    write("current_tracer", "function")
    write("trace", "")
    client.write_file(root, "workloads/run", b"ramfs 25")
    write("tracing_on", "0")
    lines = client.read_file(root, "tracing/trace").splitlines()
    last = client.read_file(root, "workloads/last")
    expect("status: ok\n" in last and "iterations: 25\n" in last,
           f"the ramfs run did not finish before the trace was read: {last!r}")
    write("current_tracer", "nop")
    write("set_ftrace_filter", "")
    write("tracing_on", "1")

    calls = [m.groups() for m in map(LOCK_CALL.match, lines) if m]
    ramfs = [(name, parent) for name, parent in calls if parent.startswith("ramfs_")]
    locks = sum(1 for name, _ in ramfs if name == "mutex_lock")
    unlocks = sum(1 for name, _ in ramfs if name == "mutex_unlock")
    expect(locks == 5 * 25, f"{locks} mutex_lock calls from ramfs, want 125 (5 per iteration)")
    expect(unlocks == locks, f"{unlocks} mutex_unlock calls for {locks} mutex_lock")
    expect({name for name, _ in calls} <= {"mutex_lock", "mutex_trylock", "mutex_unlock"},
           f"the filter let other functions through: {sorted({n for n, _ in calls})}")


def test_stacktrace_trigger(kernel, guests):
    """A `stacktrace` event trigger records the chain that reached the event, from the kernel
    function that hit it outwards (the tracer's own frames left out), as many times as its
    count says."""
    client, root, write = tracing_session(kernel, guests)

    write("events/kmem/kmalloc/trigger", "stacktrace:3")
    expect(client.read_file(root, "tracing/events/kmem/kmalloc/trigger") == "stacktrace:count=3\n",
           "the trigger is not listed as Linux lists it")
    write("trace", "")
    client.write_file(root, "workloads/run", b"alloc 5")
    write("tracing_on", "0")
    text = client.read_file(root, "tracing/trace")
    write("events/kmem/kmalloc/trigger", "!stacktrace")
    write("tracing_on", "1")

    stacks = [block.split("\n") for block in text.split("<stack trace>\n")[1:]]
    expect(len(stacks) == 3, f"{len(stacks)} stack traces for a count of 3")
    for lines in stacks:
        frames = [line[4:] for line in lines if line.startswith(" => ")]
        expect(frames and frames[0] == "kmalloc", f"the chain does not start at kmalloc: {frames}")
        expect("workload_alloc" in frames, f"the workload is not in the chain: {frames}")
        expect(not any(name.startswith("tg::") for name in frames),
               f"the tracer's own frames are in the chain: {frames}")
    expect(client.read_file(root, "tracing/events/kmem/kmalloc/trigger").startswith("# Available"),
           "the trigger was not removed")


GRAPH_LEAF = re.compile(r"^ *(\d+)\) +(?:[!#*@$+]? *[\d.]+ us +)\| +(\w+)\(\);$")
# A call with something inside it (a callee, or an interrupt's arrows) opens a block.
GRAPH_OPEN = re.compile(r"^ *(\d+)\) +\| +(\w+)\(\) \{$")


GRAPH_CPU = re.compile(r"^ *(\d+)\) ")


def check_irq_arrows(text):
    """On each CPU the arrows alternate, ==========> then <==========, and every traced tick
    lies between a pair. The buffer is cleared and stopped one CPU at a time while the other
    CPU takes its ticks, as in Linux, so a CPU's first handler may have lost its entry arrow
    (cleared inside it) and its last one its exit arrow (stopped inside it)."""
    inside, pairs, ticks = {}, 0, 0
    for number, line in enumerate(text.splitlines()):
        cpu = GRAPH_CPU.match(line)
        if not cpu:
            continue
        state = inside.get(cpu.group(1))  # None: nothing seen on this CPU yet
        where = f"line {number}: {line!r} in\n{text[:3000]}"
        if "==========>" in line:
            expect(state is not True, f"two entry arrows without an exit between, {where}")
            inside[cpu.group(1)] = True
        elif "<==========" in line:
            expect(state is not False, f"an exit arrow without its entry, {where}")
            pairs += state is True
            inside[cpu.group(1)] = False
        elif re.search(r"\bon_timer_tick\(\)", line):
            expect(state is not False, f"a tick outside its interrupt's arrows, {where}")
            ticks += 1
    expect(pairs > 0 and ticks > 0, f"{pairs} pairs of arrows for {ticks} ticks")


def test_instance_graph(kernel, guests):
    """function_graph in an instance beside the top one (Linux 6.12's several fgraph
    users): each keeps to its own set_ftrace_filter and buffer, and records every call it
    wants with its duration."""
    client, root, write = tracing_session(kernel, guests)

    instances = client.walk(root, "tracing/instances")
    client.mkdir(instances, "graph")
    expect("function_graph" in client.read_file(root, "tracing/instances/graph/available_tracers"),
           "instances do not offer function_graph")
    write("set_ftrace_filter", "kmalloc")
    # The timer's handler too: the instance's graph marks the interrupts it traces.
    write("instances/graph/set_ftrace_filter", "mutex_*")
    client.write_file(root, "tracing/instances/graph/set_ftrace_filter", b"on_timer_tick",
                      ninep.O_WRONLY | ninep.O_APPEND)
    write("current_tracer", "function_graph")
    write("instances/graph/current_tracer", "function_graph")
    write("trace", "")
    write("instances/graph/trace", "")
    client.write_file(root, "workloads/run", b"ramfs 20")
    client.write_file(root, "workloads/run", b"alloc 20")
    write("tracing_on", "0")
    write("instances/graph/tracing_on", "0")
    top = client.read_file(root, "tracing/trace")
    mine = client.read_file(root, "tracing/instances/graph/trace")
    write("instances/graph/current_tracer", "nop")
    write("current_tracer", "nop")
    write("set_ftrace_filter", "")
    write("tracing_on", "1")

    def calls(text):
        return [m.group(2) for line in text.splitlines()
                for m in [GRAPH_LEAF.match(line) or GRAPH_OPEN.match(line)] if m]

    top_calls, my_calls = calls(top), calls(mine)
    expect(mine.startswith("# tracer: function_graph\n"), f"instance header: {mine[:200]!r}")
    expect({"mutex_lock", "mutex_unlock", "on_timer_tick"} <= set(my_calls) <=
           {"mutex_lock", "mutex_trylock", "mutex_unlock", "on_timer_tick"},
           f"the instance's graph: {sorted(set(my_calls))} {mine[:1500]}")
    # Each traced tick between its interrupt arrows, in the instance only (Linux 6.12 draws
    # them for every fgraph user whose filter traces the handler).
    check_irq_arrows(mine)
    expect("==========>" not in top, "the top graph marks interrupts its filter leaves out")
    # ramfs takes its directory mutex 5 times an iteration.
    expect(my_calls.count("mutex_lock") >= 5 * 20 and
           my_calls.count("mutex_unlock") == my_calls.count("mutex_lock"),
           f"{my_calls.count('mutex_lock')} mutex_lock, {my_calls.count('mutex_unlock')} unlock")
    expect(set(top_calls) == {"kmalloc"} and len(top_calls) >= 20,
           f"the top graph: {sorted(set(top_calls))} {top[:1500]}")
    client.unlinkat(instances, "graph", ninep.AT_REMOVEDIR)
    client.clunk(instances)


GRAPH_DURATION = re.compile(r"(\d+\.\d+) us +\|")


def test_instance_sleep_time(kernel, guests):
    """sleep-time is one option for every instance, as Linux's fgraph_sleep_time: cleared in
    an instance, it reads cleared at the top too, and the instance's function_graph then
    leaves out the time a task spent switched out: schedule() no longer lasts as long as the
    9P server's wait between two requests."""
    client, root, write = tracing_session(kernel, guests)
    instances = client.walk(root, "tracing/instances")
    client.mkdir(instances, "sleepy")

    def longest_schedule():
        write("instances/sleepy/trace", "")
        write("instances/sleepy/tracing_on", "1")
        for _ in range(3):
            time.sleep(0.1)  # the guest's 9P tasks wait in schedule() meanwhile
            client.read_file(root, "tracing/instances/sleepy/tracing_on")
        write("instances/sleepy/tracing_on", "0")
        text = client.read_file(root, "tracing/instances/sleepy/trace")
        durations = [float(d) for d in GRAPH_DURATION.findall(text)]
        expect(durations, f"no schedule() returns traced: {text[:1500]}")
        return max(durations)

    write("instances/sleepy/set_ftrace_filter", "schedule")
    write("instances/sleepy/current_tracer", "function_graph")
    with_sleep = longest_schedule()
    write("instances/sleepy/options/sleep-time", "0")
    top_option = client.read_file(root, "tracing/options/sleep-time")
    without_sleep = longest_schedule()
    write("instances/sleepy/current_tracer", "nop")
    write("options/sleep-time", "1")
    client.unlinkat(instances, "sleepy", ninep.AT_REMOVEDIR)
    client.clunk(instances)

    expect(top_option == "0\n", f"the top's sleep-time after the instance's write: {top_option!r}")
    expect(with_sleep >= 50000, f"sleep-time: the longest schedule() took {with_sleep} us")
    expect(without_sleep < 20000, f"nosleep-time: the longest schedule() took {without_sleep} us")


RCU_CALL = re.compile(r"^ +\S+-\d+ +\[(\d{3})\] \S+ +(\d+\.\d+): (\w+) <-(\S+)$")
RCU_FUNCTIONS = {"rcu_exp_handler", "rcu_init", "rcu_note_context_switch", "rcu_sched_clock_irq",
                 "synchronize_rcu"}


def test_rcu_functions(kernel, guests):
    """The kernel's RCU under Linux's names: every CPU counts a quiescent state at each tick
    and task switch, and a control write that frees what recorders may still see waits for a
    grace period, which asks the other CPU for one through an IPI."""
    client, root, write = tracing_session(kernel, guests)

    write("set_ftrace_filter", "*rcu*")
    listed = set(client.read_file(root, "tracing/set_ftrace_filter").split())
    expect(listed == RCU_FUNCTIONS, f"*rcu* matched {sorted(listed)}")
    write("current_tracer", "function")
    # Replacing a pid list frees the old one after a grace period.
    write("set_event_pid", "1")
    write("set_event_pid", "2")
    write("tracing_on", "0")
    lines = client.read_file(root, "tracing/trace").splitlines()
    write("current_tracer", "nop")
    write("set_ftrace_filter", "")
    write("set_event_pid", "")
    write("tracing_on", "1")

    calls = [m.groups() for m in map(RCU_CALL.match, lines) if m]
    ticks = {cpu for cpu, _, name, parent in calls
             if name == "rcu_sched_clock_irq" and parent == "on_timer_tick"}
    expect(ticks == {"000", "001"}, f"ticks counted on CPUs {sorted(ticks)}: {lines[:20]}")
    switches = [c for c in calls if c[2] == "rcu_note_context_switch" and c[3] == "__schedule"]
    expect(switches, "no task switch counted")
    waits = [(cpu, float(ts)) for cpu, ts, name, _ in calls if name == "synchronize_rcu"]
    expect(waits, f"no grace period for the replaced pid list: {lines[-20:]}")
    # Each grace period's IPI reaches the other CPU after the wait began.
    for cpu, ts in waits:
        answered = [c for c in calls if c[2] == "rcu_exp_handler" and c[0] != cpu
                    and float(c[1]) >= ts]
        expect(answered, f"the grace period on CPU {cpu} at {ts} sent no IPI that was taken")


SITE_PEEK = re.compile(r"peek: \(workload_alloc\+0x5/0x[0-9a-f]+\) site=(0x[0-9a-f]+)")
KMALLOC_SITE = re.compile(r"kmalloc: call_site=(\S+) ")


def test_site_stubs(kernel, guests):
    """While a tracer hooks returns, kmalloc's fentry site jumps to its stub (0xe9) rather
    than calling ftrace_caller (0xe8, the function tracer) or holding its NOP (0x0f), as a
    kprobe reading the site's first byte shows; the graph still times kmalloc, and its event's
    call_site is the real caller, not the stub the return slot holds."""
    client, root, write = tracing_session(kernel, guests)

    write("kprobe_events", "p:peek workload_alloc+5 site=@kmalloc:x8")
    write("events/kprobes/peek/enable", "1")
    write("events/kmem/kmalloc/enable", "1")
    write("set_ftrace_filter", "kmalloc")
    seen = {}
    for tracer in ("function_graph", "function", "nop"):
        write("current_tracer", tracer)
        write("trace", "")
        client.write_file(root, "workloads/run", b"alloc 4")
        seen[tracer] = client.read_file(root, "tracing/trace")
    write("current_tracer", "nop")
    write("set_ftrace_filter", "")
    write("events/kmem/kmalloc/enable", "0")
    write("events/kprobes/peek/enable", "0")
    write("kprobe_events", "")

    opcodes = {tracer: set(SITE_PEEK.findall(text)) for tracer, text in seen.items()}
    expect(opcodes == {"function_graph": {"0xe9"}, "function": {"0xe8"}, "nop": {"0xf"}},
           f"kmalloc's site under each tracer: {opcodes}")
    graph = seen["function_graph"]
    entries = re.findall(r"\| +kmalloc\(\) \{$", graph, re.M)
    returns = re.findall(r"\d+\.\d+ us +\| +\}$", graph, re.M)
    expect(len(entries) >= 4 and len(returns) == len(entries),
           f"function_graph: {len(entries)} kmalloc entries, {len(returns)} timed returns: "
           f"{graph[-1500:]}")
    sites = set(KMALLOC_SITE.findall(graph))
    callers = {site.split("+")[0] for site in sites}
    expect("workload_alloc" in callers and callers <= {"workload_alloc", "kmem_cache_create"},
           f"kmalloc's call_site under function_graph: {sorted(sites)}")


if __name__ == "__main__":
    if sys.argv[2] == "--process-events":
        run(test_process_events, sys.argv[1])
    elif sys.argv[2] == "--lock-functions":
        run(test_lock_functions, sys.argv[1])
    elif sys.argv[2] == "--instance-sleep-time":
        run(test_instance_sleep_time, sys.argv[1])
    elif sys.argv[2] == "--site-stubs":
        run(test_site_stubs, sys.argv[1])
    elif sys.argv[2] == "--rcu-functions":
        run(test_rcu_functions, sys.argv[1])
    elif sys.argv[2] == "--stacktrace-trigger":
        run(test_stacktrace_trigger, sys.argv[1])
    elif sys.argv[2] == "--instance-graph":
        run(test_instance_graph, sys.argv[1])
    else:
        run(test, sys.argv[1], sys.argv[2], "--update" in sys.argv[3:])
