#include "init/Init.h"

#include "Arch/x86_64/DebugExit.h"
#include "Arch/x86_64/PerCpu.h"
#include "Boot/CommandLine.h"
#include "Console/Log.h"
#include "Tasks/Task.h"
#include "init/Fault.h"

void init_main(void*) {
  Task* self = current_task();
  klog("init: %s-%d running, %u CPUs online", self->comm, self->pid, g_cpus_online);

  char fault[32];
  if (cmdline_value("fault", fault, sizeof(fault))) fault_inject(fault);

  if (cmdline_flag("poweroff")) {
    klog("init: powering off");
    qemu_exit(ExitCode::Success);
  }
}
