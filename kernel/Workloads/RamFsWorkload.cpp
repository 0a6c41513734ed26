#include "FileSystem/RamFs.h"
#include "Lib/Format.h"
#include "Memory/Heap.h"
#include "Workloads/Workload.h"

using klib::Errno;
using klib::Result;
using klib::Status;

// On a fresh ramfs, iteration i creates "file{i%8}", writes it in two halves, reopens it,
// reads it back, renames it to "moved{i%8}", checks the old name is gone and unlinks it.
// Content: length 64 + (i % 16) * 32, byte k = (i * 31 + k * 7) & 0xff. Checksum: 64-bit
// FNV-1a over every byte read back, across all iterations.
namespace {
constexpr u64 kFnvOffset = 0xcbf29ce484222325;
constexpr u64 kFnvPrime = 0x100000001b3;
constexpr size_t kMaxLength = 64 + 15 * 32;

struct Scratch {
  u8 content[kMaxLength];
  u8 readback[kMaxLength];
  char name[kNameMax];
  char moved[kNameMax];
};

Status write_file(SuperBlock& fs, const char* name, const u8* content, size_t length) {
  File* file = TRY(vfs_create(fs, name));
  size_t half = length / 2;
  Result<size_t> first = vfs_write(*file, content, half);
  Result<size_t> second = !first.ok() ? first : vfs_write(*file, content + half, length - half);
  vfs_close(file);
  if (!second.ok()) return second.error();
  return {};
}

Result<size_t> read_file(SuperBlock& fs, const char* name, u8* buffer, size_t capacity) {
  File* file = TRY(vfs_open(fs, name));
  size_t total = 0;
  Result<size_t> count = size_t{0};
  do {
    count = vfs_read(*file, buffer + total, capacity - total);
    if (count.ok()) total += count.value();
  } while (count.ok() && count.value() > 0 && total < capacity);
  vfs_close(file);
  if (!count.ok()) return count.error();
  return total;
}

Result<u64> one_round(SuperBlock& fs, Scratch& s, u64 i, u64 hash) {
  size_t length = 64 + (i % 16) * 32;
  for (size_t k = 0; k < length; ++k) s.content[k] = static_cast<u8>((i * 31 + k * 7) & 0xff);
  format(s.name, sizeof(s.name), "/file%lu", i % 8);
  format(s.moved, sizeof(s.moved), "/moved%lu", i % 8);

  TRY(write_file(fs, s.name, s.content, length));
  size_t read = TRY(read_file(fs, s.name, s.readback, sizeof(s.readback)));
  if (read != length) return Errno::kIo;
  for (size_t k = 0; k < read; ++k) hash = (hash ^ s.readback[k]) * kFnvPrime;

  TRY(vfs_rename(fs, s.name, s.moved));
  if (vfs_open(fs, s.name).ok()) return Errno::kExist;
  TRY(vfs_unlink(fs, s.moved));
  return hash;
}
}  // namespace

Result<u64> workload_ramfs(u64 iterations) {
  SuperBlock* fs = TRY(ramfs_mount());
  Scratch* scratch = make<Scratch>();
  if (!scratch) {
    ramfs_unmount(fs);
    return Errno::kNoMem;
  }
  Result<u64> hash = kFnvOffset;
  for (u64 i = 0; i < iterations && hash.ok(); ++i) {
    hash = one_round(*fs, *scratch, i, hash.value());
  }
  destroy(scratch);
  ramfs_unmount(fs);
  return hash;
}
