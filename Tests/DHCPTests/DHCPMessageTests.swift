import DHCP
import XCTest

/// The DHCP messages guestd's client sends and reads, without a VM: encoding against
/// RFC 2131's layout byte by byte, decoding of a reply as slirp writes it, malformed
/// input, and the DISCOVER → OFFER → REQUEST → ACK exchange.
final class DHCPMessageTests: XCTestCase {
    let mac: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]
    let xid: UInt32 = 0xDEAD_BEEF

    func testDiscoverLayout() {
        let b = DHCPMessage.discover(transactionID: xid, hardwareAddress: mac).encode()
        XCTAssertEqual(b.count, 548)
        XCTAssertEqual(Array(b[0..<4]), [1, 1, 6, 0], "op BOOTREQUEST, htype Ethernet, hlen 6, hops 0")
        XCTAssertEqual(Array(b[4..<8]), [0xDE, 0xAD, 0xBE, 0xEF])
        XCTAssertEqual(Array(b[10..<12]), [0x80, 0x00], "the BROADCAST flag")
        XCTAssertEqual(Array(b[12..<28]), [UInt8](repeating: 0, count: 16), "ciaddr, yiaddr, siaddr, giaddr")
        XCTAssertEqual(Array(b[28..<34]), mac)
        XCTAssertEqual(Array(b[236..<240]), [99, 130, 83, 99])
        XCTAssertEqual(Array(b[240..<251]), [53, 1, 1, 55, 5, 1, 3, 6, 51, 54, 255])
        XCTAssertTrue(b[251...].allSatisfy { $0 == 0 })
    }

    func testRequestNamesTheOfferAndItsServer() throws {
        var offer = DHCPMessage(op: 2, transactionID: xid, hardwareAddress: mac, kind: .offer)
        offer.yourAddress = 0x0A00_020F
        offer.serverID = 0x0A00_0202
        let b = DHCPMessage.request(transactionID: xid, hardwareAddress: mac, offer: offer).encode()
        XCTAssertEqual(Array(b[240..<255]), [53, 1, 3, 50, 4, 10, 0, 2, 15, 54, 4, 10, 0, 2, 2])
        let back = try DHCPMessage(decoding: b)
        XCTAssertEqual(back.kind, .request)
        XCTAssertEqual(back.requestedAddress, 0x0A00_020F)
        XCTAssertEqual(back.serverID, 0x0A00_0202)
        XCTAssertEqual(back.parameterRequestList, [1, 3, 6, 51, 54])
    }

    /// An ACK laid out as qemu's slirp sends it (bootp.c): options in its order, padded.
    func testDecodeSlirpAck() throws {
        var b = [UInt8](repeating: 0, count: 236)
        b[0] = 2; b[1] = 1; b[2] = 6
        b[4...7] = [0xDE, 0xAD, 0xBE, 0xEF]
        b[16...19] = [10, 0, 2, 15]
        b[20...23] = [10, 0, 2, 2]
        b[28...33] = ArraySlice(mac)
        b += [99, 130, 83, 99]
        b += [53, 1, 5, 54, 4, 10, 0, 2, 2, 51, 4, 0, 1, 0x51, 0x80, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2,
              6, 4, 10, 0, 2, 3, 0, 0, 255]
        b += [UInt8](repeating: 0, count: 64)
        let m = try DHCPMessage(decoding: b)
        XCTAssertEqual(m.op, 2)
        XCTAssertEqual(m.kind, .ack)
        XCTAssertEqual(m.yourAddress, 0x0A00_020F)
        XCTAssertEqual(m.subnetMask, 0xFFFF_FF00)
        XCTAssertEqual(m.routers, [0x0A00_0202])
        XCTAssertEqual(m.dnsServers, [0x0A00_0203])
        XCTAssertEqual(m.leaseSeconds, 86400)
        let lease = try XCTUnwrap(DHCPLease(ack: m))
        XCTAssertEqual(lease.description, "10.0.2.15/24 via 10.0.2.2, DNS 10.0.2.3, lease 86400 s")
    }

    func testRoundTripKeepsEveryField() throws {
        var m = DHCPMessage(op: 2, transactionID: 7, hardwareAddress: mac, kind: .offer)
        m.yourAddress = 0xC0A8_0102
        m.serverAddress = 0xC0A8_0101
        m.subnetMask = 0xFFFF_0000
        m.routers = [0xC0A8_0101, 0xC0A8_01FE]
        m.dnsServers = [0x0808_0808, 0x0101_0101]
        m.leaseSeconds = 600
        m.serverID = 0xC0A8_0101
        XCTAssertEqual(try DHCPMessage(decoding: m.encode()), m)
    }

    func testMalformedMessagesAreErrors() {
        let good = DHCPMessage.discover(transactionID: xid, hardwareAddress: mac).encode()
        XCTAssertThrowsError(try DHCPMessage(decoding: Array(good[0..<239])))
        var noCookie = good
        noCookie[236] = 0
        XCTAssertThrowsError(try DHCPMessage(decoding: noCookie))
        var overrun = Array(good[0..<240])
        overrun += [6, 8, 10, 0, 2, 3]  // says 8 bytes, has 4
        XCTAssertThrowsError(try DHCPMessage(decoding: overrun)) { XCTAssertTrue("\($0)".contains("runs past the end"), "\($0)") }
        var badMask = Array(good[0..<240])
        badMask += [1, 3, 255, 255, 0, 255]
        XCTAssertThrowsError(try DHCPMessage(decoding: badMask))
        var badType = Array(good[0..<240])
        badType += [53, 1, 99, 255]
        XCTAssertThrowsError(try DHCPMessage(decoding: badType))
    }

    func testExchange() {
        var x = DHCPExchange(transactionID: xid, hardwareAddress: mac)
        XCTAssertEqual(x.nextRequest.kind, .discover)
        var offer = DHCPMessage(op: 2, transactionID: xid, hardwareAddress: mac, kind: .offer)
        offer.yourAddress = 0x0A00_020F
        offer.serverID = 0x0A00_0202
        var stranger = offer
        stranger.transactionID = 1
        XCTAssertEqual(x.receive(stranger), .ignore, "another client's transaction")
        guard case let .send(request) = x.receive(offer) else { return XCTFail("the offer is taken") }
        XCTAssertEqual(request.kind, .request)
        XCTAssertEqual(request.requestedAddress, 0x0A00_020F)
        XCTAssertEqual(x.receive(offer), .ignore, "a second offer once one is taken")
        let nak = DHCPMessage(op: 2, transactionID: xid, hardwareAddress: mac, kind: .nak)
        XCTAssertEqual(x.receive(nak), .refused)
        XCTAssertEqual(x.nextRequest.kind, .discover, "a NAK starts over")
        _ = x.receive(offer)
        var ack = offer
        ack.kind = .ack
        ack.subnetMask = 0xFFFF_FF00
        guard case let .leased(lease) = x.receive(ack) else { return XCTFail("the ack gives the lease") }
        XCTAssertEqual(lease.address, 0x0A00_020F)
        XCTAssertEqual(lease.prefixLength, 24)
    }
}
