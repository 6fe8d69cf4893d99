import Foundation
import GuestProtocol
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Names are bytes: a name that is not UTF-8 must reach the file it names and
/// come back byte for byte, as argument and as result. Calls are built and replies read
/// at the wire level (an XDR string is an opaque), so the test does not rely on the
/// string decoding it checks.
final class NonUTF8NameTests: SysrootTestCase {
    /// The tree under test: a directory and names that are not UTF-8 (a lone lead byte,
    /// a byte never valid, a lead byte with a bad continuation), a symlink to a missing
    /// target and one to a directory.
    private let dir: [UInt8] = Array("/d".utf8) + [0xd4]
    private let ff: [UInt8] = [0xff]
    private let bad: [UInt8] = [0x61, 0xc3, 0x28]
    private let sub: [UInt8] = [0xd4]
    private let dangling: [UInt8] = [0x6c, 0xff]      // "l\xff" → "t\xd4"
    private let toSub: [UInt8] = [0x72, 0xff]         // "r\xff" → "\xd4"
    private let target: [UInt8] = [0x74, 0xd4]

    override func setUpWithError() throws {
        try super.setUpWithError()
        try makeDir(dir)
        try makeFile(dir + [0x2f] + ff, Array("ff\n".utf8))
        try makeFile(dir + [0x2f] + bad, Array("one\nt".utf8) + [0xd4] + Array("o\n".utf8))
        try makeDir(dir + [0x2f] + sub)
        try makeFile(dir + [0x2f] + sub + Array("/x".utf8))
        try makeLink(dir + [0x2f] + dangling, to: target)
        try makeLink(dir + [0x2f] + toSub, to: sub)
    }

    private func p(_ parts: [UInt8]...) -> [UInt8] { Array(parts.joined(separator: [0x2f])) }

    // MARK: listings

    func testListingsReturnTheNameBytes() throws {
        let names: Set<[UInt8]> = [ff, bad, sub, dangling, toSub]
        let ls0 = try daemon.rawFileOut(.ls0, [.bytes(dir)])
        XCTAssertEqual(Set(ls0.split(separator: 0).map(Array.init)), names)

        // find0 keeps find's leading "/" for a directory given without a trailing one.
        let find0 = try daemon.rawFileOut(.find0, [.bytes(dir)])
        let found = Set(find0.split(separator: 0).map(Array.init))
        XCTAssertEqual(found, Set((names.map { [0x2f] + $0 }) + [p([], sub, Array("x".utf8))]))

        let entries = try daemon.rawCall(.readdir, [.bytes(dir)]).dirents()
        XCTAssertEqual(Set(entries.map(\.name)), names.union([[0x2e], [0x2e, 0x2e]]))
        XCTAssertEqual(entries.first { $0.name == dangling }?.type, UInt8(ascii: "l"))
        XCTAssertEqual(entries.first { $0.name == sub }?.type, UInt8(ascii: "d"))
        let file = entries.first { $0.name == ff }
        XCTAssertEqual(file?.type, UInt8(ascii: "r"))
        XCTAssertEqual(file.map { UInt64(bitPattern: $0.ino) }, hostStat(p(dir, ff)).map { UInt64($0.st_ino) })

        let ll = try daemon.rawCall(.ll, [.bytes(dir)]).rawString()
        XCTAssertTrue(contains(ll, [0x20] + ff + [0x0a]), String(decoding: ll, as: UTF8.self))
        XCTAssertTrue(contains(ll, [0x20] + dangling + Array(" -> ".utf8) + target + [0x0a]))
    }

    func testLinkTargetsAndRealpathKeepTheirBytes() throws {
        XCTAssertEqual(try daemon.rawCall(.readlink, [.bytes(p(dir, dangling))]).rawString(), target)
        XCTAssertEqual(try daemon.rawCall(.internalReadlinklist, [.bytes(dir), .byteList([dangling, toSub, ff])]).rawStrings(), [target, sub, []])
        XCTAssertEqual(try daemon.rawCall(.realpath, [.bytes(p(dir, toSub))]).rawString(), p(dir, sub))
        XCTAssertEqual(try daemon.rawCall(.realpath, [.bytes(p(dir, toSub, Array("x".utf8)))]).rawString(), p(dir, sub, Array("x".utf8)))
    }

    func testStatListsFindEachName() throws {
        let stats = try daemon.rawCall(.internalLstatnslist, [.bytes(dir), .byteList([ff, bad, Array("missing".utf8) + ff])]).statns()
        XCTAssertEqual(stats.count, 3)
        XCTAssertNotEqual(stats[0][1], -1)
        XCTAssertEqual(stats[0][7], 3, "st_size of the file named \\xff")
        XCTAssertNotEqual(stats[1][1], -1)
        XCTAssertEqual(stats[2][1], -1, "a missing name gets st_ino -1")
        XCTAssertEqual(try daemon.rawCall(.lstatns, [.bytes(p(dir, bad))]).statns(list: false).first?[7], 8)
        XCTAssertEqual(try daemon.rawCall(.exists, [.bytes(p(dir, ff))]).bool(), true)
        XCTAssertEqual(try daemon.rawCall(.isDir, [.bytes(p(dir, sub))], optargs: 0, extra: [.b(false)]).bool(), true)
    }

    func testExtendedAttributeNamesAndValuesKeepTheirBytes() throws {
        let file = p(dir, ff)
        let name = Array("user.".utf8) + [0xd4], value: [UInt8] = [0xff, 0x00, 0x76]
        guard setHostXattr(file, name, value) else { throw XCTSkip("user xattrs not supported on this filesystem") }

        XCTAssertEqual(try daemon.rawCall(.lgetxattrs, [.bytes(file)]).xattrs().map(\.name), [name])
        XCTAssertEqual(try daemon.rawCall(.lgetxattrs, [.bytes(file)]).xattrs().map(\.value), [value])
        XCTAssertEqual(try daemon.rawCall(.getxattrs, [.bytes(file)]).xattrs().map(\.name), [name])
        let listed = try daemon.rawCall(.internalLxattrlist, [.bytes(dir), .byteList([ff])]).xattrs()
        XCTAssertEqual(listed.map(\.name), [[], name])
        XCTAssertEqual(try daemon.rawCall(.getxattr, [.bytes(file), .bytes(name)]).buffer(), value)
        XCTAssertEqual(try daemon.rawCall(.lgetxattr, [.bytes(file), .bytes(name)]).buffer(), value)

        // setxattr: name and value are strings on the wire; vallen bytes of the value.
        let other = Array("user.a".utf8) + [0xc3, 0x28]
        assertOK(try daemon.rawCall(.setxattr, [.bytes(other), .bytes([0x76, 0xff]), .i(2), .bytes(file)]))
        XCTAssertEqual(hostXattr(file, other), [0x76, 0xff])
        assertOK(try daemon.rawCall(.removexattr, [.bytes(name), .bytes(file)]))
        XCTAssertNil(hostXattr(file, name))
        assertOK(try daemon.rawCall(.lsetxattr, [.bytes(name), .bytes([0x31]), .i(1), .bytes(file)]))
        assertOK(try daemon.rawCall(.lremovexattr, [.bytes(other), .bytes(file)]))
        XCTAssertEqual(try daemon.rawCall(.lgetxattrs, [.bytes(file)]).xattrs().map(\.name), [name])
    }

    // MARK: path arguments

    func testPathArgumentsReachTheNamedFile() throws {
        let made = p(dir, Array("new".utf8) + ff)
        assertOK(try daemon.rawCall(.touch, [.bytes(made)]))
        XCTAssertTrue(hostExists(made))
        let written = p(dir, [0x77] + [0xc3, 0x28])
        assertOK(try daemon.rawCall(.internalWrite, [.bytes(written), .buf(Array("data".utf8))]))
        XCTAssertEqual(hostContents(written), Array("data".utf8))
        XCTAssertEqual(try daemon.rawCall(.pread, [.bytes(written), .i(10), .l(0)]).buffer(), Array("data".utf8))
        XCTAssertEqual(try daemon.rawCall(.filesize, [.bytes(written)]).int64(), 4)
        XCTAssertEqual(try daemon.rawCall(.checksum, [.bytes(Array("md5".utf8)), .bytes(written)]).rawString(), Array("8d777f385d3dfec8815d20f7496026dc".utf8))
        assertOK(try daemon.rawCall(.chmod, [.i(0o600), .bytes(written)]))
        XCTAssertEqual((hostStat(written)?.st_mode ?? 0) & 0o777, 0o600)

        let renamed = p(dir, [0x76, 0xff])
        assertOK(try daemon.rawCall(.rename, [.bytes(written), .bytes(renamed)]))
        XCTAssertFalse(hostExists(written))
        XCTAssertEqual(hostContents(renamed), Array("data".utf8))
        let copied = p(dir, [0x63, 0xd4])
        assertOK(try daemon.rawCall(.cp, [.bytes(renamed), .bytes(copied)]))
        XCTAssertEqual(hostContents(copied), Array("data".utf8))
        assertOK(try daemon.rawCall(.cpA, [.bytes(p(dir, sub)), .bytes(p(dir, [0x43, 0xd4]))]))
        XCTAssertTrue(hostExists(p(dir, [0x43, 0xd4], Array("x".utf8))))
        let moved = p([], [0x6d, 0xff])
        assertOK(try daemon.rawCall(.mv, [.bytes(copied), .bytes(moved)]))
        XCTAssertEqual(hostContents(moved), Array("data".utf8))

        let link = p(dir, [0x73, 0xff])
        assertOK(try daemon.rawCall(.lnS, [.bytes(target), .bytes(link)]))
        XCTAssertEqual(hostLinkTarget(link), target)
        assertOK(try daemon.rawCall(.ln, [.bytes(moved), .bytes(p([], [0x68, 0xff]))]))
        XCTAssertEqual(hostStat(p([], [0x68, 0xff]))?.st_nlink, 2)

        let newDir = p([], [0x6e, 0xd4])
        assertOK(try daemon.rawCall(.mkdir, [.bytes(newDir)]))
        assertOK(try daemon.rawCall(.mkdirP, [.bytes(p(newDir, ff, bad))]))
        XCTAssertTrue(hostStat(p(newDir, ff, bad)).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false)
        assertOK(try daemon.rawCall(.rmdir, [.bytes(p(newDir, ff, bad))]))
        XCTAssertFalse(hostExists(p(newDir, ff, bad)))
        assertOK(try daemon.rawCall(.rmRF, [.bytes(newDir)]))
        XCTAssertFalse(hostExists(newDir))
        assertOK(try daemon.rawCall(.rm, [.bytes(moved)]))
        XCTAssertFalse(hostExists(moved))
    }

    func testTransfersReachTheNamedFile() throws {
        XCTAssertEqual(try daemon.rawFileOut(.download, [.bytes(p(dir, ff))]), Array("ff\n".utf8))
        XCTAssertEqual(try daemon.rawFileOut(.base64Out, [.bytes(p(dir, ff))]), Array("ZmYK\n".utf8))
        let uploaded = p(dir, [0x75, 0xff])
        assertOK(try daemon.rawFileIn(.upload, [.bytes(uploaded)], data: Array("up".utf8)))
        XCTAssertEqual(hostContents(uploaded), Array("up".utf8))
        assertOK(try daemon.rawFileIn(.uploadOffset, [.bytes(uploaded), .l(2)], data: Array("!".utf8)))
        XCTAssertEqual(hostContents(uploaded), Array("up!".utf8))
    }

    func testFileLinesKeepTheirBytes() throws {
        let file = p(dir, bad)
        let second = Array("t".utf8) + [0xd4] + Array("o".utf8)
        XCTAssertEqual(try daemon.rawCall(.head, [.bytes(file)]).rawStrings(), [Array("one".utf8), second])
        XCTAssertEqual(try daemon.rawCall(.tailN, [.i(1), .bytes(file)]).rawStrings(), [second])
        XCTAssertEqual(try daemon.rawCall(.grep, [.bytes(Array("t".utf8) + [0xd4]), .bytes(file)], extra: [.b(false), .b(false), .b(false), .b(false)]).rawStrings(), [second])
        XCTAssertEqual(try daemon.rawCall(.grep, [.bytes([0xd4]), .bytes(file)], optargs: 2 | 4, extra: [.b(false), .b(true), .b(true), .b(false)]).rawStrings(), [second])
    }

    func testTarCarriesTheNameBytes() throws {
        let expected: Set<[UInt8]> = [[0x2e, 0x2f], Array("./".utf8) + ff, Array("./".utf8) + bad, Array("./".utf8) + sub + [0x2f],
                                      Array("./".utf8) + sub + Array("/x".utf8), Array("./".utf8) + dangling, Array("./".utf8) + toSub]
        let tar = try daemon.rawFileOut(.tarOut, [.bytes(dir)], extra: [.bytes([]), .b(false), .byteList([]), .b(false), .b(false), .b(false)])
        XCTAssertEqual(Set(TarListing.members(tar).map(\.name)), expected)
        XCTAssertEqual(TarListing.members(tar).first { $0.name == Array("./".utf8) + dangling }?.link, target)
        let tgz = try daemon.rawFileOut(.tgzOut, [.bytes(dir)])
        XCTAssertEqual(Set(TarListing.members(try gunzip(tgz)).map(\.name)), expected)

        // tar_in into a directory named by bytes, of an archive whose member is too.
        let into = p([], [0x69, 0xff])
        try makeDir(into)
        assertOK(try daemon.rawFileIn(.tarIn, [.bytes(into)], extra: [.bytes([]), .b(false), .b(false), .b(false)], data: tar))
        XCTAssertEqual(hostContents(p(into, bad)), hostContents(p(dir, bad)))
        XCTAssertEqual(hostLinkTarget(p(into, dangling)), target)
    }

    func testErrorsQuoteTheNameBytes() throws {
        let missing = Array("/missing".utf8) + ff
        let r = try daemon.rawCall(.rm, [.bytes(missing)])
        XCTAssertEqual(r.header.status, .error)
        XCTAssertEqual(r.rawErrorMessage, missing + Array(": No such file or directory".utf8))
        XCTAssertEqual(try daemon.rawCall(.readlink, [.bytes(missing)]).rawErrorMessage,
                       Array("readlink: ".utf8) + missing + Array(": No such file or directory".utf8))
        XCTAssertEqual(try daemon.rawCall(.readdir, [.bytes(missing)]).rawErrorMessage,
                       Array("opendir: ".utf8) + missing + Array(": No such file or directory".utf8))
        try assertAlive()
    }

    /// command and sh: argv, the script and the output are bytes (root and busybox only).
    func testGuestCommandsTakeAndGiveBytes() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/busybox") else {
            throw XCTSkip("running a guest program needs root (chroot) and /bin/busybox (busybox-static)")
        }
        try FileManager.default.createDirectory(atPath: path("/bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: path("/bin/busybox"))
        try FileManager.default.createSymbolicLink(atPath: path("/bin/sh"), withDestinationPath: "busybox")
        let made = p([], [0x6b, 0xff])
        assertOK(try daemon.rawCall(.command, [.byteList([Array("/bin/busybox".utf8), Array("touch".utf8), made])]))
        XCTAssertTrue(hostExists(made))
        XCTAssertEqual(try daemon.rawCall(.sh, [.bytes(Array("echo ".utf8) + ff)]).rawString(), ff + [0x0a])
        XCTAssertEqual(try daemon.rawCall(.shLines, [.bytes(Array("printf '%s\\n' a ".utf8) + ff)]).rawStrings(), [Array("a".utf8), ff])
    }

    // MARK: the host side, by bytes

    /// The host path of a guest path for C: the sysroot folder, the guest bytes, NUL.
    private func host(_ guest: [UInt8]) -> [CChar] { (Array(root.path.utf8) + guest + [0]).map { CChar(bitPattern: $0) } }

    private func makeDir(_ guest: [UInt8]) throws {
        guard Glibc.mkdir(host(guest), 0o755) == 0 else { throw GuestdHarness.HarnessError.sys("mkdir", errno) }
    }

    private func makeFile(_ guest: [UInt8], _ content: [UInt8] = []) throws {
        let fd = Glibc.open(host(guest), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw GuestdHarness.HarnessError.sys("open", errno) }
        defer { close(fd) }
        guard content.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == content.count else {
            throw GuestdHarness.HarnessError.sys("write", errno)
        }
    }

    private func makeLink(_ guest: [UInt8], to target: [UInt8]) throws {
        guard symlink((target + [0]).map { CChar(bitPattern: $0) }, host(guest)) == 0 else {
            throw GuestdHarness.HarnessError.sys("symlink", errno)
        }
    }

    private func hostStat(_ guest: [UInt8]) -> stat? {
        var st = stat()
        return lstat(host(guest), &st) == 0 ? st : nil
    }

    private func hostExists(_ guest: [UInt8]) -> Bool { hostStat(guest) != nil }

    private func hostContents(_ guest: [UInt8]) -> [UInt8]? {
        let fd = Glibc.open(host(guest), O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = [], buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return n == 0 ? out : nil }
            out += buf[0 ..< n]
        }
    }

    private func hostLinkTarget(_ guest: [UInt8]) -> [UInt8]? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink(host(guest), &buf, buf.count)
        return n >= 0 ? buf[0 ..< n].map { UInt8(bitPattern: $0) } : nil
    }

    private typealias SetXattr = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    private typealias GetXattr = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int

    private func setHostXattr(_ guest: [UInt8], _ name: [UInt8], _ value: [UInt8]) -> Bool {
        guard let sym = dlsym(nil, "lsetxattr") else { return false }
        let set = unsafeBitCast(sym, to: SetXattr.self)
        return value.withUnsafeBytes { set(host(guest), (name + [0]).map { CChar(bitPattern: $0) }, $0.baseAddress, $0.count, 0) } == 0
    }

    private func hostXattr(_ guest: [UInt8], _ name: [UInt8]) -> [UInt8]? {
        guard let sym = dlsym(nil, "lgetxattr") else { return nil }
        let get = unsafeBitCast(sym, to: GetXattr.self)
        var buf = [UInt8](repeating: 0, count: 1024)
        let n = buf.withUnsafeMutableBytes { get(host(guest), (name + [0]).map { CChar(bitPattern: $0) }, $0.baseAddress, $0.count) }
        return n >= 0 ? Array(buf[0 ..< n]) : nil
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0 ... haystack.count - needle.count).contains { haystack[$0 ..< $0 + needle.count].elementsEqual(needle) }
    }

    private func gunzip(_ data: [UInt8]) throws -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-dc"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(data))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Array(out)
    }
}

/// inspect_os, mount and mountpoints over a recorded disk (as InspectionProcedureTests:
/// root, loop devices, a private mount namespace): the hostname and fstab mount points a
/// guest holds, and a mount point named by bytes, come back as they are.
final class NonUTF8InspectionTests: XCTestCase {
    private var base: URL!

    override func tearDownWithError() throws { if let base { try? FileManager.default.removeItem(at: base) } }

    func testInspectionAndMountsKeepTheNameBytes() throws {
        guard getuid() == 0 else { throw XCTSkip("mounting images needs root") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { throw XCTSkip("no unshare") }
        base = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-bytes-\(UUID().uuidString)")
        let b = base.path
        // sda1: a root whose hostname and fstab hold bytes that are not UTF-8 (\324, \377)
        // and a directory so named; sda2: what fstab mounts there.
        let script = """
            set -eu
            mkdir -p \(b)/sys/block/sda/sda1 \(b)/sys/block/sda/sda2 \(b)/dev \(b)/sysroot
            r=\(b)/root; mkdir -p $r/etc $r/bin "$r/m$(printf '\\377')"
            printf 'h\\324st\\n' > $r/etc/hostname
            printf '/dev/sda1 / ext4 defaults 0 1\\n/dev/sda2 /m\\377 ext4 defaults 0 2\\n' > $r/etc/fstab
            o=\(b)/other; mkdir -p $o; echo other > $o/file
            : > \(b)/dev/sda
            mkfs.ext4 -q -F -d $r \(b)/dev/sda1 8M
            mkfs.ext4 -q -F -d $o \(b)/dev/sda2 8M
            """
        try makeImages(script)

        let daemon = try GuestdHarness(sysroot: b + "/sysroot", extraArguments: ["--sysfs", b + "/sys", "--dev", b + "/dev"],
                                       wrapper: ["/usr/bin/unshare", "--mount", "--propagation", "private"])
        let sda1 = Array("/dev/sda1".utf8), sda2 = Array("/dev/sda2".utf8), mountPoint: [UInt8] = [0x2f, 0x6d, 0xff]
        XCTAssertEqual(try daemon.rawCall(.inspectOS, []).rawStrings(), [sda1])
        XCTAssertEqual(try daemon.rawCall(.inspectGetHostname, [.bytes(sda1)]).rawString(), [0x68, 0xd4, 0x73, 0x74])
        XCTAssertEqual(try daemon.rawCall(.inspectGetMountpoints, [.bytes(sda1)]).rawStrings(), [mountPoint, sda2, [0x2f], sda1])

        let mount = try daemon.rawCall(.mountRO, [.bytes(sda1), .bytes([0x2f])])
        XCTAssertEqual(mount.header.status, .ok, mount.error?.message ?? "")
        let inner = try daemon.rawCall(.mountRO, [.bytes(sda2), .bytes(mountPoint)])
        XCTAssertEqual(inner.header.status, .ok, inner.error?.message ?? "")
        // In host test mode the sources are the loop devices the images sit on.
        let table = try daemon.rawCall(.mountpoints, []).rawStrings()
        XCTAssertEqual(stride(from: 1, to: table.count, by: 2).map { table[$0] }, [[0x2f], mountPoint])
        XCTAssertEqual(try daemon.rawFileOut(.download, [.bytes(mountPoint + Array("/file".utf8))]), Array("other\n".utf8))
        let umount = try daemon.rawCall(.umount, [.bytes(mountPoint)], extra: [.b(false), .b(false)])
        XCTAssertEqual(umount.header.status, .ok, umount.error?.message ?? "")
        XCTAssertEqual(try daemon.rawCall(.mounts, []).rawStrings().count, 1)
        XCTAssertEqual(try daemon.rawCall(.umountAll, []).header.status, .ok)
    }
}

/// Calls whose strings go out as raw bytes (`.bytes`, `.byteList`), without the string
/// coding under test.
private extension GuestdHarness {
    static func body(_ args: [Arg]) -> [UInt8] {
        var e = XDREncoder()
        for a in args { a.encode(into: &e) }
        return e.bytes
    }

    /// `extra` are the optional arguments, all sent; `optargs` says which are set.
    func rawCall(_ proc: Procedure, _ args: [Arg], optargs: UInt64 = 0, extra: [Arg] = []) throws -> Reply {
        let serial = try send(proc.number, body: Self.body(args + extra), optargs: optargs)
        let r = try reply()
        XCTAssertEqual(r.header.serial, serial)
        return r
    }

    func rawFileOut(_ proc: Procedure, _ args: [Arg], extra: [Arg] = []) throws -> [UInt8] {
        let r = try rawCall(proc, args, extra: extra)
        guard r.ok else { XCTFail("\(proc.name): \(r.error?.message ?? "")"); return [] }
        return try readChunks()
    }

    func rawFileIn(_ proc: Procedure, _ args: [Arg], extra: [Arg] = [], data: [UInt8]) throws -> Reply {
        try send(proc.number, body: Self.body(args + extra))
        for start in stride(from: 0, to: data.count, by: Guestfs.maxChunkSize) {
            try channel.writeChunk(Chunk(data: Array(data[start ..< min(start + Guestfs.maxChunkSize, data.count)])))
        }
        try channel.writeChunk(Chunk(data: []))
        while true {
            guard case let .message(bytes) = try channel.readFrame() else { continue }
            var d = XDRDecoder(bytes)
            let h = try MessageHeader.decode(from: &d)
            return Reply(header: h, body: Array(bytes[d.offset...]))
        }
    }
}

/// Member names and link targets of a ustar/GNU archive, as stored.
private enum TarListing {
    static func members(_ tar: [UInt8]) -> [(name: [UInt8], link: [UInt8])] {
        var out: [(name: [UInt8], link: [UInt8])] = []
        var offset = 0
        while offset + 512 <= tar.count, tar[offset] != 0 {
            let header = tar[offset ..< offset + 512]
            func field(_ at: Int, _ length: Int) -> [UInt8] { Array(header.dropFirst(at).prefix(length).prefix { $0 != 0 }) }
            let size = Int(String(decoding: field(124, 12).filter { $0 != 0x20 }, as: UTF8.self), radix: 8) ?? 0
            out.append((field(0, 100), field(157, 100)))
            offset += 512 + (size + 511) / 512 * 512
        }
        return out
    }
}

private extension GuestdHarness.Reply {
    func rawString() throws -> [UInt8] { var d = XDRDecoder(body); let v = try d.opaque(); try d.finish(); return v }

    func rawStrings() throws -> [[UInt8]] {
        var d = XDRDecoder(body)
        let list = try (0 ..< d.u32()).map { _ in try d.opaque() }
        try d.finish()
        return list
    }

    var rawErrorMessage: [UInt8]? {
        guard header.status == .error else { return nil }
        var d = XDRDecoder(body)
        _ = try? d.opaque()
        return try? d.opaque()
    }

    func xattrs() throws -> [(name: [UInt8], value: [UInt8])] {
        var d = XDRDecoder(body)
        let list = try (0 ..< d.u32()).map { _ in (try d.opaque(), try d.opaque()) }
        try d.finish()
        return list
    }

    /// statns structs: 22 hypers each.
    func statns(list: Bool = true) throws -> [[Int64]] {
        var d = XDRDecoder(body)
        let n = list ? try d.u32() : 1
        let all = try (0 ..< n).map { _ in try (0 ..< 22).map { _ in try d.i64() } }
        try d.finish()
        return all
    }

    /// guestfs_int_dirent: ino, ftyp (a char in an int), name.
    func dirents() throws -> [(ino: Int64, type: UInt8, name: [UInt8])] {
        var d = XDRDecoder(body)
        let list = try (0 ..< d.u32()).map { _ in (try d.i64(), UInt8(truncatingIfNeeded: try d.i32()), try d.opaque()) }
        try d.finish()
        return list
    }
}
