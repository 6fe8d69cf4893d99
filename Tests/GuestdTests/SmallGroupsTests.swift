import Foundation
import GuestProtocol
import SystemCalls
import XCTest

/// The scrub, squashfs and selinux groups in host test mode: the host's scrub and
/// mksquashfs on the sysroot directory and libselinux on guestd's own context, through
/// the stubs' checks, with the real daemon's texts. Calls that wipe or rewrite devices,
/// fill a filesystem or load modules are left to the end-to-end test.
final class SmallGroupsTests: SysrootTestCase {
    func testGroupsAreAvailableWithTheirTools() throws {
        for group in ["scrub", "f2fs", "squashfs", "grub", "selinux"] {
            XCTAssertEqual(try daemon.call(.internalFeatureAvailable, [group]).int(), 0, group)
        }
        // A kernel without module support has no /proc/modules, and nothing to load.
        let modules: Int32 = FileManager.default.fileExists(atPath: "/proc/modules") ? 0 : 1
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["linuxmodules"]).int(), modules)
    }

    private func mksquashfs(_ path: String, compress: String? = nil, excludes: [String]? = nil) throws -> (GuestdHarness.Reply, [UInt8]) {
        let mask: UInt64 = (compress == nil ? 0 : 1) | (excludes == nil ? 0 : 2)
        let r = try daemon.call(.mksquashfs, args: [.s(path), .s(compress ?? ""), .list(excludes ?? [])], optargs: mask)
        guard r.header.status == .ok else { return (r, []) }
        return (r, try daemon.readChunks())
    }

    /// unsquashfs ARGS on the image: its stdout.
    private func unsquashfs(_ image: [UInt8], _ args: [String]) throws -> String {
        let file = base.appendingPathComponent("image-\(UUID().uuidString).sqfs")
        try Data(image).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/unsquashfs")
        p.arguments = args + [file.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "unsquashfs \(args)")
        return text
    }

    func testMksquashfsSendsAnImageOfTheGuestDirectory() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("dir/sub/deep"), withIntermediateDirectories: true)
        try write("/dir/a.txt", "a\n")
        try write("/dir/b.txt", "b\n")
        try write("/dir/sub/deep/c", "c\n")
        let (r, image) = try mksquashfs("/dir")
        assertOK(r)
        XCTAssertEqual(try unsquashfs(image, ["-l"]), "squashfs-root\nsquashfs-root/a.txt\nsquashfs-root/b.txt\nsquashfs-root/sub\nsquashfs-root/sub/deep\nsquashfs-root/sub/deep/c\n")
        XCTAssertTrue(try unsquashfs(image, ["-s"]).contains("Compression gzip\n"))

        let (r2, small) = try mksquashfs("/dir", compress: "xz", excludes: ["*.txt", "sub/deep"])
        assertOK(r2)
        XCTAssertEqual(try unsquashfs(small, ["-l"]), "squashfs-root\nsquashfs-root/sub\n")
        XCTAssertTrue(try unsquashfs(small, ["-s"]).contains("Compression xz\n"))
        XCTAssertEqual(try unsquashfs(small, ["-cat"]).count, 0)
        try assertAlive()
    }

    func testMksquashfsRefusalsAreTheRealDaemons() throws {
        let (r, _) = try mksquashfs("/dir", compress: "foo")
        XCTAssertTrue(r.error?.message.hasPrefix("/dir: mksquashfs: Compressor \"foo\" is not supported!\n") == true, r.error?.message ?? "")
        assertError(try mksquashfs("/dir", excludes: ["a\nb"]).0, "mksquashfs: excludes file patterns cannot contain \\n character")
        assertError(try mksquashfs("dir").0, "mksquashfs_stub: path must start with a / character")
        assertError(try mksquashfs("/nope").0,
                    "/nope: Cannot stat source directory \"\(root.path)/nope\" because No such file or directory")
        // A guest's absolute link is the guest's path: the host's /etc is never packed.
        try FileManager.default.createSymbolicLink(atPath: path("/etc-link"), withDestinationPath: "/etc")
        assertError(try mksquashfs("/etc-link").0, "/etc-link: No such file or directory", errno: "ENOENT")
        try assertAlive()
    }

    func testScrubFileWipesTheResolvedFileInsideTheGuest() throws {
        try write("/dir/a", "secret data\n")
        try FileManager.default.createSymbolicLink(atPath: path("/dir/link"), withDestinationPath: "/dir/a")
        assertOK(try daemon.call(.scrubFile, ["/dir/link"]))
        XCTAssertNil(contents("/dir/a"), "scrub -r removes the file the link names")
        XCTAssertNotNil(try? FileManager.default.destinationOfSymbolicLink(atPath: path("/dir/link")))
        // sysroot_realpath fails for a dangling link and a missing file, under "malloc".
        assertError(try daemon.call(.scrubFile, ["/dir/link"]), "malloc: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.scrubFile, ["/nope"]), "malloc: No such file or directory", errno: "ENOENT")
        // A link out of the sysroot stays in it: the host's file is untouched.
        try FileManager.default.createSymbolicLink(atPath: path("/out"), withDestinationPath: "../secret")
        assertError(try daemon.call(.scrubFile, ["/out"]), "malloc: No such file or directory", errno: "ENOENT")
        XCTAssertNotNil(FileManager.default.contents(atPath: base.appendingPathComponent("secret").path))
        assertError(try daemon.call(.scrubFile, ["/dir"]), "/dir: scrub: \(root.path)/dir is wrong type of file")
        assertError(try daemon.call(.scrubFile, ["dir/a"]), "scrub_file_stub: path must start with a / character")
        // scrub -X makes its directory itself: an existing one is refused.
        assertError(try daemon.call(.scrubFreespace, ["/dir"]), "/dir: scrub: -X directory already exists")
        try assertAlive()
    }

    /// getcon and setcon answer as the kernel's LSM does for this process: the text of
    /// /proc/thread-self/attr/current, or the error reading it gives.
    func testGetconAndSetconAreTheKernelsAnswers() throws {
        let fd = open("/proc/thread-self/attr/current", O_RDONLY)
        var expected: Result<String, Errno>
        if fd < 0 {
            expected = .failure(Errno(errno))
        } else {
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = read(fd, &buf, buf.count)
            expected = n < 0 ? .failure(Errno(errno)) : .success(String(decoding: buf.prefix(n).prefix { $0 != 0 }, as: UTF8.self))
            close(fd)
        }
        let r = try daemon.call(.getcon)
        switch expected {
        case let .success(text): XCTAssertEqual(try r.string(), text)
        case let .failure(e): assertError(r, "getcon: \(e.text)", errno: e.name)
        }
        let set = try daemon.call(.setcon, ["not a context"])
        XCTAssertTrue(set.error?.message.hasPrefix("setcon: ") == true, set.error?.message ?? "OK")
        try assertAlive()
    }
}
