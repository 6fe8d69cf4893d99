/// The value of `appliance.network=`: static IPv4 addressing that guestd applies itself,
/// `dhcp` to ask a DHCP server (guestd's own client), or `link` to only bring the
/// interface up (a tap network without an address).
public enum NetworkSetting: Sendable, Equatable {
    case address(NetworkAddress)
    case dhcp
    case link

    /// The forms, for messages.
    public static let form = "ADDR/PREFIX[,gw=GW][,dns=DNS], dhcp or link"

    public init?(argument: String) {
        switch argument {
        case "dhcp": self = .dhcp
        case "link": self = .link
        default:
            guard let a = NetworkAddress(argument: argument) else { return nil }
            self = .address(a)
        }
    }

    public var argument: String {
        switch self {
        case let .address(a): a.argument
        case .dhcp: "dhcp"
        case .link: "link"
        }
    }
}
