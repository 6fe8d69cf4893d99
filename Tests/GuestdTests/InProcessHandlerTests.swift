import Foundation
@testable import GuestdCore
import GuestProtocol
import XCTest

/// guestd's handlers called directly, in this process: no binary to find, nothing stale.
/// Their sysroot holds a folder `dir`.
final class InProcessHandlerTests: InProcessDaemonTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try FileManager.default.createDirectory(at: base.appendingPathComponent("dir"), withIntermediateDirectories: true)
    }

    func testFileHandlersWorkInsideTheSysroot() throws {
        try daemon.doMkdir(path: "/dir/made")
        XCTAssertTrue(try daemon.doIsDir(path: "/dir/made", followsymlinks: nil))
        try daemon.doTouch(path: "/dir/made/file")
        XCTAssertTrue(try daemon.doExists(path: "/dir/made/file"))
        try daemon.doChmod(mode: 0o640, path: "/dir/made/file")
        let attributes = try FileManager.default.attributesOfItem(atPath: base.path + "/dir/made/file")
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        try daemon.doRm(path: "/dir/made/file")
        XCTAssertFalse(try daemon.doExists(path: "/dir/made/file"))
    }

    func testHandlerErrorsAreTheRealDaemonsTexts() {
        XCTAssertThrowsError(try daemon.doMkdir(path: "/no/such/parent")) { error in
            let e = error as? CallError
            XCTAssertEqual(e?.message.description, "/no/such/parent: No such file or directory")
            XCTAssertEqual(e?.errno, ENOENT)
        }
        XCTAssertThrowsError(try daemon.doRm(path: "/dir")) { error in
            XCTAssertEqual((error as? CallError)?.errno, EISDIR)
        }
    }

    /// Off PID 1 (tests run as root) the resume call is refused: it would set the host's
    /// clock. The time asked for is now, so that a regression here moves no clock.
    func testApplianceResumeIsRefusedOffTheAppliance() {
        assertError(try daemon.doInternalApplianceResume(seconds: Int64(time(nil)), nanoseconds: 0, entropy: [1, 2, 3]),
                    "internal_appliance_resume: only the appliance's clock is set")
    }

    func testSymlinksCannotLeaveTheSysroot() throws {
        try Data("outside\n".utf8).write(to: base.appendingPathComponent("../guestd-outside-\(getpid())"))
        defer { try? FileManager.default.removeItem(at: base.appendingPathComponent("../guestd-outside-\(getpid())")) }
        symlink("../../guestd-outside-\(getpid())", base.path + "/dir/escape")
        XCTAssertTrue(try daemon.doExists(path: "/dir/escape"))  // the link itself
        XCTAssertFalse(try daemon.doIsFile(path: "/dir/escape", followsymlinks: true))
    }
}
