/// XDR (RFC 4506) as libguestfs uses it: big-endian 4-byte units, strings and opaques
/// as a length word plus bytes padded to 4.
public enum XDRError: Error, Equatable, CustomStringConvertible {
    case truncated(needed: Int, remaining: Int)
    case tooLong(field: String, length: Int, limit: Int)
    case badEnum(field: String, value: UInt32)
    case trailingBytes(Int)

    public var description: String {
        switch self {
        case let .truncated(needed, remaining): "XDR: message truncated (needed \(needed) bytes, \(remaining) left)"
        case let .tooLong(field, length, limit): "XDR: \(field) is \(length) bytes, limit \(limit)"
        case let .badEnum(field, value): "XDR: \(field) has unknown value \(value)"
        case let .trailingBytes(n): "XDR: \(n) unexpected bytes after the message"
        }
    }
}

public struct XDREncoder {
    public private(set) var bytes: [UInt8]

    public init(reserving capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    public mutating func u64(_ v: UInt64) { u32(UInt32(truncatingIfNeeded: v >> 32)); u32(UInt32(truncatingIfNeeded: v)) }
    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    public mutating func bool(_ v: Bool) { u32(v ? 1 : 0) }

    public mutating func opaque<C: Collection>(_ data: C) where C.Element == UInt8 {
        u32(UInt32(data.count))
        bytes.append(contentsOf: data)
        pad(data.count)
    }

    /// Fixed-length opaque (`opaque x[n]`): exactly n bytes, cut or zero-filled, no length word.
    public mutating func fixedOpaque(_ data: [UInt8], count n: Int) {
        bytes.append(contentsOf: data.prefix(n))
        if data.count < n { bytes.append(contentsOf: repeatElement(0, count: n - data.count)) }
        pad(n)
    }

    public mutating func string(_ s: ByteString) { opaque(s.bytes) }
    public mutating func string(_ s: String) { opaque(Array(s.utf8)) }

    // Disfavoured so that an empty literal (`stringList([])`) stays the text form.
    @_disfavoredOverload
    public mutating func stringList(_ list: [ByteString]) {
        u32(UInt32(list.count))
        for s in list { string(s) }
    }

    public mutating func stringList(_ list: [String]) { stringList(list.map { ByteString($0) }) }

    private mutating func pad(_ n: Int) {
        let r = (4 - n % 4) % 4
        if r > 0 { bytes.append(contentsOf: repeatElement(0, count: r)) }
    }
}

/// Decodes from a byte buffer, checking every length against what is left, so a hostile
/// peer can make decoding fail but never read out of bounds or allocate without limit.
public struct XDRDecoder {
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else { throw XDRError.truncated(needed: n, remaining: remaining) }
        defer { offset += n }
        return bytes[offset ..< offset + n]
    }

    public mutating func u32() throws -> UInt32 {
        let b = try take(4)
        var v: UInt32 = 0
        for x in b { v = v << 8 | UInt32(x) }
        return v
    }

    public mutating func i32() throws -> Int32 { Int32(bitPattern: try u32()) }
    public mutating func u64() throws -> UInt64 { UInt64(try u32()) << 32 | UInt64(try u32()) }
    public mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }
    public mutating func bool() throws -> Bool { try u32() != 0 }

    public mutating func opaque(field: String = "opaque", limit: Int = Int(Guestfs.messageMax)) throws -> [UInt8] {
        let n = Int(try u32())
        guard n <= limit else { throw XDRError.tooLong(field: field, length: n, limit: limit) }
        let data = Array(try take(n))
        _ = try take((4 - n % 4) % 4)
        return data
    }

    public mutating func fixedOpaque(_ n: Int) throws -> [UInt8] {
        let data = Array(try take(n))
        _ = try take((4 - n % 4) % 4)
        return data
    }

    /// A string's bytes as sent (names need not be UTF-8). XDR strings carry no NUL;
    /// libguestfs's C side would cut at one, so refuse it.
    public mutating func byteString(field: String = "string", limit: Int = Int(Guestfs.messageMax)) throws -> ByteString {
        let raw = try opaque(field: field, limit: limit)
        guard !raw.contains(0) else { throw XDRError.badEnum(field: field + " (contains NUL)", value: 0) }
        return ByteString(raw)
    }

    /// A string as text, for showing: bytes that are not UTF-8 become U+FFFD.
    public mutating func string(field: String = "string", limit: Int = Int(Guestfs.messageMax)) throws -> String {
        try byteString(field: field, limit: limit).description
    }

    public mutating func byteStringList(field: String = "string list") throws -> [ByteString] {
        let n = Int(try u32())
        // Each element needs at least its 4-byte length word: bound the count by what is left.
        guard n <= remaining / 4 else { throw XDRError.truncated(needed: n * 4, remaining: remaining) }
        var list: [ByteString] = []
        list.reserveCapacity(n)
        for _ in 0 ..< n { list.append(try byteString(field: field)) }
        return list
    }

    public mutating func stringList(field: String = "string list") throws -> [String] {
        try byteStringList(field: field).map(\.description)
    }

    public func finish() throws {
        if remaining != 0 { throw XDRError.trailingBytes(remaining) }
    }
}
