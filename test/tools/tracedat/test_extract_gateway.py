"""tracectl-extract against the gateway with tracegate-hostguest playing the guest.

No QEMU: the host guest serves the real tracefs tree (raw pages included) over 9P, as
test/httpd/test_gateway.py uses it. Markers written to the top buffer and to an instance
must come out of `trace-cmd report` under the right buffer in both file versions; recording
is paused for the read and resumed; failures exit non-zero, say why, and write no file.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "httpd"))
from test_gateway import Gateway  # noqa: E402

EXTRACT = os.environ.get("TRACEGATE_EXTRACT", "tracectl-extract")
TRACE_CMD = shutil.which("trace-cmd")
PRINT = re.compile(r"^(?:(?P<buffer>\S+): )?\s*\S.*\[\d{3}\].* print: +\S+: (?P<text>.*)$")


class Extract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gateway = Gateway()
        cls.gateway.start_guest()
        cls.dir = tempfile.mkdtemp(prefix="tracedat-gateway-")

    @classmethod
    def tearDownClass(cls):
        cls.gateway.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def put(self, path, body):
        status, text, _ = self.gateway.request("PUT", path, body=body)
        self.assertEqual(status, 204, text)

    def get(self, path):
        return self.gateway.request("GET", path)[:2]

    def extract(self, name, *args, url=None):
        path = os.path.join(self.dir, name)
        result = subprocess.run(
            [EXTRACT, "--url", url or self.gateway.url(""), "-o", path, *args],
            capture_output=True, text=True, timeout=120)
        return path, result

    @unittest.skipUnless(TRACE_CMD, "trace-cmd is not installed (scripts/setup installs it)")
    def test_markers_of_the_top_buffer_and_an_instance_come_out_under_their_buffer(self):
        for version in ("6", "7"):
            with self.subTest(file_version=version):
                self.put("/tracing/instances/extract/", "")
                try:
                    self.put("/tracing/trace_marker", "top " + version)
                    self.put("/tracing/instances/extract/trace_marker", "instance " + version)
                    path, result = self.extract("markers.dat", "--file-version", version)
                finally:
                    self.gateway.request("DELETE", "/tracing/instances/extract/")
                self.assertEqual(result.returncode, 0, result.stderr)
                report = subprocess.run([TRACE_CMD, "report", "-i", path], capture_output=True,
                                        text=True, timeout=60)
                self.assertEqual(report.returncode, 0, report.stderr)
                prints = [(m.group("buffer"), m.group("text"))
                          for m in map(PRINT.match, report.stdout.splitlines()) if m]
                self.assertEqual(sorted(prints, key=str),
                                 sorted([(None, "top " + version),
                                         ("extract", "instance " + version)], key=str),
                                 report.stdout)

    def test_recording_is_paused_for_the_read_and_resumed_and_a_stopped_buffer_stays_stopped(self):
        self.put("/tracing/instances/stopped/", "")
        try:
            self.put("/tracing/instances/stopped/tracing_on", "0")
            _, result = self.extract("paused.dat")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(self.get("/tracing/tracing_on"), (200, "1\n"))
            self.assertEqual(self.get("/tracing/instances/stopped/tracing_on"), (200, "0\n"))
        finally:
            self.gateway.request("DELETE", "/tracing/instances/stopped/")

    def test_the_pages_are_consumed_and_the_stats_say_so(self):
        self.put("/tracing/trace_marker", "consumed")
        path, result = self.extract("first.dat", "--no-instances")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreater(os.path.getsize(path), 0)
        self.assertIn("\nentries: 0\n", "\n" + self.get("/tracing/per_cpu/cpu0/stats")[1])
        self.assertEqual(self.get("/tracing/trace_pipe?nonblock=1")[0], 204)

    def test_bad_arguments_exit_2_with_the_usage(self):
        _, result = self.extract("bad.dat", "--file-version", "5")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--file-version is 6 or 7", result.stderr)
        _, result = self.extract("bad.dat", "--bogus")
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage: tracectl-extract", result.stderr)

    def test_nothing_listening_exits_1_naming_the_url_and_writes_no_file(self):
        path, result = self.extract("nothing.dat", url="http://127.0.0.1:1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("http://127.0.0.1:1", result.stderr)
        self.assertFalse(os.path.exists(path))


class GuestDown(unittest.TestCase):
    def test_a_gateway_without_its_guest_exits_1_quoting_the_503_and_writes_no_file(self):
        gateway = Gateway()
        directory = tempfile.mkdtemp(prefix="tracedat-gateway-")
        try:
            path = os.path.join(directory, "down.dat")
            result = subprocess.run([EXTRACT, "--url", gateway.url(""), "-o", path],
                                    capture_output=True, text=True, timeout=120)
        finally:
            gateway.stop()
            shutil.rmtree(directory, ignore_errors=True)
        self.assertEqual(result.returncode, 1)
        self.assertIn("503", result.stderr)
        self.assertFalse(os.path.exists(path))


if __name__ == "__main__":
    unittest.main()
