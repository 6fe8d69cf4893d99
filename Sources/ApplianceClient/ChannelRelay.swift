import Foundation
import GuestProtocol

/// Keeps a booted appliance reachable on a unix socket for clients that come later
/// (`appliance launch`): one client at a time gets the launch flag, as from a freshly
/// booted daemon, then its bytes are relayed to guestd and back unchanged. Between
/// clients guestd's channel stays open, so the appliance keeps running; a client that
/// leaves in the middle of a call leaves the rest of that reply to be discarded.
public final class ChannelRelay {
    private let session: Session
    private let listener: ListeningSocket

    public var socketPath: String { listener.path }

    public init(session: Session, socketPath: String) throws {
        self.session = session
        listener = try ListeningSocket(path: socketPath)
    }

    /// Serves until `shouldStop` says so (polled every 100 ms) or guestd's channel closes
    /// (the appliance powered off or qemu died). Returns why it stopped.
    public func serve(shouldStop: () -> Bool) -> String {
        let channel = session.channel.fd
        var client: Int32 = -1
        defer { if client >= 0 { close(client) } }
        var buf = [UInt8](repeating: 0, count: 65536)
        while !shouldStop() {
            var fds = [pollfd(fd: channel, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: client >= 0 ? client : listener.fd, events: Int16(POLLIN), revents: 0)]
            let r = poll(&fds, 2, 100)
            if r < 0 { if errno == EINTR { continue } else { return "poll: \(String(cString: strerror(errno)))" } }
            if fds[0].revents != 0 {
                let n = read(channel, &buf, buf.count)
                if n <= 0 { return n == 0 ? "the appliance closed its channel" : "read: channel: \(String(cString: strerror(errno)))" }
                if client >= 0, !writeAll(client, buf[0..<n]) { close(client); client = -1 }
            }
            guard fds[1].revents != 0 else { continue }
            if client < 0 {
                let c = accept(listener.fd, nil, nil)
                guard c >= 0 else { continue }
                _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                var flag = Guestfs.launchFlag.bigEndian
                if write(c, &flag, 4) == 4 { client = c } else { close(c) }
            } else {
                let n = read(client, &buf, buf.count)
                if n <= 0 { close(client); client = -1; continue }
                if !writeAll(channel, buf[0..<n]) { return "write: channel: \(String(cString: strerror(errno)))" }
            }
        }
        return "asked to stop"
    }

    private func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        while !rest.isEmpty {
            let n = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue } else { return false } }
            rest = rest.dropFirst(n)
        }
        return true
    }
}
