"""The HTTP contract of tracegate-gatewayd, with tracegate-hostguest playing the guest.

Every test talks to a real gateway over real sockets. The host guest serves the real
tracefs tree (the kernel's 9P server and file tables) and listens on RUNDIR/9p.sock as QEMU
does; the gateway dials it. Each test class runs its own gateway (own port, own run
directory) so classes never share state.
"""
import concurrent.futures
import http.client
import json
import os
import re
import socket
import struct
import subprocess
import tempfile
import threading
import time
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import tracecheck  # noqa: E402

GATEWAYD = os.environ.get("TRACEGATE_GATEWAYD", "tracegate-gatewayd")
HOSTGUEST = os.environ.get("TRACEGATE_HOSTGUEST", "tracegate-hostguest")
FAKE_GUEST_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake-guest")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


class Gateway:
    """A gateway process and, optionally, a host guest connected to it."""

    def __init__(self, *extra_args, env=None):
        self.port = free_port()
        self.rundir = tempfile.mkdtemp(prefix="tracegate-test-")
        self.socket_path = os.path.join(self.rundir, "9p.sock")
        self.log_path = os.path.join(self.rundir, "gateway.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [GATEWAYD, "--port", str(self.port), "--rundir", self.rundir, *extra_args],
            stderr=self.log, env=env)
        self.guest = None
        if not wait_until(lambda: self.request("GET", "/healthz")[0] != 0):
            raise RuntimeError("gateway did not start")

    def start_guest(self):
        """Starts a host guest listening where QEMU would; the gateway dials it."""
        self.guest = subprocess.Popen([HOSTGUEST, self.socket_path], stderr=subprocess.DEVNULL)
        if not wait_until(lambda: self.request("GET", "/healthz")[0] == 200):
            raise RuntimeError("guest link did not come up")

    def kill_guest(self):
        self.guest.kill()
        self.guest.wait()
        self.guest = None

    def log_text(self):
        with open(self.log_path) as log:
            return log.read()

    def stop(self):
        if self.guest:
            self.kill_guest()
        self.process.terminate()
        status = self.process.wait(timeout=30)
        self.log.close()
        return status

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read().decode(), dict(response.getheaders())
        except OSError:
            return 0, "", {}
        finally:
            connection.close()

    def curl(self, *args):
        return subprocess.run(["curl", "-s", *args], capture_output=True, text=True,
                              timeout=60).stdout

    def metric(self, name):
        _, text, _ = self.request("GET", "/metrics")
        match = re.search(r"^%s (\d+)$" % re.escape(name), text, re.M)
        return int(match.group(1)) if match else None

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)


class GatewayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gateway = Gateway()
        cls.gateway.start_guest()

    @classmethod
    def tearDownClass(cls):
        cls.gateway.stop()

    def get(self, path, **kw):
        return self.gateway.request("GET", path, **kw)

    def put(self, path, body, **kw):
        return self.gateway.request("PUT", path, body=body, **kw)

    def post(self, path, body, **kw):
        return self.gateway.request("POST", path, body=body, **kw)


class ControlFiles(GatewayTest):
    def test_put_current_tracer_is_204_and_reads_back(self):
        status, body, _ = self.put("/tracing/current_tracer", "function")
        self.assertEqual((status, body), (204, ""))
        self.assertEqual(self.get("/tracing/current_tracer")[1], "function\n")
        self.put("/tracing/current_tracer", "nop\n")

    def test_curl_put_data_as_documented(self):
        out = self.gateway.curl("-X", "PUT", "--data", "function_graph", "-w", "%{http_code}",
                                self.gateway.url("/tracing/current_tracer"))
        self.assertEqual(out, "204")
        self.put("/tracing/current_tracer", "nop")

    def test_unknown_tracer_is_400_naming_einval(self):
        status, body, _ = self.put("/tracing/current_tracer", "bogus")
        self.assertEqual((status, body), (400, "EINVAL: Invalid argument\n"))

    def test_missing_file_is_404_naming_enoent(self):
        status, body, _ = self.get("/tracing/no_such_file")
        self.assertEqual((status, body), (404, "ENOENT: No such file or directory\n"))

    def test_write_to_read_only_file_is_400_naming_einval(self):
        # As on Linux: root may open it for writing, but the file has no write.
        status, body, _ = self.put("/tracing/available_tracers", "x")
        self.assertEqual((status, body), (400, "EINVAL: Invalid argument\n"))

    def test_mkdir_outside_instances_is_403_naming_eperm(self):
        status, body, _ = self.put("/tracing/events/mine/", "")
        self.assertEqual((status, body), (403, "EPERM: Operation not permitted\n"))

    def test_trace_is_linux_nop_format_with_the_marker(self):
        self.put("/tracing/trace", "")
        self.assertEqual(self.put("/tracing/trace_marker", "format-check")[0], 204)
        status, body, _ = self.get("/tracing/trace")
        self.assertEqual(status, 200)
        entries, written, cpus, records = tracecheck.parse_context_trace(body, "nop")
        self.assertEqual((entries, written, cpus), (1, 1, 2))
        self.assertEqual([r["message"] for r in records], ["tracing_mark_write: format-check"])

    def test_trace_starts_with_the_format_header(self):
        status, body, headers = self.get("/tracing/trace")
        self.assertEqual(status, 200)
        self.assertTrue(body.startswith("# tracer: "), body)
        self.assertIn("text/plain", headers["Content-Type"])

    def test_ftrace_alias_reads_trace(self):
        self.assertTrue(self.get("/ftrace/trace")[1].startswith("# tracer: "))

    def test_head_sends_headers_only(self):
        status, body, headers = self.gateway.request("HEAD", "/tracing/current_tracer")
        self.assertEqual((status, body), (200, ""))


class FilterFiles(GatewayTest):
    def test_put_replaces_and_post_appends_word_by_word(self):
        self.assertEqual(self.put("/tracing/set_ftrace_filter", "kmalloc vfs_read")[0], 204)
        self.assertEqual(self.post("/tracing/set_ftrace_filter", "kfree\n")[0], 204)
        # Listed in the order of the kernel's symbol table, not of the writes.
        self.assertEqual(self.get("/tracing/set_ftrace_filter")[1], "kmalloc\nkfree\nvfs_read\n")
        self.assertEqual(self.put("/tracing/set_ftrace_filter", "schedule")[0], 204)
        self.assertEqual(self.get("/tracing/set_ftrace_filter")[1], "schedule\n")

    def test_glob_matching_nothing_is_400(self):
        status, body, _ = self.post("/tracing/set_ftrace_filter", "no_such_function*")
        self.assertEqual((status, body), (400, "EINVAL: Invalid argument\n"))

    def test_empty_put_truncates(self):
        self.put("/tracing/set_ftrace_filter", "kmalloc")
        self.assertEqual(self.put("/tracing/set_ftrace_filter", "")[0], 204)
        self.assertEqual(self.get("/tracing/set_ftrace_filter")[1],
                         "#### all functions enabled ####\n")


class Directories(GatewayTest):
    def test_listing_marks_directories_with_a_slash(self):
        status, body, _ = self.get("/tracing/")
        self.assertEqual(status, 200)
        self.assertIn("current_tracer\n", body)
        self.assertIn("instances/\n", body)

    def test_directory_answers_without_trailing_slash(self):
        self.assertEqual(self.get("/tracing")[1], self.get("/tracing/")[1])

    def test_json_listing(self):
        status, body, headers = self.get("/tracing/", headers={"Accept": "application/json"})
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        entries = {e["name"]: e for e in json.loads(body)}
        self.assertEqual(entries["current_tracer"],
                         {"name": "current_tracer", "type": "file", "mode": "0640", "size": 0})
        self.assertEqual(entries["instances"]["type"], "dir")

    def test_instance_mkdir_and_rmdir(self):
        self.assertEqual(self.put("/tracing/instances/foo/", "")[0], 204)
        self.assertIn("foo/\n", self.get("/tracing/instances/")[1])
        self.assertEqual(self.put("/tracing/instances/foo/", "")[0], 409)
        self.assertEqual(self.gateway.request("DELETE", "/tracing/instances/foo/")[0], 204)
        self.assertNotIn("foo/", self.get("/tracing/instances/")[1])

    def test_workloads_available(self):
        self.assertIn("alloc\n", self.get("/workloads/available")[1])


class Paths(GatewayTest):
    def raw(self, request_line):
        with socket.create_connection(("127.0.0.1", self.gateway.port), timeout=10) as s:
            s.sendall((request_line + "\r\nHost: x\r\nConnection: close\r\n\r\n").encode())
            return s.makefile("rb").readline().decode()

    def test_dot_dot_is_rejected(self):
        self.assertIn(" 400 ", self.raw("GET /tracing/../../etc/passwd HTTP/1.1"))

    def test_encoded_dot_dot_is_rejected(self):
        self.assertIn(" 400 ", self.raw("GET /tracing/%2e%2e/workloads/run HTTP/1.1"))

    def test_encoded_slash_is_rejected(self):
        self.assertIn(" 400 ", self.raw("GET /tracing/instances%2f..%2f HTTP/1.1"))

    def test_unknown_top_level_is_404(self):
        self.assertEqual(self.get("/etc/passwd")[0], 404)

    def test_oversized_header_is_431(self):
        status, _, _ = self.get("/tracing/trace", headers={"X-Big": "a" * 10000})
        self.assertEqual(status, 431)

    def test_header_over_the_limit_split_between_request_line_and_fields_is_431(self):
        # Each part alone fits in 8 KiB, the whole does not. Beast bounds the two parts
        # separately when they arrive in one read, as they do once an earlier request on the
        # connection (here one with an 8100-byte field) has grown the read buffer.
        first = "GET /tracing/no_such_file HTTP/1.1\r\nHost: x\r\nX-Pad: %s\r\n\r\n" % (
            "p" * 8100)
        second = "GET /tracing/%s HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n" % (
            "a" * 4100, "b" * 4100)
        with socket.create_connection(("127.0.0.1", self.gateway.port), timeout=10) as s:
            replies = s.makefile("rb")
            s.sendall(first.encode())
            self.assertIn(b" 404 ", replies.readline())
            length = 0
            for line in iter(replies.readline, b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            replies.read(length)
            s.sendall(second.encode())
            self.assertIn(" 431 ", replies.readline().decode())

    def test_oversized_body_is_413(self):
        status, _, _ = self.put("/tracing/trace_marker", "a" * (2 << 20))
        self.assertIn(status, (413, 0))  # 0: the gateway may close before reading it all


class Workloads(GatewayTest):
    def test_run_returns_when_the_run_has_finished(self):
        self.assertEqual(self.put("/workloads/run", "timers 200")[0], 204)
        last = self.get("/workloads/last")[1]
        self.assertIn("name: timers\n", last)
        self.assertIn("status: ok\n", last)

    def test_unknown_workload_is_400(self):
        self.assertEqual(self.put("/workloads/run", "nope")[0], 400)

    def test_second_run_while_one_runs_is_409(self):
        first = threading.Thread(target=self.put, args=("/workloads/run", "alloc 1500"))
        first.start()
        self.assertTrue(wait_until(lambda: "status: running" in self.get("/workloads/last")[1]))
        status, body, _ = self.put("/workloads/run", "alloc 1")
        first.join()
        self.assertEqual((status, body), (409, "EBUSY: Device or resource busy\n"))


class TracePipe(GatewayTest):
    def mark(self, text):
        return self.put("/tracing/trace_marker", text)[0]

    def test_nonblock_with_nothing_pending_is_204(self):
        self.get("/tracing/trace_pipe?nonblock=1")
        self.assertEqual(self.get("/tracing/trace_pipe?nonblock=1")[0], 204)

    def test_nonblock_returns_what_is_there(self):
        self.mark("nonblock-line")
        status, body, _ = self.get("/tracing/trace_pipe?nonblock=1")
        self.assertEqual(status, 200)
        self.assertIn("tracing_mark_write: nonblock-line\n", body)

    def test_stream_delivers_lines_and_ends_when_the_client_leaves(self):
        self.get("/tracing/trace_pipe?nonblock=1")
        flushes = self.gateway.metric("tracegate_guest_flushes_total")
        curl = subprocess.Popen(["curl", "-s", "-N", self.gateway.url("/tracing/trace_pipe")],
                                stdout=subprocess.PIPE, text=True)
        self.assertTrue(wait_until(lambda: self.gateway.metric("tracegate_active_streams") == 1))
        self.mark("streamed-1")
        self.mark("streamed-2")
        first = curl.stdout.readline()
        second = curl.stdout.readline()
        curl.kill()
        curl.wait()
        curl.stdout.close()
        self.assertIn("streamed-1", first)
        self.assertIn("streamed-2", second)
        # The parked read was flushed and the stream is gone.
        self.assertTrue(wait_until(lambda: self.gateway.metric("tracegate_active_streams") == 0))
        self.assertGreater(self.gateway.metric("tracegate_guest_flushes_total"), flushes)
        # Later data goes to the next reader, not to the flushed request.
        self.mark("after-flush")
        self.assertIn("after-flush", self.get("/tracing/trace_pipe?nonblock=1")[1])

    def test_ftrace_alias_streams(self):
        self.get("/tracing/trace_pipe?nonblock=1")
        self.mark("alias-line")
        out = self.gateway.curl("-N", "-m", "1", self.gateway.url("/ftrace/trace_pipe"))
        self.assertIn("alias-line", out)

    def test_fifty_control_requests_complete_during_a_stream(self):
        curl = subprocess.Popen(["curl", "-s", "-N", self.gateway.url("/tracing/trace_pipe")],
                                stdout=subprocess.DEVNULL)
        try:
            self.assertTrue(
                wait_until(lambda: self.gateway.metric("tracegate_active_streams") == 1))

            def control(i):
                return self.put("/tracing/tracing_on", str(i % 2))[0]

            with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
                statuses = list(pool.map(control, range(50)))
            self.assertEqual(statuses, [204] * 50)
        finally:
            curl.kill()
            curl.wait()
            self.put("/tracing/tracing_on", "1")

    def test_tracer_switch_while_a_reader_streams_is_409(self):
        curl = subprocess.Popen(["curl", "-s", "-N", self.gateway.url("/tracing/trace_pipe")],
                                stdout=subprocess.DEVNULL)
        try:
            self.assertTrue(
                wait_until(lambda: self.gateway.metric("tracegate_active_streams") == 1))
            status, body, _ = self.put("/tracing/current_tracer", "function")
            self.assertEqual((status, body), (409, "EBUSY: Device or resource busy\n"))
        finally:
            curl.kill()
            curl.wait()
        self.assertTrue(wait_until(lambda: self.gateway.metric("tracegate_active_streams") == 0))
        self.assertTrue(wait_until(
            lambda: self.put("/tracing/current_tracer", "function")[0] == 204))
        self.put("/tracing/current_tracer", "nop")


class Health(unittest.TestCase):
    def test_healthz_503_before_the_guest_then_200(self):
        gateway = Gateway()
        try:
            status, body, _ = gateway.request("GET", "/healthz")
            self.assertEqual((status, body), (503, "guest not connected\n"))
            self.assertEqual(gateway.request("GET", "/tracing/trace")[0], 503)
            gateway.start_guest()
            self.assertEqual(gateway.request("GET", "/healthz")[0], 200)
        finally:
            gateway.stop()

    def test_guest_killed_is_503_and_a_new_guest_brings_it_back(self):
        gateway = Gateway()
        try:
            gateway.start_guest()
            stream = subprocess.Popen(["curl", "-s", "-N", gateway.url("/tracing/trace_pipe")],
                                      stdout=subprocess.DEVNULL)
            self.assertTrue(wait_until(lambda: gateway.metric("tracegate_active_streams") == 1))
            gateway.kill_guest()
            # The stream that had started simply ends.
            self.assertEqual(stream.wait(timeout=10), 0)
            self.assertTrue(wait_until(lambda: gateway.request("GET", "/healthz")[0] == 503))
            status, body, _ = gateway.request("PUT", "/tracing/current_tracer", "nop")
            self.assertEqual((status, body), (503, "guest not connected\n"))
            gateway.start_guest()
            self.assertEqual(gateway.request("GET", "/tracing/current_tracer")[0], 200)
            self.assertEqual(gateway.metric("tracegate_guest_connections_total"), 2)
        finally:
            gateway.stop()


def process_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Dialling(unittest.TestCase):
    """The gateway is the client: it dials RUNDIR/9p.sock, whoever listens there and
    whenever they start, and reconnects when a guest does not complete the handshake."""

    def test_guest_listening_before_the_gateway_starts_is_dialled(self):
        rundir = tempfile.mkdtemp(prefix="tracegate-test-")
        guest = subprocess.Popen([HOSTGUEST, os.path.join(rundir, "9p.sock")],
                                 stderr=subprocess.DEVNULL)
        try:
            self.assertTrue(wait_until(lambda: os.path.exists(os.path.join(rundir, "9p.sock"))))
            gateway = Gateway("--rundir", rundir)
            try:
                self.assertTrue(wait_until(lambda: gateway.request("GET", "/healthz")[0] == 200))
            finally:
                gateway.stop()
        finally:
            guest.kill()
            guest.wait()

    def test_a_guest_that_answers_version_but_not_attach_stays_503_and_is_redialled(self):
        gateway = Gateway()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(gateway.socket_path)
        listener.listen(4)
        listener.settimeout(10)
        try:
            first, _ = listener.accept()
            header = first.recv(7, socket.MSG_WAITALL)
            size, kind, tag = struct.unpack("<IBH", header)
            body = first.recv(size - 7, socket.MSG_WAITALL)
            self.assertEqual(kind, 100)  # Tversion first, on every connection
            msize, = struct.unpack("<I", body[:4])
            self.assertEqual((tag, msize), (0xffff, 1 << 20))
            version = b"9P2000.L"
            reply = struct.pack("<BHIH", 101, tag, 65536, len(version)) + version
            first.sendall(struct.pack("<I", len(reply) + 4) + reply)
            size, attach_kind, _ = struct.unpack("<IBH", first.recv(7, socket.MSG_WAITALL))
            self.assertEqual(attach_kind, 104)  # Tattach, left unanswered
            first.recv(size - 7, socket.MSG_WAITALL)
            self.assertEqual(gateway.request("GET", "/healthz")[0], 503)
            # No Rattach within the handshake timeout: the gateway hangs up and dials again.
            second, _ = listener.accept()
            self.assertEqual(first.recv(1), b"")
            self.assertEqual(second.recv(7, socket.MSG_WAITALL)[4], 100)
            self.assertEqual(gateway.request("GET", "/healthz")[0], 503)
            first.close()
            second.close()
        finally:
            listener.close()
            gateway.stop()
        self.assertIn("reconnecting", gateway.log_text())


class Supervision(unittest.TestCase):
    """--guest-script: the gateway starts the guest, restarts it, and stops it on SIGTERM.
    fake-guest stands in for scripts/guest (it runs a host guest where QEMU would listen)."""

    def start(self, *args):
        gateway = Gateway("--guest-script", FAKE_GUEST_SCRIPT, *args)
        self.addCleanup(lambda: gateway.process.poll() is None and gateway.stop())
        self.assertTrue(wait_until(lambda: gateway.request("GET", "/healthz")[0] == 200))
        return gateway

    def guest_pid(self, gateway):
        with open(os.path.join(gateway.rundir, "qemu.pid")) as pid_file:
            return int(pid_file.read())

    def test_starts_the_guest_script_with_its_flags(self):
        gateway = self.start("--smp", "3", "--accel", "tcg", "--append", "workload=alloc:5 x=1")
        with open(os.path.join(gateway.rundir, "guest.args")) as args:
            self.assertEqual(args.read().splitlines(),
                             ["--rundir", gateway.rundir, "--smp", "3", "--accel", "tcg",
                              "--append", "workload=alloc:5 x=1"])
        self.assertEqual(gateway.request("GET", "/tracing/current_tracer")[:2], (200, "nop\n"))
        self.assertEqual(gateway.log_text().count("guest started"), 1)

    def test_a_guest_that_dies_is_restarted_and_the_link_comes_back(self):
        gateway = self.start()
        first = self.guest_pid(gateway)
        os.kill(first, signal.SIGKILL)
        self.assertTrue(wait_until(lambda: gateway.request("GET", "/healthz")[0] == 503))
        self.assertTrue(wait_until(lambda: gateway.request("GET", "/healthz")[0] == 200))
        self.assertNotEqual(self.guest_pid(gateway), first)
        self.assertEqual(gateway.request("PUT", "/tracing/tracing_on", "1")[0], 204)
        self.assertEqual(gateway.metric("tracegate_guest_connections_total"), 2)
        log = gateway.log_text()
        self.assertEqual(log.count("guest started"), 2)
        self.assertRegex(log, r"guest exited \(pid \d+, status \d+\) after [\d.]+ s; restarting")

    def test_a_guest_that_was_serving_restarts_at_once_and_its_last_lines_are_logged(self):
        gateway = self.start()
        first = self.guest_pid(gateway)
        os.kill(first, signal.SIGKILL)
        self.assertTrue(wait_until(
            lambda: gateway.metric("tracegate_guest_connections_total") == 2))
        log = gateway.log_text()
        self.assertRegex(log, r"guest exited \(pid \d+, status \d+\) after [\d.]+ s; "
                         r"restarting at once \(it was serving\)\n"
                         r"tracegate-gatewayd: last lines of the guest's serial log "
                         r"\(\S+/serial.log\):\n"
                         r"  fake-guest: booting \(pid \d+\)\n")
        self.assertNotIn("restarting in", log)

    def test_a_guest_that_dies_before_serving_backs_off_longer_each_time(self):
        gateway = Gateway("--guest-script", FAKE_GUEST_SCRIPT, "--append", "die-before-serving")
        self.addCleanup(lambda: gateway.process.poll() is None and gateway.stop())
        self.assertTrue(wait_until(lambda: gateway.log_text().count("guest exited") >= 3))
        log = gateway.log_text()
        delays = re.findall(r"; restarting in (\d+) ms \(its link never came up\)\n", log)
        self.assertEqual(delays[:3], ["500", "1000", "2000"])
        self.assertNotIn("restarting at once", log)
        self.assertIn("  fake-guest: dying before serving\n", log)
        self.assertEqual(gateway.request("GET", "/healthz")[0], 503)

    def test_sigterm_stops_the_guest_then_exits(self):
        gateway = self.start()
        guest = self.guest_pid(gateway)
        gateway.process.send_signal(signal.SIGTERM)
        self.assertEqual(gateway.process.wait(timeout=20), 0)
        self.assertFalse(process_alive(guest))
        self.assertIn("stopping the guest", gateway.log_text())

    def test_sigint_stops_the_guest_then_exits(self):
        gateway = self.start()
        guest = self.guest_pid(gateway)
        gateway.process.send_signal(signal.SIGINT)
        self.assertEqual(gateway.process.wait(timeout=20), 0)
        self.assertFalse(process_alive(guest))


class Tokens(unittest.TestCase):
    def test_non_loopback_bind_without_token_is_refused(self):
        result = subprocess.run([GATEWAYD, "--port", str(free_port()), "--bind", "0.0.0.0",
                                 "--rundir", tempfile.mkdtemp()],
                                capture_output=True, text=True, timeout=10,
                                env={k: v for k, v in os.environ.items()
                                     if k != "TRACEGATE_TOKEN"})
        self.assertEqual(result.returncode, 2)
        self.assertIn("needs --token", result.stderr)

    def test_writes_need_the_bearer_token_reads_do_not(self):
        gateway = Gateway("--bind", "0.0.0.0", "--token", "s3cret")
        try:
            gateway.start_guest()
            self.assertEqual(gateway.request("GET", "/tracing/current_tracer")[0], 200)
            self.assertEqual(gateway.request("PUT", "/tracing/current_tracer", "nop")[0], 401)
            wrong = {"Authorization": "Bearer nope"}
            self.assertEqual(
                gateway.request("PUT", "/tracing/current_tracer", "nop", wrong)[0], 401)
            right = {"Authorization": "Bearer s3cret"}
            self.assertEqual(
                gateway.request("PUT", "/tracing/current_tracer", "nop", right)[0], 204)
        finally:
            gateway.stop()

    def test_token_from_the_environment(self):
        env = dict(os.environ, TRACEGATE_TOKEN="envtoken")
        gateway = Gateway("--bind", "0.0.0.0", env=env)
        try:
            gateway.start_guest()
            right = {"Authorization": "Bearer envtoken"}
            self.assertEqual(
                gateway.request("PUT", "/tracing/current_tracer", "nop", right)[0], 204)
            self.assertEqual(gateway.request("PUT", "/tracing/current_tracer", "nop")[0], 401)
        finally:
            gateway.stop()


class AccessLog(unittest.TestCase):
    def test_one_line_per_request(self):
        gateway = Gateway()
        try:
            gateway.request("GET", "/healthz")
            gateway.request("GET", "/metrics")
            gateway.stop()
            lines = [l for l in gateway.log_text().splitlines() if l.startswith("127.0.0.1 ")]
            # The first is the start-up probe of Gateway().
            self.assertEqual(len(lines), 3)
            self.assertRegex(lines[1], r'^127\.0\.0\.1 "GET /healthz" 503 \d+ [\d.]+ms$')
            self.assertRegex(lines[2], r'^127\.0\.0\.1 "GET /metrics" 200 \d+ [\d.]+ms$')
        finally:
            if gateway.process.poll() is None:
                gateway.stop()


if __name__ == "__main__":
    unittest.main()
