import Foundation
import XCTest

/// The rest of the btrfs group and the syslinux and extlinux groups through real
/// guestfish on blank disks: quotas and qgroups, subvolume details, scrub and balance
/// control, the tools on unmounted devices (fsck, rescue, btrfstune, btrfs-image,
/// filesystem show), SYSLINUX on FAT and EXTLINUX on ext4, and the real daemon's
/// refusals; the same output on ours as on the stock appliance.
final class BtrfsMaintenanceTests: XCTestCase {
    static let lines = [
        "run", "feature-available \"btrfs syslinux extlinux\"", "part-init /dev/sda mbr", "part-add /dev/sda p 2048 614399",
        "part-add /dev/sda p 614400 -2048", "mkfs-btrfs /dev/sda1 label:bt",
        // Unmounted: the device tools.
        "btrfs-filesystem-show /dev/sda1", "-btrfs-filesystem-show /dev/sdb", "btrfs-fsck /dev/sda1",
        "-btrfs-fsck /dev/sda1 superblock:-1", "btrfs-rescue-super-recover /dev/sda1", "btrfs-rescue-chunk-recover /dev/sda1",
        "btrfstune-enable-extended-inode-refs /dev/sda1", "btrfstune-enable-skinny-metadata-extent-refs /dev/sda1",
        // Quotas on the device (mounted in /tmp for the call), then on the mounted path.
        "btrfs-quota-enable /dev/sda1 true", "btrfs-quota-rescan /dev/sda1", "mount /dev/sda1 /",
        "btrfs-subvolume-create /sub1", "write /sub1/hello \"hello world\"", "btrfs-subvolume-snapshot /sub1 /snap1", "mkdir /dir",
        "btrfs-qgroup-create 1/100 /", "btrfs-qgroup-assign 0/256 1/100 /", "btrfs-qgroup-limit /sub1 10737418240",
        "btrfs-quota-rescan /", "sync", "btrfs-qgroup-show /", "btrfs-qgroup-remove 0/256 1/100 /",
        "btrfs-qgroup-destroy 1/100 /", "-btrfs-qgroup-destroy 9/9 /", "btrfs-subvolume-show /snap1",
        "-btrfs-subvolume-show /dir",
        // Balance and scrub: nothing running, then a scrub of this small filesystem.
        "btrfs-balance-status /", "-btrfs-balance-pause /", "-btrfs-balance-cancel /", "-btrfs-balance-resume /",
        "btrfs-scrub-start /", "-btrfs-scrub-cancel /", "-btrfs-scrub-resume /", "btrfs-scrub-start /",
        "btrfs-filesystem-defragment / flush:true compress:lzo", "btrfs-filesystem-defragment /sub1/hello compress:zlib",
        "-btrfs-filesystem-defragment / compress:zstd", "btrfs-scrub-status /", "-btrfs-scrub-status /missing",
        "btrfs-image /dev/sda1 /tmp/1.img", "btrfs-image /dev/sda1 /tmp/2.img compresslevel:2", "-btrfs-image \"\" /tmp/3.img",
        "btrfs-quota-enable / false", "umount /",
        // Seeding: btrfs_set_seeding ignores btrfstune's refusal to clear without -f.
        "btrfs-set-seeding /dev/sda1 true", "btrfs-set-seeding /dev/sda1 false", "-btrfstune-seeding /dev/sda1 true",
        "btrfstune-seeding /dev/sda1 false",
        // The bootloaders.
        "mkfs ext4 /dev/sda2", "mount /dev/sda2 /", "mkdir /boot", "extlinux /boot", "ls /boot", "-extlinux /nonexistent", "umount /",
        "mkfs vfat /dev/sda2", "syslinux /dev/sda2", "mount /dev/sda2 /", "ls /", "umount /",
        "syslinux /dev/sda2 directory:/syslinux", "-syslinux /dev/sdb",
    ]

    func testBtrfsMaintenanceAndBootloadersMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/btrfs-maintenance"
        var outputs: [String] = []
        for stock in [false, true] {
            let made = try Fixture.sh("rm -rf \(w); mkdir -p \(w); truncate -s 600M \(w)/1.img; truncate -s 100M \(w)/2.img")
            XCTAssertEqual(made.status, 0, made.err)
            try Data((Self.lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: w + "/script"))
            let r = try f.runTool("guestfish -a \(w)/1.img -a \(w)/2.img -f \(w)/script", stock: stock)
            XCTAssertEqual(r.status, 0, r.err)
            outputs.append(Self.masked(r.out + r.err))
        }
        let ours = outputs[0]
        for expected in ["true\n/dev/sda1\n", "btrfs_fsck: super block offset must be >= 0", "btrfsqgroup_id: 1/100\n",
                         "path: snap1\nName: snap1\n", "Snapshot(s): \nQuota group: 0/257\n", "btrfsbalance_status: none\n",
                         "btrfs_filesystem_defragment: unknown compress method: zstd", "btrfsscrub_tree_extents_scrubbed: ",
                         "btrfs_image: list of sources must be non-empty", "ldlinux.c32\nldlinux.sys\n"] {
            XCTAssertTrue(ours.contains(expected), "\(expected) not in:\n\(ours)")
        }
        XCTAssertEqual(ours, outputs[1])
    }

    /// The kernel gives each subvolume a random UUID and its creation time: those lines of
    /// btrfs-subvolume-show differ between any two runs.
    static func masked(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            for key in ["UUID: ", "Parent UUID: ", "Creation time: ", "Send time: "] where line.hasPrefix(key) { return key + "*" }
            return String(line)
        }.joined(separator: "\n")
    }
}
