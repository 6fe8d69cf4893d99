import Glibc
import GuestProtocol
import SystemCalls

/// The copy loop of copy_device_to_device and its siblings (daemon/copy.c of libguestfs
/// 1.48): from an offset, a given size or to the end of the source, optionally sparse
/// (blocks of zeroes become a seek in the destination), with progress when the size is
/// known.
struct CopyRange {
    var srcOffset: Int64
    var destOffset: Int64
    /// nil: until the source ends.
    var size: Int64?
    var sparse: Bool

    init(_ srcoffset: Int64?, _ destoffset: Int64?, _ size: Int64?, _ sparse: Bool?) throws(CallError) {
        if let srcoffset, srcoffset < 0 { throw CallError("srcoffset is negative") }
        if let destoffset, destoffset < 0 { throw CallError("destoffset is negative") }
        if let size, size < 0 { throw CallError("size is negative") }
        srcOffset = srcoffset ?? 0
        destOffset = destoffset ?? 0
        self.size = size
        self.sparse = sparse ?? false
    }
}

/// One side of a copy: a device, or a guest file (the destination created, appended to
/// or truncated; copy_file_to_file removes a destination it could not finish).
enum CopyEnd {
    case device(String)
    case file(ByteString, append: Bool, unlinkOnFailure: Bool)

    var name: ByteString {
        switch self {
        case let .device(d): ByteString(d)
        case let .file(p, _, _): p
        }
    }
}

extension Daemon {
    /// The real loop reads BUFSIZ (8 KiB) at a time and skips a block that is all zero;
    /// this reads 1 MiB and skips each 8 KiB piece of it that is, so the holes are the same.
    func copy(_ range: CopyRange, from src: CopyEnd, to dest: CopyEnd) throws(CallError) {
        let input = try openCopySource(src)
        defer { close(input) }
        if range.srcOffset > 0, lseek(input, off_t(range.srcOffset), SEEK_SET) < 0 {
            throw CallError.perror("lseek: \(src.name)", errno)
        }
        let output = try openCopyDestination(dest)
        var finished = false
        defer {
            if !finished {
                close(output)
                if case let .file(p, _, true) = dest { _ = try? sysroot.atParent(p) { (dir, name) throws(SysError) in _ = unlinkat(dir, name.cString, 0) } }
            }
        }
        if range.destOffset > 0, lseek(output, off_t(range.destOffset), SEEK_SET) < 0 {
            throw CallError.perror("lseek: \(dest.name)", errno)
        }
        let piece = 8192
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var remaining = range.size
        var done: Int64 = 0
        while remaining != 0 {
            let want = remaining.map { Int(min(Int64(buf.count), $0)) } ?? buf.count
            let n = FileDescriptorIO.read(input, into: &buf, count: want)
            guard n >= 0 else { throw CallError.perror("read: \(src.name)", errno) }
            if n == 0 {
                guard remaining == nil else { throw CallError("\(src.name): input too short") }
                break
            }
            // nil, or the failing step's text and errno.
            let failure: (String, Int32)? = buf.withUnsafeBytes { all in
                var at = 0
                while at < n {
                    let len = min(piece, n - at)
                    let bytes = UnsafeRawBufferPointer(rebasing: all[at ..< at + len])
                    if range.sparse, ZeroBlocks.isZero(bytes) {
                        if lseek(output, off_t(len), SEEK_CUR) < 0 { return ("seek (because of sparse flag)", errno) }
                    } else {
                        do throws(Errno) { try FileDescriptorIO.writeAll(output, bytes) } catch { return ("write", error.code) }
                    }
                    at += len
                }
                return nil
            }
            if let (step, e) = failure { throw CallError.perror("\(dest.name): \(step)", e) }
            done += Int64(n)
            if let size = range.size {
                remaining = size - done
                try? progress.notify(position: UInt64(done), total: UInt64(size))
            }
        }
        finished = true
        guard close(output) == 0 else {
            let e = errno
            if case let .file(p, _, true) = dest { _ = try? sysroot.atParent(p) { (dir, name) throws(SysError) in _ = unlinkat(dir, name.cString, 0) } }
            throw CallError.perror("close: \(dest.name)", e)
        }
    }

    private func openCopySource(_ end: CopyEnd) throws(CallError) -> Int32 {
        switch end {
        case let .device(d):
            let fd = open(d, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CallError.perror(ByteString(d), errno) }
            return fd
        case let .file(p, _, _):
            do { return try sysroot.open(p, flags: O_RDONLY) } catch { throw CallError.perror(p, error.errno) }
        }
    }

    private func openCopyDestination(_ end: CopyEnd) throws(CallError) -> Int32 {
        switch end {
        case let .device(d):
            let fd = open(d, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CallError.perror(ByteString(d), errno) }
            return fd
        case let .file(p, append, _):
            let flags = O_WRONLY | O_CREAT | O_NOCTTY | (append ? O_APPEND : O_TRUNC)
            do { return try sysroot.create(p, flags: flags, mode: 0o666) } catch { throw CallError.perror(p, error.errno) }
        }
    }
}
