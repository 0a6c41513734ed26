#include "Platform.h"

namespace tg {
namespace {

Platform g_platform{};

}  // namespace

void install_platform(const Platform& platform) { g_platform = platform; }

const Platform& platform() { return g_platform; }

}  // namespace tg
