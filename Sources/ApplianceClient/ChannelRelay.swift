import Foundation
import GuestProtocol
import SystemCalls

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
            let r = retryingEINTR { poll(&fds, 2, 100) }
            if r < 0 { return "poll: \(Errno.current)" }
            if fds[0].revents != 0 {
                let n = FileDescriptorIO.read(channel, into: &buf)
                if n <= 0 { return n == 0 ? "the appliance closed its channel" : "read: channel: \(Errno.current)" }
                if client >= 0, (try? FileDescriptorIO.writeAll(client, buf[0..<n])) == nil { close(client); client = -1 }
            }
            guard fds[1].revents != 0 else { continue }
            if client < 0 {
                let c = accept(listener.fd, nil, nil)
                guard c >= 0 else { continue }
                _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                var flag = Guestfs.launchFlag.bigEndian
                if write(c, &flag, 4) == 4 { client = c } else { close(c) }
            } else {
                let n = FileDescriptorIO.read(client, into: &buf)
                if n <= 0 { close(client); client = -1; continue }
                do throws(Errno) { try FileDescriptorIO.writeAll(channel, buf[0..<n]) } catch { return "write: channel: \(error)" }
            }
        }
        return "asked to stop"
    }
}
