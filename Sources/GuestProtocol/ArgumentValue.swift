/// One argument of a call as it travels: what the client encodes and guestd decodes,
/// by the procedure's ArgumentKind. Strings are bytes, as on the wire: a guest name need
/// not be UTF-8.
public enum ArgumentValue: Sendable, Equatable {
    case string(ByteString)
    case strings([ByteString])
    case bool(Bool)
    case int(Int32)
    case int64(Int64)
    case buffer([UInt8])

    public func encode(into e: inout XDREncoder) {
        switch self {
        case let .string(s): e.string(s)
        case let .strings(l): e.stringList(l)
        case let .bool(b): e.bool(b)
        case let .int(i): e.i32(i)
        case let .int64(i): e.i64(i)
        case let .buffer(b): e.opaque(b)
        }
    }

    /// Reads an argument of this kind. FileIn and FileOut are not on the wire: "".
    public static func decode(_ kind: ArgumentKind, _ d: inout XDRDecoder) throws -> ArgumentValue {
        switch kind {
        case .string, .pathname, .device, .mountable, .devOrPath, .mountableOrPath: .string(try d.byteString())
        case .stringList, .filenameList, .deviceList: .strings(try d.byteStringList())
        case .bool: .bool(try d.bool())
        case .int: .int(try d.i32())
        case .int64: .int64(try d.i64())
        case .buffer: .buffer(try d.opaque(field: "buffer"))
        case .fileIn, .fileOut: .string("")
        }
    }

    /// A text argument (the client's words).
    public static func string(_ text: String) -> ArgumentValue { .string(ByteString(text)) }
    public static func strings(_ texts: [String]) -> ArgumentValue { .strings(texts.map { ByteString($0) }) }

    /// The zero value sent for an optional argument the caller left out.
    public static func unset(_ kind: ArgumentKind) -> ArgumentValue {
        switch kind {
        case .bool: .bool(false)
        case .int: .int(0)
        case .int64: .int64(0)
        case .stringList, .filenameList, .deviceList: .strings([] as [ByteString])
        case .buffer: .buffer([])
        default: .string("")
        }
    }
}
