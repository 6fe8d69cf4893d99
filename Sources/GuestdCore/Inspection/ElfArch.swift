/// The architecture of a guest binary from its ELF header: what the real daemon reads
/// from `file`'s description (daemon/filearch.ml, canonical_elf_arch), taken here from
/// e_ident and e_machine. Only executables, shared objects and relocatables count.
enum ElfArch {
    static func of(_ header: [UInt8]) -> String? {
        guard header.count >= 20, header[0 ..< 4] == [0x7f, 0x45, 0x4c, 0x46] else { return nil }
        let is64: Bool
        switch header[4] { case 1: is64 = false; case 2: is64 = true; default: return nil }
        let bigEndian: Bool
        switch header[5] { case 1: bigEndian = false; case 2: bigEndian = true; default: return nil }
        func u16(_ at: Int) -> Int {
            bigEndian ? Int(header[at]) << 8 | Int(header[at + 1]) : Int(header[at + 1]) << 8 | Int(header[at])
        }
        // e_type: ET_REL, ET_EXEC, ET_DYN.
        guard (1 ... 3).contains(u16(16)) else { return nil }
        switch u16(18) {
        case 3, 6: return "i386"            // Intel 80386, 80486
        case 62: return "x86_64"
        case 18: return "sparc"             // SPARC32PLUS
        case 43: return "sparc64"           // SPARC V9
        case 2: return "SPARC"              // file's own name, which no rule maps
        case 50: return "ia64"
        case 21: return bigEndian ? "ppc64" : "ppc64le"
        case 20: return "ppc"
        case 183: return "aarch64"
        case 40: return "arm"
        case 243: return is64 ? "riscv64" : "riscv32"
        case 22: return is64 ? "s390x" : "s390"
        case 8: return "MIPS"
        case 258: return "LoongArch"
        default: return nil
        }
    }
}
