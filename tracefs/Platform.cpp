#include "Platform.h"

namespace tg {

Platform g_platform{};

void install_platform(const Platform& platform) {
  g_platform = platform;
}

}  // namespace tg
