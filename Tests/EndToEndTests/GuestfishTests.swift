import Foundation
import XCTest

/// Debian's real guestfish, with libguestfs's direct backend booting our appliance as a
/// fixed appliance, must print what our own CLI prints.
final class GuestfishTests: XCTestCase {
    func testRealGuestfishDrivesOurAppliance() throws {
        let f = try Fixture.get()
        let script = "run : list-devices : mount-ro /dev/sda1 / : cat /\(f.fileName)"
        let env = [
            "LIBGUESTFS_BACKEND": "direct",
            "LIBGUESTFS_PATH": f.appliance.directory,
            // KVM may exist and still be unable to run a guest; TCG always works.
            "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg",
            "LIBGUESTFS_CACHEDIR": f.work,
            "LIBGUESTFS_TMPDIR": f.work,
        ]
        let r = try Fixture.sh("guestfish --ro -a \(f.disk) \(script)", environment: env)
        XCTAssertEqual(r.status, 0, r.err)
        let expected = "/dev/sda\n" + String(decoding: f.fileBytes, as: UTF8.self) + "\n"
        XCTAssertEqual(r.out, expected)

        let ours = try Fixture.sh(
            "\(f.productsDir)/appliance run --accel tcg -a \(f.disk):ro -- list-devices : mount-ro /dev/sda1 / : cat /\(f.fileName)",
            environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        XCTAssertEqual(ours.status, 0, ours.err)
        XCTAssertEqual(ours.out, r.out, "our CLI prints what guestfish prints")

        // libguestfs's launcher adds the appliance's root after the user's disk, as
        // /dev/sdb: a name past the last disk must not reach it.
        let root = try Fixture.sh("guestfish --ro -a \(f.disk) run : blockdev-getsize64 /dev/sdb", environment: env)
        XCTAssertEqual(root.status, 1, root.out)
        XCTAssertTrue(root.err.contains("/dev/sdb: expecting a device name"), root.err)
    }

    func testCLIReportsDaemonErrorsAndExitsNonZero() throws {
        let f = try Fixture.get()
        let r = try Fixture.sh(
            "\(f.productsDir)/appliance run --accel tcg -a \(f.disk):ro -- mount-ro /dev/sda1 / : cat /missing : list-devices",
            environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.out, "", "the chain stops at the first failure")
        XCTAssertTrue(r.err.contains("appliance: error: download: /missing: No such file or directory"), r.err)
    }

    func testCLIRejectsBadInputBeforeBooting() throws {
        let f = try Fixture.get()
        let env = ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir]
        let unknown = try Fixture.sh("\(f.productsDir)/appliance run -- frobnicate /", environment: env)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("unknown command 'frobnicate'"), unknown.err)
        let missing = try Fixture.sh("\(f.productsDir)/appliance run -a /nonexistent.img -- list-devices", environment: env)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("/nonexistent.img"), missing.err)
        // A long chain reaches the parser whole: the bad command is the 3,001st.
        let long = String(repeating: "ping-daemon : ", count: 3_000) + "frobnicate2 /"
        let tail = try Fixture.sh("\(f.productsDir)/appliance run -- \(long)", environment: env)
        XCTAssertEqual(tail.status, 1)
        XCTAssertTrue(tail.err.contains("unknown command 'frobnicate2'"), tail.err)
        // Options still parse before `--`, and other subcommands still reject extra words.
        let help = try Fixture.sh("\(f.productsDir)/appliance build --bogus -- x", environment: env)
        XCTAssertNotEqual(help.status, 0)
        XCTAssertTrue(help.err.contains("--bogus"), help.err)
    }
}
