#include <gtest/gtest.h>

#include "HostPlatform.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  tg::test::install_host_platform();
  return RUN_ALL_TESTS();
}
