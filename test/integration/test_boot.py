"""The kernel boots under QEMU (TCG), brings every vCPU online and powers off cleanly."""

import sys

from guestlib import Guest, expect, run


def test(kernel, guests):
    guest = Guest(kernel, append="poweroff", smp=2, timeout=90)
    guests.append(guest)
    status = guest.wait()
    log = guest.log()
    expect(status == 0, f"scripts/guest exited {status}, want 0 (clean power-off)")
    expect("tracegate: kernel starting" in log, "no boot banner on COM1")
    expect("command line: console=ttyS0 smp=2 poweroff" in log, "command line not logged")
    expect("cpu1: smp: CPU 1 online (APIC ID 1)" in log, "CPU 1 never logged from itself")
    expect("smp: 2 of 2 CPUs online" in log, "not every vCPU came online")
    expect("clock: TSC " in log, "TSC clock was not calibrated")
    expect("init: powering off" in log, "init did not finish")


if __name__ == "__main__":
    run(test, sys.argv[1])
