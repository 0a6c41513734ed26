#include "Console/Serial.h"

#include "Arch/x86_64/Cpu.h"

namespace {
constexpr u16 kCom1 = 0x3f8;
constexpr u16 kLineStatus = kCom1 + 5;
constexpr u8 kTransmitEmpty = 0x20;

notrace void serial_put(char c) {
  while (!(inb(kLineStatus) & kTransmitEmpty)) cpu_relax();
  outb(kCom1, static_cast<u8>(c));
}
}  // namespace

void serial_init() {
  outb(kCom1 + 1, 0x00);  // no UART interrupts
  outb(kCom1 + 3, 0x80);  // divisor latch on
  outb(kCom1 + 0, 0x01);  // 115200 baud
  outb(kCom1 + 1, 0x00);
  outb(kCom1 + 3, 0x03);  // 8N1, latch off
  outb(kCom1 + 2, 0xc7);  // FIFO on, cleared
}

notrace void serial_write(const char* text, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    if (text[i] == '\n') serial_put('\r');
    serial_put(text[i]);
  }
}
