import Glibc
import GuestProtocol

/// fallocate and fallocate64 (daemon/fallocate.c of libguestfs 1.48): the file is
/// created or truncated, then given len bytes of allocated zeroes.
extension Daemon {
    func doFallocate(path: ByteString, len: Int32) throws(CallError) {
        guard len >= 0 else { throw CallError("length < 0") }
        try doFallocate64(path: path, len: Int64(len))
    }

    func doFallocate64(path: ByteString, len: Int64) throws(CallError) {
        let fd = try openForWriting(path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC)
        let err = posix_fallocate(fd, 0, off_t(len))
        guard err == 0 else {
            close(fd)
            throw CallError.perror(path, err)
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(path)", errno) }
    }
}
