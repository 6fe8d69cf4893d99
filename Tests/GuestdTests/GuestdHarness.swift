import Foundation
import GuestProtocol
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built guestd binary in host test mode against a unix socket this process
/// listens on, and speaks protocol 4 to it as the library would.
final class GuestdHarness {
    let process: Process
    let channel: FrameChannel
    private let listenFD: Int32
    private let socketPath: String
    private var serial: UInt32 = 0x1000

    struct Reply {
        var header: MessageHeader
        var body: [UInt8]

        var error: MessageError? {
            guard header.status == .error else { return nil }
            var d = XDRDecoder(body)
            return try? MessageError.decode(from: &d)
        }
    }

    enum HarnessError: Error, CustomStringConvertible {
        case noBinary([String])
        case sys(String, Int32)
        case unexpected(String)

        var description: String {
            switch self {
            case let .noBinary(tried): "guestd binary not found (build it first: swift build --product guestd); tried \(tried)"
            case let .sys(call, e): "\(call): \(String(cString: strerror(e)))"
            case let .unexpected(what): what
            }
        }
    }

    /// The guestd next to this test bundle (the same build products directory), or
    /// failing that one in the package's usual scratch directories.
    static func binary() throws -> URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [exe.deletingLastPathComponent().appendingPathComponent("guestd")]
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        for scratch in [".build-guestd", ".build"] {
            candidates.append(package.appendingPathComponent("\(scratch)/debug/guestd"))
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw HarnessError.noBinary(candidates.map(\.path))
    }

    /// `wrapper` runs guestd under another program (e.g. unshare, so its mounts die with it).
    init(sysroot: String, extraArguments: [String] = [], wrapper: [String] = []) throws {
        socketPath = "/tmp/guestd-test-\(getpid())-\(UUID().uuidString.prefix(8)).sock"
        listenFD = try GuestdHarness.listen(at: socketPath)
        process = Process()
        let arguments = ["--channel", socketPath, "--sysroot", sysroot, "quiet"] + extraArguments
        if let program = wrapper.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = wrapper.dropFirst() + [try GuestdHarness.binary().path] + arguments
        } else {
            process.executableURL = try GuestdHarness.binary()
            process.arguments = arguments
        }
        try process.run()
        let fd = try GuestdHarness.accept(listenFD, seconds: 10)
        channel = FrameChannel(fd: fd, timeout: 10)
        guard try channel.readFrame() == .launchFlag else { throw HarnessError.unexpected("no launch flag") }
    }

    deinit {
        close(channel.fd)
        close(listenFD)
        unlink(socketPath)
        if process.isRunning { process.terminate() }
    }

    // MARK: calls

    @discardableResult
    func send(_ procedure: UInt32, body: [UInt8] = [], program: UInt32 = Guestfs.program,
              version: UInt32 = Guestfs.protocolVersion, direction: Direction = .call,
              status: Status = .ok, optargs: UInt64 = 0) throws -> UInt32 {
        serial += 1
        var h = MessageHeader(procedure: procedure, direction: direction, serial: serial, status: status, optargsBitmask: optargs)
        h.program = program
        h.version = version
        try channel.writeMessage(h.message(body: body))
        return serial
    }

    /// The next reply, skipping progress messages.
    func reply() throws -> Reply {
        while true {
            switch try channel.readFrame() {
            case .progress: continue
            case let .message(bytes):
                var d = XDRDecoder(bytes)
                let h = try MessageHeader.decode(from: &d)
                return Reply(header: h, body: Array(bytes[d.offset...]))
            case let other: throw HarnessError.unexpected("expected a reply, got \(other)")
            }
        }
    }

    func call(_ procedure: Procedure, _ args: [String] = []) throws -> Reply {
        var e = XDREncoder()
        for a in args { e.string(a) }
        let serial = try send(procedure.number, body: e.bytes)
        let r = try reply()
        XCTAssertEqual(r.header.serial, serial)
        XCTAssertEqual(r.header.procedure, procedure.number)
        XCTAssertEqual(r.header.direction, .reply)
        return r
    }

    /// A FileOut call: the OK reply, then chunks up to the empty one. Returns the bytes
    /// and the size of each data chunk.
    func fileOut(_ procedure: Procedure, _ path: String) throws -> (reply: Reply, data: [UInt8], chunkSizes: [Int]) {
        let r = try call(procedure, [path])
        guard r.header.status == .ok else { return (r, [], []) }
        var data: [UInt8] = [], sizes: [Int] = []
        while true {
            guard case let .message(bytes) = try channel.readFrame() else { continue }
            let chunk = try Chunk.decode(bytes)
            if chunk.cancel { throw HarnessError.unexpected("transfer cancelled by the daemon") }
            if chunk.data.isEmpty { return (r, data, sizes) }
            sizes.append(chunk.data.count)
            data += chunk.data
        }
    }

    func writeRaw(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { write(channel.fd, $0.baseAddress!, $0.count) }
        guard n == bytes.count else { throw HarnessError.sys("write", errno) }
    }

    /// Waits for the daemon to exit; nil if it is still running after `seconds`.
    func waitForExit(seconds: Double = 10) -> Process.TerminationReason? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationReason
    }

    // MARK: sockets

    private static func listen(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError.sys("socket", errno) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard r == 0, Glibc.listen(fd, 1) == 0 else { throw HarnessError.sys("bind/listen \(path)", errno) }
        return fd
    }

    private static func accept(_ fd: Int32, seconds: Double) throws -> Int32 {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(seconds * 1000)) == 1 else { throw HarnessError.unexpected("guestd did not connect") }
        let c = Glibc.accept(fd, nil, nil)
        guard c >= 0 else { throw HarnessError.sys("accept", errno) }
        _ = fcntl(c, F_SETFD, FD_CLOEXEC)
        return c
    }
}
