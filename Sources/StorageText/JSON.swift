/// A JSON document as the real daemon's parser (jansson's json_loads without flags)
/// accepts it: an array or an object at the top, nothing but blanks after it, no NUL
/// character in a string; a key given twice keeps its last value. The tools guestd
/// reads this from (ldmtool) always print such documents; for anything else the error
/// is jansson's text, with the token it stopped at ("… near 'x'").
public indirect enum JSONValue: Equatable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    /// The number's text as written: no caller reads numbers, only skips them.
    case number(String)
    case bool(Bool)
    case null

    public var string: String? { if case let .string(s) = self { s } else { nil } }

    /// An array whose every element is a string, or nil.
    public var stringArray: [String]? {
        guard case let .array(items) = self else { return nil }
        var strings: [String] = []
        for item in items {
            guard let s = item.string else { return nil }
            strings.append(s)
        }
        return strings
    }

    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { members[key] } else { nil }
    }
}

public struct JSONError: Error, Equatable, Sendable {
    public let text: String
}

public enum JSON {
    public static func parse(_ text: some Collection<UInt8>) throws(JSONError) -> JSONValue {
        var p = JSONParser(lexer: JSONLexer(Array(text)))
        return try p.document()
    }
}

/// Recursive descent over the lexer's tokens, one token of look-ahead.
private struct JSONParser {
    var lexer: JSONLexer
    var token: JSONLexer.Token = .end

    mutating func document() throws(JSONError) -> JSONValue {
        try next()
        guard token == .punctuation(UInt8(ascii: "[")) || token == .punctuation(UInt8(ascii: "{")) else {
            throw lexer.error("'[' or '{' expected")
        }
        let value = try value()
        try next()
        guard token == .end else { throw lexer.error("end of file expected") }
        return value
    }

    private mutating func next() throws(JSONError) { token = try lexer.scan() }

    /// The value starting at the current token.
    private mutating func value() throws(JSONError) -> JSONValue {
        switch token {
        case .punctuation(UInt8(ascii: "{")): return try object()
        case .punctuation(UInt8(ascii: "[")): return try array()
        case let .string(s): return .string(s)
        case let .number(n): return .number(n)
        case .word("true"): return .bool(true)
        case .word("false"): return .bool(false)
        case .word("null"): return .null
        case .word, .invalid: throw lexer.error("invalid token")
        case .punctuation, .end: throw lexer.error("unexpected token")
        }
    }

    private mutating func array() throws(JSONError) -> JSONValue {
        var items: [JSONValue] = []
        try next()
        if token == .punctuation(UInt8(ascii: "]")) { return .array(items) }
        while token != .end {
            items.append(try value())
            try next()
            guard token == .punctuation(UInt8(ascii: ",")) else { break }
            try next()
        }
        guard token == .punctuation(UInt8(ascii: "]")) else { throw lexer.error("']' expected") }
        return .array(items)
    }

    private mutating func object() throws(JSONError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        try next()
        if token == .punctuation(UInt8(ascii: "}")) { return .object(members) }
        while true {
            guard case let .string(key) = token else { throw lexer.error("string or '}' expected") }
            try next()
            guard token == .punctuation(UInt8(ascii: ":")) else { throw lexer.error("':' expected") }
            try next()
            members[key] = try value()
            try next()
            guard token == .punctuation(UInt8(ascii: ",")) else { break }
            try next()
        }
        guard token == .punctuation(UInt8(ascii: "}")) else { throw lexer.error("'}' expected") }
        return .object(members)
    }
}

/// jansson's tokens: punctuation, strings (checked whole, then decoded), numbers,
/// words of letters (true, false, null or invalid), any other byte invalid. `text`
/// keeps the current token's bytes as read so far, which errors quote.
private struct JSONLexer {
    enum Token: Equatable {
        case punctuation(UInt8)
        case string(String)
        case number(String)
        case word(String)
        case invalid
        case end
    }

    let bytes: [UInt8]
    var at = 0
    var text: [UInt8] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func scan() throws(JSONError) -> Token {
        while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { at += 1 }
        text = []
        guard let c = take() else { return .end }
        switch c {
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: ","):
            return .punctuation(c)
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            at -= 1
            text = []
            return number()
        case _ where Self.isLetter(c):
            while let b = peek(), Self.isLetter(b) { _ = take() }
            return .word(String(decoding: text, as: UTF8.self))
        default:
            return .invalid
        }
    }

    /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, invalid at the first byte that
    /// breaks it (kept in the token's text, as jansson reads it).
    private mutating func number() -> Token {
        if peek() == UInt8(ascii: "-") { _ = take() }
        if peek() == UInt8(ascii: "0") {
            _ = take()
            if let b = peek(), Self.isDigit(b) { return .invalid }
        } else if let b = peek(), Self.isDigit(b) {
            while let b = peek(), Self.isDigit(b) { _ = take() }
        } else {
            return .invalid
        }
        if peek() == UInt8(ascii: ".") {
            _ = take()
            guard let b = peek(), Self.isDigit(b) else { return .invalid }
            while let b = peek(), Self.isDigit(b) { _ = take() }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            _ = take()
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { _ = take() }
            guard let b = peek(), Self.isDigit(b) else { return .invalid }
            while let b = peek(), Self.isDigit(b) { _ = take() }
        }
        return .number(String(decoding: text, as: UTF8.self))
    }

    /// The string after its opening quote: first read whole (escapes checked), then
    /// decoded, UTF-16 surrogate pairs joined.
    private mutating func string() throws(JSONError) -> String {
        while true {
            guard let c = peek() else { throw error("premature end of input") }
            if c < 0x20 { throw error(c == 0x0A ? "unexpected newline" : "control character 0x\(String(c, radix: 16))") }
            _ = take()
            if c == UInt8(ascii: "\"") { break }
            guard c == UInt8(ascii: "\\") else { continue }
            guard let e = take() else { throw error("premature end of input") }
            if e == UInt8(ascii: "u") {
                for _ in 0 ..< 4 {
                    guard let h = take(), Self.hexValue(h) != nil else { throw error("invalid escape") }
                }
            } else if !Array("\"\\/bfnrt".utf8).contains(e) {
                throw error("invalid escape")
            }
        }
        return try decode(text.dropFirst().dropLast())
    }

    private func decode(_ body: ArraySlice<UInt8>) throws(JSONError) -> String {
        var out: [UInt8] = [], i = body.startIndex
        func hex4(_ at: Int) -> UInt32 { body[at ..< at + 4].reduce(0) { $0 << 4 | Self.hexValue($1)! } }
        while i < body.endIndex {
            let c = body[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            let e = body[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                var scalar = hex4(i)
                i += 4
                if scalar == 0 { throw error("\\u0000 is not allowed without JSON_ALLOW_NUL") }
                if (0xD800 ..< 0xDC00).contains(scalar) {
                    guard i + 6 <= body.endIndex, body[i] == UInt8(ascii: "\\"), body[i + 1] == UInt8(ascii: "u") else {
                        throw error("invalid Unicode '\\u\(Self.hex(scalar))'")
                    }
                    let low = hex4(i + 2)
                    guard (0xDC00 ..< 0xE000).contains(low) else {
                        throw error("invalid Unicode '\\u\(Self.hex(scalar))\\u\(Self.hex(low))'")
                    }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00 ..< 0xE000).contains(scalar) {
                    throw error("invalid Unicode '\\u\(Self.hex(scalar))'")
                }
                out += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: out.append(e)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The message with its context: the token's text when short, the end of the input
    /// when there is none.
    func error(_ message: String) -> JSONError {
        if text.isEmpty { return JSONError(text: message + " near end of file") }
        if text.count > 20 { return JSONError(text: message) }
        return JSONError(text: "\(message) near '\(String(decoding: text, as: UTF8.self))'")
    }

    private func peek() -> UInt8? { at < bytes.count ? bytes[at] : nil }

    private mutating func take() -> UInt8? {
        guard at < bytes.count else { return nil }
        text.append(bytes[at])
        at += 1
        return bytes[at - 1]
    }

    private static func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30 ... 0x39: UInt32(c - 0x30)
        case 0x41 ... 0x46: UInt32(c - 0x41 + 10)
        case 0x61 ... 0x66: UInt32(c - 0x61 + 10)
        default: nil
        }
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}
