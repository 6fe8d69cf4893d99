import Foundation
import XCTest
@testable import HostBuilder

final class CpioTests: XCTestCase {
    struct Entry: Equatable { var name: String; var inode: UInt32; var mode: UInt32; var nlink: UInt32; var mtime: UInt32; var data: [UInt8] }

    /// An independent newc reader that also checks the alignment rules.
    private func parse(_ archive: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> [Entry] {
        var entries: [Entry] = []
        var at = 0
        XCTAssertEqual(archive.count % 4, 0, "archive length", file: file, line: line)
        while at + 110 <= archive.count {
            XCTAssertEqual(at % 4, 0, "header at \(at) not aligned", file: file, line: line)
            XCTAssertEqual(String(decoding: archive[at..<at + 6], as: UTF8.self), "070701", file: file, line: line)
            func field(_ i: Int) -> UInt32 { UInt32(String(decoding: archive[at + 6 + 8 * i..<at + 14 + 8 * i], as: UTF8.self), radix: 16)! }
            let nameSize = Int(field(11)), fileSize = Int(field(6))
            XCTAssertEqual(field(2), 0); XCTAssertEqual(field(3), 0)
            let nameStart = at + 110
            XCTAssertEqual(archive[nameStart + nameSize - 1], 0, "name NUL", file: file, line: line)
            let name = String(decoding: archive[nameStart..<nameStart + nameSize - 1], as: UTF8.self)
            let dataStart = (nameStart + nameSize + 3) & ~3
            XCTAssertTrue(archive[(nameStart + nameSize)..<dataStart].allSatisfy { $0 == 0 }, "name padding")
            let data = Array(archive[dataStart..<dataStart + fileSize])
            entries.append(Entry(name: name, inode: field(0), mode: field(1), nlink: field(4), mtime: field(5), data: data))
            at = (dataStart + fileSize + 3) & ~3
            if name == "TRAILER!!!" { break }
        }
        XCTAssertEqual(at, archive.count, "bytes after the trailer", file: file, line: line)
        return entries
    }

    private func sample() -> CpioWriter {
        var w = CpioWriter()
        w.addDirectory("/etc")
        w.addFile("/etc/hostname", bytes: Array("appliance\n".utf8), mode: 0o644)
        w.addFile("bin/init", bytes: (0..<5001).map { UInt8(truncatingIfNeeded: $0) }, mode: 0o755)  // parent auto-added
        w.addFile("/lib/modules/6.1/kernel/a.ko", bytes: [1, 2, 3], mode: 0o600)
        w.addSymlink("/sbin", target: "bin")
        w.addDirectory("/tmp", mode: 0o1777)
        w.addDirectory("/etc")  // already present: no second entry
        w.addFile("/empty", bytes: [], mode: 0o400)
        return w
    }

    func testLayoutInodesAndParents() {
        let entries = parse(sample().finish())
        XCTAssertEqual(entries.map(\.name), ["etc", "etc/hostname", "bin", "bin/init", "lib", "lib/modules", "lib/modules/6.1",
                                             "lib/modules/6.1/kernel", "lib/modules/6.1/kernel/a.ko", "sbin", "tmp", "empty", "TRAILER!!!"])
        XCTAssertEqual(entries.dropLast().map(\.inode), Array(1...12))
        XCTAssertTrue(entries.allSatisfy { $0.mtime == 0 })
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        XCTAssertEqual(byName["etc"]?.mode, 0o040755); XCTAssertEqual(byName["etc"]?.nlink, 2)
        XCTAssertEqual(byName["tmp"]?.mode, 0o041777)
        XCTAssertEqual(byName["bin/init"]?.mode, 0o100755); XCTAssertEqual(byName["bin/init"]?.nlink, 1)
        XCTAssertEqual(byName["bin/init"]?.data.count, 5001)
        XCTAssertEqual(byName["sbin"]?.mode, 0o120777); XCTAssertEqual(byName["sbin"]?.data, Array("bin".utf8))
        XCTAssertEqual(byName["lib/modules/6.1/kernel/a.ko"]?.mode, 0o100600)
    }

    func testReproducibleAndEmpty() {
        XCTAssertEqual(sample().finish(), sample().finish())
        let empty = parse(CpioWriter().finish())
        XCTAssertEqual(empty.map(\.name), ["TRAILER!!!"])
    }

    func testGnuCpioReadsIt() throws {
        let dir = try makeTempDir(self)
        let archive = sample().finish()
        let path = dir + "/a.cpio"
        try writeFile(path, archive)

        let listing = String(decoding: try runTool(["cpio", "-it", "--quiet"], stdin: Data(archive)), as: UTF8.self)
        XCTAssertEqual(listing.split(separator: "\n").map(String.init), parse(archive).dropLast().map(\.name))

        let verbose = String(decoding: try runTool(["cpio", "-itv", "--quiet"], stdin: Data(archive)), as: UTF8.self)
        let modes = Dictionary(uniqueKeysWithValues: verbose.split(separator: "\n").map { line -> (String, String) in
            let cols = line.split(separator: " ", omittingEmptySubsequences: true)
            let name = cols[8...].prefix { $0 != "->" }.joined(separator: " ")
            return (name, String(cols[0]))
        })
        XCTAssertEqual(modes["etc"], "drwxr-xr-x")
        XCTAssertEqual(modes["tmp"], "drwxrwxrwt")
        XCTAssertEqual(modes["bin/init"], "-rwxr-xr-x")
        XCTAssertEqual(modes["etc/hostname"], "-rw-r--r--")
        XCTAssertEqual(modes["sbin"], "lrwxrwxrwx")

        let hostname = try runTool(["cpio", "-i", "--quiet", "--to-stdout", "etc/hostname"], stdin: Data(archive))
        XCTAssertEqual(String(decoding: hostname, as: UTF8.self), "appliance\n")

        let out = dir + "/x"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try runTool(["sh", "-c", "cd \"$1\" && cpio -idm --quiet < \"$2\"", "sh", out, path])
        XCTAssertEqual(try readBytes(out + "/bin/init"), (0..<5001).map { UInt8(truncatingIfNeeded: $0) })
        XCTAssertEqual(try readBytes(out + "/empty"), [])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/sbin"), "bin")
        let attrs = try FileManager.default.attributesOfItem(atPath: out + "/lib/modules/6.1/kernel/a.ko")
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }
}
