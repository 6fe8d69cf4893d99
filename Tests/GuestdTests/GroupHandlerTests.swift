@testable import GuestdCore
import GuestProtocol
import XCTest

/// The handlers of the acl, rsync and inotify groups in-process: the rsync command
/// line as the real daemon builds it, and the stubs' NEED_ROOT with no root mounted.
final class GroupHandlerTests: InProcessDaemonTestCase {
    func testRsyncCommandLine() {
        XCTAssertEqual(Daemon.rsyncCommand(src: "/s/a/", dest: "/s/b", archive: nil, deletedest: nil), ["rsync", "/s/a/", "/s/b"])
        XCTAssertEqual(Daemon.rsyncCommand(src: "/s/a", dest: "rsync://h/m/", archive: true, deletedest: true),
                       ["rsync", "--archive", "--delete", "/s/a", "rsync://h/m/"])
        XCTAssertEqual(Daemon.rsyncCommand(src: "h::m", dest: "/s/", archive: false, deletedest: true), ["rsync", "--delete", "h::m", "/s/"])
        // The guest path joined to the sysroot as text: a trailing "/" and a missing
        // destination reach rsync as given.
        XCTAssertEqual(daemon.joinedSysrootPath("/"), ByteString(base.path) + "/")
        XCTAssertEqual(daemon.joinedSysrootPath("/not/yet/"), ByteString(base.path) + "/not/yet/")
    }

    func testInotifyInitNeedsARoot() {
        XCTAssertThrowsError(try daemon.doInotifyInit(maxevents: 0)) { error in
            XCTAssertEqual((error as? CallError)?.description, "do_inotify_init: you must call 'mount' first to mount the root filesystem")
        }
        XCTAssertThrowsError(try daemon.doInotifyAddWatch(path: "/", mask: 1)) { error in
            XCTAssertEqual((error as? CallError)?.description, "do_inotify_add_watch: you must call 'inotify_init' first to initialize inotify")
        }
    }

    func testACLTypesAndLibraries() throws {
        XCTAssertEqual(try AclLibrary.type("access"), 0x8000)
        XCTAssertEqual(try AclLibrary.type("default"), 0x4000)
        XCTAssertThrowsError(try AclLibrary.type("Access")) { XCTAssertEqual(($0 as? CallError)?.description, "invalid acltype parameter: Access") }
        XCTAssertTrue(AclLibrary.loads)
        XCTAssertTrue(CapLibrary.loads)
    }
}
