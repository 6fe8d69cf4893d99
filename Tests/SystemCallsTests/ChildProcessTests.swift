import Foundation
import SystemCalls
import XCTest

final class ChildProcessTests: XCTestCase {
    /// Runs `child` with stdout and stderr on pipes; what each said and the status.
    private func run(_ child: ChildProcess) throws -> (out: String, err: String, status: Int32?) {
        let o = try ChildProcess.pipe(), e = try ChildProcess.pipe()
        var c = child
        c.redirections += [.open("/dev/null", flags: O_RDONLY, onto: 0), .fd(o.write, onto: 1), .fd(e.write, onto: 2)]
        let pid = try c.spawn()
        close(o.write); close(e.write)
        defer { close(o.read); close(e.read) }
        let out = try FileDescriptorIO.readAll(o.read), err = try FileDescriptorIO.readAll(e.read)
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), ChildProcess.wait(pid))
    }

    func testStandardStreamsAndExitStatus() throws {
        let r = try run(ChildProcess(["sh", "-c", "echo out; echo err >&2; exit 3"]))
        XCTAssertEqual(r.out, "out\n")
        XCTAssertEqual(r.err, "err\n")
        XCTAssertEqual(r.status, 3)
    }

    func testAProgramThatCannotRunSaysWhyAndExitsWithTheFailureStatus() throws {
        var child = ChildProcess(["/no/such/program"])
        child.failureStatus = 1
        let r = try run(child)
        XCTAssertEqual(r.err, "/no/such/program: No such file or directory\n")
        XCTAssertEqual(r.status, 1)
    }

    func testASignalDeathIs128PlusTheSignal() throws {
        XCTAssertEqual(try run(ChildProcess(["sh", "-c", "kill -TERM $$"])).status, 128 + SIGTERM)
    }

    /// The parent ignores SIGPIPE (as guestd and the CLI do); the program gets the default.
    func testSignalDispositionsAreTheDefaults() throws {
        let old = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, old) }
        let r = try run(ChildProcess(["sh", "-c", "grep SigIgn /proc/self/status | cut -f2"]))
        let ignored = UInt64(r.out.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)
        XCTAssertNotNil(ignored, r.out)
        XCTAssertEqual((ignored ?? 1) & (1 << (SIGPIPE - 1)), 0, "SIGPIPE ignored in the program: \(r.out)")
    }

    func testAGivenEnvironmentIsAllTheProgramGets() throws {
        let r = try run(ChildProcess(["/usr/bin/env"], environment: ["ONLY=this"]))
        XCTAssertEqual(r.out, "ONLY=this\n")
    }

    func testANewSessionAndAWorkingDirectory() throws {
        var child = ChildProcess(["sh", "-c", "pwd; cut -d' ' -f6 /proc/self/stat; echo $$"])
        child.newSession = true
        child.directory = "/proc"
        let lines = try run(child).out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "/proc")
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(lines[1], lines[2], "the shell leads its own session")
    }
}
