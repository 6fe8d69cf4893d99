import Foundation
@testable import GuestdCore
import GuestProtocol
import XCTest

/// The setting of the in-process handler tests: a daemon with a socketpair for a channel
/// it never reads and a fresh sysroot at `base`.
class InProcessDaemonTestCase: XCTestCase {
    var base: URL!
    var daemon: Daemon!
    var fds: [Int32] = [-1, -1]

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("guestd-inprocess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        let options = try Options.parse(["--sysroot", base.path], isPID1: false)
        daemon = Daemon(channel: FrameChannel(fd: fds[0]), options: options, console: Console(quiet: true, verbose: false))
    }

    override func tearDownWithError() throws {
        daemon = nil
        fds.forEach { close($0) }
        try? FileManager.default.removeItem(at: base)
    }

    /// The call fails with exactly this text.
    func assertError<T>(_ body: @autoclosure () throws -> T, _ message: String, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            XCTAssertEqual((error as? CallError)?.message.description, message, line: line)
        }
    }

    /// An image file of `size` bytes in the sysroot, formatted by the host's `mkfs`
    /// (with -q and the label "unit"); its host path.
    func makeImage(_ name: String, size: off_t, mkfs: String) throws -> String {
        let image = base.path + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: image, contents: nil))
        XCTAssertEqual(truncate(image, size), 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: mkfs)
        p.arguments = ["-q", "-L", "unit", image]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return image
    }
}
