import Foundation
import GuestProtocol
import XCTest

/// Regular-file procedures against the host sysroot, with the real daemon's texts.
final class FileProcedureTests: SysrootTestCase {
    func testWriteAppendPreadPwriteFilesize() throws {
        assertOK(try daemon.call(.internalWrite, args: [.s("/f"), .buf(Array("hello world\n".utf8))]))
        assertOK(try daemon.call(.internalWriteAppend, args: [.s("/f"), .buf(Array("more\n".utf8))]))
        XCTAssertEqual(contents("/f"), Array("hello world\nmore\n".utf8))
        XCTAssertEqual(try daemon.call(.pread, args: [.s("/f"), .i(5), .l(6)]).buffer(), Array("world".utf8))
        XCTAssertEqual(try daemon.call(.pread, args: [.s("/f"), .i(100), .l(15)]).buffer(), Array("e\n".utf8))
        XCTAssertEqual(try daemon.call(.pwrite, args: [.s("/f"), .buf(Array("HELLO".utf8)), .l(0)]).int(), 5)
        XCTAssertEqual(contents("/f"), Array("HELLO world\nmore\n".utf8))
        XCTAssertEqual(try daemon.call(.filesize, args: [.s("/f")]).int64(), 17)
        assertError(try daemon.call(.pread, args: [.s("/f"), .i(-1), .l(0)]), "count is negative")
        assertError(try daemon.call(.pread, args: [.s("/f"), .i(1), .l(-1)]), "offset is negative")
        assertError(try daemon.call(.pread, args: [.s("/nope"), .i(1), .l(0)]), "open: /nope: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.pwrite, args: [.s("/nope"), .buf([1]), .l(0)]), "open: /nope: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.filesize, args: [.s("/nope")]), "/nope: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.internalWrite, args: [.s("/dir"), .buf([1])]), "open: /dir: Is a directory", errno: "EISDIR")
    }

    func testTouchRmChmodChown() throws {
        assertOK(try daemon.call(.touch, args: [.s("/t")]))
        XCTAssertEqual(contents("/t"), [])
        assertOK(try daemon.call(.touch, args: [.s("/inside.txt")]))
        XCTAssertEqual(contents("/inside.txt"), Array("inside\n".utf8), "touch keeps the content")
        assertError(try daemon.call(.touch, args: [.s("/dir")]), "/dir: touch can only be used on a regular files")
        assertOK(try daemon.call(.chmod, args: [.i(0o600), .s("/t")]))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path("/t"))[.posixPermissions] as? Int, 0o600)
        assertError(try daemon.call(.chmod, args: [.i(0o644), .s("/nope")]), "/nope: 0644: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.chmod, args: [.i(-1), .s("/t")]), "/t: mode is negative")
        assertOK(try daemon.call(.chown, args: [.i(12), .i(34), .s("/t")]))
        let attrs = try FileManager.default.attributesOfItem(atPath: path("/t"))
        XCTAssertEqual(attrs[.ownerAccountID] as? Int, 12)
        XCTAssertEqual(attrs[.groupOwnerAccountID] as? Int, 34)
        assertOK(try daemon.call(.rm, args: [.s("/t")]))
        XCTAssertNil(contents("/t"))
        assertError(try daemon.call(.rm, args: [.s("/t")]), "/t: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.rm, args: [.s("/dir")]), "/dir: Is a directory", errno: "EISDIR")
    }

    func testFillHeadTail() throws {
        assertOK(try daemon.call(.fill, args: [.i(0x41), .i(10_000), .s("/fill")]))
        XCTAssertEqual(contents("/fill"), [UInt8](repeating: 0x41, count: 10_000))
        assertError(try daemon.call(.fill, args: [.i(256), .i(1), .s("/fill")]), "256: byte number must be in range 0..255")
        assertError(try daemon.call(.fill, args: [.i(1), .i(-1), .s("/fill")]), "-1: length is < 0")
        try write("/lines", "1\n2\n3\n4\n5\n")
        XCTAssertEqual(try daemon.call(.headN, args: [.i(2), .s("/lines")]).strings(), ["1", "2"])
        XCTAssertEqual(try daemon.call(.headN, args: [.i(-2), .s("/lines")]).strings(), ["1", "2", "3"])
        XCTAssertEqual(try daemon.call(.headN, args: [.i(0), .s("/lines")]).strings(), [])
        XCTAssertEqual(try daemon.call(.tailN, args: [.i(2), .s("/lines")]).strings(), ["4", "5"])
        XCTAssertEqual(try daemon.call(.tailN, args: [.i(-2), .s("/lines")]).strings(), ["2", "3", "4", "5"])
        try write("/nofinal", "a\nb")
        XCTAssertEqual(try daemon.call(.tailN, args: [.i(10), .s("/nofinal")]).strings(), ["a", "b"])
        assertError(try daemon.call(.headN, args: [.i(1), .s("/nope")]), "/nope: No such file or directory", errno: "ENOENT")
    }

    func testSymlinks() throws {
        assertOK(try daemon.call(.lnS, args: [.s("../../secret"), .s("/link")]))
        XCTAssertEqual(try daemon.call(.readlink, args: [.s("/link")]).string(), "../../secret")
        assertError(try daemon.call(.readlink, args: [.s("/inside.txt")]), "readlink: /inside.txt: Invalid argument", errno: "EINVAL")
        assertOK(try daemon.call(.lnS, args: [.s("inside.txt"), .s("/l2")]))
        XCTAssertEqual(try daemon.call(.internalReadlinklist, args: [.s("/"), .list(["link", "inside.txt", "missing", "l2"])]).strings(),
                       ["../../secret", "", "", "inside.txt"])
        assertError(try daemon.call(.internalReadlinklist, args: [.s("/"), .list(["a/b"])]), "internal_readlinklist_stub: 'a/b' is not a file name")
        let dup = try daemon.call(.lnS, args: [.s("x"), .s("/link")])
        XCTAssertEqual(dup.error?.message, "ln -s: x: /link: ln: failed to create symbolic link '\(root.path)/link': File exists")
    }
}
