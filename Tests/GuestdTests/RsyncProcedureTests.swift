import Foundation
import GuestProtocol
import XCTest

/// rsync, rsync_in and rsync_out through the built guestd: guest folders synchronised
/// by the host's rsync, and a remote that is an rsync daemon started on the host.
final class RsyncProcedureTests: SysrootTestCase {
    private let archive: UInt64 = 1, deletedest: UInt64 = 2

    private func rsync(_ proc: Procedure, _ a: String, _ b: String, archive: Bool? = nil, delete: Bool? = nil) throws -> GuestdHarness.Reply {
        let mask = (archive != nil ? self.archive : 0) | (delete != nil ? deletedest : 0)
        return try daemon.call(proc, args: [.s(a), .s(b), .b(archive ?? false), .b(delete ?? false)], optargs: mask)
    }

    func testRsyncBetweenGuestFolders() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsync") else { throw XCTSkip("rsync is not installed (scripts/setup)") }
        try write("/dir/sub/one", "1\n")
        XCTAssertEqual(chmod(path("/dir/sub/one"), 0o600), 0)
        XCTAssertEqual(symlink("one", path("/dir/sub/link")), 0)
        // Without archive: no recursion, so the folder is skipped and nothing is made.
        assertOK(try rsync(.rsync, "/dir/", "/plain"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("/plain")))
        assertOK(try rsync(.rsync, "/dir/", "/copy", archive: true))
        XCTAssertEqual(contents("/copy/sub/one"), Array("1\n".utf8))
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("/copy/sub/link")), "one")
        var st = stat()
        XCTAssertEqual(stat(path("/copy/sub/one"), &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        // deletedest only when set and true.
        try write("/copy/extra", "x")
        assertOK(try rsync(.rsync, "/dir/", "/copy", archive: true, delete: false))
        XCTAssertNotNil(contents("/copy/extra"))
        assertOK(try rsync(.rsync, "/dir/", "/copy", archive: true, delete: true))
        XCTAssertNil(contents("/copy/extra"))

        let missing = try rsync(.rsync, "/missing/", "/copy", archive: true)
        XCTAssertEqual(missing.header.status, .error)
        let text = missing.error?.message ?? ""
        XCTAssertTrue(text.hasPrefix("'/missing/' to '/copy': rsync: "), text)
        XCTAssertTrue(text.contains("No such file or directory"), text)
        XCTAssertFalse(text.hasSuffix("\n"), text)
        assertError(try rsync(.rsync, "dir", "/copy"), "rsync_stub: path must start with a / character")
        assertError(try rsync(.rsyncIn, "rsync://h/m/", "rel"), "rsync_in_stub: path must start with a / character")
        assertError(try daemon.call(.rsync, args: [.s("/dir/"), .s("/copy"), .b(true), .b(true), .b(true)], optargs: 4),
                    "unknown option in optional arguments bitmask (this can happen if a program is compiled against a newer version of libguestfs, then run against an older version of the daemon)")
    }

    func testRsyncInAndOutWithAnRsyncDaemon() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsync") else { throw XCTSkip("rsync is not installed (scripts/setup)") }
        let remote = base.appendingPathComponent("remote").path
        try FileManager.default.createDirectory(atPath: remote + "/src/deep", withIntermediateDirectories: true)
        try Data("from the host\n".utf8).write(to: URL(fileURLWithPath: remote + "/src/deep/file"))
        let port = 20000 + Int(getpid() % 20000)
        let conf = base.appendingPathComponent("rsyncd.conf").path
        try Data("""
            use chroot = false
            [m]
            path = \(remote)
            read only = false
            uid = root
            gid = root

            """.utf8).write(to: URL(fileURLWithPath: conf))
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/rsync")
        server.arguments = ["--daemon", "--no-detach", "--address=127.0.0.1", "--port=\(port)", "--config=\(conf)"]
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let url = "rsync://127.0.0.1:\(port)/m"
        var reply = try rsync(.rsyncIn, "\(url)/src/", "/in", archive: true)
        for _ in 0 ..< 50 where reply.error?.message.contains("Connection refused") == true {
            usleep(100_000)  // the daemon is still starting
            reply = try rsync(.rsyncIn, "\(url)/src/", "/in", archive: true)
        }
        assertOK(reply)
        XCTAssertEqual(contents("/in/deep/file"), Array("from the host\n".utf8))

        try write("/dir/sub/out", "from the guest\n")
        assertOK(try rsync(.rsyncOut, "/dir/", "\(url)/back/", archive: true))
        XCTAssertEqual(FileManager.default.contents(atPath: remote + "/back/sub/out"), Data("from the guest\n".utf8))

        let unknown = try rsync(.rsyncIn, "rsync://127.0.0.1:\(port)/nomodule/", "/in", archive: true)
        let text = unknown.error?.message ?? ""
        XCTAssertTrue(text.hasPrefix("'rsync://127.0.0.1:\(port)/nomodule/' to '/in': @ERROR: Unknown module 'nomodule'"), text)
        try assertAlive()
    }
}
