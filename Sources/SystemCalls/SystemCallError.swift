import Glibc

/// A failed system call: which call, on what (a path, or a guest name in bytes), and
/// errno, so every failure is told in one line, "open: /x: No such file or directory (ENOENT)".
public struct SystemCallError<Subject: CustomStringConvertible & Sendable>: Error, CustomStringConvertible {
    public var call: String
    public var path: Subject
    public var errno: Int32

    public init(_ call: String, _ path: Subject, errno: Int32 = Glibc.errno) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    /// strerror's text, as perror and the real daemon's reply_with_perror print it.
    public var reason: String { Errno(errno).text }

    public var description: String { "\(call): \(path): \(Errno(errno))" }
}
