// The Linux event interfaces Swift's Glibc module leaves out: epoll and eventfd, for the
// HTTP server's event loop (RaidHubHTTPServer; no function links it).
#pragma once
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): a GNU extension the Glibc
/// module does not declare.
int clinux_accept_nonblocking(int listener);
