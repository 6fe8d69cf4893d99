import Foundation
import GuestProtocol
import XCTest

/// exists, is_*, statns, lstatns, lstatnslist and statvfs against the host sysroot.
final class StatProcedureTests: SysrootTestCase {
    func testPredicates() throws {
        try FileManager.default.createSymbolicLink(atPath: path("/ln"), withDestinationPath: "dir")
        XCTAssertTrue(try daemon.call(.exists, args: [.s("/inside.txt")]).bool())
        XCTAssertFalse(try daemon.call(.exists, args: [.s("/nope")]).bool())
        XCTAssertFalse(try daemon.call(.exists, args: [.s("/inside.txt/x")]).bool(), "ENOTDIR is false too")
        XCTAssertTrue(try daemon.call(.isFile, args: [.s("/inside.txt"), .b(false)]).bool())
        XCTAssertFalse(try daemon.call(.isFile, args: [.s("/dir"), .b(false)]).bool())
        XCTAssertTrue(try daemon.call(.isDir, args: [.s("/dir"), .b(false)]).bool())
        XCTAssertFalse(try daemon.call(.isDir, args: [.s("/ln"), .b(false)]).bool())
        XCTAssertTrue(try daemon.call(.isDir, args: [.s("/ln"), .b(true)], optargs: 1).bool(), "followsymlinks:true")
        XCTAssertFalse(try daemon.call(.isDir, args: [.s("/ln"), .b(true)]).bool(), "the flag counts only when its bit is set")
        XCTAssertTrue(try daemon.call(.isSymlink, args: [.s("/ln")]).bool())
        assertError(try daemon.call(.isDir, args: [.s("/ln"), .b(true)], optargs: 2),
                    "unknown option in optional arguments bitmask (this can happen if a program is compiled against a newer version of libguestfs, then run against an older version of the daemon)")
        assertError(try daemon.call(.isDir, args: [.s("dir"), .b(false)]), "is_dir_stub: path must start with a / character")
    }

    func testStatnsLayoutAndLstat() throws {
        try FileManager.default.createSymbolicLink(atPath: path("/ln"), withDestinationPath: "inside.txt")
        let s = try daemon.call(.statns, args: [.s("/ln")]).structure(.statns)
        var st = stat()
        XCTAssertEqual(stat(path("/inside.txt"), &st), 0)
        XCTAssertEqual(s["st_size"], .int(7))
        XCTAssertEqual(s["st_ino"], .int(Int64(st.st_ino)))
        XCTAssertEqual(s["st_mode"], .int(Int64(st.st_mode)))
        XCTAssertEqual(s["st_mtime_sec"], .int(Int64(st.st_mtim.tv_sec)))
        XCTAssertEqual(s["st_mtime_nsec"], .int(Int64(st.st_mtim.tv_nsec)))
        XCTAssertEqual(s["st_spare6"], .int(0))
        let l = try daemon.call(.lstatns, args: [.s("/ln")]).structure(.statns)
        XCTAssertEqual(l["st_mode"]!.int & Int64(S_IFMT), Int64(S_IFLNK))
        assertError(try daemon.call(.statns, args: [.s("/nope")]), "/nope: No such file or directory", errno: "ENOENT")
        let list = try daemon.call(.internalLstatnslist, args: [.s("/"), .list(["inside.txt", "missing", "ln"])]).structList(.statns)
        XCTAssertEqual(list.count, 3)
        XCTAssertEqual(list[0]["st_size"], .int(7))
        XCTAssertEqual(list[1]["st_ino"], .int(-1))
        XCTAssertEqual(list[2]["st_mode"]!.int & Int64(S_IFMT), Int64(S_IFLNK))
        let vfs = try daemon.call(.statvfs, args: [.s("/")]).structure(.statvfs)
        XCTAssertGreaterThan(vfs["bsize"]!.int, 0)
        XCTAssertEqual(vfs.values.count, 11)
    }
}
