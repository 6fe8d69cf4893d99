import Foundation
import GuestProtocol
import XCTest

/// head, tail, wc, du, truncate, utimens, links, nodes, realpath, is_zero, the offset
/// transfers and base64, checked against coreutils where it has the same job.
final class MoreFileProcedureTests: SysrootTestCase {
    func testTextAndSizes() throws {
        try write("/lines", (1 ... 15).map { "line \($0)" }.joined(separator: "\n") + "\n")
        XCTAssertEqual(try daemon.call(.head, ["/lines"]).strings(), (1 ... 10).map { "line \($0)" })
        XCTAssertEqual(try daemon.call(.tail, ["/lines"]).strings(), (6 ... 15).map { "line \($0)" })
        XCTAssertEqual(try daemon.call(.wcL, ["/lines"]).int(), 15)
        XCTAssertEqual(try daemon.call(.wcW, ["/lines"]).int(), 30)
        XCTAssertEqual(try daemon.call(.wcC, ["/lines"]).int(), Int32(contents("/lines")!.count))
        assertError(try daemon.call(.wcL, ["/nope"]), "wc -l: /nope: No such file or directory", errno: "ENOENT")
        try Data(repeating: 1, count: 100_000).write(to: URL(fileURLWithPath: path("/dir/sub/big")))
        _ = link(path("/dir/sub/big"), path("/dir/hard"))
        let expected = Int64(shell("du -s \(path("/dir"))").split(separator: "\t").first ?? "")
        XCTAssertEqual(try daemon.call(.du, ["/dir"]).int64(), expected)
        assertOK(try daemon.call(.truncateSize, args: [.s("/lines"), .l(4)]))
        XCTAssertEqual(contents("/lines"), Array("line".utf8))
        assertOK(try daemon.call(.truncate, ["/lines"]))
        XCTAssertEqual(contents("/lines"), [])
        XCTAssertTrue(try daemon.call(.isZero, ["/lines"]).bool())
        try Data(repeating: 0, count: 70_000).write(to: URL(fileURLWithPath: path("/zeroes")))
        XCTAssertTrue(try daemon.call(.isZero, ["/zeroes"]).bool())
        XCTAssertFalse(try daemon.call(.isZero, ["/dir/sub/big"]).bool())
    }

    func testTimesOwnersLinksNodes() throws {
        assertOK(try daemon.call(.utimens, args: [.s("/inside.txt"), .l(1_000_000_000), .l(5), .l(1_200_000_000), .l(7)]))
        let st = try daemon.call(.statns, ["/inside.txt"]).structure(.statns)
        XCTAssertEqual([st["st_atime_sec"], st["st_atime_nsec"], st["st_mtime_sec"], st["st_mtime_nsec"]],
                       [.int(1_000_000_000), .int(5), .int(1_200_000_000), .int(7)])
        assertOK(try daemon.call(.mkdirMode, args: [.s("/m"), .i(0o700)]))
        XCTAssertEqual(try daemon.call(.statns, ["/m"]).structure(.statns)["st_mode"]!.int & 0o777, 0o700)
        assertOK(try daemon.call(.lnS, ["dangling", "/sym"]))
        assertOK(try daemon.call(.lchown, args: [.i(7), .i(8), .s("/sym")]))
        XCTAssertEqual(try daemon.call(.lstatns, ["/sym"]).structure(.statns)["st_uid"], .int(7))
        assertOK(try daemon.call(.ln, ["/inside.txt", "/hard"]))
        XCTAssertEqual(try daemon.call(.statns, ["/hard"]).structure(.statns)["st_nlink"], .int(2))
        assertError(try daemon.call(.ln, ["/inside.txt", "/hard"]), "link: /inside.txt: /hard: File exists", errno: "EEXIST")
        assertOK(try daemon.call(.lnF, ["/inside.txt", "/hard"]))
        assertOK(try daemon.call(.lnSF, ["inside.txt", "/hard"]))
        XCTAssertEqual(try daemon.call(.readlink, ["/hard"]).string(), "inside.txt")
        assertOK(try daemon.call(.rmF, ["/hard"]))
        assertOK(try daemon.call(.rmF, ["/hard"]))
        assertOK(try daemon.call(.mkfifo, args: [.i(0o644), .s("/fifo")]))
        XCTAssertEqual(try daemon.call(.lstatns, ["/fifo"]).structure(.statns)["st_mode"]!.int & Int64(S_IFMT), Int64(S_IFIFO))
        assertError(try daemon.call(.mkfifo, args: [.i(0o10644), .s("/f2")]), "10644: mode must specify only file permission bits")
        XCTAssertEqual(try daemon.call(.realpath, ["/dir/sub/../sub/./"]).string(), "/dir/sub")
        XCTAssertEqual(try daemon.call(.realpath, ["/"]).string(), "/")
    }

    /// ln -s and ln -sf to a directory, or a symlink to one, make the link inside it, as
    /// ln(1) does for the real daemon; the complaint names the link it tried to make.
    func testSymbolicLinksToADirectoryGoInsideIt() throws {
        assertOK(try daemon.call(.lnSF, ["/usr/lib/unit.service", "/dir"]))
        XCTAssertEqual(try daemon.call(.readlink, ["/dir/unit.service"]).string(), "/usr/lib/unit.service")
        assertOK(try daemon.call(.lnSF, ["/other/unit.service", "/dir/"]))
        XCTAssertEqual(try daemon.call(.readlink, ["/dir/unit.service"]).string(), "/other/unit.service")
        assertOK(try daemon.call(.lnS, ["dir", "/dirlink"]))
        assertOK(try daemon.call(.lnS, ["../x", "/dirlink"]))
        XCTAssertEqual(try daemon.call(.readlink, ["/dir/x"]).string(), "../x")
        assertError(try daemon.call(.lnS, ["../x", "/dir"]),
                    "ln -s: ../x: /dir: ln: failed to create symbolic link '\(root.path)/dir/x': File exists")
    }

    func testOffsetTransfersAndBase64() throws {
        try write("/f", "0123456789")
        assertOK(try daemon.fileIn(.uploadOffset, ["/f"], data: Array("abc".utf8), offsetArgument: 4).reply)
        XCTAssertEqual(contents("/f"), Array("0123abc789".utf8))
        var e = XDREncoder()
        e.string("/f"); e.i64(2); e.i64(5)
        try daemon.send(Procedure.downloadOffset.number, body: e.bytes)
        XCTAssertEqual(try daemon.reply().header.status, .ok)
        XCTAssertEqual(try daemon.readChunks(), Array("23abc".utf8))
        var blob = [UInt8](repeating: 0, count: 10_000)
        for i in blob.indices { blob[i] = UInt8(truncatingIfNeeded: i * 7 + i / 3) }
        try Data(blob).write(to: URL(fileURLWithPath: path("/blob")))
        let encoded = try daemon.fileOut(.base64Out, "/blob").data
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), shell("base64 \(path("/blob"))"))
        assertOK(try daemon.fileIn(.base64In, ["/decoded"], data: encoded, chunkSize: 1000).reply)
        XCTAssertEqual(contents("/decoded"), blob)
        assertError(try daemon.call(.base64Out, ["/dir"]), "/dir: is a directory")
    }
}
