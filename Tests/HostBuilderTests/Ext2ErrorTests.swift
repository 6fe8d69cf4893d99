import Foundation
import XCTest
@testable import HostBuilder

/// Bad input fails with one error naming the path, and leaves no image or temporary file.
final class Ext2ErrorTests: XCTestCase {
    func assertFails(_ manifest: [Ext2Entry], size: Int? = nil, mentions: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try makeTempDir(self)
        XCTAssertThrowsError(try Ext2Writer(manifest: try Ext2Manifest(manifest), options: Ext2Options(size: size, sourceDateEpoch: nil))
            .write(to: dir + "/img"), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(mentions), "\(error)", file: file, line: line)
            XCTAssertFalse("\(error)".contains("\n"), file: file, line: line)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "left behind", file: file, line: line)
    }

    func testUnreadableSource() throws {
        try assertFails([Ext2Entry(path: "/f", kind: .file(.host(path: "/nonexistent/file")), mode: 0o644)],
                        mentions: "stat /nonexistent/file failed: No such file or directory")
        try assertFails([Ext2Entry(path: "/f", kind: .file(.host(path: "/tmp")), mode: 0o644)], mentions: "/tmp: is not a regular file")
    }

    func testNameTooLong() throws {
        let name = String(repeating: "n", count: 256)
        try assertFails([Ext2Entry(path: "/d/" + name, kind: .fifo, mode: 0o644)], mentions: "/d/\(name): name is 256 bytes")
    }

    func testImageTooSmall() throws {
        try assertFails([Ext2Entry(path: "/big", kind: .file(.bytes([UInt8](repeating: 1, count: 3 << 20))), mode: 0o644)],
                        size: 2 << 20, mentions: "image size 2097152 bytes is too small")
    }

    func testBadManifests() throws {
        try assertFails([Ext2Entry(path: "/l", kind: .hardLink(to: "/missing"), mode: 0)], mentions: "/l: is a hard link to /missing")
        try assertFails([Ext2Entry(path: "/d", kind: .directory, mode: 0o755), Ext2Entry(path: "/l", kind: .hardLink(to: "/d"), mode: 0)],
                        mentions: "/l: is a hard link to a directory")
        try assertFails([Ext2Entry(path: "/f", kind: .fifo, mode: 0o644), Ext2Entry(path: "/f/x", kind: .fifo, mode: 0o644)],
                        mentions: "/f/x: its parent /f is not a directory")
        try assertFails([Ext2Entry(path: "/s", kind: .symlink(target: String(repeating: "x", count: 4096)), mode: 0o777)],
                        mentions: "/s: symlink target is 4096 bytes")
        try assertFails([Ext2Entry(path: "/f", kind: .fifo, mode: 0o644, xattrs: [Ext2Xattr(name: "system.posix_acl_access", value: [1])])],
                        mentions: "/f: xattr system.posix_acl_access has no ext2 name prefix")
        try assertFails([Ext2Entry(path: "/f", kind: .fifo, mode: 0o644, xattrs: [Ext2Xattr(name: "user.big", value: [UInt8](repeating: 1, count: 5000))])],
                        mentions: "/f: xattrs do not fit")
        XCTAssertThrowsError(try Ext2Manifest([Ext2Entry(path: "/a", kind: .fifo, mode: 0), Ext2Entry(path: "/a/", kind: .fifo, mode: 0)])) {
            XCTAssertEqual("\($0)", "/a: appears twice in the image manifest")
        }
        XCTAssertThrowsError(try Ext2Manifest([Ext2Entry(path: "a/../b", kind: .fifo, mode: 0)]))
    }

    /// A file that changes between planning and copying is caught, by size or mtime.
    func testFileChangingWhileRead() throws {
        let dir = try makeTempDir(self)
        try writeFile(dir + "/f", [UInt8](repeating: 1, count: 10_000))
        let planned = try Ext2HostFile(path: dir + "/f", blockSize: 4096)
        try writeFile(dir + "/f", [UInt8](repeating: 2, count: 20_000))
        let image = try Ext2ImageFile(path: dir + "/img", blocks: 16)
        XCTAssertThrowsError(try planned.copy(to: image, physical: [1, 2, 3], blockSize: 4096)) {
            XCTAssertEqual("\($0)", "\(dir)/f: changed while the image was being written")
        }
        image.discard()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["f"])
    }

    func testNameThatIsNotUTF8() throws {
        let dir = try makeTempDir(self)
        let raw: [CChar] = Array((dir + "/bad-").utf8CString.dropLast()) + [CChar(bitPattern: 0xFF), 0]
        let fd = open(raw, O_CREAT | O_WRONLY, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        XCTAssertThrowsError(try Ext2Manifest.scan(directory: dir)) {
            XCTAssertEqual("\($0)", "\(dir)/bad-\u{FFFD}: name is not valid UTF-8")
        }
    }

    func testCommandLineSizes() throws {
        XCTAssertEqual(Ext2Options.parseUUID("0123456789abcdef0123456789ABCDEF"), [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])
        XCTAssertNil(Ext2Options.parseUUID("xyz"))
        XCTAssertEqual(Ext2Options.formatUUID(Ext2Options.parseUUID("01234567-89ab-cdef-0123-456789abcdef")!), "01234567-89ab-cdef-0123-456789abcdef")
    }
}

/// The format pieces on their own.
final class Ext2FormatTests: XCTestCase {
    func testBlockMapPaths() {
        XCTAssertEqual(Ext2BlockMap.path(11, perBlock: 1024).slot, 11)
        XCTAssertEqual(Ext2BlockMap.path(12, perBlock: 1024).indexes, [0])
        XCTAssertEqual(Ext2BlockMap.path(12 + 1024, perBlock: 1024).slot, 13)
        XCTAssertEqual(Ext2BlockMap.path(12 + 1024 + 1024 * 1024, perBlock: 1024).indexes, [0, 0, 0])
        // 13 blocks: one indirect; a dense 4 MiB + 1 block file: indirect, double, one more.
        XCTAssertEqual(Ext2BlockMap.indirectCount(logical: 0..<13, perBlock: 1024), 1)
        XCTAssertEqual(Ext2BlockMap.indirectCount(logical: 0..<(12 + 1024 + 1), perBlock: 1024), 3)
        var next: UInt32 = 100
        let map = Ext2BlockMap.build(logical: [0, 12, 5000], perBlock: 1024) { next += 1; return next }
        XCTAssertEqual(map.iBlock[0], 101)
        XCTAssertEqual(map.iBlock[12], 102)  // the indirect block precedes the data it maps
        XCTAssertEqual(map.physical, [101, 103, 106])
        XCTAssertEqual(map.indirect.count, 3)
    }

    func testDirectoryBlocksChainExactly() {
        let entries = (0..<500).map { Ext2Directory.Entry(name: Array(String(repeating: "x", count: $0 % 255 + 1).utf8), inode: UInt32(12 + $0), type: .regular) }
        let bytes = Ext2Directory.encode(selfInode: 2, parentInode: 2, entries: entries, blockSize: 4096)
        XCTAssertEqual(bytes.count / 4096, Ext2Directory.blockCount(nameLengths: entries.map(\.name.count), blockSize: 4096))
        var seen = 0
        for block in stride(from: 0, to: bytes.count, by: 4096) {
            var at = 0
            while at < 4096 {
                let rec = Int(bytes[block + at + 4]) | Int(bytes[block + at + 5]) << 8
                XCTAssertGreaterThanOrEqual(rec, 8 + Int(bytes[block + at + 6]))
                XCTAssertEqual(rec % 4, 0)
                at += rec
                seen += 1
            }
            XCTAssertEqual(at, 4096, "rec_len chain covers block \(block / 4096)")
        }
        XCTAssertEqual(seen, 502)
    }

    func testSparseSuperGroups() {
        XCTAssertEqual((0..<50).filter(Ext2Geometry.hasSuperblock), [0, 1, 3, 5, 7, 9, 25, 27, 49])
    }

    func testXattrHashMatchesTheKernelFormula() {
        // "capability" hashed by name only (empty value), worked by hand from ext4_xattr_hash_entry.
        var h: UInt32 = 0
        for c in "capability".utf8 { h = (h << 5) ^ (h >> 27) ^ UInt32(c) }
        XCTAssertEqual(Ext2XattrBlock.entryHash(name: Array("capability".utf8), value: []), h)
        XCTAssertEqual(Ext2XattrBlock.entryHash(name: [], value: [1, 0, 0, 0, 2]), ((1 << 16) ^ 2))
    }
}
