import ApplianceClient
import Foundation
import GuestProtocol
import XCTest

/// A disk attached read-only stays byte-identical through every write the protocol
/// offers: each is refused with the daemon's error, and the image's sha256 is unchanged.
final class ReadOnlyTests: XCTestCase {
    /// A private copy of the sample disk, so a failure here cannot spoil other tests.
    private func scratchCopy(_ f: Fixture, _ name: String) throws -> String {
        let path = f.work + "/" + name
        XCTAssertEqual(try Fixture.sh("cp --sparse=always \(f.disk) \(path)").status, 0)
        return path
    }

    func testWritesToAReadOnlyDiskAreRefusedAndItStaysByteIdentical() throws {
        let f = try Fixture.get()
        let image = try scratchCopy(f, "ro-session.img")
        let before = HostileImageTests.hash(image)
        var o = f.options(rootMedia: .disk)
        o.drives = [Drive(path: image, readOnly: true)]
        // The errnos below are a cold boot's read-only virtio-blk disk (EPERM where a
        // restore's hot-plugged SCSI disk says EROFS).
        o.warmStart = false
        let s = try Session.launch(appliance: f.appliance, options: o)
        defer { s.shutdown() }
        let c = Survivor(session: s)

        // Device-level writes first, before anything is mounted.
        for dev in ["/dev/sda", "/dev/sda1"] {
            refused(c, "zero \(dev)", errno: "EPERM") { try s.zero(dev) }
            // upload's write error is reply_with_error in the real daemon: no errno.
            refused(c, "upload to \(dev)", errno: nil) { try s.upload(bytes: [UInt8](repeating: 0xAA, count: 4096), to: dev) }
        }
        // Partitioning and making filesystems run parted, mkfs and e2fsck: their own texts.
        refused(c, "part-disk", errno: nil) { try s.partDisk("/dev/sda", "gpt") }
        refused(c, "part-init", errno: nil) { try s.partInit("/dev/sda", "msdos") }
        refused(c, "part-del", errno: nil) { try s.partDel("/dev/sda", 1) }
        refused(c, "mkfs", errno: nil) { try s.mkfs("ext4", "/dev/sda1") }
        c.attempt("e2fsck -p (may check, must not write)") { try s.e2fsck("/dev/sda1", correct: true, forceall: false) }
        // mount asks for read-write: refused, or (as mount(8) does on a write-protected
        // device) mounted read-only; either way nothing below may write.
        c.attempt("mount (rw) /dev/sda1 /") { try s.mount("/dev/sda1", "/") }
        if (try? s.mounts()) == [] { XCTAssertNotNil(c.attempt("mount-ro /dev/sda1 /") { try s.mountRO("/dev/sda1", "/") }) }
        let file = "/" + f.fileName
        refused(c, "touch") { try s.touch("/new") }
        refused(c, "write") { try s.write(file, Array("junk".utf8)) }
        refused(c, "write new") { try s.write("/new", Array("junk".utf8)) }
        refused(c, "write-append") { try s.writeAppend(file, Array("junk".utf8)) }
        refused(c, "upload") { try s.upload(bytes: Array("junk".utf8), to: file) }
        refused(c, "upload large") { try s.upload(bytes: [UInt8](repeating: 7, count: 3 << 20), to: "/big") }
        refused(c, "pwrite") { _ = try s.pwrite(file, [1], 0) }
        refused(c, "truncate") { _ = try s.invoke(.truncate, [.string(file)]) }
        refused(c, "fill") { try s.fill(0x41, 10, "/filled") }
        refused(c, "mkdir") { try s.mkdir("/d") }
        refused(c, "mkdir-p") { try s.mkdirP("/d/e/f") }
        refused(c, "rm") { try s.rm(file) }
        refused(c, "rm-rf", errno: nil) { try s.rmRF("/lost+found") }
        refused(c, "rmdir") { try s.rmdir("/lost+found") }
        refused(c, "rename") { try s.rename(file, "/renamed") }
        refused(c, "mv", errno: nil) { try s.mv(file, "/moved") }
        refused(c, "cp", errno: nil) { try s.cp(file, "/copy") }
        refused(c, "ln-s", errno: nil) { try s.lnS(file, "/link") }
        refused(c, "chmod") { try s.chmod(0o777, file) }
        refused(c, "chown") { try s.chown(1, 1, file) }
        refused(c, "mount-options rw remount", errno: nil) { try s.mountOptions("remount,rw", "/dev/sda1", "/") }
        refused(c, "touch after remount") { try s.touch("/new2") }
        XCTAssertEqual(c.attempt("read still works") { try s.readFile(file) }, f.fileBytes)
        c.attempt("sync") { try s.sync() }
        c.attempt("umount-all") { try s.umountAll() }
        c.attempt("internal-autosync") { try s.internalAutosync() }
        print("read-only calls:\n" + c.log.joined(separator: "\n"))
        s.shutdown()
        XCTAssertEqual(HostileImageTests.hash(image), before, "a read-only disk must stay byte-identical")
    }

    func testCLIWithRoRefusesWritesAndLeavesTheImageByteIdentical() throws {
        let f = try Fixture.get()
        let image = try scratchCopy(f, "ro-cli.img")
        let before = HostileImageTests.hash(image)
        let env = ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir]
        // The chain stops at the first failure: the write must be it, with EROFS's text.
        let r = try Fixture.sh("\(f.productsDir)/appliance run --accel tcg --ro -a \(image) -- mount /dev/sda1 / : "
            + "write /\(f.fileName) junk : ls /", environment: env)
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertEqual(r.out, "", "nothing after the refused write ran")
        XCTAssertTrue(r.err.contains("Read-only file system"), r.err)
        let z = try Fixture.sh("\(f.productsDir)/appliance run --accel tcg --ro -a \(image) -- zero /dev/sda : list-devices",
                               environment: env)
        XCTAssertEqual(z.status, 1, z.out + z.err)
        XCTAssertEqual(z.out, "")
        XCTAssertEqual(HostileImageTests.hash(image), before, "--ro keeps the image byte-identical")
    }

    /// The call must fail with the daemon's error and, where the real daemon replies
    /// with perror, that errno (nil: a tool's message, as mv, cp, ln, rm -rf and mount
    /// give, with the reason in its text).
    private func refused(_ c: Survivor, _ what: String, errno: String? = "EROFS", file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> Void) {
        let before = c.log.count
        if c.attempt(what, errno: errno, file: file, line: line, body) != nil {
            XCTFail("\(what): a write to a read-only disk succeeded", file: file, line: line)
        } else if errno == nil, c.log.count > before, !["Read-only", "write", "not permitted"].contains(where: c.log[before].contains) {
            XCTFail("\(what): refused for another reason: \(c.log[before])", file: file, line: line)
        }
    }
}
