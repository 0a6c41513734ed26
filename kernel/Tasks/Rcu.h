#pragma once

#include "Lib/Types.h"

// Read-copy update in the one flavour this kernel needs, Linux's RCU-sched: a read-side
// critical section is any stretch with interrupts masked, which is how every ring-buffer write
// and tracer hook runs. An updater unpublishes an object, calls synchronize_rcu, then frees or
// resets it: by then every other online CPU has passed a quiescent state (taken a timer tick,
// so it had interrupts on, or switched tasks), and no section that could have seen the object
// is still running. Expedited, as Linux's synchronize_rcu_expedited: the updater also sends
// each CPU it waits for an IPI whose handler counts a quiescent state (a CPU takes it only
// with interrupts on), so a grace period lasts an IPI's round trip rather than a tick. Unlike
// a stop_machine rendezvous, no CPU is held: each returns from the handler at once.
//
// Traceable, under Linux's names: a `*rcu*` filter finds the kernel's own grace periods.

// Registers the IPI handler (once, on the boot CPU, before another CPU starts).
void rcu_init();
// The timer tick, on every CPU, in interrupt context: the interrupted code had interrupts on.
void rcu_sched_clock_irq();
// A context switch, from __schedule: a task switch never happens inside a section.
void rcu_note_context_switch();
// Waits until every other online CPU has passed a quiescent state since the call. Spins,
// never sleeps; must be called with interrupts on and no spin lock held (spin locks mask
// interrupts here: a CPU waiting for one would take no tick, and one holding it none either),
// or on a single CPU (early boot), where there is nobody to wait for.
void synchronize_rcu();
