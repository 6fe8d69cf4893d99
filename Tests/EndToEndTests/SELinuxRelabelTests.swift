import Foundation
import XCTest

/// selinux_relabel through real guestfish on our appliance: setfiles labels a blank
/// ext4's files from the guest's spec file (security.selinux xattrs), leaving /dev out,
/// and its errors are setfiles' own. (Debian's stock appliance has no setfiles, so it
/// reports the selinuxrelabel group missing: nothing there to compare with.)
final class SELinuxRelabelTests: XCTestCase {
    func testSetfilesLabelsTheGuestFromItsSpecFile() throws {
        let f = try Fixture.get()
        let w = f.work + "/selinux-relabel"
        let spec = "/etc/selinux/targeted/contexts/files/file_contexts"
        let contexts = "/.*\tsystem_u:object_r:default_t:s0\n/etc(/.*)?\tsystem_u:object_r:etc_t:s0\n"
            + "/bin/.*\t--\tsystem_u:object_r:bin_t:s0\n"
        let lines = [
            "run", "feature-available selinuxrelabel", "mkfs ext4 /dev/sda", "mount /dev/sda /",
            "mkdir-p /etc/selinux/targeted/contexts/files", "upload \(w)/fc \(spec)", "touch /etc/hostname", "mkdir /bin",
            "touch /bin/ls", "mkdir /dev", "touch /dev/null", "selinux-relabel \(spec) /",
            "getxattr /etc/hostname security.selinux", "echo", "getxattr /bin/ls security.selinux", "echo",
            "getxattr /bin security.selinux", "echo", "-getxattr /dev/null security.selinux",
            "selinux-relabel \(spec) /bin force:true", "-selinux-relabel /etc/nonexistent /",
        ]
        let made = try Fixture.sh("rm -rf \(w); mkdir -p \(w); truncate -s 100M \(w)/d.img")
        XCTAssertEqual(made.status, 0, made.err)
        try Data(contexts.utf8).write(to: URL(fileURLWithPath: w + "/fc"))
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: w + "/script"))
        let r = try f.runTool("guestfish -a \(w)/d.img -f \(w)/script", stock: false)
        XCTAssertEqual(r.status, 0, r.err)
        // setfiles stores each context with its terminating NUL; getxattr prints it.
        XCTAssertEqual(r.out.replacingOccurrences(of: "\0\n", with: "\n"), "true\nsystem_u:object_r:etc_t:s0\nsystem_u:object_r:bin_t:s0\nsystem_u:object_r:default_t:s0\n")
        XCTAssertTrue(r.err.contains("getxattr: No data available"), r.err)
        XCTAssertTrue(r.err.contains("selinux_relabel: Can't stat exclude path \"/sysroot/proc\""), r.err)
        XCTAssertTrue(r.err.contains("/sysroot/etc/nonexistent: No such file or directory"), r.err)
    }

    /// virt-customize --selinux-relabel on an SELinux guest (load_policy and
    /// /etc/selinux/config present): ours relabels through selinux_relabel with the spec
    /// file of the config's SELINUXTYPE; the stock appliance, without setfiles, leaves
    /// /.autorelabel for the guest's next boot instead.
    func testVirtCustomizeRelabelsAnSELinuxGuest() throws {
        let f = try Fixture.get()
        let disk = try CustomizableGuestDisk.path(f)
        let w = f.work + "/selinux-customize"
        let made = try Fixture.sh("rm -rf \(w); mkdir -p \(w)")
        XCTAssertEqual(made.status, 0, made.err)
        try Data("SELINUX=enforcing\nSELINUXTYPE=mls\n".utf8).write(to: URL(fileURLWithPath: w + "/config"))
        try Data("/.*\tsystem_u:object_r:default_t:s0\n/etc(/.*)?\tsystem_u:object_r:etc_t:s0\n".utf8)
            .write(to: URL(fileURLWithPath: w + "/fc"))
        let prepare = ["run", "mount /dev/sda1 /", "mkdir-p /etc/selinux/mls/contexts/files", "upload \(w)/config /etc/selinux/config",
                       "upload \(w)/fc /etc/selinux/mls/contexts/files/file_contexts", "touch /usr/sbin/load_policy"]
        try Data((prepare.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: w + "/prepare"))
        try Data("-getxattr /etc/hostname security.selinux\necho\nis-file /.autorelabel\n".utf8)
            .write(to: URL(fileURLWithPath: w + "/check"))
        var checks: [String] = []
        for side in ["ours", "stock"] {
            let copy = "\(w)/\(side).img"
            let copied = try Fixture.sh("cp --sparse=always \(disk) \(copy)")
            XCTAssertEqual(copied.status, 0, copied.err)
            let prepared = try f.runTool("guestfish -a \(copy) -f \(w)/prepare", stock: false)
            XCTAssertEqual(prepared.status, 0, prepared.err)
            let customized = try f.runTool("virt-customize -a \(copy) --selinux-relabel", stock: side == "stock")
            XCTAssertEqual(customized.status, 0, "\(side): \(customized.err)")
            let checked = try f.runTool("guestfish --ro -a \(copy) -m /dev/sda1 -f \(w)/check", stock: false)
            XCTAssertEqual(checked.status, 0, checked.err)
            checks.append(checked.out.replacingOccurrences(of: "\0\n", with: "\n"))
        }
        XCTAssertEqual(checks[0], "system_u:object_r:etc_t:s0\nfalse\n")
        XCTAssertEqual(checks[1], "\ntrue\n")
    }
}
