import GuestProtocol

/// A command for each procedure of the table: words parsed by argument kind as
/// guestfish parses them, the reply printed by return kind as guestfish prints it.
extension Command {
    static func generated(_ proc: Procedure) -> Command? {
        guard !proc.name.hasPrefix("internal_") else { return nil }
        if proc.fileIn || proc.fileOut { return transfer(proc) }
        let params = proc.wireArguments.map(Command.placeholder)
        return Command(name: proc.name.replacingUnderscores(), parameters: params, optionals: proc.optionals.map(\.name),
                       summary: proc.summary) { s, words, out in
            let args = try zip(proc.wireArguments, words).map { try Command.parse($1, as: $0) }
            let optionals = try Command.optionals(proc, Array(words.dropFirst(params.count)))
            let value = try s.invoke(proc, args, optionals: optionals)
            if proc.hexOutput, case let .int(v) = value {
                out((v != 0 ? "0x" : "") + String(UInt32(truncatingIfNeeded: v), radix: 16) + "\n")
            } else {
                out(String(decoding: value.fishOutput, as: UTF8.self))
            }
        }
    }

    /// A FileIn or FileOut procedure: the host file's name stands where the table has the
    /// transfer ("-" is stdin or stdout, as in guestfish); the other words are the call's.
    private static func transfer(_ proc: Procedure) -> Command {
        let params = proc.parameters.map { $0.kind.isOnTheWire ? Command.placeholder($0.kind) : $0.name.uppercased() }
        let direction = proc.fileIn ? "stdin" : "stdout"
        return Command(name: proc.name.replacingUnderscores(), parameters: params, optionals: proc.optionals.map(\.name),
                       summary: "\(proc.summary) (- for \(direction))") { s, words, out in
            var host = "", args: [CallArgument] = []
            for (p, word) in zip(proc.parameters, words) {
                if p.kind.isOnTheWire { args.append(try Command.parse(word, as: p.kind)) } else { host = word }
            }
            let (mask, encodeOptionals) = proc.encodeOptionals(try Command.optionals(proc, Array(words.dropFirst(params.count))))
            let encode = { (e: inout XDREncoder) in
                for a in args { a.encode(into: &e) }
                encodeOptionals(&e)
            }
            if proc.fileIn {
                try s.uploadFile(proc, from: host, optargs: mask, encode)
            } else {
                try s.fileOut(proc, optargs: mask, encode, toHost: host, out)
            }
        }
    }

    /// `name:value` words by index in the procedure's optional-argument list.
    static func optionals(_ proc: Procedure, _ words: [String]) throws -> [Int: CallArgument] {
        var optionals: [Int: CallArgument] = [:]
        for word in words {
            let parts = word.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let i = proc.optionals.firstIndex(where: { $0.name == parts[0] }) else {
                throw ClientError.usage("\(proc.name.replacingUnderscores()): unknown optional argument \"\(word)\"")
            }
            optionals[i] = try Command.parse(parts[1], as: proc.optionals[i].kind)
        }
        return optionals
    }

    static func placeholder(_ kind: ArgumentKind) -> String {
        switch kind {
        case .pathname: "PATH"
        case .device: "DEVICE"
        case .mountable: "MOUNTABLE"
        case .devOrPath: "PATHORDEVICE"
        case .mountableOrPath: "MOUNTABLE|PATH"
        case .stringList, .filenameList, .deviceList: "'WORD …'"
        case .bool: "true|false"
        case .int: "N"
        case .int64: "N"
        case .buffer: "CONTENT"
        case .fileIn, .fileOut: "FILENAME"
        case .string: "STRING"
        case .optString: "STRING|''"
        }
    }

    /// One word as guestfish reads it: integers with strtol's base 0 (0644 is octal,
    /// 0x1f hex), booleans by is_true, string lists split on spaces.
    static func parse(_ word: String, as kind: ArgumentKind) throws -> CallArgument {
        switch kind {
        case .int:
            guard let v = parseInteger(word), let i = Int32(exactly: v) else { throw ClientError.usage("\(word): integer out of range") }
            return .int(i)
        case .int64:
            guard let v = parseInteger(word) else { throw ClientError.usage("\(word): invalid integer parameter") }
            return .int64(v)
        case .bool:
            return .bool(["1", "true", "t", "yes", "y", "on"].contains(word.lowercased()))
        case .stringList, .filenameList, .deviceList:
            return .strings(word.split(separator: " ").map(String.init))
        case .buffer:
            return .buffer(Array(word.utf8))
        case .optString:
            // guestfish passes NULL for an empty word.
            return .optString(word.isEmpty ? nil : ByteString(word))
        default:
            return .string(word)
        }
    }

    static func parseInteger(_ word: String) -> Int64? {
        var s = Substring(word)
        let negative = s.hasPrefix("-")
        if negative || s.hasPrefix("+") { s = s.dropFirst() }
        let value: Int64?
        if s.hasPrefix("0x") || s.hasPrefix("0X") { value = Int64(s.dropFirst(2), radix: 16) }
        else if s.count > 1 && s.hasPrefix("0") { value = Int64(s.dropFirst(), radix: 8) }
        else { value = Int64(s) }
        return value.map { negative ? -$0 : $0 }
    }
}
