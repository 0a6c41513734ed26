"""trace_pipe formatted by the gateway from raw pages: the same text as the guest's own.

The real kernel under QEMU, the gateway supervising it, curl. With the function tracer, a
buffer filled by a workload is read twice: `trace` (the guest formats it, never consumes),
then `trace_pipe` (the gateway formats it from per_cpu/cpuN/trace_pipe_raw). The lines must
be the same, byte for byte; the gateway's metrics say which path served the stream. While a
stream is open, a changed option, a page size and an option only the guest can print
(sym-offset) apply to the lines read after the change.
"""
import os
import re
import subprocess
import sys
import time
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

    def open_pipe(self, seconds):
        """A client of trace_pipe in the background, hanging up after `seconds`."""
        stream = subprocess.Popen(["curl", "-s", "-N", "-m", str(seconds),
                                   self.guest.url("/tracing/trace_pipe")],
                                  stdout=subprocess.PIPE, text=True)
        time.sleep(1)  # the stream is open and has looked at the buffer
        return stream

    def marker(self, text):
        self.assertEqual(self.guest.put("/tracing/trace_marker", text)[0], 204)
        time.sleep(1)  # read by the stream before anything else changes

    def test_an_option_changed_while_streaming_applies_to_later_lines(self):
        # As the guest's trace_pipe, which formats each read with the options of the moment.
        before = self.guest.metric("tracegate_host_text_streams_total")
        stream = self.open_pipe(seconds=8)
        try:
            self.marker("with-irq-info")
            self.assertEqual(self.guest.put("/tracing/trace_options", "noirq-info")[0], 204)
            self.marker("without-irq-info")
            lines = body_lines(stream.communicate()[0])
        finally:
            self.guest.put("/tracing/trace_options", "irq-info")
        self.assertEqual(self.guest.metric("tracegate_host_text_streams_total"), before + 1)
        context = r"^ +\S+-\d+ +\[\d{3}\] "
        self.assertEqual(len(lines), 2, lines)
        self.assertRegex(lines[0], context + r"[.dDbX][.nNp][.hHsSzZ][.\d][.\d] +\d+\.\d{6}: "
                         r"tracing_mark_write: with-irq-info$")
        self.assertRegex(lines[1], context + r" +\d+\.\d{6}: tracing_mark_write: without-irq-info$")

    def test_an_option_the_host_cannot_print_hands_the_stream_to_the_guest(self):
        # The host has no symbol sizes: with sym-offset on, the guest formats the rest.
        for path, body in (("set_ftrace_filter", "kmalloc"), ("current_tracer", "function"),
                           ("trace", "")):
            self.assertEqual(self.guest.put("/tracing/" + path, body)[0], 204)
        stream = self.open_pipe(seconds=8)
        try:
            self.assertEqual(self.guest.put("/workloads/run", "alloc 1")[0], 204)
            time.sleep(1)
            self.assertEqual(self.guest.put("/tracing/trace_options", "sym-offset")[0], 204)
            time.sleep(1)
            self.assertEqual(self.guest.put("/workloads/run", "alloc 1")[0], 204)
            lines = body_lines(stream.communicate()[0])
        finally:
            self.guest.put("/tracing/trace_options", "nosym-offset")
            self.guest.put("/tracing/set_ftrace_filter", "")
        plain = [line for line in lines if re.search(r": kmalloc <-\w+$", line)]
        offsets = [line for line in lines
                   if re.search(r": kmalloc\+0x0/0x[0-9a-f]+ <-\w+\+0x[0-9a-f]+/0x[0-9a-f]+$", line)]
        self.assertTrue(plain, lines)
        self.assertTrue(offsets, lines)
        self.assertEqual(len(plain) + len(offsets), len(lines), lines)
        self.assertLess(lines.index(plain[-1]), lines.index(offsets[0]))

    def test_pages_of_a_new_sub_buffer_size_are_read_whole(self):
        stream = self.open_pipe(seconds=8)
        try:
            self.marker("four-kib-pages")
            self.assertEqual(self.guest.put("/tracing/buffer_subbuf_size_kb", "8")[0], 204)
            time.sleep(1)
            # Linux's longest write, one event only in a page larger than 4 KiB: read as
            # 4 KiB pages, the page would not decode.
            long_marker = "eight-kib-pages-".ljust(4096, "x")
            self.marker(long_marker)
            lines = body_lines(stream.communicate()[0])
        finally:
            self.guest.put("/tracing/buffer_subbuf_size_kb", "4")
        texts = [re.sub(r"^.*tracing_mark_write: ", "", line) for line in lines]
        self.assertEqual(texts, ["four-kib-pages", long_marker])


if __name__ == "__main__":
    unittest.main()
