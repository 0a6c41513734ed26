"""Checks trace text against the formats Linux's ftrace prints.

Shared by the integration and end-to-end tests: each function parses one format strictly
and raises TraceFormatError naming the first line that does not match, so a test that
feeds it a trace fails on the exact line that drifted from Linux's format.
"""
import re

NOP_HEADER_TAIL = [
    "#",
    "#                                _-----=> irqs-off/BH-disabled",
    "#                               / _----=> need-resched",
    "#                              | / _---=> hardirq/softirq",
    "#                              || / _--=> preempt-depth",
    "#                              ||| / _-=> migrate-disable",
    "#                              |||| /     delay",
    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
    "#              | |         |   |||||     |         |",
]

GRAPH_HEADER = [
    "#",
    "# CPU  DURATION                  FUNCTION CALLS",
    "# |     |   |                     |   |   |   |",
]

DURATION_HEADER = [
    "#",
    "# CPU  CALLTIME       DURATION                  FUNCTION CALLS",
    "# |      |              |   |                     |   |   |   |",
]

# "%16s-%-7d [%03d] FLAGS %5lu.%06lu: message" — comm is right-aligned in 16 columns (longer
# comms push the line right, as in Linux).
CONTEXT_LINE = re.compile(
    r"^(?P<comm>.{16,}?)-(?P<pid>\d+ *) \[(?P<cpu>\d{3})\] (?P<flags>[dX.][Nnp.][Hhs.][0-9a-f.][0-9.]) "
    r" *(?P<secs>\d+)\.(?P<usecs>\d{6}): (?P<message>.*)$")
FUNCTION_MESSAGE = re.compile(r"^(?P<function>\S+)(?: <-(?P<parent>\S+))?$")
ENTRIES_LINE = re.compile(r"^# entries-in-buffer/entries-written: (\d+)/(\d+)   #P:(\d+)$")

# function_graph: " %*d) " + 14-column duration + "|  " + indentation + text.
GRAPH_LINE = re.compile(
    r"^ (?P<cpu> *\d+)\) (?P<duration>.{13}) ?\|  (?P<indent> *)(?P<text>\S.*)$")
GRAPH_DURATION = re.compile(r"^(?P<mark>[ +!#*@$]) (?P<usecs>\d[\d.]*) us *$")
DURATION_LINE = re.compile(
    r"^ (?P<cpu> *\d+)\) +(?P<calltime>\d+\.\d{9}) \|  (?P<duration>.{13}) ?\| +(?P<function>\S+)$")
SEPARATOR = " ------------------------------------------"
# The arrows around an interrupt whose handler is traced: " 0)   ==========> |".
IRQ_MARKER = re.compile(r"^ (?P<cpu> *\d+)\)   (==========>|<==========) \|$")


class TraceFormatError(AssertionError):
    pass


def _fail(number, line, why):
    raise TraceFormatError(f"line {number}: {why}: {line!r}")


def split_header(text, tracer):
    """Returns (header lines, body lines) after checking the '# tracer:' preamble."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != f"# tracer: {tracer}":
        _fail(1, lines[0] if lines else "", f"expected '# tracer: {tracer}'")
    header_length = 0
    while header_length < len(lines) and lines[header_length].startswith("#"):
        header_length += 1
    return lines[:header_length], lines[header_length:]


def parse_context_trace(text, tracer="nop"):
    """nop / function / event traces: returns (entries, written, cpus, records)."""
    header, body = split_header(text, tracer)
    if len(header) != 3 + len(NOP_HEADER_TAIL) or header[1] != "#":
        _fail(2, "\n".join(header), "header is not Linux's")
    counts = ENTRIES_LINE.match(header[2])
    if not counts:
        _fail(3, header[2], "bad entries-in-buffer line")
    for offset, expected in enumerate(NOP_HEADER_TAIL):
        if header[3 + offset] != expected:
            _fail(4 + offset, header[3 + offset], f"expected {expected!r}")
    records = []
    for number, line in enumerate(body, start=len(header) + 1):
        match = CONTEXT_LINE.match(line)
        if not match:
            _fail(number, line, "not a TASK-PID [CPU] FLAGS TIMESTAMP: line")
        if len(match.group("pid")) < 7:
            _fail(number, line, "pid is not left-aligned in 7 columns")
        record = match.groupdict()
        record["comm"] = record["comm"].strip()
        record["pid"] = int(record["pid"])
        record["cpu"] = int(record["cpu"])
        record["timestamp_us"] = int(record["secs"]) * 1_000_000 + int(record["usecs"])
        records.append(record)
    return int(counts.group(1)), int(counts.group(2)), int(counts.group(3)), records


def parse_function_trace(text):
    """function tracer: every line's message is 'func <-parent'. Returns the records."""
    _, _, _, records = parse_context_trace(text, "function")
    for record in records:
        message = FUNCTION_MESSAGE.match(record["message"])
        if not message:
            raise TraceFormatError(f"not 'func <-parent': {record['message']!r}")
        record["function"] = message.group("function")
        record["parent"] = message.group("parent")
    return records


def check_graph_duration(field, number, line):
    field = field.rstrip()
    if field.strip() in ("", "==========>", "<=========="):
        return None
    match = GRAPH_DURATION.match(field)
    if not match:
        _fail(number, line, "bad duration column")
    usecs = float(match.group("usecs"))
    expected_mark = " "
    for limit, mark in ((1_000_000, "$"), (100_000, "@"), (10_000, "*"), (1000, "#"),
                        (100, "!"), (10, "+")):
        if usecs > limit:
            expected_mark = mark
            break
    if match.group("mark") != expected_mark:
        _fail(number, line, f"overhead mark should be {expected_mark!r}")
    return usecs


def parse_graph_trace(text, check_balance=True):
    """function_graph: returns a list of calls (cpu, depth, function, usecs or None).

    Checks the header, every line's columns, the indentation (2 spaces per depth) and
    that, per CPU, every '{' is closed by a '}' at the same depth (lines before a CPU's
    first entry may close calls whose entry was overwritten: those are skipped)."""
    header, body = split_header(text, "function_graph")
    if header[1:] != GRAPH_HEADER:
        _fail(2, "\n".join(header[1:]), "function_graph header is not Linux's")
    depth_by_cpu = {}
    calls = []
    number = len(header)
    skip_separator = 0
    for line in body:
        number += 1
        if skip_separator:
            skip_separator -= 1
            continue
        if line == SEPARATOR:
            skip_separator = 3  # " N)   comm-pid  =>  comm-pid", separator, blank line
            continue
        if IRQ_MARKER.match(line):
            continue
        match = GRAPH_LINE.match(line)
        if not match:
            _fail(number, line, "not a function_graph line")
        cpu = int(match.group("cpu"))
        usecs = check_graph_duration(match.group("duration"), number, line)
        indent = len(match.group("indent"))
        if indent % 2:
            _fail(number, line, "indentation is not 2 spaces per level")
        depth = indent // 2
        text_part = match.group("text")
        stack = depth_by_cpu.setdefault(cpu, [])
        if text_part.startswith("/*"):
            continue
        if text_part.endswith("() {"):
            if check_balance and depth != len(stack):
                _fail(number, line, f"entry at depth {depth}, expected {len(stack)}")
            stack.append(text_part[:-4])
            calls.append((cpu, depth, text_part[:-4], None))
        elif text_part.endswith("();"):
            if check_balance and depth != len(stack):
                _fail(number, line, f"leaf at depth {depth}, expected {len(stack)}")
            calls.append((cpu, depth, text_part[:-3], usecs))
        elif text_part.startswith("}"):
            if not stack:
                continue  # its entry predates the buffer
            if check_balance and depth != len(stack) - 1:
                _fail(number, line, f"return at depth {depth}, expected {len(stack) - 1}")
            name = stack.pop()
            calls.append((cpu, depth, "}" + name, usecs))
        else:
            _fail(number, line, "neither 'f() {', 'f();' nor '}'")
    return calls, {cpu: len(stack) for cpu, stack in depth_by_cpu.items()}


def parse_duration_trace(text):
    """function_duration: returns (cpu, calltime_ns, usecs, function) per line."""
    header, body = split_header(text, "function_duration")
    if header[1:] != DURATION_HEADER:
        _fail(2, "\n".join(header[1:]), "function_duration header is not the documented one")
    out = []
    for number, line in enumerate(body, start=len(header) + 1):
        match = DURATION_LINE.match(line)
        if not match:
            _fail(number, line, "not a function_duration line")
        usecs = check_graph_duration(match.group("duration"), number, line)
        secs, nanos = match.group("calltime").split(".")
        out.append((int(match.group("cpu")), int(secs) * 10**9 + int(nanos), usecs,
                    match.group("function")))
    return out
