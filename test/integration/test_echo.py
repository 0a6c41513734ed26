"""64 MiB of random data sent into the virtio-serial echo port (org.tracegate.echo, port 2)
comes back intact while the host reader is deliberately slow, and the guest reports the
host end opening and closing the port, including a reconnect."""

import hashlib
import os
import socket
import sys
import threading
import time

from guestlib import Guest, TestFailure, expect, run

TOTAL = 64 << 20
SEND_CHUNK = 1 << 20
READ_CHUNK = 64 << 10
READ_PAUSE_S = 0.0005        # after every read
STALL_EVERY = 8 << 20        # and a long stall this often, so every buffer fills up
STALL_S = 0.25
DEADLINE_S = 180


def connect(path, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise TestFailure(f"cannot connect to {path}")
            time.sleep(0.05)


def send_all(sock, data, errors):
    try:
        view = memoryview(data)
        for offset in range(0, len(data), SEND_CHUNK):
            sock.sendall(view[offset:offset + SEND_CHUNK])
    except OSError as error:
        errors.append(error)


def slow_receive(sock, total):
    digest = hashlib.sha256()
    received = 0
    next_stall = STALL_EVERY
    sock.settimeout(60)
    deadline = time.monotonic() + DEADLINE_S
    while received < total:
        if time.monotonic() > deadline:
            raise TestFailure(f"echo too slow: {received} of {total} bytes in {DEADLINE_S} s")
        try:
            chunk = sock.recv(min(READ_CHUNK, total - received))
        except socket.timeout:
            raise TestFailure(f"echo stalled after {received} bytes")
        if not chunk:
            raise TestFailure(f"echo socket closed after {received} bytes")
        digest.update(chunk)
        received += len(chunk)
        time.sleep(READ_PAUSE_S)
        if received >= next_stall:
            time.sleep(STALL_S)
            next_stall += STALL_EVERY
    return digest.hexdigest()


def test(kernel, guests):
    guest = Guest(kernel, append="", smp=2, timeout=300)
    guests.append(guest)
    guest.wait_for_log(r"echo: serving port 2 \(org.tracegate.echo\)", 60)

    data = os.urandom(TOTAL)
    sent_digest = hashlib.sha256(data).hexdigest()
    sock = connect(guest.env["echo_socket"])
    errors = []
    writer = threading.Thread(target=send_all, args=(sock, data, errors), daemon=True)
    started = time.monotonic()
    writer.start()
    received_digest = slow_receive(sock, TOTAL)
    writer.join(timeout=30)
    elapsed = time.monotonic() - started
    expect(not errors, f"writer failed: {errors}")
    expect(received_digest == sent_digest, "echoed bytes differ from the bytes sent (SHA-256)")
    print(f"echoed {TOTAL >> 20} MiB in {elapsed:.1f} s with a slow reader")
    sock.close()
    guest.wait_for_log(rf"echo: host disconnected after {TOTAL} bytes echoed", 30)

    # A second connection starts fresh: the guest saw the close and the new open.
    again = connect(guest.env["echo_socket"])
    again.settimeout(30)
    again.sendall(b"tracegate")
    reply = b""
    while len(reply) < 9:
        chunk = again.recv(9 - len(reply))
        expect(chunk, "no echo on the second connection")
        reply += chunk
    expect(reply == b"tracegate", f"second connection echoed {reply!r}")
    again.close()
    guest.wait_for_log(r"echo: host disconnected after 9 bytes echoed", 30)
    expect(guest.log().count("echo: host connected") == 2, "host connections not reported")


if __name__ == "__main__":
    run(test, sys.argv[1])
