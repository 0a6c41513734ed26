#!/usr/bin/env python3
"""Recording a workload while it runs, two ways side by side on one booted guest:

- raw: one chunked GET of per_cpu/cpuN/trace_pipe_raw per CPU (Linux's binary pages, as
  trace-cmd record reads them), the events counted by decoding the pages' event headers;
- text: one chunked GET of trace_pipe (formatted by the gateway from raw pages, or by the
  guest with --pipe-text guest), the events counted as lines.

For each: the function tracer on, `alloc N` run through /workloads/run while the readers
stream, then the readers drained. Prints events recorded, events lost (the growth of
per_cpu/cpuN/stats `overrun`), events per second over the run, and MB/s of what the
readers received. Not a test: it prints figures and asserts nothing about them.

    test/bench/record_bench.py [--accel tcg|kvm|auto] [--iterations N] [--rounds N]
        [--buffer-kb N] [--pipe-text host|guest]
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
GATEWAYD = os.environ.get("TRACEGATE_GATEWAYD", os.path.join(BUILD, "httpd", "tracegate-gatewayd"))
KERNEL = os.environ.get("TRACEGATE_KERNEL", os.path.join(BUILD, "kernel", "tracegate-kernel"))
PAGE = 4096


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest:
    def __init__(self, accel, pipe_text):
        self.port = free_port()
        self.rundir = tempfile.mkdtemp(prefix="tracegate-record-bench-")
        self.log = open(os.path.join(self.rundir, "gateway.log"), "wb")
        self.gateway = subprocess.Popen(
            [GATEWAYD, "--port", str(self.port), "--rundir", self.rundir, "--pipe-text", pipe_text,
             "--guest-script", os.path.join(ROOT, "scripts", "guest"), "--kernel", KERNEL,
             "--accel", accel, "--smp", "2"], stderr=self.log)
        deadline = time.monotonic() + 120
        while True:
            try:
                if self.get("/healthz") == b"ok\n":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("guest did not come up")
            time.sleep(0.05)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def get(self, path):
        with urllib.request.urlopen(self.url(path), timeout=600) as response:
            return response.read()

    def put(self, path, body):
        request = urllib.request.Request(self.url(path), data=body.encode(), method="PUT")
        with urllib.request.urlopen(request, timeout=900) as response:
            return response.status

    def cpus(self):
        return len([l for l in self.get("/tracing/per_cpu/").decode().split() if l])

    def overrun(self):
        total = 0
        for cpu in range(self.cpus()):
            for line in self.get("/tracing/per_cpu/cpu%d/stats" % cpu).decode().splitlines():
                if line.startswith("overrun:"):
                    total += int(line.split()[1])
        return total

    def stop(self):
        self.gateway.terminate()
        self.gateway.wait(timeout=30)
        self.log.close()


class Stream(threading.Thread):
    """A chunked GET read to the end, or until the connection has been idle for a second
    after `idle_ok` is set."""

    def __init__(self, guest, path):
        super().__init__()
        self.guest = guest
        self.path = path
        self.data = bytearray()
        self.idle_ok = threading.Event()
        self.connected = threading.Event()

    def run(self):
        with socket.create_connection(("127.0.0.1", self.guest.port)) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.sendall(("GET %s HTTP/1.1\r\nHost: bench\r\n\r\n" % self.path).encode())
            s.settimeout(1.0)
            buffer = bytearray(1 << 20)
            raw = bytearray()
            self.connected.set()
            while True:
                try:
                    n = s.recv_into(buffer)
                except socket.timeout:
                    if self.idle_ok.is_set():
                        break
                    continue
                if n == 0:
                    break
                raw += buffer[:n]
        self.data = dechunk(raw)


def dechunk(raw):
    head_end = raw.find(b"\r\n\r\n")
    if head_end < 0:
        return bytearray()
    at = head_end + 4
    body = bytearray()
    while at < len(raw):
        line_end = raw.find(b"\r\n", at)
        if line_end < 0:
            break
        size = int(raw[at:line_end].split(b";")[0], 16)
        if size == 0:
            break
        body += raw[line_end + 2:line_end + 2 + size]
        at = line_end + 2 + size + 2
    return body


def raw_events(data):
    """Events in raw pages: every record but padding (29), time extend (30), time stamp (31)."""
    events = 0
    for page in range(0, len(data) - PAGE + 1, PAGE):
        commit = struct.unpack_from("<Q", data, page + 8)[0] & 0xfffff
        at = page + 16
        end = at + commit
        while at + 4 <= end:
            header = struct.unpack_from("<I", data, at)[0]
            type_len = header & 31
            at += 4
            if type_len == 29:
                break
            if type_len in (30, 31):
                at += 4
                continue
            if type_len == 0:
                at += struct.unpack_from("<I", data, at)[0]
            else:
                at += type_len * 4
            events += 1
    return events


def text_events(data):
    return sum(1 for line in data.decode(errors="replace").splitlines()
               if line and not line.startswith("#") and "LOST" not in line)


def record(guest, mode, iterations):
    guest.put("/tracing/tracing_on", "0")
    guest.put("/tracing/trace", "")
    lost_before = guest.overrun()
    if mode == "raw":
        streams = [Stream(guest, "/tracing/per_cpu/cpu%d/trace_pipe_raw" % cpu)
                   for cpu in range(guest.cpus())]
    else:
        streams = [Stream(guest, "/tracing/trace_pipe")]
    for stream in streams:
        stream.start()
        stream.connected.wait()
    time.sleep(0.2)  # the readers' first reads are parked in the guest
    start = time.perf_counter()
    guest.put("/tracing/tracing_on", "1")
    guest.put("/workloads/run", "alloc %d" % iterations)
    guest.put("/tracing/tracing_on", "0")
    ran = time.perf_counter() - start
    for stream in streams:
        stream.idle_ok.set()
    for stream in streams:
        stream.join()
    drained = time.perf_counter() - start - 1.0  # less the idle second that ends a reader
    lost = guest.overrun() - lost_before
    received = sum(len(s.data) for s in streams)
    events = sum(raw_events(s.data) if mode == "raw" else text_events(s.data) for s in streams)
    return events, lost, ran, drained, received


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accel", choices=["tcg", "kvm", "auto"], default="tcg")
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--buffer-kb", type=int, default=1408)
    parser.add_argument("--pipe-text", choices=["host", "guest"], default="host")
    args = parser.parse_args()
    guest = Guest(args.accel, args.pipe_text)
    try:
        guest.put("/tracing/buffer_size_kb", str(args.buffer_kb))
        guest.put("/tracing/current_tracer", "function")
        for round_ in range(args.rounds):
            for mode in ("raw", "text"):
                events, lost, ran, drained, received = record(guest, mode, args.iterations)
                name = "trace_pipe_raw" if mode == "raw" else "trace_pipe (%s text)" % args.pipe_text
                print("[round %d] %-24s alloc %d: %d events recorded, %d lost; run %.2f s, "
                      "drained %.2f s: %.0f events/s, %.1f MB/s received"
                      % (round_ + 1, name, args.iterations, events, lost, ran, drained,
                         events / drained, received / 1e6 / drained))
                sys.stdout.flush()
    finally:
        guest.stop()


if __name__ == "__main__":
    main()
