"""Each workload started from the kernel command line completes with the checksum the host
computes independently, the ping-pong tasks ran on different CPUs and woke each other
across CPUs, and bad workload requests are refused with EINVAL."""

import re
import sys

import checksums
from guestlib import Guest, expect, run

COUNTS = {"alloc": 3000, "pingpong": 400, "ramfs": 500, "timers": 700, "priority": 20,
          "preempt_delay": 2000, "irq_delay": 2000}
RESULT = re.compile(r"workload: (\w+) status=(\w+) iterations=(\d+) duration_ns=(\d+) "
                    r"checksum=0x([0-9a-f]{16})")


def test_all_complete(kernel, guests):
    items = ",".join(f"{name}:{count}" for name, count in COUNTS.items())
    guest = Guest(kernel, append=f"poweroff workload={items}", smp=2, timeout=240)
    guests.append(guest)
    status = guest.wait()
    log = guest.log()
    expect(status == 0, f"scripts/guest exited {status}, want 0")
    results = {m.group(1): m for m in RESULT.finditer(log)}
    for name, count in COUNTS.items():
        expect(name in results, f"workload {name} reported no result")
        m = results[name]
        expect(m.group(2) == "ok", f"workload {name} status {m.group(2)}")
        expect(int(m.group(3)) == count, f"workload {name} ran {m.group(3)} iterations")
        want = checksums.EXPECTED[name](count)
        got = int(m.group(5), 16)
        expect(got == want, f"workload {name} checksum {got:#x}, want {want:#x}")
        expect(int(m.group(4)) > 0, f"workload {name} took no time")
    for name in ("preempt_delay", "irq_delay"):
        waited = int(results[name].group(4))
        expect(waited >= COUNTS[name] * 1000, f"{name} {COUNTS[name]} took only {waited} ns")
    crossed = re.search(r"pingpong: ping on cpu(\d+), pong on cpu(\d+), (\d+) wakeups crossed "
                        r"CPUs, ping migrated (\d+)", log)
    expect(crossed, "pingpong did not report its CPUs")
    expect(crossed.group(1) != crossed.group(2), "ping and pong shared a CPU")
    # A hand-off needs no wakeup when the partner has not gone to sleep yet, so the count
    # is not exact; most hand-offs must still wake the other CPU's task.
    expect(int(crossed.group(3)) >= COUNTS["pingpong"] // 2,
           f"only {crossed.group(3)} wakeups crossed CPUs")
    expect(crossed.group(4) == "1", "ping did not migrate to its CPU")
    remote = sum(int(n) for n in re.findall(r"sched: cpu\d+ switches=\d+ remote_wakeups=(\d+)", log))
    expect(remote >= int(crossed.group(3)), f"scheduler counted {remote} remote wakeups")
    expect(f"boot workloads done: {len(COUNTS)} ran, 0 failed" in log, "init did not finish the list")


def test_bad_requests_refused(kernel, guests):
    guest = Guest(kernel, append="poweroff workload=bogus,alloc:0,alloc:12x,timers:5", timeout=120)
    guests.append(guest)
    status = guest.wait()
    log = guest.log()
    expect(status == 3, f"scripts/guest exited {status}, want 3: failed items fail the boot")
    for item in ("bogus", "alloc:0", "alloc:12x"):
        expect(f"workload: '{item}' rejected: EINVAL" in log, f"'{item}' was not refused")
    expect("workload: timers status=ok iterations=5" in log, "a good item after bad ones ran")


if __name__ == "__main__":
    tests = {"all": test_all_complete, "bad": test_bad_requests_refused}
    run(tests[sys.argv[2]], sys.argv[1])
