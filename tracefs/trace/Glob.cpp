#include "trace/Glob.h"

namespace tg::trace {

namespace {

bool has_glob_syntax(StringView text) {
  for (char c : text)
    if (c == '?' || c == '[' || c == '\\' || c == '*') return true;
  return false;
}

// Matches one `[...]` class at pattern[*pi] against c; advances *pi past the class. An
// unterminated class matches a literal '['.
bool match_class(StringView pattern, usize& pi, char c) {
  usize i = pi + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char low = pattern[i];
    char high = low;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      high = pattern[i + 2];
      i += 2;
    }
    if (static_cast<unsigned char>(c) >= static_cast<unsigned char>(low) &&
        static_cast<unsigned char>(c) <= static_cast<unsigned char>(high))
      matched = true;
    ++i;
  }
  if (i >= pattern.size()) {
    pi += 1;
    return c == '[';
  }
  pi = i + 1;
  return matched != negate;
}

}  // namespace

Glob Glob::parse(StringView word) {
  Kind kind = Kind::kExact;
  StringView search = word;
  if (!search.empty() && search.front() == '*') {
    kind = Kind::kSuffix;
    search = search.drop_front(1);
  }
  if (!search.empty() && search.back() == '*') {
    StringView inner = search.drop_back(1);
    if (!has_glob_syntax(inner))
      return Glob(kind == Kind::kSuffix ? Kind::kSubstring : Kind::kPrefix, inner);
    return Glob(Kind::kFull, word);
  }
  if (has_glob_syntax(search)) return Glob(Kind::kFull, word);
  return Glob(kind, search);
}

bool Glob::matches(StringView name) const {
  switch (kind_) {
    case Kind::kExact:
      return name == search_;
    case Kind::kPrefix:
      return name.starts_with(search_);
    case Kind::kSuffix:
      return name.ends_with(search_);
    case Kind::kSubstring:
      return name.find(search_) != StringView::npos;
    case Kind::kFull:
      return glob_match(search_, name);
  }
  return false;
}

bool glob_match(StringView pattern, StringView text) {
  usize pi = 0;
  usize ti = 0;
  // Backtracking point of the last `*`: iterative, so no recursion depth to bound.
  usize star_pi = StringView::npos;
  usize star_ti = 0;
  while (ti < text.size()) {
    if (pi < pattern.size()) {
      char p = pattern[pi];
      if (p == '*') {
        star_pi = ++pi;
        star_ti = ti;
        continue;
      }
      usize next_pi = pi;
      bool ok;
      if (p == '?') {
        ok = true;
        next_pi = pi + 1;
      } else if (p == '[') {
        ok = match_class(pattern, next_pi, text[ti]);
      } else if (p == '\\' && pi + 1 < pattern.size()) {
        ok = pattern[pi + 1] == text[ti];
        next_pi = pi + 2;
      } else {
        ok = p == text[ti];
        next_pi = pi + 1;
      }
      if (ok) {
        pi = next_pi;
        ++ti;
        continue;
      }
    }
    if (star_pi == StringView::npos) return false;
    pi = star_pi;
    ti = ++star_ti;
  }
  while (pi < pattern.size() && pattern[pi] == '*') ++pi;
  return pi == pattern.size();
}

}  // namespace tg::trace
