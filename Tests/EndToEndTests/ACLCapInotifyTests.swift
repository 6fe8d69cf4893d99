import Foundation
import XCTest

/// The acl, linuxcaps and inotify groups through guestfish, with their error texts: the
/// same output on ours as on the stock appliance (whose Debian build has no rsync, so
/// that group is left to the unit tests).
final class ACLCapInotifyTests: XCTestCase {
    func testACLCapabilityAndInotifyCallsMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/aclcapinotify"
        let lines = [
            "run", "feature-available acl", "feature-available linuxcaps", "feature-available inotify",
            "part-disk /dev/sda mbr", "mkfs ext4 /dev/sda1",
            "-acl-get-file /f access", "-inotify-init 0", "mount /dev/sda1 /", "mkdir /d", "touch /f",
            "acl-get-file /f access", "acl-set-file /f access u::r-x,g::r-x,o::r-x,m::rwx,u:500:rw,g:600:x", "acl-get-file /f access",
            // No mask; a user name the appliance cannot resolve; a default ACL on a file.
            "-acl-set-file /f access u::r-x,g::r-x,o::r-x,u:500:rw,g:600:x",
            "-acl-set-file /f access u::r-x,g::r-x,o::r-x,m::rwx,u:notauser:rw",
            "-acl-set-file /f default u::r-x,g::r-x,o::r-x", "-acl-get-file /f other", "-acl-get-file /missing access",
            "-acl-get-file f access",
            "acl-set-file /d default user::r-x,group::r-x,other::r-x", "acl-get-file /d default",
            "acl-delete-def-file /d", "acl-get-file /d default",
            "acl-set-file /f access u::rw-,g::r--,o::---,m::r--,u:0:r--,g:0:r--", "acl-get-file /f access",
            "cap-get-file /f", "cap-set-file /f \"cap_chown=p cap_chown+e\"", "cap-get-file /f",
            "cap-set-file /f \"cap_net_raw,cap_kill+eip cap_setuid+ei\"", "cap-get-file /f",
            "-cap-set-file /f nonsense", "-cap-get-file /missing",
            "-inotify-add-watch /d 4095", "-inotify-read", "-inotify-files", "-inotify-init -1",
            "inotify-init 0", "inotify-add-watch /d 4095", "inotify-add-watch /f 2", "touch /d/b", "touch /d/a", "inotify-files",
            "touch /d/c", "write /d/a x", "inotify-read", "write /f y", "inotify-read",
            "-inotify-rm-watch 99", "inotify-rm-watch 1", "inotify-read", "-inotify-add-watch /missing 1",
            "inotify-close", "-inotify-close", "-inotify-files",
        ]
        var outputs: [String] = []
        for side in ["ours", "stock"] {
            let made = try Fixture.sh("mkdir -p \(w) && rm -f \(w)/\(side).img && truncate -s 32M \(w)/\(side).img")
            XCTAssertEqual(made.status, 0, made.err)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(w)/script"))
            let r = try f.runTool("guestfish -a \(w)/\(side).img -f \(w)/script", stock: side == "stock")
            XCTAssertEqual(r.status, 0, r.err)
            outputs.append(r.out + r.err)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        for expected in [
            "true\ntrue\ntrue\n", "acl_get_file: acl_get_file_stub: you must call 'mount' first",
            "inotify_init: do_inotify_init: you must call 'mount' first",
            "user::r-x\nuser:500:rw-\ngroup::r-x\ngroup:600:--x\nmask::rwx\nother::r-x\n", "acl_set_file: /f: Invalid argument",
            "user:0:r--\n", "cap_chown=ep\ncap_kill,cap_net_raw=eip cap_setuid+ei\n",
            "inotify_read: do_inotify_read: you must call 'inotify_init' first", "a\nb\n", "  in_name: c\n",
            "inotify_rm_watch: 99: Invalid argument", "  in_mask: 32768\n",
        ] {
            XCTAssertTrue(outputs[0].contains(expected), "\(expected) not in:\n\(outputs[0])")
        }
    }
}
