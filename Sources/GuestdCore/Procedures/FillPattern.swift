import Glibc
import GuestProtocol

/// fill_pattern and fill_dir (daemon/fill.c of libguestfs 1.48): the pattern repeated over
/// the first `len` bytes of a file, created if missing and never truncated, its last copy
/// cut short; `nr` empty files named 00000000, 00000001 … in a directory.
extension Daemon {
    func doFillDir(dir: ByteString, nr: Int32) throws(CallError) {
        for i in 0 ..< max(0, nr) {
            let digits = String(i)
            let name = dir + ByteString("/" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits)
            let fd: Int32
            do { fd = try sysroot.create(name, flags: O_WRONLY | O_CREAT | O_NOCTTY, mode: 0o666) } catch {
                throw CallError.perror("create: \(name)", error.errno)
            }
            guard close(fd) == 0 else { throw CallError.perror("close: \(name)", errno) }
        }
    }

    func doFillPattern(pattern: ByteString, len: Int32, path: ByteString) throws(CallError) {
        guard !pattern.isEmpty else { throw CallError("pattern string must be non-empty") }
        guard len >= 0 else { throw CallError("\(len): length is < 0") }
        // Whole copies of the pattern per write: the bytes are the same as one copy at
        // a time, in far fewer calls.
        let copies = max(1, 65536 / pattern.bytes.count)
        try fillFile(path, repeating: Array([[UInt8]](repeating: pattern.bytes, count: copies).joined()), length: Int(len))
    }

    /// fill and fill_pattern: `block` repeated over the first `length` bytes of the file,
    /// created if missing and never truncated, the last copy cut short; with progress.
    func fillFile(_ path: ByteString, repeating block: [UInt8], length: Int) throws(CallError) {
        let fd = try openForWriting(path, flags: O_WRONLY | O_CREAT | O_NOCTTY)
        var done = 0
        while done < length {
            let n = min(block.count, length - done)
            do throws(SysError) { try Daemon.writeAll(fd, block[0 ..< n], path) } catch {
                close(fd)
                throw CallError.perror("write: \(path)", error.errno)
            }
            done += n
            try? progress.notify(position: UInt64(done), total: UInt64(length))
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(path)", errno) }
    }
}
