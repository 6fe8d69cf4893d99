import Foundation
import GuestProtocol
import XCTest

/// tar_in and tar_out in host test mode: the host's tar under the sysroot directory,
/// with the optional arguments (compress, excludes) and the real daemon's error texts.
final class TarTests: SysrootTestCase {
    /// A tar (or with `gzip` a .tar.gz) of a small tree made by the host's tar.
    private func makeArchive(gzip: Bool = false) throws -> [UInt8] {
        let src = base.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: src.appendingPathComponent("d/e"), withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: src.appendingPathComponent("d/a.txt"))
        try Data(repeating: 7, count: 200_000).write(to: src.appendingPathComponent("d/e/big"))
        try Data("top\n".utf8).write(to: src.appendingPathComponent("b"))
        let out = base.appendingPathComponent(gzip ? "in.tgz" : "in.tar")
        _ = try run("/usr/bin/tar", ["-C", src.path, gzip ? "-czf" : "-cf", out.path, "."])
        return Array(try Data(contentsOf: out))
    }

    private func run(_ program: String, _ args: [String], stdin: [UInt8]? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        if stdin != nil { p.standardInput = input }
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)); try input.fileHandleForWriting.close() }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(program) \(args)")
        return text
    }

    /// A FileIn call with optional arguments: the struct, the chunks, the reply.
    private func fileIn(_ proc: Procedure, _ args: [GuestdHarness.Arg], optargs: UInt64 = 0,
                        data: [UInt8]) throws -> (reply: GuestdHarness.Reply, daemonCancelled: Bool) {
        var e = XDREncoder()
        for a in args { a.encode(into: &e) }
        try daemon.send(proc.number, body: e.bytes, optargs: optargs)
        var offset = 0, cancelled = false
        while true {
            if daemon.daemonSentCancel() {
                cancelled = true
                try daemon.channel.writeChunk(Chunk(cancel: true, data: []))
                break
            }
            let n = min(Guestfs.maxChunkSize, data.count - offset)
            try daemon.channel.writeChunk(Chunk(data: Array(data[offset ..< offset + n])))
            offset += n
            if n == 0 { break }
        }
        while true {
            switch try daemon.channel.readFrame() {
            case .cancel: cancelled = true
            case let .message(bytes):
                var d = XDRDecoder(bytes)
                let h = try MessageHeader.decode(from: &d)
                return (GuestdHarness.Reply(header: h, body: Array(bytes[d.offset...])), cancelled)
            default: continue
            }
        }
    }

    /// tar_out's struct: directory, compress, numericowner, excludes, xattrs, selinux, acls.
    private func tarOut(_ dir: String, compress: String? = nil, excludes: [String]? = nil) throws -> (GuestdHarness.Reply, [UInt8]) {
        var mask: UInt64 = 0
        if compress != nil { mask |= 1 }
        if excludes != nil { mask |= 4 }
        let r = try daemon.call(.tarOut, args: [.s(dir), .s(compress ?? ""), .b(false), .list(excludes ?? []), .b(false), .b(false), .b(false)],
                                optargs: mask)
        guard r.header.status == .ok else { return (r, []) }
        return (r, try daemon.readChunks())
    }

    private func tarInArgs(_ dir: String, compress: String? = nil) -> [GuestdHarness.Arg] {
        [.s(dir), .s(compress ?? ""), .b(false), .b(false), .b(false)]
    }

    private func members(_ archive: [UInt8], gzip: Bool = false, filter: String? = nil) throws -> [String] {
        let flags = filter.map { ["--" + $0, "-tf"] } ?? [gzip ? "-tzf" : "-tf"]
        return try run("/usr/bin/tar", flags + ["-"], stdin: archive).split(separator: "\n").map(String.init).sorted()
    }

    /// compress=bzip2, xz and lzop both ways (the appliance carries those programs), and
    /// txz_in/txz_out, which need the optional group "xz".
    func testOtherCompressorsAndTxz() throws {
        let archive = try makeArchive()
        let xzData = try filtered("/usr/bin/xz", archive)
        assertOK(try fileIn(.tarIn, tarInArgs("/dir", compress: "xz"), optargs: 1, data: xzData).reply)
        XCTAssertEqual(contents("/dir/d/a.txt"), Array("hello\n".utf8))
        assertOK(try fileIn(.txzIn, [.s("/dir/sub")], data: xzData).reply)
        XCTAssertEqual(contents("/dir/sub/b"), Array("top\n".utf8))
        for compress in ["bzip2", "xz", "lzop"] {
            let (r, out) = try tarOut("/dir/d", compress: compress)
            assertOK(r)
            XCTAssertEqual(try members(out, filter: compress), ["./", "./a.txt", "./e/", "./e/big"], compress)
        }
        let (r, txz) = try tarOutPlain(.txzOut, "/dir/sub/d")
        assertOK(r)
        XCTAssertEqual(txz.prefix(6), [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])
        XCTAssertEqual(try members(txz, filter: "xz"), ["./", "./a.txt", "./e/", "./e/big"])
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["xz"]).int(), 0)
    }

    /// A program's stdout for `input` (xz -c, bzip2 -c …).
    private func filtered(_ program: String, _ input: [UInt8]) throws -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = ["-c"]
        let out = Pipe(), inPipe = Pipe()
        p.standardOutput = out
        p.standardInput = inPipe
        try p.run()
        let writer = Thread { inPipe.fileHandleForWriting.write(Data(input)); try? inPipe.fileHandleForWriting.close() }
        writer.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Array(data)
    }

    func testTarInUnpacksAndTarOutPacksTheSameTree() throws {
        let archive = try makeArchive()
        assertOK(try fileIn(.tarIn, tarInArgs("/dir"), data: archive).reply)
        XCTAssertEqual(contents("/dir/d/a.txt"), Array("hello\n".utf8))
        XCTAssertEqual(contents("/dir/d/e/big")?.count, 200_000)
        let (r, out) = try tarOut("/dir")
        assertOK(r)
        XCTAssertEqual(try members(out), ["./", "./b", "./d/", "./d/a.txt", "./d/e/", "./d/e/big", "./sub/"])
        try assertAlive()
    }

    func testGzipBothWaysAndExcludes() throws {
        assertOK(try fileIn(.tarIn, tarInArgs("/dir", compress: "gzip"), optargs: 1, data: try makeArchive(gzip: true)).reply)
        XCTAssertEqual(contents("/dir/b"), Array("top\n".utf8))
        let (r, out) = try tarOut("/dir/d", compress: "gzip", excludes: ["./e", "*.txt"])
        assertOK(r)
        XCTAssertEqual(out.prefix(2), [0x1F, 0x8B])
        XCTAssertEqual(try members(out, gzip: true), ["./"])
        // tgz_in and tgz_out are tar_in and tar_out with gzip.
        let (r2, tgz) = try tarOutPlain(.tgzOut, "/dir/d")
        assertOK(r2)
        XCTAssertEqual(try members(tgz, gzip: true), ["./", "./a.txt", "./e/", "./e/big"])
    }

    private func tarOutPlain(_ proc: Procedure, _ dir: String) throws -> (GuestdHarness.Reply, [UInt8]) {
        let r = try daemon.call(proc, [dir])
        return (r, r.header.status == .ok ? try daemon.readChunks() : [])
    }

    func testErrorsAreTheRealDaemons() throws {
        let archive = try makeArchive()
        var r = try fileIn(.tarIn, tarInArgs("/dir", compress: "zip"), optargs: 1, data: archive)
        assertError(r.reply, "unknown compression type: zip")
        XCTAssertTrue(r.daemonCancelled)
        r = try fileIn(.tarIn, tarInArgs("/missing"), data: archive)
        assertError(r.reply, "/missing: No such file or directory", errno: "ENOENT")
        r = try fileIn(.tarIn, tarInArgs("/dir"), data: Array(repeating: 0x41, count: 20_000))
        XCTAssertTrue(r.reply.error?.message.hasPrefix("tar subcommand failed on directory: /dir: tar: ") == true, "\(r.reply.error?.message ?? "")")
        XCTAssertEqual(try tarOut("/inside.txt").0.error?.message, "/inside.txt: not a directory")
        assertError(try tarOut("/nope").0, "stat: /nope: No such file or directory", errno: "ENOENT")
        assertError(try tarOut("/dir", compress: "rar").0, "unknown compression type: rar")
        assertError(try tarOut("/dir", excludes: ["a\nb"]).0, "tar-out: excludes file patterns cannot contain \\n character")
        try assertAlive()
    }

    func testDfNeedsNoDeviceAndPrintsDfsTable() throws {
        let r = try daemon.call(.df)
        assertOK(r)
        XCTAssertTrue(try r.string().hasPrefix("Filesystem"))
    }
}
