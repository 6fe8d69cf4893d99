import ApplianceClient
import Foundation
import XCTest

/// accel auto on a host whose KVM opens but never runs the guest: a stand-in qemu plays
/// that host (under KVM it prints the firmware's banner and spins in `sleep`; under TCG it
/// is the real qemu), and /dev/null stands in for /dev/kvm.
final class KVMHangTests: XCTestCase {
    private var work = ""

    override func setUpWithError() throws {
        let f = try Fixture.get()
        work = f.work + "/kvm-hang-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: work + "/state", withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: work) }

    /// A qemu that logs each accelerator it is started with; `underKVM` is the shell run
    /// in place of a KVM boot.
    private func standIn(underKVM: String) throws -> String {
        let path = work + "/qemu"
        try """
        #!/bin/sh
        case "$*" in
        *accel=kvm*) echo kvm >> \(work)/starts; \(underKVM) ;;
        *) echo tcg >> \(work)/starts; exec qemu-system-x86_64 "$@" ;;
        esac
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// Under KVM: the firmware's banner, then nothing, forever, at full speed as the real
    /// hang does; the spinning process's pid is left in `spinner`.
    private var hang: String {
        "echo 'SeaBIOS (version stand-in)'; echo 'Booting from ROM..'; echo $$ > \(work)/spinner; exec sh -c 'while :; do :; done'"
    }

    private func options(qemu: String, accel: Accel = .auto) throws -> LaunchOptions {
        var o = try Fixture.get().options(rootMedia: .disk)
        o.qemu = qemu
        o.accel = accel
        o.kvmDevice = "/dev/null"
        o.stateDirectory = work + "/state"
        o.kvmProgressTimeout = 2
        return o
    }

    private var starts: [String] {
        ((try? String(contentsOfFile: work + "/starts", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    private func spinnerIsGone() -> Bool {
        guard let text = try? String(contentsOfFile: work + "/spinner", encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return false
        }
        return kill(pid, 0) != 0
    }

    func testHangingKVMFallsBackToTCGAndTheVerdictIsRemembered() throws {
        let f = try Fixture.get()
        let o = try options(qemu: try standIn(underKVM: hang))
        var notices: [String] = []
        let session = try Session.launch(appliance: f.appliance, options: o) { notices.append($0) }
        XCTAssertFalse(session.usedKVM)
        XCTAssertEqual(try session.listDevices(), ["/dev/sda"])
        session.shutdown()
        XCTAssertEqual(notices, ["KVM is present but the guest showed no sign of life under it within 2.0 s; using TCG"])
        XCTAssertEqual(starts, ["kvm", "tcg"])
        XCTAssertTrue(spinnerIsGone(), "the hanging qemu was stopped")

        // The verdict is kept: the next launch goes straight to TCG.
        notices = []
        let again = try Session.launch(appliance: f.appliance, options: o) { notices.append($0) }
        again.shutdown()
        XCTAssertEqual(starts, ["kvm", "tcg", "tcg"])
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices[0].hasPrefix("KVM cannot run a guest on this host (the guest showed no sign of life"), notices[0])
    }

    func testAccelKVMOnAHangingHostFailsWithinTheBoundNotTheBootTimeout() throws {
        let f = try Fixture.get()
        var o = try options(qemu: try standIn(underKVM: hang), accel: .kvm)
        o.bootTimeout = 120
        let start = Date()
        XCTAssertThrowsError(try Session.launch(appliance: f.appliance, options: o)) { error in
            XCTAssertEqual("\(error)", "--accel kvm: the guest showed no sign of life under KVM within 2.0 s (this host's KVM hangs); use --accel tcg or auto")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "failed at the sign-of-life bound, not the boot timeout")
        XCTAssertEqual(starts, ["kvm"])
        XCTAssertTrue(spinnerIsGone(), "the hanging qemu was stopped")
    }

    /// A guest that does run under "KVM" (here TCG behind the stand-in, so slower than any
    /// real KVM) prints init's sign of life even though the boot is quiet, and is kept.
    func testAGuestThatRunsUnderKVMShowsInitsSignOfLifeAndIsKept() throws {
        let f = try Fixture.get()
        let runs = """
            for a in "$@"; do case "$a" in pc,accel=kvm) a=pc,accel=tcg ;; host) a=qemu64 ;; esac; set -- "$@" "$a"; shift; done
            exec qemu-system-x86_64 "$@"
            """
        var o = try options(qemu: try standIn(underKVM: runs))
        o.kvmProgressTimeout = 60
        var notices: [String] = []
        let session = try Session.launch(appliance: f.appliance, options: o) { notices.append($0) }
        defer { session.shutdown() }
        XCTAssertTrue(session.usedKVM)
        XCTAssertEqual(notices, [])
        XCTAssertTrue(session.consoleTail(40).contains("init: alive"), session.consoleTail(40))
        XCTAssertEqual(try session.listDevices(), ["/dev/sda"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: work + "/state/kvm-unusable"))
    }

    /// No KVM device at all: TCG at once, with the reason, and qemu never started under KVM.
    func testNoKVMDeviceGoesStraightToTCG() throws {
        let f = try Fixture.get()
        var o = try options(qemu: try standIn(underKVM: hang))
        o.kvmDevice = work + "/no-such-kvm"
        var notices: [String] = []
        let session = try Session.launch(appliance: f.appliance, options: o) { notices.append($0) }
        session.shutdown()
        XCTAssertFalse(session.usedKVM)
        XCTAssertEqual(starts, ["tcg"])
        XCTAssertEqual(notices, ["KVM is not available (\(work)/no-such-kvm: No such file or directory (ENOENT)); using TCG (software emulation, slower)"])
    }
}
