import Foundation
import GuestProtocol
import XCTest

/// The partition, raw-device and filesystem calls virt-resize, virt-format and
/// virt-make-fs make, on disk images standing for /dev/sda and /dev/sdb (guestd's host
/// test mode over a recorded /sys and /dev whose nodes are image files), checked with
/// the host's sfdisk, sgdisk, file, dumpe2fs and e2label on the same images.
final class ChangingDeviceProcedureTests: XCTestCase {
    private var base: URL!
    private var sda = "", sdb = ""
    private var daemon: GuestdHarness!

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("changing-devices-\(UUID().uuidString)")
        let sys = base.appendingPathComponent("sys").path, dev = base.appendingPathComponent("dev").path
        sda = dev + "/sda"
        sdb = dev + "/sdb"
        try makeImages("""
            set -e
            mkdir -p \(sys)/block/sda/sda1 \(sys)/block/sdb/device \(base.path)/sysroot \(dev)
            echo 1 > \(sys)/block/sda/sda1/partition
            truncate -s 64M \(sda); truncate -s 32M \(sdb)
            # sdb was added with label:lab: its SCSI unit serial number page.
            printf '\\000\\200\\000\\003lab' > \(sys)/block/sdb/device/vpd_pg80
            """)
        daemon = try GuestdHarness(sysroot: base.appendingPathComponent("sysroot").path, extraArguments: ["--sysfs", sys, "--dev", dev])
    }

    override func tearDownWithError() throws {
        daemon = nil
        try? FileManager.default.removeItem(at: base)
    }

    private func ok(_ r: GuestdHarness.Reply, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.header.status, .ok, r.error?.message ?? "", file: file, line: line)
    }

    private func error(_ r: GuestdHarness.Reply) -> String { r.error?.message ?? "(no error)" }

    func testMBRFlagsIdsAndResizingMatchSfdisk() throws {
        ok(try daemon.call(.partDisk, ["/dev/sda", "mbr"]))
        XCTAssertEqual(try daemon.call(.partGetBootable, args: [.s("/dev/sda"), .i(1)]).bool(), false)
        ok(try daemon.call(.partSetBootable, args: [.s("/dev/sda"), .i(1), .b(true)]))
        XCTAssertTrue(shell("sfdisk -d \(sda)").contains("bootable"))
        XCTAssertEqual(try daemon.call(.partGetBootable, args: [.s("/dev/sda"), .i(1)]).bool(), true)
        ok(try daemon.call(.partSetMbrID, args: [.s("/dev/sda"), .i(1), .i(0x07)]))
        XCTAssertEqual(shell("sfdisk --part-type \(sda) 1").trimmingCharacters(in: .whitespacesAndNewlines), "7")
        XCTAssertEqual(try daemon.call(.partGetMbrID, args: [.s("/dev/sda"), .i(1)]).int(), 7)
        XCTAssertEqual(try daemon.call(.partGetMbrPartType, args: [.s("/dev/sda"), .i(1)]).string(), "primary")
        XCTAssertEqual(error(try daemon.call(.partGetName, args: [.s("/dev/sda"), .i(1)])), "part-get-name can only be used on GUID Partition Tables")
        XCTAssertEqual(error(try daemon.call(.partGetBootable, args: [.s("/dev/sda"), .i(2)])), "partition number 2 not found")
        XCTAssertEqual(error(try daemon.call(.partSetMbrID, args: [.s("/dev/sda"), .i(0), .i(7)])), "partition number must be >= 1")

        ok(try daemon.call(.partDel, args: [.s("/dev/sda"), .i(1)]))
        ok(try daemon.call(.partAdd, args: [.s("/dev/sda"), .s("p"), .l(2048), .l(40959)]))
        ok(try daemon.call(.partResize, args: [.s("/dev/sda"), .i(1), .l(81919)]))
        XCTAssertTrue(shell("sfdisk -d \(sda)").contains("start=        2048, size=       79872"), shell("sfdisk -d \(sda)"))
        let shrink = error(try daemon.call(.partResize, args: [.s("/dev/sda"), .i(1), .l(4095)]))
        XCTAssertTrue(shrink.hasPrefix("parted: ") && shrink.contains("/dev/sda: Warning: Shrinking") && shrink.hasSuffix("?:"), shrink)
    }

    func testGPTNamesGUIDsAttributesAndExpandingMatchSgdisk() throws {
        ok(try daemon.call(.partInit, ["/dev/sda", "gpt"]))
        ok(try daemon.call(.partAdd, args: [.s("/dev/sda"), .s("p"), .l(2048), .l(65535)]))
        ok(try daemon.call(.partSetName, args: [.s("/dev/sda"), .i(1), .s("mypart")]))
        XCTAssertEqual(try daemon.call(.partGetName, args: [.s("/dev/sda"), .i(1)]).string(), "mypart")
        XCTAssertTrue(shell("sgdisk -i 1 \(sda)").contains("Partition name: 'mypart'"))
        let linux = "0FC63DAF-8483-4772-8E79-3D69D8477DE4", guid = "01234567-89AB-CDEF-0123-456789ABCDEF"
        ok(try daemon.call(.partSetGptType, args: [.s("/dev/sda"), .i(1), .s(linux)]))
        ok(try daemon.call(.partSetGptGuid, args: [.s("/dev/sda"), .i(1), .s(guid)]))
        ok(try daemon.call(.partSetGptAttributes, args: [.s("/dev/sda"), .i(1), .l(Int64(bitPattern: 0x8000_0000_0000_0004))]))
        let info = shell("sgdisk -i 1 \(sda)")
        XCTAssertTrue(info.contains("Partition GUID code: \(linux)") && info.contains("Partition unique GUID: \(guid)")
            && info.contains("Attribute flags: 8000000000000004"), info)
        XCTAssertEqual(try daemon.call(.partGetGptType, args: [.s("/dev/sda"), .i(1)]).string(), linux)
        XCTAssertEqual(try daemon.call(.partGetGptGuid, args: [.s("/dev/sda"), .i(1)]).string(), guid)
        XCTAssertEqual(try daemon.call(.partGetGptAttributes, args: [.s("/dev/sda"), .i(1)]).int64(), Int64(bitPattern: 0x8000_0000_0000_0004))
        ok(try daemon.call(.partSetDiskGuid, args: [.s("/dev/sda"), .s("11111111-2222-3333-4444-555555555555")]))
        XCTAssertEqual(try daemon.call(.partGetDiskGuid, ["/dev/sda"]).string(), "11111111-2222-3333-4444-555555555555")
        ok(try daemon.call(.partSetDiskGuidRandom, ["/dev/sda"]))
        let random = try daemon.call(.partGetDiskGuid, ["/dev/sda"]).string()
        XCTAssertTrue(shell("sgdisk -p \(sda)").contains("Disk identifier (GUID): \(random)"))
        XCTAssertEqual(try daemon.call(.partGetMbrPartType, args: [.s("/dev/sda"), .i(1)]).string(), "primary")
        XCTAssertEqual(error(try daemon.call(.partGetGptType, args: [.s("/dev/sda"), .i(0)])), "partition number must be >= 1")

        // The disk grows by 8 MiB: the backup header stays where it was until expanded.
        func lastUsable() -> String { shell("sgdisk -p \(sda) | sed -n 's/.*last usable sector is \\([0-9]*\\).*/\\1/p'") }
        let before = lastUsable()
        XCTAssertEqual(truncate(sda, 72 << 20), 0)
        XCTAssertEqual(lastUsable(), before)
        ok(try daemon.call(.partExpandGpt, ["/dev/sda"]))
        XCTAssertEqual(Int(lastUsable().trimmingCharacters(in: .whitespacesAndNewlines)), (72 << 20) / 512 - 34)
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["gdisk"]).int(), 0)
    }

    func testRawIOCopiesAndZeroing() throws {
        let pattern = (0 ..< 3 << 20).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 >> 9) }
        try Data(pattern).write(to: URL(fileURLWithPath: sda))
        XCTAssertEqual(truncate(sda, 64 << 20), 0)
        XCTAssertEqual(try daemon.call(.preadDevice, args: [.s("/dev/sda"), .i(16), .l(1000)]).buffer(), Array(pattern[1000 ..< 1016]))
        XCTAssertEqual(try daemon.call(.pwriteDevice, args: [.s("/dev/sda"), .buf(Array("XYZ".utf8)), .l(10)]).int(), 3)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: sda)).prefix(13).suffix(3)), Array("XYZ".utf8))
        XCTAssertEqual(error(try daemon.call(.preadDevice, args: [.s("/dev/sda"), .i(-1), .l(0)])), "count is negative")
        XCTAssertEqual(error(try daemon.call(.pwriteDevice, args: [.s("/dev/sda"), .buf([1]), .l(-1)])), "offset is negative")

        // 2 MiB from offset 512 of sda to offset 4096 of sdb, sparse.
        ok(try daemon.call(.copyDeviceToDevice, args: [.s("/dev/sda"), .s("/dev/sdb"), .l(512), .l(4096), .l(2 << 20), .b(true), .b(false)], optargs: 0b1111))
        let copied = Array(try Data(contentsOf: URL(fileURLWithPath: sdb)))
        let source = Array(try Data(contentsOf: URL(fileURLWithPath: sda)))
        XCTAssertEqual(copied[4096 ..< 4096 + (2 << 20)], source[512 ..< 512 + (2 << 20)])
        XCTAssertTrue(copied[0 ..< 4096].allSatisfy { $0 == 0 })
        XCTAssertEqual(error(try daemon.call(.copyDeviceToDevice, args: [.s("/dev/sda"), .s("/dev/sdb"), .l(0), .l(0), .l(0), .b(false), .b(true)], optargs: 0b10000)),
                       "the append flag cannot be set for this call")
        XCTAssertEqual(error(try daemon.call(.copyDeviceToDevice, args: [.s("/dev/sda"), .s("/dev/sdb"), .l(-1), .l(0), .l(0), .b(false), .b(false)], optargs: 1)),
                       "srcoffset is negative")
        // Device names in texts are the node guestd opened: here the recorded tree's.
        XCTAssertTrue(error(try daemon.call(.copyDeviceToDevice, args: [.s("/dev/sdb"), .s("/dev/sda"), .l(0), .l(0), .l(64 << 20), .b(false), .b(false)],
                                            optargs: 0b100)).hasSuffix("/dev/sdb: input too short"))

        let allocated = shell("du -k \(sdb) | cut -f1")
        ok(try daemon.call(.zeroDevice, ["/dev/sdb"]))
        XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: sdb)).allSatisfy { $0 == 0 })
        XCTAssertEqual(shell("du -k \(sdb) | cut -f1"), allocated, "blocks already zero are not written")
        XCTAssertEqual(try daemon.call(.file, ["/dev/sda"]).string(), shell("file -zSbsL \(sda)").trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(try daemon.call(.isLv, ["/dev/sda"]).bool(), false)
        // A regular file takes no discard ioctl: the kernel's own refusal, with the user's name.
        XCTAssertTrue(error(try daemon.call(.blkdiscard, ["/dev/sdb"])).hasSuffix("/dev/sdb: BLKDISCARD: Inappropriate ioctl for device"))
    }

    func testExtResizeLabelsUUIDsAndZerofree() throws {
        try makeImages("mkfs.ext4 -q -F -b 4096 \(sdb) 16M")
        func blocks() -> String { shell("dumpe2fs -h \(sdb) 2>/dev/null | sed -n 's/^Block count: *//p'").trimmingCharacters(in: .whitespacesAndNewlines) }
        ok(try daemon.call(.resize2fsSize, args: [.s("/dev/sdb"), .l(24 << 20)]))
        XCTAssertEqual(blocks(), "\(24 << 8)")
        // Without a size resize2fs fills the device; an image file is as large as its
        // filesystem to resize2fs, so nothing changes here (the end-to-end tests grow one).
        ok(try daemon.call(.resize2fs, ["/dev/sdb"]))
        XCTAssertEqual(blocks(), "\(24 << 8)")
        ok(try daemon.call(.resize2fsM, ["/dev/sdb"]))
        XCTAssertLessThan(Int(blocks()) ?? .max, 24 << 8)
        XCTAssertEqual(error(try daemon.call(.resize2fsSize, args: [.s("/dev/sdb"), .l(1000)])), "1000: size must be a round number of kilobytes")

        ok(try daemon.call(.setLabel, ["/dev/sdb", "newlabel"]))
        XCTAssertEqual(shell("e2label \(sdb)"), "newlabel\n")
        XCTAssertEqual(error(try daemon.call(.setLabel, ["/dev/sdb", "waytoolongforanext4label"])),
                       "waytoolongforanext4label: ext2/3/4 labels are limited to 16 bytes")
        ok(try daemon.call(.setUUID, ["/dev/sdb", "01234567-89ab-cdef-0123-456789abcdef"]))
        XCTAssertEqual(shell("blkid -c /dev/null -o value -s UUID \(sdb)"), "01234567-89ab-cdef-0123-456789abcdef\n")
        XCTAssertEqual(error(try daemon.call(.setUUID, ["/dev/sdb", "random"])), "e2: invalid new UUID")
        ok(try daemon.call(.setUUIDRandom, ["/dev/sdb"]))
        XCTAssertNotEqual(shell("blkid -c /dev/null -o value -s UUID \(sdb)"), "01234567-89ab-cdef-0123-456789abcdef\n")
        ok(try daemon.call(.zerofree, ["/dev/sdb"]))
        XCTAssertEqual(shell("e2fsck -fn \(sdb) >/dev/null 2>&1; echo $?"), "0\n")

        // Not a filesystem set_label knows.
        let r = try daemon.call(.setLabel, ["/dev/sda", "x"])
        XCTAssertEqual(r.error?.message, "don't know how to set the label for '' filesystems")
        XCTAssertEqual(r.error?.errnoString, "ENOTSUP")
    }

    /// The older ext2/3/4-only names, as libguestfs's phony Debian guest is made with them:
    /// set_e2uuid takes tune2fs's own words, which set_uuid refuses.
    func testE2LabelAndUUIDCallsMatchE2labelAndBlkid() throws {
        try makeImages("mkfs.ext4 -q -F \(sdb) 16M")
        func uuid() -> String { shell("blkid -c /dev/null -o value -s UUID \(sdb)").trimmingCharacters(in: .whitespacesAndNewlines) }
        ok(try daemon.call(.setE2label, ["/dev/sdb", "e2name"]))
        XCTAssertEqual(shell("e2label \(sdb)"), "e2name\n")
        XCTAssertEqual(try daemon.call(.getE2label, ["/dev/sdb"]).string(), "e2name")
        XCTAssertEqual(error(try daemon.call(.setE2label, ["/dev/sdb", "waytoolongforanext4label"])),
                       "waytoolongforanext4label: ext2/3/4 labels are limited to 16 bytes")
        ok(try daemon.call(.setE2uuid, ["/dev/sdb", "01234567-0123-0123-0123-0123456789ab"]))
        XCTAssertEqual(uuid(), "01234567-0123-0123-0123-0123456789ab")
        XCTAssertEqual(try daemon.call(.getE2uuid, ["/dev/sdb"]).string(), "01234567-0123-0123-0123-0123456789ab")
        ok(try daemon.call(.setE2uuid, ["/dev/sdb", "random"]))
        XCTAssertNotEqual(uuid(), "01234567-0123-0123-0123-0123456789ab")
        XCTAssertEqual(uuid().count, 36)
        ok(try daemon.call(.setE2uuid, ["/dev/sdb", "clear"]))
        XCTAssertEqual(uuid(), "")
        XCTAssertTrue(error(try daemon.call(.setE2uuid, ["/dev/sdb", "nonsense"])).contains("Invalid UUID format"))
    }

    /// virt-resize --shrink's question: resize2fs -P's block count times tune2fs's
    /// block size, as the host's tools say for the same image; other types are ENOTSUP.
    func testVfsMinimumSizeOfExtIsResize2fsEstimateTimesBlockSize() throws {
        try makeImages("mkfs.ext4 -q -F -b 1024 \(sdb) 16M")
        let blocks = shell("resize2fs -P -f \(sdb) 2>/dev/null | sed -n 's/^Estimated minimum size of the filesystem: //p'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let expected = (Int64(blocks) ?? -1) * 1024
        XCTAssertGreaterThan(expected, 0)
        XCTAssertEqual(try daemon.call(.vfsMinimumSize, ["/dev/sdb"]).int64(), expected)
        let r = try daemon.call(.vfsMinimumSize, ["/dev/sda"])
        XCTAssertEqual(r.error?.message, "don't know how to get minimum size of '' filesystems")
        XCTAssertEqual(r.error?.errnoString, "ENOTSUP")
    }

    /// sdb's serial "lab" gives /dev/disk/guestfs/lab; a partition made later gets lab1
    /// when first named.
    func testLabelledDisksAreLinkedUnderDevDiskGuestfs() throws {
        let dir = base.appendingPathComponent("dev/disk/guestfs").path
        XCTAssertEqual(try daemon.call(.listDiskLabels).strings(), [])
        XCTAssertEqual(try daemon.call(.blockdevGetsize64, [dir + "/lab"]).int64(), 32 << 20)
        XCTAssertEqual(try daemon.call(.listDiskLabels).strings(), ["lab", "/dev/sdb"])
        try makeImages("mkdir -p \(base.path)/sys/block/sdb/sdb1 && echo 1 > \(base.path)/sys/block/sdb/sdb1/partition && truncate -s 1M \(base.path)/dev/sdb1")
        XCTAssertEqual(try daemon.call(.blockdevGetsize64, [dir + "/lab1"]).int64(), 1 << 20)
        let pairs = try daemon.call(.listDiskLabels).strings()
        XCTAssertEqual(Set(stride(from: 0, to: pairs.count, by: 2).map { pairs[$0] + " " + pairs[$0 + 1] }), ["lab /dev/sdb", "lab1 /dev/sdb1"])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/lab1"), "../../sdb1")
    }
}
