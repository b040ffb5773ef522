#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <malloc.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "CLinuxEvents.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int clinux_accept_nonblocking(int listener) {
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int clinux_pipe_cloexec(int ends[2]) {
    return pipe2(ends, O_CLOEXEC);
}

void clinux_name_this_thread(const char *name) {
    pthread_setname_np(pthread_self(), name);
}

int clinux_mmap_allocations_from(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}

int clinux_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
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
        && (result = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)) == 0
        && (result = posix_spawn_file_actions_adddup2(&actions, input, 0)) == 0
        && (result = posix_spawn_file_actions_adddup2(&actions, output, 1)) == 0
        && (result = posix_spawn_file_actions_adddup2(&actions, error, 2)) == 0
        && (result = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0
        && (directory == NULL || (result = posix_spawn_file_actions_addchdir_np(&actions, directory)) == 0)) {
        result = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (result != 0) return result;
    // The child is ours to reap, so it cannot be reaped, nor its pid reused, before this.
    int descriptor = (int)syscall(SYS_pidfd_open, *pid, 0);
    if (descriptor < 0) {
        int failure = errno;
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
        return failure;
    }
    *pidfd = descriptor;
    return 0;
}

int clinux_reap(int pidfd, int *status) {
    siginfo_t info;
    int result;
    do {
        result = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED);
    } while (result < 0 && errno == EINTR);
    if (result < 0) return -1;
    *status = info.si_status;
    return 0;
}

int clinux_pidfd_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}
