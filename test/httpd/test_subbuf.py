"""Sub-buffers larger than a page (buffer_subbuf_size_kb) on the real kernel under QEMU.

For 8 and 32 KiB: the file reads the size back, events/header_page gives the data size, and a
6000-byte trace_marker write (longer than a 4 KiB page holds) comes back whole from `trace`
(split where Linux splits a write, at 4096 bytes), from per_cpu/cpuN/trace_pipe_raw (pages of
the new size, decoded here as libtraceevent reads them) and from trace_pipe formatted by the
gateway from those raw pages (the same bytes as the guest's own `trace`).
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
from test_e2e import KERNEL, Guest  # noqa: E402
import raw_pages  # noqa: E402

PRINT_ID = 5  # events/ftrace/print
PRINT_TEXT = 16  # its buf field's offset
MARKER = "".join(chr(ord("a") + i % 26) for i in range(6000))


def body_lines(text):
    return [line for line in text.split("\n") if line and not line.startswith("#")]


def marker_texts(lines):
    return [line.split("tracing_mark_write: ", 1)[1] for line in lines
            if "tracing_mark_write: " in line]


def raw_prints(data, page_size):
    """(time stamp, text) of the ftrace/print events in Linux raw pages of `page_size` bytes."""
    return [(time, payload[PRINT_TEXT:].split(b"\0", 1)[0].decode())
            for time, event, payload in raw_pages.decode_pages(data, page_size)
            if event == PRINT_ID]


@unittest.skipUnless(KERNEL and os.path.exists(KERNEL), "no kernel built")
class SubBuffers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.guest = Guest()

    @classmethod
    def tearDownClass(cls):
        cls.guest.put("/tracing/buffer_subbuf_size_kb", "4")
        cls.guest.stop()

    def put(self, path, body):
        self.assertEqual(self.guest.put("/tracing/" + path, body), (204, ""), path)

    def setUp(self):
        self.put("current_tracer", "nop")
        self.put("tracing_on", "1")

    def write_marker(self, kb):
        """Clears the buffer at `kb` KiB sub-buffers and writes MARKER into it."""
        self.put("buffer_subbuf_size_kb", str(kb))
        self.put("trace", "")
        self.put("trace_marker", MARKER)

    def cpus(self):
        status, listing = self.guest.get("/tracing/per_cpu/")
        self.assertEqual(status, 200)
        return [name.rstrip("/") for name in listing.split()]

    def raw(self, cpu):
        result = subprocess.run(
            ["curl", "-s", "-f", self.guest.url("/tracing/per_cpu/%s/trace_pipe_raw?nonblock=1"
                                                % cpu)],
            capture_output=True, timeout=120)
        return result.stdout

    def host_pipe(self):
        result = subprocess.run(["curl", "-s", "-N", "-m", "5",
                                 self.guest.url("/tracing/trace_pipe")],
                                capture_output=True, text=True)
        return result.stdout

    def test_sizes_read_back_and_describe_the_page(self):
        for kb in (8, 32):
            with self.subTest(kb=kb):
                self.put("buffer_subbuf_size_kb", str(kb))
                self.assertEqual(self.guest.get("/tracing/buffer_subbuf_size_kb"),
                                 (200, "%d\n" % kb))
                status, header = self.guest.get("/tracing/events/header_page")
                self.assertEqual(status, 200)
                self.assertIn("\tfield: char data;\toffset:16;\tsize:%d;\tsigned:0;\n"
                              % (kb * 1024 - 16), header)

    def test_a_long_marker_reads_back_from_trace(self):
        for kb in (8, 32):
            with self.subTest(kb=kb):
                self.write_marker(kb)
                status, text = self.guest.get("/tracing/trace")
                self.assertEqual(status, 200)
                texts = marker_texts(body_lines(text))
                # Linux's largest write is 4096 bytes; at 4 KiB sub-buffers only 4054 fit.
                self.assertEqual([len(t) for t in texts], [4096, 1904])
                self.assertEqual("".join(texts), MARKER)

    def test_a_long_marker_reads_back_from_raw_pages_of_the_new_size(self):
        for kb in (8, 32):
            with self.subTest(kb=kb):
                self.write_marker(kb)
                prints = []
                for cpu in self.cpus():
                    data = self.raw(cpu)
                    self.assertEqual(len(data) % (kb * 1024), 0, cpu)
                    prints += raw_prints(data, kb * 1024)
                # The two writes may run on different CPUs: in the order they were written.
                texts = [text for _, text in sorted(prints)]
                self.assertEqual([len(t) for t in texts], [4097, 1905])  # with the newline
                self.assertEqual("".join(t.rstrip("\n") for t in texts), MARKER)

    def test_the_gateways_text_from_raw_pages_is_the_guests(self):
        for kb in (8, 32):
            with self.subTest(kb=kb):
                self.write_marker(kb)
                for _ in range(3):
                    self.put("trace_marker", "after %d" % kb)
                want = body_lines(self.guest.get("/tracing/trace")[1])
                self.assertEqual(len(marker_texts(want)), 5)
                before = self.guest.metric("tracegate_host_text_streams_total")
                got = body_lines(self.host_pipe())
                self.assertEqual(self.guest.metric("tracegate_host_text_streams_total"),
                                 before + 1, "the gateway formatted the stream")
                self.assertEqual(got, want)


if __name__ == "__main__":
    unittest.main()
