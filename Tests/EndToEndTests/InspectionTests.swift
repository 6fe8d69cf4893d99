import Foundation
import XCTest

/// Inspection and the inspection-driven tools (guestfish -i, virt-copy-out, virt-tar-out)
/// print the same on our appliance as on libguestfs's stock one, on a small fake Debian 12
/// made on the host with real tools.
final class InspectionTests: XCTestCase {
    func testGuestfishInspectionMatchesTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try FakeDebianDisk.path(f)
        let commands = ["inspect-get-roots", "inspect-get-type", "inspect-get-distro", "inspect-get-product-name",
                        "inspect-get-major-version", "inspect-get-minor-version", "inspect-get-arch", "inspect-get-hostname",
                        "inspect-get-mountpoints", "inspect-get-filesystems", "inspect-get-package-format",
                        "inspect-get-package-management", "inspect-get-format", "inspect-get-product-variant",
                        "inspect-get-osinfo", "inspect-is-live", "mounts"]
        let script = commands.map { $0 == "inspect-get-roots" || $0 == "mounts" ? $0 : "\($0) /dev/sda1" }
        let tool = "guestfish --ro -a \(disk) -i " + script.joined(separator: " : ")
        let ours = try f.runTool(tool, stock: false)
        let stock = try f.runTool(tool, stock: true)
        XCTAssertEqual(ours.status, 0, ours.err)
        XCTAssertEqual(stock.status, 0, stock.err)
        XCTAssertEqual(ours.out, stock.out)
        // os-release's VERSION_ID "12" has no minor, so debian_version ("12.5") names it;
        // Augeas hands the fstab back last entry first.
        XCTAssertEqual(ours.out, """
            /dev/sda1
            linux
            debian
            12.5
            12
            5
            x86_64
            fakedeb
            /srv: /dev/sda4
            /boot/efi: /dev/sda3
            /boot: /dev/sda2
            /: /dev/sda1
            /dev/sda4
            /dev/sda3
            /dev/sda2
            /dev/sda1
            deb
            apt
            installed
            unknown
            debian12
            false
            /dev/sda1
            /dev/sda4
            /dev/sda2
            /dev/sda3

            """)
    }

    /// virt-copy-out and virt-tar-out are `guestfish --ro -i copy-out|tar-out "$@"`: the
    /// guest's fstab decides what is mounted where. Our tar_out's compress=bzip2, xz and
    /// lzop (tools in our root) list what the stock appliance's plain tar lists.
    func testVirtCopyOutAndTarOutMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try FakeDebianDisk.path(f)
        var trees: [String] = []
        for stock in [false, true] {
            let dest = f.work + (stock ? "/copy-out-stock" : "/copy-out-ours")
            try Fixture.sh("rm -rf \(dest) && mkdir \(dest)")
            let r = try f.runTool("virt-copy-out -a \(disk) /etc /boot \(dest)", stock: stock)
            XCTAssertEqual(r.status, 0, r.err)
            // Names, types, modes, owners, sizes, link targets and contents.
            trees.append(try Fixture.sh("cd \(dest) && find . -printf '%M %u %g %s %l %p\\n' | sort"
                + " && find . -type f | sort | xargs sha256sum").out)
        }
        XCTAssertEqual(trees[0], trees[1])
        XCTAssertTrue(trees[0].contains("-rw------- root root 7  ./etc/ssh/ssh_host_key"), trees[0])
        XCTAssertTrue(trees[0].contains("./boot/efi/efi.txt"), trees[0])

        // Owners by number: the stock appliance has no passwd entry for root, so its tar
        // writes no owner names where ours writes "root".
        let listings: [(String, String)] = [("/ -", "tar tv --numeric-owner"), ("/usr - compress:gzip", "tar tvz --numeric-owner")]
        for (args, lister) in listings {
            let ours = try f.runTool("virt-tar-out -a \(disk) \(args) | \(lister)", stock: false)
            let stock = try f.runTool("virt-tar-out -a \(disk) \(args) | \(lister)", stock: true)
            XCTAssertEqual(ours.status, 0, ours.err)
            XCTAssertEqual(stock.status, 0, stock.err)
            XCTAssertFalse(stock.out.isEmpty, args)
            XCTAssertEqual(ours.out, stock.out, args)
            guard args.hasPrefix("/ ") else { continue }
            XCTAssertTrue(ours.out.contains("./usr/bin/ls"), ours.out)
            for (compress, decompress) in [("bzip2", "tar tvj --numeric-owner"), ("xz", "tar tvJ --numeric-owner"),
                                             ("lzop", "lzop -dc | tar tv --numeric-owner")] {
                let r = try f.runTool("virt-tar-out -a \(disk) / - compress:\(compress) | \(decompress)", stock: false)
                XCTAssertEqual(r.status, 0, "\(compress): \(r.err)")
                XCTAssertEqual(r.out, stock.out, compress)
            }
        }
    }

    /// virt-cat and virt-ls without -m inspect and mount what the fstab says (/boot by
    /// LABEL, the vfat /boot/efi by UUID).
    func testVirtCatAndLsOfAnInspectedGuestMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try FakeDebianDisk.path(f)
        for tool in ["virt-cat -a \(disk) /etc/hostname", "virt-ls -lR --checksum -a \(disk) /boot"] {
            let (ours, stock) = try f.runOnBoth(tool)
            XCTAssertEqual(ours, stock, tool)
        }
    }

    /// With -m naming the root that -i already mounted on /, both appliances refuse the
    /// second mount (the kernel's EBUSY for the same filesystem on the same directory),
    /// with mount(8)'s words.
    func testMountingTheInspectedRootAgainFailsOnBothAppliances() throws {
        let f = try Fixture.get()
        let disk = try FakeDebianDisk.path(f)
        let tool = "virt-copy-out -a \(disk) -m /dev/sda1 /etc \(f.work)"
        let ours = try f.runTool(tool, stock: false)
        let stock = try f.runTool(tool, stock: true)
        XCTAssertEqual(ours.status, 1, ours.err)
        XCTAssertEqual(stock.status, 1, stock.err)
        XCTAssertTrue(ours.err.contains("virt-copy-out: ‘/dev/sda1’ could not be mounted."), ours.err)
        // The same text but for the appliance's own name of the disk, which is sda or sdb
        // from boot to boot (the appliance root is probed first or last).
        func userNames(_ s: String) -> String { s.replacingOccurrences(of: "/dev/sdb1 already", with: "/dev/sda1 already") }
        XCTAssertEqual(userNames(ours.err), userNames(stock.err))
        XCTAssertTrue(userNames(ours.err).contains("mount_options: mount exited with status 32: mount: /sysroot: /dev/sda1 already mounted on /sysroot."),
                      ours.err)
    }
}

/// A fake Debian 12 on an MBR disk: ext4 root (by UUID in its fstab), ext4 /boot (by
/// LABEL), vfat /boot/efi (by UUID), ext4 /srv (as /dev/vda4); merged /usr with a real
/// ELF (the host's `true`) as /usr/bin/ls for the architecture.
enum FakeDebianDisk {
    static let made = LockedPath()

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let disk = f.work + "/debian.img", tree = f.work + "/debian-tree"
        try Fixture.sh(script(disk: disk, tree: tree))
        made.set(disk)
        return disk
    }

    static func script(disk: String, tree: String) -> String {
        """
        set -eu
        r=\(tree)/root; rm -rf \(tree); mkdir -p $r \(tree)/boot/efi \(tree)/srv
        mkdir -p $r/etc/apt/sources.list.d $r/etc/ssh $r/usr/bin $r/usr/sbin $r/usr/lib/x86_64-linux-gnu \
          $r/usr/share/doc/base $r/var/log $r/root $r/tmp $r/boot $r/srv $r/proc $r/sys $r/dev
        ln -s usr/bin $r/bin; ln -s usr/sbin $r/sbin; ln -s usr/lib $r/lib
        printf '%s\\n' 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' 'NAME="Debian GNU/Linux"' 'VERSION_ID="12"' \
          'VERSION="12 (bookworm)"' 'VERSION_CODENAME=bookworm' 'ID=debian' 'HOME_URL="https://www.debian.org/"' > $r/etc/os-release
        echo 12.5 > $r/etc/debian_version
        printf '# the name\\nfakedeb\\n' > $r/etc/hostname
        printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\tfakedeb\\n' > $r/etc/hosts
        cat > $r/etc/fstab <<'X'
        # /etc/fstab: static file system information.
        UUID=8d1ac4b2-5b6f-4b43-a2a5-0f1f2a3b4c5d /  ext4  errors=remount-ro 0 1
        LABEL=fakeboot  /boot      ext4   defaults   0 2
        UUID=ABCD-1234  /boot/efi  vfat   umask=0077 0 1
        /dev/vda4       /srv       ext4   defaults   0 2
        tmpfs           /tmp       tmpfs  defaults   0 0
        proc            /proc      proc   defaults   0 0
        /dev/sr0        /media/cdrom0 udf,iso9660 user,noauto 0 0
        X
        echo 'deb http://deb.debian.org/debian bookworm main' > $r/etc/apt/sources.list
        echo secret > $r/etc/ssh/ssh_host_key; chmod 600 $r/etc/ssh/ssh_host_key
        printf '#!/bin/sh\\necho hi\\n' > $r/etc/rc.local; chmod 755 $r/etc/rc.local
        ln -s /usr/share/zoneinfo/Etc/UTC $r/etc/localtime
        cp /usr/bin/true $r/usr/bin/ls; ln -s ls $r/usr/bin/dir; cp /usr/bin/true $r/usr/sbin/init
        echo 'Debian base' > $r/usr/share/doc/base/README
        echo 'log line' > $r/var/log/syslog
        echo kernel > \(tree)/boot/vmlinuz; echo site > \(tree)/srv/index.html; echo efi > \(tree)/efi.txt
        rm -f \(disk); truncate -s 96M \(disk)
        printf 'start=2048, size=98304, type=83\\nstart=100352, size=32768, type=83\\nstart=133120, size=16384, type=c\\nstart=149504, size=45056, type=83\\n' | sfdisk -q \(disk)
        mkfs.ext4 -q -F -U 8d1ac4b2-5b6f-4b43-a2a5-0f1f2a3b4c5d -d $r -E offset=$((2048*512)) \(disk) 48M
        mkfs.ext4 -q -F -L fakeboot -d \(tree)/boot -E offset=$((100352*512)) \(disk) 16M
        mkfs.fat --offset=133120 -i ABCD1234 -n EFI \(disk) 8192 >/dev/null
        mcopy -i \(disk)@@$((133120*512)) \(tree)/efi.txt ::/
        mkfs.ext4 -q -F -d \(tree)/srv -E offset=$((149504*512)) \(disk) 22M
        """
    }
}

final class LockedPath: @unchecked Sendable {
    private let lock = NSLock()
    private var path: String?
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return path }
    func set(_ p: String) { lock.lock(); path = p; lock.unlock() }
}
