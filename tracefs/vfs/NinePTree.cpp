#include "vfs/NinePTree.h"

namespace tg::vfs {

namespace {

NinePTree& tree_of(void* tree) {
  return *static_cast<NinePTree*>(tree);
}
OpenFile& file_of(void* handle) {
  return *static_cast<OpenFile*>(handle);
}

ninep::NodeInfo info_of(const NodeTable& table, const NodeRef& ref) {
  Attributes attributes = table.getattr(ref);
  ninep::NodeInfo info;
  info.id = attributes.inode;
  info.directory = ref.is_directory();
  info.mode = attributes.mode & 07777;
  info.size = attributes.size;
  return info;
}

Result<ninep::NodeInfo> root(void* tree) {
  NodeTable& table = tree_of(tree).table();
  return info_of(table, table.root());
}

Result<ninep::NodeInfo> lookup(void* tree, u64 directory, StringView name) {
  NodeTable& table = tree_of(tree).table();
  NodeRef from = TRY(table.resolve(directory));
  if (name == StringView(".")) return info_of(table, from);
  if (name == StringView("..")) return info_of(table, TRY(table.parent_of(directory)));
  return info_of(table, TRY(table.walk(from, name)));
}

Result<ninep::NodeInfo> getattr(void* tree, u64 node) {
  NodeTable& table = tree_of(tree).table();
  return info_of(table, TRY(table.resolve(node)));
}

Result<void*> open(void* tree, u64 node, u32 flags) {
  NodeTable& table = tree_of(tree).table();
  NodeRef ref = TRY(table.resolve(node));
  OwnPtr<OpenFile> file = TRY(table.open(ref, flags));
  return static_cast<void*>(file.leak());
}

Result<usize> read(void* tree, void* handle, u64 offset, MutableBytes out) {
  Span<char> chars(reinterpret_cast<char*>(out.data()), out.size());
  return tree_of(tree).table().read(file_of(handle), offset, chars);
}

Result<usize> write(void* tree, void* handle, u64 offset, Bytes data) {
  StringView text(reinterpret_cast<const char*>(data.data()), data.size());
  return tree_of(tree).table().write(file_of(handle), offset, text);
}

Result<usize> write_done(void* tree, void* handle) {
  return tree_of(tree).table().write_done(file_of(handle));
}

void close(void* tree, void* handle) {
  tree_of(tree).table().release(OwnPtr<OpenFile>(&file_of(handle)));
}

Result<ninep::DirEntry> readdir(void* tree, u64 directory, u64 index) {
  NinePTree& self = tree_of(tree);
  NodeRef dir = TRY(self.table().resolve(directory));
  bool found = TRY(self.table().entry_at(dir, static_cast<usize>(index), self.scratch()));
  if (!found) return Errno::kNoEnt;
  return ninep::DirEntry{info_of(self.table(), self.scratch()), self.scratch().name_view()};
}

Result<ninep::NodeInfo> mkdir(void* tree, u64 directory, StringView name) {
  NodeTable& table = tree_of(tree).table();
  NodeRef parent = TRY(table.resolve(directory));
  TRY(table.mkdir(parent, name));
  return info_of(table, TRY(table.walk(parent, name)));
}

// tracefs has no unlink: only instances/ directories can be removed (Linux: EPERM).
Status remove(void* tree, u64 directory, StringView name, bool is_directory) {
  NodeTable& table = tree_of(tree).table();
  NodeRef parent = TRY(table.resolve(directory));
  if (!is_directory) return Errno::kPerm;
  return table.rmdir(parent, name);
}

}  // namespace

const ninep::FileTreeOps NinePTree::kOps = {root,       lookup, getattr, open,  read,  write,
                                            write_done, close,  readdir, mkdir, remove};

}  // namespace tg::vfs
