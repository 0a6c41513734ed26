// The example tracer of docs/tracers.md, used as a user would: registered, chosen through
// current_tracer, fed calls the way the kernel's dispatch feeds any tracer, read back as text.
#include "../TracefsFixture.h"
#include "trace/Tracer.h"

namespace tg::trace {
extern const Tracer kSampleTracer;
}

using namespace tg;
using namespace tg::test;

namespace {

class SampleTracer : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    ASSERT_TRUE(trace::register_tracer(trace::kSampleTracer).ok());
  }
  void TearDown() override {
    EXPECT_EQ(echo("current_tracer", "nop"), Errno::kOk);
    trace::unregister_tracer(trace::kSampleTracer);
    TracefsTest::TearDown();
  }
  // What the kernel's ftrace_dispatch does for every instance at a live fentry site.
  void call(u64 offset) {
    trace::TraceInstance& top = tracing_->top();
    const trace::Tracer& tracer = top.tracer();
    if (tracer.on_function && top.wants_function(platform().text_base + offset))
      tracer.on_function(top, {0, 5, 0, 0}, platform().text_base + offset,
                         platform().text_base + 0x20);
  }
};

TEST_F(SampleTracer, IsListedFirstOnceRegistered) {
  EXPECT_EQ(cat("available_tracers"),
            "function_sample function_duration function_graph wakeup_dl wakeup_rt wakeup "
            "preemptirqsoff preemptoff irqsoff "
            "function nop\n");
}

TEST_F(SampleTracer, RecordsEverySecondCallAsFunctionLines) {
  ASSERT_EQ(echo("current_tracer", "function_sample"), Errno::kOk);
  for (int i = 0; i < 10; ++i) call(0x10);
  auto lines = trace_lines();
  EXPECT_EQ(lines.size(), 5u);
  EXPECT_NE(cat("trace").find("# tracer: function_sample\n"), std::string::npos);
}

TEST_F(SampleTracer, RegisteringTheSameNameTwiceIsEbusy) {
  EXPECT_EQ(trace::register_tracer(trace::kSampleTracer).error(), Errno::kBusy);
}

TEST_F(SampleTracer, GoneFromTheListOnceUnregistered) {
  trace::unregister_tracer(trace::kSampleTracer);
  EXPECT_EQ(cat("available_tracers"),
            "function_duration function_graph wakeup_dl wakeup_rt wakeup preemptirqsoff preemptoff "
            "irqsoff function nop\n");
  EXPECT_EQ(echo("current_tracer", "function_sample"), Errno::kInval);
  ASSERT_TRUE(trace::register_tracer(trace::kSampleTracer).ok());
}

}  // namespace
