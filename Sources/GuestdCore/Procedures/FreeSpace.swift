import Glibc
import GuestProtocol
import SystemCalls

/// Giving free space back: zerofree (group zerofree), fstrim (group fstrim) and
/// zero_free_space (daemon/zerofree.c, fstrim.c, zero.c of libguestfs 1.48).
/// virt-sparsify --in-place mounts each filesystem with -o discard and fstrims it.
extension Daemon {
    func doZerofree(device: String) throws(CallError) {
        let r = try Subprocess.appliance(["zerofree", device])
        guard r.succeeded else { throw CallError("\(device): \(Subprocess.errorText(r))") }
    }

    func doFstrim(mountpoint: ByteString, offset: Int64?, length: Int64?, minimumfreeextent: Int64?) throws(CallError) {
        // Flushed first, so the discards reach the host after the data (qemu's advice).
        syncDisks()
        var argv: [ByteString] = ["fstrim"]
        if let offset {
            guard offset >= 0 else { throw CallError("offset < 0") }
            argv += ["-o", "\(offset)"]
        }
        if let length {
            guard length > 0 else { throw CallError("length <= 0") }
            argv += ["-l", "\(length)"]
        }
        if let minimumfreeextent {
            guard minimumfreeextent > 0 else { throw CallError("minimumfreeextent <= 0") }
            argv += ["-m", "\(minimumfreeextent)"]
        }
        argv.append(try sysrootPath(mountpoint))
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else {
            let err = Subprocess.errorText(r)
            throw CallError(err, errno: err.description.contains("discard operation is not supported") ? ENOTSUP : 0)
        }
    }

    /// A file of zeroes in the directory until the filesystem is full, flushed, then
    /// removed; its random 8.3 name cannot clash and suits FAT.
    func doZeroFreeSpace(directory: ByteString) throws(CallError) {
        let letters = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        var random = [UInt8](repeating: 0, count: 11)
        let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        let got = urandom >= 0 ? read(urandom, &random, random.count) : -1
        if urandom >= 0 { close(urandom) }
        guard got == random.count else { throw CallError.perror("random_name", errno) }
        let name = ByteString(random[0 ..< 8].map { letters[Int($0) % 36] } + [UInt8(ascii: ".")] + random[8...].map { letters[Int($0) % 36] })
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        let shown = ByteString(options.sysroot) + path
        let fd: Int32
        do { fd = try sysroot.create(path, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY, mode: 0o600) } catch {
            throw CallError.perror("open: \(shown)", error.errno)
        }
        var vfs = statvfs()
        guard fstatvfs(fd, &vfs) == 0 else {
            let e = errno
            close(fd)
            throw CallError.perror("fstatvfs", e)
        }
        let initial = UInt64(vfs.f_bfree)
        let zeroes = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = retryingEINTR { zeroes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
            if n >= 0 {
                if fstatvfs(fd, &vfs) == 0 { try? progress.notify(position: initial - min(initial, UInt64(vfs.f_bfree)), total: initial) }
                continue
            }
            if errno == ENOSPC { break }
            let e = errno
            close(fd)
            _ = try? sysroot.atParent(path) { (dir, leaf) throws(SysError) in _ = unlinkat(dir, leaf.cString, 0) }
            throw CallError.perror("write: \(shown)", e)
        }
        close(fd)  // full: an error here is expected
        syncDisks()
        try? progress.notify(position: initial, total: initial)
        do throws(SysError) {
            try sysroot.atParent(path) { (dir, leaf) throws(SysError) in
                guard unlinkat(dir, leaf.cString, 0) == 0 else { throw SysError("unlink", path) }
            }
        } catch {
            throw CallError.perror("unlink: \(shown)", error.errno)
        }
    }

    /// sysroot_path: the appliance's path of a guest directory (its symlinks resolved
    /// inside the guest), "/" keeping its trailing slash as the real daemon's spelling does.
    func sysrootPath(_ p: ByteString) throws(CallError) -> ByteString {
        let host: ByteString
        do { host = try sysroot.hostPath(p) } catch { throw CallError.perror(p, error.errno) }
        return p.hasSuffix("/") && !host.hasSuffix("/") ? host + "/" : host
    }
}
