#include "Arch/x86_64/PerCpu.h"

PerCpu g_per_cpu[kMaxCpus];
u32 g_cpus_online;

notrace void percpu_install(u32 cpu_id, u32 apic_id) {
  PerCpu& cpu = g_per_cpu[cpu_id];
  cpu.self = &cpu;
  cpu.cpu_id = cpu_id;
  cpu.apic_id = apic_id;
  wrmsr(MSR_GS_BASE, reinterpret_cast<u64>(&cpu));
}
