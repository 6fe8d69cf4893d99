import Glibc
import GuestProtocol

/// Paths of the guest filesystem, resolved as the real daemon's chroot(sysroot) would:
/// ".." stops at the sysroot and symlinks (absolute ones too) resolve inside it. Done by
/// walking one component at a time with openat(O_PATH|O_NOFOLLOW), so it needs neither
/// privilege nor /proc, and nothing can name a file outside the sysroot.
struct Sysroot {
    let path: String

    /// O_PATH needs _GNU_SOURCE, which Swift's Glibc module is not built with; the value
    /// is the same on every Linux architecture Swift runs on (asm-generic __O_PATH).
    static let O_PATH: Int32 = 0o10000000

    /// Linux's own limit on symlinks followed in one lookup.
    private static let maxSymlinks = 40

    /// Opens the guest path with `flags` (O_CLOEXEC is added). Throws the errno of the
    /// failing step, as open(2) inside a chroot would.
    func open(_ guestPath: ByteString, flags: Int32) throws(SysError) -> Int32 {
        let walk = try self.walk(guestPath)
        defer { walk.close() }
        let fd: Int32
        if walk.stack.count == 1 {
            fd = openat(walk.stack[0].fd, ".", Sysroot.nonBlocking(flags) | O_CLOEXEC)
        } else {
            // The last name was checked not to be a symlink; O_NOFOLLOW keeps it so.
            let last = walk.stack[walk.stack.count - 1]
            fd = openat(walk.stack[walk.stack.count - 2].fd, last.name.cString, Sysroot.nonBlocking(flags) | O_NOFOLLOW | O_CLOEXEC)
        }
        guard fd >= 0 else { throw SysError("open", guestPath) }
        Sysroot.clearNonBlocking(fd, flags)
        return fd
    }

    /// Opening a FIFO blocks until its other end opens, which would hang the daemon: a
    /// data open is non-blocking (a FIFO with no reader then fails with ENXIO, one with
    /// no writer reads as empty) and the flag is cleared once open.
    private static func nonBlocking(_ flags: Int32) -> Int32 {
        flags & O_PATH != 0 ? flags : flags | O_NONBLOCK
    }

    static func clearNonBlocking(_ fd: Int32, _ flags: Int32) {
        guard flags & O_PATH == 0, flags & O_NONBLOCK == 0 else { return }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    }

    /// The resolved guest path of a directory, as a host path (for mount targets), after
    /// checking it is a directory.
    func directoryHostPath(_ guestPath: ByteString) throws(SysError) -> ByteString {
        let walk = try self.walk(guestPath)
        defer { walk.close() }
        guard Sysroot.isDirectory(walk.stack[walk.stack.count - 1].fd) else { throw SysError("stat", guestPath, errno: ENOTDIR) }
        return hostPath(walk)
    }

    /// The directory holding the path's last name, resolved inside the sysroot, and that
    /// name, unresolved: what unlink, mkdir, rename, lstat … act on inside a chroot.
    /// The descriptor is O_PATH (usable as the dirfd of *at calls); the caller closes it.
    /// "/" has no parent: its name is "." in the root.
    func parent(_ guestPath: ByteString) throws(SysError) -> (fd: Int32, name: ByteString) {
        var parts = guestPath.components.filter { $0 != "." }
        guard let last = parts.popLast(), last != ".." else {
            return (try open(guestPath, flags: Sysroot.O_PATH | O_DIRECTORY), ".")
        }
        do {
            return (try open("/" + ByteString.joined(parts), flags: Sysroot.O_PATH | O_DIRECTORY), last)
        } catch {
            throw SysError(error.call, guestPath, errno: error.errno)
        }
    }

    /// The host path of the resolved guest path (all symlinks followed inside the
    /// sysroot), for calls that take a path rather than a descriptor.
    func hostPath(_ guestPath: ByteString) throws(SysError) -> ByteString {
        let walk = try self.walk(guestPath)
        defer { walk.close() }
        return hostPath(walk)
    }

    private func hostPath(_ walk: Walk) -> ByteString {
        let rest = walk.stack.dropFirst().map(\.name)
        return rest.isEmpty ? ByteString(path) : ByteString(path) + "/" + ByteString.joined(rest)
    }

    /// open(2) with O_CREAT inside the chroot: an existing file (or a symlink to one) is
    /// opened through the walk; a missing one is created in its resolved directory. A
    /// dangling symlink creates its target, as open(2) would.
    func create(_ guestPath: ByteString, flags: Int32, mode: mode_t, depth: Int = 0) throws(SysError) -> Int32 {
        do {
            return try open(guestPath, flags: flags & ~O_CREAT)
        } catch where error.errno == ENOENT && flags & O_CREAT != 0 {
            let (dir, name) = try parent(guestPath)
            defer { close(dir) }
            let fd = openat(dir, name.cString, Sysroot.nonBlocking(flags) | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 { Sysroot.clearNonBlocking(fd, flags); return fd }
            guard errno == ELOOP, depth < Sysroot.maxSymlinks else { throw SysError("open", guestPath) }
            // A dangling symlink: create what it names.
            guard let target = Sysroot.linkTarget(dir, name), !target.isEmpty else { throw SysError("open", guestPath, errno: ENOENT) }
            let dirPath = ByteString.joined(guestPath.components.dropLast())
            let full = target.hasPrefix("/") ? target : "/" + dirPath + "/" + target
            return try create(full, flags: flags, mode: mode, depth: depth + 1)
        }
    }

    /// The directories and final object walked, root first; ".." has been applied.
    private struct Walk {
        var stack: [(fd: Int32, name: ByteString)]
        func close() { for entry in stack { _ = Glibc.close(entry.fd) } }
    }

    private func walk(_ guestPath: ByteString) throws(SysError) -> Walk {
        let root = Glibc.open(path, Sysroot.O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { throw SysError("open", path) }
        var walk = Walk(stack: [(root, "")])
        var pending: [ByteString] = Sysroot.components(guestPath).reversed()
        var links = 0
        func fail(_ call: String, _ e: Int32) -> SysError {
            walk.close()
            return SysError(call, guestPath, errno: e)
        }
        while let name = pending.popLast() {
            let top = walk.stack[walk.stack.count - 1].fd
            if name == ".." {
                guard Sysroot.isDirectory(top) else { throw fail("open", ENOTDIR) }
                if walk.stack.count > 1 { _ = close(walk.stack.removeLast().fd) }
                continue
            }
            // ENOTDIR comes from openat itself when `top` is not a directory.
            let fd = openat(top, name.cString, Sysroot.O_PATH | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw fail("open", errno) }
            var st = stat()
            guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw fail("fstat", e) }
            guard st.st_mode & S_IFMT == S_IFLNK else {
                walk.stack.append((fd, name))
                continue
            }
            links += 1
            let target = Sysroot.linkTarget(fd, "")
            close(fd)
            guard links <= Sysroot.maxSymlinks else { throw fail("open", ELOOP) }
            guard let target, !target.isEmpty else { throw fail("readlink", ENOENT) }
            if target.hasPrefix("/") {
                while walk.stack.count > 1 { _ = close(walk.stack.removeLast().fd) }
            }
            pending += Sysroot.components(target).reversed()
        }
        // "/file/" names a directory: a trailing slash on anything else is ENOTDIR.
        if guestPath.hasSuffix("/"), walk.stack.count > 1, !Sysroot.isDirectory(walk.stack[walk.stack.count - 1].fd) {
            throw fail("open", ENOTDIR)
        }
        return walk
    }

    private static func components(_ p: ByteString) -> [ByteString] { p.components.filter { $0 != "." } }

    private static func isDirectory(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }
}
