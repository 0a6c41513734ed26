"""per_cpu/cpuN/trace_pipe_raw on traces the kernel really produced.

    test_raw.py KERNEL decode|lost

decode: with the function tracer over `alloc 100`, each CPU's raw pages decode (as
libtraceevent reads Linux's pages) to the same events as the `trace` text: the same count per
CPU, in the same order, with the same function names and timestamps to the microsecond.
lost: a small buffer overrun by `alloc 300`; trace_pipe's `CPU:N [LOST M EVENTS]` marks add
up, per CPU, to the overrun per_cpu/cpuN/stats reported before reading.
"""

import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import ninep  # noqa: E402
import raw_pages  # noqa: E402
from guestlib import expect, run  # noqa: E402
from test_ninep import session  # noqa: E402
from guestlib import Guest  # noqa: E402

PAGE = 4096
MISSED_STORED = 1 << 30
FUNCTION_ID = 1
LINE = re.compile(r"^\s*(\S.*)-(\d+)\s+\[(\d+)\] \S+\s+(\d+)\.(\d+): (\S+) <-(\S+)$")


def decode_pages(data):
    """[(timestamp_ns, type, payload)] of Linux raw pages."""
    return raw_pages.decode_pages(data, PAGE)


def read_raw(client, root, cpu):
    fid = client.open_path(root, f"tracing/per_cpu/cpu{cpu}/trace_pipe_raw",
                           ninep.O_RDONLY | ninep.O_NONBLOCK)
    data = b""
    try:
        while True:
            try:
                chunk = client.read(fid, len(data), 1 << 16)
            except ninep.NinePError:
                break  # EAGAIN: caught up
            if not chunk:
                break
            data += chunk
    finally:
        client.clunk(fid)
    return data


def write(client, root, path, text):
    client.write_file(root, "tracing/" + path, text.encode())


def test_decode(kernel, guests):
    guest = Guest(kernel, smp=2, timeout=120)
    guests.append(guest)
    client, root = session(guest)
    names = {}
    for line in client.read_file(root, "tracing/available_filter_functions_addrs").splitlines():
        address, name = line.split(" ", 1)
        names[int(address, 16)] = name
    write(client, root, "current_tracer", "function")
    client.write_file(root, "workloads/run", b"alloc 100")
    write(client, root, "tracing_on", "0")
    text_events = {}
    for line in client.read_file(root, "tracing/trace").splitlines():
        match = LINE.match(line)
        if match:
            cpu = int(match.group(3))
            stamp = int(match.group(4)) * 1000000 + int(match.group(5))
            text_events.setdefault(cpu, []).append((stamp, match.group(6)))
    expect(sum(len(e) for e in text_events.values()) > 1000, "the function tracer caught little")
    for cpu in (0, 1):
        raw = [(t // 1000, names.get(struct.unpack_from("<Q", p, 8)[0], "?"))
               for t, kind, p in decode_pages(read_raw(client, root, cpu)) if kind == FUNCTION_ID]
        text = text_events.get(cpu, [])
        expect(len(raw) == len(text), f"cpu{cpu}: {len(raw)} raw events, {len(text)} in trace")
        for i, (got, want) in enumerate(zip(raw, text)):
            expect(got == want, f"cpu{cpu} event {i}: raw {got}, trace {want}")
        print(f"cpu{cpu}: {len(raw)} function events match")


def overrun_of(client, root, cpu):
    stats = client.read_file(root, f"tracing/per_cpu/cpu{cpu}/stats")
    return int(re.search(r"^overrun: (\d+)$", stats, re.M).group(1))


def test_lost(kernel, guests):
    guest = Guest(kernel, smp=2, timeout=120)
    guests.append(guest)
    client, root = session(guest)
    write(client, root, "buffer_size_kb", "8")
    write(client, root, "current_tracer", "function")
    client.write_file(root, "workloads/run", b"pingpong 300")
    write(client, root, "tracing_on", "0")
    overrun = {cpu: overrun_of(client, root, cpu) for cpu in (0, 1)}
    expect(sum(overrun.values()) > 0, f"no overrun: {overrun}")
    fid = client.open_path(root, "tracing/trace_pipe", ninep.O_RDONLY | ninep.O_NONBLOCK)
    text = b""
    try:
        while True:
            try:
                chunk = client.read(fid, len(text), 1 << 16)
            except ninep.NinePError:
                break
            if not chunk:
                break
            text += chunk
    finally:
        client.clunk(fid)
    lost = {0: 0, 1: 0}
    for cpu, count in re.findall(rb"^CPU:(\d+) \[LOST (\d+) EVENTS\]$", text, re.M):
        lost[int(cpu)] += int(count)
    print(f"overrun per CPU {overrun}, LOST marks per CPU {lost}")
    expect(lost == overrun, f"LOST marks add up to {lost}, stats said {overrun}")


if __name__ == "__main__":
    mode = sys.argv[2]
    run({"decode": test_decode, "lost": test_lost}[mode], sys.argv[1])
