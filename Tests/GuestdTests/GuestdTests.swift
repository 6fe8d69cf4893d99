import Foundation
import GuestProtocol
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Black-box tests of guestd in host test mode: real protocol 4 messages over a unix
/// socket, checked against the real daemon's replies and error texts.
/// The sysroot, secret file and daemon come from SysrootTestCase.
final class GuestdTests: SysrootTestCase {

    // MARK: plain calls

    func testPingDaemon() throws {
        try assertAlive()
        try assertAlive()
    }

    func testCancelWordBetweenCallsIsIgnored() throws {
        var e = XDREncoder()
        e.u32(Guestfs.cancelFlag)
        try daemon.writeRaw(e.bytes)
        try assertAlive()
    }

    // MARK: ls0

    func testLs0ReturnsEveryNameNulTerminated() throws {
        var expected = ["inside.txt", "dir", ".hidden", "with space", "ünïcödé"]
        for name in expected where !["inside.txt", "dir"].contains(name) {
            XCTAssertTrue(FileManager.default.createFile(atPath: root.appendingPathComponent(name).path, contents: nil))
        }
        // Enough long names that the listing needs more than one chunk.
        for i in 0 ..< 400 {
            let name = String(format: "file-%04d-", i) + String(repeating: "x", count: 40)
            XCTAssertTrue(FileManager.default.createFile(atPath: root.appendingPathComponent(name).path, contents: nil))
            expected.append(name)
        }
        let (reply, data, sizes) = try daemon.fileOut(.ls0, "/")
        XCTAssertEqual(reply.header.status, .ok)
        XCTAssertEqual(reply.body, [])
        XCTAssertGreaterThan(data.count, Guestfs.maxChunkSize)
        XCTAssertGreaterThan(sizes.count, 1)
        XCTAssertTrue(sizes.allSatisfy { $0 <= Guestfs.maxChunkSize })
        XCTAssertEqual(data.last, 0, "every name ends in NUL")
        // readdir order, like the real daemon; the library sorts.
        let names = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(names.sorted(), expected.sorted())
        try assertAlive()
    }

    func testLs0OfEmptyDirectoryAndSubdirectory() throws {
        let empty = try daemon.fileOut(.ls0, "/dir/sub")
        XCTAssertEqual(empty.reply.header.status, .ok)
        XCTAssertEqual(empty.data, [])
        let sub = try daemon.fileOut(.ls0, "/dir/./sub/../")
        XCTAssertEqual(sub.data, Array("sub\0".utf8))
    }

    func testLs0Errors() throws {
        assertError(try daemon.call(.ls0, ["dir"]), "ls0_stub: path must start with a / character")
        assertError(try daemon.call(.ls0, ["/missing"]), "opendir: /missing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.ls0, ["/inside.txt"]), "opendir: /inside.txt: Not a directory", errno: "ENOTDIR")
        try assertAlive()
    }

    // MARK: download

    func testDownloadReturnsExactBytes() throws {
        var big = [UInt8](repeating: 0, count: 100_003)
        for i in big.indices { big[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        try Data(big).write(to: root.appendingPathComponent("dir/big.bin"))
        try Data().write(to: root.appendingPathComponent("empty"))
        try Data(repeating: 7, count: Guestfs.maxChunkSize).write(to: root.appendingPathComponent("exact"))

        let b = try daemon.fileOut(.download, "/dir/big.bin")
        XCTAssertEqual(b.reply.header.status, .ok)
        XCTAssertEqual(b.data, big)
        XCTAssertTrue(b.chunkSizes.allSatisfy { $0 <= Guestfs.maxChunkSize })
        XCTAssertEqual(b.chunkSizes.count, (big.count + Guestfs.maxChunkSize - 1) / Guestfs.maxChunkSize)

        let e = try daemon.fileOut(.download, "/empty")
        XCTAssertEqual(e.reply.header.status, .ok)
        XCTAssertEqual(e.data, [])

        let x = try daemon.fileOut(.download, "/exact")
        XCTAssertEqual(x.data, [UInt8](repeating: 7, count: Guestfs.maxChunkSize))

        let s = try daemon.fileOut(.download, "/inside.txt")
        XCTAssertEqual(s.data, Array("inside\n".utf8))
        try assertAlive()
    }

    func testDownloadErrors() throws {
        assertError(try daemon.call(.download, ["inside.txt"]), "download_stub: path must start with a / character")
        assertError(try daemon.call(.download, ["/nope"]), "/nope: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.download, ["/dir"]), "/dir: is a directory")
        try assertAlive()
    }

    // MARK: the sysroot is a chroot

    func testDotDotCannotEscapeTheSysroot() throws {
        assertError(try daemon.call(.download, ["/../secret"]), "/../secret: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.download, ["/dir/../../../secret"]), "/dir/../../../secret: No such file or directory", errno: "ENOENT")
        // ".." of the root is the root, as in a chroot.
        XCTAssertEqual(try daemon.fileOut(.download, "/../../inside.txt").data, Array("inside\n".utf8))
        let listing = try daemon.fileOut(.ls0, "/..").data
        XCTAssertTrue(listing.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.contains("inside.txt"))
        XCTAssertFalse(listing.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.contains("secret"))
    }

    func testSymlinksResolveInsideTheSysroot() throws {
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("up").path, withDestinationPath: "../secret")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("abs").path, withDestinationPath: "/inside.txt")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("dir/deep").path, withDestinationPath: "../../../../secret")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("hostroot").path, withDestinationPath: "/")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("loop").path, withDestinationPath: "loop")

        assertError(try daemon.call(.download, ["/up"]), "/up: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.download, ["/dir/deep"]), "/dir/deep: No such file or directory", errno: "ENOENT")
        XCTAssertEqual(try daemon.fileOut(.download, "/abs").data, Array("inside\n".utf8))
        XCTAssertEqual(try daemon.fileOut(.download, "/hostroot/inside.txt").data, Array("inside\n".utf8))
        assertError(try daemon.call(.download, ["/hostroot/../secret"]), "/hostroot/../secret: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.download, ["/loop"]), "/loop: Too many levels of symbolic links", errno: "ELOOP")
        try assertAlive()
    }

    // MARK: the protocol's own errors

    func testUnknownProcedure() throws {
        try daemon.send(9999)
        let r = try daemon.reply()
        XCTAssertEqual(r.header.procedure, 9999)
        assertError(r, "dispatch_incoming_message: unknown procedure number 9999, set LIBGUESTFS_PATH to point to the matching libguestfs appliance directory")
        try assertAlive()
    }

    func testHeaderChecks() throws {
        try daemon.send(Procedure.pingDaemon.number, program: 0x1234)
        assertError(try daemon.reply(), "wrong program (4660)")
        try daemon.send(Procedure.pingDaemon.number, version: 3)
        assertError(try daemon.reply(), "wrong protocol version (3)")
        try daemon.send(Procedure.pingDaemon.number, direction: .reply)
        assertError(try daemon.reply(), "unexpected message direction (1)")
        try daemon.send(Procedure.pingDaemon.number, status: .error)
        assertError(try daemon.reply(), "unexpected message status (1)")
        try daemon.send(Procedure.pingDaemon.number, optargs: 1)
        assertError(try daemon.reply(), "header optargs_bitmask field must be passed as 0 for calls that don't take optional arguments")
        try assertAlive()
    }

    func testGarbageArgumentsGetADecodeErrorAndTheDaemonCarriesOn() throws {
        let decodeError = "daemon failed to decode procedure arguments"
        try daemon.send(Procedure.ls0.number, body: [0xFF, 0xFF])
        assertError(try daemon.reply(), decodeError)
        try daemon.send(Procedure.download.number, body: [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4])
        assertError(try daemon.reply(), decodeError)
        // Trailing bytes after a complete argument list are refused too.
        try daemon.send(Procedure.pingDaemon.number, body: [0, 0, 0, 0])
        assertError(try daemon.reply(), decodeError)
        try assertAlive()
    }

    func testOverlongLengthWordDropsTheConnection() throws {
        var e = XDREncoder()
        e.u32(Guestfs.messageMax + 1)
        try daemon.writeRaw(e.bytes)
        XCTAssertThrowsError(try daemon.channel.readFrame()) { error in
            XCTAssertEqual(error as? ChannelError, .closed)
        }
        XCTAssertEqual(daemon.waitForExit(), .exit, "guestd must exit, not crash")
        XCTAssertEqual(daemon.process.terminationStatus, 1)
    }

    func testTruncatedHeaderIsFatal() throws {
        try daemon.channel.writeMessage([0, 0, 0, 1, 0, 0, 0, 2])
        XCTAssertThrowsError(try daemon.channel.readFrame())
        XCTAssertEqual(daemon.waitForExit(), .exit)
        XCTAssertEqual(daemon.process.terminationStatus, 1)
    }

    func testLibraryCancelStopsADownload() throws {
        // Far more than the socket buffers hold, so the daemon is still sending when
        // the cancel word arrives.
        try Data(repeating: 0xAB, count: 8 << 20).write(to: root.appendingPathComponent("huge"))
        let reply = try daemon.call(.download, ["/huge"])
        XCTAssertEqual(reply.header.status, .ok)
        var e = XDREncoder()
        e.u32(Guestfs.cancelFlag)
        try daemon.writeRaw(e.bytes)
        var received = 0
        while true {
            guard case let .message(bytes) = try daemon.channel.readFrame() else { continue }
            let chunk = try Chunk.decode(bytes)
            if chunk.cancel {
                XCTAssertEqual(chunk.data, [])
                break
            }
            XCTAssertFalse(chunk.data.isEmpty, "the transfer ended before the cancel was seen")
            if chunk.data.isEmpty { break }
            received += chunk.data.count
        }
        XCTAssertLessThan(received, 8 << 20)
        try assertAlive()
    }

    func testHostClosingTheChannelEndsTheDaemon() throws {
        shutdown(daemon.channel.fd, Int32(SHUT_RDWR))
        XCTAssertEqual(daemon.waitForExit(), .exit)
        XCTAssertEqual(daemon.process.terminationStatus, 0)
    }

    // MARK: the rest of the served procedures, as far as a host allows

    func testSyncAndUnmountCallsSucceedWithNothingMounted() throws {
        for p in [Procedure.sync, .umountAll, .internalAutosync] {
            let r = try daemon.call(p)
            XCTAssertEqual(r.header.status, .ok, "\(p.name): \(r.error?.message ?? "")")
            XCTAssertEqual(r.body, [])
        }
    }

    func testListDevicesAnswersAStringList() throws {
        for p in [Procedure.listDevices, .listPartitions] {
            let r = try daemon.call(p)
            XCTAssertEqual(r.header.status, .ok)
            var d = XDRDecoder(r.body)
            let list = try d.stringList()
            try d.finish()
            XCTAssertTrue(list.allSatisfy { $0.hasPrefix("/dev/") }, "\(list)")
        }
    }

    func testDeviceArgumentsAreChecked() throws {
        assertError(try daemon.call(.vfsType, ["/dev/sdzz9"]), "vfs_type_stub: /dev/sdzz9: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.mount, ["/inside.txt", "/"]), "mount_stub: /inside.txt: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.mountRO, ["/dev/null", "/"]), "mount_ro_stub: /dev/null: expecting a device name")
        try assertAlive()
    }

    // MARK: real mounts (root only: a loop device on the host stands in for a disk)

    func testMountVfsTypeAndUnmountOnALoopDevice() throws {
        try XCTSkipUnless(getuid() == 0, "needs root for losetup and mount")
        let image = base.appendingPathComponent("fs.img"), content = base.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try Data("guest file\n".utf8).write(to: content.appendingPathComponent("etc/hostname"))
        guard run("mkfs.ext4", ["-q", "-F", "-d", content.path, image.path, "8M"]) != nil,
              let loop = run("losetup", ["-f", "--show", image.path])?.trimmingCharacters(in: .whitespacesAndNewlines),
              loop.hasPrefix("/dev/loop")
        else { throw XCTSkip("mkfs.ext4 -d or losetup unavailable") }
        defer {
            umount2(root.path, Int32(MNT_DETACH))
            _ = run("losetup", ["-d", loop])
        }
        func string(_ r: GuestdHarness.Reply) throws -> String {
            var d = XDRDecoder(r.body)
            return try d.string()
        }

        XCTAssertEqual(try string(daemon.call(.vfsType, [loop])), "ext4")
        XCTAssertEqual(try daemon.call(.mountRO, [loop, "/"]).header.status, .ok)
        XCTAssertEqual(try daemon.fileOut(.download, "/etc/hostname").data, Array("guest file\n".utf8))
        let names = try daemon.fileOut(.ls0, "/").data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(names.sorted(), ["etc", "lost+found"])
        assertError(try daemon.call(.mount, [loop, "/etc/hostname"]), "mount: /etc/hostname: mount point is not a directory")
        assertError(try daemon.call(.mount, [loop, "/nowhere"]), "mount: /nowhere: mount point is not a directory")
        XCTAssertEqual(try daemon.call(.umountAll).header.status, .ok)
        let after = try daemon.fileOut(.ls0, "/").data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(after.sorted(), ["dir", "inside.txt"], "the sysroot's own entries again")

        // Something that is no filesystem: vfs_type says "", mount keeps the real head.
        _ = run("dd", ["if=/dev/zero", "of=\(loop)", "bs=64k", "count=16", "conv=notrunc"])
        XCTAssertEqual(try string(daemon.call(.vfsType, [loop])), "")
        let failed = try daemon.call(.mountRO, [loop, "/"])
        XCTAssertEqual(failed.header.status, .error)
        XCTAssertTrue(failed.error?.message.hasPrefix("mount exited with status 32: mount: ") == true, failed.error?.message ?? "")
    }

    /// Runs a tool from the usual sbin/bin directories; its stdout, or nil if it failed.
    private func run(_ tool: String, _ args: [String]) -> String? {
        guard let dir = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") })
        else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "\(dir)/\(tool)")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
