/// Gets the uncompressed vmlinux ELF out of an x86 bzImage, so qemu can boot it through
/// the PVH entry point and skip the in-guest decompression (about 3 s of a 4.6 s TCG boot).
public enum KernelPayload {
    /// True when the ELF carries a Xen note of type XEN_ELFNOTE_PHYS32_ENTRY (18), the
    /// PVH entry point qemu's `-kernel` looks for in an ELF image.
    public static func hasPVHEntry(elf: [UInt8]) -> Bool {
        guard isELF64x86(elf), let phdrs = programHeaders(elf) else { return false }
        for ph in phdrs where ph.type == 4 /* PT_NOTE */ {
            guard let end = checkedEnd(ph.offset, ph.fileSize), end <= UInt64(elf.count) else { continue }
            var at = Int(ph.offset)
            let stop = Int(end)
            // Elf64_Nhdr: namesz, descsz, type (4 bytes each); name and desc padded to 4.
            while at + 12 <= stop {
                let nameSize = Int(elf.le32(at)), descSize = Int(elf.le32(at + 4)), type = elf.le32(at + 8)
                let nameAt = at + 12
                let descAt = nameAt + align4(nameSize)
                let next = descAt + align4(descSize)
                guard next <= stop, next > at else { break }
                if type == 18 && nameSize == 4 && elf[nameAt..<nameAt + 4].elementsEqual([0x58, 0x65, 0x6E, 0x00]) {
                    return true  // "Xen\0"
                }
                at = next
            }
        }
        return false
    }

    /// Decompresses the protected-mode payload of `bzImage` (whose file name is `path`, used
    /// in errors). Returns nil when the kernel cannot be booted as PVH — the payload's codec
    /// is one we do not decode (lz4, bzip2, lzo, lzma) or the ELF has no PVH note — so the
    /// caller boots the bzImage instead. Throws when the file is not a bzImage or the payload
    /// is damaged, since then the bzImage would not boot either.
    public static func extractVmlinux(bzImage: [UInt8], path: String) throws -> [UInt8]? {
        guard bzImage.count >= 0x250 else {
            throw BuildError.format(path: path, reason: "too short for an x86 boot sector (\(bzImage.count) bytes)")
        }
        guard bzImage[0x202..<0x206].elementsEqual([0x48, 0x64, 0x72, 0x53]) else {
            throw BuildError.format(path: path, reason: "no \"HdrS\" boot protocol signature at 0x202; not an x86 bzImage")
        }
        let version = bzImage.le16(0x206)
        guard version >= 0x208 else {
            // payload_offset/payload_length arrived in boot protocol 2.08.
            throw BuildError.format(path: path, reason: "boot protocol \(version >> 8).\(version & 0xFF) predates payload fields (2.08)")
        }
        var setupSects = Int(bzImage[0x1F1])
        if setupSects == 0 { setupSects = 4 }  // historical default
        let protectedMode = (setupSects + 1) * 512
        let payloadStart = protectedMode + Int(bzImage.le32(0x248))
        let payloadLength = Int(bzImage.le32(0x24C))
        guard payloadLength > 0, payloadStart + payloadLength <= bzImage.count else {
            throw BuildError.format(path: path, reason: "payload (offset \(payloadStart), length \(payloadLength)) lies outside the \(bzImage.count)-byte file")
        }
        let payload = bzImage[payloadStart..<payloadStart + payloadLength]
        guard let codec = Codec(magicOf: payload) else { return nil }
        // The kernel build appends the uncompressed size after the stream: a good allocation
        // hint, never trusted as the length.
        let hint = Int(bzImage.le32(payloadStart + payloadLength - 4))
        let elf = try Decompress.decode(payload, codec: codec, path: path, sizeHint: hint)
        guard isELF64x86(elf) else {
            throw BuildError.format(path: path, reason: "decompressed \(codec.rawValue) payload is not an ELF64 x86-64 image")
        }
        return hasPVHEntry(elf: elf) ? elf : nil
    }

    static func isELF64x86(_ b: [UInt8]) -> Bool {
        b.count >= 64 && b[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46])
            && b[4] == 2 /* ELFCLASS64 */ && b[5] == 1 /* little-endian */ && b.le16(0x12) == 62 /* EM_X86_64 */
    }

    struct ProgramHeader { var type: UInt32; var offset: UInt64; var vaddr: UInt64; var fileSize: UInt64 }

    /// The ELF64 program headers, or nil when the table lies outside the file.
    static func programHeaders(_ b: [UInt8]) -> [ProgramHeader]? {
        let phoff = b.le64(0x20), entSize = Int(b.le16(0x36)), count = Int(b.le16(0x38))
        guard entSize >= 56, let end = checkedEnd(phoff, UInt64(entSize * count)), end <= UInt64(b.count) else { return nil }
        return (0..<count).map { i in
            let at = Int(phoff) + i * entSize
            return ProgramHeader(type: b.le32(at), offset: b.le64(at + 8), vaddr: b.le64(at + 16), fileSize: b.le64(at + 32))
        }
    }
}

@inline(__always) func align4(_ n: Int) -> Int { (n + 3) & ~3 }

/// offset + size without wrapping, for lengths read from untrusted headers.
func checkedEnd(_ offset: UInt64, _ size: UInt64) -> UInt64? {
    let (end, overflow) = offset.addingReportingOverflow(size)
    return overflow || end > UInt64(Int.max) ? nil : end
}

extension Array where Element == UInt8 {
    // Little-endian reads; callers have checked the bounds.
    @inline(__always) func le16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    @inline(__always) func le32(_ at: Int) -> UInt32 {
        UInt32(self[at]) | UInt32(self[at + 1]) << 8 | UInt32(self[at + 2]) << 16 | UInt32(self[at + 3]) << 24
    }
    @inline(__always) func le64(_ at: Int) -> UInt64 { UInt64(le32(at)) | UInt64(le32(at + 4)) << 32 }
}
