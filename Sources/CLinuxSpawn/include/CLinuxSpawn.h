// Starting and reaping the runner's child processes (RaidHubChildProcess only): posix_spawn with
// a process group and a clean descriptor table, and a pidfd for each child where the kernel has
// one. A module of its own, so nothing else (a user's test linking the HTTP server) compiles it.
#pragma once
#include <sys/types.h>

/// posix_spawn of `path` with `argv` and `envp` (NULL-terminated): the child's standard input,
/// output and error are `input`, `output` and `error`; every other descriptor is closed (with
/// glibc 2.34's closefrom action where there is one; the runner opens everything close-on-exec
/// anyway); every signal has its default action and none is blocked (the runner ignores SIGPIPE,
/// and an ignored signal survives exec); and it leads a process group of its own, so a
/// terminal's Ctrl-C reaches the runner, which stops its children in order, and not them.
/// On success returns 0 and sets `pid`, and `pidfd` to a pidfd of the child (close-on-exec,
/// readable once it exits), or -1 where the kernel or a seccomp filter refuses pidfds; else an
/// errno value, and no child is left behind.
int clinux_spawn(const char *path, char *const argv[], char *const envp[],
                 int input, int output, int error, pid_t *pid, int *pidfd);

/// Waits for the child to exit and reaps it: through `pidfd` (waitid P_PIDFD) when there is one
/// and the kernel takes it, else through `pid`. `status` is its exit code, or the number of the
/// signal that ended it. 0 on success, else -1 with errno.
int clinux_reap(int pidfd, pid_t pid, int *status);

/// Waits until the child has exited without reaping it (waitid with WNOWAIT, by pidfd where
/// there is one): a zombie still holds its number, and with it its process group's.
int clinux_await_exit(int pidfd, pid_t pid);

/// Sends `signal` through `pidfd`, so it reaches that process and never another that reused its
/// pid after it was reaped; with no pidfd, kill(pid).
int clinux_signal(int pidfd, pid_t pid, int signal);
