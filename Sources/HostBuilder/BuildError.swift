import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// The one error type of the builder. Every case carries what a user needs to act on it:
/// the failing call or format, the path, and the underlying errno or library message.
public enum BuildError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A system call failed: `call` is its name ("open", "read", "readlink"…).
    case io(call: String, path: String, errno: Int32)
    /// A file is not what it should be (bad magic, truncated header, wrong architecture).
    case format(path: String, reason: String)
    /// libkmod could not create a context or resolve a module.
    case kmod(call: String, module: String, reason: String)
    /// A compressed stream (kernel payload, module) failed to decode.
    case decompress(path: String, codec: String, reason: String)
    /// Something the build needs does not exist; `hint` says what to do about it.
    case notFound(what: String, hint: String)

    public var description: String {
        switch self {
        case let .io(call, path, code):
            return "\(call) \(path) failed: \(Errno(code))"
        case let .format(path, reason):
            return "\(path): \(reason)"
        case let .kmod(call, module, reason):
            return "\(call) for module \(module) failed: \(reason)"
        case let .decompress(path, codec, reason):
            return "cannot decompress \(codec) data in \(path): \(reason)"
        case let .notFound(what, hint):
            return hint.isEmpty ? "\(what) not found" : "\(what) not found; \(hint)"
        }
    }


    /// An `.io` error for the current thread's errno, captured before anything can clobber it.
    static func fromErrno(_ call: String, _ path: String) -> BuildError {
        .io(call: call, path: path, errno: errno)
    }
}

/// Reads a whole file with typed errors (Foundation's errors do not name errno reliably),
/// until EOF, so files that grow or report size 0 (/proc, /sys) still work.
func readHostFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw BuildError.fromErrno("open", path) }
    defer { close(fd) }
    do throws(Errno) { return try FileDescriptorIO.readAll(fd) } catch {
        throw BuildError.io(call: "read", path: path, errno: error.code)
    }
}
