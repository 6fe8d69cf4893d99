#ifndef APPLIANCE_WATCHDOG_H
#define APPLIANCE_WATCHDOG_H

#include <sys/types.h>

/// Forks a watchdog for `target` (a child of the caller, e.g. qemu). The watchdog blocks
/// on a pipe whose write end only the caller holds (close-on-exec, so no program the
/// caller starts inherits it). When the caller exits in any way — SIGKILL and crashes
/// included — the kernel closes that end: the watchdog kills `target` with SIGKILL,
/// waits up to two seconds for it to go, then removes `remove_paths` in order (unlink,
/// or rmdir for a folder) and exits. It exits quietly as soon as `target` ends first.
///
/// `remove_paths` is NULL-terminated and may be NULL. Returns the watchdog's pid and sets
/// `*keep_fd` to the write end, which the caller closes when it is done with `target`
/// (then waits for the watchdog with waitpid); returns -errno on failure.
pid_t appliance_watchdog_start(pid_t target, const char *const *remove_paths, int *keep_fd);

#endif
