"""Linux's ring-buffer pages (trace_pipe_raw) decoded for the tests."""
import struct

PAGE_HEADER = 16       # u64 time stamp, u64 commit
COMMIT_LENGTH = 0xFFFFF  # commit's low bits: bytes of data (the high bits are flags)


def decode_pages(data, page_size=4096):
    """[(timestamp_ns, event type id, payload)] of every event in `data`, pages of
    `page_size` bytes: padding skipped, time extends added, absolute stamps taken."""
    events = []
    for at in range(0, len(data) - page_size + 1, page_size):
        time, commit = struct.unpack_from("<QQ", data, at)
        offset = at + PAGE_HEADER
        end = offset + (commit & COMMIT_LENGTH)
        assert end <= at + page_size, "commit beyond the page"
        while offset < end:
            header, = struct.unpack_from("<I", data, offset)
            type_len, delta = header & 31, header >> 5
            offset += 4
            if type_len in (30, 31):  # time extend, absolute time stamp
                high = struct.unpack_from("<I", data, offset)[0] << 27
                time = time + (delta | high) if type_len == 30 else delta | high
                offset += 4
                continue
            if type_len == 29:  # padding: the rest of the page, or a discarded event
                if delta == 0:
                    break
                offset += struct.unpack_from("<I", data, offset)[0]
                continue
            if type_len == 0:
                size = struct.unpack_from("<I", data, offset)[0] - 4
                offset += 4
            else:
                size = type_len * 4
            time += delta
            payload = data[offset:offset + size]
            events.append((time, struct.unpack_from("<H", payload)[0], payload))
            offset += size
    return events
