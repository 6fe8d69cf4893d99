// The libc surface of the initrd's init. Embedded Swift cannot import Glibc, so every call
// init makes goes through one of these small functions.
//
// Convention: functions that can fail return a negative errno (kernel style) instead of
// -1 + errno, so Swift never has to read a thread-local after the fact.
#pragma once

#include <stdint.h>
#include <stddef.h>

// argv and envp exactly as the kernel passed them to init (captured by a constructor).
char *const *cinit_argv(void);
// The environment for the root's /init: the kernel's, plus what guestd needs to start fast.
char *const *cinit_envp_for_root(void);

// Safety: init deletes the contents of "/" before switching root, so it refuses to run
// unless it is PID 1 on an initramfs (ramfs or tmpfs root).
int cinit_getpid(void);
int cinit_root_is_initramfs(void);   // 1 yes, 0 no, negative errno
_Noreturn void cinit_exit(int status);

// Names for errno values: "EINVAL" and "Invalid argument"; NULL when unknown.
const char *cinit_errno_name(int err);
const char *cinit_errno_text(int err);

// Files. Open flags are fixed per use so no variadic open reaches Swift.
int cinit_open_read(const char *path);          // O_RDONLY|O_CLOEXEC
int cinit_open_device(const char *path);        // O_RDONLY|O_CLOEXEC|O_NONBLOCK (CD-ROMs)
int cinit_open_console(const char *path);       // O_RDWR|O_NOCTTY
int cinit_fd_is_open(int fd);                   // 1 when fcntl(F_GETFD) succeeds
int cinit_dup2(int from, int to);
long cinit_read(int fd, void *buf, size_t len);
long cinit_pread(int fd, void *buf, size_t len, int64_t offset);
long cinit_write(int fd, const void *buf, size_t len);
int cinit_close(int fd);

// File status: the few fields init needs from lstat(2).
struct cinit_stat {
    uint64_t dev;
    uint32_t mode;    // S_IFMT bits and permissions
};
int cinit_lstat(const char *path, struct cinit_stat *st);
int cinit_stat(const char *path, struct cinit_stat *st);
int cinit_is_dir(uint32_t mode);
int cinit_is_symlink(uint32_t mode);
int cinit_is_regular(uint32_t mode);
int cinit_access_exec(const char *path);        // access(path, X_OK)

// Directories: opendir/readdir/closedir behind an opaque handle.
void *cinit_opendir(const char *path, int *err);
const char *cinit_readdir(void *dir);           // skips "." and ".."; NULL at the end
void cinit_closedir(void *dir);

int cinit_mkdir(const char *path, uint32_t mode);
int cinit_unlink(const char *path);
int cinit_rmdir(const char *path);
int cinit_chdir(const char *path);
int cinit_chroot(const char *path);

// Mounts. Flags are named here so Swift does not repeat <sys/mount.h>.
extern const unsigned long cinit_MS_RDONLY;
extern const unsigned long cinit_MS_MOVE;
extern const unsigned long cinit_MS_NOSUID;
extern const unsigned long cinit_MS_NOEXEC;
extern const unsigned long cinit_MS_NODEV;
int cinit_mount(const char *source, const char *target, const char *fstype,
                unsigned long flags, const char *data);
int cinit_umount_lazy(const char *target);      // umount2(target, MNT_DETACH)

// Kernel modules: finit_module(fd, "", 0) — glibc has no wrapper.
int cinit_finit_module(int fd);

// Time.
int64_t cinit_monotonic_ns(void);
void cinit_sleep_ms(uint32_t ms);

// Leaving: execve returns only on failure; poweroff never returns.
int cinit_execve(const char *path, char *const *argv, char *const *envp);
_Noreturn void cinit_poweroff(void);

// errno values Swift code compares against.
extern const int cinit_EEXIST;
extern const int cinit_EBUSY;
extern const int cinit_ENOENT;
