import Foundation
import XCTest

/// btrfs subvolumes on our appliance as on libguestfs's stock one: Fedora's layout, one
/// btrfs filesystem with subvolumes `root` and `home` that the fstab mounts with
/// subvol=, beside an ext4 /boot. list_filesystems names each subvolume as a
/// `btrfsvol:DEVICE/SUBVOL` mountable; inspection resolves the fstab to them.
final class BtrfsTests: XCTestCase {
    func testToolsOnABtrfsSubvolumeGuestMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try BtrfsGuestDisk.path(f)
        let root = "btrfsvol:/dev/sda2/root"
        let inspect = "guestfish --ro -a \(disk) -i inspect-get-roots : inspect-get-mountpoints \(root)"
            + " : inspect-get-filesystems \(root) : inspect-get-distro \(root) : inspect-get-hostname \(root)"
            + " : mounts : mountpoints : cat /home/user/notes.txt : list-filesystems"
            + " : btrfs-subvolume-list /dev/sda2 : btrfs-subvolume-get-default /home : is-lv \(root)"
        for tool in [inspect, "virt-filesystems --all --long -a \(disk)", "virt-cat -a \(disk) /etc/hostname"] {
            let ours = try f.runTool(tool, stock: false)
            let stock = try f.runTool(tool, stock: true)
            XCTAssertEqual(ours.status, 0, "\(tool): \(ours.err)")
            XCTAssertEqual(stock.status, 0, "\(tool) (stock): \(stock.err)")
            XCTAssertEqual(ours.out, stock.out, tool)
        }
        let ours = try f.runTool(inspect, stock: false)
        XCTAssertTrue(ours.out.hasPrefix("\(root)\n/boot: /dev/sda1\n/home: btrfsvol:/dev/sda2/home\n/: \(root)\n"), ours.out)
        XCTAssertTrue(ours.out.contains("hello home\n"), ours.out)
    }
}

/// The btrfs guest, made once per test run through our CLI: mkfs.btrfs, two subvolumes
/// made by btrfs(8) and filled through `btrfsvol:` mounts.
enum BtrfsGuestDisk {
    static let made = LockedPath()

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let w = f.work + "/btrfs-guest", disk = w + "/btrfs.img", r = w + "/root"
        let script = """
            set -eu
            rm -rf \(w); mkdir -p \(r)/etc \(r)/usr/bin \(r)/boot \(r)/home \(w)/home/user
            ln -s usr/bin \(r)/bin
            printf '%s\\n' 'NAME="Fedora Linux"' 'VERSION="38 (Workstation Edition)"' 'ID=fedora' 'VERSION_ID=38' > \(r)/etc/os-release
            echo 'Fedora release 38 (Thirty Eight)' > \(r)/etc/fedora-release; echo btrguest > \(r)/etc/hostname
            printf '%s\\n' 'LABEL=fedora / btrfs subvol=root,compress=zstd:1 0 0' 'LABEL=fedora /home btrfs subvol=home 0 0' \
              'LABEL=boot /boot ext4 defaults 0 2' > \(r)/etc/fstab
            cp /usr/bin/true \(r)/usr/bin/ls; echo hello home > \(w)/home/user/notes.txt
            tar -C \(r) -cf \(w)/root.tar .; tar -C \(w)/home -cf \(w)/home.tar .
            truncate -s 300M \(disk)
            \(f.productsDir)/appliance run -a \(disk) -- part-init /dev/sda gpt : part-add /dev/sda p 2048 65535 \
              : part-add /dev/sda p 65536 -2048 : mkfs ext4 /dev/sda1 label:boot : mkfs btrfs /dev/sda2 label:fedora \
              : mount /dev/sda2 / : btrfs-subvolume-create /root : btrfs-subvolume-create /home : umount / \
              : mount btrfsvol:/dev/sda2/root / : tar-in \(w)/root.tar / : umount / \
              : mount btrfsvol:/dev/sda2/home / : tar-in \(w)/home.tar /
            """
        let result = try Fixture.sh(script, environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        guard result.status == 0 else { throw GuestImageError(reason: "could not build the btrfs guest: \(result.err)") }
        made.set(disk)
        return disk
    }
}
