#include "Route.h"

#include <gtest/gtest.h>

namespace tracegate {
namespace {

RoutedRequest route(http::verb method, std::string_view target, std::string_view authorization = "",
                    std::string_view token = "") {
  auto path = parse_target(target);
  EXPECT_TRUE(path.has_value()) << target;
  return route_of(method, path.value_or(TargetPath{}), authorization, token);
}

TEST(Route, HealthzAndMetricsNeverReachTheGuest) {
  EXPECT_EQ(route(http::verb::get, "/healthz").route, Route::kHealthz);
  EXPECT_EQ(route(http::verb::head, "/metrics").route, Route::kMetrics);
}

TEST(Route, ReadsOfTheTracingTreeGoToTheGuest) {
  RoutedRequest r = route(http::verb::get, "/tracing/per_cpu/cpu0/stats");
  EXPECT_EQ(r.route, Route::kRead);
  EXPECT_EQ(r.guest_path, (std::vector<std::string>{"tracing", "per_cpu", "cpu0", "stats"}));
}

TEST(Route, KallsymsIsReadFromTheGuest) {
  RoutedRequest r = route(http::verb::get, "/proc/kallsyms");
  EXPECT_EQ(r.route, Route::kRead);
  EXPECT_EQ(r.guest_path, (std::vector<std::string>{"proc", "kallsyms"}));
}

TEST(Route, FtraceAliasesMapOntoTracing) {
  EXPECT_EQ(route(http::verb::get, "/ftrace/trace_pipe").guest_path,
            (std::vector<std::string>{"tracing", "trace_pipe"}));
}

TEST(Route, ThePageIsServedAtTheRootAndAssets) {
  EXPECT_EQ(route(http::verb::get, "/").route, Route::kPage);
  EXPECT_EQ(route(http::verb::head, "/index.html").route, Route::kPage);
  EXPECT_EQ(route(http::verb::get, "/assets/index-abc.js").route, Route::kPage);
  EXPECT_EQ(route(http::verb::get, "/assets/a/b.js").route, Route::kNotFound);
  EXPECT_EQ(route(http::verb::put, "/").route, Route::kNotFound);
}

TEST(Route, TheAnalysisIsAReadOnlyRouteOutsideTheGuestTrees) {
  EXPECT_EQ(route(http::verb::get, "/analysis/trace?instance=foo").route, Route::kAnalysis);
  EXPECT_EQ(route(http::verb::put, "/analysis/trace").route, Route::kMethodNotAllowed);
  EXPECT_EQ(route(http::verb::put, "/analysis/trace", "", "secret").route,
            Route::kMethodNotAllowed);
  EXPECT_EQ(route(http::verb::get, "/analysis/other").route, Route::kNotFound);
}

TEST(Route, PathsOutsideTheGuestTreesAre404) {
  EXPECT_EQ(route(http::verb::get, "/etc/passwd").route, Route::kNotFound);
}

TEST(Route, PutPostAndDeleteAreWritesAndRemoves) {
  EXPECT_EQ(route(http::verb::put, "/tracing/tracing_on").route, Route::kWrite);
  EXPECT_EQ(route(http::verb::post, "/tracing/set_ftrace_filter").route, Route::kWrite);
  EXPECT_EQ(route(http::verb::delete_, "/tracing/instances/foo/").route, Route::kRemove);
}

TEST(Route, OtherMethodsAre405) {
  EXPECT_EQ(route(http::verb::patch, "/tracing/trace").route, Route::kMethodNotAllowed);
}

TEST(Route, WithATokenWritesNeedTheBearerHeader) {
  EXPECT_EQ(route(http::verb::put, "/tracing/tracing_on", "", "secret").route,
            Route::kUnauthorized);
  EXPECT_EQ(route(http::verb::put, "/tracing/tracing_on", "Bearer wrong", "secret").route,
            Route::kUnauthorized);
  EXPECT_EQ(route(http::verb::put, "/tracing/tracing_on", "Bearer secret", "secret").route,
            Route::kWrite);
}

TEST(Route, WithATokenReadsNeedNoHeader) {
  EXPECT_EQ(route(http::verb::get, "/tracing/trace", "", "secret").route, Route::kRead);
}

}  // namespace
}  // namespace tracegate
