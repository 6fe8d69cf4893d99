#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

public enum ChannelError: Error, Equatable, CustomStringConvertible {
    case io(call: String, errno: Int32)
    case closed
    case timedOut(seconds: Double)
    case tooLong(UInt32)

    public var description: String {
        switch self {
        case let .io(call, e): "\(call) on the channel: \(Errno(e))"
        case .closed: "the channel closed (the appliance exited)"
        case let .timedOut(s): "no answer from the appliance within \(s) s"
        case let .tooLong(n): "message of \(n) bytes exceeds the protocol limit of \(Guestfs.messageMax)"
        }
    }
}

/// What one length word introduces.
public enum Frame: Equatable {
    case message([UInt8])
    case launchFlag
    case cancel
    case progress(Progress)
}

/// Framed I/O on a stream file descriptor (virtio-serial port or unix socket): a 4-byte
/// big-endian length word, then that many bytes. Used by one thread at a time.
public final class FrameChannel {
    public let fd: Int32
    /// Seconds the peer may stay silent, at a frame's start or in its middle (a stalled
    /// peer must not hang the reader); nil waits for ever (the daemon's side).
    public var timeout: Double?

    public init(fd: Int32, timeout: Double? = nil) {
        self.fd = fd
        self.timeout = timeout
    }

    public func readFrame() throws -> Frame {
        let word = try readWord()
        switch word {
        case Guestfs.launchFlag: return .launchFlag
        case Guestfs.cancelFlag: return .cancel
        case Guestfs.progressFlag: return .progress(try Progress.decode(try readExactly(Guestfs.progressSize)))
        case let n where n > Guestfs.messageMax: throw ChannelError.tooLong(n)
        case let n: return .message(try readExactly(Int(n)))
        }
    }

    public func writeMessage(_ body: [UInt8]) throws {
        guard body.count <= Guestfs.messageMax else { throw ChannelError.tooLong(UInt32(clamping: body.count)) }
        var framed = XDREncoder(reserving: body.count + 4)
        framed.u32(UInt32(body.count))
        try writeAll(framed.bytes + body)
    }

    public func writeWord(_ word: UInt32) throws {
        var e = XDREncoder()
        e.u32(word)
        try writeAll(e.bytes)
    }

    public func writeProgress(_ p: Progress) throws {
        var e = XDREncoder()
        e.u32(Guestfs.progressFlag)
        try writeAll(e.bytes + p.encode())
    }

    public func writeChunk(_ c: Chunk) throws { try writeMessage(c.encode()) }

    private func readWord() throws -> UInt32 {
        var d = XDRDecoder(try readExactly(4))
        return try d.u32()
    }

    private func readExactly(_ n: Int) throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: n)
        var got = 0
        while got < n {
            if let timeout { try waitReadable(timeout) }
            let r = retryingEINTR { buf.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, n - got) } }
            if r > 0 { got += r; continue }
            if r == 0 { throw ChannelError.closed }
            // A peer that died (qemu killed) resets the socket: that is a close too.
            if errno == ECONNRESET { throw ChannelError.closed }
            throw ChannelError.io(call: "read", errno: errno)
        }
        return buf
    }

    private func waitReadable(_ seconds: Double) throws {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = retryingEINTR { poll(&p, 1, Int32(seconds * 1000)) }
        if r > 0 { return }
        if r == 0 { throw ChannelError.timedOut(seconds: seconds) }
        throw ChannelError.io(call: "poll", errno: errno)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        do throws(Errno) { try FileDescriptorIO.writeAll(fd, bytes) } catch {
            if error.code == EPIPE || error.code == ECONNRESET { throw ChannelError.closed }
            throw ChannelError.io(call: "write", errno: error.code)
        }
    }
}

extension MessageHeader {
    /// A whole call or reply: header then body.
    public func message(body: [UInt8] = []) -> [UInt8] {
        var e = XDREncoder(reserving: 40 + body.count)
        encode(into: &e)
        return e.bytes + body
    }
}
