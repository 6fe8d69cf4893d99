import Glibc
import GuestProtocol

/// System calls on guest paths, resolved inside the sysroot as a chroot would: `stat`
/// follows the last symlink, `lstat` and the name-level calls (unlink, mkdir, rename …)
/// act on the last name itself in its resolved directory.
extension Sysroot {
    /// Runs `body` with the O_PATH descriptor of the path's directory and its last name.
    func atParent<R>(_ guestPath: ByteString, _ body: (Int32, ByteString) throws(SysError) -> R) throws(SysError) -> R {
        let (dir, name) = try parent(guestPath)
        defer { close(dir) }
        return try body(dir, name)
    }

    func statFollowing(_ guestPath: ByteString) throws(SysError) -> Glibc.stat {
        let fd = try open(guestPath, flags: Sysroot.O_PATH)
        defer { close(fd) }
        var st = Glibc.stat()
        guard fstat(fd, &st) == 0 else { throw SysError("stat", guestPath) }
        return st
    }

    func statNoFollow(_ guestPath: ByteString) throws(SysError) -> Glibc.stat {
        try atParent(guestPath) { (dir, name) throws(SysError) in
            var st = Glibc.stat()
            guard fstatat(dir, name.cString, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw SysError("lstat", guestPath) }
            return st
        }
    }

    /// readlink(2) of the last name.
    func linkTarget(_ guestPath: ByteString) throws(SysError) -> ByteString {
        try atParent(guestPath) { (dir, name) throws(SysError) in
            guard let target = Sysroot.linkTarget(dir, name) else { throw SysError("readlink", guestPath) }
            return target
        }
    }

    /// readlinkat(2): the target's bytes as stored. An empty name reads the link an
    /// O_PATH descriptor stands for.
    static func linkTarget(_ dir: Int32, _ name: ByteString) -> ByteString? {
        var buf = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = buf.withUnsafeMutableBytes {
            Glibc.readlinkat(dir, name.cString, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count - 1)
        }
        guard n >= 0 else { return nil }
        return ByteString(buf[0 ..< n])
    }
}

extension mode_t {
    var isRegular: Bool { self & S_IFMT == S_IFREG }
    var isDirectory: Bool { self & S_IFMT == S_IFDIR }
    var isSymlink: Bool { self & S_IFMT == S_IFLNK }
}
