// Naming threads, which Swift's Glibc module leaves out (pthread_setname_np is a GNU
// extension): the runner's threads show what they are in /proc, perf and debuggers. A module
// of its own, so what needs only this (the runner's clock) links no socket code.
#pragma once

/// pthread_setname_np(pthread_self(), name): names the calling thread (at most 15 characters).
void clinux_name_this_thread(const char *name);
