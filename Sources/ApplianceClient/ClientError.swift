import GuestProtocol
import SystemCalls

/// Errors a client user can meet, each one line that says what happened and what to do.
public enum ClientError: Error, CustomStringConvertible, Equatable {
    /// The daemon answered with an error reply.
    case daemon(procedure: String, errno: String, message: String)
    /// qemu exited before or during a call: its status and the console's last lines.
    case qemuExited(status: Int32, console: String)
    case bootTimedOut(seconds: Double, console: String)
    /// Under KVM the guest printed no sign of life in time: this host's KVM hangs.
    case kvmStalled(seconds: Double, console: String)
    /// A saved appliance state did not load; the launcher boots cold instead.
    case warmRestoreFailed(reason: String)
    case channel(procedure: String, ChannelError)
    case protocolViolation(String)
    case unknownCommand(String)
    case usage(String)
    case io(call: String, path: String, errno: Int32)
    case transferCancelled(procedure: String)

    public var description: String {
        switch self {
        case let .daemon(proc, _, message): "\(proc): \(message)"
        case let .qemuExited(status, console):
            "qemu exited with status \(status) before the appliance answered" + (console.isEmpty ? "" : "; console ends with:\n" + console)
        case let .bootTimedOut(s, console):
            "the appliance did not start within \(Int(s)) s" + (console.isEmpty ? "" : "; console ends with:\n" + console)
        case let .kvmStalled(s, console):
            "the guest showed no sign of life under KVM within \(s) s" + (console.isEmpty ? "" : "; console ends with:\n" + console)
        case let .warmRestoreFailed(reason): "the saved appliance state did not load: \(reason)"
        case let .channel(proc, e): "\(proc): \(e)"
        case let .protocolViolation(what): "protocol error from the appliance: \(what)"
        case let .unknownCommand(name): "unknown command '\(name)' (see 'appliance run --help' for the list)"
        case let .usage(what): what
        case let .io(call, path, e): "\(call) \(path): \(Errno(e))"
        case let .transferCancelled(proc): "\(proc): the appliance cancelled the transfer"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
