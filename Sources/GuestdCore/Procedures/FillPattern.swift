import Glibc
import GuestProtocol

/// fill_pattern (daemon/fill.c of libguestfs 1.48): the pattern repeated over the first
/// `len` bytes of a file, created if missing and never truncated, its last copy cut short.
extension Daemon {
    func doFillPattern(pattern: ByteString, len: Int32, path: ByteString) throws(CallError) {
        guard !pattern.isEmpty else { throw CallError("pattern string must be non-empty") }
        guard len >= 0 else { throw CallError("\(len): length is < 0") }
        let fd = try openForWriting(path, flags: O_WRONLY | O_CREAT | O_NOCTTY)
        // Whole copies of the pattern per write: the bytes are the same as one copy at
        // a time, in far fewer calls.
        let copies = max(1, 65536 / pattern.bytes.count)
        let block = Array([[UInt8]](repeating: pattern.bytes, count: copies).joined())
        let total = Int(len)
        var done = 0
        while done < total {
            let n = min(block.count, total - done)
            do throws(SysError) { try Daemon.writeAll(fd, Array(block[0 ..< n]), path) } catch {
                close(fd)
                throw CallError.perror("write: \(path)", error.errno)
            }
            done += n
            try? progress.notify(position: UInt64(done), total: UInt64(total))
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(path)", errno) }
    }
}
