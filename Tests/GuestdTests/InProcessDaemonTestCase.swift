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
}
