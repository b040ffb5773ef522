// The Linux interfaces Swift's Glibc module leaves out: epoll and eventfd, for the HTTP
// server's event loop, pipe2 and a spawn with a pidfd for the runner's instances, and one
// malloc setting for the runner (RaidHubHTTPServer and RaidHubLocalRunner; no function links it).
#pragma once
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/types.h>

/// accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): a GNU extension the Glibc
/// module does not declare.
int clinux_accept_nonblocking(int listener);

/// pipe2(ends, O_CLOEXEC): both ends close on exec from the start, so a process spawned on
/// another thread at the same moment cannot inherit them.
int clinux_pipe_cloexec(int ends[2]);

/// pthread_setname_np(pthread_self(), name): names the calling thread for /proc and debuggers
/// (at most 15 characters).
void clinux_name_this_thread(const char *name);

/// mallopt(M_MMAP_THRESHOLD, bytes): allocations of `bytes` or more get pages of their own,
/// returned to the system when freed (a fixed threshold also stops glibc raising it).
int clinux_mmap_allocations_from(int bytes);

/// posix_spawn of `path` with `argv` and `envp` (NULL-terminated), in `directory` when not NULL:
/// the child's standard input, output and error are `input`, `output` and `error`, every other
/// descriptor is closed (closefrom), every signal has its default action and none is blocked
/// (the runner ignores SIGPIPE; a function must not inherit that). On success returns 0 and sets
/// `pid` and `pidfd` (a pidfd_open of the child, close-on-exec as every pidfd, readable once it
/// exits); else an errno value, and no child is left behind.
int clinux_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
                 int input, int output, int error, pid_t *pid, int *pidfd);

/// waitid(P_PIDFD, pidfd, WEXITED): reaps the exited child; `status` is its exit code, or the
/// number of the signal that ended it. 0 on success, else -1 with errno (EAGAIN is impossible:
/// it blocks until the child exits).
int clinux_reap(int pidfd, int *status);

/// pidfd_send_signal(pidfd, signal): the signal reaches that process, never another that
/// reused its pid after it was reaped.
int clinux_pidfd_signal(int pidfd, int signal);
