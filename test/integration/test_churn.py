"""Control churn against a booted guest: while workloads run back to back on both CPUs, switch
tracers (the latency tracers too), toggle tracing_on, rewrite set_ftrace_filter, make and remove an instance that runs
the function tracer, resize the buffers, turn the function profiler on and off (reading
its counts, flipping graph-time), and switch, filter, reset and read the stack tracer, over
and over. The guest must never exit, and
every workload must finish with its checksum right.

    test_churn.py KERNEL [CYCLES] [SEED]

Everything goes over one 9P connection with tags multiplexed, as the gateway does: the
workload's write to workloads/run stays parked while the control writes go on beside it.
"""

import os
import random
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import checksums  # noqa: E402
import ninep  # noqa: E402
from guestlib import Guest, TestFailure, expect, run  # noqa: E402
from test_ninep import parse_last, session  # noqa: E402

WORKLOADS = [("alloc", 500), ("ramfs", 20), ("pingpong", 200), ("timers", 20)]
TRACERS = ["nop", "function", "function_graph", "function_duration", "wakeup", "wakeup_rt",
           "irqsoff", "preemptoff", "preemptirqsoff"]
FILTERS = ["kmalloc*", "*alloc*", "!kfree", "schedule", "Scheduler::*", ""]
BUFFER_KB = ["64", "200", "1408", "7"]
REPLY_TIMEOUT_S = 120


class Churn:
    def __init__(self, client, root, rng):
        self.client = client
        self.root = root
        self.rng = rng
        self.instance = False
        self.run_tag = None
        self.run_fid = None
        self.run_name = None
        self.runs = 0
        self.counts = {}

    def write(self, path, text, flags=ninep.O_WRONLY | ninep.O_TRUNC):
        """A write the guest may refuse (a filter that matches nothing is EINVAL)."""
        try:
            self.client.write_file(self.root, path, text.encode(), flags)
        except ninep.NinePError:
            pass

    # --- workloads: one parked run at a time -------------------------------------------
    def start_workload(self):
        name, count = WORKLOADS[self.runs % len(WORKLOADS)]
        fid = self.client.open_path(self.root, "workloads/run", ninep.O_WRONLY)
        body = f"{name} {count}".encode()
        self.run_tag = self.client.send(
            ninep.TWRITE, struct.pack("<IQI", fid, 0, len(body)) + body)
        self.run_fid = fid
        self.run_name = (name, count)

    def reap_workload(self, wait):
        if self.run_tag is None:
            return
        if not wait and self.run_tag not in self.client.stash:
            return
        self.client.reply(self.run_tag, ninep.TWRITE, "workloads/run")
        self.client.clunk(self.run_fid)
        name, count = self.run_name
        last = parse_last(self.client.read_file(self.root, "workloads/last"))
        expect(last.get("name") == name and last.get("status") == "ok",
               f"workloads/last after {name} {count}: {last}")
        want = getattr(checksums, name)(count)
        expect(int(last["checksum"], 0) == want,
               f"{name} {count}: checksum {last['checksum']}, want {want:#x}")
        self.runs += 1
        self.run_tag = None

    def poll(self):
        """Picks up a finished run without waiting, and starts the next."""
        self.client.sock.setblocking(False)
        try:
            while True:
                kind, tag, body = self.client._read_frame()
                self.client.stash[tag] = (kind, tag, body)
        except (BlockingIOError, ninep.ProtocolError):
            pass
        finally:
            self.client.sock.settimeout(REPLY_TIMEOUT_S)
        self.reap_workload(wait=False)
        if self.run_tag is None:
            self.start_workload()

    # --- the control writes ----------------------------------------------------------
    def step(self):
        action = self.rng.choice(["tracer", "tracer", "tracing_on", "filter", "instance",
                                  "buffer", "instance_tracer", "profiler", "stack"])
        self.counts[action] = self.counts.get(action, 0) + 1
        if action == "tracer":
            self.write("tracing/current_tracer", self.rng.choice(TRACERS))
        elif action == "tracing_on":
            self.write("tracing/tracing_on", self.rng.choice(["0", "1"]))
        elif action == "filter":
            word = self.rng.choice(FILTERS)
            flags = ninep.O_WRONLY | (ninep.O_TRUNC if self.rng.random() < 0.6 else ninep.O_APPEND)
            self.write("tracing/set_ftrace_filter", word, flags)
        elif action == "buffer":
            self.write("tracing/buffer_size_kb", self.rng.choice(BUFFER_KB))
        elif action == "instance":
            self.toggle_instance()
        elif action == "profiler":
            self.write("tracing/function_profile_enabled", self.rng.choice(["0", "1"]))
            self.write("tracing/options/graph-time", self.rng.choice(["0", "1"]))
            self.client.read_file(self.root, f"tracing/trace_stat/function{self.rng.randrange(2)}")
        elif action == "instance_tracer" and self.instance:
            # function_graph in the instance: its frames outlive switches and the rmdir.
            self.write("tracing/instances/churn/current_tracer",
                       self.rng.choice(["function", "function_graph", "nop"]))
            self.write("tracing/instances/churn/set_ftrace_filter", self.rng.choice(FILTERS))
        elif action == "stack":
            self.churn_stack_tracer()

    def churn_stack_tracer(self):
        """The stack tracer measures on both CPUs while its switch, filter and maximum move."""
        what = self.rng.choice(["switch", "filter", "reset", "read"])
        if what == "switch":
            self.write("proc/sys/kernel/stack_tracer_enabled", self.rng.choice(["0", "1"]))
        elif what == "filter":
            self.write("tracing/stack_trace_filter", self.rng.choice(FILTERS))
        elif what == "reset":
            self.write("tracing/stack_max_size", "0")
        else:
            text = self.client.read_file(self.root, "tracing/stack_trace")
            expect(text.startswith("        Depth    Size   Location    ("),
                   f"stack_trace reads {text[:80]!r}")

    def toggle_instance(self):
        instances = self.client.walk(self.root, "tracing/instances")
        try:
            if self.instance:
                self.client.unlinkat(instances, "churn", ninep.AT_REMOVEDIR)
            else:
                self.client.mkdir(instances, "churn")
                self.instance = True
                self.write("tracing/instances/churn/current_tracer", "function")
                return
            self.instance = False
        finally:
            self.client.clunk(instances)


def test(kernel, cycles, seed, guests):
    guest = Guest(kernel, smp=2, timeout=1500)
    guests.append(guest)
    client, root = session(guest)
    client.sock.settimeout(REPLY_TIMEOUT_S)
    churn = Churn(client, root, random.Random(seed))
    started = time.monotonic()
    churn.start_workload()
    for cycle in range(cycles):
        try:
            churn.step()
            churn.poll()
        except (ninep.ProtocolError, OSError) as error:
            raise TestFailure(f"the guest went away during cycle {cycle}: {error!r}")
    churn.reap_workload(wait=True)
    expect(guest.process.poll() is None, "the guest exited")
    text = client.read_file(root, "tracing/current_tracer").strip()
    expect(text in TRACERS, f"current_tracer reads {text!r} after the churn")
    elapsed = time.monotonic() - started
    print(f"churn: {cycles} cycles, {churn.runs} workload runs, {elapsed:.1f} s, "
          f"seed {seed}, actions {sorted(churn.counts.items())}")
    expect(churn.runs >= 4, f"only {churn.runs} workload runs finished during the churn")


if __name__ == "__main__":
    kernel = sys.argv[1]
    cycles = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else int(time.time())
    run(test, kernel, cycles, seed)
