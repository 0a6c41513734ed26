#pragma once

#include "Trace/Tracefs.h"

// The file tree tracing serves (`tracing/` mounted in a NodeTable), and a user's view of it
// from inside the kernel: boot parameters and the self-tests go through these exactly as a
// 9P client would (lookup, open, write/read, release).
tg::vfs::NodeTable& trace_node_table();

// `echo TEXT > tracing/PATH` (O_TRUNC), or `>>` when `append`.
tg::Status trace_file_write(tg::StringView path, tg::StringView text, bool append = false);

// Reads the whole file, handing each chunk to `sink` (the serial log, a buffer).
tg::Status trace_file_read(tg::StringView path,
                           void (*sink)(const char* data, tg::usize length, void* context),
                           void* context);
