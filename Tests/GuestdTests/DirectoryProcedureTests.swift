import Foundation
import GuestProtocol
import XCTest

/// Directory and tree procedures against the host sysroot.
final class DirectoryProcedureTests: SysrootTestCase {
    func testMkdirRmdirMkdirP() throws {
        assertOK(try daemon.call(.mkdir, args: [.s("/new")]))
        assertError(try daemon.call(.mkdir, args: [.s("/new")]), "/new: File exists", errno: "EEXIST")
        assertError(try daemon.call(.mkdir, args: [.s("/a/b")]), "/a/b: No such file or directory", errno: "ENOENT")
        assertOK(try daemon.call(.mkdirP, args: [.s("/a/b/c/d")]))
        assertOK(try daemon.call(.mkdirP, args: [.s("/a/b/c/d")]))
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("/a/b/c/d"), isDirectory: &isDir) && isDir.boolValue)
        assertError(try daemon.call(.mkdirP, args: [.s("/inside.txt")]), "/inside.txt: a path element was not a directory")
        assertError(try daemon.call(.mkdirP, args: [.s("/inside.txt/x")]), "/inside.txt/x: Not a directory", errno: "ENOTDIR")
        assertOK(try daemon.call(.rmdir, args: [.s("/new")]))
        assertError(try daemon.call(.rmdir, args: [.s("/a")]), "/a: Directory not empty", errno: "ENOTEMPTY")
        assertOK(try daemon.call(.rmRF, args: [.s("/a")]))
        assertOK(try daemon.call(.rmRF, args: [.s("/a")]))  // nothing there is fine
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("/a")))
        assertError(try daemon.call(.rmRF, args: [.s("/")]), "cannot remove root directory")
    }

    func testRenameCpCpAMv() throws {
        try write("/dir/f", "data")
        assertOK(try daemon.call(.cp, args: [.s("/dir/f"), .s("/copy")]))
        XCTAssertEqual(contents("/copy"), Array("data".utf8))
        assertOK(try daemon.call(.cp, args: [.s("/dir/f"), .s("/dir/sub")]))
        XCTAssertEqual(contents("/dir/sub/f"), Array("data".utf8), "into a directory")
        XCTAssertEqual(try daemon.call(.cp, args: [.s("/dir"), .s("/d2")]).error?.message,
                       "cp: -r not specified; omitting directory '\(root.path)/dir'")
        XCTAssertEqual(try daemon.call(.cp, args: [.s("/nope"), .s("/d2")]).error?.message,
                       "cp: cannot stat '\(root.path)/nope': No such file or directory")
        try FileManager.default.createSymbolicLink(atPath: path("/dir/ln"), withDestinationPath: "f")
        assertOK(try daemon.call(.chmod, args: [.i(0o640), .s("/dir/f")]))
        assertOK(try daemon.call(.cpA, args: [.s("/dir"), .s("/tree")]))
        XCTAssertEqual(contents("/tree/f"), Array("data".utf8))
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("/tree/ln")), "f")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path("/tree/f"))[.posixPermissions] as? Int, 0o640)
        XCTAssertEqual(contents("/tree/sub/f"), Array("data".utf8))
        assertOK(try daemon.call(.mv, args: [.s("/copy"), .s("/moved")]))
        XCTAssertNil(contents("/copy"))
        assertOK(try daemon.call(.mv, args: [.s("/moved"), .s("/tree")]))
        XCTAssertEqual(contents("/tree/moved"), Array("data".utf8))
        assertOK(try daemon.call(.rename, args: [.s("/tree/moved"), .s("/renamed")]))
        XCTAssertEqual(contents("/renamed"), Array("data".utf8))
        assertError(try daemon.call(.rename, args: [.s("/nope"), .s("/x")]), "rename: /nope: /x: No such file or directory", errno: "ENOENT")
    }

    func testFind0() throws {
        try write("/dir/sub/f", "")
        let withSlash = try daemon.fileOut(.find0, "/dir/")
        XCTAssertEqual(names(withSlash.data), ["sub", "sub/f"])
        // Without the trailing slash the real daemon keeps a leading "/".
        XCTAssertEqual(names(try daemon.fileOut(.find0, "/dir").data), ["/sub", "/sub/f"])
        XCTAssertEqual(names(try daemon.fileOut(.find0, "/").data), ["dir", "dir/sub", "dir/sub/f", "inside.txt"])
        assertError(try daemon.call(.find0, ["/inside.txt"]), "/inside.txt: not a directory")
        assertError(try daemon.call(.find0, ["/nope"]), "/nope: No such file or directory", errno: "ENOENT")
    }

    private func names(_ data: [UInt8]) -> [String] {
        data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }
}
