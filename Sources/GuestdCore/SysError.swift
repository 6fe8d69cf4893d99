import Glibc
import GuestProtocol

/// A failed system call: which call, on what, and errno, so every failure can be told
/// in one line and mapped onto an error reply with the errno name. The path is bytes: it
/// may be a guest name.
struct SysError: Error, CustomStringConvertible {
    var call: String
    var path: ByteString
    var errno: Int32

    init(_ call: String, _ path: ByteString, errno: Int32 = Glibc.errno) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    init(_ call: String, _ path: String, errno: Int32 = Glibc.errno) { self.init(call, ByteString(path), errno: errno) }

    /// strerror's text, as perror and the real daemon's reply_with_perror print it.
    var reason: String { String(cString: strerror(errno)) }

    var description: String { "\(call): \(path): \(reason) (\(ErrnoName.name(errno)))" }
}

/// What an error reply carries: the message and, when there is one, the errno.
/// Messages follow the real daemon's reply_with_error / reply_with_perror texts; they are
/// bytes, so a guest name interpolated into one (`"\(path): …"`) is quoted as it is.
struct CallError: Error, CustomStringConvertible {
    var message: ByteString
    var errno: Int32

    init(_ message: ByteString, errno: Int32 = 0) {
        self.message = message
        self.errno = errno
    }

    /// reply_with_perror: "<prefix>: <strerror>" with the errno.
    static func perror(_ prefix: ByteString, _ errno: Int32) -> CallError {
        CallError("\(prefix): \(String(cString: strerror(errno)))", errno: errno)
    }

    var description: String { message.description }
}
