import Glibc

/// What `appliance.network=` on the kernel command line asks for:
/// `ADDR/PREFIX[,gw=GW][,dns=DNS]` for static IPv4 addressing, `dhcp` to ask a DHCP
/// server (DHCPClient), or `link` to only bring the interface up.
struct NetworkConfig: Equatable {
    var address: in_addr_t?
    var prefixLength = 0
    var gateway: in_addr_t?
    var dns: String?
    var dhcp = false

    static let word = "appliance.network="

    struct ParseError: Error, CustomStringConvertible {
        var value: String
        var description: String { "\(NetworkConfig.word)\(value): expected ADDR/PREFIX[,gw=GW][,dns=DNS], dhcp or link" }
    }

    /// libguestfs's own launcher (guestfish --network) passes only guestfs_network=1,
    /// with qemu user networking on 169.254.0.0/16 (lib/launch-direct.c) whose DHCP its
    /// appliance asks; slirp's fixed plan there is this, so no DHCP client is needed.
    static let libguestfsPlan = "169.254.2.15/16,gw=169.254.2.2,dns=169.254.2.3"

    /// The setting among the kernel command line's words; nil when networking is off.
    static func from(commandLine words: [Substring]) throws(ParseError) -> NetworkConfig? {
        if let w = words.last(where: { $0.hasPrefix(word) }) { return try parse(String(w.dropFirst(word.count))) }
        return words.contains("guestfs_network=1") ? try parse(libguestfsPlan) : nil
    }

    static func parse(_ value: String) throws(ParseError) -> NetworkConfig {
        if value == "link" { return NetworkConfig() }
        if value == "dhcp" { return NetworkConfig(dhcp: true) }
        let parts = value.split(separator: ",").map(String.init)
        let cidr = parts.first?.split(separator: "/").map(String.init) ?? []
        guard cidr.count == 2, let prefix = Int(cidr[1]), (0...32).contains(prefix), let addr = ipv4(cidr[0]) else {
            throw ParseError(value: value)
        }
        var c = NetworkConfig(address: addr, prefixLength: prefix)
        for part in parts.dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, let a = ipv4(kv[1]) else { throw ParseError(value: value) }
            switch kv[0] {
            case "gw": c.gateway = a
            case "dns": c.dns = kv[1]
            default: throw ParseError(value: value)
            }
        }
        return c
    }

    /// The netmask of the prefix, in network byte order.
    var netmask: in_addr_t {
        let host: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefixLength)
        return host.bigEndian
    }

    /// A dotted quad in network byte order, or nil.
    static func ipv4(_ s: String) -> in_addr_t? {
        var a = in_addr()
        return inet_pton(AF_INET, s, &a) == 1 ? a.s_addr : nil
    }
}
