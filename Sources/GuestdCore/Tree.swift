import Glibc
import GuestProtocol
import SystemCalls

/// Whole-tree operations on descriptors, never following symlinks out of the tree:
/// what rm -rf, cp, cp -a and find do for the real daemon. Names are the directories'
/// own bytes.
enum Tree {
    /// rm -rf of one name in a directory.
    static func remove(_ dir: Int32, _ name: ByteString) throws(SysError) {
        var st = stat()
        guard fstatat(dir, name.cString, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw SysError("lstat", name) }
        if st.st_mode.isDirectory {
            let fd = openat(dir, name.cString, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw SysError("open", name) }
            defer { close(fd) }
            for child in try entries(fd, name) { try remove(fd, child) }
            guard unlinkat(dir, name.cString, AT_REMOVEDIR) == 0 else { throw SysError("rmdir", name) }
        } else {
            guard unlinkat(dir, name.cString, 0) == 0 else { throw SysError("unlink", name) }
        }
    }

    /// cp -a of one name: directories recursively, symlinks as symlinks, devices and
    /// fifos recreated; modes, owners and times kept.
    static func copy(_ sdir: Int32, _ sname: ByteString, _ ddir: Int32, _ dname: ByteString) throws(SysError) {
        var st = stat()
        guard fstatat(sdir, sname.cString, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw SysError("lstat", sname) }
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            if mkdirat(ddir, dname.cString, 0o700) != 0 && errno != EEXIST { throw SysError("mkdir", dname) }
            let s = openat(sdir, sname.cString, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard s >= 0 else { throw SysError("open", sname) }
            defer { close(s) }
            let d = openat(ddir, dname.cString, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard d >= 0 else { throw SysError("open", dname) }
            defer { close(d) }
            // cp reads a directory whole and copies in inode order (savedir's
            // SAVEDIR_SORT_FASTREAD), which decides the inodes the copies get.
            for child in try entries(s, sname, inodeOrder: true) { try copy(s, child, d, child) }
            try keep(st, ddir, dname)
        case S_IFLNK:
            guard let target = Sysroot.linkTarget(sdir, sname) else { throw SysError("readlink", sname) }
            _ = unlinkat(ddir, dname.cString, 0)
            guard symlinkat(target.cString, ddir, dname.cString) == 0 else { throw SysError("symlink", dname) }
            try keep(st, ddir, dname)
        case S_IFREG:
            let fd = openat(sdir, sname.cString, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw SysError("open", sname) }
            try copyFile(from: fd, mode: st.st_mode, to: ddir, dname, preserve: st)
        default:
            guard mknodat(ddir, dname.cString, st.st_mode, st.st_rdev) == 0 else { throw SysError("mknod", dname) }
            try keep(st, ddir, dname)
        }
    }

    /// The bytes of `fd` (closed here) into a new or truncated file; its mode is the
    /// source's less the umask unless `preserve` keeps owner, mode and times too.
    static func copyFile(from fd: Int32, mode: mode_t, to ddir: Int32, _ dname: ByteString, preserve: stat?) throws(SysError) {
        defer { close(fd) }
        let out = openat(ddir, dname.cString, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, mode & 0o7777)
        guard out >= 0 else { throw SysError("open", dname) }
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = FileDescriptorIO.read(fd, into: &buf)
            guard n >= 0 else { let e = errno; close(out); throw SysError("read", dname, errno: e) }
            if n == 0 { break }
            do { try Daemon.writeAll(out, Array(buf[0 ..< n]), dname) } catch { close(out); throw error }
        }
        guard close(out) == 0 else { throw SysError("close", dname) }
        if let preserve { try keep(preserve, ddir, dname) }
    }

    /// Owner, mode and times of `st` onto the name (a symlink keeps its own mode).
    private static func keep(_ st: stat, _ dir: Int32, _ name: ByteString) throws(SysError) {
        _ = fchownat(dir, name.cString, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW)
        if !st.st_mode.isSymlink, fchmodat(dir, name.cString, st.st_mode & 0o7777, 0) != 0 { throw SysError("chmod", name) }
        var times = [st.st_atim, st.st_mtim]
        _ = utimensat(dir, name.cString, &times, AT_SYMLINK_NOFOLLOW)
    }

    /// find's pre-order from a directory: each entry's path relative to it, readdir order.
    static func walk(_ fd: Int32, prefix: ByteString, _ emit: (ByteString) throws -> Void) throws {
        for name in try entries(fd, prefix) {
            let path = prefix + name
            try emit(path)
            var st = stat()
            guard fstatat(fd, name.cString, &st, AT_SYMLINK_NOFOLLOW) == 0, st.st_mode.isDirectory else { continue }
            let child = openat(fd, name.cString, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else { continue }
            defer { close(child) }
            try walk(child, prefix: path + "/", emit)
        }
    }

    /// The names in an open directory but "." and "..", in readdir order.
    static func entries(_ fd: Int32, _ name: ByteString, inodeOrder: Bool = false) throws(SysError) -> [ByteString] {
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else { throw SysError("opendir", name) }
        defer { closedir(dir) }
        rewinddir(dir)
        var names: [(name: ByteString, ino: UInt64)] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else { break }
            let n = DirEntry.rawName(entry)
            if n != "." && n != ".." { names.append((n, UInt64(entry.pointee.d_ino))) }
        }
        if errno != 0 { throw SysError("readdir", name) }
        if inodeOrder { names.sort { $0.ino < $1.ino } }
        return names.map(\.name)
    }
}
