/// The architecture of a Windows binary as the real daemon takes it from `file`'s
/// description (daemon/filearch.ml): "PE32 executable" is i386, "PE32+ executable"
/// x86_64. `file` says which from the optional header's magic, after the MZ header and
/// the "PE\0\0" signature at e_lfanew.
enum PEArch {
    static func of(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 0x40, bytes[0] == 0x4d, bytes[1] == 0x5a else { return nil }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        let pe = u16(0x3c) | u16(0x3e) << 16
        guard pe + 26 <= bytes.count, bytes[pe ..< pe + 4] == [0x50, 0x45, 0, 0] else { return nil }
        switch u16(pe + 24) {
        case 0x10b: return "i386"
        case 0x20b: return "x86_64"
        default: return nil
        }
    }
}
