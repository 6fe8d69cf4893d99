import Foundation
import GuestProtocol
import XCTest

/// yara_load, internal_yara_scan and yara_destroy through the daemon with Debian's
/// libyara: rules as source and as compiled by yarac, matches streamed as XDR
/// yara_detection, and the real daemon's errors.
final class YaraProcedureTests: SysrootTestCase {
    let source = """
        rule HasMagic { strings: $a = "MAGIC-1234" condition: $a }
        rule BigFile { condition: filesize > 100 }
        rule Never { strings: $a = "not anywhere" condition: $a }

        """

    func detections(_ path: String) throws -> [[String]] {
        let scan = try daemon.fileOut(.internalYaraScan, path)
        assertOK(scan.reply)
        var d = XDRDecoder(scan.data), found: [[String]] = []
        while d.offset < scan.data.count {
            let v = try StructValue.decode(.yaraDetection, from: &d)
            guard case let .string(name)? = v["yara_name"], case let .string(rule)? = v["yara_rule"] else {
                XCTFail("yara_detection without its strings")
                break
            }
            found.append([name.description, rule.description])
        }
        return found
    }

    func testSourceRulesScanDestroyAndErrors() throws {
        try write("/magic.txt", "header MAGIC-1234 trailer\n")
        try write("/big.bin", String(repeating: "x", count: 200) + "MAGIC-1234")
        try write("/plain.txt", "nothing\n")

        // Nothing loaded yet: scanning and destroying fail alike.
        assertError(try daemon.call(.internalYaraScan, ["/plain.txt"]), "no yara rules loaded")
        assertError(try daemon.call(.yaraDestroy), "no yara rules loaded")

        assertOK(try daemon.fileIn(.yaraLoad, [], data: Array(source.utf8)).reply)
        XCTAssertEqual(try detections("/magic.txt"), [["/magic.txt", "HasMagic"]])
        XCTAssertEqual(try detections("/big.bin"), [["/big.bin", "HasMagic"], ["/big.bin", "BigFile"]])
        XCTAssertEqual(try detections("/plain.txt"), [])
        // The path is the caller's, as given; it resolves inside the guest.
        XCTAssertEqual(try detections("/dir/../magic.txt"), [["/dir/../magic.txt", "HasMagic"]])
        assertError(try daemon.call(.internalYaraScan, ["/missing"]), "/missing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.internalYaraScan, ["relative"]), "internal_yara_scan_stub: path must start with a / character")

        assertOK(try daemon.call(.yaraDestroy))
        assertError(try daemon.call(.yaraDestroy), "no yara rules loaded")
        assertError(try daemon.call(.internalYaraScan, ["/magic.txt"]), "no yara rules loaded")
        try assertAlive()
    }

    func testCompileErrorsAreCountedAndDropTheOldRules() throws {
        try write("/magic.txt", "MAGIC-1234")
        assertOK(try daemon.fileIn(.yaraLoad, [], data: Array(source.utf8)).reply)
        // Two rules naming undefined strings: libyara counts both.
        let broken = "rule A { condition: $x }\nrule B { condition: $y }\n"
        assertError(try daemon.fileIn(.yaraLoad, [], data: Array(broken.utf8)).reply, "found 2 errors when compiling the rules")
        // The rules loaded before are gone, as in the real daemon.
        assertError(try daemon.call(.internalYaraScan, ["/magic.txt"]), "no yara rules loaded")
        // An empty file is a source without rules: loaded, nothing matches.
        assertOK(try daemon.fileIn(.yaraLoad, [], data: []).reply)
        XCTAssertEqual(try detections("/magic.txt"), [])
        try assertAlive()
    }

    func testCompiledRulesFromYarac() throws {
        let src = base.appendingPathComponent("rules.yar").path, compiled = base.appendingPathComponent("rules.yarc").path
        try Data(source.utf8).write(to: URL(fileURLWithPath: src))
        let yarac = Process()
        yarac.executableURL = URL(fileURLWithPath: "/usr/bin/yarac")
        yarac.arguments = [src, compiled]
        try yarac.run()
        yarac.waitUntilExit()
        XCTAssertEqual(yarac.terminationStatus, 0)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: compiled))
        XCTAssertEqual(Array(bytes.prefix(4)), Array("YARA".utf8))

        try write("/magic.txt", "MAGIC-1234")
        assertOK(try daemon.fileIn(.yaraLoad, [], data: Array(bytes)).reply)
        XCTAssertEqual(try detections("/magic.txt"), [["/magic.txt", "HasMagic"]])
        // A compiled file cut short is refused by libyara, not compiled as source; the
        // real daemon never replies there, guestd answers with libyara's code.
        let r = try daemon.fileIn(.yaraLoad, [], data: Array(bytes.prefix(bytes.count / 2))).reply
        XCTAssertEqual(r.header.status, .error)
        XCTAssertTrue(r.error?.message.hasPrefix("yr_rules_load: error ") ?? false, r.error?.message ?? "")
        try assertAlive()
    }
}
