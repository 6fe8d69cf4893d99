import ApplianceClient
import Foundation
import GuestProtocol
import XCTest

/// Guest paths a hostile disk or caller chooses — "..", absolute and relative symlinks
/// aimed out of the mount, names of the appliance's own files, NUL bytes — resolve
/// inside the guest filesystem as under the real daemon's chroot; and download writes
/// only the host file the user named.
final class UntrustedPathTests: XCTestCase {
    static let guestPasswd = Array("guest:x:1:1:the guest's passwd:/:/bin/false\n".utf8)
    static let guestHostname = Array("guest-host\n".utf8)
    /// The appliance root's own /etc/passwd starts so (rootfs-skel).
    static let applianceMark = "root:x:0:0"

    /// An ext4 disk whose links all try to leave it.
    static func makeDisk(_ f: Fixture) throws -> String {
        let dir = f.work + "/untrusted", t = dir + "/tree", img = dir + "/untrusted.img"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: t + "/etc", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: t + "/data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: t + "/tmp", withIntermediateDirectories: true)
        try Data(guestPasswd).write(to: URL(fileURLWithPath: t + "/etc/passwd"))
        try Data(guestHostname).write(to: URL(fileURLWithPath: t + "/etc/hostname"))
        let links = [
            "abs": "/etc/passwd", "rel": "../../../../../etc/passwd", "data/rel2": "../../../../../../etc/hostname",
            "dotdots": "../../..", "rootlink": "/", "proc-link": "/proc/self/environ", "sysroot-link": "/sysroot/etc/passwd",
            "init-link": "/init", "write-escape": "../../../../tmp/escaped", "dir-escape": "../../../..",
        ]
        for (name, target) in links { try FileManager.default.createSymbolicLink(atPath: t + "/" + name, withDestinationPath: target) }
        let r = try Fixture.sh("mkfs.ext4 -q -F -d \(t) \(img) 16M")
        XCTAssertEqual(r.status, 0, r.err)
        return img
    }

    func testGuestPathsResolveInsideTheGuestAndDownloadWritesOnlyTheNamedFile() throws {
        let f = try Fixture.get()
        let img = try Self.makeDisk(f)
        var o = f.options(rootMedia: .disk)
        o.drives = [Drive(path: img)]
        let s = try Session.launch(appliance: f.appliance, options: o)
        defer { s.shutdown() }
        let c = Survivor(session: s)
        try s.mount("/dev/sda", "/")

        // Reads: every route out of the mount lands on the guest's own files.
        for p in ["/abs", "/rel", "/../../../etc/passwd", "/data/../../../../etc/passwd", "/dotdots/etc/passwd",
                  "/rootlink/../../etc/passwd", "/dotdots/dotdots/abs", "/./etc/./passwd"] {
            XCTAssertEqual(c.attempt("cat \(p)") { try s.readFile(p) }, Self.guestPasswd, p)
        }
        XCTAssertEqual(c.attempt("cat /data/rel2") { try s.readFile("/data/rel2") }, Self.guestHostname)
        XCTAssertEqual(c.attempt("checksum /rel") { try s.checksum("sha256", "/rel") },
                       try Fixture.sh("sha256sum < \(f.work)/untrusted/tree/etc/passwd | cut -d' ' -f1").out
                           .trimmingCharacters(in: .whitespacesAndNewlines))
        let root = try s.ls("/")
        XCTAssertEqual(c.attempt("ls /dotdots/") { try s.ls("/dotdots/") }, root)
        XCTAssertEqual(c.attempt("ls /../..") { try s.ls("/../..") }, root)
        XCTAssertEqual(c.attempt("realpath /rel") { try s.realpath("/rel") }, "/etc/passwd")
        XCTAssertEqual(c.attempt("realpath /dotdots") { try s.realpath("/dotdots") }, "/")
        XCTAssertEqual(c.attempt("find /../") { try s.find("/../") }, try s.find("/"))

        // Names of the appliance's own files do not exist in the guest.
        for p in ["/proc-link", "/sysroot-link", "/init-link", "/dotdots/init", "/../proc/self/environ"] {
            c.attempt("cat \(p)", errno: "ENOENT") { try s.readFile(p) }
            XCTAssertEqual(c.attempt("is-file \(p) following") { try s.isFile(p, followsymlinks: true) }, false)
        }
        XCTAssertEqual(c.attempt("readlink /init-link") { try s.readlink("/init-link") }, "/init", "readlink is not resolved")

        // NUL bytes inside a string: the real daemon's C would cut the path at the NUL;
        // ours refuses the call's arguments whole, and keeps serving.
        let refusal = "daemon failed to decode procedure arguments"
        for p in ["/abs\0/../../../init", "/etc/passwd\0", "/\0../../etc/passwd", "/init-link\0"] {
            XCTAssertThrowsError(try s.readFile(p)) { XCTAssertTrue("\($0)".hasSuffix(refusal), "\($0)") }
            try s.pingDaemon()
        }
        XCTAssertThrowsError(try s.mountRO("/dev/sda\0/../sda", "/")) { XCTAssertTrue("\($0)".hasSuffix(refusal), "\($0)") }

        // Writes through escaping links create files in the guest.
        XCTAssertNotNil(c.attempt("write /write-escape") { try s.write("/write-escape", Array("escaped\n".utf8)) })
        XCTAssertNotNil(c.attempt("touch /dotdots/tmp/touched") { try s.touch("/dotdots/tmp/touched") })
        XCTAssertNotNil(c.attempt("mkdir /dir-escape/tmp/made") { try s.mkdir("/dir-escape/tmp/made") })
        XCTAssertEqual(c.attempt("ls /tmp") { try s.ls("/tmp") }, ["escaped", "made", "touched"])

        // download: the host file named, and nothing else in its folder.
        let host = f.work + "/untrusted/host"
        try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
        try s.download("/rel", toHost: host + "/out") { _ in }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: host + "/out")), Data(Self.guestPasswd))
        // An existing file is written in place (as open(O_TRUNC) does for guestfish):
        // its hard links see the bytes, a symlink stays a symlink and its target is written.
        try Data("old".utf8).write(to: URL(fileURLWithPath: host + "/target"))
        XCTAssertEqual(link(host + "/target", host + "/hardlink"), 0)
        try FileManager.default.createSymbolicLink(atPath: host + "/symlink", withDestinationPath: "target")
        try s.download("/abs", toHost: host + "/symlink") { _ in }
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: host + "/symlink"), "target")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: host + "/hardlink")), Data(Self.guestPasswd))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: host).sorted(), ["hardlink", "out", "symlink", "target"])
        XCTAssertThrowsError(try s.download("/init-link", toHost: host + "/missing") { _ in })
        print("untrusted path calls:\n" + c.log.joined(separator: "\n"))
        s.shutdown()

        let debugfs = try Fixture.sh("debugfs -R 'cat /tmp/escaped' \(img) 2>/dev/null")
        XCTAssertEqual(debugfs.out, "escaped\n", "the write through the escaping link landed in the guest")
    }

    func testCLIDownloadOfEscapingLinksWritesTheNamedHostFile() throws {
        let f = try Fixture.get()
        let img = try Self.makeDisk(f)
        let host = f.work + "/untrusted/cli"
        try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
        let env = ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir]
        let r = try Fixture.sh("cd \(host) && \(f.productsDir)/appliance run --accel tcg -a \(img):ro -- mount-ro /dev/sda / : "
            + "download /rel out : download /dotdots/etc/hostname - : download /init-link never", environment: env)
        XCTAssertEqual(r.status, 1, "the last download names a missing file: " + r.err)
        XCTAssertEqual(r.out, String(decoding: Self.guestHostname, as: UTF8.self))
        XCTAssertTrue(r.err.contains("/init-link: No such file or directory"), r.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: host + "/out")), Data(Self.guestPasswd))
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: host).allSatisfy { ["out", "never"].contains($0) })
    }
}
