// The freestanding support library the core (and the kernel) builds on: Result/Status/TRY,
// errno names, StringView, Span, Vector, String, Atomic.
#include <gtest/gtest.h>

#include <string>

#include "support/Atomic.h"
#include "support/Errno.h"
#include "support/Result.h"
#include "support/Span.h"
#include "support/String.h"
#include "support/StringView.h"
#include "support/Vector.h"

using namespace tg;

namespace {

// Counts live copies, to see that Result constructs and destroys its value exactly once.
struct Tracked {
  static inline int alive = 0;
  int value;
  explicit Tracked(int v) : value(v) { ++alive; }
  Tracked(const Tracked& other) : value(other.value) { ++alive; }
  Tracked(Tracked&& other) : value(other.value) { ++alive; }
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) = default;
  ~Tracked() { --alive; }
};

Result<int> half(int n) {
  if (n % 2) return Errno::kInval;
  return n / 2;
}

Result<int> quarter(int n) {
  int h = TRY(half(n));
  return TRY(half(h));
}

Status check_even(int n) {
  TRY(half(n));
  return {};
}

std::string str(StringView view) {
  return std::string(view.data(), view.size());
}

}  // namespace

TEST(Result, HoldsAValueOrAnErrno) {
  Result<int> good = half(8);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 4);
  EXPECT_EQ(good.error(), Errno::kOk);
  Result<int> bad = half(3);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), Errno::kInval);
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_EQ(quarter(8).value(), 2);
  EXPECT_EQ(quarter(6).error(), Errno::kInval);  // 6 -> 3, odd
  EXPECT_TRUE(check_even(2).ok());
  EXPECT_EQ(check_even(5).error(), Errno::kInval);
}

TEST(Result, MoveAssignmentReplacesValueOrError) {
  Tracked::alive = 0;
  {
    Result<Tracked> r = Tracked(1);
    EXPECT_EQ(Tracked::alive, 1);
    r = Result<Tracked>(Errno::kNoMem);
    EXPECT_EQ(Tracked::alive, 0);
    EXPECT_EQ(r.error(), Errno::kNoMem);
    r = Result<Tracked>(Tracked(7));
    EXPECT_EQ(Tracked::alive, 1);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().value, 7);
  }
  EXPECT_EQ(Tracked::alive, 0);
}

TEST(Errno, NamesAndMessagesAreLinuxs) {
  EXPECT_STREQ(errno_name(Errno::kInval), "EINVAL");
  EXPECT_STREQ(errno_message(Errno::kInval), "Invalid argument");
  EXPECT_STREQ(errno_name(Errno::kNameTooLong), "ENAMETOOLONG");
  EXPECT_STREQ(errno_name(Errno::kTimedOut), "ETIMEDOUT");
  EXPECT_EQ(static_cast<int>(Errno::kTimedOut), 110);
  EXPECT_STREQ(errno_message(Errno::kBusy), "Device or resource busy");
}

TEST(StringView, TrimsFindsAndCompares) {
  StringView text = "  function_graph \n";
  EXPECT_EQ(str(text.trim()), "function_graph");
  EXPECT_EQ(str(StringView("abc\n").strip_newline()), "abc");
  EXPECT_EQ(StringView("a:b:c").find(':'), 1u);
  EXPECT_EQ(StringView("a:b:c").find(':', 2), 3u);
  EXPECT_EQ(StringView("abc").find('x'), StringView::npos);
  EXPECT_EQ(StringView("traceoff:3").find(StringView("off")), 5u);
  EXPECT_TRUE(StringView("kmalloc").starts_with("kmal"));
  EXPECT_TRUE(StringView("kmalloc").ends_with("loc"));
  EXPECT_LT(StringView("abc").compare("abd"), 0);
  EXPECT_TRUE(StringView("ab") < StringView("abc"));
  EXPECT_EQ(str(StringView("hello").substr(1, 3)), "ell");
  EXPECT_EQ(str(StringView("hello").substr(9)), "");
  EXPECT_EQ(str(StringView("hello").drop_back(9)), "");
}

TEST(Span, SubspanStaysInBounds) {
  int values[] = {1, 2, 3, 4};
  Span<int> all(values);
  EXPECT_EQ(all.size(), 4u);
  EXPECT_EQ(all.subspan(1, 2)[1], 3);
  EXPECT_EQ(all.subspan(3).size(), 1u);
  EXPECT_TRUE(all.subspan(5).empty());
}

TEST(Vector, AppendsRemovesAndMovesElements) {
  Tracked::alive = 0;
  {
    Vector<Tracked> v;
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(v.append(Tracked(i)).ok());
    EXPECT_EQ(v.size(), 100u);
    EXPECT_EQ(Tracked::alive, 100);
    v.remove(0);
    EXPECT_EQ(v[0].value, 1);
    EXPECT_EQ(v.back().value, 99);
    v.pop_back();
    EXPECT_EQ(Tracked::alive, 98);
    Vector<Tracked> moved(move(v));
    EXPECT_EQ(moved.size(), 98u);
    EXPECT_EQ(v.size(), 0u);
  }
  EXPECT_EQ(Tracked::alive, 0);
}

TEST(String, GrowsAndTruncates) {
  String s;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(s.append("ab").ok());
  EXPECT_EQ(s.size(), 2000u);
  s.truncate(3);
  EXPECT_TRUE(s == StringView("aba"));
  s.drop_front(1);
  EXPECT_EQ(str(s.view()), "ba");
  auto copy = String::from("nop");
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(str(copy.value().view()), "nop");
}

TEST(Atomic, LoadStoreAndFetchAdd) {
  Atomic<u64> counter{5};
  EXPECT_EQ(counter.fetch_add(3), 5u);
  EXPECT_EQ(counter.load(), 8u);
  counter.store(1, MemoryOrder::kRelease);
  EXPECT_EQ(counter.load(MemoryOrder::kAcquire), 1u);
}
