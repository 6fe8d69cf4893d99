import Foundation
import XCTest

/// findfs_uuid and findfs_label through real guestfish: the same devices and the same
/// errors on our appliance as on libguestfs's stock one.
final class FindfsTests: XCTestCase {
    func testFindfsMatchesTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/findfs", disk = w + "/d.img"
        let made = try Fixture.sh("""
            set -e; rm -rf \(w); mkdir -p \(w); truncate -s 64M \(disk)
            printf 'label: dos\\n,30M\\n,\\n' | sfdisk -q \(disk)
            \(f.productsDir)/appliance run -a \(disk) -- mkfs ext4 /dev/sda1 label:one : mkfs ext2 /dev/sda2 label:two \
              : set-uuid /dev/sda2 0e3d7c5e-1111-4222-8333-444455556666
            printf '%s\\n' run 'findfs-label two' 'findfs-uuid 0e3d7c5e-1111-4222-8333-444455556666' 'findfs-label one' \
              '-findfs-label nope' '-findfs-uuid 1234' > \(w)/script
            """, environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        XCTAssertEqual(made.status, 0, made.err)
        let tool = "guestfish --ro -a \(disk) -f \(w)/script"
        let ours = try f.runTool(tool, stock: false), stock = try f.runTool(tool, stock: true)
        XCTAssertEqual(ours.out, "/dev/sda2\n/dev/sda2\n/dev/sda1\n")
        XCTAssertEqual(ours.out, stock.out)
        XCTAssertTrue(ours.err.contains("findfs_label: findfs exited with status 1: findfs: unable to resolve 'LABEL=nope'"), ours.err)
        XCTAssertEqual(ours.err.split(separator: "\n").filter { $0.contains("findfs") }, stock.err.split(separator: "\n").filter { $0.contains("findfs") })
    }
}
