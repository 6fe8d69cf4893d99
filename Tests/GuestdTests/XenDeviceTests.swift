import Foundation
import GuestProtocol
import XCTest

/// Device enumeration against a recorded Xen guest's /sys and /dev (a PVH guest with
/// two user disks on xen-blkfront and the appliance root attached last as xvdc): xvd*
/// disks are listed under the names libguestfs uses, /dev/sda, /dev/sdb, …, and the
/// root's disk is hidden.
final class XenDeviceTests: XCTestCase {
    private var base: URL!

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: base) }

    /// /sys/block/xvdX → ../devices/vbd-N/block/xvdX, as xen-blkfront registers them
    /// (vbd ids are 202 << 8 | 16 × disk index); loop and ram devices beside them.
    private func recordedTrees() throws -> (sysfs: String, dev: String) {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("xen-sysfs-\(UUID().uuidString)")
        let sys = base.appendingPathComponent("sys").path, dev = base.appendingPathComponent("dev").path
        let fm = FileManager.default
        for d in [sys + "/block", sys + "/dev/block", dev] { try fm.createDirectory(atPath: d, withIntermediateDirectories: true) }
        let disks: [(String, [String])] = [("xvdc", []), ("xvda", ["xvda1", "xvda2"]), ("xvdb", [])]
        for (i, (disk, parts)) in disks.sorted(by: { $0.0 < $1.0 }).enumerated() {
            let device = sys + "/devices/vbd-\(51712 + 16 * i)/block/" + disk
            try fm.createDirectory(atPath: device, withIntermediateDirectories: true)
            try "202:\(16 * i)\n".write(toFile: device + "/dev", atomically: true, encoding: .utf8)
            try fm.createSymbolicLink(atPath: sys + "/block/" + disk, withDestinationPath: "../devices/vbd-\(51712 + 16 * i)/block/" + disk)
            for (n, part) in parts.enumerated() {
                try fm.createDirectory(atPath: device + "/" + part, withIntermediateDirectories: true)
                try "\(n + 1)\n".write(toFile: device + "/" + part + "/partition", atomically: true, encoding: .utf8)
            }
            for node in [disk] + parts { _ = fm.createFile(atPath: dev + "/" + node, contents: Data()) }
        }
        for other in ["loop0", "ram0"] {
            try fm.createDirectory(atPath: sys + "/devices/virtual/block/" + other, withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: sys + "/block/" + other, withDestinationPath: "../devices/virtual/block/" + other)
            _ = fm.createFile(atPath: dev + "/" + other, contents: Data())
        }
        // guestd finds its root's disk through /sys/dev/block/MAJ:MIN of st_dev of "/":
        // here, the host's root device stands for xvdc.
        var st = stat()
        XCTAssertEqual(stat("/", &st), 0)
        let dv = UInt64(st.st_dev)
        let major = (dv >> 8) & 0xfff | (dv >> 32) & ~0xfff, minor = dv & 0xff | (dv >> 12) & ~0xff
        try fm.createSymbolicLink(atPath: sys + "/dev/block/\(major):\(minor)", withDestinationPath: "../../devices/vbd-51744/block/xvdc")
        return (sys, dev)
    }

    func testXvdDisksAreListedAsSdWithTheRootHidden() throws {
        let trees = try recordedTrees()
        let sysroot = base.appendingPathComponent("sysroot")
        try FileManager.default.createDirectory(at: sysroot, withIntermediateDirectories: true)
        let daemon = try GuestdHarness(sysroot: sysroot.path, extraArguments: ["--sysfs", trees.sysfs, "--dev", trees.dev])
        XCTAssertEqual(try daemon.call(.listDevices).strings(), ["/dev/sda", "/dev/sdb"])
        XCTAssertEqual(try daemon.call(.listPartitions).strings(), ["/dev/sda1", "/dev/sda2"])

        // A disk whose node cannot be opened (no medium) is not listed, as on any bus.
        try FileManager.default.removeItem(atPath: trees.dev + "/xvdb")
        XCTAssertEqual(try daemon.call(.listDevices).strings(), ["/dev/sda"])
    }
}
