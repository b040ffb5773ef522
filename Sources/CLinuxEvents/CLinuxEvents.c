#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
#include "CLinuxEvents.h"

int clinux_accept_nonblocking(int listener) {
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
