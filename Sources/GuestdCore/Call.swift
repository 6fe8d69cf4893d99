import GuestProtocol

/// One decoded call on its way to a typed handler: the arguments after the stub's checks
/// (devices already translated), the optional-arguments bitmask, and for FileIn
/// procedures the receiver of the file's chunks. Only the generated dispatch and the
/// stub's per-kind checks read the values, through the typed accessors below.
struct Call {
    typealias Value = ArgumentValue

    let procedure: Procedure
    /// Wire arguments in order, then the optional ones.
    var values: [Value]
    let optargsBitmask: UInt64
    let fileIn: FileInReceiver?

    /// What __func__ names in the real stubs' messages.
    var stub: String { procedure.stub }

    /// The header's bitmask names optional argument `i`.
    func isSet(_ i: Int) -> Bool { optargsBitmask & (1 << UInt64(i)) != 0 }
}

/// Reply bodies of each return type, as the generated stubs encode them. Strings go out
/// as bytes; the String forms are for replies that are text (devices, types).
enum Reply {
    static func string(_ s: ByteString) -> Answer { var e = XDREncoder(); e.string(s); return .value(e.bytes) }
    static func strings(_ l: [ByteString]) -> Answer { var e = XDREncoder(); e.stringList(l); return .value(e.bytes) }
    static func string(_ s: String) -> Answer { string(ByteString(s)) }
    static func strings(_ l: [String]) -> Answer { strings(l.map { ByteString($0) }) }
    static func int(_ v: Int32) -> Answer { var e = XDREncoder(); e.i32(v); return .value(e.bytes) }
    static func int64(_ v: Int64) -> Answer { var e = XDREncoder(); e.i64(v); return .value(e.bytes) }
    static func bool(_ v: Bool) -> Answer { var e = XDREncoder(); e.bool(v); return .value(e.bytes) }
    static func buffer(_ b: [UInt8]) -> Answer { var e = XDREncoder(); e.opaque(b); return .value(e.bytes) }
    static func hashtable(_ pairs: [(ByteString, ByteString)]) -> Answer { strings(pairs.flatMap { [$0.0, $0.1] }) }
    static func hashtable(_ pairs: [(String, String)]) -> Answer { strings(pairs.flatMap { [$0.0, $0.1] }) }

    static func structure(_ s: StructValue) -> Answer { var e = XDREncoder(); s.encode(into: &e); return .value(e.bytes) }

    static func structList(_ list: [StructValue]) -> Answer {
        var e = XDREncoder()
        e.u32(UInt32(list.count))
        for s in list { s.encode(into: &e) }
        return .value(e.bytes)
    }
}

/// A procedure's implementation. Handlers live in Procedures/, one file per group.
typealias Handler = @Sendable (Daemon, Call) throws(CallError) -> Answer

/// Typed reads for the generated dispatch (Generated/ProcedureHandlers.swift), which
/// knows each argument's position and type from the record. The decoder produced every
/// value by its kind, so a mismatch is a broken table and fails the call, never a
/// silent default.
extension Call {
    static let mistyped = CallError("daemon failed to decode procedure arguments")

    func argument(_ i: Int) throws(CallError) -> ByteString { if case let .string(s) = values[i] { return s }; throw Call.mistyped }
    func argument(_ i: Int) throws(CallError) -> String { (try argument(i) as ByteString).description }
    func argument(_ i: Int) throws(CallError) -> [ByteString] { if case let .strings(l) = values[i] { return l }; throw Call.mistyped }
    func argument(_ i: Int) throws(CallError) -> [String] { (try argument(i) as [ByteString]).map(\.description) }
    func argument(_ i: Int) throws(CallError) -> Bool { if case let .bool(b) = values[i] { return b }; throw Call.mistyped }
    func argument(_ i: Int) throws(CallError) -> Int32 { if case let .int(v) = values[i] { return v }; throw Call.mistyped }
    func argument(_ i: Int) throws(CallError) -> Int64 { if case let .int64(v) = values[i] { return v }; throw Call.mistyped }
    func argument(_ i: Int) throws(CallError) -> [UInt8] { if case let .buffer(b) = values[i] { return b }; throw Call.mistyped }
    /// An OptString: nil for C's NULL.
    func optionalString(_ i: Int) throws(CallError) -> ByteString? { if case let .optString(s) = values[i] { return s }; throw Call.mistyped }

    /// Optional argument `i` (in the record's order), nil when the bitmask leaves it out.
    /// A device or option word that is text reads bytes that are not UTF-8 as U+FFFD,
    /// which no such word contains.
    func optional(_ i: Int) throws(CallError) -> ByteString? { isSet(i) ? try argument(procedure.wireArguments.count + i) : nil }
    func optional(_ i: Int) throws(CallError) -> String? { isSet(i) ? try argument(procedure.wireArguments.count + i) : nil }
    func optional(_ i: Int) throws(CallError) -> [ByteString]? { isSet(i) ? try argument(procedure.wireArguments.count + i) : nil }
    func optional(_ i: Int) throws(CallError) -> Bool? { isSet(i) ? try argument(procedure.wireArguments.count + i) : nil }
    func optional(_ i: Int) throws(CallError) -> Int32? { isSet(i) ? try argument(procedure.wireArguments.count + i) : nil }
    func optional(_ i: Int) throws(CallError) -> Int64? { isSet(i) ? try argument(procedure.wireArguments.count + i) : nil }
}

extension Procedure {
    /// What __func__ names in the real stubs' messages.
    var stub: String { name + "_stub" }
}
