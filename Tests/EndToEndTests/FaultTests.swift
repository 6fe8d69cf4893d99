import ApplianceClient
import Foundation
import GuestProtocol
import XCTest

/// qemu dying under the client: every case ends in an error that names qemu's exit
/// within two seconds, and leaves no process or temporary folder behind.
final class FaultTests: XCTestCase {
    private var savedTMPDIR: String?

    /// A private TMPDIR, so that "nothing left behind" is not confused by other
    /// programs' appliances running at the same time.
    override func setUpWithError() throws {
        _ = try Fixture.get() // made under the usual TMPDIR, shared with the other tests
        savedTMPDIR = ProcessInfo.processInfo.environment["TMPDIR"]
        let dir = NSTemporaryDirectory() + "fault-tests-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        setenv("TMPDIR", dir, 1)
    }

    override func tearDown() {
        let dir = NSTemporaryDirectory()
        if let savedTMPDIR { setenv("TMPDIR", savedTMPDIR, 1) } else { unsetenv("TMPDIR") }
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func tempFolders() -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []).filter { $0.hasPrefix("appliance-") })
    }

    private func assertQemuExit(_ error: Error, after start: Date, file: StaticString = #filePath, line: UInt = #line) {
        guard case ClientError.qemuExited = error else { return XCTFail("expected qemu's exit, got \(error)", file: file, line: line) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.0, "reported within 2 s", file: file, line: line)
        XCTAssertTrue("\(error)".contains("qemu exited with status"), "\(error)", file: file, line: line)
    }

    func testQemuKilledBetweenCalls() throws {
        let f = try Fixture.get()
        let before = tempFolders()
        let session = try Session.launch(appliance: f.appliance, options: f.options(rootMedia: .disk))
        let pid = session.qemuProcessID
        try session.pingDaemon()
        kill(pid, SIGKILL)
        let start = Date()
        XCTAssertThrowsError(try session.listDevices()) { assertQemuExit($0, after: start) }
        session.shutdown()
        XCTAssertNotEqual(kill(pid, 0), 0, "qemu is gone")
        XCTAssertEqual(tempFolders(), before, "no temporary folder left")
    }

    func testQemuKilledMidDownload() throws {
        let f = try Fixture.get()
        let session = try Session.launch(appliance: f.appliance, options: f.options(rootMedia: .disk))
        defer { session.shutdown() }
        var received = 0
        var start = Date()
        XCTAssertThrowsError(try session.download("/dev/sda") { chunk in
            received += chunk.count
            if received == chunk.count {
                kill(session.qemuProcessID, SIGKILL)
                start = Date()
            }
        }) { assertQemuExit($0, after: start) }
        XCTAssertGreaterThan(received, 0)
    }

    func testQemuKilledMidBoot() throws {
        let f = try Fixture.get()
        let before = tempFolders()
        // A private copy of the disk gives this qemu a command line no other has.
        let disk = f.work + "/midboot-\(getpid()).img"
        try? FileManager.default.removeItem(atPath: disk)
        try FileManager.default.copyItem(atPath: f.disk, toPath: disk)
        defer { try? FileManager.default.removeItem(atPath: disk) }
        var options = f.options(rootMedia: .disk)
        options.drives = [Drive(path: disk, readOnly: true)]
        // A boot, not a restore: the disk is then on qemu's command line from the start.
        options.warmStart = false
        let killer = Thread {
            Thread.sleep(forTimeInterval: 1.0)
            _ = try? Fixture.sh("pkill -KILL -f -- 'file=\(disk),'")
        }
        killer.start()
        let start = Date()
        XCTAssertThrowsError(try Session.launch(appliance: f.appliance, options: options)) { error in
            guard case ClientError.qemuExited = error else { return XCTFail("expected qemu's exit, got \(error)") }
            XCTAssertLessThan(Date().timeIntervalSince(start), 3.5, "noticed within 2 s of the kill at 1 s")
        }
        XCTAssertEqual(tempFolders(), before, "no temporary folder left")
    }

    func testUnreadableImageIsAClearErrorBeforeBooting() throws {
        let f = try Fixture.get()
        var options = f.options(rootMedia: .disk)
        options.drives = [Drive(path: f.work + "/does-not-exist.img")]
        XCTAssertThrowsError(try Session.launch(appliance: f.appliance, options: options)) { error in
            XCTAssertEqual("\(error)", "open \(f.work)/does-not-exist.img: No such file or directory (ENOENT)")
        }
    }

    /// guestd wedged in a call (a busy loop through `debug sh`): the user's timeout ends
    /// the call, and the session does not then wait for a power-off that cannot come.
    func testWedgedDaemonTimesOutAndQemuIsStopped() throws {
        let f = try Fixture.get()
        let before = tempFolders()
        var options = f.options(rootMedia: .disk)
        options.callTimeout = 3
        let session = try Session.launch(appliance: f.appliance, options: options)
        let pid = session.qemuProcessID
        let start = Date()
        XCTAssertThrowsError(try session.call(.debug) { $0.string("sh"); $0.stringList(["while :; do :; done"]) }) { error in
            guard case ClientError.channel(_, .timedOut) = error else { return XCTFail("expected a timeout, got \(error)") }
            XCTAssertEqual("\(error)", "debug: no answer from the appliance within 3.0 s")
        }
        session.shutdown()
        XCTAssertLessThan(Date().timeIntervalSince(start), 3 + 4, "timed out at 3 s and stopped qemu at once")
        XCTAssertNotEqual(kill(pid, 0), 0, "qemu is gone")
        XCTAssertEqual(tempFolders(), before, "no temporary folder left")
    }

    /// guestd crashing mid-call (`debug segv`, a real fault): PID 1 dies, the kernel
    /// panics and powers off, and the client reports qemu's exit with the panic's reason.
    func testDaemonCrashMidCallReportsThePanic() throws {
        let f = try Fixture.get()
        let before = tempFolders()
        let session = try Session.launch(appliance: f.appliance, options: f.options(rootMedia: .disk))
        let pid = session.qemuProcessID
        XCTAssertThrowsError(try session.call(.debug) { $0.string("segv"); $0.stringList([]) }) { error in
            guard case ClientError.qemuExited = error else { return XCTFail("expected qemu's exit, got \(error)") }
            XCTAssertTrue("\(error)".contains("Attempted to kill init! exitcode=0x0000000b"), "\(error)")
        }
        session.shutdown()
        XCTAssertNotEqual(kill(pid, 0), 0, "qemu is gone")
        XCTAssertEqual(tempFolders(), before, "no temporary folder left")
    }

    /// The disk image cut short and then deleted on the host while the appliance reads
    /// it: qemu reads zeros past the new end (or the guest sees EIO), calls end in a
    /// result or an error, never a hang, and the daemon answers the next call.
    func testDiskTruncatedAndRemovedDuringCalls() throws {
        let f = try Fixture.get()
        let disk = f.work + "/shrinking-\(getpid()).img"
        try? FileManager.default.removeItem(atPath: disk)
        try FileManager.default.copyItem(atPath: f.disk, toPath: disk)
        defer { try? FileManager.default.removeItem(atPath: disk) }
        var options = f.options(rootMedia: .disk)
        options.drives = [Drive(path: disk, readOnly: false)]
        options.callTimeout = 60
        let session = try Session.launch(appliance: f.appliance, options: options)
        defer { session.shutdown() }

        var received = 0
        var outcome = "completed"
        do {
            try session.download("/dev/sda") { chunk in
                if received == 0 { XCTAssertEqual(truncate(disk, 1 << 20), 0) }
                received += chunk.count
            }
        } catch let error as ClientError {
            guard case .daemon = error else { throw error }  // a channel error or timeout would be a hang or a crash
            outcome = "\(error)"
        }
        print("download of a disk cut to 1 MiB mid-transfer: \(outcome), \(received) bytes")
        XCTAssertGreaterThan(received, 0)
        try session.pingDaemon()

        // The partition now lies past the end of the file: mounting reads zeros or fails.
        do { try session.mountRO("/dev/sda1", "/"); print("mount-ro after truncation: mounted") } catch let error as ClientError {
            guard case .daemon = error else { throw error }
            print("mount-ro after truncation: \(error)")
            XCTAssertTrue("\(error)".contains("/dev/sda1") && !"\(error)".contains("/dev/vd"), "the user's device names: \(error)")
        }
        try session.pingDaemon()

        // Deleted: qemu keeps its descriptor, so the disk is still readable.
        XCTAssertEqual(unlink(disk), 0)
        XCTAssertEqual(try session.listDevices(), ["/dev/sda"])
        XCTAssertEqual(try session.blockdevGetsize64("/dev/sda"), 64 << 20, "the guest keeps the size it booted with")
        var bytes = 0
        try session.download("/dev/sda") { bytes += $0.count }
        XCTAssertEqual(bytes, 64 << 20)
        try session.pingDaemon()
    }

    /// guestd is PID 1, so orphans become its children: one that exits while the channel
    /// is idle is collected within a second, not left a zombie until the next call.
    func testOrphansAreReapedWhileTheChannelIsIdle() throws {
        let f = try Fixture.get()
        let session = try Session.launch(appliance: f.appliance, options: f.options(rootMedia: .disk))
        defer { session.shutdown() }
        func sh(_ script: String) throws -> String {
            var reply = try session.call(.debug) { $0.string("sh"); $0.stringList([script]) }
            return try reply.string().trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // A shell whose background child outlives it (a short busy loop) hands that child to PID 1.
        let pid = try sh("/bin/sh -c 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done' >/dev/null 2>&1 & echo $!")
        XCTAssertNotNil(Int(pid), pid)
        Thread.sleep(forTimeInterval: 4)
        XCTAssertEqual(try sh("if read s < /proc/\(pid)/stat; then echo \"$s\"; else echo gone; fi 2>/dev/null"), "gone")
    }
}
