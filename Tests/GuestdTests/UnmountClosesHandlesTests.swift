import Foundation
@testable import GuestdCore
import GuestProtocol
import XCTest

/// umount_all and internal_autosync close the Augeas handle before unmounting, as the
/// real daemon does: an open handle would keep the guest's files busy. Afterwards every
/// aug_* call asks for aug_init again.
final class UnmountClosesHandlesTests: InProcessDaemonTestCase {
    private let noHandle = "do_aug_get: you must call 'aug-init' first to initialize Augeas"

    override func setUpWithError() throws {
        try super.setUpWithError()
        try FileManager.default.createDirectory(atPath: base.path + "/etc", withIntermediateDirectories: true)
        try Data("guest\n".utf8).write(to: base.appendingPathComponent("etc/hostname"))
    }

    private func assertAugeasIsClosed(after close: () throws -> Void, line: UInt = #line) throws {
        try daemon.doAugInit(root: "/", flags: 0)
        XCTAssertEqual(try daemon.doAugGet(augpath: "/files/etc/hostname/hostname"), "guest", line: line)
        try close()
        XCTAssertThrowsError(try daemon.doAugGet(augpath: "/files/etc/hostname/hostname"), line: line) { error in
            XCTAssertEqual((error as? CallError)?.message.description, noHandle, line: line)
        }
        // A new aug_init works as before.
        try daemon.doAugInit(root: "/", flags: 0)
        XCTAssertEqual(try daemon.doAugGet(augpath: "/files/etc/hostname/hostname"), "guest", line: line)
        try daemon.doAugClose()
    }

    func testUmountAllClosesTheAugeasHandle() throws {
        try assertAugeasIsClosed { try daemon.doUmountAll() }
    }

    func testAutosyncClosesTheAugeasHandle() throws {
        try assertAugeasIsClosed { try daemon.doInternalAutosync() }
    }
}
