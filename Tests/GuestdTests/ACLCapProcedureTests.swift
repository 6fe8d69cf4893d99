import Foundation
import GuestProtocol
import XCTest

/// acl_* and cap_* through the built guestd on real files of the sysroot, with the
/// host's setfacl/getfacl and setcap/getcap as the other side.
final class ACLCapProcedureTests: SysrootTestCase {
    /// getfacl's entries: without its header and the closing blank line; names from the
    /// host's passwd and group, as libacl's acl_to_text in this daemon on the host.
    private func getfacl(_ guest: String, _ options: String = "") -> String {
        let out = shell("getfacl --omit-header --absolute-names \(options) '\(path(guest))'")
        return out.hasSuffix("\n\n") ? String(out.dropLast()) : out
    }

    func testACLsSetGetAndDeleteAgreeWithGetfacl() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: path("/f"), contents: Data()))
        XCTAssertEqual(symlink("/f", path("/dir/link")), 0)
        assertOK(try daemon.call(.aclSetFile, ["/f", "access", "u::r-x,g::r-x,o::r-x,m::rwx,u:500:rw,g:600:x"]))
        let text = try daemon.call(.aclGetFile, ["/f", "access"]).string()
        XCTAssertEqual(text, "user::r-x\nuser:500:rw-\ngroup::r-x\ngroup:600:--x\nmask::rwx\nother::r-x\n")
        XCTAssertEqual(text, getfacl("/f"))
        // An absolute symlink resolves inside the guest, as under the real daemon's chroot.
        XCTAssertEqual(try daemon.call(.aclGetFile, ["/dir/link", "access"]).string(), text)

        // setfacl's ACL read back by acl_get_file.
        XCTAssertEqual(shell("setfacl --set u::rw-,g::r--,o::---,m::r--,g:7:r-- '\(path("/inside.txt"))' && echo ok"), "ok\n")
        XCTAssertEqual(try daemon.call(.aclGetFile, ["/inside.txt", "access"]).string(), getfacl("/inside.txt"))

        // A directory's default ACL: set, read (getfacl -d agrees), deleted.
        assertOK(try daemon.call(.aclSetFile, ["/dir", "default", "user::r-x,group::r-x,other::r-x"]))
        XCTAssertEqual(try daemon.call(.aclGetFile, ["/dir", "default"]).string(), "user::r-x\ngroup::r-x\nother::r-x\n")
        XCTAssertEqual(getfacl("/dir", "-d"), "user::r-x\ngroup::r-x\nother::r-x\n")
        assertOK(try daemon.call(.aclDeleteDefFile, ["/dir"]))
        XCTAssertEqual(try daemon.call(.aclGetFile, ["/dir", "default"]).string(), "")
        XCTAssertEqual(getfacl("/dir", "-d"), "")
        try assertAlive()
    }

    func testACLErrorsAreTheRealDaemons() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: path("/f"), contents: Data()))
        assertError(try daemon.call(.aclGetFile, ["/f", "other"]), "invalid acltype parameter: other")
        assertError(try daemon.call(.aclSetFile, ["/f", "mask", "u::rwx"]), "invalid acltype parameter: mask")
        // A named user without a mask parses but is not a valid ACL.
        assertError(try daemon.call(.aclSetFile, ["/f", "access", "u::r-x,g::r-x,o::r-x,u:500:rw,g:600:x"]),
                    "/f: Invalid argument", errno: "EINVAL")
        assertError(try daemon.call(.aclSetFile, ["/f", "access", "u::r-x,g::r-x,o::r-x,m::rwx,u:notauser:rw"]),
                    "could not parse acl string: u::r-x,g::r-x,o::r-x,m::rwx,u:notauser:rw: acl_from_text: Invalid argument",
                    errno: "EINVAL")
        assertError(try daemon.call(.aclSetFile, ["/f", "default", "u::r-x,g::r-x,o::r-x"]), "/f: Permission denied", errno: "EACCES")
        assertError(try daemon.call(.aclGetFile, ["/missing", "access"]), "/missing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.aclDeleteDefFile, ["/missing"]), "/missing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.aclGetFile, ["f", "access"]), "acl_get_file_stub: path must start with a / character")
        XCTAssertEqual(shell("getfacl -n --omit-header '\(path("/f"))'"), "user::rw-\ngroup::r--\nother::r--\n\n")
    }

    func testCapabilitiesAgreeWithGetcapAndSetcap() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: path("/f"), contents: Data()))
        // No capability attached: "" (getcap prints nothing either).
        XCTAssertEqual(try daemon.call(.capGetFile, ["/f"]).string(), "")
        XCTAssertEqual(shell("getcap '\(path("/f"))'"), "")
        assertOK(try daemon.call(.capSetFile, ["/f", "cap_chown=p cap_chown+e"]))
        XCTAssertEqual(try daemon.call(.capGetFile, ["/f"]).string(), "cap_chown=ep")
        XCTAssertEqual(shell("getcap '\(path("/f"))'"), "\(path("/f")) cap_chown=ep\n")
        XCTAssertEqual(shell("setcap 'cap_net_raw,cap_kill+eip cap_setuid+ei' '\(path("/inside.txt"))' && echo ok"), "ok\n")
        let set = try daemon.call(.capGetFile, ["/inside.txt"]).string()
        XCTAssertEqual(set, "cap_kill,cap_net_raw=eip cap_setuid+ei")
        XCTAssertEqual("\(path("/inside.txt")) \(set)\n", shell("getcap '\(path("/inside.txt"))'"))

        assertError(try daemon.call(.capSetFile, ["/f", "nonsense"]),
                    "could not parse cap string: nonsense: cap_from_text: Invalid argument", errno: "EINVAL")
        assertError(try daemon.call(.capGetFile, ["/missing"]), "/missing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.capSetFile, ["/missing", "cap_chown=ep"]), "/missing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.capGetFile, ["rel"]), "cap_get_file_stub: path must start with a / character")
        try assertAlive()
    }
}
