import XCTest
@testable import GuestProtocol

final class XDRTests: XCTestCase {
    func testScalarsAreBigEndian() {
        var e = XDREncoder()
        e.u32(0x0102_0304)
        e.i32(-2)
        e.u64(0x0A0B_0C0D_0E0F_1011)
        e.bool(true)
        XCTAssertEqual(e.bytes, [1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFE, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0, 0, 0, 1])
        var d = XDRDecoder(e.bytes)
        XCTAssertEqual(try d.u32(), 0x0102_0304)
        XCTAssertEqual(try d.i32(), -2)
        XCTAssertEqual(try d.u64(), 0x0A0B_0C0D_0E0F_1011)
        XCTAssertEqual(try d.bool(), true)
        XCTAssertNoThrow(try d.finish())
    }

    func testStringsArePaddedToFourBytes() throws {
        var e = XDREncoder()
        e.string("abcde")
        e.string("")
        e.stringList(["x", "/dev/sda1"])
        XCTAssertEqual(Array(e.bytes.prefix(12)), [0, 0, 0, 5, 0x61, 0x62, 0x63, 0x64, 0x65, 0, 0, 0])
        XCTAssertEqual(e.bytes.count, 12 + 4 + 4 + 8 + 16)
        var d = XDRDecoder(e.bytes)
        XCTAssertEqual(try d.string(), "abcde")
        XCTAssertEqual(try d.string(), "")
        XCTAssertEqual(try d.stringList(), ["x", "/dev/sda1"])
        try d.finish()
    }

    /// Names are bytes: a string that is not UTF-8 comes back as it went,
    /// alone, in a list, as an argument, a struct field and inside an error message.
    func testNonUTF8StringsRoundTripByteForByte() throws {
        let name = ByteString([0x2f, 0x64, 0xd4, 0x2f, 0xff, 0xc3, 0x28])
        var e = XDREncoder()
        e.string(name)
        e.stringList([name, "plain"])
        XCTAssertEqual(Array(e.bytes.prefix(12)), [0, 0, 0, 7, 0x2f, 0x64, 0xd4, 0x2f, 0xff, 0xc3, 0x28, 0])
        var d = XDRDecoder(e.bytes)
        XCTAssertEqual(try d.byteString(), name)
        XCTAssertEqual(try d.byteStringList(), [name, "plain"])
        try d.finish()

        var a = XDREncoder()
        ArgumentValue.strings([name]).encode(into: &a)
        ArgumentValue.string(name).encode(into: &a)
        var ad = XDRDecoder(a.bytes)
        XCTAssertEqual(try ArgumentValue.decode(.filenameList, &ad), .strings([name]))
        XCTAssertEqual(try ArgumentValue.decode(.pathname, &ad), .string(name))

        let xattr = StructValue(.xattr, [.string(name), .bytes([0xff])])
        var x = XDREncoder()
        xattr.encode(into: &x)
        var xd = XDRDecoder(x.bytes)
        XCTAssertEqual(try StructValue.decode(.xattr, from: &xd), xattr)

        let message: ByteString = "open: \(name): \(2)"
        XCTAssertEqual(message.bytes, Array("open: ".utf8) + name.bytes + Array(": 2".utf8))
        let err = MessageError(errnoString: "ENOENT", message: message)
        var m = XDREncoder()
        err.encode(into: &m)
        var md = XDRDecoder(m.bytes)
        XCTAssertEqual(try MessageError.decode(from: &md).messageBytes, message)

        // Only the text views repair: U+FFFD for what is not UTF-8.
        XCTAssertNil(name.string)
        XCTAssertEqual(name.description, "/d\u{FFFD}/\u{FFFD}\u{FFFD}(")
        var td = XDRDecoder(e.bytes)
        XCTAssertEqual(try td.string(), name.description)
    }

    /// Error messages are cut at GUESTFS_ERROR_LEN bytes, never inside a UTF-8 sequence.
    func testLongErrorMessagesAreCutAtACharacterBoundary() throws {
        for (message, kept) in [
            (ByteString(Array(repeating: 0x78, count: Guestfs.errorLen - 1) + [0xc3, 0xa9]), Guestfs.errorLen - 1),
            (ByteString(Array(repeating: 0xff, count: Guestfs.errorLen + 3)), Guestfs.errorLen),
        ] {
            var e = XDREncoder()
            MessageError(errnoString: "EIO", message: message).encode(into: &e)
            var d = XDRDecoder(e.bytes)
            XCTAssertEqual(try MessageError.decode(from: &d).messageBytes.bytes, Array(message.bytes.prefix(kept)))
        }
    }

    func testDecoderRejectsLiesAboutLength() {
        // A length word far beyond the buffer: must fail, not read out of bounds.
        var d = XDRDecoder([0x7F, 0xFF, 0xFF, 0xFF, 1, 2])
        XCTAssertThrowsError(try d.opaque())
        // A list count that cannot fit in what is left.
        var l = XDRDecoder([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        XCTAssertThrowsError(try l.stringList())
        // Strings over their declared bound.
        var e = XDREncoder()
        e.string(String(repeating: "E", count: 40))
        var s = XDRDecoder(e.bytes)
        XCTAssertEqual(try? s.string(limit: 32), nil)
        // A NUL inside a string.
        var n = XDREncoder()
        n.opaque([0x61, 0, 0x62])
        var nd = XDRDecoder(n.bytes)
        XCTAssertThrowsError(try nd.string())
    }

    func testHeaderLayoutMatchesLibguestfs() throws {
        let h = MessageHeader(procedure: Procedure.listDevices.number, direction: .call, serial: 0x1234_5678,
                              progressHint: 9, optargsBitmask: 3)
        var e = XDREncoder()
        h.encode(into: &e)
        // prog, vers, proc, direction, serial (5 words), progress_hint and optargs (2 hypers), status.
        XCTAssertEqual(e.bytes.count, 40)
        XCTAssertEqual(Array(e.bytes[0 ..< 8]), [0x20, 0x00, 0xF5, 0xF5, 0, 0, 0, 4])
        XCTAssertEqual(Array(e.bytes[8 ..< 12]), [0, 0, 0, 7])
        XCTAssertEqual(Array(e.bytes[16 ..< 20]), [0x12, 0x34, 0x56, 0x78])
        XCTAssertEqual(e.bytes[27], 9)
        XCTAssertEqual(e.bytes[35], 3)
        var d = XDRDecoder(e.bytes)
        XCTAssertEqual(try MessageHeader.decode(from: &d), h)
        var bad = e.bytes
        bad[15] = 7 // direction 7 does not exist
        var bd = XDRDecoder(bad)
        XCTAssertThrowsError(try MessageHeader.decode(from: &bd))
    }

    func testErrorChunkAndProgressRoundTrip() throws {
        let err = MessageError(errnoString: "ENOENT", message: "/etc/nothing: No such file or directory")
        var e = XDREncoder()
        err.encode(into: &e)
        var d = XDRDecoder(e.bytes)
        XCTAssertEqual(try MessageError.decode(from: &d), err)

        let long = MessageError(errnoString: "EIO", message: String(repeating: "x", count: Guestfs.errorLen + 10))
        var le = XDREncoder()
        long.encode(into: &le)
        var ld = XDRDecoder(le.bytes)
        XCTAssertEqual(try MessageError.decode(from: &ld).message.utf8.count, Guestfs.errorLen)

        let chunk = Chunk(data: Array(0 ..< 255))
        XCTAssertEqual(try Chunk.decode(chunk.encode()), chunk)
        var oversize = XDREncoder()
        oversize.i32(0)
        oversize.opaque([UInt8](repeating: 1, count: Guestfs.maxChunkSize + 1))
        XCTAssertThrowsError(try Chunk.decode(oversize.bytes))

        let p = Progress(procedure: 67, serial: 2, position: 1 << 33, total: 1 << 34)
        XCTAssertEqual(p.encode().count, Guestfs.progressSize)
        XCTAssertEqual(try Progress.decode(p.encode()), p)
    }

    func testProcedureNumbersAreLibguestfs() {
        XCTAssertEqual(Procedure.named("list-devices")?.number, 7)
        XCTAssertEqual(Procedure.named("mount_ro")?.number, 73)
        XCTAssertEqual(Procedure.named("vfs-type")?.number, 198)
        XCTAssertEqual(Procedure.named("internal-autosync")?.number, 282)
        XCTAssertEqual(Procedure.numbered(67)?.name, "download")
        XCTAssertNil(Procedure.named("no-such-call"))
        XCTAssertEqual(Set(Procedure.all.map(\.number)).count, Procedure.all.count)
    }

    /// LVM's structs: a UUID is 32 bytes of fixed opaque (no length word), a percentage
    /// an XDR float whose -1 means "not present"; guestfish prints them so.
    func testLVMStructsCarryFixedUUIDsAndOptionalPercentages() throws {
        let uuid = Array("GVkGIcdbhj1tFyNg2NYb4WOk5K6RJfIG".utf8)
        var values: [FieldValue] = StructLayout.lvmLV.fields.map { f in
            switch f.kind {
            case .uuid: .bytes(uuid)
            case .optPercent: .percent(-1)
            case .string: .string("")
            default: .int(7)
            }
        }
        values[0] = .string("root")
        values[11] = .percent(12.5)  // copy_percent
        var e = XDREncoder()
        StructValue(.lvmLV, values).encode(into: &e)
        // "root": 4 + 4 bytes; the UUID follows at once, 32 bytes, no length word.
        XCTAssertEqual(Array(e.bytes[8 ..< 40]), uuid)
        var d = XDRDecoder(e.bytes)
        let back = try StructValue.decode(.lvmLV, from: &d)
        try d.finish()
        XCTAssertEqual(back.values, values)
        let printed = back.printed()
        XCTAssertTrue(printed.contains("lv_uuid: GVkGIcdbhj1tFyNg2NYb4WOk5K6RJfIG\n"), printed)
        XCTAssertTrue(printed.contains("snap_percent: \ncopy_percent: 12.5 %\n"), printed)
    }
}
