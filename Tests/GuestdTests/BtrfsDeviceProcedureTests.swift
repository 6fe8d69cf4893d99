import Foundation
@testable import GuestdCore
import GuestProtocol
import XCTest

/// The btrfs calls on unmounted devices, in process, on a btrfs image file made by the
/// host's mkfs.btrfs (btrfs-progs read a file as they read a device), and the argument
/// checks that come before any tool runs.
final class BtrfsDeviceProcedureTests: InProcessDaemonTestCase {
    private func makeBtrfs(_ name: String) throws -> String {
        try makeImage(name, size: 200 << 20, mkfs: "/usr/sbin/mkfs.btrfs")
    }

    func testToolsOnAnImageFile() throws {
        let image = try makeBtrfs("btrfs.img")
        try daemon.doBtrfsFsck(device: image, superblock: nil, repair: nil)
        try daemon.doBtrfsFsck(device: image, superblock: 1, repair: false)  // the first mirror copy
        try daemon.doBtrfsRescueSuperRecover(device: image)
        try daemon.doBtrfstuneEnableExtendedInodeRefs(device: image)
        try daemon.doBtrfstuneEnableSkinnyMetadataExtentRefs(device: image)
        try daemon.doBtrfstuneSeeding(device: image, seeding: true)
        try daemon.doBtrfstuneSeeding(device: image, seeding: false)
        // Clearing without -f is refused by btrfstune, whose status btrfs_set_seeding ignores.
        try daemon.doBtrfsSetSeeding(device: image, seeding: true)
        try daemon.doBtrfsSetSeeding(device: image, seeding: false)
        XCTAssertEqual(try daemon.doBtrfsFilesystemShow(device: image), [ByteString(image)])
        // The image path is the tool's own (outside the sysroot), as in the real daemon.
        let dump = base.path + "/dump.img"
        try daemon.doBtrfsImage(source: [image], image: ByteString(dump), compresslevel: 2)
        XCTAssertGreaterThan((try FileManager.default.attributesOfItem(atPath: dump)[.size] as? Int) ?? 0, 0)
    }

    func testNotBtrfsFailsWithTheDeviceAndTheToolsWords() throws {
        let zero = base.path + "/zero.img"
        XCTAssertTrue(FileManager.default.createFile(atPath: zero, contents: Data(count: 1 << 20)))
        XCTAssertThrowsError(try daemon.doBtrfsFsck(device: zero, superblock: nil, repair: nil)) { error in
            let text = (error as? CallError)?.message.description ?? ""
            XCTAssertTrue(text.hasPrefix(zero + ": "), text)
            XCTAssertTrue(text.contains("ERROR"), text)
        }
        XCTAssertThrowsError(try daemon.doBtrfsFilesystemShow(device: zero)) { error in
            XCTAssertTrue((error as? CallError)?.message.description.hasPrefix(zero + ": ") == true, "\(error)")
        }
    }

    /// A missing last name is given to the tool (which says so in its own words); a
    /// missing directory before it is our error.
    func testToolPathOfMissingNames() throws {
        XCTAssertEqual(try daemon.toolPath("/missing"), ByteString(base.path + "/missing"))
        XCTAssertEqual(try daemon.toolPath("/"), ByteString(base.path + "/"))
        XCTAssertThrowsError(try daemon.toolPath("/nodir/missing")) { error in
            XCTAssertEqual((error as? CallError)?.message.description, "/nodir/missing: No such file or directory")
        }
        XCTAssertEqual(symlink("/nowhere", base.path + "/dangling"), 0)
        XCTAssertThrowsError(try daemon.toolPath("/dangling"))
    }

    func testArgumentChecksComeFirst() {
        assertError(try daemon.doBtrfsFsck(device: "/dev/sda1", superblock: -1, repair: nil), "super block offset must be >= 0")
        assertError(try daemon.doBtrfsImage(source: [], image: "/x.img", compresslevel: nil), "list of sources must be non-empty")
        assertError(try daemon.doBtrfsFilesystemDefragment(path: "/", flush: true, compress: "zstd"), "unknown compress method: zstd")
    }
}
