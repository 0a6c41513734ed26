#pragma once

// PID 1: brings up the services, runs what the command line asks for
// (workload=NAME[:N][,NAME[:N]...], fault=KIND, poweroff) and exits.
void init_main(void* argument);
