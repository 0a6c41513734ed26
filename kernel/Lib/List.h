#pragma once

#include "Lib/Types.h"

// An intrusive doubly linked list, as Linux's list_head: the node lives inside the object,
// so linking never allocates and unlinking is O(1).
struct ListNode {
  ListNode* prev = this;
  ListNode* next = this;

  bool is_linked() const { return next != this; }
  void reset() { prev = next = this; }

  void insert_before(ListNode& node) {
    node.prev = prev;
    node.next = this;
    prev->next = &node;
    prev = &node;
  }

  void unlink() {
    prev->next = next;
    next->prev = prev;
    prev = next = this;
  }
};

// A list head; push_back/pop_front make it a FIFO.
class List {
 public:
  bool is_empty() const { return !head_.is_linked(); }
  void push_back(ListNode& node) { head_.insert_before(node); }
  void push_front(ListNode& node) { head_.next->insert_before(node); }
  ListNode* front() { return is_empty() ? nullptr : head_.next; }
  ListNode* pop_front() {
    ListNode* node = front();
    if (node) node->unlink();
    return node;
  }
  ListNode* begin() { return head_.next; }
  ListNode* end() { return &head_; }

 private:
  ListNode head_;
};

#define container_of(pointer, type, member) \
  reinterpret_cast<type*>(reinterpret_cast<char*>(pointer) - __builtin_offsetof(type, member))
