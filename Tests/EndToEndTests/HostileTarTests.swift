import ApplianceClient
import Foundation
import GuestProtocol
import XCTest

/// tar-in of archives made to escape: members named "../…" and "/…", symlinks to "/",
/// "/tmp" and "../../.." followed by members written through them, and a hard link to
/// an absolute path. guestd runs tar outside the chroot, as the real daemon does, so
/// nothing may land in the appliance's own filesystems (its /tmp and /dev are writable).
final class HostileTarTests: XCTestCase {
    /// GNU tar with --absolute-names keeps whatever member names --transform gives.
    static func makeArchive(_ dir: String) throws -> String {
        let src = dir + "/src", tarball = dir + "/evil.tar"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        for name in ["e1", "e2", "e3", "e4", "e5", "e6"] {
            try Data("escape \(name)\n".utf8).write(to: URL(fileURLWithPath: src + "/" + name))
        }
        for (link, target) in [("rootlink", "/"), ("tmplink", "/tmp"), ("uplink", "../../.."), ("devlink", "/dev")] {
            try FileManager.default.createSymbolicLink(atPath: src + "/" + link, withDestinationPath: target)
        }
        // Order matters: each link is extracted before the member written through it.
        let transforms = [
            "s,^e1$,../../escape-e1,", "s,^e2$,/tmp/escape-e2,", "s,^e3$,rootlink/tmp/escape-e3,",
            "s,^e4$,tmplink/escape-e4,", "s,^e5$,uplink/escape-e5,", "s,^e6$,devlink/escape-e6,",
        ].map { "--transform '\($0)'" }.joined(separator: " ")
        let r = try Fixture.sh("cd \(src) && tar -cPf \(tarball) \(transforms) rootlink tmplink uplink devlink e1 e2 e3 e4 e5 e6"
            + " && ln e1 e1-link && tar -rPf \(tarball) --transform 's,^e1$,/etc/escape-target,' e1 e1-link"
            + " && tar -tvPf \(tarball)")
        XCTAssertEqual(r.status, 0, r.err)
        print("hostile archive:\n" + r.out)
        return tarball
    }

    func testTarInOfAHostileArchiveWritesOnlyInsideTheGuest() throws {
        let f = try Fixture.get()
        let dir = f.work + "/hostile-tar"
        let tarball = try Self.makeArchive(dir)
        let img = dir + "/guest.img"
        XCTAssertEqual(try Fixture.sh("mkfs.ext4 -q -F \(img) 32M").status, 0)
        var o = f.options(rootMedia: .disk)
        o.drives = [Drive(path: img)]
        let s = try Session.launch(appliance: f.appliance, options: o)
        defer { s.shutdown() }
        let c = Survivor(session: s)
        try s.mount("/dev/sda", "/")
        try s.mkdir("/in")

        c.attempt("tar-in evil.tar /in") { try s.tarIn(from: tarball, to: "/in") }

        // The appliance's own writable places and its root hold no escaped file.
        var reply = try s.call(.debug) {
            $0.string("sh")
            $0.stringList(["for f in /escape* /tmp/escape* /tmp/*/escape* /dev/escape* /run/escape*; do [ -e \"$f\" ] && echo \"$f\"; done; true"])
        }
        XCTAssertEqual(try reply.string(), "", "files outside the guest")
        // Inside the guest, whatever tar chose to write is below the mount.
        let inside = try s.find("/").filter { $0.contains("escape") }
        print("escape members that landed in the guest: \(inside)\n" + c.log.joined(separator: "\n"))
        XCTAssertTrue(inside.allSatisfy { $0.hasPrefix("in/") }, "\(inside)")
        // A hard link to "/etc/…" is made to the member extracted below /in.
        XCTAssertEqual(try s.readFile("/in/e1-link"), try s.readFile("/in/etc/escape-target"))
        XCTAssertTrue(try s.ls("/in").contains("rootlink"), "the archive was extracted")
        s.shutdown()
        // And the guest image is a sound filesystem afterwards.
        let fsck = try Fixture.sh("e2fsck -fn \(img)")
        XCTAssertEqual(fsck.status, 0, fsck.out + fsck.err)
    }
}
