#include "vfs/NodeTable.h"

#include "support/TextWriter.h"
#include "trace/TraceInstance.h"

namespace tg::vfs {

namespace {

constexpr Node kRootNode = directory_node("", 0700, {});

// A stable number for a node: the row it comes from and the context that makes it concrete.
u64 mix(u64 hash, u64 value) {
  hash ^= value + 0x9e3779b97f4a7c15ull + (hash << 6) + (hash >> 2);
  return hash * 0xff51afd7ed558ccdull;
}

void copy_name(NodeRef& ref, const DynamicEntry& entry) {
  ref.name = entry.name;
  ref.name_length = entry.name_length;
  for (usize i = 0; i < entry.name_length; ++i) ref.name_buffer[i] = entry.name_buffer[i];
}

}  // namespace

void DynamicEntry::format_name(StringView prefix, u64 number) {
  usize n = 0;
  for (usize i = 0; i < prefix.size() && n < sizeof(name_buffer); ++i) name_buffer[n++] = prefix[i];
  char digits[20];
  usize count = format_decimal(number, digits);
  for (usize i = 0; i < count && n < sizeof(name_buffer); ++i) name_buffer[n++] = digits[i];
  name_length = n;
}

OpenFile::~OpenFile() {
  if (free_private) free_private(private_data);
  if (instance_) instance_->file_closed();
}

void OpenFile::pin_instance(trace::TraceInstance* instance) {
  instance_ = instance;
  if (instance_) instance_->file_opened();
}

Status NodeTable::mount(const Mount& mount) {
  if (mount_count_ == kMaxMounts) return Errno::kNoSpc;
  for (usize i = 0; i < mount_count_; ++i)
    if (mounts_[i].name == mount.name) return Errno::kExist;
  if (!mount.root || !mount.root->is_directory()) return Errno::kNotDir;
  mounts_[mount_count_++] = mount;
  return {};
}

NodeRef NodeTable::root() const {
  NodeRef ref;
  ref.node = &kRootNode;
  remember(ref, 1);
  return ref;
}

void NodeTable::remember(const NodeRef& ref, u64 parent) const {
  u64 inode = inode_of(ref);
  usize low = 0;
  usize high = known_.size();
  while (low < high) {
    usize mid = low + (high - low) / 2;
    if (known_[mid].inode < inode)
      low = mid + 1;
    else
      high = mid;
  }
  if (low < known_.size() && known_[low].inode == inode) return;
  // Out of memory only means this node cannot be resolved by number later (ENOENT).
  if (!known_.append({inode, parent, ref}).ok()) return;
  for (usize i = known_.size() - 1; i > low; --i) swap(known_[i], known_[i - 1]);
}

Result<NodeRef> NodeTable::resolve(u64 inode) const {
  usize low = 0;
  usize high = known_.size();
  while (low < high) {
    usize mid = low + (high - low) / 2;
    if (known_[mid].inode < inode)
      low = mid + 1;
    else
      high = mid;
  }
  if (low == known_.size() || known_[low].inode != inode) return Errno::kNoEnt;
  if (!alive(known_[low].ref)) {
    known_.remove(low);
    return Errno::kNoEnt;
  }
  return known_[low].ref;
}

Result<NodeRef> NodeTable::parent_of(u64 inode) const {
  for (const auto& known : known_)
    if (known.inode == inode) return resolve(known.parent);
  return Errno::kNoEnt;
}

bool NodeTable::alive(const NodeRef& ref) const {
  if (ref.mount >= mount_count_) return true;
  const Mount& mount = mounts_[ref.mount];
  return !mount.alive || mount.alive(ref.context);
}

Result<bool> NodeTable::entry_at(const NodeRef& directory, usize index, NodeRef& out) const {
  if (!directory.is_directory()) return Errno::kNotDir;
  if (!alive(directory)) return Errno::kNoEnt;
  if (directory.node == &kRootNode) {
    if (index >= mount_count_) return false;
    out = NodeRef{};
    out.node = mounts_[index].root;
    out.context.data = mounts_[index].data;
    out.mount = static_cast<u8>(index);
    out.name = mounts_[index].name;
    remember(out, 1);
    return true;
  }
  const Node& node = *directory.node;
  out = NodeRef{};
  out.mount = directory.mount;
  if (index < node.children.size()) {
    out.node = &node.children[index];
    out.context = directory.context;
    out.name = out.node->name;
    remember(out, inode_of(directory));
    return true;
  }
  index -= node.children.size();
  if (!node.dynamic || index >= node.dynamic->count(directory.context)) return false;
  DynamicEntry entry;
  entry.context = directory.context;
  if (!node.dynamic->entry(directory.context, index, entry)) return false;
  out.node = entry.node;
  out.context = entry.context;
  copy_name(out, entry);
  remember(out, inode_of(directory));
  return true;
}

Result<NodeRef> NodeTable::walk(const NodeRef& from, StringView name) const {
  if (!from.is_directory()) return Errno::kNotDir;
  NodeRef candidate;
  for (usize i = 0;; ++i) {
    bool found = TRY(entry_at(from, i, candidate));
    if (!found) return Errno::kNoEnt;
    if (candidate.name_view() == name) return candidate;
  }
}

Result<NodeRef> NodeTable::lookup(StringView path) const {
  NodeRef ref = root();
  while (!path.empty()) {
    usize slash = path.find('/');
    StringView component = path.substr(0, slash);
    path = slash == StringView::npos ? StringView() : path.substr(slash + 1);
    if (component.empty()) continue;
    ref = TRY(walk(ref, component));
  }
  return ref;
}

Attributes NodeTable::getattr(const NodeRef& ref) const {
  return {ref.node->mode, 0, inode_of(ref)};
}

u64 NodeTable::inode_of(const NodeRef& ref) const {
  if (ref.node == &kRootNode) return 1;
  u64 hash = mix(0, reinterpret_cast<uptr>(ref.node));
  hash = mix(hash, ref.mount);
  hash = mix(hash, ref.context.instance_id);
  hash = mix(hash, static_cast<u64>(static_cast<i64>(ref.context.cpu)));
  hash = mix(hash, static_cast<u64>(static_cast<i64>(ref.context.index)));
  hash = mix(hash, static_cast<u64>(static_cast<i64>(ref.context.sub)));
  // 0 and 1 are taken (none, the root).
  return hash < 2 ? hash + 2 : hash;
}

Result<OwnPtr<OpenFile>> NodeTable::open(const NodeRef& ref, u32 flags) const {
  if (!ref.node) return Errno::kNoEnt;
  if (!alive(ref)) return Errno::kNoEnt;
  if (ref.is_directory() && (flags & kOpenAccessMask) != kOpenReadOnly) return Errno::kIsDir;
  OwnPtr<OpenFile> file(tg::create<OpenFile>(ref, flags));
  if (!file) return Errno::kNoMem;
  if (ref.mount < mount_count_ && mounts_[ref.mount].instance_of)
    file->pin_instance(mounts_[ref.mount].instance_of(ref.context));
  const FileOps* ops = ref.node->file;
  if (ops && ops->open) TRY(ops->open(*file));
  return file;
}

Result<usize> NodeTable::read(OpenFile& file, u64 offset, Span<char> out) const {
  if (file.node().is_directory()) return Errno::kIsDir;
  const FileOps* ops = file.node().file;
  if (!file.readable() || !ops) return Errno::kBadF;
  if (ops->read) return ops->read(file, out);
  if (ops->show) return read_text(file, offset, out);
  return Errno::kInval;
}

// Serves read(offset, count) from show() chunks: generates until the range is covered,
// keeps only what lies at or after the last offset asked for, and starts a new pass when a
// reader goes back before what is kept.
Result<usize> NodeTable::read_text(OpenFile& file, u64 offset, Span<char> out) const {
  String& text = file.text();
  // A read at 0 starts a fresh pass, as Linux's seq_file does for a re-read.
  if (offset == 0 || offset < file.text_start()) {
    text.clear();
    file.set_text_start(0);
    file.set_chunk_index(0);
    file.set_text_complete(false);
  }
  while (!file.text_complete() && file.text_start() + text.size() < offset + out.size()) {
    bool more = TRY(file.node().file->show(file, text));
    file.set_chunk_index(file.chunk_index() + 1);
    file.set_text_complete(!more);
    // Bound memory for long files read in order: drop what lies before `offset`.
    if (offset > file.text_start()) {
      usize drop = static_cast<usize>(min<u64>(offset - file.text_start(), text.size()));
      text.drop_front(drop);
      file.set_text_start(file.text_start() + drop);
    }
  }
  if (offset < file.text_start() || offset - file.text_start() >= text.size()) return usize{0};
  usize start = static_cast<usize>(offset - file.text_start());
  usize count = min(out.size(), text.size() - start);
  memcpy(out.data(), text.data() + start, count);
  return count;
}

Result<usize> NodeTable::write(OpenFile& file, u64, StringView data) const {
  if (file.node().is_directory()) return Errno::kIsDir;
  const FileOps* ops = file.node().file;
  if (!file.writable()) return Errno::kBadF;
  if (!ops || !ops->write) return Errno::kInval;
  return ops->write(file, data);
}

Result<usize> NodeTable::write_done(OpenFile& file) const {
  const FileOps* ops = file.node().file;
  if (!ops || !ops->write_done) return Errno::kInval;
  return ops->write_done(file);
}

bool NodeTable::poll(OpenFile& file) const {
  const FileOps* ops = file.node().file;
  return !ops || !ops->poll || ops->poll(file);
}

void NodeTable::release(OwnPtr<OpenFile> file) const {
  if (!file) return;
  const FileOps* ops = file->node().file;
  if (ops && ops->release) ops->release(*file);
}

Status NodeTable::mkdir(const NodeRef& parent, StringView name) const {
  if (!parent.is_directory()) return Errno::kNotDir;
  if (!alive(parent)) return Errno::kNoEnt;
  const DirectoryOps* ops = parent.node->directory_ops;
  if (!ops || !ops->mkdir) return Errno::kPerm;
  return ops->mkdir(parent.context, name);
}

Status NodeTable::rmdir(const NodeRef& parent, StringView name) const {
  if (!parent.is_directory()) return Errno::kNotDir;
  if (!alive(parent)) return Errno::kNoEnt;
  const DirectoryOps* ops = parent.node->directory_ops;
  if (!ops || !ops->rmdir) return Errno::kPerm;
  return ops->rmdir(parent.context, name);
}

Status NodeTable::create(const NodeRef& parent, StringView) const {
  if (!parent.is_directory()) return Errno::kNotDir;
  return Errno::kAccess;
}

}  // namespace tg::vfs
