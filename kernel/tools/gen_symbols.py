#!/usr/bin/env python3
"""Builds the kernel's address->name table (like kallsyms) from a linked kernel ELF.

Reads the function symbols with `nm -C` (demangled) and the fentry call sites from the
__mcount_loc section, and writes a C++ source with a table sorted by address. Names are
what a C++ reader expects: qualified, without parameters ("Scheduler::pick_next").
Functions with a patchable site are flagged, so available_filter_functions lists exactly
the functions a filter can select.

Usage: gen_symbols.py KERNEL_ELF OUTPUT_CPP
"""
import re
import struct
import subprocess
import sys


def read_mcount_sites(path):
    """Addresses recorded in __mcount_loc (one u64 per instrumented function)."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise SystemExit(f"{path}: not an ELF64 file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    names_offset = sections[shstrndx][4]
    for name_index, _type, _flags, _addr, offset, size, *_ in sections:
        end = elf.index(b"\0", names_offset + name_index)
        if elf[names_offset + name_index:end] == b"__mcount_loc":
            return {v for (v,) in struct.iter_unpack("<Q", elf[offset:offset + size]) if v}
    return set()


def strip_parameters(name):
    """'ns::f(int, char*) const' -> 'ns::f'; keeps template arguments out of the split."""
    depth = 0
    for i, c in enumerate(name):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth == 0:
            if name.startswith("(anonymous namespace)", i):
                continue
            return name[:i]
    return name


def one_word(name):
    """Filter files consume words: 'T* make<T, int>' -> 'make', 'operator delete' ->
    'operator_delete'. Template arguments go (instantiations share their template's name),
    and so does a function template's return type."""
    out, depth = [], 0
    for c in name:
        if c == "<" and not out[-8:] == list("operator"):
            depth += 1
        elif c == ">" and depth:
            depth -= 1
        elif depth == 0:
            out.append(c)
    name = "".join(out).strip()
    if " " in name and not name.startswith("operator"):
        head, _, tail = name.rpartition(" ")
        if not head.endswith("operator"):
            name = tail
    return name.replace(" ", "_")


def read_functions(path):
    out = subprocess.run(["nm", "-n", "-C", "-S", "--defined-only", path],
                         check=True, capture_output=True, text=True).stdout
    functions = {}
    unsized = {}
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 3 and parts[1] in ("T", "t"):
            # An assembly label (switch_to, interrupt stubs): nm knows no size.
            unsized.setdefault(int(parts[0], 16), parts[2])
            continue
        if len(parts) != 4 or parts[2] not in ("T", "t", "W", "w"):
            continue
        address, size = int(parts[0], 16), int(parts[1], 16)
        # GCC's clones (partial inlining, constant propagation) keep their suffix, as Linux
        # shows them: "kfree(void*) [clone .part.0]" -> "kfree.part.0".
        clones = "".join(re.findall(r" \[clone ([^\]]+)\]", parts[3]))
        name = one_word(strip_parameters(parts[3]).replace("(anonymous namespace)::", "")) + clones
        # Aliases (C1/C2 constructors, ICF) share an address: keep the first name.
        functions.setdefault(address, (size, name))
    add_assembly_labels(functions, unsized)
    return functions


def add_assembly_labels(functions, labels):
    """Assembly entry points inside the compiled text, so that a backtrace through them is
    symbolized; each runs to the next symbol. Labels outside it (the 32-bit boot code, the
    page tables) and linker-script markers (_text_start) stay out: the table indexes one
    range of text, and a marker is no function."""
    if not functions:
        return
    low, high = min(functions), max(a + s for a, (s, _) in functions.items())
    starts = sorted(set(functions) | set(labels))
    for address, name in labels.items():
        if address in functions or not low <= address < high or name.startswith("_"):
            continue
        after = starts[starts.index(address) + 1] if address != starts[-1] else high
        functions[address] = (after - address, name)


def c_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    elf, output = sys.argv[1], sys.argv[2]
    sites = read_mcount_sites(elf)
    functions = read_functions(elf)
    rows = []
    for address in sorted(functions):
        size, name = functions[address]
        notrace = "false" if address in sites else "true"
        rows.append(f"    {{0x{address:x}ull, {size}u, {c_string(name)}, {notrace}}},")
    with open(output, "w") as f:
        f.write("// Generated by kernel/tools/gen_symbols.py from the linked kernel. Do not edit.\n")
        f.write('#include "Platform.h"\n\n')
        f.write("namespace kernel {\n\n")
        f.write("// Placed after everything else by the linker script, so that adding the table\n")
        f.write("// moves no function: the addresses below stay those of the first link.\n")
        f.write('__attribute__((section(".ksymtab"))) extern const tg::Symbol kKernelSymbols[] = {\n')
        f.write("\n".join(rows) + "\n};\n")
        f.write('__attribute__((section(".ksymtab"))) extern const unsigned long kKernelSymbolCount =\n')
        f.write(f"    {len(rows)};\n\n")
        f.write("}  // namespace kernel\n")


if __name__ == "__main__":
    main()
