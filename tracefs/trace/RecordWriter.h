#pragma once
#include "ring/Record.h"
#include "trace/RecordContext.h"
#include "trace/TraceInstance.h"

namespace tg::trace {

// The recorders' common first and last step: no allocation, no lock, nothing but the CPU's
// own buffer. begin_record returns nullptr when the instance does not record (tracing_on is
// 0, a CPU it has no buffer for) or the buffer refused the record; the caller then stops.
inline u32* begin_record(TraceInstance& instance, const RecordContext& ctx, ring::RecordType type,
                         usize size, u64 timestamp) {
  if (!instance.tracing_on()) return nullptr;
  ring::TraceBuffer& buffer = instance.buffer();
  if (ctx.cpu >= buffer.cpu_count()) return nullptr;
  // A snapshot swap may change the CPU's buffer in between: commit where this reserved.
  ring::CpuBuffer& cpu_buffer = buffer.cpu(ctx.cpu);
  u32* record = cpu_buffer.reserve(timestamp, ctx.pid, type, size);
  if (record) instance.writing_buffer(ctx.cpu) = &cpu_buffer;
  return record;
}

inline void end_record(TraceInstance& instance, const RecordContext& ctx) {
  instance.writing_buffer(ctx.cpu)->commit();
}

// The fixed-layout records (function, graph) in one step: claimed, filled and published in
// one call on the same CPU buffer, so no snapshot swap falls in between. `words` are the
// record's (CpuBuffer::write_fixed), header first. False when the instance does not record or
// the buffer refused the record.
template <typename Record, usize kWords>
TG_ALWAYS_INLINE inline bool write_record(TraceInstance& instance, const RecordContext& ctx,
                                          ring::RecordType type, const u32 (&words)[kWords],
                                          u64 timestamp) {
  if (!instance.tracing_on()) return false;
  ring::TraceBuffer& buffer = instance.buffer();
  if (ctx.cpu >= buffer.cpu_count()) return false;
  return buffer.cpu(ctx.cpu).write_fixed<Record>(timestamp, ctx.pid, type, words);
}

// The word four byte fields of a record make, the first in the low byte (x86 is
// little-endian): how write_record's callers fill them.
constexpr u32 byte_word(u8 first, u8 second, u8 third, u8 fourth) {
  return u32{first} | u32{second} << 8 | u32{third} << 16 | u32{fourth} << 24;
}

template <typename T>
T* record_cast(u32* memory) {
  return reinterpret_cast<T*>(memory);
}

// Recorded instruction pointers are 32-bit offsets from the kernel text.
inline u32 text_offset(u64 address) {
  return static_cast<u32>(address - platform().text_base);
}

}  // namespace tg::trace
