import Foundation
import GuestProtocol
import XCTest

/// Device, probing and mount procedures on a partitioned loop device (root only), checked
/// against the host's blkid, blockdev and sfdisk.
final class DeviceProcedureTests: SysrootTestCase {
    private var loop = "", p1 = "", p2 = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        try XCTSkipUnless(getuid() == 0, "needs root for losetup and mount")
        let image = base.appendingPathComponent("disk.img").path
        guard sh("truncate -s 40M \(image) && printf 'start=2048,size=40960,type=83\\nstart=43008,type=83\\n' | sfdisk -q \(image)") != nil,
              let dev = attach(image, ""), dev.hasPrefix("/dev/loop")
        else { throw XCTSkip("sfdisk or losetup unavailable") }
        loop = dev
        // Partition scanning of loop devices is not always available (containers):
        // each partition gets a loop device of its own over its byte range.
        p1 = attach(image, "-o \(2048 * 512) --sizelimit \(40960 * 512)") ?? ""
        p2 = attach(image, "-o \(43008 * 512)") ?? ""
        guard sh("mkfs.ext4 -q -F -L rootfs \(p1) && mkfs.ext2 -q -F \(p2)") != nil else { throw XCTSkip("mkfs.ext4 unavailable") }
    }

    override func tearDownWithError() throws {
        if !loop.isEmpty {
            umount2(root.path, Int32(MNT_DETACH))
            for dev in [loop, p1, p2] where !dev.isEmpty { _ = sh("losetup -d \(dev)") }
        }
        try super.tearDownWithError()
    }

    /// The blockdev group answers as blockdev(8) does on the same device.
    func testBlockdevCallsMatchBlockdev8() throws {
        func blockdev(_ flag: String, _ dev: String) -> String? { sh("blockdev \(flag) \(dev)")?.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertEqual(try daemon.call(.blockdevGetsz, [loop]).int64(), Int64(blockdev("--getsz", loop) ?? ""))
        XCTAssertEqual(try daemon.call(.blockdevGetbsz, [p1]).int(), Int32(blockdev("--getbsz", p1) ?? ""))
        XCTAssertEqual(try daemon.call(.blockdevGetro, [p2]).bool(), false)
        XCTAssertEqual(try daemon.call(.blockdevSetro, [p2]).header.status, .ok)
        XCTAssertEqual(blockdev("--getro", p2), "1")
        XCTAssertEqual(try daemon.call(.blockdevGetro, [p2]).bool(), true)
        XCTAssertEqual(try daemon.call(.blockdevSetrw, [p2]).header.status, .ok)
        XCTAssertEqual(blockdev("--getro", p2), "0")
        XCTAssertEqual(try daemon.call(.blockdevFlushbufs, [loop]).header.status, .ok)
        // This loop device was set up without partition scanning: the kernel refuses, and
        // the error reads as blockdev(8)'s own.
        let refusal = sh("blockdev --rereadpt \(loop) 2>&1; true")?.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(refusal, "blockdev: ioctl error on BLKRRPART: Invalid argument")
        assertError(try daemon.call(.blockdevRereadpt, [loop]), refusal ?? "", errno: "EINVAL")
        XCTAssertEqual(try daemon.call(.echoDaemon, args: [.list(["a", "b c", ""])]).string(), "a b c ")
    }

    func testProbesMatchTheHostTools() throws {
        XCTAssertEqual(try daemon.call(.vfsLabel, [p1]).string(), "rootfs")
        XCTAssertEqual(try daemon.call(.vfsUUID, [p1]).string(), sh("blkid -c /dev/null -o value -s UUID \(p1)")?.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(try daemon.call(.vfsLabel, [p2]).string(), "")
        let table = try daemon.call(.blkid, [p1]).strings()
        let expected = sh("blkid -c /dev/null -p -i -o export \(p1)")!.split(separator: "\n").flatMap { line -> [String] in
            let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
            return kv.count == 2 ? kv : []
        }
        XCTAssertEqual(table, expected)
        XCTAssertEqual(try daemon.call(.blockdevGetsize64, [p1]).int64(), 40960 * 512)
        XCTAssertEqual(try daemon.call(.blockdevGetss, [loop]).int(), 512)
        XCTAssertEqual(try daemon.call(.partGetParttype, [loop]).string(), "msdos")
        XCTAssertEqual(try daemon.call(.partGetMbrID, args: [.s(loop), .i(2)]).int(), 0x83)
        assertError(try daemon.call(.partGetMbrID, args: [.s(loop), .i(0)]), "partition number must be >= 1")
        let parsed = try daemon.call(.internalParseMountable, [p1]).structure(.internalMountable)
        XCTAssertEqual(parsed.values, [.int(0), .string(p1), .string("")])
        let parts = try daemon.call(.partList, [loop]).structList(.partition)
        let sector: Int64 = 512
        let first: [Int64] = [1, 2048 * sector, 43008 * sector - 1, 40960 * sector]
        let second: [Int64] = [2, 43008 * sector, 81920 * sector - 1, (81920 - 43008) * sector]
        XCTAssertEqual(parts.map { $0.values.map(\.int) }, [first, second])
        // Partition arithmetic is on names only: /dev/loop5 reads as partition 5 of /dev/loop.
        let number = Int32(p2.drop { !$0.isNumber })!
        XCTAssertEqual(try daemon.call(.partToPartnum, [p2]).int(), number)
        XCTAssertEqual(try daemon.call(.partToDev, [p2]).string(), "/dev/loop")
        assertError(try daemon.call(.partToPartnum, ["/dev/null"]), "part_to_partnum_stub: /dev/null: expecting a device name")
    }

    func testMountOptionsMountsMountpointsUmount() throws {
        assertOK(try daemon.call(.mountOptions, ["ro,noatime", p1, "/"]))
        XCTAssertEqual(try daemon.call(.mounts).strings(), [p1])
        XCTAssertEqual(try daemon.call(.mountpoints).strings(), [p1, "/"])
        XCTAssertEqual(try daemon.call(.isDir, args: [.s("/lost+found"), .b(false)]).bool(), true)
        let ro = try daemon.call(.touch, args: [.s("/x")])
        XCTAssertEqual(ro.error?.errnoString, "EROFS")
        assertOK(try daemon.call(.umount, args: [.s("/"), .b(false), .b(false)]))
        XCTAssertEqual(try daemon.call(.mounts).strings(), [])
        assertError(try daemon.call(.umount, args: [.s(p1), .b(false), .b(false)]), "\(p1): umount: \(p1): not mounted.")
        let bad = try daemon.call(.mountOptions, ["bogusoption", p1, "/"])
        XCTAssertTrue(bad.error?.message.hasPrefix("mount exited with status 32: mount: ") == true, bad.error?.message ?? "")
        XCTAssertTrue(bad.error?.message.hasSuffix("\n       dmesg(1) may have more information after failed mount system call.") == true,
                      bad.error?.message ?? "")
        assertOK(try daemon.call(.mount, [p1, "/"]))
        assertOK(try daemon.call(.umount, args: [.s(p1), .b(true), .b(true)], optargs: 3))
    }

    func testZeroClearsTheFirst128KiB() throws {
        XCTAssertEqual(try daemon.call(.vfsType, [p2]).string(), "ext2")
        assertOK(try daemon.call(.zero, [p2]))
        XCTAssertEqual(try daemon.call(.vfsType, [p2]).string(), "")
        XCTAssertEqual(sh("cmp -n 131072 \(p2) /dev/zero && echo same"), "same\n")
    }

    private func attach(_ image: String, _ range: String) -> String? {
        sh("losetup -f --show \(range) \(image)")?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    private func sh(_ command: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
