import Foundation
import XCTest

/// Whatever ends `appliance run` — SIGKILL, SIGTERM, SIGINT, mid-boot or mid-call — its
/// qemu is gone within 3 s, and so is the channel's temporary folder (the watchdog
/// removes it even when the CLI had no chance to).
final class OrphanTests: XCTestCase {
    private var tmp = ""

    override func setUpWithError() throws {
        let f = try Fixture.get()
        tmp = f.work + "/orphans-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: tmp) }

    /// Starts the CLI with `-v` (the console on its stderr, in a file) and a private TMPDIR.
    private func startCLI(_ chain: [String], cold: Bool = false) throws -> Process {
        let f = try Fixture.get()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: f.productsDir + "/appliance")
        p.arguments = ["run", "-v", "--accel", "tcg"] + (cold ? ["--no-snapshot"] : []) + ["-a", f.disk + ":ro", "--"] + chain
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tmp
        env["APPLIANCE_CACHE"] = f.work + "/cache"
        p.environment = env
        _ = FileManager.default.createFile(atPath: tmp + "/stderr", contents: nil)
        p.standardError = FileHandle(forWritingAtPath: tmp + "/stderr")
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Processes whose parent is `pid`, by /proc/PID/stat.
    private func children(of pid: Int32) -> [Int32] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return all.compactMap(Int32.init).filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid
        }
    }

    private func isQemu(_ pid: Int32) -> Bool {
        ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").hasPrefix("qemu-system")
    }

    /// Alive and not a zombie waiting for its new parent to reap it.
    private func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    private func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    /// The sessions' channel folders (a launch keeper's own state folder is not one).
    private func channelFolders() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).filter { $0.hasPrefix("appliance-") && !$0.hasPrefix("appliance-launch-") }
    }

    private func check(signal: Int32, midCall: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let marker = "orphan-test-mid-call"
        // Mid-boot needs a boot to interrupt: a cold one.
        let cli = try startCLI(midCall ? ["debug", "sh", "echo \(marker) > /dev/console; sleep 60"] : ["ping-daemon"], cold: !midCall)
        var qemu: Int32 = 0
        XCTAssertTrue(waitFor(30) {
            qemu = children(of: cli.processIdentifier).first(where: isQemu) ?? 0
            return qemu != 0
        }, "qemu started", file: file, line: line)
        if !midCall {
            Thread.sleep(forTimeInterval: 0.8)  // into the kernel's boot
            XCTAssertTrue(isRunning(qemu), "still booting", file: file, line: line)
        } else {
            XCTAssertTrue(waitFor(60) {
                ((try? String(contentsOfFile: tmp + "/stderr", encoding: .utf8)) ?? "").contains(marker)
            }, "the call is running", file: file, line: line)
        }
        XCTAssertEqual(channelFolders().count, 1, "the channel folder exists while qemu runs", file: file, line: line)
        kill(cli.processIdentifier, signal)
        cli.waitUntilExit()
        XCTAssertTrue(waitFor(3) { !isRunning(qemu) }, "qemu \(qemu) gone within 3 s of signal \(signal)", file: file, line: line)
        XCTAssertTrue(waitFor(3) { channelFolders().isEmpty }, "no temporary folder left: \(channelFolders())", file: file, line: line)
    }

    func testSIGKILLMidBoot() throws { try check(signal: SIGKILL, midCall: false) }
    func testSIGTERMMidBoot() throws { try check(signal: SIGTERM, midCall: false) }
    func testSIGINTMidBoot() throws { try check(signal: SIGINT, midCall: false) }
    func testSIGKILLMidCall() throws { try check(signal: SIGKILL, midCall: true) }
    func testSIGTERMMidCall() throws { try check(signal: SIGTERM, midCall: true) }
    func testSIGINTMidCall() throws { try check(signal: SIGINT, midCall: true) }
    func testSIGHUPMidCall() throws { try check(signal: SIGHUP, midCall: true) }

    /// `appliance launch`'s background keeper owns its qemu: killed outright, it takes qemu along.
    func testSIGKILLOfTheLaunchKeeper() throws {
        let f = try Fixture.get()
        let launched = try Fixture.sh("\(f.productsDir)/appliance launch --accel tcg -a \(f.disk):ro",
                                      environment: ["APPLIANCE_CACHE": f.work + "/cache", "TMPDIR": tmp])
        XCTAssertEqual(launched.status, 0, launched.err)
        let pidLine = launched.out.split(separator: "\n").first { $0.hasPrefix("pid: ") }
        let keeper = try XCTUnwrap(pidLine.flatMap { Int32($0.dropFirst(5)) }, launched.out)
        let qemu = try XCTUnwrap(children(of: keeper).first(where: isQemu), "the keeper's qemu")
        kill(keeper, SIGKILL)
        XCTAssertTrue(waitFor(3) { !isRunning(qemu) }, "qemu \(qemu) gone within 3 s")
        XCTAssertTrue(waitFor(3) { channelFolders().isEmpty }, "no channel folder left: \(channelFolders())")
    }
}
