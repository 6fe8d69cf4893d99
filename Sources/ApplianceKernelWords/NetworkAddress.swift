/// Static IPv4 addressing for the guest's interface: `ADDR/PREFIX[,gw=GW][,dns=DNS]`,
/// the form of `appliance.network=` and of `appliance run --network-address`.
/// Addresses stay dotted quads, checked strictly (four decimal octets, no sign, no
/// leading zero) so that the host accepts exactly what the guest's inet_pton does.
public struct NetworkAddress: Sendable, Equatable {
    public var address: String
    public var prefixLength: Int
    public var gateway: String?
    public var dns: String?

    public init(address: String, prefixLength: Int, gateway: String? = nil, dns: String? = nil) {
        self.address = address
        self.prefixLength = prefixLength
        self.gateway = gateway
        self.dns = dns
    }

    /// qemu user networking's fixed plan: guest 10.0.2.15, host and router 10.0.2.2,
    /// DNS forwarder 10.0.2.3.
    public static let qemuUser = NetworkAddress(address: "10.0.2.15", prefixLength: 24, gateway: "10.0.2.2", dns: "10.0.2.3")

    /// libguestfs's launcher (guestfish --network) passes only guestfs_network=1, with
    /// qemu user networking on 169.254.0.0/16 (lib/launch-direct.c) whose DHCP its
    /// appliance asks; slirp's plan there is fixed, so no DHCP client is needed.
    public static let libguestfsUser = NetworkAddress(address: "169.254.2.15", prefixLength: 16, gateway: "169.254.2.2", dns: "169.254.2.3")

    public init?(argument: String) {
        let parts = argument.split(separator: ",").map(String.init)
        let cidr = parts.first?.split(separator: "/").map(String.init) ?? []
        guard cidr.count == 2, let prefix = Int(decimal: cidr[1]), (0...32).contains(prefix), Self.octets(cidr[0]) != nil else {
            return nil
        }
        self.init(address: cidr[0], prefixLength: prefix)
        for part in parts.dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, Self.octets(kv[1]) != nil else { return nil }
            switch kv[0] {
            case "gw": gateway = kv[1]
            case "dns": dns = kv[1]
            default: return nil
            }
        }
    }

    public var argument: String {
        "\(address)/\(prefixLength)" + (gateway.map { ",gw=\($0)" } ?? "") + (dns.map { ",dns=\($0)" } ?? "")
    }

    /// The four octets of a dotted quad, most significant first, or nil.
    public static func octets(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for p in parts {
            guard p.utf8.count <= 3, p == "0" || !p.hasPrefix("0"), let n = Int(decimal: String(p)), n <= 255 else { return nil }
            octets.append(UInt8(n))
        }
        return octets
    }
}
