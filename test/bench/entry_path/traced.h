#pragma once

namespace traced {
int leaf(int x);
long run(int calls);  // `calls` calls of leaf(), traced
}  // namespace traced

namespace plain {
int leaf(int x);
long run(int calls);  // the same, without fentry sites
}  // namespace plain
