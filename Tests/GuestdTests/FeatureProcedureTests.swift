import Foundation
import GuestProtocol
import XCTest

/// Extended attributes and the calls libguestfs's tools make before working.
final class FeatureProcedureTests: SysrootTestCase {
    func testXattrs() throws {
        let file = path("/inside.txt")
        // <sys/xattr.h> is not in Swift's Glibc module: setxattr by name.
        typealias SetXattr = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer, Int, Int32) -> Int32
        guard let sym = dlsym(nil, "setxattr") else { throw XCTSkip("no setxattr") }
        let setxattr = unsafeBitCast(sym, to: SetXattr.self)
        guard setxattr(file, "user.b", "two", 3, 0) == 0, setxattr(file, "user.a", "one\u{1}", 4, 0) == 0 else {
            throw XCTSkip("user xattrs not supported on this filesystem")
        }
        let list = try daemon.call(.lgetxattrs, args: [.s("/inside.txt")]).structList(.xattr)
        XCTAssertEqual(list.map(\.values), [[.string("user.a"), .bytes(Array("one\u{1}".utf8))], [.string("user.b"), .bytes(Array("two".utf8))]])
        XCTAssertEqual(list[0].printed(), "attrname: user.a\nattrval: one\\x01\n")
        let many = try daemon.call(.internalLxattrlist, args: [.s("/"), .list(["inside.txt", "missing", "dir"])]).structList(.xattr)
        XCTAssertEqual(many.map(\.values), [
            [.string(""), .bytes(Array("2\0".utf8))],
            [.string("user.a"), .bytes(Array("one\u{1}".utf8))], [.string("user.b"), .bytes(Array("two".utf8))],
            [.string(""), .bytes([])],
            [.string(""), .bytes(Array("0\0".utf8))],
        ])
        assertError(try daemon.call(.lgetxattrs, args: [.s("/nope")]), "listxattr: /nope: No such file or directory", errno: "ENOENT")
    }

    func testFeaturesMountablesInspectionAndLVM() throws {
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["linuxxattrs"]).int(), 0)
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["lvm2"]).int(), 1)
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["frobnicate"]).int(), 2)
        XCTAssertEqual(try daemon.call(.inspectOS).strings(), [])
        // A daemon on the host never drives the host's volumes: the group is not there.
        for proc in [Procedure.lvs, .vgsFull, .pvcreate] {
            let reply = try daemon.call(proc, proc == .pvcreate ? ["/dev/null"] : [])
            XCTAssertTrue(reply.error?.message.hasPrefix("feature 'lvm2' is not available") == true, "\(proc.name): \(String(describing: reply.error))")
        }
        assertError(try daemon.call(.isLv, ["/dev/null"]), "is_lv_stub: /dev/null: expecting a device name")
        assertError(try daemon.call(.internalParseMountable, ["/dev/null"]), "internal_parse_mountable_stub: /dev/null: expecting a device name")
    }
}
