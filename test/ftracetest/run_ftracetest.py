"""Linux 6.12's own ftrace selftests (ftracetest) against the guest's tree, mounted on the host.

The selftests come from Debian's linux-source-6.12 package: /usr/src/linux-source-6.12.tar.xz
when it is installed, otherwise the package fetched with `apt-get download`. Only
tools/testing/selftests/ftrace is unpacked, into a cache directory outside the source tree
(TRACEGATE_CACHE_DIR, default ~/.cache/tracegate), and reused by later runs.

ftracetest finds its tracing directory as the first /proc/mounts line that mentions tracefs.
So the whole run happens in a private mount namespace in which no other tracefs or debugfs
is mounted: the gateway mounts the guest's tree there, tracing/ is bound onto a directory
of its own and the full mount detached, and that bind is the only tracefs line. The host's
tracefs is never reached. /proc/sys/kernel/stack_tracer_enabled, the stack tracer's switch,
is the guest's own (the mount's proc/sys/kernel/stack_tracer_enabled) bound over the host's
in that namespace; a host kernel without that sysctl gets /proc/sys/kernel covered by a
scratch directory that holds it and copies of the other settings the suite touches. Those
(/proc/sys/kernel/sched_rt_runtime_us, ftrace_enabled, /proc/sys/debug/kprobes-optimization) are covered by scratch files in that
namespace, so the host's own are never written, and modprobe/rmmod/insmod are stand-ins that
fail: host modules have nothing to do with the guest. The one exception is
preemptirq_delay_test, whose stretch the guest's delay workloads make (DELAY_MODULE_SHIM). ftrace/func_hotplug.tc (it takes host CPUs
offline) is never run. The tests in GUEST_KALLSYMS run last, with the guest's kallsyms bound
over /proc/kallsyms.

ftracetest runs all the test files in one go; a test that gives no result for --limit
seconds is reported as TIMEOUT, the run is killed and started again with the files left. Every result, including the instance
variants (NAME@instance), is compared with expectations.txt; any difference, better or
worse, fails the run and is printed as a diff.
"""
import argparse
import glob
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "httpd"))
from test_gateway import free_port, wait_until  # noqa: E402

SKIP = 77
PACKAGE = "linux-source-6.12"
TARBALL = "/usr/src/linux-source-6.12.tar.xz"
SELFTESTS = "linux-source-6.12/tools/testing/selftests/ftrace"
NEVER_RUN = {"ftrace/func_hotplug.tc": "takes the host's CPUs offline"}
HOST_SETTINGS = ["/proc/sys/kernel/sched_rt_runtime_us", "/proc/sys/kernel/ftrace_enabled",
                 "/proc/sys/debug/kprobes-optimization"]
# Tests that take probe points from /proc/kallsyms (addresses, or function names to look up
# in available_filter_functions): they run last, in a second ftracetest run, with the guest's
# kallsyms bound over the host's. The other readers of kallsyms keep the host's:
# multiple_kprobes would need 256 functions to probe, and the guest's tracer code (most of
# its text) refuses kprobes.
GUEST_KALLSYMS = {"kprobe/probepoint.tc", "kprobe/kprobe_eventname.tc"}
KALLSYMS = "/proc/kallsyms"
STACK_SWITCH = "/proc/sys/kernel/stack_tracer_enabled"
GUEST_STACK_SWITCH = "proc/sys/kernel/stack_tracer_enabled"  # in the guest's tree
RESULTS = ("PASS", "FAIL", "UNRESOLVED", "UNTESTED", "UNSUPPORTED", "XFAIL", "TIMEOUT")
RESULT_LINE = re.compile(r"^\[\d+\](\s*\(instance\))?.*\[(%s)\]\s*$" % "|".join(RESULTS[:-1]))
IN_NAMESPACE = "TRACEGATE_FTRACETEST_NAMESPACE"


def skip(reason):
    print("ftracetest: SKIP: " + reason)
    sys.exit(SKIP)


def cache_dir():
    base = os.environ.get("TRACEGATE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "tracegate")
    return os.path.join(base, "ftrace-selftests")


def selftests():
    """The unpacked selftests directory, fetched and unpacked once."""
    cache = cache_dir()
    directory = os.path.join(cache, SELFTESTS)
    if os.path.exists(os.path.join(directory, "ftracetest")):
        return directory
    os.makedirs(cache, exist_ok=True)
    member = "linux-source-6.12/tools/testing/selftests/ftrace/*"
    if os.path.exists(TARBALL):
        unpack = "tar -xJf %s -C %s --wildcards '%s'" % (TARBALL, cache, member)
    else:
        fetched = subprocess.run(["apt-get", "download", PACKAGE], cwd=cache,
                                 capture_output=True, text=True)
        debs = glob.glob(os.path.join(cache, PACKAGE + "_*.deb"))
        if fetched.returncode != 0 or not debs:
            skip("cannot get %s (apt-get download: %s)" % (PACKAGE, fetched.stderr.strip()))
        unpack = ("dpkg-deb --fsys-tarfile %s | tar -xO .%s | tar -xJ -C %s --wildcards '%s'"
                  % (debs[0], TARBALL, cache, member))
    print("ftracetest: unpacking the selftests into " + cache, flush=True)
    subprocess.run(["bash", "-o", "pipefail", "-c", unpack], check=True)
    for deb in glob.glob(os.path.join(cache, PACKAGE + "_*.deb")):
        os.remove(deb)
    return directory


def test_files(directory, only):
    names = sorted(os.path.relpath(path, os.path.join(directory, "test.d"))
                   for path in glob.glob(os.path.join(directory, "test.d", "**", "*.tc"),
                                     recursive=True))
    if only:
        names = [name for name in names if any(re.search(pattern, name) for pattern in only)]
    return [name for name in names if name not in NEVER_RUN]


def read_expectations(path):
    expected = {}
    with open(path) as text:
        for number, line in enumerate(text, 1):
            body, _, reason = line.partition("#")
            fields = body.split()
            if not fields:
                continue
            if len(fields) != 2 or not set(fields[1].split("|")) <= set(RESULTS):
                raise SystemExit("%s:%d: want 'NAME RESULT[|RESULT]  # reason'" % (path, number))
            if fields[1] != "PASS" and not reason.strip():
                raise SystemExit("%s:%d: %s is not expected to pass but gives no reason"
                                 % (path, number, fields[0]))
            expected[fields[0]] = (fields[1], reason.strip())
    return expected


REFUSED_SHIM = "#!/bin/sh\necho \"%s: host modules are not the guest's\" >&2\nexit 1\n"
# Linux's preemptirq tests load preemptirq_delay_test for a stretch of known length with
# preemption disabled or interrupts masked (test_mode=preempt|irq, delay= microseconds; its
# defaults irq and 100). The guest's preempt_delay and irq_delay workloads make the same
# stretch in the guest's kernel, so loading that module runs one (through the mount's
# workloads/run, which returns once it has finished); unloading it has nothing to undo.
# Any other module is refused.
DELAY_MODULE_SHIM = {
    "modprobe": """#!/bin/sh
[ "$1" = preemptirq_delay_test ] || { echo "modprobe: host modules are not the guest's" >&2; exit 1; }
shift
mode=irq
delay=100
for arg in "$@"; do
    case "$arg" in
        test_mode=*) mode=${arg#test_mode=} ;;
        delay=*) delay=${arg#delay=} ;;
        *) echo "modprobe: preemptirq_delay_test: $arg is not followed" >&2; exit 1 ;;
    esac
done
case "$mode" in
    preempt|irq) echo "${mode}_delay $delay" > WORKLOADS/run ;;
    *) echo "modprobe: preemptirq_delay_test: test_mode=$mode is not followed" >&2; exit 1 ;;
esac
""",
    "rmmod": """#!/bin/sh
[ "$1" = preemptirq_delay_test ] && exit 0
echo "rmmod: host modules are not the guest's" >&2
exit 1
""",
}


def shield_host(scratch):
    """Unmounts every other tracefs/debugfs in this namespace and covers host settings."""
    with open("/proc/mounts") as mounts:
        points = [line.split()[1] for line in mounts
                  if "tracefs" in line or line.split()[2] == "debugfs"]
    for point in reversed(points):
        subprocess.run(["umount", "-l", point], check=True)
    for setting in HOST_SETTINGS:
        if not os.path.exists(setting):
            continue
        copy = os.path.join(scratch, os.path.basename(setting))
        with open(setting) as original, open(copy, "w") as out:
            out.write(original.read())
        subprocess.run(["mount", "--bind", copy, setting], check=True)
    shims = os.path.join(scratch, "bin")
    os.makedirs(shims)
    workloads = os.path.join(scratch, "workloads")
    for tool in ("modprobe", "rmmod", "insmod"):
        with open(os.path.join(shims, tool), "w") as shim:
            shim.write(DELAY_MODULE_SHIM[tool].replace("WORKLOADS", workloads) if tool in
                       DELAY_MODULE_SHIM else REFUSED_SHIM % tool)
        os.chmod(os.path.join(shims, tool), 0o755)
    return shims


def bind_stack_switch(mount, scratch):
    """Binds the guest's stack_tracer_enabled over the host's, in this namespace only."""
    if not os.path.exists(STACK_SWITCH):
        # No such sysctl on this host (no stack tracer): /proc/sys/kernel cannot grow a file,
        # so a directory of our own covers it, with copies of the settings the suite touches.
        cover = os.path.join(scratch, "sysctl-kernel")
        os.makedirs(cover)
        for setting in HOST_SETTINGS:
            if os.path.dirname(setting) == os.path.dirname(STACK_SWITCH) and os.path.exists(setting):
                with open(setting) as original, open(
                        os.path.join(cover, os.path.basename(setting)), "w") as out:
                    out.write(original.read())
        open(os.path.join(cover, os.path.basename(STACK_SWITCH)), "w").close()
        subprocess.run(["mount", "--bind", cover, os.path.dirname(STACK_SWITCH)], check=True)
    subprocess.run(["mount", "--bind", os.path.join(mount, GUEST_STACK_SWITCH), STACK_SWITCH],
                   check=True)


class MountedGuest:
    """tracegate-gatewayd with the kernel under QEMU and its tree mounted; tracing/ bound
    onto `tracing_dir`, the only tracefs mount in this namespace."""

    def __init__(self, gatewayd, kernel, accel, scratch):
        self.rundir = os.path.join(scratch, "run")
        self.mount = os.path.join(scratch, "mount")
        self.tracing_dir = os.path.join(scratch, "tracing")
        os.makedirs(self.mount)
        os.makedirs(self.tracing_dir)
        self.log_path = os.path.join(scratch, "gateway.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [gatewayd, "--port", str(free_port()), "--rundir", self.rundir,
             "--guest-script", os.path.join(ROOT, "scripts", "guest"), "--kernel", kernel,
             "--accel", accel, "--smp", "2", "--mount", self.mount], stderr=self.log)
        up = wait_until(lambda: os.path.exists(os.path.join(self.mount, "tracing",
                                                            "current_tracer")), 120)
        if not up:
            self.stop()
            raise SystemExit("ftracetest: the guest's tree did not appear; see " + self.log_path)
        subprocess.run(["mount", "--bind", os.path.join(self.mount, "tracing"),
                        self.tracing_dir], check=True)
        bind_stack_switch(self.mount, scratch)
        # The guest's workloads (the delay module's stand-in runs them), and its kallsyms,
        # kept reachable after the full mount is detached.
        self.workloads = os.path.join(scratch, "workloads")
        os.makedirs(self.workloads)
        subprocess.run(["mount", "--bind", os.path.join(self.mount, "workloads"),
                        self.workloads], check=True)
        self.kallsyms = os.path.join(scratch, "kallsyms")
        open(self.kallsyms, "w").close()
        subprocess.run(["mount", "--bind", os.path.join(self.mount, "proc", "kallsyms"),
                        self.kallsyms], check=True)
        subprocess.run(["umount", "-l", self.mount], check=True)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()
        # The binds outlive the gateway's own unmount; detach them so the scratch can go.
        subprocess.run(["umount", "-l", self.tracing_dir], check=False)
        subprocess.run(["umount", "-l", STACK_SWITCH], check=False)
        subprocess.run(["umount", "-l", self.kallsyms], check=False)
        subprocess.run(["umount", "-l", self.workloads], check=False)


def instance_variants(directory, names):
    """The test files ftracetest runs a second time on an instance (`# flags: instance`)."""
    def flagged(name):
        with open(os.path.join(directory, "test.d", name)) as tc:
            return re.search(r"flags:.*instance", tc.read()) is not None
    return {name for name in names if flagged(name)}


def keys_of(names, instanced):
    """Result keys in ftracetest's order: every file, then the instance variants."""
    return list(names) + [name + "@instance" for name in names if name in instanced]


def run_ftracetest(directory, names, instanced, logdir, shims, limit, report):
    """One ftracetest run over `names`; results go to `report(key, result)` as they come.
    Returns the key that ran past `limit` seconds without a result (the run is then
    killed), or None."""
    keys = keys_of(names, instanced)
    env = dict(os.environ, PATH=shims + ":" + os.environ["PATH"])
    # A process group of its own, to be killed whole, but not a session: a host that groups
    # processes by session for scheduling (autogroup) would then weigh the test's shell apart
    # from the gateway and QEMU it waits for, and under load every step waits twice.
    process = subprocess.Popen(
        [os.path.join(directory, "ftracetest"), "-k", "-l", logdir] +
        [os.path.join(directory, "test.d", name) for name in names],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, process_group=0)
    pending = b""
    done = 0
    try:
        while True:
            ready, _, _ = select.select([process.stdout], [], [], limit)
            if not ready:
                return keys[done] if done < len(keys) else None
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                return None
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                match = RESULT_LINE.match(line.decode(errors="replace"))
                if match and done < len(keys):
                    report(keys[done], match.group(2))
                    done += 1
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()


def run_all(directory, names, logdir, shims, limit, report):
    """Runs every file; a key that times out is reported TIMEOUT (a file whose plain run
    timed out is not run on an instance either) and the run goes on with the rest."""
    instanced = instance_variants(directory, names)
    results = {}

    def record(key, result):
        results[key] = result
        report(key, result)

    skipped = set()
    attempt = 0
    while True:
        todo = [name for name in names if name not in skipped and
                any(key not in results for key in keys_of([name], instanced))]
        if not todo:
            return results
        attempt += 1
        stuck = run_ftracetest(directory, todo, instanced,
                               os.path.join(logdir, str(attempt)), shims, limit, record)
        if stuck is None:
            missing = [key for key in keys_of(todo, instanced) if key not in results]
            for key in missing:
                record(key, "FAIL")  # ftracetest ended without reporting it
            return results
        record(stuck, "TIMEOUT")
        name = stuck.split("@")[0]
        if not stuck.endswith("@instance") and name in instanced:
            record(name + "@instance", "TIMEOUT")
        skipped.add(name)


def log_of(logdir, key):
    """The last lines of the ftracetest log kept for `key`."""
    name = os.path.basename(key.split("@")[0])
    logs = sorted(glob.glob(os.path.join(logdir, "**", "*-%s-log.*" % name), recursive=True),
                  key=lambda path: (os.path.getmtime(path),
                                    int(os.path.basename(path).split("-")[0])))
    if not logs:
        return "(no log)"
    log = logs[-1] if key.endswith("@instance") or len(logs) == 1 else logs[-2]
    with open(log, errors="replace") as text:
        return "\n".join(text.read().splitlines()[-12:])


def compare(results, expected, names):
    """Lines of a diff between expectations and results; empty when they agree."""
    lines = []
    for key in sorted(set(results) | {k for k in expected if k.split("@")[0] in names}):
        want = expected.get(key, ("(not listed)", ""))[0]
        got = results.get(key, "(not run)")
        if got not in want.split("|"):
            lines.append("- %s %s" % (key, want))
            lines.append("+ %s %s" % (key, got))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--expectations", default=os.path.join(HERE, "expectations.txt"))
    parser.add_argument("--limit", type=int, default=60, help="seconds a test may take")
    parser.add_argument("--write-expectations", metavar="PATH",
                        help="also write the results as an expectations file (reasons kept)")
    parser.add_argument("only", nargs="*", help="regexes: run only matching test files")
    args = parser.parse_args()

    gatewayd = os.environ.get("TRACEGATE_GATEWAYD", "")
    kernel = os.environ.get("TRACEGATE_KERNEL", "")
    if not (gatewayd and kernel and os.path.exists(kernel)):
        skip("TRACEGATE_GATEWAYD and TRACEGATE_KERNEL must name the built programs")
    if os.geteuid() != 0:
        skip("ftracetest must run as root")
    try:
        os.close(os.open("/dev/fuse", os.O_RDWR))
    except OSError as error:
        skip("/dev/fuse cannot be opened (%s)" % error.strerror)
    directory = selftests()

    if os.environ.get(IN_NAMESPACE) != "1":
        # Everything below happens in a private mount namespace (see the module comment).
        command = ["unshare", "--mount", "--propagation", "private", sys.executable,
                   os.path.abspath(__file__)] + sys.argv[1:]
        os.environ[IN_NAMESPACE] = "1"
        return subprocess.run(command).returncode

    expected = read_expectations(args.expectations)
    names = test_files(directory, args.only)
    scratch = tempfile.mkdtemp(prefix="tracegate-ftracetest-")
    shims = shield_host(scratch)
    guest = MountedGuest(gatewayd, kernel, os.environ.get("TRACEGATE_E2E_ACCEL", "tcg"), scratch)
    logdir = os.path.join(scratch, "logs")
    started = time.monotonic()
    def report(key, result):
        print("%-60s %s" % (key, result), flush=True)
    try:
        results = run_all(directory, [n for n in names if n not in GUEST_KALLSYMS], logdir,
                          shims, args.limit, report)
        last = [name for name in names if name in GUEST_KALLSYMS]
        if last:
            subprocess.run(["mount", "--bind", guest.kallsyms, KALLSYMS], check=True)
            try:
                results.update(run_all(directory, last, os.path.join(logdir, "kallsyms"), shims,
                                       args.limit, report))
            finally:
                subprocess.run(["umount", "-l", KALLSYMS], check=False)
    finally:
        guest.stop()

    counts = {result: list(results.values()).count(result) for result in RESULTS}
    print("\nftracetest: %d results in %.0f s: " % (len(results), time.monotonic() - started) +
          ", ".join("%s %d" % (result.lower(), counts[result]) for result in RESULTS))
    if args.write_expectations:
        with open(args.write_expectations, "w") as out:
            for key in sorted(results):
                reason = expected.get(key, ("", ""))[1]
                line = "%-52s %s" % (key, results[key])
                out.write((line + "  # " + reason if reason else line).rstrip() + "\n")
    diff = compare(results, expected, set(names))
    if diff:
        print("\nftracetest: results differ from %s (- expected, + got):" % args.expectations)
        print("\n".join(diff))
        for key in sorted({line[2:].split()[0] for line in diff}):
            if key in results:
                print("\n--- %s (end of its ftracetest log)\n%s" % (key, log_of(logdir, key)))
        return 1
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
