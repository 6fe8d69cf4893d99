import Glibc
import GuestProtocol
import SystemCalls

/// Regular files: create, write, read, remove, checksum, owner, mode and times
/// (daemon/file.c, fill.c, utimens.c). Paths have passed ABS_PATH and NEED_ROOT.
extension Daemon {
    func doTouch(path: ByteString) throws(CallError) {
        try touch(path)
    }

    func doRm(path: ByteString) throws(CallError) {
        try perror(path) { () throws(SysError) in
            try sysroot.atParent(path) { (dir, name) throws(SysError) in
                guard unlinkat(dir, name.cString, 0) == 0 else { throw SysError("unlink", path) }
            }
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

    func doChmod(mode: Int32, path: ByteString) throws(CallError) {
        guard mode >= 0 else { throw CallError("\(path): mode is negative") }
        try perror("\(path): 0\(String(mode, radix: 8))") { () throws(SysError) in
            let host = try sysroot.hostPath(path)
            guard Glibc.chmod(host.cString, mode_t(mode)) == 0 else { throw SysError("chmod", path) }
        }
    }

    func doChown(owner: Int32, group: Int32, path: ByteString) throws(CallError) {
        try perror("\(path): \(owner).\(group)") { () throws(SysError) in
            let host = try sysroot.hostPath(path)
            guard Glibc.chown(host.cString, uid_t(bitPattern: owner), gid_t(bitPattern: group)) == 0 else { throw SysError("chown", path) }
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

    func doFilesize(file: ByteString) throws(CallError) -> Int64 {
        var size: Int64 = 0
        try perror(file) { () throws(SysError) in size = Int64(try sysroot.statFollowing(file).st_size) }
        return size
    }

    func doPread(path: ByteString, count: Int32, offset: Int64) throws(CallError) -> [UInt8] {
        try pread(path, count: count, offset: offset)
    }

    func doPwrite(path: ByteString, content: [UInt8], offset: Int64) throws(CallError) -> Int32 {
        try pwrite(path, content, offset: offset)
    }

    func doInternalWrite(path: ByteString, content: [UInt8]) throws(CallError) {
        try writeFile(path, content, flags: O_WRONLY | O_TRUNC | O_CREAT | O_NOCTTY)
    }

    func doInternalWriteAppend(path: ByteString, content: [UInt8]) throws(CallError) {
        try writeFile(path, content, flags: O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY)
    }

    func doFill(c: Int32, len: Int32, path: ByteString) throws(CallError) {
        try fill(byte: c, length: len, path)
    }

    func doChecksum(csumtype: ByteString, path: ByteString) throws(CallError) -> ByteString {
        ByteString(try checksum(csumtype.description, path))
    }

    /// checksum: the file opened first (its errors win), then the digest by name.
    private func checksum(_ type: String, _ p: ByteString) throws(CallError) -> String {
        let fd: Int32
        do { fd = try sysroot.open(p, flags: O_RDONLY) } catch { throw CallError.perror(p, error.errno) }
        defer { close(fd) }
        guard var digest = Checksum.named(type) else {
            throw CallError("unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512")
        }
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = FileDescriptorIO.read(fd, into: &buf)
            guard n >= 0 else { throw CallError("\(Checksum.program(type)): \(Checksum.program(type)): -: \(Errno(errno).text)") }
            if n == 0 { break }
            digest.update(buf[0 ..< n])
        }
        return digest.finish()
    }

    /// reply_with_perror for a SysError: "<prefix>: <strerror>" with its errno.
    func perror(_ prefix: ByteString, _ body: () throws(SysError) -> Void) throws(CallError) {
        do { try body() } catch { throw CallError.perror(prefix, error.errno) }
    }

    /// An opened guest directory (for the *at calls of the list procedures).
    func openDirectory(_ p: ByteString, prefix: ByteString = "") throws(CallError) -> Int32 {
        do { return try sysroot.open(p, flags: O_RDONLY | O_DIRECTORY) } catch { throw CallError.perror(prefix + p, error.errno) }
    }

    /// touch: only regular files (RHBZ#582484), created when missing; times set to now.
    private func touch(_ p: ByteString) throws(CallError) {
        var existing: stat?
        do throws(SysError) { existing = try sysroot.statNoFollow(p) } catch where error.errno != ENOENT {
            throw CallError.perror("lstat: \(p)", error.errno)
        } catch {}
        if let existing, !existing.st_mode.isRegular { throw CallError("\(p): touch can only be used on a regular files") }
        let fd = try openForWriting(p, flags: O_WRONLY | O_CREAT | O_NOCTTY)
        guard futimens(fd, nil) == 0 else {
            let e = errno
            close(fd)
            throw CallError.perror("futimens: \(p)", e)
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(p)", errno) }
    }

    func openForWriting(_ p: ByteString, flags: Int32) throws(CallError) -> Int32 {
        do { return try sysroot.create(p, flags: flags, mode: 0o666) } catch { throw CallError.perror("open: \(p)", error.errno) }
    }

    private func writeFile(_ p: ByteString, _ content: [UInt8], flags: Int32) throws(CallError) {
        let fd = try openForWriting(p, flags: flags)
        do throws(SysError) { try Daemon.writeAll(fd, content, p) } catch {
            close(fd)
            throw CallError.perror("write", error.errno)
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(p)", errno) }
    }

    private func pread(_ p: ByteString, count: Int32, offset: Int64) throws(CallError) -> [UInt8] {
        let fd: Int32
        do { fd = try sysroot.open(p, flags: O_RDONLY) } catch { throw CallError.perror("open: \(p)", error.errno) }
        defer { close(fd) }
        guard count >= 0 else { throw CallError("count is negative") }
        guard offset >= 0 else { throw CallError("offset is negative") }
        guard count < Int32(Guestfs.messageMax) else { throw CallError("\(p): count is too large for the protocol, use smaller reads") }
        var buf = [UInt8](repeating: 0, count: Int(count))
        let n = buf.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, Int(count), off_t(offset)) }
        guard n >= 0 else { throw CallError.perror("pread: \(p)", errno) }
        return Array(buf[0 ..< n])
    }

    private func pwrite(_ p: ByteString, _ content: [UInt8], offset: Int64) throws(CallError) -> Int32 {
        guard offset >= 0 else { throw CallError("offset is negative") }
        let fd: Int32
        do { fd = try sysroot.open(p, flags: O_WRONLY) } catch { throw CallError.perror("open: \(p)", error.errno) }
        return try Daemon.pwriteOnce(fd, content, offset: offset, p)
    }

    /// pwrite and pwrite_device: one pwrite(2), which may write less, as the real calls
    /// do; closes `fd`.
    static func pwriteOnce(_ fd: Int32, _ content: [UInt8], offset: Int64, _ name: ByteString) throws(CallError) -> Int32 {
        let n = retryingEINTR { content.withUnsafeBytes { Glibc.pwrite(fd, $0.baseAddress, content.count, off_t(offset)) } }
        guard n >= 0 else {
            let e = errno
            close(fd)
            throw CallError.perror("pwrite: \(name)", e)
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(name)", errno) }
        return Int32(n)
    }

    /// fill: `length` bytes of `byte` from the start, without truncating.
    private func fill(byte: Int32, length: Int32, _ p: ByteString) throws(CallError) {
        guard (0 ... 255).contains(byte) else { throw CallError("\(byte): byte number must be in range 0..255") }
        guard length >= 0 else { throw CallError("\(length): length is < 0") }
        try fillFile(p, repeating: [UInt8](repeating: UInt8(byte), count: 8192), length: Int(length))
    }

    static func readAll(_ fd: Int32, _ name: ByteString) throws(SysError) -> [UInt8] {
        do throws(Errno) { return try FileDescriptorIO.readAll(fd) } catch { throw SysError("read", name, errno: error.code) }
    }
}
