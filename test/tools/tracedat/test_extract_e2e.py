"""End to end: tracectl-extract against the real kernel under QEMU, read by trace-cmd.

The gateway supervises the kernel as in test/httpd/test_e2e.py. A function trace of
`alloc 200` is read as the guest's own `trace` text (which does not consume), then extracted
into a trace.dat (which does), and Debian's `trace-cmd report` must show the same events: the
same functions, callers, tasks and CPUs, as many times each; in both file versions. Skipped, saying why, without a
kernel or without trace-cmd (scripts/setup installs it).
"""
import collections
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
sys.path.insert(0, os.path.join(ROOT, "test", "httpd"))
import tracecheck  # noqa: E402
from test_e2e import KERNEL, Guest, curl  # noqa: E402

EXTRACT = os.environ.get("TRACEGATE_EXTRACT", "tracectl-extract")
TRACE_CMD = shutil.which("trace-cmd")

# trace-cmd report -O parent: "COMM-PID [CPU] SECS.USECS: function: <indent>FUNC <-- PARENT".
REPORT_FUNCTION = re.compile(
    r"^\s*(?P<comm>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d{3})\]\s+\d+\.\d{6}: function:\s+"
    r"(?P<function>\S+) <-- (?P<parent>\S+)$")
# trace-cmd report: "COMM-PID [CPU] SECS.USECS: funcgraph_entry|exit: DURATION |  TEXT".
REPORT_GRAPH = re.compile(
    r"^\s*.+?-\d+\s+\[(?P<cpu>\d{3})\]\s+\d+\.\d{6}: funcgraph_(?:entry|exit):\s+"
    r"(?P<duration>.*?)\|  (?P<text>.*)$")
DURATION = re.compile(r"(\d+)\.(\d+) us")
TAIL_COMMENT = re.compile(r"^\} /\* .* \*/$")
REPORT_PRINT = re.compile(r"^(?P<buffer>\S+): .* print: +(?P<ip>\S+): (?P<text>.*)$")


def graph_step(cpu, duration, text):
    """A function_graph line as both tools print it. Linux (and the guest) names the function
    after a closing brace whose entry it did not show, keeps a duration within 8 characters
    (two decimals over 10 ms, one over 100 ms) and marks it '*' or '@' past 10 ms and 100 ms;
    trace-cmd 3.1's plugin does none of that. Compared: the digits Linux keeps."""
    text = text.rstrip()
    if TAIL_COMMENT.match(text.strip()):
        text = text[:len(text) - len(text.lstrip())] + "}"
    match = DURATION.search(duration)
    if not match:
        return (int(cpu), "", text)
    whole, fraction = match.groups()
    return (int(cpu), whole + "." + fraction[:max(0, min(3, 7 - len(whole)))], text)


def guest_graph_steps(text):
    steps = []
    for line in text.splitlines():
        match = tracecheck.GRAPH_LINE.match(line)
        if match and "==========" not in line:
            steps.append(graph_step(match.group("cpu"), match.group("duration"),
                                    match.group("indent") + match.group("text")))
    return steps


def report_graph_steps(report, cpu):
    """One CPU's function_graph lines from trace-cmd report. Its plugin folds an entry and its
    exit into a leaf `f();` only when the exit is the next record of the whole merged trace;
    Linux (and the guest) look at the same CPU's next record. So a leaf whose exit another
    CPU's event came before shows as `f() {` / `}` here: fold those back."""
    steps = [graph_step(m.group("cpu"), m.group("duration"), m.group("text"))
             for m in map(REPORT_GRAPH.match, report.splitlines()) if m]
    folded = []
    for step in (s for s in steps if s[0] == cpu):
        previous = folded[-1] if folded else None
        if (previous and previous[2].endswith("() {") and not previous[1]
                and step[2] == previous[2][:len(previous[2]) - len(previous[2].lstrip())] + "}"):
            folded[-1] = (cpu, step[1], previous[2][:-2] + ";")
        else:
            folded.append(step)
    return folded


def event_key(record):
    return (int(record["cpu"]), record["comm"].strip(), int(record["pid"]), record["function"],
            record["parent"])


@unittest.skipUnless(KERNEL and os.path.exists(KERNEL), "no kernel built")
@unittest.skipUnless(TRACE_CMD, "trace-cmd is not installed (scripts/setup installs it)")
class Extract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.guest = Guest()
        cls.dir = tempfile.mkdtemp(prefix="tracedat-e2e-")

    @classmethod
    def tearDownClass(cls):
        status, _ = cls.guest.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert status == 0, "gateway exit status %d" % status

    def setUp(self):
        self.assertEqual(self.guest.put("/tracing/current_tracer", "nop")[0], 204)
        self.assertEqual(self.guest.put("/tracing/tracing_on", "1")[0], 204)
        self.assertEqual(self.guest.put("/tracing/trace", "")[0], 204)

    def extract(self, name, version=6):
        path = os.path.join(self.dir, name)
        result = subprocess.run([EXTRACT, "--url", self.guest.base, "-o", path,
                                 "--file-version", str(version)],
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return path

    def report(self, path, *args):
        result = subprocess.run([TRACE_CMD, "report", *args, "-i", path],
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_function_trace_of_alloc_reads_in_trace_cmd_as_in_the_guests_text(self):
        for version in (6, 7):
            with self.subTest(file_version=version):
                self.check_function_trace_of_alloc(version)

    def check_function_trace_of_alloc(self, version):
        self.assertEqual(self.guest.put("/tracing/trace", "")[0], 204)
        self.assertEqual(self.guest.put("/tracing/tracing_on", "1")[0], 204)
        self.assertEqual(self.guest.put("/tracing/current_tracer", "function"), (204, ""))
        try:
            self.assertEqual(self.guest.put("/workloads/run", "alloc 200"), (204, ""))
            self.assertEqual(self.guest.put("/tracing/tracing_on", "0")[0], 204)
            status, text = self.guest.get("/tracing/trace")
            self.assertEqual(status, 200)
            path = self.extract("alloc-v%d.dat" % version, version)
            self.assertEqual(self.guest.get("/tracing/tracing_on"), (200, "0\n"),
                             "a stopped buffer stays stopped")
        finally:
            self.guest.put("/tracing/tracing_on", "1")
            self.guest.put("/tracing/current_tracer", "nop")
        expected = collections.Counter(map(event_key, tracecheck.parse_function_trace(text)))
        self.assertGreater(sum(expected.values()), 200, "too few events to compare")
        report = self.report(path, "-O", "parent")
        seen = collections.Counter(
            event_key(m.groupdict()) for m in map(REPORT_FUNCTION.match, report.splitlines())
            if m)
        self.assertEqual(sum(seen.values()), sum(expected.values()))
        self.assertEqual(seen, expected)

    def test_function_graph_reads_with_the_same_calls_nesting_and_durations(self):
        # Not the idle tasks: both are pid 0, and trace-cmd 3.1's plugin takes the next record
        # of the merged trace as a leaf's return when pid and function match, even from the
        # other CPU (later trace-cmd checks the CPU too), so it pairs one idle task's
        # __schedule entry with the other's return.
        self.assertEqual(self.guest.put("/tracing/set_ftrace_notrace_pid", "0"), (204, ""))
        self.assertEqual(self.guest.put("/tracing/current_tracer", "function_graph"), (204, ""))
        try:
            self.assertEqual(self.guest.put("/workloads/run", "alloc 5"), (204, ""))
            self.assertEqual(self.guest.put("/tracing/tracing_on", "0")[0], 204)
            status, text = self.guest.get("/tracing/trace")
            self.assertEqual(status, 200)
            path = self.extract("graph.dat")
        finally:
            self.guest.put("/tracing/tracing_on", "1")
            self.guest.put("/tracing/current_tracer", "nop")
            self.guest.put("/tracing/set_ftrace_notrace_pid", "")
        expected = guest_graph_steps(text)
        self.assertTrue(any(step[2].strip() == "workload_run() {" for step in expected),
                        text[:2000])
        report = self.report(path)
        for cpu in (0, 1):
            self.assertEqual(report_graph_steps(report, cpu),
                             [s for s in expected if s[0] == cpu], "CPU %d" % cpu)

    def test_an_extract_while_recording_finishes_and_recording_resumes(self):
        # The extract's own requests are traced: without pausing, the raw read never ran dry.
        self.assertEqual(self.guest.put("/tracing/current_tracer", "function"), (204, ""))
        try:
            self.assertEqual(self.guest.put("/workloads/run", "alloc 20"), (204, ""))
            path = self.extract("recording.dat")
            self.assertEqual(self.guest.get("/tracing/tracing_on"), (200, "1\n"))
        finally:
            self.guest.put("/tracing/current_tracer", "nop")
        report = self.report(path, "-O", "parent")
        self.assertTrue(any(map(REPORT_FUNCTION.match, report.splitlines())), report[:2000])

    def test_a_second_extract_holds_no_events_the_first_took_them(self):
        self.assertEqual(self.guest.put("/tracing/trace_marker", "first"), (204, ""))
        first = self.report(self.extract("first.dat"))
        second = self.report(self.extract("second.dat"))
        self.assertIn("first", first)
        self.assertEqual(second.strip(), "cpus=2")

    def test_16k_sub_buffers_read_in_trace_cmd(self):
        """trace.dat's page size is the sub-buffer size, so trace-cmd steps through the pages."""
        self.assertEqual(self.guest.put("/tracing/buffer_subbuf_size_kb", "16"), (204, ""))
        try:
            for version in (6, 7):
                with self.subTest(file_version=version):
                    self.check_function_trace_of_alloc(version)
                    with open(os.path.join(self.dir, "alloc-v%d.dat" % version), "rb") as dat:
                        head = dat.read(18)
                    self.assertEqual(head[3:10], b"tracing")
                    self.assertEqual(struct.unpack_from("<I", head, 14)[0], 16384)
        finally:
            self.guest.put("/tracing/buffer_subbuf_size_kb", "4")

    def test_an_instance_is_a_buffer_of_its_own(self):
        for version in (6, 7):
            with self.subTest(file_version=version):
                self.check_instance(version)

    def check_instance(self, version):
        self.assertEqual(self.guest.put("/tracing/instances/tracedat/", "")[0], 204)
        try:
            self.assertEqual(self.guest.put("/tracing/instances/tracedat/trace_marker",
                                            "in the instance"), (204, ""))
            self.assertEqual(self.guest.put("/tracing/trace_marker", "at the top"), (204, ""))
            report = self.report(self.extract("instance-v%d.dat" % version, version))
        finally:
            curl("-X", "DELETE", self.guest.url("/tracing/instances/tracedat/"))
        prints = [m.groupdict() for m in map(REPORT_PRINT.match, report.splitlines()) if m]
        self.assertIn(("tracedat", "in the instance"), [(p["buffer"], p["text"]) for p in prints])
        # The print event's ip names the marker writer as Linux's does.
        self.assertEqual({p["ip"] for p in prints}, {"tracing_mark_write"})
        self.assertIn("at the top", report)
        self.assertNotIn(("tracedat", "at the top"), [(p["buffer"], p["text"]) for p in prints])

    def test_stats_and_clock_reach_the_file(self):
        path = self.extract("stats.dat")
        self.assertIn("CPU: 0\nentries: 0\n", self.report(path, "--stat"))
        _, clock = self.guest.get("/tracing/trace_clock")
        result = subprocess.run([TRACE_CMD, "dump", "--options", "-i", path],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("[Option TRACECLOCK", result.stdout)
        self.assertIn(clock.strip(), result.stdout)


if __name__ == "__main__":
    unittest.main()
