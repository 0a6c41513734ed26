"""kprobe_events against a booted guest, checked against values the workloads know.

    test_kprobes.py KERNEL values     an entry probe's $arg1 is every size the alloc workload
                                      passes to kmalloc; a double dereference and a string read
                                      from a real KmemCache, as char and char[8] too; the
                                      names eventfs_create_dir and tracefs_create_dir get when a
                                      probe and an instance are made; a tracepoint probe (t) on
                                      kmem_cache_alloc reads its arguments; a return probe's $retval is the
                                      pointer the workload then frees; both on kmalloc while
                                      function_graph traces it; probes inside kmalloc
                                      (offsets found in the ELF) read the size in registers;
                                      a point inside an instruction, a branch and $arg at an
                                      offset are refused with Linux's errors
    test_kprobes.py KERNEL churn [N]  probes added, enabled, disabled and removed N times
                                      (default 1000) while workloads run on both CPUs, every
                                      checksum right
"""

import errno
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import checksums  # noqa: E402
import ninep  # noqa: E402
from guestlib import Guest, TestFailure, expect, run  # noqa: E402
from test_churn import Churn  # noqa: E402
from test_ninep import expect_errno, expect_last, parse_last, session  # noqa: E402

ALLOC_RUNS = 200
LINE = re.compile(r"^\s*(\S+)-(\d+)\s+\[(\d+)\].*?: (\w+): \((.*?)\)(.*)$")


def write(client, root, path, text, append=False):
    flags = ninep.O_WRONLY | (ninep.O_APPEND if append else ninep.O_TRUNC)
    client.write_file(root, "tracing/" + path, text.encode(), flags)


def events(client, root):
    """(task, pid, event, where, {arg: value}) for every probe line of `trace`."""
    found = []
    for line in client.read_file(root, "tracing/trace").splitlines():
        match = LINE.match(line)
        if not match:
            continue
        task, pid, _, event, where, rest = match.groups()
        args = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', rest))
        found.append((task, int(pid), event, where, args))
    return found


def run_alloc(client, root, count):
    written = client.write_file(root, "workloads/run", f"alloc {count}\n")
    expect(written == len(f"alloc {count}\n"), f"run write returned {written}")
    expect_last(client, root, "alloc", count)


def is_subsequence(wanted, seen):
    it = iter(seen)
    return all(any(value == item for item in it) for value in wanted)


def check_entry_probe(client, root):
    write(client, root, "kprobe_events", "p:alloc_size kmalloc size=$arg1:u64")
    expect(client.read_file(root, "tracing/kprobe_events") ==
           "p:kprobes/alloc_size kmalloc size=$arg1:u64\n", "kprobe_events reads back")
    write(client, root, "buffer_size_kb", "1408")
    write(client, root, "events/kprobes/alloc_size/enable", "1")
    write(client, root, "trace", "")
    run_alloc(client, root, ALLOC_RUNS)
    write(client, root, "events/kprobes/alloc_size/enable", "0")
    lines = [e for e in events(client, root) if e[2] == "alloc_size"]
    expect(lines, "no alloc_size lines in trace")
    expect(all(e[3].startswith("kmalloc+0x0/0x") for e in lines),
           f"probe point printed as {lines[0][3]!r}")
    sizes = [int(e[4]["size"]) for e in lines]
    wanted = [(i % 64 + 1) * 24 for i in range(ALLOC_RUNS)]
    expect(is_subsequence(wanted, sizes),
           f"the workload's kmalloc sizes are not all in the trace: {sizes[:20]}...")
    profile = client.read_file(root, "tracing/kprobe_profile").split()
    expect(profile[0] == "alloc_size" and int(profile[1]) >= ALLOC_RUNS,
           f"kprobe_profile: {profile}")
    write(client, root, "kprobe_events", "-:alloc_size", append=True)


def check_dereference_and_string(client, root):
    # KmemCache starts with its name (const char*) and its object size: the alloc workload's
    # cache is "workload_alloc" with 200-byte objects, which the cache rounds up to its 16-byte
    # alignment (KmemCache.cpp).
    write(client, root, "kprobe_events",
          "p:cache_alloc kmem_cache_alloc name=+0(+0($arg1)):string size=+8($arg1):u64 "
          "who=$comm")
    write(client, root, "events/kprobes/cache_alloc/enable", "1")
    write(client, root, "trace", "")
    run_alloc(client, root, 10)
    write(client, root, "events/kprobes/cache_alloc/enable", "0")
    lines = [e for e in events(client, root) if e[2] == "cache_alloc"]
    mine = [e for e in lines if e[4].get("name") == '"workload_alloc"']
    expect(len(mine) >= 10 * 16, f"{len(mine)} cache_alloc lines from workload_alloc: {lines[:3]}")
    expect(all(e[4]["size"] == "208" for e in mine), f"object sizes: {mine[:3]}")
    expect(all(e[4]["who"] == f'"{e[0]}"' for e in mine if not e[0].startswith("<")),
           f"$comm differs from the task column: {mine[:3]}")
    write(client, root, "kprobe_events", "")


def check_char_and_arrays(client, root):
    # The cache's name again, now as one char and as an array of eight.
    write(client, root, "kprobe_events",
          "p:cache_chars kmem_cache_alloc first=+0(+0($arg1)):char "
          "head=+0(+0($arg1)):char[8] size=+8($arg1):u32[1]")
    fmt = client.read_file(root, "tracing/events/kprobes/cache_chars/format")
    expect("\tfield:u8 head[8];\toffset:17;\tsize:8;\tsigned:0;\n" in fmt, f"format: {fmt!r}")
    expect("head={'%c','%c','%c','%c','%c','%c','%c','%c'}" in fmt and "REC->head[7]" in fmt,
           f"print fmt: {fmt!r}")
    write(client, root, "events/kprobes/cache_chars/enable", "1")
    write(client, root, "trace", "")
    run_alloc(client, root, 2)
    write(client, root, "events/kprobes/cache_chars/enable", "0")
    mine = [e for e in events(client, root) if e[2] == "cache_chars" and
            e[4].get("head") == "{'w','o','r','k','l','o','a','d'}"]
    expect(len(mine) >= 2 * 16, f"{len(mine)} cache_chars lines of workload_alloc")
    expect(all(e[4]["first"] == "'w'" and e[4]["size"] == "{208}" for e in mine),
           f"cache_chars: {mine[:3]}")
    write(client, root, "kprobe_events", "")


def check_directory_probes(client, root):
    # Where tracefs makes a directory, the name is the first argument of a function under
    # Linux's name: a new probe's events/ directory, and an instance's.
    write(client, root, "kprobe_events", "p:eventdir eventfs_create_dir name=+0(%di):string")
    write(client, root, "kprobe_events", "p:tracedir tracefs_create_dir name=+0(%di):string",
          append=True)
    write(client, root, "events/kprobes/enable", "1")
    write(client, root, "trace", "")
    write(client, root, "kprobe_events", "p:made_later kfree", append=True)
    instances = client.walk(root, "tracing/instances")
    client.mkdir(instances, "dirprobe")
    write(client, root, "events/kprobes/enable", "0")
    client.unlinkat(instances, "dirprobe", 0x200)
    lines = events(client, root)
    made = [e[4]["name"] for e in lines if e[2] == "eventdir"]
    expect('"made_later"' in made, f"eventfs_create_dir names: {made[:10]}")
    # mkdir makes the instance's events/ tree too: its groups and events, ours included.
    expect({'"sched"', '"sched_switch"', '"kprobes"', '"eventdir"'} <= set(made),
           f"eventfs_create_dir names: {made[:20]}")
    expect([e[4]["name"] for e in lines if e[2] == "tracedir"] == ['"dirprobe"'],
           f"tracefs_create_dir lines: {[e for e in lines if e[2] == 'tracedir']}")
    write(client, root, "kprobe_events", "")


def write_dynamic(client, root, text, append=False):
    flags = ninep.O_WRONLY | (ninep.O_APPEND if append else ninep.O_TRUNC)
    client.write_file(root, "tracing/dynamic_events", text.encode(), flags)


def check_tracepoint_probe(client, root):
    # kmem_cache_alloc's tracepoint takes (call_site, pointer, cache): the cache's name is the
    # string its first word points to.
    write_dynamic(client, root, "t:cache_tp kmem_cache_alloc site=$arg1:symbol "
                  "name=+0(+0($arg3)):string")
    expect("t:tracepoints/cache_tp kmem_cache_alloc" in
           client.read_file(root, "tracing/dynamic_events"), "dynamic_events lacks the tprobe")
    expect(client.read_file(root, "tracing/kprobe_events") == "", "kprobe_events lists a tprobe")
    write(client, root, "events/tracepoints/cache_tp/enable", "1")
    write(client, root, "trace", "")
    run_alloc(client, root, 3)
    write(client, root, "events/tracepoints/cache_tp/enable", "0")
    mine = [e for e in events(client, root) if e[2] == "cache_tp" and
            e[4].get("name") == '"workload_alloc"']
    expect(len(mine) >= 3 * 16, f"{len(mine)} cache_tp lines of workload_alloc")
    # Where the kernel hit the tracepoint (inside kmem_cache_alloc), and who called it.
    expect(all(e[3].startswith("kmem_cache_alloc+") and e[4]["site"].startswith("workload_alloc+")
               for e in mine), f"cache_tp: {mine[:3]}")
    write_dynamic(client, root, "")


def check_return_probe(client, root):
    write(client, root, "kprobe_events", "r:alloc_ret kmalloc ptr=$retval")
    write(client, root, "kprobe_events", "p:free_ptr kfree ptr=$arg1", append=True)
    write(client, root, "set_event", "kprobes:*")
    write(client, root, "trace", "")
    run_alloc(client, root, 50)
    write(client, root, "set_event", "")
    lines = events(client, root)
    rets = [e for e in lines if e[2] == "alloc_ret"]
    expect(rets, "no alloc_ret lines")
    expect(all(" <- kmalloc" in e[3] for e in rets), f"return point printed as {rets[0][3]!r}")
    # The alloc workload frees each kmalloc block right after summing it: in its task, the
    # next kfree after a kmalloc returns takes the pointer kmalloc returned.
    pairs = 0
    for i, (task, pid, event, _, args) in enumerate(lines):
        if event != "alloc_ret" or not task.startswith("workload"):
            continue
        following = [e for e in lines[i + 1:] if e[1] == pid and e[2] in ("free_ptr", "alloc_ret")]
        if following and following[0][2] == "free_ptr":
            expect(following[0][4]["ptr"] == args["ptr"],
                   f"kmalloc returned {args['ptr']}, the next kfree got {following[0][4]['ptr']}")
            pairs += 1
    expect(pairs >= 50, f"only {pairs} kmalloc/kfree pairs in the workload's task")
    write(client, root, "kprobe_events", "")
    # A return probe's $argN is the argument the entry saw (saved there), a kretprobe's and an
    # fprobe exit's alike: kmalloc's size at each of its returns.
    write(client, root, "kprobe_events", "r:size_ret kmalloc size=$arg1:u64 ptr=$retval")
    write_dynamic(client, root, "f:tests/size_exit kmalloc%return size=$arg1:u64", append=True)
    write(client, root, "set_event", "kprobes:size_ret")
    write(client, root, "set_event", "tests:size_exit", append=True)
    write(client, root, "trace", "")
    run_alloc(client, root, 50)
    write(client, root, "set_event", "")
    lines = events(client, root)
    expected = [(i % 64 + 1) * 24 for i in range(50)]
    for name in ("size_ret", "size_exit"):
        sizes = [int(e[4]["size"]) for e in lines if e[2] == name and e[0].startswith("workload")]
        expect(is_subsequence(expected, sizes),
               f"{name}: the workload's kmalloc sizes are not all in the trace: {sizes[:20]}")
    write(client, root, "kprobe_events", "")
    write_dynamic(client, root, "")


def check_probes_on_graph_traced_function(client, root):
    # function_graph traces kmalloc through the light trampoline; the probes move its site to
    # the one that saves every register, under the running tracer, and back when they go. On
    # each call the return probe's frame (all registers) and the graph tracer's (return value
    # only) hook the same return.
    write(client, root, "set_ftrace_filter", "kmalloc")
    write(client, root, "current_tracer", "function_graph")
    write(client, root, "kprobe_events", "p:graph_size kmalloc size=$arg1:u64")
    write(client, root, "kprobe_events", "r:graph_ret kmalloc ptr=$retval", append=True)
    write(client, root, "set_event", "kprobes:*")
    write(client, root, "trace", "")
    run_alloc(client, root, 50)
    write(client, root, "set_event", "")
    # Under function_graph, events print as comments in the graph: /* EVENT: (WHERE) ARGS */
    text = client.read_file(root, "tracing/trace")
    sizes = [int(size) for size in re.findall(r"/\* graph_size: \(kmalloc\+0x0/0x\w+\) size=(\d+) \*/", text)]
    expect(is_subsequence([(i % 64 + 1) * 24 for i in range(50)], sizes),
           f"the workload's kmalloc sizes are not all in the trace: {sizes[:20]}... {text[:2000]}")
    rets = re.findall(r"/\* graph_ret: \(.*? <- kmalloc\) ptr=(0x\w+) \*/", text)
    expect(len(rets) >= 50 and all(int(ptr, 16) != 0 for ptr in rets),
           f"kmalloc's return values under function_graph: {rets[:5]}")
    expect(text.count("kmalloc();") >= 50, "function_graph lost kmalloc while the probes were on")
    write(client, root, "kprobe_events", "")
    write(client, root, "trace", "")
    run_alloc(client, root, 10)
    text = client.read_file(root, "tracing/trace")
    expect(text.count("kmalloc();") >= 10 and "graph_size" not in text,
           "function_graph after the probes went")
    write(client, root, "current_tracer", "nop")
    write(client, root, "set_ftrace_filter", "")


# objdump's register names as kprobe_events spells them (%rdi -> di, %r13 -> r13).
def probe_register(name):
    name = name.lstrip("%")
    return name[1:] if name[1:] in ("ax", "bx", "cx", "dx", "si", "di", "bp", "sp") else name


def kmalloc_points(kernel):
    """kmalloc's instructions from the kernel ELF: [(offset, mnemonic, operands)]."""
    text = subprocess.run(["objdump", "-d", "-C", "--no-show-raw-insn", kernel],
                          capture_output=True, text=True, check=True).stdout
    start = re.search(r"^([0-9a-f]+) <kmalloc\(unsigned long\)>:$", text, re.M)
    expect(start, "no kmalloc in the kernel ELF")
    base = int(start.group(1), 16)
    points = []
    for line in text[start.end():].split("\n\n")[0].splitlines():
        match = re.match(r"^\s*([0-9a-f]+):\s+(\S+)\s*(\S*)", line)
        if match:
            points.append((int(match.group(1), 16) - base, match.group(2), match.group(3)))
    return points


def check_offset_probe(client, root, kernel):
    # kmalloc copies its size argument early (`mov %rdi,%REG`): a probe on that instruction
    # reads the size in %di, and one on the next reads it in REG too, which it holds only if
    # the first probe's displaced instruction ran out of line correctly.
    points = kmalloc_points(kernel)
    copy = next(i for i, p in enumerate(points)
                if p[1] == "mov" and re.fullmatch(r"%rdi,%r\w+", p[2]))
    at, after = points[copy][0], points[copy + 1][0]
    register = probe_register(points[copy][2].split(",")[1])
    write(client, root, "kprobe_events", f"p:in_size kmalloc+{at} size=%di:u64")
    write(client, root, "kprobe_events",
          f"p:in_copy kmalloc+{after} copy=%{register}:u64 size=%di:u64", append=True)
    expect(client.read_file(root, "tracing/kprobe_events") ==
           f"p:kprobes/in_size kmalloc+{at} size=%di:u64\n"
           f"p:kprobes/in_copy kmalloc+{after} copy=%{register}:u64 size=%di:u64\n",
           "kprobe_events reads back")
    write(client, root, "events/kprobes/enable", "1")
    write(client, root, "trace", "")
    run_alloc(client, root, ALLOC_RUNS)
    write(client, root, "events/kprobes/enable", "0")
    lines = events(client, root)
    wanted = [(i % 64 + 1) * 24 for i in range(ALLOC_RUNS)]
    for name, offset in (("in_size", at), ("in_copy", after)):
        mine = [e for e in lines if e[2] == name]
        expect(mine, f"no {name} lines in trace")
        expect(all(e[3].startswith(f"kmalloc+{offset:#x}/0x") for e in mine),
               f"{name}: probe point printed as {mine[0][3]!r}")
        sizes = [int(e[4]["size"]) for e in mine]
        expect(is_subsequence(wanted, sizes), f"{name}: sizes {sizes[:20]}...")
    copies = [e for e in lines if e[2] == "in_copy"]
    expect(all(e[4]["copy"] == e[4]["size"] for e in copies),
           f"the stepped instruction did not copy %di: {[e[4] for e in copies[:5]]}")
    write(client, root, "kprobe_events", "")


def check_offset_probe_refused(client, root, kernel):
    points = kmalloc_points(kernel)
    inside = next(p[0] for p in points if p[1] == "mov" and p[2].startswith("%rdi,")) + 1
    branch = next(p[0] for p in points if p[0] > 0 and re.fullmatch(r"j\w+|call", p[1]))
    # The caret points at the probe point, or at the argument Linux refuses.
    cases = [
        (f"p:inside kmalloc+{inside}", errno.EILSEQ, "Probe point is not an instruction boundary",
         "kmalloc"),
        (f"p:branch kmalloc+{branch}", errno.EINVAL, "Failed to register probe event", "kmalloc"),
        (f"p:arg kmalloc+{inside - 1} $arg1", errno.EINVAL,
         "$arg* can be used only on function entry or exit",
         "$arg1"),
    ]
    for command, code, message, at in cases:
        write(client, root, "error_log", "")
        expect_errno(code, lambda: write(client, root, "kprobe_events", command), command)
        log = client.read_file(root, "tracing/error_log")
        expect(f"trace_kprobe: error: {message}\n  Command: {command}\n" + " " * (11 + command.index(at)) + "^\n"
               in log, f"error_log: {log!r}")
    expect(client.read_file(root, "tracing/kprobe_events") == "", "a refused probe was added")


def test_values(kernel, guests):
    guest = Guest(kernel, timeout=300)
    guests.append(guest)
    client, root = session(guest)
    check_entry_probe(client, root)
    check_dereference_and_string(client, root)
    check_char_and_arrays(client, root)
    check_directory_probes(client, root)
    check_tracepoint_probe(client, root)
    check_return_probe(client, root)
    check_probes_on_graph_traced_function(client, root)
    check_offset_probe(client, root, kernel)
    check_offset_probe_refused(client, root, kernel)
    expect(guest.process.poll() is None, "the guest exited")
    client.close()


PROBES = [
    "p:churn_a kmalloc size=$arg1",
    "r:churn_b kmalloc ptr=$retval",
    "p:churn_c kfree ptr=$arg1 who=$comm",
    "p:churn_d kmem_cache_alloc name=+0(+0($arg1)):string",
    "r:churn_e kmem_cache_alloc $retval",
]


def test_churn(kernel, count, guests):
    guest = Guest(kernel, smp=2, timeout=1500)
    guests.append(guest)
    client, root = session(guest)
    # Probes inside kmalloc too: their int3 is written and restored while both CPUs run it.
    points = kmalloc_points(kernel)
    copy = next(i for i, p in enumerate(points) if p[1] == "mov" and p[2].startswith("%rdi,"))
    at, after = points[copy][0], points[copy + 1][0]
    probes = PROBES + [f"p:churn_f kmalloc+{at} size=%di", f"p:churn_g kmalloc+{after} $stack0"]
    churn = Churn(client, root, None)
    # Every other probe is enabled in an instance instead of the top directory.
    instances = client.walk(root, "tracing/instances")
    client.mkdir(instances, "kp")
    client.clunk(instances)
    churn.start_workload()
    started = time.monotonic()
    for i in range(count):
        definition = probes[i % len(probes)]
        name = definition.split()[0].split(":")[1]
        where = "events/kprobes/" if i % 2 else "instances/kp/events/kprobes/"
        try:
            write(client, root, "kprobe_events", definition, append=True)
            write(client, root, where + name + "/enable", "1")
            churn.poll()
            write(client, root, where + name + "/enable", "0")
            write(client, root, "kprobe_events", "-:" + name, append=True)
        except (ninep.ProtocolError, OSError) as error:
            raise TestFailure(f"the guest went away at step {i}: {error!r}")
    churn.reap_workload(wait=True)
    expect(guest.process.poll() is None, "the guest exited")
    expect(client.read_file(root, "tracing/kprobe_events") == "", "probes left over")
    elapsed = time.monotonic() - started
    print(f"kprobe churn: {count} add/enable/disable/remove, {churn.runs} workload runs, "
          f"{elapsed:.1f} s")
    expect(churn.runs >= 4, f"only {churn.runs} workload runs finished during the churn")


if __name__ == "__main__":
    mode = sys.argv[2] if len(sys.argv) > 2 else "values"
    if mode == "churn":
        run(test_churn, sys.argv[1], int(sys.argv[3]) if len(sys.argv) > 3 else 1000)
    else:
        run(test_values, sys.argv[1])
