import Foundation
import XCTest

/// LUKS on our appliance as on libguestfs's stock one: a Fedora-like guest whose root is
/// an LV inside a LUKS container (LVM on LUKS, Fedora's encrypted layout) and whose /srv
/// is a filesystem directly on LUKS, found by its UUID. Inspection with keys (`guestfish
/// --keys-from-stdin -i`: luks_uuid, cryptsetup_open, lvm_scan, then the LVs) and
/// virt-cat with keys print the same on both.
final class LUKSTests: XCTestCase {
    func testInspectionWithKeysMatchesTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try LUKSGuestDisk.path(f)
        // Two encrypted partitions take a key each.
        let keys = "printf 'fedora\\nfedora\\n' | "
        let inspect = keys + "guestfish --ro -a \(disk) --keys-from-stdin -i inspect-get-roots"
            + " : inspect-get-mountpoints /dev/vg0/root : inspect-get-distro /dev/vg0/root"
            + " : inspect-get-hostname /dev/vg0/root : mounts : cat /srv/index.html : list-dm-devices"
        let cat = keys + "virt-cat --keys-from-stdin -a \(disk) /etc/hostname"
        for tool in [inspect, cat] {
            let ours = try f.runTool(tool, stock: false)
            let stock = try f.runTool(tool, stock: true)
            XCTAssertEqual(ours.status, 0, "\(tool): \(ours.err)")
            XCTAssertEqual(stock.status, 0, "\(tool) (stock): \(stock.err)")
            XCTAssertEqual(ours.out, stock.out, tool)
            XCTAssertEqual(ours.err, stock.err, tool)
        }
        let ours = try f.runTool(inspect, stock: false)
        XCTAssertTrue(ours.out.hasPrefix("/dev/vg0/root\n/srv: /dev/mapper/luks-"), ours.out)
        XCTAssertTrue(ours.out.contains("fedora\ncryptguest\n"), ours.out)
        XCTAssertTrue(ours.out.contains("secret site\n"), ours.out)
    }
}

/// The encrypted guest, made once per test run by our appliance's own cryptsetup, lvm
/// and mke2fs through the CLI (the stock appliance here does not create the mapping
/// after luks-open of a device it formatted in the same session).
enum LUKSGuestDisk {
    static let made = LockedPath()

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let w = f.work + "/luks-guest", disk = w + "/luks.img", r = w + "/root"
        let script = """
            set -eu
            rm -rf \(w); mkdir -p \(r)/etc \(r)/usr/bin \(r)/srv \(r)/boot \(w)/boot \(w)/srv
            ln -s usr/bin \(r)/bin
            printf '%s\\n' 'NAME="Fedora Linux"' 'VERSION="38 (Server Edition)"' 'ID=fedora' 'VERSION_ID=38' \
              'PRETTY_NAME="Fedora Linux 38 (Server Edition)"' > \(r)/etc/os-release
            echo 'Fedora release 38 (Thirty Eight)' > \(r)/etc/fedora-release; echo cryptguest > \(r)/etc/hostname
            printf '%s\\n' '/dev/mapper/vg0-root / ext4 defaults 0 1' 'LABEL=boot /boot ext2 defaults 0 2' \
              'UUID=0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9 /srv ext4 defaults 0 2' > \(r)/etc/fstab
            cp /usr/bin/true \(r)/usr/bin/ls; echo kernel > \(w)/boot/vmlinuz; echo secret site > \(w)/srv/index.html
            tar -C \(r) -cf \(w)/root.tar .; tar -C \(w)/boot -cf \(w)/boot.tar .
            mkfs.ext4 -q -U 0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9 -d \(w)/srv \(w)/srv.fs 16M
            truncate -s 200M \(disk)
            \(f.productsDir)/appliance run -a \(disk) -- part-init /dev/sda gpt : part-add /dev/sda p 2048 65535 \
              : part-add /dev/sda p 65536 327679 : part-add /dev/sda p 327680 -2048 : mkfs ext2 /dev/sda1 label:boot \
              : luks-format /dev/sda2 fedora 0 : luks-open /dev/sda2 fedora cryptroot : pvcreate /dev/mapper/cryptroot \
              : vgcreate vg0 /dev/mapper/cryptroot : lvcreate root vg0 96 : mkfs ext4 /dev/vg0/root \
              : luks-format /dev/sda3 fedora 0 : luks-open /dev/sda3 fedora cryptsrv : upload \(w)/srv.fs /dev/mapper/cryptsrv \
              : mount /dev/vg0/root / : tar-in \(w)/root.tar / : mount /dev/sda1 /boot : tar-in \(w)/boot.tar /boot
            """
        let r2 = try Fixture.sh(script, environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        guard r2.status == 0 else { throw GuestImageError(reason: "could not build the LUKS guest: \(r2.err)") }
        made.set(disk)
        return disk
    }
}
