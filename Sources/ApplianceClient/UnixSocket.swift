import Foundation
import GuestProtocol
import SystemCalls

/// The listening end of the channel: qemu connects to it as its chardev socket, as with
/// libguestfs's direct backend, so there is no race between qemu starting and us connecting.
final class ListeningSocket {
    let path: String
    let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = try unixStreamSocket(path, call: "bind") { bind($0, $1, $2) }
        guard listen(fd, 1) == 0 else {
            let e = errno
            close(fd)
            throw ClientError.io(call: "listen", path: path, errno: e)
        }
    }

    /// Waits for qemu to connect, asking `stillWaiting` every 50 ms whether to go on.
    func accept(stillWaiting: () throws -> Void) throws -> Int32 {
        while true {
            try waitReadable(fd, path: path, stillWaiting: stillWaiting)
            let c = retryingEINTR { Glibc.accept(fd, nil, nil) }
            if c >= 0 {
                _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                return c
            }
            if errno != EAGAIN { throw ClientError.io(call: "accept", path: path, errno: errno) }
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

/// Returns once `fd` is readable (or at end of file), asking `stillWaiting` every 50 ms
/// whether to go on.
func waitReadable(_ fd: Int32, path: String, stillWaiting: () throws -> Void) throws {
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    while true {
        try stillWaiting()
        let r = retryingEINTR { poll(&p, 1, 50) }
        if r < 0 { throw ClientError.io(call: "poll", path: path, errno: errno) }
        if r > 0 { return }
    }
}

/// A new unix stream socket with `operation` (bind or connect) applied to the address
/// of `path`; closed again if that fails.
func unixStreamSocket(_ path: String, call: String,
                      _ operation: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw ClientError.io(call: "socket", path: path, errno: errno) }
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
        close(fd)
        throw ClientError.io(call: call, path: path, errno: ENAMETOOLONG)
    }
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let result = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { operation(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else {
        let e = errno
        close(fd)
        throw ClientError.io(call: call, path: path, errno: e)
    }
    return fd
}

/// Looks a program up on PATH.
public func executablePath(_ name: String) -> String? {
    if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
}
