"""The function profiler (function_profile_enabled, trace_stat/functionN) in a booted guest.

    test_profiler.py KERNEL counts      hits that the alloc workload determines (16 cache
                                        allocations and frees per iteration), Linux's text
                                        and order, freezing on disable, reset on enable, and
                                        the EINVAL cases; with tracer nop, function_graph
                                        (whose text and set_graph_function rooting the
                                        profiler must not change) and function with a
                                        set_ftrace_filter (which limits the trace and, as
                                        in Linux, the profile)
    test_profiler.py KERNEL graph-time  one CPU: with graph-time a caller's time holds its
                                        callees', without it it does not
"""

import errno
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import ninep  # noqa: E402
from guestlib import Guest, TestFailure, expect, run  # noqa: E402
from test_ninep import expect_errno, expect_last, session  # noqa: E402

HEADER = ("  Function                               Hit    Time            Avg             s^2\n"
          "  --------                               ---    ----            ---             ---\n")
LINE = re.compile(r"^  (.{30})  ([ \d]{10})    (\d+(?:\.\d+)?) us +(\d+(?:\.\d+)?) us +"
                  r"(\d+(?:\.\d+)?) us +$")
BATCH = 16  # objects per alloc iteration (AllocWorkload.cpp)


def write(client, root, path, text):
    client.write_file(root, "tracing/" + path, text.encode())


def read(client, root, path):
    return client.read_file(root, "tracing/" + path)


def alloc(client, root, count):
    client.write_file(root, "workloads/run", f"alloc {count}\n".encode())
    expect_last(client, root, "alloc", count)


def ns(text):
    """A time column back in ns ("12.345" us)."""
    whole, _, decimals = text.partition(".")
    return int(whole) * 1000 + int((decimals + "000")[:3])


def parse_stat(text):
    """[(name, hits, time_ns)] of one trace_stat file, in its order; checks the layout."""
    expect(text.startswith(HEADER), f"trace_stat header: {text[:200]!r}")
    rows = []
    for line in text[len(HEADER):].splitlines():
        match = LINE.match(line)
        expect(match, f"trace_stat line not in Linux's layout: {line!r}")
        rows.append((match.group(1).rstrip(), int(match.group(2)), ns(match.group(3))))
    times = [time for _, _, time in rows]
    expect(times == sorted(times, reverse=True), "trace_stat is not sorted by time")
    return rows


def profile(client, root, cpus):
    """{name: (hits, time_ns)} summed over every CPU's file."""
    total = {}
    for cpu in range(cpus):
        for name, hits, time in parse_stat(read(client, root, f"trace_stat/function{cpu}")):
            old = total.get(name, (0, 0))
            total[name] = (old[0] + hits, old[1] + time)
    return total


def raw_stats(client, root, cpus):
    return [read(client, root, f"trace_stat/function{cpu}") for cpu in range(cpus)]


def check_files(client, root, cpus):
    expect(read(client, root, "function_profile_enabled") == "0\n", "not 0 at boot")
    names = sorted(client.list_dir(root, "tracing/trace_stat"))
    expect(names == [f"function{cpu}" for cpu in range(cpus)], f"trace_stat holds {names}")
    for cpu in range(cpus):
        expect(read(client, root, f"trace_stat/function{cpu}") == HEADER,
               "never enabled, yet function{cpu} has lines")
    for bad in ("abc", "-1", "0x1", ""):
        expect_errno(errno.EINVAL, lambda: write(client, root, "function_profile_enabled", bad),
                     f"writing {bad!r} to function_profile_enabled")
    expect(read(client, root, "function_profile_enabled") == "0\n", "a bad write turned it on")


def check_counts_freeze_and_reset(client, root, cpus):
    write(client, root, "function_profile_enabled", "2")
    expect(read(client, root, "function_profile_enabled") == "1\n", "2 does not read back 1")
    alloc(client, root, 1000)
    write(client, root, "function_profile_enabled", "0")
    counts = profile(client, root, cpus)
    for name in ("kmem_cache_alloc", "kmem_cache_free"):
        expect(counts.get(name, (0, 0))[0] == 1000 * BATCH,
               f"{name}: {counts.get(name)} hits, the workload made {1000 * BATCH}")
    for name in ("kmalloc", "kfree"):
        expect(counts.get(name, (0, 0))[0] >= 1000, f"{name}: {counts.get(name)} hits")
    expect(counts["kmem_cache_alloc"][1] > 0, "kmem_cache_alloc has no time")

    frozen = raw_stats(client, root, cpus)
    alloc(client, root, 10)
    expect(raw_stats(client, root, cpus) == frozen, "the numbers moved while disabled")

    write(client, root, "function_profile_enabled", "1")
    counts = profile(client, root, cpus)
    expect("kmem_cache_alloc" not in counts, "enabling did not start from zero")
    write(client, root, "function_profile_enabled", "0")


def graph_lines(client, root):
    return [line for line in read(client, root, "trace").splitlines()
            if line and not line.startswith("#")]


def graph_shape(client, root):
    """Each function_graph line from its `|` on: the nesting and the names, no times."""
    return [line.split("|", 1)[1] for line in graph_lines(client, root) if "|" in line]


def nesting(shape):
    """The distinct lines of the allocation path: their indentation is their depth."""
    return sorted({line for line in shape if "kmem_cache_alloc" in line or "allocate" in line})


def check_with_function_graph(client, root, cpus):
    write(client, root, "buffer_size_kb", "2048")
    write(client, root, "set_graph_function", "kmem_cache_alloc")
    write(client, root, "current_tracer", "function_graph")
    write(client, root, "trace", "")
    alloc(client, root, 5)
    alone = graph_shape(client, root)
    expect(alone and alone[0].strip() == "kmem_cache_alloc() {", f"graph without profiler: "
           f"{alone[:3]}")

    write(client, root, "function_profile_enabled", "1")
    write(client, root, "trace", "")
    alloc(client, root, 5)
    write(client, root, "function_profile_enabled", "0")
    # The profiler's own frames must shift neither the nesting nor set_graph_function's
    # rooting; its counts are whole although the graph is limited to one function.
    shape = graph_shape(client, root)
    expect(nesting(shape) == nesting(alone),
           f"nesting differs with the profiler: {nesting(shape)} vs {nesting(alone)}")
    expect(shape.count(alone[0]) == 5 * BATCH, f"{shape.count(alone[0])} graphs of 5 * 16")
    counts = profile(client, root, cpus)
    expect(counts.get("kmem_cache_free", (0, 0))[0] == 5 * BATCH,
           f"kmem_cache_free under function_graph: {counts.get('kmem_cache_free')}")
    write(client, root, "current_tracer", "nop")
    write(client, root, "set_graph_function", "")


def check_with_function_filter(client, root, cpus):
    write(client, root, "current_tracer", "function")
    write(client, root, "set_ftrace_filter", "kmem_cache_free")
    write(client, root, "function_profile_enabled", "1")
    write(client, root, "trace", "")
    alloc(client, root, 20)
    write(client, root, "function_profile_enabled", "0")
    alloc(client, root, 1)
    write(client, root, "tracing_on", "0")
    functions = [line.split(": ", 1)[1].split(" <-")[0] for line in graph_lines(client, root)]
    expect(functions and set(functions) == {"kmem_cache_free"},
           f"set_ftrace_filter no longer limits the function tracer: {sorted(set(functions))[:5]}")
    expect(len(functions) == 21 * BATCH, f"{len(functions)} kmem_cache_free lines, 21 * 16 made")
    counts = profile(client, root, cpus)
    # As Linux's, the profiler takes the top directory's filter: only the filtered function.
    expect(counts.get("kmem_cache_free", (0, 0))[0] == 20 * BATCH,
           f"kmem_cache_free under the filter: {counts.get('kmem_cache_free')}")
    expect(set(counts) == {"kmem_cache_free"},
           f"the profiler counted functions the filter leaves out: {sorted(counts)[:5]}")
    write(client, root, "tracing_on", "1")
    write(client, root, "current_tracer", "nop")
    write(client, root, "set_ftrace_filter", "")


def test_counts(kernel, guests):
    guest = Guest(kernel, smp=2, timeout=400)
    guests.append(guest)
    client, root = session(guest)
    check_files(client, root, 2)
    check_counts_freeze_and_reset(client, root, 2)
    check_with_function_graph(client, root, 2)
    check_with_function_filter(client, root, 2)
    expect(guest.process.poll() is None, "the guest exited")
    client.close()


def test_graph_time(kernel, guests):
    # One CPU: every call is timed on one clock and no return is lost to a task that moved.
    # workload_alloc makes every kmem_cache_alloc and kmem_cache_free call of the guest.
    guest = Guest(kernel, smp=1, timeout=300)
    guests.append(guest)
    client, root = session(guest)
    caller, callees = "workload_alloc", ("kmem_cache_alloc", "kmem_cache_free")
    write(client, root, "function_profile_enabled", "1")
    alloc(client, root, 200)
    write(client, root, "function_profile_enabled", "0")
    counts = profile(client, root, 1)
    inside = sum(counts[name][1] for name in callees)
    # graph-time: the caller's one call encloses all of its callees' calls.
    expect(counts[caller][1] >= inside,
           f"graph-time: {caller} {counts[caller]} holds less than its callees' {inside} ns")

    write(client, root, "options/graph-time", "0")
    write(client, root, "function_profile_enabled", "1")
    alloc(client, root, 200)
    write(client, root, "function_profile_enabled", "0")
    write(client, root, "options/graph-time", "1")
    counts = profile(client, root, 1)
    expect(all(counts[name][0] == 200 * BATCH for name in callees), f"hits: {counts}")
    inside = sum(counts[name][1] for name in callees)
    # nograph-time: the caller keeps only its own loop, the 6400 calls' time is theirs alone;
    # were their time still counted in the caller, it would again hold more than theirs.
    expect(counts[caller][1] < inside,
           f"nograph-time: {caller} {counts[caller]} still holds its callees' {inside} ns")
    client.close()


if __name__ == "__main__":
    mode = sys.argv[2] if len(sys.argv) > 2 else "counts"
    if mode == "graph-time":
        run(test_graph_time, sys.argv[1])
    else:
        run(test_counts, sys.argv[1])
