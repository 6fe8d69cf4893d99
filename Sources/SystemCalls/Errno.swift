import Glibc

/// An errno value as every error of the project prints it: strerror's text with the
/// name from `ErrnoName`, "No such file or directory (ENOENT)".
public struct Errno: Error, Equatable, CustomStringConvertible {
    public var code: Int32

    public init(_ code: Int32) { self.code = code }

    /// The calling thread's errno, read before anything can clobber it.
    public static var current: Errno { Errno(errno) }

    /// strerror's text alone, as perror and the real daemon's reply_with_perror print it.
    public var text: String { String(cString: strerror(code)) }

    public var name: String { ErrnoName.name(code) }

    public var description: String { "\(text) (\(name))" }
}
