"""tracectl end to end: the real kernel under QEMU, the gateway supervising it.

Records an allocator run with function_graph into a trace.dat and profiles the file (and,
where Debian's trace-cmd is installed, reads it with `trace-cmd report` too); extracts the
buffers as they are; then each verb's error cases (gateway down, bad tracer, bad function,
bad option) with their exit codes.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "httpd"))
from test_e2e import KERNEL, Guest  # noqa: E402
from test_gateway import free_port  # noqa: E402

TRACECTL = os.environ.get("TRACEGATE_TRACECTL", "tracectl")
TRACE_CMD = shutil.which("trace-cmd")
TRACE_DAT_MAGIC = b"\x17\x08\x44tracing"
SUMMARY = re.compile(r"^(?P<file>.+): (?P<events>\d+) events, (?P<bytes>\d+) bytes, "
                     r"(?P<lost>\d+) lost, [\d.]+ s$", re.M)
# trace-cmd report: "COMM-PID [CPU] SECS.USECS: funcgraph_entry: DURATION |  TEXT".
TRACE_CMD_GRAPH_ENTRY = re.compile(r"\[\d{3}\]\s+\d+\.\d{6}: funcgraph_entry:.*\|\s+(?P<text>\S.*)$")


def tracectl(url, *args):
    result = subprocess.run([TRACECTL, "--url", url, *args], capture_output=True, text=True,
                            timeout=300)
    return result.returncode, result.stdout, result.stderr


@unittest.skipUnless(KERNEL and os.path.exists(KERNEL), "no kernel built")
class Tracectl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.guest = Guest()
        cls.dir = tempfile.mkdtemp(prefix="tracectl-e2e-")

    @classmethod
    def tearDownClass(cls):
        cls.guest.stop()

    def tearDown(self):
        tracectl(self.guest.base, "reset")

    def record_alloc(self, name):
        out = os.path.join(self.dir, name)
        code, _, err = tracectl(self.guest.base, "record", "-p", "function_graph",
                                "-l", "kmalloc*", "-w", "alloc 1000", "-o", out)
        self.assertEqual(code, 0, err)
        summary = SUMMARY.search(err)
        self.assertTrue(summary, err)  # the one-line summary
        self.assertEqual(summary.group("file"), out)
        self.assertGreater(int(summary.group("events")), 0)
        self.assertEqual(summary.group("lost"), "0")
        with open(out, "rb") as dat:
            self.assertEqual(dat.read(len(TRACE_DAT_MAGIC)), TRACE_DAT_MAGIC)
        return out

    def test_record_then_profile_counts_every_kmalloc_of_the_run(self):
        out = self.record_alloc("alloc.dat")
        code, profile, err = tracectl(self.guest.base, "report", "--profile", "-i", out)
        self.assertEqual(code, 0, err)
        rows = {line.split()[0]: line.split() for line in profile.splitlines()[2:]}
        self.assertIn("kmalloc", rows)
        # alloc N allocates N blocks with kmalloc, plus its cache's own descriptor.
        self.assertEqual(int(rows["kmalloc"][1]), 1001)
        code, _, _ = tracectl(self.guest.base, "stat")
        self.assertEqual(code, 0)

    def test_recorded_trace_dat_prints_as_function_graph_text(self):
        out = self.record_alloc("text.dat")
        code, text, err = tracectl(self.guest.base, "report", "-i", out)
        self.assertEqual(code, 0, err)
        self.assertTrue(text.startswith("# tracer: function_graph\n"), text[:200])
        calls = [line for line in text.splitlines()
                 if re.search(r"\|\s+kmalloc\(\)(;| \{)$", line)]
        self.assertEqual(len(calls), 1001)
        code, only_kmalloc, err = tracectl(self.guest.base, "report", "-F", "kmalloc", "-i", out)
        self.assertEqual(code, 0, err)
        names = re.findall(r"\|\s+([\w:]+)\(\)", only_kmalloc)
        self.assertEqual(len(names), 1001)
        self.assertEqual(set(names), {"kmalloc"})

    @unittest.skipUnless(TRACE_CMD, "trace-cmd is not installed (scripts/setup installs it)")
    def test_recorded_trace_dat_reads_in_trace_cmd(self):
        out = self.record_alloc("trace-cmd.dat")
        result = subprocess.run([TRACE_CMD, "report", "-i", out], capture_output=True,
                                text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        entries = [m.group("text").strip() for m in
                   map(TRACE_CMD_GRAPH_ENTRY.search, result.stdout.splitlines()) if m]
        self.assertEqual(sum(1 for e in entries if e in ("kmalloc();", "kmalloc() {")), 1001)

    def test_extract_saves_the_buffers_as_they_are(self):
        self.assertEqual(tracectl(self.guest.base, "start", "-p", "function", "-l", "kmalloc")[0],
                         0)
        self.assertEqual(self.guest.put("/workloads/run", "alloc 20")[0], 204)
        self.assertEqual(tracectl(self.guest.base, "stop")[0], 0)
        out = os.path.join(self.dir, "extract.dat")
        code, _, err = tracectl(self.guest.base, "extract", "-o", out)
        self.assertEqual(code, 0, err)
        self.assertIn(out + ": ", err)
        code, profile, err = tracectl(self.guest.base, "report", "--profile", "-i", out)
        self.assertEqual(code, 0, err)
        rows = {line.split()[0]: line.split() for line in profile.splitlines()[2:]}
        self.assertEqual(int(rows["kmalloc"][1]), 21)

    def test_bad_tracer_names_the_gateways_error(self):
        code, _, err = tracectl(self.guest.base, "start", "-p", "bogus")
        self.assertEqual(code, 1)
        self.assertIn("current_tracer = 'bogus': EINVAL: Invalid argument", err)

    def test_bad_function_names_the_gateways_error(self):
        for verb in ("start", "record"):
            args = [verb, "-p", "function", "-l", "no_such_function_*"]
            if verb == "record":
                args += ["-w", "alloc 10", "-o", os.path.join(self.dir, "bad.dat")]
            code, _, err = tracectl(self.guest.base, *args)
            self.assertEqual(code, 1, verb)
            self.assertIn("set_ftrace_filter = 'no_such_function_*': EINVAL", err)

    def test_bad_workload_fails_the_record(self):
        code, _, err = tracectl(self.guest.base, "record", "-p", "function", "-l", "kmalloc",
                                "-w", "no_such_workload", "-o", os.path.join(self.dir, "w.dat"))
        self.assertEqual(code, 1)
        self.assertIn("EINVAL", err)

    def test_start_stop_show_and_reset(self):
        self.assertEqual(tracectl(self.guest.base, "start", "-p", "function", "-l", "kmalloc")[0],
                         0)
        self.assertEqual(self.guest.put("/workloads/run", "alloc 5")[0], 204)
        self.assertEqual(tracectl(self.guest.base, "stop")[0], 0)
        code, text, _ = tracectl(self.guest.base, "show")
        self.assertEqual(code, 0)
        self.assertIn("kmalloc <-", text)
        self.assertEqual(tracectl(self.guest.base, "start", "-p", "nop", "-B", "e2e")[0], 0)
        self.assertEqual(tracectl(self.guest.base, "reset")[0], 0)
        self.assertEqual(self.guest.get("/tracing/current_tracer")[1], "nop\n")
        self.assertNotIn("e2e", self.guest.get("/tracing/instances/")[1])

    def test_list_shows_tracers_and_matching_functions(self):
        code, text, _ = tracectl(self.guest.base, "list", "-t")
        self.assertEqual(code, 0)
        self.assertIn("function_graph", text)
        code, text, _ = tracectl(self.guest.base, "list", "-f", "kmem_cache_*")
        self.assertEqual(code, 0)
        self.assertIn("kmem_cache_alloc", text.split())
        self.assertNotIn("kmalloc", text.split())


class Offline(unittest.TestCase):
    def test_every_verb_reports_an_unreachable_gateway(self):
        url = "http://127.0.0.1:%d" % free_port()
        for args in (["list"], ["start", "-p", "nop"], ["stop"], ["restart"], ["reset"],
                     ["show"], ["stat"], ["record", "-p", "nop", "--duration", "1", "-o",
                                          os.path.join(tempfile.mkdtemp(), "t.dat")],
                     ["extract", "-o", os.path.join(tempfile.mkdtemp(), "e.dat")]):
            code, _, err = tracectl(url, *args)
            self.assertEqual(code, 1, args)
            self.assertIn("cannot reach the gateway at " + url, err, args)

    def test_bad_options_exit_2_with_usage(self):
        for args in (["start"], ["start", "-p"], ["record", "-p", "nop"], ["list", "-x"],
                     ["report", "--sort", "nonsense"], ["nonsense"]):
            code, _, err = tracectl("http://127.0.0.1:1", *args)
            self.assertEqual(code, 2, args)
            self.assertTrue(err, args)

    def test_help_for_each_verb(self):
        for verb in ("list", "start", "stop", "restart", "reset", "show", "stat", "record",
                     "report", "extract"):
            code, text, _ = tracectl("http://127.0.0.1:1", verb, "--help")
            self.assertEqual(code, 0)
            self.assertTrue(text.startswith("tracectl " + verb), verb)

    def test_record_to_an_unwritable_file_names_it(self):
        code, _, err = tracectl("http://127.0.0.1:1", "record", "-p", "nop", "--duration", "1",
                                "-o", "/nonexistent/t.dat")
        self.assertEqual(code, 1)
        self.assertIn("/nonexistent/t.dat", err)

    def test_report_of_a_truncated_trace_dat_names_it(self):
        path = os.path.join(tempfile.mkdtemp(), "cut.dat")
        with open(path, "wb") as dat:
            dat.write(TRACE_DAT_MAGIC + b"6\0\0\x08")
        code, _, err = tracectl("http://127.0.0.1:1", "report", "-i", path)
        self.assertEqual(code, 1)
        self.assertIn(path + ": not a readable trace.dat", err)

    def test_report_of_a_missing_file_names_it(self):
        code, _, err = tracectl("http://127.0.0.1:1", "report", "-i", "/nonexistent.txt")
        self.assertEqual(code, 1)
        self.assertIn("/nonexistent.txt", err)


if __name__ == "__main__":
    unittest.main()
