// libFuzzer target for the 9P2000.L codec: arbitrary bytes go through the frame splitter in
// input-chosen chunk sizes; every frame it yields is decoded, and whatever decodes must
// re-encode to exactly the same bytes (the encoding is canonical) and its dirents must parse
// without reading past the frame.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "ninep/Codec.h"
#include "ninep/Dirent.h"
#include "ninep/FrameSplitter.h"

namespace {

void* host_allocate(tg::usize size, tg::usize align) {
  return aligned_alloc(align, (size + align - 1) / align * align);
}

void check_frame(tg::Bytes frame) {
  tg::ninep::Message message;
  if (!tg::ninep::decode(frame, message).ok()) return;
  std::vector<tg::u8> again(frame.size() + 64);
  auto size = tg::ninep::encode(message, {again.data(), again.size()});
  if (!size.ok() || size.value() != frame.size() ||
      memcmp(again.data(), frame.data(), frame.size()) != 0)
    abort();
  if (message.type == tg::ninep::MessageType::kRreaddir) {
    tg::ninep::DirentReader reader(message.data);
    tg::ninep::Dirent entry;
    while (reader.next(entry)) {
      if (entry.name.data() < reinterpret_cast<const char*>(frame.begin()) ||
          entry.name.end() > reinterpret_cast<const char*>(frame.end()))
        abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tg::install_allocator({host_allocate, free});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_frame({data, size});
  if (size < 1) return 0;
  // The first byte picks the chunk size, so the splitter sees every kind of split.
  size_t chunk = data[0] % 17 + 1;
  tg::ninep::FrameSplitter splitter;
  if (!splitter.reset(4096).ok()) return 0;
  for (size_t at = 1; at < size; at += chunk) {
    tg::Bytes input{data + at, size - at < chunk ? size - at : chunk};
    while (!input.empty()) {
      auto used = splitter.take(input);
      if (!used.ok()) return 0;
      if (used.value() == 0) abort();
      input = input.subspan(used.value());
      if (splitter.frame_ready()) {
        check_frame(splitter.frame());
        splitter.next();
      }
    }
  }
  return 0;
}
