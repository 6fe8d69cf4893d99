import Foundation
@testable import GuestdCore
import GuestProtocol
import XCTest

/// f2fs_expand in process on an f2fs image file in the sysroot (f2fs-tools treat a file
/// as a device): resize.f2fs grows the filesystem to the file's new size, and a device
/// without f2fs gets its report, stdout and stderr together, as the error.
final class F2FSProcedureTests: InProcessDaemonTestCase {
    /// block_count of the f2fs superblock (at 1024, field at 36, little-endian).
    private func blockCount(_ image: String) throws -> UInt64 {
        let data = try Data(contentsOf: URL(fileURLWithPath: image))
        XCTAssertEqual(data[1024 ..< 1028].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }, 0xF2F5_2010)
        return data[1060 ..< 1068].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    func testF2fsExpandGrowsTheFilesystemToItsDevice() throws {
        let image = base.path + "/f2fs.img"
        XCTAssertTrue(FileManager.default.createFile(atPath: image, contents: nil))
        XCTAssertEqual(truncate(image, 64 << 20), 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/mkfs.f2fs")
        p.arguments = ["-q", "-l", "unit", image]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(try blockCount(image), 16384)
        XCTAssertEqual(truncate(image, 128 << 20), 0)
        try daemon.doF2fsExpand(device: image)
        XCTAssertEqual(try blockCount(image), 32768)

        let zero = base.path + "/zero.img"
        XCTAssertTrue(FileManager.default.createFile(atPath: zero, contents: Data(count: 4 << 20)))
        XCTAssertThrowsError(try daemon.doF2fsExpand(device: zero)) { error in
            let text = (error as? CallError)?.message.description ?? ""
            XCTAssertTrue(text.contains("Magic Mismatch, valid(0xf2f52010) - read(0x0)\n\tCan't find a valid F2FS superblock at 0x0"), text)
        }
    }
}
