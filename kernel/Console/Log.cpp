#include "Console/Log.h"

#include "Arch/x86_64/Backtrace.h"
#include "Arch/x86_64/DebugExit.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Serial.h"
#include "Lib/SpinLock.h"
#include "Time/Clock.h"
#include "Trace/BootTracing.h"

namespace {
SpinLock g_console;
u64 g_console_flags;  // written and read only by the holder
constexpr size_t kLineMax = 512;

size_t format_prefix(char* line, size_t size) {
  u64 ns = clock_ns();
  return format(line, size, "[%5lu.%06lu] cpu%u: ", ns / 1000000000, (ns / 1000) % 1000000,
                this_cpu_id());
}

void emit_line(const char* format_string, va_list args, bool take_lock) {
  char line[kLineMax];
  size_t length = format_prefix(line, sizeof(line));
  length += vformat(line + length, sizeof(line) - length - 1, format_string, args);
  line[length++] = '\n';
  if (!take_lock) {
    serial_write(line, length);
    return;
  }
  console_lock();
  serial_write(line, length);
  console_unlock();
}
}  // namespace

void console_lock() {
  u64 flags = g_console.lock();
  g_console_flags = flags;
}

void console_unlock() {
  g_console.unlock(g_console_flags);
}

void vklog(const char* format_string, va_list args) {
  emit_line(format_string, args, true);
}

void klog(const char* format_string, ...) {
  va_list args;
  va_start(args, format_string);
  emit_line(format_string, args, true);
  va_end(args);
}

void klog_emergency(const char* format_string, ...) {
  va_list args;
  va_start(args, format_string);
  emit_line(format_string, args, false);
  va_end(args);
}

void panic(const char* format_string, ...) {
  local_irq_disable();
  va_list args;
  va_start(args, format_string);
  char message[kLineMax];
  vformat(message, sizeof(message), format_string, args);
  va_end(args);
  klog_emergency("KERNEL PANIC: %s", message);
  dump_backtrace(reinterpret_cast<u64>(__builtin_frame_address(0)));
  ftrace_dump_on_oops();
  qemu_exit(ExitCode::Failure);
}
