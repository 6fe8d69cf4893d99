import DHCP
import Glibc
import SystemCalls

/// Asks for a lease on one interface over UDP: port 68 bound to the interface with
/// SO_BINDTODEVICE, broadcasts to 255.255.255.255:67. Linux routes a limited broadcast
/// out of a bound interface that has no address yet, and the BROADCAST flag makes the
/// server's answer reach us before we have one: no raw socket needed. No renewal: an
/// appliance lives for minutes and slirp's leases last a day.
struct DHCPClient {
    let interface: String

    /// Each DISCOVER (or REQUEST) waits this long for its answer before it is sent again.
    static let waits: [Int32] = [1000, 2000, 3000, 4000]

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func lease() throws -> DHCPLease {
        let mac = try hardwareAddress()
        let fd = try openSocket()
        defer { close(fd) }
        var exchange = DHCPExchange(transactionID: Self.transactionID(mac), hardwareAddress: mac)
        var refusals = 0
        var attempt = 0
        while attempt < Self.waits.count {
            try send(exchange.nextRequest, on: fd)
            let deadline = Self.now() + Int(Self.waits[attempt])
            var progressed = false
            while !progressed, let reply = try receive(on: fd, until: deadline) {
                switch exchange.receive(reply) {
                case .ignore: continue
                case let .send(request): try send(request, on: fd); attempt = 0; progressed = true
                case let .leased(lease): return lease
                case .refused:
                    refusals += 1
                    guard refusals < 3 else { throw Failure(description: "DHCP: the server refused our REQUEST 3 times (DHCPNAK)") }
                    progressed = true
                }
            }
            if !progressed { attempt += 1 }
        }
        let what = exchange.offer == nil ? "no DHCPOFFER" : "no DHCPACK"
        let total = Self.waits.reduce(0, +) / 1000
        throw Failure(description: "DHCP: \(what) on \(interface) after \(Self.waits.count) tries (\(total) s); the interface stays up without an address")
    }

    /// /sys/class/net/NAME/address: "52:54:00:12:34:56".
    private func hardwareAddress() throws -> [UInt8] {
        let path = "/sys/class/net/\(interface)/address"
        guard let f = fopen(path, "re") else { throw SysError("open", path) }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 64)
        guard fgets(&buf, Int32(buf.count), f) != nil else { throw SysError("read", path, errno: EIO) }
        let octets = String(nulTerminated: buf).split(whereSeparator: { $0 == ":" || $0 == "\n" }).compactMap { UInt8($0, radix: 16) }
        guard octets.count == 6 else { throw SysError("parse", path, errno: EINVAL) }
        return octets
    }

    private func openSocket() throws(SysError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_UDP))
        guard fd >= 0 else { throw SysError("socket", "DHCP") }
        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size) == 0,
              setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, size) == 0 else {
            let e = SysError("setsockopt", "DHCP socket"); close(fd); throw e
        }
        let bound = interface.withCString { setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, $0, socklen_t(strlen($0) + 1)) }
        guard bound == 0 else { let e = SysError("setsockopt SO_BINDTODEVICE", interface); close(fd); throw e }
        var addr = Self.address(INADDR_ANY, port: 68)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { let e = SysError("bind", "0.0.0.0:68"); close(fd); throw e }
        return fd
    }

    private func send(_ m: DHCPMessage, on fd: Int32) throws(SysError) {
        let bytes = m.encode()
        var to = Self.address(INADDR_BROADCAST, port: 67)
        let n = withUnsafePointer(to: &to) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard n == bytes.count else { throw SysError("sendto", "255.255.255.255:67 on \(interface)") }
    }

    /// The next well-formed message before the deadline, or nil when it passes.
    private func receive(on fd: Int32, until deadline: Int) throws(SysError) -> DHCPMessage? {
        var buf = [UInt8](repeating: 0, count: 1500)
        while true {
            let left = deadline - Self.now()
            guard left > 0 else { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = retryingEINTR { poll(&pfd, 1, Int32(left)) }
            if ready < 0 { throw SysError("poll", "DHCP socket") }
            if ready == 0 { return nil }
            let n = retryingEINTR { recv(fd, &buf, buf.count, 0) }
            if n < 0 { throw SysError("recv", "DHCP socket") }
            if let m = try? DHCPMessage(decoding: Array(buf[0..<n])) { return m }
        }
    }

    private static func address(_ host: UInt32, port: UInt16) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = host.bigEndian
        return a
    }

    /// Unique enough to tell our answers from another client's, and not from getrandom,
    /// which blocks this early in a boot until the kernel's pool is seeded (a second
    /// and more under TCG): the MAC's last bytes mixed with the boot clock's nanoseconds.
    private static func transactionID(_ mac: [UInt8]) -> UInt32 {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        let macBits = mac.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return macBits ^ UInt32(truncatingIfNeeded: ts.tv_nsec) ^ UInt32(truncatingIfNeeded: ts.tv_sec) << 20
    }

    /// Milliseconds on the monotonic clock.
    private static func now() -> Int { Int(monotonicSeconds() * 1000) }
}
