"""A small 9P2000.L client for the integration tests (Python 3 standard library only).

Blocking calls (version, attach, walk, ...) send one request and wait for its reply;
send()/receive() let a test keep several tags in flight (a parked trace_pipe read, a Tflush
on another tag). Rlerror raises NinePError carrying the errno.
"""

import errno
import itertools
import os
import socket
import struct

VERSION = "9P2000.L"
NOFID = 0xFFFFFFFF
NOTAG = 0xFFFF

O_RDONLY, O_WRONLY, O_RDWR = 0, 1, 2
O_TRUNC, O_APPEND, O_NONBLOCK = 0o1000, 0o2000, 0o4000
AT_REMOVEDIR = 0x200
GETATTR_BASIC = 0x7FF

# Message type numbers: T is even, R = T + 1.
TLERROR, RLERROR = 6, 7
TSTATFS = 8
TLOPEN = 12
TGETATTR = 24
TREADDIR = 40
TMKDIR = 72
TUNLINKAT = 76
TVERSION = 100
TAUTH = 102
TATTACH = 104
TFLUSH = 108
TWALK = 110
TREAD = 116
TWRITE = 118
TCLUNK = 120


class NinePError(Exception):
    def __init__(self, code, request=None):
        self.errno = code
        name = errno.errorcode.get(code, str(code))
        super().__init__(f"{name}: {os.strerror(code)}" + (f" ({request})" if request else ""))


class ProtocolError(Exception):
    pass


def _s(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("<H", len(data)) + data


class Reader:
    """Decodes the fields of one message body in order."""

    def __init__(self, body):
        self.body = body
        self.at = 0

    def take(self, fmt):
        values = struct.unpack_from("<" + fmt, self.body, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def string(self):
        length = self.take("H")
        data = self.body[self.at:self.at + length]
        self.at += length
        return data.decode()

    def qid(self):
        kind, version, path = self.take("BIQ")
        return {"type": kind, "version": version, "path": path}

    def rest(self):
        return self.body[self.at:]


class Client:
    def __init__(self, sock, timeout=30):
        self.sock = sock
        self.sock.settimeout(timeout)
        self.msize = 0
        self.pending = b""
        self.tags = itertools.cycle(range(1, 0xFFFE))
        self.fids = itertools.count(1)
        self.stash = {}  # replies that arrived for other tags

    @classmethod
    def connect_unix(cls, path, timeout=30):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(path)
        return cls(sock, timeout)

    def close(self):
        self.sock.close()

    # --- framing -------------------------------------------------------------------
    def send(self, kind, body, tag=None):
        """Sends one request; returns its tag."""
        if tag is None:
            tag = next(self.tags)
        frame = struct.pack("<IBH", 7 + len(body), kind, tag) + body
        self.sock.sendall(frame)
        return tag

    def _read_frame(self):
        while True:
            if len(self.pending) >= 4:
                size = struct.unpack_from("<I", self.pending)[0]
                if size < 7:
                    raise ProtocolError(f"frame size {size}")
                if len(self.pending) >= size:
                    frame, self.pending = self.pending[:size], self.pending[size:]
                    kind, tag = struct.unpack_from("<BH", frame, 4)
                    return kind, tag, frame[7:]
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ProtocolError("connection closed")
            self.pending += chunk

    def receive(self, tag=None):
        """The next reply (for `tag`, if given; others are kept for later)."""
        if tag is not None and tag in self.stash:
            return self.stash.pop(tag)
        while True:
            kind, got, body = self._read_frame()
            if tag is None or got == tag:
                return kind, got, body
            self.stash[got] = (kind, got, body)

    def reply(self, tag, kind, request=None):
        """Waits for the reply to `tag`; Rlerror raises, another type is a protocol error."""
        got_kind, _, body = self.receive(tag)
        if got_kind == RLERROR:
            raise NinePError(struct.unpack("<I", body)[0], request)
        if got_kind != kind + 1:
            raise ProtocolError(f"expected R{kind + 1}, got type {got_kind}")
        return Reader(body)

    def call(self, kind, body, request=None):
        return self.reply(self.send(kind, body), kind, request)

    # --- requests --------------------------------------------------------------------
    def version(self, msize=1 << 20, version=VERSION):
        tag = self.send(TVERSION, struct.pack("<I", msize) + _s(version), NOTAG)
        r = self.reply(tag, TVERSION, "version")
        self.msize = r.take("I")
        got = r.string()
        self.stash.clear()
        return self.msize, got

    def attach(self, fid=None, uname="root", aname="", n_uname=0):
        fid = next(self.fids) if fid is None else fid
        r = self.call(TATTACH, struct.pack("<II", fid, NOFID) + _s(uname) + _s(aname)
                      + struct.pack("<I", n_uname), "attach")
        return fid, r.qid()

    def walk(self, fid, names, newfid=None):
        """Walks `names` (a list or a 'a/b/c' path) from fid to a new fid; returns it."""
        if isinstance(names, str):
            names = [n for n in names.split("/") if n]
        newfid = next(self.fids) if newfid is None else newfid
        body = struct.pack("<IIH", fid, newfid, len(names)) + b"".join(_s(n) for n in names)
        r = self.call(TWALK, body, f"walk {'/'.join(names)}")
        count = r.take("H")
        if count != len(names):
            raise NinePError(errno.ENOENT, f"walk {'/'.join(names)}: {count} of {len(names)}")
        return newfid

    def lopen(self, fid, flags=O_RDONLY):
        r = self.call(TLOPEN, struct.pack("<II", fid, flags), "lopen")
        qid = r.qid()
        return qid, r.take("I")

    def read(self, fid, offset=0, count=None):
        count = self.msize - 11 if count is None else count
        r = self.call(TREAD, struct.pack("<IQI", fid, offset, count), "read")
        size = r.take("I")
        return r.rest()[:size]

    def read_all(self, fid):
        data, offset = b"", 0
        while True:
            chunk = self.read(fid, offset)
            if not chunk:
                return data
            data += chunk
            offset += len(chunk)

    def write(self, fid, data, offset=0):
        data = data.encode() if isinstance(data, str) else data
        r = self.call(TWRITE, struct.pack("<IQI", fid, offset, len(data)) + data, "write")
        return r.take("I")

    def clunk(self, fid):
        self.call(TCLUNK, struct.pack("<I", fid), "clunk")

    def readdir(self, fid, offset=0, count=None):
        """Every entry from `offset` on, as (name, qid, type) tuples."""
        count = self.msize - 11 if count is None else count
        entries = []
        while True:
            r = self.call(TREADDIR, struct.pack("<IQI", fid, offset, count), "readdir")
            size = r.take("I")
            data = Reader(r.rest()[:size])
            if size == 0:
                return entries
            while data.at < size:
                qid = data.qid()
                offset = data.take("Q")
                kind = data.take("B")
                entries.append((data.string(), qid, kind))

    def getattr(self, fid, mask=GETATTR_BASIC):
        r = self.call(TGETATTR, struct.pack("<IQ", fid, mask), "getattr")
        valid = r.take("Q")
        qid = r.qid()
        mode, uid, gid = r.take("III")
        nlink, rdev, size = r.take("QQQ")
        return {"valid": valid, "qid": qid, "mode": mode, "uid": uid, "gid": gid,
                "nlink": nlink, "size": size}

    def flush(self, oldtag):
        self.call(TFLUSH, struct.pack("<H", oldtag), "flush")

    def mkdir(self, dfid, name, mode=0o755, gid=0):
        return self.call(TMKDIR, struct.pack("<I", dfid) + _s(name) + struct.pack("<II", mode, gid),
                         f"mkdir {name}").qid()

    def unlinkat(self, dfid, name, flags=0):
        self.call(TUNLINKAT, struct.pack("<I", dfid) + _s(name) + struct.pack("<I", flags),
                  f"unlinkat {name}")

    # --- conveniences ----------------------------------------------------------------
    def open_path(self, root, path, flags=O_RDONLY):
        fid = self.walk(root, path)
        try:
            self.lopen(fid, flags)
        except Exception:
            self.clunk(fid)
            raise
        return fid

    def read_file(self, root, path):
        fid = self.open_path(root, path)
        try:
            return self.read_all(fid).decode()
        finally:
            self.clunk(fid)

    def write_file(self, root, path, data, flags=O_WRONLY | O_TRUNC):
        fid = self.open_path(root, path, flags)
        try:
            return self.write(fid, data)
        finally:
            self.clunk(fid)

    def list_dir(self, root, path=""):
        fid = self.walk(root, path)
        try:
            self.lopen(fid, O_RDONLY)
            return [name for name, _, _ in self.readdir(fid)]
        finally:
            self.clunk(fid)
