#include "trace/SynthDefinition.h"

#include "support/Memory.h"
#include "trace/Symbols.h"

namespace tg::trace {

namespace {

// The scalar types Linux's synth_field_size knows, with their sizes.
struct SynthType {
  StringView name;
  u16 size;
};
constexpr SynthType kSynthTypes[] = {
    {"s64", 8},   {"u64", 8},          {"s32", 4},  {"u32", 4},           {"s16", 2},
    {"u16", 2},   {"s8", 1},           {"u8", 1},   {"char", 1},          {"unsigned char", 1},
    {"int", 4},   {"unsigned int", 4}, {"long", 8}, {"unsigned long", 8}, {"bool", 1},
    {"pid_t", 4}, {"gfp_t", 4},
};

bool is_identifier(StringView name) {
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (name.empty() || !alpha(name[0])) return false;
  for (char c : name.drop_front(1))
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

// Linux's errpos: where `text` first occurs in the command (0 when it does not).
usize error_position(StringView command, StringView text) {
  usize at = text.empty() ? StringView::npos : command.find(text);
  return at == StringView::npos ? 0 : at;
}

Status fail(SynthParseError& error, SynthError code, usize caret,
            Errno errno_value = Errno::kInval) {
  error.error = errno_value;
  error.code = code;
  error.caret = caret;
  return errno_value;
}

bool contains(StringView text, StringView needle) {
  return text.find(needle) != StringView::npos;
}

// Linux's synth_field_string_size: N of char[N], 0 for char[], -1 when malformed.
i32 string_size(StringView type) {
  usize start = type.find("char[");
  start += 5;
  usize end = type.find(']');
  if (end == StringView::npos || end < start || end + 1 != type.size()) return -1;
  StringView digits = type.substr(start, end - start);
  if (digits.size() > 3) return -1;
  if (digits.empty()) return 0;
  u32 base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits = digits.drop_front(2);
  } else if (digits.size() > 1 && digits[0] == '0') {
    base = 8;
    digits = digits.drop_front(1);
  }
  u32 value = 0;
  for (char c : digits) {
    u32 digit = c >= '0' && c <= '9'   ? u32(c - '0')
                : c >= 'a' && c <= 'f' ? u32(c - 'a' + 10)
                : c >= 'A' && c <= 'F' ? u32(c - 'A' + 10)
                                       : 99;
    if (digit >= base) return -1;
    value = value * base + digit;
  }
  return value > kSynthStringMax ? -1 : static_cast<i32>(value);
}

// Linux's synth_field_size: bytes of a scalar or a static string; 0 for a dynamic string, a
// stack or an unknown type; -1 for a malformed string length.
i32 field_size(StringView type) {
  for (const SynthType& known : kSynthTypes)
    if (known.name == type) return known.size;
  if (contains(type, "char[")) return string_size(type);
  return 0;
}

struct Words {
  static constexpr usize kMax = 3 * kSynthFieldsMax + 8;
  StringView word[kMax];
  usize count = 0;
};

void split_words(StringView text, Words& words) {
  words.count = 0;
  usize i = 0;
  while (i < text.size() && words.count < Words::kMax) {
    while (i < text.size() && StringView::is_space(text[i])) ++i;
    usize start = i;
    while (i < text.size() && !StringView::is_space(text[i])) ++i;
    if (i > start) words.word[words.count++] = text.substr(start, i - start);
  }
}

// Linux's check_command: the part before the first ';' has a name, a type and a field name.
bool command_complete(StringView text) {
  usize semicolon = text.find(';');
  Words words;
  split_words(semicolon == StringView::npos ? text : text.substr(0, semicolon), words);
  return words.count >= 3;
}

// One field from `words` at `at` (Linux's parse_synth_field); `consumed` advances.
Status parse_field(StringView command, const Words& words, usize at, usize& consumed,
                   SynthField& field, SynthParseError& error) {
  StringView type = words.word[at];
  StringView prefix;
  StringView name;
  usize left = words.count - at;
  if (type == "unsigned") {
    if (left < 3) return fail(error, SynthError::kIncompleteType, error_position(command, type));
    prefix = "unsigned ";
    type = words.word[at + 1];
    name = words.word[at + 2];
    consumed += 3;
  } else {
    if (left > 1) name = words.word[at + 1];
    consumed += 2;
  }
  if (name.empty()) return fail(error, SynthError::kInvalidField, error_position(command, type));
  usize bracket = name.find('[');
  StringView array = bracket == StringView::npos ? StringView() : name.drop_front(bracket);
  StringView plain = bracket == StringView::npos ? name : name.substr(0, bracket);
  if (!is_identifier(plain))
    return fail(error, SynthError::kBadName, error_position(command, name));
  TRY(field.name.append(plain));
  String full;
  TRY(full.append(prefix));
  TRY(full.append(type));
  TRY(full.append(array));
  i32 size = field_size(full.view());
  if (size < 0) {
    return fail(error, array.empty() ? SynthError::kInvalidType : SynthError::kInvalidArraySpec,
                error_position(command, array.empty() ? type : name));
  }
  bool string = contains(full.view(), "char[");
  bool stack = !string && contains(full.view(), "long[");
  if (size == 0) {
    if (!string && !stack)
      return fail(error, SynthError::kInvalidType, error_position(command, type));
    TRY(field.type.append("__data_loc "));
    field.is_dynamic = true;
    size = 8;
  }
  TRY(field.type.append(full.view()));
  field.size = static_cast<u16>(size);
  field.is_string = string;
  field.is_stack = stack;
  field.is_signed = !full.view().starts_with("u") && !(full.view() == "gfp_t");
  return {};
}

// Linux's __create_synth_event after the name: fields split at ';', several to a part.
Status parse_fields(StringView command, StringView text, SynthDefinition& out,
                    SynthParseError& error) {
  usize at = 0;
  while (at <= text.size()) {
    usize end = text.find(';', at);
    if (end == StringView::npos) end = text.size();
    Words words;
    split_words(text.substr(at, end - at), words);
    usize consumed = 0;
    while (consumed < words.count) {
      SynthField field;
      TRY(parse_field(command, words, consumed, consumed, field, error));
      if (out.fields.size() == kSynthFieldsMax) return fail(error, SynthError::kTooManyFields, 0);
      TRY(out.fields.append(move(field)));
    }
    at = end + 1;
  }
  if (out.fields.empty()) return fail(error, SynthError::kInvalidCmd, 0);
  // Each field takes a u64 slot (a static string 256 bytes), as synth_event_define_fields
  // lays them out.
  u32 offset = 8;
  for (SynthField& field : out.fields) {
    field.offset = static_cast<u16>(offset);
    offset += field.slot_size();
  }
  out.payload_size = static_cast<u16>(offset);
  return {};
}

}  // namespace

StringView synth_error_text(SynthError error) {
  switch (error) {
    case SynthError::kNone:
      return "";
    case SynthError::kBadName:
      return "Illegal name";
    case SynthError::kInvalidCmd:
      return "Command must be of the form: <name> field[;field] ...";
    case SynthError::kInvalidDynCmd:
      return "Command must be of the form: s or -:[synthetic/]<name> field[;field] ...";
    case SynthError::kEventExists:
      return "Event already exists";
    case SynthError::kTooManyFields:
      return "Too many fields";
    case SynthError::kIncompleteType:
      return "Incomplete type";
    case SynthError::kInvalidType:
      return "Invalid type";
    case SynthError::kInvalidField:
      return "Invalid field";
    case SynthError::kInvalidArraySpec:
      return "Invalid array specification";
  }
  return "";
}

Status parse_synth_definition(StringView line, bool dynamic, SynthDefinition& out,
                              SynthParseError& error) {
  StringView rest = line;
  if (dynamic) {
    if (!line.starts_with("s:")) return Errno::kInval;
    rest = line.drop_front(2);
  }
  usize space = 0;
  while (space < line.size() && line[space] != ' ' && line[space] != '\t') ++space;
  if (space == line.size()) return fail(error, SynthError::kInvalidCmd, 0);
  // dynamic_events accepts the group, which can only be "synthetic".
  if (dynamic && rest.find('/') != StringView::npos) {
    if (!rest.starts_with("synthetic/")) return fail(error, SynthError::kInvalidDynCmd, 0);
    rest = rest.drop_front(10);
  }
  if (!command_complete(rest)) return fail(error, SynthError::kInvalidCmd, 0);
  usize name_start = line.size() - rest.size();
  StringView name = line.substr(name_start, space - name_start);
  if (name.empty()) return fail(error, SynthError::kInvalidCmd, 0);
  if (!is_identifier(name)) return fail(error, SynthError::kBadName, error_position(line, name));
  TRY(out.name.append(name));
  return parse_fields(line, line.drop_front(space).trim_front(), out, error);
}

StringView synth_print_format(const SynthField& field) {
  struct Format {
    StringView type;
    StringView format;
  };
  static constexpr Format kFormats[] = {
      {"s64", "%lld"}, {"u64", "%llu"},
      {"s32", "%d"},   {"u32", "%u"},
      {"s16", "%d"},   {"u16", "%u"},
      {"s8", "%d"},    {"u8", "%u"},
      {"char", "%d"},  {"unsigned char", "%u"},
      {"int", "%d"},   {"unsigned int", "%u"},
      {"long", "%ld"}, {"unsigned long", "%lu"},
      {"bool", "%d"},  {"pid_t", "%d"},
      {"gfp_t", "%x"},
  };
  if (field.is_string || field.is_stack) return "%s";
  for (const Format& known : kFormats)
    if (known.type == field.type.view()) return known.format;
  return "%llu";
}

usize build_synth_payload(const SynthDefinition& definition, const SynthValue* values, u8* payload,
                          usize capacity) {
  usize size = definition.payload_size;
  if (size > capacity) return 0;
  memset(payload + 8, 0, size - 8);
  for (usize i = 0; i < definition.fields.size(); ++i) {
    const SynthField& field = definition.fields[i];
    const SynthValue& value = values[i];
    u8* slot = payload + field.offset;
    if (field.is_string && !field.is_dynamic) {
      // Static strings are cut to their slot, NUL included.
      usize n = value.text.size() < kSynthStringMax - 1 ? value.text.size() : kSynthStringMax - 1;
      memcpy(slot, value.text.data(), n);
      continue;
    }
    if (field.is_dynamic) {
      // A string with its NUL; a stack as its depth then its entries (Linux's layout, whose
      // printer skips the first element).
      usize length = field.is_stack ? 8 * (usize{value.stack_depth} + 1) : value.text.size() + 1;
      if (size + length > capacity || size + length > 0xffff) return 0;
      if (field.is_stack) {
        u64 depth = value.stack_depth;
        memcpy(payload + size, &depth, 8);
        if (depth) memcpy(payload + size + 8, value.stack, 8 * depth);
      } else {
        memcpy(payload + size, value.text.data(), value.text.size());
        payload[size + value.text.size()] = 0;
      }
      u32 location = static_cast<u32>((length << 16) | size);
      memcpy(slot, &location, 4);
      size += length;
      continue;
    }
    memcpy(slot, &value.number, field.size);  // little-endian: the low bytes
  }
  return size;
}

namespace {

u64 load_bytes(const u8* at, usize size) {
  u64 value = 0;
  memcpy(&value, at, size);
  return value;
}

// A number as Linux's printf of the union member its size selects: %d of a 4-byte value is
// signed, of a 1- or 2-byte one (promoted unsigned) never negative.
void print_number(const SynthField& field, const u8* slot, TextWriter& out) {
  u64 raw = load_bytes(slot, field.size);
  StringView format = synth_print_format(field);
  bool is_signed_format = format == "%d" || format == "%ld" || format == "%lld";
  if (format == "%x") {
    out.hex(raw).put(" (");
    if (raw) out.put("0x").hex(raw);
    out.put(')');
    return;
  }
  if (is_signed_format && field.size == 4)
    out.sdec(static_cast<i32>(raw));
  else if (is_signed_format && field.size == 8)
    out.sdec(static_cast<i64>(raw));
  else
    out.dec(raw);
}

}  // namespace

void print_synth_payload(const SynthDefinition& definition, const u8* payload, usize size,
                         TextWriter& out) {
  for (usize i = 0; i < definition.fields.size(); ++i) {
    const SynthField& field = definition.fields[i];
    StringView space = i + 1 == definition.fields.size() ? "" : " ";
    if (field.offset + field.slot_size() > size) return;
    const u8* slot = payload + field.offset;
    if (field.is_string && !field.is_dynamic) {
      usize n = 0;
      while (n < kSynthStringMax && slot[n]) ++n;
      out.put(field.name.view()).put('=').put(StringView(reinterpret_cast<const char*>(slot), n));
      out.put(space);
      continue;
    }
    if (field.is_dynamic) {
      u32 location = static_cast<u32>(load_bytes(slot, 4));
      usize offset = location & 0xffff;
      usize length = location >> 16;
      if (offset + length > size) length = 0;
      const u8* data = payload + offset;
      if (field.is_string) {
        usize n = 0;
        while (n < length && data[n]) ++n;
        out.put(field.name.view()).put('=');
        out.put(StringView(reinterpret_cast<const char*>(data), n)).put(space);
        continue;
      }
      out.put(field.name.view()).put("=STACK:\n");
      for (usize j = 1; j < length / 8; ++j) {
        out.put("=> ");
        print_symbol(out, load_bytes(data + 8 * j, 8), {.offset = true});
        out.put('\n');
      }
      continue;
    }
    out.put(field.name.view()).put('=');
    print_number(field, slot, out);
    out.put(space);
  }
}

Status format_synth_fields(const SynthDefinition& definition, String& out) {
  TextWriter text(out);
  for (usize i = 0; i < definition.fields.size(); ++i) {
    const SynthField& field = definition.fields[i];
    // __data_loc belongs in the format file, not in the definition.
    StringView type = field.type.view();
    if (field.is_dynamic) type = type.drop_front(11);
    text.put(i ? "; " : "").put(type).put(' ').put(field.name.view());
  }
  return text.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
