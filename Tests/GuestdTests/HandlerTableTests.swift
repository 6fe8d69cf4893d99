import GuestProtocol
import XCTest

/// Every record of the table reaches a handler in guestd. The compiler already says so
/// (a do… method missing from the generated ProcedureHandlers, or typed otherwise, does
/// not build; a handler for no record has no dispatch entry); this checks the running
/// daemon end to end: a call with a bitmask no record allows
/// gets the bitmask error from a served procedure, "unknown procedure number" from one
/// without a handler, and runs nothing either way. FileIn calls are left out: their
/// chunks would follow the call.
final class HandlerTableTests: SysrootTestCase {
    func testEveryProcedureOfTheTableHasAHandler() throws {
        for proc in Procedure.all where !proc.fileIn {
            let bitmask: UInt64 = proc.optionals.isEmpty ? 1 : 1 << 63
            try daemon.send(proc.number, optargs: bitmask)
            let r = try daemon.reply()
            XCTAssertEqual(r.header.status, .error, proc.name)
            XCTAssertFalse(r.error?.message.contains("unknown procedure number") ?? true, "\(proc.name) has no handler")
        }
        try assertAlive()
    }

    /// Each record's optional group is one guestd knows (0 available, 1 not in this
    /// build), never "unknown" (2): a group in the table and guestd's list cannot drift.
    func testEveryGroupOfTheTableIsKnownToInternalFeatureAvailable() throws {
        for group in Set(Procedure.all.compactMap(\.group)).sorted() {
            XCTAssertNotEqual(try daemon.call(.internalFeatureAvailable, [group]).int(), 2, group)
        }
    }
}
