#!/usr/bin/env python3
"""Fails unless two linked kernels have the same text symbols at the same addresses.

The build links the kernel twice: once with an empty symbol table, then with the table
generated from that first link. The table must describe the second link too, so adding it
may move no function.

Usage: check_same_text.py FIRST_ELF SECOND_ELF
"""
import subprocess
import sys


def text_symbols(path):
    out = subprocess.run(["nm", "-n", "--defined-only", path], check=True, capture_output=True,
                         text=True).stdout
    return [line for line in out.splitlines() if line.split(" ")[1:2] in (["T"], ["t"], ["W"], ["w"])]


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    first, second = text_symbols(sys.argv[1]), text_symbols(sys.argv[2])
    if first == second:
        return
    for a, b in zip(first, second):
        if a != b:
            raise SystemExit(f"symbol table moved a function: {a!r} became {b!r}")
    raise SystemExit(f"text symbol count changed: {len(first)} -> {len(second)}")


if __name__ == "__main__":
    main()
