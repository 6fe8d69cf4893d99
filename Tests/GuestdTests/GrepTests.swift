import Foundation
import GuestProtocol
import XCTest

/// grep and its optional flags, against the host's grep on the same file.
final class GrepTests: SysrootTestCase {
    func testGrepMatchesTheHostGrep() throws {
        try write("/text", "alpha\nBeta beta\ngamma.delta\nab+c\nabbc\n\nlast line without newline")
        let cases: [(String, UInt64, [Bool], String)] = [
            ("beta", 0, [false, false, false, false], ""),
            ("^a", 0, [false, false, false, false], ""),
            ("ab+c", 0, [false, false, false, false], ""),
            ("ab+c", 1, [true, false, false, false], "-E"),
            ("ab+c", 2, [false, true, false, false], "-F"),
            ("BETA", 4, [false, false, true, false], "-i"),
            ("a.d", 0, [false, false, false, false], ""),
            ("nomatch", 0, [false, false, false, false], ""),
            ("line$", 0, [false, false, false, false], ""),
        ]
        for (regex, mask, flags, option) in cases {
            let expected = shell("grep \(option) -- '\(regex)' < \(path("/text"))").split(separator: "\n").map(String.init)
            let r = try daemon.call(.grep, args: [.s(regex), .s("/text")] + flags.map { .b($0) }, optargs: mask)
            XCTAssertEqual(try r.strings(), expected, "grep \(option) \(regex)")
        }
        let both = try daemon.call(.grep, args: [.s("a"), .s("/text"), .b(true), .b(true), .b(false), .b(false)], optargs: 3)
        assertError(both, "can't use 'extended' and 'fixed' flags at the same time")
        assertError(try daemon.call(.grep, args: [.s("a"), .s("/nope"), .b(false), .b(false), .b(false), .b(false)]),
                    "/nope: No such file or directory", errno: "ENOENT")
        XCTAssertEqual(try daemon.call(.grep, args: [.s("a["), .s("/text"), .b(false), .b(false), .b(false), .b(false)]).header.status, .error)
    }
}
