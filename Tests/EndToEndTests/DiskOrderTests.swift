import Foundation
import XCTest

/// libguestfs's launcher puts every disk and the appliance root on one virtio-scsi
/// controller, and the kernel probes SCSI disks in parallel: on a busy host the names it
/// gives them change from boot to boot. The user's names must not: /dev/sda is the first
/// disk added, in every launch, and the first reply already sees every disk. The layout is
/// libguestfs's regression test for the order of added images (two partitioned disks
/// around a blank one); before the fix, 3 of 8 loaded launches named the first disk's
/// partitions /dev/sdb1 and /dev/sdb2.
final class DiskOrderTests: XCTestCase {
    static let launches = 12

    func testThreeSCSIDisksKeepTheirNamesInEveryLaunchOnABusyHost() throws {
        let f = try Fixture.get()
        let disks = (1 ... 3).map { f.work + "/order-\($0).img" }
        for (i, path) in disks.enumerated() {
            try Fixture.sh("rm -f \(path) && truncate -s \(i == 1 ? "4M" : "512M") \(path)")
            if i != 1 { try Fixture.sh("printf 'size=100MiB, type=83\\nsize=100MiB, type=83\\n' | sfdisk -q \(path)") }
        }
        let expected = "/dev/sda\n/dev/sdb\n/dev/sdc\n/dev/sda1\n/dev/sda2\n/dev/sdc1\n/dev/sdc2\n"
        let env = [
            "LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_PATH": f.appliance.directory,
            "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg", "LIBGUESTFS_CACHEDIR": f.work, "LIBGUESTFS_TMPDIR": f.work,
        ]
        // Both cores busy, as on a loaded CI host: that is when the probe order varies.
        let load = try (0 ..< 2).map { _ in
            try Process.run(URL(fileURLWithPath: "/usr/bin/timeout"), arguments: ["300", "sh", "-c", "while :; do :; done"])
        }
        defer { for p in load { p.terminate(); p.waitUntilExit() } }

        let adds = disks.map { "-a \($0)" }.joined(separator: " ")
        var wrong: [String] = []
        for launch in 1 ... Self.launches {
            let r = try Fixture.sh("guestfish --ro --format=raw \(adds) run : list-devices : list-partitions", environment: env)
            XCTAssertEqual(r.status, 0, r.err)
            if r.out != expected { wrong.append("launch \(launch): \(r.out.split(separator: "\n").joined(separator: " "))") }
        }
        XCTAssertEqual(wrong, [], "every launch names the disks in the order added")
    }
}
