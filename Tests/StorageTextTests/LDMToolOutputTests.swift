import StorageText
import XCTest

/// ldmtool's JSON, as ldmtool 0.2.5 prints it for the Windows Server 2003 R2 and 2008 R2
/// dynamic disks of libldm's test data (`ldmtool -d IMAGE … scan / show diskgroup / show
/// volume`), read as the ldmtool_* calls read it.
final class LDMToolOutputTests: XCTestCase {
    let scan = """
        [
          "03c0c4fc-8b6f-402b-9431-4be2e5823b1c"
        ]

        """
    let diskgroup = """
        {
          "name" : "WIN-ERRDJSBDAVF-Dg0",
          "guid" : "06495a84-fbfd-11e1-8cf9-52540061f5db",
          "volumes" : [
            "Volume4",
            "Volume1",
            "Volume2",
            "Volume3",
            "Volume5"
          ],
          "disks" : [
            "Disk1",
            "Disk2",
            "Disk3",
            "Disk4",
            "Disk5",
            "Disk6",
            "Disk7",
            "Disk8",
            "Disk9"
          ]
        }

        """
    let raid = """
        {
          "name" : "Raid1",
          "guid" : "f8528b30-cbe8-4ce0-9188-e60e39afcc72",
          "type" : "RAID5",
          "size" : 192512,
          "chunk-size" : 128,
          "hint" : "I:",
          "partitions" : [
            "Disk10-01",
            "Disk9-01",
            "Disk8-01"
          ]
        }

        """

    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func assertFailure<T>(_ body: @autoclosure () throws -> T, _ message: String, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) {
            XCTAssertEqual(($0 as? LDMToolOutput.Failure)?.message, message, line: line)
        }
    }

    func testScanDiskgroupAndVolumeMembers() throws {
        XCTAssertEqual(try LDMToolOutput.stringList(bytes(scan), what: "ldmtool scan"), ["03c0c4fc-8b6f-402b-9431-4be2e5823b1c"])
        XCTAssertEqual(try LDMToolOutput.stringList(bytes("[]\n"), what: "ldmtool scan"), [])
        XCTAssertEqual(try LDMToolOutput.string(bytes(diskgroup), key: "name", what: "ldmtool show diskgroup"), "WIN-ERRDJSBDAVF-Dg0")
        XCTAssertEqual(try LDMToolOutput.stringList(bytes(diskgroup), key: "volumes", what: "ldmtool show diskgroup"),
                       ["Volume4", "Volume1", "Volume2", "Volume3", "Volume5"])
        XCTAssertEqual(try LDMToolOutput.stringList(bytes(diskgroup), key: "disks", what: "ldmtool show diskgroup").count, 9)
        XCTAssertEqual(try LDMToolOutput.string(bytes(raid), key: "type", what: "ldmtool show volume"), "RAID5")
        XCTAssertEqual(try LDMToolOutput.string(bytes(raid), key: "hint", nullIsEmpty: true, what: "ldmtool show volume"), "I:")
        XCTAssertEqual(try LDMToolOutput.stringList(bytes(raid), key: "partitions", what: "ldmtool show volume"),
                       ["Disk10-01", "Disk9-01", "Disk8-01"])
    }

    func testMembersOfTheWrongShapeAreTheDaemonsErrors() {
        // A number is not a string; a missing hint is an error too (ldmtool leaves the
        // member out when the volume has none), a null hint is "".
        assertFailure(try LDMToolOutput.string(bytes(raid), key: "size", what: "ldmtool show volume"),
                      "output of 'ldmtool show volume' was not a JSON object containing a key 'size' of type string")
        let noHint = bytes(#"{"name": "Volume1", "partitions": ["Disk1-01"]}"#)
        assertFailure(try LDMToolOutput.string(noHint, key: "hint", nullIsEmpty: true, what: "ldmtool show volume"),
                      "output of 'ldmtool show volume' was not a JSON object containing a key 'hint' of type string")
        XCTAssertEqual(try LDMToolOutput.string(bytes(#"{"hint": null}"#), key: "hint", nullIsEmpty: true, what: "w"), "")
        assertFailure(try LDMToolOutput.string(bytes(#"{"hint": null}"#), key: "hint", what: "w"),
                      "output of 'w' was not a JSON object containing a key 'hint' of type string")
        assertFailure(try LDMToolOutput.stringList(bytes(#"{"disks": ["Disk1", 2]}"#), key: "disks", what: "ldmtool show diskgroup"),
                      "output of 'ldmtool show diskgroup' was not a JSON object containing a key 'disks' of type array of strings")
        assertFailure(try LDMToolOutput.stringList(bytes(scan), key: "disks", what: "ldmtool show diskgroup"),
                      "output of 'ldmtool show diskgroup' was not a JSON object containing a key 'disks' of type array of strings")
        assertFailure(try LDMToolOutput.stringList(bytes(diskgroup), what: "ldmtool scan"),
                      "output of 'ldmtool scan' was not a JSON array of strings")
        assertFailure(try LDMToolOutput.stringList(bytes("[null]"), what: "ldmtool scan"),
                      "output of 'ldmtool scan' was not a JSON array of strings")
        // Nothing printed at all.
        assertFailure(try LDMToolOutput.stringList(bytes(""), what: "ldmtool scan"),
                      "parse error: '[' or '{' expected near end of file")
    }

    func testStringsAreDecoded() throws {
        let v = try JSON.parse(bytes(#"{"a": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "a2": [1, -0.5e+3, true, false, null, {}, []]}"#))
        XCTAssertEqual(v["a"], .string("x\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}"))
        XCTAssertEqual(v["a2"], .array([.number("1"), .number("-0.5e+3"), .bool(true), .bool(false), .null, .object([:]), .array([])]))
        // A key given twice keeps its last value.
        XCTAssertEqual(try JSON.parse(bytes(#"{"k": "1", "k": "2"}"#))["k"], .string("2"))
    }

    /// Each text is what libjansson 2.14's json_loads(text, 0, &error) puts in error.text.
    func testMalformedDocumentsGetJanssonsTexts() {
        let cases: [(String, String)] = [
            ("", "'[' or '{' expected near end of file"),
            ("null", "'[' or '{' expected near 'null'"),
            (#""abc""#, #"'[' or '{' expected near '"abc"'"#),
            ("]", "'[' or '{' expected near ']'"),
            ("[", "']' expected near end of file"),
            ("[1,", "']' expected near end of file"),
            ("[1,]", "unexpected token near ']'"),
            ("[,]", "unexpected token near ','"),
            ("[1 2]", "']' expected near '2'"),
            ("{", "string or '}' expected near end of file"),
            (#"{"a""#, "':' expected near end of file"),
            (#"{"a":"#, "unexpected token near end of file"),
            (#"{"a":1"#, "'}' expected near end of file"),
            (#"{"a":1 "b""#, #"'}' expected near '"b"'"#),
            (#"{"a":1,}"#, "string or '}' expected near '}'"),
            ("{1:2}", "string or '}' expected near '1'"),
            ("[foo]", "invalid token near 'foo'"),
            ("[truex]", "invalid token near 'truex'"),
            ("[@]", "invalid token near '@'"),
            ("[01]", "invalid token near '0'"),
            ("[1.]", "invalid token near '1.'"),
            ("[-]", "invalid token near '-'"),
            (#"["a\q"]"#, #"invalid escape near '"a\q'"#),
            (#"["a\u12"]"#, #"invalid escape near '"a\u12"'"#),
            (#"["\u0000"]"#, #"\u0000 is not allowed without JSON_ALLOW_NUL near '"\u0000"'"#),
            (#"["\ud800"]"#, #"invalid Unicode '\uD800' near '"\ud800"'"#),
            (#"["\ud800\u0041"]"#, #"invalid Unicode '\uD800\u0041' near '"\ud800\u0041"'"#),
            (#"["\udc00"]"#, #"invalid Unicode '\uDC00' near '"\udc00"'"#),
            (#"["ab"#, #"premature end of input near '"ab'"#),
            ("[\"a\nb\"]", #"unexpected newline near '"a'"#),
            ("[] x", "end of file expected near 'x'"),
            ("[1x]", "']' expected near 'x'"),
            ("[true1]", "']' expected near '1'"),
            ("[\"a\u{1}\"]", #"control character 0x1 near '"a'"#),
            (#"["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" 1]"#, "']' expected near '1'"),
            (#"["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"#, "premature end of input"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try JSON.parse(bytes(text)), text) {
                XCTAssertEqual(($0 as? JSONError)?.text, message, text)
            }
        }
    }
}
