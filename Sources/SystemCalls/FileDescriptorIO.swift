import Glibc

/// Whole reads and writes on a file descriptor, with EINTR retried and short transfers
/// continued; failures carry the errno.
public enum FileDescriptorIO {
    /// read(2) into `buffer` from its start; 0 at end of file, -1 with errno set.
    public static func read(_ fd: Int32, into buffer: inout [UInt8], count: Int? = nil) -> Int {
        let wanted = min(count ?? buffer.count, buffer.count)
        return retryingEINTR { buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, wanted) } }
    }

    /// Everything up to end of file.
    public static func readAll(_ fd: Int32) throws(Errno) -> [UInt8] {
        var data: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, into: &buffer)
            guard n >= 0 else { throw Errno.current }
            if n == 0 { return data }
            data += buffer[0 ..< n]
        }
    }

    /// Every byte of `bytes`.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let n = retryingEINTR { Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done) }
            guard n > 0 else { throw n == 0 ? Errno(EIO) : Errno.current }
            done += n
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>) throws(Errno) {
        let failure: Errno? = Array(bytes).withUnsafeBytes { raw in
            do throws(Errno) { try writeAll(fd, raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Up to `count` bytes at `offset`, fewer only at end of file.
    public static func pread(_ fd: Int32, count: Int, at offset: Int64) throws(Errno) -> [UInt8] {
        var data = [UInt8](repeating: 0, count: count), filled = 0
        while filled < count {
            let n = retryingEINTR {
                data.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
            }
            guard n >= 0 else { throw Errno.current }
            if n == 0 { break }
            filled += n
        }
        data.removeSubrange(filled...)
        return data
    }

    /// Every byte of `bytes` at `offset`.
    public static func pwriteAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let n = retryingEINTR { Glibc.pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            guard n > 0 else { throw n == 0 ? Errno(EIO) : Errno.current }
            done += n
        }
    }
}
