import Foundation
import XCTest
@testable import HostBuilder

final class BuildErrorTests: XCTestCase {
    func testDescriptionsAreOneLineAndNameErrno() {
        XCTAssertEqual(BuildError.io(call: "open", path: "/x", errno: ENOENT).description,
                       "open /x failed: No such file or directory (ENOENT)")
        XCTAssertEqual(BuildError.notFound(what: "kernel", hint: "install linux-image-amd64").description,
                       "kernel not found; install linux-image-amd64")
        XCTAssertEqual(BuildError.kmod(call: "kmod_new", module: "ext4", reason: "boom").description,
                       "kmod_new for module ext4 failed: boom")
    }

    func testReadHostFileErrors() throws {
        XCTAssertThrowsError(try readHostFile("/nonexistent/file")) { error in
            XCTAssertEqual(error as? BuildError, .io(call: "open", path: "/nonexistent/file", errno: ENOENT))
        }
        XCTAssertThrowsError(try readHostFile("/")) { error in
            XCTAssertEqual(error as? BuildError, .io(call: "read", path: "/", errno: EISDIR))
        }
        // procfs reports size 0 but has contents.
        XCTAssertFalse(try readHostFile("/proc/self/status").isEmpty)
    }
}
