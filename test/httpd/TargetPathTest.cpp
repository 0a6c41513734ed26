#include "TargetPath.h"

#include <gtest/gtest.h>

namespace tracegate {
namespace {

std::vector<std::string> elements_of(std::string_view target) {
  auto path = parse_target(target);
  EXPECT_TRUE(path.has_value()) << target;
  return path ? path->elements : std::vector<std::string>{};
}

TEST(TargetPath, SplitsIntoElements) {
  EXPECT_EQ(elements_of("/tracing/instances/foo/trace"),
            (std::vector<std::string>{"tracing", "instances", "foo", "trace"}));
}

TEST(TargetPath, DropsEmptyAndDotElements) {
  EXPECT_EQ(elements_of("//tracing/./trace//"), (std::vector<std::string>{"tracing", "trace"}));
}

TEST(TargetPath, PercentDecodesElements) {
  EXPECT_EQ(elements_of("/tracing/events/%73ched"),
            (std::vector<std::string>{"tracing", "events", "sched"}));
}

TEST(TargetPath, KeepsEveryQueryParameterDecoded) {
  auto path = parse_target("/analysis/trace?instance=a%20b&max_calls=10");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->query, (std::vector<std::pair<std::string, std::string>>{{"instance", "a b"},
                                                                           {"max_calls", "10"}}));
}

TEST(TargetPath, RefusesDotDot) {
  EXPECT_FALSE(parse_target("/tracing/../etc/passwd"));
}

TEST(TargetPath, RefusesEncodedDotDot) {
  EXPECT_FALSE(parse_target("/tracing/%2e%2E/x"));
}

TEST(TargetPath, RefusesEncodedSlash) {
  EXPECT_FALSE(parse_target("/tracing/a%2Fb"));
}

TEST(TargetPath, RefusesEncodedNul) {
  EXPECT_FALSE(parse_target("/tracing/a%00b"));
}

TEST(TargetPath, RefusesAbsoluteForm) {
  EXPECT_FALSE(parse_target("http://host/tracing/"));
}

TEST(TargetPath, NotesTheTrailingSlash) {
  EXPECT_TRUE(parse_target("/tracing/instances/foo/")->trailing_slash);
  EXPECT_FALSE(parse_target("/tracing/instances/foo")->trailing_slash);
  EXPECT_FALSE(parse_target("/")->trailing_slash);
}

TEST(TargetPath, NonblockQueryParameter) {
  EXPECT_TRUE(parse_target("/tracing/trace_pipe?nonblock=1")->nonblock);
  EXPECT_FALSE(parse_target("/tracing/trace_pipe?nonblock=0")->nonblock);
  EXPECT_FALSE(parse_target("/tracing/trace_pipe")->nonblock);
}

}  // namespace
}  // namespace tracegate
