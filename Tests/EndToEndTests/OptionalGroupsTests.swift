import Foundation
import XCTest

/// The single-tool groups through real guestfish on blank disks: scrub (a device, a file
/// through a link, free space), f2fs (mkfs, then f2fs-expand after the partition grew),
/// squashfs (mksquashfs to a host file, with compress and excludes), linuxmodules,
/// grub (whose grub-install, as on Debian's stock appliance, has no platform to install)
/// and selinux (getcon and setcon on a kernel whose LSM is AppArmor), with their
/// refusals; the same output on ours as on the stock appliance.
final class OptionalGroupsTests: XCTestCase {
    static func lines(_ w: String) -> [String] {
        [
            "run", "feature-available \"scrub f2fs squashfs linuxmodules grub selinux\"",
            "available \"scrub f2fs squashfs linuxmodules grub selinux\"",
            "getcon", "-setcon unconfined", "modprobe fat", "-modprobe nosuchmodule",
            "-grub-install / /dev/sda", "-scrub-file /x",
            "scrub-device /dev/sdc", "download /dev/sdc \(w)/scrubbed", "-scrub-device /dev/sda9", "-f2fs-expand /dev/sdc",
            "part-disk /dev/sda mbr", "mkfs ext4 /dev/sda1", "mount /dev/sda1 /", "mkdir /d", "write /d/a hello",
            "write /d/b world", "mkdir /d/sub", "write /d/sub/c x", "ln-s /d/a /d/link",
            "mksquashfs /d \(w)/all.sqfs", "mksquashfs /d \(w)/some.sqfs compress:xz \"excludes:b sub\"",
            "-mksquashfs /d \(w)/x.sqfs compress:foo", "-mksquashfs /nonexist \(w)/x.sqfs",
            "-mksquashfs /d \(w)/x.sqfs \"excludes:a\\nb\"",
            "-scrub-file /nonexist", "-scrub-file /d", "scrub-file /d/link", "ls /d",
            "scrub-freespace /free", "-scrub-freespace /d", "ls /", "-grub-install / /dev/sda",
            // A 64 MiB f2fs grown with its partition to the 128 MiB disk; refused mounted.
            "part-init /dev/sdb mbr", "part-add /dev/sdb p 2048 131071", "mkfs f2fs /dev/sdb1 label:small",
            "vfs-type /dev/sdb1", "vfs-label /dev/sdb1", "part-resize /dev/sdb 1 262143", "f2fs-expand /dev/sdb1",
            "mount /dev/sdb1 /d", "statvfs /d", "-f2fs-expand /dev/sdb1", "umount /d",
        ]
    }

    func testSingleToolGroupsMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/optional-groups"
        var outputs: [String] = []
        for stock in [false, true] {
            let made = try Fixture.sh("rm -rf \(w); mkdir -p \(w); truncate -s 32M \(w)/1.img; truncate -s 128M \(w)/2.img; truncate -s 4M \(w)/3.img")
            XCTAssertEqual(made.status, 0, made.err)
            try Data((Self.lines(w).joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: w + "/script"))
            let r = try f.runTool("guestfish -a \(w)/1.img -a \(w)/2.img -a \(w)/3.img -f \(w)/script", stock: stock)
            XCTAssertEqual(r.status, 0, r.err)
            // scrub's patterns end in random data: the 4 MiB disk is no longer all zeros.
            let scrubbed = try Data(contentsOf: URL(fileURLWithPath: w + "/scrubbed"))
            XCTAssertEqual(scrubbed.count, 4 << 20)
            XCTAssertTrue(scrubbed.contains { $0 != 0 }, "scrub-device left zeros")
            var text = r.out + r.err
            for image in ["all", "some"] {
                let listed = try Fixture.sh("unsquashfs -l \(w)/\(image).sqfs; unsquashfs -s \(w)/\(image).sqfs")
                XCTAssertEqual(listed.status, 0, listed.err)
                text += listed.out
            }
            outputs.append(Self.masked(text))
        }
        let ours = outputs[0]
        for expected in [
            "true\n", "unconfined\n\n", "setcon: setcon: Invalid argument", "FATAL: Module nosuchmodule not found",
            "grub_install_stub: you must call 'mount' first", "scrub_device_stub: /dev/sda9: No such file or directory",
            "Can't find a valid F2FS superblock", "Compressor \"foo\" is not supported!",
            "mksquashfs: excludes file patterns cannot contain \\n character", "scrub_file: malloc: No such file or directory",
            "scrub: /sysroot/d is wrong type of file", "b\nlink\nsub\n", "scrub: -X directory already exists", "d\nlost+found\n",
            "grub-install: error: /usr/lib/grub/i386-pc/modinfo.sh doesn't exist", "f2fs\nsmall\n", "blocks: 32000\n",
            "Error: Not available on mounted device!",
            "squashfs-root/a\nsquashfs-root/b\nsquashfs-root/link\nsquashfs-root/sub\nsquashfs-root/sub/c\n",
            "squashfs-root\nsquashfs-root/a\nsquashfs-root/link\nFound", "Compression xz\n",
        ] {
            XCTAssertTrue(ours.contains(expected), "\(expected) not in:\n\(ours)")
        }
        XCTAssertEqual(ours, outputs[1])
    }

    /// What differs between any two runs: the images' creation times and sizes (their
    /// compressed metadata holds the files' times), and an f2fs fsid, which is the
    /// kernel's number for the device (this kernel numbers the disks in probe order).
    static func masked(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            for key in ["Creation or last append time ", "Filesystem size ", "fsid: "] where line.hasPrefix(key) { return key + "*" }
            return String(line)
        }.joined(separator: "\n")
    }
}
