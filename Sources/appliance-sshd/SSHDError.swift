import Glibc
import SystemCalls

/// A failed system call of the SSH server: the call, what it acted on, and errno.
typealias SSHDError = SystemCallError<String>

/// One line on the console (sshd's stderr is guestd's, which is the serial console).
func log(_ line: String) {
    let text = "appliance-sshd: \(line)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
