import GuestProtocol

/// A call's argument, as the client builds it.
public typealias CallArgument = ArgumentValue

// Any procedure by its table entry: arguments by kind, replies decoded by return kind.
// The typed calls and the guestfish-style commands are built on this.
extension Procedure {
    /// The header's bitmask for the optional arguments given (by index), and an encoder
    /// of all of them in order, zero values for those left out.
    func encodeOptionals(_ optionals: [Int: CallArgument]) -> (UInt64, (inout XDREncoder) -> Void) {
        var mask: UInt64 = 0
        for i in optionals.keys { mask |= 1 << UInt64(i) }
        return (mask, { e in
            for (i, o) in self.optionals.enumerated() { (optionals[i] ?? .unset(o.kind)).encode(into: &e) }
        })
    }
}

public enum ReturnValue: Sendable, Equatable {
    case none
    case int(Int64)
    case bool(Bool)
    case string(String)
    case strings([String])
    case hashtable([(String, String)])
    case buffer([UInt8])
    case structure(StructValue)
    case structList([StructValue])

    public static func == (a: ReturnValue, b: ReturnValue) -> Bool {
        switch (a, b) {
        case (.none, .none): true
        case let (.int(x), .int(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.strings(x), .strings(y)): x == y
        case let (.hashtable(x), .hashtable(y)): x.map { [$0.0, $0.1] } == y.map { [$0.0, $0.1] }
        case let (.buffer(x), .buffer(y)): x == y
        case let (.structure(x), .structure(y)): x == y
        case let (.structList(x), .structList(y)): x == y
        default: false
        }
    }
}

extension Session {
    /// Calls a procedure without FileIn/FileOut arguments. `optionals` are by index in
    /// the procedure's optional-argument list; the header's bitmask says which are set.
    public func invoke(_ proc: Procedure, _ args: [CallArgument], optionals: [Int: CallArgument] = [:]) throws -> ReturnValue {
        let (mask, encodeOptionals) = proc.encodeOptionals(optionals)
        var d = try call(proc, optargs: mask) { e in
            for a in args { a.encode(into: &e) }
            encodeOptionals(&e)
        }
        // The reply body is the appliance's word: a malformed one is its protocol error.
        do {
            let value = try Session.decode(proc.returns, &d)
            try d.finish()
            return value
        } catch let e as XDRError {
            throw ClientError.protocolViolation("\(proc.name): \(e)")
        }
    }

    static func decode(_ kind: ReturnKind, _ d: inout XDRDecoder) throws -> ReturnValue {
        switch kind {
        case .none: return .none
        case .int: return .int(Int64(try d.i32()))
        case .int64: return .int(try d.i64())
        case .bool: return .bool(try d.bool())
        case .string: return .string(try d.string())
        case .stringList: return .strings(try d.stringList())
        case .hashtable:
            let list = try d.stringList()
            guard list.count % 2 == 0 else { throw ClientError.protocolViolation("hashtable with an odd number of strings") }
            return .hashtable(stride(from: 0, to: list.count, by: 2).map { (list[$0], list[$0 + 1]) })
        case .buffer: return .buffer(try d.opaque())
        case let .structure(layout): return .structure(try StructValue.decode(layout, from: &d))
        case let .structList(layout):
            let n = Int(try d.u32())
            guard n <= d.remaining / 4 else { throw XDRError.truncated(needed: n * 4, remaining: d.remaining) }
            var list: [StructValue] = []
            for _ in 0 ..< n { list.append(try StructValue.decode(layout, from: &d)) }
            return .structList(list)
        }
    }
}

extension ReturnValue {
    /// What guestfish prints for the value (generator/fish.ml): RInt and RInt64 as
    /// decimal, RBool as true/false, RString and list elements one per line, hashtables
    /// as "key: value", structs as "field: value", struct lists as "[i] = { … }",
    /// RBufferOut raw.
    public var fishOutput: [UInt8] {
        switch self {
        case .none: return []
        case let .int(v): return Array("\(v)\n".utf8)
        case let .bool(b): return Array((b ? "true\n" : "false\n").utf8)
        case let .string(s): return Array((s + "\n").utf8)
        case let .strings(l): return Array(l.map { $0 + "\n" }.joined().utf8)
        case let .hashtable(pairs): return Array(pairs.map { "\($0.0): \($0.1)\n" }.joined().utf8)
        case let .buffer(b): return b
        case let .structure(s): return Array(s.printed().utf8)
        case let .structList(list):
            return Array(list.enumerated().map { "[\($0.offset)] = {\n" + $0.element.printed(indent: "  ") + "}\n" }.joined().utf8)
        }
    }
}
