// Thin wrappers over libc for the initrd's init (see include/cinit.h for the convention:
// failures come back as a negative errno).
#define _GNU_SOURCE
#include "cinit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// glibc calls .init_array functions with (argc, argv, envp), static binaries included;
// this keeps the kernel's argv and environment for the final execve.
static char *const *saved_argv;
static char *const *saved_envp;

__attribute__((constructor))
static void cinit_save_arguments(int argc, char **argv, char **envp) {
    (void)argc;
    saved_argv = argv;
    saved_envp = envp;
}

char *const *cinit_argv(void) { return saved_argv; }

// The root's /init (guestd) is Swift: its runtime seeds hashing from getrandom(), which
// blocks until the kernel's entropy pool is ready, about 4 s into a TCG boot without an
// RNG device. Deterministic hashing skips that wait; nothing in the appliance needs
// flood-resistant hash tables. Everything the kernel passed is kept after it.
char *const *cinit_envp_for_root(void) {
    static char extra[] = "SWIFT_DETERMINISTIC_HASHING=1";
    static char *env[256];
    size_t n = 0;
    env[n++] = extra;
    for (size_t i = 0; saved_envp && saved_envp[i] && n < 255; i++) env[n++] = saved_envp[i];
    env[n] = NULL;
    return env;
}

int cinit_getpid(void) { return (int)getpid(); }
int cinit_root_is_initramfs(void) {
    struct statfs s;
    if (statfs("/", &s) < 0) return -errno;
    return s.f_type == RAMFS_MAGIC || s.f_type == TMPFS_MAGIC;
}
_Noreturn void cinit_exit(int status) { _exit(status); }

// glibc ≥ 2.32 has untranslated name and description tables; no locale machinery needed.
const char *cinit_errno_name(int err) { return strerrorname_np(err); }
const char *cinit_errno_text(int err) { return strerrordesc_np(err); }

#define RESULT(call) ((call) < 0 ? -errno : 0)

static int fd_or_error(int fd) { return fd < 0 ? -errno : fd; }
static long count_or_error(long n) { return n < 0 ? -errno : n; }

int cinit_open_read(const char *path) { return fd_or_error(open(path, O_RDONLY | O_CLOEXEC)); }
int cinit_open_device(const char *path) {
    return fd_or_error(open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK));
}
int cinit_open_console(const char *path) { return fd_or_error(open(path, O_RDWR | O_NOCTTY)); }
int cinit_fd_is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }
int cinit_dup2(int from, int to) { return fd_or_error(dup2(from, to)); }

long cinit_read(int fd, void *buf, size_t len) {
    long n;
    do { n = read(fd, buf, len); } while (n < 0 && errno == EINTR);
    return count_or_error(n);
}
long cinit_pread(int fd, void *buf, size_t len, int64_t offset) {
    long n;
    do { n = pread(fd, buf, len, (off_t)offset); } while (n < 0 && errno == EINTR);
    return count_or_error(n);
}
long cinit_write(int fd, const void *buf, size_t len) {
    long n;
    do { n = write(fd, buf, len); } while (n < 0 && errno == EINTR);
    return count_or_error(n);
}
int cinit_close(int fd) { return RESULT(close(fd)); }

static void copy_stat(const struct stat *from, struct cinit_stat *to) {
    to->dev = (uint64_t)from->st_dev;
    to->mode = (uint32_t)from->st_mode;
}
int cinit_lstat(const char *path, struct cinit_stat *st) {
    struct stat s;
    if (lstat(path, &s) < 0) return -errno;
    copy_stat(&s, st);
    return 0;
}
int cinit_stat(const char *path, struct cinit_stat *st) {
    struct stat s;
    if (stat(path, &s) < 0) return -errno;
    copy_stat(&s, st);
    return 0;
}
int cinit_is_dir(uint32_t mode) { return S_ISDIR(mode); }
int cinit_is_symlink(uint32_t mode) { return S_ISLNK(mode); }
int cinit_is_regular(uint32_t mode) { return S_ISREG(mode); }
int cinit_access_exec(const char *path) { return RESULT(access(path, X_OK)); }

void *cinit_opendir(const char *path, int *err) {
    DIR *d = opendir(path);
    *err = d ? 0 : -errno;
    return d;
}
const char *cinit_readdir(void *dir) {
    struct dirent *e;
    while ((e = readdir((DIR *)dir)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) return e->d_name;
    }
    return NULL;
}
void cinit_closedir(void *dir) { closedir((DIR *)dir); }

int cinit_mkdir(const char *path, uint32_t mode) { return RESULT(mkdir(path, (mode_t)mode)); }
int cinit_unlink(const char *path) { return RESULT(unlink(path)); }
int cinit_rmdir(const char *path) { return RESULT(rmdir(path)); }
int cinit_chdir(const char *path) { return RESULT(chdir(path)); }
int cinit_chroot(const char *path) { return RESULT(chroot(path)); }

const unsigned long cinit_MS_RDONLY = MS_RDONLY;
const unsigned long cinit_MS_MOVE = MS_MOVE;
const unsigned long cinit_MS_NOSUID = MS_NOSUID;
const unsigned long cinit_MS_NOEXEC = MS_NOEXEC;
const unsigned long cinit_MS_NODEV = MS_NODEV;

int cinit_mount(const char *source, const char *target, const char *fstype,
                unsigned long flags, const char *data) {
    return RESULT(mount(source, target, fstype, flags, data));
}
int cinit_umount_lazy(const char *target) { return RESULT(umount2(target, MNT_DETACH)); }

// No glibc wrapper exists; empty parameter string and no flags.
int cinit_finit_module(int fd) { return RESULT(syscall(SYS_finit_module, fd, "", 0)); }

int64_t cinit_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
void cinit_sleep_ms(uint32_t ms) {
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

int cinit_execve(const char *path, char *const *argv, char *const *envp) {
    execve(path, argv, envp);
    return -errno;
}

// Flush whatever the new root's filesystems hold (nothing is writable, but a future caller
// may be), then power off. If the kernel refuses, exiting PID 1 panics the kernel, which
// with panic=-1 (and qemu -no-reboot) still ends the VM instead of hanging it.
_Noreturn void cinit_poweroff(void) {
    sync();
    reboot(RB_POWER_OFF);
    _exit(1);
}

const int cinit_EEXIST = EEXIST;
const int cinit_EBUSY = EBUSY;
const int cinit_ENOENT = ENOENT;
