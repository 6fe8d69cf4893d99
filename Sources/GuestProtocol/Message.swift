public enum Direction: UInt32, Sendable { case call = 0, reply = 1 }
public enum Status: UInt32, Sendable { case ok = 0, error = 1 }

/// `struct guestfs_message_header`: the first 40 bytes of every call and reply.
public struct MessageHeader: Equatable, Sendable {
    public var program: UInt32 = Guestfs.program
    public var version: UInt32 = Guestfs.protocolVersion
    public var procedure: UInt32
    public var direction: Direction
    public var serial: UInt32
    public var progressHint: UInt64 = 0
    public var optargsBitmask: UInt64 = 0
    public var status: Status = .ok

    public init(procedure: UInt32, direction: Direction, serial: UInt32, status: Status = .ok,
                progressHint: UInt64 = 0, optargsBitmask: UInt64 = 0) {
        self.procedure = procedure
        self.direction = direction
        self.serial = serial
        self.status = status
        self.progressHint = progressHint
        self.optargsBitmask = optargsBitmask
    }

    public func encode(into e: inout XDREncoder) {
        e.u32(program)
        e.u32(version)
        e.u32(procedure)
        e.u32(direction.rawValue)
        e.u32(serial)
        e.u64(progressHint)
        e.u64(optargsBitmask)
        e.u32(status.rawValue)
    }

    public static func decode(from d: inout XDRDecoder) throws -> MessageHeader {
        let program = try d.u32(), version = try d.u32(), procedure = try d.u32()
        let rawDirection = try d.u32()
        guard let direction = Direction(rawValue: rawDirection) else {
            throw XDRError.badEnum(field: "direction", value: rawDirection)
        }
        let serial = try d.u32(), hint = try d.u64(), optargs = try d.u64()
        let rawStatus = try d.u32()
        guard let status = Status(rawValue: rawStatus) else { throw XDRError.badEnum(field: "status", value: rawStatus) }
        var h = MessageHeader(procedure: procedure, direction: direction, serial: serial, status: status,
                              progressHint: hint, optargsBitmask: optargs)
        h.program = program
        h.version = version
        return h
    }
}

/// `struct guestfs_message_error`: the body of a reply whose status is error.
public struct MessageError: Error, Equatable, Sendable, CustomStringConvertible {
    public var errnoString: String
    /// The message as sent: a guest name it quotes need not be UTF-8.
    public var messageBytes: ByteString
    public var message: String { messageBytes.description }

    public init(errnoString: String, message: ByteString) {
        self.errnoString = errnoString
        messageBytes = message
    }

    public init(errnoString: String, message: String) { self.init(errnoString: errnoString, message: ByteString(message)) }

    public func encode(into e: inout XDREncoder) {
        e.string(String(errnoString.utf8.prefix(Guestfs.errnoStringLen))!)
        // The real daemon truncates at GUESTFS_ERROR_LEN bytes; the cut backs off to the
        // start of a UTF-8 sequence, so that text stays text.
        var msg = messageBytes.bytes
        if msg.count > Guestfs.errorLen {
            var end = Guestfs.errorLen
            while end > 0, msg[end] & 0xC0 == 0x80 { end -= 1 }
            msg.removeSubrange(end...)
        }
        e.opaque(msg)
    }

    public static func decode(from d: inout XDRDecoder) throws -> MessageError {
        MessageError(errnoString: try d.string(field: "errno_string", limit: Guestfs.errnoStringLen),
                     message: try d.byteString(field: "error_message", limit: Guestfs.errorLen))
    }

    public var description: String { message }
}

/// `struct guestfs_chunk`: one piece of a FileIn/FileOut transfer; empty data ends it.
public struct Chunk: Equatable, Sendable {
    public var cancel: Bool
    public var data: [UInt8]

    public init(cancel: Bool = false, data: [UInt8]) {
        self.cancel = cancel
        self.data = data
    }

    public func encode() -> [UInt8] {
        var e = XDREncoder(reserving: data.count + 8)
        e.i32(cancel ? 1 : 0)
        e.opaque(data)
        return e.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> Chunk {
        var d = XDRDecoder(bytes)
        let cancel = try d.i32() != 0
        let data = try d.opaque(field: "chunk data", limit: Guestfs.maxChunkSize)
        try d.finish()
        return Chunk(cancel: cancel, data: data)
    }
}

/// `struct guestfs_progress`: sent by the daemon after the progress flag word.
public struct Progress: Equatable, Sendable {
    public var procedure: UInt32
    public var serial: UInt32
    public var position: UInt64
    public var total: UInt64

    public init(procedure: UInt32, serial: UInt32, position: UInt64, total: UInt64) {
        self.procedure = procedure
        self.serial = serial
        self.position = position
        self.total = total
    }

    public func encode() -> [UInt8] {
        var e = XDREncoder(reserving: Guestfs.progressSize)
        e.u32(procedure)
        e.u32(serial)
        e.u64(position)
        e.u64(total)
        return e.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> Progress {
        var d = XDRDecoder(bytes)
        let p = Progress(procedure: try d.u32(), serial: try d.u32(), position: try d.u64(), total: try d.u64())
        try d.finish()
        return p
    }
}
