import Foundation
import GuestProtocol
import XCTest

/// internal_filesystem_walk through the daemon, on a recorded disk whose partition node
/// is an ext4 image made by mke2fs -d: the stream is XDR tsk_dirents the library decodes.
final class TSKProcedureTests: SysrootTestCase {
    func testFilesystemWalkStreamsEveryEntryAsTskDirent() throws {
        let sys = base.appendingPathComponent("sys").path, dev = base.appendingPathComponent("dev").path
        let tree = base.appendingPathComponent("tree").path
        try FileManager.default.createDirectory(atPath: sys + "/block/sda/sda1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tree + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dev, withIntermediateDirectories: true)
        try Data("twelve bytes".utf8).write(to: URL(fileURLWithPath: tree + "/sub/file"))
        try FileManager.default.createSymbolicLink(atPath: tree + "/link", withDestinationPath: "sub/file")
        // Enough entries for several chunks: the walk streams them as it meets them.
        try FileManager.default.createDirectory(atPath: tree + "/many", withIntermediateDirectories: true)
        for i in 0 ..< 200 { XCTAssertTrue(FileManager.default.createFile(atPath: tree + "/many/file-\(i)", contents: Data())) }
        XCTAssertTrue(FileManager.default.createFile(atPath: dev + "/sda", contents: Data()))
        let mkfs = Process()
        mkfs.executableURL = URL(fileURLWithPath: "/usr/sbin/mkfs.ext4")
        mkfs.arguments = ["-q", "-F", "-d", tree, dev + "/sda1", "4M"]
        try mkfs.run()
        mkfs.waitUntilExit()
        XCTAssertEqual(mkfs.terminationStatus, 0)
        let recorded = try GuestdHarness(sysroot: root.path, extraArguments: ["--sysfs", sys, "--dev", dev])

        let walk = try recorded.fileOut(.internalFilesystemWalk, "/dev/sda1")
        XCTAssertEqual(walk.reply.header.status, .ok)
        var d = XDRDecoder(walk.data)
        var entries: [String: StructValue] = [:]
        while d.offset < walk.data.count {
            let e = try StructValue.decode(.tskDirent, from: &d)
            guard case let .string(name)? = e["tsk_name"] else { return XCTFail("no name") }
            entries[name.description] = e
        }
        // The root's "." is kept, other directories' dot entries are not.
        XCTAssertEqual(entries["."]?["tsk_inode"], .int(2))
        XCTAssertNil(entries["sub/."])
        XCTAssertNil(entries[".."])
        XCTAssertEqual(entries["sub"]?["tsk_type"], .int(Int64(UInt8(ascii: "d"))))
        XCTAssertEqual(entries["sub/file"]?["tsk_type"], .int(Int64(UInt8(ascii: "r"))))
        XCTAssertEqual(entries["sub/file"]?["tsk_size"], .int(12))
        XCTAssertEqual(entries["sub/file"]?["tsk_flags"], .int(1))
        XCTAssertEqual(entries["sub/file"]?["tsk_nlink"], .int(1))
        XCTAssertEqual(entries["link"]?["tsk_type"], .int(Int64(UInt8(ascii: "l"))))
        XCTAssertEqual(entries["link"]?["tsk_link"], .string("sub/file"))
        XCTAssertNotNil(entries["lost+found"])
        XCTAssertGreaterThan(walk.data.count, 3 * Guestfs.maxChunkSize)
        XCTAssertEqual(entries.keys.filter { $0.hasPrefix("many/file-") }.count, 200)
        XCTAssertEqual(entries["many/file-199"]?["tsk_size"], .int(0))

        // Not a filesystem: the library's own error, before any transfer.
        XCTAssertTrue(FileManager.default.createFile(atPath: dev + "/sda2", contents: Data(count: 1 << 20)))
        try FileManager.default.createDirectory(atPath: sys + "/block/sda/sda2", withIntermediateDirectories: true)
        let bad = try recorded.call(.internalFilesystemWalk, ["/dev/sda2"])
        XCTAssertEqual(bad.header.status, .error)
        XCTAssertTrue(bad.error?.message.hasPrefix("tsk_fs_open_img: ") ?? false, "\(String(describing: bad.error?.message))")
    }
}
