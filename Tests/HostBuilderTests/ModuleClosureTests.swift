import Foundation
import XCTest
@testable import HostBuilder

final class ModuleClosureTests: XCTestCase {
    private let wanted = ["virtio_pci", "virtio_blk", "virtio_scsi", "sd_mod", "sr_mod", "ext4", "virtio_console"]

    /// modules.dep read independently of libkmod: module name → names of its dependencies.
    private func depGraph(_ dir: String) throws -> [String: [String]] {
        func name(_ path: Substring) -> String {
            var base = path.split(separator: "/").last.map(String.init) ?? ""
            base = String(base[..<(base.range(of: ".ko")?.lowerBound ?? base.endIndex)])
            return base.replacingOccurrences(of: "-", with: "_")
        }
        var graph: [String: [String]] = [:]
        for line in try String(contentsOfFile: dir + "/modules.dep", encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            graph[name(parts[0])] = parts.count > 1 ? parts[1].split(separator: " ").map(name) : []
        }
        return graph
    }

    func testClosureOrdersDependenciesFirst() throws {
        let dir = try hostModulesDir()
        let modules = try ModuleClosure(modulesDir: dir).resolve(wanted)
        let names = modules.map(\.name)
        XCTAssertEqual(Set(names).count, names.count, "duplicates in \(names)")
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })

        for (before, after) in [("virtio", "virtio_pci"), ("virtio_ring", "virtio_blk"), ("scsi_mod", "sd_mod"),
                                ("scsi_mod", "sr_mod"), ("jbd2", "ext4"), ("mbcache", "ext4")] {
            guard let b = position[before], let a = position[after] else {
                XCTFail("\(before) or \(after) missing from \(names)"); continue
            }
            XCTAssertLessThan(b, a, "\(before) must come before \(after) in \(names)")
        }
        // Every dependency modules.dep lists precedes its dependent.
        let graph = try depGraph(dir)
        for module in modules {
            XCTAssertTrue(module.path.hasPrefix(dir + "/"), module.path)
            XCTAssertTrue(FileManager.default.fileExists(atPath: module.path), module.path)
            for dep in graph[module.name] ?? [] {
                guard let d = position[dep] else { XCTFail("\(dep) (needed by \(module.name)) missing"); continue }
                XCTAssertLessThan(d, position[module.name]!, "\(dep) must precede \(module.name)")
            }
        }
        for name in wanted where graph[name] != nil { XCTAssertNotNil(position[name], "\(name) not in closure") }
        // ext4's pre-softdep crypto-crc32c resolves to a crc32c module loaded before ext4.
        let crc = names.firstIndex { $0.hasPrefix("crc32c") }
        XCTAssertNotNil(crc)
        if let crc, let ext4 = position["ext4"] { XCTAssertLessThan(crc, ext4) }
    }

    func testResolutionIsDeterministicAndAcceptsDashes() throws {
        let closure = try ModuleClosure(modulesDir: try hostModulesDir())
        let first = try closure.resolve(wanted)
        XCTAssertEqual(first, try closure.resolve(wanted))
        XCTAssertEqual(try closure.resolve(["virtio-pci"]), try closure.resolve(["virtio_pci"]))
        // Asking again for something already present adds nothing.
        XCTAssertEqual(try closure.resolve(wanted + ["virtio", "ext4"]), first)
    }

    func testBuiltinModulesAreLeftOut() throws {
        let dir = try hostModulesDir()
        let builtin = try String(contentsOfFile: dir + "/modules.builtin", encoding: .utf8).split(separator: "\n")
        guard let line = builtin.first else { throw XCTSkip("\(dir)/modules.builtin is empty") }
        let name = String(line.split(separator: "/").last!.dropLast(3)).replacingOccurrences(of: "-", with: "_")
        XCTAssertEqual(try ModuleClosure(modulesDir: dir).resolve([name]), [], "builtin \(name)")
    }

    func testUnknownModuleNamesModuleAndDirectory() throws {
        let dir = try hostModulesDir()
        XCTAssertThrowsError(try ModuleClosure(modulesDir: dir).resolve(["ext4", "no_such_module_xyz"])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("no_such_module_xyz") && text.contains(dir), text)
        }
        XCTAssertThrowsError(try ModuleClosure(modulesDir: "/nonexistent/modules")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/modules"), "\(error)")
        }
    }

    private func moduleFile(_ name: String) throws -> String {
        let resolved = try ModuleClosure(modulesDir: try hostModulesDir()).resolve([name])
        return try XCTUnwrap(resolved.last { $0.name == name }).path
    }

    func testModuleBytesDecodesEveryCompression() throws {
        let path = try moduleFile("virtio_blk")
        let original = try ModuleClosure.moduleBytes(path: path)
        XCTAssertEqual(Array(original.prefix(4)), [0x7F, 0x45, 0x4C, 0x46])
        // Uncompress compressed installations so the test works on any distribution.
        let plain: [UInt8]
        switch path {
        case let p where p.hasSuffix(".ko"): plain = try readBytes(p)
        default: plain = original
        }
        XCTAssertEqual(original, plain)

        let dir = try makeTempDir(self)
        for (suffix, tool) in [("xz", ["xz", "--check=crc32", "-c"]), ("zst", ["zstd", "-q", "-c"]), ("gz", ["gzip", "-n", "-c"])] {
            let file = "\(dir)/virtio_blk.ko.\(suffix)"
            try writeFile(file, [UInt8](try runTool(tool, stdin: Data(plain))))
            XCTAssertEqual(try ModuleClosure.moduleBytes(path: file), plain, suffix)
        }
        try writeFile("\(dir)/junk.ko", Array("hello".utf8))
        XCTAssertThrowsError(try ModuleClosure.moduleBytes(path: "\(dir)/junk.ko")) { error in
            guard case BuildError.format(path: "\(dir)/junk.ko", _) = error else { return XCTFail("\(error)") }
        }
    }

    func testStripSignature() throws {
        let magic = Array("~Module signature appended~\n".utf8)
        let ko = try ModuleClosure.moduleBytes(path: try moduleFile("virtio_blk"))
        if ko.suffix(magic.count).elementsEqual(magic) {
            let stripped = ModuleClosure.stripSignature(ko)
            XCTAssertLessThan(stripped.count, ko.count)
            XCTAssertFalse(stripped.suffix(magic.count).elementsEqual(magic))
            XCTAssertEqual(Array(ko.prefix(stripped.count)), stripped)
            XCTAssertEqual(ModuleClosure.stripSignature(stripped), stripped, "unsigned bytes unchanged")
        }
        // Synthetic: body + 300-byte signature + struct (sig_len big-endian) + magic.
        let body = Array(repeating: UInt8(0x11), count: 1000)
        let sig = Array(repeating: UInt8(0x22), count: 300)
        let info: [UInt8] = [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x2C]
        XCTAssertEqual(ModuleClosure.stripSignature(body + sig + info + magic), body)
        XCTAssertEqual(ModuleClosure.stripSignature(body), body)
        // A length larger than the file is not trusted.
        let lying: [UInt8] = [0, 0, 2, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        XCTAssertEqual(ModuleClosure.stripSignature(sig + lying + magic), sig + lying + magic)
    }
}
