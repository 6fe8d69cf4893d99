import Foundation
import GuestProtocol
import XCTest

/// Disks are named in the order qemu attached them, read from their bus addresses, not
/// from the kernel's names: SCSI disks are probed in parallel, so the kernel may call the
/// first disk sdd and the root sdc. Recorded /sys trees lay out such boots.
final class AttachOrderTests: XCTestCase {
    private var base: URL!

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: base) }

    /// /sys/block/NAME → ../devices/PATH/block/NAME for each (path, name, partitions); the
    /// host's root device stands for `root`'s disk, which guestd must hide.
    private func recordedTrees(_ disks: [(path: String, name: String, partitions: Int)], root: String) throws -> [String] {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("attach-order-\(UUID().uuidString)")
        let sys = base.appendingPathComponent("sys").path, dev = base.appendingPathComponent("dev").path
        let fm = FileManager.default
        for d in [sys + "/block", sys + "/dev/block", dev] { try fm.createDirectory(atPath: d, withIntermediateDirectories: true) }
        for disk in disks {
            let device = sys + "/devices/" + disk.path + "/block/" + disk.name
            try fm.createDirectory(atPath: device, withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: sys + "/block/" + disk.name, withDestinationPath: "../devices/" + disk.path + "/block/" + disk.name)
            _ = fm.createFile(atPath: dev + "/" + disk.name, contents: Data())
            for n in stride(from: 1, through: disk.partitions, by: 1) {
                try fm.createDirectory(atPath: device + "/\(disk.name)\(n)", withIntermediateDirectories: true)
                try "\(n)\n".write(toFile: device + "/\(disk.name)\(n)/partition", atomically: true, encoding: .utf8)
                _ = fm.createFile(atPath: dev + "/\(disk.name)\(n)", contents: Data())
            }
            if disk.name == root {
                var st = stat()
                XCTAssertEqual(stat("/", &st), 0)
                let dv = UInt64(st.st_dev)
                let major = (dv >> 8) & 0xfff | (dv >> 32) & ~0xfff, minor = dv & 0xff | (dv >> 12) & ~0xff
                try fm.createSymbolicLink(atPath: sys + "/dev/block/\(major):\(minor)", withDestinationPath: "../../devices/" + disk.path + "/block/" + disk.name)
            }
        }
        let sysroot = base.appendingPathComponent("sysroot").path
        try fm.createDirectory(atPath: sysroot, withIntermediateDirectories: true)
        return [sysroot, sys, dev]
    }

    private func daemon(_ trees: [String]) throws -> GuestdHarness {
        try GuestdHarness(sysroot: trees[0], extraArguments: ["--sysfs", trees[1], "--dev", trees[2]])
    }

    /// libguestfs's launcher: one virtio-scsi controller, the user's disks at targets
    /// 0, 1, 2 and 10 in attach order, its root last at target 11.
    func testSCSIDisksAreNamedByTargetWhateverTheKernelCalledThem() throws {
        let host = "pci0000:00/0000:00:02.0/virtio0/host0"
        func at(_ t: Int) -> String { "\(host)/target0:0:\(t)/0:0:\(t):0" }
        let trees = try recordedTrees([
            (at(0), "sdd", 1), (at(1), "sdb", 2), (at(2), "sde", 0), (at(10), "sda", 3), (at(11), "sdc", 0),
        ], root: "sdc")
        let d = try daemon(trees)
        XCTAssertEqual(try d.call(.listDevices).strings(), ["/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd"])
        // Partition counts identify the disks: 1, 2, 0 and 3 in attach order.
        XCTAssertEqual(try d.call(.listPartitions).strings(),
                       ["/dev/sda1", "/dev/sdb1", "/dev/sdb2", "/dev/sdd1", "/dev/sdd2", "/dev/sdd3"])
    }

    /// Our launcher: one virtio-blk PCI function per disk, in slot order (hex: 09 < 0a < 10).
    func testPCISlotsOrderAsHexAddresses() throws {
        func slot(_ s: String, _ n: Int) -> String { "pci0000:00/0000:00:\(s).0/virtio\(n)" }
        let trees = try recordedTrees([
            (slot("10", 7), "vda", 0), (slot("0a", 6), "vdb", 2), (slot("09", 5), "vdc", 1), (slot("11", 8), "vdd", 0),
        ], root: "vdd")
        let d = try daemon(trees)
        XCTAssertEqual(try d.call(.listPartitions).strings(), ["/dev/sda1", "/dev/sdb1", "/dev/sdb2"])
    }
}
