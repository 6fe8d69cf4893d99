import Foundation
import GuestProtocol
import XCTest

/// mount_loop on a filesystem image that is a file of the guest (libguestfs's
/// tests/regressions/rhbz1011907-1165785.sh does this through guestfish), in a private
/// mount namespace so nothing outlives the daemon.
final class MountLoopTests: XCTestCase {
    func testMountLoopMountsAGuestFileOnAGuestDirectory() throws {
        let b = FileManager.default.temporaryDirectory.appendingPathComponent("mount-loop-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: b) }
        try makeImages("""
            set -e
            mkdir -p \(b)/content \(b)/sysroot/loop
            echo inside > \(b)/content/in-loop
            mkfs.ext3 -q -F -d \(b)/content \(b)/sysroot/fs.img 4M
            """)
        let daemon = try GuestdHarness(sysroot: b + "/sysroot", wrapper: ["/usr/bin/unshare", "--mount", "--propagation", "private"])
        let r = try daemon.call(.mountLoop, ["/fs.img", "/loop/"])
        XCTAssertEqual(r.header.status, .ok, r.error?.message ?? "")
        XCTAssertEqual(try daemon.call(.isFile, args: [.s("/loop/in-loop"), .b(false)], optargs: 0).bool(), true)
        XCTAssertEqual(try daemon.fileOut(.download, "/loop/in-loop").data, Array("inside\n".utf8))
        let points = try daemon.call(.mountpoints).strings()
        XCTAssertEqual(stride(from: 1, to: points.count, by: 2).map { points[$0] }, ["/loop"])
        XCTAssertEqual(try daemon.call(.umountAll).header.status, .ok)
        XCTAssertEqual(try daemon.call(.mountpoints).strings(), [])

        let missing = try daemon.call(.mountLoop, ["/nothing.img", "/loop"])
        XCTAssertEqual(missing.error?.message, "/nothing.img on /loop: mount: \(b)/sysroot/loop: failed to setup loop device for \(b)/sysroot/nothing.img.")
        let notFS = try daemon.call(.mountLoop, ["/loop", "/loop"])
        XCTAssertTrue(notFS.error?.message.hasPrefix("/loop on /loop: mount exited with status") == true, notFS.error?.message ?? "ok")
    }
}
