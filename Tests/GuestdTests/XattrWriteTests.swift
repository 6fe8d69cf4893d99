import Foundation
import GuestProtocol
import XCTest

/// setxattr, lsetxattr, removexattr, lremovexattr, getxattr, lgetxattr and getxattrs
/// on the sysroot, with the real daemon's texts.
final class XattrWriteTests: SysrootTestCase {
    private func set(_ proc: Procedure, _ name: String, _ value: String, _ len: Int32, _ path: String) throws -> GuestdHarness.Reply {
        try daemon.call(proc, args: [.s(name), .s(value), .i(len), .s(path)])
    }

    func testSetGetAndRemoveFollowingLinksOrNot() throws {
        XCTAssertEqual(symlink("inside.txt", path("/link")), 0)
        let probe = try set(.setxattr, "user.probe", "x", 1, "/inside.txt")
        if probe.error?.errnoString == "ENOTSUP" || probe.error?.errnoString == "EOPNOTSUPP" {
            throw XCTSkip("user xattrs not supported here")
        }
        assertOK(probe)
        // vallen cuts the value, or pads it after the string's NUL.
        assertOK(try set(.setxattr, "user.a", "hello", 5, "/inside.txt"))
        assertOK(try set(.setxattr, "user.b", "hi", 4, "/link"))
        XCTAssertEqual(try daemon.call(.getxattr, ["/inside.txt", "user.a"]).buffer(), Array("hello".utf8))
        XCTAssertEqual(try daemon.call(.getxattr, ["/link", "user.b"]).buffer(), [0x68, 0x69, 0, 0])
        let all = try daemon.call(.getxattrs, args: [.s("/link")]).structList(.xattr)
        XCTAssertEqual(all.map(\.values), [
            [.string("user.a"), .bytes(Array("hello".utf8))], [.string("user.b"), .bytes([0x68, 0x69, 0, 0])],
            [.string("user.probe"), .bytes(Array("x".utf8))],
        ])
        // The l* calls act on the symlink itself: no user attributes there.
        assertError(try set(.lsetxattr, "user.c", "v", 1, "/link"), "setxattr: Operation not permitted", errno: "EPERM")
        assertError(try daemon.call(.lgetxattr, ["/link", "user.a"]), "getxattr: No data available", errno: "ENODATA")
        XCTAssertEqual(try daemon.call(.lgetxattrs, args: [.s("/link")]).structList(.xattr).count, 0)

        assertOK(try daemon.call(.removexattr, ["user.a", "/link"]))
        assertError(try daemon.call(.getxattr, ["/inside.txt", "user.a"]), "getxattr: No data available", errno: "ENODATA")
        assertOK(try daemon.call(.lremovexattr, ["user.b", "/inside.txt"]))
        assertError(try daemon.call(.lremovexattr, ["user.b", "/inside.txt"]), "removexattr: No data available", errno: "ENODATA")

        assertError(try set(.setxattr, "user.a", "v", -1, "/inside.txt"), "extended attribute is too large")
        assertError(try set(.setxattr, "user.a", "v", 1, "/missing"), "setxattr: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.getxattrs, args: [.s("/missing")]), "listxattr: /missing: No such file or directory", errno: "ENOENT")
        try assertAlive()
    }
}
