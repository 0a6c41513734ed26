#pragma once

// The kernel's way in to tracefs's headers. The two were written apart and share two
// macro names: the kernel's `notrace` attribute (tracefs has a Symbol field of that name)
// and TRY (each over its own Result type). Inside this header both are set aside, and
// restored after, so kernel code may include it anywhere. Kernel code does not use
// tracefs's TRY.
#pragma push_macro("notrace")
#pragma push_macro("TRY")
#undef notrace
#undef TRY

#include "Platform.h"
#include "support/Memory.h"
#include "support/Result.h"
#include "support/StringView.h"
#include "trace/CommCache.h"
#include "trace/DurationTracer.h"
#include "trace/Events.h"
#include "trace/FunctionTracer.h"
#include "trace/GraphTracer.h"
#include "trace/RecordContext.h"
#include "trace/Tracing.h"
#include "vfs/NodeTable.h"
#include "vfs/TracingTree.h"

#undef TRY
#pragma pop_macro("TRY")
#pragma pop_macro("notrace")
