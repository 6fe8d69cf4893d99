import Foundation
import XCTest

/// Names are bytes: a guest file name that is not UTF-8 goes through guestfish and our
/// appliance byte for byte, exactly as through the stock appliance (guestfish passes a
/// script's bytes as arguments and prints replies' bytes as they come): listings, links,
/// file contents, extended attributes and a tar stream.
final class NonUTF8NamesEndToEndTests: XCTestCase {
    func testNamesThatAreNotUTF8RoundTripAsOnTheStockAppliance() throws {
        let f = try Fixture.get()
        let dir = f.work + "/non-utf8", image = dir + "/disk.img", script = dir + "/script"
        // 0xd4 alone, 0xff, and 0xc3 followed by '(' (a broken two-byte sequence).
        try Fixture.sh("""
            rm -rf \(dir) && mkdir -p \(dir)/files/d && cd \(dir)/files/d &&
            printf 'one\\n' > "$(printf '\\324')" && printf 'two\\n' > "$(printf 'x\\377\\303(')" &&
            mkdir "$(printf '\\351dir')" && ln -s "$(printf '\\324')" "$(printf 'L\\324')" &&
            setfattr -n "user.$(printf 'k\\377')" -v "$(printf 'v\\324')" "$(printf '\\324')" &&
            mkfs.ext4 -q -F -d \(dir)/files \(image) 16M
            """)
        let d4 = "\u{d4}", ff = "\u{ff}", c3 = "\u{c3}", e9 = "\u{e9}"
        let lines = [
            "run", "mount-ro /dev/sda /", "find /d", "ls /d", "readlink /d/L\(d4)", "realpath /d/L\(d4)",
            "readlinklist /d L\(d4)", "cat /d/\(d4)", "cat /d/x\(ff)\(c3)(", "is-dir /d/\(e9)dir",
            "lgetxattrs /d/\(d4)", "tar-out /d - numericowner:true",
            "mkdir-p /tmp-not-allowed-on-ro", // fails: the error text quotes no name, the run goes on
        ]
        // Latin-1 code points 0x80–0xff are written as single bytes.
        let bytes = lines.joined(separator: "\n").unicodeScalars.map { UInt8($0.value) } + [10]
        try Data(bytes).write(to: URL(fileURLWithPath: script))

        func hexOutput(stock: Bool) throws -> String {
            let r = try f.runTool("guestfish --ro --format=raw -a \(image) -f \(script) 2>/dev/null | od -An -v -tx1 | tr -d ' \\n'", stock: stock)
            return r.out
        }
        let ours = try hexOutput(stock: false), stock = try hexOutput(stock: true)
        XCTAssertFalse(stock.isEmpty)
        XCTAssertEqual(ours, stock)
        // find lists the raw byte, not U+FFFD (ef bf bd).
        XCTAssertTrue(ours.contains("0a" + "d4" + "0a") || ours.hasPrefix("d40a"), ours)
        XCTAssertFalse(ours.contains("efbfbd"), ours)
    }
}
