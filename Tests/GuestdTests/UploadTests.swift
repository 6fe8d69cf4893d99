import Foundation
import GuestProtocol
import XCTest

/// FileIn: upload's chunks, its cancellation from either side, and its errors.
final class UploadTests: SysrootTestCase {
    func testUploadWritesExactBytesAcrossManyChunks() throws {
        var data = [UInt8](repeating: 0, count: 300_001)
        for i in data.indices { data[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 11) }
        let r = try daemon.fileIn(.upload, ["/dir/new.bin"], data: data)
        assertOK(r.reply)
        XCTAssertEqual(r.reply.body, [])
        XCTAssertFalse(r.daemonCancelled)
        XCTAssertEqual(contents("/dir/new.bin"), data)
        // And back through download.
        XCTAssertEqual(try daemon.fileOut(.download, "/dir/new.bin").data, data)
    }

    func testUploadTruncatesAnExistingFileAndAcceptsAnEmptyOne() throws {
        assertOK(try daemon.fileIn(.upload, ["/inside.txt"], data: Array("ab".utf8)).reply)
        XCTAssertEqual(contents("/inside.txt"), Array("ab".utf8))
        assertOK(try daemon.fileIn(.upload, ["/inside.txt"], data: []).reply)
        XCTAssertEqual(contents("/inside.txt"), [])
        try assertAlive()
    }

    func testUploadFollowsSymlinksInsideTheSysroot() throws {
        try FileManager.default.createSymbolicLink(atPath: path("/abs"), withDestinationPath: "/dir/target")
        try FileManager.default.createSymbolicLink(atPath: path("/esc"), withDestinationPath: "../secret")
        assertOK(try daemon.fileIn(.upload, ["/abs"], data: Array("via link".utf8)).reply)
        XCTAssertEqual(contents("/dir/target"), Array("via link".utf8))
        assertOK(try daemon.fileIn(.upload, ["/esc"], data: Array("x".utf8)).reply)
        XCTAssertEqual(try String(contentsOf: base.appendingPathComponent("secret"), encoding: .utf8), "outside the sysroot\n")
        XCTAssertEqual(contents("/secret"), Array("x".utf8), "the link's target is inside the sysroot")
    }

    func testStubErrorsCancelTheTransferFirst() throws {
        let data = [UInt8](repeating: 1, count: 100_000)
        var r = try daemon.fileIn(.upload, ["relative"], data: data)
        assertError(r.reply, "upload_stub: path must start with a / character")
        XCTAssertTrue(r.daemonCancelled)
        r = try daemon.fileIn(.upload, ["/missing/dir/file"], data: data)
        assertError(r.reply, "/missing/dir/file: No such file or directory", errno: "ENOENT")
        XCTAssertTrue(r.daemonCancelled)
        r = try daemon.fileIn(.upload, ["/dir"], data: data)
        assertError(r.reply, "/dir: Is a directory", errno: "EISDIR")
        try assertAlive()
    }

    func testLibraryCancellation() throws {
        let r = try daemon.fileIn(.upload, ["/partial"], data: [UInt8](repeating: 9, count: 50_000), cancelAfter: 2)
        assertError(r.reply, "file upload cancelled")
        XCTAssertFalse(r.daemonCancelled)
        try assertAlive()
    }

    func testGarbageUploadArgumentsAreCancelledToo() throws {
        try daemon.send(Procedure.upload.number, body: [0xFF])
        // The daemon cancels: send the library's cancel chunk, then read the reply.
        XCTAssertEqual(try daemon.channel.readFrame(), .cancel)
        try daemon.channel.writeChunk(Chunk(cancel: true, data: []))
        assertError(try daemon.reply(), "daemon failed to decode procedure arguments")
        try assertAlive()
    }
}
