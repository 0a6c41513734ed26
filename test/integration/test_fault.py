"""A deliberate fault ends QEMU with the failure code and a register dump whose faulting
instruction and call trace are symbolized in Linux's form (name+0xoffset/0xsize)."""

import re
import sys

from guestlib import Guest, expect, run

CASES = {
    "pagefault": ["EXCEPTION 14 (page fault) in task init-1", "CR2: 0000000000001000"],
    "invalid-opcode": ["EXCEPTION 6 (invalid opcode) in task init-1"],
}
# The function that faults, by kind (kernel/init/Fault.cpp).
FAULTING = {"pagefault": "fault_pagefault", "invalid-opcode": "fault_invalid_opcode"}
SYMBOL = r"\+0x[0-9a-f]+/0x[0-9a-f]+"
FRAME = re.compile(r"^\[[ 0-9.]+\] cpu\d+:   \[<(ffffffff[0-9a-f]{8})>\]( \?)? (\S+?)" + SYMBOL
                   + r"$", re.M)


def call_trace(log):
    """The symbolized frames after "Call trace:", as (address, reliable, function)."""
    _, _, after = log.partition("Call trace:\n")
    return [(address, not unsure, name) for address, unsure, name in FRAME.findall(after)]


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
    rip = rf"RIP: 0008:ffffffff[0-9a-f]{{8}} {FAULTING[kind]}{SYMBOL}$"
    expect(re.search(rip, log, re.M), f"the RIP line does not name {FAULTING[kind]}+0x.../0x...")
    frames = call_trace(log)
    # init_main provoked the fault (through fault_inject, a tail call); the task's first
    # frame is the entry trampoline, an assembly label the symbol table also knows.
    names = [name for _, _, name in frames]
    expect("init_main" in names, f"the call trace lacks init_main: {names}")
    expect(frames and frames[-1][1:] == (True, "task_entry_trampoline"),
           f"the call trace does not end at the task's entry: {frames[-1:]}")
    expect("powering off" not in log, "the guest kept going after the fault")


if __name__ == "__main__":
    run(test, sys.argv[1], sys.argv[2])
