import ApplianceClient
import Foundation
import GuestProtocol
import XCTest

/// Disk images nobody vouches for, made with the real sfdisk, mkfs.ext4, truncate and dd
/// and attached read-only to one boot: every call returns a result or the daemon's own
/// error, and the daemon answers the next call.
final class HostileImageTests: XCTestCase {
    /// 200 levels of 20-byte names: the deepest path (about 4200 bytes) is over PATH_MAX.
    static let depth = 200
    static let level = String(repeating: "d", count: 20)
    static let sparseSize: Int64 = 100 << 30

    func testCorruptAndHostileImagesAnswerEveryCallAndTheDaemonSurvives() throws {
        let f = try Fixture.get()
        let dir = f.work + "/hostile"
        let images = try Self.makeImages(in: dir)
        let before = images.map(Self.hash)
        var o = f.options(rootMedia: .disk)
        o.drives = images.map { Drive(path: $0, readOnly: true) }
        let s = try Session.launch(appliance: f.appliance, options: o)
        defer { s.shutdown() }
        let c = Survivor(session: s)

        XCTAssertEqual(c.attempt("list-devices") { try s.listDevices() }, ["/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd"])
        let parts = c.attempt("list-partitions") { try s.listPartitions() } ?? []
        for dev in ["/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd"] {
            c.attempt("blockdev-getsize64 \(dev)") { try s.blockdevGetsize64(dev) }
            c.attempt("part-get-parttype \(dev)") { try s.partGetParttype(dev) }
            c.attempt("part-list \(dev)") { try s.partList(dev).count }
            c.attempt("blkid \(dev)") { try s.blkid(dev).count }
            c.attempt("vfs-type \(dev)") { try s.vfsType(dev) }
        }
        c.attempt("list-filesystems") { try s.listFilesystems().map { "\($0.0)=\($0.1)" } }

        // sda: an MBR whose first partition runs past the truncated end and whose
        // second starts beyond it; the ext4 in the first lost most of its blocks.
        XCTAssertFalse(parts.contains("/dev/sda2"), "a partition starting past the end is not a device")
        for p in parts where p.hasPrefix("/dev/sda") || p.hasPrefix("/dev/sdb") {
            c.attempt("vfs-type \(p)") { try s.vfsType(p) }
            c.browse(p)
        }

        // sdb: a GPT with its primary header damaged: the kernel reads the backup only
        // with gpt=force, so there is no partition device.
        XCTAssertFalse(parts.contains("/dev/sdb1"), "\(parts)")

        // sdc: an ext4 whose superblock has a zeroed range.
        c.browse("/dev/sdc")

        // sdd: deep directories, a huge sparse file, symlink loops.
        XCTAssertNotNil(c.attempt("mount-ro /dev/sdd /") { try s.mountRO("/dev/sdd", "/") })
        let deepest = "/deep/" + Array(repeating: Self.level, count: Self.depth).joined(separator: "/")
        XCTAssertEqual(c.attempt("cat deepest file") { try s.readFile(deepest + "/bottom.txt") }, Array("bottom\n".utf8))
        XCTAssertEqual(c.attempt("ls deepest") { try s.ls(deepest) }, ["bottom.txt"])
        XCTAssertEqual(c.attempt("find /deep") { try s.find("/deep").count }, Self.depth + 1)
        c.attempt("du /") { try s.du("/") }
        c.attempt("find /") { try s.find("/").count }
        XCTAssertEqual(c.attempt("filesize sparse") { try s.filesize("/sparse") }, Self.sparseSize)
        XCTAssertEqual(c.attempt("pread sparse") { try s.pread("/sparse", 4096, Self.sparseSize / 2) },
                       [UInt8](repeating: 0, count: 4096))
        XCTAssertEqual(c.attempt("pread sparse tail") { try s.pread("/sparse", 4096, Self.sparseSize - 3) }, [0, 0, 0])
        XCTAssertLessThan(c.attempt("du sparse") { try s.du("/sparse") } ?? .max, 1024, "holes take no space")
        for loop in ["/loop-a", "/self", "/loop-a/x"] {
            c.attempt("cat \(loop)", errno: "ELOOP") { try s.readFile(loop) }
            c.attempt("ls \(loop)", errno: "ELOOP") { try s.ls(loop) }
            c.attempt("is-dir \(loop)") { try s.isDir(loop, followsymlinks: true) }
        }
        c.attempt("realpath /loop-b", errno: "ELOOP") { try s.realpath("/loop-b") }
        XCTAssertEqual(c.attempt("readlink /self") { try s.readlink("/self") }, "self")
        XCTAssertEqual(c.attempt("ls /up/up/up/up") { try s.ls("/up/up/up/up") }, try? s.ls("/"))
        XCTAssertEqual(c.attempt("find /up (a symlink: not descended, as find -P)") { try s.find("/up") }, [])
        XCTAssertEqual(c.attempt("find / stays finite") { try s.find("/").filter { $0.hasPrefix("up") } }, ["up"])
        c.attempt("umount-all") { try s.umountAll() }

        print("hostile image calls:\n" + c.log.joined(separator: "\n"))
        s.shutdown()
        XCTAssertEqual(images.map(Self.hash), before, "read-only images stay byte-identical")
    }

    /// The four images, made afresh; returns their paths in drive order.
    static func makeImages(in dir: String) throws -> [String] {
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func run(_ cmd: String) throws {
            let r = try Fixture.sh(cmd)
            guard r.status == 0 else { throw ClientError.usage("\(cmd): \(r.err)") }
        }
        let mbr = dir + "/mbr-truncated.img", gpt = dir + "/gpt-damaged.img"
        let sb = dir + "/ext4-superblock.img", tree = dir + "/ext4-tree.img"
        // Partitions of a 256 MiB disk; then the file is cut to 8 MiB.
        try run("truncate -s 256M \(mbr) && printf 'start=2048, size=200M, type=83\\nstart=460800, size=30M, type=83\\n' | sfdisk -q \(mbr)")
        try run("mkfs.ext4 -q -F -E offset=1048576 \(mbr) 200M && truncate -s 8M \(mbr)")
        // The primary GPT header (LBA 1): its signature kept, the rest garbage.
        try run("truncate -s 32M \(gpt) && echo 'type=L' | sfdisk -q -X gpt \(gpt) && mkfs.ext4 -q -F -E offset=1048576 \(gpt) 30M")
        try run("head -c 400 /dev/zero | tr '\\0' '\\377' | dd of=\(gpt) bs=1 seek=520 conv=notrunc status=none")
        // ext4 with s_inodes_count … s_first_data_block zeroed (the magic at 0x38 kept).
        try run("mkdir -p \(dir)/small && echo hi > \(dir)/small/file && mkfs.ext4 -q -F -d \(dir)/small \(sb) 16M")
        try run("dd if=/dev/zero of=\(sb) bs=1 seek=1024 count=24 conv=notrunc status=none")
        // The tree: built by bash's relative cd, since its paths pass PATH_MAX (dash's cd fails).
        let t = dir + "/tree"
        try run("""
            mkdir -p \(t)/deep && cd \(t)/deep && bash -c 'for i in $(seq \(depth)); do mkdir \(level) && cd \(level) || exit 1; done; echo bottom > bottom.txt'
            cd \(t) && truncate -s \(sparseSize) sparse && ln -s loop-b loop-a && ln -s loop-a loop-b && ln -s self self && ln -s . up
            mkfs.ext4 -q -F -N 1024 -d \(t) \(tree) 32M
            """)
        return [mbr, gpt, sb, tree]
    }

    static func hash(_ path: String) -> String { (try? Fixture.sh("sha256sum \(path)").out) ?? "" }
}

/// Runs calls that may fail: a failure must be the daemon's error reply (never a broken
/// channel or a protocol error), and ping-daemon must answer after each.
final class Survivor {
    let session: Session
    var log: [String] = []

    init(session: Session) { self.session = session }

    @discardableResult
    func attempt<T>(_ what: String, errno expected: String? = nil, file: StaticString = #filePath, line: UInt = #line,
                    _ body: () throws -> T) -> T? {
        var result: T?
        do {
            result = try body()
            log.append("  \(what): ok \(String("\(result!)".prefix(100)))")
            if let expected { XCTFail("\(what): expected \(expected), got a result", file: file, line: line) }
        } catch let ClientError.daemon(_, errno, message) {
            log.append("  \(what): \(errno.isEmpty ? "-" : errno) \(message.prefix(160))")
            if let expected { XCTAssertEqual(errno, expected, "\(what): \(message)", file: file, line: line) }
        } catch {
            XCTFail("\(what): not a daemon error: \(error)", file: file, line: line)
        }
        do { try session.pingDaemon() } catch { XCTFail("after \(what): ping-daemon: \(error)", file: file, line: line) }
        return result
    }

    /// mount-ro, then the reading calls on the root, then umount-all.
    func browse(_ mountable: String) {
        let s = session
        guard attempt("mount-ro \(mountable) /", { try s.mountRO(mountable, "/") }) != nil else { return }
        let names = attempt("ls / on \(mountable)") { try s.ls("/") } ?? []
        attempt("find / on \(mountable)") { try s.find("/").count }
        attempt("du / on \(mountable)") { try s.du("/") }
        attempt("statvfs / on \(mountable)") { try s.statvfs("/") }
        for name in names.prefix(5) {
            attempt("cat /\(name) on \(mountable)") { try s.readFile("/" + name).count }
        }
        attempt("umount-all") { try s.umountAll() }
    }
}

extension Session {
    /// du and realpath have no typed call in the client yet.
    func du(_ path: String) throws -> Int64 {
        guard case let .int(v) = try invoke(.du, [.string(path)]) else { throw ClientError.protocolViolation("du") }
        return v
    }
    func realpath(_ path: String) throws -> String {
        guard case let .string(v) = try invoke(.realpath, [.string(path)]) else { throw ClientError.protocolViolation("realpath") }
        return v
    }
}
