import ApplianceClient
import Foundation
import GuestProtocol
import HostBuilder
import XCTest

/// Warm start: the first launch boots and saves the VM, later ones restore it and
/// hot-plug the disks. Each test has its own cache folder, so its first launch is cold.
final class WarmStartTests: XCTestCase {
    private var cache = ""
    private var appliance: Appliance!

    override func setUpWithError() throws {
        let f = try Fixture.get()
        cache = f.work + "/warm-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        // The fixture's appliance, linked into a cache of this test's own: warm states live beside it.
        appliance = Appliance(directory: cache + "/" + (f.appliance.directory as NSString).lastPathComponent)
        try FileManager.default.createSymbolicLink(atPath: appliance.directory, withDestinationPath: f.appliance.directory)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: cache) }

    private func options(_ drives: [Drive] = []) -> LaunchOptions {
        var o = LaunchOptions()
        o.accel = .tcg
        o.drives = drives
        return o
    }

    private var states: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).filter { $0.hasPrefix("warm-") && $0.hasSuffix(".state") }
    }

    /// Disks told apart by their partition counts: 1, 3 and 2.
    private func partitionedDisks() throws -> [String] {
        try [1, 3, 2].enumerated().map { i, n in
            let path = cache + "/disk\(i).img"
            let table = Array(repeating: "size=1MiB, type=83", count: n).joined(separator: "\\n")
            try Fixture.sh("truncate -s 8M \(path) && printf '\(table)\\n' | sfdisk -q \(path)")
            return path
        }
    }

    func testRestoredAppliancesNameZeroOneAndThreeDisksAsAColdBoot() throws {
        let first = try Session.launch(appliance: appliance, options: options())
        XCTAssertTrue(first.savedState)
        XCTAssertFalse(first.warmStarted)
        XCTAssertEqual(try first.listDevices(), [])
        first.shutdown()
        XCTAssertEqual(states.count, 1)

        let disks = try partitionedDisks()
        let expected = ["/dev/sda1", "/dev/sdb1", "/dev/sdb2", "/dev/sdb3", "/dev/sdc1", "/dev/sdc2"]
        for count in [0, 1, 3] {
            let drives = disks.prefix(count).map { Drive(path: $0, readOnly: true) }
            let warm = try Session.launch(appliance: appliance, options: options(Array(drives)))
            defer { warm.shutdown() }
            XCTAssertTrue(warm.warmStarted, "\(count) disks")
            XCTAssertEqual(try warm.listDevices(), ["/dev/sda", "/dev/sdb", "/dev/sdc"].prefix(count).map { $0 })
            let partitions = try warm.listPartitions()
            XCTAssertEqual(partitions, expected.filter { p in drives.indices.contains { p.hasPrefix("/dev/sd" + String(UnicodeScalar(UInt8(97 + $0)))) } })
        }

        // The same three disks booted cold give the same names.
        var coldOptions = options(disks.map { Drive(path: $0, readOnly: true) })
        coldOptions.warmStart = false
        let cold = try Session.launch(appliance: appliance, options: coldOptions)
        defer { cold.shutdown() }
        XCTAssertFalse(cold.warmStarted)
        XCTAssertEqual(try cold.listPartitions(), expected)
    }

    func testAReadOnlyDiskStaysUnchangedAfterARestore() throws {
        try Session.launch(appliance: appliance, options: options()).shutdown()
        let f = try Fixture.get()
        let disk = cache + "/ro.img"
        try FileManager.default.copyItem(atPath: f.disk, toPath: disk)
        let before = try Fixture.sh("sha256sum < \(disk)").out
        let warm = try Session.launch(appliance: appliance, options: options([Drive(path: disk, readOnly: true)]))
        XCTAssertTrue(warm.warmStarted)
        XCTAssertThrowsError(try warm.call(.zero) { $0.string("/dev/sda") })
        _ = try warm.call(.mount) { $0.string("/dev/sda1"); $0.string("/") }
        XCTAssertThrowsError(try warm.call(.touch) { $0.string("/new") })
        warm.shutdown()
        XCTAssertEqual(try Fixture.sh("sha256sum < \(disk)").out, before)
    }

    func testACorruptStateBootsColdWithANoticeAndIsReplaced() throws {
        try Session.launch(appliance: appliance, options: options()).shutdown()
        let state = cache + "/" + (try XCTUnwrap(states.first))
        try Data(repeating: 0x55, count: 4096).write(to: URL(fileURLWithPath: state))
        var notices: [String] = []
        let session = try Session.launch(appliance: appliance, options: options()) { notices.append($0) }
        XCTAssertFalse(session.warmStarted)
        XCTAssertTrue(session.savedState, "a new state replaces the bad one")
        session.shutdown()
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices.first?.hasPrefix("the saved appliance state did not load") == true, "\(notices)")
        let again = try Session.launch(appliance: appliance, options: options())
        XCTAssertTrue(again.warmStarted)
        again.shutdown()
    }

    /// A qemu killed from outside while it restores says nothing about the state: the
    /// launch fails with qemu's end, and the state stays for the next launch.
    func testAQemuKilledDuringARestoreLeavesTheState() throws {
        // Stands in for qemu: the real one, but killed by SIGKILL at a restore while `kill` exists.
        let qemu = cache + "/qemu"
        try """
        #!/bin/sh
        case "$*" in *-incoming*) [ -e \(cache)/kill ] && kill -KILL $$ ;; esac
        exec qemu-system-x86_64 "$@"
        """.write(toFile: qemu, atomically: true, encoding: .utf8)
        chmod(qemu, 0o755)
        var o = options()
        o.qemu = qemu
        try Session.launch(appliance: appliance, options: o).shutdown()
        let state = cache + "/" + (try XCTUnwrap(states.first))
        func inode() -> UInt64 { var st = stat(); _ = stat(state, &st); return UInt64(st.st_ino) }
        let saved = inode()

        XCTAssertTrue(FileManager.default.createFile(atPath: cache + "/kill", contents: Data()))
        var notices: [String] = []
        XCTAssertThrowsError(try Session.launch(appliance: appliance, options: o) { notices.append($0) }) { error in
            guard case ClientError.qemuExited = error else { return XCTFail("expected qemu's end, got \(error)") }
        }
        XCTAssertEqual(notices, [], "no cold boot in its place")
        XCTAssertEqual(states.count, 1)
        XCTAssertEqual(inode(), saved, "the state is the one saved")

        try FileManager.default.removeItem(atPath: cache + "/kill")
        let warm = try Session.launch(appliance: appliance, options: o)
        XCTAssertTrue(warm.warmStarted)
        warm.shutdown()
    }

    func testTwoFirstLaunchesAtOnceLeaveOneValidState() throws {
        let first = LockedData(), second = LockedData()
        let appliance = self.appliance!, options = self.options()
        let threads = [first, second].map { result in
            Thread {
                let session = try? Session.launch(appliance: appliance, options: options)
                session?.shutdown()
                result.set(Data([session == nil ? 0 : 1]))
            }
        }
        threads.forEach { $0.start() }
        while !first.isSet || !second.isSet { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual([first.get(), second.get()], [Data([1]), Data([1])], "both launches serve")
        XCTAssertEqual(states.count, 1)
        XCTAssertFalse(((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).contains { $0.hasSuffix(".tmp") })
        let warm = try Session.launch(appliance: appliance, options: options)
        XCTAssertTrue(warm.warmStarted)
        warm.shutdown()
    }

    /// Two restores of one state are two fresh appliances: their first random UUIDs
    /// differ, and the guest's clock is the host's, not the one stopped at the save.
    func testRestoredAppliancesHaveTheirOwnRandomnessAndTheHostsClock() throws {
        try Session.launch(appliance: appliance, options: options()).shutdown()
        Thread.sleep(forTimeInterval: 3)  // a clock left at the save would now be 3 s behind
        let disk = cache + "/scratch.img"
        try Fixture.sh("truncate -s 16M \(disk) && mkfs.ext4 -q -F \(disk)")
        var uuids: [String] = []
        for _ in 0 ..< 2 {
            let warm = try Session.launch(appliance: appliance, options: options([Drive(path: disk)]))
            defer { warm.shutdown() }
            XCTAssertTrue(warm.warmStarted)
            uuids.append(try warm.debug("sh", ["read u < /proc/sys/kernel/random/uuid; echo $u"]))
            try warm.mount("/dev/sda", "/")
            try warm.touch("/now")
            let mtime = try XCTUnwrap(warm.statns("/now")["st_mtime_sec"]).int
            XCTAssertEqual(Double(mtime), Date().timeIntervalSince1970, accuracy: 2, "the guest's clock is the host's")
        }
        XCTAssertNotEqual(uuids[0], uuids[1])
    }
}
