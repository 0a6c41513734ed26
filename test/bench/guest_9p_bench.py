#!/usr/bin/env python3
"""Figures for the guest's 9P service, measured from the host over QEMU's unix socket:
control-write round trips (tracing_on on an open fid, and the whole walk/open/write/clunk
a stateless client does), and read throughput of `trace` in 1 MiB Treads after filling
the buffer with trace_marker writes.

    test/bench/guest_9p_bench.py [--kernel ELF] [--accel tcg|kvm] [--rounds N]
"""

import argparse
import os
import statistics
import struct
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
sys.path.insert(0, os.path.join(ROOT, "test", "integration"))

import ninep  # noqa: E402
from guestlib import Guest  # noqa: E402


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def round_trips(label, action, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1e6)
    print(f"{label}: p50 {statistics.median(samples):.0f} us, p90 {percentile(samples, 0.9):.0f} us,"
          f" {rounds} rounds")


def fill_with_markers(client, root, count):
    fid = client.open_path(root, "tracing/trace_marker", ninep.O_WRONLY)
    line = ("x" * 200 + "\n").encode()
    # Pipelined: many tags in flight, as a busy gateway would have.
    for start in range(0, count, 64):
        tags = [client.send(ninep.TWRITE, struct.pack("<IQI", fid, 0, len(line)) + line)
                for _ in range(min(64, count - start))]
        for tag in tags:
            client.reply(tag, ninep.TWRITE)
    client.clunk(fid)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", default=os.path.join(
        ROOT, os.environ.get("BUILD_DIR", "build"), "kernel", "tracegate-kernel"))
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--markers", type=int, default=6000)
    args = parser.parse_args()

    guest = Guest(args.kernel, timeout=300)
    try:
        guest.wait_for_log(r"9p: serving port", 30)
        client = ninep.Client.connect_unix(guest.env["ninep_socket"], 60)
        client.version()
        root, _ = client.attach()
        print(f"accelerator: tcg, smp 2, msize {client.msize}")

        fid = client.open_path(root, "tracing/tracing_on", ninep.O_WRONLY)
        round_trips("write tracing_on (open fid)", lambda: client.write(fid, "1\n"), args.rounds)
        client.clunk(fid)
        round_trips("walk+open+write+clunk tracing_on",
                    lambda: client.write_file(root, "tracing/tracing_on", "1\n"), args.rounds)
        round_trips("walk+open+read+clunk current_tracer",
                    lambda: client.read_file(root, "tracing/current_tracer"), args.rounds)

        client.write_file(root, "tracing/buffer_size_kb", "4096\n")
        fill_with_markers(client, root, args.markers)
        fid = client.open_path(root, "tracing/trace")
        start = time.perf_counter()
        total = len(client.read_all(fid))
        elapsed = time.perf_counter() - start
        client.clunk(fid)
        print(f"read trace: {total} bytes in {elapsed * 1e3:.1f} ms = "
              f"{total / elapsed / 1e6:.1f} MB/s (text formatted in the guest)")
        client.close()
    finally:
        guest.cleanup()


if __name__ == "__main__":
    main()
