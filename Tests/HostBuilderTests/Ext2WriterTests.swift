import Foundation
import XCTest
@testable import HostBuilder

/// The writer checked by e2fsprogs: `e2fsck -fn` must find nothing, and debugfs must read
/// back every entry (contents by rdump, metadata by stat) as the source has it.
final class Ext2WriterTests: XCTestCase {
    func write(_ source: String, _ image: String, _ options: Ext2Options = Ext2Options(sourceDateEpoch: nil)) throws -> Ext2Summary {
        try Ext2Writer(manifest: try Ext2Manifest.scan(directory: source), options: options).write(to: image)
    }

    func fsck(_ image: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try runTool(["e2fsck", "-fn", image], file: file, line: line)
    }

    func testRandomTreeReadsBackThroughDebugfs() throws { try checkRandomTree(seed: 2, hugeCount: 300) }

    func testSecondRandomTreeReadsBackThroughDebugfs() throws { try checkRandomTree(seed: 1, hugeCount: 1000) }

    /// 12,000 entries in one folder, straight from a manifest (creating that many host files
    /// costs seconds): every name comes back from `debugfs ls`, with its inode's mode.
    func testHugeDirectoryFromAManifest() throws {
        let dir = try makeTempDir(self)
        var rng = SeededGenerator(state: 99)
        var entries = [Ext2Entry(path: "/huge/target", kind: .file(.bytes(Array("shared".utf8))), mode: 0o644)]
        var expected: [String: String] = ["target": "100644"]
        for i in 0..<12_000 {
            let pad = Int.random(in: 0..<200, using: &rng)
            let name = "\(i)-" + String(repeating: i % 3 == 0 ? "é" : "x", count: pad / (i % 3 == 0 ? 2 : 1))
            let (kind, mode): (Ext2Entry.Kind, String) = switch i % 4 {
            case 0: (.file(.bytes(Array(name.utf8))), "100600")
            case 1: (.fifo, "010600")
            case 2: (.symlink(target: name), "120600")
            default: (.hardLink(to: "/huge/target"), "100644")
            }
            entries.append(Ext2Entry(path: "/huge/" + name, kind: kind, mode: 0o600))
            expected[name] = mode
        }
        let image = dir + "/img"
        try Ext2Writer(manifest: try Ext2Manifest(entries), options: Ext2Options(sourceDateEpoch: 0)).write(to: image)
        try fsck(image)
        let outputs = try Debugfs.run(image, ["ls -p /huge", "stat /huge", "stat /huge/target"])
        var listed: [String: String] = [:]
        for line in outputs[0].split(separator: "\n") where line.hasPrefix("/") {
            let f = line.split(separator: "/", omittingEmptySubsequences: false)
            guard f.count >= 6, f[5] != ".", f[5] != ".." else { continue }
            listed[String(f[5])] = String(f[2])
        }
        XCTAssertEqual(listed.count, expected.count)
        XCTAssertEqual(listed, expected)
        XCTAssertTrue(outputs[1].contains("(IND)"), "the folder needs an indirect block")
        XCTAssertEqual(Debugfs.parse(outputs[2]).links, 3001)
    }

    func checkRandomTree(seed: UInt64, hugeCount: Int) throws {
        try XCTSkipUnless(getuid() == 0, "device nodes and owners need root")
        do {
            let dir = try makeTempDir(self)
            var tree = RandomTree(root: dir + "/src", seed: seed)
            try makeDirectory(tree.root)
            try tree.build(hugeCount: hugeCount)
            let image = dir + "/img"
            let summary = try write(tree.root, image)
            try fsck(image)

            try makeDirectory(dir + "/out")
            try runTool(["debugfs", "-R", "rdump / \(dir)/out", image])
            try assertSameContents(source: tree.root, dumped: dir + "/out")

            // Stat everything but most of the huge folder.
            var sample = tree.paths.filter { !$0.hasPrefix(tree.hugeDir + "/") }
            sample += tree.paths.filter { $0.hasPrefix(tree.hugeDir + "/") }.enumerated().filter { $0.offset % 500 == 0 }.map(\.element)
            let stats = try Debugfs.stats(image, sample)
            for p in sample {
                var expected = try expectedStat(host: tree.root + p)
                if expected.type == "directory" { expected.size = stats[p]?.size ?? 0 }  // host folders size differently
                XCTAssertEqual(stats[p].map { var s = $0; s.inode = 0; return s }, expected, "seed \(seed) \(p)")
            }
            let names = try Ext2Manifest.listDirectory(tree.root + tree.hugeDir)
            XCTAssertEqual(try Ext2Manifest.listDirectory(dir + "/out" + tree.hugeDir).count, names.count)
            XCTAssertGreaterThan(summary.usedInodes, tree.paths.count)
        }
    }

    func testXattrsReadBack() throws {
        let dir = try makeTempDir(self)
        let src = dir + "/src"
        try makeDirectory(src)
        let cap: [UInt8] = [1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        try writeFile(src + "/ping", [0x7F, 0x45])
        try writeFile(src + "/a", [1])
        try writeFile(src + "/b", [2])
        try setXattr(src + "/ping", "security.capability", cap)
        try setXattr(src + "/ping", "user.note", Array("hello".utf8))
        for f in ["/a", "/b"] { try setXattr(src + f, "user.same", [9, 9]) }
        let image = dir + "/img"
        _ = try write(src, image)
        try fsck(image)
        let outputs = try Debugfs.run(image, ["ea_get -f \(dir)/cap /ping security.capability", "ea_get -f \(dir)/note /ping user.note",
                                              "ea_get -f \(dir)/same /b user.same", "stat /a", "stat /b"])
        XCTAssertEqual(try readBytes(dir + "/cap"), cap)
        XCTAssertEqual(try readBytes(dir + "/note"), Array("hello".utf8))
        XCTAssertEqual(try readBytes(dir + "/same"), [9, 9])
        // Identical sets share one block.
        func acl(_ s: String) -> String? { s.split(separator: "\n").first { $0.hasPrefix("File ACL:") }.map(String.init) }
        XCTAssertEqual(acl(outputs[3]), acl(outputs[4]))
        XCTAssertNotEqual(acl(outputs[3]), "File ACL: 0")
    }

    /// A 4.5 GiB file with data at its start, past 4 GiB (triple indirect) and at its end:
    /// only the data takes blocks, in the image and on the host.
    func testSparseFileUsesTripleIndirectAndStaysSparse() throws {
        let dir = try makeTempDir(self)
        let src = dir + "/src"
        try makeDirectory(src)
        let path = src + "/sparse"
        let fd = open(path, O_CREAT | O_WRONLY, 0o644)
        let pieces: [(Int64, [UInt8])] = [(0, Array("start".utf8)), (1 << 30, [7, 7, 7]), ((4 << 30) + 12345, Array("past4G".utf8)),
                                         ((9 << 29) - 3, Array("end".utf8))]
        for (at, bytes) in pieces { XCTAssertEqual(pwrite(fd, bytes, bytes.count, off_t(at)), bytes.count) }
        close(fd)
        let image = dir + "/img"
        let summary = try write(src, image)
        try fsck(image)
        XCTAssertLessThan(summary.bytesWritten, 1 << 20)
        var st = stat()
        stat(image, &st)
        XCTAssertLessThan(Int(st.st_blocks) * 512, 1 << 20, "the image file is sparse")

        let text = try Debugfs.run(image, ["stat /sparse"])[0]
        XCTAssertTrue(text.contains("(TIND)"), text)
        XCTAssertTrue(text.contains("Size: \(9 << 29)"), text)
        // Each mapped block holds the source's bytes at that offset.
        let mapped = try Self.blockMap(text)
        XCTAssertEqual(mapped.count, 4)
        let img = try FileHandle(forReadingFrom: URL(fileURLWithPath: image))
        let host = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        for (logical, physical) in mapped {
            try img.seek(toOffset: physical * 4096)
            try host.seek(toOffset: logical * 4096)
            XCTAssertEqual(img.readData(ofLength: 4096), host.readData(ofLength: 4096).padded(to: 4096), "logical block \(logical)")
        }
    }

    /// "(0):1234, (IND):1235, (1049612):1240" → data blocks only.
    static func blockMap(_ stat: String) throws -> [(UInt64, UInt64)] {
        guard let list = stat.components(separatedBy: "BLOCKS:\n").last?.split(separator: "\n").first else { return [] }
        var out: [(UInt64, UInt64)] = []
        for item in list.components(separatedBy: ", ") {
            let parts = item.split(separator: ":")
            let l = parts[0].dropFirst().dropLast()
            guard let first = UInt64(l.split(separator: "-")[0]) else { continue }
            let physical = parts[1].split(separator: "-")
            let p0 = UInt64(physical[0])!
            let count = physical.count > 1 ? UInt64(physical[1])! - p0 + 1 : 1
            for k in 0..<count { out.append((first + k, p0 + k)) }
        }
        return out
    }

    func testSameManifestGivesIdenticalBytes() throws {
        let dir = try makeTempDir(self)
        var tree = RandomTree(root: dir + "/src", seed: 7)
        try makeDirectory(tree.root)
        try tree.build(hugeCount: 200)
        let a = try write(tree.root, dir + "/a.img"), b = try write(tree.root, dir + "/b.img")
        XCTAssertEqual(a, b)
        XCTAssertEqual(try readBytes(dir + "/a.img"), try readBytes(dir + "/b.img"))
        // A different content names a different filesystem; a given UUID is used as is.
        try writeFile(tree.root + "/extra", [1])
        let c = try write(tree.root, dir + "/c.img")
        XCTAssertNotEqual(a.uuid, c.uuid)
        let uuid = Ext2Options.parseUUID("01234567-89ab-cdef-0123-456789abcdef")!
        let d = try write(tree.root, dir + "/d.img", Ext2Options(label: "appliance", uuid: uuid, sourceDateEpoch: 1_600_000_000))
        XCTAssertEqual(d.uuid, "01234567-89ab-cdef-0123-456789abcdef")
        try fsck(dir + "/d.img")
        let out = String(decoding: try runTool(["dumpe2fs", "-h", dir + "/d.img"]), as: UTF8.self)
        XCTAssertTrue(out.contains("Filesystem volume name:   appliance"), out)
        XCTAssertTrue(out.contains("Filesystem features:      ext_attr filetype sparse_super large_file"), out)
        // SOURCE_DATE_EPOCH clamps every time.
        let s = try Debugfs.stats(dir + "/d.img", ["/extra"])["/extra"]!
        XCTAssertEqual(s.mtime, "0x5f5e1000:00000000")
    }

    func testGivenSizeAndManyGroups() throws {
        let dir = try makeTempDir(self)
        try makeDirectory(dir + "/src")
        try writeFile(dir + "/src/f", Array(repeating: 0xAB, count: 100_000))
        // 1300 MiB: 11 groups, backups in 0, 1, 3, 5, 7, 9.
        let summary = try write(dir + "/src", dir + "/img", Ext2Options(size: 1300 << 20, sourceDateEpoch: nil))
        XCTAssertEqual(summary.blocks, 1300 << 8)
        try fsck(dir + "/img")
        let out = String(decoding: try runTool(["dumpe2fs", dir + "/img"]), as: UTF8.self)
        XCTAssertEqual(out.components(separatedBy: "Backup superblock at").count - 1, 5, out)
    }

    func testMountsOnTheHost() throws {
        try XCTSkipUnless(getuid() == 0, "loop mounts need root")
        let dir = try makeTempDir(self)
        var tree = RandomTree(root: dir + "/src", seed: 3)
        try makeDirectory(tree.root)
        try tree.build(hugeCount: 100)
        _ = try write(tree.root, dir + "/img")
        try makeDirectory(dir + "/mnt")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-o", "loop,ro", "-t", "ext2", dir + "/img", dir + "/mnt"]
        try p.run()
        p.waitUntilExit()
        try XCTSkipUnless(p.terminationStatus == 0, "mount -o loop is not available here")
        defer { _ = try? runTool(["umount", dir + "/mnt"]) }
        try assertSameContents(source: tree.root, dumped: dir + "/mnt")
        for path in tree.paths.prefix(200) {
            XCTAssertEqual(try expectedStat(host: dir + "/mnt" + path), try expectedStat(host: tree.root + path), path)
        }
    }
}

extension Data {
    func padded(to n: Int) -> Data { count >= n ? self : self + Data(count: n - count) }
}
