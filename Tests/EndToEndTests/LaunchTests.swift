import Foundation
import GuestProtocol
import XCTest

/// `appliance launch` keeps an appliance in the background behind a protocol socket that
/// clients reach one after another; `appliance stop` powers it off and cleans up.
final class LaunchTests: XCTestCase {
    func testLaunchServesClientsUntilStopped() throws {
        let f = try Fixture.get()
        let env = ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir]
        let launched = try Fixture.sh("\(f.productsDir)/appliance launch --accel tcg -a \(f.disk):ro", environment: env)
        XCTAssertEqual(launched.status, 0, launched.err)
        var fields: [String: String] = [:]
        for line in launched.out.split(separator: "\n") {
            let kv = line.split(separator: " ", maxSplits: 1).map(String.init)
            if kv.count == 2 { fields[kv[0]] = kv[1] }
        }
        let socket = try XCTUnwrap(fields["socket:"], launched.out), pid = try XCTUnwrap(fields["pid:"], launched.out)
        var stopped = false
        defer { if !stopped { _ = try? Fixture.sh("\(f.productsDir)/appliance stop \(pid)") } }

        // Two clients in turn, each greeted with the launch flag as by a fresh daemon.
        for serial in UInt32(1)...2 {
            let fd = try connect(socket)
            defer { close(fd) }
            let channel = FrameChannel(fd: fd, timeout: 30)
            guard case .launchFlag = try channel.readFrame() else { return XCTFail("no launch flag") }
            let call = MessageHeader(procedure: Procedure.listDevices.number, direction: .call, serial: serial, optargsBitmask: 0)
            try channel.writeMessage(call.message(body: []))
            guard case let .message(bytes) = try channel.readFrame() else { return XCTFail("no reply") }
            var d = XDRDecoder(bytes)
            let h = try MessageHeader.decode(from: &d)
            XCTAssertEqual(h.serial, serial)
            XCTAssertEqual(h.status, .ok)
            XCTAssertEqual(try d.stringList(), ["/dev/sda"])
        }

        // The CLI as a client: mounts stay between runs, the appliance keeps running.
        let first = try Fixture.sh("\(f.productsDir)/appliance run --connect \(socket) -- mount-ro /dev/sda1 / : cat /\(f.fileName)")
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertEqual(first.out, String(decoding: f.fileBytes, as: UTF8.self) + "\n", "cat prints as guestfish does")
        let second = try Fixture.sh("\(f.productsDir)/appliance run --connect \(socket) -- ls /")
        XCTAssertEqual(second.status, 0, second.err)
        XCTAssertEqual(second.out, "\(f.fileName)\nlost+found\n")

        let stop = try Fixture.sh("\(f.productsDir)/appliance stop \(socket)")
        stopped = true
        XCTAssertEqual(stop.status, 0, stop.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: (socket as NSString).deletingLastPathComponent), "the state folder is removed")
        XCTAssertNotEqual(try Fixture.sh("\(f.productsDir)/appliance stop \(pid)").status, 0, "a stopped appliance is gone")
    }

    private func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
        guard fd >= 0, ok else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return fd
    }
}
