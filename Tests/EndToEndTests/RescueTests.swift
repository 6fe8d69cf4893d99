import Foundation
import XCTest

/// Debian's virt-rescue on our appliance, driven through a pseudo-terminal as a user
/// would: the "><rescue> " prompt comes, a command's output comes back, and `exit` or
/// `poweroff` ends virt-rescue promptly with status 0. With -i the guest is mounted
/// under /sysroot with /dev bound in (virt-rescue runs `mount --rbind` through debug sh).
final class RescueTests: XCTestCase {
    func testVirtRescueRunsACommandAndExitEndsIt() throws {
        let f = try Fixture.get()
        let disk = f.work + "/rescue.img"
        try Fixture.sh("cp --sparse=always \(try CustomizableGuestDisk.path(f)) \(disk)")
        let session = try PTYSession(command: "exec virt-rescue -a \(disk)", environment: f.toolEnvironment(stock: false))
        defer { session.kill() }
        XCTAssertTrue(session.expect("><rescue> ", seconds: 120), "no prompt:\n\(session.transcript)")
        session.send("echo hi-$((40+2)); ls /usr/bin/busybox /sysroot\n")
        XCTAssertTrue(session.expect("hi-42\r\n/usr/bin/busybox", seconds: 30), session.transcript)
        session.send("exit\n")
        XCTAssertEqual(session.waitForExit(seconds: 30), 0, session.transcript)
    }

    func testVirtRescueWithInspectionSeesTheGuestAndPoweroffEndsIt() throws {
        let f = try Fixture.get()
        let disk = f.work + "/rescue-i.img"
        try Fixture.sh("cp --sparse=always \(try CustomizableGuestDisk.path(f)) \(disk)")
        let session = try PTYSession(command: "exec virt-rescue -i -a \(disk)", environment: f.toolEnvironment(stock: false))
        defer { session.kill() }
        XCTAssertTrue(session.expect("><rescue> ", seconds: 120), "no prompt:\n\(session.transcript)")
        // The mark is split so the echoed command line cannot match it.
        session.send("cat /sysroot/etc/hostname; ls /sysroot/dev/null; echo 'guest''-''seen'; touch /sysroot/etc/rescued\n")
        XCTAssertTrue(session.expect("oldhost\r\n/sysroot/dev/null\r\nguest-seen", seconds: 60), session.transcript)
        session.send("poweroff\n")
        XCTAssertEqual(session.waitForExit(seconds: 30), 0, session.transcript)
        // The file the shell made reached the disk before the power-off.
        let r = try Fixture.sh("dd if=\(disk) of=\(disk).part bs=512 skip=2048 status=none && debugfs -R 'stat /etc/rescued' \(disk).part 2>&1; rm -f \(disk).part")
        XCTAssertTrue(r.out.contains("Type: regular"), r.out)
    }
}

extension Fixture {
    /// The environment runTool gives a libguestfs tool.
    func toolEnvironment(stock: Bool) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LIBGUESTFS_BACKEND"] = "direct"
        env["LIBGUESTFS_BACKEND_SETTINGS"] = "force_tcg"
        env["LIBGUESTFS_TMPDIR"] = work
        env["TERM"] = "xterm"
        if stock {
            env["LIBGUESTFS_PATH"] = nil
            env["LIBGUESTFS_CACHEDIR"] = nil
        } else {
            env["LIBGUESTFS_PATH"] = appliance.directory
            env["LIBGUESTFS_CACHEDIR"] = work
        }
        return env
    }
}

/// A shell command whose stdin, stdout and stderr are a pseudo-terminal this side reads
/// and writes, with deadlines on every wait.
final class PTYSession {
    private let master: Int32
    private let process = Process()
    private(set) var output: [UInt8] = []
    var transcript: String { String(decoding: output, as: UTF8.self) }

    init(command: String, environment: [String: String]) throws {
        // posix_openpt and friends are not in Glibc's Swift module: /dev/ptmx and its
        // ioctls (asm-generic values; the macros do not import either).
        let TIOCGPTN: UInt = 0x8004_5430, TIOCSPTLCK: UInt = 0x4004_5431
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            throw ScriptFailure(what: "/dev/ptmx", stderr: String(cString: strerror(errno)))
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw ScriptFailure(what: "open pty", stderr: String(cString: strerror(errno))) }
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
    }

    deinit { close(master) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until `text` has appeared in the output (anywhere) or the time is up.
    func expect(_ text: String, seconds: Double) -> Bool {
        let wanted = Array(text.utf8)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if contains(wanted) { return true }
            guard readSome(until: deadline) else { return contains(wanted) }
        }
        return contains(wanted)
    }

    /// The exit status, reading (and so draining) the terminal meanwhile; nil if the
    /// command is still running at the deadline.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { _ = readSome(until: min(deadline, Date().addingTimeInterval(0.2))) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    private func contains(_ wanted: [UInt8]) -> Bool {
        output.count >= wanted.count && (0 ... output.count - wanted.count).contains { output[$0 ..< $0 + wanted.count].elementsEqual(wanted) }
    }

    /// One read when the terminal has data before the deadline; false at end of file.
    private func readSome(until deadline: Date) -> Bool {
        var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ms = Int32(max(0, min(1000, deadline.timeIntervalSinceNow * 1000)))
        guard poll(&p, 1, ms) > 0 else { return true }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buf, buf.count)
        guard n > 0 else { return false }
        output += buf[0 ..< n]
        return true
    }
}
