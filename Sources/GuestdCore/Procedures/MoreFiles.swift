import Glibc
import GuestProtocol
import SystemCalls

/// More file procedures done natively: head, tail, wc, du, truncate, utimens, links,
/// device nodes, realpath, is_zero (daemon/headtail.c, wc.c, du.c, truncate.c,
/// utimens.c, link.c, mknod.c, realpath.c, zero.c).
extension Daemon {
    func doHead(path: ByteString) throws(CallError) -> [ByteString] {
        try headTail(head: true, 10, path)
    }

    func doTail(path: ByteString) throws(CallError) -> [ByteString] {
        try headTail(head: false, 10, path)
    }

    func doWcL(path: ByteString) throws(CallError) -> Int32 {
        try wc("-l", path) { data in data.count { $0 == 10 } }
    }

    func doWcC(path: ByteString) throws(CallError) -> Int32 {
        try wc("-c", path) { $0.count }
    }

    func doWcW(path: ByteString) throws(CallError) -> Int32 {
        try wc("-w", path) { data in
            var words = 0, inWord = false
            for b in data {
                let space = b == 32 || (9 ... 13).contains(b)
                if !space && !inWord { words += 1 }
                inWord = !space
            }
            return words
        }
    }

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

    func doUtimens(path: ByteString, atsecs: Int64, atnsecs: Int64, mtsecs: Int64, mtnsecs: Int64) throws(CallError) {
        // -1 is "now", -2 "leave alone", as the real call documents.
        func spec(_ secs: Int64, _ nsecs: Int64) -> timespec {
            timespec(tv_sec: Int(secs), tv_nsec: nsecs == -1 ? Int((1 << 30) - 1) : nsecs == -2 ? Int((1 << 30) - 2) : Int(nsecs))
        }
        var times = [spec(atsecs, atnsecs), spec(mtsecs, mtnsecs)]
        try perror("utimensat: \(path)") { () throws(SysError) in
            try sysroot.atParent(path) { (dir, name) throws(SysError) in
                guard utimensat(dir, name.cString, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw SysError("utimensat", path) }
            }
        }
    }

    func doMkdirMode(path: ByteString, mode: Int32) throws(CallError) {
        guard mode >= 0 else { throw CallError("\(path): mode is negative") }
        try perror(path) { () throws(SysError) in
            try sysroot.atParent(path) { (dir, name) throws(SysError) in
                guard mkdirat(dir, name.cString, mode_t(mode)) == 0 else { throw SysError("mkdir", path) }
            }
        }
    }

    func doLchown(owner: Int32, group: Int32, path: ByteString) throws(CallError) {
        try perror("\(path): \(owner).\(group)") { () throws(SysError) in
            try sysroot.atParent(path) { (dir, name) throws(SysError) in
                guard fchownat(dir, name.cString, uid_t(bitPattern: owner), gid_t(bitPattern: group), AT_SYMLINK_NOFOLLOW) == 0 else {
                    throw SysError("lchown", path)
                }
            }
        }
    }

    func doLn(target: ByteString, linkname: ByteString) throws(CallError) {
        try hardLink(target, linkname, force: false)
    }

    func doLnF(target: ByteString, linkname: ByteString) throws(CallError) {
        try hardLink(target, linkname, force: true)
    }

    func doLnSF(target: ByteString, linkname: ByteString) throws(CallError) {
        do throws(SysError) {
            try sysroot.atParent(linkname) { (dir, name) throws(SysError) in
                var st = stat()
                if fstatat(dir, name.cString, &st, AT_SYMLINK_NOFOLLOW) == 0, !st.st_mode.isDirectory { _ = unlinkat(dir, name.cString, 0) }
                guard symlinkat(target.cString, dir, name.cString) == 0 else { throw SysError("symlink", linkname) }
            }
        } catch {
            throw CallError("ln -sf: \(target): \(linkname): ln: failed to create symbolic link '\(sysroot.path)\(linkname)': \(error.reason)")
        }
    }

    func doRmF(path: ByteString) throws(CallError) {
        do throws(SysError) {
            try sysroot.atParent(path) { (dir, name) throws(SysError) in
                guard unlinkat(dir, name.cString, 0) == 0 else { throw SysError("unlink", path) }
            }
        } catch where error.errno == ENOENT {
        } catch {
            throw CallError.perror(path, error.errno)
        }
    }

    func doMknod(mode: Int32, devmajor: Int32, devminor: Int32, path: ByteString) throws(CallError) {
        try mknod(mode, devmajor, devminor, path)
    }

    func doMkfifo(mode: Int32, path: ByteString) throws(CallError) {
        try mknod(try Daemon.permissionBits(mode) | Int32(S_IFIFO), 0, 0, path)
    }

    func doMknodB(mode: Int32, devmajor: Int32, devminor: Int32, path: ByteString) throws(CallError) {
        try mknod(try Daemon.permissionBits(mode) | Int32(S_IFBLK), devmajor, devminor, path)
    }

    func doMknodC(mode: Int32, devmajor: Int32, devminor: Int32, path: ByteString) throws(CallError) {
        try mknod(try Daemon.permissionBits(mode) | Int32(S_IFCHR), devmajor, devminor, path)
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

    func doRealpath(path: ByteString) throws(CallError) -> ByteString {
        let host: ByteString
        do throws(SysError) { host = try sysroot.hostPath(path) } catch { throw CallError.perror(path, error.errno) }
        let rest = ByteString(host.bytes.dropFirst(sysroot.path.utf8.count))
        return rest.isEmpty ? "/" : rest
    }

    /// wc FLAG < file: the file opened in the chroot, then counted.
    private func wc(_ flag: String, _ p: ByteString, _ count: ([UInt8]) -> Int) throws(CallError) -> Int32 {
        let fd: Int32
        do { fd = try sysroot.open(p, flags: O_RDONLY) } catch { throw CallError.perror("wc \(flag): \(p)", error.errno) }
        defer { close(fd) }
        do { return Int32(clamping: count(try Daemon.readAll(fd, p))) } catch {
            throw CallError("wc \(flag): wc: 'standard input': \(error.reason)")
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

    /// link(2) inside the chroot: the target's last name is not followed.
    private func hardLink(_ target: ByteString, _ link: ByteString, force: Bool) throws(CallError) {
        try perror("link: \(target): \(link)") { () throws(SysError) in
            try sysroot.atParent(target.hasPrefix("/") ? target : "/" + target) { (tdir, tname) throws(SysError) in
                try sysroot.atParent(link) { (ldir, lname) throws(SysError) in
                    if force { _ = unlinkat(ldir, lname.cString, 0) }
                    guard linkat(tdir, tname.cString, ldir, lname.cString, 0) == 0 else { throw SysError("link", link) }
                }
            }
        }
    }

    /// CHECK_MODE of mkfifo, mknod_b and mknod_c.
    private static func permissionBits(_ mode: Int32) throws(CallError) -> Int32 {
        guard mode & ~0o7777 == 0 else { throw CallError("\(String(UInt32(bitPattern: mode), radix: 8)): mode must specify only file permission bits") }
        return mode
    }

    private func mknod(_ mode: Int32, _ major: Int32, _ minor: Int32, _ p: ByteString) throws(CallError) {
        guard mode >= 0 else { throw CallError("\(p): mode is negative") }
        // makedev(3), a macro Swift does not import.
        let ma = UInt64(UInt32(bitPattern: major)), mi = UInt64(UInt32(bitPattern: minor))
        let dev = (ma & 0xffff_f000) << 32 | (ma & 0xfff) << 8 | (mi & 0xffff_ff00) << 12 | (mi & 0xff)
        try perror(p) { () throws(SysError) in
            try sysroot.atParent(p) { (dir, name) throws(SysError) in
                guard mknodat(dir, name.cString, mode_t(mode), dev_t(dev)) == 0 else { throw SysError("mknod", p) }
            }
        }
    }
}
