import Foundation
import XCTest

/// `--legacy-devices`: no virtio device at all, as a Xen HVM guest without PV drivers sees
/// qemu's `pc` machine: disks on the PIIX IDE controller, the appliance root on an IDE
/// CD-ROM (`-drive file=ROOT,media=cdrom`), and guestd serving on the second 16550 serial
/// port.
final class LegacyDevicesTests: XCTestCase {
    private func run(_ arguments: String) throws -> (status: Int32, out: String, err: String) {
        let f = try Fixture.get()
        return try Fixture.sh("\(f.productsDir)/appliance run --accel tcg --legacy-devices \(arguments)",
                              environment: ["APPLIANCE_CACHE": f.work + "/cache"])
    }

    func testIDEDisksACDROMRootAndASerialChannelWithNoVirtio() throws {
        let f = try Fixture.get()
        // Shell builtins only: the root has no ls or wc of its own to lean on.
        let probe = "for d in /sys/bus/virtio/devices/*; do [ -e \"$d\" ] && echo \"virtio: $d\"; done; "
            + "for b in /sys/block/*; do echo \"${b##*/}\"; done; echo probed"
        let r = try run("-a \(f.disk) --ro -- list-devices : mount-ro /dev/sda1 / : cat /\(f.fileName) : debug sh '\(probe)'")
        XCTAssertEqual(r.status, 0, r.err)
        // guestfish prints cat's and debug's strings with a newline after them.
        let blocks = "sda\nsr0\nprobed\n\n"
        XCTAssertEqual(r.out, "/dev/sda\n" + String(decoding: f.fileBytes, as: UTF8.self) + "\n" + blocks,
                       "the disk is IDE (sda), the root the CD-ROM sr0, and no virtio device exists")
    }

    /// Transfers over the 16550 are slow (about 0.15 MB/s under TCG) but exact.
    func testA64MiBDownloadOverTheSerialChannelIsByteForByte() throws {
        let f = try Fixture.get()
        let image = f.work + "/legacy-64m.img", copy = f.work + "/legacy-64m.out"
        try Fixture.sh("head -c 64M /dev/urandom > \(image) && rm -f \(copy)")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let r = try run("-a \(image) --ro -- download /dev/sda \(copy)")
        XCTAssertEqual(r.status, 0, r.err)
        let same = try Fixture.sh("cmp \(image) \(copy)")
        XCTAssertEqual(same.status, 0, same.out + same.err)
    }

    func testMoreDisksThanTheIDEControllerHoldsIsAnErrorBeforeBooting() throws {
        let f = try Fixture.get()
        let r = try run(Array(repeating: "-a \(f.disk)", count: 4).joined(separator: " ") + " -- list-devices")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("--legacy-devices takes at most 3 disks"), r.err)
    }
}
