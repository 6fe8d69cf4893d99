import Foundation
import XCTest
@testable import HostBuilder

final class KernelPayloadTests: XCTestCase {
    // MARK: - Fixtures

    private func put16(_ b: inout [UInt8], _ at: Int, _ v: UInt16) { for i in 0..<2 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
    private func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) { for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
    private func put64(_ b: inout [UInt8], _ at: Int, _ v: UInt64) { for i in 0..<8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }

    private func note(name: String, type: UInt32, desc: [UInt8]) -> [UInt8] {
        var n = [UInt8](repeating: 0, count: 12)
        let nameBytes = Array(name.utf8) + [0]
        put32(&n, 0, UInt32(nameBytes.count)); put32(&n, 4, UInt32(desc.count)); put32(&n, 8, type)
        n += nameBytes; while n.count % 4 != 0 { n.append(0) }
        n += desc; while n.count % 4 != 0 { n.append(0) }
        return n
    }

    /// A minimal ELF64 x86-64 file: one PT_NOTE segment holding a GNU build-id note and a Xen
    /// note of `xenType`, followed by `padding` bytes of filler so decoders must grow output.
    private func fakeElf(xenType: UInt32 = 18, padding: Int = 300_000) -> [UInt8] {
        var elf = [UInt8](repeating: 0, count: 64 + 56)
        elf.replaceSubrange(0..<4, with: [0x7F, 0x45, 0x4C, 0x46])
        elf[4] = 2; elf[5] = 1; elf[6] = 1
        put16(&elf, 0x10, 2); put16(&elf, 0x12, 62); put32(&elf, 0x14, 1)
        put64(&elf, 0x20, 64); put16(&elf, 0x34, 64); put16(&elf, 0x36, 56); put16(&elf, 0x38, 1)
        let notes = note(name: "GNU", type: 3, desc: Array(repeating: 0xAB, count: 20))
            + note(name: "Xen", type: xenType, desc: [0, 0, 0, 1])
        put32(&elf, 64, 4)  // PT_NOTE
        put64(&elf, 64 + 8, UInt64(elf.count)); put64(&elf, 64 + 32, UInt64(notes.count))
        elf += notes
        elf += (0..<padding).map { UInt8(truncatingIfNeeded: ($0 * 7) ^ ($0 >> 9)) }
        return elf
    }

    private func compress(_ data: [UInt8], with tool: [String]) throws -> [UInt8] {
        [UInt8](try runTool(tool, stdin: Data(data)))
    }

    /// A bzImage shell around `payload`: one setup sector, boot protocol 2.15, payload 0x100
    /// bytes into the protected-mode code, followed (as the kernel build does) by a 4-byte size.
    private func fakeBzImage(payload: [UInt8], appendedSize: UInt32) -> [UInt8] {
        var image = [UInt8](repeating: 0, count: 1024 + 0x100)
        image[0x1F1] = 1
        image.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
        put16(&image, 0x206, 0x020F)
        put32(&image, 0x248, 0x100)
        put32(&image, 0x24C, UInt32(payload.count + 4))
        image += payload
        var size = [UInt8](repeating: 0, count: 4)
        put32(&size, 0, appendedSize)
        image += size
        image += Array(repeating: 0xCC, count: 512)  // whatever follows the payload
        return image
    }

    private let codecs: [(String, [String])] = [
        ("xz", ["xz", "--check=crc32", "-c"]),
        ("zstd", ["zstd", "-q", "-c"]),
        ("gzip", ["gzip", "-n", "-c"]),
    ]

    // MARK: - Tests

    func testHasPVHEntryFindsXenNoteAfterOtherNotes() {
        XCTAssertTrue(KernelPayload.hasPVHEntry(elf: fakeElf(padding: 0)))
        XCTAssertFalse(KernelPayload.hasPVHEntry(elf: fakeElf(xenType: 17, padding: 0)))
        XCTAssertFalse(KernelPayload.hasPVHEntry(elf: Array("not an elf at all, just text".utf8)))
        // A note segment pointing past the end must not crash.
        var broken = fakeElf(padding: 0)
        put64(&broken, 64 + 32, 1 << 40)
        XCTAssertFalse(KernelPayload.hasPVHEntry(elf: broken))
    }

    func testEachCodecRoundTripsThroughSyntheticBzImage() throws {
        let elf = fakeElf()
        for (name, tool) in codecs {
            let compressed = try compress(elf, with: tool)
            // Right size hint, then a bogus one: the decoders must not trust it.
            for hint in [UInt32(elf.count), 1] {
                let image = fakeBzImage(payload: compressed, appendedSize: hint)
                let vmlinux = try KernelPayload.extractVmlinux(bzImage: image, path: "fake-\(name)")
                XCTAssertEqual(vmlinux, elf, "\(name) with size hint \(hint)")
            }
        }
    }

    func testNonPVHPayloadGivesNil() throws {
        let compressed = try compress(fakeElf(xenType: 17), with: ["gzip", "-n", "-c"])
        XCTAssertNil(try KernelPayload.extractVmlinux(bzImage: fakeBzImage(payload: compressed, appendedSize: 0), path: "nopvh"))
    }

    func testUnsupportedCodecGivesNil() throws {
        let lz4Magic: [UInt8] = [0x02, 0x21, 0x4C, 0x18] + Array(repeating: 0, count: 64)
        XCTAssertNil(try KernelPayload.extractVmlinux(bzImage: fakeBzImage(payload: lz4Magic, appendedSize: 0), path: "lz4"))
    }

    func testTruncatedPayloadNamesCodecAndPath() throws {
        for (name, tool) in codecs {
            let compressed = try compress(fakeElf(), with: tool)
            let cut = Array(compressed[..<(compressed.count / 2)])
            // The stream alone (no appended size) so the cut really ends the input.
            XCTAssertThrowsError(try Decompress.decode(cut[...], codec: Codec(magicOf: cut[...])!, path: "/k/\(name)")) { error in
                guard case let BuildError.decompress(path, codec, reason) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(path, "/k/\(name)"); XCTAssertEqual(codec, name)
                XCTAssertTrue(reason.contains("truncated") || reason.contains("corrupt"), "\(name): \(reason)")
            }
            // Inside a bzImage, too.
            XCTAssertThrowsError(try KernelPayload.extractVmlinux(bzImage: fakeBzImage(payload: cut, appendedSize: 0), path: "/k/img")) { error in
                XCTAssertTrue("\(error)".contains("/k/img"), "\(error)")
            }
        }
    }

    func testCorruptPayloadIsAnError() throws {
        for (name, tool) in codecs {
            var compressed = try compress(fakeElf(), with: tool)
            for i in stride(from: 40, to: compressed.count - 40, by: 97) { compressed[i] ^= 0x5A }
            XCTAssertThrowsError(try Decompress.decode(compressed[...], codec: Codec(magicOf: compressed[...])!, path: "x"), name) { error in
                XCTAssertTrue("\(error)".hasPrefix("cannot decompress \(name) data in x: "), "\(error)")
            }
        }
    }

    func testPayloadThatIsNotAnElfIsAFormatError() throws {
        let compressed = try compress(Array(repeating: 0x41, count: 5000), with: ["zstd", "-q", "-c"])
        XCTAssertThrowsError(try KernelPayload.extractVmlinux(bzImage: fakeBzImage(payload: compressed, appendedSize: 5000), path: "z")) { error in
            guard case BuildError.format(path: "z", _) = error else { return XCTFail("\(error)") }
        }
    }

    func testNotABzImage() {
        XCTAssertThrowsError(try KernelPayload.extractVmlinux(bzImage: Array(repeating: 0, count: 4096), path: "/zero")) { error in
            XCTAssertEqual("\(error)", "/zero: no \"HdrS\" boot protocol signature at 0x202; not an x86 bzImage")
        }
        XCTAssertThrowsError(try KernelPayload.extractVmlinux(bzImage: [1, 2, 3], path: "/tiny"))
        var outside = fakeBzImage(payload: [0x1F, 0x8B], appendedSize: 0)
        put32(&outside, 0x24C, 1 << 30)
        XCTAssertThrowsError(try KernelPayload.extractVmlinux(bzImage: outside, path: "/big")) { error in
            XCTAssertTrue("\(error)".contains("outside"), "\(error)")
        }
    }

    func testRealKernelFromBoot() throws {
        let kernels = ((try? FileManager.default.contentsOfDirectory(atPath: "/boot")) ?? [])
            .filter { $0.hasPrefix("vmlinuz-") }.sorted()
        guard let newest = kernels.last else {
            throw XCTSkip("no /boot/vmlinuz-* on this host; install linux-image-amd64 to run this test")
        }
        let path = "/boot/\(newest)"
        let image = try readHostFile(path)
        guard let vmlinux = try KernelPayload.extractVmlinux(bzImage: image, path: path) else {
            return XCTFail("\(path): expected a PVH-bootable payload (Debian kernels have CONFIG_PVH=y)")
        }
        XCTAssertTrue(KernelPayload.isELF64x86(vmlinux))
        XCTAssertTrue(KernelPayload.hasPVHEntry(elf: vmlinux))
        XCTAssertGreaterThan(vmlinux.count, image.count)
    }
}
