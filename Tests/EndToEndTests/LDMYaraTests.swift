import Foundation
import XCTest

/// The ldm and libyara groups through guestfish, on ours and on the stock appliance: a
/// disk whose first MBR partition has the LDM type 0x42 but no LDM database (so both
/// launches run `ldmtool create all` and find nothing), the ldmtool calls' answers and
/// refusals, list_filesystems leaving the 0x42 partition out, then YARA rules as source
/// and as compiled by yarac, scans with and without matches, and the errors around them.
final class LDMYaraTests: XCTestCase {
    func testLDMAndYaraCallsMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/ldmyara"
        let rules = """
            rule HasMagic { strings: $a = "MAGIC-1234" condition: $a }
            rule BigFile { condition: filesize > 100 }
            rule Never { strings: $a = "not anywhere" condition: $a }

            """
        let made = try Fixture.sh("""
            set -e; mkdir -p \(w); cd \(w)
            cat > rules.yar <<'EOF'
            \(rules)EOF
            printf 'rule A { condition: $x }\\nrule B { condition: $y }\\n' > broken.yar
            rm -f rules.yarc; yarac rules.yar rules.yarc
            """)
        XCTAssertEqual(made.status, 0, made.err)
        let big = String(repeating: "padding ", count: 20) + "MAGIC-1234"
        let lines = [
            "run", "feature-available \"ldm libyara\"", "list-ldm-volumes", "list-ldm-partitions", "ldmtool-scan",
            "ldmtool-scan-devices /dev/sda", "-ldmtool-scan-devices /dev/nosuch",
            "-ldmtool-diskgroup-name 00000000-0000-0000-0000-000000000000", "-ldmtool-diskgroup-volumes x",
            "-ldmtool-diskgroup-disks x", "-ldmtool-volume-type x Volume1", "-ldmtool-volume-hint x Volume1",
            "-ldmtool-volume-partitions x Volume1", "ldmtool-create-all", "ldmtool-remove-all", "list-dm-devices",
            "mkfs ext4 /dev/sda1", "mkfs ext4 /dev/sda2", "list-filesystems",
            "-yara-scan /magic.txt", "-yara-destroy", "mount /dev/sda2 /",
            "write /magic.txt \"header MAGIC-1234 trailer\"", "write /plain.txt \"nothing here\"",
            "write /big.bin \"\(big)\"", "mkdir /d", "-yara-scan /plain.txt",
            "yara-load \(w)/rules.yar", "yara-scan /magic.txt", "yara-scan /big.bin",
            // No match: the library cannot read back an empty stream (its own error).
            "-yara-scan /plain.txt", "-yara-scan /missing", "-yara-scan relative", "-yara-scan /d",
            "yara-load \(w)/rules.yarc", "yara-scan /big.bin", "-yara-load \(w)/broken.yar", "-yara-scan /magic.txt",
            "yara-load \(w)/rules.yar", "yara-destroy", "-yara-destroy", "-yara-scan /magic.txt",
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(w)/script"))
        var outputs: [String] = []
        for side in ["ours", "stock"] {
            let disk = try Fixture.sh("""
                cd \(w) && rm -f \(side).img && truncate -s 32M \(side).img &&
                printf 'start=2048,size=6144,type=42\\nstart=8192,type=83\\n' | sfdisk -q \(side).img
                """)
            XCTAssertEqual(disk.status, 0, disk.err)
            let r = try f.runTool("guestfish -a \(w)/\(side).img -f \(w)/script", stock: side == "stock")
            XCTAssertEqual(r.status, 0, r.err)
            outputs.append(r.out + r.err)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        for expected in [
            "true\n", "ldmtool_scan_devices: ldmtool_scan_devices_stub: /dev/nosuch: No such file or directory",
            "ldmtool_volume_hint: No such disk group: x", "/dev/sda2: ext4\n",
            "internal_yara_scan: internal_yara_scan_stub: you must call 'mount' first", "yara_destroy: no yara rules loaded",
            "[0] = {\n  yara_name: /magic.txt\n  yara_rule: HasMagic\n}\n",
            "[0] = {\n  yara_name: /big.bin\n  yara_rule: HasMagic\n}\n[1] = {\n  yara_name: /big.bin\n  yara_rule: BigFile\n}\n",
            "internal_yara_scan: /missing: No such file or directory", "file receive cancelled by daemon",
            "yara_load: found 2 errors when compiling the rules", "internal_yara_scan: no yara rules loaded",
        ] {
            XCTAssertTrue(outputs[0].contains(expected), "\(expected) not in:\n\(outputs[0])")
        }
        XCTAssertFalse(outputs[0].contains("/dev/sda1: "), "the 0x42 partition is not listed")
    }
}
