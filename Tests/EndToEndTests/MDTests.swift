import Foundation
import XCTest

/// md RAID on our appliance as on libguestfs's stock one: arrays assembled at launch (a
/// guest whose root is a RAID1 named /dev/md0 in its fstab and mdadm.conf, built by the
/// stock appliance's mdadm), and the md procedures driven by real guestfish on blank
/// disks with the same lines and errors (array UUIDs, random by design, masked).
final class MDTests: XCTestCase {
    func testToolsOnAnMDGuestMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let (a, b) = try MDGuestDisks.paths(f)
        let disks = "-a \(a) -a \(b)"
        let inspect = "guestfish --ro \(disks) -i inspect-get-roots : mountpoints : mounts : list-md-devices"
            + " : list-filesystems : list-partitions : list-devices : cat /etc/hostname"
        for tool in ["virt-ls -lR \(disks) /etc", "virt-filesystems --all --long \(disks)", inspect] {
            let (ours, stock) = try f.runOnBoth(tool)
            XCTAssertEqual(Self.maskingDisks(Self.sortingParents(ours)), Self.maskingDisks(Self.sortingParents(stock)), tool)
        }
        // The fstab's /dev/md0 is the array mdadm.conf gives its UUID, whatever its
        // number in the appliance.
        let ours = try f.runTool(inspect, stock: false)
        XCTAssertTrue(ours.out.hasPrefix("/dev/md127\n"), ours.out)
        let fs = try f.runTool("virt-filesystems --all --long \(disks)", stock: false)
        XCTAssertTrue(fs.out.contains("/dev/md127 filesystem ext4    mdroot -   54432768 /dev/sda2,/dev/sdb2\n"), fs.out)
        XCTAssertTrue(ours.out.contains("/dev/md127: /\n"), ours.out)
        XCTAssertTrue(ours.out.contains("/dev/sda1: /boot\n"), ours.out)
    }

    /// Arrays are numbered down from md127 in creation order on both; md_stat takes
    /// only /dev/mdN (it drops "/dev/" and looks for the rest in /proc/mdstat). Nothing
    /// is listed after md_stop: the stock appliance's udev may assemble the stopped
    /// array again at any moment.
    func testMDProceduresMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        var outputs: [String] = []
        for stock in [false, true] {
            let a = f.work + "/md-a.img", b = f.work + "/md-b.img"
            try Fixture.sh("rm -f \(a) \(b) && truncate -s 64M \(a) \(b)")
            let script = f.work + "/md.fish"
            try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
            let r = try f.runTool("guestfish -a \(a) -a \(b) -f \(script)", stock: stock)
            XCTAssertEqual(r.status, 0, "\(stock ? "stock" : "ours"): \(r.err)")
            outputs.append(Self.masking(r.out + r.err))
        }
        // Line order too: md_detail lists members in the order of the kernel's names.
        XCTAssertEqual(Self.maskingDisks(outputs[0]).split(separator: "\n").sorted(),
                       Self.maskingDisks(outputs[1]).split(separator: "\n").sorted())
        XCTAssertTrue(outputs[0].contains("unknown level parameter: raid7"), outputs[0])
        // Ours names members as the caller does, in /proc/mdstat's order (newest first).
        XCTAssertTrue(outputs[0].contains("mdstat_device: /dev/sdb1\n  mdstat_index: 1\n  mdstat_flags: \n}\n"
            + "[1] = {\n  mdstat_device: /dev/sda1\n  mdstat_index: 0\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("device_dev_sdb1_role: 1\ndevice_dev_sdb1_dev: /dev/sdb1\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("md_stat: sda: MD device not found"), outputs[0])
        XCTAssertTrue(outputs[0].contains("on a mirror\n"), outputs[0])
    }

    static let script = """
        run
        part-init /dev/sda mbr
        part-add /dev/sda p 2048 67583
        part-add /dev/sda p 67584 -2048
        part-init /dev/sdb mbr
        part-add /dev/sdb p 2048 67583
        part-add /dev/sdb p 67584 -2048
        md-create mirror "/dev/sda1 /dev/sdb1"
        md-create stripe "/dev/sda2 /dev/sdb2" level:raid0 chunk:65536
        list-md-devices
        md-stat /dev/md127
        md-stat /dev/md126
        -md-stat /dev/md/mirror
        md-detail /dev/md/mirror
        md-detail /dev/md/stripe
        mkfs ext4 /dev/md/mirror
        mkfs ext2 /dev/md/stripe
        list-filesystems
        mount /dev/md/mirror /
        write /f "on a mirror\\n"
        cat /f
        umount-all
        -md-create x "/dev/sda1" level:raid7
        -md-create x "/dev/sda1" nrdevices:1
        -md-create x "/dev/sda1" spare:-1
        -md-create x "/dev/sda1 /dev/sdb1" chunk:1000
        -md-create x "/dev/sda1" nrdevices:3
        -md-stat /dev/sda
        md-stop /dev/md/stripe

        """

    /// Members' names: the stock daemon answers md_stat and md_detail (and so
    /// virt-filesystems' parents) with its kernel's names, which on a busy host follow
    /// the parallel probe order (the user's /dev/sdb can be its /dev/sdc); ours are the
    /// caller's names, checked on their own.
    static func maskingDisks(_ text: String) -> String {
        text.replacingOccurrences(of: #"(/dev/|dev_|md_stat: )sd[a-z]"#, with: "$1sdX", options: .regularExpression)
    }

    /// virt-filesystems' parents of an array come in /proc/mdstat's order, which on the
    /// stock appliance depends on which member its udev saw first: sorted here.
    static func sortingParents(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard let last = line.split(separator: " ").last, last.contains(",") else { return String(line) }
            return line.dropLast(last.count) + last.split(separator: ",").sorted().joined(separator: ",")
        }.joined(separator: "\n")
    }

    /// Array UUIDs (four groups of 8 hex digits).
    static func masking(_ text: String) -> String {
        text.replacingOccurrences(of: #"[0-9a-f]{8}(:[0-9a-f]{8}){3}"#, with: "UUID", options: .regularExpression)
    }
}

/// Two disks: /boot (ext2, label boot) on the first's partition 1, a RAID1 of both
/// disks' partition 2 holding the root (ext4, label mdroot), whose fstab mounts /dev/md0
/// and whose /etc/mdadm/mdadm.conf gives /dev/md0 the array's UUID. Made once per run by
/// the stock appliance.
enum MDGuestDisks {
    static let made = LockedPath()

    static func paths(_ f: Fixture) throws -> (String, String) {
        let a = f.work + "/md-guest-a.img", b = f.work + "/md-guest-b.img"
        if made.get() != nil { return (a, b) }
        let tree = f.work + "/md-tree"
        let script = """
            set -eu
            rm -rf \(tree) \(a) \(b); mkdir -p \(tree)/etc/mdadm \(tree)/usr/bin \(tree)/usr/sbin
            truncate -s 80M \(a) \(b)
            guestfish -a \(a) -a \(b) <<X
            run
            part-init /dev/sda mbr
            part-add /dev/sda p 2048 34815
            part-add /dev/sda p 34816 -2048
            part-init /dev/sdb mbr
            part-add /dev/sdb p 2048 34815
            part-add /dev/sdb p 34816 -2048
            mkfs ext2 /dev/sda1 label:boot
            md-create rootdev "/dev/sda2 /dev/sdb2"
            mkfs ext4 /dev/md/rootdev label:mdroot
            X
            uuid=$(guestfish --ro -a \(a) -a \(b) run : md-detail /dev/md/rootdev | sed -n 's/^uuid: //p')
            test -n "$uuid"
            r=\(tree)
            printf '%s\\n' 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' 'NAME="Debian GNU/Linux"' 'VERSION_ID="12"' \
              'VERSION="12 (bookworm)"' 'ID=debian' > $r/etc/os-release
            echo 12.7 > $r/etc/debian_version
            echo raidguest > $r/etc/hostname
            printf '%s\\n' '/dev/md0 / ext4 errors=remount-ro 0 1' 'LABEL=boot /boot ext2 defaults 0 2' > $r/etc/fstab
            printf '%s\\n' 'HOMEHOST <system>' "ARRAY /dev/md0 metadata=1.2 name=raidguest:0 UUID=$uuid" > $r/etc/mdadm/mdadm.conf
            cp /usr/bin/true $r/usr/bin/ls; cp /usr/bin/true $r/usr/sbin/init
            ln -s usr/bin $r/bin; ln -s usr/sbin $r/sbin
            tar -C $r -cf \(tree).tar .
            guestfish -a \(a) -a \(b) <<X
            run
            mount /dev/md/rootdev /
            tar-in \(tree).tar /
            mkdir /boot
            mount /dev/sda1 /boot
            write /boot/vmlinuz-6.1.0-1-amd64 "kernel"
            X
            """
        let r = try Fixture.sh(script, environment: ["LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg",
                                                     "LIBGUESTFS_TMPDIR": f.work])
        guard r.status == 0 else { throw GuestImageError(reason: "the stock appliance could not build the md guest: \(r.err)") }
        made.set(a)
        return (a, b)
    }
}
