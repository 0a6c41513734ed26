#pragma once
// Host stand-in for the code patcher's published state: no probes, no exact-instance site,
// no function_graph in an instance.
#include "Lib/Types.h"

extern bool g_patcher_probes;
extern u32 g_patcher_exact;
extern bool g_patcher_instance_graphs;
