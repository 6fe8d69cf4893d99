import GuestProtocol

/// Typed reads of a reply for the generated Session calls: a reply of another type than
/// the record says is the daemon breaking the protocol.
extension ReturnValue {
    func int32(_ p: Procedure) throws -> Int32 { if case let .int(v) = self { return Int32(truncatingIfNeeded: v) }; throw mismatch(p) }
    func int64(_ p: Procedure) throws -> Int64 { if case let .int(v) = self { return v }; throw mismatch(p) }
    func bool(_ p: Procedure) throws -> Bool { if case let .bool(b) = self { return b }; throw mismatch(p) }
    func string(_ p: Procedure) throws -> String { if case let .string(s) = self { return s }; throw mismatch(p) }
    func strings(_ p: Procedure) throws -> [String] { if case let .strings(l) = self { return l }; throw mismatch(p) }
    func hashtable(_ p: Procedure) throws -> [(String, String)] { if case let .hashtable(t) = self { return t }; throw mismatch(p) }
    func buffer(_ p: Procedure) throws -> [UInt8] { if case let .buffer(b) = self { return b }; throw mismatch(p) }
    func structure(_ p: Procedure) throws -> StructValue { if case let .structure(s) = self { return s }; throw mismatch(p) }
    func structList(_ p: Procedure) throws -> [StructValue] { if case let .structList(l) = self { return l }; throw mismatch(p) }

    private func mismatch(_ p: Procedure) -> ClientError { .protocolViolation("\(p.name): unexpected reply type") }
}
