import Foundation
import GuestProtocol
import XCTest

/// inspect_os in host test mode against a recorded /sys and /dev whose partition nodes
/// are ext4 images: guestd mounts each read-only on its sysroot (loop devices, so root
/// only; in a private mount namespace, so nothing outlives it) and reads the release
/// files, ELF headers, hostnames and fstab as the real daemon does.
final class InspectionProcedureTests: XCTestCase {
    private var base: URL!

    override func tearDownWithError() throws { if let base { try? FileManager.default.removeItem(at: base) } }

    static let rootUUID = "0b5c3a9e-8a11-4d2c-9a3e-6f1e2d3c4b5a"

    /// sda1: a Debian 12 root whose fstab exercises every kind of spec; sda2 (LABEL
    /// "boot"): a bare root; sda3: a separate /usr holding Fedora 39's os-release; sda4:
    /// a root with no release file whose fstab mounts sda3 on /usr.
    private func recordedDisk() throws -> (sysfs: String, dev: String, sysroot: String) {
        guard getuid() == 0 else { throw XCTSkip("mounting images needs root") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { throw XCTSkip("no unshare") }
        base = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID().uuidString)")
        let b = base.path
        let fstab = """
            UUID=\(Self.rootUUID) / ext4 defaults 0 1  # the root
            LABEL="boot" //boot// ext4 defaults 0 2
            /dev/vda3 /srv ext4 defaults 0 2
            /dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part2 /data ext4 defaults 0 0
            UUID=00000000-dead-beef-0000-000000000000 /missing ext4 defaults 0 0
            /dev/cdrom /mnt/cd iso9660 noauto 0 0
            /dev/sdb1 /other ext4 defaults 0 0
            /dev/sda9 /nine ext4 defaults 0 0
            none /run tmpfs defaults 0 0
            /dev/vda1 /media/usb auto noauto 0 0
            /dev/vda2 /both ext4,vfat defaults 0 0
            proc /proc proc defaults 0 0
            /dev/vda2 /short

            """
        // A big-endian 64-bit PowerPC ELF header: only e_ident, e_type and e_machine count.
        let ppc64 = "\\177ELF\\002\\002\\001" + String(repeating: "\\000", count: 9) + "\\000\\002\\000\\025"
        try makeImages("""
            set -eu
            mkdir -p \(b)/sys/block/sda/sda1 \(b)/sys/block/sda/sda2 \(b)/sys/block/sda/sda3 \(b)/sys/block/sda/sda4 \(b)/dev \(b)/sysroot
            d=\(b)/debian; mkdir -p $d/etc $d/usr/bin; ln -s usr/bin $d/bin
            printf '%s\\n' 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' 'VERSION_ID="12"' 'ID=debian' > $d/etc/os-release
            echo 12.5 > $d/etc/debian_version
            printf '# comment\\n\\nfakedeb\\n' > $d/etc/hostname
            cat > $d/etc/fstab <<'EOF'
            \(fstab)EOF
            cp /usr/bin/true $d/usr/bin/ls
            f=\(b)/fedora; mkdir -p $f/etc $f/bin $f/usr
            echo '127.0.0.1 localhost' > $f/etc/hosts
            echo fedora.example.com > $f/etc/HOSTNAME
            echo '/dev/sda3 /usr ext4 defaults 0 0' > $f/etc/fstab
            printf '\(ppc64)' > $f/bin/bash; cp /usr/bin/true $f/bin/ls
            u=\(b)/usr; mkdir -p $u/bin $u/local $u/share $u/src $u/lib
            printf '%s\\n' 'NAME="Fedora Linux"' 'VERSION_ID=39' 'ID=fedora' "PRETTY_NAME='Fedora Linux 39 (Server Edition)'" > $u/lib/os-release
            touch $u/bin/dnf
            : > \(b)/dev/sda
            mkfs.ext4 -q -F -U \(Self.rootUUID) -d $d \(b)/dev/sda1 8M
            e=\(b)/bare; mkdir -p $e/etc $e/bin; echo '127.0.0.1 localhost' > $e/etc/hosts
            mkfs.ext4 -q -F -L boot -d $e \(b)/dev/sda2 8M
            mkfs.ext4 -q -F -d $u \(b)/dev/sda3 8M
            mkfs.ext4 -q -F -d $f \(b)/dev/sda4 8M
            """)
        return (b + "/sys", b + "/dev", b + "/sysroot")
    }

    func testInspectionOfRecordedDisks() throws {
        let t = try recordedDisk()
        let daemon = try GuestdHarness(sysroot: t.sysroot, extraArguments: ["--sysfs", t.sysfs, "--dev", t.dev],
                                       wrapper: ["/usr/bin/unshare", "--mount", "--propagation", "private"])
        XCTAssertEqual(try daemon.call(.inspectGetRoots).strings(), [])
        XCTAssertEqual(try daemon.call(.inspectGetType, ["/dev/sda1"]).error?.message, "no inspection data: call guestfs_inspect_os first")

        XCTAssertEqual(try daemon.call(.inspectOS).strings(), ["/dev/sda1", "/dev/sda2", "/dev/sda4"])
        XCTAssertEqual(try daemon.call(.inspectGetRoots).strings(), ["/dev/sda1", "/dev/sda2", "/dev/sda4"])
        XCTAssertEqual(try daemon.call(.mounts).strings(), [], "inspection leaves nothing mounted")

        // Debian: os-release has no minor version, so debian_version names the release.
        let debian: [(Procedure, String)] = [
            (.inspectGetType, "linux"), (.inspectGetDistro, "debian"), (.inspectGetProductName, "12.5"),
            (.inspectGetArch, "x86_64"), (.inspectGetHostname, "fakedeb"), (.inspectGetPackageFormat, "deb"),
            (.inspectGetPackageManagement, "apt"), (.inspectGetFormat, "installed"), (.inspectGetProductVariant, "unknown"),
        ]
        for (proc, value) in debian { XCTAssertEqual(try daemon.call(proc, ["/dev/sda1"]).string(), value, proc.name) }
        XCTAssertEqual(try daemon.call(.inspectGetMajorVersion, ["/dev/sda1"]).int(), 12)
        XCTAssertEqual(try daemon.call(.inspectGetMinorVersion, ["/dev/sda1"]).int(), 5)
        XCTAssertEqual(try daemon.call(.inspectIsLive, ["/dev/sda1"]).bool(), false)
        // Last entry first; UUID=, LABEL="…" (unquoted), /dev/vdX (by drive letter), by-id
        // on the only disk, and unknown names kept; unresolvable UUIDs, CD-ROMs, pseudo
        // filesystems, /media, several types and short lines dropped.
        XCTAssertEqual(try daemon.call(.inspectGetMountpoints, ["/dev/sda1"]).strings(), [
            "/nine", "/dev/sda9", "/other", "/dev/sdb1", "/data", "/dev/sda2", "/srv", "/dev/sda3",
            "/boot", "/dev/sda2", "/", "/dev/sda1",
        ])
        XCTAssertEqual(try daemon.call(.inspectGetFilesystems, ["/dev/sda1"]).strings(),
                       ["/dev/sda9", "/dev/sdb1", "/dev/sda2", "/dev/sda3", "/dev/sda2", "/dev/sda1"])

        // The Fedora root knows its distribution only from the /usr its fstab names
        // (merged in where the root found nothing). That /usr was judged alone, where
        // /usr/bin/dnf is not a path, so it says yum, as the real daemon does. The root's
        // own first binary (a PowerPC 64 MSB /bin/bash) gives the architecture.
        let fedora: [(Procedure, String)] = [
            (.inspectGetDistro, "fedora"), (.inspectGetProductName, "Fedora Linux 39 (Server Edition)"),
            (.inspectGetArch, "ppc64"), (.inspectGetHostname, "fedora.example.com"),
            (.inspectGetPackageFormat, "rpm"), (.inspectGetPackageManagement, "yum"),
        ]
        for (proc, value) in fedora { XCTAssertEqual(try daemon.call(proc, ["/dev/sda4"]).string(), value, proc.name) }
        XCTAssertEqual(try daemon.call(.inspectGetMajorVersion, ["/dev/sda4"]).int(), 39)
        XCTAssertEqual(try daemon.call(.inspectGetMinorVersion, ["/dev/sda4"]).int(), 0)
        XCTAssertEqual(try daemon.call(.inspectGetMountpoints, ["/dev/sda4"]).strings(), ["/usr", "/dev/sda3"])
        XCTAssertEqual(try daemon.call(.inspectGetFilesystems, ["/dev/sda4"]).strings(), ["/dev/sda3"])
        // A bare root (/etc/hosts, /bin) has no facts: "unknown", 0; without fstab it is
        // mounted alone on "/".
        for proc in [Procedure.inspectGetDistro, .inspectGetProductName, .inspectGetArch, .inspectGetHostname, .inspectGetPackageFormat] {
            XCTAssertEqual(try daemon.call(proc, ["/dev/sda2"]).string(), "unknown", proc.name)
        }
        XCTAssertEqual(try daemon.call(.inspectGetType, ["/dev/sda2"]).string(), "linux")
        XCTAssertEqual(try daemon.call(.inspectGetMajorVersion, ["/dev/sda2"]).int(), 0)
        XCTAssertEqual(try daemon.call(.inspectGetMountpoints, ["/dev/sda2"]).strings(), ["/", "/dev/sda2"])
        XCTAssertEqual(try daemon.call(.inspectGetFilesystems, ["/dev/sda2"]).strings(), ["/dev/sda2"])

        let notRoot = try daemon.call(.inspectGetType, ["/dev/sda3"]).error?.message ?? ""
        XCTAssertTrue(notRoot.hasSuffix("/dev/sda3: root device not found: only call this function with a root device previously returned by guestfs_inspect_os"), notRoot)
        XCTAssertEqual(try daemon.call(.inspectGetWindowsSystemroot, ["/dev/sda1"]).error?.message,
                       "not a Windows guest, or systemroot could not be determined")
    }
}
