#include <gtest/gtest.h>

#include <stdexcept>

#include "Extract.h"

namespace tracegate::tracedat {
namespace {

TEST(KallsymsFromFunctionAddrs, EachAddressAndNameBecomesALocalTextSymbol) {
  EXPECT_EQ(kallsyms_from_function_addrs("ffffffff80200000 kmalloc\n"
                                         "ffffffff80200200 Scheduler::pick_next\n"),
            "ffffffff80200000 t kmalloc\nffffffff80200200 t Scheduler::pick_next\n");
}

TEST(KallsymsFromFunctionAddrs, LinesWithoutANameAreDropped) {
  EXPECT_EQ(kallsyms_from_function_addrs("ffffffff80200000\n\nffffffff80200100 f"),
            "ffffffff80200100 t f\n");
}

TEST(GatewayClient, OnlyHttpUrlsWithAHostAreAccepted) {
  EXPECT_THROW(GatewayClient("https://127.0.0.1:9090"), std::invalid_argument);
  EXPECT_THROW(GatewayClient("127.0.0.1:9090"), std::invalid_argument);
  EXPECT_NO_THROW(GatewayClient("http://127.0.0.1:9090/"));
}

TEST(GatewayClient, NothingListeningIsARuntimeErrorNamingTheGateway) {
  // Port 1 on loopback: nothing listens there for an unprivileged test.
  GatewayClient gateway("http://127.0.0.1:1");
  try {
    gateway.get("/healthz");
    FAIL() << "connected to port 1";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("http://127.0.0.1:1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tracegate::tracedat
