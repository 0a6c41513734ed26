"""tracectl end to end: the real kernel under QEMU, the gateway supervising it.

Records an allocator run with function_graph and profiles the file; then each verb's
error cases (gateway down, bad tracer, bad function, bad option) with their exit codes.
"""
import os
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

    def test_record_then_profile_counts_every_kmalloc_of_the_run(self):
        out = os.path.join(self.dir, "alloc.txt")
        code, _, err = tracectl(self.guest.base, "record", "-p", "function_graph",
                                "-l", "kmalloc*", "-w", "alloc 1000", "-o", out)
        self.assertEqual(code, 0, err)
        self.assertIn(out + ":", err)  # the one-line summary
        code, profile, err = tracectl(self.guest.base, "report", "--profile", "-i", out)
        self.assertEqual(code, 0, err)
        rows = {line.split()[0]: line.split() for line in profile.splitlines()[2:]}
        self.assertIn("kmalloc", rows)
        # alloc N allocates N blocks with kmalloc, plus its cache's own descriptor.
        self.assertEqual(int(rows["kmalloc"][1]), 1001)
        code, _, _ = tracectl(self.guest.base, "stat")
        self.assertEqual(code, 0)

    def test_record_to_trace_dat_is_refused_for_now(self):
        code, _, err = tracectl(self.guest.base, "record", "-p", "function_graph",
                                "-w", "alloc 10", "-o", os.path.join(self.dir, "x.dat"))
        self.assertEqual(code, 2)
        self.assertIn("trace.dat output is not supported yet", err)

    def test_bad_tracer_names_the_gateways_error(self):
        code, _, err = tracectl(self.guest.base, "start", "-p", "bogus")
        self.assertEqual(code, 1)
        self.assertIn("current_tracer = 'bogus': EINVAL: Invalid argument", err)

    def test_bad_function_names_the_gateways_error(self):
        for verb in ("start", "record"):
            args = [verb, "-p", "function", "-l", "no_such_function_*"]
            if verb == "record":
                args += ["-w", "alloc 10", "-o", os.path.join(self.dir, "bad.txt")]
            code, _, err = tracectl(self.guest.base, *args)
            self.assertEqual(code, 1, verb)
            self.assertIn("set_ftrace_filter = 'no_such_function_*': EINVAL", err)

    def test_bad_workload_fails_the_record(self):
        code, _, err = tracectl(self.guest.base, "record", "-p", "function", "-l", "kmalloc",
                                "-w", "no_such_workload", "-o", os.path.join(self.dir, "w.txt"))
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
                                          os.path.join(tempfile.mkdtemp(), "t.txt")]):
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

    def test_report_of_a_missing_file_names_it(self):
        code, _, err = tracectl("http://127.0.0.1:1", "report", "-i", "/nonexistent.txt")
        self.assertEqual(code, 1)
        self.assertIn("/nonexistent.txt", err)


if __name__ == "__main__":
    unittest.main()
