import Foundation
import XCTest
@testable import HostBuilder

final class ElfNeededTests: XCTestCase {
    /// The paths ldd prints (it runs the binary's loader; only the test may do that).
    private func lddPaths(_ binary: String) throws -> Set<String> {
        let text = String(decoding: try runTool(["ldd", binary]), as: UTF8.self)
        var paths: Set<String> = []
        for line in text.split(separator: "\n") {
            let cols = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let arrow = cols.firstIndex(of: "=>"), arrow + 1 < cols.count, cols[arrow + 1].hasPrefix("/") {
                paths.insert(String(cols[arrow + 1]))
            } else if let first = cols.first, first.hasPrefix("/") {
                paths.insert(String(first))
            }
        }
        return paths
    }

    private func real(_ paths: some Sequence<String>) -> Set<String> {
        Set(paths.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })
    }

    func testSystemBinariesMatchLdd() throws {
        for binary in ["/bin/ls", "/usr/bin/mount"] where FileManager.default.fileExists(atPath: binary) {
            let closure = try ElfNeeded.closure(of: [binary])
            XCTAssertEqual(Set(closure).count, closure.count, "duplicates")
            XCTAssertTrue(closure.contains { $0.hasSuffix("/libc.so.6") }, "\(closure)")
            XCTAssertTrue(closure.contains { $0.hasSuffix("/ld-linux-x86-64.so.2") }, "\(closure)")
            XCTAssertFalse(closure.contains(binary))
            XCTAssertEqual(Set(closure), try lddPaths(binary), binary)
        }
    }

    func testRunpathWithOriginMatchesLdd() throws {
        // This test bundle links Swift runtime libraries whose DT_RUNPATH is $ORIGIN.
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let closure = try ElfNeeded.closure(of: [me])
        XCTAssertEqual(real(closure), real(try lddPaths(me)))
        XCTAssertEqual(try ElfNeeded.closure(of: [me]), closure, "deterministic")
    }

    func testSeveralBinariesShareLibraries() throws {
        let both = try ElfNeeded.closure(of: ["/bin/ls", "/usr/bin/mount"])
        XCTAssertEqual(Set(both), Set(try ElfNeeded.closure(of: ["/bin/ls"]) + ElfNeeded.closure(of: ["/usr/bin/mount"])))
        XCTAssertEqual(Set(both).count, both.count)
    }

    func testSysroot() throws {
        // A sysroot holding links to exactly the libraries /bin/ls needs.
        let root = try makeTempDir(self)
        let host = try ElfNeeded.closure(of: ["/bin/ls"])
        for lib in host {
            let dir = root + ElfNeeded.dirname(lib)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root + lib, withDestinationPath: lib)
        }
        XCTAssertEqual(try ElfNeeded.closure(of: ["/bin/ls"], sysroot: root), host.map { root + $0 })

        let empty = try makeTempDir(self)
        XCTAssertThrowsError(try ElfNeeded.closure(of: ["/bin/ls"], sysroot: empty)) { error in
            guard case BuildError.notFound = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("/bin/ls"), "\(error)")
        }
        // Interpreter present, libraries missing: the error names the soname and who needs it.
        let interpOnly = try makeTempDir(self)
        let interp = try XCTUnwrap(host.first { $0.hasSuffix("ld-linux-x86-64.so.2") })
        try FileManager.default.createDirectory(atPath: interpOnly + ElfNeeded.dirname(interp), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: interpOnly + interp, withDestinationPath: interp)
        XCTAssertThrowsError(try ElfNeeded.closure(of: ["/bin/ls"], sysroot: interpOnly)) { error in
            XCTAssertTrue("\(error)".hasPrefix("shared library lib"), "\(error)")
            XCTAssertTrue("\(error)".contains("needed by /bin/ls"), "\(error)")
        }
    }

    func testNotAnElf() throws {
        let dir = try makeTempDir(self)
        try writeFile(dir + "/script", Array("#!/bin/sh\necho hi\n".utf8))
        XCTAssertThrowsError(try ElfNeeded.closure(of: [dir + "/script"])) { error in
            XCTAssertEqual("\(error)", "\(dir)/script: not an ELF file")
        }
        XCTAssertThrowsError(try ElfNeeded.closure(of: [dir + "/missing"])) { error in
            XCTAssertEqual(error as? BuildError, .io(call: "open", path: dir + "/missing", errno: ENOENT))
        }
    }

    func testRealpathChain() throws {
        let lib = "/lib/x86_64-linux-gnu/libblkid.so.1"
        if FileManager.default.fileExists(atPath: lib) {
            let chain = ElfNeeded.realpathChain(lib)
            XCTAssertEqual(chain.first, lib)
            XCTAssertGreaterThanOrEqual(chain.count, 2, "\(chain)")
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: chain.last!)[.type] as? FileAttributeType, .typeRegular)
            XCTAssertEqual(real([chain.last!]), real([lib]))
        }
        // a → b/../c (relative, through a directory symlink) → /abs/d (absolute) → file.
        let dir = try makeTempDir(self)
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/real/sub", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir + "/dirlink", withDestinationPath: "real/sub")
        try writeFile(dir + "/real/file", [1])
        try fm.createSymbolicLink(atPath: dir + "/real/d", withDestinationPath: "file")
        try fm.createSymbolicLink(atPath: dir + "/real/c", withDestinationPath: dir + "/real/d")
        try fm.createSymbolicLink(atPath: dir + "/a", withDestinationPath: "dirlink/../c")
        // dirlink/.. is physically real/, so the target is real/c, not ./c.
        XCTAssertEqual(ElfNeeded.realpathChain(dir + "/a"), [dir + "/a", real([dir + "/real"]).first! + "/c", dir + "/real/d", dir + "/real/file"])
        XCTAssertEqual(ElfNeeded.realpathChain(dir + "/real/file"), [dir + "/real/file"])
        try fm.createSymbolicLink(atPath: dir + "/loop1", withDestinationPath: "loop2")
        try fm.createSymbolicLink(atPath: dir + "/loop2", withDestinationPath: "loop1")
        XCTAssertEqual(ElfNeeded.realpathChain(dir + "/loop1"), [dir + "/loop1", dir + "/loop2"])
    }
}
