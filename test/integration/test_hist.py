"""hist triggers in a booted guest, checked against what the workloads and writes do.

    test_hist.py KERNEL    a hist on kmem/kmalloc keyed by call_site.sym with vals=bytes_req
                           while `alloc N` runs: the workload's call site has N hits and the
                           byte total of its (i % 64 + 1) * 24 requests; a hist on ftrace/print
                           counts ten trace_marker writes, in an instance too; then hist
                           triggers are added, cleared, paused and removed while workloads
                           run on both CPUs, every checksum right
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import ninep  # noqa: E402
from guestlib import Guest, TestFailure, expect, run  # noqa: E402
from test_churn import Churn  # noqa: E402
from test_ninep import expect_last, session  # noqa: E402

ALLOC_RUNS = 1000
ROW = re.compile(r"^\{ call_site: \[([0-9a-f]+)\] (\S+)\s*\} hitcount:\s+(\d+)\s+bytes_req:\s+(\d+)$")


def write(client, root, path, text, append=False):
    flags = ninep.O_WRONLY | (ninep.O_APPEND if append else ninep.O_TRUNC)
    client.write_file(root, "tracing/" + path, text.encode(), flags)


def totals(text):
    return {key: int(value) for key, value in re.findall(r"^    (\w+): (\d+)$", text, re.M)}


def check_kmalloc(client, root):
    trigger = "events/kmem/kmalloc/trigger"
    write(client, root, trigger, "hist:keys=call_site.sym:vals=bytes_req", append=True)
    listing = client.read_file(root, "tracing/" + trigger)
    expect(listing == "hist:keys=call_site.sym:vals=hitcount,bytes_req:sort=hitcount:"
           "size=2048 [active]\n", f"trigger lists {listing!r}")
    written = client.write_file(root, "workloads/run", f"alloc {ALLOC_RUNS}\n")
    expect(written == len(f"alloc {ALLOC_RUNS}\n"), f"run write returned {written}")
    expect_last(client, root, "alloc", ALLOC_RUNS)
    write(client, root, trigger, "hist:keys=call_site.sym:vals=bytes_req:pause", append=True)
    hist = client.read_file(root, "tracing/events/kmem/kmalloc/hist")
    expect(hist.startswith("# event histogram\n#\n# trigger info: hist:keys=call_site.sym:"
                           "vals=hitcount,bytes_req:sort=hitcount:size=2048 [paused]\n#\n\n"),
           f"hist header:\n{hist[:400]}")
    rows = [ROW.match(line) for line in hist.splitlines() if line.startswith("{")]
    expect(all(rows), f"a row is not Linux's format:\n{hist}")
    wanted_bytes = sum((i % 64 + 1) * 24 for i in range(ALLOC_RUNS))
    workload = [r for r in rows if re.search(r"kmalloc_block|workload_alloc", r.group(2))]
    expect(len(workload) == 1, f"one row for the workload's call site:\n{hist}")
    hits, requested = int(workload[0].group(3)), int(workload[0].group(4))
    expect(hits == ALLOC_RUNS, f"workload call site: {hits} hits, the workload made {ALLOC_RUNS}")
    expect(requested == wanted_bytes,
           f"workload call site: bytes_req {requested}, the workload asked for {wanted_bytes}")
    counts = totals(hist)
    expect(counts.get("Hits") == sum(int(r.group(3)) for r in rows),
           f"Hits is not the sum of the rows: {counts}")
    expect(counts.get("Entries") == len(rows) and counts.get("Dropped") == 0, f"totals {counts}")
    # Sorted by hitcount, ascending.
    hitcounts = [int(r.group(3)) for r in rows]
    expect(hitcounts == sorted(hitcounts), f"rows not sorted by hitcount: {hitcounts}")
    write(client, root, trigger, "!hist:keys=call_site.sym:vals=bytes_req", append=True)
    expect(client.read_file(root, "tracing/events/kmem/kmalloc/hist") == "", "hist after removal")


def check_stacktrace_key(client, root):
    """keys=common_stacktrace: the workload's kmallocs group under the chain that made them,
    from kmalloc outwards (the tracer's own frames left out), their hits and bytes exact."""
    trigger = "events/kmem/kmalloc/trigger"
    write(client, root, trigger, "hist:keys=common_stacktrace:vals=bytes_req", append=True)
    client.write_file(root, "workloads/run", f"alloc {ALLOC_RUNS}\n")
    expect_last(client, root, "alloc", ALLOC_RUNS)
    write(client, root, trigger, "hist:keys=common_stacktrace:vals=bytes_req:pause", append=True)
    hist = client.read_file(root, "tracing/events/kmem/kmalloc/hist")
    write(client, root, trigger, "!hist:keys=common_stacktrace:vals=bytes_req", append=True)
    entries = re.findall(r"^\{ common_stacktrace:\n((?: {9}\S+\n)*)\} hitcount: +(\d+)  bytes_req: +(\d+)$",
                         hist, re.M)
    expect(entries and len(entries) == totals(hist).get("Entries"), f"entries:\n{hist[:3000]}")
    chains = [(frames.split(), int(hits), int(requested)) for frames, hits, requested in entries]
    expect(all(frames and frames[0].startswith("kmalloc+") for frames, _, _ in chains),
           f"a chain does not start at kmalloc: {[f for f, _, _ in chains]}")
    # The workload's own kmalloc calls (its cache's creation allocates through another chain).
    mine = [c for c in chains if len(c[0]) > 1 and c[0][1].startswith("workload_alloc+")]
    expect(len(mine) == 1, f"one chain from workload_alloc into kmalloc: {chains}")
    wanted_bytes = sum((i % 64 + 1) * 24 for i in range(ALLOC_RUNS))
    expect(sum(h for _, h, _ in mine) == ALLOC_RUNS and sum(b for _, _, b in mine) == wanted_bytes,
           f"the workload's chains: {mine}")


def check_marker(client, root, directory=""):
    trigger = directory + "events/ftrace/print/trigger"
    write(client, root, trigger, "hist:keys=common_pid", append=True)
    for _ in range(10):
        write(client, root, directory + "trace_marker", "hello\n")
    hist = client.read_file(root, "tracing/" + directory + "events/ftrace/print/hist")
    expect(re.search(r"^\{ common_pid: +\d+ \} hitcount: +10$", hist, re.M),
           f"{directory}: ten markers in one row:\n{hist}")
    expect(totals(hist) == {"Hits": 10, "Entries": 1, "Dropped": 0}, f"totals:\n{hist}")


def check_marker_instance(client, root):
    client.mkdir(client.walk(root, "tracing/instances"), "hist")
    check_marker(client, root, "instances/hist/")
    top = client.read_file(root, "tracing/events/ftrace/print/hist")
    expect(totals(top).get("Hits") == 10, f"the top hist counted the instance's markers:\n{top}")


CHURN_STEPS = 600
CHURN_TRIGGERS = [
    ("events/kmem/kmalloc/", "hist:keys=call_site.sym:vals=bytes_req,bytes_alloc"),
    ("events/kmem/kfree/", "hist:keys=ptr.hex:size=128"),
    ("events/sched/sched_switch/", "hist:keys=prev_comm,next_pid:vals=prev_pid:sort=next_pid"),
    ("events/kmem/kmem_cache_alloc/", "hist:keys=common_cpu,bytes_alloc.log2:x=bytes_alloc*2"),
    ("instances/hist/events/kmem/kmalloc/", "hist:keys=common_pid.execname if bytes_req > 100"),
]


def check_churn(client, root):
    """Tables made, filled from both CPUs, cleared, paused and freed while workloads run."""
    churn = Churn(client, root, None)
    # One table shared by two events (name=), filled by both the whole time.
    shared = "hist:name=shared:keys=common_cpu"
    for event in ("kmalloc", "kfree"):
        write(client, root, f"events/kmem/{event}/trigger", shared, append=True)
    churn.start_workload()
    for i in range(CHURN_STEPS):
        where, command = CHURN_TRIGGERS[i % len(CHURN_TRIGGERS)]
        try:
            write(client, root, where + "trigger", command, append=True)
            churn.poll()
            client.read_file(root, "tracing/" + where + "hist")
            keys, _, condition = command.partition(" if ")
            action = keys + (":clear", ":pause", ":cont")[i % 3]
            write(client, root, where + "trigger", action + (" if " + condition if condition else ""),
                  append=True)
            client.read_file(root, "tracing/" + where + "hist")
            write(client, root, where + "trigger", "!" + command, append=True)
        except (ninep.ProtocolError, OSError) as error:
            raise TestFailure(f"the guest went away at step {i}: {error!r}")
    churn.reap_workload(wait=True)
    # Paused on both events, so that reading one file does not add to what the other shows.
    for event in ("kmalloc", "kfree"):
        write(client, root, f"events/kmem/{event}/trigger", shared + ":pause", append=True)
    tables = [client.read_file(root, f"tracing/events/kmem/{event}/hist")
              for event in ("kmalloc", "kfree")]
    expect(tables[0] == tables[1], f"the shared table differs:\n{tables[0]}\n{tables[1]}")
    expect(totals(tables[0]).get("Hits", 0) > 0, f"the shared table is empty:\n{tables[0]}")
    for event in ("kmalloc", "kfree"):
        write(client, root, f"events/kmem/{event}/trigger", "!" + shared, append=True)
    for where, _ in CHURN_TRIGGERS:
        expect(client.read_file(root, "tracing/" + where + "hist") == "",
               f"{where}hist not empty after the churn")
    print(f"hist churn: {CHURN_STEPS} add/read/clear-pause-cont/remove, {churn.runs} workload runs")
    expect(churn.runs >= 1, "no workload run finished during the churn")


def test_hist(kernel, guests):
    guest = Guest(kernel, timeout=300)
    guests.append(guest)
    client, root = session(guest)
    check_kmalloc(client, root)
    check_stacktrace_key(client, root)
    check_marker(client, root)
    check_marker_instance(client, root)
    check_churn(client, root)
    expect(guest.process.poll() is None, "the guest exited")
    client.close()


if __name__ == "__main__":
    run(test_hist, sys.argv[1])
