// The Linux event interfaces Swift's Glibc module leaves out: epoll and eventfd, for the
// HTTP server's event loop, and pipe2 for the runner's instances (RaidHubHTTPServer and
// RaidHubLocalRunner; no function links it).
#pragma once
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): a GNU extension the Glibc
/// module does not declare.
int clinux_accept_nonblocking(int listener);

/// pipe2(ends, O_CLOEXEC): both ends close on exec from the start, so a process spawned on
/// another thread at the same moment cannot inherit them.
int clinux_pipe_cloexec(int ends[2]);

/// pthread_setname_np(pthread_self(), name): names the calling thread for /proc and debuggers
/// (at most 15 characters).
void clinux_name_this_thread(const char *name);
