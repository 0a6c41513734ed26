"""trace_pipe formatted by the gateway from raw pages: the same text as the guest's own.

The real kernel under QEMU, the gateway supervising it, curl. With the function tracer, a
buffer filled by a workload is read twice: `trace` (the guest formats it, never consumes),
then `trace_pipe` (the gateway formats it from per_cpu/cpuN/trace_pipe_raw). The lines must
be the same, byte for byte; the gateway's metrics say which path served the stream.
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_e2e import KERNEL, Guest  # noqa: E402


def body_lines(text):
    return [line for line in text.split("\n") if line and not line.startswith("#")]


@unittest.skipUnless(KERNEL and os.path.exists(KERNEL), "no kernel built")
class HostText(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.guest = Guest()

    @classmethod
    def tearDownClass(cls):
        cls.guest.stop()

    def setUp(self):
        for path, body in (("current_tracer", "nop"), ("trace", ""), ("tracing_on", "1")):
            self.assertEqual(self.guest.put("/tracing/" + path, body)[0], 204)

    def pipe(self, seconds=5):
        """What a client of trace_pipe receives until it hangs up after `seconds`."""
        result = subprocess.run(["curl", "-s", "-N", "-m", str(seconds),
                                 self.guest.url("/tracing/trace_pipe")],
                                capture_output=True, text=True)
        return result.stdout

    def fill(self, workload):
        self.assertEqual(self.guest.put("/tracing/current_tracer", "function")[0], 204)
        self.assertEqual(self.guest.put("/workloads/run", workload)[0], 204)
        self.assertEqual(self.guest.put("/tracing/tracing_on", "0")[0], 204)

    def test_function_events_are_the_guests_text(self):
        self.fill("alloc 200")
        status, guest_text = self.guest.get("/tracing/trace")
        self.assertEqual(status, 200)
        want = body_lines(guest_text)
        self.assertGreater(len(want), 1000)
        before = self.guest.metric("tracegate_host_text_streams_total")
        got = body_lines(self.pipe())
        self.assertEqual(self.guest.metric("tracegate_host_text_streams_total"), before + 1)
        self.assertEqual(len(got), len(want))
        for number, (line, expected) in enumerate(zip(got, want)):
            self.assertEqual(line, expected, "line %d" % (number + 1))

    def test_options_reach_the_host_formatter(self):
        self.assertEqual(self.guest.put("/tracing/trace_options", "noprint-parent")[0], 204)
        self.assertEqual(self.guest.put("/tracing/trace_options", "irq-info")[0], 204)
        try:
            self.fill("ramfs 5")
            want = body_lines(self.guest.get("/tracing/trace")[1])
            self.assertEqual(body_lines(self.pipe()), want)
        finally:
            self.guest.put("/tracing/trace_options", "print-parent")

    def test_graph_tracer_is_still_formatted_by_the_guest(self):
        self.assertEqual(self.guest.put("/tracing/current_tracer", "function_graph")[0], 204)
        self.assertEqual(self.guest.put("/tracing/trace_marker", "graph")[0], 204)
        before = self.guest.metric("tracegate_host_text_streams_total")
        self.assertIn("/* graph */", self.pipe(seconds=3))
        self.assertEqual(self.guest.metric("tracegate_host_text_streams_total"), before)


if __name__ == "__main__":
    unittest.main()
