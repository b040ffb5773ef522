#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "CLinuxSpawn.h"

// Linux's numbers, the same on every architecture since 5.1, for headers older than the calls.
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int clinux_spawn(const char *path, char *const argv[], char *const envp[],
                 int input, int output, int error, pid_t *pid, int *pidfd) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int result = posix_spawn_file_actions_init(&actions);
    if (result != 0) return result;
    if ((result = posix_spawnattr_init(&attributes)) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return result;
    }
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    if ((result = posix_spawnattr_setsigdefault(&attributes, &all)) == 0
        && (result = posix_spawnattr_setsigmask(&attributes, &none)) == 0
        && (result = posix_spawnattr_setpgroup(&attributes, 0)) == 0
        && (result = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP)) == 0
        && (result = posix_spawn_file_actions_adddup2(&actions, input, 0)) == 0
        && (result = posix_spawn_file_actions_adddup2(&actions, output, 1)) == 0
        && (result = posix_spawn_file_actions_adddup2(&actions, error, 2)) == 0
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
        && (result = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0
#endif
        ) {
        result = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (result != 0) return result;
    // The child is ours to reap, so it cannot be reaped, nor its pid reused, before this.
    *pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
    return 0;
}

int clinux_await_exit(int pidfd, pid_t pid) {
    siginfo_t info;
    int result;
    if (pidfd >= 0) {
        do {
            result = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOWAIT);
        } while (result < 0 && errno == EINTR);
        if (result == 0 || errno != EINVAL) return result;  // EINVAL: no P_PIDFD (5.3)
    }
    do {
        result = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT);
    } while (result < 0 && errno == EINTR);
    return result;
}

int clinux_reap(int pidfd, pid_t pid, int *status) {
    if (pidfd >= 0) {
        siginfo_t info;
        int result;
        do {
            result = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED);
        } while (result < 0 && errno == EINTR);
        if (result == 0) {
            *status = info.si_status;
            return 0;
        }
        if (errno != EINVAL) return -1;  // EINVAL: a kernel with pidfd_open but not P_PIDFD (5.3)
    }
    int raw;
    pid_t reaped;
    do {
        reaped = waitpid(pid, &raw, 0);
    } while (reaped < 0 && errno == EINTR);
    if (reaped < 0) return -1;
    *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : WIFSIGNALED(raw) ? WTERMSIG(raw) : -1;
    return 0;
}

int clinux_signal(int pidfd, pid_t pid, int signal) {
    if (pidfd >= 0) return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
    return kill(pid, signal);
}
