"""scripts/parse-trace and scripts/runtime-breakdown on a kernel-produced trace."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURE = os.path.join(HERE, "fixtures", "fgraph-pingpong-proc-abstime.txt")


class NanosScripts(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nanos-scripts-")

    def run_script(self, *args):
        return subprocess.run([os.path.join(ROOT, "scripts", args[0]), *args[1:]],
                              cwd=self.dir, capture_output=True, text=True, timeout=300)

    def test_parse_trace_writes_trace_csv_as_the_golden(self):
        self.assertEqual(self.run_script("parse-trace", FIXTURE).returncode, 0)
        with open(os.path.join(self.dir, "trace.csv")) as got, \
                open(os.path.join(HERE, "golden", "fgraph-pingpong-proc-abstime.csv")) as want:
            self.assertEqual(got.read(), want.read())

    def test_runtime_breakdown_sums_self_time_per_function_and_task(self):
        self.assertEqual(self.run_script("parse-trace", FIXTURE).returncode, 0)
        result = self.run_script("runtime-breakdown", "trace.csv", "out.html")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(os.path.join(self.dir, "out.html")) as page:
            text = page.read()
        data = json.loads(re.search(r"const data = (.*);\n", text).group(1))
        totals = {}
        with open(os.path.join(self.dir, "trace.csv")) as csv:
            next(csv)
            for line in csv:
                function, _, _, self_us = line.strip().split(",")
                totals[function] = totals.get(function, 0.0) + float(self_us)
        self.assertEqual({r["f"] for r in data["rows"]}, set(totals))
        for row in data["rows"]:
            self.assertAlmostEqual(row["total"], totals[row["f"]], places=3)
            self.assertAlmostEqual(sum(row["by_task"]), row["total"], places=3)
        self.assertNotIn("<script src", text)  # nothing to fetch: it works offline

    def test_parse_trace_reads_a_trace_dat_too(self):
        dat = os.path.join(HERE, "fixtures", "fgraph-pingpong-raw.dat")
        result = self.run_script("parse-trace", dat)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(os.path.join(self.dir, "trace.csv")) as got, \
                open(os.path.join(HERE, "golden", "fgraph-pingpong-raw.csv")) as want:
            self.assertEqual(got.read(), want.read())

    def test_parse_trace_without_a_trace_exits_2_with_usage(self):
        result = self.run_script("parse-trace")
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage: parse-trace", result.stderr)

    def test_runtime_breakdown_names_a_bad_number(self):
        with open(os.path.join(self.dir, "bad.csv"), "w") as bad:
            bad.write("function,tid,latency_us,latency_us_self\nf,1,2,x\n")
        result = self.run_script("runtime-breakdown", "bad.csv")
        self.assertEqual(result.returncode, 1)
        self.assertIn("bad.csv:2: latency_us_self is not a number", result.stderr)

    def test_runtime_breakdown_names_a_missing_column(self):
        with open(os.path.join(self.dir, "bad.csv"), "w") as bad:
            bad.write("a,b\n1,2\n")
        result = self.run_script("runtime-breakdown", "bad.csv")
        self.assertEqual(result.returncode, 1)
        self.assertIn("no column", result.stderr)


if __name__ == "__main__":
    unittest.main()
