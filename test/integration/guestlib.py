"""Helpers shared by the QEMU integration tests: boot a guest through scripts/guest, read
its serial log, and fail with the log attached when something is off."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUEST = os.path.join(ROOT, "scripts", "guest")


class TestFailure(Exception):
    pass


class Guest:
    """One QEMU guest in its own run directory, started in the background."""

    def __init__(self, kernel, append="", smp=2, timeout=120):
        self.rundir = tempfile.mkdtemp(prefix="tracegate-test-")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [GUEST, "--kernel", kernel, "--smp", str(smp), "--accel", "tcg",
             "--rundir", self.rundir, "--timeout", str(timeout), "--append", append],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.env = self._read_env()
        self.timeout = timeout

    def _read_env(self):
        env = {}
        for line in self.process.stdout:
            key, _, value = line.strip().partition("=")
            env[key] = value
            if key == "smp":
                break
        return env

    @property
    def log_path(self):
        return os.path.join(self.rundir, "serial.log")

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_for_log(self, pattern, timeout):
        """Waits until `pattern` (a regex) appears in the serial log; returns the match."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log(), re.M)
            if match:
                return match
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        match = re.search(pattern, self.log(), re.M)
        if match:
            return match
        raise TestFailure(f"'{pattern}' never appeared in the serial log")

    def wait(self):
        """Waits for QEMU to exit (scripts/guest enforces the hard timeout)."""
        try:
            status = self.process.wait(timeout=self.timeout + 30)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TestFailure("scripts/guest outlived its own timeout")
        self.process.stdout.read()
        return status

    def kill(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.rundir, ignore_errors=True)


def expect(condition, message):
    if not condition:
        raise TestFailure(message)


def run(test, *args):
    """Runs test(*args, guests) and exits 0/1, printing the serial logs on failure."""
    guests = []
    try:
        test(*args, guests)
    except TestFailure as failure:
        print(f"FAIL: {failure}")
        for guest in guests:
            print(f"--- serial log ({guest.rundir}) ---")
            print(guest.log()[-20000:])
        sys.exit(1)
    finally:
        for guest in guests:
            guest.cleanup()
    print("PASS")
