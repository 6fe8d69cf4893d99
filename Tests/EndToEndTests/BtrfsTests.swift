import Foundation
import XCTest

/// btrfs subvolumes on our appliance as on libguestfs's stock one: an installed Debian 12
/// in Fedora's btrfs layout, one filesystem with subvolumes `root` and `home` that the
/// fstab mounts with subvol=, beside an ext4 /boot. list_filesystems names each
/// subvolume as a `btrfsvol:DEVICE/SUBVOL` mountable; inspection resolves the fstab to them.
final class BtrfsTests: XCTestCase {
    func testToolsOnABtrfsSubvolumeGuestMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try BtrfsGuestDisk.path(f)
        let root = "btrfsvol:/dev/sda2/root"
        let inspect = "guestfish --ro -a \(disk) -i inspect-get-roots : inspect-get-mountpoints \(root)"
            + " : inspect-get-filesystems \(root) : inspect-get-distro \(root) : inspect-get-hostname \(root)"
            + " : mounts : mountpoints : cat /home/user/notes.txt : list-filesystems"
            + " : btrfs-subvolume-list /dev/sda2 : btrfs-subvolume-get-default /home : is-lv \(root)"
        var inspected = ""
        for tool in ["virt-cat -a \(disk) /etc/hostname", "virt-ls -lR -a \(disk) /home", "virt-df -a \(disk)",
                     "virt-filesystems --all --long -a \(disk)", "virt-inspector -a \(disk)", inspect] {
            // The last tool is guestfish -i, whose output is checked below.
            let (ours, stockOut) = try f.runOnBoth(tool)
            // The stock library does not turn the device inside a btrfsvol: mountable back
            // into the caller's name: when its kernel probed its own root disk first (about
            // every other boot), virt-df prints that kernel's /dev/sdb2 for the one disk added.
            let stock = stockOut.replacingOccurrences(of: "btrfsvol:/dev/sdb", with: "btrfsvol:/dev/sda")
            XCTAssertEqual(ours, stock, tool)
            inspected = ours
        }
        XCTAssertTrue(inspected.hasPrefix("\(root)\n/boot: /dev/sda1\n/home: btrfsvol:/dev/sda2/home\n/: \(root)\n"), inspected)
        XCTAssertTrue(inspected.contains("debian\nbtrguest\n"), inspected)
        XCTAssertTrue(inspected.contains("hello home\n"), inspected)
    }
}

extension BtrfsTests {
    /// A filesystem over two disks, its devices and size changed, through real guestfish:
    /// the same output and errors on ours as on the stock appliance.
    func testMultiDeviceBtrfsProceduresMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/btrfs-pool"
        let lines = ["run", "mkfs-btrfs \"/dev/sda /dev/sdb\" label:pool datatype:single metadata:single", "list-filesystems",
                     "vfs-label /dev/sdb", "mount /dev/sda /", "write /hello \"hi there\"", "btrfs-filesystem-sync /",
                     "btrfs-filesystem-balance /", "btrfs-device-delete /dev/sdb /", "btrfs-filesystem-resize / size:268435456",
                     "btrfs-filesystem-resize /", "cat /hello", "-btrfs-filesystem-resize / size:0", "umount /",
                     "set-uuid /dev/sda 12345678-1234-1234-1234-123456789012", "vfs-uuid /dev/sda",
                     "-mkfs-btrfs /dev/sdb datatype:raid5", "-mkfs-btrfs /dev/sdb nodesize:3000"]
        var outputs: [String] = []
        for stock in [false, true] {
            let made = try Fixture.sh("rm -rf \(w); mkdir -p \(w); truncate -s 300M \(w)/1.img \(w)/2.img", environment: [:])
            XCTAssertEqual(made.status, 0, made.err)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: w + "/script"))
            let r = try f.runTool("guestfish -a \(w)/1.img -a \(w)/2.img -f \(w)/script", stock: stock)
            XCTAssertEqual(r.status, 0, r.err)
            outputs.append(r.out + r.err)
        }
        XCTAssertTrue(outputs[0].hasPrefix("/dev/sda: btrfs\n/dev/sdb: btrfs\npool\nhi there\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("mkfs_btrfs: datatype not one of the allowed values"), outputs[0])
        XCTAssertEqual(outputs[0], outputs[1])
    }
}

/// The btrfs guest, made once per test run through our CLI from the installed Debian 12
/// of `DebianTree`: mkfs.btrfs, two subvolumes made by btrfs(8) and filled through
/// `btrfsvol:` mounts; the system's own hostname and fstab written over it.
enum BtrfsGuestDisk {
    static let made = LockedPath()

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let w = f.work + "/btrfs-guest", disk = w + "/btrfs.img", etc = w + "/etc"
        let script = """
            set -eu
            rm -rf \(w); mkdir -p \(etc)/etc \(w)/home/user
            echo btrguest > \(etc)/etc/hostname
            printf '%s\\n' 'LABEL=debian / btrfs subvol=root,compress=zstd:1 0 0' 'LABEL=debian /home btrfs subvol=home 0 0' \\
              'LABEL=boot /boot ext4 defaults 0 2' > \(etc)/etc/fstab
            echo hello home > \(w)/home/user/notes.txt
            tar -C \(etc) -cf \(w)/etc.tar etc; tar -C \(w)/home -cf \(w)/home.tar .
            truncate -s 700M \(disk)
            \(f.productsDir)/appliance run -a \(disk) -- part-init /dev/sda gpt : part-add /dev/sda p 2048 65535 \\
              : part-add /dev/sda p 65536 -2048 : mkfs ext4 /dev/sda1 label:boot : mkfs btrfs /dev/sda2 label:debian \\
              : mount /dev/sda2 / : btrfs-subvolume-create /root : btrfs-subvolume-create /home : umount / \\
              : mount btrfsvol:/dev/sda2/root / : tar-in \(try DebianTree.tarball(f)) / : tar-in \(w)/etc.tar / : umount / \\
              : mount btrfsvol:/dev/sda2/home / : tar-in \(w)/home.tar /
            """
        let result = try Fixture.sh(script, environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        guard result.status == 0 else { throw GuestImageError(reason: "could not build the btrfs guest: \(result.err)") }
        made.set(disk)
        return disk
    }
}
