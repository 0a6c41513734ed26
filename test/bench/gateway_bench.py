#!/usr/bin/env python3
"""Figures for the gateway, measured the way a user sees them (HTTP over loopback):

- control-write round trip: PUT /tracing/tracing_on on a keep-alive connection, p50/p99;
- a directory listing with attributes (GET /tracing/ with Accept: application/json), p50/p99;
- trace_pipe throughput, with the text formatted by the guest and by the gateway from raw
  pages (--pipe-text): the buffer is filled with trace_marker entries (PUTs from 8
  keep-alive connections), then one chunked GET /tracing/trace_pipe drains it; MB/s of text
  from the request to the last byte. Where the guest lists functions, the same for the
  function tracer's events recorded during an `alloc` run.

Against the real kernel (the gateway supervising scripts/guest; the accelerator is printed)
and against tracegate-hostguest (the real tracefs tree on the host, no QEMU). Not a test:
it prints figures and asserts nothing about them.

    test/bench/gateway_bench.py [--target kernel|hostguest|both] [--accel tcg|kvm|auto]
        [--rounds N] [--fill-mb N] [--marker-bytes N] [--workload-iterations N]
        [--pipe-text host|guest|both]
"""
import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
GATEWAYD = os.environ.get("TRACEGATE_GATEWAYD", os.path.join(BUILD, "httpd", "tracegate-gatewayd"))
HOSTGUEST = os.environ.get("TRACEGATE_HOSTGUEST",
                           os.path.join(BUILD, "httpd", "tracegate-hostguest"))
KERNEL = os.environ.get("TRACEGATE_KERNEL", os.path.join(BUILD, "kernel", "tracegate-kernel"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Target:
    def __init__(self, kind, accel, pipe_text="host"):
        self.kind = kind
        self.port = free_port()
        self.rundir = tempfile.mkdtemp(prefix="tracegate-bench-")
        self.log = open(os.path.join(self.rundir, "gateway.log"), "wb")
        args = [GATEWAYD, "--port", str(self.port), "--rundir", self.rundir,
                "--pipe-text", pipe_text]
        self.guest = None
        if kind == "kernel":
            args += ["--guest-script", os.path.join(ROOT, "scripts", "guest"), "--kernel",
                     KERNEL, "--accel", accel, "--smp", "2"]
        else:
            self.guest = subprocess.Popen([HOSTGUEST, os.path.join(self.rundir, "9p.sock")],
                                          stderr=subprocess.DEVNULL)
        self.gateway = subprocess.Popen(args, stderr=self.log)
        deadline = time.monotonic() + 120
        while self.request("GET", "/healthz")[0] != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("guest did not come up")
            time.sleep(0.05)
        self.accel = "host (no QEMU)"
        env = os.path.join(self.rundir, "guest.env")
        if kind == "kernel" and os.path.exists(env):
            with open(env) as f:
                self.accel = dict(l.strip().split("=", 1) for l in f if "=" in l)["accel"]

    def request(self, method, path, body=None, connection=None):
        own = connection is None
        connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            connection.request(method, path, body=body)
            response = connection.getresponse()
            return response.status, response.read()
        except OSError:
            return 0, b""
        finally:
            if own:
                connection.close()

    def stop(self):
        self.gateway.terminate()
        self.gateway.wait(timeout=30)
        if self.guest:
            self.guest.kill()
            self.guest.wait()
        self.log.close()


def control_round_trips(target, rounds):
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
    samples = []
    for i in range(rounds + 20):
        start = time.perf_counter()
        status, _ = target.request("PUT", "/tracing/tracing_on", "1", connection)
        elapsed = time.perf_counter() - start
        if status != 204:
            raise RuntimeError("PUT tracing_on answered %d" % status)
        if i >= 20:  # warm-up
            samples.append(elapsed * 1e3)
    connection.close()
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def listing_round_trips(target, rounds):
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
    samples = []
    entries = 0
    for i in range(rounds + 5):
        start = time.perf_counter()
        connection.request("GET", "/tracing/", headers={"Accept": "application/json"})
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200 or b'"mode"' not in body:
            raise RuntimeError("GET /tracing/ as JSON answered %d" % response.status)
        entries = body.count(b'"name"')
        if i >= 5:  # warm-up
            samples.append(elapsed * 1e3)
    connection.close()
    samples.sort()
    return (statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))],
            entries)


def fill(target, total_bytes, marker_bytes):
    body = "m" * (marker_bytes - 1)
    count = total_bytes // marker_bytes
    per_thread = (count + 7) // 8
    failures = []

    def writer():
        connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
        for _ in range(per_thread):
            status, _ = target.request("PUT", "/tracing/trace_marker", body, connection)
            if status != 204:
                failures.append(status)
                break
        connection.close()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError("trace_marker PUT answered %s" % failures[0])
    return per_thread * 8, time.perf_counter() - start


def drain(target):
    """Reads trace_pipe until it has been idle for a second; returns (bytes, seconds)."""
    with socket.create_connection(("127.0.0.1", target.port)) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        start = time.perf_counter()
        s.sendall(b"GET /tracing/trace_pipe HTTP/1.1\r\nHost: bench\r\n\r\n")
        s.settimeout(1.0)
        total = 0
        last = start
        buffer = bytearray(1 << 20)
        while True:
            try:
                n = s.recv_into(buffer)
            except socket.timeout:
                break
            if n == 0:
                break
            total += n
            last = time.perf_counter()
    return total, last - start


def bench(kind, args, pipe_text):
    target = Target(kind, args.accel, pipe_text)
    try:
        name = "%s, accel %s, text from the %s" % (kind, target.accel, pipe_text)
        p50, p99 = control_round_trips(target, args.rounds)
        print("[%s] PUT tracing_on round trip: p50 %.3f ms, p99 %.3f ms (%d rounds, keep-alive)"
              % (name, p50, p99, args.rounds))
        p50, p99, entries = listing_round_trips(target, max(1, args.rounds // 10))
        print("[%s] GET /tracing/ as JSON (%d entries with mode and size): p50 %.2f ms, "
              "p99 %.2f ms (%d rounds)" % (name, entries, p50, p99, max(1, args.rounds // 10)))
        target.request("PUT", "/tracing/buffer_size_kb", str(args.fill_mb * 1024))
        target.request("PUT", "/tracing/trace", "")
        count, seconds = fill(target, args.fill_mb << 20, args.marker_bytes)
        print("[%s] filled with %d trace_marker writes of %d bytes in %.2f s (%.0f writes/s)"
              % (name, count, args.marker_bytes, seconds, count / seconds))
        total, seconds = drain(target)
        print("[%s] trace_pipe to an HTTP client: %.1f MB in %.2f s = %.1f MB/s"
              % (name, total / 1e6, seconds, total / 1e6 / seconds))
        if kind != "kernel":
            return  # the host guest's functions are names only: nothing calls them
        _, functions = target.request("GET", "/tracing/available_filter_functions")
        if not functions.strip():
            print("[%s] function tracer: not measured (the guest lists no functions yet)" % name)
            return
        # Function events from a workload: what a user streams in practice.
        target.request("PUT", "/tracing/current_tracer", "function")
        target.request("PUT", "/tracing/trace", "")
        target.request("PUT", "/workloads/run", "alloc %d" % args.workload_iterations)
        target.request("PUT", "/tracing/tracing_on", "0")
        total, seconds = drain(target)
        target.request("PUT", "/tracing/current_tracer", "nop")
        target.request("PUT", "/tracing/tracing_on", "1")
        print("[%s] trace_pipe of function events (alloc %d): %.1f MB in %.2f s = %.1f MB/s"
              % (name, args.workload_iterations, total / 1e6, seconds, total / 1e6 / seconds))
    finally:
        target.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", choices=["kernel", "hostguest", "both"], default="both")
    parser.add_argument("--accel", choices=["tcg", "kvm", "auto"], default="tcg")
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--fill-mb", type=int, default=8)
    parser.add_argument("--marker-bytes", type=int, default=4000)
    parser.add_argument("--workload-iterations", type=int, default=2000)
    parser.add_argument("--pipe-text", choices=["host", "guest", "both"], default="both",
                        help="who formats trace_pipe: the gateway from raw pages, or the guest")
    args = parser.parse_args()
    kinds = ["hostguest", "kernel"] if args.target == "both" else [args.target]
    texts = ["guest", "host"] if args.pipe_text == "both" else [args.pipe_text]
    for kind in kinds:
        for pipe_text in texts:
            bench(kind, args, pipe_text)


if __name__ == "__main__":
    main()
