import Glibc

/// A failed system call of the SSH server: the call, what it acted on, and errno.
struct SSHDError: Error, CustomStringConvertible {
    let call: String
    let path: String
    let errno: Int32

    init(_ call: String, _ path: String, errno: Int32 = Glibc.errno) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    var description: String { "\(call): \(path): \(String(cString: strerror(errno)))" }
}

/// One line on the console (sshd's stderr is guestd's, which is the serial console).
func log(_ line: String) {
    let text = "appliance-sshd: \(line)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
