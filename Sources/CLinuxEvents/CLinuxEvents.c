#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>
#include <malloc.h>
#include "CLinuxEvents.h"

int clinux_accept_nonblocking(int listener) {
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int clinux_pipe_cloexec(int ends[2]) {
    return pipe2(ends, O_CLOEXEC);
}

int clinux_mmap_allocations_from(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
