import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
            return "\(call) \(path) failed: \(BuildError.describe(errno: code))"
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

    /// "No such file or directory (ENOENT)". glibc has `strerrorname_np` since 2.32 but the
    /// Glibc module does not import it (it is _GNU_SOURCE-only), so it is looked up at run time.
    static func describe(errno code: Int32) -> String {
        let message = String(cString: strerror(code))
        typealias NameFn = @convention(c) (Int32) -> UnsafePointer<CChar>?
        if let symbol = dlsym(nil, "strerrorname_np"),
           let name = unsafeBitCast(symbol, to: NameFn.self)(code) {
            return "\(message) (\(String(cString: name)))"
        }
        return "\(message) (errno \(code))"
    }

    /// An `.io` error for the current thread's errno, captured before anything can clobber it.
    static func fromErrno(_ call: String, _ path: String) -> BuildError {
        .io(call: call, path: path, errno: errno)
    }
}

/// Reads a whole file with typed errors (Foundation's errors do not name errno reliably).
/// Sized by fstat, but reads until EOF so files that grow or report size 0 still work.
func readHostFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw BuildError.fromErrno("open", path) }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) != 0 { throw BuildError.fromErrno("fstat", path) }
    var bytes = [UInt8](repeating: 0, count: max(Int(st.st_size), 0) + 1)
    var filled = 0
    while true {
        if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 4096))) }
        let n = bytes.withUnsafeMutableBytes { buf in
            read(fd, buf.baseAddress! + filled, buf.count - filled)
        }
        if n < 0 {
            if errno == EINTR { continue }
            throw BuildError.fromErrno("read", path)
        }
        if n == 0 { break }
        filled += n
    }
    bytes.removeSubrange(filled...)
    return bytes
}
