import Foundation
import GuestProtocol
import SystemCalls

/// FileIn transfers (lib/proto.c send_file): the call, then the file in chunks of at
/// most 8 KiB, then an empty chunk; the reply comes after. The daemon may cancel
/// between chunks (its cancel word); the client then ends with a cancel chunk and
/// reads the daemon's error reply.
extension Session {
    /// A FileIn call whose data comes from `source`, which returns the next bytes (at
    /// most `maxChunkSize`) or an empty array at the end.
    public func callFileIn(_ proc: Procedure, optargs: UInt64 = 0, progressHint: UInt64 = 0,
                           _ encodeArgs: (inout XDREncoder) -> Void,
                           source: () throws -> [UInt8]) throws -> XDRDecoder {
        serial &+= 1
        var args = XDREncoder()
        encodeArgs(&args)
        let header = MessageHeader(procedure: proc.number, direction: .call, serial: serial,
                                   progressHint: progressHint, optargsBitmask: optargs)
        do {
            try channel.writeMessage(header.message(body: args.bytes))
            var sourceError: Error?
            sending: while true {
                if daemonCancelled() {
                    try channel.writeChunk(Chunk(cancel: true, data: []))
                    break sending
                }
                let data: [UInt8]
                do { data = try source() } catch {
                    // Our own failure: cancel, read the daemon's reply, then report ours.
                    sourceError = error
                    try channel.writeChunk(Chunk(cancel: true, data: []))
                    break sending
                }
                try channel.writeChunk(Chunk(data: data))
                if data.isEmpty { break sending }
            }
            let reply = try readReply(proc)
            if let sourceError { throw sourceError }
            return try reply()
        } catch let e as ChannelError {
            throw failure(proc, e)
        } catch let e as XDRError {
            throw ClientError.protocolViolation("\(proc.name): \(e)")
        }
    }

    /// upload: a host file to a guest path or device.
    public func upload(from hostPath: String, to remote: String) throws {
        try uploadFile(.upload, from: hostPath) { $0.string(remote) }
    }

    /// upload_offset: a host file written into a guest file or device from `offset` on.
    public func uploadOffset(from hostPath: String, to remote: String, offset: Int64) throws {
        try uploadFile(.uploadOffset, from: hostPath) { $0.string(remote); $0.i64(offset) }
    }

    /// Any FileIn procedure fed from a host file ("-" is stdin), with its size as the
    /// progress hint.
    public func uploadFile(_ proc: Procedure, from hostPath: String, optargs: UInt64 = 0,
                           _ encodeArgs: (inout XDREncoder) -> Void) throws {
        let fd = hostPath == "-" ? dup(0) : open(hostPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ClientError.io(call: "open", path: hostPath, errno: errno) }
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFREG ? UInt64(st.st_size) : 0
        var buf = [UInt8](repeating: 0, count: Guestfs.maxChunkSize)
        _ = try callFileIn(proc, optargs: optargs, progressHint: size, encodeArgs) {
            let n = FileDescriptorIO.read(fd, into: &buf)
            guard n >= 0 else { throw ClientError.io(call: "read", path: hostPath, errno: errno) }
            return Array(buf[0 ..< n])
        }
    }

    /// upload from memory.
    public func upload(bytes: [UInt8], to remote: String) throws {
        var offset = 0
        _ = try callFileIn(.upload, progressHint: UInt64(bytes.count), { $0.string(remote) }) {
            let n = min(Guestfs.maxChunkSize, bytes.count - offset)
            defer { offset += n }
            return Array(bytes[offset ..< offset + n])
        }
    }

    /// A cancel word waiting from the daemon: it failed and wants no more chunks.
    private func daemonCancelled() -> Bool {
        var p = pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) == 1 else { return false }
        let saved = channel.timeout
        channel.timeout = 1
        defer { channel.timeout = saved }
        if case .cancel? = try? channel.readFrame() { return true }
        return false
    }

    /// The reply after the chunks, skipping progress and a late cancel word; returned as
    /// a closure so a local failure can be reported in preference to the daemon's.
    private func readReply(_ proc: Procedure) throws -> () throws -> XDRDecoder {
        while true {
            switch try channel.readFrame() {
            case let .progress(p): onProgress?(p)
            case .cancel: continue
            case .launchFlag: throw ClientError.protocolViolation("unexpected flag word during \(proc.name)")
            case let .message(bytes): return { try self.decodeReply(bytes, proc) }
            }
        }
    }
}
