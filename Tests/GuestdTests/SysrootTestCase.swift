import Foundation
import GuestProtocol
import XCTest

/// A guestd in host test mode over a fresh sysroot directory, for the procedure tests.
class SysrootTestCase: XCTestCase {
    var base: URL!
    var root: URL!
    var daemon: GuestdHarness!

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("guestd-tests-\(UUID().uuidString)")
        root = base.appendingPathComponent("sysroot")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("dir/sub"), withIntermediateDirectories: true)
        try Data("outside the sysroot\n".utf8).write(to: base.appendingPathComponent("secret"))
        try Data("inside\n".utf8).write(to: root.appendingPathComponent("inside.txt"))
        daemon = try GuestdHarness(sysroot: root.path)
    }

    override func tearDownWithError() throws {
        daemon = nil
        try? FileManager.default.removeItem(at: base)
    }

    func path(_ guest: String) -> String { root.path + guest }

    func contents(_ guest: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path(guest)).map { Array($0) }
    }

    func write(_ guest: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(guest)))
    }

    func assertError(_ r: GuestdHarness.Reply, _ message: String, errno: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.header.status, .error, "expected an error reply", file: file, line: line)
        XCTAssertEqual(r.error?.message, message, file: file, line: line)
        XCTAssertEqual(r.error?.errnoString, errno, file: file, line: line)
    }

    func assertOK(_ r: GuestdHarness.Reply, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.header.status, .ok, r.error?.message ?? "", file: file, line: line)
    }

    func assertAlive(file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try daemon.call(.pingDaemon)
        XCTAssertEqual(r.header.status, .ok, file: file, line: line)
        XCTAssertEqual(r.body, [], file: file, line: line)
    }
}
