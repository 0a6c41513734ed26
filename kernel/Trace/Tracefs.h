#pragma once

// The kernel's way in to tracefs's headers. The kernel's `notrace` attribute macro shares
// its name with a Symbol field of tracefs: inside this header it is set aside, and restored
// after, so kernel code may include it anywhere. (Result, Status, Errno and TRY are the
// same on both sides: the kernel uses tracefs's.)
#pragma push_macro("notrace")
#undef notrace

#include "Platform.h"
#include "ninep/Server.h"
#include "support/Memory.h"
#include "support/Result.h"
#include "support/StringView.h"
#include "trace/CommCache.h"
#include "trace/Events.h"
#include "trace/RecordContext.h"
#include "trace/Tracing.h"
#include "vfs/NinePTree.h"
#include "vfs/NodeTable.h"
#include "vfs/ProcTree.h"
#include "vfs/TracingTree.h"

#pragma pop_macro("notrace")
