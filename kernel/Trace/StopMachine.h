#pragma once

#include "Lib/Types.h"

// Runs `work` on the calling CPU while every other online CPU waits in a notrace spin loop
// with interrupts masked (reached through an IPI), then releases them; each executes a
// serializing instruction before it resumes what it was doing. While `work` runs, no other
// CPU executes any kernel code but that loop: the way to rewrite instructions others may
// be about to execute, and to know that no CPU is inside an interrupts-off section (a ring
// buffer write) that began before the call. Sleeps never; may be called with interrupts on
// or off, from a task (not from an interrupt handler).
void stop_machine(void (*work)(void* argument), void* argument);

// Registers the IPI handler (once, on the boot CPU, before any stop_machine).
void stop_machine_init();
