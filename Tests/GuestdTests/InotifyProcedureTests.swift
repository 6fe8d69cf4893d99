import Foundation
@testable import GuestdCore
import GuestProtocol
import XCTest

/// inotify_* through the built guestd: watches on sysroot directories, events made by
/// real file operations there.
final class InotifyProcedureTests: SysrootTestCase {
    private func create(_ guest: String) {
        let fd = open(path(guest), O_CREAT | O_WRONLY, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
    }

    private func events() throws -> [[FieldValue]] {
        try daemon.call(.inotifyRead).structList(.inotifyEvent).map(\.values)
    }

    func testWatchReadFilesAndClose() throws {
        let inCreate: Int64 = 0x100, inOpen: Int64 = 0x20, inCloseWrite: Int64 = 0x8
        let inMovedFrom: Int64 = 0x40, inMovedTo: Int64 = 0x80, inIgnored: Int64 = 0x8000
        assertOK(try daemon.call(.inotifyInit, args: [.i(0)]))
        XCTAssertEqual(try daemon.call(.inotifyAddWatch, args: [.s("/dir"), .i(4095)]).int64(), 1)
        create("/dir/b")
        create("/dir/a")
        create("/dir/b")
        // Sorted, each name once.
        XCTAssertEqual(try daemon.call(.inotifyFiles).strings(), ["a", "b"])
        XCTAssertEqual(try events(), [])

        create("/dir/c")
        XCTAssertEqual(try events(), [
            [.int(1), .int(inCreate), .int(0), .string("c")], [.int(1), .int(inOpen), .int(0), .string("c")],
            [.int(1), .int(inCloseWrite), .int(0), .string("c")],
        ])
        // A rename's two events share a cookie.
        XCTAssertEqual(rename(path("/dir/c"), path("/dir/d")), 0)
        let moved = try events()
        XCTAssertEqual(moved.map { [$0[0], $0[1], $0[3]] }, [[.int(1), .int(inMovedFrom), .string("c")], [.int(1), .int(inMovedTo), .string("d")]])
        XCTAssertEqual(moved[0][2], moved[1][2])
        XCTAssertNotEqual(moved[0][2], .int(0))

        // A second watch, on a file: its own events have no name.
        XCTAssertEqual(try daemon.call(.inotifyAddWatch, args: [.s("/inside.txt"), .i(0x2)]).int64(), 2)
        try write("/inside.txt", "changed\n")
        XCTAssertEqual(try events().filter { $0[0] == .int(2) }.first, [.int(2), .int(0x2), .int(0), .string("")])
        assertOK(try daemon.call(.inotifyRmWatch, args: [.i(2)]))
        XCTAssertEqual(try events(), [[.int(2), .int(inIgnored), .int(0), .string("")]])
        assertError(try daemon.call(.inotifyRmWatch, args: [.i(99)]), "99: Invalid argument", errno: "EINVAL")
        assertError(try daemon.call(.inotifyAddWatch, args: [.s("/missing"), .i(4095)]), "/missing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.inotifyAddWatch, args: [.s("dir"), .i(4095)]), "inotify_add_watch_stub: path must start with a / character")

        // A new init replaces the handle: the old watches and events are gone.
        create("/dir/e")
        assertOK(try daemon.call(.inotifyInit, args: [.i(0)]))
        XCTAssertEqual(try events(), [])
        assertOK(try daemon.call(.inotifyClose))
        for (proc, function) in [(Procedure.inotifyRead, "do_inotify_read"), (.inotifyFiles, "do_inotify_files"), (.inotifyClose, "do_inotify_close")] {
            assertError(try daemon.call(proc), "\(function): you must call 'inotify_init' first to initialize inotify")
        }
        assertError(try daemon.call(.inotifyRmWatch, args: [.i(1)]), "do_inotify_rm_watch: you must call 'inotify_init' first to initialize inotify")
        assertError(try daemon.call(.inotifyInit, args: [.i(-1)]), "max_events < 0")
        try assertAlive()
    }

    /// A watch through an absolute symlink lands on its target inside the guest;
    /// IN_DONT_FOLLOW watches the link itself.
    func testWatchesFollowSymlinksInsideTheGuest() throws {
        XCTAssertEqual(symlink("/inside.txt", path("/dir/ln")), 0)
        assertOK(try daemon.call(.inotifyInit, args: [.i(0)]))
        let inModify: Int32 = 0x2, inDontFollow: Int32 = 0x0200_0000
        XCTAssertEqual(try daemon.call(.inotifyAddWatch, args: [.s("/dir/ln"), .i(inModify)]).int64(), 1)
        XCTAssertEqual(try daemon.call(.inotifyAddWatch, args: [.s("/dir/ln"), .i(inModify | inDontFollow)]).int64(), 2)
        try write("/inside.txt", "again\n")
        let seen = try events()
        XCTAssertFalse(seen.isEmpty)
        XCTAssertEqual(seen.filter { $0[0] != .int(1) }, [])
        // The target's own watch is the same one.
        XCTAssertEqual(try daemon.call(.inotifyAddWatch, args: [.s("/inside.txt"), .i(inModify)]).int64(), 1)
    }

    /// The whole queue comes in one inotify_read, as one read(2) into the real daemon's
    /// 64 MiB buffer takes it; inotify_files reads until the queue is empty.
    func testTheQueueComesInOneRead() throws {
        assertOK(try daemon.call(.inotifyInit, args: [.i(0)]))
        XCTAssertEqual(try daemon.call(.inotifyAddWatch, args: [.s("/dir"), .i(0x100)]).int64(), 1)
        // Stay under the host's queue limit (16384 by default, far lower on some
        // machines) and still well past 64 KiB of events: 200-byte names take ~232 each.
        let limit = readSysfsLine(Daemon.maxQueuedEventsPath).flatMap { Int($0) } ?? 16384
        let count = min(3000, limit - 1)
        let name = String(repeating: "n", count: 200)
        for i in 0 ..< count { create("/dir/\(name)\(i)") }
        let first = try daemon.call(.inotifyRead).structList(.inotifyEvent)
        XCTAssertEqual(first.count, count)
        XCTAssertEqual(first.last?.values, [.int(1), .int(0x100), .int(0), .string(ByteString("\(name)\(count - 1)"))])
        XCTAssertEqual(try events(), [])
        for i in (0 ..< 5).reversed() { create("/dir/x\(i)") }
        XCTAssertEqual(try daemon.call(.inotifyFiles).strings(), (0 ..< 5).map { "x\($0)" })
    }
}
