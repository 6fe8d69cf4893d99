import Foundation
import SystemCalls
import XCTest

private nonisolated(unsafe) var interruptions = 0

final class SystemCallsTests: XCTestCase {
    func testErrnoIsToldWithItsTextAndName() {
        XCTAssertEqual("\(Errno(ENOENT))", "No such file or directory (ENOENT)")
        XCTAssertEqual(Errno(EACCES).text, "Permission denied")
        XCTAssertEqual(ErrnoName.number("EROFS"), EROFS)
        XCTAssertEqual("\(SystemCallError("open", "/x", errno: ENOENT))", "open: /x: No such file or directory (ENOENT)")
    }

    /// A read interrupted by a signal whose handler does not ask for SA_RESTART fails
    /// with EINTR; the retry must read on and get the bytes written afterwards.
    func testAnInterruptedReadIsRetried() throws {
        var fds: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&fds), 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptions += 1 }
        action.sa_flags = 0
        var old = sigaction()
        XCTAssertEqual(sigaction(SIGUSR1, &action, &old), 0)
        defer { sigaction(SIGUSR1, &old, nil) }
        interruptions = 0

        let reader = pthread_self()
        let writer = Thread {
            usleep(100_000)
            pthread_kill(reader, SIGUSR1)
            usleep(100_000)
            try? FileDescriptorIO.writeAll(writeEnd, Array("after the signal".utf8))
            close(writeEnd)
        }
        writer.start()
        let data = try FileDescriptorIO.readAll(readEnd)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "after the signal")
        XCTAssertEqual(interruptions, 1)
    }

    func testWholeWritesAndPositionedReads() throws {
        let path = NSTemporaryDirectory() + "/systemcalls-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd); unlink(path) }
        let bytes = (0 ..< 200_000).map { UInt8(truncatingIfNeeded: $0) }
        try FileDescriptorIO.writeAll(fd, bytes)
        XCTAssertEqual(try FileDescriptorIO.pread(fd, count: 10, at: 1000), Array(bytes[1000 ..< 1010]))
        XCTAssertEqual(try FileDescriptorIO.pread(fd, count: 100, at: 199_990).count, 10, "short only at end of file")
        XCTAssertThrowsError(try FileDescriptorIO.writeAll(-1, [1])) { XCTAssertEqual($0 as? Errno, Errno(EBADF)) }
    }
}
