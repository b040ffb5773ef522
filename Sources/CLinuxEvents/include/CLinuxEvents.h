// The Linux interfaces Swift's Glibc module leaves out: epoll and eventfd, for the HTTP
// server's event loop, pipe2 for the runner's instances, and one malloc setting for the runner
// (the HTTP server and the runner's Lambda emulator and command line; no function links it).
#pragma once
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): a GNU extension the Glibc
/// module does not declare.
int clinux_accept_nonblocking(int listener);

/// pipe2(ends, O_CLOEXEC): both ends close on exec from the start, so a process spawned on
/// another thread at the same moment cannot inherit them.
int clinux_pipe_cloexec(int ends[2]);

/// mallopt(M_MMAP_THRESHOLD, bytes): allocations of `bytes` or more get pages of their own,
/// returned to the system when freed (a fixed threshold also stops glibc raising it).
int clinux_mmap_allocations_from(int bytes);
