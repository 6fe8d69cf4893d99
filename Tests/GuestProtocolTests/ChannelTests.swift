import Foundation
import Glibc
import XCTest
@testable import GuestProtocol

final class ChannelTests: XCTestCase {
    private func pair() -> (FrameChannel, FrameChannel) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        return (FrameChannel(fd: fds[0], timeout: 2), FrameChannel(fd: fds[1], timeout: 2))
    }

    func testFramesOfEveryKind() throws {
        let (a, b) = pair()
        defer { close(a.fd); close(b.fd) }
        try a.writeWord(Guestfs.launchFlag)
        try a.writeWord(Guestfs.cancelFlag)
        let p = Progress(procedure: 67, serial: 1, position: 10, total: 20)
        try a.writeProgress(p)
        let msg = MessageHeader(procedure: 92, direction: .call, serial: 5).message()
        try a.writeMessage(msg)
        try a.writeChunk(Chunk(data: [1, 2, 3]))
        XCTAssertEqual(try b.readFrame(), .launchFlag)
        XCTAssertEqual(try b.readFrame(), .cancel)
        XCTAssertEqual(try b.readFrame(), .progress(p))
        XCTAssertEqual(try b.readFrame(), .message(msg))
        guard case let .message(c) = try b.readFrame() else { return XCTFail("expected a chunk") }
        XCTAssertEqual(try Chunk.decode(c).data, [1, 2, 3])
    }

    func testOversizeLengthWordIsRefusedBeforeAllocating() throws {
        let (a, b) = pair()
        defer { close(a.fd); close(b.fd) }
        try a.writeWord(Guestfs.messageMax + 1)
        XCTAssertThrowsError(try b.readFrame()) { XCTAssertEqual($0 as? ChannelError, .tooLong(Guestfs.messageMax + 1)) }
    }

    func testTimeoutAndClose() throws {
        let (a, b) = pair()
        b.timeout = 0.1
        XCTAssertThrowsError(try b.readFrame()) { XCTAssertEqual($0 as? ChannelError, .timedOut(seconds: 0.1)) }
        // A frame cut short by the peer closing is an error, not a hang.
        try a.writeWord(100)
        close(a.fd)
        XCTAssertThrowsError(try b.readFrame()) { XCTAssertEqual($0 as? ChannelError, .closed) }
        close(b.fd)
    }
}

final class StalledPeerTests: XCTestCase {
    func testAPeerStallingMidFrameTimesOut() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        let writer = FrameChannel(fd: fds[0])
        let reader = FrameChannel(fd: fds[1], timeout: 0.2)
        // A length word promising 100 bytes, then only 3 of them.
        try writer.writeWord(100)
        XCTAssertEqual(write(fds[0], [1, 2, 3], 3), 3)
        let start = Date()
        XCTAssertThrowsError(try reader.readFrame()) { XCTAssertEqual($0 as? ChannelError, .timedOut(seconds: 0.2)) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }
}
