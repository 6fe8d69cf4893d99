import Foundation
import GuestProtocol
import XCTest

/// mknod_b and mknod_c (group mknod), wipefs (group wipefs), and the optional groups
/// internal_feature_available reports: those whose every procedure guestd serves.
final class DeviceNodeAndWipefsTests: SysrootTestCase {
    func testMknodBAndC() throws {
        guard getuid() == 0 else { throw XCTSkip("device nodes need root") }
        assertOK(try daemon.call(.mknodC, args: [.i(0o640), .i(1), .i(3), .s("/null")]))
        assertOK(try daemon.call(.mknodB, args: [.i(0o600), .i(7), .i(200), .s("/dir/loop")]))
        var st = stat()
        XCTAssertEqual(lstat(path("/null"), &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR)
        XCTAssertEqual(st.st_mode & 0o7777, 0o640 & ~umaskValue())
        XCTAssertEqual(st.st_rdev, 0x103)
        XCTAssertEqual(lstat(path("/dir/loop"), &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFBLK)
        XCTAssertEqual(st.st_rdev, 7 << 8 | 200)
        assertError(try daemon.call(.mknodC, args: [.i(0o20640), .i(1), .i(3), .s("/x")]), "20640: mode must specify only file permission bits")
        assertError(try daemon.call(.mknodB, args: [.i(0o600), .i(7), .i(1), .s("/null")]), "/null: File exists", errno: "EEXIST")
    }

    func testFeatureGroups() throws {
        for group in ["linuxxattrs", "mknod", "xz", "wipefs"] {
            XCTAssertEqual(try daemon.call(.internalFeatureAvailable, [group]).int(), 0, group)
        }
        for group in ["lvm2", "ldm"] {
            XCTAssertEqual(try daemon.call(.internalFeatureAvailable, [group]).int(), 1, group)
        }
        // btrfs is served where the btrfs program is (prog_exists), as on this host or not.
        let btrfs = FileManager.default.isExecutableFile(atPath: "/usr/bin/btrfs") || FileManager.default.isExecutableFile(atPath: "/bin/btrfs")
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["btrfs"]).int(), btrfs ? 0 : 1)
        // xfs by mkfs.xfs, selinuxrelabel by setfiles, sleuthkit by icat, f2fs by
        // resize.f2fs, squashfs by mksquashfs and grub by grub-install, the same way.
        for (group, program) in [("xfs", "mkfs.xfs"), ("selinuxrelabel", "setfiles"), ("sleuthkit", "icat"),
                                 ("f2fs", "resize.f2fs"), ("squashfs", "mksquashfs"), ("grub", "grub-install"), ("scrub", "scrub")] {
            let present = ["/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + program) }
            XCTAssertEqual(try daemon.call(.internalFeatureAvailable, [group]).int(), present ? 0 : 1, group)
        }
        // acl and linuxcaps where libacl and libcap open, rsync where its program is,
        // inotify always.
        for (group, lib) in [("acl", "libacl.so.1"), ("linuxcaps", "libcap.so.2")] {
            XCTAssertEqual(try daemon.call(.internalFeatureAvailable, [group]).int(), dlopen(lib, RTLD_NOW | RTLD_LOCAL) != nil ? 0 : 1, group)
        }
        let rsync = FileManager.default.isExecutableFile(atPath: "/usr/bin/rsync")
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["rsync"]).int(), rsync ? 0 : 1)
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["inotify"]).int(), 0)
        // libtsk where the Sleuth Kit's library opens.
        let tsk = dlopen("libtsk.so.19", RTLD_NOW | RTLD_LOCAL) != nil
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["libtsk"]).int(), tsk ? 0 : 1)
    }

    /// wipefs on a recorded disk whose partition node is an ext4 image.
    func testWipefsErasesTheSignature() throws {
        let sys = base.appendingPathComponent("sys").path, dev = base.appendingPathComponent("dev").path
        try FileManager.default.createDirectory(atPath: sys + "/block/sda/sda1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dev, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: dev + "/sda", contents: Data()))
        let mkfs = Process()
        mkfs.executableURL = URL(fileURLWithPath: "/usr/sbin/mkfs.ext4")
        mkfs.arguments = ["-q", "-F", dev + "/sda1", "4M"]
        try mkfs.run()
        mkfs.waitUntilExit()
        guard mkfs.terminationStatus == 0 else { throw XCTSkip("mkfs.ext4 failed") }
        let recorded = try GuestdHarness(sysroot: root.path, extraArguments: ["--sysfs", sys, "--dev", dev])
        XCTAssertEqual(try recorded.call(.vfsType, ["/dev/sda1"]).string(), "ext4")
        XCTAssertEqual(try recorded.call(.wipefs, ["/dev/sda1"]).header.status, .ok)
        XCTAssertEqual(try recorded.call(.vfsType, ["/dev/sda1"]).string(), "")
    }

    private func umaskValue() -> mode_t {
        let old = umask(0)
        umask(old)
        return old
    }
}
