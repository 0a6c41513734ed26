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


if __name__ == "__main__":
    run(test, sys.argv[1], sys.argv[2], "--update" in sys.argv[3:])
