"""The guest's 9P2000.L server on virtio-serial port 1 (org.tracegate.9p), spoken to over
QEMU's unix socket by test/lib/ninep.py: the root holds tracing/ and workloads/, tracing
files read and write as in Linux (errors come back as Rlerror), instances are made and
removed, workloads/run parks its write until the workload has finished (EBUSY while one
runs, and a client that goes away does not stop it), a blocked trace_pipe read parks its
tag without stalling others and is answered by a trace_marker write or dropped by Tflush,
and a reconnect starts a fresh session at its Tversion, whatever the old connection left
unfinished.

    test_ninep.py KERNEL protocol|workloads|diod
"""

import errno
import os
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import checksums  # noqa: E402
import ninep  # noqa: E402
from guestlib import Guest, TestFailure, expect, run  # noqa: E402

BOOT_TIMEOUT_S = 30
REPLY_TIMEOUT_S = 30
# Long enough under TCG for a second request to arrive while it runs (about a second here),
# short enough to keep the test quick on a slow machine.
LONG_ALLOC = 150000


def connect(path, timeout=BOOT_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return ninep.Client.connect_unix(path, REPLY_TIMEOUT_S)
        except OSError:
            if time.monotonic() > deadline:
                raise TestFailure(f"cannot connect to {path}")
            time.sleep(0.05)


def session(guest):
    guest.wait_for_log(r"9p: serving port", BOOT_TIMEOUT_S)
    client = connect(guest.env["ninep_socket"])
    msize, version = client.version()
    expect(version == ninep.VERSION, f"Rversion says {version!r}")
    expect(msize == 1 << 20, f"msize {msize}, the gateway asks for 1 MiB")
    root, qid = client.attach()
    expect(qid["type"] & 0x80, "the root's qid is not a directory")
    return client, root


def expect_errno(code, action, what):
    try:
        action()
    except ninep.NinePError as error:
        expect(error.errno == code,
               f"{what}: {errno.errorcode.get(error.errno)} instead of {errno.errorcode[code]}")
        return
    raise TestFailure(f"{what}: succeeded, expected {errno.errorcode[code]}")


def parse_last(text):
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def check_tree(client, root):
    expect(client.list_dir(root) == ["tracing", "workloads", "proc"],
           f"root lists {client.list_dir(root)}")
    names = client.list_dir(root, "tracing")
    for name in ("current_tracer", "tracing_on", "trace", "trace_pipe", "instances"):
        expect(name in names, f"tracing/ has no {name}: {names}")
    expect(client.list_dir(root, "workloads") == ["available", "last", "run"],
           f"workloads/ lists {client.list_dir(root, 'workloads')}")
    attr = client.getattr(client.walk(root, "workloads/run"))
    expect(attr["mode"] & 0o170000 == 0o100000, f"run is not a regular file: {attr['mode']:o}")


def check_tracing_files(client, root):
    expect(client.read_file(root, "tracing/current_tracer") == "nop\n", "current_tracer is not nop")
    client.write_file(root, "tracing/tracing_on", "0\n")
    expect(client.read_file(root, "tracing/tracing_on") == "0\n", "tracing_on did not turn 0")
    client.write_file(root, "tracing/tracing_on", "1\n")
    expect(client.read_file(root, "tracing/tracing_on") == "1\n", "tracing_on did not turn 1")
    expect_errno(errno.EINVAL, lambda: client.write_file(root, "tracing/tracing_on", "x"),
                 "writing 'x' to tracing_on")
    expect_errno(errno.EINVAL, lambda: client.write_file(root, "tracing/current_tracer", "nosuch"),
                 "writing an unknown tracer")
    expect_errno(errno.ENOENT, lambda: client.walk(root, "tracing/nosuch"), "walking to nosuch")


def check_instances(client, root):
    instances = client.walk(root, "tracing/instances")
    client.mkdir(instances, "foo")
    expect("foo" in client.list_dir(root, "tracing/instances"), "mkdir foo did not show up")
    expect(client.read_file(root, "tracing/instances/foo/current_tracer") == "nop\n",
           "instances/foo/current_tracer")
    expect_errno(errno.EEXIST, lambda: client.mkdir(instances, "foo"), "mkdir foo twice")
    client.unlinkat(instances, "foo", ninep.AT_REMOVEDIR)
    expect("foo" not in client.list_dir(root, "tracing/instances"), "rmdir foo did not remove it")
    client.clunk(instances)


def check_trace_pipe(client, root):
    """A blocked read parks its tag; other tags go on; a marker write answers it; Tflush
    drops the next one without a reply."""
    pipe = client.open_path(root, "tracing/trace_pipe")
    parked = client.send(ninep.TREAD, struct.pack("<IQI", pipe, 0, 65536))
    # Other requests are answered while the read waits.
    expect(client.read_file(root, "tracing/current_tracer") == "nop\n", "stalled behind the read")
    client.write_file(root, "tracing/trace_marker", "hello from 9p\n")
    data = client.reply(parked, ninep.TREAD).rest()[4:].decode()
    expect("tracing_mark_write: hello from 9p" in data, f"trace_pipe gave {data!r}")

    parked = client.send(ninep.TREAD, struct.pack("<IQI", pipe, 0, 65536))
    client.flush(parked)
    # The flushed tag must never be answered: the marker below goes to nobody, and the
    # next read on the pipe gets it instead.
    client.write_file(root, "tracing/trace_marker", "after flush\n")
    expect(parked not in client.stash, "the flushed read was answered")
    data = client.read(pipe, 0, 65536).decode()
    expect("tracing_mark_write: after flush" in data, f"trace_pipe after flush gave {data!r}")
    client.clunk(pipe)


def check_reconnect(guest, client, root):
    # Leave half a frame behind: the next connection must not inherit it.
    client.sock.sendall(struct.pack("<IBH", 100, ninep.TWRITE, 1) + b"partial")
    client.close()
    client = connect(guest.env["ninep_socket"])
    # A session starts at Tversion: what comes before it is dropped, unanswered.
    client.send(ninep.TCLUNK, struct.pack("<I", root))
    client.version()
    expect(not client.stash, f"replies to what preceded Tversion: {client.stash}")
    # The old session's fids are gone.
    expect_errno(errno.EBADF, lambda: client.clunk(root), "clunking a fid of the old session")
    root, _ = client.attach()
    expect(client.list_dir(root) == ["tracing", "workloads", "proc"], "root after reconnect")
    return client, root


def test_protocol(kernel, guests):
    guest = Guest(kernel, timeout=90)
    guests.append(guest)
    client, root = session(guest)
    check_tree(client, root)
    check_tracing_files(client, root)
    check_instances(client, root)
    check_trace_pipe(client, root)
    client, root = check_reconnect(guest, client, root)
    client.close()


def run_write(client, root, command):
    """Starts a workloads/run write on its own tag; returns (fid, tag)."""
    fid = client.open_path(root, "workloads/run", ninep.O_WRONLY | ninep.O_TRUNC)
    data = command.encode()
    tag = client.send(ninep.TWRITE, struct.pack("<IQI", fid, 0, len(data)) + data)
    return fid, tag


def expect_last(client, root, name, iterations):
    last = parse_last(client.read_file(root, "workloads/last"))
    expect(last.get("name") == name and last.get("status") == "ok", f"last: {last}")
    expected = checksums.EXPECTED[name](iterations)
    expect(int(last["checksum"], 16) == expected,
           f"{name} {iterations}: checksum {last['checksum']}, host computes {expected:#018x}")
    expect(int(last["duration_ns"]) > 0, f"duration_ns {last['duration_ns']}")


def test_workloads(kernel, guests):
    guest = Guest(kernel, timeout=90)
    guests.append(guest)
    client, root = session(guest)
    expect(client.read_file(root, "workloads/available").split() ==
           ["alloc", "pingpong", "ramfs", "timers", "priority", "preempt_delay", "irq_delay"],
           "workloads/available")

    # The write completes when the workload has finished.
    written = client.write_file(root, "workloads/run", "alloc 1000\n")
    expect(written == len("alloc 1000\n"), f"run write returned {written}")
    expect_last(client, root, "alloc", 1000)

    expect_errno(errno.EINVAL, lambda: client.write_file(root, "workloads/run", "nosuch"),
                 "an unknown workload")
    expect_errno(errno.EINVAL, lambda: client.write_file(root, "workloads/run", "alloc 0"),
                 "a zero count")
    expect_errno(errno.EINVAL, lambda: client.write_file(root, "workloads/run", "alloc 1 2"),
                 "two arguments")

    # A second run while one runs is EBUSY; the first still completes.
    fid, tag = run_write(client, root, f"alloc {LONG_ALLOC}")
    expect_errno(errno.EBUSY, lambda: client.write_file(root, "workloads/run", "timers 10"),
                 "a run while another runs")
    running = parse_last(client.read_file(root, "workloads/last"))
    expect(running.get("status") in ("running", "ok"), f"last while running: {running}")
    client.reply(tag, ninep.TWRITE)
    client.clunk(fid)
    expect_last(client, root, "alloc", LONG_ALLOC)

    # A client that goes away does not abort the run.
    run_write(client, root, f"pingpong {LONG_ALLOC // 100}")
    # The read may be served before the write's handler has claimed the run: wait for it.
    deadline = time.monotonic() + 10
    while True:
        last = parse_last(client.read_file(root, "workloads/last"))
        if last.get("name") == "pingpong" or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    expect(last.get("name") == "pingpong" and last.get("status") in ("running", "ok"),
           f"last after starting pingpong: {last}")
    client.close()
    client = connect(guest.env["ninep_socket"])
    client.version()
    root, _ = client.attach()
    deadline = time.monotonic() + 60
    while parse_last(client.read_file(root, "workloads/last")).get("status") == "running":
        expect(time.monotonic() < deadline, "the abandoned run never finished")
        time.sleep(0.05)
    expect_last(client, root, "pingpong", LONG_ALLOC // 100)
    client.close()


class Relay:
    """A loopback TCP port relayed to the guest's unix socket (diod's tools dial TCP)."""

    def __init__(self, path):
        self.path = path
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                outer, _ = self.listener.accept()
            except OSError:
                return
            inner = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            inner.connect(self.path)
            for a, b in ((outer, inner), (inner, outer)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.listener.close()


def diod_tool(tool, relay, *args):
    command = [f"/usr/sbin/{tool}", "-s", f"127.0.0.1:{relay.port}", "-a", "/", "-t", "20",
               *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    expect(result.returncode == 0,
           f"{' '.join(command)} exited {result.returncode}: {result.stderr.strip()}")
    # Each tool connects anew; let the guest see the close before the next one opens.
    time.sleep(0.05)
    return result.stdout


def test_diod(kernel, guests):
    for tool in ("diodls", "diodcat"):
        if not os.access(f"/usr/sbin/{tool}", os.X_OK):
            print(f"SKIP: /usr/sbin/{tool} not installed (Debian package diod)")
            return
    guest = Guest(kernel, timeout=90)
    guests.append(guest)
    guest.wait_for_log(r"9p: serving port", BOOT_TIMEOUT_S)
    relay = Relay(guest.env["ninep_socket"])
    try:
        listing = diod_tool("diodls", relay, "/").split()
        expect(listing == ["tracing", "workloads", "proc"], f"diodls / gave {listing}")
        tracing = diod_tool("diodls", relay, "tracing").split()
        expect("current_tracer" in tracing and "trace_pipe" in tracing,
               f"diodls tracing gave {tracing}")
        long_listing = diod_tool("diodls", relay, "-l", "workloads")
        expect("run" in long_listing and "--w-------" in long_listing,
               f"diodls -l workloads gave {long_listing!r}")
        tracers = diod_tool("diodcat", relay, "tracing/available_tracers").split()
        expect("nop" in tracers and "function" in tracers, f"available_tracers gave {tracers}")
        available = diod_tool("diodcat", relay, "workloads/available").split()
        expect(available == ["alloc", "pingpong", "ramfs", "timers", "priority", "preempt_delay",
                             "irq_delay"], f"workloads/available gave {available}")
    finally:
        relay.close()
    # Our own client still gets a fresh session after diod's connections.
    client, root = session(guest)
    expect(client.read_file(root, "tracing/current_tracer") == "nop\n", "after diod")
    client.close()


TESTS = {"protocol": test_protocol, "workloads": test_workloads, "diod": test_diod}

if __name__ == "__main__":
    run(TESTS[sys.argv[2]], sys.argv[1])
