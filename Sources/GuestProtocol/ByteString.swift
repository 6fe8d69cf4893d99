/// A string as XDR carries it and as Linux names files: bytes, UTF-8 or not. guestd keeps
/// names in this form from the system call to the wire, so a name comes back as it
/// is; text is decoded only where people read it or where it is parsed.
public struct ByteString: Hashable, Sendable {
    public var bytes: [UInt8]

    public init(_ bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }
    public init(_ text: String) { bytes = Array(text.utf8) }

    /// The text, when the bytes are UTF-8; nil otherwise.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    public var isEmpty: Bool { bytes.isEmpty }

    public func hasPrefix(_ prefix: ByteString) -> Bool { bytes.starts(with: prefix.bytes) }
    public func hasSuffix(_ suffix: ByteString) -> Bool { bytes.reversed().starts(with: suffix.bytes.reversed()) }

    public static func + (a: ByteString, b: ByteString) -> ByteString { ByteString(a.bytes + b.bytes) }
}

extension ByteString: CustomStringConvertible {
    /// For messages and logs only: bytes that are not UTF-8 show as U+FFFD.
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

extension ByteString: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) { self.init(value) }
    public init(stringInterpolation: StringInterpolation) { bytes = stringInterpolation.bytes }

    /// `"\(path): …"` keeps a ByteString's bytes as they are; any other value is its text.
    public struct StringInterpolation: StringInterpolationProtocol {
        var bytes: [UInt8] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { bytes += literal.utf8 }
        public mutating func appendInterpolation(_ value: ByteString) { bytes += value.bytes }
        public mutating func appendInterpolation<T>(_ value: T) { bytes += String(describing: value).utf8 }
    }
}
