#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tg::analysis {

// Function, event and task names, each stored once and named by a small id, so the
// analysis keeps no text of the trace beyond the distinct names it saw.
class NameTable {
 public:
  using Id = std::uint32_t;

  Id intern(std::string_view name) {
    auto found = ids_.find(name);
    if (found != ids_.end()) return found->second;
    const std::string& stored = storage_.emplace_back(name);
    Id id = static_cast<Id>(names_.size());
    names_.push_back(stored);
    ids_.emplace(stored, id);
    return id;
  }
  std::string_view name(Id id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  std::deque<std::string> storage_;  // a deque never moves what it holds
  std::vector<std::string_view> names_;
  std::unordered_map<std::string_view, Id> ids_;
};

}  // namespace tg::analysis
