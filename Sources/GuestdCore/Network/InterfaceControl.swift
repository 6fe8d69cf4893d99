import Glibc

/// The classic socket ioctls that configure an IPv4 interface and the routing table,
/// as ifconfig and route do. Glibc's Swift module has no struct rtentry, so both request
/// structures are laid out by hand (LP64 Linux: x86_64 and arm64).
struct InterfaceControl {
    private static let SIOCADDRT: UInt = 0x890B
    private static let SIOCGIFFLAGS: UInt = 0x8913
    private static let SIOCSIFFLAGS: UInt = 0x8914
    private static let SIOCSIFADDR: UInt = 0x8916
    private static let SIOCSIFNETMASK: UInt = 0x891C
    private static let ifreqSize = 40, rtentrySize = 120
    private static let RTF_UP: UInt16 = 0x1, RTF_GATEWAY: UInt16 = 0x2

    private let fd: Int32

    init() throws(SysError) {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SysError("socket", "AF_INET") }
    }

    func close() { _ = Glibc.close(fd) }

    /// IFF_UP on top of the interface's current flags (the kernel manages IFF_RUNNING).
    func bringUp(_ name: String) throws(SysError) {
        var req = try Self.ifreq(name)
        try ioctl(Self.SIOCGIFFLAGS, &req, "SIOCGIFFLAGS", name)
        let flags = UInt16(req[16]) | UInt16(req[17]) << 8 | UInt16(IFF_UP)
        req[16] = UInt8(flags & 0xFF)
        req[17] = UInt8(flags >> 8)
        try ioctl(Self.SIOCSIFFLAGS, &req, "SIOCSIFFLAGS", name)
    }

    func setAddress(_ name: String, _ address: in_addr_t) throws(SysError) {
        var req = try Self.ifreq(name)
        Self.putSockaddr(&req, at: 16, address)
        try ioctl(Self.SIOCSIFADDR, &req, "SIOCSIFADDR", name)
    }

    func setNetmask(_ name: String, _ mask: in_addr_t) throws(SysError) {
        var req = try Self.ifreq(name)
        Self.putSockaddr(&req, at: 16, mask)
        try ioctl(Self.SIOCSIFNETMASK, &req, "SIOCSIFNETMASK", name)
    }

    /// 0.0.0.0/0 via the gateway; the kernel picks the interface whose subnet holds it.
    func addDefaultRoute(via gateway: in_addr_t) throws(SysError) {
        var rt = [UInt8](repeating: 0, count: Self.rtentrySize)
        Self.putSockaddr(&rt, at: 8, 0)          // rt_dst
        Self.putSockaddr(&rt, at: 24, gateway)   // rt_gateway
        Self.putSockaddr(&rt, at: 40, 0)         // rt_genmask
        let flags = Self.RTF_UP | Self.RTF_GATEWAY  // rt_flags
        rt[56] = UInt8(flags & 0xFF)
        rt[57] = UInt8(flags >> 8)
        try ioctl(Self.SIOCADDRT, &rt, "SIOCADDRT", "default")
    }

    private func ioctl(_ request: UInt, _ buf: inout [UInt8], _ call: String, _ what: String) throws(SysError) {
        let r = buf.withUnsafeMutableBytes { Glibc.ioctl(fd, request, $0.baseAddress!) }
        guard r == 0 else { throw SysError("ioctl \(call)", what) }
    }

    /// struct ifreq: the name (IFNAMSIZ 16, NUL-terminated), then the request's union.
    private static func ifreq(_ name: String) throws(SysError) -> [UInt8] {
        let bytes = Array(name.utf8)
        guard bytes.count < 16 else { throw SysError("ifreq", name, errno: ENAMETOOLONG) }
        var req = [UInt8](repeating: 0, count: ifreqSize)
        req.replaceSubrange(0..<bytes.count, with: bytes)
        return req
    }

    /// struct sockaddr_in: AF_INET in host order, port 0, the address in network order.
    private static func putSockaddr(_ buf: inout [UInt8], at offset: Int, _ address: in_addr_t) {
        let family = UInt16(AF_INET)
        buf[offset] = UInt8(family & 0xFF)
        buf[offset + 1] = UInt8(family >> 8)
        withUnsafeBytes(of: address) { for (i, b) in $0.enumerated() { buf[offset + 4 + i] = b } }
    }
}
