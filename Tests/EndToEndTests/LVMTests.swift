import Foundation
import XCTest

/// LVM2 on our appliance as on libguestfs's stock one: an installed Debian 12 laid out as
/// RHEL and Fedora install it (GPT, /boot ext2, a volume group with root, home and swap
/// LVs; its fstab names them as /dev/mapper/VG-LV and /dev/VG/LV), built by guestfish with
/// lvm2 and mkfs; and the LVM procedures driven by real guestfish.
final class LVMTests: XCTestCase {
    func testToolsOnAnLVMGuestMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try LVMGuestDisk.path(f)
        let inspect = "guestfish --ro -a \(disk) -i inspect-get-roots : inspect-get-mountpoints /dev/vg0/root"
            + " : inspect-get-filesystems /dev/vg0/root : inspect-get-hostname /dev/vg0/root : mounts"
            + " : mountpoints : umount /dev/vg0/home : mounts"
        var inspected = ""
        for tool in ["virt-cat -a \(disk) /etc/hostname", "virt-ls -lR -a \(disk) /home", "virt-df -a \(disk)",
                     "virt-filesystems --all --long -a \(disk)", "virt-inspector -a \(disk)", inspect] {
            // The last tool is guestfish -i, whose output is checked below.
            let (ours, stock) = try f.runOnBoth(tool)
            XCTAssertEqual(ours, stock, tool)
            inspected = ours
        }
        XCTAssertTrue(inspected.hasPrefix("/dev/vg0/root\n/home: /dev/vg0/home\n/boot: /dev/sda1\n/: /dev/vg0/root\n"), inspected)
    }

    /// Create, list, resize, rename, filter, deactivate and remove, on two blank disks:
    /// the same lines and the same errors (UUIDs, random by design, masked).
    func testLVMProceduresMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        var outputs: [String] = []
        for stock in [false, true] {
            let a = f.work + "/lvm-a.img", b = f.work + "/lvm-b.img"
            for disk in [a, b] {
                try? FileManager.default.removeItem(atPath: disk)
                XCTAssertTrue(FileManager.default.createFile(atPath: disk, contents: nil))
                try FileHandle(forWritingTo: URL(fileURLWithPath: disk)).truncate(atOffset: 200 << 20)
            }
            let script = f.work + "/lvm.fish"
            try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
            let r = try f.runTool("guestfish -a \(a) -a \(b) -f \(script)", stock: stock)
            XCTAssertEqual(r.status, 0, "\(stock ? "stock" : "ours"): \(r.err)")
            outputs.append(Self.maskingUUIDs(r.out + r.err))
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(outputs[0].contains("/dev/VG3/LV1\n/dev/VG3/LV3\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("lvcreate_free: percentage must be [0..100] (was 101)"), outputs[0])
    }

    static let script = """
        run
        part-disk /dev/sda mbr
        pvcreate /dev/sda1
        pvcreate /dev/sdb
        vgcreate VG2 "/dev/sda1 /dev/sdb"
        lvcreate LV1 VG2 64
        lvcreate-free LV2 VG2 50
        lvs
        vgs
        pvs
        mkfs ext4 /dev/VG2/LV1
        list-filesystems
        lvresize /dev/VG2/LV1 80
        lvresize /dev/VG2/LV1 80
        lvresize-free /dev/VG2/LV2 100
        lvrename /dev/VG2/LV2 /dev/VG2/LV3
        vgrename VG2 VG3
        lvs
        lvs-full
        vgs-full
        pvs-full
        vglvuuids VG3
        is-lv /dev/VG3/LV1
        is-lv /dev/sdb
        lvm-canonical-lv-name /dev/mapper/VG3-LV3
        list-dm-devices
        mount /dev/VG3/LV1 /
        write /f "on an LV"
        mounts
        umount /dev/VG3/LV1
        lvm-set-filter "/dev/sda1 /dev/sdb"
        lvs
        lvm-clear-filter
        vg-activate-all false
        lvs
        list-dm-devices
        vg-activate-all true
        mount-ro /dev/VG3/LV1 /
        cat /f
        umount-all
        lvremove /dev/VG3/LV3
        lvs
        -lvm-canonical-lv-name /dev/sda1
        -lvm-canonical-lv-name sda1
        -lvcreate-free X VG3 101
        -vgremove NOPE
        lvm-remove-all
        pvs
        vgs

        """

    /// LVM's UUIDs (6-4-4-4-4-4-6 or 32 plain characters after a "uuid:" field name).
    static func maskingUUIDs(_ text: String) -> String {
        text.replacingOccurrences(of: #"[A-Za-z0-9]{6}(-[A-Za-z0-9]{4}){5}-[A-Za-z0-9]{6}"#, with: "UUID", options: .regularExpression)
            .replacingOccurrences(of: #"_uuid: [A-Za-z0-9]{32}"#, with: "_uuid: UUID", options: .regularExpression)
    }
}

struct GuestImageError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// The LVM guest, made once per test run by guestfish on our appliance (its lvm2, mkfs
/// and mkswap; three times faster than the stock one under TCG) from the installed
/// Debian 12 of `DebianTree`. The tools then read it on both appliances.
enum LVMGuestDisk {
    static let made = LockedPath()

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let disk = f.work + "/lvm-guest.img"
        let r = try Fixture.sh(script(disk: disk, tree: try DebianTree.tarball(f)),
                               environment: f.toolEnvironment(stock: false))
        guard r.status == 0 else { throw GuestImageError(reason: "guestfish could not build the LVM guest: \(r.err)") }
        made.set(disk)
        return disk
    }

    static func script(disk: String, tree: String) -> String {
        """
        set -eu
        rm -f \(disk)
        guestfish -N \(disk)=disk:700M <<X
        part-init /dev/sda gpt
        part-add /dev/sda p 2048 67583
        part-add /dev/sda p 67584 -2048
        mkfs ext2 /dev/sda1 label:boot
        pvcreate /dev/sda2
        vgcreate vg0 /dev/sda2
        lvcreate root vg0 500
        lvcreate home vg0 24
        lvcreate swap vg0 16
        mkfs ext4 /dev/vg0/root
        mkfs ext4 /dev/vg0/home
        mkswap /dev/vg0/swap
        mount /dev/vg0/root /
        tar-in \(tree) /
        write /etc/hostname "lvmguest\\n"
        write /etc/fstab "/dev/mapper/vg0-root / ext4 errors=remount-ro 0 1\\nLABEL=boot /boot ext2 defaults 0 2\\n/dev/vg0/home /home ext4 defaults 0 2\\n/dev/mapper/vg0-swap none swap sw 0 0\\n"
        mount /dev/sda1 /boot
        write /boot/vmlinuz-6.1.0-1-amd64 "kernel"
        mount /dev/vg0/home /home
        mkdir /home/user
        write /home/user/notes.txt "home file\\n"
        X
        """
    }
}
