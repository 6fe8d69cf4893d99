import GuestProtocol

extension Generator {
    /// guestd's handler protocol (one method per procedure, named and typed after the
    /// record, as libguestfs's generated daemon prototypes) and the dispatch entries that
    /// bind the decoded, checked arguments to it and encode its result. FileIn handlers
    /// get the receiver of the file's chunks; FileOut handlers return the stream.
    static func guestdHandlers(_ table: [Procedure]) -> String {
        var out = banner + "\nimport GuestProtocol\n\n"
        out += "/// What guestd implements for each procedure: a missing or mistyped handler does not\n"
        out += "/// compile. Devices arrive resolved to the appliance's names; optional arguments the\n"
        out += "/// caller left out are nil.\n"
        out += "protocol ProcedureHandlers {\n"
        for p in table {
            out += "    /// \(p.name) (\(p.number)): \(p.summary)\n"
            out += "    func \(handlerName(p))(\(handlerParameters(p))) throws(CallError)\(p.fileOut ? " -> Answer" : returnClause(p.returns))\n"
        }
        out += "}\n\nextension Daemon: ProcedureHandlers {\n"
        out += "    /// Every procedure's dispatch entry: arguments by the record's order.\n"
        out += "    static let procedureHandlers: [(Procedure, Handler)] = [\n"
        for p in table {
            let wire = p.wireParameters
            var args = wire.enumerated().map { "\($0.element.name): c.argument(\($0.offset))" }
            args += p.optionals.enumerated().map { "\($0.element.name): c.optional(\($0.offset))" }
            if p.fileIn { args.append("fileIn: c.fileIn") }
            let call = "d.\(handlerName(p))(\(args.joined(separator: ", ")))"
            // A FileOut handler answers with the stream that follows its reply.
            let body = p.fileOut ? "try \(call)" : p.returns == .none ? "try \(call); return .none" : "\(replyFunction(p.returns))(try \(call))"
            out += "        (.\(SwiftName.camel(p.name)), { d, c throws(CallError) in \(body) }),\n"
        }
        return out + "    ]\n}\n"
    }

    static func handlerName(_ p: Procedure) -> String {
        let camel = SwiftName.camel(p.name)
        return "do" + camel.prefix(1).uppercased() + camel.dropFirst()
    }

    static func handlerParameters(_ p: Procedure) -> String {
        (p.wireParameters.map { "\($0.name): \(swiftType($0.kind))" } + p.optionals.map { "\($0.name): \(swiftType($0.kind))?" }
            + (p.fileIn ? ["fileIn: FileInReceiver?"] : []))
            .joined(separator: ", ")
    }

    /// Devices are text once resolved; other strings stay the caller's bytes.
    static func swiftType(_ kind: ArgumentKind) -> String {
        switch kind {
        case .device, .mountable: "String"
        case .deviceList: "[String]"
        case .string, .pathname, .devOrPath, .mountableOrPath, .fileIn, .fileOut: "ByteString"
        case .stringList, .filenameList: "[ByteString]"
        case .bool: "Bool"
        case .int: "Int32"
        case .int64: "Int64"
        case .buffer: "[UInt8]"
        }
    }

    static func returnClause(_ r: ReturnKind) -> String {
        switch r {
        case .none: ""
        case .int: " -> Int32"
        case .int64: " -> Int64"
        case .bool: " -> Bool"
        case .string: " -> ByteString"
        case .stringList: " -> [ByteString]"
        case .hashtable: " -> [(ByteString, ByteString)]"
        case .buffer: " -> [UInt8]"
        case .structure: " -> StructValue"
        case .structList: " -> [StructValue]"
        }
    }

    static func replyFunction(_ r: ReturnKind) -> String {
        switch r {
        case .none: ""
        case .int: "Reply.int"
        case .int64: "Reply.int64"
        case .bool: "Reply.bool"
        case .string: "Reply.string"
        case .stringList: "Reply.strings"
        case .hashtable: "Reply.hashtable"
        case .buffer: "Reply.buffer"
        case .structure: "Reply.structure"
        case .structList: "Reply.structList"
        }
    }
}
