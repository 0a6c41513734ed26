"""End to end: the real kernel under QEMU, the gateway supervising it, real curl.

The gateway runs with --guest-script scripts/guest (as scripts/run starts it), under TCG
unless TRACEGATE_E2E_ACCEL says otherwise. Tests assume nothing about TCG's speed: they wait
for states, never for durations. Function tracing is checked once the kernel lists
functions in available_filter_functions; until then those tests are skipped, saying why.
"""
import concurrent.futures
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
import tracecheck  # noqa: E402
from test_gateway import free_port, process_alive, wait_until  # noqa: E402

GATEWAYD = os.environ.get("TRACEGATE_GATEWAYD", "tracegate-gatewayd")
KERNEL = os.environ.get("TRACEGATE_KERNEL", "")
BUILD_DIR = os.environ.get("TRACEGATE_BUILD_DIR", "")
ACCEL = os.environ.get("TRACEGATE_E2E_ACCEL", "tcg")
GUEST_SCRIPT = os.path.join(ROOT, "scripts", "guest")
BOOT_TIMEOUT = 60.0

FUNCTION_TRACING_PENDING = "function tracing has not landed in the kernel yet " \
    "(available_filter_functions is empty)"


def curl(*args, timeout=120):
    """Runs curl; returns (http status, body)."""
    result = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", *args],
                            capture_output=True, text=True, timeout=timeout)
    body, _, status = result.stdout.rpartition("\n")
    return int(status or 0), body


class Guest:
    """tracegate-gatewayd supervising the real kernel through scripts/guest."""

    def __init__(self, append=None, wait=True, extra_args=()):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.rundir = tempfile.mkdtemp(prefix="tracegate-e2e-")
        self.log_path = os.path.join(self.rundir, "gateway.log")
        self.log = open(self.log_path, "wb")
        extra = (["--append", append] if append else []) + list(extra_args)
        self.process = subprocess.Popen(
            [GATEWAYD, "--port", str(self.port), "--rundir", self.rundir,
             "--guest-script", GUEST_SCRIPT, "--kernel", KERNEL, "--accel", ACCEL,
             "--smp", "2", *extra], stderr=self.log)
        if wait and not self.wait_healthy():
            self.stop()
            raise RuntimeError("the guest did not come up; see " + self.log_path)

    def url(self, path):
        return self.base + path

    def wait_healthy(self, timeout=BOOT_TIMEOUT):
        return wait_until(lambda: self.get("/healthz")[0] == 200, timeout)

    def get(self, path):
        return curl("-m", "60", self.url(path))

    def put(self, path, body):
        return curl("-m", "120", "-X", "PUT", "--data-binary", body, self.url(path))

    def post(self, path, body):
        return curl("-m", "120", "-X", "POST", "--data-binary", body, self.url(path))

    def metric(self, name):
        _, text = self.get("/metrics")
        match = re.search(r"^%s (\d+)$" % re.escape(name), text, re.M)
        return int(match.group(1)) if match else None

    def qemu_pid(self):
        with open(os.path.join(self.rundir, "qemu.pid")) as pid_file:
            return int(pid_file.read())

    def log_text(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()

    def rundir_file(self, name):
        with open(os.path.join(self.rundir, name), errors="replace") as text:
            return text.read()

    def stop(self):
        qemu = None
        try:
            qemu = self.qemu_pid()
        except (OSError, ValueError):
            pass
        self.process.terminate()
        status = self.process.wait(timeout=30)
        self.log.close()
        return status, qemu


@unittest.skipUnless(KERNEL and os.path.exists(KERNEL), "no kernel built")
class E2ETest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.guest = Guest()

    @classmethod
    def tearDownClass(cls):
        status, qemu = cls.guest.stop()
        assert status == 0, "gateway exit status %d" % status
        assert qemu is None or not process_alive(qemu), "QEMU outlived the gateway"

    def function_tracing(self):
        _, functions = self.guest.get("/tracing/available_filter_functions")
        return functions.split()

    def stream(self):
        """curl -N on trace_pipe; returns the process once the gateway counts the stream."""
        before = self.guest.metric("tracegate_active_streams")
        process = subprocess.Popen(["curl", "-s", "-N", self.guest.url("/tracing/trace_pipe")],
                                   stdout=subprocess.PIPE, text=True)
        self.assertTrue(wait_until(
            lambda: self.guest.metric("tracegate_active_streams") == before + 1))
        return process


class Tracing(E2ETest):
    def setUp(self):
        self.assertEqual(self.guest.put("/tracing/current_tracer", "nop")[0], 204)
        self.assertEqual(self.guest.put("/tracing/trace", "")[0], 204)

    def test_trace_marker_under_nop_reads_back_in_linux_format(self):
        self.assertEqual(self.guest.put("/tracing/trace_marker", "e2e-marker"), (204, ""))
        status, text = self.guest.get("/tracing/trace")
        self.assertEqual(status, 200)
        entries, written, cpus, records = tracecheck.parse_context_trace(text, "nop")
        self.assertEqual((entries, written, cpus), (1, 1, 2))
        self.assertEqual([r["message"] for r in records], ["tracing_mark_write: e2e-marker"])

    def test_function_tracer_records_a_workload_run(self):
        if not self.function_tracing():
            self.skipTest(FUNCTION_TRACING_PENDING)
        self.assertEqual(self.guest.put("/tracing/current_tracer", "function"), (204, ""))
        try:
            self.assertEqual(self.guest.put("/workloads/run", "alloc 20"), (204, ""))
            self.assertEqual(self.guest.put("/tracing/tracing_on", "0")[0], 204)
            status, text = self.guest.get("/tracing/trace")
        finally:
            self.guest.put("/tracing/tracing_on", "1")
            self.guest.put("/tracing/current_tracer", "nop")
        self.assertEqual(status, 200)
        records = tracecheck.parse_function_trace(text)
        self.assertTrue(records, "no function entries after a workload run")

    def test_filter_put_replaces_and_post_appends(self):
        functions = self.function_tracing()
        if len(functions) < 2:
            self.skipTest(FUNCTION_TRACING_PENDING)
        first, second = functions[0], functions[1]
        try:
            self.assertEqual(self.guest.put("/tracing/set_ftrace_filter", first), (204, ""))
            self.assertEqual(self.guest.post("/tracing/set_ftrace_filter", second + "\n"),
                             (204, ""))
            self.assertEqual(sorted(self.guest.get("/tracing/set_ftrace_filter")[1].split()),
                             sorted([first, second]))
            self.assertEqual(self.guest.put("/tracing/set_ftrace_filter", second), (204, ""))
            self.assertEqual(self.guest.get("/tracing/set_ftrace_filter")[1], second + "\n")
        finally:
            self.guest.put("/tracing/set_ftrace_filter", "")
        self.assertEqual(self.guest.get("/tracing/set_ftrace_filter")[1],
                         "#### all functions enabled ####\n")


class Errors(E2ETest):
    def test_unknown_tracer_is_400_einval(self):
        self.assertEqual(self.guest.put("/tracing/current_tracer", "bogus"),
                         (400, "EINVAL: Invalid argument\n"))

    def test_filter_glob_matching_nothing_is_400_einval(self):
        self.assertEqual(self.guest.post("/tracing/set_ftrace_filter", "no_such_function_*"),
                         (400, "EINVAL: Invalid argument\n"))

    def test_missing_file_is_404_enoent(self):
        self.assertEqual(self.guest.get("/tracing/no_such_file"),
                         (404, "ENOENT: No such file or directory\n"))

    def test_instance_twice_is_409_eexist_and_rmdir_of_nothing_404(self):
        self.assertEqual(self.guest.put("/tracing/instances/e2e/", "")[0], 204)
        try:
            self.assertEqual(self.guest.put("/tracing/instances/e2e/", ""),
                             (409, "EEXIST: File exists\n"))
            self.assertIn("e2e/\n", self.guest.get("/tracing/instances/")[1])
        finally:
            self.assertEqual(curl("-X", "DELETE", self.guest.url("/tracing/instances/e2e/"))[0],
                             204)
        self.assertEqual(curl("-X", "DELETE", self.guest.url("/tracing/instances/e2e/"))[0], 404)

    def test_unknown_workload_and_zero_count_are_400_einval(self):
        self.assertEqual(self.guest.put("/workloads/run", "nope"), (400, "EINVAL: Invalid argument\n"))
        self.assertEqual(self.guest.put("/workloads/run", "alloc 0"),
                         (400, "EINVAL: Invalid argument\n"))


class Instances(E2ETest):
    """An instance records its own events and runs its own function tracer, while the top
    directory (nop, no events) records nothing."""

    def test_instance_records_its_events_and_function_entries_only(self):
        if not self.function_tracing():
            self.skipTest(FUNCTION_TRACING_PENDING)
        base = "/tracing/instances/e2e-own/"
        self.assertEqual(self.guest.put(base, "")[0], 204)
        try:
            self.assertEqual(self.guest.get(base + "available_tracers"),
                             (200, "function_graph wakeup_dl wakeup_rt wakeup preemptirqsoff preemptoff irqsoff function nop\n"))
            self.assertEqual(self.guest.put(base + "current_tracer", "function_duration"),
                             (400, "EINVAL: Invalid argument\n"))
            self.assertEqual(self.guest.put("/tracing/trace", "")[0], 204)
            self.assertEqual(self.guest.put(base + "events/sched/sched_switch/enable", "1"),
                             (204, ""))
            self.assertEqual(self.guest.put(base + "current_tracer", "function"), (204, ""))
            self.assertEqual(self.guest.put("/workloads/run", "pingpong 50"), (204, ""))
            self.assertEqual(self.guest.put(base + "tracing_on", "0")[0], 204)
            status, text = self.guest.get(base + "trace")
            self.assertEqual(status, 200)
            _, _, cpus, records = tracecheck.parse_context_trace(text, "function")
            self.assertEqual(cpus, 2)
            switches = [r for r in records if r["message"].startswith("sched_switch: ")]
            functions = [r for r in records
                         if tracecheck.FUNCTION_MESSAGE.match(r["message"])
                         and not r["message"].startswith("sched_switch")]
            self.assertTrue(functions, "no function entries in the instance")
            self.assertTrue(any("prev_comm=ping " in r["message"] or
                                "next_comm=ping " in r["message"] for r in switches),
                            "no sched_switch naming the ping task")
            _, top = self.guest.get("/tracing/trace")
            self.assertEqual(tracecheck.parse_context_trace(top, "nop")[3], [])
        finally:
            # Removing it while its function tracer is live stops the recorders first.
            self.guest.put(base + "tracing_on", "1")
            self.assertEqual(curl("-X", "DELETE", self.guest.url(base))[0], 204)
        self.assertEqual(self.guest.get(base + "trace")[0], 404)


class FunctionControls(E2ETest):
    """set_ftrace_pid and the func:traceon/traceoff probes, on the live kernel."""

    def setUp(self):
        if not self.function_tracing():
            self.skipTest(FUNCTION_TRACING_PENDING)

    def tearDown(self):
        for path, body in (("/tracing/current_tracer", "nop"), ("/tracing/set_ftrace_pid", ""),
                           ("/tracing/set_ftrace_notrace_pid", ""),
                           ("/tracing/set_ftrace_filter", "!workload_alloc:traceon"),
                           ("/tracing/set_ftrace_filter", "!workload_alloc:traceoff"),
                           ("/tracing/set_ftrace_filter", ""), ("/tracing/tracing_on", "1")):
            self.guest.put(path, body)

    def traced_run(self, workload):
        self.assertEqual(self.guest.put("/tracing/current_tracer", "function"), (204, ""))
        self.assertEqual(self.guest.put("/tracing/tracing_on", "1")[0], 204)
        self.assertEqual(self.guest.put("/workloads/run", workload), (204, ""))
        self.assertEqual(self.guest.put("/tracing/tracing_on", "0")[0], 204)
        records = tracecheck.parse_function_trace(self.guest.get("/tracing/trace")[1])
        self.assertEqual(self.guest.put("/tracing/current_tracer", "nop")[0], 204)
        return records

    def test_set_ftrace_pid_limits_the_function_tracer_to_that_task(self):
        # Both pingpong tasks (new ones each run) and the runner that waits for them.
        everyone = {r["comm"] for r in self.traced_run("pingpong 20")}
        self.assertTrue({"ping", "pong", "workloads"} <= everyone, everyone)
        runner = {r["pid"] for r in self.traced_run("alloc 2") if r["comm"] == "workloads"}
        self.assertEqual(len(runner), 1, runner)
        pid = runner.pop()
        self.assertEqual(self.guest.put("/tracing/set_ftrace_pid", str(pid)), (204, ""))
        self.assertEqual(self.guest.get("/tracing/set_ftrace_pid"), (200, "%d\n" % pid))
        records = self.traced_run("pingpong 20")
        self.assertTrue(records, "the runner task recorded nothing")
        self.assertEqual({(r["comm"], r["pid"]) for r in records}, {("workloads", pid)})

    def test_set_ftrace_notrace_pid_leaves_that_task_out(self):
        runner = {r["pid"] for r in self.traced_run("alloc 2") if r["comm"] == "workloads"}
        self.assertEqual(len(runner), 1, runner)
        pid = runner.pop()
        self.assertEqual(self.guest.put("/tracing/set_ftrace_notrace_pid", str(pid)), (204, ""))
        self.assertEqual(self.guest.get("/tracing/set_ftrace_notrace_pid"), (200, "%d\n" % pid))
        records = self.traced_run("pingpong 20")
        self.assertTrue({"ping", "pong"} <= {r["comm"] for r in records})
        self.assertNotIn(pid, {r["pid"] for r in records})

    def test_each_instance_traces_the_functions_of_its_own_filter(self):
        base = "/tracing/instances/e2e-filter/"
        self.assertEqual(self.guest.put(base, "")[0], 204)
        try:
            self.assertEqual(self.guest.put("/tracing/set_ftrace_filter", "kmalloc"), (204, ""))
            self.assertEqual(self.guest.put(base + "set_ftrace_filter", "kfree"), (204, ""))
            self.assertEqual(self.guest.get("/tracing/set_ftrace_filter"), (200, "kmalloc\n"))
            self.assertEqual(self.guest.get(base + "set_ftrace_filter"), (200, "kfree\n"))
            self.assertEqual(self.guest.put(base + "current_tracer", "function"), (204, ""))
            self.assertEqual(self.guest.put("/tracing/current_tracer", "function"), (204, ""))
            self.assertEqual(self.guest.put("/workloads/run", "alloc 5"), (204, ""))
            self.assertEqual(self.guest.put("/tracing/tracing_on", "0")[0], 204)
            self.assertEqual(self.guest.put(base + "tracing_on", "0")[0], 204)
            top = tracecheck.parse_function_trace(self.guest.get("/tracing/trace")[1])
            own = tracecheck.parse_function_trace(self.guest.get(base + "trace")[1])
            self.assertTrue(top and own, "a filtered instance recorded nothing")
            self.assertEqual({r["function"] for r in top}, {"kmalloc"})
            self.assertEqual({r["function"] for r in own}, {"kfree"})
        finally:
            self.guest.put(base + "current_tracer", "nop")
            self.assertEqual(curl("-X", "DELETE", self.guest.url(base))[0], 204)

    def test_traceon_and_traceoff_probes_flip_tracing_on_when_their_function_runs(self):
        self.assertEqual(self.guest.put("/tracing/tracing_on", "0")[0], 204)
        self.assertEqual(self.guest.put("/tracing/set_ftrace_filter", "workload_alloc:traceon"),
                         (204, ""))
        self.assertEqual(self.guest.get("/tracing/tracing_on"), (200, "0\n"))
        self.assertEqual(self.guest.put("/workloads/run", "alloc 1"), (204, ""))
        self.assertEqual(self.guest.get("/tracing/tracing_on"), (200, "1\n"))

        # As in Linux, truncating the filter keeps probes: only "!func:command" removes one.
        self.assertEqual(self.guest.post("/tracing/set_ftrace_filter",
                                         "!workload_alloc:traceon\n"), (204, ""))
        self.assertEqual(self.guest.put("/tracing/set_ftrace_filter",
                                        "workload_alloc:traceoff:1"), (204, ""))
        self.assertEqual(self.guest.get("/tracing/set_ftrace_filter"),
                         (200, "#### all functions enabled ####\n"
                               "workload_alloc:traceoff:count=1\n"))
        self.assertEqual(self.guest.put("/workloads/run", "alloc 1"), (204, ""))
        self.assertEqual(self.guest.get("/tracing/tracing_on"), (200, "0\n"))
        self.assertEqual(self.guest.get("/tracing/set_ftrace_filter"),
                         (200, "#### all functions enabled ####\n"
                               "workload_alloc:traceoff:count=0\n"))
        # The count is spent: turned back on, tracing stays on through another run.
        self.assertEqual(self.guest.put("/tracing/tracing_on", "1")[0], 204)
        self.assertEqual(self.guest.put("/workloads/run", "alloc 1"), (204, ""))
        self.assertEqual(self.guest.get("/tracing/tracing_on"), (200, "1\n"))


class Workloads(E2ETest):
    def test_run_returns_when_the_run_has_finished(self):
        self.assertEqual(self.guest.put("/workloads/run", "timers 3"), (204, ""))
        last = self.guest.get("/workloads/last")[1]
        self.assertIn("name: timers\n", last)
        self.assertIn("status: ok\n", last)

    def test_second_run_while_one_runs_is_409_ebusy(self):
        first = threading.Thread(target=self.guest.put, args=("/workloads/run", "alloc 300000"))
        first.start()
        try:
            self.assertTrue(wait_until(
                lambda: "status: running" in self.guest.get("/workloads/last")[1], 30))
            self.assertEqual(self.guest.put("/workloads/run", "timers 1"),
                             (409, "EBUSY: Device or resource busy\n"))
        finally:
            first.join()
        self.assertIn("status: ok\n", self.guest.get("/workloads/last")[1])


class TracePipe(E2ETest):
    def test_stream_carries_markers_during_a_run_and_ends_when_the_client_leaves(self):
        self.guest.get("/tracing/trace_pipe?nonblock=1")
        flushes = self.guest.metric("tracegate_guest_flushes_total")
        host_streams = self.guest.metric("tracegate_host_text_streams_total")
        stream = self.stream()
        run = threading.Thread(target=self.guest.put, args=("/workloads/run", "pingpong 2000"))
        run.start()
        for i in range(3):
            self.assertEqual(self.guest.put("/tracing/trace_marker", "pipe-%d" % i)[0], 204)
        lines = [stream.stdout.readline() for _ in range(3)]
        run.join()
        stream.kill()
        stream.wait()
        stream.stdout.close()
        for i, line in enumerate(lines):
            self.assertTrue(line.endswith("tracing_mark_write: pipe-%d\n" % i), line)
        self.assertTrue(wait_until(lambda: self.guest.metric("tracegate_active_streams") == 0))
        if self.guest.metric("tracegate_host_text_streams_total") == host_streams:
            # Formatted by the guest: its parked read was flushed when the client left.
            self.assertGreater(self.guest.metric("tracegate_guest_flushes_total"), flushes)
        # The stream's reads took nothing more: the next marker goes to the next reader.
        self.guest.put("/tracing/trace_marker", "after-flush")
        self.assertIn("after-flush", self.guest.get("/tracing/trace_pipe?nonblock=1")[1])

    def test_fifty_control_requests_answered_during_a_stream(self):
        stream = self.stream()
        try:
            def control(i):
                return self.guest.put("/tracing/tracing_on", str(i % 2))[0]

            with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
                statuses = list(pool.map(control, range(50)))
            self.assertEqual(statuses, [204] * 50)
        finally:
            stream.kill()
            stream.wait()
            stream.stdout.close()
            self.guest.put("/tracing/tracing_on", "1")


class GuestRestart(E2ETest):
    def test_qemu_killed_mid_stream_ends_the_stream_then_503_then_back(self):
        stream = self.stream()
        first = self.guest.qemu_pid()
        os.kill(first, signal.SIGKILL)
        # The stream that had started ends cleanly (curl exits 0: the chunked body closed).
        self.assertEqual(stream.wait(timeout=20), 0)
        stream.stdout.close()
        self.assertEqual(self.guest.put("/tracing/tracing_on", "1"),
                         (503, "guest not connected\n"))
        self.assertTrue(self.guest.wait_healthy(), "the gateway did not restart QEMU")
        self.assertNotEqual(self.guest.qemu_pid(), first)
        self.assertEqual(self.guest.put("/tracing/tracing_on", "1"), (204, ""))
        self.assertEqual(self.guest.metric("tracegate_guest_connections_total"), 2)


class CrashRecovery(E2ETest):
    KILLS = 10

    def recovered(self, connections):
        """The gateway's link to a new guest is up, and it serves /healthz and a read."""
        return (self.guest.metric("tracegate_guest_connections_total") == connections
                and self.guest.get("/healthz")[0] == 200
                and self.guest.get("/tracing/tracing_on") == (200, "1\n"))

    def test_a_guest_that_was_serving_is_restarted_at_once_every_time(self):
        connections = self.guest.metric("tracegate_guest_connections_total")
        recoveries = []
        for kill in range(self.KILLS):
            qemu = self.guest.qemu_pid()
            killed = time.monotonic()
            os.kill(qemu, signal.SIGKILL)
            connections += 1
            recovered = False
            while not recovered and time.monotonic() - killed < BOOT_TIMEOUT:
                recovered = self.recovered(connections)
                if not recovered:
                    time.sleep(0.01)
            self.assertTrue(recovered, "no recovery after kill %d; see %s"
                            % (kill + 1, self.guest.log_path))
            recoveries.append(time.monotonic() - killed)
            self.assertNotEqual(self.guest.qemu_pid(), qemu)
        ms = [round(seconds * 1000) for seconds in recoveries]
        print("\n%d QEMU kills (%s): recovery to /healthz 200 and a tracefs read: median %d ms,"
              " min %d ms, max %d ms" % (self.KILLS, ACCEL, statistics.median(ms), min(ms),
                                         max(ms)), file=sys.stderr)
        log = self.guest.log_text()
        self.assertEqual(log.count("; restarting at once (it was serving)\n"), self.KILLS)
        self.assertNotIn("restarting in", log)
        # Each boot's serial log was quoted, and the previous one is kept beside the next.
        self.assertEqual(log.count("last lines of the guest's serial log"), self.KILLS)
        self.assertIn("tracegate: kernel starting", self.guest.rundir_file("serial.log.1"))


@unittest.skipUnless(KERNEL and os.path.exists(KERNEL), "no kernel built")
class CrashEvidence(unittest.TestCase):
    """A guest that faults while booting (fault=pagefault on its command line): each crash
    is quoted in the gateway's log, and the previous boot's serial log is kept."""

    def test_the_crash_reaches_the_gateway_log_and_the_previous_serial_log_is_kept(self):
        guest = Guest(append="fault=pagefault", wait=False)
        try:
            self.assertTrue(wait_until(lambda: guest.log_text().count("guest exited") >= 2,
                                       BOOT_TIMEOUT), "the guest did not crash twice")
            self.assertEqual(guest.get("/healthz")[0], 503)
        finally:
            self.assertEqual(guest.stop()[0], 0)
        log = guest.log_text()
        # The 9P service starts just before init provokes the fault, so the link may or may
        # not have come up: either restart is right (backoff is tested with a fake guest).
        self.assertRegex(log, r"guest exited \(pid \d+, status 3\) after [\d.]+ s; restarting "
                         r"(in \d+ ms \(its link never came up\)|at once \(it was serving\))\n"
                         r"tracegate-gatewayd: last lines of the guest's serial log ")
        quoted = log[log.index("last lines of the guest's serial log"):]
        for needle in ("EXCEPTION 14 (page fault) in task init-1", "Call trace:"):
            self.assertIn(needle, quoted)
        self.assertRegex(quoted, r"RIP: 0008:ffffffff[0-9a-f]{8} fault_pagefault\+0x[0-9a-f]+/"
                         r"0x[0-9a-f]+\n")
        self.assertRegex(quoted, r"\[<ffffffff[0-9a-f]{8}>\]( \?)? init_main\+0x[0-9a-f]+/0x")
        previous = guest.rundir_file("serial.log.1")
        self.assertIn("EXCEPTION 14 (page fault) in task init-1", previous)
        self.assertIn("fault_pagefault+0x", previous)


@unittest.skipUnless(BUILD_DIR and os.path.exists(KERNEL), "no build directory")
class RunScript(unittest.TestCase):
    def test_scripts_run_serves_and_ctrl_c_stops_everything(self):
        port = free_port()
        env = dict(os.environ, BUILD_DIR=BUILD_DIR)
        env.pop("TRACEGATE_TOKEN", None)
        run = subprocess.Popen([os.path.join(ROOT, "scripts", "run"), "--no-build", "--port",
                                str(port), "--accel", ACCEL], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env,
                               start_new_session=True)
        try:
            banner = run.stdout.readline()
            rundir = re.search(r"run directory (\S+);", banner).group(1)
            self.assertIn("http://127.0.0.1:%d/tracing/" % port, banner)
            self.assertIn("curl -X PUT --data function", run.stdout.readline())
            self.assertIn("curl http://127.0.0.1:%d/tracing/trace" % port, run.stdout.readline())
            self.assertRegex(run.stdout.readline(), r"^tracegate: guest up after \d+ ms$")
            status, tracer = curl("http://127.0.0.1:%d/tracing/current_tracer" % port)
            self.assertEqual((status, tracer), (200, "nop\n"))
            with open(os.path.join(rundir, "qemu.pid")) as pid_file:
                qemu = int(pid_file.read())
            os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
            self.assertEqual(run.wait(timeout=30), 0)
            self.assertFalse(process_alive(qemu))
            self.assertFalse(os.path.exists(rundir))
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
            run.stdout.close()

    def test_non_loopback_bind_needs_a_token(self):
        env = dict(os.environ, BUILD_DIR=BUILD_DIR)
        env.pop("TRACEGATE_TOKEN", None)
        result = subprocess.run([os.path.join(ROOT, "scripts", "run"), "--no-build", "--bind",
                                 "0.0.0.0"], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn("needs --token", result.stderr)


if __name__ == "__main__":
    unittest.main()
