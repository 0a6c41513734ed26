"""The guest's tree mounted on the host (tracegate-gatewayd --mount), used with the shell.

The gateway supervises the real kernel under QEMU (as in test_e2e.py) and mounts its tree
through FUSE. Every check runs plain shell commands (echo, cat, >, >>, mkdir, rmdir) in the
mount, the way a script written for Linux's tracefs would, and reads the shell's own error
messages. Skipped, saying why, only when /dev/fuse cannot be used.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
sys.path.insert(0, HERE)
import tracecheck  # noqa: E402
from test_e2e import KERNEL, Guest  # noqa: E402
from test_gateway import wait_until  # noqa: E402

FUNCTION_TRACING_PENDING = "function tracing is not in this kernel " \
    "(available_filter_functions is empty)"


def fuse_unusable():
    """Why FUSE cannot be used here, or None."""
    try:
        os.close(os.open("/dev/fuse", os.O_RDWR))
    except OSError as error:
        return "/dev/fuse cannot be opened (%s)" % error.strerror
    if os.geteuid() != 0 and not shutil.which("fusermount3"):
        return "not root and no fusermount3"
    return None


def mount_line(directory):
    with open("/proc/mounts") as mounts:
        for line in mounts:
            if line.split()[1] == directory:
                return line
    return None


@unittest.skipUnless(KERNEL and os.path.exists(KERNEL), "no kernel built")
@unittest.skipIf(fuse_unusable(), fuse_unusable())
class MountTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="tracegate-mount-")
        cls.guest = Guest(extra_args=["--mount", cls.directory])
        if not wait_until(lambda: mount_line(cls.directory), 30):
            cls.guest.stop()
            raise RuntimeError("the mount did not appear; see " + cls.guest.log_path)

    @classmethod
    def tearDownClass(cls):
        status, _ = cls.guest.stop()
        assert status == 0, "gateway exit status %d" % status
        assert mount_line(cls.directory) is None, "the gateway left its mount behind"
        os.rmdir(cls.directory)

    def sh(self, command):
        """Runs a bash command in the mount; returns (exit status, stdout, stderr). bash, not
        dash: dash's echo reports every failed write as "I/O error", whatever the errno."""
        result = subprocess.run(["bash", "-c", command], cwd=self.directory, capture_output=True,
                                text=True, timeout=600)
        return result.returncode, result.stdout, result.stderr

    def ok(self, command):
        status, out, err = self.sh(command)
        self.assertEqual(status, 0, "%s: %s" % (command, err))
        return out

    def fails_with(self, command, message):
        status, _, err = self.sh(command)
        self.assertNotEqual(status, 0, command)
        self.assertIn(message, err, command)

    def function_tracing(self):
        return self.ok("cat tracing/available_filter_functions").split()

    def setUp(self):
        self.ok("echo nop > tracing/current_tracer && echo > tracing/trace")


class Mounted(MountTest):
    def test_proc_mounts_names_it_tracefs(self):
        fields = mount_line(self.directory).split()
        self.assertEqual((fields[0], fields[2]), ("tracefs", "fuse.tracefs"))

    def test_the_tree_lists_like_tracefs(self):
        self.assertEqual(self.ok("ls").split(), ["proc", "tracing", "workloads"])
        names = self.ok("ls tracing").split()
        for name in ("current_tracer", "trace", "trace_pipe", "instances", "events", "per_cpu"):
            self.assertIn(name, names)
        self.assertEqual(self.ok("cat tracing/current_tracer"), "nop\n")

    def test_files_report_size_zero_and_tracefs_modes(self):
        self.assertEqual(self.ok("stat -c '%s %a %F' tracing/trace_pipe"),
                         "0 440 regular empty file\n")
        self.assertEqual(self.ok("stat -c '%F' tracing/instances"), "directory\n")


class UsedBy(MountTest):
    def test_marker_reads_back_and_echo_into_trace_clears_it(self):
        self.ok("echo mount-marker > tracing/trace_marker")
        self.assertIn("tracing_mark_write: mount-marker", self.ok("cat tracing/trace"))
        self.ok("echo > tracing/trace")
        self.assertNotIn("mount-marker", self.ok("cat tracing/trace"))

    def test_function_tracer_records_a_workload_run_through_the_mount(self):
        if not self.function_tracing():
            self.skipTest(FUNCTION_TRACING_PENDING)
        try:
            self.ok("echo function > tracing/current_tracer")
            self.ok("echo 'alloc 20' > workloads/run")
            self.ok("echo 0 > tracing/tracing_on")
            text = self.ok("cat tracing/trace")
        finally:
            self.sh("echo 1 > tracing/tracing_on; echo nop > tracing/current_tracer")
        self.assertTrue(tracecheck.parse_function_trace(text), "no function entries")
        self.assertIn("status: ok\n", self.ok("cat workloads/last"))

    def test_filter_gt_replaces_and_gtgt_appends(self):
        functions = self.function_tracing()
        if len(functions) < 2:
            self.skipTest(FUNCTION_TRACING_PENDING)
        first, second = functions[0], functions[1]
        try:
            self.ok("echo %s > tracing/set_ftrace_filter" % first)
            self.ok("echo %s >> tracing/set_ftrace_filter" % second)
            self.assertEqual(sorted(self.ok("cat tracing/set_ftrace_filter").split()),
                             sorted([first, second]))
            self.ok("echo %s > tracing/set_ftrace_filter" % second)
            self.assertEqual(self.ok("cat tracing/set_ftrace_filter"), second + "\n")
        finally:
            self.sh("echo > tracing/set_ftrace_filter")
        self.assertEqual(self.ok("cat tracing/set_ftrace_filter"),
                         "#### all functions enabled ####\n")

    def test_instance_mkdir_works_and_rmdir_removes_it(self):
        self.ok("mkdir tracing/instances/mnt")
        try:
            self.assertIn("trace", self.ok("ls tracing/instances/mnt").split())
            self.ok("echo inst-marker > tracing/instances/mnt/trace_marker")
            self.assertIn("inst-marker", self.ok("cat tracing/instances/mnt/trace"))
            self.assertNotIn("inst-marker", self.ok("cat tracing/trace"))
        finally:
            self.ok("rmdir tracing/instances/mnt")
        self.assertNotIn("mnt", self.ok("ls tracing/instances").split())

    def test_a_probe_group_made_after_another_went_is_reachable(self):
        # The guest may give the new group directory the old one's qid.
        try:
            self.ok("echo 'p:mnta/probe vfs_read' > tracing/kprobe_events")
            self.ok("ls tracing/events/mnta/probe")
            self.ok("echo 'p:mntb/probe vfs_read' > tracing/kprobe_events")
            self.assertIn("enable", self.ok("ls tracing/events/mntb/probe").split())
            self.assertIn("name: probe", self.ok("cat tracing/events/mntb/probe/format"))
            self.fails_with("ls tracing/events/mnta", "No such file or directory")
        finally:
            self.sh("echo > tracing/kprobe_events")

    def test_nonblocking_read_of_an_empty_trace_pipe_is_eagain(self):
        self.fails_with("dd if=tracing/trace_pipe iflag=nonblock count=1",
                        "Resource temporarily unavailable")

    def test_blocked_trace_pipe_read_ends_on_a_signal_with_a_flush(self):
        self.ok("echo first > tracing/trace_marker")
        flushes = self.guest.metric("tracegate_guest_flushes_total")
        reader = subprocess.Popen(["cat", "tracing/trace_pipe"], cwd=self.directory,
                                  stdout=subprocess.PIPE, text=True)
        try:
            self.assertIn("tracing_mark_write: first", reader.stdout.readline())
            # cat is now in its next read(2), which the guest parks (nothing more to read).
            self.assertTrue(wait_until(lambda: in_read_syscall(reader.pid), 60))
            # FUSE hands requests over in order: once this stat has been answered, the
            # parked read has reached the gateway, so the signal interrupts it there.
            os.stat(os.path.join(self.directory, "tracing", "trace_pipe"))
            reader.send_signal(signal.SIGINT)
            self.assertEqual(reader.wait(timeout=60), -signal.SIGINT)
        finally:
            if reader.poll() is None:
                reader.kill()
                reader.wait()
            reader.stdout.close()
        self.assertTrue(wait_until(
            lambda: self.guest.metric("tracegate_guest_flushes_total") > flushes, 30))
        # The reader is gone: trace_pipe opens again and the link carries on.
        self.ok("echo second > tracing/trace_marker")
        self.assertIn("tracing_mark_write: second",
                      self.ok("dd if=tracing/trace_pipe iflag=nonblock bs=4096 count=1 status=none"))


class Errors(MountTest):
    def test_echo_typo_into_the_filter_is_invalid_argument(self):
        self.fails_with("echo no_such_function_typo > tracing/set_ftrace_filter",
                        "Invalid argument")
        self.assertEqual(self.ok("cat tracing/set_ftrace_filter"),
                         "#### all functions enabled ####\n")

    def test_unknown_tracer_is_invalid_argument(self):
        self.fails_with("echo bogus > tracing/current_tracer", "Invalid argument")

    def test_rmdir_of_a_missing_instance_is_no_such_file(self):
        self.fails_with("rmdir tracing/instances/no_such_instance", "No such file or directory")

    def test_mkdir_of_an_existing_instance_is_file_exists(self):
        self.ok("mkdir tracing/instances/twice")
        try:
            self.fails_with("mkdir tracing/instances/twice", "File exists")
        finally:
            self.ok("rmdir tracing/instances/twice")

    def test_writing_a_read_only_file_is_invalid_argument(self):
        self.fails_with("echo x > tracing/available_tracers", "Invalid argument")

    def test_creating_a_file_is_permission_denied(self):
        self.fails_with("echo x > tracing/no_such_file", "Permission denied")

    def test_reading_a_missing_file_is_no_such_file(self):
        self.fails_with("cat tracing/no_such_file", "No such file or directory")


def in_read_syscall(pid):
    """True while the process sits in read(2) (syscall 0 on x86-64)."""
    try:
        with open("/proc/%d/syscall" % pid) as syscall:
            return re.match(r"0 ", syscall.read()) is not None
    except OSError:
        return False


if __name__ == "__main__":
    unittest.main()
