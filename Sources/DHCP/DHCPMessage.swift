/// A DHCPv4 message (RFC 2131: the BOOTP layout, the magic cookie, options per RFC
/// 2132), with just the options guestd's client sends or reads. Addresses are IPv4
/// values in host byte order. Pure code: no sockets, so it is tested on its own.
public struct DHCPMessage: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        case discover = 1, offer, request, decline, ack, nak, release, inform
    }

    public enum Option: UInt8 {
        case pad = 0, subnetMask = 1, router = 3, dns = 6, requestedAddress = 50, leaseTime = 51
        case messageType = 53, serverID = 54, parameterRequestList = 55, end = 255
    }

    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { "malformed DHCP message: \(reason)" }
    }

    /// 1 BOOTREQUEST (client), 2 BOOTREPLY (server).
    public var op: UInt8
    public var transactionID: UInt32
    /// 0x8000 asks the server to broadcast its reply: the client has no address yet.
    public var flags: UInt16 = 0x8000
    public var clientAddress: UInt32 = 0
    /// yiaddr: the address offered or assigned.
    public var yourAddress: UInt32 = 0
    public var serverAddress: UInt32 = 0
    public var hardwareAddress: [UInt8]
    public var kind: Kind?
    public var subnetMask: UInt32?
    public var routers: [UInt32] = []
    public var dnsServers: [UInt32] = []
    public var leaseSeconds: UInt32?
    public var serverID: UInt32?
    public var requestedAddress: UInt32?
    public var parameterRequestList: [UInt8] = []

    public static let magicCookie: [UInt8] = [99, 130, 83, 99]
    static let fixedLength = 236
    /// What most clients send (BOOTP's 300-byte minimum and then some): 236 + 312.
    static let paddedLength = 548

    public init(op: UInt8, transactionID: UInt32, hardwareAddress: [UInt8], kind: Kind?) {
        self.op = op
        self.transactionID = transactionID
        self.hardwareAddress = hardwareAddress
        self.kind = kind
    }

    /// What the client asks for in each message: mask, router, DNS, lease time, server.
    public static let wantedOptions: [UInt8] = [1, 3, 6, 51, 54]

    public static func discover(transactionID: UInt32, hardwareAddress: [UInt8]) -> DHCPMessage {
        var m = DHCPMessage(op: 1, transactionID: transactionID, hardwareAddress: hardwareAddress, kind: .discover)
        m.parameterRequestList = wantedOptions
        return m
    }

    /// The REQUEST that takes an offer: its address and server named in options 50 and 54.
    public static func request(transactionID: UInt32, hardwareAddress: [UInt8], offer: DHCPMessage) -> DHCPMessage {
        var m = DHCPMessage(op: 1, transactionID: transactionID, hardwareAddress: hardwareAddress, kind: .request)
        m.requestedAddress = offer.yourAddress
        m.serverID = offer.serverID
        m.parameterRequestList = wantedOptions
        return m
    }

    public func encode() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.fixedLength)
        b[0] = op
        b[1] = 1  // htype: Ethernet
        b[2] = UInt8(min(hardwareAddress.count, 16))
        Self.put32(&b, 4, transactionID)
        b[10] = UInt8(flags >> 8)
        b[11] = UInt8(flags & 0xFF)
        Self.put32(&b, 12, clientAddress)
        Self.put32(&b, 16, yourAddress)
        Self.put32(&b, 20, serverAddress)
        for (i, byte) in hardwareAddress.prefix(16).enumerated() { b[28 + i] = byte }
        b += Self.magicCookie
        func add(_ option: Option, _ value: [UInt8]) { b += [option.rawValue, UInt8(value.count)] + value }
        func addresses(_ list: [UInt32]) -> [UInt8] { list.flatMap(Self.bytes) }
        if let kind { add(.messageType, [kind.rawValue]) }
        if let requestedAddress { add(.requestedAddress, Self.bytes(requestedAddress)) }
        if let serverID { add(.serverID, Self.bytes(serverID)) }
        if let subnetMask { add(.subnetMask, Self.bytes(subnetMask)) }
        if !routers.isEmpty { add(.router, addresses(routers)) }
        if !dnsServers.isEmpty { add(.dns, addresses(dnsServers)) }
        if let leaseSeconds { add(.leaseTime, Self.bytes(leaseSeconds)) }
        if !parameterRequestList.isEmpty { add(.parameterRequestList, parameterRequestList) }
        b.append(Option.end.rawValue)
        if b.count < Self.paddedLength { b += [UInt8](repeating: 0, count: Self.paddedLength - b.count) }
        return b
    }

    public init(decoding b: [UInt8]) throws(DecodeError) {
        guard b.count >= Self.fixedLength + 4 else { throw DecodeError(reason: "\(b.count) bytes, fewer than 240") }
        guard Array(b[236..<240]) == Self.magicCookie else { throw DecodeError(reason: "no magic cookie") }
        let hlen = Int(b[2])
        guard hlen <= 16 else { throw DecodeError(reason: "hardware address length \(hlen)") }
        self.init(op: b[0], transactionID: Self.get32(b, 4), hardwareAddress: Array(b[28..<(28 + hlen)]), kind: nil)
        flags = UInt16(b[10]) << 8 | UInt16(b[11])
        clientAddress = Self.get32(b, 12)
        yourAddress = Self.get32(b, 16)
        serverAddress = Self.get32(b, 20)
        var i = 240
        while i < b.count {
            let code = b[i]
            if code == Option.pad.rawValue { i += 1; continue }
            if code == Option.end.rawValue { break }
            guard i + 1 < b.count else { throw DecodeError(reason: "option \(code) has no length") }
            let length = Int(b[i + 1])
            guard i + 2 + length <= b.count else { throw DecodeError(reason: "option \(code) runs past the end") }
            let value = Array(b[(i + 2)..<(i + 2 + length)])
            try apply(code, value)
            i += 2 + length
        }
    }

    /// Known options of a wrong length are errors; unknown ones are skipped.
    private mutating func apply(_ code: UInt8, _ v: [UInt8]) throws(DecodeError) {
        func one() throws(DecodeError) -> UInt32 {
            guard v.count == 4 else { throw DecodeError(reason: "option \(code) is \(v.count) bytes, not 4") }
            return Self.get32(v, 0)
        }
        func list() throws(DecodeError) -> [UInt32] {
            guard !v.isEmpty, v.count % 4 == 0 else { throw DecodeError(reason: "option \(code) is \(v.count) bytes, not a list of addresses") }
            return stride(from: 0, to: v.count, by: 4).map { Self.get32(v, $0) }
        }
        switch Option(rawValue: code) {
        case .messageType:
            guard v.count == 1, let k = Kind(rawValue: v[0]) else { throw DecodeError(reason: "message type \(v)") }
            kind = k
        case .subnetMask: subnetMask = try one()
        case .router: routers = try list()
        case .dns: dnsServers = try list()
        case .leaseTime: leaseSeconds = try one()
        case .serverID: serverID = try one()
        case .requestedAddress: requestedAddress = try one()
        case .parameterRequestList: parameterRequestList = v
        default: break
        }
    }

    static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        for k in 0..<4 { b[at + k] = UInt8((v >> (24 - 8 * UInt32(k))) & 0xFF) }
    }

    static func get32(_ b: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 8 | UInt32(b[at + $1]) }
    }

    static func bytes(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
}

/// An address in dotted-quad form (host byte order value).
public func dottedQuad(_ v: UInt32) -> String {
    DHCPMessage.bytes(v).map(String.init).joined(separator: ".")
}
