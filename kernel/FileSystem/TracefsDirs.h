#pragma once

// Platform.h (tracefs) is not included: kernel headers define `notrace` as a macro.
namespace tg {
enum class DirectoryKind : unsigned char;
}

// Where the guest's tracefs makes a directory, under the names Linux's tracefs uses, so that
// probes written for Linux (`p:... eventfs_create_dir name=+0(%di):string`) find them here.
// tracefs/ builds the directory itself; these traced functions are the probe points that
// receive its name, as Linux's functions receive it in their first argument.
extern "C" {
// A directory under events/: a probe event's, or its group's when it is the group's first.
void* eventfs_create_dir(const char* name, void* parent);
// A directory of the tracefs tree proper: an instance made with mkdir under instances/.
void* tracefs_create_dir(const char* name, void* parent);
}

// Platform::directory_made: passes the name to the function Linux would call.
void tracefs_directory_made(tg::DirectoryKind kind, const char* name);
