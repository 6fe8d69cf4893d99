/// The client's side of DISCOVER → OFFER → REQUEST → ACK as a pure state: which message
/// to send, and whether a received one is the answer awaited. The socket loop in
/// guestd drives it; tests drive it with recorded replies.
public struct DHCPExchange: Sendable {
    public let transactionID: UInt32
    public let hardwareAddress: [UInt8]
    public private(set) var offer: DHCPMessage?

    public init(transactionID: UInt32, hardwareAddress: [UInt8]) {
        self.transactionID = transactionID
        self.hardwareAddress = hardwareAddress
    }

    public enum Step: Equatable, Sendable {
        /// Not for us, or not the awaited kind: keep waiting.
        case ignore
        /// An offer taken: send this REQUEST next.
        case send(DHCPMessage)
        case leased(DHCPLease)
        /// The server refused the request; start again with a DISCOVER.
        case refused
    }

    /// DISCOVER until an offer is taken, then the REQUEST for it.
    public var nextRequest: DHCPMessage {
        if let offer { return .request(transactionID: transactionID, hardwareAddress: hardwareAddress, offer: offer) }
        return .discover(transactionID: transactionID, hardwareAddress: hardwareAddress)
    }

    public mutating func receive(_ m: DHCPMessage) -> Step {
        guard m.op == 2, m.transactionID == transactionID, m.hardwareAddress == hardwareAddress else { return .ignore }
        switch (offer, m.kind) {
        case (nil, .offer?) where m.yourAddress != 0:
            offer = m
            return .send(nextRequest)
        case (.some, .ack?):
            return DHCPLease(ack: m).map(Step.leased) ?? .ignore
        case (.some, .nak?):
            offer = nil
            return .refused
        default:
            return .ignore
        }
    }
}

/// What an ACK gives: address and mask, routers, DNS servers, lease time.
public struct DHCPLease: Equatable, Sendable {
    public var address: UInt32
    public var prefixLength: Int
    public var routers: [UInt32]
    public var dnsServers: [UInt32]
    public var leaseSeconds: UInt32?
    public var server: UInt32?

    /// Without option 1 the mask is the address's class default (RFC 2131 leaves it to the client).
    public init?(ack m: DHCPMessage) {
        guard m.kind == .ack, m.yourAddress != 0 else { return nil }
        address = m.yourAddress
        let mask = m.subnetMask ?? (m.yourAddress >> 31 == 0 ? 0xFF00_0000 : m.yourAddress >> 30 == 2 ? 0xFFFF_0000 : 0xFFFF_FF00)
        prefixLength = mask.nonzeroBitCount
        routers = m.routers
        dnsServers = m.dnsServers
        leaseSeconds = m.leaseSeconds
        server = m.serverID
    }

    public var description: String {
        "\(dottedQuad(address))/\(prefixLength)" + (routers.first.map { " via \(dottedQuad($0))" } ?? "")
            + (dnsServers.isEmpty ? "" : ", DNS \(dnsServers.map(dottedQuad).joined(separator: " "))")
            + (leaseSeconds.map { ", lease \($0) s" } ?? "")
    }
}
