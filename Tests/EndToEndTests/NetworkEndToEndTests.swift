import ApplianceClient
import Foundation
import GuestProtocol
import XCTest

/// Boots with qemu user networking and has a program of the guest disk (a static
/// busybox, run by libguestfs's `command`) reach a server this test runs on the host,
/// which the guest sees as 10.0.2.2.
final class NetworkEndToEndTests: XCTestCase {
    private static let busybox = "/bin/busybox"

    /// A disk whose ext4 filesystem holds /bin/busybox and an empty /etc.
    private func busyboxDisk(_ f: Fixture) throws -> String {
        let dir = f.work + "/net-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/files/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/files/etc", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.busybox, toPath: dir + "/files/bin/busybox")
        let disk = dir + "/busybox.img"
        try Fixture.sh("truncate -s 16M \(disk) && mkfs.ext4 -q -F -d \(dir)/files \(disk)")
        return disk
    }

    func testGuestReachesAServerOnTheHost() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.busybox),
                          "needs \(Self.busybox) (Debian's busybox-static; scripts/setup installs it)")
        let f = try Fixture.get()
        let server = try OneShotHTTPServer(body: "hello from the host\n")
        var options = f.options(rootMedia: .disk, readOnly: false)
        options.drives = [Drive(path: try busyboxDisk(f))]
        options.network = .user
        let session = try Session.launch(appliance: f.appliance, options: options)
        defer { session.shutdown() }
        try session.mount("/dev/sda", "/")

        func run(_ argv: String...) throws -> String {
            guard case let .string(out) = try session.invoke(.command, [.strings(argv)]) else { return "" }
            return out
        }
        let body = try run("/bin/busybox", "wget", "-q", "-O-", "http://10.0.2.2:\(server.port)/from-the-guest")
        XCTAssertEqual(body, "hello from the host\n")
        XCTAssertTrue(server.request().hasPrefix("GET /from-the-guest HTTP/1."), server.request())

        // The interface guestd configured, as the guest's own tools see it.
        XCTAssertTrue(try run("/bin/busybox", "ip", "-4", "addr", "show", "eth0").contains("inet 10.0.2.15/24"))
        XCTAssertTrue(try run("/bin/busybox", "ip", "route").contains("default via 10.0.2.2 dev eth0"))
        XCTAssertEqual(try run("/bin/busybox", "cat", "/etc/resolv.conf"), "nameserver 10.0.2.3\n")
        // The appliance's resolv.conf was bound over the guest's only for the command.
        XCTAssertEqual(try session.ls("/etc"), [])

        XCTAssertThrowsError(try run("/bin/busybox", "cat", "/no-such-file")) { error in
            guard case let ClientError.daemon(_, _, message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(message, "cat: can't open '/no-such-file': No such file or directory")
        }
    }

    /// Debian's guestfish --network boots our fixed appliance with only guestfs_network=1
    /// on qemu user networking at 169.254.0.0/16; guestd applies slirp's plan for it.
    func testRealGuestfishNetwork() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.busybox), "needs \(Self.busybox)")
        let f = try Fixture.get()
        let server = try OneShotHTTPServer(body: "hello, guestfish\n")
        let env = [
            "LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_PATH": f.appliance.directory,
            "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg", "LIBGUESTFS_CACHEDIR": f.work, "LIBGUESTFS_TMPDIR": f.work,
        ]
        let url = "http://169.254.2.2:\(server.port)/via-guestfish"
        let r = try Fixture.sh("guestfish --network -a \(try busyboxDisk(f)) run : mount /dev/sda / : command '/bin/busybox wget -q -O- \(url)'",
                               environment: env)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "hello, guestfish\n\n", "guestfish prints a string and a newline")
        XCTAssertTrue(server.request().hasPrefix("GET /via-guestfish HTTP/1."), server.request())
    }
}

/// Listens on 127.0.0.1 at a free port, answers one request with a fixed body and keeps
/// what it was asked.
final class OneShotHTTPServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let received = LockedData()

    init(body: String) throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        fd = s
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) == 0 && getsockname(s, $0, &len) == 0 }
        }
        guard s >= 0, bound, listen(s, 1) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        port = UInt16(bigEndian: addr.sin_port)
        let (listener, received) = (s, received)
        Thread {
            let c = accept(listener, nil, nil)
            guard c >= 0 else { return received.set(Data()) }
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = read(c, &buf, buf.count)
            received.set(Data(buf[0..<max(n, 0)]))
            let reply = "HTTP/1.0 200 OK\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            _ = reply.withCString { write(c, $0, strlen($0)) }
            close(c)
        }.start()
    }

    deinit { close(fd) }

    /// The request line and headers, once the guest has connected.
    func request() -> String { String(decoding: received.get(), as: UTF8.self) }
}
