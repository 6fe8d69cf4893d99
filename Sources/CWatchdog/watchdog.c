// The child side runs between fork and _exit in a copy of a multi-threaded process, so
// it calls only async-signal-safe functions: no malloc, no stdio, no opendir. Paths to
// remove are copied before the fork.
#define _GNU_SOURCE
#include "watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

enum { PIPE_FD = 3, PIDFD = 4, FIRST_FREE = 5 };

static void kill_target(pid_t target, int pidfd) {
    // With a pidfd the signal cannot reach a process that reused a dead target's pid.
    if (pidfd >= 0) {
        syscall(SYS_pidfd_send_signal, PIDFD, SIGKILL, NULL, 0);
    } else {
        kill(target, SIGKILL);
    }
}

static int target_gone(pid_t target, int pidfd, int timeout_ms) {
    if (pidfd >= 0) {
        struct pollfd p = { .fd = PIDFD, .events = POLLIN };
        return poll(&p, 1, timeout_ms) > 0;
    }
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (kill(target, 0) < 0 && errno == ESRCH) return 1;
        usleep(10000);
    }
    return 0;
}

static void watch(pid_t target, int pidfd, const char *const *remove_paths) {
    // Job-control and hang-up signals sent to the whole group must not stop the watch.
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    struct pollfd p[2] = { { .fd = PIPE_FD, .events = POLLIN }, { .fd = PIDFD, .events = POLLIN } };
    for (;;) {
        int r = poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 1000);
        if (r < 0 && errno != EINTR) _exit(1);
        if (pidfd >= 0 && (p[1].revents & POLLIN)) _exit(0);  // the target ended first
        if (pidfd < 0 && kill(target, 0) < 0 && errno == ESRCH) _exit(0);
        if (p[0].revents) {
            char c;
            ssize_t n = read(PIPE_FD, &c, 1);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;  // the caller is gone
        }
    }
    kill_target(target, pidfd);
    target_gone(target, pidfd, 2000);
    for (const char *const *path = remove_paths; path && *path; path++) {
        if (unlink(*path) < 0 && (errno == EISDIR || errno == EPERM)) rmdir(*path);
    }
    _exit(0);
}

pid_t appliance_watchdog_start(pid_t target, const char *const *remove_paths, int *keep_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) return -errno;
    int pidfd = (int)syscall(SYS_pidfd_open, target, 0);

    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        if (pidfd >= 0) close(pidfd);
        return -e;
    }
    if (pid == 0) {
        // Keep only the read end and the pidfd (at fixed numbers) and /dev/null as stdio:
        // a copy of any other descriptor (a sibling session's pipe, a socket a client
        // waits on) would outlive the caller.
        int r = fcntl(fds[0], F_DUPFD, 64);
        int d = pidfd >= 0 ? fcntl(pidfd, F_DUPFD, 64) : -1;
        if (r < 0 || dup2(r, PIPE_FD) < 0) _exit(1);
        if (d >= 0 && dup2(d, PIDFD) < 0) _exit(1);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        syscall(SYS_close_range, FIRST_FREE, ~0U, 0);
        if (d < 0) close(PIDFD);
        watch(target, d, remove_paths);
    }
    close(fds[0]);
    if (pidfd >= 0) close(pidfd);
    *keep_fd = fds[1];
    return pid;
}
