// Variables one hist trigger reads of another, and onmatch() generating synthetic events:
// the latency histograms of Linux's Documentation/trace/histogram.rst.
#include "TracefsFixture.h"
#include "trace/Events.h"
#include "trace/ProbeEvents.h"

using namespace tg;
using namespace tg::test;

namespace {

class HistActions : public TracefsTest {
 protected:
  static constexpr const char* kStartFile = "events/kmem/kmalloc/trigger";
  static constexpr const char* kEndFile = "events/kmem/kfree/trigger";
  static constexpr const char* kEndHist = "events/kmem/kfree/hist";
  static constexpr const char* kStart = "hist:keys=common_pid:ts0=common_timestamp.usecs";
  static constexpr const char* kEnd =
      "hist:keys=common_pid:lat=common_timestamp.usecs-$ts0:onmatch(kmem.kmalloc).latency($lat)";

  void start(i32 pid = 7) {
    trace::RecordContext ctx = writer_context();
    ctx.pid = pid;
    trace::emit_kmalloc(tracing_->top(), ctx, 0x1000, 0xffff0000, 8, 8, 0, -1);
  }
  void end(i32 pid = 7) {
    trace::RecordContext ctx = writer_context();
    ctx.pid = pid;
    trace::emit_kfree(tracing_->top(), ctx, 0x1000, 0xffff0000);
  }

  void SetUp() override {
    TracefsTest::SetUp();
    trace::install_tracing(tracing_.get());
  }
  void TearDown() override { trace::install_tracing(nullptr); }

  // kmalloc -> kfree latency per task, in a synthetic event.
  void define_latency() {
    ASSERT_EQ(echo("synthetic_events", "latency u64 lat"), Errno::kOk);
    ASSERT_EQ(echo_append(kStartFile, kStart), Errno::kOk);
    ASSERT_EQ(echo_append(kEndFile, kEnd), Errno::kOk);
    ASSERT_EQ(echo("events/synthetic/latency/trigger", "hist:keys=common_pid,lat:sort=lat"),
              Errno::kOk);
  }
  usize count(const std::string& text, const std::string& what) {
    usize n = 0;
    for (usize at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
  std::string last_error() {
    std::string log = cat("error_log");
    usize message = log.rfind(": error: ");
    if (message == std::string::npos) return "";
    return log.substr(message + 9, log.find('\n', message) - message - 9);
  }
};

TEST_F(HistActions, OnmatchGeneratesTheSyntheticEventFromAnotherHistsVariable) {
  define_latency();
  start();
  end();
  EXPECT_EQ(count(cat("events/kmem/kmalloc/hist"), "hitcount:          1\n"), 1u);
  EXPECT_EQ(count(cat(kEndHist), "hitcount:          1\n"), 1u) << cat(kEndHist);
  std::string synthetic = cat("events/synthetic/latency/hist");
  EXPECT_EQ(count(synthetic, "hitcount:          1\n"), 1u) << synthetic;
  EXPECT_NE(synthetic.find("Hits: 1\n"), std::string::npos) << synthetic;
}

TEST_F(HistActions, AnUnsetVariableKeepsTheEventOutOfTheReadingHist) {
  define_latency();
  end();
  EXPECT_NE(cat(kEndHist).find("Hits: 0\n"), std::string::npos);
  EXPECT_NE(cat("events/synthetic/latency/hist").find("Hits: 0\n"), std::string::npos);
}

// In an expression another hist's variable is read once: one start pairs with one end.
TEST_F(HistActions, ATimestampIsConsumedByTheFirstMatch) {
  define_latency();
  start();
  end();
  end();
  EXPECT_NE(cat("events/synthetic/latency/hist").find("Hits: 1\n"), std::string::npos);
  start();
  end();
  EXPECT_NE(cat("events/synthetic/latency/hist").find("Hits: 2\n"), std::string::npos);
}

TEST_F(HistActions, EnabledSyntheticEventIsTraced) {
  define_latency();
  ASSERT_EQ(echo("events/synthetic/latency/enable", "1"), Errno::kOk);
  start();
  end();
  std::string trace = cat("trace");
  EXPECT_NE(trace.find(" latency: lat="), std::string::npos) << trace;
}

TEST_F(HistActions, ListingShowsTheActionAsWritten) {
  define_latency();
  std::string listing = cat(kEndFile);
  EXPECT_NE(listing.find("hist:keys=common_pid:vals=hitcount:lat=common_timestamp.usecs-$ts0:"
                         "sort=hitcount:size=2048:clock=global:onmatch(kmem.kmalloc).latency($lat)"
                         " [active]\n"),
            std::string::npos)
      << listing;
}

TEST_F(HistActions, TraceKeywordNamesTheEventFirstAndStringsPass) {
  ASSERT_EQ(echo("synthetic_events", "latency u64 lat; char comm[16]"), Errno::kOk);
  ASSERT_EQ(echo_append(kStartFile, kStart), Errno::kOk);
  const char* kSwitch = "events/sched/sched_switch/trigger";
  ASSERT_EQ(echo_append(kSwitch,
                        "hist:keys=next_pid:lat=common_timestamp.usecs-$ts0:"
                        "onmatch(kmem.kmalloc).trace(latency,$lat,next_comm)"),
            Errno::kOk);
  EXPECT_NE(cat(kSwitch).find(":onmatch(kmem.kmalloc).trace(latency,$lat,next_comm) [active]"),
            std::string::npos)
      << cat(kSwitch);
  ASSERT_EQ(echo("events/synthetic/latency/enable", "1"), Errno::kOk);
  start(9);
  trace::emit_sched_switch(tracing_->top(), writer_context(), "idle", 0, 120, 0, "worker", 9, 120);
  EXPECT_NE(cat("trace").find(" latency: lat="), std::string::npos) << cat("trace");
  EXPECT_NE(cat("trace").find(" comm=worker\n"), std::string::npos) << cat("trace");
}

TEST_F(HistActions, ActionErrorsAsLinux) {
  ASSERT_EQ(echo("synthetic_events", "latency u64 lat"), Errno::kOk);
  ASSERT_EQ(echo_append(kStartFile, kStart), Errno::kOk);
  EXPECT_EQ(echo_append(kStartFile, "hist:keys=common_pid:onmatch(kmem.kfree).nosuch($ts0)"),
            Errno::kInval);
  EXPECT_EQ(last_error(), "Couldn't find synthetic event");
  EXPECT_EQ(echo_append(kStartFile, "hist:keys=common_pid:onmatch(kmem.kfree).latency($ts0,ptr)"),
            Errno::kInval);
  EXPECT_EQ(last_error(), "Param count doesn't match synthetic event field count");
  EXPECT_EQ(echo_append("events/sched/sched_switch/trigger",
                        "hist:keys=next_pid:onmatch(kmem.kmalloc).latency(next_comm)"),
            Errno::kInval);
  EXPECT_EQ(last_error(), "Param type doesn't match synthetic event field type");
  EXPECT_EQ(echo_append(kStartFile, "hist:keys=common_pid:onmatch(kmem.kfree).save(ptr)"),
            Errno::kInval);
  EXPECT_EQ(last_error(), "Handler doesn't support action");
  EXPECT_EQ(echo_append(kStartFile, "hist:keys=common_pid:x=$nosuch"), Errno::kInval);
  EXPECT_EQ(last_error(), "Couldn't find variable");
}

TEST_F(HistActions, WhatIsInUseCannotGo) {
  define_latency();
  // The synthetic event is generated by an action; the start trigger's variable is read.
  EXPECT_EQ(echo_append("synthetic_events", "!latency"), Errno::kBusy);
  EXPECT_EQ(echo_append(kStartFile, std::string("!") + kStart), Errno::kBusy);
  ASSERT_EQ(echo_append(kEndFile, std::string("!") + kEnd), Errno::kOk);
  ASSERT_EQ(echo_append(kStartFile, std::string("!") + kStart), Errno::kOk);
  ASSERT_EQ(echo_append("events/synthetic/latency/trigger", "!hist:keys=common_pid,lat:sort=lat"),
            Errno::kOk);
  EXPECT_EQ(echo_append("synthetic_events", "!latency"), Errno::kOk);
}

TEST_F(HistActions, ReadmeNamesTheOnmatchAction) {
  std::string readme = cat("README");
  EXPECT_NE(readme.find("onmatch(matching.event)"), std::string::npos);
  EXPECT_NE(readme.find("trace(<synthetic_event>,param list)"), std::string::npos);
  EXPECT_NE(readme.find("onmax(var)"), std::string::npos);
  EXPECT_NE(readme.find("onchange(var)"), std::string::npos);
  EXPECT_NE(readme.find("save(field,...)"), std::string::npos);
  EXPECT_NE(readme.find("snapshot()"), std::string::npos);
}

}  // namespace

namespace {

// Linux runs ftrace/print's triggers before it adds the newline a marker lacks.
TEST_F(HistActions, MarkerTriggersSeeTheTextAsWritten) {
  ASSERT_EQ(echo("events/ftrace/print/trigger", "hist:keys=common_pid if buf == \"start\""),
            Errno::kOk);
  // echo -n: no newline written.
  ASSERT_TRUE(write_once("trace_marker", "start").ok());
  ASSERT_TRUE(write_once("trace_marker", "stop").ok());
  ASSERT_EQ(mark("start"), Errno::kOk);  // "start\n" is no match, in Linux too
  EXPECT_NE(cat("events/ftrace/print/hist").find("Hits: 1\n"), std::string::npos)
      << cat("events/ftrace/print/hist");
  EXPECT_NE(cat("trace").find("tracing_mark_write: start\n"), std::string::npos);
}

}  // namespace

namespace {

class TrackActions : public HistActions {
 protected:
  static constexpr const char* kSwitch = "events/sched/sched_switch/trigger";
  void switch_to(const char* next_comm, i32 next_pid, i32 next_prio) {
    trace::emit_sched_switch(tracing_->top(), writer_context(), "idle", 0, 120, 0, next_comm,
                             next_pid, next_prio);
  }
};

// Linux's track_data_print: the maximum and the saved fields under the entry.
TEST_F(TrackActions, OnmaxSavesTheFieldsOfTheNewMaximum) {
  ASSERT_EQ(echo(kSwitch, "hist:keys=next_pid:p=next_prio:onmax($p).save(next_comm,next_prio)"),
            Errno::kOk);
  switch_to("first", 5, 100);
  switch_to("second", 5, 130);
  switch_to("third", 5, 110);
  std::string hist = cat("events/sched/sched_switch/hist");
  EXPECT_NE(hist.find("{ next_pid:          5 } hitcount:          3\n"
                      "\tmax:        130  next_comm: second" +
                      std::string(26, ' ') + "  next_prio:        130\n"),
            std::string::npos)
      << hist;
  EXPECT_NE(cat(kSwitch).find(":size=2048:onmax($p).save(next_comm,next_prio) [active]"),
            std::string::npos)
      << cat(kSwitch);
}

TEST_F(TrackActions, OnchangeKeepsTheLastValue) {
  ASSERT_EQ(echo(kSwitch, "hist:keys=next_pid:p=next_prio:onchange($p).save(next_comm)"),
            Errno::kOk);
  switch_to("a", 5, 120);
  switch_to("b", 5, 120);
  switch_to("c", 5, 121);
  std::string hist = cat("events/sched/sched_switch/hist");
  EXPECT_NE(hist.find("\tchanged:        121  next_comm: c "), std::string::npos) << hist;
}

TEST_F(TrackActions, OnmaxCanGenerateASyntheticEvent) {
  ASSERT_EQ(echo("synthetic_events", "prio_max u64 prio; pid_t pid"), Errno::kOk);
  ASSERT_EQ(echo("events/synthetic/prio_max/enable", "1"), Errno::kOk);
  ASSERT_EQ(echo(kSwitch, "hist:keys=next_pid:p=next_prio:onmax($p).trace(prio_max,$p,next_pid)"),
            Errno::kOk);
  switch_to("a", 5, 100);
  switch_to("a", 5, 90);
  switch_to("a", 5, 101);
  std::string trace = cat("trace");
  EXPECT_NE(trace.find("prio_max: prio=100 pid=5"), std::string::npos) << trace;
  EXPECT_NE(trace.find("prio_max: prio=101 pid=5"), std::string::npos) << trace;
  EXPECT_EQ(trace.find("prio=90"), std::string::npos) << trace;
}

// Linux's track_data_snapshot_print, and the buffer swapped into snapshot.
TEST_F(TrackActions, SnapshotOnANewOverallMaximum) {
  ASSERT_EQ(echo("events/sched/sched_switch/enable", "1"), Errno::kOk);
  ASSERT_EQ(echo(kSwitch, "hist:keys=next_pid:p=next_prio:onmax($p).snapshot()"), Errno::kOk);
  EXPECT_NE(cat(kSwitch).find(":onmax($p).snapshot() [active]"), std::string::npos);
  switch_to("a", 5, 100);
  switch_to("b", 6, 130);
  switch_to("c", 7, 110);
  std::string hist = cat("events/sched/sched_switch/hist");
  EXPECT_NE(hist.find("{ next_pid:          6 } hitcount:          1\n\tmax:        130\n"),
            std::string::npos)
      << hist;
  EXPECT_NE(hist.find("\nSnapshot taken (see tracing/snapshot).  Details:\n"
                      "\ttriggering value { onmax($p) }:        130"
                      "\ttriggered by event with key: { next_pid:          6 }\n"),
            std::string::npos)
      << hist;
  EXPECT_NE(cat("snapshot").find("next_comm=b"), std::string::npos) << cat("snapshot");
}

TEST_F(TrackActions, ErrorsAsLinux) {
  EXPECT_EQ(echo(kSwitch, "hist:keys=next_pid:p=next_prio:onmax(p).save(next_comm)"),
            Errno::kInval);
  EXPECT_EQ(last_error(), "For onmax(x) or onchange(x), x must be a variable");
  EXPECT_EQ(echo(kSwitch, "hist:keys=next_pid:p=next_prio:onchange($q).save(next_comm)"),
            Errno::kInval);
  EXPECT_EQ(last_error(), "Couldn't find onmax or onchange variable");
  EXPECT_EQ(echo(kSwitch, "hist:keys=next_pid:p=next_prio:onmax($p).save()"), Errno::kInval);
  EXPECT_EQ(last_error(), "No params found for save()");
}

}  // namespace
