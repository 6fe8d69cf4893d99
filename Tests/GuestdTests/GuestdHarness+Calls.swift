import Foundation
import GuestProtocol
import XCTest

/// Typed arguments, FileIn uploads and reply decoding for the procedure tests.
extension GuestdHarness {
    enum Arg {
        case s(String)
        case list([String])
        case i(Int32)
        case l(Int64)
        case b(Bool)
        case buf([UInt8])
        /// Strings as raw bytes, UTF-8 or not: what a C client may send.
        case bytes([UInt8])
        case byteList([[UInt8]])
        /// OptString: nil is C's NULL (a flag word, then the string when set).
        case optS(String?)

        func encode(into e: inout XDREncoder) {
            switch self {
            case let .s(v): e.string(v)
            case let .list(v): e.stringList(v)
            case let .bytes(v): e.opaque(v)
            case let .byteList(v): e.u32(UInt32(v.count)); for s in v { e.opaque(s) }
            case let .i(v): e.i32(v)
            case let .l(v): e.i64(v)
            case let .b(v): e.bool(v)
            case let .buf(v): e.opaque(v)
            case let .optS(v): e.bool(v != nil); if let v { e.string(v) }
            }
        }
    }

    func call(_ procedure: Procedure, args: [Arg], optargs: UInt64 = 0) throws -> Reply {
        var e = XDREncoder()
        for a in args { a.encode(into: &e) }
        let serial = try send(procedure.number, body: e.bytes, optargs: optargs)
        let r = try reply()
        XCTAssertEqual(r.header.serial, serial)
        XCTAssertEqual(r.header.procedure, procedure.number)
        return r
    }

    /// A FileIn call: the call, `data` in chunks, the end chunk (or a cancel chunk after
    /// `cancelAfter` chunks), then the reply. Stops sending if the daemon cancels.
    func fileIn(_ procedure: Procedure, _ args: [String], data: [UInt8], chunkSize: Int = Guestfs.maxChunkSize,
                cancelAfter: Int? = nil, offsetArgument: Int64? = nil) throws -> (reply: Reply, daemonCancelled: Bool) {
        var e = XDREncoder()
        for a in args { e.string(a) }
        if let offsetArgument { e.i64(offsetArgument) }
        try send(procedure.number, body: e.bytes)
        var offset = 0, sent = 0, daemonCancelled = false
        while true {
            if daemonSentCancel() {
                daemonCancelled = true
                try channel.writeChunk(Chunk(cancel: true, data: []))
                break
            }
            if let cancelAfter, sent == cancelAfter {
                try channel.writeChunk(Chunk(cancel: true, data: []))
                break
            }
            let n = min(chunkSize, data.count - offset)
            try channel.writeChunk(Chunk(data: Array(data[offset ..< offset + n])))
            offset += n
            sent += 1
            if n == 0 { break }
        }
        while true {
            switch try channel.readFrame() {
            case .cancel: daemonCancelled = true
            case .progress: continue
            case let .message(bytes):
                var d = XDRDecoder(bytes)
                let h = try MessageHeader.decode(from: &d)
                return (Reply(header: h, body: Array(bytes[d.offset...])), daemonCancelled)
            case .launchFlag: throw HarnessError.unexpected("launch flag during an upload")
            }
        }
    }

    /// A FileOut stream after its OK reply: the data up to the end chunk.
    func readChunks() throws -> [UInt8] {
        var data: [UInt8] = []
        while true {
            guard case let .message(bytes) = try channel.readFrame() else { continue }
            let chunk = try Chunk.decode(bytes)
            if chunk.cancel { throw HarnessError.unexpected("transfer cancelled by the daemon") }
            if chunk.data.isEmpty { return data }
            data += chunk.data
        }
    }

    func daemonSentCancel() -> Bool {
        var p = pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) == 1 else { return false }
        return (try? channel.readFrame()) == .cancel
    }
}

extension GuestdHarness.Reply {
    var ok: Bool { header.status == .ok }
    private func decoder() -> XDRDecoder { XDRDecoder(body) }
    func string() throws -> String { var d = decoder(); let v = try d.string(); try d.finish(); return v }
    func strings() throws -> [String] { var d = decoder(); let v = try d.stringList(); try d.finish(); return v }
    func int() throws -> Int32 { var d = decoder(); let v = try d.i32(); try d.finish(); return v }
    func int64() throws -> Int64 { var d = decoder(); let v = try d.i64(); try d.finish(); return v }
    func bool() throws -> Bool { var d = decoder(); let v = try d.bool(); try d.finish(); return v }
    func buffer() throws -> [UInt8] { var d = decoder(); let v = try d.opaque(); try d.finish(); return v }
    func structure(_ layout: StructLayout) throws -> StructValue {
        var d = decoder(); let v = try StructValue.decode(layout, from: &d); try d.finish(); return v
    }
    func structList(_ layout: StructLayout) throws -> [StructValue] {
        var d = decoder()
        let n = try d.u32()
        var list: [StructValue] = []
        for _ in 0 ..< n { list.append(try StructValue.decode(layout, from: &d)) }
        try d.finish()
        return list
    }
}
