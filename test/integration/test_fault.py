"""A deliberate fault ends QEMU with the failure code and a register dump."""

import sys

from guestlib import Guest, expect, run

CASES = {
    "pagefault": ["EXCEPTION 14 (page fault) in task init-1", "CR2: 0000000000001000"],
    "invalid-opcode": ["EXCEPTION 6 (invalid opcode) in task init-1"],
}


def test(kernel, kind, guests):
    guest = Guest(kernel, append=f"fault={kind}", smp=2, timeout=90)
    guests.append(guest)
    status = guest.wait()
    log = guest.log()
    expect(status == 3, f"scripts/guest exited {status}, want 3 (guest failure)")
    for needle in CASES[kind]:
        expect(needle in log, f"'{needle}' missing from the fault report")
    for register in ("RIP: 0008:ffffffff", "RSP:", "RAX:", "R15:", "CR3:", "Call trace:"):
        expect(register in log, f"register dump lacks '{register}'")
    expect("powering off" not in log, "the guest kept going after the fault")


if __name__ == "__main__":
    run(test, sys.argv[1], sys.argv[2])
