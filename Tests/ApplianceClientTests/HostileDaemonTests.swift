import Foundation
import GuestProtocol
import XCTest
@testable import ApplianceClient

/// The host trusts nothing from the appliance: a daemon played by the test answers with
/// mutated, truncated, oversized and stalled replies, and every call ends in a result or
/// a clean error, quickly, without a crash.
final class HostileDaemonTests: XCTestCase {
    /// xorshift64*: a fixed seed makes every failure reproducible.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    private func session(playing daemon: @escaping @Sendable (FrameChannel) -> Void) throws -> Session {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        let daemonFD = fds[1]
        Thread {
            daemon(FrameChannel(fd: daemonFD))
            close(daemonFD)
        }.start()
        let standIn = Process()
        standIn.executableURL = URL(fileURLWithPath: "/bin/sleep")
        standIn.arguments = ["60"]
        return try Session(connectedTo: fds[0], standIn: standIn, timeout: 0.2)
    }

    /// A well-formed reply to the call just read, as the real daemon would send it.
    static func reply(to call: [UInt8], body: [UInt8]) -> [UInt8] {
        var d = XDRDecoder(call)
        let h = try! MessageHeader.decode(from: &d)
        return MessageHeader(procedure: h.procedure, direction: .reply, serial: h.serial).message(body: body)
    }

    func testWellFormedRepliesWork() throws {
        let s = try session { ch in
            guard case let .message(call) = try? ch.readFrame() else { return }
            var e = XDREncoder()
            e.stringList(["/dev/sda", "/dev/sdb"])
            try? ch.writeMessage(Self.reply(to: call, body: e.bytes))
        }
        defer { s.shutdown(timeout: 0) }
        XCTAssertEqual(try s.listDevices(), ["/dev/sda", "/dev/sdb"])
    }

    func testMutatedRepliesEndInCleanErrors() throws {
        var rng = Rng(state: 0x5EED_1234_ABCD_0001)
        var outcomes: [String: Int] = [:]
        for round in 0 ..< 150 {
            let seed = rng.next()
            let start = Date()
            let s = try session { ch in
                var r = Rng(state: seed | 1)
                guard case let .message(call) = try? ch.readFrame() else { return }
                var e = XDREncoder()
                e.stringList((0 ..< r.below(4)).map { "/dev/sd\($0)" })
                var bytes = Self.reply(to: call, body: e.bytes)
                switch r.below(6) {
                case 0: for _ in 0 ..< 1 + r.below(4) { bytes[r.below(bytes.count)] ^= UInt8(1 << r.below(8)) }
                case 1: bytes = Array(bytes.prefix(r.below(bytes.count)))
                case 2: bytes += (0 ..< r.below(64)).map { _ in UInt8(truncatingIfNeeded: r.next()) }
                case 3: // a count or length word claiming far more than was sent
                    let at = 40 + 4 * r.below(max(1, (bytes.count - 40) / 4))
                    if at + 4 <= bytes.count { bytes.replaceSubrange(at ..< at + 4, with: [0x7F, 0xFF, 0xFF, 0xF0]) }
                case 4: // a length word promising more than arrives, then silence
                    try? ch.writeWord(UInt32(bytes.count + 100))
                    _ = bytes.withUnsafeBytes { write(ch.fd, $0.baseAddress, bytes.count) }
                    Thread.sleep(forTimeInterval: 1)
                    return
                default: // an oversize length word, or a flag word where a reply belongs
                    try? ch.writeWord([Guestfs.messageMax + 1, Guestfs.launchFlag, Guestfs.cancelFlag, 0xFFFF_FFFF][r.below(4)])
                    return
                }
                try? ch.writeMessage(bytes)
            }
            do {
                let devices = try s.listDevices()
                outcomes["ok", default: 0] += 1
                XCTAssertLessThanOrEqual(devices.count, 4, "round \(round)")
            } catch let e as ClientError {
                outcomes[String("\(e)".prefix(while: { $0 != ":" })), default: 0] += 1
            } catch {
                XCTFail("round \(round): an error the client does not own: \(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 3, "round \(round) took too long")
            s.shutdown(timeout: 0)
        }
        print("outcomes: \(outcomes.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(outcomes.count, 2, "the mutations reach several error paths")
    }

    func testHostileChunkStreamsEndInCleanErrors() throws {
        let cases: [(String, @Sendable (FrameChannel) -> Void)] = [
            ("oversize chunk", { ch in
                var e = XDREncoder()
                e.i32(0)
                e.opaque([UInt8](repeating: 7, count: Guestfs.maxChunkSize + 1))
                try? ch.writeMessage(e.bytes)
            }),
            ("cancel from the daemon", { ch in try? ch.writeChunk(Chunk(cancel: true, data: [])) }),
            ("garbage chunk", { ch in try? ch.writeMessage([1, 2, 3]) }),
            ("stream that stops", { ch in
                try? ch.writeChunk(Chunk(data: [1, 2, 3]))
                Thread.sleep(forTimeInterval: 1)
            }),
        ]
        for (name, tail) in cases {
            let s = try session { ch in
                guard case let .message(call) = try? ch.readFrame() else { return }
                try? ch.writeMessage(Self.reply(to: call, body: []))
                tail(ch)
            }
            let start = Date()
            XCTAssertThrowsError(try s.download("/x") { _ in }, name) { error in
                XCTAssertTrue(error is ClientError, "\(name): \(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 3, name)
            s.shutdown(timeout: 0)
        }
    }
}
