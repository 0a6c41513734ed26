"""A synthetic event fed by hist triggers in a booted guest: the wakeup-latency histogram.

    test_synthetic.py KERNEL    wakeup_latency (u64 lat; pid_t pid; char comm[16]) is defined,
                                sched_waking keeps a timestamp per woken pid, sched_switch
                                reads it for the pid it switches to and generates the event
                                (onmatch().trace()); while `pingpong N` runs, the synthetic
                                event's hist has rows for the ping and pong tasks, as many hits
                                as sched_switch's hist counted and as the trace has lines, each
                                line in Linux's text; what is in use cannot be removed, and
                                everything goes in Linux's order
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import ninep  # noqa: E402
from guestlib import Guest, expect, run  # noqa: E402
from test_ninep import expect_last, session  # noqa: E402

PINGPONG_RUNS = 200
SYNTH = "wakeup_latency u64 lat; pid_t pid; char comm[16]"
WAKING = "hist:keys=pid:ts0=common_timestamp.usecs"
SWITCH = ("hist:keys=next_pid:wakeup_lat=common_timestamp.usecs-$ts0:"
          "onmatch(sched.sched_waking).trace(wakeup_latency,$wakeup_lat,next_pid,next_comm)")
LATENCY = "hist:keys=comm,pid:vals=lat:sort=pid"
LINE = re.compile(r" wakeup_latency: lat=(\d+) pid=(\d+) comm=(\S+)$")
ROW = re.compile(r"^\{ comm: (\S+)\s*, pid:\s+(\d+) \} hitcount:\s+(\d+)\s+lat:\s+(\d+)$")


def write(client, root, path, text, append=True):
    flags = ninep.O_WRONLY | (ninep.O_APPEND if append else ninep.O_TRUNC)
    client.write_file(root, "tracing/" + path, text.encode(), flags)


def refused(client, root, path, text, errno_value):
    try:
        write(client, root, path, text)
    except ninep.NinePError as error:
        return error.errno == errno_value
    return False


def totals(text):
    return {key: int(value) for key, value in re.findall(r"^    (\w+): (\d+)$", text, re.M)}


def test_synthetic(kernel, guests):
    guest = Guest(kernel, timeout=300)
    guests.append(guest)
    client, root = session(guest)
    write(client, root, "synthetic_events", SYNTH, append=False)
    expect(client.read_file(root, "tracing/synthetic_events") ==
           "wakeup_latency\tu64 lat; pid_t pid; char[16] comm\n", "synthetic_events listing")
    fmt = client.read_file(root, "tracing/events/synthetic/wakeup_latency/format")
    expect("\tfield:char comm[16];\toffset:24;\tsize:16;\tsigned:1;\n" in fmt, f"format:\n{fmt}")
    # The event is enabled and its hist set before anything generates it, so that the trace
    # and the hists see the same events.
    write(client, root, "events/synthetic/wakeup_latency/trigger", LATENCY)
    write(client, root, "buffer_size_kb", "4096", append=False)
    write(client, root, "trace", "", append=False)
    write(client, root, "events/synthetic/wakeup_latency/enable", "1", append=False)
    write(client, root, "events/sched/sched_waking/trigger", WAKING)
    write(client, root, "events/sched/sched_switch/trigger", SWITCH)

    written = client.write_file(root, "workloads/run", f"pingpong {PINGPONG_RUNS}\n")
    expect(written == len(f"pingpong {PINGPONG_RUNS}\n"), f"run write returned {written}")
    expect_last(client, root, "pingpong", PINGPONG_RUNS)
    # Nothing more is generated, counted or traced while the files are read.
    write(client, root, "events/sched/sched_switch/trigger", SWITCH + ":pause")
    write(client, root, "events/synthetic/wakeup_latency/trigger", LATENCY + ":pause")
    write(client, root, "events/synthetic/wakeup_latency/enable", "0", append=False)

    switch = client.read_file(root, "tracing/events/sched/sched_switch/hist")
    latency = client.read_file(root, "tracing/events/synthetic/wakeup_latency/hist")
    rows = [ROW.match(line) for line in latency.splitlines() if line.startswith("{")]
    expect(rows and all(rows), f"synthetic hist rows:\n{latency}")
    comms = {row.group(1) for row in rows}
    expect({"ping", "pong"} <= comms, f"no ping and pong rows:\n{latency}")
    pingpong = sum(int(row.group(3)) for row in rows if row.group(1) in ("ping", "pong"))
    expect(pingpong >= PINGPONG_RUNS, f"{pingpong} ping/pong wakeups, the workload made "
           f"{PINGPONG_RUNS} round trips:\n{latency}")
    # Every switch the reading hist counted generated one event, and the event was traced.
    hits = totals(latency).get("Hits")
    expect(hits == totals(switch).get("Hits"), f"synthetic hits {hits}, switch hist:\n{switch}")
    trace = client.read_file(root, "tracing/trace")
    lines = [LINE.search(line) for line in trace.splitlines() if "wakeup_latency:" in line]
    expect(all(lines) and len(lines) == hits, f"{len(lines)} trace lines for {hits} hits")
    for row in rows:
        mine = [m for m in lines if m.group(2) == row.group(2)]
        expect(len(mine) == int(row.group(3)) and
               sum(int(m.group(1)) for m in mine) == int(row.group(4)) and
               all(m.group(3) == row.group(1) for m in mine),
               f"row {row.group(0)!r} disagrees with the trace")

    # In use: generated by an action, its variable read by another hist.
    expect(refused(client, root, "synthetic_events", "!wakeup_latency", 16), "removed in use")
    expect(refused(client, root, "events/sched/sched_waking/trigger", "!" + WAKING, 16),
           "removed the hist whose variable is read")
    write(client, root, "events/synthetic/wakeup_latency/trigger", "!" + LATENCY)
    write(client, root, "events/sched/sched_switch/trigger", "!" + SWITCH)
    write(client, root, "events/sched/sched_waking/trigger", "!" + WAKING)
    write(client, root, "synthetic_events", "!wakeup_latency")
    expect(client.read_file(root, "tracing/synthetic_events") == "", "synthetic_events after")
    expect(guest.process.poll() is None, "the guest exited")
    client.close()


if __name__ == "__main__":
    run(test_synthetic, sys.argv[1])
