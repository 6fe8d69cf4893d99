import Glibc
import GuestProtocol
import SystemCalls

/// How much a file or tree holds, and changing a file's size: du, truncate, is_zero
/// (daemon/du.c, truncate.c, zero.c).
extension Daemon {
    func doDu(path: ByteString) throws(CallError) -> Int64 {
        do throws(SysError) {
            return try sysroot.atParent(path) { (dir, name) throws(SysError) in
                var seen = Set<[UInt64]>()
                return (try Daemon.blocks(dir, name, &seen) + 1) / 2
            }
        } catch {
            throw CallError("\(path): du: cannot access '\(sysroot.path)\(path)': \(error.reason)")
        }
    }

    func doTruncate(path: ByteString) throws(CallError) {
        try truncate(path, 0)
    }

    func doTruncateSize(path: ByteString, size: Int64) throws(CallError) {
        try truncate(path, size)
    }

    func doIsZero(path: ByteString) throws(CallError) -> Bool {
        let fd: Int32
        do throws(SysError) { fd = try sysroot.open(path, flags: O_RDONLY) } catch { throw CallError.perror("open: \(path)", error.errno) }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = FileDescriptorIO.read(fd, into: &buf)
            guard n >= 0 else { throw CallError.perror("read: \(path)", errno) }
            if n == 0 { return true }
            if buf[0 ..< n].contains(where: { $0 != 0 }) { return false }
        }
    }

    /// du -s: 512-byte blocks of everything under the name, each inode once.
    private static func blocks(_ dir: Int32, _ name: ByteString, _ seen: inout Set<[UInt64]>) throws(SysError) -> Int64 {
        var st = stat()
        guard fstatat(dir, name.cString, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw SysError("lstat", name) }
        guard seen.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted else { return 0 }
        var total = Int64(st.st_blocks)
        if st.st_mode.isDirectory {
            let fd = openat(dir, name.cString, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw SysError("open", name) }
            defer { close(fd) }
            for child in try Tree.entries(fd, name) { total += try blocks(fd, child, &seen) }
        }
        return total
    }

    private func truncate(_ p: ByteString, _ size: Int64) throws(CallError) {
        let fd: Int32
        do { fd = try sysroot.open(p, flags: O_WRONLY | O_NOCTTY) } catch { throw CallError.perror("open: \(p)", error.errno) }
        guard ftruncate(fd, off_t(size)) == 0 else {
            let e = errno
            close(fd)
            throw CallError.perror("ftruncate: \(p)", e)
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(p)", errno) }
    }
}
