import Foundation
import XCTest

/// LUKS on our appliance as on libguestfs's stock one: an installed Debian 12 laid out as
/// Debian's installer encrypts it (/boot ext2, then LVM on LUKS: a LUKS partition holding
/// the PV of vg0 with root and swap LVs), plus LUKS on LVM: vg1's LV `srv` is a LUKS
/// container whose filesystem the fstab mounts on /srv by UUID. Inspection with keys
/// (`--keys-from-stdin`: luks_uuid, cryptsetup_open, lvm_scan, then the LVs) and the
/// read-only tools print the same on both.
final class LUKSTests: XCTestCase {
    func testToolsWithKeysMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try LUKSGuestDisk.path(f)
        // Two encrypted devices take a key each.
        let keys = "printf 'debian\\ndebian\\n' | "
        let inspect = keys + "guestfish --ro -a \(disk) --keys-from-stdin -i inspect-get-roots"
            + " : inspect-get-mountpoints /dev/vg0/root : inspect-get-distro /dev/vg0/root"
            + " : inspect-get-hostname /dev/vg0/root : mounts : cat /srv/index.html : list-dm-devices"
        // virt-df takes no keys: it lists what is readable without them.
        let tools = [inspect, "virt-df -a \(disk)"] + ["virt-cat %@ /etc/hostname", "virt-ls -lR %@ /srv",
            "virt-filesystems --all --long %@", "virt-inspector %@"].map {
            keys + $0.replacingOccurrences(of: "%@", with: "--keys-from-stdin -a \(disk)")
        }
        var inspected = ""
        for tool in tools {
            let ours = try f.runTool(tool, stock: false)
            if tool == inspect { inspected = ours.out }
            let stock = try f.runTool(tool, stock: true)
            XCTAssertEqual(ours.status, 0, "\(tool): \(ours.err)")
            XCTAssertEqual(stock.status, 0, "\(tool) (stock): \(stock.err)")
            XCTAssertEqual(ours.out, stock.out, tool)
            XCTAssertEqual(ours.err, stock.err, tool)
        }
        XCTAssertTrue(inspected.hasPrefix("/dev/vg0/root\n/srv: /dev/mapper/luks-"), inspected)
        XCTAssertTrue(inspected.contains("/boot: /dev/sda1\n/: /dev/vg0/root\ndebian\ncryptguest\n"), inspected)
        XCTAssertTrue(inspected.contains("secret site\n"), inspected)
    }
}

/// The encrypted guest, made once per test run from the installed Debian 12 of
/// `DebianTree` by our appliance's own cryptsetup, lvm and mke2fs through the CLI (the
/// stock appliance here does not create the mapping after luks-open of a device it
/// formatted in the same session).
enum LUKSGuestDisk {
    static let made = LockedPath()

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let w = f.work + "/luks-guest", disk = w + "/luks.img", etc = w + "/etc"
        let srvUUID = "0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9"
        let script = """
            set -eu
            rm -rf \(w); mkdir -p \(etc)/etc \(w)/srv
            echo cryptguest > \(etc)/etc/hostname
            printf '%s\\n' '/dev/mapper/vg0-root / ext4 errors=remount-ro 0 1' 'LABEL=boot /boot ext2 defaults 0 2' \\
              '/dev/mapper/vg0-swap none swap sw 0 0' 'UUID=\(srvUUID) /srv ext4 defaults 0 2' > \(etc)/etc/fstab
            printf '%s\\n' 'sda2_crypt /dev/sda2 none luks,discard' 'srv_crypt /dev/vg1/srv none luks' > \(etc)/etc/crypttab
            tar -C \(etc) -cf \(w)/etc.tar etc
            echo secret site > \(w)/srv/index.html
            mkfs.ext4 -q -U \(srvUUID) -d \(w)/srv \(w)/srv.fs 16M
            truncate -s 640M \(disk)
            \(f.productsDir)/appliance run -a \(disk) -- part-init /dev/sda gpt : part-add /dev/sda p 2048 65535 \\
              : part-add /dev/sda p 65536 1171455 : part-add /dev/sda p 1171456 -2048 : mkfs ext2 /dev/sda1 label:boot \\
              : luks-format /dev/sda2 debian 0 : luks-open /dev/sda2 debian sda2_crypt : pvcreate /dev/mapper/sda2_crypt \\
              : vgcreate vg0 /dev/mapper/sda2_crypt : lvcreate root vg0 480 : lvcreate swap vg0 16 : mkfs ext4 /dev/vg0/root \\
              : mkswap /dev/vg0/swap : pvcreate /dev/sda3 : vgcreate vg1 /dev/sda3 : lvcreate srv vg1 40 \\
              : luks-format /dev/vg1/srv debian 0 : luks-open /dev/vg1/srv debian srv_crypt : upload \(w)/srv.fs /dev/mapper/srv_crypt \\
              : mount /dev/vg0/root / : tar-in \(try DebianTree.tarball(f)) / : tar-in \(w)/etc.tar / \\
              : mount /dev/sda1 /boot : write /boot/vmlinuz-6.1.0-1-amd64 kernel
            """
        let r = try Fixture.sh(script, environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        guard r.status == 0 else { throw GuestImageError(reason: "could not build the LUKS guest: \(r.err)") }
        made.set(disk)
        return disk
    }
}
