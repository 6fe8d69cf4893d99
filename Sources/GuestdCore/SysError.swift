import Glibc
import GuestProtocol
import SystemCalls

/// A failed system call on a path that may be a guest name, hence bytes.
typealias SysError = SystemCallError<ByteString>

extension SystemCallError<ByteString> {
    init(_ call: String, _ path: String, errno: Int32 = Glibc.errno) { self.init(call, ByteString(path), errno: errno) }
}

/// What an error reply carries: the message and, when there is one, the errno.
/// Messages follow the real daemon's reply_with_error / reply_with_perror texts; they are
/// bytes, so a guest name interpolated into one (`"\(path): …"`) is quoted as it is.
struct CallError: Error, CustomStringConvertible {
    var message: ByteString
    var errno: Int32
    /// The text already names the caller's devices (a stub's refusal of the name it was
    /// given), so the reply must not translate it from the appliance's names.
    var namesCallersDevices = false

    init(_ message: ByteString, errno: Int32 = 0) {
        self.message = message
        self.errno = errno
    }

    /// reply_with_perror: "<prefix>: <strerror>" with the errno.
    static func perror(_ prefix: ByteString, _ errno: Int32) -> CallError {
        CallError("\(prefix): \(Errno(errno).text)", errno: errno)
    }

    /// The same error, its text in the caller's device names already.
    var inCallersNames: CallError {
        var e = self
        e.namesCallersDevices = true
        return e
    }

    var description: String { message.description }
}
