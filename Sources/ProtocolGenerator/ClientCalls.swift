import GuestProtocol

extension Generator {
    /// The client's typed Session method for each plain procedure (no FileIn/FileOut:
    /// those stream, and their methods are written by hand): required arguments
    /// unlabelled in the record's order, optional arguments labelled with libguestfs's
    /// names and nil when left out, the reply decoded by return type.
    static func clientCalls(_ table: [Procedure]) -> String {
        var out = banner + "\nimport GuestProtocol\n\nextension Session {\n"
        for p in table where !p.fileIn && !p.fileOut {
            let accessor = ".\(SwiftName.camel(p.name))"
            let params = p.wireParameters.map { "_ \($0.name): \(clientType($0.kind))" }
                + p.optionals.map { "\($0.name): \(clientType($0.kind))? = nil" }
            let args = "[" + p.wireParameters.map { clientArgument($0) }.joined(separator: ", ") + "]"
            out += "    /// \(p.name) (\(p.number)): \(p.summary)\n"
            out += "    public func \(SwiftName.camel(p.name))(\(params.joined(separator: ", "))) throws\(clientReturn(p.returns).map { " -> \($0)" } ?? "") {\n"
            var call = "try invoke(\(accessor), \(args))"
            if !p.optionals.isEmpty {
                out += "        var optionals: [Int: CallArgument] = [:]\n"
                for (i, o) in p.optionals.enumerated() {
                    out += "        if let \(o.name) { optionals[\(i)] = \(clientArgument(o, unwrapped: true)) }\n"
                }
                call = "try invoke(\(accessor), \(args), optionals: optionals)"
            }
            if let decode = clientDecoder(p.returns) {
                out += "        return \(call).\(decode)(\(accessor))\n"
            } else {
                out += "        _ = \(call)\n"
            }
            out += "    }\n"
        }
        return out + "}\n"
    }

    static func clientType(_ kind: ArgumentKind) -> String {
        switch kind {
        case .stringList, .filenameList, .deviceList: "[String]"
        case .bool: "Bool"
        case .int: "Int32"
        case .int64: "Int64"
        case .buffer: "[UInt8]"
        default: "String"
        }
    }

    static func clientArgument(_ a: Argument, unwrapped: Bool = false) -> String {
        switch a.kind {
        case .stringList, .filenameList, .deviceList: ".strings(\(a.name))"
        case .bool: ".bool(\(a.name))"
        case .int: ".int(\(a.name))"
        case .int64: ".int64(\(a.name))"
        case .buffer: ".buffer(\(a.name))"
        default: ".string(\(a.name))"
        }
    }

    static func clientReturn(_ r: ReturnKind) -> String? {
        switch r {
        case .none: nil
        case .int: "Int32"
        case .int64: "Int64"
        case .bool: "Bool"
        case .string: "String"
        case .stringList: "[String]"
        case .hashtable: "[(String, String)]"
        case .buffer: "[UInt8]"
        case .structure: "StructValue"
        case .structList: "[StructValue]"
        }
    }

    /// ReturnValue's typed reads (ApplianceClient/ReturnValue+Typed.swift).
    static func clientDecoder(_ r: ReturnKind) -> String? {
        switch r {
        case .none: nil
        case .int: "int32"
        case .int64: "int64"
        case .bool: "bool"
        case .string: "string"
        case .stringList: "strings"
        case .hashtable: "hashtable"
        case .buffer: "buffer"
        case .structure: "structure"
        case .structList: "structList"
        }
    }
}
