import ApplianceKernelWords
import Glibc

/// The interface's addressing as guestd applies it: the kernel word's setting
/// (`appliance.network=`, see NetworkSetting) in socket form, which a DHCP lease fills in.
struct NetworkConfig: Equatable {
    var address: in_addr_t?
    var prefixLength = 0
    var gateway: in_addr_t?
    var dns: String?
    var dhcp = false

    /// The netmask of the prefix, in network byte order.
    var netmask: in_addr_t {
        let host: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefixLength)
        return host.bigEndian
    }
}

extension NetworkConfig {
    init(_ setting: NetworkSetting) {
        switch setting {
        case .link: self.init()
        case .dhcp: self.init(dhcp: true)
        case let .address(a):
            // NetworkAddress checked its dotted quads, so neither is nil here.
            self.init(address: Self.ipv4(a.address), prefixLength: a.prefixLength, gateway: a.gateway.flatMap(Self.ipv4), dns: a.dns)
        }
    }

    /// A dotted quad in network byte order, or nil.
    static func ipv4(_ s: String) -> in_addr_t? {
        guard let o = NetworkAddress.octets(s) else { return nil }
        return (UInt32(o[0]) << 24 | UInt32(o[1]) << 16 | UInt32(o[2]) << 8 | UInt32(o[3])).bigEndian
    }
}
